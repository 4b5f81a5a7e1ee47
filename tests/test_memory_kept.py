"""The analyses keep nothing of a corpus once its results are dropped.

A Dask worker runs the pandas analyses on partition after partition for hours; anything they
keep per comment or per name (a memo without a bound, a registry of patterns) grows the
worker with the input, which the Dask engine must not do (docs/scale.md). Each pass here reads
a new synthetic dump (new texts and names) and runs the benchmark's pipeline; the per-text
memos are emptied as a Dask partition's task empties them.
"""
from __future__ import annotations

import gc
import tracemalloc

import pytest

import msdiscourse as msd
from msdiscourse._synthetic_reddit import write_synthetic_dump
from msdiscourse.dask import _forget_memoised

pytest.importorskip("zstandard")


def _analyse(folder) -> int:
    """The pipeline of benchmarks/bench_reddit.py on one dump; its comment count."""
    corpus = msd.read_reddit(folder)
    sentences = msd.split_sentences(corpus)
    markers = msd.find_markers(sentences)
    roles = msd.assign_roles(corpus, blog_is_research=False)
    profile = msd.marker_profile(markers, sentences)
    tone = msd.comment_tone(corpus, sentences=sentences, n_jobs=1)
    exchanges = msd.reply_exchanges(corpus, roles=roles, tone=tone, markers=profile)
    msd.exchange_matrix(exchanges)
    return len(corpus.comments)


def _settled() -> int:
    _forget_memoised()
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_passes_over_new_comments_leave_no_live_objects_behind(tmp_path):
    folders = [write_synthetic_dump(tmp_path / f"dump{seed}", target_bytes=192 * 1024,
                                    seed=seed + 40)[0].parent for seed in range(4)]
    _analyse(folders[0])  # imports, lexicons, compiled patterns: loaded once per process
    tracemalloc.start()
    try:
        _analyse(folders[1])
        before = _settled()
        comments = sum(_analyse(folder) for folder in folders[2:])
        kept = _settled() - before
    finally:
        tracemalloc.stop()
    assert comments > 600
    # about 60 bytes per comment would be 36 KB here; measured: a few KB of the
    # interpreter's own (at 2 MB dumps, 0.01 MB after three passes of 14,000 comments)
    assert kept < 32 * 1024, f"{kept / 1024:.0f} KB kept after {comments} new comments"
