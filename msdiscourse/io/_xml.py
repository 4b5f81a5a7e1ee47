"""Safe, streaming XML for the export readers (WordPress WXR, Blogger Atom, Disqus).

Exports are large and come from elsewhere, so every reader parses them through
:class:`XmlStream`, which

- parses with lxml's ``iterparse`` and never expands an entity, never loads a DTD and never
  touches the network (``resolve_entities=False, load_dtd=False, no_network=True``);
- refuses any document whose DOCTYPE declares entities or points to an external DTD (the
  "billion laughs" bomb and XXE both need one; no real export has one), before reading any
  content;
- keeps libxml2's limits on text size (``huge_tree=False``: a text node over 10 MB is an
  error, not a memory blow-up);
- streams: it yields one record element (a WXR ``<item>``, an Atom ``<entry>``, a Disqus
  ``<post>``) at a time and frees it, with everything before it, once the reader is done
  with it, so memory grows with the output tables and not with the tree;
- recovers from namespace errors, which libxml2 reports only once the whole input was
  parsed and which cost nothing read: a prefix that was never declared (real Blogger
  exports use ``app:`` without declaring it), a namespace URI libxml2 calls invalid
  (non-ASCII, relative), a name with two colons. WordPress' own parsers read such files.
  Nothing else is recovered: a truncated file, a mismatched tag, text that is not XML or an
  oversized text node becomes a :class:`~msdiscourse.errors.ParseError` naming the file,
  the parser's line and what was wrong, and entities, DTDs and the network stay refused.
"""

from __future__ import annotations

import io
import operator
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

import pandas as pd
from lxml import etree

from msdiscourse.errors import ParseError
from msdiscourse.io._source import check_path_string

__all__ = [
    "SAFE_PARSER_OPTIONS",
    "ColumnBuilder",
    "RootInfo",
    "XmlStream",
    "end_line",
    "local_name",
    "namespace_of",
    "text_of",
    "order_as_displayed",
    "display_order",
    "string_columns",
    "unique_id",
]

#: lxml parser options used for every export: nothing is expanded, loaded or fetched
SAFE_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

_PROBE_RECORD_BYTES = 1 << 20  # enough of the prolog to find the line of a DOCTYPE
_LINE_COLUMN_SUFFIX = re.compile(r", line \d+, column \d+$")

#: libxml2 error-type prefixes of namespace problems, recovered (see the module docstring)
_NAMESPACE_ERROR_PREFIXES = ("NS_ERR_", "WAR_NS_")

#: libxml2 error types -> how we describe the problem to the user
_TRUNCATION_TYPES = frozenset({"ERR_TAG_NOT_FINISHED", "ERR_LTSLASH_REQUIRED", "ERR_GT_REQUIRED"})


@dataclass(frozen=True)
class RootInfo:
    """The root element of a document, as seen before any content is read.

    Attributes
    ----------
    tag
        The root's tag in Clark notation (``{namespace}name``).
    line
        The root start tag's line.
    nsmap
        Prefix -> namespace URI declared on the root.
    """

    tag: str
    line: int
    nsmap: Mapping[str | None, str]

    @property
    def name(self) -> str:
        """The root's local name, without namespace."""
        return local_name(self.tag)

    @property
    def namespace(self) -> str | None:
        """The root's namespace URI, or ``None``."""
        return namespace_of(self.tag)


def local_name(tag: str) -> str:
    """Return a tag's local name: ``{ns}item`` -> ``item``, ``app:draft`` -> ``draft``.

    An undeclared prefix stays in the tag as written (``app:draft``); it is dropped here so
    readers find the element whether or not the export declared its namespace.

    >>> local_name("{http://wordpress.org/export/1.2/}comment")
    'comment'
    >>> local_name("app:draft")
    'draft'
    """
    if tag[:1] == "{":
        return tag[tag.index("}") + 1:]
    return tag.rpartition(":")[2]


_LOCAL_NAMES: dict[str, str] = {}


def cached_local_name(tag) -> str | None:
    """:func:`local_name` of an element's tag, remembered; ``None`` for comments and PIs.

    Readers call this once per child element, so the few tag names of an export are
    split once; the cache is bounded, whatever names a file invents.

    >>> cached_local_name("{http://wordpress.org/export/1.2/}comment_parent")
    'comment_parent'
    """
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        if not isinstance(tag, str):
            return None
        name = local_name(tag)
        if len(_LOCAL_NAMES) < 512:
            _LOCAL_NAMES[tag] = name
    return name


def namespace_of(tag: str) -> str | None:
    """Return a tag's namespace URI, or ``None``.

    >>> namespace_of("{http://disqus.com}post")
    'http://disqus.com'
    >>> namespace_of("item") is None
    True
    """
    if tag[:1] == "{":
        return tag[1:tag.index("}")]
    return None


def text_of(element) -> str:
    """Return the text inside an element, ``""`` when empty.

    CDATA sections are plain text here. An entity reference that was not expanded (it can
    only be an undeclared one) contributes nothing.

    >>> text_of(etree.fromstring("<m><![CDATA[<p>Hi</p>]]></m>"))
    '<p>Hi</p>'
    """
    if element is None:
        return ""
    if len(element):
        return "".join(element.itertext())
    return element.text or ""


def end_line(element) -> int:
    """Return the line of an element's end tag, from the parser's start lines and newlines.

    The last descendant's start line plus the newlines in the text and tails that follow
    it: exact for exports (CDATA keeps its newlines), where a start tag sits on one line.

    >>> doc = etree.fromstring("<a>\\n <b>one\\ntwo</b>\\n</a>")
    >>> doc.sourceline, end_line(doc), end_line(doc[0])
    (1, 4, 3)
    """
    node = element
    newlines = 0
    while len(node):
        last = node[-1]
        newlines += (last.tail or "").count("\n")
        node = last
    return (node.sourceline or 0) + newlines + (node.text or "").count("\n")


def unique_id(candidate: str, used) -> tuple[str, bool]:
    """Return ``candidate``, or for a repeat ``candidate~2`` (``~3`` ...), and whether it was one.

    ``used`` (a set or dict of ids already given) is not changed. Repeats are numbered in
    file order, so the same file always gives the same ids.

    >>> unique_id("wxr:4", {"wxr:4", "wxr:4~2"})
    ('wxr:4~3', True)
    """
    if candidate not in used:
        return candidate, False
    repeat = 2
    while f"{candidate}~{repeat}" in used:
        repeat += 1
    return f"{candidate}~{repeat}", True


def in_display_order(groups: dict[str, list[dict]]) -> list[dict]:
    """Concatenate each post's comment records in display order (see :func:`order_as_displayed`).

    Siblings sort by ``published`` (undated ones last), ties by their order in the file,
    given as each record's ``_order``, which is removed from the returned records.

    >>> from datetime import datetime, timezone
    >>> day = lambda d: datetime(2024, 1, d, tzinfo=timezone.utc)
    >>> groups = {"p": [
    ...     {"comment_id": "b", "parent_id": None, "published": day(2), "_order": 0},
    ...     {"comment_id": "a", "parent_id": None, "published": day(1), "_order": 1}]}
    >>> [r["comment_id"] for r in in_display_order(groups)]
    ['a', 'b']
    """
    def by_date_then_file_order(record: dict) -> tuple:
        published = record["published"]
        return (published is None, published.timestamp() if published else 0.0, record["_order"])

    rows: list[dict] = []
    for records in groups.values():
        rows.extend(order_as_displayed(records, sort_key=by_date_then_file_order))
    for row in rows:
        del row["_order"]
    return rows


def order_as_displayed(
    comments: list[dict], *, sort_key: Callable[[dict], object]
) -> list[dict]:
    """Return one post's comments in the order a reader sees them on the page.

    Top-level comments by ``sort_key`` (usually the date), each followed by its replies,
    depth first, replies again by ``sort_key``. A comment whose parent is not among
    ``comments`` counts as top level here (:meth:`Corpus.from_records` then flags it);
    comments caught in a parent cycle come last, in their given order.

    Parameters
    ----------
    comments
        Records of one post with ``comment_id`` and ``parent_id`` (``None`` = top level).
    sort_key
        The order among siblings.

    Returns
    -------
    list of dict
        The same records (not copies), every one of them, in display order.

    Examples
    --------
    >>> rows = [{"comment_id": "b", "parent_id": "a", "n": 2},
    ...         {"comment_id": "c", "parent_id": None, "n": 3},
    ...         {"comment_id": "a", "parent_id": None, "n": 1}]
    >>> [r["comment_id"] for r in order_as_displayed(rows, sort_key=lambda r: r["n"])]
    ['a', 'b', 'c']
    """
    order = display_order([row["comment_id"] for row in comments],
                          [row.get("parent_id") for row in comments],
                          [sort_key(row) for row in comments])
    return [comments[index] for index in order]


def display_order(ids: list, parents: list, keys: list) -> list[int]:
    """:func:`order_as_displayed` on columns: the places of one post's comments, in order.

    Parameters
    ----------
    ids, parents
        Each comment's id and its parent's id (``None`` = top level).
    keys
        Each comment's sort key among its siblings.

    Returns
    -------
    list of int
        Every place ``0 .. len(ids) - 1`` once (a repeated id: its first place only, as
        :func:`order_as_displayed` keeps it), in display order.

    Examples
    --------
    >>> display_order(["b", "c", "a"], ["a", None, None], [2, 3, 1])
    [2, 0, 1]
    """
    known = set(ids)
    children: dict = {}
    for index, (comment_id, parent) in enumerate(zip(ids, parents)):
        key = parent if parent in known and parent != comment_id else None
        children.setdefault(key, []).append(index)
    for places in children.values():
        places.sort(key=keys.__getitem__)
    ordered: list[int] = []
    seen: set = set()
    stack = list(reversed(children.get(None, [])))
    while stack:
        index = stack.pop()
        comment_id = ids[index]
        if comment_id in seen:
            continue
        seen.add(comment_id)
        ordered.append(index)
        stack.extend(reversed(children.get(comment_id, [])))
    ordered.extend(index for index, comment_id in enumerate(ids) if comment_id not in seen)
    return ordered


def rows_to_columns(rows: list[dict]) -> dict[str, list]:
    """Turn a reader's rows into columns (for :meth:`Corpus.from_columns`), emptying ``rows``.

    Columns come in the order their names first appear; a row without a column gets
    ``None`` there. ``rows`` is cleared, so that its dicts are freed as soon as possible.

    >>> rows = [{"a": 1, "b": "x"}, {"a": 2}]
    >>> rows_to_columns(rows), rows
    ({'a': [1, 2], 'b': ['x', None]}, [])
    """
    if not rows:
        return {}
    names = list(rows[0])
    width = len(names)
    if width > 1 and all(len(row) == width for row in rows):
        try:  # every row has the first row's columns (the usual case): one C-level pass
            values = list(map(operator.itemgetter(*names), rows))
        except KeyError:
            pass
        else:
            rows.clear()
            return {name: list(column) for name, column in zip(names, zip(*values))}
    names = dict.fromkeys(name for row in rows for name in row)
    columns = {name: [row.get(name) for row in rows] for name in names}
    rows.clear()
    return columns


class ColumnBuilder:
    """A table built a row at a time, held as columns; text columns go to Arrow in batches.

    A reader appends each record as it is read and frees it; the long text of the
    records moves to Arrow every few thousand rows, so the Python strings do not pile up
    beside the table that :meth:`Corpus.from_columns` builds from them.

    Parameters
    ----------
    text_columns
        The columns of text (``str`` or ``None``) to move to Arrow as they fill; a value
        of any other kind keeps that column as a list.

    Examples
    --------
    >>> table = ColumnBuilder(("text",))
    >>> table.append({"comment_id": "c1", "text": "Hi"})
    >>> table.append({"comment_id": "c2", "text": "Hello", "kind": "pingback"})
    >>> columns = table.columns()
    >>> columns["comment_id"], columns["kind"], columns["text"].tolist()
    (['c1', 'c2'], [None, 'pingback'], ['Hi', 'Hello'])
    """

    def __init__(self, text_columns: Iterable[str] = ()) -> None:
        self._columns: dict[str, list] = {}
        self._chunks: dict[str, list | None] = {name: [] for name in text_columns}
        self._rows = 0

    def __len__(self) -> int:
        return self._rows

    def append(self, row: Mapping) -> None:
        """Add one row (a column it lacks gets ``None``; a new column is filled back)."""
        columns = self._columns
        if row.keys() != columns.keys():
            for name in row:
                if name not in columns:
                    columns[name] = [None] * (self._rows - self._in_chunks(name))
            for name, values in columns.items():
                if name not in row:
                    values.append(None)
        for name, value in row.items():
            columns[name].append(value)
        self._rows += 1
        if self._rows % _TEXT_BATCH == 0:
            self._flush()

    def _in_chunks(self, name: str) -> int:
        return sum(len(chunk) for chunk in self._chunks.get(name) or ())

    def _flush(self) -> None:
        from msdiscourse.corpus import string_chunks

        for name, chunks in self._chunks.items():
            values = self._columns.get(name)
            if chunks is None or not values:
                continue
            converted = string_chunks(values)
            if converted is None:  # not all text: this column stays a list
                self._columns[name] = self._pending(name) + values
                self._chunks[name] = None
                continue
            chunks.extend(converted)
            values.clear()

    def _pending(self, name: str) -> list:
        """The values already moved to Arrow, back as a list (rare: see _flush)."""
        return [value for chunk in self._chunks[name] for value in chunk.to_pylist()]

    def columns(self) -> dict[str, list | pd.Series]:
        """The columns: lists, and ``string`` Series for the text columns moved to Arrow."""
        self._flush()
        out: dict[str, list | pd.Series] = dict(self._columns)
        for name, chunks in self._chunks.items():
            if chunks is None or name not in out:
                continue
            import pyarrow as pa

            out[name] = pd.Series(pd.arrays.ArrowStringArray(
                pa.chunked_array(chunks, type=pa.large_string())), copy=False)
        self._columns, self._chunks = {}, {}
        return out


#: rows between two moves of text to Arrow
_TEXT_BATCH = 4096


def string_columns(corpus, *, posts: Iterable[str] = (), comments: Iterable[str] = ()):
    """Return ``corpus`` with a reader's extra columns (``kind``, ``status`` ...) as ``string``.

    :meth:`Corpus.from_records` types only the contract columns; extras would stay
    ``object``, and be absent altogether from an empty table. Here they are always there.

    Parameters
    ----------
    corpus
        A corpus just built by a reader (not changed).
    posts, comments
        The extra column names of each table.

    Returns
    -------
    Corpus
        A new corpus whose extra columns exist and have dtype ``string``.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = string_columns(Corpus.from_records(posts=[{"post_id": "p"}]), comments=("kind",))
    >>> str(corpus.comments["kind"].dtype)
    'string'
    """

    def typed(frame, names):
        frame = frame.copy(deep=False)  # copy-on-write: the input is never changed
        for name in names:
            if name in frame and str(frame[name].dtype) == "string":  # not "str" (NaN)
                continue
            values = frame[name] if name in frame else None
            frame[name] = pd.Series(values, index=frame.index, dtype="object").astype("string")
        return frame

    return corpus.replace(posts=typed(corpus.posts, posts), comments=typed(corpus.comments, comments))


class _Utf8Reader:
    """Give lxml bytes from a text stream (``io.StringIO``): lxml only reads bytes."""

    def __init__(self, text_stream) -> None:
        self._stream = text_stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size if size and size > 0 else -1).encode("utf-8")


class _Reader:
    """Pass reads through to lxml, counting lines and keeping the first bytes.

    The line count tells a cut-off file (the error is on its last line) from a broken one;
    the first bytes let an error name the line of a DOCTYPE, which lxml does not.
    """

    def __init__(self, stream, head_limit: int = 0) -> None:
        self._stream = stream
        self._head_limit = head_limit
        self.head = bytearray()
        self.newlines = 0
        self._last_byte = b""

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if data:
            self.newlines += data.count(b"\n")
            self._last_byte = data[-1:]
            if len(self.head) < self._head_limit:
                self.head += data[: self._head_limit - len(self.head)]
        return data

    def at_end(self) -> bool:
        """True when the whole input has been read (call only once parsing stopped)."""
        return self._stream.read(1) in (b"", "")

    @property
    def last_line(self) -> int:
        """The number of the last line read so far."""
        return self.newlines + (0 if self._last_byte == b"\n" else 1)


class XmlStream:
    """One export file (or buffer), parsed safely: probe its root, then stream its records.

    Parameters
    ----------
    path_or_buffer
        A path (``str`` or ``os.PathLike``), or an open binary or text stream
        (``io.BytesIO``, ``io.StringIO``). A stream that cannot seek is read into memory
        first, because the root is probed before the records are streamed.
    default_stem
        The key for ids when the input has no file name (a buffer).
    format_label
        What the reader expects, for error messages ("a WordPress WXR export").

    Raises
    ------
    TypeError
        When ``path_or_buffer`` is neither a path nor a readable stream.

    Attributes
    ----------
    name : str
        The file as given (or the buffer's name): the ``source`` of every row and the
        file named in errors.
    stem : str
        The file name without its extension: the key of the ids made from this input.
    path : pathlib.Path or None
        The file, when a path was given.

    Examples
    --------
    >>> stream = XmlStream(io.BytesIO(b"<feed><entry>a</entry><entry>b</entry></feed>"),
    ...                    default_stem="demo", format_label="a demo feed")
    >>> stream.probe().name
    'feed'
    >>> [entry.text for entry in stream.records(("entry",), depth=1)]
    ['a', 'b']
    """

    def __init__(self, path_or_buffer, *, default_stem: str, format_label: str) -> None:
        self.format_label = format_label
        self.path: Path | None = None
        self._buffer = None
        self._start = 0
        if isinstance(path_or_buffer, (str, os.PathLike)):
            check_path_string(path_or_buffer, reader=f"the {format_label} reader")
            self.path = Path(path_or_buffer)
            self.name = str(path_or_buffer)
            self.stem = self.path.stem or default_stem
            return
        if not hasattr(path_or_buffer, "read"):
            raise TypeError(
                f"expected a path or an open file, got {type(path_or_buffer).__name__}"
                " (a document in memory goes in io.StringIO or io.BytesIO)"
            )
        buffer_name = getattr(path_or_buffer, "name", None)
        self.name = str(buffer_name) if isinstance(buffer_name, (str, os.PathLike)) else f"<{default_stem}>"
        self.stem = Path(str(buffer_name)).stem if isinstance(buffer_name, (str, os.PathLike)) else default_stem
        seekable = getattr(path_or_buffer, "seekable", lambda: False)()
        if seekable:
            self._buffer = path_or_buffer
            self._start = path_or_buffer.tell()
        else:
            data = path_or_buffer.read()
            self._buffer = io.StringIO(data) if isinstance(data, str) else io.BytesIO(data)

    # -- opening ------------------------------------------------------------------------
    @contextmanager
    def _open(self) -> Iterator[tuple[object, str | None]]:
        """Yield ``(binary_reader, encoding_override)`` positioned at the start."""
        if self.path is not None:
            if not self.path.is_file():
                raise FileNotFoundError(f"{self.name}: no such file")
            with open(self.path, "rb") as handle:
                yield handle, None
            return
        self._buffer.seek(self._start)
        if isinstance(self._buffer.read(0), str):
            # the text is already decoded: whatever encoding its declaration names
            yield _Utf8Reader(self._buffer), "utf-8"
        else:
            yield self._buffer, None

    # -- errors ------------------------------------------------------------------------
    def error(self, line: int | None, *, expected: str, found: str) -> ParseError:
        """Build the ParseError for this input (no remedy: the file cannot be read)."""
        return ParseError(self.name, line, expected=expected, found=found, remedy=None)

    def _syntax_error(self, error: etree.XMLSyntaxError, parser, reader: _Reader) -> ParseError:
        """Describe a libxml2 error: the parser's line, and in words what it means."""
        entries = [
            entry for entry in parser.error_log
            if entry.level >= etree.ErrorLevels.ERROR
            and not _is_namespace_error(entry)
        ]
        if entries:
            line, message, kind = entries[0].line, entries[0].message, entries[0].type_name
        else:
            line, message, kind = error.lineno, _LINE_COLUMN_SUFFIX.sub("", error.msg or ""), ""
        message = message.strip()
        # an error on the last line of a file read to its end: most likely a file cut short
        cut_short = bool(line) and reader.at_end() and line >= reader.last_line
        if kind == "ERR_DOCUMENT_EMPTY":
            found = f"text that is not XML ({message})"
        elif kind == "ERR_UNDECLARED_ENTITY":
            found = (f"an entity XML does not define ({message}): HTML entities such as &nbsp; "
                     "must sit inside CDATA or be written as character references (&#160;)")
        elif message.startswith("Premature end of data"):
            found = f"the end of the file inside an open element ({message}): the file is truncated"
        elif kind == "ERR_RESOURCE_LIMIT" or "huge" in message.lower():
            found = (f"a text node over libxml2's 10 MB limit ({message}); "
                     "refused so that memory stays bounded")
        elif cut_short:
            found = f"malformed XML on the last line ({message}): is the file truncated?"
        else:
            found = f"malformed XML ({message})"
        return self.error(line or None, expected=f"well-formed XML for {self.format_label}",
                          found=found)

    def _entities_error(self, entities: list[str], head, fallback_line: int | None) -> ParseError:
        """The refusal of a DOCTYPE that declares ``entities``, at the line of the first one."""
        shown = ", ".join(entities[:5]) + (" ..." if len(entities) > 5 else "")
        return self.error(
            _line_of(head, b"<!ENTITY") or fallback_line,
            expected=f"{self.format_label} without entity declarations "
                     "(entities are never expanded, for safety)",
            found=f"a DOCTYPE declaring {len(entities)} "
                  f"entit{'y' if len(entities) == 1 else 'ies'} ({shown})",
        )

    # -- reading ----------------------------------------------------------------------
    def probe(self) -> RootInfo:
        """Read up to the root start tag; refuse entity declarations and external DTDs.

        Returns
        -------
        RootInfo

        Raises
        ------
        ParseError
            When the input is not XML, or its DOCTYPE declares entities or names an
            external DTD.
        """
        with self._open() as (handle, encoding):
            recorder = _Reader(handle, _PROBE_RECORD_BYTES)
            parser = etree.iterparse(recorder, events=("start",), encoding=encoding,
                                     **SAFE_PARSER_OPTIONS)
            try:
                _, root = next(iter(parser))
            except (StopIteration, etree.XMLSyntaxError) as error:
                if not bytes(recorder.head).strip():
                    raise self.error(None, expected=self.format_label,
                                     found="an empty file") from None
                if isinstance(error, StopIteration):  # pragma: no cover - lxml raises instead
                    raise self.error(None, expected=self.format_label,
                                     found="no element at all") from None
                # Some lxml releases (6.2) let libxml2 refuse the content's entity references
                # ("amplification factor exceeded") before the root's start event, so a bomb
                # would be described as an oversized text node. Its DOCTYPE, read on its own,
                # is the real reason and is what the user should be told.
                declared = _entities_declared_in_prolog(bytes(recorder.head), encoding)
                if declared:
                    raise self._entities_error(declared, recorder.head, None) from None
                raise self._syntax_error(error, parser, recorder) from None
            docinfo = root.getroottree().docinfo
            entities = _declared_entities(docinfo)
            if entities:
                raise self._entities_error(entities, recorder.head, root.sourceline)
            if docinfo.system_url or docinfo.public_id:
                raise self.error(
                    _line_of(recorder.head, b"<!DOCTYPE") or root.sourceline,
                    expected=f"{self.format_label} that refers to no external DTD "
                             "(nothing is loaded from outside the file)",
                    found=f"a DOCTYPE pointing to {docinfo.system_url or docinfo.public_id!r}",
                )
            return RootInfo(tag=root.tag, line=root.sourceline, nsmap=dict(root.nsmap))

    def records(self, tags: Iterable[str], *, depth: int) -> Iterator:
        """Yield the elements with one of ``tags`` at ``depth`` (root = 0), then free them.

        Each element is complete (all its children parsed) when yielded. Once the caller
        asks for the next one, it is cleared and removed with all earlier siblings, so the
        tree never holds more than one record.

        Parameters
        ----------
        tags
            Tags in Clark notation; ``{*}name`` matches any namespace.
        depth
            How deep the records sit (``<feed><entry>``: 1; ``<rss><channel><item>``: 2).
            Matching elements at other depths (a Disqus ``<thread dsq:id>`` inside a
            ``<post>``) are left to the record that holds them.

        Raises
        ------
        ParseError
            When the XML breaks anywhere (truncation, bad tags, oversized text).
        """
        with self._open() as (handle, encoding):
            reader = _Reader(handle)
            parser = etree.iterparse(reader, events=("end",), tag=tuple(tags),
                                     encoding=encoding, **SAFE_PARSER_OPTIONS)
            events = iter(parser)
            while True:
                try:
                    _, element = next(events)
                except StopIteration:
                    return
                except etree.XMLSyntaxError as error:
                    # libxml2 reports namespace problems (Blogger's undeclared app:, a
                    # non-ASCII namespace URI) as errors, and lxml raises them only once the
                    # whole input was parsed: tolerate those, after checking that the input
                    # really was read to its end.
                    if self._only_namespace_errors(parser) and reader.at_end():
                        return
                    raise self._syntax_error(error, parser, reader) from None
                if _depth(element) != depth:
                    continue
                yield element
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]

    @staticmethod
    def _only_namespace_errors(parser) -> bool:
        errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
        return bool(errors) and all(_is_namespace_error(e) for e in errors)


def _is_namespace_error(entry) -> bool:
    return entry.type_name.startswith(_NAMESPACE_ERROR_PREFIXES)


def _depth(element) -> int:
    depth = 0
    parent = element.getparent()
    while parent is not None:
        depth += 1
        parent = parent.getparent()
    return depth


def _line_of(head: bytes, needle: bytes) -> int | None:
    """1-based line of the first ``needle`` in the recorded head, or None."""
    at = bytes(head).find(needle)
    return None if at < 0 else bytes(head).count(b"\n", 0, at) + 1


#: a DOCTYPE with an internal subset, up to its closing ``]>`` (ASCII-compatible encodings)
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE\b[^\[>]*\[.*?\]\s*>", re.DOTALL)


def _entities_declared_in_prolog(head: bytes, encoding: str | None) -> list[str]:
    """Names of the entities the DOCTYPE in ``head`` declares, read without the content.

    The prolog up to the end of the internal subset is parsed with the same safe options,
    followed by an empty root, so nothing is referenced and nothing expanded. Returns an
    empty list when there is no internal subset or it does not parse on its own (the
    caller then reports the original syntax error, which refuses the file all the same).

    >>> _entities_declared_in_prolog(b'<!DOCTYPE d [<!ENTITY a "x"><!ENTITY b "&a;">]><d>&b;</d>', None)
    ['a', 'b']
    """
    # one attempt, at the first DOCTYPE (a document has at most one): a search from every
    # "<!DOCTYPE" of a hostile head would scan the rest of it from each
    start = head.find(b"<!DOCTYPE")
    subset = _INTERNAL_SUBSET.match(head, start) if start >= 0 else None
    if subset is None:
        return []
    parser = etree.XMLParser(encoding=encoding, **SAFE_PARSER_OPTIONS)
    try:
        root = etree.fromstring(head[:subset.end()] + b"<prolog-only/>", parser)
    except etree.XMLSyntaxError:
        return []
    return _declared_entities(root.getroottree().docinfo)


def _declared_entities(docinfo) -> list[str]:
    """The names of the entities a parsed document's internal DTD declares, in order."""
    dtd = docinfo.internalDTD
    return [entity.name for entity in dtd.iterentities()] if dtd is not None else []
