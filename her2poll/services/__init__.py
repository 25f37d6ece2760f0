"""The service layer: the steps every entry point shares, in one place.

Socket.IO handlers (:mod:`her2poll.live`), HTTP routes (:mod:`her2poll.web`) and
the command line (:mod:`her2poll.cli`) parse their input, call one function here
and send back what it returns. A service loads what it needs through a
:class:`~.ports.Store`, asks :mod:`her2poll.core` for the rules and the views, and
writes through the store; unit tests pass a fake store (``tests/services``).
"""
