"""The shuffle benchmark runs end to end (--quick): both computes, every row back, ratios;
then a keyed table into every partition and into a quarter of them."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark


@pytest.mark.slow
def test_bench_shuffle_quick_run():
    stdout = run_benchmark("bench_shuffle.py", "--quick")
    out = stdout
    assert re.search(r"^Shuffle by author of 5,000 rows, 2 worker processes", out, re.M)
    rows = re.findall(r"^\s+(\d+)\s+(dask|mdd)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*([\d.]*)\s+([\d.]+)$",
                      out, re.M)
    assert [(n, engine) for n, engine, *_ in rows] == [
        ("4", "dask"), ("4", "mdd"), ("16", "dask"), ("16", "mdd")]
    assert all(float(ratio) > 0 for *_, ratio, _ in rows[1::2])
    assert "A keyed table of 200 rows per partition" in out
    keyed = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*([\d.]*)$",
                       out, re.M)
    assert [(n, outputs, pieces) for n, outputs, pieces, *_ in keyed] == [
        ("8", "8", "64"), ("8", "2", "16"), ("16", "16", "256"), ("16", "4", "64")]
    assert all(float(ratio) > 0 for *_, ratio in keyed[1::2])
