"""read_html_page: saved WordPress and Blogger post pages, compared with golden files."""

from __future__ import annotations

import html
import io
import json
import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msdiscourse.errors import ParseError, ParseWarning
from msdiscourse.io.folder import sniff_format
from msdiscourse.io.html_page import read_html_page
from msdiscourse.threads import check_threads
from tests.conftest import FIXTURES

HTML = FIXTURES / "html"
PAGES = sorted(HTML.glob("*.html"))


def test_the_fixture_glob_finds_the_three_theme_pages():
    assert [p.name for p in PAGES] == [
        "blogger-threaded.html",
        "wordpress-classic-commentlist.html",
        "wordpress-html5-comment-list.html",
    ]


def _stamp(value):
    return pd.NaT if value is None else pd.Timestamp(value)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_matches_its_golden_file(page):
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    corpus = read_html_page(page)

    assert len(corpus.posts) == 1
    post = corpus.posts.iloc[0]
    for field in ("post_id", "title", "author", "url", "body"):
        assert post[field] == expected["post"][field], field
    assert post["published"] == _stamp(expected["post"]["published"])
    assert post["tags"] == expected["post"]["tags"]
    assert post["n_comments"] == expected["post"]["n_comments"]
    assert post["source"] == page.name and post["source_format"] == "html"

    comments = corpus.comments
    post_id = expected["post"]["post_id"]
    assert len(comments) == len(expected["comments"])
    for row, want in zip(comments.to_dict(orient="records"), expected["comments"]):
        assert row["comment_id"] == f"{post_id}.c{want['id']}"
        want_parent = None if want["parent"] is None else f"{post_id}.c{want['parent']}"
        assert (None if pd.isna(row["parent_id"]) else row["parent_id"]) == want_parent
        assert row["depth"] == want["depth"]
        assert row["author"] == want["author"]
        assert row["kind"] == want["kind"]
        assert row["text"] == want["text"]
        published = row["published"]
        assert (pd.isna(published) and want["published"] is None) or published == _stamp(want["published"])
        assert (None if pd.isna(row["date_text"]) else row["date_text"]) == want["date_text"]
        assert row["flags"] == ""
    assert comments["position"].tolist() == list(range(1, len(comments) + 1))
    assert comments["depth"].max() >= 3  # every fixture nests at least four levels
    assert corpus.unparsed.empty
    assert corpus.furniture[["kind", "text"]].values.tolist() == expected["furniture"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_fixture_pages_have_sound_threads_and_sniff_as_html(page):
    corpus = read_html_page(page)
    assert check_threads(corpus).empty
    assert sniff_format(page) == "html"


def test_line_spans_point_at_the_comment_markup():
    page = HTML / "wordpress-html5-comment-list.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    corpus = read_html_page(page)
    first = corpus.comments.iloc[0]
    assert 'id="comment-2201"' in lines[first["line_start"] - 1]
    # the comment ends before its replies start
    assert "Reply to Lorna" in lines[first["line_end"] - 1]
    assert first["line_end"] < corpus.comments.iloc[1]["line_start"]
    post = corpus.posts.iloc[0]
    assert 'class="entry-content"' in lines[post["line_start"] - 1]


def test_a_binary_buffer_and_a_declared_legacy_charset_are_decoded():
    page = (
        '<html><head><meta charset="windows-1252"></head><body>'
        '<div class="post"><h3 class="post-title">Caf\xe9 talk</h3>'
        '<div class="post-body">It\x92s fine</div></div></body></html>'
    ).encode("latin-1")
    corpus = read_html_page(io.BytesIO(page))
    assert corpus.posts.loc[0, "title"] == "Café talk"
    assert corpus.posts.loc[0, "body"] == "It’s fine"


def test_a_utf16_page_with_a_byte_order_mark_is_decoded():
    page = "<html><body><div class='post-body'>Zoë’s “page”</div></body></html>"
    corpus = read_html_page(io.BytesIO(page.encode("utf-16")))
    assert corpus.posts.loc[0, "body"] == "Zoë’s “page”"


def test_replies_nested_directly_in_div_comments_are_threaded():
    # wp_list_comments(style="div"), as Twenty Twenty prints it: the list sits in
    # div#comments > div.comments-inner, no children wrapper, and the comment text also
    # carries the class entry-content
    page = io.StringIO(
        "<html><body><article id='post-9' class='post'><h1 class='entry-title'>T</h1>"
        "<div class='entry-content'><p>Body.</p></div></article>"
        "<div class='comments' id='comments'><div class='comments-inner section-inner'>"
        "<div id='comment-1' class='comment depth-1'><article class='comment-body'>"
        "<span class='fn'>Ann</span><div class='comment-content entry-content'><p>One</p></div>"
        "</article>"
        "<div id='comment-2' class='comment depth-2'><article class='comment-body'>"
        "<span class='fn'>Bob</span><div class='comment-content entry-content'><p>Two</p></div>"
        "</article>"
        "<div id='comment-3' class='comment depth-3'><article class='comment-body'>"
        "<span class='fn'>Cat</span><div class='comment-content entry-content'><p>Three</p></div>"
        "</article></div></div></div></div></body></html>"
    )
    corpus = read_html_page(page)
    assert corpus.posts.loc[0, "body"] == "Body."
    assert corpus.comments[["author", "parent_id", "depth", "text"]].values.tolist() == [
        ["Ann", pd.NA, 0, "One"],
        ["Bob", "page:9.c1", 1, "Two"],
        ["Cat", "page:9.c2", 2, "Three"],
    ]


def test_block_theme_comments_are_read():
    # Twenty Twenty-Four: the comments block, li.comment with wp-block-comment-* parts
    page = io.StringIO(
        "<!DOCTYPE html><html><body><main><div class='entry-content wp-block-post-content'>"
        "<p>Body.</p></div><div class='wp-block-comments'><h2>Comments</h2>"
        "<ol class='wp-block-comment-template'>"
        "<li id='comment-11' class='comment even thread-even depth-1'>"
        "<div class='wp-block-group'><div class='wp-block-comment-author-name'><a href='#'>Ann</a></div>"
        "<div class='wp-block-comment-date'><time datetime='2024-03-01T12:30:00+00:00'>"
        "<a href='#comment-11'>March 1, 2024 at 12:30 pm</a></time></div>"
        "<div class='wp-block-comment-content'><p>Block themes!</p></div></div>"
        "<ol class='children'><li id='comment-12' class='comment odd depth-2'>"
        "<div class='wp-block-group'><div class='wp-block-comment-author-name'>Bob</div>"
        "<div class='wp-block-comment-content'><p>Indeed.</p></div></div></li></ol></li>"
        "</ol></div></main></body></html>")
    comments = read_html_page(page).comments
    assert comments[["comment_id", "parent_id", "author", "text"]].values.tolist() == [
        ["page.c11", pd.NA, "Ann", "Block themes!"], ["page.c12", "page.c11", "Bob", "Indeed."]]
    assert comments.loc[0, "published"] == pd.Timestamp("2024-03-01T12:30:00Z")


def test_blogger_classic_comments_block_is_read_flat():
    page = io.StringIO(
        "<html><body><div class='post hentry'><h3 class='post-title entry-title'>Old post</h3>"
        "<div class='post-body entry-content' id='post-body-42'>Text.</div></div>"
        "<div class='comments' id='comments'><h4>2 comments:</h4><dl id='comments-block'>"
        "<dt class='comment-author' id='c101'><a name='c101'></a>Sue said...</dt>"
        "<dd class='comment-body'><p>First.</p></dd>"
        "<dd class='comment-footer'><span class='comment-timestamp'>"
        "<a href='https://x.blogspot.com/2009/01/old.html?showComment=1231853340000#c101'>"
        "13 January 2009 13:29</a></span></dd>"
        "<dt class='comment-author' id='c102'><a name='c102'></a>Anonymous said...</dt>"
        "<dd class='comment-body'><p>Second.</p></dd>"
        "<dd class='comment-footer'><span class='comment-timestamp'>"
        "<a href='https://x.blogspot.com/2009/01/old.html#c102'>14 January 2009 08:00</a>"
        "</span></dd></dl></div></body></html>"
    )
    comments = read_html_page(page).comments
    assert comments[["comment_id", "author", "text"]].values.tolist() == [
        ["page:42.c101", "Sue", "First."],
        ["page:42.c102", "Anonymous", "Second."],
    ]
    assert comments["published"].tolist() == [
        pd.Timestamp("2009-01-13T13:29:00Z"), pd.Timestamp("2009-01-14T08:00:00Z")]
    assert comments["parent_id"].isna().all()


def test_scripts_are_never_run_nor_kept_as_text():
    page = io.StringIO(
        "<html><body><article id='post-1' class='post'><h1 class='entry-title'>T</h1>"
        "<div class='entry-content'><p>Safe.</p><script>alert('x')</script></div></article>"
        "<ol class='comment-list'><li id='comment-5' class='comment'><b class='fn'>Eve</b>"
        "<div class='comment-content'><p>Hi<script>document.cookie</script>"
        "<img src='https://tracker.example/x.gif' onerror='steal()'></p></div></li></ol>"
        "</body></html>"
    )
    corpus = read_html_page(page)
    assert corpus.posts.loc[0, "body"] == "Safe."
    assert corpus.comments.loc[0, "text"] == "Hi"


def _page_with_empty_comment() -> io.StringIO:
    return io.StringIO(
        "<html><body>\n"
        "<article id='post-3' class='post'><h1 class='entry-title'>T</h1>\n"
        "<div class='entry-content'><p>Body.</p></div></article>\n"
        "<ol class='comment-list'>\n"
        "<li id='comment-1' class='comment'><b class='fn'>Ann</b>\n"
        "<div class='comment-content'><p>Top.</p></div>\n"
        "<ol class='children'>\n"
        "<li id='comment-2' class='comment'><b class='fn'>Bob</b>\n"
        "<ol class='children'>\n"
        "<li id='comment-3' class='comment'><b class='fn'>Cat</b>\n"
        "<div class='comment-content'><p>Reply to the empty one.</p></div></li>\n"
        "</ol></li></ol></li></ol></body></html>\n"
    )


def test_a_comment_without_text_raises_with_its_line():
    with pytest.raises(ParseError) as raised:
        read_html_page(_page_with_empty_comment())
    assert str(raised.value) == (
        "<buffer>, line 8: expected a comment's text (.comment-content, or paragraphs in "
        ".comment-body); found <li id='comment-2'> without text "
        '(pass on_error="collect" to keep it as an unparsed row)'
    )


def test_collect_keeps_the_empty_comment_as_unparsed_and_reattaches_its_reply():
    corpus = read_html_page(_page_with_empty_comment(), on_error="collect")
    assert corpus.comments[["comment_id", "parent_id", "depth"]].values.tolist() == [
        ["page:3.c1", pd.NA, 0],
        ["page:3.c3", "page:3.c1", 1],
    ]
    unparsed = corpus.unparsed.iloc[0]
    assert (unparsed["line_start"], unparsed["reason"], unparsed["text"]) == (8, "no_comment_text", "Bob")
    with pytest.warns(ParseWarning, match="line 8: expected a comment's text"):
        read_html_page(_page_with_empty_comment(), on_error="warn")


def test_a_repeated_comment_id_is_kept_flagged_and_reported():
    page = io.StringIO(
        "<html><body><article id='post-4' class='post'><h1 class='entry-title'>T</h1>"
        "<div class='entry-content'><p>B.</p></div></article><ol class='comment-list'>"
        "<li id='comment-7' class='comment'><div class='comment-content'>First</div></li>"
        "<li id='comment-7' class='comment'><div class='comment-content'>Again</div></li>"
        "</ol></body></html>"
    )
    corpus = read_html_page(page)
    assert corpus.comments[["comment_id", "text", "flags"]].values.tolist() == [
        ["page:4.c7", "First", ""],
        ["page:4.c7-dup2", "Again", "duplicate_id"],
    ]
    problems = check_threads(corpus)
    assert problems[["comment_id", "problem"]].values.tolist() == [["page:4.c7-dup2", "duplicate_id"]]


@pytest.mark.parametrize(
    "content, found",
    [
        ("A title\n\n  • A comment\n", "text that is not HTML ('A title')"),
        ('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n',
         "an XML document ('<?xml version=\"1.0\"?>')"),
        ("<p>just a fragment</p>\n", "markup without <html>, <head> or <body> ('<p>just a fragment</p>')"),
    ],
    ids=["page-dump", "xml", "fragment"],
)
def test_input_that_is_not_an_html_page_is_refused(tmp_path, content, found):
    path = tmp_path / "page.html"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        read_html_page(path)
    assert str(raised.value) == (
        f"{path}, line 1: expected an HTML page (a saved WordPress or Blogger post); "
        f"found {found} (read exports with read_corpus(), which sniffs the format)"
    )


def test_binary_and_empty_input_are_refused(tmp_path):
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ParseError, match=r"image.html: expected an HTML page .*; found binary data"):
        read_html_page(binary)
    with pytest.raises(ParseError, match=r"<buffer>: expected an HTML page .*; found an empty file"):
        read_html_page(io.StringIO("  \n"))


def test_an_html_page_without_a_post_body_is_refused(tmp_path):
    path = tmp_path / "index.html"
    path.write_text("<!DOCTYPE html><html><body><h1>Blog home</h1><ul><li>a</li></ul></body></html>",
                    encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        read_html_page(path)
    assert str(raised.value) == (
        f"{path}: expected a WordPress or Blogger post page (a post body with class "
        "entry-content or post-body); found an HTML page without one"
    )


def test_input_is_not_changed_and_no_warning_on_clean_pages():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for page in PAGES:
            read_html_page(page, on_error="warn")


@pytest.mark.slow
def test_the_benchmark_runs_quick(tmp_path):
    import subprocess
    import sys

    from tests.conftest import PROJECT_DIR

    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "benchmarks" / "bench_pages_tables.py"), "--quick"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_DIR)
    assert result.returncode == 0, result.stderr
    assert "read_html_page: page-200.html" in result.stdout
    assert "read_comments_table: comments-5000.csv" in result.stdout
    assert result.stdout.count("reader/baseline: time x") == 2


@st.composite
def threads(draw):
    """Random comment forests in page order: (parent index or None, author, paragraphs)."""
    n = draw(st.integers(min_value=1, max_value=15))
    comments = []
    for index in range(n):
        parent = draw(st.one_of(st.none(), st.integers(0, index - 1))) if index else None
        author = draw(st.sampled_from(["Ann", "Bob & Co", "Zoë", "Dr <M>"]))
        paragraphs = draw(st.lists(
            st.text(alphabet="ab “’…&<>", min_size=1, max_size=10).filter(lambda t: t.strip()),
            min_size=1, max_size=3))
        comments.append((parent, author, [" ".join(p.split()) for p in paragraphs]))
    return comments


def _render(comments, classic: bool) -> str:
    """The thread as WordPress prints it: html5 (article.comment-body) or classic markup."""
    children: dict = {}
    for index, (parent, _, _) in enumerate(comments):
        children.setdefault(parent, []).append(index)

    def one(index: int) -> str:
        _, author, paragraphs = comments[index]
        text = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
        if classic:
            item = (f"<li class='comment' id='li-comment-{index + 1}'><div id='comment-{index + 1}'>"
                    f"<div class='comment-author vcard'><cite class='fn'>{html.escape(author)}</cite> "
                    f"<span class='says'>says:</span></div><div class='comment-meta commentmetadata'>"
                    f"<a href='#'>March 2, 2015 at 10:{index:02d} am</a></div>"
                    f"<div class='comment-body'>{text}</div><div class='reply'>Reply</div></div>")
        else:
            item = (f"<li id='comment-{index + 1}' class='comment'><article class='comment-body'>"
                    f"<footer class='comment-meta'><div class='comment-author vcard'>"
                    f"<b class='fn'>{html.escape(author)}</b> <span class='says'>says:</span></div>"
                    f"<div class='comment-metadata'><time datetime='2015-03-02T10:{index:02d}:00+00:00'>"
                    f"x</time></div></footer><div class='comment-content'>{text}</div></article>")
        if index in children:
            item += "<ul class='children'>" + "".join(one(c) for c in children[index]) + "</ul>"
        return item + "</li>\n"

    listing = "".join(one(root) for root in children.get(None, []))
    return ("<!DOCTYPE html><html><body><div id='post-5' class='post'><h1 class='entry-title'>T</h1>"
            "<div class='entry-content'><p>Body</p></div></div><div id='comments'>"
            f"<ol class='{'commentlist' if classic else 'comment-list'}'>{listing}</ol></div></body></html>")


@settings(max_examples=25, deadline=None)
@given(threads(), st.booleans())
def test_any_thread_written_as_a_page_reads_back_the_same(comments, classic):
    corpus = read_html_page(io.StringIO(_render(comments, classic)))
    got = corpus.comments.set_index("comment_id")
    assert len(got) == len(comments)
    for index, (parent, author, paragraphs) in enumerate(comments):
        row = got.loc[f"page:5.c{index + 1}"]
        want_parent = None if parent is None else f"page:5.c{parent + 1}"
        assert (None if pd.isna(row["parent_id"]) else row["parent_id"]) == want_parent
        assert row["author"] == author
        assert row["text"] == "\n\n".join(paragraphs)
        assert row["published"] == pd.Timestamp(f"2015-03-02T10:{index:02d}:00Z")
    assert check_threads(corpus).empty


# -- issue 11: deep nesting loses nothing -----------------------------------------------------

def _page_with(comment_html: str) -> str:
    return ('<html><body><article id="post-7"><h1 class="entry-title">Deep</h1>'
            '<div class="entry-content"><p>Body.</p></div></article>'
            f'<ol class="comment-list">{comment_html}</ol></body></html>')


def test_text_nested_thousands_deep_in_a_comment_is_kept():
    inner = "<span>" * 3000 + "the bottom <em>line</em>" + "</span>" * 3000
    page = _page_with('<li id="comment-1" class="comment"><b class="fn">Ann</b>'
                      f'<div class="comment-content"><p>Top.</p><p>{inner}</p></div></li>')
    corpus = read_html_page(io.StringIO(page))
    assert corpus.comments[["comment_id", "author", "text"]].values.tolist() == [
        ["page:7.c1", "Ann", "Top.\n\nthe bottom line"]]
    assert corpus.unparsed.empty


def test_replies_nested_hundreds_deep_keep_their_parents():
    depth = 400
    html = ""
    for n in range(depth, 0, -1):
        children = f'<ol class="children">{html}</ol>' if html else ""
        html = (f'<li id="comment-{n}" class="comment"><b class="fn">P{n}</b>'
                f'<div class="comment-content"><p>Reply {n}.</p></div>{children}</li>')
    corpus = read_html_page(io.StringIO(_page_with(html)))
    comments = corpus.comments
    assert comments["depth"].tolist() == list(range(depth))
    assert comments["text"].tolist() == [f"Reply {n}." for n in range(1, depth + 1)]
    assert comments["parent_id"].iloc[1:].tolist() == [f"page:7.c{n}" for n in range(1, depth)]


def test_a_date_pandas_cannot_hold_is_missing_and_flagged():
    page = _page_with(
        '<li id="comment-1" class="comment"><div class="comment-metadata">'
        '<time datetime="0201-05-01T10:00">May 1, 201</time></div>'
        '<div class="comment-content"><p>Hi</p></div></li>'
        '<li id="comment-2" class="comment"><div class="comment-metadata">'
        '<a href="https://x.example.org/p.html?showComment=9999999999999#c2">then</a></div>'
        '<div class="comment-content"><p>Yo</p></div></li>')
    corpus = read_html_page(io.StringIO(page))
    got = corpus.comments[["comment_id", "date_text", "flags"]].values.tolist()
    assert got == [["page:7.c1", "May 1, 201", "date_out_of_range"],
                   ["page:7.c2", "then", "date_out_of_range"]]
    assert corpus.comments["published"].isna().all()


def _bare_post(head: str, before_body: str = "") -> str:
    """A post page whose title comes only from <meta>/<title> (no .entry-title, no h1/h2)."""
    return (f"<html>{head}<body>{before_body}<article id='post-9' class='post'>"
            "<div class='entry-content'><p>Body.</p></div></article>"
            "<ol class='comment-list'><li id='comment-1' class='comment'>"
            "<b class='fn'>Ann</b><div class='comment-content'><p>Hi.</p></div></li></ol>"
            "</body></html>")


def test_meta_title_and_canonical_link_are_read_from_the_head_only():
    head = ("<head><title>Tab title</title><meta property='og:title' content='Shared title'>"
            "<meta name='author' content='Head Writer'>"
            "<link rel='alternate canonical' href='https://b.example.org/p/9'></head>")
    # a theme that prints <meta>/<link> in the body: bs4's soup.head.find() never saw them
    body_noise = ("<meta property='og:title' content='Body title'>"
                  "<link rel='canonical' href='https://b.example.org/wrong'>")
    post = read_html_page(io.StringIO(_bare_post(head, body_noise))).posts.iloc[0]
    assert (post["title"], post["author"], post["url"]) == (
        "Shared title", "Head Writer", "https://b.example.org/p/9")


def test_a_page_without_head_finds_its_meta_and_canonical_link_anywhere():
    body = ("<meta property='og:title' content=''><meta name='og:title' content='Unused'>"
            "<title>Tab title</title><link rel='canonical' href='https://b.example.org/p/9'>")
    post = read_html_page(io.StringIO(_bare_post("", body))).posts.iloc[0]
    # the first og:title is empty, so the title falls back to <title>, as before
    assert (post["title"], post["url"]) == ("Tab title", "https://b.example.org/p/9")


def test_names_with_control_characters_or_mojibake_are_still_repaired():
    page = _page_with(
        '<li id="comment-1" class="comment"><b class="fn">Ann\x7f Lee</b>'
        '<div class="comment-content"><p>One.</p></div></li>'
        '<li id="comment-2" class="comment"><b class="fn">Ren\u00c3\u00a9e</b>'
        '<div class="comment-content"><p>Two.</p></div></li>'
        '<li id="comment-3" class="comment"><b class="fn">Plain &amp; Simple</b>'
        '<div class="comment-content"><p>Three.</p></div></li>')
    authors = read_html_page(io.StringIO(page)).comments["author"].tolist()
    assert authors == ["Ann Lee", "Ren\u00e9e", "Plain & Simple"]


def test_the_garbage_collector_is_left_as_it_was_found():
    import gc

    page = _page_with('<li id="comment-1" class="comment"><b class="fn">Ann</b>'
                      '<div class="comment-content"><p>Hi.</p></div></li>')
    no_body = "<html><body><p>no post body here</p></body></html>"
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            gc.enable() if enabled else gc.disable()
            assert read_html_page(io.StringIO(page)).comments["text"].tolist() == ["Hi."]
            assert gc.isenabled() is enabled
            with pytest.raises(ParseError, match="post body"):
                read_html_page(io.StringIO(no_body))
            assert gc.isenabled() is enabled
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_a_declaration_html_parser_rejects_is_a_parse_error_naming_its_line():
    # found by the mutation fuzzing: html.parser gives up on "<![" followed by no name
    page = ("<html><body>\n<article><div class=\"entry-content\"><p>Body.</p></div></article>\n"
            "<p>broken <![>[A-A -! here</p>\n</body></html>\n")
    with pytest.raises(ParseError) as caught:
        read_html_page(io.StringIO(page))
    assert caught.value.line == 3
    assert "a malformed markup declaration" in str(caught.value)
