"""Tests for msdiscourse/corpus.py: threading and repairs, dtypes, save/load, concat."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from msdiscourse.corpus import (
    COMMENT_COLUMNS,
    FURNITURE_COLUMNS,
    POST_COLUMNS,
    UNPARSED_COLUMNS,
    Corpus,
    load_processed,
    make_comment_id,
    make_post_id,
)
from msdiscourse.io.pagedump import read_pagedump


def _threads(corpus: Corpus) -> list[tuple]:
    frame = corpus.comments
    return [
        (row["comment_id"], None if pd.isna(row["parent_id"]) else row["parent_id"], row["thread_id"],
         row["depth"], row["position"], row["flags"])
        for row in frame.to_dict("records")
    ]


# -- ids ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "local", "expected"),
    [
        ("000_cbe15b06e01714f3", None, "000_cbe15b06e01714f3"),
        ("wptest", 1149, "wptest:1149"),
        ("my page (copy)", None, "my_page_copy"),
        ("  ", None, "post"),
        ("blog", "2016/03/miracle", "blog:2016_03_miracle"),
        ("blog", "", "blog"),
    ],
)
def test_make_post_id(key, local, expected):
    assert make_post_id(key, local) == expected


def test_make_comment_id_is_unique_across_posts():
    assert make_comment_id("wptest:1149", 7) == "wptest:1149.c7"
    assert make_comment_id("a", "x/y") == "a.cx_y"
    assert make_comment_id("a", 1) != make_comment_id("b", 1)


# -- threading --------------------------------------------------------------------------
def test_from_records_derives_threads_depths_positions():
    corpus = Corpus.from_records(
        posts=[{"post_id": "a", "title": "A"}, {"post_id": "b", "title": "B"},
               {"post_id": "quiet", "title": "No comments"}],
        comments=[
            {"comment_id": "a.c1", "post_id": "a", "text": "top"},
            {"comment_id": "a.c2", "post_id": "a", "parent_id": "a.c1", "text": "reply"},
            {"comment_id": "a.c3", "post_id": "a", "parent_id": "a.c2", "text": "reply to reply"},
            {"comment_id": "a.c4", "post_id": "a", "text": "second thread"},
            {"comment_id": "b.c1", "post_id": "b", "text": "other post"},
            {"comment_id": "b.c2", "post_id": "b", "parent_id": "b.c1", "text": "reply there"},
        ],
    )
    assert _threads(corpus) == [
        ("a.c1", None, "a.c1", 0, 1, ""),
        ("a.c2", "a.c1", "a.c1", 1, 2, ""),
        ("a.c3", "a.c2", "a.c1", 2, 3, ""),
        ("a.c4", None, "a.c4", 0, 4, ""),
        ("b.c1", None, "b.c1", 0, 1, ""),
        ("b.c2", "b.c1", "b.c1", 1, 2, ""),
    ]
    assert corpus.posts["n_comments"].tolist() == [4, 2, 0]


def test_a_reply_may_come_before_its_parent():
    # exports list comments by date, not in thread order; threading must not depend on it
    corpus = Corpus.from_records(comments=[
        {"comment_id": "c2", "post_id": "p", "parent_id": "c1"},
        {"comment_id": "c1", "post_id": "p"},
    ])
    assert _threads(corpus) == [("c2", "c1", "c1", 1, 1, ""), ("c1", None, "c1", 0, 2, "")]


def test_repairs_are_flagged_not_silent():
    corpus = Corpus.from_records(
        posts=[{"post_id": "a"}, {"post_id": "b"}],
        comments=[
            {"comment_id": "a.c1", "post_id": "a", "parent_id": "a.c1"},            # self reply
            {"comment_id": "a.c2", "post_id": "a", "parent_id": "deleted"},         # parent missing
            {"comment_id": "b.c1", "post_id": "b", "parent_id": "a.c2"},            # parent in another post
            {"comment_id": "b.c2", "post_id": "b", "parent_id": "b.c4", "flags": "imported"},
            {"comment_id": "b.c3", "post_id": "b", "parent_id": "b.c2"},
            {"comment_id": "b.c4", "post_id": "b", "parent_id": "b.c3"},            # b.c2 -> c4 -> c3 -> c2
            {"comment_id": "b.c5", "post_id": "b", "parent_id": "b.c4"},            # hangs off the cycle
        ],
    )
    assert _threads(corpus) == [
        ("a.c1", None, "a.c1", 0, 1, "self_reply"),
        ("a.c2", None, "a.c2", 0, 2, "missing_parent"),
        ("b.c1", None, "b.c1", 0, 1, "missing_parent"),
        ("b.c2", None, "b.c2", 0, 2, "imported;cycle"),  # cut at the first comment in page order
        ("b.c3", "b.c2", "b.c2", 1, 3, ""),
        ("b.c4", "b.c3", "b.c2", 2, 4, ""),
        ("b.c5", "b.c4", "b.c2", 3, 5, ""),
    ]


def test_two_comment_cycle_entered_from_the_later_one():
    corpus = Corpus.from_records(comments=[
        {"comment_id": "x", "post_id": "p"},
        {"comment_id": "c1", "post_id": "p", "parent_id": "c2"},
        {"comment_id": "c2", "post_id": "p", "parent_id": "c1"},
    ])
    assert _threads(corpus)[1:] == [("c1", None, "c1", 0, 2, "cycle"), ("c2", "c1", "c1", 1, 3, "")]


def test_derive_threads_false_keeps_what_the_reader_knows():
    corpus = Corpus.from_records(
        comments=[{"comment_id": "c1", "post_id": "p", "parent_id": "gone", "depth": 3, "position": 9}],
        derive_threads=False,
    )
    row = corpus.comments.iloc[0]
    assert (row["parent_id"], row["depth"], row["position"], row["flags"]) == ("gone", 3, 9, "")


def test_contract_columns_and_dtypes_come_first():
    corpus = Corpus.from_records(
        posts=[{"post_id": "p", "tags": "single tag", "published": "2016-03-01T10:00:00Z", "extra": 1}],
        comments=[{"comment_id": "c1", "post_id": "p", "text": "hi", "score": 0.5}],
    )
    for frame, columns in ((corpus.posts, POST_COLUMNS), (corpus.comments, COMMENT_COLUMNS),
                           (corpus.unparsed, UNPARSED_COLUMNS), (corpus.furniture, FURNITURE_COLUMNS)):
        assert list(frame.columns[: len(columns)]) == list(columns)
        assert {c: str(frame[c].dtype) for c in columns} == {c: str(pd.Series([], dtype=t).dtype)
                                                            for c, t in columns.items()}
    assert corpus.posts["tags"][0] == ["single tag"]
    assert corpus.posts["published"][0] == pd.Timestamp("2016-03-01T10:00:00Z")
    assert list(corpus.posts.columns)[-1] == "extra" and list(corpus.comments.columns)[-1] == "score"
    assert corpus.comments["author"][0] is pd.NA


def test_replace_returns_a_new_corpus():
    corpus = Corpus.from_records(posts=[{"post_id": "p"}])
    other = corpus.replace(posts=corpus.posts.assign(title="T"))
    assert corpus.posts["title"][0] is pd.NA and other.posts["title"][0] == "T"


# -- persistence ---------------------------------------------------------------------------
def test_save_load_is_lossless_on_a_real_page(blog_pages, tmp_path):
    corpus = read_pagedump(blog_pages / "000_cbe15b06e01714f3.txt")
    folder = corpus.save(tmp_path / "processed")
    loaded = load_processed(folder)
    for name in ("posts", "comments", "unparsed", "furniture"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(corpus, name))
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["tables"]["comments"]["rows"] == 13
    assert manifest["tables"]["furniture"]["rows"] == 4
    assert loaded.posts["tags"][0] == ["MSresearch", "MS blog", "stem cells miracle cure more like poor reporting"]


def test_save_load_keeps_unparsed_rows_and_empty_tables(tmp_path):
    from tests.conftest import FIXTURES

    corpus = read_pagedump(FIXTURES / "pagedump" / "unplaceable.txt", on_error="collect")
    loaded = load_processed(corpus.save(tmp_path))
    pd.testing.assert_frame_equal(loaded.unparsed, corpus.unparsed)
    empty = load_processed(Corpus().save(tmp_path / "empty"))
    assert empty.summary() == Corpus().summary()


def test_load_processed_names_the_missing_table(tmp_path):
    Corpus().save(tmp_path)
    (tmp_path / "comments.parquet").unlink()
    with pytest.raises(FileNotFoundError) as caught:
        load_processed(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'comments.parquet'}: expected the comments table written by Corpus.save(); "
        f"run `msdiscourse parse DATA -o {tmp_path}` first"
    )


# -- concat and summary ------------------------------------------------------------------------
def test_concat_keeps_every_table(blog_pages):
    pages = [read_pagedump(p) for p in sorted(blog_pages.glob("*.txt"))]
    corpus = Corpus.concat(pages)
    assert corpus.summary() == {"sources": 2, "posts": 2, "comments": 17, "max_depth": 1,
                                "unparsed": 0, "furniture": 4}
    assert corpus.comments.index.tolist() == list(range(17))
    assert "body_spans" in corpus.posts.columns and "spans" in corpus.comments.columns
    assert repr(corpus) == "Corpus(posts=2, comments=17, max_depth=1, unparsed=0)"


def test_concat_refuses_duplicate_post_ids(blog_pages):
    page = read_pagedump(blog_pages / "004_3a7139fdbb8cb79e.txt")
    with pytest.raises(ValueError) as caught:
        Corpus.concat([page, page])
    assert str(caught.value) == "post ids must be unique across sources; repeated: ['004_3a7139fdbb8cb79e']"


def test_concat_of_nothing_is_an_empty_corpus():
    empty = Corpus.concat([])
    assert empty.summary() == {"sources": 0, "posts": 0, "comments": 0, "max_depth": 0,
                               "unparsed": 0, "furniture": 0}
    assert list(empty.comments.columns) == list(COMMENT_COLUMNS)
