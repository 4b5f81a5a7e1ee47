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
    # the spread of the partitions' sizes: the mean, the 99th percentile and the largest
    spread = re.search(r"dask: comments per partition: mean ([\d,]+), 99th percentile ([\d,]+), "
                       r"largest ([\d,]+) \(([\d.]+)x the mean\)", out)
    mean, p99, largest = (int(spread.group(i).replace(",", "")) for i in (1, 2, 3))
    total = int(rows[1][1].replace(",", ""))
    partitions = int(re.search(r"dask: (\d+) partitions", out).group(1))
    assert abs(mean * partitions - total) <= partitions  # the mean of counts that add up
    assert mean <= p99 <= largest < total
    assert float(spread.group(4)) == pytest.approx(largest / mean, abs=0.01)
    # what each worker's memory was made of at its peak: the parts add up to its resident size
    parts = re.findall(r"worker \d \(by peak\) just after its peak reached (\d+) MB, (\d+) MB "
                       r"resident: Python's small-object heap (\d+) \((\d+) in use\), C heap "
                       r"(\d+) \((\d+) in use\), libraries (\d+), the rest (-?\d+)", out)
    assert len(parts) == 2
    for peak, resident, python, python_used, c_heap, c_used, libraries, rest in (
            map(int, found) for found in parts):
        assert resident <= peak + 1
        assert 0 < python_used <= python and 0 < c_used <= c_heap and libraries > 10
        assert abs(python + c_heap + libraries + rest - resident) <= 3  # each rounded
        assert python > 20  # the imported code's objects alone
    # the machine's speed beside each run, and its ratio to the first run's
    speeds = re.findall(r"(pandas|dask): machine speed: reference work ([\d.]+) ms \(median of "
                        r"(\d+), [\d.]+ to [\d.]+\); ([\d.]+)x the first run's", out)
    assert [engine for engine, *_ in speeds] == ["pandas", "dask"]
    assert all(float(ms) > 1 and int(samples) >= 2 for _, ms, samples, _ in speeds)
    assert speeds[0][3] == "1.00"  # the first run is its own baseline


def test_speed_probe_samples_the_reference_work_through_the_block():
    import importlib.util
    import time

    from tests.conftest import PROJECT_DIR

    spec = importlib.util.spec_from_file_location(
        "bench_reddit", PROJECT_DIR / "benchmarks" / "bench_reddit.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with bench.SpeedProbe(interval=0.05) as probe:
        time.sleep(0.4)
    # one at the start, one at the end, and every 0.05 s between (each takes some ms itself)
    assert len(probe.samples_ms) >= 4
    assert all(sample > 1 for sample in probe.samples_ms)
    assert min(probe.samples_ms) <= probe.median_ms <= max(probe.samples_ms)


@pytest.mark.slow
def test_bench_reddit_without_exchanges_computes_their_inputs_and_compares_nothing():
    out = run_benchmark("bench_reddit.py", "--quick", "--engines", "dask", "--without-exchanges",
                        timeout=600)
    row = re.search(r"^\s+1\s+dask\s+([\d,]+)\s", out, re.M)
    assert row and int(row.group(1).replace(",", "")) > 1000  # every comment still read
    assert re.search(r"dask: \d+ partitions, parse\+save [\d.]+ s, worker peaks \d+, \d+ MB; "
                     r"without the exchanges \(--without-exchanges\)$", out, re.M)
    assert "same answers as pandas" not in out  # no exchange matrix to compare
