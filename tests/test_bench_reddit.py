"""The Reddit benchmark runs end to end (1 MB) and both engines give the same answers."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark

pytest.importorskip("distributed")


@pytest.mark.slow
def test_bench_reddit_quick_run():
    stdout = run_benchmark("bench_reddit.py", "--quick", timeout=600)
    out = stdout
    rows = re.findall(r"^\s+1\s+(pandas|dask)\s+([\d,]+)\s+[\d.]+\s+\d+\s+[\d.]+\s+\d+\s+(\d+)",
                      out, re.MULTILINE)
    assert [engine for engine, _, _ in rows] == ["pandas", "dask"]
    assert rows[0][1] == rows[1][1] and int(rows[0][1].replace(",", "")) > 1000
    assert all(200 < int(peak) < 4000 for _, _, peak in rows)
    assert "same answers as pandas: yes" in out
    assert re.search(r"dask/pandas", out) and re.search(r"load avg", out)
    # where the CPU goes, to compare sizes: each pandas step, Dask's busiest task groups
    steps = dict(re.findall(r"(\w+) ([\d,]+)", re.search(
        r"pandas: CPU s per GB by step (.*)", out).group(1)))
    assert list(steps) == ["read", "sentences", "tone", "markers", "roles", "profile",
                           "comment_tone", "exchanges"]
    groups = re.search(r"dask: seconds per GB in the task groups that took most (.*)",
                       out).group(1).split("; ")
    assert len(groups) == 6 and any(group.startswith("on_corpus ") for group in groups)
