"""Read a Blogger export: the classic Atom ``blog-*.xml`` and the Takeout ``feed.atom``.

Both are Atom feeds (root ``<feed xmlns="http://www.w3.org/2005/Atom">``) with one
``<entry>`` per post, page, comment and, in the classic export, per template and setting.

Classic export (Settings > Back up content, ``blog-MM-DD-YYYY.xml``)
    The entry's kind is a category with scheme ``http://schemas.google.com/g/2005#kind``
    and term ``http://schemas.google.com/blogger/2008/kind#post`` (``#page``, ``#comment``,
    ``#template``, ``#settings``). Labels are categories with scheme
    ``http://www.blogger.com/atom/ns#``. A comment names its post in
    ``<thr:in-reply-to ref="...post-ID">``; a reply to another comment also carries
    ``<link rel="related" href=".../comments/default/PARENT-ID">``. Drafts carry
    ``<app:control><app:draft>yes</app:draft></app:control>``, and real exports use that
    ``app:`` prefix without declaring it, which this reader tolerates.

Takeout (``Takeout/Blogger/Blogs/NAME/feed.atom``)
    The kind and state are elements in the ``http://schemas.google.com/blogger/2018``
    namespace: ``<blogger:type>`` POST, PAGE or COMMENT, ``<blogger:status>`` LIVE, DRAFT,
    ...; a comment names its post in ``<blogger:parent>`` and the comment it answers in
    ``<blogger:inReplyTo>``. Every ``<category term>`` is a label.

Ids are keyed by the file stem, or for a Takeout ``feed.atom`` by its blog's folder name.
An entry without ``<id>`` is identified by its link (the ``self``/``edit`` link's last
segment, a comment permalink's ``#cN``, else the permalink's path) and flagged
``id_from_link``; only an entry with neither goes to ``unparsed``.
Template and settings entries are skipped and counted as ``unparsed`` notes (their title);
an entry of an undocumented kind is kept as an ``unparsed`` note with its title and
content. Comments may come before their post (Takeout does that); a comment whose post is
not in the file gets a placeholder post (``flags`` = ``missing_thread``) and the flag ``orphan_thread``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from msdiscourse.corpus import Corpus, make_comment_id, make_post_id
from msdiscourse.errors import ErrorPolicy, check_on_error
from msdiscourse.io._dates import read_date
from msdiscourse.io._html_text import html_to_text
from msdiscourse.io._xml import (
    XmlStream,
    end_line,
    local_name,
    namespace_of,
    in_display_order,
    rows_to_columns,
    string_columns,
    text_of,
    unique_id,
)
from msdiscourse.text import normalise_text

__all__ = ["read_blogger", "ATOM_NAMESPACE", "KIND_SCHEME", "LABEL_SCHEME"]

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
THREAD_NAMESPACE = "http://purl.org/syndication/thread/1.0"
TAKEOUT_NAMESPACE = "http://schemas.google.com/blogger/2018"

_FORMAT = "a Blogger Atom export"
_ROOT = 'a <feed xmlns="http://www.w3.org/2005/Atom"> root'
_ENTRY = f"{{{ATOM_NAMESPACE}}}entry"
#: kinds read; the rest (template, settings, anything new) are skipped and noted
_CONTENT_KINDS = ("post", "page", "comment")
#: documented kinds that hold no one's words: noted by their title only
_FURNITURE_KINDS = ("template", "settings")
#: Takeout <blogger:status> -> comment status (classic exports hold only published comments)
_COMMENT_STATUSES = {"live": "approved", "draft": "pending", "pending": "pending",
                     "spam": "spam", "deleted": "deleted", "soft_trashed": "trash",
                     "trashed": "trash"}
_LOCAL_ID = re.compile(r"(?:post|page|comment)-(\w+)\s*$")
_COMMENT_ANCHOR = re.compile(r"#c(\d+)$")


def read_blogger(path_or_buffer, *, on_error: str = "raise") -> Corpus:
    """Read a Blogger Atom export (classic ``blog-*.xml`` or Takeout ``feed.atom``).

    Parameters
    ----------
    path_or_buffer
        A path, or an open file or ``io.StringIO``/``io.BytesIO`` holding the export.
    on_error
        What to do with an entry that cannot be placed (a comment naming no post, an
        entry with neither ``<id>`` nor a link) or a malformed or out-of-range date:
        ``"raise"``, ``"warn"`` or ``"collect"`` (kept as an ``unparsed`` row). Input that
        is not a readable Blogger export always raises.

    Returns
    -------
    Corpus
        ``posts`` (posts and pages) with extra columns ``kind``, ``status`` (live, draft
        ...), ``url`` and ``flags``; ``comments`` with ``kind`` (``comment``) and
        ``status`` (approved, pending, spam, deleted, trash), threaded by reply links where
        the export has them, in display order; ``unparsed`` notes for template and
        settings entries.

    Raises
    ------
    ParseError
        When the input is not well-formed XML, not an Atom feed, declares entities or is
        truncated; naming the file and line.

    Examples
    --------
    >>> import io
    >>> export = io.StringIO('''<feed xmlns="http://www.w3.org/2005/Atom"
    ...  xmlns:thr="http://purl.org/syndication/thread/1.0">
    ... <entry><id>tag:blogger.com,1999:blog-1.post-10</id>
    ...  <category scheme="http://schemas.google.com/g/2005#kind"
    ...            term="http://schemas.google.com/blogger/2008/kind#post"/>
    ...  <category scheme="http://www.blogger.com/atom/ns#" term="fatigue"/>
    ...  <title type="text">Tired?</title><content type="html">Me too.</content></entry>
    ... <entry><id>tag:blogger.com,1999:blog-1.post-11</id>
    ...  <category scheme="http://schemas.google.com/g/2005#kind"
    ...            term="http://schemas.google.com/blogger/2008/kind#comment"/>
    ...  <content type="html">Always.</content><author><name>Ann</name></author>
    ...  <thr:in-reply-to ref="tag:blogger.com,1999:blog-1.post-10"/></entry>
    ... </feed>''')
    >>> corpus = read_blogger(export)
    >>> corpus.posts[["post_id", "title", "tags"]]
          post_id   title       tags
    0  blogger:10  Tired?  [fatigue]
    >>> corpus.comments[["comment_id", "post_id", "author", "text"]]
           comment_id     post_id author     text
    0  blogger:10.c11  blogger:10    Ann  Always.
    """
    check_on_error(on_error)
    stream = XmlStream(path_or_buffer, default_stem="blogger", format_label=_FORMAT)
    root = stream.probe()
    if root.name != "feed" or root.namespace != ATOM_NAMESPACE:
        namespace = f" in namespace {root.namespace}" if root.namespace else ""
        raise stream.error(root.line, expected=f"{_FORMAT}: {_ROOT}",
                           found=f"the root element <{root.name}>{namespace}")
    if stream.path is not None and stream.stem == "feed" and stream.path.parent.name:
        # every Takeout blog is Blogs/NAME/feed.atom: the blog's folder keeps ids apart
        stream.stem = make_post_id(stream.path.parent.name)
    policy = ErrorPolicy(stream.name, on_error=on_error)
    posts: dict[str, dict] = {}
    comments: list[dict] = []
    for element in stream.records((_ENTRY,), depth=1):
        entry = _read_entry(element)
        line_start, line_end = element.sourceline, end_line(element)
        kind = entry["kind"]
        if kind not in _CONTENT_KINDS:
            # a template or a setting is blog furniture: its title names it; an entry of a kind
            # Blogger does not document may be someone's words, so its content is kept too
            kept = entry["title"].strip()
            if kind not in _FURNITURE_KINDS and entry["content"].strip():
                kept = "\n".join(part for part in (kept, entry["content"].strip()) if part)
            policy.note(line_start, line_end, kept,
                        reason=f"skipped {kind or 'unknown-kind'} entry (not a post, page or comment)")
            continue
        flags: list[str] = []
        local_id = _local_id(entry["id"])
        if not local_id:
            local_id = _id_from_links(entry["links"])
            if local_id:
                flags.append("id_from_link")
        if not local_id:
            policy.unplaced(line_start, line_end, entry["content"], reason=f"{kind} without id",
                            expected=f"an <id> (or a link) in each {kind} entry", found="neither")
            continue
        published = read_date(entry["published"], policy, line=line_start, what="<published>",
                              example="2010-11-27T07:12:00.000-08:00", flags=flags)
        html = entry["content_type"] in ("html", "xhtml")
        if kind in ("post", "page"):
            key, repeated = unique_id(local_id, posts)  # a repeat keeps its own post
            if repeated:
                flags.append("duplicate_id")
            post_id = make_post_id(stream.stem, local_id) + key[len(local_id):]
            posts[key] = {
                "post_id": post_id,
                "source": stream.name,
                "source_format": "blogger",
                "title": _plain(entry["title"], html=entry["title_type"] == "html", inline=True) or None,
                "author": _plain(entry["author"], html=False, inline=True) or None,
                "tags": list(dict.fromkeys(entry["labels"])),
                "published": published,
                "body": _plain(entry["content"], html=html),
                "line_start": line_start,
                "line_end": line_end,
                "kind": kind,
                "status": entry["status"] or ("draft" if entry["draft"] else "live"),
                "url": entry["url"],
                "flags": ";".join(flags),
            }
            continue
        post_local = _local_id(entry["post_ref"])
        if not post_local:
            policy.unplaced(line_start, line_end, entry["content"], reason="comment without post",
                            expected="<thr:in-reply-to ref> or <blogger:parent> naming the post",
                            found="neither")
            continue
        comments.append({
            "local_id": local_id,
            "post": post_local,
            "parent": _local_id(entry["parent_ref"]) or None,
            "author": _plain(entry["author"], html=False, inline=True) or None,
            "text": _plain(entry["content"], html=html),
            "line_start": line_start,
            "line_end": line_end,
            "published": published,
            "status": _COMMENT_STATUSES.get(entry["status"], entry["status"] or "approved"),
            "flags": flags,
            "order": len(comments),
        })
    post_rows, comment_rows = _assemble(stream, posts, comments)
    comments.clear()  # the raw rows, now copied into comment_rows
    corpus = Corpus.from_columns(posts=rows_to_columns(post_rows),
                                 comments=rows_to_columns(comment_rows), unparsed=policy.rows)
    return string_columns(corpus, posts=("kind", "status", "url", "flags"),
                          comments=("kind", "status"))


def _read_entry(element) -> dict:
    """Collect what we use from one ``<entry>``, classic or Takeout."""
    entry = {"id": "", "kind": "", "labels": [], "title": "", "title_type": "text",
             "content": "", "content_type": "text", "published": "", "author": "",
             "url": None, "post_ref": "", "parent_ref": "", "draft": False, "status": "",
             "links": []}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name, namespace = local_name(child.tag), namespace_of(child.tag)
        if namespace == TAKEOUT_NAMESPACE:
            if name == "type":
                entry["kind"] = text_of(child).strip().lower()
            elif name == "status":
                entry["status"] = text_of(child).strip().lower()
            elif name == "parent":
                entry["post_ref"] = text_of(child).strip()
            elif name == "inReplyTo":
                entry["parent_ref"] = text_of(child).strip()
        elif name == "id":
            entry["id"] = text_of(child).strip()
        elif name == "category":
            scheme, term = child.get("scheme", ""), (child.get("term") or "").strip()
            if scheme == KIND_SCHEME:
                entry["kind"] = term.removeprefix(KIND_PREFIX).lower()
            elif term:
                entry["labels"].append(term)
        elif name == "title":
            entry["title"], entry["title_type"] = text_of(child), child.get("type", "text")
        elif name == "content":
            entry["content"], entry["content_type"] = text_of(child), child.get("type", "text")
        elif name == "published":
            entry["published"] = text_of(child).strip()
        elif name == "author":
            names = [text_of(c).strip() for c in child if isinstance(c.tag, str)
                     and local_name(c.tag) == "name"]
            entry["author"] = names[0] if names else ""
        elif name == "link":
            rel = child.get("rel", "")
            entry["links"].append((rel, (child.get("href") or "").strip()))
            if rel == "alternate" and entry["url"] is None:
                entry["url"] = child.get("href")
            elif rel == "related":  # classic: the comment this one answers
                entry["parent_ref"] = child.get("href", "")
        elif name == "in-reply-to" and namespace == THREAD_NAMESPACE:
            entry["post_ref"] = child.get("ref", "")
        elif name == "control":  # app:control, declared or not
            entry["draft"] = any(local_name(c.tag) == "draft" and text_of(c).strip() == "yes"
                                 for c in child if isinstance(c.tag, str))
    return entry


def _local_id(reference: str | None) -> str:
    """``tag:blogger.com,1999:blog-1.post-42`` or ``.../comments/default/42`` -> ``42``."""
    reference = (reference or "").strip()
    if not reference:
        return ""
    match = _LOCAL_ID.search(reference)
    if match:
        return match.group(1)
    return reference.rstrip("/").rsplit("/", 1)[-1].split("?")[0]


def _id_from_links(links: list[tuple[str, str]]) -> str:
    """An entry's local id from its links, for an entry without ``<id>``.

    >>> _id_from_links([("self", "https://www.blogger.com/feeds/1/posts/default/42")])
    '42'
    >>> _id_from_links([("alternate", "https://x.blogspot.com/2012/03/a.html?showComment=1#c77")])
    '77'
    >>> _id_from_links([("alternate", "https://x.blogspot.com/2012/03/tired.html")])
    '2012/03/tired'
    """
    for rel, href in links:
        if rel in ("self", "edit") and href:
            found = _local_id(href)
            if found:
                return found
    for rel, href in links:
        if rel == "alternate" and href:
            anchor = _COMMENT_ANCHOR.search(href)
            if anchor:
                return anchor.group(1)
            path = urlsplit(href).path.strip("/").removesuffix(".html")
            if path:
                return path
    return ""


def _assemble(stream: XmlStream, posts: dict[str, dict], comments: list[dict]):
    """Attach comments to their posts (placeholders for missing ones) in display order."""
    post_rows = list(posts.values())
    for row in comments:
        if row["post"] not in posts:
            posts[row["post"]] = {
                "post_id": make_post_id(stream.stem, row["post"]),
                "source": stream.name,
                "source_format": "blogger",
                "flags": "missing_thread",
            }
            post_rows.append(posts[row["post"]])
    by_post: dict[str, list[dict]] = {key: [] for key in posts}
    used: set[str] = set()
    for row in comments:
        post = posts[row["post"]]
        comment_id, repeated = unique_id(make_comment_id(post["post_id"], row["local_id"]), used)
        used.add(comment_id)
        by_post[row["post"]].append({
            "comment_id": comment_id,
            "post_id": post["post_id"],
            "parent_id": make_comment_id(post["post_id"], row["parent"]) if row["parent"] else None,
            "author": row["author"],
            "text": row["text"],
            "line_start": row["line_start"],
            "line_end": row["line_end"],
            "published": row["published"],
            "flags": ";".join((["orphan_thread"] if post["flags"] == "missing_thread" else [])
                              + row["flags"] + (["duplicate_id"] if repeated else [])),
            "kind": "comment",
            "status": row["status"],
            "_order": row["order"],
        })
    rows = in_display_order(by_post)
    return post_rows, rows


def _plain(text: str, *, html: bool, inline: bool = False) -> str:
    if html:
        text = html_to_text(text, keep_newlines=not inline)
    else:
        text = " ".join(text.split()) if inline else text.strip()
    return text if text.isascii() else normalise_text(text)
