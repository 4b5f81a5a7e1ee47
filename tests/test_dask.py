"""The Dask engine gives the pandas answers, row for row, on a two-process LocalCluster.

One cluster serves the whole module. Each dataset's analyses are computed in one
``dask.compute`` call (shared intermediate results), then compared table by table with the
pandas functions run on the whole corpus, after sorting by each table's key.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse._synthetic_reddit import write_synthetic_dump
from tests.conftest import DATA_RAW, SHARED_CORPUS, require

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
mdd = pytest.importorskip("msdiscourse.dask")

FORUM = SHARED_CORPUS / "threads" / "alsforums" / "alsforums-threads.csv"

KEYS = {
    "posts": ["post_id"],
    "comments": ["comment_id"],
    "sentences": ["sentence_id"],
    "tone": ["sentence_id"],
    "markers": ["sentence_id", "start", "end", "rule"],
    "profile": ["comment_id"],
    "author_profile": ["author"],
    "roles": ["comment_id"],
    "comment_tone": ["comment_id"],
    "exchanges": ["comment_id"],
}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def _sorted(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def _pandas_results(corpus, **role_options) -> dict[str, pd.DataFrame]:
    sentences = msd.split_sentences(corpus)
    tone = msd.score_tone(sentences, n_jobs=1)
    markers = msd.find_markers(sentences)
    roles = msd.assign_roles(corpus, **role_options)
    comment_tone = msd.comment_tone(corpus, n_jobs=1)
    profile = msd.marker_profile(markers, sentences)
    return {
        "sentences": sentences, "tone": tone, "markers": markers, "profile": profile,
        "author_profile": msd.marker_profile(markers, sentences, by="author"),
        "roles": roles, "comment_tone": comment_tone,
        "exchanges": msd.reply_exchanges(corpus, roles=roles, tone=comment_tone,
                                         markers=profile),
    }


def _dask_results(corpus, **role_options) -> dict[str, pd.DataFrame]:
    corpus = corpus.persist()  # read and shuffle once for all the analyses
    sentences = corpus.split_sentences()
    tone = corpus.score_tone(sentences)
    markers = corpus.find_markers(sentences)
    roles = corpus.assign_roles(**role_options)
    # the sentences already split, not split again: the same as pandas' own split
    comment_tone = corpus.comment_tone(sentences)
    profile = corpus.marker_profile(markers, sentences)
    lazy = {
        "sentences": sentences, "tone": tone, "markers": markers, "profile": profile,
        "author_profile": corpus.marker_profile(markers, sentences, by="author"),
        "roles": roles, "comment_tone": comment_tone,
        "exchanges": corpus.reply_exchanges(roles=roles, tone=comment_tone, markers=profile),
    }
    computed = dask.compute(*lazy.values())
    return {name: frame.reset_index(drop=True) for name, frame in zip(lazy, computed)}


def assert_same_answers(pandas_corpus, dask_corpus, **role_options) -> dict[str, pd.DataFrame]:
    expected = _pandas_results(pandas_corpus, **role_options)
    found = _dask_results(dask_corpus, **role_options)
    for name, key in KEYS.items():
        if name in ("posts", "comments"):
            continue
        want, got = expected[name], found[name]
        if name == "author_profile":  # anonymous text pools under a missing author
            want, got = want.dropna(subset=["author"]), got.dropna(subset=["author"])
        assert len(want) == len(got), name
        pd.testing.assert_frame_equal(_sorted(want, key), _sorted(got, key), obj=name)
    matrix = mdd.DaskCorpus.exchange_matrix
    pd.testing.assert_frame_equal(msd.exchange_matrix(expected["exchanges"], value="tone_shift"),
                                  matrix(found["exchanges"], value="tone_shift"))
    return expected


def assert_same_corpus(expected, found) -> None:
    for name in ("posts", "comments"):
        want, got = getattr(expected, name), getattr(found, name)
        pd.testing.assert_frame_equal(_sorted(want, KEYS[name]), _sorted(got, KEYS[name]),
                                      obj=name)


@pytest.fixture(scope="module")
def demo():
    return msd.read_corpus(DATA_RAW)


@pytest.fixture(scope="module")
def demo_dask(client):
    """The demo read by the Dask engine in three partitions, read and shuffled once."""
    return mdd.read_corpus(DATA_RAW, npartitions=3).persist()


def test_demo_gives_the_pandas_answers(demo, demo_dask):
    expected, corpus = demo, demo_dask
    assert_same_corpus(expected, corpus.compute())
    results = assert_same_answers(expected, corpus)
    # the comparison is not vacuous: the demo has replies, roles and markers
    assert results["roles"]["role"].astype(str).ne("unknown").sum() >= 10
    assert len(results["markers"]) >= 20
    assert results["exchanges"]["parent_id"].notna().sum() >= 10


def test_blog_pages_give_the_pandas_answers(client, blog_pages):
    expected = msd.read_corpus(blog_pages)
    corpus = mdd.read_corpus(blog_pages, npartitions=2)
    assert_same_corpus(expected, corpus.compute())
    assert_same_answers(expected, corpus)


@pytest.fixture(scope="module")
def forum(tmp_path_factory):
    frame = pd.read_csv(require(FORUM), dtype=str, keep_default_na=False)
    # the declared role is ground truth for evaluations, never an input
    frame = frame.drop(columns=["user_reason_joined"])
    frame["row_id"] = [f"r{i}" for i in range(len(frame))]
    path = tmp_path_factory.mktemp("forum") / "forum.csv"
    frame.to_csv(path, index=False)
    return msd.read_comments_table(path, columns={
        "id": "row_id", "post": "post_id", "author": "user_name", "text": "body",
        "date": "date", "parent": None})


def test_forum_threads_give_the_pandas_answers(client, forum):
    """Every analysis, and the cross-partition steps (per-author roles, names across posts)."""
    corpus = mdd.from_corpus(forum, npartitions=4)
    results = assert_same_answers(forum, corpus, blog_is_research=False)
    assert len(results["roles"]) == len(forum.comments) > 2000
    # authors post in many threads: the decision really crosses partitions
    assert (results["roles"]["source"].astype(str) == "same_author").sum() > 100
    assert results["exchanges"]["names_addressed"].notna().sum() > 0


def test_exchanges_get_names_and_post_roles_from_other_partitions(client):
    """A partition receives only what it needs from the others, and that is enough.

    Bernard's role is decided on his comment in one partition; his post, in another,
    takes that role for the reply to it; a comment in a third names him in a vocative
    that counts only because he is an author elsewhere.
    """
    corpus = msd.Corpus.from_records(
        posts=[{"post_id": "post-a", "author": "LabRat", "body": "Our trial results."},
               {"post_id": "post-b", "author": "Bernard", "body": "My week with fatigue."},
               {"post_id": "post-e", "author": "LabRat", "body": "Another update."}],
        comments=[{"comment_id": "post-a.c1", "post_id": "post-a", "author": "Bernard",
                   "text": "I was diagnosed with MS in 2019. Is this for me?"},
                  {"comment_id": "post-b.c1", "post_id": "post-b", "author": "Wendy",
                   "text": "Sorry to hear that. Rest helps me."},
                  {"comment_id": "post-e.c1", "post_id": "post-e", "author": "Wendy",
                   "text": "Ask your neuro, Bernard."}])
    parts = mdd._part_of(corpus.posts["post_id"], 3)
    assert len(set(parts)) == 3  # one post per partition
    dcorpus = mdd.from_corpus(corpus, npartitions=3)
    roles = dcorpus.assign_roles(blog_is_research=False)
    found = dcorpus.reply_exchanges(roles=roles).compute().reset_index(drop=True)
    pandas_roles = msd.assign_roles(corpus, blog_is_research=False)
    expected = msd.reply_exchanges(corpus, roles=pandas_roles)
    key = ["comment_id"]
    pd.testing.assert_frame_equal(_sorted(expected, key), _sorted(found, key))
    row = _sorted(found, key).set_index("comment_id")
    assert row.loc["post-b.c1", ["addressee", "addressee_role"]].astype(str).tolist() == [
        "Bernard", "patient"]
    assert row.loc["post-e.c1", "names_addressed"] == "Bernard"
    # the roles as the user's pandas table (sent whole): the same joins, the same answers
    given = dcorpus.reply_exchanges(roles=pandas_roles).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(_sorted(expected, key), _sorted(given, key))


def test_roles_are_decided_per_author_across_partitions(client):
    """The decision is a group-by: an author's cues from every partition meet in one place.

    Wendy's cues sit in three posts in three partitions (a relative cue first in corpus
    order, a patient diagnosis later, which outweighs it); LabRat is a byline author of two
    posts in two partitions (one byline counts); Sam's role comes from ``known=`` only and
    overrides a cue, which is kept as competing; an anonymous comment is decided alone.
    """
    corpus = msd.Corpus.from_records(
        posts=[{"post_id": "post-a", "author": "LabRat", "body": "Our trial results."},
               {"post_id": "post-b", "author": "Guest Writer", "body": "My week."},
               {"post_id": "post-e", "author": "LabRat", "body": "Another update."}],
        comments=[{"comment_id": "post-a.c1", "post_id": "post-a", "author": "Wendy",
                   "text": "My husband has MS and tires easily."},
                  {"comment_id": "post-b.c1", "post_id": "post-b", "author": "Wendy",
                   "text": "I was diagnosed with MS in 2019."},
                  {"comment_id": "post-e.c1", "post_id": "post-e", "author": "Wendy",
                   "text": "Thanks for the update."},
                  {"comment_id": "post-e.c2", "post_id": "post-e", "author": "Sam",
                   "text": "I have MS too."},
                  {"comment_id": "post-b.c2", "post_id": "post-b", "author": None,
                   "text": "My neuro said the same."}])
    assert len(set(mdd._part_of(corpus.posts["post_id"], 3))) == 3  # one post per partition
    dcorpus = mdd.from_corpus(corpus, npartitions=3)
    options = {"known": {"Sam": "other"}}
    found = dcorpus.assign_roles(**options).compute().reset_index(drop=True)
    expected = msd.assign_roles(corpus, **options)
    key = ["comment_id"]
    pd.testing.assert_frame_equal(_sorted(expected, key), _sorted(found, key))
    row = _sorted(found, key).set_index("comment_id")
    assert row.loc["post-e.c1", ["role", "source", "evidence_comment_id"]].astype(str).tolist() == [
        "patient", "same_author", "post-b.c1"]
    assert row.loc["post-e.c2", "role"] == "other" and "patient" in row.loc["post-e.c2", "competing"]
    assert row.loc["post-b.c2", "role"] == "patient"
    # the same author decided the same way whatever the number of partitions
    for npartitions in (1, 2, 5):
        again = mdd.from_corpus(corpus, npartitions=npartitions).assign_roles(**options)
        pd.testing.assert_frame_equal(_sorted(expected, key),
                                      _sorted(again.compute().reset_index(drop=True), key))


def _kept_file_names(client) -> set[tuple[str, str]]:
    """The files of partitions kept on disk, as (worker, file name) pairs.

    Tests compare names, not counts: files an earlier test kept may still be going while
    a later one runs (a count once fell below its start on CI)."""
    def names(dask_worker) -> list[str]:
        from pathlib import Path

        return [path.name for path in Path(dask_worker.local_directory).glob("msdiscourse-*.pickle")]

    return {(worker, name) for worker, found in client.run(names).items() for name in found}


def _left_of(client, files: set, *, seconds: float = 20) -> set:
    """Which of ``files`` are still on the workers' disks after up to ``seconds`` of waiting
    for them to go (the workers remove a released partition's file as they drop it)."""
    import time

    deadline = time.monotonic() + seconds
    while (left := _kept_file_names(client) & files) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_whole_corpus_joins_are_kept_on_the_workers_disks(client, reddit_dump):
    """The decisions and names the later steps need wait in files, not in memory.

    The role decisions leave one file per partition on the worker that computed them, and
    the exchanges' two joins (vocative names, post authors' roles) one more, together: two
    results held per partition, not three (each held result keeps a task record on its
    worker while the exchanges run). The scheduler sees a few hundred bytes per partition
    held in memory, where the tables themselves are larger; the files go when the results
    that need them are released.
    """
    import gc

    corpus = mdd.read_reddit(reddit_dump, npartitions=4).persist()
    before = _kept_file_names(client)
    roles = corpus.assign_roles(blog_is_research=False)
    exchanges = corpus.reply_exchanges(roles=roles)
    made = _kept_file_names(client) - before
    assert len(made) == 2 * 4

    def held(dask_scheduler) -> dict[str, int]:
        return {str(ts.key): ts.nbytes for ts in dask_scheduler.tasks.values()
                if ts.state == "memory" and "OnDisk" in ts.prefix.name}

    held_bytes = client.run_on_scheduler(held)
    assert len(held_bytes) == 2 * 4 and max(held_bytes.values()) < 1_000
    decisions = [frame for frame in dask.compute(*roles.to_delayed())]
    assert sum(len(frame) for frame in decisions) == len(corpus.comments.compute())
    found = mdd.compute(exchanges)[0]
    expected = msd.reply_exchanges(corpus.compute(), roles=msd.assign_roles(
        corpus.compute(), blog_is_research=False))
    pd.testing.assert_frame_equal(_sorted(expected, ["comment_id"]),
                                  _sorted(found.reset_index(drop=True), ["comment_id"]))
    del roles, exchanges, decisions, found
    gc.collect()
    assert not _left_of(client, made)


def _double_the_counts(part: pd.DataFrame) -> pd.DataFrame:
    return part.assign(n=part["n"] * 2)


def test_a_step_cut_off_stands_on_its_kept_partitions_and_lets_them_go(client):
    """A shuffle's input kept on disk first: the frame built on it runs one load per
    partition, not the steps that made it (a worker keeps the record of every step behind
    a result it holds, and a shuffle holds every transfer until its last input), with the
    same rows; its files go when the caller lets the step go."""

    names = [f"author{number % 7}" for number in range(60)]
    frame = mdd._dd().from_pandas(pd.DataFrame({"author": names, "n": range(60)}),
                              npartitions=6, sort=False)
    doubled = mdd._mapped(_double_the_counts, frame, meta=frame._meta)
    before = _kept_file_names(client)
    futures: list = []
    cut = mdd._cut_off(doubled, futures)
    assert len(futures) == 6 and all(future.status == "finished" for future in futures)
    made = _kept_file_names(client) - before
    assert len(made) == 6
    steps = {str(key) for key in dict(cut.__dask_graph__())}
    assert not any("double_the_counts" in key or "from_pandas" in key for key in steps)
    pd.testing.assert_frame_equal(cut.compute(), doubled.compute())
    assert cut.compute()["n"].tolist() == [2 * number for number in range(60)]
    # and through a keyed shuffle, as the engine uses it
    keyed, = mdd._shuffled_together([cut], "author", 3)
    rows = pd.concat(dask.compute(*keyed.to_delayed()), ignore_index=True)
    assert sorted(rows["n"].tolist()) == [2 * number for number in range(60)]
    mdd._let_go(futures)
    assert futures == []
    assert not _left_of(client, made)


def test_a_cut_shuffle_keeps_its_input_in_as_many_partitions_as_it_has_outputs(client):
    """Tables shuffled together from kept partitions are kept in one partition per output
    of the shuffle, each holding every table's pieces of a run of consecutive input
    partitions (a worker keeps a record per kept partition, load and transfer until the
    barrier); a table of another partition count is packed on its own. The shuffled
    tables are the same as without the cut, row for row and in order."""
    names = [f"author{number % 7}" for number in range(80)]
    comments = mdd._dd().from_pandas(pd.DataFrame({"author": names, "n": range(80)}),
                                     npartitions=8, sort=False)
    counts = mdd._dd().from_pandas(
        pd.DataFrame({"author": [f"author{n % 7}" for n in range(16)], "posts": range(16)}),
        npartitions=8, sort=False)
    assert comments.npartitions == counts.npartitions == 8
    one_part = mdd._dd().from_pandas(
        pd.DataFrame({"author": ["author1", "author3"], "flag": [True, False]}), npartitions=1)
    for frames, expected_runs in (([comments, counts], [set(range(8)), set(range(8, 16))]),
                                  ([comments, one_part], None)):
        futures: list = []
        cut = mdd._shuffled_together(frames, "author", 2, cut=futures)
        assert len(futures) == 2
        if expected_runs:  # _from: 2 * input partition + table; inputs 0-3, then 4-7
            kept = [handle.load() for handle in client.gather(futures)]
            assert [set(part["_from"]) for part in kept] == expected_runs
        plain = mdd._shuffled_together(frames, "author", 2)
        for cut_table, plain_table in zip(cut, plain):
            for number in range(2):
                pd.testing.assert_frame_equal(cut_table.get_partition(number).compute(),
                                              plain_table.get_partition(number).compute())
        mdd._let_go(futures)


@pytest.mark.parametrize("step", ["assign_roles", "reply_exchanges"])
def test_a_keyed_step_that_fails_lets_its_kept_partitions_go(client, demo_dask, monkeypatch,
                                                            step):
    """The shuffle's input is kept on disk, then its result: when keeping the result fails,
    the input's files go at once (they would stay until the garbage collector ran)."""
    roles = demo_dask.assign_roles() if step == "reply_exchanges" else None
    before = _kept_file_names(client)
    keep = mdd._kept_on_disk
    calls: list = []
    made: set = set()

    def failing_second(frame, futures=None):
        calls.append(futures)
        if len(calls) == 2:
            made.update(_kept_file_names(client) - before)
            raise RuntimeError("the shuffle home failed")
        return keep(frame, futures)

    monkeypatch.setattr(mdd, "_kept_on_disk", failing_second)
    with pytest.raises(RuntimeError, match="the shuffle home failed"):
        if roles is None:
            demo_dask.assign_roles()
        else:
            demo_dask.reply_exchanges(roles=roles)
    assert len(calls) == 2 and made  # the input was on disk when the step failed
    assert not _left_of(client, made)


def test_tables_keyed_across_the_corpus_go_to_a_quarter_of_the_partitions(client, reddit_dump,
                                                                         monkeypatch):
    """The role evidence and comment groups (by author), and the names (by name) with the
    post authors' keys and the authors' roles (by key) are shuffled into a quarter of the
    corpus partitions, rounded up. Each output of a shuffle is read back from one piece
    per input partition; with one output per corpus partition these small tables made
    n * n pieces of a few rows each, and reading them back took 12 ms per output and
    shuffle at 64 partitions, 48 at 512.
    The decisions and names still go back to all eight comment partitions, and the
    answers are pandas'."""
    shuffled: list[tuple] = []
    together = mdd._shuffled_together

    def recorded_together(frames, column, npartitions, **options):
        shuffled.append((column if isinstance(column, str) else tuple(column), npartitions,
                         len(frames)))
        return together(frames, column, npartitions, **options)

    monkeypatch.setattr(mdd, "_shuffled_together", recorded_together)
    corpus = mdd.read_reddit(reddit_dump, npartitions=8).persist()
    shuffled.clear()  # the corpus's own shuffle by post
    roles = corpus.assign_roles(blog_is_research=False)
    exchanges = corpus.reply_exchanges(roles=roles, tone=corpus.comment_tone())
    monkeypatch.undo()
    # the evidence with the comment groups in one shuffle; the names with the post
    # authors' keys and the authors' roles in one more (two joins on two keys)
    assert shuffled == [("_group", 2, 2), (("value", "key", "key"), 2, 3)]
    assert roles.npartitions == exchanges.npartitions == 8
    whole = corpus.compute()
    expected_roles = msd.assign_roles(whole, blog_is_research=False)
    expected = msd.reply_exchanges(whole, roles=expected_roles,
                                   tone=msd.comment_tone(whole))
    found_roles, found = mdd.compute(roles, exchanges)
    pd.testing.assert_frame_equal(_sorted(expected_roles, ["comment_id"]),
                                  _sorted(found_roles.reset_index(drop=True), ["comment_id"]))
    pd.testing.assert_frame_equal(_sorted(expected, ["comment_id"]),
                                  _sorted(found.reset_index(drop=True), ["comment_id"]))
    assert len(found) > 100 and found["tone_shift"].notna().any()
    assert (found["addressee_role"] != "unknown").any()


def test_a_kept_join_leaves_no_record_of_its_chain_on_the_workers(client, reddit_dump):
    """A worker keeps the record of every task behind a result it holds. Kept as the
    result of the join, each handle held on its worker the records of the shuffle and of
    every step before it (1,285 and 1,414 records on two workers at 512 MB of Reddit dump,
    7,144 and 7,311 at 1 GB, about 10 KB each). Now each handle is a task with no
    input: after the joins the workers keep their handles and the saved corpus's
    records, nothing of the joins' steps, and the answers are unchanged."""
    from dask.utils import key_split

    folder = reddit_dump.parent / "saved-for-records"
    mdd.read_reddit(reddit_dump, npartitions=4).save(folder)
    corpus = mdd.read_processed(folder)

    def records(dask_worker) -> dict[str, tuple[str, str, int]]:
        return {str(key): (key_split(key), ts.state, len(ts.dependencies))
                for key, ts in dask_worker.state.tasks.items()}

    before = {key for held in client.run(records).values() for key in held}  # other tests'
    roles = corpus.assign_roles(blog_is_research=False)
    exchanges = corpus.reply_exchanges(roles=roles)
    kept = [record for held in client.run(records).values()
            for key, record in held.items() if key not in before]
    assert sorted({group for group, _, _ in kept}) == ["OnDisk"], kept
    assert len(kept) == 2 * 4
    assert all(state == "memory" and inputs == 0 for _, state, inputs in kept)
    pandas_corpus = corpus.compute()
    pandas_roles = msd.assign_roles(pandas_corpus, blog_is_research=False)
    pd.testing.assert_frame_equal(
        _sorted(msd.reply_exchanges(pandas_corpus, roles=pandas_roles), ["comment_id"]),
        _sorted(mdd.compute(exchanges)[0].reset_index(drop=True), ["comment_id"]))


def test_a_kept_join_is_read_by_the_task_that_uses_it(client, reddit_dump):
    """No task of its own loads a kept partition. Such loads ran as soon as the joins were
    kept, ahead of the tasks that use them (which wait for input the scheduler hands out a
    few at a time), so each worker held every table it had loaded: at 2 GB of Reddit dump
    they raised the two workers' peaks by 222 and 327 MB. The users receive the handles and read
    them, and give the same answers."""
    from dask.utils import key_split

    corpus = mdd.read_reddit(reddit_dump, npartitions=4).persist()
    roles = corpus.assign_roles(blog_is_research=False)
    exchanges = corpus.reply_exchanges(roles=roles)
    for frame, user in ((roles, "apply_decisions"), (exchanges, "on_corpus")):
        graph = frame.__dask_graph__()
        groups = {key_split(key) for key in graph}
        inputs = {key_split(key) for task in graph.values()
                  for key in getattr(task, "dependencies", ())}
        fused = {key_split(key) for key in frame.optimize().__dask_graph__()}
        assert user in groups and "OnDisk" in inputs - groups  # the handles, held outside
        assert "load" not in groups | fused, groups | fused
    pandas_corpus = corpus.compute()
    pandas_roles = msd.assign_roles(pandas_corpus, blog_is_research=False)
    pd.testing.assert_frame_equal(
        _sorted(pandas_roles, ["comment_id"]),
        _sorted(mdd.compute(roles)[0].reset_index(drop=True), ["comment_id"]))
    pd.testing.assert_frame_equal(
        _sorted(msd.reply_exchanges(pandas_corpus, roles=pandas_roles), ["comment_id"]),
        _sorted(mdd.compute(exchanges)[0].reset_index(drop=True), ["comment_id"]))


def test_a_partition_kept_on_disk_travels_as_its_files_bytes(tmp_path, monkeypatch):
    """Outside a worker the file goes to Dask's temporary directory; pickled, the object
    carries its file's bytes, not the table (another worker writes them to a file of its
    own without unpickling the table and pickling it again); collected, the file is
    removed."""
    import gc
    import pickle
    from pathlib import Path

    import dask

    table = pd.DataFrame({"key": ["a", "b"], "role": pd.array(["patient", None], dtype="string")})
    with dask.config.set({"temporary-directory": str(tmp_path)}):
        kept = mdd._OnDisk(table)
    path = Path(kept.path)
    assert path.parent == tmp_path and path.name.startswith("msdiscourse-")
    pd.testing.assert_frame_equal(kept.load(), table)
    with monkeypatch.context() as patched:  # neither end reads the table
        patched.setattr(mdd._OnDisk, "load", lambda self: pytest.fail("table unpickled"))
        sent = pickle.dumps(kept)
        copy = pickle.loads(sent)
    assert path.read_bytes() in sent
    assert copy.path != kept.path and Path(copy.path).read_bytes() == path.read_bytes()
    pd.testing.assert_frame_equal(copy.load(), table)
    del kept
    gc.collect()
    assert not path.exists() and Path(copy.path).exists()
    # a file written apart is adopted by a handle, which removes it when collected
    address, written = mdd._written(table)
    assert address is None  # not on a worker
    adopted = mdd._OnDisk.adopt(written)
    pd.testing.assert_frame_equal(adopted.load(), table)
    del adopted
    gc.collect()
    assert not Path(written).exists()
    with pytest.raises(FileNotFoundError, match="gone with the worker that wrote it"):
        mdd._OnDisk.adopt(written)


def test_compute_gives_what_dask_compute_gives(client, demo_dask):
    sentences = demo_dask.split_sentences()
    tone = demo_dask.score_tone(sentences)
    lazy = (sentences, tone["compound"], sentences.shape[0], [tone.shape[0], sentences.shape[0]],
            "not lazy")
    found = mdd.compute(*lazy)
    expected = dask.compute(*lazy)
    pd.testing.assert_frame_equal(found[0], expected[0])
    pd.testing.assert_series_equal(found[1], expected[1])
    assert found[2] == expected[2] > 200
    assert found[3] == list(expected[3]) and found[4] == "not lazy"


def test_compute_never_gathers_a_whole_table_on_one_worker(client, reddit_dump):
    """``dask.compute`` concatenates every partition on one worker; ``mdd.compute`` does not."""
    from dask.sizeof import sizeof

    sentences = mdd.read_reddit(reddit_dump, npartitions=4).persist().split_sentences()
    whole = sizeof(sentences.compute())
    largest_part = max(sizeof(part) for part in dask.compute(*sentences.to_delayed()))
    assert largest_part < whole / 2  # four partitions: none holds most of the table

    def largest_result(run) -> int:
        with distributed.get_task_stream(client) as stream:
            run()
        return max(task.get("nbytes", 0) for task in stream.data)  # each result's size

    sizes = {"dask": largest_result(lambda: dask.compute(sentences)),
             "mdd": largest_result(lambda: mdd.compute(sentences))}
    assert sizes["dask"] >= whole * 0.9  # the check sees the whole table when it is there
    assert sizes["mdd"] <= largest_part * 1.1


def _sentences_and_tone(reddit_dump):
    """Lazy sentences and tone of four partitions, read and shuffled before we look."""
    corpus = mdd.read_reddit(reddit_dump, npartitions=4).persist()
    distributed.wait([corpus.posts, corpus.comments])
    sentences = corpus.split_sentences()
    return sentences, corpus.score_tone(sentences)


def test_compute_takes_a_window_of_partitions_at_a_time(client, reddit_dump):
    """With ``window=1`` one partition is computed at a time, even on two workers."""
    sentences, tone = _sentences_and_tone(reddit_dump)

    def spans(run):
        """The time span of each partition's tasks (from the first start to the last stop)."""
        with distributed.get_task_stream(client) as stream:
            found = run()
        by_partition: dict[int, list] = {}
        for task in stream.data:
            for start in task["startstops"]:
                if start["action"] == "compute":
                    by_partition.setdefault(task["key"][1], []).append(start)
        return found, len(stream.data), sorted(
            (min(s["start"] for s in starts), max(s["stop"] for s in starts))
            for starts in by_partition.values())

    (found_sentences, found_tone), n_tasks, one_at_a_time = spans(
        lambda: mdd.compute(sentences, tone, window=1))
    expected = dask.compute(sentences, tone)
    pd.testing.assert_frame_equal(found_sentences, expected[0])
    pd.testing.assert_frame_equal(found_tone, expected[1])
    assert len(one_at_a_time) == 4 and n_tasks >= 8  # split and score, four partitions
    # no partition's task started before the partition before it had finished (a
    # partition's own tasks, such as its posts' and its comments', may run side by side)
    assert all(later[0] >= earlier[1] for earlier, later in zip(one_at_a_time, one_at_a_time[1:]))
    for bad in (0, -2, 1.5):
        with pytest.raises(ValueError, match="^compute: window must be a whole number"):
            mdd.compute(sentences, window=bad)


def _graph_sizes_sent(client, monkeypatch) -> list[int]:
    """The number of tasks in each graph ``client.get`` sends from now on (until
    ``monkeypatch.undo()``), appended to the list returned."""
    sent: list[int] = []
    get = client.get

    def recording_get(graph, keys, **options):
        sent.append(len(graph))
        return get(graph, keys, **options)

    monkeypatch.setattr(client, "get", recording_get)
    return sent


def test_compute_sends_each_partition_only_the_tasks_it_needs(client, reddit_dump, monkeypatch):
    """Each submission carries its own partitions' tasks, not the whole graph again (sent
    once per partition, the whole graph cost the client and scheduler time that grew
    with the square of the partitions)."""
    from dask.base import collections_to_expr

    sentences, tone = _sentences_and_tone(reddit_dump)
    whole = len(collections_to_expr([sentences, tone]).optimize().__dask_graph__())
    sent = _graph_sizes_sent(client, monkeypatch)
    found_sentences, found_tone = mdd.compute(sentences, tone, window=1)
    monkeypatch.undo()
    expected_sentences, expected_tone = dask.compute(sentences, tone)
    pd.testing.assert_frame_equal(found_sentences, expected_sentences)
    pd.testing.assert_frame_equal(found_tone, expected_tone)
    assert len(sent) == 4  # window=1: one submission per partition
    assert whole >= 8 and all(size <= whole / 2 for size in sent)
    assert sum(sent) <= whole * 1.25  # each task sent about once


def _parsing_counted(calls):
    """``mdd._parse`` (one dump file's parse, a task per file) leaving a line in ``calls``
    each time it runs, on whichever worker."""
    read = mdd._parse

    def counted(*args, **kwargs):
        with open(calls, "a", encoding="utf-8") as handle:
            handle.write(f"{args[0]}\n")
        return read(*args, **kwargs)

    return counted


def test_compute_runs_a_shuffle_in_the_graph_once(client, reddit_dump, tmp_path, monkeypatch):
    """A lazy corpus (shuffled by post inside the graph; its files parsed once, at the read)
    computed a window at a time: the shuffle's barrier, which every partition's output
    needs, is held until the end. Released between windows, the shuffle ran again for
    every window (parsing every file again, when the parse was in the graph): 100,000 rows
    in 256 partitions took 876 s instead of 49."""
    calls = tmp_path / "calls.txt"
    monkeypatch.setattr(mdd, "_parse", _parsing_counted(calls))
    lazy = mdd.read_reddit(reddit_dump, npartitions=8)
    monkeypatch.undo()
    files = len(list(reddit_dump.iterdir()))
    found = mdd.compute(lazy.comments, window=1)[0]
    assert files >= 3 and len(calls.read_text().splitlines()) == files
    expected = msd.read_reddit(reddit_dump)
    assert len(found) == len(expected.comments) > 100
    # and each submission after the first sends only its own partition's tasks
    sent = _graph_sizes_sent(client, monkeypatch)
    by_author = lazy.marker_profile(*_markers_and_sentences(lazy), by="author")
    found = mdd.compute(by_author, window=2)[0]
    monkeypatch.undo()
    # the shuffles' barriers (and all they need) first, then the first two partitions,
    # then one partition as each finishes: none sends the shuffles again
    assert len(sent) == 1 + 1 + 6
    assert max(sent[1:]) < sent[0] / 4
    pd.testing.assert_frame_equal(_sorted(found.reset_index(drop=True), ["author"]),
                                  _sorted(dask.compute(by_author)[0].reset_index(drop=True),
                                          ["author"]))


def _markers_and_sentences(corpus):
    sentences = corpus.split_sentences()
    return corpus.find_markers(sentences), sentences


@pytest.fixture(scope="module")
def reddit_dump(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reddit")
    write_synthetic_dump(folder, target_bytes=150_000, seed=16, months=3, compression="zst")
    return folder


def test_a_folder_of_forum_tables_reads_thread_by_thread(client, tmp_path):
    frame = pd.read_csv(require(FORUM), dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["user_reason_joined"])  # ground truth, never an input
    folder = tmp_path / "forum"
    folder.mkdir()
    first, second = frame["post_id"].unique()[:40], frame["post_id"].unique()[40:80]
    frame[frame["post_id"].isin(first)].to_csv(folder / "a.csv", index=False)
    frame[frame["post_id"].isin(second)].to_csv(folder / "b.csv", index=False)
    options = {"columns": {"id": None, "parent": None, "post": "post_id",
                           "author": "user_name", "text": "body", "date": "date"},
               "first_row_is_post": True}
    expected = msd.read_corpus(folder, table_options=options)
    found = mdd.read_corpus(folder, table_options=options, npartitions=3).compute()
    assert len(expected.posts) == 80 and len(expected.comments) > 500  # threads, not messages
    assert_same_corpus(expected, found)
    with pytest.raises(ValueError, match="^table_options: unknown key 'sep'"):
        mdd.read_corpus(folder, table_options={"sep": ";"})


def test_synthetic_reddit_dump_gives_the_pandas_answers(client, reddit_dump):
    expected = msd.read_reddit(reddit_dump)
    corpus = mdd.read_reddit(reddit_dump, npartitions=3)
    assert_same_corpus(expected, corpus.compute())
    # replies really cross the monthly files
    sources = expected.posts.set_index("post_id")["source"]
    later = expected.comments["source"].str[-11:-4] > expected.comments["post_id"].map(sources).str[-11:-4]
    assert later.sum() > 50
    results = assert_same_answers(expected, corpus, blog_is_research=False)
    assert (results["roles"]["source"].astype(str) == "same_author").sum() > 20


def _kept_files(client) -> set[str]:
    """The partitions kept on disk (:class:`mdd._OnDisk` files) in the workers' directories."""
    def listed(dask_worker=None) -> list[str]:
        from pathlib import Path

        return [str(path) for path in Path(dask_worker.local_directory).glob("msdiscourse-*")]

    return {path for paths in client.run(listed).values() for path in paths}


def test_a_dump_file_larger_than_a_batch_is_parsed_a_batch_at_a_time(client, reddit_dump,
                                                                     monkeypatch):
    """A worker parses a file into batches of kept lines on its disk (a per-subreddit dump
    holds all its years in one file), and the corpus read from the batches is the pandas
    reader's; the batches' files go with the corpus."""
    import gc

    sources = sorted(str(path) for path in reddit_dump.glob("R[SC]_*"))
    parsed = mdd._parsed(client, sources, None, "raise", 20_000)
    written = {path for _, kept, unparsed_file in parsed
               for path in [*(path for pair in kept for path in pair if path), unparsed_file]}
    try:
        batches = {Path(source).name: len(kept) for source, (_, kept, _) in zip(sources, parsed)}
        assert all(batches[name] >= 2 for name in batches if name.startswith("RC_"))
        assert written <= _kept_files(client)
        sizes = [len(pd.read_pickle(pair[1])) for _, kept, _ in parsed for pair in kept[:-1]
                 if pair[1]]
        # about 20 KB of lines each (comments of a few hundred bytes)
        assert sizes and 20 <= min(sizes) <= max(sizes) <= 200
    finally:
        for address, kept, unparsed_file in parsed:
            paths = [path for pair in kept for path in pair if path] + [unparsed_file]
            client.submit(mdd._remove_files, paths, workers=[address], pure=False).result()
    assert not written & _kept_files(client)
    monkeypatch.setattr(mdd, "PARTITION_BYTES", 20_000)
    before = _kept_files(client)
    corpus = mdd.read_reddit(reddit_dump, npartitions=3)
    kept = _kept_files(client) - before
    assert len(kept) > len(sources)
    assert_same_corpus(msd.read_reddit(reddit_dump), corpus.compute())
    del corpus
    gc.collect()
    client.run(gc.collect)
    assert not kept & _kept_files(client)


def test_a_bad_line_fails_the_read_with_its_file_and_line_and_leaves_no_batch(client,
                                                                           reddit_dump,
                                                                           tmp_path):
    from msdiscourse.errors import ParseError

    folder = tmp_path / "bad"
    shutil.copytree(reddit_dump, folder)
    good = json.dumps({"id": "zz1", "link_id": "t3_zz", "parent_id": "t3_zz", "body": "ok",
                       "author": "a", "created_utc": 1612137600, "subreddit": "x"})
    (folder / "RC_2021-04.ndjson").write_text(f"{good}\n{{not json\n{good}\n",
                                               encoding="utf-8")
    before = _kept_files(client)
    with pytest.raises(ParseError, match=r"RC_2021-04\.ndjson, line 2: expected one JSON "
                                         r"object per line"):
        mdd.read_reddit(folder, npartitions=3)
    assert not _kept_files(client) - before  # the other files' batches removed
    found = mdd.read_reddit(folder, on_error="collect", npartitions=3).compute()
    expected = msd.read_reddit(folder, on_error="collect")
    assert_same_corpus(expected, found)
    assert found.unparsed[["line_start", "reason"]].values.tolist() == [[2, "invalid_json"]]


def test_overlapping_dumps_count_each_comment_once_on_both_engines(client, reddit_dump, tmp_path):
    # the same month in two archives (a re-download beside the first): every record twice
    folder = tmp_path / "overlap"
    shutil.copytree(reddit_dump, folder)
    shutil.copy(folder / "RC_2021-02.zst", folder / "RC_2021-02-again.zst")
    shutil.copy(folder / "RS_2021-02.zst", folder / "RS_2021-02-again.zst")
    expected = msd.read_reddit(folder)
    found = mdd.read_reddit(folder, npartitions=3).compute()
    assert_same_corpus(expected, found)
    assert found.comments["comment_id"].is_unique and found.posts["post_id"].is_unique
    assert len(found.comments) == len(msd.read_reddit(reddit_dump).comments)
    # a post's n_comments counts its comments once, though each was read twice
    counted = found.comments.groupby("post_id").size()
    n_comments = found.posts.set_index("post_id")["n_comments"]
    assert (n_comments.reindex(counted.index) == counted).all() and counted.max() > 5


def test_flair_roles_give_the_pandas_roles(client, reddit_dump):
    # flairs are found from the flair-bearing comments only; the text cues per partition
    flairs = {"Neurologist (verified)": "researcher", "Caregiver": "relative", "PPMS": "patient"}
    expected = msd.assign_roles(msd.read_reddit(reddit_dump), blog_is_research=False,
                                flair_roles=flairs)
    found = mdd.read_reddit(reddit_dump, npartitions=3).assign_roles(
        blog_is_research=False, flair_roles=flairs).compute()
    assert (expected["evidence"].astype(str).str.contains("flair")).sum() > 10
    key = ["comment_id"]
    pd.testing.assert_frame_equal(_sorted(expected, key), _sorted(found.reset_index(drop=True), key))


def test_subreddit_filter_is_the_same_on_both_engines(client, reddit_dump):
    expected = msd.read_reddit(reddit_dump, subreddits=["multiplesclerosis"])
    found = mdd.read_reddit(reddit_dump, subreddits=["multiplesclerosis"], npartitions=2).compute()
    assert set(expected.posts["subreddit"]) == {"MultipleSclerosis"}
    assert_same_corpus(expected, found)


def test_save_writes_partitions_that_load_processed_reads(demo, demo_dask, tmp_path):
    expected, corpus = demo, demo_dask
    folder = corpus.save(tmp_path / "processed")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["layout"] == "partitioned" and manifest["npartitions"] == 3
    assert manifest["tables"]["comments"]["rows"] == len(expected.comments)
    assert len(list((folder / "comments").glob("*.parquet"))) == 3
    loaded = msd.load_processed(folder)
    assert_same_corpus(expected, loaded)
    reopened = mdd.read_processed(folder)
    assert_same_corpus(expected, reopened.compute())
    # a reopened dataset keeps its partitions aligned: analyses need no new shuffle
    pd.testing.assert_frame_equal(
        _sorted(msd.split_sentences(expected), ["sentence_id"]),
        _sorted(reopened.split_sentences().compute().reset_index(drop=True), ["sentence_id"]))


def test_saving_or_computing_a_parse_parses_each_file_once(client, reddit_dump, tmp_path):
    """``read_reddit(...).save(...)`` (``parse --engine dask``) parses each dump file once,
    when read: neither the save nor a compute of its tables and unparsed lines parses
    again (they read the batches the parse kept)."""
    from dask.utils import key_split
    from distributed.diagnostics.plugin import SchedulerPlugin

    class ParsesRun(SchedulerPlugin):
        def __init__(self):
            self.runs = 0

        def transition(self, key, start, finish, *args, **kwargs):
            if finish == "memory" and key_split(key) == "parse":
                self.runs += 1

    @contextlib.contextmanager
    def recording(recorder):
        scheduler = client.cluster.scheduler
        scheduler.add_plugin(recorder, name="parses-run")
        try:
            yield recorder
        finally:
            scheduler.remove_plugin(name="parses-run")

    files = sorted(reddit_dump.glob("R[SC]_*"))
    with recording(ParsesRun()) as recorder:
        corpus = mdd.read_reddit(reddit_dump, npartitions=6)
    assert len(files) == 6 and recorder.runs == len(files)
    with recording(ParsesRun()) as recorder:
        folder = corpus.save(tmp_path / "processed")
    assert recorder.runs == 0
    expected = msd.read_reddit(reddit_dump)
    assert_same_corpus(expected, msd.load_processed(folder))
    # compute() of a table with a scalar that shares its input: the scalar is computed
    # with the shuffle, not after it (each file was parsed again for it)
    with recording(ParsesRun()) as recorder:
        comments, unparsed_rows = mdd.compute(corpus.comments, corpus.unparsed.shape[0])
    assert recorder.runs == 0
    assert len(comments) == len(expected.comments)
    assert unparsed_rows == len(expected.unparsed)


def _workers_holding(client, frame) -> list:
    """The workers holding each partition of a persisted frame, in partition order."""
    from distributed import futures_of

    holders = client.who_has(futures_of(frame))
    return [tuple(workers) for _, workers in sorted(holders.items(),
                                                    key=lambda item: item[0][1])]


async def _set_work_stealing(dask_scheduler, on: bool) -> None:
    stealing = dask_scheduler.extensions["stealing"]
    await (stealing.start() if on else stealing.stop())


@contextlib.contextmanager
def _without_work_stealing(client):
    """The scheduler's work stealing paused: the placement tests check where Dask's data
    locality puts the tasks of a graph. Stealing, Dask's own rebalancing, may move one of
    two tasks that share a partition to the other worker when the first is behind (seen
    in 1 of 6 runs on a machine loaded with three busy processes, none in 10 with stealing
    off); it weighs that move against the transfer, so it is Dask's trade, not the graph's."""
    client.run_on_scheduler(_set_work_stealing, on=False)
    try:
        yield
    finally:
        client.run_on_scheduler(_set_work_stealing, on=True)


def test_a_reopened_partitions_posts_and_comments_are_on_one_worker(client, reddit_dump,
                                                                    tmp_path):
    """Every analysis takes a partition's posts and comments together: read by one task,
    they sit on one worker. Read by two (as before), the scheduler placed them as workers
    came free, and one of the two travelled to the other's worker for about half the
    partitions, each time the dataset was read (at 0.5 GB of Reddit dump, 397 MB each way
    per run of the benchmark)."""
    from distributed import wait

    mdd.read_reddit(reddit_dump, npartitions=8).save(tmp_path / "saved")
    corpus = mdd.read_processed(tmp_path / "saved")
    with _without_work_stealing(client):
        posts, comments = client.persist([corpus.posts, corpus.comments])
        wait([posts, comments])
    assert len(set(_workers_holding(client, posts))) == 2  # both workers read partitions
    assert _workers_holding(client, posts) == _workers_holding(client, comments)
    assert_same_corpus(mdd.read_reddit(reddit_dump, npartitions=8).compute(),
                       mdd.DaskCorpus(posts=posts, comments=comments, unparsed=corpus.unparsed,
                                      furniture=corpus.furniture, npartitions=8).compute())


def test_an_assembled_partitions_posts_and_comments_are_on_one_worker(client, reddit_dump):
    """A corpus read or distributed in memory (``read_reddit``, ``from_corpus``, then
    ``persist``, as the notebooks' Dask engine does) has each partition's posts and comments
    on one worker: both tables come out of one shuffle. Shuffled one table at a time, Dask
    placed partition ``i`` of each shuffle on a worker of its own choosing (rotated from
    one shuffle to the next), and the two tables were apart in 5 of the 8 partitions read
    here and 8 of 8 distributed, so each analysis moved one table's share between workers."""
    from distributed import wait

    for corpus in (mdd.read_reddit(reddit_dump, npartitions=8),
                   mdd.from_corpus(msd.read_reddit(reddit_dump), npartitions=8)):
        with _without_work_stealing(client):
            kept = corpus.persist()
            wait([kept.posts, kept.comments])
        assert len(set(_workers_holding(client, kept.posts))) == 2
        assert _workers_holding(client, kept.posts) == _workers_holding(client, kept.comments)
        assert_same_corpus(msd.read_reddit(reddit_dump), kept.compute())


def test_get_client_reuses_the_running_client(client):
    assert mdd.get_client() is client
    assert mdd.get_client(client.scheduler.address) is client


PROFILER_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import msdiscourse.dask as mdd

if __name__ == "__main__":
    found = {}
    for profile in (False, True):
        client = mdd.get_client(workers=1, profile=profile)
        found[str(profile)] = list(client.run(
            lambda dask_worker: sorted(dask_worker.periodic_callbacks)).values())[0]
        cluster = client.cluster
        client.close()
        cluster.close()
    print(json.dumps(found))
"""


def test_a_new_local_cluster_runs_without_the_profiler_unless_asked(tmp_path):
    """The workers' profiler keeps 1,000 seconds of stacks in memory; a cluster started
    here leaves it off (no current client in a fresh process, so one is started)."""
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "start.py"
    script.write_text(PROFILER_SCRIPT)
    root = Path(mdd.__file__).resolve().parent.parent
    run = subprocess.run([sys.executable, str(script), str(root)], capture_output=True,
                         text=True, timeout=300, check=True)
    callbacks = json.loads(run.stdout.strip().splitlines()[-1])
    assert "profile" not in callbacks["False"] and "profile-cycle" not in callbacks["False"]
    assert {"profile", "profile-cycle"} <= set(callbacks["True"])


ARROW_POOL_SCRIPT = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
import msdiscourse.dask as mdd

def pool():
    import pyarrow
    return pyarrow.default_memory_pool().backend_name

if __name__ == "__main__":
    found = {}
    for chosen in ("system", None):
        client = mdd.get_client(workers=1, arrow_memory_pool=chosen,
                                **({} if chosen else {"give_back_memory": None}))
        found[str(chosen)] = list(client.run(pool).values())[0]
        found["plugins " + str(chosen)] = list(client.run(
            lambda dask_worker: sorted(dask_worker.plugins)).values())[0]
        found["here after " + str(chosen)] = os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
        cluster = client.cluster
        client.close()
        cluster.close()
    print(json.dumps(found))
"""


def test_a_new_local_cluster_gives_arrow_the_system_allocator_unless_told(tmp_path):
    """The disk-backed shuffle's Arrow tables freed into pyarrow's own allocator stayed in
    the workers (a parse peaked 100 MB higher): a cluster started here gives its workers
    the C library's, without changing this process's environment; ``None`` leaves
    pyarrow's default, and a choice already in the environment wins."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "start.py"
    script.write_text(ARROW_POOL_SCRIPT)
    root = Path(mdd.__file__).resolve().parent.parent

    def run(**environment) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
        done = subprocess.run([sys.executable, str(script), str(root)], capture_output=True,
                              text=True, timeout=300, check=True, env={**env, **environment})
        return json.loads(done.stdout.strip().splitlines()[-1])

    found = run()
    assert found["system"] == "system"
    assert found["None"] in {"mimalloc", "jemalloc"}  # pyarrow's wheels: mimalloc
    assert found["here after system"] is None and found["here after None"] is None
    chosen = run(ARROW_DEFAULT_MEMORY_POOL="jemalloc")
    assert chosen["system"] == chosen["None"] == "jemalloc"
    # and its workers hand back their freed heap, unless told not to
    assert "msdiscourse-give-back-memory" in found["plugins system"]
    assert "msdiscourse-give-back-memory" not in found["plugins None"]


def _resident_mb() -> float:
    import os

    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(mdd._malloc_trim() is None or mdd._mallinfo2() is None,
                    reason="glibc's malloc_trim and mallinfo2 only")
def test_the_worker_plugin_hands_back_a_freed_heap_over_its_threshold():
    """Freed blocks between live ones stay in the process until handed back: the plugin
    hands them back after a task once they pass its threshold, and leaves them below it."""
    blocks = [bytes(64 * 1024) for _ in range(800)]  # 50 MB, below glibc's mmap threshold
    del blocks[::2]  # 25 MB of holes between live blocks
    held = mdd._freed_heap_bytes()
    assert held > 20 * 2**20
    before = _resident_mb()
    mdd.GiveBackMemory(threshold=held + 2**20).transition("k", "executing", "memory")
    assert _resident_mb() > before - 2  # under the threshold: kept
    mdd.GiveBackMemory(threshold=16 * 2**20).transition("k", "executing", "error")
    assert _resident_mb() > before - 2  # only after a task that holds a result
    mdd.GiveBackMemory(threshold=16 * 2**20).transition("k", "executing", "memory")
    assert _resident_mb() < before - 12  # most of the 25 MB (a hole's edges stay)
    assert len(blocks) == 400


def test_get_client_names_the_arrow_allocators_it_takes():
    with pytest.raises(ValueError, match="arrow_memory_pool: expected one of system, mimalloc, "
                                         "jemalloc or None; got 'malloc'"):
        mdd.get_client(workers=1, arrow_memory_pool="malloc")
    with pytest.raises(ValueError, match=r"give_back_memory: expected bytes \(0 or more\) or "
                                         r"None; got -1"):
        mdd.get_client(workers=1, give_back_memory=-1)


def test_cli_parse_with_the_dask_engine(client, demo, tmp_path, capsys):
    from msdiscourse.cli import main

    out = tmp_path / "processed"
    assert main(["parse", str(DATA_RAW), "-o", str(out), "--engine", "dask",
                 "--scheduler", client.scheduler.address, "--partitions", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"parsed {DATA_RAW} on 2 Dask worker(s): 5 posts, 76 comments, 0 unparsed row(s)",
        f"partitioned tables written to {out}/ (2 partitions)",
    ]
    assert_same_corpus(demo, msd.load_processed(out))


def test_partitions_hold_whole_posts(demo_dask):
    posts, comments = dask.compute(demo_dask.posts, demo_dask.comments)
    part_of_post = dict(zip(posts["post_id"], posts.index))
    assert len(set(posts.index)) > 1
    assert all(part_of_post[p] == i for p, i in zip(comments["post_id"], comments.index))


def test_bad_partition_count_is_refused(demo):
    with pytest.raises(ValueError, match="npartitions must be at least 1; got 0"):
        mdd.from_corpus(demo, npartitions=0)


def test_role_inference_is_refused_with_a_reason(demo_dask):
    with pytest.raises(NotImplementedError, match="infer=True.*whole text"):
        demo_dask.assign_roles(infer=True)


def test_pseudonymise_per_partition_equals_the_pandas_path(demo, demo_dask):
    expected = msd.pseudonymise(demo, key="a test key")
    found = demo_dask.pseudonymise(key="a test key").compute()
    assert_same_corpus(expected, found)
    for name in ("unparsed", "furniture"):
        pd.testing.assert_frame_equal(getattr(expected, name).reset_index(drop=True),
                                      getattr(found, name).reset_index(drop=True), obj=name)
    # not vacuous: names were replaced, and an author of one post is replaced where another
    # post (in another partition) mentions them
    assert set(found.comments["author"].dropna()).isdisjoint(demo.comments["author"].dropna())
    assert (found.comments["text"] != demo.comments.set_index("comment_id").loc[
        found.comments["comment_id"], "text"].to_numpy()).sum() >= 3


def test_pseudonyms_do_not_depend_on_the_partitioning(client, reddit_dump):
    # the pandas path is the one-partition reference
    expected = msd.pseudonymise(msd.read_reddit(reddit_dump), key="k")
    found = mdd.read_reddit(reddit_dump, npartitions=2).pseudonymise(key="k").compute()
    assert_same_corpus(expected, found)
    assert expected.comments["author"].dropna().str.startswith("P-").all()


def test_cli_parse_pseudonymises_with_the_dask_engine(client, demo, tmp_path, capsys):
    from msdiscourse.cli import main

    out = tmp_path / "private"
    assert main(["parse", str(DATA_RAW), "-o", str(out), "--engine", "dask", "--scheduler",
                 client.scheduler.address, "--partitions", "2", "--pseudonymise",
                 "--key", "cli key"]) == 0
    assert_same_corpus(msd.pseudonymise(demo, key="cli key"), msd.load_processed(out))


def _empty_tables_in(node) -> int:
    """How many empty pandas tables (or series, or indexes: Dask's ``meta``) a task carries
    in its arguments."""
    from dask._task_spec import GraphNode

    stack, found, seen = [node], 0, set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (pd.DataFrame, pd.Series, pd.Index)):
            found += len(item) == 0
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, GraphNode):
            stack.extend(getattr(item, "args", ()))
            stack.extend(getattr(item, "kwargs", {}).values())
            if hasattr(item, "value"):
                stack.append(item.value)
    return found


def test_tables_joined_on_a_key_go_through_one_shuffle(client, demo):
    """Two tables joined partition by partition after a shuffle on the same key go through
    one shuffle: shuffled apart, the outputs of the one that finished first waited in
    memory for the other (at 1 GB of Reddit dump, 32 outputs of the role evidence's
    shuffle, 72 MB, on one worker). Partition ``i`` of each table returned holds exactly
    that table's rows whose key hashes to ``i`` (``_part_of``), in the
    order of the input partitions, with the table's own dtypes."""
    from dask.base import collections_to_expr

    whole = demo.comments[["comment_id", "author", "depth"]].reset_index(drop=True)
    comments = mdd._dd().from_pandas(whole, npartitions=3)
    counts = (whole.groupby("author", dropna=False).size().rename("n").reset_index()
              .astype({"author": "string"}))
    by_author = mdd._dd().from_pandas(counts, npartitions=2)
    def barriers(frames) -> int:  # the shuffles in the frames' graph, one barrier each
        graph = collections_to_expr(list(frames)).optimize().__dask_graph__()
        names = {key[0] if isinstance(key, tuple) else key for key in graph}
        return sum(name.startswith("shuffle-barrier") for name in names)

    shuffled = mdd._shuffled_together([comments, by_author], "author", 2)
    assert barriers(shuffled) == 1
    assert barriers(mdd._shuffled_together([frame], "author", 2)[0]
                    for frame in (comments, by_author)) == 2
    found_comments, found_counts = shuffled[0].compute(), shuffled[1].compute()
    assert len(found_comments) == len(whole) and len(found_counts) == len(counts)
    for table, original, frame in ((found_comments, whole, shuffled[0]),
                                   (found_counts, counts, shuffled[1])):
        assert dict(table.dtypes) == dict(original.dtypes)
        hashed = mdd._part_of(original["author"], 2)
        for number in range(2):
            part = frame.get_partition(number).compute().reset_index(drop=True)
            expected = original[hashed == number].reset_index(drop=True)
            assert len(part) > 0
            pd.testing.assert_frame_equal(part, expected)


def test_a_shuffles_pieces_carry_their_rows_not_their_tables_layout(demo):
    """A shuffle cuts every input partition into one piece per output partition; a piece
    pickled as a table carried the table's layout (about 3 KB), which at 1,024 partitions
    made the role evidence's shuffle move 3.3 times the evidence. Cut into 64 pieces, the
    demo's comments now weigh about what the table pickled whole does (as pickled tables,
    several times as much), and come back with every value and dtype, including a piece whose
    column's dtype differs from the empty table's (carried with that piece only)."""
    import pickle

    comments = demo.comments.reset_index(drop=True).assign(
        published=pd.Series(pd.to_datetime(1_600_000_000 + 3600 * demo.comments.index.to_numpy(),
                                           unit="s", utc=True)),
        role=pd.Categorical(["patient", None, "researcher"] * (len(demo.comments) // 3)
                            + ["other"] * (len(demo.comments) % 3),
                            categories=["patient", "researcher", "other"]),
        tags=[["Ærø ✓"], [], ["lone \ud800 half", 'a "cure"']] * (len(demo.comments) // 3)
        + [[]] * (len(demo.comments) % 3),
        extra=[7, "seven", None, 7.5] * (len(demo.comments) // 4)
        + [float("nan")] * (len(demo.comments) % 4))
    like = comments.iloc[:0]
    assert len(comments) >= 60 and comments["depth"].isna().sum() == 0
    hashed = mdd._part_of(comments["comment_id"], 64)
    pieces = mdd._pieces_of(comments, hashed, like)
    whole = len(pickle.dumps(comments, protocol=5))
    as_tables = sum(len(pickle.dumps(rows, protocol=5)) for _, rows in comments.groupby(hashed))
    assert len(pieces) >= 40
    assert sum(len(piece) for _, piece in pieces) < 1.2 * whole < 0.6 * as_tables
    back = mdd._table_of_pieces([piece for _, piece in pieces], like)
    expected = pd.concat([rows for _, rows in comments.groupby(hashed)], ignore_index=True)
    pd.testing.assert_frame_equal(back, expected)
    for column in ("tags", "extra"):
        assert [type(v) for v in back[column]] == [type(v) for v in expected[column]]
    # a partition whose column came out as int64 where the empty table says object
    odd = comments.iloc[:3].assign(extra=[1, 2, 3])
    odd_piece = mdd._pieces_of(odd, np.zeros(3, dtype="int64"), like)[0][1]
    back = mdd._table_of_pieces([odd_piece, pieces[0][1]], like)
    assert back["extra"].tolist()[:3] == [1, 2, 3] and len(back) == 3 + len(
        mdd._table_of_pieces([pieces[0][1]], like))
    pd.testing.assert_frame_equal(back.iloc[:3], odd.astype({"extra": object}))
    assert mdd._table_of_pieces([odd_piece], like)["extra"].dtype == "int64"
    assert [target for target, _ in pieces] == sorted(set(hashed.tolist()))


def test_a_partitions_tasks_carry_no_empty_tables(client, demo, tmp_path):
    """A worker keeps the record of every task behind a result it holds (the joins kept on
    disk), so a task must not carry Dask's empty ``meta`` table of each step: with them, a
    saved dataset's tasks carried one per step per partition (16 in the comments' 64 tasks
    at 32 MB of Reddit dump, 64 in the tone's 112), nor the engine's shuffle one per table
    in each task that packs or unpacks a partition (it takes the columns' names and
    dtypes instead)."""
    folder = tmp_path / "saved"
    mdd.from_corpus(demo, npartitions=2).save(folder)
    corpus = mdd.read_processed(folder)
    sentences = corpus.split_sentences()
    tone = corpus.score_tone(sentences)
    by_author = mdd._shuffled_together([corpus.comments], "author", 2)[0]
    for frame in (corpus.posts, corpus.comments, sentences, tone, by_author):
        graph = frame.optimize().__dask_graph__()
        assert len(graph) >= 4
        assert sum(_empty_tables_in(task) for task in graph.values()) == 0
    # the walk finds them where a task does carry them (Dask's own check of each result)
    checked = corpus.comments.map_partitions(pd.DataFrame.copy, meta=corpus.comments._meta,
                                             enforce_metadata=True)
    graph = checked.optimize().__dask_graph__()
    assert sum(_empty_tables_in(task) for task in graph.values()) >= 2


def test_posts_lists_and_mixed_columns_go_through_the_disk_backed_shuffle_unchanged(client, demo):
    """The posts' ``tags`` (lists) and a reader's extra column of mixed types travel the
    disk-backed shuffle (as pickled bytes) and come back as they went: non-ASCII, quotes, a
    lone surrogate, an empty list, a number, a missing value. Was: a table with an
    ``object`` column used the in-memory shuffle."""
    import dataclasses

    odd_tags = [["Ærø ✓", 'a "cure"'], [], ["lone \ud800 half", "ms"]]
    odd_extra = [7, "seven", None, 7.5]
    posts = demo.posts.assign(tags=[odd_tags[i % 3] for i in range(len(demo.posts))],
                              extra=[odd_extra[i % 4] for i in range(len(demo.posts))])
    corpus = mdd.from_corpus(dataclasses.replace(demo, posts=posts), npartitions=2)
    keys = [str(key) for key in corpus.posts.optimize().__dask_graph__()]
    assert any("shuffle-transfer" in key for key in keys), keys[:5]
    got = _sorted(corpus.posts.compute(), ["post_id"])
    want = _sorted(posts, ["post_id"])
    assert len(got) == len(demo.posts) >= 4
    for column in ("tags", "extra"):
        assert got[column].tolist() == want[column].tolist(), column
        assert [type(v) for v in got[column]] == [type(v) for v in want[column]], column


def test_save_is_atomic_and_load_verifies_every_partition(demo, demo_dask, tmp_path):
    from msdiscourse.errors import ParseError

    folder = tmp_path / "processed"
    demo_dask.save(folder)
    (folder / "NOTES.txt").write_text("kept across saves\n")
    # a second save with fewer partitions replaces the whole set: no stale partition stays
    mdd.from_corpus(demo, npartitions=2).save(folder)
    assert sorted(p.name for p in (folder / "comments").iterdir()) == [
        "part.00000.parquet", "part.00001.parquet"]
    assert (folder / "NOTES.txt").read_text() == "kept across saves\n"
    assert not list(tmp_path.glob(".processed.tmp-*"))
    manifest = json.loads((folder / "manifest.json").read_text())
    parts = manifest["tables"]["comments"]["parts"]
    assert sum(p["rows"] for p in parts) == len(demo.comments)
    assert all(len(p["sha256"]) == 64 for p in parts)
    assert_same_corpus(demo, msd.load_processed(folder))
    # a partition changed after the save is refused, by name, on both engines
    part = folder / "comments" / "part.00001.parquet"
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    with pytest.raises(ParseError, match=r"part\.00001\.parquet.*changed or truncated"):
        msd.load_processed(folder)
    with pytest.raises(ParseError, match=r"part\.00001\.parquet"):
        mdd.read_processed(folder).comments.compute()
    # a partition file the manifest does not list (left by another save) is refused
    mdd.from_corpus(demo, npartitions=2).save(folder)
    (folder / "comments" / "part.00007.parquet").write_bytes(part.read_bytes())
    with pytest.raises(ParseError, match=r"files from another save: comments/part\.00007"):
        msd.load_processed(folder)


def test_save_replaces_a_pandas_saved_set_and_refuses_other_subfolders(demo, demo_dask, tmp_path):
    # both saves share one carry-over rule: files the saver owns are replaced, any other
    # file is carried over, a subfolder is refused (the swap would drop it)
    folder = demo.save(tmp_path / "processed")
    (folder / ".gitkeep").write_text("")
    demo_dask.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        ".gitkeep", "comments", "furniture.parquet", "manifest.json", "posts", "unparsed.parquet"]
    assert_same_corpus(demo, msd.load_processed(folder))
    (tmp_path / "project" / "src").mkdir(parents=True)
    with pytest.raises(ValueError) as caught:
        demo_dask.save(tmp_path / "project")
    assert str(caught.value) == (
        f"{tmp_path / 'project'}: expected a folder of processed tables; found the subfolder "
        f"'src' (DaskCorpus.save replaces the whole folder: choose a new or empty folder, or "
        f"move it out)")
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["src"]
    assert not list(tmp_path.glob(".project.tmp-*"))


def test_a_pandas_save_replaces_a_dask_saved_set(demo, demo_dask, tmp_path):
    # an analyst switching engines on one processed folder: the partition folders go
    folder = demo_dask.save(tmp_path / "processed")
    (folder / ".gitkeep").write_text("")
    demo.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        ".gitkeep", "comments.parquet", "furniture.parquet", "manifest.json", "posts.parquet",
        "unparsed.parquet"]
    assert_same_corpus(demo, msd.load_processed(folder))


def _fragmented_heap() -> list[bytes]:
    """200 MB taken from the C allocator in 2 KB blocks, one block in 16 kept: the freed
    pages lie between live ones, where glibc keeps them resident."""
    blocks = [bytes(2048) for _ in range(100_000)]
    return blocks[::16]


@pytest.mark.skipif(mdd._malloc_trim() is None, reason="malloc_trim is glibc's")
def test_a_partitions_task_hands_the_pages_it_freed_back_to_the_system():
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()

    def resident_mb() -> int:
        return process.memory_info().rss >> 20

    before = resident_mb()
    kept = _fragmented_heap()
    freed_but_resident = resident_mb()
    assert freed_but_resident - before > 150  # what a worker carried from task to task
    assert mdd._give_back_freed_memory() is True
    trimmed = resident_mb()
    assert trimmed < freed_but_resident - 120
    # a partition function wrapped as the engine wraps its own returns with the pages given back
    kept_too = mdd._giving_back_memory(_fragmented_heap)()
    assert len(kept_too) == len(kept) == 6250
    assert resident_mb() - trimmed < 60


def test_a_partitions_task_leaves_no_text_memoised_behind():
    # the memos of names, clauses and VADER tokens fill within a task and are emptied when it
    # ends, so that nothing of one partition's texts outlives its task in a worker
    from msdiscourse import _vader, roles, sarcasm, tone

    def analyse_one_partition() -> tuple:
        return (roles.author_key("  Dana  K "), tone.compound_of("What a great result."),
                sarcasm._polarity("Oh great, another relapse.")[0],
                tone._analyzer(False).scores("Not bad at all")[3])

    memos = (roles._key_of_name, tone.compound_of, sarcasm._polarity)
    plain = analyse_one_partition()
    assert all(memo.cache_info().currsize >= 1 for memo in memos)
    assert len(tone._analyzer(False)._cache) >= 4
    assert tone._analyzer(False) in _vader._ANALYZERS
    answers = mdd._giving_back_memory(analyse_one_partition)()
    assert [memo.cache_info().currsize for memo in memos] == [0, 0, 0]
    assert len(tone._analyzer(False)._cache) == 0
    # the same answers with the memos emptied
    assert answers == plain == ("dana k", 0.6249, plain[2], 0.431)
    assert plain[2] > 0


def test_a_partitions_task_empties_dasks_memo_of_task_keys():
    # a worker asks Dask's key_split for the group of every task it hears of, and the memo
    # keeps each key alive (100,000 of them) long after its task: emptied with ours
    from dask.utils import key_split

    keys = [(f"evidence_of_part-{number:032x}", number) for number in range(50)]

    def name_the_tasks() -> list[str]:
        return [key_split(key) for key in keys]

    key_split.cache_clear()
    plain = name_the_tasks()
    assert key_split.cache_info().currsize >= 50
    named = mdd._giving_back_memory(name_the_tasks)()
    assert key_split.cache_info().currsize == 0
    assert named == plain == ["evidence_of_part"] * 50


def test_pieces_of_one_layout_other_than_the_empty_tables_come_back_as_one_table():
    """The parse's tables come out of the files with their times at a finer unit than the
    empty frame's, so every piece carries its own layout; pieces of one layout are built
    into one table (one per piece cost about 4 ms), in their order, beside pieces of
    another layout."""
    like = pd.DataFrame({"post_id": pd.Series(dtype=object),
                         "published": pd.Series(dtype="datetime64[s, UTC]")})
    rows = pd.DataFrame({"post_id": [f"t3_{i}" for i in range(40)],
                         "published": pd.to_datetime(np.arange(40) * 1_000_003, unit="ms",
                                                     utc=True).astype("datetime64[us, UTC]")})
    targets = np.arange(40) % 8
    pieces = mdd._pieces_of(rows, targets, like)
    assert len(pieces) == 8 and all(pickle.loads(piece)[0] is not None for _, piece in pieces)
    back = mdd._table_of_pieces([piece for _, piece in pieces], like)
    expected = pd.concat([part for _, part in rows.groupby(targets)], ignore_index=True)
    pd.testing.assert_frame_equal(back, expected)
    assert str(back["published"].dtype) == "datetime64[us, UTC]"
    # a piece of the empty frame's layout between them keeps its place and its dtype
    plain = mdd._pieces_of(rows.iloc[:2].astype({"published": "datetime64[s, UTC]"}),
                           np.zeros(2, dtype="int64"), like)[0][1]
    mixed = mdd._table_of_pieces([pieces[0][1], plain, pieces[1][1]], like)
    assert mixed["post_id"].tolist() == (expected["post_id"].tolist()[:5] + ["t3_0", "t3_1"]
                                         + expected["post_id"].tolist()[5:10])
    assert mixed["published"].tolist()[5:7] == rows["published"].iloc[:2].astype(
        "datetime64[s, UTC]").tolist()
