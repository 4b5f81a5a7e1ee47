"""Tests for msdiscourse/corpus.py: threading and repairs, dtypes, save/load, concat."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from msdiscourse.corpus import (
    COMMENT_COLUMNS,
    FURNITURE_COLUMNS,
    POST_COLUMNS,
    UNPARSED_COLUMNS,
    Corpus,
    load_processed,
    make_comment_id,
    make_post_id,
)
from msdiscourse.errors import ParseError
from msdiscourse.io.pagedump import read_pagedump


def _threads(corpus: Corpus) -> list[tuple]:
    frame = corpus.comments
    return [
        (row["comment_id"], None if pd.isna(row["parent_id"]) else row["parent_id"], row["thread_id"],
         row["depth"], row["position"], row["flags"])
        for row in frame.to_dict("records")
    ]


# -- ids ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "local", "expected"),
    [
        ("000_cbe15b06e01714f3", None, "000_cbe15b06e01714f3"),
        ("wptest", 1149, "wptest:1149"),
        ("my page (copy)", None, "my_page_copy"),
        ("  ", None, "post"),
        ("blog", "2016/03/miracle", "blog:2016_03_miracle"),
        ("blog", "", "blog"),
    ],
)
def test_make_post_id(key, local, expected):
    assert make_post_id(key, local) == expected


def test_make_comment_id_is_unique_across_posts():
    assert make_comment_id("wptest:1149", 7) == "wptest:1149.c7"
    assert make_comment_id("a", "x/y") == "a.cx_y"
    assert make_comment_id("a", 1) != make_comment_id("b", 1)


# -- threading --------------------------------------------------------------------------
def test_from_records_derives_threads_depths_positions():
    corpus = Corpus.from_records(
        posts=[{"post_id": "a", "title": "A"}, {"post_id": "b", "title": "B"},
               {"post_id": "quiet", "title": "No comments"}],
        comments=[
            {"comment_id": "a.c1", "post_id": "a", "text": "top"},
            {"comment_id": "a.c2", "post_id": "a", "parent_id": "a.c1", "text": "reply"},
            {"comment_id": "a.c3", "post_id": "a", "parent_id": "a.c2", "text": "reply to reply"},
            {"comment_id": "a.c4", "post_id": "a", "text": "second thread"},
            {"comment_id": "b.c1", "post_id": "b", "text": "other post"},
            {"comment_id": "b.c2", "post_id": "b", "parent_id": "b.c1", "text": "reply there"},
        ],
    )
    assert _threads(corpus) == [
        ("a.c1", None, "a.c1", 0, 1, ""),
        ("a.c2", "a.c1", "a.c1", 1, 2, ""),
        ("a.c3", "a.c2", "a.c1", 2, 3, ""),
        ("a.c4", None, "a.c4", 0, 4, ""),
        ("b.c1", None, "b.c1", 0, 1, ""),
        ("b.c2", "b.c1", "b.c1", 1, 2, ""),
    ]
    assert corpus.posts["n_comments"].tolist() == [4, 2, 0]


def test_a_reply_may_come_before_its_parent():
    # exports list comments by date, not in thread order; threading must not depend on it
    corpus = Corpus.from_records(comments=[
        {"comment_id": "c2", "post_id": "p", "parent_id": "c1"},
        {"comment_id": "c1", "post_id": "p"},
    ])
    assert _threads(corpus) == [("c2", "c1", "c1", 1, 1, ""), ("c1", None, "c1", 0, 2, "")]


def test_repairs_are_flagged_not_silent():
    corpus = Corpus.from_records(
        posts=[{"post_id": "a"}, {"post_id": "b"}],
        comments=[
            {"comment_id": "a.c1", "post_id": "a", "parent_id": "a.c1"},            # self reply
            {"comment_id": "a.c2", "post_id": "a", "parent_id": "deleted"},         # parent missing
            {"comment_id": "b.c1", "post_id": "b", "parent_id": "a.c2"},            # parent in another post
            {"comment_id": "b.c2", "post_id": "b", "parent_id": "b.c4", "flags": "imported"},
            {"comment_id": "b.c3", "post_id": "b", "parent_id": "b.c2"},
            {"comment_id": "b.c4", "post_id": "b", "parent_id": "b.c3"},            # b.c2 -> c4 -> c3 -> c2
            {"comment_id": "b.c5", "post_id": "b", "parent_id": "b.c4"},            # hangs off the cycle
        ],
    )
    assert _threads(corpus) == [
        ("a.c1", None, "a.c1", 0, 1, "self_reply"),
        ("a.c2", None, "a.c2", 0, 2, "missing_parent"),
        ("b.c1", None, "b.c1", 0, 1, "missing_parent"),
        ("b.c2", None, "b.c2", 0, 2, "imported;cycle"),  # cut at the first comment in page order
        ("b.c3", "b.c2", "b.c2", 1, 3, ""),
        ("b.c4", "b.c3", "b.c2", 2, 4, ""),
        ("b.c5", "b.c4", "b.c2", 3, 5, ""),
    ]


def test_two_comment_cycle_entered_from_the_later_one():
    corpus = Corpus.from_records(comments=[
        {"comment_id": "x", "post_id": "p"},
        {"comment_id": "c1", "post_id": "p", "parent_id": "c2"},
        {"comment_id": "c2", "post_id": "p", "parent_id": "c1"},
    ])
    assert _threads(corpus)[1:] == [("c1", None, "c1", 0, 2, "cycle"), ("c2", "c1", "c1", 1, 3, "")]


def test_derive_threads_false_keeps_what_the_reader_knows():
    corpus = Corpus.from_records(
        comments=[{"comment_id": "c1", "post_id": "p", "parent_id": "gone", "depth": 3, "position": 9}],
        derive_threads=False,
    )
    row = corpus.comments.iloc[0]
    assert (row["parent_id"], row["depth"], row["position"], row["flags"]) == ("gone", 3, 9, "")


def test_contract_columns_and_dtypes_come_first():
    corpus = Corpus.from_records(
        posts=[{"post_id": "p", "tags": "single tag", "published": "2016-03-01T10:00:00Z", "extra": 1}],
        comments=[{"comment_id": "c1", "post_id": "p", "text": "hi", "score": 0.5}],
    )
    for frame, columns in ((corpus.posts, POST_COLUMNS), (corpus.comments, COMMENT_COLUMNS),
                           (corpus.unparsed, UNPARSED_COLUMNS), (corpus.furniture, FURNITURE_COLUMNS)):
        assert list(frame.columns[: len(columns)]) == list(columns)
        assert {c: str(frame[c].dtype) for c in columns} == {c: str(pd.Series([], dtype=t).dtype)
                                                            for c, t in columns.items()}
    assert corpus.posts["tags"][0] == ["single tag"]
    assert corpus.posts["published"][0] == pd.Timestamp("2016-03-01T10:00:00Z")
    assert list(corpus.posts.columns)[-1] == "extra" and list(corpus.comments.columns)[-1] == "score"
    assert corpus.comments["author"][0] is pd.NA


def test_replace_returns_a_new_corpus():
    corpus = Corpus.from_records(posts=[{"post_id": "p"}])
    other = corpus.replace(posts=corpus.posts.assign(title="T"))
    assert corpus.posts["title"][0] is pd.NA and other.posts["title"][0] == "T"


# -- persistence ---------------------------------------------------------------------------
def test_save_load_is_lossless_on_a_real_page(blog_pages, tmp_path):
    corpus = read_pagedump(blog_pages / "000_cbe15b06e01714f3.txt")
    folder = corpus.save(tmp_path / "processed")
    loaded = load_processed(folder)
    for name in ("posts", "comments", "unparsed", "furniture"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(corpus, name))
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["tables"]["comments"]["rows"] == 13
    assert manifest["tables"]["furniture"]["rows"] == 4
    assert loaded.posts["tags"][0] == ["MSresearch", "MS blog", "stem cells miracle cure more like poor reporting"]


def test_save_load_keeps_unparsed_rows_and_empty_tables(tmp_path):
    from tests.conftest import FIXTURES

    corpus = read_pagedump(FIXTURES / "pagedump" / "unplaceable.txt", on_error="collect")
    loaded = load_processed(corpus.save(tmp_path))
    pd.testing.assert_frame_equal(loaded.unparsed, corpus.unparsed)
    empty = load_processed(Corpus().save(tmp_path / "empty"))
    assert empty.summary() == Corpus().summary()


def test_load_processed_names_the_missing_table(tmp_path):
    Corpus().save(tmp_path)
    (tmp_path / "comments.parquet").unlink()
    with pytest.raises(ParseError) as caught:
        load_processed(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'comments.parquet'}: expected the comments table written by Corpus.save(); "
        f"found no such file (run `msdiscourse parse DATA -o {tmp_path}` to write the whole set again)"
    )


def test_load_processed_of_a_missing_folder_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        load_processed(tmp_path / "nowhere")
    assert str(caught.value) == (
        f"{tmp_path / 'nowhere'}: expected a folder of tables written by Corpus.save(); "
        f"run `msdiscourse parse DATA -o {tmp_path / 'nowhere'}` first")


# -- atomic, verified saves ------------------------------------------------------------------
def _demo_corpus(tag: str, n_posts: int = 2, n_comments: int = 3) -> Corpus:
    """A small invented corpus whose every row carries ``tag``, so a mix of saves shows."""
    return Corpus.from_records(
        posts=[{"post_id": f"p{i}", "title": f"{tag} post {i}", "author": "Maria Novak"}
               for i in range(n_posts)],
        comments=[{"comment_id": f"p0.c{i}", "post_id": "p0", "text": f"{tag} comment {i}"}
                  for i in range(n_comments)])


def _remedy(folder) -> str:
    return f"(re-run `msdiscourse parse DATA -o {folder}`, or pass verify=False to read it anyway)"


def test_manifest_records_checksums_rows_and_schema_version(tmp_path):
    import hashlib

    from msdiscourse.corpus import SCHEMA_VERSION

    folder = _demo_corpus("old").save(tmp_path / "processed")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["schema_version"] == SCHEMA_VERSION == 2
    assert manifest["orphan_comments"] == 0
    for name, rows in (("posts", 2), ("comments", 3), ("unparsed", 0), ("furniture", 0)):
        entry = manifest["tables"][name]
        data = (folder / f"{name}.parquet").read_bytes()
        assert entry["rows"] == rows and entry["file"] == f"{name}.parquet"
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert manifest["tables"]["posts"]["columns"][:2] == ["post_id", "source"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]  # no staging left


@pytest.mark.parametrize(
    "damage, found",
    [
        (lambda f: (f / "manifest.json").unlink(), "no such file"),
        (lambda f: (f / "manifest.json").write_text("{not json", "utf-8"),
         "text that is not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        (lambda f: (f / "manifest.json").write_text("[1, 2]", "utf-8"), "a JSON list"),
        (lambda f: (f / "manifest.json").write_text(
            json.dumps({"schema_version": 1, "tables": {}}), "utf-8"),
         "schema_version 1 (written by an older msdiscourse, without checksums)"),
        (lambda f: (f / "manifest.json").write_text(
            json.dumps({"schema_version": 2, "tables": {"posts": {"rows": 2}}}), "utf-8"),
         ("posts without rows, bytes, columns and a sha256 checksum; no entry for comments; "
          "no entry for unparsed; no entry for furniture; no orphan_comments count")),
    ],
    ids=["missing", "garbage", "not-an-object", "old-version", "incomplete"],
)
def test_a_bad_manifest_is_a_parse_error_naming_it(tmp_path, damage, found):
    folder = _demo_corpus("old").save(tmp_path / "processed")
    damage(folder)
    with pytest.raises(ParseError) as caught:
        load_processed(folder)
    assert str(caught.value) == (
        f"{folder / 'manifest.json'}: expected the manifest Corpus.save() writes (schema version 2, "
        f"a checksum per table); found {found} {_remedy(folder)}")
    # the escape hatch reads the tables anyway
    assert load_processed(folder, verify=False).posts["title"].tolist() == ["old post 0", "old post 1"]


def test_a_truncated_table_is_caught_by_its_checksum_and_by_pyarrow(tmp_path):
    folder = _demo_corpus("old").save(tmp_path / "processed")
    path = folder / "comments.parquet"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))["tables"]["comments"]
    with pytest.raises(ParseError) as caught:
        load_processed(folder)
    assert str(caught.value).startswith(
        f"{path}: expected the comments table recorded in manifest.json (3 rows, {len(data)} bytes, "
        f"sha256 {manifest['sha256'][:12]}...); found {len(data) // 2} bytes with sha256 ")
    assert str(caught.value).endswith(
        f"...: the file was changed or truncated after it was saved, or comes from another save "
        f"{_remedy(folder)}")
    with pytest.raises(ParseError, match=r"comments\.parquet: expected the comments table as a "
                                         r"parquet file; found a file pyarrow cannot read \("):
        load_processed(folder, verify=False)


def test_tables_from_two_saves_do_not_load_as_one(tmp_path):
    # the failure an in-place save produced: new posts beside old comments
    old = _demo_corpus("old").save(tmp_path / "old")
    new = _demo_corpus("new", n_posts=1).save(tmp_path / "new")
    (old / "posts.parquet").write_bytes((new / "posts.parquet").read_bytes())
    with pytest.raises(ParseError, match=r"posts\.parquet: expected the posts table recorded in "
                                         r"manifest\.json \(2 rows, "):
        load_processed(old)


def test_comments_orphaned_by_a_hand_edit_are_reported(tmp_path):
    import hashlib

    folder = _demo_corpus("old").save(tmp_path / "processed")
    # someone swaps in other posts and updates the manifest by hand, checksums and all
    posts = load_processed(folder).posts.iloc[1:]
    posts.to_parquet(folder / "posts.parquet", index=False)
    data = (folder / "posts.parquet").read_bytes()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["tables"]["posts"].update(rows=1, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ParseError) as caught:
        load_processed(folder)
    assert str(caught.value) == (
        f"{folder / 'comments.parquet'}: expected at most 0 comment(s) whose post is missing from "
        f"posts.parquet, as when the set was saved; found 3 (first: p0.c0, p0.c1, p0.c2) "
        f"{_remedy(folder)}")


def test_a_save_that_fails_half_way_leaves_the_old_set(tmp_path, monkeypatch):
    import msdiscourse.corpus as corpus_module

    folder = _demo_corpus("old").save(tmp_path / "processed")
    (folder / ".gitkeep").write_text("", "utf-8")
    real = corpus_module._table_bytes
    calls = []

    def fail_on_comments(frame):
        calls.append(len(frame))
        if len(calls) == 2:  # posts written, comments not
            raise OSError("disk full")
        return real(frame)

    monkeypatch.setattr(corpus_module, "_table_bytes", fail_on_comments)
    with pytest.raises(OSError, match="disk full"):
        _demo_corpus("new", n_posts=1).save(folder)
    monkeypatch.undo()
    loaded = load_processed(folder)
    assert loaded.posts["title"].tolist() == ["old post 0", "old post 1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]  # staging removed
    # the next save replaces the set and keeps files it does not own
    _demo_corpus("new", n_posts=1).save(folder)
    assert load_processed(folder).posts["title"].tolist() == ["new post 0"]
    assert (folder / ".gitkeep").exists()


def test_a_swap_interrupted_between_its_two_renames_is_finished(tmp_path):
    # without an atomic exchange (macOS, Windows) the old set is renamed aside first;
    # a kill right then leaves only the aside copy, which the next load puts back
    folder = _demo_corpus("old").save(tmp_path / "processed")
    folder.rename(tmp_path / ".processed.old-4242")
    assert load_processed(folder).posts["title"].tolist() == ["old post 0", "old post 1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_save_refuses_a_folder_holding_other_data(tmp_path):
    (tmp_path / "project" / "src").mkdir(parents=True)
    with pytest.raises(ValueError) as caught:
        _demo_corpus("x").save(tmp_path / "project")
    assert str(caught.value) == (
        f"{tmp_path / 'project'}: expected a folder of processed tables; found the subfolder 'src' "
        f"(Corpus.save replaces the whole folder: choose a new or empty folder, or move it out)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


_SAVER = """
import sys
import numpy as np, pandas as pd
from msdiscourse.corpus import Corpus, COMMENT_COLUMNS, POST_COLUMNS, coerce_frame

def build(tag, n):
    posts = pd.DataFrame({"post_id": [f"p{i}" for i in range(50)], "title": f"{tag} post"})
    comments = pd.DataFrame({
        "comment_id": [f"p{i % 50}.c{i}" for i in range(n)],
        "post_id": [f"p{i % 50}" for i in range(n)],
        "depth": 0, "position": np.arange(n),
        "text": [f"{tag} comment {i} " + "words " * 40 for i in range(n)]})
    return Corpus(posts=coerce_frame(posts, POST_COLUMNS), comments=coerce_frame(comments, COMMENT_COLUMNS))

folder = sys.argv[1]
old, new = build("old", 30000), build("new", 40000)
print("ready", flush=True)
while True:
    for corpus, tag in ((new, "new"), (old, "old")):
        corpus.save(folder)
        print("saved", tag, flush=True)
"""


@pytest.mark.slow
def test_a_save_killed_at_any_moment_leaves_exactly_the_old_or_the_new_set(tmp_path):
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import PROJECT_DIR

    folder = tmp_path / "processed"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    rng = random.Random(17)
    seen, mid_save = set(), 0
    for run in range(10):
        child = subprocess.Popen([sys.executable, "-c", _SAVER, str(folder)], env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        # The kill is timed from the child's own "saved" lines, not from the clock alone,
        # so a slow or loaded machine still kills inside the save after a known set: an
        # even run after a new set has landed (so mostly while the old one is being
        # written), an odd run after an old set.
        started = time.monotonic()
        assert child.stdout.readline().strip() == "saved new"
        one_save = time.monotonic() - started
        if run % 2:
            assert child.stdout.readline().strip() == "saved old"
        time.sleep(rng.uniform(0.05, 0.8) * one_save)
        mid_save += any(tmp_path.glob(".processed.tmp-*"))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        loaded = load_processed(folder)  # verified: checksums, rows, columns, orphans
        tags = {t.split()[0] for t in loaded.posts["title"]} | {
            loaded.comments["text"].iloc[0].split()[0], loaded.comments["text"].iloc[-1].split()[0]}
        assert len(tags) == 1, f"run {run}: a mix of saves loaded: {tags}"
        tag = tags.pop()
        assert len(loaded.comments) == {"old": 30000, "new": 40000}[tag]
        seen.add(tag)
    assert mid_save >= 5, f"only {mid_save} of 10 kills landed during a save"
    assert seen == {"old", "new"}
# -- concat and summary ------------------------------------------------------------------------
def test_concat_keeps_every_table(blog_pages):
    pages = [read_pagedump(p) for p in sorted(blog_pages.glob("*.txt"))]
    corpus = Corpus.concat(pages)
    assert corpus.summary() == {"sources": 2, "posts": 2, "comments": 17, "max_depth": 1,
                                "unparsed": 0, "furniture": 4}
    assert corpus.comments.index.tolist() == list(range(17))
    assert "body_spans" in corpus.posts.columns and "spans" in corpus.comments.columns
    assert repr(corpus) == "Corpus(posts=2, comments=17, max_depth=1, unparsed=0)"


def test_concat_refuses_duplicate_post_ids(blog_pages):
    page = read_pagedump(blog_pages / "004_3a7139fdbb8cb79e.txt")
    with pytest.raises(ValueError) as caught:
        Corpus.concat([page, page])
    assert str(caught.value) == "post ids must be unique across sources; repeated: ['004_3a7139fdbb8cb79e']"


def test_concat_of_nothing_is_an_empty_corpus():
    empty = Corpus.concat([])
    assert empty.summary() == {"sources": 0, "posts": 0, "comments": 0, "max_depth": 0,
                               "unparsed": 0, "furniture": 0}
    assert list(empty.comments.columns) == list(COMMENT_COLUMNS)
