"""read_wxr on the real wptest.xml export and on small fixtures for each edge case."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from msdiscourse import ParseError, ParseWarning, read_wxr
from msdiscourse.corpus import COMMENT_COLUMNS, POST_COLUMNS
from msdiscourse.io.folder import sniff_format
from tests.conftest import FIXTURES, SHARED_CORPUS, require

WPTEST = SHARED_CORPUS / "exports" / "wxr" / "wptest.xml"
WXR_FIXTURES = FIXTURES / "wxr"


@pytest.fixture(scope="module")
def wptest():
    return read_wxr(require(WPTEST))


def by_id(comments: pd.DataFrame) -> pd.DataFrame:
    return comments.set_index("comment_id")


# -- the real export -------------------------------------------------------------------

def test_wptest_posts_pages_and_skipped_items(wptest):
    assert wptest.posts["kind"].value_counts().to_dict() == {"post": 37, "page": 15}
    assert list(wptest.posts.columns[: len(POST_COLUMNS)]) == list(POST_COLUMNS)
    assert wptest.posts["post_id"].is_unique
    reasons = wptest.unparsed["reason"].value_counts().to_dict()
    assert reasons == {"skipped nav_menu_item item (not a post or page)": 102,
                       "skipped attachment item (not a post or page)": 44}
    assert wptest.posts["status"].value_counts().to_dict() == {"publish": 50, "future": 1, "draft": 1}


def test_wptest_the_post_with_21_comments_nested_10_deep(wptest):
    post = wptest.posts.set_index("post_id").loc["wptest:149"]
    assert post["title"] == "Comments"
    assert post["n_comments"] == 21
    comments = wptest.comments[wptest.comments["post_id"] == "wptest:149"]
    assert len(comments) == 21
    assert comments["depth"].max() == 9  # ten levels: depth 0 to 9
    assert comments["position"].tolist() == list(range(1, 22))
    # the deepest reply's parent chain, up to the top-level comment that starts the thread
    comments = by_id(comments)
    chain, node = [], "wptest:149.c47"
    while node is not pd.NA:
        chain.append(node.rsplit(".c", 1)[1])
        node = comments.loc[node, "parent_id"]
    assert chain == ["47", "46", "45", "44", "43", "42", "39", "38", "37", "36"]
    assert comments.loc["wptest:149.c47", "thread_id"] == "wptest:149.c36"
    assert comments.loc["wptest:149.c47", "author"] == "Michael Novotny"
    assert comments.loc["wptest:149.c36", "author"] == "Jared Erickson"


def test_wptest_comment_fields(wptest):
    comments = by_id(wptest.comments)
    first = comments.loc["wptest:149.c13"]
    assert first["author"] == "Tom McFarlin"
    assert first["published"] == pd.Timestamp("2012-09-03 15:18:04", tz="UTC")
    assert (first["line_start"], first["line_end"]) == (8008, 8223)
    assert first["text"].startswith("Headings\n\nHeader one\n\nHeader two\n\n")
    checklist = comments.loc["wptest:149.c12", "text"]
    assert checklist.startswith(
        "There are a few checklist items that should be in each comment.\n\n"
        "The commenter's gravatar. Optional, but a best practice. Use get_comment_author_email.\n"
        "The commenter's name. Use comment_author.\n")
    assert "<" not in checklist
    assert str(wptest.comments["published"].dtype) == "datetime64[ns, UTC]"
    assert wptest.comments["comment_id"].is_unique
    assert wptest.comments["flags"].eq("").all()


def test_wptest_pingbacks_are_kept_and_marked(wptest):
    assert wptest.comments["kind"].value_counts().to_dict() == {"comment": 26, "pingback": 4}
    pings = wptest.comments[wptest.comments["kind"] == "pingback"]
    assert set(pings["post_id"]) == {"wptest:151"}
    assert pings["author"].iloc[0] == "Ping 1 « What’s a tellyworth?"  # entities decoded
    assert pings["text"].iloc[0] == "[...] Trackback\u00a0test. [...]"  # the NBSP is the writer's
    assert wptest.comments["status"].eq("approved").all()


def test_wptest_tags_and_authors(wptest):
    posts = wptest.posts.set_index("post_id")
    assert posts.loc["wptest:151", "tags"] == ["Comments", "Pingbacks", "Trackbacks"]
    assert posts.loc["wptest:149", "author"] == "Michael Novotny"  # display name, not login
    assert posts.loc["wptest:149", "url"] == "http://wptest.io/demo/comments/"
    assert posts.loc["wptest:867", "title"] == "Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"
    # the draft has no GMT date yet (0000-00-00 00:00:00): missing, not 1970 or year 0
    draft = wptest.posts[wptest.posts["status"] == "draft"]
    assert draft["published"].isna().all()


def test_sniff_format_recognises_wxr():
    assert sniff_format(require(WPTEST)) == "wxr"
    for path in sorted(WXR_FIXTURES.glob("*.xml")):
        assert sniff_format(path) == "wxr", path


# -- fixtures: versions, statuses, repeated ids ------------------------------------------

def test_wxr_1_0_namespace_statuses_and_trackback():
    corpus = read_wxr(WXR_FIXTURES / "wxr-1.0-statuses.xml")
    comments = corpus.comments
    assert comments["comment_id"].tolist() == [
        "wxr-1.0-statuses:12.c3", "wxr-1.0-statuses:12.c5", "wxr-1.0-statuses:12.c6",
        "wxr-1.0-statuses:12.c4", "wxr-1.0-statuses:12.c7"]
    assert comments["status"].tolist() == ["approved", "pending", "trash", "spam", "approved"]
    assert comments["kind"].tolist() == ["comment", "comment", "comment", "comment", "trackback"]
    assert comments["depth"].tolist() == [0, 1, 2, 0, 0]
    assert comments["text"].tolist()[:2] == ["So I should take it?\n\nI already do.",
                                             "Talk to your neurologist first."]
    assert comments["text"].iloc[3] == "Buy now"
    assert comments["author"].iloc[4] == "MS Society news » Vitamin D"
    posts = corpus.posts.set_index("post_id")
    # WXR 1.0 repeats a category without domain and writes tags as domain="tag"
    assert posts.loc["wxr-1.0-statuses:12", "tags"] == ["Trials", "vitamin D"]
    assert posts.loc["wxr-1.0-statuses:12", "body"] == "The trial reported today.\n\nIt is not a cure."
    assert posts.loc["wxr-1.0-statuses:12", "author"] == "drjones"  # no wp:author list in 1.0
    assert pd.isna(posts.loc["wxr-1.0-statuses:14", "published"])
    assert corpus.unparsed[["line_start", "line_end", "reason", "text"]].values.tolist() == [
        [82, 91, "skipped attachment item (not a post or page)", "trial-poster"]]


def test_wxr_1_1_repeated_comment_ids_get_distinct_ids():
    corpus = read_wxr(WXR_FIXTURES / "wxr-1.1-repeated-ids.xml")
    comments = corpus.comments
    assert comments["comment_id"].is_unique
    assert comments[["comment_id", "parent_id", "author"]].astype(object).fillna("").values.tolist() == [
        ["wxr-1.1-repeated-ids:101.c1", "", "Tom"],
        ["wxr-1.1-repeated-ids:101.c2", "wxr-1.1-repeated-ids:101.c1", "Prof G"],
        # page 102: shown by date, so the earlier pingback (id 1) comes before Ann (id 2)
        ["wxr-1.1-repeated-ids:102.c1", "", "Ben"],
        ["wxr-1.1-repeated-ids:102.c2", "", "Ann"],
    ]
    assert comments["kind"].tolist() == ["comment", "comment", "pingback", "comment"]
    posts = corpus.posts.set_index("post_id")
    assert posts.loc["wxr-1.1-repeated-ids:101", "tags"] == ["Stem cells", "aHSCT"]  # not post_format
    assert posts.loc["wxr-1.1-repeated-ids:101", "author"] == "Prof G"
    assert posts.loc["wxr-1.1-repeated-ids:102", "kind"] == "page"
    assert corpus.unparsed["reason"].tolist() == ["skipped nav_menu_item item (not a post or page)"]


def test_buffers_are_read_like_files():
    text = (WXR_FIXTURES / "wxr-1.1-repeated-ids.xml").read_text(encoding="utf-8")
    from_text = read_wxr(io.StringIO(text))
    from_bytes = read_wxr(io.BytesIO(text.encode("utf-8")))
    assert from_text.comments["comment_id"].tolist()[0] == "wxr:101.c1"
    pd.testing.assert_frame_equal(from_text.comments, from_bytes.comments)
    assert from_text.posts["source"].iloc[0] == "<wxr>"


# -- per-comment problems follow on_error ---------------------------------------------------

BROKEN_COMMENTS = """<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>T</title><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type>
 <wp:comment>
  <wp:comment_author>Ann</wp:comment_author>
  <wp:comment_content>No id here</wp:comment_content>
 </wp:comment>
 <wp:comment>
  <wp:comment_id>2</wp:comment_id>
  <wp:comment_date_gmt>31/05/2010 09:00</wp:comment_date_gmt>
  <wp:comment_content>Odd date</wp:comment_content>
 </wp:comment>
</item></channel></rss>"""


def test_comment_without_id_raises_with_file_and_line():
    with pytest.raises(ParseError) as caught:
        read_wxr(io.StringIO(BROKEN_COMMENTS))
    assert str(caught.value) == (
        '<wxr>, line 3: expected a <wp:comment_id> in each comment; found none '
        '(pass on_error="collect" to keep it as an unparsed row)')


def test_collect_keeps_what_cannot_be_placed():
    corpus = read_wxr(io.StringIO(BROKEN_COMMENTS), on_error="collect")
    assert corpus.unparsed[["line_start", "line_end", "reason", "text"]].values.tolist() == [
        [3, 6, "comment without wp:comment_id", "No id here"],
        [9, 9, "malformed wp:comment_date_gmt", "31/05/2010 09:00"],  # the date's own line
    ]
    assert corpus.comments["text"].tolist() == ["Odd date"]
    assert corpus.comments["published"].isna().all()


def test_warn_warns_and_keeps():
    with pytest.warns(ParseWarning) as caught:
        corpus = read_wxr(io.StringIO(BROKEN_COMMENTS), on_error="warn")
    assert [str(w.message) for w in caught] == [
        "<wxr>, line 3: expected a <wp:comment_id> in each comment; found none",
        "<wxr>, line 9: expected wp:comment_date_gmt like 2013-03-15 23:16:59; found '31/05/2010 09:00'",
    ]
    assert len(corpus.unparsed) == 2


def test_contract_dtypes():
    corpus = read_wxr(WXR_FIXTURES / "wxr-1.0-statuses.xml")
    for column, dtype in COMMENT_COLUMNS.items():
        assert str(corpus.comments[column].dtype) == dtype, column
    assert str(corpus.comments["kind"].dtype) == "string"


def test_read_corpus_sniffs_and_reads_the_three_real_exports(shared_corpus):
    from msdiscourse import read_corpus

    corpus = read_corpus(shared_corpus / "exports")
    assert corpus.posts["source_format"].value_counts().to_dict() == {
        "wxr": 52, "disqus": 4, "blogger": 4}
    assert len(corpus.comments) == 30 + 6 + 1
    assert corpus.comments["comment_id"].is_unique
    assert set(corpus.comments["kind"].dropna()) == {"comment", "pingback"}


def test_extra_columns_exist_even_without_comments():
    corpus = read_wxr(io.StringIO(
        '<rss xmlns:wp="http://wordpress.org/export/1.1/"><channel>'
        "<item><title>Quiet post</title><wp:post_id>9</wp:post_id></item></channel></rss>"))
    assert corpus.comments.empty
    assert {c: str(corpus.comments[c].dtype) for c in ("kind", "status")} == {
        "kind": "string", "status": "string"}
    assert corpus.posts[["post_id", "kind"]].values.tolist() == [["wxr:9", "post"]]


CYCLE = """<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>Loops</title><wp:post_id>4</wp:post_id><wp:post_type>post</wp:post_type>
 <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>one</wp:comment_content>
  <wp:comment_date_gmt>2020-01-01 10:00:00</wp:comment_date_gmt><wp:comment_parent>2</wp:comment_parent></wp:comment>
 <wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_content>two</wp:comment_content>
  <wp:comment_date_gmt>2020-01-01 11:00:00</wp:comment_date_gmt><wp:comment_parent>1</wp:comment_parent></wp:comment>
 <wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_content>three</wp:comment_content>
  <wp:comment_date_gmt>2020-01-01 09:00:00</wp:comment_date_gmt><wp:comment_parent>3</wp:comment_parent></wp:comment>
 <wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_content>five</wp:comment_content>
  <wp:comment_date_gmt>2020-01-01 12:00:00</wp:comment_date_gmt><wp:comment_parent>77</wp:comment_parent></wp:comment>
</item></channel></rss>"""


def test_broken_parent_links_are_repaired_and_flagged_not_dropped():
    corpus = read_wxr(io.StringIO(CYCLE))
    got = corpus.comments[["comment_id", "parent_id", "depth", "flags"]]
    assert got.astype(object).where(got.notna(), None).values.tolist() == [
        ["wxr:4.c3", None, 0, "self_reply"],
        ["wxr:4.c5", None, 0, "missing_parent"],
        # the cycle 1 <-> 2 comes last (no top-level start), cut at its first comment
        ["wxr:4.c1", None, 0, "cycle"],
        ["wxr:4.c2", "wxr:4.c1", 1, ""],
    ]


# -- property: a random WXR thread forest reads back as the same tree ----------------------

from xml.sax.saxutils import escape  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# comment text is HTML: a typed "<A" is a tag to a browser and to html_to_text, so the
# words avoid markup characters (entity decoding has its own tests above)
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü’ABC", min_size=1, max_size=8)
TEXT = st.lists(st.lists(WORD, min_size=1, max_size=6).map(" ".join),
                min_size=1, max_size=3).map("\n\n".join)


@st.composite
def wxr_posts(draw):
    """Posts whose comment ids restart at 1: every post reuses the others' ids."""
    posts = []
    for post_index in range(draw(st.integers(1, 3))):
        comments = []
        for local_id in range(1, draw(st.integers(0, 8)) + 1):
            parent = draw(st.sampled_from([0] + [c["id"] for c in comments]))
            comments.append({"id": local_id, "parent": parent, "text": draw(TEXT),
                             "author": draw(WORD), "kind": draw(st.sampled_from(["", "pingback"]))})
        posts.append({"id": 10 + post_index, "comments": comments})
    return posts


def wxr_document(posts) -> str:
    items = []
    for post in posts:
        comments = "".join(
            f"<wp:comment><wp:comment_id>{c['id']}</wp:comment_id>"
            f"<wp:comment_author>{escape(c['author'])}</wp:comment_author>"
            f"<wp:comment_date_gmt>2020-01-01 10:{c['id']:02d}:00</wp:comment_date_gmt>"
            f"<wp:comment_content>{escape(c['text'])}</wp:comment_content>"
            f"<wp:comment_type>{c['kind']}</wp:comment_type>"
            f"<wp:comment_parent>{c['parent']}</wp:comment_parent></wp:comment>\n"
            for c in post["comments"])
        items.append(f"<item><title>P{post['id']}</title><wp:post_id>{post['id']}</wp:post_id>"
                     f"<wp:post_type>post</wp:post_type>\n{comments}</item>")
    return ('<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
            + "\n".join(items) + "\n</channel></rss>")


@settings(max_examples=25, deadline=None)
@given(posts=wxr_posts())
def test_random_thread_forest_round_trip(posts):
    corpus = read_wxr(io.StringIO(wxr_document(posts)))
    got = {row.comment_id: (None if pd.isna(row.parent_id) else row.parent_id, row.author,
                            row.text, row.kind)
           for row in corpus.comments.itertuples()}
    expected = {
        f"wxr:{p['id']}.c{c['id']}": (
            f"wxr:{p['id']}.c{c['parent']}" if c["parent"] else None,
            c["author"], c["text"], c["kind"] or "comment")
        for p in posts for c in p["comments"]}
    assert got == expected
    assert corpus.comments["flags"].eq("").all()
