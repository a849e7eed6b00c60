from __future__ import annotations

from pathlib import Path

import pytest

from scraper.paths import SHARED_ENV, shared_dir


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data folder; tests that need it skip with the reason where it is absent."""
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path} (set ${SHARED_ENV} to its folder)")
    return path
