"""read_disqus on the real isso test export and on a fixture in the worst order."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from msdiscourse import ParseError, read_disqus
from msdiscourse.io.folder import sniff_format
from tests.conftest import FIXTURES, SHARED_CORPUS, require

ISSO = SHARED_CORPUS / "exports" / "disqus" / "isso-tests-disqus.xml"
ANY_ORDER = FIXTURES / "disqus" / "any-order-orphans.xml"


def rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    return frame[columns].astype(object).where(frame[columns].notna(), None).values.tolist()


@pytest.fixture(scope="module")
def isso():
    return read_disqus(require(ISSO))


def test_real_export_threads(isso):
    assert rows(isso.posts, ["post_id", "title", "author", "n_comments", "url", "flags"]) == [
        ["isso-tests-disqus:2", "Hello, World!", "Baz", 4, "http://example.org/", ""],
        ["isso-tests-disqus:3", None, None, 0, None, ""],
        ["isso-tests-disqus:7", None, "Redacted", 1,
         "http://localhost:4000/blog/2013/02/12/redacted/index.html", ""],
        # the orphan's thread 1337 is not in the file: a placeholder keeps the comment
        ["isso-tests-disqus:1337", None, None, 1, None, "missing_thread"],
    ]
    assert isso.posts["published"].iloc[0] == pd.Timestamp("2012-12-12 12:12:12", tz="UTC")


def test_real_export_comments_orphan_and_reply_to_deleted(isso):
    assert rows(isso.comments, ["comment_id", "parent_id", "author", "text", "status", "flags"]) == [
        ["isso-tests-disqus:2.c4", None, "peter", "...", "approved", ""],
        ["isso-tests-disqus:2.c5", "isso-tests-disqus:2.c4", "user", "Hello, World.", "approved", ""],
        ["isso-tests-disqus:2.c9", None, "peter", "", "deleted", ""],
        ["isso-tests-disqus:2.c11", "isso-tests-disqus:2.c9", "user", "Hello, World.", "approved",
         "parent_deleted"],
        ["isso-tests-disqus:7.c8", None, "Empty", "Message from thread with empty title and id",
         "approved", ""],
        ["isso-tests-disqus:1337.c6", None, "where am I?", "...", "approved", "orphan_thread"],
    ]
    comments = isso.comments.set_index("comment_id")
    assert comments.loc["isso-tests-disqus:2.c11", "published"] == pd.Timestamp(
        "2013-10-11 06:52:33", tz="UTC")
    assert (comments.loc["isso-tests-disqus:2.c5", "line_start"],
            comments.loc["isso-tests-disqus:2.c5", "line_end"]) == (49, 63)
    assert isso.unparsed.empty
    assert sniff_format(ISSO) == "disqus"


def test_any_order_is_linked_and_nothing_dropped():
    corpus = read_disqus(ANY_ORDER)
    assert len(corpus.comments) == 8  # every <post> in the file
    assert rows(corpus.comments, ["comment_id", "parent_id", "depth", "status", "flags"]) == [
        ["any-order-orphans:900.c501", None, 0, "approved", ""],
        # listed before its parent and before its thread, still threaded under it
        ["any-order-orphans:900.c503", "any-order-orphans:900.c501", 1, "approved", ""],
        ["any-order-orphans:900.c502", None, 0, "deleted", ""],
        ["any-order-orphans:900.c504", "any-order-orphans:900.c502", 1, "approved", "parent_deleted"],
        ["any-order-orphans:900.c505", None, 0, "spam", ""],
        # parent 499 is not in the file: top level, flagged
        ["any-order-orphans:900.c506", None, 0, "approved", "missing_parent"],
        ["any-order-orphans:777.c601", None, 0, "approved", "orphan_thread"],
        ["any-order-orphans:no-thread.c701", None, 0, "approved", "orphan_thread"],
    ]
    texts = corpus.comments.set_index("comment_id")["text"]
    assert texts["any-order-orphans:900.c503"] == "Yes, a huge difference.\n\nAsk me how I know."
    assert corpus.comments.set_index("comment_id").loc["any-order-orphans:900.c504", "author"] == "curious_cat"
    assert rows(corpus.posts, ["post_id", "title", "status", "n_comments", "flags"]) == [
        ["any-order-orphans:900", "Fatigue & exercise", "open", 6, ""],
        ["any-order-orphans:901", "Closed for comments", "closed", 0, ""],
        ["any-order-orphans:777", None, None, 1, "missing_thread"],
        ["any-order-orphans:no-thread", None, None, 1, "missing_thread"],
    ]
    assert sniff_format(ANY_ORDER) == "disqus"


POST_WITHOUT_ID = """<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><title>T</title></thread>
<post>
  <message>Lost?</message><thread dsq:id="1"/>
</post>
</disqus>"""


def test_post_without_dsq_id_follows_on_error():
    with pytest.raises(ParseError) as caught:
        read_disqus(io.StringIO(POST_WITHOUT_ID))
    assert str(caught.value) == (
        '<disqus>, line 3: expected a dsq:id attribute on each <post>; found none '
        '(pass on_error="collect" to keep it as an unparsed row)')
    corpus = read_disqus(io.StringIO(POST_WITHOUT_ID), on_error="collect")
    assert rows(corpus.unparsed, ["line_start", "line_end", "reason", "text"]) == [
        [3, 5, "post without dsq:id", "Lost?"]]
    assert corpus.comments.empty


# -- property: any order of a random thread tree reads back as the same tree --------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü’ABC", min_size=1, max_size=8)
PARAGRAPH = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
TEXT = st.lists(PARAGRAPH, min_size=1, max_size=3).map("\n\n".join)


@st.composite
def thread_forests(draw):
    """Threads with comments; each comment answers the post or an earlier comment."""
    threads = []
    next_id = 100
    for thread_index in range(draw(st.integers(1, 3))):
        comments = []
        for index in range(draw(st.integers(0, 8))):
            parent = draw(st.sampled_from([None] + [c["id"] for c in comments]))
            comments.append({"id": str(next_id), "parent": parent, "text": draw(TEXT),
                             "minute": index})
            next_id += 1
        threads.append({"id": f"t{thread_index}", "comments": comments})
    return threads


def disqus_document(threads, order) -> str:
    blocks = []
    for thread in threads:
        blocks.append(f'<thread dsq:id="{thread["id"]}"><title>T</title></thread>')
        for comment in thread["comments"]:
            parent = f'<parent dsq:id="{comment["parent"]}"/>' if comment["parent"] else ""
            blocks.append(
                f'<post dsq:id="{comment["id"]}"><message><![CDATA[{comment["text"]}]]></message>'
                f'<createdAt>2021-01-01T10:{comment["minute"]:02d}:00Z</createdAt>'
                f'<thread dsq:id="{thread["id"]}"/>{parent}</post>')
    blocks = [blocks[i] for i in order(list(range(len(blocks))))]
    return ('<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
            + "\n".join(blocks) + "\n</disqus>")


@settings(max_examples=25, deadline=None)
@given(threads=thread_forests(), data=st.data())
def test_any_order_round_trip(threads, data):
    document = disqus_document(threads, lambda items: data.draw(st.permutations(items)))
    corpus = read_disqus(io.StringIO(document))
    got = {row.comment_id: (None if pd.isna(row.parent_id) else row.parent_id, row.text)
           for row in corpus.comments.itertuples()}
    expected = {}
    for thread in threads:
        post_id = f"disqus:{thread['id']}"
        for comment in thread["comments"]:
            parent = f"{post_id}.c{comment['parent']}" if comment["parent"] else None
            expected[f"{post_id}.c{comment['id']}"] = (parent, comment["text"])
    assert got == expected
    assert corpus.comments["flags"].eq("").all()
    assert sorted(corpus.posts["post_id"]) == sorted(f"disqus:{t['id']}" for t in threads)
    # shown oldest first, replies under their parent: positions run 1..n in each thread
    for _, group in corpus.comments.groupby("post_id"):
        assert group["position"].tolist() == list(range(1, len(group) + 1))


# -- issue 11: repeated ids and dates pandas cannot hold --------------------------------------

def test_repeated_ids_and_impossible_dates_are_kept_and_flagged():
    export = io.StringIO('''<disqus xmlns="http://disqus.com"
  xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><title>Heat</title><createdAt>2013-10-10T19:20:29Z</createdAt></thread>
<thread dsq:id="1"><title>Heat, re-imported</title></thread>
<post dsq:id="5"><message>Hot.</message><createdAt>9999-12-31T00:00:00Z</createdAt>
  <thread dsq:id="1"/></post>
<post dsq:id="5"><message>Hotter.</message><createdAt>2013-02-30T10:00:00Z</createdAt>
  <thread dsq:id="1"/></post>
</disqus>''')
    corpus = read_disqus(export, on_error="collect")
    posts = corpus.posts[["post_id", "title", "flags"]]
    assert posts.values.tolist() == [["disqus:1", "Heat", ""],
                                     ["disqus:1~2", "Heat, re-imported", "duplicate_id"]]
    comments = corpus.comments[["comment_id", "text", "flags"]]
    assert comments.values.tolist() == [
        ["disqus:1.c5", "Hot.", "date_out_of_range"],
        ["disqus:1.c5~2", "Hotter.", "bad_date;duplicate_id"]]
    assert corpus.comments["published"].isna().all()
    assert corpus.unparsed[["line_start", "reason", "text"]].values.tolist() == [
        [5, "createdAt out of range", "9999-12-31T00:00:00Z"],
        [7, "malformed createdAt", "2013-02-30T10:00:00Z"]]
