"""A shuffle's pieces: pickled tables (the baseline) against columns' values (the engine's).

    .venv/bin/python benchmarks/bench_pieces.py              # a 2 MB dump; 256 and 1,024 outputs
    .venv/bin/python benchmarks/bench_pieces.py --quick      # 0.5 MB; 64 outputs: a smoke run
    .venv/bin/python benchmarks/bench_pieces.py --dump-mb 4 --outputs 64 1024

The Dask engine's shuffles of tables joined on a key (posts with comments, role evidence
with groups, ...) cut each input partition into one piece per output partition
(``msdiscourse.dask._packed``). Here one partition's tables, read from a seeded synthetic
Reddit dump of ``--dump-mb`` MB (the partition size of the 2 GB benchmark runs), are cut
into pieces for ``N`` outputs and put back together, in one process, both ways:

- baseline: each piece pickled as a DataFrame (the engine's code before the change), put
  back with ``pd.concat``;
- engine: :func:`msdiscourse.dask._pieces_of` / ``_table_of_pieces`` (each piece its
  columns' values; names and dtypes from the table's empty frame).

``comments*`` are the comments with their times at a finer unit than the empty frame's,
as the parse's tables come out of the files: each piece then carries its own names and
dtypes.

Printed per table and output count: the pieces' bytes, the CPU seconds to pack and to
unpack (median of ``--repeat`` runs), and the ``engine/baseline`` ratios measured in the
same run. Both ways must give back the same table (checked each time).
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _tables(dump_mb: float) -> dict[str, pd.DataFrame]:
    import msdiscourse as msd
    from msdiscourse._synthetic_reddit import write_synthetic_dump

    with tempfile.TemporaryDirectory() as folder:
        write_synthetic_dump(folder, target_bytes=int(dump_mb * 2**20), seed=0, months=3,
                             compression=None)
        corpus = msd.read_reddit(folder)
    return {"posts": corpus.posts, "comments": corpus.comments}


def _baseline_pack(rows: pd.DataFrame, targets: np.ndarray) -> list:
    return [(int(target), pickle.dumps(piece, protocol=5))
            for target, piece in rows.groupby(targets, sort=True)]


def _baseline_unpack(pieces: list) -> pd.DataFrame:
    return pd.concat([pickle.loads(piece) for piece in pieces], ignore_index=True)


def _cpu(function, *args, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = function(*args)
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump-mb", type=float, default=2.0)
    parser.add_argument("--outputs", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="0.5 MB, 64 outputs, 2 runs")
    options = parser.parse_args(argv)
    if options.quick:
        options.dump_mb, options.outputs, options.repeat = 0.5, [64], 2

    from msdiscourse.dask import _part_of, _pieces_of, _table_of_pieces

    tables = _tables(options.dump_mb)
    print(f"One partition of a {options.dump_mb:g} MB synthetic dump; median CPU of "
          f"{options.repeat} runs; ratios engine/baseline")
    print(f"{'table':>9} {'rows':>7} {'outputs':>7} {'pieces':>6}   {'KB base':>8} {'KB eng':>7} "
          f"{'ratio':>5}   {'pack base':>9} {'eng':>6} {'ratio':>5}   {'unpack base':>11} "
          f"{'eng':>6} {'ratio':>5}")
    comments = tables["comments"]
    # as the parse's tables arrive: their times at a finer unit than the empty frame's, so
    # every piece carries its own layout
    tables["comments*"] = comments.astype({"published": "datetime64[us, UTC]"})
    for name, rows in tables.items():
        rows = rows.reset_index(drop=True)
        like = comments.iloc[:0].astype({"published": "datetime64[s, UTC]"}) \
            if name == "comments*" else rows.iloc[:0]
        for outputs in options.outputs:
            targets = _part_of(rows["post_id"], outputs)
            pack_base, base = _cpu(_baseline_pack, rows, targets, repeat=options.repeat)
            pack_eng, eng = _cpu(_pieces_of, rows, targets, like, repeat=options.repeat)
            base_pieces = [piece for _, piece in base]
            eng_pieces = [piece for _, piece in eng]
            unpack_base, back_base = _cpu(_baseline_unpack, base_pieces,
                                          repeat=options.repeat)
            unpack_eng, back_eng = _cpu(_table_of_pieces, eng_pieces, like,
                                        repeat=options.repeat)
            pd.testing.assert_frame_equal(back_eng, back_base)
            kb_base = sum(map(len, base_pieces)) / 1024
            kb_eng = sum(map(len, eng_pieces)) / 1024
            print(f"{name:>9} {len(rows):>7,} {outputs:>7,} {len(eng):>6,}   {kb_base:>8,.0f} "
                  f"{kb_eng:>7,.0f} {kb_eng / kb_base:>5.2f}   {pack_base:>9.3f} "
                  f"{pack_eng:>6.3f} {pack_eng / pack_base:>5.2f}   {unpack_base:>11.3f} "
                  f"{unpack_eng:>6.3f} {unpack_eng / unpack_base:>5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
