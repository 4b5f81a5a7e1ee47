"""Tests for msdiscourse/io/folder.py: read_corpus over real folders, sniff_format."""

from __future__ import annotations

import logging
import shutil

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
