"""Quality gate: a small run of benchmarks/dedup.py must meet the near-copy, excerpt and
hard-negative targets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "dedup.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_dedup", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_dedup"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_near_copy_excerpt_and_hard_negative_targets(shared: Path) -> None:
    bench = _bench()
    out = bench.run(shared, stories=70, seed=3, baseline=False, half=0)
    ours = out["ours"]
    for kind in bench.NEGATIVE_KINDS:  # different stories sharing text stay apart
        assert ours[kind][0] >= 0.995, (kind, ours["false_merges"])
    assert ours["pair"][0] >= 0.995, ours["false_merges"]
    assert ours["pair"][1] >= 0.98
    assert ours["excerpt"][1] >= 0.95
