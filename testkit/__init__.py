"""Test support shared by ``tests/`` and ``bench/``, which never import each other.

- :mod:`testkit.servers`: :class:`~testkit.servers.LiveServer`, ``free_port``,
  ``fresh_pg_database``.
- :mod:`testkit.ci`: ``IN_CI`` and ``missing_service`` (skip locally, fail in CI).
- :mod:`testkit.phones`: attendee and moderator Socket.IO clients.
- :mod:`testkit.wait`: ``wait_until``, for a condition, never a fixed sleep.
- :mod:`testkit.browser`: Chromium's launch flags.
- :mod:`testkit.pages`: phones, panel and projector in a browser test (cards, screenshots,
  the panel's export menu).
- :mod:`testkit.cluster`, :mod:`testkit.nginx`, :mod:`testkit.procs`: several processes
  behind nginx (``python -m testkit.cluster``), and the process helpers they need.

Modules import what they use lazily where it is heavy, so ``import testkit`` is cheap.
"""
