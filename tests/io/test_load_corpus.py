"""load_corpus: what `make parse` wrote when it is there and up to date, else a fresh parse."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse.errors import ParseError
from tests.conftest import DATA_RAW, require


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(require(DATA_RAW), folder)
    return folder


def _age(path, seconds):
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp))


def test_without_a_processed_set_the_pages_are_parsed(pages):
    corpus = msd.load_corpus(pages)
    expected = msd.read_corpus(pages, on_error="collect")
    pd.testing.assert_frame_equal(corpus.comments, expected.comments)
    assert len(corpus.posts) == 5


def test_an_up_to_date_processed_set_is_loaded_and_equals_a_fresh_parse(pages, tmp_path):
    parsed = msd.read_corpus(pages, on_error="collect")
    # a processed set that differs visibly, so the test sees which one was used
    marked = parsed.replace(posts=parsed.posts.assign(title="from the processed set"))
    out = marked.save(tmp_path / "processed")
    loaded = msd.load_corpus(pages, processed=out)
    assert set(loaded.posts["title"]) == {"from the processed set"}
    # and a set written by save() loads back equal to the parse it came from
    out = parsed.save(tmp_path / "processed-plain")
    for name in ("posts", "comments", "unparsed", "furniture"):
        pd.testing.assert_frame_equal(getattr(msd.load_corpus(pages, processed=out), name),
                                      getattr(parsed, name))


def test_a_stale_processed_set_is_ignored(pages, tmp_path):
    parsed = msd.read_corpus(pages, on_error="collect")
    out = parsed.replace(posts=parsed.posts.assign(title="stale")).save(tmp_path / "processed")
    _age(out / "manifest.json", 3600)  # parsed an hour before a page changed
    os.utime(sorted(pages.glob("*.txt"))[0])  # the page changes now (copytree kept the old times)
    assert "stale" not in set(msd.load_corpus(pages, processed=out).posts["title"])


def test_a_damaged_up_to_date_set_is_an_error_not_a_silent_reparse(pages, tmp_path):
    out = msd.read_corpus(pages, on_error="collect").save(tmp_path / "processed")
    (out / "posts.parquet").write_bytes(b"PAR1 not really")
    os.utime(out / "manifest.json")
    with pytest.raises(ParseError, match="posts.parquet"):
        msd.load_corpus(pages, processed=out)


def test_only_the_demo_corpus_defaults_to_the_processed_folder_beside_it(pages, tmp_path, monkeypatch):
    import msdiscourse.paths

    monkeypatch.setattr(msdiscourse.paths, "DATA_RAW", pages)  # as if pages were data/raw
    parsed = msd.read_corpus(pages, on_error="collect")
    parsed.replace(posts=parsed.posts.assign(title="made by make parse")).save(
        pages.parent / "processed")
    assert set(msd.load_corpus(pages).posts["title"]) == {"made by make parse"}
    other = tmp_path / "elsewhere" / "raw"
    shutil.copytree(pages, other)
    shutil.copytree(pages.parent / "processed", other.parent / "processed")
    # nothing ties another folder's tables to it: parsed afresh
    assert "made by make parse" not in set(msd.load_corpus(other).posts["title"])
