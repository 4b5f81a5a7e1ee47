"""A Dask worker's work on its partitions, without Dask: one process, partition after partition.

    python benchmarks/bench_partition_loop.py                  # 8 MB dump, 2 MB partitions
    python benchmarks/bench_partition_loop.py --quick          # 1 MB, a smoke run
    python benchmarks/bench_partition_loop.py --saved runs/saved2048 --limit 512
    python benchmarks/bench_partition_loop.py --saved runs/saved256 --steps analyses,roles
    PYTHONMALLOC=malloc python benchmarks/bench_partition_loop.py --saved runs/saved256

A diagnostic for the Dask engine's memory (docs/scale-measurements.md). A worker's peak rose
with its share of the input; this runs the engine's own per-partition functions
(``msdiscourse.dask``: the analyses, the role evidence and decisions, the exchanges and
their context) on each partition of a saved dataset in turn, in one process with no
cluster, and reads the process's memory every few partitions, so that what the work itself
leaves behind can be told from what Dask adds. The shuffles between steps are done in place
(each partition's pieces packed and unpacked by the engine's ``_packed``/``_unpacked``), so
each partition decides its own authors: the memory of the work, not the corpus-wide answers.

``--steps`` picks the steps (``analyses``: sentences, tone, markers, marker profile,
comment tone; ``roles``: evidence, groups, decisions; ``pack``: the in-place shuffles;
``exchanges``: needs, keys, context, exchanges; ``exchanges`` needs ``roles`` and
``analyses``), to find which one leaves memory behind.

Without ``--saved`` a seeded synthetic Reddit dump (benchmarks/bench_reddit.py's) is parsed
and saved with the Dask engine first (a LocalCluster of 2 workers), into a temporary folder.
The loop always runs in a fresh interpreter, so its memory is its own.

Printed at each checkpoint: partitions run, the largest partition's comments so far,
resident and peak MB (``VmRSS``, ``VmHWM``), Python's small-object heap and the C heap
(each with the bytes in use), and the peak as a ratio of the peak after the first partition
(the baseline, in the same run). A peak that rises only when a larger partition comes is
set by the partition; one that rises between them is the process's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

STEPS = ("analyses", "roles", "pack", "exchanges")


def save_dataset(size_mb: float, folder: Path, partition_mb: float) -> Path:
    """A synthetic dump of ``size_mb``, parsed and saved partitioned into ``folder``."""
    import msdiscourse.dask as mdd
    from bench_reddit import dump_folder

    dump = dump_folder(size_mb)
    npartitions = max(2, round(size_mb / partition_mb))
    client = mdd.get_client(workers=2)
    try:
        mdd.read_reddit(dump, npartitions=npartitions).save(folder)
    finally:
        cluster = client.cluster
        client.close()
        cluster.close()
    return folder


class _Loop:
    """The engine's per-partition steps on partition after partition of a saved dataset."""

    def __init__(self, folder: Path, steps: set[str]):
        import msdiscourse.dask as mdd

        self.mdd, self.folder, self.steps = mdd, folder, steps
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        self.npartitions = int(manifest["npartitions"])
        self.keyed = mdd._keyed_partitions(self.npartitions)
        self.entries = {name: manifest["tables"][name]["parts"] for name in ("posts", "comments")}

    def _shuffled_in_place(self, frames: list, columns: list) -> list:
        if "pack" not in self.steps:
            return frames
        import pandas as pd

        mdd = self.mdd
        layouts = [mdd._layout_of(frame) for frame in frames]
        packed = pd.concat([mdd._packed(frame, table=number, tables=len(frames), parts=self.keyed,
                                        column=column, layout=layouts[number])
                            for number, (frame, column) in enumerate(zip(frames, columns))])
        return [mdd._unpacked(packed, table=number, layout=layouts[number])
                for number in range(len(frames))]

    def run(self, number: int) -> int:
        """The chosen steps on partition ``number``; its number of comments."""
        from msdiscourse.sarcasm import find_markers, marker_profile
        from msdiscourse.sentences import split_sentences
        from msdiscourse.tone import score_tone

        mdd, info = self.mdd, {"number": number}
        posts_entry, comments_entry = self.entries["posts"][number], self.entries["comments"][number]
        posts, comments = mdd._read_partition(self.folder, number, posts_entry, posts_entry["file"],
                                              comments_entry, comments_entry["file"])
        quiet = {"n_jobs": 1, "progress": False}
        if "analyses" in self.steps:
            sentences = mdd._on_corpus(posts, comments, function=mdd._call(split_sentences),
                                       options={}, partition_info=info)
            mdd._on_frames(sentences, function=score_tone, options=quiet, partition_info=info)
            markers = mdd._on_frames(sentences, function=find_markers, options={},
                                     partition_info=info)
            profile = mdd._on_frames(markers, sentences, function=marker_profile,
                                     options={"by": "comment_id"}, partition_info=info)
            tone = mdd._on_corpus(posts, comments, sentences,
                                  function=mdd._comment_tone_of_sentences, options=quiet,
                                  partition_info=info)
        if "roles" in self.steps:
            evidence = mdd._evidence_of_part(posts, comments, blog_is_research=False,
                                             flair_roles=None, flair_column="author_flair_text")
            groups = mdd._comment_groups(comments, partition_info=info)
            evidence, groups = self._shuffled_in_place([evidence, groups], [mdd._GROUP] * 2)
            joined = mdd._join_decisions(groups, mdd._decide_part(evidence))
            roles = mdd._apply_decisions(comments, joined, overrides={})
        if "exchanges" in self.steps:
            needs = mdd._exchange_needs(posts, comments, partition_info=info)
            post_keys = mdd._post_author_keys(posts, partition_info=info)
            role_keys = mdd._first_role_per_author(roles)
            context = mdd._exchange_context(*self._shuffled_in_place(
                [needs, post_keys, role_keys], ["value", "key", "key"]))
            mdd._on_corpus(posts, comments, context, roles, tone, profile,
                           function=mdd._call(mdd._exchanges_with_context,
                                              layout=["dask", "dask", "dask", None]),
                           options={}, partition_info=info)
        mdd._give_back_freed_memory()  # as each of the engine's tasks ends
        return len(comments)


def loop(folder: Path, steps: set[str], limit: int | None, every: int) -> list[dict]:
    """Run the loop in this process; one row per checkpoint (printed as it comes)."""
    from bench_reddit import _memory_parts

    runner = _Loop(folder, steps)
    count = min(runner.npartitions, limit or runner.npartitions)
    print(f"{count} of {runner.npartitions} partitions of {folder.name}, steps "
          f"{','.join(s for s in STEPS if s in steps)}, one process", flush=True)
    print(f"{'parts':>6} {'largest':>8} {'resident':>9} {'peak':>6} {'python heap':>17} "
          f"{'C heap':>15} {'peak/1st':>9}", flush=True)
    rows, largest, start = [], 0, time.perf_counter()
    for done in range(1, count + 1):
        largest = max(largest, runner.run(done - 1))
        if done in (1, 2, 4, 8, count) or done % every == 0:
            parts = _memory_parts()
            row = {"partitions": done, "largest": largest, **parts}
            baseline = rows[0]["peak"] if rows else parts["peak"]
            python = (f"{parts['python_heap']:6.0f} ({parts['python_in_use']:4.0f} used)"
                      if "python_heap" in parts else f"{'(no pymalloc)':>17}")
            print(f"{done:>6} {largest:>8,} {parts['resident']:>9.0f} {parts['peak']:>6.0f} "
                  f"{python} {parts.get('c_heap', 0):5.0f} ({parts.get('c_in_use', 0):4.0f} used) "
                  f"{parts['peak'] / baseline:>9.2f}", flush=True)
            rows.append(row)
    print(f"{count} partitions in {time.perf_counter() - start:.0f} s", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saved", type=Path, help="a dataset saved by DaskCorpus.save")
    parser.add_argument("--size", type=float, default=8.0,
                        help="without --saved: MB of synthetic dump to parse and save (default 8)")
    parser.add_argument("--partition-mb", type=float, default=2.0,
                        help="without --saved: uncompressed MB per partition (default 2)")
    parser.add_argument("--quick", action="store_true", help="1 MB, a smoke run")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated, of {', '.join(STEPS)} (default all)")
    parser.add_argument("--limit", type=int, help="run only the first LIMIT partitions")
    parser.add_argument("--every", type=int, default=16, help="read the memory every N partitions")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    steps = set(args.steps.split(","))
    unknown = steps - set(STEPS)
    if unknown:
        parser.error(f"--steps: unknown {', '.join(sorted(unknown))}; choose from {', '.join(STEPS)}")
    if "exchanges" in steps and not {"analyses", "roles"} <= steps:
        parser.error("--steps: exchanges needs analyses and roles")
    if args.in_process:
        loop(args.saved, steps, args.limit, args.every)
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.saved
        if folder is None:
            size = 1.0 if args.quick else args.size
            partition_mb = 0.25 if args.quick else args.partition_mb
            folder = save_dataset(size, Path(scratch) / f"reddit-{size:g}MB", partition_mb)
        command = [sys.executable, __file__, "--in-process", "--saved", str(folder),
                   "--steps", args.steps, "--every", str(args.every)]
        if args.limit:
            command += ["--limit", str(args.limit)]
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
