"""A disk-backed shuffle inside ``msdiscourse.dask.compute``, beside ``dask.compute``.

    .venv/bin/python benchmarks/bench_shuffle.py            # 100,000 rows; 64, 256, 512 partitions
    .venv/bin/python benchmarks/bench_shuffle.py --quick    # 5,000 rows; 4 and 16: a smoke run
    .venv/bin/python benchmarks/bench_shuffle.py --rows 200000 --partitions 64 1024
    .venv/bin/python benchmarks/bench_shuffle.py --keyed-rows 2000   # rows per partition, below

The same table (one row per comment: an author, a short text, a number) is spread over
``N`` partitions on a ``LocalCluster`` of two single-threaded worker processes and
shuffled by author through Dask's disk-backed shuffle (``p2p``), as the Dask engine's
group-bys do (``msdiscourse.dask._shuffled_together``); then each output partition's rows are
counted. Two ways to compute it, in this order, on the same cluster:

- ``dask.compute`` (the baseline): the whole graph at once;
- ``mdd.compute``: a few partitions at a time (the library's way: no worker holds more
  than the partitions in flight). The shuffle's barrier, which every output needs, is
  computed once and held; before that was so, every window ran the whole shuffle again.

Printed per partition count: wall seconds, the workers' CPU seconds and this process's
(client and scheduler), and ``mdd/dask`` ratios measured in the same run. The last
column is the workers' CPU per partition: a shuffle cuts each of its ``N`` input
partitions into ``N`` pieces, so the pieces grow with the square of the partitions;
with the same rows at every count (as here) most pieces are empty and the cost follows
the partitions. At a fixed partition size every piece holds rows, and reading an output
back grows with the partitions (docs/scale-measurements.md, "where the CPU per GB grows").

Then the engine's shuffles of a small table keyed across the corpus (role evidence, the
names, author keys: ``msdiscourse.dask._keyed_partitions``): ``--keyed-rows`` rows per
input partition (2,000 by default, as the role evidence of a 2 MB partition of the
synthetic dump), so every piece holds rows, shuffled by author into one output per input
partition (the baseline) and into a quarter of the partitions (the engine's way), each
computed with ``dask.compute``. Printed per partition count: the pieces (inputs x
outputs), wall seconds, the workers' CPU seconds and ms per input partition, and the
``quarter/whole`` ratio of the workers' CPU measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def table(rows: int, seed: int = 0):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    return pd.DataFrame({"author": [f"user{i}" for i in rng.integers(0, max(1, rows // 8), rows)],
                         "text": ["a short comment of a few words"] * rows,
                         "n": np.arange(rows)})


def measure(client, frame, npartitions: int, outputs: int | None = None,
            engines: tuple[str, ...] = ("dask", "mdd")) -> dict:
    """Time one shuffle by author of ``frame`` (in ``npartitions`` partitions) into ``outputs``
    partitions (default: as many), computed by each of ``engines``: ``"dask"`` (``dask.compute``)
    and ``"mdd"`` (``msdiscourse.dask.compute``, a few partitions at a time).

    Returns ``{engine: {"seconds", "worker_cpu", "client_cpu", "rows"}}``; stops the benchmark
    if a row is lost.
    """
    import dask
    import dask.dataframe as dd
    from distributed import wait

    import msdiscourse.dask as mdd

    outputs = npartitions if outputs is None else outputs
    spread = client.persist(dd.from_pandas(frame, npartitions=npartitions))
    wait(spread)
    counts = mdd._shuffled_together([spread], "author", outputs)[0].map_partitions(len)
    computes = {"dask": lambda: dask.compute(counts)[0], "mdd": lambda: mdd.compute(counts)[0]}
    results = {}
    for name in engines:
        workers_before = sum(client.run(_cpu_seconds).values())
        here_before = _cpu_seconds()
        started = time.perf_counter()
        found = computes[name]()
        results[name] = {"seconds": time.perf_counter() - started,
                         "worker_cpu": sum(client.run(_cpu_seconds).values()) - workers_before,
                         "client_cpu": _cpu_seconds() - here_before,
                         "rows": int(found.sum())}
    if any(result["rows"] != len(frame) for result in results.values()):
        raise SystemExit(f"{npartitions} into {outputs} partitions: rows lost in the shuffle: "
                         f"{results}")
    return results


def keyed_comparison(client, rows_per_partition: int, partitions: list[int]) -> None:
    """Print the keyed table's shuffle into every partition and into a quarter of them."""
    import msdiscourse.dask as mdd

    print(f"\nA keyed table of {rows_per_partition:,} rows per partition, shuffled by author "
          f"into one output per partition (whole) and into a quarter (the engine's way)")
    print(f"{'partitions':>10} {'outputs':>8} {'pieces':>8} {'seconds':>8} {'worker CPU s':>12} "
          f"{'worker CPU ms per partition':>28} {'quarter/whole CPU':>17}")
    for n in partitions:
        frame = table(rows_per_partition * n, seed=n)
        whole = measure(client, frame, n, engines=("dask",))["dask"]
        quarter_outputs = mdd._keyed_partitions(n)
        quarter = measure(client, frame, n, quarter_outputs, engines=("dask",))["dask"]
        for outputs, result in ((n, whole), (quarter_outputs, quarter)):
            ratio = (f"{quarter['worker_cpu'] / whole['worker_cpu']:.2f}"
                     if result is quarter else "")
            print(f"{n:>10} {outputs:>8} {n * outputs:>8} {result['seconds']:>8.1f} "
                  f"{result['worker_cpu']:>12.1f} {1000 * result['worker_cpu'] / n:>28.1f} "
                  f"{ratio:>17}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--partitions", type=int, nargs="+", default=[64, 256, 512])
    parser.add_argument("--keyed-rows", type=int, default=2_000,
                        help="rows per partition of the keyed table (default 2,000)")
    parser.add_argument("--keyed-partitions", type=int, nargs="+", default=[64, 256, 512])
    parser.add_argument("--quick", action="store_true",
                        help="5,000 rows; 4 and 16 partitions; a keyed table of 200 rows per "
                             "partition in 8 and 16")
    args = parser.parse_args(argv)
    rows, partitions = (5_000, [4, 16]) if args.quick else (args.rows, args.partitions)
    keyed_rows, keyed_partitions = ((200, [8, 16]) if args.quick
                                    else (args.keyed_rows, args.keyed_partitions))

    import msdiscourse.dask as mdd

    client = mdd.get_client(workers=2)
    try:
        measure(client, table(1_000), 2)  # warm: the workers' imports, not work
        frame = table(rows)
        print(f"Shuffle by author of {rows:,} rows, 2 worker processes (1 thread each), "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
        print(f"{'partitions':>10} {'engine':>6} {'seconds':>8} {'worker CPU s':>12} "
              f"{'client CPU s':>12} {'mdd/dask time':>13} {'worker CPU ms per partition':>28}")
        for n in partitions:
            got = measure(client, frame, n)
            for name in ("dask", "mdd"):
                result = got[name]
                ratio = (f"{result['seconds'] / got['dask']['seconds']:.2f}"
                         if name == "mdd" else "")
                print(f"{n:>10} {name:>6} {result['seconds']:>8.1f} {result['worker_cpu']:>12.1f} "
                      f"{result['client_cpu']:>12.1f} {ratio:>13} "
                      f"{1000 * result['worker_cpu'] / n:>28.1f}", flush=True)
        keyed_comparison(client, keyed_rows, keyed_partitions)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
