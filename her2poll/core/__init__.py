"""The pure domain of her2poll.

Nothing in this package performs I/O or imports Flask, SQLAlchemy or
Socket.IO: it is the part every other layer leans on, so it must be fast to
test and impossible to entangle with a framework.
"""
