"""Read Reddit: Pushshift/Arctic-Shift monthly dumps and Reddit's own thread JSON.

Researchers study Reddit from the monthly dumps: one JSON object per line, submissions in
``RS_YYYY-MM`` files and comments in ``RC_YYYY-MM`` files, usually zstandard-compressed with
a long window (the files need a 2 GiB decompression window). :func:`read_reddit` reads those
(``.zst``, ``.gz``, ``.bz2``, ``.xz`` or plain NDJSON, told apart by their first bytes, not
their names) and the two-listing JSON that Reddit serves for one thread
(``https://www.reddit.com/r/.../comments/ID/.json``).

Files are streamed line by line; only the rows kept are held in memory. Because dumps are
monthly, a reply often sits in a later file than its post: every file passed in one call is
read before the threads are built, so comments are joined to their posts and parents by id
across all of them.

Ids are Reddit's own full names: a post is ``t3_<id>``, a comment ``t1_<id>``, so
``link_id`` is the comment's ``post_id`` and ``parent_id`` names its parent directly.
Deleted and removed material is kept, never dropped: a ``[deleted]`` author becomes a
missing author, a ``[removed]`` or ``[deleted]`` text becomes missing text, and the row's
``flags`` say which (``author_deleted``, ``text_removed``, ``text_deleted``).
"""

from __future__ import annotations

import bz2
import gzip
import html
import io
import json
import lzma
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pandas as pd

from msdiscourse.corpus import Corpus
from msdiscourse.errors import ErrorPolicy, check_on_error
from msdiscourse.schema import DATETIME

__all__ = [
    "REDDIT_COMMENT_EXTRAS",
    "REDDIT_POST_EXTRAS",
    "assemble_reddit",
    "is_reddit_file",
    "parse_reddit_file",
    "read_reddit",
]

#: columns a Reddit post carries after the corpus contract ones
REDDIT_POST_EXTRAS: tuple[str, ...] = (
    "subreddit", "link_flair_text", "author_flair_text", "score", "url", "flags")
#: columns a Reddit comment carries after the corpus contract ones
REDDIT_COMMENT_EXTRAS: tuple[str, ...] = ("subreddit", "author_flair_text", "score", "source")

#: zstandard frames in the dumps are written with windows up to 2 GiB
ZSTD_MAX_WINDOW = 2**31

_MAGIC = {
    b"\x28\xb5\x2f\xfd": "zst",
    b"\x1f\x8b": "gz",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
}
_DUMP_NAME = re.compile(r"^R[SC]_\d{4}", re.IGNORECASE)
_LISTING_HEAD = re.compile(rb'^\s*\[\s*\{\s*"kind"\s*:\s*"Listing"')
_OBJECT_HEAD = re.compile(rb'^\s*\{')
_REDDIT_KEY = re.compile(rb'"(subreddit|link_id|selftext)"\s*:')
_DELETED = {"[deleted]", "[removed]"}
_SNIFF_BYTES = 8192
_RAW_ORDER = ("_file", "_line")


# -- opening ------------------------------------------------------------------------------
def _compression(head: bytes) -> str | None:
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    return None


@contextmanager
def _open_binary(source) -> Iterator[IO[bytes]]:
    """A binary stream of the decompressed content of a path or a buffer."""
    if isinstance(source, (str, Path)):
        raw = open(source, "rb")
    elif isinstance(source, io.TextIOBase):
        raw = io.BytesIO(source.read().encode("utf-8"))
    else:
        raw = source
    try:
        head = raw.peek(8)[:8] if hasattr(raw, "peek") else raw.read(8)
        if not hasattr(raw, "peek"):
            raw.seek(0)
        kind = _compression(head)
        if kind == "zst":
            try:
                import zstandard
            except ImportError:  # pragma: no cover - the [reddit] extra is missing
                raise ImportError(f"{_source_name(source)}: reading a zstandard (.zst) dump "
                                  f"needs the zstandard package: pip install "
                                  f"'msdiscourse[reddit]'") from None

            stream: IO[bytes] = io.BufferedReader(_ZstdRaw(raw, zstandard), buffer_size=1 << 20)
        elif kind == "gz":
            stream = gzip.GzipFile(fileobj=raw)
        elif kind == "bz2":
            stream = bz2.BZ2File(raw)
        elif kind == "xz":
            stream = lzma.LZMAFile(raw)
        else:
            stream = raw
        yield stream
    finally:
        if isinstance(source, (str, Path)):
            raw.close()


class _ZstdRaw(io.RawIOBase):
    """Decompress zstandard frames one after another; a stream cut short is an error.

    (``zstandard``'s own stream reader returns a truncated file's bytes as if it were
    complete, which would turn a damaged download into a quietly shorter corpus.)
    """

    def __init__(self, raw: IO[bytes], zstandard) -> None:
        self._raw = raw
        self._make = lambda: zstandard.ZstdDecompressor(
            max_window_size=ZSTD_MAX_WINDOW).decompressobj()
        self._decompressor = self._make()
        self._pending = memoryview(b"")
        self._started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not len(self._pending):
            chunk = self._raw.read(1 << 20)
            if not chunk:
                if self._started and not self._decompressor.eof:
                    raise EOFError("the compressed stream ended inside a zstandard frame")
                return 0
            parts = []
            while chunk:
                if self._decompressor.eof:  # the next frame of a multi-frame file
                    self._decompressor = self._make()
                self._started = True
                parts.append(self._decompressor.decompress(chunk))
                chunk = self._decompressor.unused_data if self._decompressor.eof else b""
            self._pending = memoryview(b"".join(parts))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _head(source, size: int = _SNIFF_BYTES) -> bytes:
    try:
        with _open_binary(source) as stream:
            return stream.read(size)
    except (OSError, EOFError, lzma.LZMAError, ValueError):
        return b""
    except Exception as error:  # zstandard.ZstdError and the like: not readable, not ours
        if type(error).__module__.startswith("zstandard"):
            return b""
        raise


def is_reddit_file(path: str | Path) -> bool:
    """True when ``path`` holds a Reddit dump (NDJSON, maybe compressed) or thread JSON.

    A file named ``RS_...``/``RC_...`` counts by name; any other file counts when its
    (decompressed) first bytes are a Reddit listing or a JSON object with Reddit's keys
    (``subreddit``, ``link_id``, ``selftext``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> dump = pathlib.Path(tempfile.mkdtemp()) / "march.ndjson"
    >>> _ = dump.write_text('{"id": "a1", "subreddit": "MultipleSclerosis", "title": "Hi"}\\n')
    >>> is_reddit_file(dump)
    True
    """
    path = Path(path)
    if not path.is_file():
        return False
    if _DUMP_NAME.match(path.name):
        return True
    head = _head(path)
    if _LISTING_HEAD.match(head):
        return True
    return bool(_OBJECT_HEAD.match(head) and _REDDIT_KEY.search(head))


def _source_name(source) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    return str(getattr(source, "name", "<buffer>"))


# -- one record ---------------------------------------------------------------------------
def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return html.unescape(str(value))


def _created(value):
    if value is None or value == "":
        return None
    return pd.Timestamp(int(float(value)), unit="s", tz="UTC")


def _author(value, flags: list[str]) -> str | None:
    if value in _DELETED:
        flags.append("author_deleted")
        return None
    return None if value in (None, "") else str(value)


def _body(value, flags: list[str], what: str) -> str | None:
    if value in _DELETED:
        flags.append(f"{what}_{str(value).strip('[]')}")
        return None
    return _text(value)


def _full_name(prefix: str, value) -> str:
    value = str(value)
    return value if value.startswith(("t1_", "t3_")) else f"{prefix}{value}"


class _Rows:
    """Rows of one file, with the position of each (file index, line)."""

    def __init__(self, source: str, file_index: int, policy: ErrorPolicy,
                 subreddits: frozenset[str] | None,
                 batch: tuple[int, Callable[[pd.DataFrame, pd.DataFrame], None]] | None = None
                 ) -> None:
        self.source = source
        self.file_index = file_index
        self.policy = policy
        self.subreddits = subreddits
        self.posts: list[dict] = []
        self.comments: list[dict] = []
        self.kept = 0  # rows kept so far, in earlier batches too
        self._batch = batch
        self._batch_bytes = 0

    def _keep(self, raw: str) -> None:
        self.kept += 1
        if self._batch is not None:
            self._batch_bytes += len(raw) + 1
            if self._batch_bytes >= self._batch[0]:
                self.hand_over()

    def hand_over(self) -> None:
        """Hand the rows kept since the last batch to the batch's receiver (if any)."""
        if self._batch is not None and (self.posts or self.comments):
            self._batch[1](_raw_posts(self.posts), _raw_comments(self.comments))
            self.posts, self.comments = [], []
        self._batch_bytes = 0

    def add(self, record: dict, line: int | None, raw: str, kind: str | None = None) -> None:
        if not isinstance(record, dict):
            self.policy.unplaced(line, line, raw, reason="not_an_object",
                                 expected="a JSON object (one submission or comment)",
                                 found=f"a JSON {type(record).__name__}")
            return
        if kind is None:
            kind = "t1" if "link_id" in record else "t3" if "title" in record else None
        if kind not in ("t1", "t3") or not record.get("id"):
            keys = ", ".join(sorted(record)[:6]) or "no keys"
            self.policy.unplaced(line, line, raw, reason="not_a_reddit_record",
                                 expected="a submission (id, title) or a comment "
                                          "(id, link_id, body)",
                                 found=f"an object with keys {keys}")
            return
        subreddit = record.get("subreddit")
        if self.subreddits is not None and str(subreddit or "").casefold() not in self.subreddits:
            return
        try:
            published = _created(record.get("created_utc"))
        except (TypeError, ValueError, OverflowError):
            self.policy.unplaced(line, line, raw, reason="bad_created_utc",
                                 expected="created_utc as seconds since 1970",
                                 found=repr(record.get("created_utc"))[:60])
            return
        flags: list[str] = []
        author = _author(record.get("author"), flags)
        common = {"source": self.source, "line_start": line, "line_end": line,
                  "published": published, "subreddit": subreddit,
                  "author_flair_text": _text(record.get("author_flair_text")),
                  "score": record.get("score"), "_file": self.file_index,
                  "_line": line if line is not None else self.kept}
        if kind == "t3":
            body = _body(record.get("selftext"), flags, "text")
            self.posts.append({
                "post_id": _full_name("t3_", record["id"]), "source_format": "reddit",
                "title": _text(record.get("title")), "author": author, "body": body,
                "link_flair_text": _text(record.get("link_flair_text")),
                "url": record.get("url") if not record.get("is_self", True) else None,
                "flags": ";".join(flags), **common})
            self._keep(raw)
            return
        link_id = record.get("link_id")
        if not link_id:
            self.policy.unplaced(line, line, raw, reason="no_link_id",
                                 expected="a comment's link_id (t3_...)", found="none")
            return
        parent = record.get("parent_id")
        parent = str(parent) if parent else None
        body = _body(record.get("body"), flags, "text")
        self.comments.append({
            "comment_id": _full_name("t1_", record["id"]),
            "post_id": _full_name("t3_", link_id),
            "parent_id": parent if parent and parent.startswith("t1_") else None,
            "author": author, "text": body, "flags": ";".join(flags), **common})
        self._keep(raw)


def _read_ndjson(stream: IO[bytes], rows: _Rows) -> None:
    # with a subreddit filter, a line that does not even contain a wanted name in quotes is
    # skipped before JSON parsing: most of a full monthly dump, at a fraction of the cost
    needles = (tuple(f'"{name}"'.encode() for name in rows.subreddits)
               if rows.subreddits is not None else None)
    line = 0
    try:
        for line, raw_bytes in enumerate(stream, 1):
            if needles is not None:
                lowered = raw_bytes.lower()
                if not any(needle in lowered for needle in needles):
                    continue
            if not raw_bytes.strip():
                continue
            try:
                raw = raw_bytes.decode("utf-8")
            except UnicodeDecodeError as error:
                rows.policy.unplaced(line, line, raw_bytes.decode("utf-8", "replace"),
                                     reason="not_utf8", expected="UTF-8 text",
                                     found=f"byte {raw_bytes[error.start]:#04x} at column "
                                           f"{error.start + 1}")
                continue
            raw = raw.rstrip("\r\n")
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as error:
                rows.policy.unplaced(line, line, raw, reason="invalid_json",
                                     expected="one JSON object per line",
                                     found=f"{error.msg} (column {error.colno})")
                continue
            rows.add(record, line, raw)
    except (OSError, EOFError, lzma.LZMAError) as error:
        _truncated(rows, line + 1, error)
    except Exception as error:
        if not type(error).__module__.startswith("zstandard"):
            raise
        _truncated(rows, line + 1, error)


def _truncated(rows: _Rows, line: int, error: Exception) -> None:
    rows.policy.unplaced(line, line, "", reason="corrupt_compressed_stream",
                         expected="a complete compressed stream",
                         found=f"{type(error).__name__}: {error}")


def _walk_listing(node, rows: _Rows, path: str) -> None:
    """Add the posts and comments of a listing (recursing into replies)."""
    if not isinstance(node, dict) or node.get("kind") != "Listing":
        rows.policy.unplaced(None, None, json.dumps(node)[:200], reason="not_a_listing",
                             expected=f"a Listing at {path}",
                             found=f"{type(node).__name__} {str(node)[:40]!r}")
        return
    for i, child in enumerate((node.get("data") or {}).get("children") or []):
        kind = child.get("kind") if isinstance(child, dict) else None
        data = child.get("data") if isinstance(child, dict) else None
        if kind == "more":
            ids = ", ".join((data or {}).get("children") or [])
            rows.policy.note(None, None, ids, reason="more_comments_not_loaded")
            continue
        if kind not in ("t1", "t3") or not isinstance(data, dict):
            rows.policy.unplaced(None, None, json.dumps(child)[:200], reason="not_a_reddit_record",
                                 expected=f"a t1 or t3 thing at {path}[{i}]",
                                 found=f"kind {kind!r}")
            continue
        rows.add(data, None, "", kind=kind)
        replies = data.get("replies")
        if isinstance(replies, dict):
            _walk_listing(replies, rows, f"{path}[{i}].replies")


def _read_listing(stream: IO[bytes], rows: _Rows) -> None:
    raw = stream.read().decode("utf-8", errors="replace")
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        rows.policy.fatal(error.lineno, expected="Reddit's thread JSON (a list of two Listings)",
                          found=f"{error.msg} (column {error.colno})")
    if not isinstance(document, list):
        rows.policy.fatal(1, expected="Reddit's thread JSON (a list of two Listings)",
                          found=f"a JSON {type(document).__name__}")
    for i, listing in enumerate(document):
        _walk_listing(listing, rows, f"[{i}]")


# -- one file, then all files ----------------------------------------------------------------
def parse_reddit_file(source, *, file_index: int = 0, subreddits: Iterable[str] | None = None,
                      on_error: str = "raise",
                      batches: tuple[int, Callable[[pd.DataFrame, pd.DataFrame], None]]
                      | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Read one dump or thread file into raw post and comment rows (no threading yet).

    The building block of :func:`read_reddit` and of the Dask reader, which parses files in
    parallel and threads each post's comments after gathering them by post.

    ``batches``, a pair ``(size, receiver)``, hands the rows over as they are read instead:
    ``receiver(posts, comments)`` gets the raw rows kept since the last batch each time
    the lines kept add up to ``size`` bytes, and once more at the end (never two empty
    frames), so that a file of any size is parsed in a bounded memory. The two frames
    returned are then empty.

    Returns
    -------
    (posts, comments, unparsed)
        Two frames of raw rows (with ``_file`` and ``_line`` giving their place) and the
        unparsed rows as dicts.

    Examples
    --------
    >>> import io, json
    >>> line = json.dumps({"id": "c1", "link_id": "t3_p1", "parent_id": "t3_p1",
    ...                    "body": "same here", "author": "a", "created_utc": 0})
    >>> dump = io.BytesIO(((line + "\\n") * 3).encode())
    >>> sizes = []
    >>> _ = parse_reddit_file(dump, batches=(2 * len(line), lambda posts, comments:
    ...                                      sizes.append(len(comments))))
    >>> sizes
    [2, 1]
    """
    check_on_error(on_error)
    name = _source_name(source)
    wanted = frozenset(s.casefold() for s in subreddits) if subreddits is not None else None
    policy = ErrorPolicy(name, on_error=on_error)
    rows = _Rows(name, file_index, policy, wanted, batch=batches)
    with _open_binary(source) as stream:
        if hasattr(stream, "peek"):
            head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
        else:
            head = stream.read(_SNIFF_BYTES)
            stream.seek(0)
        if _LISTING_HEAD.match(head):
            _read_listing(stream, rows)
        else:
            _read_ndjson(stream, rows)
    rows.hand_over()
    return _raw_posts(rows.posts), _raw_comments(rows.comments), policy.rows


_RAW_POST_COLUMNS = ("post_id", "source", "source_format", "title", "author", "published",
                     "body", "line_start", "line_end", *REDDIT_POST_EXTRAS, *_RAW_ORDER)
_RAW_COMMENT_COLUMNS = ("comment_id", "post_id", "parent_id", "author", "text", "line_start",
                        "line_end", "published", "flags", *REDDIT_COMMENT_EXTRAS, *_RAW_ORDER)


def _raw_frame(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    types = {c: "string" for c in columns if c not in ("published", "score", "line_start",
                                                       "line_end", *_RAW_ORDER)}
    types.update({"score": "Int64", "line_start": "Int64", "line_end": "Int64",
                  "_file": "int64", "_line": "int64"})
    frame = frame.astype(types)
    # the contract's unit whatever the rows: pandas infers seconds for an empty or all-missing
    # column and microseconds for one of timestamps, and the Dask engine's empty frame must
    # describe every file's table (a piece of a shuffle that differs from it is rebuilt alone)
    frame["published"] = pd.to_datetime(frame["published"], utc=True).astype(DATETIME)
    return frame


def _raw_posts(rows: list[dict]) -> pd.DataFrame:
    return _raw_frame(rows, _RAW_POST_COLUMNS)


def _raw_comments(rows: list[dict]) -> pd.DataFrame:
    return _raw_frame(rows, _RAW_COMMENT_COLUMNS)


def _first_records(raw: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Raw rows with each id kept once: from the first file and line that has it.

    Overlapping dumps (a month downloaded from two archives) repeat records; this is the
    one rule for which copy stays, in :func:`assemble_reddit` and wherever its counts are
    taken from raw rows (the Dask engine's ``n_comments``).
    """
    return raw.sort_values(list(_RAW_ORDER), kind="stable").drop_duplicates(id_column)


def assemble_reddit(posts: pd.DataFrame, comments: pd.DataFrame,
                    unparsed: Iterable[dict] = ()) -> Corpus:
    """Build the corpus from raw rows of any number of files: order, join, thread.

    Posts are ordered by ``post_id``, comments by post, then time, then id, whatever file
    they came from, so the same records give the same corpus in any file order (and the
    Dask engine, which calls this once per partition of posts, gives the same rows). A record
    seen twice (overlapping dumps) is kept once, from the first file and line. A comment whose
    post is in none of the files keeps its ``post_id`` and is flagged ``missing_post``; a
    reply whose parent is missing becomes top level, flagged ``missing_parent``.
    """
    posts = _first_records(posts, "post_id")
    comments = _first_records(comments, "comment_id")
    posts = posts.sort_values("post_id", kind="stable")
    comments = comments.sort_values(["post_id", "published", "comment_id"], kind="stable",
                                    na_position="last")
    orphan = ~comments["post_id"].isin(set(posts["post_id"]))
    if orphan.any():
        flags = comments["flags"].fillna("")
        comments = comments.assign(flags=flags.where(~orphan, (flags + ";missing_post").str.lstrip(";")))
    posts = posts.drop(columns=list(_RAW_ORDER)).assign(tags=[[] for _ in range(len(posts))])
    comments = comments.drop(columns=list(_RAW_ORDER))
    corpus = Corpus.from_records(
        posts=posts.astype(object).where(posts.notna(), None).to_dict("records"),
        comments=comments.astype(object).where(comments.notna(), None).to_dict("records"),
        unparsed=list(unparsed))
    extras = {"score": "Int64"}
    post_types = {c: extras.get(c, "string") for c in REDDIT_POST_EXTRAS}
    comment_types = {c: extras.get(c, "string") for c in REDDIT_COMMENT_EXTRAS}
    return corpus.replace(posts=_with_extras(corpus.posts, post_types),
                          comments=_with_extras(corpus.comments, comment_types))


def _with_extras(frame: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """The Reddit columns in their dtypes, present even when there are no rows."""
    missing = {c: pd.Series(pd.NA, index=frame.index, dtype=t)
               for c, t in types.items() if c not in frame.columns}  # schema-ok: Reddit's extra columns
    return frame.assign(**missing).astype(types)


def _expand(paths) -> list:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    elif not isinstance(paths, (list, tuple)):
        return [paths]  # one buffer
    sources: list = []
    for path in paths:
        if isinstance(path, (str, Path)) and Path(path).is_dir():
            found = sorted(p for p in Path(path).rglob("*") if is_reddit_file(p))
            if not found:
                raise FileNotFoundError(f"{path}: expected Reddit dumps (RS_*/RC_* or NDJSON); "
                                        f"found none")
            sources.extend(found)
        elif isinstance(path, (str, Path)) and not Path(path).exists():
            raise FileNotFoundError(f"{path}: no such file")
        else:
            sources.append(path)
    return sources


def read_reddit(paths, *, subreddits: Iterable[str] | None = None,
                on_error: str = "raise") -> Corpus:
    """Read Reddit dumps or thread JSON into one corpus, joining replies across files.

    Parameters
    ----------
    paths
        A file, a folder (every Reddit file below it), a list of them, or one buffer
        (``io.BytesIO``/``io.StringIO``). Submissions (``RS_*``) and comments (``RC_*``) of
        different months go in one call, so replies that arrive months later find their post.
        Compression is told from the first bytes: zstandard (2 GiB window), gzip, bzip2, xz
        or none.
    subreddits
        Keep only these subreddits (case ignored); default all. Lines of a dump that do not
        mention one of them in quotes are skipped unparsed (and so unchecked), which makes
        filtering a full monthly dump several times faster.
    on_error
        ``"raise"``, ``"warn"`` or ``"collect"``: what to do with a line that is not a
        submission or comment (invalid JSON, not UTF-8, missing ids, a truncated stream).
        Under ``"warn"``/``"collect"`` it becomes an ``unparsed`` row with its file and line.

    Returns
    -------
    Corpus
        Posts (``post_id`` ``t3_...``, ``title``, ``body`` from ``selftext``, ``author``,
        ``published`` from ``created_utc``, then ``subreddit``, ``link_flair_text``,
        ``author_flair_text``, ``score``, ``url``, ``flags``) and comments (``comment_id``
        ``t1_...``, ``post_id`` from ``link_id``, ``parent_id`` for replies to a comment, then
        ``subreddit``, ``author_flair_text``, ``score``). ``line_start`` is the line in the
        dump (missing for thread JSON).

    Raises
    ------
    ParseError
        Under ``on_error="raise"``, for the first bad line, naming file and line.
    FileNotFoundError
        When a path does not exist.

    Examples
    --------
    >>> import io
    >>> dump = io.StringIO(
    ...     '{"id": "abc", "subreddit": "MultipleSclerosis", "title": "Fatigue tips?", '
    ...     '"selftext": "What helps you?", "author": "river_m", "created_utc": 1700000000}\\n'
    ...     '{"id": "k1", "link_id": "t3_abc", "parent_id": "t3_abc", "body": "Naps.", '
    ...     '"author": "[deleted]", "subreddit": "MultipleSclerosis", "created_utc": 1700000100}\\n'
    ...     '{"id": "k2", "link_id": "t3_abc", "parent_id": "t1_k1", "body": "Same &amp; more.", '
    ...     '"author": "oak", "author_flair_text": "RRMS 2015", "subreddit": "MultipleSclerosis", '
    ...     '"created_utc": 1700000200}\\n')
    >>> corpus = read_reddit(dump)
    >>> corpus.comments[["comment_id", "parent_id", "depth", "author", "flags", "text"]]
      comment_id parent_id  depth author           flags          text
    0      t1_k1      <NA>      0   <NA>  author_deleted         Naps.
    1      t1_k2     t1_k1      1    oak                  Same & more.
    >>> corpus.comments["author_flair_text"].tolist()
    [<NA>, 'RRMS 2015']
    """
    check_on_error(on_error)
    sources = _expand(paths)
    posts, comments, unparsed = [], [], []
    for index, source in enumerate(sources):
        p, c, u = parse_reddit_file(source, file_index=index, subreddits=subreddits,
                                    on_error=on_error)
        posts.append(p)
        comments.append(c)
        unparsed.extend(u)
    return assemble_reddit(_concat(posts, _raw_posts), _concat(comments, _raw_comments), unparsed)


def _concat(frames: list[pd.DataFrame], empty) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty([])

