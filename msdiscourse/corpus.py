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

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from msdiscourse.schema import COMMENTS, DATETIME, FURNITURE, INT, LIST, POSTS, STRING, UNPARSED

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

SCHEMA_VERSION = 1

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
        if name not in frame.columns:
            frame[name] = pd.Series([pd.NA] * len(frame), index=frame.index, dtype="object")
        if dtype == LIST:
            frame[name] = pd.Series(
                [_to_list(v) for v in frame[name]], index=frame.index, dtype="object"
            )
        elif dtype == DATETIME:
            frame[name] = pd.to_datetime(frame[name], utc=True, errors="raise").astype(DATETIME)
        elif dtype == STRING:
            frame[name] = frame[name].astype("object").where(frame[name].notna(), None)
            frame[name] = frame[name].astype(STRING)
        else:
            frame[name] = frame[name].astype("object").where(frame[name].notna(), None)
            frame[name] = frame[name].astype(dtype)
    extras = [c for c in frame.columns if c not in columns]
    return frame[list(columns) + extras].reset_index(drop=True)


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
    ids = comments["comment_id"].tolist()
    post_of = dict(zip(ids, comments["post_id"].tolist()))
    parents: dict[str, str | None] = {}
    flags: dict[str, list[str]] = {cid: [] for cid in ids}
    for cid, pid, existing in zip(ids, comments["parent_id"].tolist(), comments["flags"].tolist()):
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
    for cid in ids:  # page order, so a cycle is cut at its first comment in that order
        path: list[str] = []
        on_path: set[str] = set()
        node = cid
        while node is not None and node not in depth:
            if node in on_path:  # a cycle: cut it at the earliest comment on it
                cycle = path[path.index(node):]
                cut = min(cycle, key=ids.index)
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

    comments["parent_id"] = [parents[c] for c in ids]
    comments["depth"] = [depth[c] for c in ids]
    comments["thread_id"] = [thread[c] for c in ids]
    comments["flags"] = [";".join(dict.fromkeys(flags[c])) for c in ids]
    return comments


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
        posts: Iterable[Mapping] = (),
        comments: Iterable[Mapping] = (),
        unparsed: Iterable[Mapping] = (),
        furniture: Iterable[Mapping] = (),
        *,
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
        if "flags" not in comment_frame.columns:
            comment_frame["flags"] = ""
        comment_frame["flags"] = comment_frame["flags"].fillna("") if len(comment_frame) else comment_frame["flags"]
        for column in ("parent_id", "post_id", "comment_id"):
            if column not in comment_frame.columns:
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
        """Write the tables as parquet files (plus a small manifest) into ``folder``.

        ``load_processed(folder)`` gives back an equal corpus.

        Returns
        -------
        pathlib.Path
            The folder written to.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {"schema_version": SCHEMA_VERSION, "tables": {}}
        for name in _TABLES:
            frame = getattr(self, name)
            frame.to_parquet(folder / f"{name}.parquet", index=False)
            manifest["tables"][name] = {"rows": int(len(frame)), "columns": list(frame.columns)}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        return folder

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

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"Corpus(posts={s['posts']}, comments={s['comments']}, "
            f"max_depth={s['max_depth']}, unparsed={s['unparsed']})"
        )


def load_processed(folder: str | Path) -> Corpus:
    """Read a corpus written by :meth:`Corpus.save`.

    Parameters
    ----------
    folder
        The folder holding ``posts.parquet``, ``comments.parquet``, ``unparsed.parquet``
        and ``furniture.parquet``.

    Raises
    ------
    FileNotFoundError
        When a table is missing, naming it.
    """
    folder = Path(folder)
    from msdiscourse.dask import is_partitioned, load_partitioned  # (imports no dask)
    if is_partitioned(folder):  # written by DaskCorpus.save / `parse --engine dask`
        return load_partitioned(folder)
    tables = {}
    for name, columns in _TABLES.items():
        path = folder / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(
                f"{path}: expected the {name} table written by Corpus.save(); "
                f"run `msdiscourse parse DATA -o {folder}` first"
            )
        frame = pd.read_parquet(path)
        tables[name] = coerce_frame(frame, columns)
    return Corpus(**tables)
