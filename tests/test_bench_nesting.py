"""The nesting benchmark runs end to end (small sizes) and prints a row per size."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark


@pytest.mark.slow
def test_bench_nesting_quick_run():
    stdout = run_benchmark("bench_nesting.py", "--quick", timeout=600)
    lines = stdout.splitlines()
    for depth in (1024, 4096):
        for what in ("read_html_page", "html_to_text"):
            assert any(re.match(rf"\s+{depth}\s+{what}\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\(load ",
                                line) for line in lines), (depth, what)
    for size in (256, 1024, 4096, 16384):
        assert any(re.match(rf"\s+{size}\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\(load ", line)
                   for line in lines), size
