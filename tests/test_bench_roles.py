"""The roles benchmark runs end to end (tiny size) and prints its figures beside the baseline."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark


@pytest.mark.slow
def test_bench_roles_quick_run():
    stdout = run_benchmark("bench_roles.py", "--quick")
    out = stdout
    assert out.startswith("2,000 synthetic comments on 20 posts")
    decided = int(re.search(r"assign_roles .* ([\d,]+) comments with a role", out).group(1).replace(",", ""))
    assert 300 < decided < 2_000  # disclosures are rare, but carry to the same author's comments
    assert re.search(r"each cue per comment \(baseline\): +[\d.]+ s", out)
    assert re.search(r"^speed-up: [\d.]+x$", out, re.MULTILINE)
    assert "2,000 edges" in out
