"""Read a WordPress export (WXR, "WordPress eXtended RSS", versions 1.0 to 1.2).

A WXR file is RSS 2.0 with WordPress' own namespace, whose URI names the version
(``http://wordpress.org/export/1.0/`` ... ``1.2/``); the elements are the same in all three,
so any version is read alike. ``<channel>`` holds the authors (``wp:author``), the terms,
and one ``<item>`` per post, page, attachment, menu item or other post type. Posts and pages
become rows of ``corpus.posts``; every other item is skipped and counted as an ``unparsed``
note. Each ``wp:comment`` of a post becomes a row of ``corpus.comments``:

=====================  ==========================================================
WXR                    corpus
=====================  ==========================================================
``wp:post_id``         ``post_id`` = ``make_post_id(file stem, wp:post_id)``
``wp:comment_id``      ``comment_id`` = ``make_comment_id(post_id, wp:comment_id)``
                       (comment ids repeat across posts in merged exports; ours don't)
``wp:comment_parent``  ``parent_id`` (``0`` = a reply to the post)
``wp:comment_type``    ``kind``: ``comment`` (empty or "comment"), ``pingback``,
                       ``trackback`` (other plugin types kept as written)
``wp:comment_approved`` ``status``: ``approved`` (1), ``pending`` (0), ``spam``, ``trash``
``wp:comment_date_gmt`` ``published``, timezone-aware UTC
``wp:comment_content`` ``text``: the HTML as plain text, paragraphs kept
=====================  ==========================================================

Posts get ``kind`` (``post`` or ``page``), ``status`` (``publish``, ``draft`` ...), ``url``, their
categories and tags as ``tags``, and the author's display name from ``wp:author`` when the
export lists it (``dc:creator`` holds only the login). Block footnotes (the post meta
``footnotes``, a JSON list the block editor writes) are appended to the body in their
order, one line each (``1. text``), after a blank line.

Like WordPress' importer, the reader follows the ``wp:`` prefix: the namespace may be
``http`` or ``https`` and any ``export/1.x`` version; one WordPress does not write itself is
named in a :class:`NamespaceWarning`. Real files are repaired, never refused, for:

- an item without ``wp:post_id``: the id comes from ``?p=N`` in ``<link>`` or ``<guid>``
  (posts ``flags`` = ``post_id_from_link``), else from the item's position in the file
  (``item-N``, flag ``post_id_from_position``);
- a ``wp:post_id`` (or, within a post, a ``wp:comment_id``) repeated in one file, as in
  hand-merged exports: the repeat gets ``<id>~2`` (``~3`` ...), in file order, and the flag
  ``duplicate_id``;
- a date pandas cannot hold (``9999-12-31``) or that does not exist: missing, with the flag
  ``date_out_of_range`` or ``bad_date`` and an ``unparsed`` row keeping the text (a
  :class:`~msdiscourse.errors.ParseError` under ``on_error="raise"``).

Titles and names are text: ``some &lt;html&gt; entities`` stays ``some <html> entities``
(only inline formatting tags such as ``<em>`` are removed).
"""

from __future__ import annotations

import functools
import html
import json
import re
import warnings

from msdiscourse.corpus import Corpus, make_comment_id, make_post_id
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
    local_name,
    namespace_of,
    order_as_displayed,
    rows_to_columns,
    string_columns,
    text_of,
)
from msdiscourse.text import normalise_text

__all__ = ["read_wxr", "COMMENT_KINDS", "COMMENT_STATUSES", "POST_TYPES", "NamespaceWarning",
           "WP_NAMESPACES"]

#: the namespaces WordPress itself writes; any other accepted one is named in a warning
WP_NAMESPACES = tuple(f"http://wordpress.org/export/1.{n}/" for n in range(3))
#: what WordPress' parsers accept (they follow the ``wp:`` prefix): http or https, any 1.x
_WP_URI = re.compile(r"^https?://(?:www\.)?wordpress\.org/export/1\.(\d+)/?$")
#: a post id in a permalink or guid: ``?p=4``, ``?page_id=4``
_ID_IN_LINK = re.compile(r"[?&](?:p|page_id)=(\d+)(?:[&#]|$)")
#: inline formatting a title may carry (removed); anything else in a title is literal text
_TITLE_TAG = re.compile(
    r"</?(?:em|strong|b|i|u|s|span|a|sup|sub|code|mark|small|abbr|cite|q|del|ins|br)"
    r"(?:\s[^<>]*)?/?>", re.IGNORECASE)
_CHARACTER_REFERENCE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class NamespaceWarning(UserWarning):
    """A WXR file declares its WordPress namespace in a form WordPress does not write.

    The file is read all the same (WordPress' importer follows the ``wp:`` prefix); the
    warning names the namespace seen, because a site-wide http -> https search and
    replace is the usual cause and may have changed links in the text too.
    """
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"

#: item types read as posts; any other (attachment, nav_menu_item, revision ...) is noted
POST_TYPES = ("post", "page")
#: wp:comment_type -> kind
COMMENT_KINDS = {"": "comment", "comment": "comment", "pingback": "pingback", "trackback": "trackback"}
#: wp:comment_approved -> status
COMMENT_STATUSES = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash",
                    "post-trashed": "trash"}
#: item categories that are tags for us: WXR 1.0 writes "tag", later versions "post_tag";
#: WXR 1.0 also repeats each category without a domain
_TAG_DOMAINS = {"category", "post_tag", "tag", None}

_FORMAT = "a WordPress WXR export"
_ROOT = "an <rss> root declaring the http://wordpress.org/export/1.x/ namespace"


def read_wxr(path_or_buffer, *, on_error: str = "raise") -> Corpus:
    """Read a WordPress WXR export (1.0, 1.1 or 1.2) into a corpus.

    Parameters
    ----------
    path_or_buffer
        A path, or an open file or ``io.StringIO``/``io.BytesIO`` holding the export.
    on_error
        What to do with a comment that cannot be placed (no ``wp:comment_id``) or a value
        that cannot be read (a malformed date): ``"raise"`` a :class:`ParseError`,
        ``"warn"`` and keep it as an ``unparsed`` row, or ``"collect"`` it silently. Input
        that is not a readable WXR file raises whatever this says.

    Returns
    -------
    Corpus
        ``posts`` with extra columns ``kind``, ``status`` and ``url``; ``comments`` with extra
        columns ``kind`` (comment, pingback, trackback) and ``status`` (approved, pending,
        spam, trash), in the order the blog shows them (threads depth first, by date);
        ``unparsed`` with one ``skipped ...`` note per item that is not a post or a page.

    Raises
    ------
    ParseError
        When the input is not well-formed XML, is not WXR, declares entities or is
        truncated; naming the file and line.

    Examples
    --------
    >>> import io
    >>> export = io.StringIO('''<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>
    ... <item><title>Hello</title><wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type>
    ...  <wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Ann</wp:comment_author>
    ...   <wp:comment_content>Great!</wp:comment_content><wp:comment_parent>0</wp:comment_parent>
    ...  </wp:comment>
    ...  <wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_author>Bob</wp:comment_author>
    ...   <wp:comment_content>Is it?</wp:comment_content><wp:comment_parent>1</wp:comment_parent>
    ...  </wp:comment></item></channel></rss>''')
    >>> corpus = read_wxr(export)
    >>> corpus.comments[["comment_id", "parent_id", "author", "text", "kind", "depth"]]
      comment_id parent_id author    text     kind  depth
    0   wxr:7.c1      <NA>    Ann  Great!  comment      0
    1   wxr:7.c2  wxr:7.c1    Bob  Is it?  comment      1
    """
    check_on_error(on_error)
    stream = XmlStream(path_or_buffer, default_stem="wxr", format_label=_FORMAT)
    root = stream.probe()
    wp_namespace = _wp_namespace(root.nsmap) if root.name == "rss" else None
    if wp_namespace is None:
        raise stream.error(root.line, expected=f"{_FORMAT}: {_ROOT}", found=_describe_root(root))
    if wp_namespace not in WP_NAMESPACES:
        warnings.warn(
            f"{stream.name}, line {root.line}: WordPress namespace {wp_namespace!r}, which "
            "WordPress does not write itself (it writes http://wordpress.org/export/1.x/); "
            "read as WXR, as WordPress' importer does", NamespaceWarning, stacklevel=2)
    policy = ErrorPolicy(stream.name, on_error=on_error)
    reader = _WxrReader(stream, policy, wp_namespace)
    with paused_gc():  # the rows are plain data, without reference cycles to collect
        for element in stream.records(("item", "{*}author"), depth=2):
            if element.tag == "item":
                reader.item(element)
            elif reader.is_wp(namespace_of(element.tag)):
                reader.author(element)
        corpus = Corpus.from_columns(posts=rows_to_columns(reader.posts),
                                     comments=reader.comments(),
                                     unparsed=policy.rows)
    return string_columns(corpus, posts=("kind", "status", "url", "flags"),
                          comments=("kind", "status"))


def _wp_namespace(nsmap) -> str | None:
    """The WordPress namespace of a WXR root: the one bound to ``wp:``, else any 1.x one."""
    bound = nsmap.get("wp")
    if bound and _WP_URI.match(bound.strip()):
        return bound
    for uri in nsmap.values():
        if uri and _WP_URI.match(uri.strip()):
            return uri
    return None


def _describe_root(root) -> str:
    if root.name == "rss":
        return "an <rss> root without the WordPress namespace (a plain RSS feed?)"
    namespace = f" in namespace {root.namespace}" if root.namespace else ""
    return f"the root element <{root.name}>{namespace}"


def _plain(markup: str) -> str:
    """HTML (a body, a comment) to repaired plain text, paragraphs kept."""
    text = html_to_text(markup, keep_newlines=True)
    return text if text.isascii() else normalise_text(text)  # ASCII has no mojibake


@functools.lru_cache(maxsize=4096)
def _literal(text: str) -> str:
    """A title or a name: literal text, whitespace collapsed, inline formatting removed.

    The XML parser has already decoded the text once; ``&lt;html&gt;`` in the file is the
    title's own ``<html>`` and stays. Character references left inside CDATA
    (``Fish &amp; Chips``) are decoded, as WordPress shows them.

    >>> _literal("some <html> entities")
    'some <html> entities'
    >>> _literal("  Fish &amp; <em>Chips</em> ")
    'Fish & Chips'
    """
    if "<" in text:
        text = _TITLE_TAG.sub("", text)
    if "&" in text:
        text = _CHARACTER_REFERENCE.sub(lambda m: html.unescape(m.group(0)), text)
    text = " ".join(text.split())
    return text if text.isascii() else normalise_text(text)


class _WxrReader:
    """Collect posts and comments from ``<item>`` elements, one at a time."""

    def __init__(self, stream: XmlStream, policy: ErrorPolicy, wp_namespace: str) -> None:
        self.stream = stream
        self.policy = policy
        self.posts: list[dict] = []
        self._comments = ColumnBuilder(("text",))  # in display order, post by post
        self._display_names: dict[str, str] = {}
        self._is_wp: dict[str | None, bool] = {wp_namespace: True, None: False}
        self._post_ids: set[str] = set()
        self._items = 0

    def is_wp(self, namespace: str | None) -> bool:
        """True for the file's WordPress namespace and any other http(s) export/1.x one."""
        known = self._is_wp.get(namespace)
        if known is None:
            known = self._is_wp[namespace] = bool(_WP_URI.match(namespace.strip()))
        return known

    def author(self, element) -> None:
        fields = {local_name(child.tag): text_of(child).strip() for child in element
                  if isinstance(child.tag, str)}
        login = fields.get("author_login", "")
        if login:
            self._display_names[login] = _literal(fields.get("author_display_name", "")) or login

    def _date(self, raw: str, line: int, what: str, flags: list[str]):
        return read_date(raw, self.policy, line=line, what=what,
                         example="2013-03-15 23:16:59", flags=flags, parse=parse_date_fast)

    def item(self, item) -> None:
        self._items += 1
        wp: dict[str, str] = {}
        title = body = creator = link = guid = ""
        tags: list[str] = []
        comment_elements = []
        meta: list[tuple[str, str, int]] = []
        lines: dict[str, int] = {}
        for child in item:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            namespace = namespace_of(tag)
            name = local_name(tag)
            if namespace is None:
                if name == "title":
                    title = text_of(child)
                elif name == "link":
                    link = text_of(child).strip()
                elif name == "guid":
                    guid = text_of(child).strip()
                elif name == "category":
                    if child.get("domain") in _TAG_DOMAINS:
                        tags.append(text_of(child).strip())
            elif self.is_wp(namespace):
                if name == "comment":
                    comment_elements.append(child)
                elif name == "postmeta":
                    fields = {local_name(c.tag): text_of(c) for c in child
                              if isinstance(c.tag, str)}
                    meta.append((fields.get("meta_key", "").strip(),
                                 fields.get("meta_value", ""), child.sourceline))
                else:
                    wp[name] = text_of(child)
                    lines[name] = child.sourceline
            elif namespace == CONTENT_NAMESPACE and name == "encoded":
                body = text_of(child)
            elif namespace == DC_NAMESPACE and name == "creator":
                creator = text_of(child).strip()

        post_type = wp.get("post_type", "").strip() or "post"
        line_start, line_end = item.sourceline, end_line(item)
        if post_type not in POST_TYPES:
            extra = f" ({len(comment_elements)} comments)" if comment_elements else ""
            reason = f"skipped {post_type} item (not a post or page)"
            self.policy.note(line_start, line_end, f"{_literal(title)}{extra}", reason=reason)
            for element in comment_elements:  # each comment accounted for, with its text
                fields = _comment_fields(element)
                self.policy.note(element.sourceline, end_line(element),
                                 fields.get("comment_content", ""),
                                 reason=f"comment of a {reason}")
            return
        flags: list[str] = []
        post_id = self._post_id(wp.get("post_id", "").strip(), link, guid, flags)
        body_text = _plain(body)
        footnotes = [(value, line) for key, value, line in meta if key == "footnotes"]
        for value, line in footnotes:
            notes = self._footnotes(value, line)
            if notes:
                body_text = f"{body_text}\n\n{notes}" if body_text else notes
        self.posts.append({
            "post_id": post_id,
            "source": self.stream.name,
            "source_format": "wxr",
            "title": _literal(title) or None,
            "author": self._display_names.get(creator, creator) or None,
            "tags": list(dict.fromkeys(tag for tag in tags if tag)),
            "published": self._date(wp.get("post_date_gmt", ""),
                                    lines.get("post_date_gmt", line_start), "wp:post_date_gmt",
                                    flags),
            "body": body_text,
            "line_start": line_start,
            "line_end": line_end,
            "kind": post_type,
            "status": wp.get("status", "").strip() or None,
            "url": link or None,
            "flags": ";".join(flags),
        })
        comments = []
        used: dict[str, int] = {}
        for element in comment_elements:
            row = self._comment(element, post_id, used)
            if row is not None:
                comments.append(row)
        for row in order_as_displayed(comments, sort_key=_display_key):
            del row["_order"]
            self._comments.append(row)

    def _post_id(self, local_id: str, link: str, guid: str, flags: list[str]) -> str:
        """The post's id: its wp:post_id, else from its link or position; repeats get ~N."""
        if not local_id:
            for where in (link, guid):
                match = _ID_IN_LINK.search(where)
                if match:
                    local_id = match.group(1)
                    flags.append("post_id_from_link")
                    break
            else:
                local_id = f"item-{self._items}"
                flags.append("post_id_from_position")
        post_id = make_post_id(self.stream.stem, local_id)
        if post_id in self._post_ids:
            repeat = 2
            while f"{post_id}~{repeat}" in self._post_ids:
                repeat += 1
            post_id = f"{post_id}~{repeat}"
            flags.append("duplicate_id")
        self._post_ids.add(post_id)
        return post_id

    def _footnotes(self, value: str, line: int) -> str:
        """Block footnotes (post meta ``footnotes``: JSON ``[{"id", "content"}]``) as text."""
        value = value.strip()
        if not value:
            return ""
        try:
            notes = json.loads(value)
            if not isinstance(notes, list) or not all(isinstance(n, dict) for n in notes):
                raise ValueError("not a list of objects")
        except ValueError as error:
            self.policy.unplaced(line, line, value, reason="malformed footnotes meta",
                                 expected='footnotes meta holding a JSON list like '
                                          '[{"id": "...", "content": "..."}]',
                                 found=f"{value[:60]!r} ({error})")
            return ""
        lines = []
        for number, note in enumerate(notes, start=1):
            text = " ".join(_plain(str(note.get("content") or "")).split())
            if text:
                lines.append(f"{number}. {text}")
        return "\n".join(lines)

    def _comment(self, element, post_id: str, used: dict[str, int]) -> dict | None:
        lines: dict[str, int] = {}
        fields = _comment_fields(element, lines)
        line_start, line_end = element.sourceline, end_line(element)
        local_id = fields.get("comment_id", "").strip()
        if not local_id:
            self.policy.unplaced(line_start, line_end, fields.get("comment_content", ""),
                                 reason="comment without wp:comment_id",
                                 expected="a <wp:comment_id> in each comment", found="none")
            return None
        flags: list[str] = []
        comment_id = make_comment_id(post_id, local_id)
        used[comment_id] = used.get(comment_id, 0) + 1
        if used[comment_id] > 1:  # merged exports repeat comment ids within a post
            repeat = used[comment_id]
            while f"{comment_id}~{repeat}" in used:
                repeat += 1
            comment_id = f"{comment_id}~{repeat}"
            used[comment_id] = 1
            flags.append("duplicate_id")
        parent = fields.get("comment_parent", "").strip()
        kind = fields.get("comment_type", "").strip().lower()
        approved = fields.get("comment_approved", "").strip().lower()
        published = self._date(fields.get("comment_date_gmt", ""),
                               lines.get("comment_date_gmt", line_start), "wp:comment_date_gmt",
                               flags)
        return {
            "comment_id": comment_id,
            "post_id": post_id,
            "parent_id": make_comment_id(post_id, parent) if parent not in ("", "0") else None,
            "author": _literal(fields.get("comment_author", "")) or None,
            "text": _plain(fields.get("comment_content", "")),
            "line_start": line_start,
            "line_end": line_end,
            "published": published,
            "flags": ";".join(flags),
            "kind": COMMENT_KINDS.get(kind, kind),
            "status": COMMENT_STATUSES.get(approved, approved or None),
            "_order": (_numeric(local_id),),
        }

    def comments(self) -> dict[str, list]:
        """All comments as columns, each post's in display order (threads depth first,
        by date)."""
        return self._comments.columns()


def _comment_fields(element, lines: dict[str, int] | None = None) -> dict[str, str]:
    """A ``wp:comment``'s child texts by local name (``commentmeta`` aside); their lines
    go into ``lines`` when given."""
    fields = {}
    known = _LOCAL_NAMES.get
    for child in element:
        name = known(child.tag) or cached_local_name(child.tag)
        if name is None:  # a comment or processing instruction
            continue
        if name != "commentmeta":
            # a leaf's text directly (the usual case); text_of joins nested text
            fields[name] = (child.text or "") if not len(child) else text_of(child)
            if lines is not None and name in _LINES_KEPT:
                lines[name] = child.sourceline
    return fields


#: the fields whose own line a message names (the others name the comment's line)
_LINES_KEPT = frozenset({"comment_date_gmt"})


#: tag -> local name, filled as tags are met (a file uses a few dozen)


def _numeric(local_id: str):
    return (0, int(local_id), "") if local_id.isdigit() else (1, 0, local_id)


def _display_key(row: dict):
    # WordPress shows comments oldest first; undated ones last; ties by comment id
    published = row["published"]
    return (published is None, published.timestamp() if published else 0.0, row["_order"])
