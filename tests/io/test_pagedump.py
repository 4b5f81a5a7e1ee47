"""Tests for msdiscourse/io/pagedump.py: the real blog pages, golden fixtures, errors, writer."""

from __future__ import annotations

import io
import json
import warnings
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse import ParseError, ParseWarning
from msdiscourse.corpus import Corpus
from msdiscourse.io.folder import read_corpus
from msdiscourse.io.pagedump import (
    load_page_furniture,
    match_furniture,
    read_pagedump,
    write_pagedump,
    write_pagedump_folder,
)
from tests.conftest import BLOG_PAGES, DATA_RAW, FIXTURES

PAGEDUMP_FIXTURES = FIXTURES / "pagedump"
REAL_PAGES = sorted(BLOG_PAGES.glob("*.txt"))
GOLDEN = sorted(PAGEDUMP_FIXTURES.glob("*.txt"))
DEMO_PAGES = sorted(DATA_RAW.glob("*.txt"))


# -- helpers: which part of a corpus claims each line ------------------------------------
def _spans(text) -> list[tuple[int, int]]:
    if pd.isna(text) or text == "":
        return []
    return [tuple(int(x) for x in part.split("-")) for part in str(text).split(",")]


def line_owners(corpus: Corpus) -> dict[int, list[str]]:
    """Map each line number to every place of the corpus that claims it."""
    owners: dict[int, list[str]] = defaultdict(list)
    for post in corpus.posts.to_dict("records"):
        if pd.notna(post["title_line"]):
            owners[int(post["title_line"])].append("title")
        if pd.notna(post["tags_line"]):
            owners[int(post["tags_line"])].append("tags")
        for start, end in _spans(post["body_spans"]):
            for line in range(start, end + 1):
                owners[line].append("body")
    for comment in corpus.comments.to_dict("records"):
        spans = _spans(comment["spans"])
        assert (spans[0][0], spans[-1][1]) == (comment["line_start"], comment["line_end"])
        for start, end in spans:
            for line in range(start, end + 1):
                owners[line].append(comment["comment_id"])
    for row in corpus.furniture.to_dict("records"):
        for line in range(int(row["line_start"]), int(row["line_end"]) + 1):
            owners[line].append(f"{row['kind']}:{row['text']}")
    for row in corpus.unparsed.to_dict("records"):
        for line in range(int(row["line_start"]), int(row["line_end"]) + 1):
            owners[line].append(f"unparsed:{row['reason']}")
    return owners


def coverage_problems(corpus: Corpus, text: str) -> list[str]:
    """Lines of ``text`` not claimed exactly once, or claimed although blank or missing.

    Blank lines may sit inside a body or comment span (between paragraphs); a title,
    tags, furniture or byline row must stand on a non-blank line.
    """
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    owners = line_owners(corpus)
    problems = []
    for number, line in enumerate(lines, start=1):
        claimed = owners.get(number, [])
        if line.strip(" \t\u00a0"):
            if len(claimed) != 1:
                problems.append(f"line {number} {line.strip()[:30]!r} claimed by {claimed}")
        elif any(c in ("title", "tags") or c.startswith(("furniture:", "byline:")) for c in claimed):
            problems.append(f"blank line {number} claimed by {claimed}")
    problems += [f"line {n} is past the end, claimed by {owners[n]}" for n in owners if n > len(lines)]
    return problems


def _na(value):
    """None for a missing value however pandas spells it (pd.NA, or None from to_dict)."""
    return None if value is None or value is pd.NA else value


# -- the two real pages: every field of expected.json ----------------------------------------
@pytest.fixture(scope="module")
def expected_real() -> dict:
    path = BLOG_PAGES / "expected.json"
    if not path.exists():
        pytest.skip(f"real corpus not found at {BLOG_PAGES}")
    return json.loads(path.read_text(encoding="utf-8"))


def test_real_pages_are_there(blog_pages):
    assert [p.name for p in REAL_PAGES] == ["000_cbe15b06e01714f3.txt", "004_3a7139fdbb8cb79e.txt"]


@pytest.mark.parametrize("page", REAL_PAGES, ids=lambda p: p.stem)
def test_real_page_matches_expected_json(page, expected_real):
    expected = expected_real[page.name]
    corpus = read_pagedump(page)
    post = corpus.posts.iloc[0]
    assert post["title"] == expected["title"]
    assert _na(post["author"]) == expected["author"]
    assert post["tags"] == expected["tags"]
    assert post["n_comments"] == len(expected["comments"])
    assert post["post_id"] == page.stem
    assert post["source_format"] == "pagedump"
    comments = corpus.comments
    assert len(comments) == len(expected["comments"])
    id_of_n = {}
    for row, want in zip(comments.to_dict("records"), expected["comments"]):
        id_of_n[want["n"]] = row["comment_id"]
        assert row["position"] == want["n"]
        assert row["comment_id"] == f"{page.stem}.c{want['n']}"
        assert row["depth"] == want["depth"], want
        parent = None if want["parent"] is None else id_of_n[want["parent"]]
        assert _na(row["parent_id"]) == parent, want
        assert row["text"].startswith(want["starts"]), (row["text"][:60], want["starts"])
        assert _na(row["author"]) == want.get("signature"), want
        if "paragraphs" in want:
            assert len(row["text"].split("\n\n")) == want["paragraphs"], want
        assert row["text"] == row["text"].strip() and "•" not in row["text"][:3]
    assert corpus.unparsed.empty


def test_real_page_signature_and_line_breaks(blog_pages):
    comments = read_pagedump(blog_pages / "000_cbe15b06e01714f3.txt").comments.set_index("position")
    signed = comments.loc[11]  # names are read from the page, never written here
    assert signed["text"].endswith("it has been a while since I have been this disgusted.")
    assert f"– {signed['author']}" not in signed["text"]
    assert (signed["line_start"], signed["line_end"]) == (52, 57)  # the signature line is its own
    assert comments.loc[12, "text"].startswith(f"Dear {signed['author']},\nSorry you're offended.")
    assert comments.loc[12, "text"].endswith("occasional tetchiness.\nAll the best and keep coming back.")
    assert comments.loc[7, "text"].split("\n")[1].startswith("Indeed, if you have a compromised")
    assert comments.loc[11, "thread_id"] == comments.loc[12, "thread_id"] == "000_cbe15b06e01714f3.c11"


def test_real_page_body_and_furniture(blog_pages):
    corpus = read_pagedump(blog_pages / "000_cbe15b06e01714f3.txt")
    post = corpus.posts.iloc[0]
    assert post["body"].startswith("‘Miracle’ stem cell therapy reverses multiple sclerosis\nThe treatment, is")
    assert post["body"].endswith("We commented on the JAMA paper already (CLICK)")
    assert len(post["body"].split("\n\n")) == 10
    assert "About the author" not in post["body"]
    assert "\u00a0March" in post["body"]  # non-breaking spaces inside the text are evidence: kept
    assert (post["title_line"], post["tags_line"], post["body_spans"]) == (1, 4, "6-25")
    assert (post["line_start"], post["line_end"]) == (1, 71)
    rows = corpus.furniture[["line_start", "kind", "text"]].values.tolist()
    assert rows == [[27, "furniture", "About the author"], [65, "byline", f"By {post['author']}"],
                    [69, "furniture", "Recent Posts"], [71, "furniture", "Recent Comments"]]


def test_real_page_without_byline_or_tags(blog_pages):
    corpus = read_pagedump(blog_pages / "004_3a7139fdbb8cb79e.txt")
    post = corpus.posts.iloc[0]
    assert post["author"] is pd.NA and post["tags"] == [] and post["tags_line"] is pd.NA
    assert post["body"].endswith("Not much to say you can read this by lets wait until full sized studies are done.")
    assert corpus.furniture.empty
    last = corpus.comments.iloc[-1]
    assert (last["line_start"], last["line_end"]) == (30, 52)


@pytest.mark.parametrize("page", REAL_PAGES + GOLDEN + DEMO_PAGES, ids=lambda p: p.stem)
def test_every_line_is_claimed_exactly_once(page):
    expected_path = page.with_name(page.stem + ".expected.json")
    on_error = json.loads(expected_path.read_text("utf-8"))["on_error"] if expected_path.exists() else "raise"
    corpus = read_pagedump(page, on_error=on_error)
    problems = coverage_problems(corpus, page.read_bytes().decode("utf-8"))
    assert problems == []


def test_same_file_same_ids(blog_pages):
    page = blog_pages / "004_3a7139fdbb8cb79e.txt"
    first, second = read_pagedump(page), read_pagedump(str(page))
    pd.testing.assert_frame_equal(first.comments, second.comments)
    assert first.comments["comment_id"].tolist() == [f"004_3a7139fdbb8cb79e.c{n}" for n in range(1, 5)]


# -- golden fixtures --------------------------------------------------------------------
def test_golden_fixtures_are_found():
    names = {p.stem for p in GOLDEN}
    assert len(GOLDEN) >= 13
    assert {"crlf-bom", "tabs", "step-4", "no-blank-lines", "deep-nesting", "no-title-tags-byline",
            "mojibake", "furniture-odd-places", "unplaceable", "sidebar-lists"} <= names
    for page in GOLDEN:
        assert page.with_name(page.stem + ".expected.json").exists(), page


@pytest.mark.parametrize("page", GOLDEN, ids=lambda p: p.stem)
def test_golden_fixture(page):
    expected = json.loads(page.with_name(page.stem + ".expected.json").read_text("utf-8"))
    corpus = read_pagedump(page, on_error=expected["on_error"])
    post = corpus.posts.iloc[0]
    for name, value in expected["post"].items():
        assert _na(post[name]) == value, name
    assert post["post_id"] == page.stem
    got = corpus.comments.to_dict("records")
    assert len(got) == len(expected["comments"])
    id_of_n = {}
    for row, want in zip(got, expected["comments"]):
        id_of_n[want["n"]] = row["comment_id"]
        assert row["position"] == want["n"]
        assert row["depth"] == want["depth"], want["n"]
        assert _na(row["parent_id"]) == (None if want["parent"] is None else id_of_n[want["parent"]]), want["n"]
        assert _na(row["author"]) == want["author"], want["n"]
        assert row["text"] == want["text"], want["n"]
        assert (row["line_start"], row["line_end"]) == (want["line_start"], want["line_end"]), want["n"]
    furniture = corpus.furniture[["line_start", "kind", "text"]].values.tolist()
    assert furniture == expected["furniture"]
    unparsed = corpus.unparsed[["line_start", "line_end", "reason"]].values.tolist()
    assert unparsed == expected["unparsed"]
    for name, value in expected.get("line_spans", {}).items():
        assert post[name] == value


@pytest.mark.parametrize("page", [p for p in GOLDEN if "error" in json.loads(
    p.with_name(p.stem + ".expected.json").read_text("utf-8"))], ids=lambda p: p.stem)
def test_golden_fixture_error_under_raise(page, monkeypatch):
    expected = json.loads(page.with_name(page.stem + ".expected.json").read_text("utf-8"))
    monkeypatch.chdir(page.parent)
    with pytest.raises(ParseError) as caught:
        read_pagedump(page.name)
    assert str(caught.value) == expected["error"]


def test_unplaced_bullet_keeps_its_text_under_collect():
    corpus = read_pagedump(PAGEDUMP_FIXTURES / "unplaceable.txt", on_error="collect")
    row = corpus.unparsed.iloc[0]
    assert row["text"] == "   • Mine too, and a shingles flare.\n     It cleared with antivirals."
    assert row["source"].endswith("unplaceable.txt")


# -- bad input: every message verbatim ------------------------------------------------------
REMEDY = ' (pass on_error="collect" to keep it as an unparsed row)'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "page.txt: expected a page dump (a title, a body and comments); found an empty file"),
        (b"\n  \n\t\n", "page.txt: expected a page dump (a title, a body and comments); found only blank lines"),
        (b"Title\n\n\x00\x01\x02binary", "page.txt, line 3: expected a text page dump; found binary data (a NUL byte at byte 7)"),
        (b"Title\n\nCaf\xe9 au lait\n", "page.txt, line 3: expected UTF-8 text; found a byte that is not UTF-8 "
                                       "(0xe9 at byte 10) (re-save the file as UTF-8)"),
        (b"Title\n\nBody.\n\n  \xe2\x80\xa2 A comment.\n\nBy Ann\nPosted in News\n",
         "page.txt, line 8: expected a comment bullet, a byline (By NAME) or page furniture; "
         "found text at indent 0: 'Posted in News'" + REMEDY),
        (b"Title\n\n  \xe2\x80\xa2 A comment.\n  Not indented past the bullet.\n",
         "page.txt, line 4: expected a comment bullet, or a line indented past the bullet at indent 2; "
         "found text at indent 2: 'Not indented past the bullet.'" + REMEDY),
        ("Title\n\n  • A\n    • B\n        • Two levels deeper than B.\n  • C\n".encode(),
         "page.txt, line 5: expected a comment bullet at indent 2, 4 or 6; found indent 8" + REMEDY),
    ],
    ids=["empty", "blank", "binary", "not-utf8", "stray-after-byline", "not-indented", "too-deep"],
)
def test_bad_input_messages(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    Path("page.txt").write_bytes(content)
    with pytest.raises(ParseError) as caught:
        read_pagedump("page.txt")
    assert str(caught.value) == message


def test_fatal_errors_raise_under_collect_too(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="found an empty file"):
        read_pagedump(path, on_error="collect")


def test_buffer_errors_name_the_buffer():
    with pytest.raises(ParseError) as caught:
        read_pagedump(io.StringIO("Title\n\n  • A comment.\n  stray\n"))
    assert str(caught.value).startswith("<buffer>, line 4: expected a comment bullet")


def test_warn_keeps_the_line_and_warns():
    page = "Title\n\n  • A comment.\n\nBy Ann\nPosted in News\n"
    with pytest.warns(ParseWarning, match=r"<buffer>, line 6: expected a comment bullet"):
        corpus = read_pagedump(io.StringIO(page), on_error="warn")
    assert corpus.unparsed[["line_start", "line_end", "reason", "text"]].values.tolist() == [
        [6, 6, "stray_line", "Posted in News"]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        collected = read_pagedump(io.StringIO(page), on_error="collect")
    pd.testing.assert_frame_equal(collected.unparsed, corpus.unparsed)


def test_on_error_must_be_known():
    with pytest.raises(ValueError, match='on_error must be one of "raise", "warn" or "collect"'):
        read_pagedump(io.StringIO("Title\n"), on_error="ignore")


# -- sources and ids --------------------------------------------------------------------------
def test_buffer_ids_follow_the_content():
    page = "A title\n\nBody.\n\n  • One.\n"
    first, second = read_pagedump(io.StringIO(page)), read_pagedump(io.StringIO(page))
    other = read_pagedump(io.StringIO(page + "  • Two.\n"))
    assert first.posts["post_id"][0] == second.posts["post_id"][0]
    assert first.posts["post_id"][0] != other.posts["post_id"][0]
    assert first.posts["post_id"][0].startswith("buffer_") and first.posts["source"][0] == "<buffer>"
    assert first.comments["comment_id"][0] == first.posts["post_id"][0] + ".c1"


def test_named_buffer_and_bytes_buffer():
    named = io.StringIO("A title\n\nBody.\n")
    named.name = "pages/my page.txt"
    corpus = read_pagedump(named)
    assert (corpus.posts["post_id"][0], corpus.posts["source"][0]) == ("my_page", "pages/my page.txt")
    from_bytes = read_pagedump(io.BytesIO("\ufeffA title\r\n\r\nBody – text.\r\n".encode("utf-8")))
    assert (from_bytes.posts["title"][0], from_bytes.posts["body"][0]) == ("A title", "Body – text.")


def test_utf16_with_a_mark_is_read(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("Title\r\n\r\nBody – text.\r\n\r\n  • Comment.\r\n".encode("utf-16"))
    corpus = read_pagedump(path)
    assert (corpus.posts["body"][0], corpus.comments["text"][0]) == ("Body – text.", "Comment.")
    path.write_bytes(b"\xff\xfe" + "T\n\n".encode("utf-16-le") + b"\x00\xdc")  # a lone low surrogate
    with pytest.raises(ParseError) as caught:
        read_pagedump(path)
    assert str(caught.value) == (
        f"{path}, line 3: expected UTF-16 text (it starts with a UTF-16 mark); found undecodable bytes at byte 8"
    )


def test_read_pagedump_rejects_other_objects():
    with pytest.raises(TypeError, match="expects a path or a text buffer"):
        read_pagedump(42)


@pytest.mark.parametrize(
    ("page", "field", "value"),
    [
        ("Title\n\nBy the way, this is the body.\n\nSecond paragraph.\n", "author", None),
        ("Title\n\nBy Ann\n\nThe body.\n", "author", "Ann"),
        ("Title\n\nThe body.\n\nBy Ann Smith\n", "author", "Ann Smith"),
        ("Title\n\nThe body.\n\nBy Ann, who writes a lot.\n", "author", None),
        ("#one #two words #three\n\nThe body.\n", "tags", ["one", "two words", "three"]),
        ("#one #two\n\nThe body.\n", "title", None),
        ("The first line is a sentence.\n\nThe body.\n", "title", None),
        ("A question, then?\n\nThe body.\n", "title", "A question, then?"),
        ("Title\n\nPrice #1 problem\n", "tags", []),
    ],
)
def test_head_and_byline_near_misses(page, field, value):
    post = read_pagedump(io.StringIO(page)).posts.iloc[0]
    got = post[field]
    assert (got if isinstance(got, list) else _na(got)) == value


@pytest.mark.parametrize(
    ("comment", "author", "text"),
    [
        ("  • Text.\n    – Ann\n", "Ann", "Text."),
        ("  • Text.\n    — Ann Smith\n", "Ann Smith", "Text."),
        ("  • Text.\n    -- Ann\n", "Ann", "Text."),
        ("  • Text.\n    ~Ann\n", "Ann", "Text."),
        ("  • Text.\n    - Ann\n", None, "Text."),  # "- " at a reply's indent is a reply bullet
        ("  • Text.\n  – Ann\n", "Ann", "Text."),          # level with its bullet
        ("  • – Ann\n", None, "– Ann"),                     # a one-line comment is not a signature
        ("  • Text.\n    – and a dash-led last line, which is prose.\n", None,
         "Text.\n– and a dash-led last line, which is prose."),
        ("  • Text.\n    – Ann\n    More text.\n", None, "Text.\n– Ann\nMore text."),
    ],
)
def test_signatures_and_near_misses(comment, author, text):
    row = read_pagedump(io.StringIO("Title\n\nBody.\n\n" + comment)).comments.iloc[0]
    assert (_na(row["author"]), row["text"]) == (author, text)


@pytest.mark.parametrize("step", [1, 2, 3, 4, 8])
@pytest.mark.parametrize("top", [0, 2, 5])
def test_indentation_step_is_inferred_per_page(step, top):
    depths = [0, 1, 2, 3, 1, 0, 1]
    lines = ["Title", "", "Body.", ""]
    for depth in depths:
        indent = " " * (top + step * depth)
        lines += [f"{indent}• Comment at depth {depth}.", f"{indent}  Its second line.", ""]
    corpus = read_pagedump(io.StringIO("\n".join(lines)))
    assert corpus.comments["depth"].tolist() == depths
    assert corpus.comments["text"].str.endswith("\nIts second line.").all()


@pytest.mark.parametrize(
    ("page", "n_comments", "n_furniture"),
    [
        # a sidebar heading before the byline does not swallow the comments after it
        ("Title\n\nBody.\n\nRecent Posts\n\n  • A real comment.\n  • Another.\n\nBy Ann\n", 2, 2),
        # bullets after the byline with no sidebar heading are still comments
        ("Title\n\nBody.\n\n  • One.\n\nBy Ann\n\n  • A late comment.\n", 2, 1),
        # after the byline, a sidebar heading claims the rest of the page
        ("Title\n\nBody.\n\nBy Ann\n\nRecent Comments\n  • Bo on Title\n  • Cy on Title\n", 0, 4),
    ],
    ids=["sidebar-before-byline", "no-sidebar-heading", "sidebar-after-byline-no-comments"],
)
def test_sidebar_lists_near_misses(page, n_comments, n_furniture):
    corpus = read_pagedump(io.StringIO(page))
    assert (len(corpus.comments), len(corpus.furniture)) == (n_comments, n_furniture)


# -- the furniture list is data -------------------------------------------------------------
@pytest.mark.parametrize("rule", load_page_furniture(), ids=lambda r: r.pattern)
def test_each_furniture_row_matches_its_example(rule):
    assert match_furniture(rule.example) is rule


@pytest.mark.parametrize(
    "line",
    ["Recent posts about stem cells are wrong.", "Related to what you said, I disagree.",
     "Following the trial, we changed our minds.", "Reply to this if you agree.",
     "Powered by " + "hope and coffee " * 8, "Categories of disability differ."],
)
def test_prose_is_not_furniture(line):
    assert match_furniture(line) is None


# -- writing ------------------------------------------------------------------------------
def _tree(corpus: Corpus):
    comments = corpus.comments
    index = {cid: n for n, cid in enumerate(comments["comment_id"], start=1)}
    return [
        (row["depth"], index.get(_na(row["parent_id"])), _na(row["author"]), row["text"])
        for row in comments.to_dict("records")
    ]


@pytest.mark.parametrize("page", REAL_PAGES + GOLDEN + DEMO_PAGES, ids=lambda p: p.stem)
def test_write_then_read_gives_the_same_tree(page):
    original = read_pagedump(page, on_error="collect")
    text = write_pagedump(original)
    again = read_pagedump(io.StringIO(text))
    assert _tree(again) == _tree(original)
    for name in ("title", "author", "tags", "body", "n_comments"):
        assert _na(again.posts[name][0]) == _na(original.posts[name][0]) or (
            name == "title" and original.posts["title"][0] is pd.NA), name


def test_write_pagedump_layout():
    corpus = Corpus.from_records(
        posts=[{"post_id": "p1", "title": "Hello", "tags": ["MS", "stem cells"], "author": "Ann",
                "body": "First paragraph,\nsecond line.\n\nSecond paragraph."}],
        comments=[
            {"comment_id": "p1.c1", "post_id": "p1", "text": "Top.\n\nMore.", "author": "Bo"},
            {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1", "text": "Reply."},
            {"comment_id": "p1.c3", "post_id": "p1", "text": "Second top."},
        ],
    )
    assert write_pagedump(corpus) == (
        "Hello\n\n\n#MS #stem cells\n\nFirst paragraph,\nsecond line.\n\nSecond paragraph.\n\n"
        "  • Top.\n\n    More.\n    – Bo\n\n    • Reply.\n\n  • Second top.\n\nBy Ann\n"
    )


def test_write_pagedump_puts_replies_under_their_parents():
    # export order (by date) can list a reply after a later top-level comment
    corpus = Corpus.from_records(
        posts=[{"post_id": "p1", "title": "T"}],
        comments=[
            {"comment_id": "p1.c1", "post_id": "p1", "text": "One."},
            {"comment_id": "p1.c2", "post_id": "p1", "text": "Two."},
            {"comment_id": "p1.c3", "post_id": "p1", "parent_id": "p1.c1", "text": "Reply to one."},
        ],
    )
    assert write_pagedump(corpus) == "T\n\n\n  • One.\n\n    • Reply to one.\n\n  • Two.\n"


def test_write_pagedump_needs_post_id_for_several_posts(blog_pages):
    corpus = read_corpus(blog_pages)
    with pytest.raises(ValueError) as caught:
        write_pagedump(corpus)
    assert str(caught.value) == (
        "write_pagedump: the corpus holds 2 posts; pass post_id= one of "
        "000_cbe15b06e01714f3, 004_3a7139fdbb8cb79e (or use write_pagedump_folder)"
    )
    with pytest.raises(ValueError, match="no post with post_id 'nope'"):
        write_pagedump(corpus, post_id="nope")
    with pytest.raises(ValueError, match="the corpus holds no posts"):
        write_pagedump(Corpus())
    page = write_pagedump(corpus, post_id="004_3a7139fdbb8cb79e")
    assert page.startswith("Stem cells into the Brain\n\n\nThere is a critical unmet need")


def test_write_pagedump_folder_round_trip(blog_pages, tmp_path):
    corpus = read_corpus(blog_pages)
    written = msd.write_pagedump_folder(corpus, tmp_path / "out")
    assert [p.name for p in written] == ["000_cbe15b06e01714f3.txt", "004_3a7139fdbb8cb79e.txt"]
    again = read_corpus(tmp_path / "out")
    assert again.posts["post_id"].tolist() == corpus.posts["post_id"].tolist()
    assert again.comments["comment_id"].tolist() == corpus.comments["comment_id"].tolist()
    assert again.comments["text"].tolist() == corpus.comments["text"].tolist()
    assert again.comments["parent_id"].equals(corpus.comments["parent_id"])
    assert write_pagedump_folder is msd.write_pagedump_folder


# -- many files at once ------------------------------------------------------------------------
def test_read_pagedump_files_equals_concatenated_pages(monkeypatch):
    import msdiscourse.io.pagedump as pagedump
    from msdiscourse.io.pagedump import read_pagedump_files

    pages = GOLDEN + REAL_PAGES
    one_by_one = Corpus.concat([read_pagedump(p, on_error="collect") for p in pages])
    # comments typed in many small batches, within pages and across them
    monkeypatch.setattr(pagedump, "_FLUSH_COMMENTS", 7)
    assert (one_by_one.posts["n_comments"] > 7).sum() >= 2 and (one_by_one.posts["n_comments"] < 7).sum() >= 2
    at_once = read_pagedump_files(pages, on_error="collect")
    for name in ("posts", "comments", "unparsed", "furniture"):
        pd.testing.assert_frame_equal(getattr(at_once, name), getattr(one_by_one, name))


def test_read_pagedump_files_refuses_repeated_stems(tmp_path):
    from msdiscourse.io.pagedump import read_pagedump_files

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        read_pagedump_files([tmp_path / "a" / "page.txt", tmp_path / "b" / "page.txt"])
    assert str(caught.value) == "post ids must be unique across sources; repeated: ['page']"
