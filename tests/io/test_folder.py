"""Tests for msdiscourse/io/folder.py: read_corpus over real folders, sniff_format."""

from __future__ import annotations

import logging
import shutil

import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse import ParseError
from msdiscourse.io.folder import list_corpus_files, read_corpus, sniff_format
from tests.conftest import DATA_RAW, FIXTURES

PAGEDUMP_FIXTURES = FIXTURES / "pagedump"


def test_read_corpus_on_the_real_pages_skips_expected_json(blog_pages, caplog):
    with caplog.at_level(logging.INFO, logger="msdiscourse.io.folder"):
        corpus = read_corpus(blog_pages)
    assert corpus.posts["post_id"].tolist() == ["000_cbe15b06e01714f3", "004_3a7139fdbb8cb79e"]
    assert corpus.posts["n_comments"].tolist() == [13, 4]
    assert corpus.posts["source"].tolist() == [str(p) for p in sorted(blog_pages.glob("*.txt"))]
    assert corpus.summary()["comments"] == 17
    assert "expected.json" in caplog.text
    files, skipped = list_corpus_files(blog_pages)
    assert [p.name for p in files] == ["000_cbe15b06e01714f3.txt", "004_3a7139fdbb8cb79e.txt"]
    assert [p.name for p in skipped] == ["expected.json"]


def test_read_corpus_is_the_public_name():
    assert msd.read_corpus is read_corpus and msd.sniff_format is sniff_format


def test_read_corpus_on_the_demo_corpus():
    corpus = read_corpus(DATA_RAW)
    summary = corpus.summary()
    assert summary["posts"] >= 4 and summary["comments"] >= 60 and summary["max_depth"] >= 4
    assert summary["unparsed"] == 0
    assert corpus.comments["author"].notna().sum() > 0 and corpus.posts["author"].notna().sum() > 0


@pytest.mark.parametrize("page", sorted(PAGEDUMP_FIXTURES.glob("*.txt")), ids=lambda p: p.stem)
def test_sniff_format_knows_every_pagedump_fixture(page):
    assert sniff_format(page) == "pagedump"


def test_sniff_format_on_the_real_pages(blog_pages):
    assert {sniff_format(p) for p in blog_pages.glob("*.txt")} == {"pagedump"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("<3 my neuro: a love letter\n\n  • Same!\n", "pagedump"),   # a "<" title is still a page
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ('<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>', "wxr"),
        ("<?xml version='1.0'?><disqus xmlns='http://disqus.com'></disqus>", "disqus"),
    ],
)
def test_sniff_format_by_content(tmp_path, content, expected):
    path = tmp_path / "file.txt"
    path.write_text(content, encoding="utf-8")
    assert sniff_format(path) == expected


def test_sniff_format_refuses_empty_and_binary(tmp_path):
    empty, binary = tmp_path / "empty.txt", tmp_path / "image.txt"
    empty.write_bytes(b"\n\n")
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ParseError) as caught:
        sniff_format(empty)
    assert str(caught.value) == f"{empty}: expected a non-empty file; found an empty file"
    with pytest.raises(ParseError) as caught:
        sniff_format(binary)
    assert str(caught.value) == f"{binary}: expected text or a known export format; found binary data (NUL bytes)"


def test_read_corpus_passes_on_error_to_the_reader(tmp_path):
    shutil.copy(PAGEDUMP_FIXTURES / "unplaceable.txt", tmp_path / "unplaceable.txt")
    shutil.copy(PAGEDUMP_FIXTURES / "tabs.txt", tmp_path / "tabs.txt")
    with pytest.raises(ParseError, match=r"unplaceable\.txt, line 7: expected a comment bullet"):
        read_corpus(tmp_path)
    corpus = read_corpus(tmp_path, on_error="collect")
    assert corpus.unparsed["reason"].tolist() == ["bullet_indent", "stray_line"]
    assert corpus.summary()["posts"] == 2


def test_read_corpus_without_data_names_what_it_skipped(tmp_path):
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError) as caught:
        read_corpus(tmp_path)
    assert str(caught.value) == f"{tmp_path}: expected page dumps or exports; found no readable file (skipped: README.md)"
    with pytest.raises(FileNotFoundError, match="no such folder"):
        read_corpus(tmp_path / "missing")


def test_read_corpus_filters_formats_and_hidden_files(tmp_path):
    shutil.copy(PAGEDUMP_FIXTURES / "tabs.txt", tmp_path / "tabs.txt")
    (tmp_path / ".hidden.txt").write_text("Not data\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body>x</body></html>", encoding="utf-8")
    corpus = read_corpus(tmp_path, formats=["pagedump"])
    assert corpus.posts["post_id"].tolist() == ["tabs"]


def test_formats_leave_out_a_file_of_no_known_format(tmp_path):
    shutil.copy(PAGEDUMP_FIXTURES / "tabs.txt", tmp_path / "tabs.txt")
    (tmp_path / "notes.txt").write_bytes(b"")
    # an empty file is none of the formats asked for: it neither stops nor joins the read
    corpus = read_corpus(tmp_path, formats=["pagedump"], on_error="raise")
    assert corpus.posts["post_id"].tolist() == ["tabs"] and corpus.unparsed.empty
    # without formats every file is meant to be read, and this one cannot be
    with pytest.raises(ParseError, match="notes.txt: expected a non-empty file"):
        read_corpus(tmp_path, on_error="raise")


# -- issue 11: one odd file never stops a folder ----------------------------------------------

WXR_FIXTURES = FIXTURES / "wxr"
BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaa">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>\n')


def _odd_folder(tmp_path):
    shutil.copy(PAGEDUMP_FIXTURES / "tabs.txt", tmp_path / "tabs.txt")
    shutil.copy(WXR_FIXTURES / "wxr-1.0-statuses.xml", tmp_path / "site.xml")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "refused.xml").write_text(BOMB, encoding="utf-8")
    (tmp_path / "photo.pdf").write_bytes(b"%PDF-1.4\x00\x00")
    return tmp_path


def test_collect_reads_the_rest_and_names_each_unreadable_file(tmp_path):
    folder = _odd_folder(tmp_path)
    alone = read_corpus(folder / "site.xml").posts["post_id"].tolist()
    corpus = read_corpus(folder, on_error="collect")
    assert corpus.posts["post_id"].tolist() == alone + ["tabs"]
    unread = corpus.unparsed[corpus.unparsed["reason"] == "file not read"]
    assert unread[["source", "line_start", "text"]].astype(object).where(
        unread.notna(), None).values.tolist() == [
        [str(folder / "empty.txt"), None,
         f"{folder / 'empty.txt'}: expected a non-empty file; found an empty file"],
        [str(folder / "notes.docx"), None,
         f"{folder / 'notes.docx'}: expected text or a known export format; "
         "found binary data (NUL bytes)"],
        [str(folder / "refused.xml"), 2,
         f"{folder / 'refused.xml'}, line 2: expected a WordPress WXR export without entity "
         "declarations (entities are never expanded, for safety); found a DOCTYPE declaring "
         "1 entity (a)"],
    ]


def test_warn_warns_once_per_unreadable_file(tmp_path):
    folder = _odd_folder(tmp_path)
    with pytest.warns(msd.ParseWarning) as caught:
        corpus = read_corpus(folder, on_error="warn")
    assert [str(w.message).split(":")[0].split(",")[0] for w in caught] == [
        str(folder / name) for name in ("empty.txt", "notes.docx", "refused.xml")]
    assert (corpus.unparsed["reason"] == "file not read").sum() == 3


@pytest.mark.parametrize(("name", "found"), [
    ("empty.txt", "found an empty file"),
    ("notes.docx", "found binary data"),
    ("refused.xml", "found a DOCTYPE declaring 1 entity"),
])
def test_raise_stays_strict_and_names_the_file(tmp_path, name, found):
    folder = _odd_folder(tmp_path)
    for other in ("empty.txt", "notes.docx", "refused.xml"):
        if other != name:
            (folder / other).unlink()
    with pytest.raises(ParseError) as caught:
        read_corpus(folder)
    assert str(caught.value).startswith(str(folder / name)) and found in str(caught.value)


def test_a_pagedump_that_fails_is_isolated_from_its_batch(tmp_path, monkeypatch):
    from msdiscourse.io import pagedump

    shutil.copy(PAGEDUMP_FIXTURES / "tabs.txt", tmp_path / "a.txt")
    shutil.copy(PAGEDUMP_FIXTURES / "crlf-bom.txt", tmp_path / "b.txt")
    real = pagedump.read_pagedump_files

    def failing(paths, **options):  # a reader bug on one file, not a ParseError
        if any(p.name == "b.txt" for p in paths):
            raise RuntimeError("boom")
        return real(paths, **options)

    monkeypatch.setattr(pagedump, "read_pagedump_files", failing)
    corpus = read_corpus(tmp_path, on_error="collect")
    assert corpus.posts["post_id"].tolist() == ["a"]
    assert corpus.unparsed[["source", "reason", "text"]].values.tolist() == [
        [str(tmp_path / "b.txt"), "file not read", f"{tmp_path / 'b.txt'}: RuntimeError: boom"]]
    with pytest.raises(RuntimeError, match="boom") as caught:
        read_corpus(tmp_path)
    assert caught.value.__notes__ == [f"while reading {tmp_path / 'b.txt'}"]


def test_post_ids_shared_by_two_files(tmp_path):
    for site in ("a", "b"):
        (tmp_path / site).mkdir()
        shutil.copy(WXR_FIXTURES / "wxr-1.0-statuses.xml", tmp_path / site / "export.xml")
    first, second = tmp_path / "a" / "export.xml", tmp_path / "b" / "export.xml"
    single = read_corpus(first)
    with pytest.raises(ParseError) as caught:
        read_corpus(tmp_path)
    post_id = single.posts["post_id"].iloc[0]
    assert str(caught.value) == (
        f"{second}: expected post ids that are unique across the files read; found post id "
        f"{post_id!r} also in {first} (pass on_error=\"collect\" to keep both: the repeat "
        f"gets the id {post_id}~2 and the flag duplicate_id)")
    corpus = read_corpus(tmp_path, on_error="collect")
    n_posts, n_comments = len(single.posts), len(single.comments)
    assert len(corpus.posts) == 2 * n_posts and len(corpus.comments) == 2 * n_comments
    assert corpus.posts["post_id"].is_unique and corpus.comments["comment_id"].is_unique
    repeats = corpus.posts.iloc[n_posts:]
    assert repeats["post_id"].tolist() == [f"{p}~2" for p in single.posts["post_id"]]
    assert set(repeats["flags"]) == {"duplicate_id"}
    assert set(repeats["source"]) == {str(second)}
    copies = corpus.comments.iloc[n_comments:]
    assert copies["comment_id"].tolist() == [
        f"{p}~2{c[len(p):]}" for p, c in zip(single.comments["post_id"], single.comments["comment_id"])]
    assert copies["parent_id"].dropna().isin(copies["comment_id"]).all()
    assert copies["thread_id"].isin(copies["comment_id"]).all()


@pytest.mark.parametrize(("content", "root"), [
    ('<?xml version="1.0"?>\n<note><to>Ann</to></note>', "note"),
    ('<?xml version="1.0"?><!-- a feed -->\n<rss version="2.0"><channel/></rss>', "rss"),
])
def test_xml_of_an_unknown_format_is_named_not_read_as_a_page(tmp_path, content, root):
    path = tmp_path / "data.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        sniff_format(path)
    assert str(caught.value) == (
        f"{path}: expected a known format (WordPress WXR, Blogger Atom, Disqus XML, an HTML "
        f"page, a page dump, a table); found an XML document with the root <{root}>")
    shutil.copy(PAGEDUMP_FIXTURES / "tabs.txt", tmp_path / "tabs.txt")
    corpus = read_corpus(tmp_path, on_error="collect")
    assert corpus.posts["post_id"].tolist() == ["tabs"]
    assert corpus.unparsed[["source", "reason"]].values.tolist() == [[str(path), "file not read"]]


def test_a_table_with_its_own_column_names_says_how_to_read_it(tmp_path, shared_corpus):
    # without a mapping the message names the folder read's own options, not columns=
    forum = shared_corpus / "threads" / "alsforums" / "alsforums-threads.csv"
    shutil.copy(forum, tmp_path / "threads.csv")
    corpus = read_corpus(tmp_path, on_error="collect")
    assert corpus.posts.empty and corpus.unparsed["reason"].tolist() == ["file not read"]
    text = corpus.unparsed["text"].iloc[0]
    assert text.startswith(f"{tmp_path / 'threads.csv'}: expected a column 'comment_id' (the "
                           "comment id); found the columns 'post_id', 'date', 'title', 'body', ")
    assert "columns={'id': NAME})" not in text
    assert ("(read_corpus and `msdiscourse parse` read a table under msdiscourse's column "
            "names: comment_id, post_id, parent_id, author, text, published (cells may be empty); "
            "rename the columns, or map them: read_corpus(folder, table_options={'columns': "
            "{...}}) or `msdiscourse parse --table-columns id=,post=NAME,...`, adding "
            "first_row_is_post (or --first-row-is-post) when each thread's first row is its "
            "post)") in text
    with pytest.raises(ParseError, match=r"table_options=\{'columns'"):
        read_corpus(tmp_path)
    # read directly, the mapping advice stays
    with pytest.raises(ParseError, match=r"map it with columns=\{'id': NAME\}"):
        msd.read_comments_table(tmp_path / "threads.csv")
    # the advice holds: the six names (parent_id too, empty at top level) read in a folder
    (tmp_path / "threads.csv").write_text(
        "comment_id,post_id,parent_id,author,text,published\n"
        "c1,p1,,Ann,Hello all.,2021-01-02\nc2,p1,c1,Bo,Hi Ann.,\n", encoding="utf-8")
    corpus = read_corpus(tmp_path)
    assert corpus.comments["parent_id"].isna().tolist() == [True, False]
    assert corpus.comments["depth"].tolist() == [0, 1]


FORUM_OPTIONS = {"columns": {"id": None, "parent": None, "post": "thread", "author": "who",
                             "text": "body", "date": "when"}, "first_row_is_post": True}


def _write_forum(folder):
    folder.mkdir(exist_ok=True)
    path = folder / "forum.csv"
    path.write_text("thread,title,who,body,when\n"
                    "t1,Tired,Ann,I was diagnosed last May.,2024-05-01 10:00\n"
                    "t1,Tired,Bob,Welcome Ann.,2024-05-01 11:00\n"
                    "t2,Walking,Cy,Which stick works?,2024-05-02 09:00\n"
                    "t1,Tired,Dee,Same here.,2024-05-03 08:00\n"
                    "t2,Walking,Ann,A folding one.,2024-05-02 10:00\n", encoding="utf-8")
    return path


def test_table_options_read_a_folder_as_read_comments_table_reads_its_file(tmp_path):
    path = _write_forum(tmp_path / "forum")
    (tmp_path / "forum" / "p1.txt").write_text("A title\n\nIt worked in mice.\n", encoding="utf-8")
    corpus = read_corpus(tmp_path / "forum", table_options=FORUM_OPTIONS, formats=["table"])
    alone = msd.read_comments_table(path, **FORUM_OPTIONS)
    for name in ("posts", "comments", "unparsed", "furniture"):
        pd.testing.assert_frame_equal(getattr(corpus, name).reset_index(drop=True),
                                      getattr(alone, name).reset_index(drop=True))
    assert corpus.posts["post_id"].tolist() == ["t1", "t2"]
    assert corpus.posts["body"].tolist() == ["I was diagnosed last May.", "Which stick works?"]
    assert corpus.comments["comment_id"].tolist() == ["t1.c1", "t1.c2", "t2.c1"]
    # the page dump beside the table is read as before: the options only touch tables
    both = read_corpus(tmp_path / "forum", table_options=FORUM_OPTIONS)
    assert sorted(both.posts["title"].dropna().tolist()) == ["A title", "Tired", "Walking"]
    # without the options each row is a comment of its own post id, the opener included
    with pytest.raises(ParseError, match="comment_id"):
        read_corpus(tmp_path / "forum", formats=["table"])


def test_table_options_with_an_unknown_key_name_it_and_the_allowed_ones(tmp_path):
    _write_forum(tmp_path)
    with pytest.raises(ValueError, match=r"table_options: unknown key 'first_row'; expected some "
                                         r"of 'columns', 'first_row_is_post'"):
        read_corpus(tmp_path, table_options={"first_row": True})
    with pytest.raises(ValueError, match="unknown key 'format'"):
        msd.load_corpus(tmp_path, table_options={"format": "csv"})


def test_load_corpus_with_table_options_never_reuses_a_processed_set(tmp_path):
    _write_forum(tmp_path / "raw")
    # a processed set written after the data (here from another table), so not stale by date
    other = tmp_path / "other.csv"
    other.write_text("comment_id,post_id,parent_id,author,text,published\nc1,old,,Ann,Hi,\n",
                     encoding="utf-8")
    msd.read_comments_table(other).save(tmp_path / "processed")
    stale = msd.load_corpus(tmp_path / "raw", processed=tmp_path / "processed")
    assert stale.posts["post_id"].tolist() == ["old"]  # used when no options are given
    fresh = msd.load_corpus(tmp_path / "raw", processed=tmp_path / "processed",
                            table_options=FORUM_OPTIONS)
    assert fresh.posts["post_id"].tolist() == ["t1", "t2"]
    assert len(fresh.comments) == 3


def test_the_forum_read_through_its_folder_has_its_threads_as_posts(tmp_path, shared_corpus):
    forum = shared_corpus / "threads" / "alsforums" / "alsforums-threads.csv"
    shutil.copy(forum, tmp_path / "threads.csv")
    options = {"columns": {"id": None, "parent": None, "post": "post_id", "author": "user_name",
                           "text": "body", "date": "date"}, "first_row_is_post": True}
    corpus = read_corpus(tmp_path, table_options=options)
    assert len(corpus.posts) == 172 and corpus.posts["post_id"].is_unique
    assert len(corpus.posts) + len(corpus.comments) == 2447
    assert corpus.unparsed.empty
    assert corpus.comments["post_id"].isin(corpus.posts["post_id"]).all()
    assert (corpus.comments["depth"] == 0).all()  # replies answer the thread, flat
