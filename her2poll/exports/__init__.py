"""Post-session exports: CSV, XLSX, JSON and the PDF outcomes report.

Every format is written from one :class:`~her2poll.store.export.SessionSnapshot`
and takes its numbers from :func:`her2poll.core.results.session_results`, so a
file shows exactly what the results API and the moderator's panel showed.
Layers: web and cli call this package; it calls store and core.
"""
