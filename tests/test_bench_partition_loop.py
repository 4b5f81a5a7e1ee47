"""The one-process partition loop runs end to end (--quick): every partition, the memory read
at each checkpoint, the peak against the first partition's."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR, run_benchmark

pytest.importorskip("distributed")


@pytest.mark.slow
def test_bench_partition_loop_quick_run():
    out = run_benchmark("bench_partition_loop.py", "--quick", "--every", "2")
    header = re.search(r"^(\d+) of (\d+) partitions of reddit-1MB, steps "
                       r"analyses,roles,pack,exchanges, one process$", out, re.M)
    assert header and header.group(1) == header.group(2) and int(header.group(1)) >= 4
    rows = [tuple(map(float, row)) for row in re.findall(
        r"^\s+(\d+)\s+([\d,]+)\s+(\d+)\s+(\d+)\s+(\d+) \(\s*(\d+) used\)\s+(\d+) \(\s*(\d+) used\)"
        r"\s+([\d.]+)$", out.replace(",", ""), re.M)]
    assert [int(row[0]) for row in rows] == [1, 2, 4]  # the first two, then every second
    for _, largest, resident, peak, python, python_used, c_heap, c_used, ratio in rows:
        assert 50 < largest < 5000  # comments in the largest partition so far
        assert 100 < resident <= peak + 1
        assert 0 < python_used <= python and 0 < c_used <= c_heap
        assert ratio == pytest.approx(peak / rows[0][3], abs=0.01)
    assert [row[1] for row in rows] == sorted(row[1] for row in rows)  # the largest so far
    assert [row[3] for row in rows] == sorted(row[3] for row in rows)  # a peak only grows
    assert re.search(r"^4 partitions in \d+ s$", out, re.M)


def test_bench_partition_loop_refuses_exchanges_without_their_inputs():
    done = subprocess.run([sys.executable, str(PROJECT_DIR / "benchmarks" / "bench_partition_loop.py"),
                           "--steps", "roles,exchanges"], capture_output=True, text=True,
                          cwd=PROJECT_DIR, timeout=120)
    assert done.returncode == 2
    assert "--steps: exchanges needs analyses and roles" in done.stderr
