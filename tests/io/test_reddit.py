"""Tests for msdiscourse/io/reddit.py: dumps (every compression), thread JSON, joins, errors.

All records are invented; they use the field names of the Pushshift/Arctic-Shift dumps and
of Reddit's listing JSON.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma

import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse.errors import ParseError
from msdiscourse.io.folder import read_corpus, sniff_format
from msdiscourse.io.reddit import is_reddit_file, read_reddit

zstandard = pytest.importorskip("zstandard")

SUB = "MultipleSclerosis"
POST = {"id": "q1", "title": "Fatigue tips?", "selftext": "What helps you &amp; why?",
        "author": "river_m", "created_utc": 1672531200, "subreddit": SUB,
        "link_flair_text": "Question", "author_flair_text": None, "score": 12, "is_self": True}
TOP = {"id": "c1", "link_id": "t3_q1", "parent_id": "t3_q1", "body": "Naps. I was diagnosed in 2015.",
       "author": "oak_leaf", "author_flair_text": "RRMS 2015", "created_utc": 1672534800,
       "subreddit": SUB, "score": 5}
REPLY = {"id": "c2", "link_id": "t3_q1", "parent_id": "t1_c1", "body": "[removed]",
         "author": "[deleted]", "created_utc": "1675213200", "subreddit": SUB, "score": 1}
LATE = {"id": "c3", "link_id": "t3_q1", "parent_id": "t1_c2", "body": "Same here!!",
        "author": "fern", "author_flair_text": "Neurologist (verified)",
        "created_utc": 1677632400.0, "subreddit": SUB, "score": 2}
OTHER_SUB = {"id": "q2", "title": "Off topic", "selftext": "", "author": "fern",
             "created_utc": 1672531300, "subreddit": "ChronicIllness"}


def ndjson(*records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def zst(data: bytes, window_log: int | None = None) -> bytes:
    params = (zstandard.ZstdCompressionParameters.from_level(3, window_log=window_log)
              if window_log else None)
    compressor = (zstandard.ZstdCompressor(compression_params=params) if params
                  else zstandard.ZstdCompressor())
    out = io.BytesIO()
    with compressor.stream_writer(out, closefd=False) as writer:
        writer.write(data)
    return out.getvalue()


COMPRESSORS = {
    "plain": lambda d: d,
    "zst": zst,
    "zst-2GiB-window": lambda d: zst(d, window_log=31),
    "gz": lambda d: gzip.compress(d, mtime=0),
    "bz2": bz2.compress,
    "xz": lzma.compress,
}


@pytest.fixture
def monthly(tmp_path):
    """January submissions, January and February comments (a reply a month later)."""
    (tmp_path / "RS_2023-01.zst").write_bytes(zst(ndjson(POST, OTHER_SUB)))
    (tmp_path / "RC_2023-01.zst").write_bytes(zst(ndjson(TOP)))
    (tmp_path / "RC_2023-02.zst").write_bytes(zst(ndjson(REPLY, LATE)))
    return tmp_path


@pytest.mark.parametrize("compression", sorted(COMPRESSORS))
def test_every_compression_reads_the_same_rows(tmp_path, compression):
    path = tmp_path / "RC_2023-01"
    path.write_bytes(COMPRESSORS[compression](ndjson(POST, TOP, REPLY)))
    corpus = read_reddit(path)
    assert corpus.posts["post_id"].tolist() == ["t3_q1"]
    assert corpus.posts.loc[0, "body"] == "What helps you & why?"
    assert corpus.comments["comment_id"].tolist() == ["t1_c1", "t1_c2"]
    assert corpus.comments["line_start"].tolist() == [2, 3]
    assert is_reddit_file(path)


def test_replies_are_joined_across_monthly_files(monthly):
    corpus = read_reddit(monthly, subreddits=[SUB.lower()])
    comments = corpus.comments
    assert comments["comment_id"].tolist() == ["t1_c1", "t1_c2", "t1_c3"]
    assert comments["post_id"].tolist() == ["t3_q1"] * 3
    assert comments["parent_id"].tolist() == [pd.NA, "t1_c1", "t1_c2"]
    assert comments["depth"].tolist() == [0, 1, 2]
    assert comments["thread_id"].tolist() == ["t1_c1"] * 3
    assert comments["source"].str.rsplit("/", n=1).str[-1].tolist() == [
        "RC_2023-01.zst", "RC_2023-02.zst", "RC_2023-02.zst"]
    assert corpus.posts["n_comments"].tolist() == [3]
    # the order of the files does not matter
    reversed_corpus = read_reddit(sorted(monthly.iterdir(), reverse=True), subreddits=[SUB])
    pd.testing.assert_frame_equal(reversed_corpus.comments.drop(columns=["line_start", "line_end"]),
                                  comments.drop(columns=["line_start", "line_end"]))


def test_deleted_and_removed_rows_are_kept_and_flagged(monthly):
    comments = read_reddit(monthly).comments.set_index("comment_id")
    assert comments.loc["t1_c2", "flags"] == "author_deleted;text_removed"
    assert pd.isna(comments.loc["t1_c2", "author"]) and pd.isna(comments.loc["t1_c2", "text"])
    assert comments.loc["t1_c3", "published"] == pd.Timestamp("2023-03-01 01:00", tz="UTC")


def test_author_flair_is_a_column(monthly):
    comments = read_reddit(monthly).comments
    assert comments["author_flair_text"].tolist()[::2] == ["RRMS 2015", "Neurologist (verified)"]
    assert read_reddit(monthly).posts["link_flair_text"].tolist() == ["Question", pd.NA]


def test_subreddit_filter_ignores_case(monthly):
    corpus = read_reddit(monthly, subreddits=["chronicillness"])
    assert corpus.posts["post_id"].tolist() == ["t3_q2"]
    assert corpus.comments.empty


def test_missing_posts_and_parents_are_flagged_not_dropped(tmp_path):
    path = tmp_path / "RC_2023-02.ndjson"
    path.write_bytes(ndjson(REPLY, LATE))  # neither the post nor c1 is in the files read
    comments = read_reddit(path).comments
    assert comments["comment_id"].tolist() == ["t1_c2", "t1_c3"]
    assert comments["flags"].tolist() == [
        "author_deleted;text_removed;missing_post;missing_parent", "missing_post"]
    assert comments["depth"].tolist() == [0, 1]


def test_a_record_in_two_overlapping_dumps_is_kept_once(tmp_path):
    (tmp_path / "RC_a.ndjson").write_bytes(ndjson(POST, TOP))
    (tmp_path / "RC_b.ndjson").write_bytes(ndjson(TOP, LATE | {"parent_id": "t1_c1"}))
    corpus = read_reddit(tmp_path)
    assert corpus.comments["comment_id"].tolist() == ["t1_c1", "t1_c3"]
    assert corpus.comments["line_start"].tolist() == [2, 2]


# -- bad lines ----------------------------------------------------------------------------------
BAD_LINES = [
    (b'{"id": "c9", "body": "cut off', "invalid_json",
     ("line 2: expected one JSON object per line; found Unterminated string starting at "
     "(column 22)")),
    (b'["not", "an", "object"]', "not_an_object",
     "line 2: expected a JSON object (one submission or comment); found a JSON list"),
    (b'{"kind": "t5", "display_name": "MS"}', "not_a_reddit_record",
     ("line 2: expected a submission (id, title) or a comment (id, link_id, body); "
     "found an object with keys display_name, kind")),
    (b'{"id": "c9", "title": "x", "created_utc": "yesterday"}', "bad_created_utc",
     "line 2: expected created_utc as seconds since 1970; found 'yesterday'"),
    (b'{"id": "c9", "title": "caf\xe9"}', "not_utf8",
     "line 2: expected UTF-8 text; found byte 0xe9 at column 27"),
]


@pytest.mark.parametrize("line, reason, message", BAD_LINES, ids=[b[1] for b in BAD_LINES])
def test_a_bad_line_raises_with_file_and_line(tmp_path, line, reason, message):
    path = tmp_path / "RS_2023-01.ndjson"
    path.write_bytes(ndjson(POST) + line + b"\n" + ndjson(OTHER_SUB))
    with pytest.raises(ParseError) as caught:
        read_reddit(path)
    assert str(caught.value) == (
        f'{path}, {message} (pass on_error="collect" to keep it as an unparsed row)')
    corpus = read_reddit(path, on_error="collect")
    assert corpus.unparsed[["line_start", "reason"]].values.tolist() == [[2, reason]]
    assert corpus.posts["post_id"].tolist() == ["t3_q1", "t3_q2"]  # the lines around it


def test_a_truncated_stream_keeps_what_was_read(tmp_path):
    path = tmp_path / "RC_2023-01.zst"
    whole = zst(ndjson(*[TOP | {"id": f"c{i}"} for i in range(2000)]))
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ParseError, match=r"RC_2023-01.zst, line \d+: expected a complete "
                                         r"compressed stream; found EOFError: the "
                                         r"compressed stream ended inside a zstandard frame"):
        read_reddit(path)
    corpus = read_reddit(path, on_error="collect")
    assert corpus.unparsed["reason"].tolist() == ["corrupt_compressed_stream"]
    assert 0 < len(corpus.comments) < 2000
    assert corpus.unparsed.loc[0, "line_start"] == len(corpus.comments) + 1


# -- Reddit's own thread JSON -------------------------------------------------------------------
def thing(kind: str, data: dict, replies=None) -> dict:
    if replies is not None:
        data = data | {"replies": {"kind": "Listing", "data": {"children": replies}}}
    elif kind == "t1":
        data = data | {"replies": ""}
    return {"kind": kind, "data": data}


THREAD = [
    {"kind": "Listing", "data": {"children": [thing("t3", POST | {"name": "t3_q1"})]}},
    {"kind": "Listing", "data": {"children": [
        thing("t1", TOP, replies=[
            thing("t1", REPLY, replies=[thing("t1", LATE)]),
            {"kind": "more", "data": {"count": 2, "children": ["c7", "c8"]}},
        ]),
    ]}},
]


def test_thread_json_reads_nested_replies_and_notes_unloaded_ones(tmp_path):
    path = tmp_path / "thread.json"
    path.write_text(json.dumps(THREAD, indent=1), encoding="utf-8")
    assert sniff_format(path) == "reddit"
    corpus = read_reddit(path)
    assert corpus.comments["comment_id"].tolist() == ["t1_c1", "t1_c2", "t1_c3"]
    assert corpus.comments["depth"].tolist() == [0, 1, 2]
    assert corpus.comments["line_start"].isna().all()
    assert corpus.unparsed[["reason", "text"]].values.tolist() == [
        ["more_comments_not_loaded", "c7, c8"]]
    # the same records from a dump give the same threads
    dump = read_reddit(io.BytesIO(ndjson(POST, TOP, REPLY, LATE)))
    pd.testing.assert_frame_equal(
        corpus.comments.drop(columns=["line_start", "line_end", "source"]),
        dump.comments.drop(columns=["line_start", "line_end", "source"]))


def test_broken_thread_json_names_the_line(tmp_path):
    path = tmp_path / "thread.json"
    path.write_text('[{"kind": "Listing",\n "data": {"children": [}}]', encoding="utf-8")
    with pytest.raises(ParseError, match=r"thread.json, line 2: expected Reddit's thread JSON "
                                         r"\(a list of two Listings\); found Expecting value"):
        read_reddit(path)


# -- read_corpus sniffs these files ---------------------------------------------------------------
def test_read_corpus_reads_dumps_together_beside_other_files(monthly, tmp_path):
    (monthly / "notes.md").write_text("# not data\n")
    corpus = read_corpus(monthly)
    assert corpus.comments["depth"].tolist() == [0, 1, 2]
    assert sorted(corpus.posts["post_id"]) == ["t3_q1", "t3_q2"]
    assert sniff_format(monthly / "RC_2023-02.zst") == "reddit"
    assert msd.read_reddit is read_reddit


def test_read_corpus_keeps_thread_json_but_skips_other_json(tmp_path):
    (tmp_path / "thread.json").write_text(json.dumps(THREAD), encoding="utf-8")
    (tmp_path / "expected.json").write_text('{"posts": 1}', encoding="utf-8")
    corpus = read_corpus(tmp_path)
    assert corpus.comments["comment_id"].tolist() == ["t1_c1", "t1_c2", "t1_c3"]


def test_plain_ndjson_without_a_dump_name_is_sniffed_by_content(tmp_path):
    path = tmp_path / "export.ndjson"
    path.write_bytes(ndjson(POST, TOP))
    assert sniff_format(path) == "reddit"
    table = tmp_path / "comments.jsonl"
    table.write_text('{"comment_id": "c1", "post_id": "p1", "text": "Hi"}\n')
    assert sniff_format(table) == "table"


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="RS_2099-01.zst: no such file"):
        read_reddit(tmp_path / "RS_2099-01.zst")


def test_synthetic_dump_is_seeded(tmp_path):
    from msdiscourse._synthetic_reddit import write_synthetic_dump

    first = write_synthetic_dump(tmp_path / "a", target_bytes=30_000, seed=3, compression=None)
    second = write_synthetic_dump(tmp_path / "b", target_bytes=30_000, seed=3, compression=None)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    corpus = read_reddit(tmp_path / "a")
    assert corpus.comments["flags"].str.contains("author_deleted").any()
    assert corpus.comments["flags"].str.contains("text_removed|text_deleted").any()
    assert corpus.comments["depth"].max() >= 3


def test_each_files_raw_tables_have_the_types_of_the_empty_ones(monthly):
    """The Dask engine describes every file's tables by the tables of no rows: a file with
    rows, one without and one whose timestamps are strings give the same column types."""
    from msdiscourse.io.reddit import _raw_comments, _raw_posts, parse_reddit_file

    empty_posts, empty_comments = _raw_posts([]).dtypes, _raw_comments([]).dtypes
    assert str(empty_comments["published"]) == "datetime64[ns, UTC]"
    tables = {}
    for index, path in enumerate(sorted(monthly.iterdir())):
        posts, comments, _ = parse_reddit_file(path, file_index=index, subreddits=None,
                                               on_error="raise")
        assert len(posts) + len(comments) > 0, path.name
        pd.testing.assert_series_equal(posts.dtypes, empty_posts)
        pd.testing.assert_series_equal(comments.dtypes, empty_comments)
        tables[path.name] = comments
    assert tables["RC_2023-02.zst"]["published"].tolist() == [pd.Timestamp("2023-02-01 01:00", tz="UTC"),
                                              pd.Timestamp("2023-03-01 01:00", tz="UTC")]


def test_a_file_handed_over_in_batches_gives_the_rows_of_one_read(tmp_path):
    """The Dask engine parses a file of any size in batches of kept lines: every row comes
    once, in the file's order, with its file and line, in batches of at most the size
    asked for plus one line; a line of another subreddit or a bad one is not counted."""
    from msdiscourse.io.reddit import parse_reddit_file

    comments = [TOP | {"id": f"c{i}", "body": "word " * (i % 7)} for i in range(300)]
    records = [POST, *comments[:150], OTHER_SUB, *comments[150:]]
    path = tmp_path / "RC_2023-01.zst"
    path.write_bytes(zst(ndjson(*records) + b'{"subreddit": "MultipleSclerosis", broken\n'))
    whole = parse_reddit_file(path, file_index=3, subreddits=[SUB], on_error="collect")
    size = 4_000
    batches: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    posts, found, unparsed = parse_reddit_file(
        path, file_index=3, subreddits=[SUB], on_error="collect",
        batches=(size, lambda p, c: batches.append((p, c))))
    assert posts.empty and found.empty and unparsed == whole[2]
    assert [row["reason"] for row in unparsed] == ["invalid_json"]
    line_bytes = {line: len(json.dumps(record)) + 1 for line, record in enumerate(records, 1)}
    kept = [sum(line_bytes[line] for line in pd.concat([p["_line"], c["_line"]]))
            for p, c in batches]
    assert len(batches) > 5 and max(kept) < size + max(line_bytes.values())
    assert all(total >= size for total in kept[:-1])
    pd.testing.assert_frame_equal(pd.concat([p for p, _ in batches], ignore_index=True),
                                  whole[0])
    pd.testing.assert_frame_equal(pd.concat([c for _, c in batches], ignore_index=True),
                                  whole[1])
    assert whole[1]["_file"].eq(3).all() and len(whole[1]) == 300 and len(whole[0]) == 1
