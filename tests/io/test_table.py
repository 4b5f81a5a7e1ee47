"""read_comments_table: CSV, TSV, JSON Lines and parquet comment tables with column mappings."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msdiscourse.corpus import Corpus
from msdiscourse.errors import ParseError, ParseWarning
from msdiscourse.io.folder import sniff_format
from msdiscourse.io.table import read_comments_table
from msdiscourse.threads import check_threads
from tests.conftest import FIXTURES

TABLES = FIXTURES / "table"
FORUM = {"id": "id", "parent": "in_reply_to", "post": "thread", "author": "name",
         "text": "message", "date": "created_at"}


def test_csv_with_our_own_column_names():
    corpus = read_comments_table(TABLES / "comments.csv")
    comments = corpus.comments
    assert comments[["comment_id", "parent_id", "post_id", "author", "depth", "thread_id"]].values.tolist() == [
        ["c1", pd.NA, "vitd-2015", "Margaret", 0, "c1"],
        ["c2", "c1", "vitd-2015", "Prof K", 1, "c1"],
        ["c3", "c2", "vitd-2015", "Dave", 2, "c1"],
        ["c4", "c3", "vitd-2015", "Prof K", 3, "c1"],
        ["c5", pd.NA, "fatigue-2019", "Lorna", 0, "c5"],
        ["c6", "c5", "fatigue-2019", pd.NA, 1, "c5"],
    ]
    # a quoted cell keeps its paragraphs; the next row's line number is still right
    assert comments.loc[0, "text"] == "I have been on 5,000 IU a day for three years.\n\nSo should I stop?"
    assert comments[["line_start", "line_end"]].values.tolist() == [
        [2, 4], [5, 5], [6, 6], [7, 7], [8, 8], [9, 9]]
    # naive dates are UTC; offsets are converted
    assert comments["published"].tolist() == [
        pd.Timestamp("2015-03-02T10:12:00Z"), pd.Timestamp("2015-03-02T11:40:00Z"),
        pd.Timestamp("2015-03-02T19:05:00Z"), pd.Timestamp("2015-03-02T21:17:00Z"),
        pd.Timestamp("2019-06-18T08:14:27Z"), pd.Timestamp("2019-06-18T10:30:09Z"),
    ]
    assert str(comments["published"].dtype) == "datetime64[ns, UTC]"
    # columns outside the mapping are kept, as nullable strings for CSV
    assert comments["likes"].tolist()[:5] == ["3", "5", "0", "7", "2"]
    assert pd.isna(comments.loc[5, "likes"])
    # posts come from the distinct post ids, in order of first appearance, without titles
    posts = corpus.posts
    assert posts[["post_id", "source", "source_format", "n_comments"]].values.tolist() == [
        ["vitd-2015", "comments.csv", "table", 4],
        ["fatigue-2019", "comments.csv", "table", 2],
    ]
    assert posts["title"].isna().all()
    assert check_threads(corpus).empty


def _forum_comments(corpus: Corpus) -> list[list]:
    return corpus.comments[["comment_id", "parent_id", "post_id", "author", "depth", "text",
                            "published"]].values.tolist()


FORUM_EXPECTED = [
    ["101", pd.NA, "t-9", "Wheelie Jane", 0, "I was quoted £45,000 by one of those clinics.",
     pd.Timestamp("2017-07-14T08:35:00Z")],
    ["102", "101", "t-9", "Dr Ruth", 1, "Jane, that is a fair and hard question.",
     pd.Timestamp("2017-07-14T11:17:00Z")],
    ["103", "102", "t-9", "Anonymous", 2, '"Next week". We have heard that one before...',
     pd.Timestamp("2017-07-14T12:21:00Z")],
    ["104", "103", "t-9", "Dr Ruth", 3, "Posted, as promised.",
     pd.Timestamp("2017-07-21T07:02:00Z")],
]


@pytest.mark.parametrize("name", ["forum-export.tsv", "forum-export.jsonl"])
def test_tsv_and_jsonl_with_a_column_mapping(name):
    corpus = read_comments_table(TABLES / name, columns=FORUM)
    # JSON numbers become string ids (101 -> "101"); the TSV's leading quote is text
    assert _forum_comments(corpus) == FORUM_EXPECTED


def test_jsonl_line_numbers_skip_blank_lines():
    corpus = read_comments_table(TABLES / "forum-export.jsonl", columns=FORUM)
    assert corpus.comments["line_start"].tolist() == [1, 2, 3, 5]


def test_parquet_with_typed_columns(tmp_path):
    frame = pd.DataFrame({
        "id": [101, 102, 103, 104],
        "in_reply_to": [None, 101, 102, 103],
        "thread": ["t-9"] * 4,
        "name": ["Wheelie Jane", "Dr Ruth", "Anonymous", "Dr Ruth"],
        "message": [row[5] for row in FORUM_EXPECTED],
        "created_at": pd.to_datetime(["2017-07-14T09:35:00+01:00", "2017-07-14T12:17:00+01:00",
                                      "2017-07-14T13:21:00+01:00", "2017-07-21T08:02:00+01:00"],
                                     utc=True),
        "score": [3, 1, None, 4],
        "labels": [["sarcasm"], [], ["question", "quote"], None],
    })
    path = tmp_path / "forum.parquet"
    frame.to_parquet(path)
    corpus = read_comments_table(path, columns=FORUM)
    assert _forum_comments(corpus) == FORUM_EXPECTED
    assert corpus.comments["score"].tolist()[:2] == [3, 1]
    assert [list(v) if v is not None else None for v in corpus.comments["labels"]] == [
        ["sarcasm"], [], ["question", "quote"], None]
    assert corpus.comments["line_start"].isna().all()  # parquet has rows, not lines
    assert sniff_format(path) == "table"


def test_buffers_are_sniffed_by_content():
    tsv = (TABLES / "forum-export.tsv").read_text(encoding="utf-8")
    jsonl = (TABLES / "forum-export.jsonl").read_text(encoding="utf-8")
    assert _forum_comments(read_comments_table(io.StringIO(tsv), columns=FORUM)) == FORUM_EXPECTED
    assert _forum_comments(read_comments_table(io.BytesIO(jsonl.encode()), columns=FORUM)) == FORUM_EXPECTED


@pytest.mark.parametrize("name", ["comments.csv", "forum-export.tsv", "forum-export.jsonl"])
def test_fixtures_sniff_as_tables(name):
    assert sniff_format(TABLES / name) == "table"


def test_a_missing_column_is_named_with_the_columns_found():
    with pytest.raises(ParseError) as raised:
        read_comments_table(TABLES / "forum-export.tsv", columns={**FORUM, "parent": "parent"})
    assert str(raised.value) == (
        f"{TABLES / 'forum-export.tsv'}: expected a column 'parent' (the id of the comment "
        "replied to, empty for a reply to the post); found the columns 'id', 'in_reply_to', "
        "'thread', 'name', 'message', 'created_at' (map it with columns={'parent': NAME}, or "
        "pass columns={'parent': None} if the table has no such column)"
    )


def test_a_missing_required_column_offers_no_none_escape():
    with pytest.raises(ParseError) as raised:
        read_comments_table(io.StringIO("comment_id,post_id,body\n1,p,hi\n"),
                            columns={"parent": None, "author": None, "date": None})
    assert str(raised.value) == (
        "<buffer>: expected a column 'text' (the comment's text); found the columns "
        "'comment_id', 'post_id', 'body' (map it with columns={'text': NAME})"
    )


def test_optional_roles_mapped_to_none_are_absent():
    corpus = read_comments_table(io.StringIO("comment_id,post_id,text\n1,p,hi\n2,p,yo\n"),
                                 columns={"parent": None, "author": None, "date": None})
    assert corpus.comments[["comment_id", "parent_id", "author", "depth"]].values.tolist() == [
        ["1", pd.NA, pd.NA, 0], ["2", pd.NA, pd.NA, 0]]
    assert corpus.comments["published"].isna().all()


def test_bad_mappings_and_formats_are_refused_before_reading():
    with pytest.raises(ValueError, match="columns: unknown role 'body'"):
        read_comments_table(TABLES / "comments.csv", columns={"body": "text"})
    with pytest.raises(ValueError, match="columns: the 'id' column is required"):
        read_comments_table(TABLES / "comments.csv", columns={"id": None})
    with pytest.raises(ValueError, match="format must be one of csv, tsv, jsonl, parquet; got 'xlsx'"):
        read_comments_table(TABLES / "comments.csv", format="xlsx")


BAD_ROWS = (
    "comment_id,parent_id,post_id,author,text,published\n"
    "1,,p,Ann,Fine,2024-05-01\n"
    "2,1,p,Bob,When?,yesterday-ish\n"
    ",1,p,Cat,No id,2024-05-02\n"
    "4,1,p,Dan,Too,many,cells\n"
    "5,1,p,Eve,Last,2024-05-03\n"
)


def test_a_bad_date_raises_with_its_line():
    with pytest.raises(ParseError) as raised:
        read_comments_table(io.StringIO(BAD_ROWS))
    assert str(raised.value) == (
        "<buffer>, line 3: expected a date in column 'published'; found 'yesterday-ish' "
        '(pass on_error="collect" to keep it as an unparsed row)'
    )


def test_collect_keeps_every_bad_row_as_unparsed_and_the_dateless_comment():
    corpus = read_comments_table(io.StringIO(BAD_ROWS), on_error="collect")
    assert corpus.comments[["comment_id", "text"]].values.tolist() == [
        ["1", "Fine"], ["2", "When?"], ["5", "Last"]]
    assert pd.isna(corpus.comments.loc[1, "published"])
    assert corpus.unparsed[["line_start", "reason"]].values.tolist() == [
        [3, "bad_date"], [4, "no_id"], [5, "bad_row"]]
    assert corpus.unparsed.loc[2, "text"] == "4,1,p,Dan,Too,many,cells"
    with pytest.warns(ParseWarning) as caught:
        read_comments_table(io.StringIO(BAD_ROWS), on_error="warn")
    assert [str(w.message) for w in caught] == [
        "<buffer>, line 3: expected a date in column 'published'; found 'yesterday-ish'",
        "<buffer>, line 4: expected the comment id in column 'comment_id'; found an empty cell",
        "<buffer>, line 5: expected 6 cells, as in the header; found 7 cells",
    ]


def test_a_bad_json_line_is_reported_with_its_line():
    text = '{"comment_id": "1", "post_id": "p", "text": "ok"}\n{"comment_id": "2", "post_id"\n'
    with pytest.raises(ParseError) as raised:
        read_comments_table(io.StringIO(text), columns={"parent": None, "author": None, "date": None})
    assert str(raised.value) == (
        "<buffer>, line 2: expected one JSON object per line; found invalid JSON "
        "(Expecting ':' delimiter, column 30) (pass on_error=\"collect\" to keep it as an unparsed row)"
    )


def test_non_utf8_and_empty_input_are_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("comment_id,post_id,text\n1,p,caf\xe9\n".encode("latin-1"))
    with pytest.raises(ParseError) as raised:
        read_comments_table(path)
    assert str(raised.value) == (
        f"{path}, line 2: expected UTF-8 text; found the byte 0xe9 (save the table as UTF-8)")
    empty = tmp_path / "empty.csv"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"empty.csv: expected a CSV, TSV, JSON Lines or parquet table; found an empty file"):
        read_comments_table(empty)


def test_a_gigantic_cell_is_an_error_with_its_line():
    big = "x" * 200_000  # over the csv module's 128 KiB cell limit
    with pytest.raises(ParseError) as raised:
        read_comments_table(io.StringIO(f"comment_id,post_id,text\n1,p,ok\n2,p,{big}\n"))
    assert str(raised.value) == (
        "<buffer>, line 3: expected a CSV row; found field larger than field limit (131072)")


def test_a_posts_table_gives_titles_and_exposes_orphans():
    posts = pd.DataFrame({"post_id": ["vitd-2015"], "title": ["Vitamin D and relapses"],
                          "published": ["2015-03-02T09:30:00Z"]})
    corpus = read_comments_table(TABLES / "comments.csv", posts=posts)
    assert corpus.posts[["post_id", "title", "n_comments"]].values.tolist() == [
        ["vitd-2015", "Vitamin D and relapses", 4]]
    assert corpus.posts.loc[0, "published"] == pd.Timestamp("2015-03-02T09:30:00Z")
    assert corpus.comments["flags"].tolist() == ["", "", "", "", "orphan", "orphan"]
    problems = check_threads(corpus)
    assert problems[["comment_id", "problem"]].values.tolist() == [["c5", "orphan"], ["c6", "orphan"]]
    assert problems.loc[0, "detail"] == "post fatigue-2019 is not in the posts table"


def test_repeated_ids_are_kept_renamed_and_flagged():
    corpus = read_comments_table(io.StringIO(
        "comment_id,parent_id,post_id,author,text,published\n"
        "1,,p,Ann,First,\n1,,p,Ann,First again,\n2,1,p,Bob,Reply,\n"))
    comments = corpus.comments.fillna({"source_comment_id": "-"})
    assert comments[["comment_id", "source_comment_id", "flags"]].values.tolist() == [
        ["1", "-", ""], ["1-dup2", "1", "duplicate_id"], ["2", "-", ""]]
    assert check_threads(corpus)["problem"].tolist() == ["duplicate_id"]


def test_a_corpus_exported_as_csv_reads_back_with_its_threads(tmp_path):
    original = read_comments_table(TABLES / "comments.csv")
    path = tmp_path / "export.csv"
    original.comments.to_csv(path, index=False)
    back = read_comments_table(path)
    columns = ["comment_id", "parent_id", "post_id", "thread_id", "depth", "position", "author",
               "text", "published", "flags"]
    pd.testing.assert_frame_equal(back.comments[columns], original.comments[columns])


@st.composite
def comment_trees(draw):
    """Random forests of replies over a few posts: each comment replies to an earlier one."""
    n = draw(st.integers(min_value=1, max_value=25))
    rows = []
    for index in range(n):
        post = draw(st.sampled_from(["a", "b"]))
        earlier = [r["comment_id"] for r in rows if r["post_id"] == post]
        parent = draw(st.one_of(st.none(), st.sampled_from(earlier))) if earlier else None
        rows.append({"comment_id": f"x{index}", "parent_id": parent, "post_id": post,
                     "author": draw(st.sampled_from(["Ann", "Bob", "", "Zoë"])),
                     "text": draw(st.text(alphabet="ab ,\"\n“’…", min_size=1, max_size=12)
                                  .filter(lambda t: t.strip())),
                     "published": None})
    return rows


@settings(max_examples=40, deadline=None)
@given(comment_trees(), st.sampled_from(["csv", "jsonl", "parquet"]))
def test_round_trip_keeps_every_tree(rows, format):
    frame = pd.DataFrame(rows)
    buffer = io.BytesIO()
    if format == "csv":
        buffer.write(frame.to_csv(index=False).encode("utf-8"))
    elif format == "jsonl":
        buffer.write(frame.to_json(orient="records", lines=True, force_ascii=False).encode("utf-8"))
    else:
        frame.to_parquet(buffer)
    buffer.seek(0)
    corpus = read_comments_table(buffer, format=format)
    got = corpus.comments.sort_values("comment_id")
    want = frame.sort_values("comment_id")
    assert got["parent_id"].fillna("").tolist() == want["parent_id"].fillna("").tolist()
    assert got["post_id"].tolist() == want["post_id"].tolist()
    assert got["author"].fillna("").tolist() == want["author"].tolist()
    # CSV and JSON keep the cell's text as written
    assert got["text"].tolist() == want["text"].tolist()
    assert check_threads(corpus).empty
