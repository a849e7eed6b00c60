"""Where the project finds data that lives outside the package."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Benchmarks and quality tests read ``$AINEWS_SHARED`` (default: ``../shared`` beside the
#: checkout). It holds the extraction, metadata and seed data sets; it is never copied in.
SHARED_ENV = "AINEWS_SHARED"


def shared_dir() -> Path:
    """The shared data folder (it may not exist in a user's clone)."""
    return Path(os.environ.get(SHARED_ENV, REPO_ROOT.parent / "shared")).resolve()
