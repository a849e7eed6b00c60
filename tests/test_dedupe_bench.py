"""Quality gate: a small run of benchmarks/dedup.py must meet the near-copy targets."""

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
def test_near_copy_and_excerpt_targets(shared: Path) -> None:
    bench = _bench()
    out = bench.run(shared, stories=60, seed=3, baseline=False)
    ours = out["ours"]
    precision, recall = bench.near_copy_pair(ours)
    assert precision >= 0.995, ours["false_merges"]
    assert recall >= 0.98
    assert ours["partial"][1] >= 0.9
    assert ours["excerpts_merged"] == 0
