"""The corpus model: posts, comments, unparsed text and page furniture as pandas tables.

Every reader returns a :class:`Corpus`. Its tables have fixed, documented columns (the
contract other modules and outside code rely on) with pandas nullable dtypes; readers may
add columns of their own (``kind``, ``status``, ``flags`` ...) after the contract ones.

Readers build a corpus from plain records with :meth:`Corpus.from_records`, which fills
``thread_id``, ``depth``, ``position`` and ``n_comments`` from the parent links, repairs
what can be repaired (a reply whose parent is missing becomes top level, a cycle is cut)
and flags each repair in the ``flags`` column, so nothing is silently rewritten.

Examples
--------
>>> corpus = Corpus.from_records(
...     posts=[{"post_id": "p1", "source": "demo", "source_format": "records",
...             "title": "Hello", "body": "A post."}],
...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "First!"},
...               {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1",
...                "text": "Reply."}])
>>> corpus.comments[["comment_id", "parent_id", "thread_id", "depth", "position"]]
  comment_id parent_id thread_id  depth  position
0      p1.c1      <NA>     p1.c1      0         1
1      p1.c2     p1.c1     p1.c1      1         2
>>> int(corpus.posts.loc[0, "n_comments"])
2
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from msdiscourse.errors import ParseError
from msdiscourse.schema import (
    COMMENTS,
    DATETIME,
    FURNITURE,
    INT,
    LIST,
    POSTS,
    STRING,  # also re-exported: msdiscourse.corpus.STRING
    UNPARSED,
    SchemaError,
    validate,
)

__all__ = [
    "Corpus",
    "POST_COLUMNS",
    "COMMENT_COLUMNS",
    "UNPARSED_COLUMNS",
    "FURNITURE_COLUMNS",
    "load_processed",
    "make_comment_id",
    "make_post_id",
    "empty_frame",
    "coerce_frame",
]

#: version of the processed-folder layout; 2: the manifest carries a checksum per table
SCHEMA_VERSION = 2

#: the corpus tables' columns (name -> dtype), declared in :mod:`msdiscourse.schema`
POST_COLUMNS: dict[str, str] = POSTS.columns
COMMENT_COLUMNS: dict[str, str] = COMMENTS.columns
UNPARSED_COLUMNS: dict[str, str] = UNPARSED.columns
FURNITURE_COLUMNS: dict[str, str] = FURNITURE.columns

_TABLES = {
    "posts": POST_COLUMNS,
    "comments": COMMENT_COLUMNS,
    "unparsed": UNPARSED_COLUMNS,
    "furniture": FURNITURE_COLUMNS,
}

_ID_UNSAFE = re.compile(r"[^0-9A-Za-z_.:-]+")


def make_post_id(source_key: str, local_id: str | int | None = None) -> str:
    """Return a stable post id from a source key (e.g. a file stem) and a local id.

    The same file gives the same ids on every run. Characters outside ``[0-9A-Za-z_.:-]``
    become ``_`` so ids are safe in file names and URLs.

    >>> make_post_id("000_cbe15b06e01714f3")
    '000_cbe15b06e01714f3'
    >>> make_post_id("wptest", 1149)
    'wptest:1149'
    """
    key = _ID_UNSAFE.sub("_", str(source_key)).strip("_") or "post"
    if local_id is None or local_id == "":
        return key
    return f"{key}:{_ID_UNSAFE.sub('_', str(local_id))}"


def make_comment_id(post_id: str, local_id: str | int) -> str:
    """Return a stable comment id, unique across posts: ``{post_id}.c{local_id}``.

    >>> make_comment_id("wptest:1149", 7)
    'wptest:1149.c7'
    """
    return f"{post_id}.c{_ID_UNSAFE.sub('_', str(local_id))}"


def empty_frame(columns: Mapping[str, str]) -> pd.DataFrame:
    """An empty frame with the given columns and dtypes."""
    return coerce_frame(pd.DataFrame(columns=list(columns)), columns)


def _to_list(value) -> list[str]:
    if value is None or value is pd.NA:
        return []
    if isinstance(value, float) and np.isnan(value):
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in list(value)]


def coerce_frame(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Return a copy of ``frame`` with the contract columns first, in their dtypes.

    Missing contract columns are added as all-missing; extra columns are kept after them.
    """
    frame = frame.copy()
    for name, dtype in columns.items():
        if name not in frame.columns:  # schema-ok: coercion adds the contract columns a reader left out
            frame[name] = pd.Series([pd.NA] * len(frame), index=frame.index, dtype="object")
        frame[name] = _coerce_column(frame[name], dtype)
    extras = [c for c in frame.columns if c not in columns]
    return frame[list(columns) + extras].reset_index(drop=True)


def _coerce_column(values: pd.Series, dtype: str) -> pd.Series:
    """One contract column in its dtype (missing values as the dtype's missing value)."""
    if dtype == LIST:
        return pd.Series([_to_list(v) for v in values], index=values.index, dtype="object")
    if dtype == DATETIME:
        return pd.to_datetime(values, utc=True, errors="raise").astype(DATETIME)
    values = values.astype("object").where(values.notna(), None)
    return values.astype(dtype)


def columns_frame(columns: Mapping[str, Sequence], contract: Mapping[str, str]) -> pd.DataFrame:
    """A typed table straight from column lists: what :func:`coerce_frame` gives for the rows.

    Each column is converted once into its dtype, with no table of Python objects built
    first: the contract columns first (all-missing when absent), then the extras as given
    (their dtype inferred, as :class:`pandas.DataFrame` does for rows).

    Raises
    ------
    ValueError
        When the columns differ in length.
    """
    lengths = {name: len(values) for name, values in columns.items()}
    n = next(iter(lengths.values()), 0)
    if any(length != n for length in lengths.values()):
        raise ValueError(f"columns of different lengths: {lengths}")
    index = pd.RangeIndex(n)
    data = {}
    for name, dtype in contract.items():
        values = columns.get(name)
        if isinstance(values, pd.Series) and _typed_as(values, dtype):
            # already typed (dates from a vectorised parse): no round trip via objects
            data[name] = values.astype(dtype).set_axis(index)
            continue
        typed = (_arrow_strings(values) if dtype == STRING and isinstance(values, list) else
                 _integers(values) if dtype == INT and isinstance(values, list) else None)
        if typed is not None:  # one array from the list, no column of objects first
            data[name] = pd.Series(typed, index=index, copy=False)
            continue
        series = pd.Series([None] * n if values is None else values, index=index, dtype="object")
        data[name] = _coerce_column(series, dtype)
    for name, values in columns.items():
        if name not in contract:
            data[name] = pd.Series(values, index=index)  # inferred, as the rows' table does
    return pd.DataFrame(data, index=index, copy=False)


#: values per Arrow chunk when a text column is converted: a chunk's buffers grow by
#: doubling, so small chunks keep the spare capacity (and the peak memory) small
_TEXT_CHUNK = 4096


def _arrow_strings(values: list):
    """``values`` (``str`` or ``None`` each) as the ``string`` dtype's array; else ``None``.

    The same values as ``pd.Series(values, dtype=object).astype("string")`` when pandas
    stores strings in Arrow, built chunk by chunk with the system allocator (which hands
    large freed blocks back at once), so that converting a column costs about its own
    size in memory; any other value (a number, NaN, bytes) or storage returns ``None``,
    for the general conversion.
    """
    chunks = string_chunks(values)
    if chunks is None:
        return None
    import pyarrow as pa

    return pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string()))


def string_chunks(values: list) -> list | None:
    """Arrow ``large_string`` chunks holding ``values`` (``str``/``None``); else ``None``.

    ``None`` when pandas does not store strings in Arrow, or a value is anything but a
    ``str`` or ``None``. Readers use it to turn a text column into Arrow a batch at a
    time while they read, and to drop the Python strings early.

    >>> [chunk.to_pylist() for chunk in string_chunks(["a", None])]
    [['a', None]]
    """
    if pd.StringDtype().storage != "pyarrow":
        return None
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pandas' Arrow storage needs it
        return None
    if not all(type(value) is str or value is None for value in values):
        return None  # numbers, NaN, bytes (which Arrow would decode) ...
    pool = pa.system_memory_pool()
    return [pa.array(values[start:start + _TEXT_CHUNK], type=pa.large_string(),
                     from_pandas=False, memory_pool=pool)
            for start in range(0, len(values), _TEXT_CHUNK)]


def _integers(values: list):
    """``values`` (all Python ints, none missing) as an ``Int64`` array; else ``None``."""
    try:
        array = np.array(values)
    except (TypeError, ValueError, OverflowError):
        return None
    if array.ndim != 1 or array.dtype.kind != "i" or not all(type(v) is int for v in values[:1]):
        return None
    return pd.array(array.astype(np.int64, copy=False), dtype=INT)


def _typed_as(values: pd.Series, dtype: str) -> bool:
    """True when ``values`` already hold ``dtype``'s values (UTC dates at any resolution)."""
    if str(values.dtype) == dtype:
        return True
    return (dtype == DATETIME and isinstance(values.dtype, pd.DatetimeTZDtype)
            and str(values.dtype.tz) == "UTC")


def _positions(post_ids: Sequence) -> list[int]:
    """Each comment's place among its post's comments (1, 2 ...), in the order given."""
    posts = np.asarray(post_ids, dtype=object).reshape(-1)
    if len(posts) and not pd.isna(posts).any():
        codes = pd.factorize(posts)[0]
        return (pd.Series(codes).groupby(codes, sort=False).cumcount() + 1).tolist()
    seen: dict = {}
    position = []
    for post_id in post_ids:
        seen[post_id] = seen.get(post_id, 0) + 1
        position.append(seen[post_id])
    return position


def _thread_structure(comments: pd.DataFrame) -> pd.DataFrame:
    """Fill parent repairs, depth and thread_id from parent links; flag each repair.

    A parent that is not a comment of the same post is cut (the comment becomes top
    level, flag ``missing_parent``); a comment that is its own parent is cut
    (``self_reply``); a cycle is cut at the comment that comes first in page order
    (``cycle``).
    """
    if comments.empty:
        return comments
    comments = comments.copy()
    parent_ids, depths, thread_ids, flags = _thread_lists(
        comments["comment_id"].tolist(), comments["post_id"].tolist(),
        comments["parent_id"].tolist(), comments["flags"].tolist())
    comments["parent_id"] = parent_ids
    comments["depth"] = depths
    comments["thread_id"] = thread_ids
    comments["flags"] = flags
    return comments


def _thread_lists(ids: list, post_ids: list, parent_ids: list, existing_flags: list):
    """The lists behind :func:`_thread_structure`: parent ids, depths, thread ids, flags.

    Vectorised (:func:`_thread_arrays`) when the ids are unique and no parent links form
    a cycle, as in nearly every file; otherwise comment by comment, with the same result.
    """
    fast = _thread_arrays(ids, post_ids, parent_ids, existing_flags)
    if fast is not None:
        return fast
    return _thread_lists_by_comment(ids, post_ids, parent_ids, existing_flags)


def _missing_id(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _thread_arrays(ids: list, post_ids: list, parent_ids: list, existing_flags: list):
    """:func:`_thread_lists` with arrays (pointer jumping); ``None`` when it does not apply.

    Each comment's parent is found by an index look-up; its depth and top-level ancestor
    come from ``log2(depth)`` rounds of jumping to the ancestor's ancestor. ``None`` (use
    the comment-by-comment path) when an id repeats or a cycle remains.
    """
    n = len(ids)
    if not len(post_ids) == len(parent_ids) == len(existing_flags) == n:
        return None  # the table's own check names the uneven columns
    id_array = np.asarray(ids, dtype=object).reshape(n)
    post_array = np.asarray(post_ids, dtype=object).reshape(n)
    parent_array = np.asarray(parent_ids, dtype=object).reshape(n)
    if pd.api.types.infer_dtype(parent_array, skipna=True) not in ("string", "empty"):
        parent_array = np.array([None if _missing_id(p) else str(p) for p in parent_array.tolist()],
                                dtype=object)
    # one code per distinct id (-1: missing): a parent's code leads to the row it names
    codes = pd.factorize(np.concatenate([id_array, parent_array]))[0]
    id_codes, parent_codes = codes[:n], codes[n:]
    posts = pd.factorize(post_array)[0]
    if n and (id_codes.min() < 0 or posts.min() < 0 or np.bincount(id_codes).max() > 1):
        return None  # a missing or repeated id, a missing post: for the slow path to say
    no_parent = parent_codes < 0
    row_of = np.full(int(codes.max()) + 1 if n else 0, -1, dtype=np.int64)
    rows = np.arange(n)
    row_of[id_codes] = rows
    has_parent = ~no_parent
    parent_at = np.where(has_parent, row_of[np.where(has_parent, parent_codes, 0)], -1)
    self_reply = has_parent & (parent_at == rows)
    found = parent_at >= 0
    missing = has_parent & ~self_reply & (
        ~found | (posts[np.where(found, parent_at, 0)] != posts))
    cut = ~has_parent | self_reply | missing
    up = np.where(cut, rows, parent_at)  # a top-level comment points to itself
    depth = (~cut).astype(np.int64)
    for _ in range(max(1, int(n).bit_length()) + 1):
        step = up[up]
        if np.array_equal(step, up):
            break
        depth = depth + depth[up]
        up = step
    if not np.array_equal(up[up], up) or not cut[up].all():
        return None  # a cycle: cut comment by comment, at its first comment on the page
    new_parents = np.where(cut, None, parent_array).tolist()
    threads = id_array[up].tolist()
    flags = [flag if type(flag) is str and ";" not in flag else _unique_flags(flag)
             for flag in existing_flags]
    for index in np.flatnonzero(self_reply | missing).tolist():
        added = "self_reply" if self_reply[index] else "missing_parent"
        flags[index] = _unique_flags(f"{flags[index]};{added}")
    return new_parents, depth.tolist(), threads, flags


def _unique_flags(flags) -> str:
    """``a;b;a`` -> ``a;b``; anything but text -> ``""``."""
    if not isinstance(flags, str) or not flags:
        return ""
    return ";".join(dict.fromkeys(f for f in flags.split(";") if f))


def _thread_lists_by_comment(ids: list, post_ids: list, parent_ids: list,
                             existing_flags: list):
    """:func:`_thread_lists` one comment at a time (any ids, any cycles)."""
    post_of = dict(zip(ids, post_ids))
    parents: dict[str, str | None] = {}
    flags: dict[str, list[str]] = {cid: [] for cid in ids}
    for cid, pid, existing in zip(ids, parent_ids, existing_flags):
        if isinstance(existing, str) and existing:
            flags[cid].extend(f for f in existing.split(";") if f)
        pid = None if pid is None or pid is pd.NA or (isinstance(pid, float) and np.isnan(pid)) else str(pid)
        if pid is not None and pid == cid:
            flags[cid].append("self_reply")
            pid = None
        elif pid is not None and (pid not in post_of or post_of[pid] != post_of[cid]):
            flags[cid].append("missing_parent")
            pid = None
        parents[cid] = pid

    depth: dict[str, int] = {}
    thread: dict[str, str] = {}
    order: dict[str, int] = {}  # page position: a dict, so cutting n cycles stays linear
    for index, cid in enumerate(ids):
        order.setdefault(cid, index)
    for cid in ids:  # page order, so a cycle is cut at its first comment in that order
        path: list[str] = []
        on_path: set[str] = set()
        node = cid
        while node is not None and node not in depth:
            if node in on_path:  # a cycle: cut it at the earliest comment on it
                cycle = path[path.index(node):]
                cut = min(cycle, key=order.__getitem__)
                parents[cut] = None
                flags[cut].append("cycle")
                path = path[: path.index(cut) + 1]
                break
            path.append(node)
            on_path.add(node)
            node = parents[node]
        for member in reversed(path):
            parent = parents[member]
            if parent is None:
                depth[member], thread[member] = 0, member
            else:
                depth[member], thread[member] = depth[parent] + 1, thread[parent]

    return ([parents[c] for c in ids], [depth[c] for c in ids], [thread[c] for c in ids],
            [";".join(dict.fromkeys(flags[c])) for c in ids])


@dataclass(frozen=True)
class Corpus:
    """Posts and their comment threads, plus what could not be parsed.

    Attributes
    ----------
    posts, comments, unparsed, furniture : pandas.DataFrame
        See :data:`POST_COLUMNS`, :data:`COMMENT_COLUMNS`, :data:`UNPARSED_COLUMNS`
        and :data:`FURNITURE_COLUMNS` for the columns and dtypes.

    A corpus is treated as immutable: functions that change it return a new one.
    """

    posts: pd.DataFrame = field(default_factory=lambda: empty_frame(POST_COLUMNS))
    comments: pd.DataFrame = field(default_factory=lambda: empty_frame(COMMENT_COLUMNS))
    unparsed: pd.DataFrame = field(default_factory=lambda: empty_frame(UNPARSED_COLUMNS))
    furniture: pd.DataFrame = field(default_factory=lambda: empty_frame(FURNITURE_COLUMNS))

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_records(
        cls,
        *,
        posts: Iterable[Mapping] = (),
        comments: Iterable[Mapping] = (),
        unparsed: Iterable[Mapping] = (),
        furniture: Iterable[Mapping] = (),
        derive_threads: bool = True,
    ) -> "Corpus":
        """Build a corpus from plain records (dicts), the way every reader does.

        Parameters
        ----------
        posts, comments, unparsed, furniture
            Iterables of dicts keyed by column name; missing columns become missing
            values. Comments must be given in page order within each post.
        derive_threads
            Fill ``parent_id`` repairs, ``thread_id``, ``depth``, ``position`` and the
            posts' ``n_comments`` from the parent links (default). Readers that already
            know all of these may pass ``False``.

        Returns
        -------
        Corpus
        """
        post_frame = pd.DataFrame(list(posts))
        comment_frame = pd.DataFrame(list(comments))
        if "flags" not in comment_frame.columns:  # schema-ok: records may omit flags (none made)
            comment_frame["flags"] = ""
        comment_frame["flags"] = comment_frame["flags"].fillna("") if len(comment_frame) else comment_frame["flags"]
        for column in ("parent_id", "post_id", "comment_id"):
            if column not in comment_frame.columns:  # schema-ok: records may omit these links
                comment_frame[column] = None
        if derive_threads and len(comment_frame):
            comment_frame["position"] = comment_frame.groupby("post_id", sort=False).cumcount() + 1
            comment_frame = _thread_structure(comment_frame)
        post_frame = coerce_frame(post_frame, POST_COLUMNS)
        comment_frame = coerce_frame(comment_frame, COMMENT_COLUMNS)
        if derive_threads and len(post_frame):
            counts = comment_frame.groupby("post_id", sort=False).size()
            post_frame["n_comments"] = (
                post_frame["post_id"].map(counts).fillna(0).astype(INT)
            )
        return cls(
            posts=post_frame,
            comments=comment_frame,
            unparsed=coerce_frame(pd.DataFrame(list(unparsed)), UNPARSED_COLUMNS),
            furniture=coerce_frame(pd.DataFrame(list(furniture)), FURNITURE_COLUMNS),
        )

    @classmethod
    def from_columns(
        cls,
        *,
        posts: Mapping[str, Sequence] | None = None,
        comments: Mapping[str, Sequence] | None = None,
        unparsed: Iterable[Mapping] = (),
        furniture: Iterable[Mapping] = (),
        derive_threads: bool = True,
    ) -> "Corpus":
        """Build a corpus from column lists: :meth:`from_records`, without the row dicts.

        The same corpus as ``from_records`` given the same values row by row, built with
        one typed array per column instead of a table of Python objects first, so a
        reader's peak memory stays close to the tables it returns.

        Parameters
        ----------
        posts, comments
            Mappings of column name to a list (all of one table's lists the same length);
            missing columns become missing values. Comments in page order within each post.
        unparsed, furniture
            Records (dicts), as for :meth:`from_records` (these tables are small).
        derive_threads
            As for :meth:`from_records`.

        Returns
        -------
        Corpus

        Raises
        ------
        ValueError
            When a table's columns differ in length.

        Examples
        --------
        >>> corpus = Corpus.from_columns(
        ...     posts={"post_id": ["p"], "title": ["Hello"]},
        ...     comments={"comment_id": ["p.c1", "p.c2"], "post_id": ["p", "p"],
        ...               "parent_id": [None, "p.c1"], "text": ["Hi", "Hi back"]})
        >>> corpus.comments[["comment_id", "parent_id", "depth", "position"]]
          comment_id parent_id  depth  position
        0       p.c1      <NA>      0         1
        1       p.c2      p.c1      1         2
        >>> corpus.equals(Corpus.from_records(
        ...     posts=[{"post_id": "p", "title": "Hello"}],
        ...     comments=[{"comment_id": "p.c1", "post_id": "p", "parent_id": None, "text": "Hi"},
        ...               {"comment_id": "p.c2", "post_id": "p", "parent_id": "p.c1",
        ...                "text": "Hi back"}]))
        True
        """
        comment_columns = dict(comments or {})
        n = len(next(iter(comment_columns.values()), ()))
        flags = comment_columns.get("flags")
        comment_columns["flags"] = ([""] * n if flags is None else
                                    ["" if f is None else f for f in flags])
        for column in ("parent_id", "post_id", "comment_id"):
            comment_columns.setdefault(column, [None] * n)
        if derive_threads and n:
            comment_columns["position"] = _positions(comment_columns["post_id"])
            (comment_columns["parent_id"], comment_columns["depth"],
             comment_columns["thread_id"], comment_columns["flags"]) = _thread_lists(
                comment_columns["comment_id"], comment_columns["post_id"],
                comment_columns["parent_id"], comment_columns["flags"])
        post_frame = columns_frame(posts or {}, POST_COLUMNS)
        comment_frame = columns_frame(comment_columns, COMMENT_COLUMNS)
        if derive_threads and len(post_frame):
            counts = comment_frame.groupby("post_id", sort=False).size()
            post_frame["n_comments"] = post_frame["post_id"].map(counts).fillna(0).astype(INT)
        return cls(
            posts=post_frame,
            comments=comment_frame,
            unparsed=coerce_frame(pd.DataFrame(list(unparsed)), UNPARSED_COLUMNS),
            furniture=coerce_frame(pd.DataFrame(list(furniture)), FURNITURE_COLUMNS),
        )

    def equals(self, other: "Corpus") -> bool:
        """True when every table of ``other`` equals this corpus' (values, dtypes, order)."""
        return all(getattr(self, name).equals(getattr(other, name)) for name in _TABLES)

    @classmethod
    def concat(cls, corpora: Iterable["Corpus"]) -> "Corpus":
        """Concatenate corpora (e.g. one per file); post ids must not collide.

        Raises
        ------
        ValueError
            When two corpora share a post id.
        """
        corpora = list(corpora)
        if not corpora:
            return cls()
        if len(corpora) == 1 and not corpora[0].posts["post_id"].duplicated().any():
            return corpora[0]  # already typed: re-coercing a large corpus costs seconds
        tables = {}
        for name, columns in _TABLES.items():
            frames = [getattr(c, name) for c in corpora if len(getattr(c, name))]
            if frames:
                tables[name] = coerce_frame(pd.concat(frames, ignore_index=True), columns)
            else:
                tables[name] = empty_frame(columns)
        duplicated = tables["posts"]["post_id"][tables["posts"]["post_id"].duplicated()]
        if len(duplicated):
            raise ValueError(
                f"post ids must be unique across sources; repeated: {sorted(set(duplicated))[:5]}"
            )
        return cls(**tables)

    def replace(self, **tables: pd.DataFrame) -> "Corpus":
        """Return a new corpus with some tables replaced (the input is not changed)."""
        return replace(self, **tables)

    # -- persistence ----------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write the tables as parquet files plus a verified manifest, atomically.

        The whole set is written into a temporary folder beside ``folder``, flushed to
        disk, and only then swapped in by renaming: a process killed at any moment leaves
        either the previous complete set or the new one, never a mix. ``manifest.json``
        records the schema version and, for each table, its file, row count, columns and
        SHA-256 checksum; :func:`load_processed` checks all of them. Files in ``folder``
        that ``save`` does not write (a ``.gitkeep``, notes) are carried over.

        Parameters
        ----------
        folder
            Where the tables go; created (with its parents) if missing.

        Returns
        -------
        pathlib.Path
            The folder written to.

        Examples
        --------
        >>> import tempfile
        >>> corpus = Corpus.from_records(posts=[{"post_id": "p1", "title": "Hi"}])
        >>> folder = corpus.save(Path(tempfile.mkdtemp()) / "processed")
        >>> sorted(p.name for p in folder.iterdir())
        ['comments.parquet', 'furniture.parquet', 'manifest.json', 'posts.parquet', 'unparsed.parquet']
        >>> load_processed(folder).posts.loc[0, "title"]
        'Hi'
        """
        return _atomic_save(self, Path(folder))

    # -- conveniences -----------------------------------------------------------------
    def summary(self) -> dict[str, int]:
        """Counts for a one-line report: sources, posts, comments, deepest reply, unparsed."""
        sources = set(self.posts["source"].dropna()) | set(self.unparsed["source"].dropna())
        depth = self.comments["depth"]
        return {
            "sources": len(sources),
            "posts": int(len(self.posts)),
            "comments": int(len(self.comments)),
            "max_depth": int(depth.max()) if len(depth.dropna()) else 0,
            "unparsed": int(len(self.unparsed)),
            "furniture": int(len(self.furniture)),
        }

    def _repr_html_(self) -> str:
        """Jupyter shows a compact summary instead of four raw frames (msdiscourse.view)."""
        from msdiscourse.view import corpus_html

        return corpus_html(self)

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"Corpus(posts={s['posts']}, comments={s['comments']}, "
            f"max_depth={s['max_depth']}, unparsed={s['unparsed']})"
        )


def load_processed(folder: str | Path, *, verify: bool = True) -> Corpus:
    """Read a corpus written by :meth:`Corpus.save`, checking it against its manifest.

    Parameters
    ----------
    folder
        The folder holding ``manifest.json`` and ``posts.parquet``, ``comments.parquet``,
        ``unparsed.parquet`` and ``furniture.parquet``.
    verify
        Check ``manifest.json`` (default): schema version, each table's SHA-256
        checksum, row count and columns, and that no more comments point at a missing
        post than when the set was saved. ``False`` reads whatever parquet files are
        there (for a folder written by hand or by an older version); a file that is not
        parquet is still a clear error.

    Returns
    -------
    Corpus

    Raises
    ------
    FileNotFoundError
        When ``folder`` does not exist.
    ParseError
        When the manifest is missing, unreadable or from another schema version, or a
        table is missing, truncated, changed since it was saved, or not parquet; the
        message names the file, what the manifest expected and what was found.

    Examples
    --------
    >>> import tempfile
    >>> folder = Corpus.from_records(posts=[{"post_id": "p1"}]).save(tempfile.mkdtemp())
    >>> load_processed(folder)
    Corpus(posts=1, comments=0, max_depth=0, unparsed=0)
    >>> _ = (folder / "posts.parquet").write_bytes(b"PAR1 not really")
    >>> load_processed(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    msdiscourse.errors.ParseError: .../posts.parquet: expected the posts table recorded in manifest.json (...); found ... bytes with sha256 ...: the file was changed or truncated after it was saved, or comes from another save (...)
    """
    folder = Path(folder)
    _recover(Path(os.path.abspath(folder)))
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder}: expected a folder of tables written by Corpus.save(); "
            f"run `msdiscourse parse DATA -o {folder}` first"
        )
    from msdiscourse.dask import is_partitioned, load_partitioned  # (imports no dask)
    if is_partitioned(folder):  # written by DaskCorpus.save / `parse --engine dask`
        return load_partitioned(folder, verify=verify)
    remedy = f"re-run `msdiscourse parse DATA -o {folder}`, or pass verify=False to read it anyway"
    manifest = _read_manifest(folder / MANIFEST, remedy=remedy) if verify else None
    tables = {}
    for name, columns in _TABLES.items():
        path = folder / f"{name}.parquet"
        if not path.exists():
            raise ParseError(
                path, None,
                expected=f"the {name} table written by Corpus.save()",
                found="no such file",
                remedy=f"run `msdiscourse parse DATA -o {folder}` to write the whole set again",
            )
        data = path.read_bytes()
        if manifest is not None:
            _check_bytes(path, name, data, manifest["tables"][name], remedy=remedy)
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as error:  # noqa: BLE001 - pyarrow raises several types for a damaged file
            raise ParseError(
                path, None,
                expected=f"the {name} table as a parquet file",
                found=f"a file pyarrow cannot read ({type(error).__name__}: {error})",
                remedy=remedy,
            ) from None
        if manifest is not None:
            entry = manifest["tables"][name]
            found_columns = [str(c) for c in frame.columns]
            if len(frame) != entry["rows"] or found_columns != entry["columns"]:
                raise ParseError(
                    path, None,
                    expected=f"{entry['rows']} rows with columns {', '.join(entry['columns'])}",
                    found=f"{len(frame)} rows with columns {', '.join(found_columns)}",
                    remedy=remedy,
                )
        try:
            validate(frame, name, caller="load_processed")
        except SchemaError as error:
            raise ParseError(path, None, expected=f"the declared {name} table",
                             found=str(error), remedy=remedy) from None
        tables[name] = coerce_frame(frame, columns)
    if manifest is not None:
        orphans = _orphans(tables["comments"], tables["posts"])
        if len(orphans) > manifest["orphan_comments"]:
            raise ParseError(
                folder / "comments.parquet", None,
                expected=(f"at most {manifest['orphan_comments']} comment(s) whose post is "
                          f"missing from posts.parquet, as when the set was saved"),
                found=f"{len(orphans)} (first: {', '.join(orphans[:3])})",
                remedy=remedy,
            )
    return Corpus(**tables)


# -- atomic, verified persistence -------------------------------------------------------
#: the manifest written beside the tables
MANIFEST = "manifest.json"
_FORMAT = "msdiscourse-processed"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _orphans(comments: pd.DataFrame, posts: pd.DataFrame) -> list[str]:
    """Comment ids whose ``post_id`` is not a post of the set."""
    if comments.empty:
        return []
    known = set(posts["post_id"].dropna().astype(str))
    missing = ~comments["post_id"].astype("object").isin(known)
    return [str(c) for c in comments.loc[missing, "comment_id"]]


def _fsync_dir(path: Path) -> None:
    """Make the entries of a folder (a rename into it) durable; a no-op where unsupported."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are journalled
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _table_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the call is missing or the file system refuses it; the caller then
    falls back to two renames that :func:`_recover` can finish.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                     rename_exchange) == 0


def _backups(folder: Path) -> list[Path]:
    return sorted(folder.parent.glob(f".{folder.name}.old-*"))


def _recover(folder: Path) -> None:
    """Finish a swap that was interrupted between its two renames (non-Linux fallback).

    The old set was renamed aside and the new one not yet renamed in: put the old one back.
    """
    if folder.exists() or not folder.name:
        return
    for backup in reversed(_backups(folder)):
        if (backup / MANIFEST).is_file():
            os.rename(backup, folder)
            return


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell safely: leave the folder alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _clean_stale(folder: Path) -> None:
    """Remove staging folders of saves that were killed, and backups of finished swaps."""
    for staging in folder.parent.glob(f".{folder.name}.tmp-*"):
        parts = staging.name[len(folder.name) + 6:].split("-")
        if parts and parts[0].isdigit() and not _pid_alive(int(parts[0])):
            shutil.rmtree(staging, ignore_errors=True)
    if folder.exists():
        for backup in _backups(folder):
            shutil.rmtree(backup, ignore_errors=True)


#: what :meth:`Corpus.save` replaces in its folder (the rest is carried over): its files, and
#: the partition folders of a set :meth:`msdiscourse.dask.DaskCorpus.save` wrote before, so an
#: analyst can switch engines on one processed folder
_OWNED = frozenset({f"{name}.parquet" for name in _TABLES} | {MANIFEST, "posts", "comments"})


def _carry_over(folder: Path, staging: Path, *, owned: Iterable[str] = _OWNED,
                saver: str = "Corpus.save") -> None:
    """Copy the files a save does not write (``.gitkeep``, notes) into the new set.

    ``owned`` names the entries of ``folder`` the save replaces (``saver`` is named in the
    error); any other file is copied into ``staging``, and a subfolder is refused, since the
    swap would drop it.
    """
    owned = frozenset(owned)
    for entry in folder.iterdir():
        if entry.name in owned:
            continue
        if entry.is_dir() and not entry.is_symlink():
            raise ValueError(
                f"{folder}: expected a folder of processed tables; found the subfolder "
                f"{entry.name!r} ({saver} replaces the whole folder: choose a new or "
                f"empty folder, or move it out)"
            )
        shutil.copy2(entry, staging / entry.name, follow_symlinks=False)


def _swap_in(staging: Path, folder: Path) -> None:
    if not folder.exists():
        os.rename(staging, folder)
        return
    if _exchange(staging, folder):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old set
        return
    backup = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    os.rename(folder, backup)  # killed right here: _recover() renames it back
    os.rename(staging, folder)
    shutil.rmtree(backup, ignore_errors=True)


def _atomic_save(corpus: Corpus, target: Path) -> Path:
    folder = Path(os.path.abspath(target))
    if not folder.name:
        raise ValueError(f"{target}: expected a folder to write the tables into; found a root")
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{target}: expected a folder to write the tables into; found a file")
    folder.parent.mkdir(parents=True, exist_ok=True)
    _recover(folder)
    _clean_stale(folder)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-{os.getpid()}-",
                                    dir=folder.parent))
    try:
        manifest: dict = {"format": _FORMAT, "schema_version": SCHEMA_VERSION, "tables": {}}
        for name in _TABLES:
            frame = getattr(corpus, name)
            data = _table_bytes(frame)
            _write_durably(staging / f"{name}.parquet", data)
            manifest["tables"][name] = {
                "file": f"{name}.parquet",
                "rows": int(len(frame)),
                "columns": [str(c) for c in frame.columns],
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        manifest["orphan_comments"] = len(_orphans(corpus.comments, corpus.posts))
        if folder.is_dir():
            _carry_over(folder, staging)
        _write_durably(staging / MANIFEST,
                       (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
        _fsync_dir(staging)
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(folder.parent)
    return Path(target)


def _read_manifest(path: Path, *, remedy: str) -> dict:
    """Read and check ``manifest.json``; a ParseError names what is wrong with it."""
    expected = (f"the manifest Corpus.save() writes (schema version {SCHEMA_VERSION}, "
                f"a checksum per table)")
    if not path.is_file():
        raise ParseError(path, None, expected=expected, found="no such file", remedy=remedy)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ParseError(path, None, expected=expected, found=f"text that is not JSON ({error})",
                         remedy=remedy) from None
    if not isinstance(manifest, dict):
        raise ParseError(path, None, expected=expected,
                         found=f"a JSON {type(manifest).__name__}", remedy=remedy)
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        found = f"schema_version {version!r}"
        if version == 1:
            found += " (written by an older msdiscourse, without checksums)"
        raise ParseError(path, None, expected=expected, found=found, remedy=remedy)
    tables = manifest.get("tables")
    problems = []
    if not isinstance(tables, dict):
        problems.append("no 'tables' object")
    else:
        for name in _TABLES:
            entry = tables.get(name)
            if not isinstance(entry, dict):
                problems.append(f"no entry for {name}")
            elif not (isinstance(entry.get("rows"), int) and isinstance(entry.get("bytes"), int)
                      and isinstance(entry.get("sha256"), str)
                      and _HEX64.fullmatch(entry["sha256"])
                      and isinstance(entry.get("columns"), list)):
                problems.append(f"{name} without rows, bytes, columns and a sha256 checksum")
    if not isinstance(manifest.get("orphan_comments"), int):
        problems.append("no orphan_comments count")
    if problems:
        raise ParseError(path, None, expected=expected, found="; ".join(problems), remedy=remedy)
    return manifest


def _check_bytes(path: Path, name: str, data: bytes, entry: dict, *, remedy: str) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["sha256"] or len(data) != entry["bytes"]:
        raise ParseError(
            path, None,
            expected=(f"the {name} table recorded in manifest.json ({entry['rows']} rows, "
                      f"{entry['bytes']} bytes, sha256 {entry['sha256'][:12]}...)"),
            found=(f"{len(data)} bytes with sha256 {digest[:12]}...: the file was changed or "
                   f"truncated after it was saved, or comes from another save"),
            remedy=remedy,
        )
