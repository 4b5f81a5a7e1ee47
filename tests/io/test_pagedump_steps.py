"""The page-dump reader's steps, one at a time: line scan, head and body, comment tree,
the columnar buffers, and the byte-level mojibake pre-check."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from msdiscourse.errors import ErrorPolicy
from msdiscourse.io.pagedump import (
    _latin1_range,
    _may_be_mojibake,
    _PageBuilder,
    _parse_page,
    _scan_lines,
    read_pagedump,
)

PAGE = (
    "A made-up title\n"
    "\n"
    "#trials #MRI\n"
    "\n"
    "First body line\n"
    "still the first paragraph.\n"
    "\n"
    "Recent Posts\n"
    "\n"
    "  • Top comment.\n"
    "\n"
    "    Its second paragraph.\n"
    "    – Ann Example\n"
    "    • A reply.\n"
    "      • A reply to the reply.\n"
    "  • Second top comment.\n"
    "\n"
    "By Some Author\n"
)


def test_scan_lines_keeps_only_content_lines_with_their_shape():
    lines = _scan_lines(PAGE, may_be_mojibake=False)
    assert list(lines.numbers) == [1, 3, 5, 6, 8, 10, 12, 13, 14, 15, 16, 18]
    assert list(lines.indents) == [0, 0, 0, 0, 0, 2, 4, 4, 4, 6, 2, 0]
    assert list(lines.gaps) == [0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1]
    assert lines.comments_start == 5
    assert lines.bullet_indents == [2, 4, 6, 2]
    assert lines.bullets[5] == 2 and lines.text(5)[2:] == "Top comment." and lines.bullets[6] == -1
    # no line is kept as a string: each is an offset range into the one page text
    assert lines.blocks == [PAGE] and not lines.repaired
    assert [lines.text(i) for i in range(len(lines))][:3] == ["A made-up title", "#trials #MRI", "First body line"]
    assert PAGE[lines.starts[6]:lines.ends[6]] == "Its second paragraph."


def test_scan_lines_offsets_survive_tabs_crlf_and_repaired_mojibake():
    from msdiscourse.io.pagedump import _normalise_newlines

    page = _normalise_newlines("T\r\n\r\nBody caf\u00c3\u00a9.\r\n\r\n\t\u2022 One.\r\n\t  \u2013 Ann\r\n")
    lines = _scan_lines(page, may_be_mojibake=True)
    assert [lines.text(i) for i in range(len(lines))] == ["T", "Body café.", "• One.", "– Ann"]
    assert list(lines.indents) == [0, 0, 4, 6] and list(lines.numbers) == [1, 3, 5, 6]
    assert lines.repaired == {1: "Body café."}


def test_head_step_fills_title_tags_body_and_furniture():
    lines = _scan_lines(PAGE, may_be_mojibake=False)
    page = _PageBuilder(lines, "page.txt", "p", ErrorPolicy("page.txt"))
    page.parse_head()
    assert page.post["title"] == "A made-up title" and page.post["tags"] == ["trials", "MRI"]
    assert page.post["body"] == "First body line\nstill the first paragraph."
    assert page.post["body_spans"] == "5-6"
    assert page.furniture == {"kind": ["furniture"], "line_start": [8], "text": ["Recent Posts"]}
    assert page.in_block  # 'Recent Posts' claims the lines after it up to the next bullet


def test_comment_step_writes_the_tree_into_columns():
    records = _parse_page(PAGE, "page.txt", "p", ErrorPolicy("page.txt"))
    comments = records["comments"]
    # links as positions (0: none); ids are made from them with the table
    assert comments["parent"] == [0, 1, 2, 0]
    assert comments["thread"] == [1, 1, 1, 4]
    assert comments["depth"] == [0, 1, 2, 0]
    assert comments["author"] == ["Ann Example", None, None, None]
    assert comments["text"][0] == "Top comment.\n\nIts second paragraph."
    assert comments["line_start"] == [10, 14, 15, 16] and comments["line_end"] == [13, 14, 15, 16]
    assert comments["spans"] == [None] * 4  # one run of lines each: line_start-line_end
    assert records["post"]["n_comments"] == 4 and records["post"]["author"] == "Some Author"
    assert records["furniture"]["kind"] == ["furniture", "byline"]
    table = read_pagedump(io.StringIO(PAGE)).comments
    assert table["comment_id"].tolist() == [f"{table['post_id'][0]}.c{i}" for i in (1, 2, 3, 4)]
    assert table["parent_id"].tolist()[:3] == [pd.NA, table["comment_id"][0], table["comment_id"][1]]
    assert table["thread_id"].tolist() == [table["comment_id"][0]] * 3 + [table["comment_id"][3]]
    assert table["spans"].tolist() == ["10-13", "14-14", "15-15", "16-16"]  # blank lines do not break a span


def test_comment_interrupted_by_furniture_keeps_its_runs_of_lines():
    page = "T\n\nBody.\n\n  • One.\n    Reply\n    More of one.\n  • Two.\n"
    records = _parse_page(page, "page.txt", "p", ErrorPolicy("page.txt"))
    assert records["comments"]["spans"] == ["5-5,7-7", None]
    assert records["comments"]["text"] == ["One.\nMore of one.", "Two."]
    assert read_pagedump(io.StringIO(page)).comments["spans"].tolist() == ["5-5,7-7", "8-8"]


def test_unplaced_bullet_keeps_the_positions_of_the_others():
    page = "T\n\nBody.\n\n  • One.\n    • Reply.\n       • Off the grid.\n  • Two.\n"
    policy = ErrorPolicy("page.txt", on_error="collect")
    records = _parse_page(page, "page.txt", "p", policy)
    assert records["comments"]["text"] == ["One.", "Reply.", "Two."]
    assert records["comments"]["parent"] == [0, 1, 0]  # positions 1, 2, 3: none skipped
    assert [(row["line_start"], row["reason"]) for row in policy.rows] == [(7, "bullet_indent")]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(
    list("aé’“”â€™Ã©©\u0085\u0192\u02c6\u0160\u00c2\u00f4\u00bf x") + ["\u00c3\u00a9", "\u00e2\u20ac\u2122"]
), max_size=30).map("".join))
def test_byte_precheck_never_misses_what_the_text_scan_finds(text):
    if _may_be_mojibake(text):
        assert _latin1_range(text.encode("utf-8"))


def test_page_read_in_small_blocks_gives_the_same_corpus(tmp_path, monkeypatch):
    """A page decoded and parsed a few lines at a time (blocks let go as passed) reads as
    it does whole: same comments, line spans, unparsed rows quoting their raw lines."""
    import pandas as pd

    from msdiscourse.io import pagedump
    from msdiscourse.io.pagedump import _decode_blocks, read_pagedump

    page = PAGE.replace("By Some Author\n", "  • Third, “quoted”.\n\n       • Off the grid.\n"
                        "Stray text.\nBy Some Author\n").replace("\n", "\r\n")
    path = tmp_path / "page.txt"
    path.write_bytes(b"\xef\xbb\xbf" + page.encode("utf-8"))
    whole = read_pagedump(path, on_error="collect")
    monkeypatch.setattr(pagedump, "_DECODE_BYTES", 16)
    blocks = _decode_blocks(path.read_bytes(), str(path))
    # blocks of whole lines, but the page's closing white space comes as a block of its own
    assert len(blocks) > 5 and "".join(blocks) == page and blocks[-1] == "\r\n"
    assert blocks[-2].endswith("By Some Author") and all(b.endswith("\n") for b in blocks[:-2])
    small = read_pagedump(path, on_error="collect")
    for name in ("posts", "comments", "unparsed", "furniture"):
        pd.testing.assert_frame_equal(getattr(small, name), getattr(whole, name))
    assert small.comments["text"].tolist()[-1] == "Third, “quoted”."
    assert small.unparsed["text"].tolist() == ["       • Off the grid.", "Stray text."]


def test_undecodable_byte_in_a_later_block_names_its_line(tmp_path, monkeypatch):
    import pytest

    from msdiscourse.errors import ParseError
    from msdiscourse.io import pagedump

    monkeypatch.setattr(pagedump, "_DECODE_BYTES", 8)
    path = tmp_path / "bad.txt"
    path.write_bytes(PAGE.encode("utf-8").replace(b"A reply.", b"A r\xffply."))
    with pytest.raises(ParseError, match=r"line 14\b.*0xff"):
        pagedump.read_pagedump(path)


#: an invented paragraph, over a million characters once repeated (past the lengths at
#: which the reader measures a line in place and sends a text to Arrow on its own), with
#: characters that make Python hold it at two bytes a character
LONG = "A made-up sentence on fatigue, naïve “trials” and café visits – twice. " * 15_000


def _read_as_before(text: str, path, monkeypatch):
    """The same page read the short-line way: from a text buffer (one block, no split-off
    closing space), every line stripped into a copy, every body through the records."""
    from msdiscourse.io import pagedump

    monkeypatch.setattr(pagedump, "_LONG_LINE", 10**9)
    monkeypatch.setattr(pagedump, "_BIG_TEXT", 10**9)
    buffer = io.StringIO(text)
    buffer.name = str(path)
    corpus = read_pagedump(buffer, on_error="collect")
    monkeypatch.undo()
    return corpus


def test_one_long_line_reads_as_the_same_tables(tmp_path, monkeypatch):
    """A page that is one long line (a dump with its newlines lost) is a body and nothing
    else, whatever white space surrounds it, and reads to the tables the short-line way
    gives: the in-place measuring, the split-off closing space and the body's own Arrow
    conversion change no value."""
    from msdiscourse.io import pagedump

    assert len(LONG) > max(pagedump._LONG_LINE, pagedump._BIG_TEXT)
    cases = [("", " "), ("", "  \u00a0 \r\n"), ("\t ", " \n\n"), ("", "\n"), ("", ""),
             ("\ufeff", "\t\r\n \n")]
    for number, (lead, trail) in enumerate(cases):
        text = lead + LONG + trail
        path = tmp_path / f"one-line-{number}.txt"
        path.write_bytes(text.encode("utf-8"))
        corpus = read_pagedump(path, on_error="collect")
        post = corpus.posts.iloc[0]
        assert post["body"] == LONG.strip(), (lead, trail)
        assert pd.isna(post["title"]) and post["n_comments"] == 0 and post["body_spans"] == "1-1"
        assert len(corpus.comments) == len(corpus.unparsed) == len(corpus.furniture) == 0
        before = _read_as_before(text.removeprefix("\ufeff"), path, monkeypatch)
        assert corpus.equals(before), (lead, trail)


def test_long_lines_among_others_keep_their_places_and_raw_text(tmp_path, monkeypatch):
    """Long lines as a body paragraph, a comment, a repaired line and the page's last,
    stray line: the same tables as the short-line way, the stray line's unparsed row
    quoting it raw (indent and trailing space included) though its trailing space was
    decoded as a block of its own."""
    stray = " " + LONG[:200_000] + " \u00a0 "  # left of the bullets: not a comment line
    page = ("A made-up title\n\n#trials\n\n" + LONG + " \n\nA second paragraph.\n\n"
            "  • " + LONG + "\n    – Ann Example\n  • it\u00e2\u20ac\u2122s " + LONG + "\n"
            + stray + "  \r\n\r\n")
    path = tmp_path / "long-lines.txt"
    path.write_bytes(page.encode("utf-8"))
    corpus = read_pagedump(path, on_error="collect")
    post = corpus.posts.iloc[0]
    assert post["title"] == "A made-up title" and list(post["tags"]) == ["trials"]
    assert post["body"] == LONG.strip() + "\n\nA second paragraph."
    assert corpus.comments["text"].tolist() == [LONG.strip(), "it’s " + LONG.strip()]
    assert corpus.comments["author"].tolist()[0] == "Ann Example"
    assert corpus.unparsed["text"].tolist() == [stray + "  "]
    assert corpus.unparsed["line_start"].tolist() == [12]
    assert corpus.equals(_read_as_before(page, path, monkeypatch))
    from msdiscourse.io import pagedump

    monkeypatch.setattr(pagedump, "_BLOCK_CHARS", 4096)  # every long line split out in place
    assert read_pagedump(path, on_error="collect").equals(corpus)
