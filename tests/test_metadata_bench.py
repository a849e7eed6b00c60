"""Quality gate: metadata accuracy on the shared benchmark may not drop below the pinned scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import metadata as bench

PINNED = Path(__file__).with_name("metadata_scores.json")
#: Allowed drop below a pinned score: about three pages of the 143, so a change that
#: trades one page for another passes, a regression does not.
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def scores(shared: Path) -> dict[str, float]:
    if not (shared / "metadata-bench" / "truth.json").is_file():
        pytest.skip("metadata-bench not in the shared folder")
    (result,) = bench.run(with_trafilatura=False)
    return {**result.scores, "body_f1": result.body_f1}


@pytest.mark.slow
@pytest.mark.parametrize("field", [*bench.FIELDS, "body_f1"])
def test_metadata_field_not_below_pinned(scores: dict[str, float], field: str) -> None:
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))[field]
    assert scores[field] >= pinned - TOLERANCE, f"{field}: {scores[field]:.3f} < pinned {pinned}"
