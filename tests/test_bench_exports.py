"""The export benchmark runs end to end (tiny size) and prints its figures beside the baseline."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark


@pytest.mark.slow
def test_bench_exports_quick_run():
    stdout = run_benchmark("bench_exports.py", "--quick")
    lines = stdout.splitlines()
    for fmt in ("wxr", "disqus"):
        baseline = next(line for line in lines if line.startswith(f"{fmt} ") and " baseline " in line)
        reader = next(line for line in lines if line.startswith(f"{fmt} ") and " reader " in line)
        assert int(re.search(r"elements=(\d+)", baseline).group(1)) > 10_000
        assert int(re.search(r"comments=(\d+)", reader).group(1)) > 1_000
        unparsed = int(re.search(r"unparsed=(\d+)", reader).group(1))
        # the realistic WXR holds a few attachments, each skipped with a note; Disqus none
        assert (0 < unparsed < 20) if fmt == "wxr" else unparsed == 0
        assert any(re.match(rf"{fmt}\s+ratio\s+reader/baseline: time x[\d.]+, peak memory x[\d.]+$", line)
                   for line in lines)
