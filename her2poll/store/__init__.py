"""The store: her2poll's state in a relational database.

A thin layer over SQLAlchemy 2.x. Functions here take a :class:`~.db.Database`
and primitives, run one transaction, and return core values; the database is
the source of truth, so a function that writes returns only after its commit.
"""
