"""Benchmark the streaming export readers on a synthetic ~200 MB WXR and Disqus export.

    .venv/bin/python benchmarks/bench_exports.py            # 200 MB each (a few minutes)
    .venv/bin/python benchmarks/bench_exports.py --quick    # 2 MB each, a smoke run

For each format it writes a synthetic export under ``benchmarks/_data/`` (seeded, reused
when already there), then measures, each in a fresh Python process so that peak memory is
that run's alone:

- the baseline: ``lxml.etree.iterparse`` over the same file, only counting elements
  (clearing each, so it streams too);
- the reader: ``read_wxr`` / ``read_disqus``, which builds the full corpus tables.

The exports come from ``export_data.py``: every field WordPress and Disqus write, so
that other projects' readers can read them too (see ``bench_peers.py``).

It prints MB/s and peak resident memory (and its growth over the interpreter with the
libraries imported), the size of the tables the reader returned, and the reader/baseline
ratios.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
sys.path.insert(0, str(HERE))

from export_data import write_disqus, write_wxr  # noqa: E402  (the shared generators)


def _measure(what: str, path: str) -> None:
    """Child process: time one run over ``path`` and print a JSON line."""
    from lxml import etree

    import msdiscourse

    rss_imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if what == "baseline":
        count = 0
        for _, element in etree.iterparse(path, events=("end",)):
            count += 1
            element.clear()
        result = {"elements": count}
    else:
        reader = {"wxr": msdiscourse.read_wxr, "disqus": msdiscourse.read_disqus}[what]
        corpus = reader(path)
        tables = (corpus.posts, corpus.comments, corpus.unparsed)
        result = {"posts": len(corpus.posts), "comments": len(corpus.comments),
                  "unparsed": len(corpus.unparsed),
                  "tables_MB": round(sum(t.memory_usage(deep=True).sum() for t in tables) / 2**20)}
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**result, "seconds": seconds, "peak_kb": peak,
                      "growth_kb": peak - rss_imported}))


def _run(what: str, path: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--measure", what, str(path)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200.0,
                        help="size of each synthetic export in MB (default 200)")
    parser.add_argument("--quick", action="store_true", help="2 MB each: a smoke run")
    parser.add_argument("--formats", nargs="+", default=["wxr", "disqus"], choices=["wxr", "disqus"])
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure(*args.measure)
        return 0
    size_mb = 2.0 if args.quick else args.size_mb
    DATA.mkdir(parents=True, exist_ok=True)
    writers = {"wxr": write_wxr, "disqus": write_disqus}
    print(f"{'format':8} {'run':9} {'MB':>7} {'s':>7} {'MB/s':>7} {'peak MB':>8} {'growth MB':>9}  output")
    for fmt in args.formats:
        path = DATA / f"realistic-{fmt}-{size_mb:g}MB.xml"
        if not path.exists():
            writers[fmt](path, int(size_mb * 1_000_000))
        megabytes = path.stat().st_size / 1_000_000
        runs = {"baseline": _run("baseline", path), "reader": _run(fmt, path)}
        for name, run in runs.items():
            output = ", ".join(f"{k}={v}" for k, v in run.items()
                               if k not in ("seconds", "peak_kb", "growth_kb"))
            print(f"{fmt:8} {name:9} {megabytes:7.1f} {run['seconds']:7.2f} "
                  f"{megabytes / run['seconds']:7.1f} {run['peak_kb'] / 1024:8.0f} "
                  f"{run['growth_kb'] / 1024:9.0f}  {output}")
        base, ours = runs["baseline"], runs["reader"]
        print(f"{fmt:8} ratio     reader/baseline: time x{ours['seconds'] / base['seconds']:.1f}, "
              f"peak memory x{ours['peak_kb'] / base['peak_kb']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
