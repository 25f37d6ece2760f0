"""CI or not: with ``CI=true`` a missing service fails the run instead of skipping."""

from __future__ import annotations

import os

IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_service(reason: str) -> None:
    """Skip locally; fail in CI, where every service must be there."""
    import pytest

    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)
