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
from typing import Mapping, NamedTuple

import numpy as np
import pandas as pd

from msdiscourse.corpus import COMMENT_COLUMNS, Corpus
from msdiscourse.io._dates import DATE_FLAGS, EARLIEST, LATEST, parse_date
from msdiscourse.io._source import paused_gc
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


def _csv_table(source: str, text: str, delimiter: str):
    """Read a CSV or TSV table: its header, and every non-blank row with its lines.

    Returns ``(header, rows, bad_rows)``: ``rows`` is ``(cells, row numbers, first lines,
    last lines)`` for the rows with as many cells as the header, ``bad_rows`` is
    ``(row number, first line, last line, _BadRow)`` for the others.
    """
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
    width = len(header)
    cell_rows: list[list[str]] = []
    numbers: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    bad_rows: list[tuple[int, int, int, _BadRow]] = []
    line = reader.line_num + 1  # a row starts on the line after the previous row ended
    number = 0
    try:
        for cells in reader:
            last = reader.line_num
            if (cells and cells[0].strip()) or any(cell.strip() for cell in cells):
                number += 1
                if len(cells) == width:
                    cell_rows.append(cells)
                    numbers.append(number)
                    starts.append(line)
                    ends.append(last)
                else:
                    bad_rows.append((number, line, last, _BadRow(
                        "bad_row", f"{width} cells, as in the header", f"{len(cells)} cells",
                        delimiter.join(cells))))
            line = last + 1
    except csv.Error as error:  # a cell over the csv module's size limit, a NUL
        raise ParseError(source, line, expected="a CSV row", found=str(error),
                         remedy=None) from None
    return header, (cell_rows, numbers, starts, ends), bad_rows


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


def _iso_dates(values: list, cells: list) -> pd.Series:
    """UTC timestamps for the values that are ISO 8601 dates (naive = UTC), else NaT.

    ``cells`` are the values as :func:`_cell` reads them (``None``: no date).
    """
    if all(type(value) is str for value in values):  # CSV cells: text already
        texts = pd.Series([None if cell is None else value for value, cell in zip(values, cells)],
                          dtype="object")
    else:
        texts = pd.Series([value.isoformat() if isinstance(value, pd.Timestamp) else
                           (None if cell is None else str(value))
                           for value, cell in zip(values, cells)], dtype="object")
    parsed = pd.to_datetime(texts, utc=True, format="ISO8601", errors="coerce")
    # years pandas cannot hold in a table (9999) go to the slow path, which flags them
    return parsed.where((parsed >= EARLIEST) & (parsed <= LATEST))


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
    with paused_gc():  # the rows are plain data, without reference cycles to collect
        return _read_comments_table(path_or_buffer, columns=columns, format=format, posts=posts,
                                    first_row_is_post=first_row_is_post, on_error=on_error)


def _read_comments_table(path_or_buffer, *, columns, format, posts, first_row_is_post,
                         on_error) -> Corpus:
    """:func:`read_comments_table`, run without the cyclic garbage collector."""
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

    # the rows that could be read become columns (one list per table column); the rest,
    # (row number, first line, last line, reason), are reported in row order below
    bad_rows: list[tuple[int, int | None, int | None, _BadRow]] = []
    line_starts: list[int | None] = []
    line_ends: list[int | None] = []
    numbers: list[int] = []
    cell_rows: list[list[str]] = []  # CSV/TSV: the cells of each row that was read
    records: list[dict] = []  # JSON Lines, parquet: one typed record per row
    if format == "parquet":
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as error:  # pyarrow raises several types for a damaged file
            raise ParseError(source, None, expected="a parquet file",
                             found=f"unreadable data ({error})", remedy=None) from None
        header = [str(c) for c in frame.columns]
        records = frame.to_dict(orient="records")
        numbers = list(range(1, len(records) + 1))
        line_starts = line_ends = [None] * len(records)
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
            for number, (line, record) in enumerate(json_rows, start=1):
                if isinstance(record, _BadRow):
                    bad_rows.append((number, line, line, record))
                else:
                    records.append(record)
                    numbers.append(number)
                    line_starts.append(line)
            line_ends = line_starts
        else:
            header, (cell_rows, numbers, line_starts, line_ends), bad_rows = _csv_table(
                source, text, "\t" if format == "tsv" else ",")

    for role, name in mapping.items():
        if name is not None and name not in header:
            raise _missing_column_error(source, role, name, header)

    table = _Columns(header, cell_rows, records)
    del cell_rows, records  # the columns hold the cells now
    used = {name for name in mapping.values() if name is not None}
    # columns the corpus derives itself (depth, thread_id ...) are rebuilt, not copied,
    # so a table exported from a corpus reads back the same; its flags are kept
    extras = [name for name in header if name not in used and name not in COMMENT_COLUMNS]
    old_flags = "flags" if "flags" in header and "flags" not in used else None
    values = {role: table.cells(name) if name is not None else None
              for role, name in mapping.items()}
    n = len(numbers)

    # what is wrong with each row that was read, in row order with the unreadable ones
    problems: list[tuple[int, int | None, int | None, str, str, str, str]] = [
        (number, line, last_line, bad.reason, bad.expected, bad.found, bad.raw)
        for number, line, last_line, bad in bad_rows]
    keep = [True] * n
    for role in ("id", "post"):
        if mapping[role] is None:
            continue
        found = values[role]
        for index in ([i for i, value in enumerate(found) if value is None]
                      if None in found else ()):
            if keep[index]:
                keep[index] = False
                problems.append((numbers[index], line_starts[index], line_ends[index],
                                 f"no_{role}",
                                 f"{_ROLE_MEANING[role]} in column {mapping[role]!r}",
                                 f"{_where(line_starts[index], numbers[index])}an empty cell",
                                 table.raw(index)))
    # dates: one vectorised pass for the common ISO 8601 case; the rest one by one
    date_column = mapping["date"]
    published: pd.Series | None = None
    date_flags: dict[int, str] = {}
    if date_column is not None:
        raw_dates = table.column(date_column)
        published = _iso_dates(raw_dates, values["date"])
        for index in np.flatnonzero(published.isna().to_numpy()).tolist():
            if values["date"][index] is None or not keep[index]:
                continue
            try:
                stamp = _parse_date(raw_dates[index])
            except (ValueError, TypeError, OverflowError) as error:
                date_flags[index] = DATE_FLAGS[getattr(error, "kind", "malformed")]
                problems.append((numbers[index], line_starts[index], line_ends[index],
                                 "bad_date", f"a date in column {date_column!r}",
                                 f"{_where(line_starts[index], numbers[index])}"
                                 f"{values['date'][index]!r}", table.raw(index)))
                continue
            if stamp is not None:
                published.iat[index] = stamp
    for _, line, last_line, reason, expected, found, raw in sorted(problems, key=lambda p: p[0]):
        policy.unplaced(line, last_line, raw, reason=reason, expected=expected, found=found)

    texts = table.column(mapping["text"])
    text_cells = values["text"]
    # a text cell keeps its own spacing and line breaks: they can be evidence. Mojibake
    # needs non-ASCII characters, so ASCII text skips the (slow) repair.
    text_column = [None if cell is None else value if type(value) is str and value.isascii()
                   else _repaired(str(value)) for value, cell in zip(texts, text_cells)]
    old = table.cells(old_flags) if old_flags else None
    flags = [""] * n
    if old is not None or date_flags:
        for index in range(n):
            parts = [old[index] if old is not None else None, date_flags.get(index)]
            flags[index] = ";".join(filter(None, parts))
    comments: dict[str, list] = {
        "comment_id": values["id"] if values["id"] is not None else [None] * n,
        "post_id": values["post"],
        "parent_id": values["parent"] if values["parent"] is not None else [None] * n,
        "author": values["author"] if values["author"] is not None else [None] * n,
        "text": text_column,
        "published": published if published is not None else [None] * n,
        "line_start": line_starts,
        "line_end": line_ends,
        "flags": flags,
    }
    for name in extras:
        # typed formats (JSON Lines, parquet) keep their types; CSV cells stay text
        comments[name] = table.present(name)
    if not all(keep):
        comments = {name: _take(column, keep) for name, column in comments.items()}
    n = len(comments["post_id"])

    opener_rows: dict[str, list] | None = None
    if first_row_is_post:
        is_opener = (~pd.Series(comments["post_id"], dtype="object").duplicated()).tolist()
        opener_rows = {name: _take(column, is_opener) for name, column in comments.items()}
        comments = {name: _take(column, [not o for o in is_opener])
                    for name, column in comments.items()}
        n = len(comments["post_id"])
    if mapping["id"] is None:
        numbered: dict[str, int] = {}
        ids = []
        for post_id in comments["post_id"]:
            numbered[post_id] = numbered.get(post_id, 0) + 1
            ids.append(f"{post_id}.c{numbered[post_id]}")
        comments["comment_id"] = ids
    source_ids, duplicates = _unique_ids(comments["comment_id"])
    post_columns = (_opener_posts(source, opener_rows) if opener_rows is not None
                    else _post_columns(source, comments["post_id"], posts))
    known_posts = set(post_columns["post_id"])
    flags = comments["flags"]
    orphans = {i for i, post_id in enumerate(comments["post_id"]) if post_id not in known_posts}
    several = {i for i, flag in enumerate(flags) if ";" in flag}
    for index in sorted(duplicates | orphans | several):
        added = ["duplicate_id"] if index in duplicates else []
        if index in orphans:
            added.append("orphan")
        parts = [f for f in flags[index].split(";") if f] + added
        flags[index] = ";".join(dict.fromkeys(parts))
    if duplicates:
        comments["source_comment_id"] = source_ids
    if not n:  # no comment: the table has the contract columns only
        comments = {name: column for name, column in comments.items() if name in COMMENT_COLUMNS}
    # Corpus.from_columns numbers comments per post in the order given: keep table order
    corpus = Corpus.from_columns(posts=post_columns, comments=comments, unparsed=policy.rows)
    if extras and len(corpus.comments):
        frame = corpus.comments.copy()
        frame[extras] = frame[extras].convert_dtypes()  # nullable dtypes, like the contract ones
        corpus = corpus.replace(comments=frame)
    return corpus


def _where(line: int | None, number: int) -> str:
    """How a message places a row: nothing when it has a line (the error names it)."""
    return "" if line is not None else f"row {number}: "


def _repaired(text: str) -> str:
    return text if text.isascii() else normalise_text(text)


def _take(column, keep: list[bool]):
    """The values of ``column`` (a list or a Series) where ``keep`` is true."""
    if isinstance(column, pd.Series):
        return column[np.asarray(keep, dtype=bool)].reset_index(drop=True)
    return [value for value, kept in zip(column, keep) if kept]


class _Columns:
    """The table read, column by column: CSV cells (all text) or typed records."""

    def __init__(self, header: list[str], cell_rows: list[list[str]], records: list[dict]):
        self.header = header
        self._records = records
        self._text = not records
        # a repeated header name: the last such column, as dict(zip(header, cells)) gives
        self._at = {name: place for place, name in enumerate(header)}
        self._columns = list(zip(*cell_rows)) if cell_rows else [()] * len(header)
        self._cache: dict[str, list] = {}

    def column(self, name: str) -> list:
        """The values of column ``name`` as read (CSV: text)."""
        if self._text:
            return list(self._columns[self._at[name]])
        return [record.get(name) for record in self._records]

    def cells(self, name: str) -> list[str | None]:
        """Column ``name`` as :func:`_cell` reads it: text, ``None`` for empty or missing."""
        if name not in self._cache:
            if self._text:
                self._cache[name] = [value.strip() or None for value in self._columns[self._at[name]]]
            else:
                self._cache[name] = [_cell(value) for value in self.column(name)]
        return self._cache[name]

    def present(self, name: str) -> list:
        """Column ``name`` with empty and missing cells as ``None`` (typed values kept)."""
        if self._text:
            return [value if value.strip() else None for value in self._columns[self._at[name]]]
        return [None if _is_missing(value) else value for value in self.column(name)]

    def raw(self, index: int) -> str:
        """Row ``index`` as read, as JSON, for an unparsed row."""
        if self._text:
            record = dict(zip(self.header, (column[index] for column in self._columns)))
        else:
            record = self._records[index]
        return json.dumps({k: _cell(v) for k, v in record.items()}, ensure_ascii=False)


def _unique_ids(ids: list[str]) -> tuple[list[str | None], set[int]]:
    """Give a repeated comment id a suffix (``-dup2``, ``-dup3``), in place.

    Threading needs unique ids; the repeat keeps its row, its text and its original id
    (returned, for ``source_comment_id``; missing for the others) so nothing is lost.
    Returns those original ids and the places of the repeats (flagged ``duplicate_id``).
    """
    if len(set(ids)) == len(ids):
        return [], set()
    seen: dict[str, int] = {}
    repeats: set[int] = set()
    source_ids: list = []
    for index, comment_id in enumerate(ids):
        count = seen[comment_id] = seen.get(comment_id, 0) + 1
        if count > 1:
            source_ids.append(comment_id)
            ids[index] = f"{comment_id}-dup{count}"
            repeats.add(index)
        else:
            source_ids.append(np.nan)  # as a table of rows without the key gives
    return source_ids, repeats


def _opener_posts(source: str, openers: dict[str, list]) -> dict[str, list]:
    name = Path(source).name
    n = len(openers["post_id"])
    titles = openers.get("title")
    return {"post_id": openers["post_id"], "source": [name] * n, "source_format": ["table"] * n,
            "title": [_cell(t) for t in titles] if titles is not None else [None] * n,
            "author": openers["author"], "body": openers["text"],
            "published": openers["published"], "line_start": openers["line_start"],
            "line_end": openers["line_end"]}


def _post_columns(source: str, post_ids: list[str], posts: pd.DataFrame | None) -> dict[str, list]:
    name = Path(source).name
    if posts is None:
        unique = list(dict.fromkeys(post_ids))
        return {"post_id": unique, "source": [name] * len(unique),
                "source_format": ["table"] * len(unique)}
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
    names = dict.fromkeys(key for record in records for key in record)
    return {key: [record.get(key) for record in records] for key in names}
