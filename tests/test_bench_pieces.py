"""The pieces benchmark runs end to end (--quick): one partition of a seeded dump cut both
ways, the same table back, and the engine's pieces lighter than pickled tables."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark


@pytest.mark.slow
def test_bench_pieces_quick_run():
    out = run_benchmark("bench_pieces.py", "--quick")
    assert "One partition of a 0.5 MB synthetic dump" in out
    rows = re.findall(r"^\s*(posts|comments\*?)\s+([\d,]+)\s+(\d+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)"
                      r"\s+([\d.]+)\s", out, re.M)
    # the seeded 0.5 MB dump: 70 posts and 1,299 comments, in 42 of the 64 outputs
    assert [(table, count, outputs, pieces) for table, count, outputs, pieces, *_ in rows] == [
        ("posts", "70", "64", "42"), ("comments", "1,299", "64", "42"),
        ("comments*", "1,299", "64", "42")]
    for *_, kb_base, kb_engine, ratio in rows:
        assert int(kb_engine.replace(",", "")) < int(kb_base.replace(",", ""))
        assert 0 < float(ratio) < 1
