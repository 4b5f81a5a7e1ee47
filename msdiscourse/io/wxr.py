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
export lists it (``dc:creator`` holds only the login).
"""

from __future__ import annotations

from msdiscourse.corpus import Corpus, make_comment_id, make_post_id
from msdiscourse.errors import ErrorPolicy, check_on_error
from msdiscourse.io._html_text import html_to_text
from msdiscourse.io._xml import (
    XmlStream,
    end_line,
    local_name,
    namespace_of,
    order_as_displayed,
    parse_datetime_utc,
    string_columns,
    text_of,
)
from msdiscourse.text import normalise_text

__all__ = ["read_wxr", "COMMENT_KINDS", "COMMENT_STATUSES", "POST_TYPES"]

WP_NAMESPACE_PREFIX = "http://wordpress.org/export/"
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
    if root.name != "rss" or not any(
        (uri or "").startswith(WP_NAMESPACE_PREFIX) for uri in root.nsmap.values()
    ):
        raise stream.error(root.line, expected=f"{_FORMAT}: {_ROOT}", found=_describe_root(root))
    policy = ErrorPolicy(stream.name, on_error=on_error)
    reader = _WxrReader(stream, policy)
    for element in stream.records(("item", "{*}author"), depth=2):
        if element.tag == "item":
            reader.item(element)
        elif (namespace_of(element.tag) or "").startswith(WP_NAMESPACE_PREFIX):
            reader.author(element)
    corpus = Corpus.from_records(posts=reader.posts, comments=reader.comments(),
                                 unparsed=policy.rows)
    return string_columns(corpus, posts=("kind", "status", "url"), comments=("kind", "status"))


def _describe_root(root) -> str:
    if root.name == "rss":
        return "an <rss> root without the WordPress namespace (a plain RSS feed?)"
    namespace = f" in namespace {root.namespace}" if root.namespace else ""
    return f"the root element <{root.name}>{namespace}"


def _plain(html: str, *, inline: bool = False) -> str:
    """HTML (a body, a comment; a title or a name when ``inline``) to repaired plain text."""
    text = html_to_text(html, keep_newlines=not inline)
    return text if text.isascii() else normalise_text(text)  # ASCII has no mojibake


class _WxrReader:
    """Collect posts and comments from ``<item>`` elements, one at a time."""

    def __init__(self, stream: XmlStream, policy: ErrorPolicy) -> None:
        self.stream = stream
        self.policy = policy
        self.posts: list[dict] = []
        self._comments_by_post: list[list[dict]] = []
        self._display_names: dict[str, str] = {}

    def author(self, element) -> None:
        fields = {local_name(child.tag): text_of(child).strip() for child in element}
        login = fields.get("author_login", "")
        if login:
            self._display_names[login] = _plain(fields.get("author_display_name", ""), inline=True) or login

    def _date(self, raw: str, line: int, what: str):
        try:
            return parse_datetime_utc(raw)
        except ValueError:
            self.policy.unplaced(line, line, raw, reason=f"malformed {what}",
                                 expected=f"{what} like 2013-03-15 23:16:59",
                                 found=repr(raw))
            return None

    def item(self, item) -> None:
        wp: dict[str, str] = {}
        title = body = creator = link = ""
        tags: list[str] = []
        comment_elements = []
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
                elif name == "category":
                    if child.get("domain") in _TAG_DOMAINS:
                        tags.append(text_of(child).strip())
            elif namespace.startswith(WP_NAMESPACE_PREFIX):
                if name == "comment":
                    comment_elements.append(child)
                elif name not in ("postmeta",):
                    wp[name] = text_of(child)
            elif namespace == CONTENT_NAMESPACE and name == "encoded":
                body = text_of(child)
            elif namespace == DC_NAMESPACE and name == "creator":
                creator = text_of(child).strip()

        post_type = wp.get("post_type", "").strip() or "post"
        line_start, line_end = item.sourceline, end_line(item)
        if post_type not in POST_TYPES:
            extra = f" ({len(comment_elements)} comments)" if comment_elements else ""
            self.policy.note(line_start, line_end, f"{title.strip()}{extra}",
                             reason=f"skipped {post_type} item (not a post or page)")
            return
        local_id = wp.get("post_id", "").strip()
        if not local_id:
            self.policy.unplaced(line_start, line_end, title, reason="item without wp:post_id",
                                 expected="a <wp:post_id> in each post", found="none")
            return
        post_id = make_post_id(self.stream.stem, local_id)
        self.posts.append({
            "post_id": post_id,
            "source": self.stream.name,
            "source_format": "wxr",
            "title": _plain(title, inline=True) or None,
            "author": self._display_names.get(creator, creator) or None,
            "tags": list(dict.fromkeys(tag for tag in tags if tag)),
            "published": self._date(wp.get("post_date_gmt", ""), line_start, "wp:post_date_gmt"),
            "body": _plain(body),
            "line_start": line_start,
            "line_end": line_end,
            "kind": post_type,
            "status": wp.get("status", "").strip() or None,
            "url": link or None,
        })
        comments = [row for row in (self._comment(element, post_id) for element in comment_elements)
                    if row is not None]
        self._comments_by_post.append(comments)

    def _comment(self, element, post_id: str) -> dict | None:
        fields = {}
        for child in element:
            if isinstance(child.tag, str):
                name = local_name(child.tag)
                if name != "commentmeta":
                    fields[name] = text_of(child)
        line_start, line_end = element.sourceline, end_line(element)
        local_id = fields.get("comment_id", "").strip()
        if not local_id:
            self.policy.unplaced(line_start, line_end, fields.get("comment_content", ""),
                                 reason="comment without wp:comment_id",
                                 expected="a <wp:comment_id> in each comment", found="none")
            return None
        parent = fields.get("comment_parent", "").strip()
        kind = fields.get("comment_type", "").strip().lower()
        approved = fields.get("comment_approved", "").strip().lower()
        return {
            "comment_id": make_comment_id(post_id, local_id),
            "post_id": post_id,
            "parent_id": make_comment_id(post_id, parent) if parent not in ("", "0") else None,
            "author": _plain(fields.get("comment_author", ""), inline=True) or None,
            "text": _plain(fields.get("comment_content", "")),
            "line_start": line_start,
            "line_end": line_end,
            "published": self._date(fields.get("comment_date_gmt", ""), line_start,
                                    "wp:comment_date_gmt"),
            "kind": COMMENT_KINDS.get(kind, kind),
            "status": COMMENT_STATUSES.get(approved, approved or None),
            "_order": (_numeric(local_id),),
        }

    def comments(self) -> list[dict]:
        """All comments, each post's in display order (threads depth first, by date)."""
        rows: list[dict] = []
        for comments in self._comments_by_post:
            rows.extend(order_as_displayed(comments, sort_key=_display_key))
        for row in rows:
            del row["_order"]
        return rows


def _numeric(local_id: str):
    return (0, int(local_id), "") if local_id.isdigit() else (1, 0, local_id)


def _display_key(row: dict):
    # WordPress shows comments oldest first; undated ones last; ties by comment id
    published = row["published"]
    return (published is None, published.timestamp() if published else 0.0, row["_order"])
