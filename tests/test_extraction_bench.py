"""Quality gate: our extractor on the shared 123-page benchmark (skips without the data)."""

from __future__ import annotations

import pytest

from benchmarks.extraction import bench_dir, load_pages, ours, run
from benchmarks.scoring import aggregate, half, shingle_scores

#: Measured 0.982 when the gate was set, 0.981 with extractor version 2 (which adds
#: class-marked standfirsts this benchmark's truth mostly leaves out), 0.982 with
#: version 3 (teaser cards, captions, headline/byline/date lines); trafilatura
#: alone gets 0.973. Those figures scored lede + body; scoring the stored ``body`` alone
#: (as the benchmark does now) gives 0.973; version 6 keeps the first paragraph in the
#: body and scores 0.984 (halves 0.984 / 0.985); version 8 (text that is not the article:
#: calls to action, contributor notes, fact boxes, ...) 0.986 (0.986 / 0.987), recall
#: unchanged. The margin absorbs small changes of
#: trafilatura's releases, not a lost stage: dropping the first paragraph again fails it.
MIN_F1 = 0.978

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result(shared):
    if not (bench_dir(shared) / "ground-truth.json").is_file():
        pytest.skip(f"extraction benchmark not found under {bench_dir(shared)}")
    return run("ours", ours, load_pages(shared))


def test_f1_above_gate(result):
    assert result.score.f1 >= MIN_F1, f"F1 {result.score.f1:.3f} < {MIN_F1}"


@pytest.mark.parametrize("which", [0, 1])
def test_each_half_above_gate(result, which):
    """A rule tuned on one fixed half must not sink the other (0.986 and 0.987, version 8)."""
    f1 = aggregate(s for page_id, s in result.pages.items() if half(page_id) == which).f1
    assert f1 >= MIN_F1, f"half {which}: F1 {f1:.3f} < {MIN_F1}"


def test_no_exception(result):
    assert result.exceptions == 0


def test_no_empty_page(result):
    empty = [page_id for page_id, score in result.pages.items() if score.empty]
    assert not empty, f"empty extraction on {empty}"


def test_scoring_definition():
    assert shingle_scores("a b c d e", "a b c d e").exact
    half = shingle_scores("a b c d e", "a b c d x")
    assert (half.precision, half.recall) == (0.5, 0.5)
    empty = shingle_scores("", "a b c d")
    assert empty.empty and empty.precision is None and empty.recall == 0.0
    agg = aggregate([shingle_scores("a b c d", "a b c d"), empty])
    assert (agg.precision, agg.recall, agg.empty) == (1.0, 0.5, 1)
