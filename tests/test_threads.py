"""check_threads: one row per thread problem, from the tables and from the readers' flags."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from msdiscourse.corpus import COMMENT_COLUMNS, Corpus, coerce_frame
from msdiscourse.threads import PROBLEM_DTYPE, THREAD_PROBLEMS, check_threads
from tests.conftest import SHARED_CORPUS

POSTS = [{"post_id": "p1", "title": "Vitamin D"}, {"post_id": "p2", "title": "Fatigue"}]


def _raw(comments: list[dict], posts: list[dict] = POSTS) -> Corpus:
    """A corpus whose tables hold exactly the given links (no repair by from_records)."""
    frame = pd.DataFrame(comments)
    frame["flags"] = frame.get("flags", pd.Series([""] * len(frame))).fillna("")
    return Corpus(posts=Corpus.from_records(posts=posts).posts,
                  comments=coerce_frame(frame, COMMENT_COLUMNS))


def _problems(corpus: Corpus) -> list[list]:
    problems = check_threads(corpus).fillna({"comment_id": "-"})  # "-": a comment without id
    return problems[["comment_id", "problem", "detail"]].values.tolist()


# (name, comments, expected rows) -- hand-made corpora, one problem each, near misses included
CASES = [
    ("clean", [
        {"comment_id": "a", "post_id": "p1", "text": "top", "published": "2024-01-01T10:00Z"},
        {"comment_id": "b", "post_id": "p1", "parent_id": "a", "text": "reply",
         "published": "2024-01-01T10:00Z"},  # same second as its parent: not "before"
    ], []),
    ("orphan", [
        {"comment_id": "a", "post_id": "p9", "text": "where is my post?"},
        {"comment_id": "b", "post_id": None, "text": "no post at all"},
    ], [["a", "orphan", "post p9 is not in the posts table"],
        ["b", "orphan", "the comment names no post"]]),
    ("missing_parent", [
        {"comment_id": "a", "post_id": "p1", "parent_id": "zz", "text": "reply to nothing"},
        {"comment_id": "b", "post_id": "p2", "text": "other post"},
        {"comment_id": "c", "post_id": "p1", "parent_id": "b", "text": "reply across posts"},
    ], [["a", "missing_parent", "parent zz is not in the comments table"],
        ["c", "missing_parent", "parent b belongs to post p2, not p1"]]),
    ("self_reply", [
        {"comment_id": "a", "post_id": "p1", "parent_id": "a", "text": "me, myself"},
    ], [["a", "self_reply", "the comment is its own parent"]]),
    ("cycle", [
        {"comment_id": "a", "post_id": "p1", "parent_id": "c", "text": "1"},
        {"comment_id": "b", "post_id": "p1", "parent_id": "a", "text": "2"},
        {"comment_id": "c", "post_id": "p1", "parent_id": "b", "text": "3"},
        {"comment_id": "d", "post_id": "p1", "parent_id": "c", "text": "hangs off the loop"},
    ], [["a", "cycle", "parent links form a cycle: a → c → b → a"],
        ["b", "cycle", "parent links form a cycle: a → c → b → a"],
        ["c", "cycle", "parent links form a cycle: a → c → b → a"]]),
    ("reply_before_parent", [
        {"comment_id": "a", "post_id": "p1", "text": "top", "published": "2024-01-02T10:00Z"},
        {"comment_id": "b", "post_id": "p1", "parent_id": "a", "text": "time travel",
         "published": "2024-01-01T09:59Z"},
        {"comment_id": "c", "post_id": "p1", "parent_id": "a", "text": "undated"},
    ], [["b", "reply_before_parent",
         "published 2024-01-01T09:59:00+00:00, before its parent a (2024-01-02T10:00:00+00:00)"]]),
    ("duplicate_id", [
        {"comment_id": "a", "post_id": "p1", "text": "first"},
        {"comment_id": "a", "post_id": "p1", "text": "second"},
        {"comment_id": None, "post_id": "p1", "text": "no id"},
    ], [["a", "duplicate_id", "id also used by row 1 of the comments table"],
        ["-", "duplicate_id", "the comment has no id"]]),
]


@pytest.mark.parametrize("name, comments, expected", CASES, ids=[c[0] for c in CASES])
def test_each_problem_in_the_tables(name, comments, expected):
    assert _problems(_raw(comments)) == expected


def test_problems_are_sorted_by_kind_then_page_order_and_typed():
    corpus = _raw([
        {"comment_id": "a", "post_id": "p1", "parent_id": "a", "text": "self"},
        {"comment_id": "b", "post_id": "p9", "text": "orphan"},
        {"comment_id": "b", "post_id": "p1", "text": "dup"},
    ])
    problems = check_threads(corpus)
    assert problems[["comment_id", "problem"]].values.tolist() == [
        ["b", "duplicate_id"], ["b", "orphan"], ["a", "self_reply"]]
    assert problems["problem"].dtype == PROBLEM_DTYPE
    assert list(PROBLEM_DTYPE.categories) == list(THREAD_PROBLEMS)
    assert [str(problems[c].dtype) for c in ("comment_id", "post_id", "detail")] == ["string"] * 3


def test_repairs_made_by_from_records_are_reported_from_the_flags():
    corpus = Corpus.from_records(posts=POSTS, comments=[
        {"comment_id": "a", "post_id": "p1", "parent_id": "zz", "text": "lost parent"},
        {"comment_id": "b", "post_id": "p1", "parent_id": "b", "text": "self"},
        {"comment_id": "c", "post_id": "p1", "parent_id": "d", "text": "loop 1"},
        {"comment_id": "d", "post_id": "p1", "parent_id": "c", "text": "loop 2"},
    ])
    # the tables are sound now: every problem below comes from the flags
    assert corpus.comments["parent_id"].tolist()[:3] == [pd.NA, pd.NA, pd.NA]
    problems = check_threads(corpus)
    assert problems[["comment_id", "problem"]].values.tolist() == [
        ["a", "missing_parent"], ["b", "self_reply"], ["c", "cycle"]]
    assert problems["detail"].str.startswith("repaired: ").all()
    assert problems.loc[2, "detail"] == (
        "repaired: the source's parent links formed a cycle; the reader cut it here (made top level)")


def test_a_problem_seen_in_both_table_and_flags_is_reported_once():
    corpus = _raw([{"comment_id": "a", "post_id": "p9", "text": "x", "flags": "orphan"}])
    assert _problems(corpus) == [["a", "orphan", "post p9 is not in the posts table"]]


def test_reader_flags_with_other_names():
    corpus = Corpus.from_records(posts=POSTS, comments=[
        {"comment_id": "a", "post_id": "p1", "text": "x", "flags": "orphan_thread"},
        {"comment_id": "b", "post_id": "p1", "parent_id": "a", "text": "y",
         "flags": "parent_deleted"},
        {"comment_id": "c", "post_id": "p1", "text": "z", "flags": "duplicate_id;"},
    ])
    assert check_threads(corpus)[["comment_id", "problem"]].values.tolist() == [
        ["c", "duplicate_id"], ["a", "orphan"]]


def test_an_empty_corpus_and_a_corpus_without_posts():
    empty = check_threads(Corpus())
    assert empty.empty and list(empty.columns) == ["comment_id", "post_id", "problem", "detail"]
    assert empty["problem"].dtype == PROBLEM_DTYPE
    only_comments = Corpus.from_records(comments=[{"comment_id": "a", "post_id": "p1", "text": "x"}])
    assert _problems(only_comments) == [["a", "orphan", "post p1 is not in the posts table"]]


def test_never_prints_never_raises_never_mutates(capsys):
    corpus = _raw([
        {"comment_id": "a", "post_id": "p1", "parent_id": "b", "text": "1",
         "published": "2024-01-02T00:00Z"},
        {"comment_id": "b", "post_id": "p1", "parent_id": "a", "text": "2"},
        {"comment_id": "a", "post_id": None, "parent_id": "a", "text": "3"},
    ])
    before = corpus.comments.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        problems = check_threads(corpus)
    assert capsys.readouterr() == ("", "")
    pd.testing.assert_frame_equal(corpus.comments, before)
    assert set(problems["problem"]) == {"duplicate_id", "orphan", "self_reply", "cycle"}
    # a comments table missing columns altogether is still answered, not an exception
    bare = Corpus(comments=pd.DataFrame({"comment_id": ["x"]}))
    assert _problems(bare) == [["x", "orphan", "the comment names no post"]]


@pytest.mark.parametrize("name", ["000_cbe15b06e01714f3.txt", "004_3a7139fdbb8cb79e.txt"])
def test_the_real_blog_pages_have_sound_threads(blog_pages, name):
    from msdiscourse.io.pagedump import read_pagedump

    corpus = read_pagedump(blog_pages / name)
    assert len(corpus.comments) > 0 and corpus.comments["parent_id"].notna().any()
    assert check_threads(corpus).empty


def test_the_real_disqus_export_reports_its_orphan(shared_corpus):
    reader = pytest.importorskip("msdiscourse.io.disqus", reason="the Disqus reader is not there yet")
    corpus = reader.read_disqus(SHARED_CORPUS / "exports" / "disqus" / "isso-tests-disqus.xml",
                                on_error="collect")
    orphans = check_threads(corpus).query("problem == 'orphan'")
    assert len(orphans) == 1
    assert orphans.iloc[0]["detail"].startswith("repaired: the source named a thread that is not")
    assert orphans.iloc[0]["comment_id"] in set(corpus.comments["comment_id"])


# -- issue 11: cycle repair cuts many cycles, each at its first comment in page order --------

def test_many_cycles_are_each_cut_once_at_their_first_comment():
    n = 2000  # 1000 two-comment cycles, then a 3-cycle reached through a chain
    comments = [{"comment_id": f"c{i}", "post_id": "p", "text": "x",
                 "parent_id": f"c{i + 1}" if i % 2 == 0 else f"c{i - 1}"} for i in range(n)]
    comments += [{"comment_id": "t0", "post_id": "p", "parent_id": "t1", "text": "x"},
                 {"comment_id": "t1", "post_id": "p", "parent_id": "t3", "text": "x"},
                 {"comment_id": "t2", "post_id": "p", "parent_id": "t1", "text": "x"},
                 {"comment_id": "t3", "post_id": "p", "parent_id": "t2", "text": "x"}]
    corpus = Corpus.from_records(posts=[{"post_id": "p"}], comments=comments)
    got = corpus.comments.set_index("comment_id")
    cut = got.index[got["flags"] == "cycle"].tolist()
    assert cut == [f"c{i}" for i in range(0, n, 2)] + ["t1"]
    assert got.loc["c1", "parent_id"] == "c0" and got.loc["c1", "depth"] == 1
    assert got.loc[["t1", "t2", "t3", "t0"], "depth"].tolist() == [0, 1, 2, 1]
    assert got["thread_id"].loc[["t0", "t2", "t3"]].tolist() == ["t1", "t1", "t1"]
    problems = check_threads(corpus)
    assert problems["problem"].value_counts()["cycle"] == n // 2 + 1
