"""Read a Disqus XML export: flat comments linked to threads and parents by ``dsq:id``.

A Disqus export (root ``<disqus xmlns="http://disqus.com">``) lists ``<category>``,
``<thread dsq:id="...">`` (one per page that had comments: link, title, createdAt,
author) and ``<post dsq:id="...">`` (one per comment: message HTML, createdAt, isDeleted,
isSpam, author name, ``<thread dsq:id="..."/>`` and, for a reply, ``<parent dsq:id="..."/>``),
flat and in any order. Each thread becomes a post of the corpus and each Disqus post a
comment:

=====================  ==========================================================
Disqus                 corpus
=====================  ==========================================================
``thread dsq:id``      ``post_id`` = ``make_post_id(file stem, dsq:id)``
``post dsq:id``        ``comment_id`` = ``make_comment_id(post_id, dsq:id)``
``parent dsq:id``      ``parent_id``
``isSpam``/``isDeleted`` ``status``: ``spam``, ``deleted`` or ``approved``
``createdAt``          ``published`` (UTC)
``message``            ``text``: the HTML as plain text, paragraphs kept
=====================  ==========================================================

Nothing is dropped. A comment whose thread is not in the file keeps its thread id: the
corpus gets a placeholder post for that thread (posts column ``flags`` =
``missing_thread``) and the comment is flagged ``orphan_thread``. A comment whose parent is
missing becomes top level, flagged ``missing_parent`` (by :meth:`Corpus.from_records`). A
deleted comment stays, with its (usually empty) text and status ``deleted``, so its replies
keep their place in the thread; each reply is flagged ``parent_deleted``.
"""

from __future__ import annotations

import functools

import pandas as pd

from msdiscourse.corpus import Corpus, make_comment_id, make_post_id, string_chunks
from msdiscourse.errors import ErrorPolicy, check_on_error
from msdiscourse.io._dates import parse_date_fast, read_date
from msdiscourse.io._html_text import html_to_text
from msdiscourse.io._source import paused_gc
from msdiscourse.io._xml import (
    _LOCAL_NAMES,
    ColumnBuilder,
    XmlStream,
    cached_local_name,
    end_line,
    display_order,
    rows_to_columns,
    string_columns,
    text_of,
    unique_id,
)
from msdiscourse.text import normalise_text

__all__ = ["read_disqus", "DISQUS_NAMESPACE", "DSQ_NAMESPACE"]

DISQUS_NAMESPACE = "http://disqus.com"
DSQ_NAMESPACE = "http://disqus.com/disqus-internals"
_DSQ_ID = f"{{{DSQ_NAMESPACE}}}id"
_FORMAT = "a Disqus XML export"
_ROOT = 'a <disqus xmlns="http://disqus.com"> root'
_NO_THREAD = "no-thread"


def read_disqus(path_or_buffer, *, on_error: str = "raise") -> Corpus:
    """Read a Disqus XML export into a corpus, one post per thread.

    Parameters
    ----------
    path_or_buffer
        A path, or an open file or ``io.StringIO``/``io.BytesIO`` holding the export.
    on_error
        What to do with a ``<post>`` or ``<thread>`` without ``dsq:id`` (it cannot be
        linked) or a malformed date: ``"raise"``, ``"warn"`` or ``"collect"`` (kept as an
        ``unparsed`` row). Input that is not a readable Disqus export always raises.

    Returns
    -------
    Corpus
        ``posts`` (one per thread, plus a placeholder per thread that comments name but the
        file lacks) with extra columns ``url``, ``status`` (open, closed, deleted) and
        ``flags``; ``comments`` with extra columns ``kind`` (always ``comment``) and
        ``status`` (approved, spam, deleted), in display order (threads depth first,
        oldest first), flags ``orphan_thread``, ``parent_deleted``, ``missing_parent``.

    Raises
    ------
    ParseError
        When the input is not well-formed XML, not a Disqus export, declares entities or
        is truncated; naming the file and line.

    Examples
    --------
    >>> import io
    >>> export = io.StringIO('''<disqus xmlns="http://disqus.com"
    ...   xmlns:dsq="http://disqus.com/disqus-internals">
    ... <post dsq:id="11"><message>&lt;p&gt;Agreed.&lt;/p&gt;</message>
    ...   <author><name>Bob</name></author><thread dsq:id="1"/><parent dsq:id="10"/></post>
    ... <thread dsq:id="1"><title>Fatigue</title></thread>
    ... <post dsq:id="10"><message>First.</message><author><name>Ann</name></author>
    ...   <thread dsq:id="1"/></post>
    ... </disqus>''')
    >>> read_disqus(export).comments[["comment_id", "parent_id", "author", "text", "depth"]]
         comment_id     parent_id author     text  depth
    0  disqus:1.c10          <NA>    Ann   First.      0
    1  disqus:1.c11  disqus:1.c10    Bob  Agreed.      1
    """
    check_on_error(on_error)
    stream = XmlStream(path_or_buffer, default_stem="disqus", format_label=_FORMAT)
    root = stream.probe()
    if root.name != "disqus" or root.namespace != DISQUS_NAMESPACE:
        namespace = f" in namespace {root.namespace}" if root.namespace else ""
        raise stream.error(root.line, expected=f"{_FORMAT}: {_ROOT}",
                           found=f"the root element <{root.name}>{namespace}")
    policy = ErrorPolicy(stream.name, on_error=on_error)
    thread_tag, post_tag = f"{{{DISQUS_NAMESPACE}}}thread", f"{{{DISQUS_NAMESPACE}}}post"
    with paused_gc():  # the rows are plain data, without reference cycles to collect
        corpus = _read(stream, policy, thread_tag, post_tag)
    return string_columns(corpus, posts=("url", "status", "flags"), comments=("kind", "status"))


def _read(stream: XmlStream, policy: ErrorPolicy, thread_tag: str, post_tag: str) -> Corpus:
    """The threads and posts of a Disqus export, as a corpus."""
    threads: dict[str, dict] = {}
    comments = ColumnBuilder()  # the posts as read
    for element in stream.records((thread_tag, post_tag), depth=1):
        line_start, line_end = element.sourceline, end_line(element)
        fields, links, author = _fields(element)
        dsq_id = (element.get(_DSQ_ID) or "").strip()
        what = "thread" if element.tag == thread_tag else "post"
        if not dsq_id:
            policy.unplaced(line_start, line_end, fields.get("message") or fields.get("title", ""),
                            reason=f"{what} without dsq:id",
                            expected=f'a dsq:id attribute on each <{what}>', found="none")
            continue
        flags: list[str] = []
        published = read_date(fields.get("createdAt", ""), policy, line=line_start,
                              what="createdAt", example="2013-10-10T19:20:29Z", flags=flags,
                              parse=parse_date_fast)
        if what == "thread":
            key, repeated = unique_id(dsq_id, threads)  # a repeat keeps its own post
            if repeated:
                flags.append("duplicate_id")
            threads[key] = {
                "post_id": make_post_id(stream.stem, dsq_id) + key[len(dsq_id):],
                "source": stream.name,
                "source_format": "disqus",
                "title": _plain(fields.get("title", ""), inline=True) or None,
                "author": _name(author),
                "published": published,
                "body": _plain(fields.get("message", "")),
                "line_start": line_start,
                "line_end": line_end,
                "url": fields.get("link", "").strip() or None,
                "status": ("deleted" if _true(fields.get("isDeleted")) else
                           "closed" if _true(fields.get("isClosed")) else "open"),
                "flags": ";".join(flags),
            }
            continue
        comments.append({
            "dsq_id": dsq_id,
            "thread": links.get("thread") or _NO_THREAD,
            "parent": links.get("parent"),
            "author": _name(author),
            "text": _plain(fields.get("message", "")),
            "line_start": line_start,
            "line_end": line_end,
            "published": published,
            "is_deleted": _true(fields.get("isDeleted")),
            "status": ("spam" if _true(fields.get("isSpam")) else
                       "deleted" if _true(fields.get("isDeleted")) else "approved"),
            "flags": flags or None,  # most posts have none: no empty list each
        })
    posts, comment_columns = _assemble(stream, threads, comments.columns())
    return Corpus.from_columns(posts=rows_to_columns(posts), comments=comment_columns,
                               unparsed=policy.rows)


def _fields(element) -> tuple[dict[str, str], dict[str, str], str]:
    """Return the child texts, the dsq:ids of ``<thread>``/``<parent>`` and the author name."""
    fields: dict[str, str] = {}
    links: dict[str, str] = {}
    author = ""
    known = _LOCAL_NAMES.get
    for child in element:
        name = known(child.tag) or cached_local_name(child.tag)
        if name is None:  # a comment or processing instruction
            continue
        if name in ("thread", "parent"):
            linked = (child.get(_DSQ_ID) or "").strip()
            if linked:
                links[name] = linked
        elif name == "author":
            details = {}
            for detail in child:
                key = known(detail.tag) or cached_local_name(detail.tag)
                if key == "name" or key == "username":  # the last of each, as written
                    details[key] = text_of(detail).strip()
            author = details.get("name") or details.get("username", "")
        else:
            fields[name] = (child.text or "") if not len(child) else text_of(child)
    return fields, links, author


#: tag -> local name, filled as tags are met (a file uses a few dozen)


@functools.lru_cache(maxsize=4096)
def _name(author: str) -> str | None:
    """An author's name as text (cached: a few hundred names make most of a forum)."""
    return _plain(author, inline=True) or None


def _assemble(stream: XmlStream, threads: dict[str, dict], raw: dict):
    """Link comments to threads and parents, whatever order the file gave them in.

    ``raw`` holds the posts as read, as columns; returns the posts (records) and the
    comments (columns), each thread's comments in display order, threads in file order.
    """
    n = len(raw.get("dsq_id", ()))
    dsq_ids, thread_keys, parents = raw.get("dsq_id", []), raw.get("thread", []), raw.get("parent", [])
    deleted = {dsq_id for dsq_id, gone in zip(dsq_ids, raw.get("is_deleted", [])) if gone}
    posts = list(threads.values())
    for thread in thread_keys:
        if thread not in threads:  # placeholder: the thread is named but absent
            threads[thread] = {
                "post_id": make_post_id(stream.stem, thread),
                "source": stream.name,
                "source_format": "disqus",
                "flags": "missing_thread",
            }
            posts.append(threads[thread])
    by_thread: dict[str, list[int]] = {key: [] for key in threads}
    used: set[str] = set()
    comment_ids, post_ids, parent_ids, flag_texts = [], [], [], []
    for index in range(n):
        thread, parent = threads[thread_keys[index]], parents[index]
        post_id = thread["post_id"]
        flags = list(raw["flags"][index] or ())
        comment_id, repeated = unique_id(make_comment_id(post_id, dsq_ids[index]), used)
        used.add(comment_id)
        if repeated:
            flags.append("duplicate_id")
        if thread["flags"] == "missing_thread":
            flags.append("orphan_thread")
        if parent in deleted:
            flags.append("parent_deleted")
        comment_ids.append(comment_id)
        post_ids.append(post_id)
        parent_ids.append(make_comment_id(post_id, parent) if parent else None)
        flag_texts.append(";".join(flags))
        by_thread[thread_keys[index]].append(index)
    del dsq_ids, thread_keys, parents, deleted, used
    for name in ("dsq_id", "thread", "parent", "is_deleted", "flags"):  # read: free them now
        raw.pop(name, None)
    # siblings by date (undated last), then file order, as Disqus shows them
    published = raw.get("published", [])
    order: list[int] = []
    for places in by_thread.values():
        within = display_order([comment_ids[i] for i in places], [parent_ids[i] for i in places],
                               [(published[i] is None,
                                 published[i].timestamp() if published[i] else 0.0, i)
                                for i in places])
        order.extend(places[i] for i in within)
    del by_thread
    text = _reordered(raw, order)  # first, while the least else is held
    columns = {
        "comment_id": [comment_ids[i] for i in order],
        "post_id": [post_ids[i] for i in order],
        "parent_id": [parent_ids[i] for i in order],
        "author": [raw["author"][i] for i in order],
        "text": text,
        "line_start": [raw["line_start"][i] for i in order],
        "line_end": [raw["line_end"][i] for i in order],
        "published": [published[i] for i in order],
        "flags": [flag_texts[i] for i in order],
        "kind": ["comment"] * len(order),
        "status": [raw["status"][i] for i in order],
    }
    if not order:
        columns = {}
    return posts, columns


def _reordered(raw: dict, order: list[int]):
    """``raw``'s text column, taken out of ``raw``, in ``order``, as a ``string`` Series.

    The texts move to Arrow a batch at a time and each batch's Python strings are freed
    at once, so that the column is held about once, not twice.
    """
    text = raw.pop("text", [])
    ordered = [text[i] for i in order]
    del text
    if not all(type(value) is str for value in ordered):  # pragma: no cover - always text
        return ordered
    chunks = []
    for start in range(0, len(ordered), _TEXT_BATCH):
        stop = min(start + _TEXT_BATCH, len(ordered))
        converted = string_chunks(ordered[start:stop])
        if converted is None:  # pragma: no cover - strings not stored in Arrow
            return ordered
        chunks.extend(converted)
        ordered[start:stop] = [None] * (stop - start)  # the batch's strings are freed
    import pyarrow as pa

    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string())),
                     copy=False)


_TEXT_BATCH = 4096


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _plain(html: str, *, inline: bool = False) -> str:
    text = html_to_text(html, keep_newlines=not inline)
    return text if text.isascii() else normalise_text(text)
