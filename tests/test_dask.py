"""The Dask engine gives the pandas answers, row for row, on a two-process LocalCluster.

One cluster serves the whole module. Each dataset's analyses are computed in one
``dask.compute`` call (shared intermediate results), then compared table by table with the
pandas functions run on the whole corpus, after sorting by each table's key.
"""

from __future__ import annotations

import json

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
    return {
        "sentences": sentences, "tone": tone, "markers": markers,
        "profile": msd.marker_profile(markers, sentences),
        "author_profile": msd.marker_profile(markers, sentences, by="author"),
        "roles": roles,
        # reply_exchanges takes the comment_tone table (quotes left out), not sentence tone
        "exchanges": msd.reply_exchanges(corpus, roles=roles, tone=msd.comment_tone(corpus, n_jobs=1),
                                         markers=msd.marker_profile(markers, sentences)),
    }


def _dask_results(corpus, **role_options) -> dict[str, pd.DataFrame]:
    corpus = corpus.persist()  # read and shuffle once for all the analyses
    sentences = corpus.split_sentences()
    tone = corpus.score_tone(sentences)
    markers = corpus.find_markers(sentences)
    roles = corpus.assign_roles(**role_options)
    lazy = {
        "sentences": sentences, "tone": tone, "markers": markers,
        "profile": corpus.marker_profile(markers, sentences),
        "author_profile": corpus.marker_profile(markers, sentences, by="author"),
        "roles": roles,
        "exchanges": corpus.reply_exchanges(roles, corpus.comment_tone(),
                                            corpus.marker_profile(markers, sentences)),
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
                                  matrix(found["exchanges"], "tone_shift"))
    return expected


def assert_same_corpus(expected, found) -> None:
    for name in ("posts", "comments"):
        want, got = getattr(expected, name), getattr(found, name)
        pd.testing.assert_frame_equal(_sorted(want, KEYS[name]), _sorted(got, KEYS[name]),
                                      obj=name)


def test_demo_gives_the_pandas_answers(client):
    expected = msd.read_corpus(DATA_RAW)
    corpus = mdd.read_corpus(DATA_RAW, npartitions=3)
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


@pytest.mark.slow
def test_forum_threads_give_the_pandas_answers(client, forum):
    corpus = mdd.from_corpus(forum, npartitions=4)
    results = assert_same_answers(forum, corpus, blog_is_research=False)
    assert len(results["roles"]) == len(forum.comments) > 2000


def test_forum_threads_roles_and_exchanges_match(client, forum):
    """The cross-partition steps (per-author roles, names across posts) on the full forum."""
    corpus = mdd.from_corpus(forum, npartitions=4).persist()
    want = msd.assign_roles(forum, blog_is_research=False)
    roles = corpus.assign_roles(blog_is_research=False)
    exchanges = corpus.reply_exchanges(roles)
    got, got_exchanges = dask.compute(roles, exchanges)
    pd.testing.assert_frame_equal(_sorted(want, ["comment_id"]),
                                  _sorted(got.reset_index(drop=True), ["comment_id"]))
    # authors post in many threads: the decision really crosses partitions
    assert (want["source"].astype(str) == "same_author").sum() > 100
    pd.testing.assert_frame_equal(
        _sorted(msd.reply_exchanges(forum, roles=want), ["comment_id"]),
        _sorted(got_exchanges.reset_index(drop=True), ["comment_id"]))


@pytest.fixture(scope="module")
def reddit_dump(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reddit")
    write_synthetic_dump(folder, target_bytes=150_000, seed=16, months=3, compression="zst")
    return folder


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


def test_subreddit_filter_is_the_same_on_both_engines(client, reddit_dump):
    expected = msd.read_reddit(reddit_dump, subreddits=["multiplesclerosis"])
    found = mdd.read_reddit(reddit_dump, subreddits=["multiplesclerosis"], npartitions=2).compute()
    assert set(expected.posts["subreddit"]) == {"MultipleSclerosis"}
    assert_same_corpus(expected, found)


def test_save_writes_partitions_that_load_processed_reads(client, tmp_path):
    expected = msd.read_corpus(DATA_RAW)
    corpus = mdd.read_corpus(DATA_RAW, npartitions=3)
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


def test_get_client_reuses_the_running_client(client):
    assert mdd.get_client() is client
    assert mdd.get_client(client.scheduler.address) is client


def test_cli_parse_with_the_dask_engine(client, tmp_path, capsys):
    from msdiscourse.cli import main

    out = tmp_path / "processed"
    assert main(["parse", str(DATA_RAW), "-o", str(out), "--engine", "dask",
                 "--scheduler", client.scheduler.address, "--partitions", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"parsed {DATA_RAW} on 2 Dask worker(s): 5 posts, 76 comments, 0 unparsed row(s)",
        f"partitioned tables written to {out}/ (2 partitions)",
    ]
    assert_same_corpus(msd.read_corpus(DATA_RAW), msd.load_processed(out))


def test_partitions_hold_whole_posts(client):
    corpus = mdd.read_corpus(DATA_RAW, npartitions=3)
    posts, comments = dask.compute(corpus.posts, corpus.comments)
    part_of_post = dict(zip(posts["post_id"], posts.index))
    assert len(set(posts.index)) > 1
    assert all(part_of_post[p] == i for p, i in zip(comments["post_id"], comments.index))


def test_bad_partition_count_is_refused():
    with pytest.raises(ValueError, match="npartitions must be at least 1; got 0"):
        mdd.from_corpus(msd.read_corpus(DATA_RAW), npartitions=0)


def test_notebook_analyses_give_the_pandas_tables_in_corpus_order(client):
    """What the notebooks call (msdiscourse.dask.analyses): the same tables, in the same order."""
    corpus = msd.pseudonymise(msd.read_corpus(DATA_RAW), key="demo")
    pandas_run = mdd.analyses(corpus, "pandas")
    dask_run = mdd.analyses(corpus, "dask")
    assert dask_run.client is client and dask_run.dcorpus.npartitions >= 2
    tables = {}
    for name, run in (("pandas", pandas_run), ("dask", dask_run)):
        sentences = run.split_sentences(units="comments")
        markers = run.find_markers(sentences)
        roles = run.assign_roles()
        tone = run.comment_tone()
        profile = run.marker_profile(markers, sentences)
        tables[name] = {
            "sentences": sentences, "markers": markers, "roles": roles, "tone": tone,
            "scored": run.score_tone(sentences, n_jobs=1),
            "profile": profile, "inferred": run.assign_roles(infer=True),
            "exchanges": run.reply_exchanges(roles, tone, profile),
        }
    for table, expected in tables["pandas"].items():
        got = tables["dask"][table]
        assert len(got) > 0, table
        # no sorting here: the rows come back in the order the pandas function gives
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=table)
    assert (tables["dask"]["roles"]["role"] == "patient").sum() >= 3
    assert tables["dask"]["roles"]["detail"].notna().sum() >= 10
    with pytest.raises(ValueError, match="expected infer=False"):
        dask_run.dcorpus.assign_roles(infer=True)
    with pytest.raises(ValueError, match="pass a table this Analyses object returned"):
        dask_run.find_markers(tables["dask"]["sentences"].copy())


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="expected one of 'pandas', 'dask'; found 'Dask'"):
        mdd.analyses(msd.read_corpus(DATA_RAW), "Dask")
