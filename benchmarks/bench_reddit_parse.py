"""The Dask engine's parse of a Reddit dump alone, at several partition sizes.

    .venv/bin/python benchmarks/bench_reddit_parse.py                        # 256 MB; 2, 8, 32 MB partitions
    .venv/bin/python benchmarks/bench_reddit_parse.py --size-mb 1024 --partition-mb 2 8 32
    .venv/bin/python benchmarks/bench_reddit_parse.py --quick                # 4 MB; 1 and 2 MB: a smoke run
    .venv/bin/python benchmarks/bench_reddit_parse.py --partition-mb 2 --arrow-pool mimalloc system
    .venv/bin/python benchmarks/bench_reddit_parse.py --partition-mb 2 --give-back-mb none 16 0

``mdd.read_reddit(...).save(folder)``, as ``msdiscourse parse --engine dask`` runs it, on
a ``LocalCluster`` of two single-threaded worker processes, on the seeded synthetic dump of
``benchmarks/bench_reddit.py`` (the same files: one ``RS_`` and one ``RC_`` file per 16 MB
month). The parse is one task per file (each file's rows kept on its worker's disk in
batches of 32 MB of lines, so one batch per file here) and one shuffle by post into the
partitions, so the shuffle's pieces are at most files times partitions: at a fixed dump,
the partition size sets the pieces. Printed per partition size: partitions, the pieces' upper bound,
wall seconds, CPU seconds (workers and this process, which runs the scheduler), the
largest worker's peak (and, below it, the task groups running when that peak rose most
and what the worker's memory was made of just after it: ``bench_reddit``'s peak
sampler), the CPU of the task groups that took most, and ratios to the
first partition size measured in the same run. ``--arrow-pool`` runs each partition size
with each of Arrow's allocators in the workers (``mdd.get_client``'s
``arrow_memory_pool``), and ``--give-back-mb`` with each threshold of the workers'
``mdd.GiveBackMemory`` plugin (``none``: no plugin), ratios then to the first setting's
run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def parse_once(folder: Path, npartitions: int, workers: int, arrow_pool: str = "system",
               give_back: int | None = None) -> dict:
    """One parse and save on a new cluster (so each size starts from fresh workers)."""
    import cloudpickle
    import bench_reddit
    import msdiscourse.dask as mdd

    # the workers cannot import this folder's modules: its helpers travel by value
    cloudpickle.register_pickle_by_value(bench_reddit)
    cpu_seconds, peak_mb = bench_reddit._cpu_seconds, bench_reddit._peak_mb
    client = mdd.get_client(workers=workers, arrow_memory_pool=arrow_pool,
                            give_back_memory=give_back)
    cluster = client.cluster
    try:
        client.run(lambda: __import__("msdiscourse.io.reddit"))  # warm: imports, not work
        client.run(bench_reddit._start_peak_sampler)
        cpu_start = sum(client.run(cpu_seconds).values()) + cpu_seconds()
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as scratch:
            corpus = mdd.read_reddit(folder, npartitions=npartitions)
            corpus.save(Path(scratch) / "saved")
            files = len(list(folder.glob("R[SC]_*")))
        seconds = time.perf_counter() - start
        cpu = sum(client.run(cpu_seconds).values()) + cpu_seconds() - cpu_start
        groups = client.run_on_scheduler(bench_reddit._task_group_seconds)
        peaks = client.run(peak_mb)
        largest = max(peaks, key=peaks.get)  # what raised its peak, and what it was made of
        raisers = client.run(bench_reddit._peak_raisers, workers=[largest])[largest]
        at_peak = client.run(bench_reddit._memory_at_peak, workers=[largest])[largest]
        return {"partitions": npartitions, "files": files, "seconds": seconds, "cpu": cpu,
                "peak_mb": peaks[largest], "groups": groups, "raisers": raisers,
                "at_peak": at_peak}
    finally:
        client.close()
        cluster.close()


def main(argv: list[str] | None = None) -> int:
    import msdiscourse.dask as mdd

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=256)
    parser.add_argument("--partition-mb", type=float, nargs="+", default=[2, 8, 32])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--arrow-pool", nargs="+", default=["system"],
                        choices=mdd.ARROW_MEMORY_POOLS,
                        help="Arrow's allocator in the workers; several: one run each")
    parser.add_argument("--give-back-mb", nargs="+", default=[f"{mdd.GIVE_BACK_BYTES / 2**20:g}"],
                        help="the workers' GiveBackMemory threshold in MB, or 'none' (no "
                             "plugin); several: one run each")
    parser.add_argument("--quick", action="store_true", help="4 MB; 1 and 2 MB partitions")
    options = parser.parse_args(argv)
    if options.quick:
        options.size_mb, options.partition_mb = 4, [1, 2]

    import logging

    from bench_reddit import dump_folder  # the same seeded dumps as the whole benchmark

    # each shuffle logs its start and end as warnings: not news here
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)

    folder = dump_folder(options.size_mb)
    for give_back in options.give_back_mb:
        if give_back != "none" and not give_back.replace(".", "", 1).isdigit():
            parser.error(f"--give-back-mb: expected MB or 'none'; got {give_back!r}")
    settings = [(pool, give_back) for pool in options.arrow_pool
                for give_back in options.give_back_mb]
    print(f"Parse and save of a {options.size_mb:g} MB synthetic Reddit dump, "
          f"{options.workers} worker processes; ratios to the first "
          + ("setting's run" if len(settings) > 1 else "partition size"))
    print(f"{'pool':>8} {'give MB':>7} {'part MB':>7} {'parts':>6} {'pieces<=':>9} {'seconds':>8} {'CPU s':>7} "
          f"{'peak MB':>7}  {'s ratio':>7} {'CPU ratio':>9}  task groups (CPU s)")
    first = {}
    for partition_mb in options.partition_mb:
        npartitions = max(1, round(options.size_mb / partition_mb))
        for pool, give_back in settings:
            result = parse_once(folder, npartitions, options.workers, pool,
                                None if give_back == "none" else round(float(give_back) * 2**20))
            # ratios to the first partition size (one setting) or to the first setting
            baseline = first.setdefault(partition_mb if len(settings) > 1 else 0, result)
            top = sorted(result["groups"].items(), key=lambda item: -item[1])[:5]
            print(f"{pool:>8} {give_back:>7} {partition_mb:>7g} {npartitions:>6,} "
                  f"{result['files'] * npartitions:>9,} "
                  f"{result['seconds']:>8.1f} {result['cpu']:>7.1f} {result['peak_mb']:>7.0f}  "
                  f"{result['seconds'] / baseline['seconds']:>7.2f} "
                  f"{result['cpu'] / baseline['cpu']:>9.2f}  "
                  + "; ".join(f"{name} {seconds:.1f}" for name, seconds in top), flush=True)
            parts = result["at_peak"]
            print(f"{'':>25} largest worker's peak raised by "
                  + "; ".join(f"{label} {mb:.0f} MB" for label, mb in result["raisers"])
                  + (f"; just after it: Python's heap {parts['python_heap']:.0f} "
                     f"({parts['python_in_use']:.0f} in use), C heap {parts['c_heap']:.0f} "
                     f"({parts['c_in_use']:.0f} in use), the rest {parts['rest']:.0f} "
                     f"(Arrow's allocations {parts.get('arrow', 0):.0f}), "
                     f"{parts.get('task_records', 0):,} task records"
                     if "python_heap" in parts and "c_heap" in parts else ""), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
