"""Read a table with one row per comment (CSV, TSV, JSON Lines or parquet).

Analysts often hold comments as a spreadsheet export or a data-frame dump rather than as a
blog export. :func:`read_comments_table` maps the table's own column names onto the corpus
columns and rebuilds the threads from the parent links.

Ids are kept exactly as the table writes them (as strings: ``007`` stays ``007``), so results
can be joined back to the analyst's spreadsheet. CSV and TSV cells are read with the
standard library's :mod:`csv` module, which gives every row its true line number (a quoted
cell may span several lines) and never guesses types. TSV follows the IANA definition: no
quoting, so a cell that starts with ``"`` keeps it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterator, Mapping, NamedTuple

import pandas as pd

from msdiscourse.corpus import COMMENT_COLUMNS, Corpus
from msdiscourse.io._dates import DATE_FLAGS, EARLIEST, LATEST, parse_date
from msdiscourse.errors import ErrorPolicy, ParseError, check_on_error
from msdiscourse.text import normalise_text

__all__ = ["read_comments_table", "DEFAULT_COLUMNS", "TABLE_FORMATS"]

#: what each role is called in our own tables (and so by default)
DEFAULT_COLUMNS: dict[str, str] = {
    "id": "comment_id",
    "parent": "parent_id",
    "post": "post_id",
    "author": "author",
    "text": "text",
    "date": "published",
}
_ROLE_MEANING = {
    "id": "the comment id",
    "parent": "the id of the comment replied to, empty for a reply to the post",
    "post": "the id of the post commented on",
    "author": "the commenter's name",
    "text": "the comment's text",
    "date": "when the comment was published",
}
#: roles a table cannot do without, even when mapped to None (with first_row_is_post,
#: ``id`` may be None: ids are then made from the post id and the row's place in the post)
_REQUIRED_ROLES = ("id", "post", "text")
TABLE_FORMATS: tuple[str, ...] = ("csv", "tsv", "jsonl", "parquet")
_SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl",
                   ".ndjson": "jsonl", ".parquet": "parquet"}


def _source_name(path_or_buffer) -> str:
    if isinstance(path_or_buffer, (str, Path)):
        return str(path_or_buffer)
    return str(getattr(path_or_buffer, "name", "<buffer>"))


def _resolve_columns(columns: Mapping[str, str | None] | None,
                     optional: tuple[str, ...] = ()) -> dict[str, str | None]:
    mapping: dict[str, str | None] = dict(DEFAULT_COLUMNS)
    for role, name in (columns or {}).items():
        if role not in DEFAULT_COLUMNS:
            raise ValueError(
                f"columns: unknown role {role!r}; expected some of "
                f"{', '.join(repr(r) for r in DEFAULT_COLUMNS)}"
            )
        if name is None and role in _REQUIRED_ROLES and role not in optional:
            raise ValueError(f"columns: the {role!r} column is required; it cannot be None")
        mapping[role] = name
    return mapping


def _sniff_table_format(source: str, head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        return "jsonl"
    first_line = text.split("\n", 1)[0]
    if "\t" in first_line and first_line.count("\t") >= first_line.count(","):
        return "tsv"
    if text:
        return "csv"
    raise ParseError(source, None, expected="a CSV, TSV, JSON Lines or parquet table",
                     found="an empty file", remedy=None)


def _read_bytes(path_or_buffer) -> bytes:
    """Return the whole input as bytes (tables are read in full anyway)."""
    if isinstance(path_or_buffer, (str, Path)):
        return Path(path_or_buffer).read_bytes()
    data = path_or_buffer.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _decode(source: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(source, line, expected="UTF-8 text",
                         found=f"the byte {data[error.start]:#04x}",
                         remedy="save the table as UTF-8") from None


def _csv_rows(source: str, text: str,
              delimiter: str) -> tuple[list[str], Iterator[tuple[int, int, list[str]]]]:
    """The header, and (first line, last line, cells) for each non-blank row."""
    # TSV (IANA text/tab-separated-values) has no quoting: a cell cannot hold a tab or a
    # newline, and a leading '"' is text (a quoted remark), not a quote
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    try:
        header = next(reader)
    except StopIteration:
        raise ParseError(source, 1, expected="a header row naming the columns",
                         found="an empty file", remedy=None) from None
    header = [name.strip() for name in header]

    def rows() -> Iterator[tuple[int, int, list[str]]]:
        line = reader.line_num + 1  # a row starts on the line after the previous row ended
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # a cell over the csv module's size limit, a NUL
                raise ParseError(source, line, expected="a CSV row", found=str(error),
                                 remedy=None) from None
            if any(cell.strip() for cell in cells):
                yield line, reader.line_num, cells
            line = reader.line_num + 1

    return header, rows()


class _BadRow(NamedTuple):
    """A row that could not be read, reported in line order with the good ones."""

    reason: str
    expected: str
    found: str
    raw: str


def _jsonl_rows(text: str) -> tuple[list[str], list[tuple[int, dict | _BadRow]]]:
    rows: list[tuple[int, dict | _BadRow]] = []
    header: dict[str, None] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            rows.append((line_number, _BadRow("bad_json", "one JSON object per line",
                                              f"invalid JSON ({error.msg}, column {error.colno})",
                                              line)))
            continue
        if not isinstance(record, dict):
            rows.append((line_number, _BadRow("bad_json", "one JSON object per line",
                                              f"a JSON {type(record).__name__}", line)))
            continue
        header.update(dict.fromkeys(record))
        rows.append((line_number, record))
    return list(header), rows


def _cell(value) -> str | None:
    """A table cell as text; ``None`` for empty or missing (ids stay strings: 7 -> '7')."""
    if type(value) is str:  # CSV cells: the common case first
        return value.strip() or None
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _is_missing(value) -> bool:
    """Empty cell, None, NaN, NA or NaT (a list or array cell is never missing)."""
    if isinstance(value, str):
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, (list, tuple, dict)) or getattr(value, "ndim", 0) > 0:
        return False
    return bool(pd.isna(value))


def _parse_date(value) -> pd.Timestamp | None:
    """A timezone-aware UTC timestamp; naive dates are taken to be UTC already."""
    if isinstance(value, pd.Timestamp):
        stamp = value
    else:
        stamp = pd.Timestamp(str(value))
    if stamp is pd.NaT:
        return None
    # pandas parses years it cannot hold in a table (9999, 0201): refuse them here
    return parse_date(stamp.to_pydatetime())


def _iso_dates(values: list) -> list:
    """UTC timestamps for the values that are ISO 8601 dates (naive = UTC), else NaT."""
    if not values:
        return []
    texts = pd.Series([v.isoformat() if isinstance(v, pd.Timestamp) else
                       (str(v) if _cell(v) is not None else None) for v in values], dtype="object")
    parsed = pd.to_datetime(texts, utc=True, format="ISO8601", errors="coerce")
    # years pandas cannot hold in a table (9999) go to the slow path, which flags them
    parsed = parsed.where((parsed >= EARLIEST) & (parsed <= LATEST))
    return parsed.tolist()


def _missing_column_error(source: str, role: str, name: str, header: list[str]) -> ParseError:
    found = ", ".join(repr(column) for column in header) if header else "none"
    remedy = f"map it with columns={{{role!r}: NAME}}"
    if role not in _REQUIRED_ROLES:
        remedy += f", or pass columns={{{role!r}: None}} if the table has no such column"
    return ParseError(
        source, None,
        expected=f"a column {name!r} ({_ROLE_MEANING[role]})",
        found=f"the columns {found}",
        remedy=remedy,
    )


def read_comments_table(
    path_or_buffer,
    *,
    columns: Mapping[str, str | None] | None = None,
    format: str | None = None,
    posts: pd.DataFrame | None = None,
    first_row_is_post: bool = False,
    on_error: str = "raise",
) -> Corpus:
    """Read a table with one row per comment into a corpus, rebuilding the threads.

    Parameters
    ----------
    path_or_buffer
        A path (``str`` or :class:`~pathlib.Path`) or an open text/binary buffer.
    columns
        Which of the table's columns plays each role: a mapping with some of the keys
        ``"id"``, ``"parent"``, ``"post"``, ``"author"``, ``"text"``, ``"date"``. Roles not
        given use our own names (:data:`DEFAULT_COLUMNS`: ``comment_id``, ``parent_id``,
        ``post_id``, ``author``, ``text``, ``published``). Map ``parent``, ``author`` or
        ``date`` to ``None`` when the table has no such column; ``id``, ``post`` and
        ``text`` are required (with ``first_row_is_post``, ``id`` may be ``None``: each
        comment is then called ``"<post id>.c<n>"``, numbered in table order within its
        post). Other columns of the table are kept after the contract columns of the
        comments table.
    format
        ``"csv"``, ``"tsv"``, ``"jsonl"`` or ``"parquet"``; default: from the file suffix,
        else from the content (``PAR1`` magic, a leading ``{``, tabs in the header).
    posts
        A posts table (our column names, at least ``post_id``) giving titles, bodies and
        authors. Without it, one post per distinct post id is made, in order of first
        appearance, with only its id. With it, a comment whose post is not in the table is
        kept and flagged ``orphan``.
    first_row_is_post
        The table is a forum export with one row per message, the thread's opening
        message included: the first row of each post id (in table order) is the post
        itself (its text becomes the post's ``body``, its author and date the post's, and
        a ``title`` column, if the table has one, the post's title); the other rows are
        its comments. Cannot be combined with ``posts``.
    on_error
        What to do with a row that cannot be read (no id, no post, a date that is not a
        date, a bad JSON line): ``"raise"`` a :class:`ParseError`, or ``"warn"`` /
        ``"collect"`` it as an ``unparsed`` row. A comment with an unreadable date is
        kept, without a date, in the two lenient modes.

    Returns
    -------
    Corpus
        ``source`` is the file name and ``source_format`` ``"table"``; dates are UTC (a
        date without a time zone is taken to be UTC); comment, parent and post ids are
        the table's own, as strings.

    Raises
    ------
    ParseError
        When a mapped column is missing (naming it and listing the columns found), when
        the input is not UTF-8 or not a table, or, under ``on_error="raise"``, for the
        first unreadable row (with its line; parquet rows are counted in ``found``).

    Examples
    --------
    >>> import io
    >>> table = io.StringIO(
    ...     "id,reply_to,thread,who,body,when\\n"
    ...     "1,,t1,Ann,First!,2024-05-01 10:00\\n"
    ...     "2,1,t1,Bob,A reply.,2024-05-01T11:30+01:00\\n")
    >>> corpus = read_comments_table(table, columns={
    ...     "id": "id", "parent": "reply_to", "post": "thread", "author": "who",
    ...     "text": "body", "date": "when"})
    >>> corpus.comments[["comment_id", "parent_id", "post_id", "author", "depth", "published"]]
      comment_id parent_id post_id author  depth                 published
    0          1      <NA>      t1    Ann      0 2024-05-01 10:00:00+00:00
    1          2         1      t1    Bob      1 2024-05-01 10:30:00+00:00

    A forum export whose rows are messages, the thread's opening message first:

    >>> forum = read_comments_table(io.StringIO(
    ...     "thread,title,who,body\\n"
    ...     "t1,Tired,Ann,I was diagnosed last May.\\n"
    ...     "t1,Tired,Bob,Welcome Ann.\\n"), first_row_is_post=True,
    ...     columns={"id": None, "parent": None, "post": "thread", "author": "who",
    ...              "text": "body", "date": None})
    >>> forum.posts[["post_id", "title", "author", "body"]]
      post_id  title author                       body
    0      t1  Tired    Ann  I was diagnosed last May.
    >>> forum.comments[["comment_id", "post_id", "author", "text"]]
      comment_id post_id author          text
    0      t1.c1      t1    Bob  Welcome Ann.
    """
    check_on_error(on_error)
    if first_row_is_post and posts is not None:
        raise ValueError("pass either posts= or first_row_is_post=True, not both: "
                         "with first_row_is_post the posts come from the table itself")
    mapping = _resolve_columns(columns, ("id",) if first_row_is_post else ())
    source = _source_name(path_or_buffer)
    policy = ErrorPolicy(source, on_error=on_error)
    data = _read_bytes(path_or_buffer)
    if format is None:
        suffix = Path(source).suffix.lower() if isinstance(path_or_buffer, (str, Path)) else ""
        format = _SUFFIX_FORMATS.get(suffix) or _sniff_table_format(source, data[:8192])
    if format not in TABLE_FORMATS:
        raise ValueError(f"format must be one of {', '.join(TABLE_FORMATS)}; got {format!r}")

    # (first line, last line, row number, record or the reason it could not be read)
    records: list[tuple[int | None, int | None, int, dict | _BadRow]] = []
    if format == "parquet":
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as error:  # pyarrow raises several types for a damaged file
            raise ParseError(source, None, expected="a parquet file",
                             found=f"unreadable data ({error})", remedy=None) from None
        header = [str(c) for c in frame.columns]
        records = [(None, None, number, record) for number, record in
                   enumerate(frame.to_dict(orient="records"), start=1)]
    else:
        text = _decode(source, data)
        if not text.strip():
            raise ParseError(source, None, expected="a CSV, TSV, JSON Lines or parquet table",
                             found="an empty file", remedy=None)
        if format == "jsonl":
            if not text.lstrip().startswith("{"):
                raise ParseError(source, 1, expected="JSON Lines (one JSON object per line)",
                                 found=repr(text.lstrip()[:20]), remedy=None)
            header, json_rows = _jsonl_rows(text)
            records = [(line, line, number, record) for number, (line, record) in
                       enumerate(json_rows, start=1)]
        else:
            header, csv_rows = _csv_rows(source, text, "\t" if format == "tsv" else ",")
            for number, (line, last_line, cells) in enumerate(csv_rows, start=1):
                if len(cells) != len(header):
                    bad = _BadRow("bad_row", f"{len(header)} cells, as in the header",
                                  f"{len(cells)} cells",
                                  ("," if format == "csv" else "\t").join(cells))
                    records.append((line, last_line, number, bad))
                else:
                    records.append((line, last_line, number, dict(zip(header, cells))))

    for role, name in mapping.items():
        if name is not None and name not in header:
            raise _missing_column_error(source, role, name, header)

    used = {name for name in mapping.values() if name is not None}
    # columns the corpus derives itself (depth, thread_id ...) are rebuilt, not copied,
    # so a table exported from a corpus reads back the same; its flags are kept
    extras = [name for name in header if name not in used and name not in COMMENT_COLUMNS]
    old_flags = "flags" if "flags" in header and "flags" not in used else None
    # dates: one vectorised pass for the common ISO 8601 case; the rest row by row below
    date_column = mapping["date"]
    fast_dates = _iso_dates([record.get(date_column) if date_column is not None and
                             not isinstance(record, _BadRow) else None
                             for _, _, _, record in records])

    def raw(record: dict) -> str:  # the row as read, for an unparsed row
        return json.dumps({k: _cell(v) for k, v in record.items()}, ensure_ascii=False)

    comments: list[dict] = []
    for (line, last_line, number, record), fast_date in zip(records, fast_dates):
        if isinstance(record, _BadRow):
            policy.unplaced(line, last_line, record.raw, reason=record.reason,
                            expected=record.expected, found=record.found)
            continue
        where = "" if line is not None else f"row {number}: "
        values = {role: (_cell(record.get(name)) if name is not None else None)
                  for role, name in mapping.items()}
        missing = [role for role in ("id", "post") if values[role] is None
                   and mapping[role] is not None]
        if missing:
            role = missing[0]
            policy.unplaced(line, last_line, raw(record), reason=f"no_{role}",
                            expected=f"{_ROLE_MEANING[role]} in column {mapping[role]!r}",
                            found=f"{where}an empty cell")
            continue
        published = None if fast_date is pd.NaT else fast_date
        date_flag = None
        if published is None and values["date"] is not None:
            try:
                published = _parse_date(record.get(date_column))
            except (ValueError, TypeError, OverflowError) as error:
                date_flag = DATE_FLAGS[getattr(error, "kind", "malformed")]
                policy.unplaced(line, last_line, raw(record), reason="bad_date",
                                expected=f"a date in column {date_column!r}",
                                found=f"{where}{values['date']!r}")
        text_value = record.get(mapping["text"])
        text = None if _cell(text_value) is None else str(text_value)
        comment = {
            "comment_id": values["id"],
            "post_id": values["post"],
            "parent_id": values["parent"],
            "author": values["author"],
            # a text cell keeps its own spacing and line breaks: they can be evidence.
            # Mojibake needs non-ASCII characters, so ASCII text skips the (slow) repair.
            "text": text if text is None or text.isascii() else normalise_text(text),
            "published": published,
            "line_start": line,
            "line_end": last_line,
            "flags": ";".join(filter(None, [_cell(record.get(old_flags)) if old_flags else None,
                                            date_flag])),
        }
        for name in extras:
            value = record.get(name)
            # typed formats (JSON Lines, parquet) keep their types; CSV cells stay text
            comment[name] = None if _is_missing(value) else value
        comments.append(comment)

    openers: list[dict] = []
    if first_row_is_post:
        comments, openers = _split_openers(comments)
    if mapping["id"] is None:
        numbered: dict[str, int] = {}
        for comment in comments:
            numbered[comment["post_id"]] = numbered.get(comment["post_id"], 0) + 1
            comment["comment_id"] = f"{comment['post_id']}.c{numbered[comment['post_id']]}"
    comments, duplicate_flags = _unique_ids(comments)
    post_records = (_opener_posts(source, openers) if first_row_is_post
                    else _post_records(source, comments, posts))
    known_posts = {record["post_id"] for record in post_records}
    for comment in comments:
        flags = [f for f in (comment["flags"] or "").split(";") if f]
        flags += duplicate_flags.get(id(comment), [])
        if comment["post_id"] not in known_posts:
            flags.append("orphan")
        comment["flags"] = ";".join(dict.fromkeys(flags))
    # Corpus.from_records numbers comments per post in the order given: keep table order
    corpus = Corpus.from_records(posts=post_records, comments=comments, unparsed=policy.rows)
    if extras and len(corpus.comments):
        frame = corpus.comments.copy()
        frame[extras] = frame[extras].convert_dtypes()  # nullable dtypes, like the contract ones
        corpus = corpus.replace(comments=frame)
    return corpus


def _unique_ids(comments: list[dict]) -> tuple[list[dict], dict[int, list[str]]]:
    """Give a repeated comment id a suffix (``-dup2``, ``-dup3``) and flag it ``duplicate_id``.

    Threading needs unique ids; the repeat keeps its row, its text and its original id
    (in ``source_comment_id``) so nothing is lost.
    """
    seen: dict[str, int] = {}
    flags: dict[int, list[str]] = {}
    for comment in comments:
        comment_id = comment["comment_id"]
        seen[comment_id] = seen.get(comment_id, 0) + 1
        if seen[comment_id] > 1:
            comment["source_comment_id"] = comment_id
            comment["comment_id"] = f"{comment_id}-dup{seen[comment_id]}"
            flags[id(comment)] = ["duplicate_id"]
    return comments, flags


def _split_openers(comments: list[dict]) -> tuple[list[dict], list[dict]]:
    """The first row of each post id is the post; the rest are its comments."""
    seen: set[str] = set()
    kept, openers = [], []
    for comment in comments:
        if comment["post_id"] in seen:
            kept.append(comment)
        else:
            seen.add(comment["post_id"])
            openers.append(comment)
    return kept, openers


def _opener_posts(source: str, openers: list[dict]) -> list[dict]:
    name = Path(source).name
    return [{"post_id": row["post_id"], "source": name, "source_format": "table",
             "title": _cell(row.get("title")), "author": row["author"], "body": row["text"],
             "published": row["published"], "line_start": row["line_start"],
             "line_end": row["line_end"]} for row in openers]


def _post_records(source: str, comments: list[dict], posts: pd.DataFrame | None) -> list[dict]:
    name = Path(source).name
    if posts is None:
        post_ids = dict.fromkeys(comment["post_id"] for comment in comments)
        return [{"post_id": post_id, "source": name, "source_format": "table"}
                for post_id in post_ids]
    if "post_id" not in posts.columns:  # schema-ok: a user's posts table, in the readers' wording
        raise ValueError(
            "posts: expected a column 'post_id'; found the columns "
            + ", ".join(repr(str(c)) for c in posts.columns)
        )
    records = posts.to_dict(orient="records")
    for record in records:
        record["post_id"] = _cell(record["post_id"])
        record.setdefault("source", name)
        record.setdefault("source_format", "table")
        if record.get("published") is not None and not pd.isna(record.get("published")):
            record["published"] = _parse_date(record["published"])
    return records
