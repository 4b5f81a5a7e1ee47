"""The page-dump benchmark runs end to end (1 MB) and prints its figures beside the baseline."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR


@pytest.mark.slow
def test_bench_pagedump_quick_run(tmp_path):
    done = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "benchmarks" / "bench_pagedump.py"), "--quick",
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_DIR,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    pages = int(re.search(r"input: (\d+) pages", out).group(1))
    assert pages >= 50 and len(list((tmp_path / "pagedump-1MB").glob("*.txt"))) == pages
    assert re.search(r"^baseline \(read \+ splitlines\) .* MB/s .* peak memory", out, re.M)
    assert re.search(r"^read_corpus .* MB/s .* peak memory", out, re.M)
    assert re.search(rf"read_corpus: {pages} posts, \d+ comments, max depth \d, 0 unparsed", out)
    assert re.search(r"ratio: read_corpus takes [\d.]+x the baseline's wall time", out)
    # the one-big-page run: timed beside its baseline, then traced (Python heap, Arrow pool)
    assert re.search(r"read_pagedump \(one file\): 1 posts, [1-9]\d* comments", out)
    assert re.search(r"ratio: read_pagedump \(one file\) takes [\d.]+x .* peak memory [\d.]+x input", out)
    traced = re.search(r"traced: Python heap peak ([\d.]+)x input \(tracemalloc\), Arrow pool peak ([\d.]+)x", out)
    assert traced and float(traced.group(1)) > 0 and float(traced.group(2)) > 0
