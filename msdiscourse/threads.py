"""Thread integrity: a table of what is wrong with the reply structure, never a print.

Readers repair what they can while building a corpus (:meth:`Corpus.from_records` makes a
reply whose parent is missing top level and cuts cycles) and record each repair in the
comments' ``flags`` column. :func:`check_threads` reports both kinds of evidence in one
table: problems still present in the tables (a corpus built without
``derive_threads``, or edited by hand) and problems a reader repaired and flagged.
"""

from __future__ import annotations

import pandas as pd

from msdiscourse.corpus import Corpus

__all__ = ["check_threads", "THREAD_PROBLEMS", "PROBLEM_DTYPE", "FLAG_PROBLEMS"]

#: the problems :func:`check_threads` reports, in the order its table sorts them
THREAD_PROBLEMS: tuple[str, ...] = (
    "duplicate_id",
    "orphan",
    "missing_parent",
    "self_reply",
    "cycle",
    "reply_before_parent",
)
PROBLEM_DTYPE = pd.CategoricalDtype(list(THREAD_PROBLEMS), ordered=True)

#: a reader's flag -> (the problem it records, what the reader did about it)
FLAG_PROBLEMS: dict[str, tuple[str, str]] = {
    "duplicate_id": ("duplicate_id",
                     "the source repeated this id; the reader gave the repeat a new id"),
    "orphan": ("orphan", "the source named a post that is not in the corpus; "
                         "the reader kept the comment"),
    # Disqus and Blogger readers: a comment whose thread is missing gets a placeholder post
    "orphan_thread": ("orphan", "the source named a thread that is not in the export; "
                                "the reader made a placeholder post for it"),
    "missing_parent": ("missing_parent", "the source named a parent that is not a comment "
                                         "of this post; the reader made the reply top level"),
    "self_reply": ("self_reply", "the source named the comment as its own parent; "
                                 "the reader made it top level"),
    "cycle": ("cycle", "the source's parent links formed a cycle; "
                       "the reader cut it here (made top level)"),
    "reply_before_parent": ("reply_before_parent", "the source dates this reply before its parent"),
}

_COLUMNS = ["comment_id", "post_id", "problem", "detail"]


def _text(value) -> str | None:
    """A plain ``str`` for a present value, ``None`` for any kind of missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    return text if text else None


def _column(frame: pd.DataFrame, name: str) -> list:
    if name not in frame.columns:  # schema-ok: threading runs on raw records, links optional
        return [None] * len(frame)
    return frame[name].tolist()


def _table_problems(comments: pd.DataFrame, posts: pd.DataFrame) -> list[dict]:
    """Problems visible in the current tables (whatever the flags say)."""
    rows: list[dict] = []
    ids = [_text(v) for v in _column(comments, "comment_id")]
    post_ids = [_text(v) for v in _column(comments, "post_id")]
    parent_ids = [_text(v) for v in _column(comments, "parent_id")]
    published = pd.to_datetime(
        pd.Series(_column(comments, "published"), dtype="object"), utc=True, errors="coerce"
    ).tolist()
    known_posts = {_text(v) for v in _column(posts, "post_id")} - {None}

    def add(index: int, problem: str, detail: str) -> None:
        rows.append({"comment_id": ids[index], "post_id": post_ids[index],
                     "problem": problem, "detail": detail, "_row": index})

    first_index: dict[str, int] = {}
    for index, comment_id in enumerate(ids):
        if comment_id is None:
            add(index, "duplicate_id", "the comment has no id")
        elif comment_id in first_index:
            add(index, "duplicate_id",
                f"id also used by row {first_index[comment_id] + 1} of the comments table")
        else:
            first_index[comment_id] = index

    for index, post_id in enumerate(post_ids):
        if post_id is None:
            add(index, "orphan", "the comment names no post")
        elif post_id not in known_posts:
            add(index, "orphan", f"post {post_id} is not in the posts table")

    for index, parent_id in enumerate(parent_ids):
        if parent_id is None:
            continue
        if parent_id == ids[index]:
            add(index, "self_reply", "the comment is its own parent")
            continue
        parent_index = first_index.get(parent_id)
        if parent_index is None:
            add(index, "missing_parent", f"parent {parent_id} is not in the comments table")
            continue
        if post_ids[parent_index] != post_ids[index]:
            add(index, "missing_parent",
                f"parent {parent_id} belongs to post {post_ids[parent_index]}, not {post_ids[index]}")
            continue
        mine, theirs = published[index], published[parent_index]
        if not pd.isna(mine) and not pd.isna(theirs) and mine < theirs:
            add(index, "reply_before_parent",
                f"published {mine.isoformat()}, before its parent {parent_id} "
                f"({theirs.isoformat()})")

    # Cycles: follow parent links from every comment; a walk that comes back to a comment
    # already on its own path has found a cycle (self-replies are reported above).
    parent_of = {
        cid: pid for cid, pid in zip(ids, parent_ids)
        if cid is not None and pid is not None and pid != cid and pid in first_index
    }
    settled: set[str] = set()
    for start in first_index:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in settled:
            if node in on_path:
                cycle = path[path.index(node):]
                description = " → ".join(cycle + [node])
                for member in cycle:
                    add(first_index[member], "cycle", f"parent links form a cycle: {description}")
                break
            path.append(node)
            on_path.add(node)
            node = parent_of.get(node)
        settled.update(path)
    return rows


def _flag_problems(comments: pd.DataFrame) -> list[dict]:
    """Problems a reader repaired and recorded in the ``flags`` column."""
    rows: list[dict] = []
    for index, (comment_id, post_id, flags) in enumerate(zip(
        _column(comments, "comment_id"), _column(comments, "post_id"), _column(comments, "flags")
    )):
        flags = _text(flags)
        if flags is None:
            continue
        for flag in flags.split(";"):
            if flag.strip() in FLAG_PROBLEMS:
                problem, detail = FLAG_PROBLEMS[flag.strip()]
                rows.append({"comment_id": _text(comment_id), "post_id": _text(post_id),
                             "problem": problem, "detail": f"repaired: {detail}",
                             "_row": index})
    return rows


def check_threads(corpus: Corpus) -> pd.DataFrame:
    """Return one row per thread problem in ``corpus``; an empty table when threads are sound.

    Two kinds of evidence are reported together. Problems still present in the tables:
    a comment id used twice or missing (``duplicate_id``), a comment whose post is not in
    the posts table (``orphan``), a parent that is not a comment of the same post
    (``missing_parent``), a comment that is its own parent (``self_reply``), parent links
    that loop (``cycle``, one row per comment on the loop) and a reply published before
    its parent (``reply_before_parent``). Problems a reader repaired and recorded in the
    ``flags`` column (see :data:`FLAG_PROBLEMS`; ``orphan_thread`` from the Disqus and
    Blogger readers counts as ``orphan``) are reported under the same names, with a
    ``detail`` starting ``repaired:``. A comment with the same problem in both is
    reported once (the table's evidence wins). Flags that name no thread problem (such as
    ``parent_deleted``: the parent is there, only deleted) are not reported.

    Parameters
    ----------
    corpus
        Any corpus; it is not changed.

    Returns
    -------
    pandas.DataFrame
        Columns ``comment_id``, ``post_id`` (string), ``problem`` (ordered categorical,
        :data:`THREAD_PROBLEMS`) and ``detail`` (string), sorted by problem then comments'
        page order.

    Raises
    ------
    Nothing: a problem is a row, never an exception or a printed line.

    Examples
    --------
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "title": "A post"}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "First",
    ...                "published": "2024-05-02T10:00Z"},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1",
    ...                "text": "Earlier?", "published": "2024-05-01T10:00Z"},
    ...               {"comment_id": "p1.c3", "post_id": "p1", "parent_id": "p1.c9",
    ...                "text": "Lost parent"}])
    >>> check_threads(corpus)[["comment_id", "problem"]]
      comment_id              problem
    0      p1.c3       missing_parent
    1      p1.c2  reply_before_parent
    """
    comments = corpus.comments
    posts = corpus.posts
    rows = _table_problems(comments, posts) + _flag_problems(comments)
    table = pd.DataFrame(rows, columns=[*_COLUMNS, "_row"])
    if table.empty:
        table = pd.DataFrame({name: pd.Series([], dtype="string") for name in _COLUMNS})
        table["problem"] = table["problem"].astype(PROBLEM_DTYPE)
        return table
    # table evidence comes first in ``rows``, so it wins over a flag for the same problem
    table = table.drop_duplicates(subset=["_row", "problem"], keep="first")
    for name in ("comment_id", "post_id", "detail"):
        table[name] = table[name].astype("string")
    table["problem"] = table["problem"].astype(PROBLEM_DTYPE)
    table = table.sort_values(["problem", "_row"], kind="stable")
    return table[_COLUMNS].reset_index(drop=True)
