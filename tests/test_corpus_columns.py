"""Corpus.from_columns builds exactly the corpus from_records builds from the same rows."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msdiscourse.corpus import Corpus
from msdiscourse.io._xml import rows_to_columns

UTC = pd.Timestamp("2015-01-01 10:00", tz="UTC")
POSTS = [{"post_id": "b:1", "source": "b.xml", "title": "First", "tags": ["ms", "trial"],
          "published": UTC, "body": "Text.", "line_start": 3, "line_end": 9, "kind": "post"},
         {"post_id": "b:2", "source": "b.xml", "title": None, "tags": [], "published": None,
          "body": "", "line_start": 10, "line_end": 12, "kind": "page"}]
COMMENTS = [  # a reply, a self reply, a cycle, a parent in another post, flags given or None
    {"comment_id": "b:1.c1", "post_id": "b:1", "parent_id": None, "author": "Ann",
     "text": "Hi", "published": UTC, "flags": "", "line_start": 4, "line_end": 4, "kind": "comment"},
    {"comment_id": "b:1.c2", "post_id": "b:1", "parent_id": "b:1.c1", "author": None,
     "text": "Zoë ’", "published": None, "flags": None, "line_start": 5, "line_end": 5,
     "kind": "pingback"},
    {"comment_id": "b:1.c3", "post_id": "b:1", "parent_id": "b:1.c3", "author": "Bo",
     "text": "", "published": UTC, "flags": "duplicate_id", "line_start": 6, "line_end": 6,
     "kind": "comment"},
    {"comment_id": "b:1.c4", "post_id": "b:1", "parent_id": "b:1.c5", "author": "Cy",
     "text": "a", "published": UTC, "flags": "", "line_start": 7, "line_end": 7, "kind": "comment"},
    {"comment_id": "b:1.c5", "post_id": "b:1", "parent_id": "b:1.c4", "author": "Di",
     "text": "b", "published": UTC, "flags": "", "line_start": 8, "line_end": 8, "kind": "comment"},
    {"comment_id": "b:2.c1", "post_id": "b:2", "parent_id": "b:1.c1", "author": "Ed",
     "text": "c", "published": UTC, "flags": "", "line_start": 11, "line_end": 11,
     "kind": "comment"},
]
UNPARSED = [{"source": "b.xml", "line_start": 1, "line_end": 1, "reason": "skipped", "text": "x"}]


def _equal(left: Corpus, right: Corpus) -> None:
    for name in ("posts", "comments", "unparsed", "furniture"):
        a, b = getattr(left, name), getattr(right, name)
        assert list(a.columns) == list(b.columns), name
        assert a.dtypes.to_dict() == b.dtypes.to_dict(), name
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("derive_threads", [True, False])
def test_same_corpus_as_from_records(derive_threads):
    expected = Corpus.from_records(posts=POSTS, comments=COMMENTS, unparsed=UNPARSED,
                                   derive_threads=derive_threads)
    built = Corpus.from_columns(posts=rows_to_columns([dict(r) for r in POSTS]),
                                comments=rows_to_columns([dict(r) for r in COMMENTS]),
                                unparsed=UNPARSED, derive_threads=derive_threads)
    _equal(built, expected)
    assert built.equals(expected)
    if derive_threads:
        comments = built.comments.set_index("comment_id")
        assert comments.loc["b:1.c2", "depth"] == 1
        assert "self_reply" in comments.loc["b:1.c3", "flags"]
        assert "cycle" in comments.loc["b:1.c4", "flags"]
        assert "missing_parent" in comments.loc["b:2.c1", "flags"]
        assert list(built.posts["n_comments"]) == [5, 1]


def test_empty_and_uneven_columns():
    _equal(Corpus.from_columns(), Corpus.from_records())
    _equal(Corpus.from_columns(posts={}, comments={}), Corpus.from_records())
    with pytest.raises(ValueError, match="different lengths"):
        Corpus.from_columns(comments={"comment_id": ["a", "b"], "post_id": ["p"]})


@st.composite
def reply_links(draw):
    """Comments of two posts whose parents may be missing, themselves, in the other post,
    absent from the table, or form cycles; flags given, repeated or missing."""
    n = draw(st.integers(min_value=0, max_value=30))
    ids = [f"c{i}" for i in range(n)]
    posts = [draw(st.sampled_from(["p", "q"])) for _ in ids]
    parents = [draw(st.one_of(st.none(), st.sampled_from(ids + ["gone"]))) for _ in ids]
    flags = [draw(st.sampled_from(["", "a", "a;a", None, "x;;y"])) for _ in ids]
    return ids, posts, parents, flags


@settings(max_examples=200, deadline=None)
@given(reply_links())
def test_vectorised_threads_equal_the_comment_by_comment_walk(links):
    from msdiscourse.corpus import _thread_arrays, _thread_lists, _thread_lists_by_comment

    want = _thread_lists_by_comment(*links)
    fast = _thread_arrays(*links)
    if fast is not None:  # None: a cycle, left to the walk
        assert [list(part) for part in fast] == [list(part) for part in want]
    assert [list(part) for part in _thread_lists(*links)] == [list(part) for part in want]


def test_a_long_reply_chain_gets_every_depth():
    n = 5000  # deeper than any pointer-jumping round count could fake
    ids = [f"c{i}" for i in range(n)]
    parents = [None] + ids[:-1]
    got = _thread_arrays_or_fail(ids, ["p"] * n, parents, [""] * n)
    assert got[1] == list(range(n)) and set(got[2]) == {"c0"}


def _thread_arrays_or_fail(*links):
    from msdiscourse.corpus import _thread_arrays

    result = _thread_arrays(*links)
    assert result is not None
    return result
