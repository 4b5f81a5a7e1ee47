"""The parse benchmark runs end to end (--quick): the seeded 4 MB dump parsed and saved at
two partition sizes on two workers, with the pieces' bound and ratios to the first."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark


@pytest.mark.slow
def test_bench_reddit_parse_quick_run():
    out = run_benchmark("bench_reddit_parse.py", "--quick")
    assert "Parse and save of a 4 MB synthetic Reddit dump, 2 worker processes" in out
    rows = re.findall(r"^\s+system\s+4\s+([\d.]+)\s+(\d+)\s+([\d,]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+"
                      r"([\d.]+)\s+([\d.]+)\s+(.*)$", out, re.M)
    # 4 MB in 1 and 2 MB partitions; the dump's 3 months are 6 files
    assert [(size, parts, pieces) for size, parts, pieces, *_ in rows] == [
        ("1", "4", "24"), ("2", "2", "12")]
    assert rows[0][6] == "1.00" and rows[0][7] == "1.00"
    # the file tasks and the shuffle are there, each with its CPU
    assert all("parse" in groups and "shuffle-transfer" in groups for *_, groups in rows)
    # below each row, what raised the largest worker's peak, and its memory's parts
    raised = re.findall(r"^\s+largest worker's peak raised by (.*)$", out, re.M)
    assert len(raised) == 2
    assert all(re.match(r"[\w +()-]+ \d+ MB;", line) and "Python's heap" in line
               and "task records" in line for line in raised)
