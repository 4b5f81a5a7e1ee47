"""Every table the library passes between functions, declared once.

A :class:`Table` names its columns (in order) with their pandas dtypes, its key and the
public function that produces it. Functions check what they were given with
:func:`validate`, which answers a wrong argument with one error that says what was
expected, what is missing and which call makes the right table::

    >>> import pandas as pd
    >>> validate(pd.DataFrame({"text": ["Hi."]}), "sentences", caller="score_tone")
    Traceback (most recent call last):
    ...
    msdiscourse.schema.SchemaError: score_tone expects the sentences table (made by split_sentences(corpus)); missing columns: sentence_id, post_id, comment_id, n, start, end, is_quote, author, thread_id, depth

Modules that produce a table declare it here (not in their own files), so one place holds
the contract and a reader of the code finds every table's shape in one page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "SchemaError",
    "Table",
    "TABLES",
    "declare",
    "validate",
    "columns_of",
    "STRING",
    "INT",
    "BOOL",
    "FLOAT",
    "DATETIME",
    "LIST",
]

# dtypes: nullable pandas types throughout, ids are strings
STRING = "string"
INT = "Int64"
BOOL = "boolean"
FLOAT = "float64"
DATETIME = "datetime64[ns, UTC]"
LIST = "object"  # a Python list of str per row (tags)


class SchemaError(ValueError):
    """A table handed to a function is not the table that function takes.

    Raised by :func:`validate`; the message names the table expected, the columns missing
    and the call that produces the right table.
    """


@dataclass(frozen=True)
class Table:
    """The declared shape of one table.

    Parameters
    ----------
    name
        The table's name as used in messages and in :func:`validate` (``"sentences"``).
    columns
        Column name -> pandas dtype, in column order. Producers may add further columns
        after these (a reader's extra fields); consumers rely only on the declared ones.
    key
        The columns whose values identify a row.
    producer
        The public call that makes this table, shown in error messages.
    required
        The columns a consumer needs; defaults to every declared column.
    """

    name: str
    columns: dict[str, str]
    key: tuple[str, ...]
    producer: str
    required: tuple[str, ...] | None = None
    description: str = field(default="", compare=False)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return self.required if self.required is not None else tuple(self.columns)


#: table name -> declaration; filled by :func:`declare` calls below
TABLES: dict[str, Table] = {}


def declare(table: Table) -> Table:
    """Register ``table`` under its name (once) and return it."""
    if table.name in TABLES and TABLES[table.name] != table:
        raise ValueError(f"table {table.name!r} is declared twice with different shapes")
    TABLES[table.name] = table
    return table


def columns_of(name: str) -> dict[str, str]:
    """Return the declared columns (name -> dtype) of table ``name``.

    >>> list(columns_of("unparsed"))
    ['source', 'line_start', 'line_end', 'reason', 'text']
    """
    return dict(_table(name).columns)


def _table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(sorted(TABLES))
        raise ValueError(f"no table named {name!r} is declared; known tables: {known}") from None


def _describe(value: object) -> str:
    """A short phrase for what a caller passed: 'a list of 3 items', 'a Corpus', ..."""
    if isinstance(value, pd.DataFrame):
        return "a DataFrame"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a str ({shown!r})"
    return f"a {type(value).__name__}"


def validate(frame: object, name: str, *, caller: str | None = None) -> pd.DataFrame:
    """Check that ``frame`` is the table ``name`` and return it unchanged.

    Parameters
    ----------
    frame
        What the caller was given.
    name
        The declared table expected (a key of :data:`TABLES`).
    caller
        The public function doing the check, named in the message.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, so a function can write ``frame = validate(frame, "tone")``.

    Raises
    ------
    TypeError
        ``frame`` is not a DataFrame (a list, a Corpus, a path...).
    SchemaError
        Declared columns are missing.

    Examples
    --------
    >>> validate([1, 2, 3], "comments", caller="split_sentences")
    Traceback (most recent call last):
    ...
    TypeError: split_sentences expects the comments table (a DataFrame: corpus.comments, made by read_corpus(path)); got a list of 3 items
    """
    table = _table(name)
    who = caller or "this function"
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{who} expects the {name} table (a DataFrame: {table.producer}); "
            f"got {_describe(frame)}"
        )
    missing = [column for column in table.required_columns if column not in frame.columns]
    if missing:
        raise SchemaError(
            f"{who} expects the {name} table (made by {table.producer}); "
            f"missing columns: {', '.join(missing)}"
        )
    return frame


# ----------------------------------------------------------------------------------------
# The corpus tables (made by every reader; see msdiscourse.io)

POSTS = declare(Table(
    name="posts",
    columns={
        "post_id": STRING,
        "source": STRING,
        "source_format": STRING,
        "title": STRING,
        "author": STRING,
        "tags": LIST,
        "published": DATETIME,
        "body": STRING,
        "n_comments": INT,
        "line_start": INT,
        "line_end": INT,
    },
    key=("post_id",),
    producer="corpus.posts, made by read_corpus(path)",
))

#: parent_id missing = a reply to the post; thread_id = the top-level ancestor's
#: comment_id; depth 0 = top level; position = page order within the post, 1-based;
#: flags = ";"-separated repairs made while threading (empty when none).
COMMENTS = declare(Table(
    name="comments",
    columns={
        "comment_id": STRING,
        "post_id": STRING,
        "parent_id": STRING,
        "thread_id": STRING,
        "depth": INT,
        "position": INT,
        "author": STRING,
        "text": STRING,
        "line_start": INT,
        "line_end": INT,
        "published": DATETIME,
        "flags": STRING,
    },
    key=("comment_id",),
    producer="corpus.comments, made by read_corpus(path)",
))

UNPARSED = declare(Table(
    name="unparsed",
    columns={
        "source": STRING,
        "line_start": INT,
        "line_end": INT,
        "reason": STRING,
        "text": STRING,
    },
    key=("source", "line_start"),
    producer="corpus.unparsed, made by read_corpus(path, on_error='collect')",
))

#: page furniture (headings such as "Recent Posts", "Leave a Reply") and bylines: not
#: content, but accounted for so that every line of a page is somewhere.
FURNITURE = declare(Table(
    name="furniture",
    columns={
        "source": STRING,
        "post_id": STRING,
        "kind": STRING,
        "line_start": INT,
        "line_end": INT,
        "text": STRING,
    },
    key=("source", "line_start"),
    producer="corpus.furniture, made by read_corpus(path)",
))

# ----------------------------------------------------------------------------------------
# Sentences (msdiscourse.sentences)

#: ``comment_id`` is missing for sentences of the post body; ``start``/``end`` are offsets
#: into the unit's text (the comment's ``text`` or the post's ``body``); ``author``,
#: ``thread_id`` and ``depth`` are copied from the comment (for the post body: the post's
#: author, and missing thread and depth).
SENTENCES = declare(Table(
    name="sentences",
    columns={
        "sentence_id": STRING,
        "post_id": STRING,
        "comment_id": STRING,
        "n": INT,
        "start": INT,
        "end": INT,
        "text": STRING,
        "is_quote": BOOL,
        "author": STRING,
        "thread_id": STRING,
        "depth": INT,
    },
    key=("sentence_id",),
    producer="split_sentences(corpus)",
))

# Further tables (tone, comment_tone, markers, marker_profile, roles, exchanges,
# summaries) are declared below by the modules' owners, each in its own section.

# ----------------------------------------------------------------------------------------
# Irony markers (msdiscourse.sarcasm)

_MARKER_CATEGORY = "category"  # ordered: msdiscourse.categories.MARKER_DTYPE

#: one row per marker hit in a sentence; ``start``/``end`` are offsets into the sentence's
#: ``text`` and ``match`` is ``text[start:end]``.
MARKERS = declare(Table(
    name="markers",
    columns={
        "sentence_id": STRING,
        "comment_id": STRING,
        "category": _MARKER_CATEGORY,
        "rule": STRING,
        "start": INT,
        "end": INT,
        "match": STRING,
    },
    key=("sentence_id", "start", "rule"),
    producer="find_markers(sentences)",
))

#: the same for plain texts: ``text_index`` is the Series' index label (or list position).
TEXT_MARKERS = declare(Table(
    name="text_markers",
    columns={
        "text_index": "object",
        "category": _MARKER_CATEGORY,
        "rule": STRING,
        "start": INT,
        "end": INT,
        "match": STRING,
    },
    key=("text_index", "start", "rule"),
    producer="find_markers(texts)",
))

#: one row per unit (``comment_id`` by default; ``by=`` names another sentences column,
#: which then takes its place); ``n_<category>`` follow for every marker category.
MARKER_PROFILE = declare(Table(
    name="marker_profile",
    columns={
        "comment_id": STRING,
        "n_words": INT,
        "n_markers": INT,
        "markers_per_100_words": "Float64",
        "has_any": "bool",
        **{f"n_{category}": INT for category in (
            "trope", "morphosyntactic", "typographic", "explicit", "formula", "repetition",
            "contrast")},
    },
    key=("comment_id",),
    producer="marker_profile(markers, sentences)",
))
