"""Read a saved HTML page of a WordPress or Blogger post, with its nested comments.

A browser's "Save page as" keeps the markup the blog's theme produced. The common themes
share a small vocabulary, which this reader knows:

WordPress (``wp_list_comments``)
    ``ol.commentlist`` (classic themes) or ``ol.comment-list`` (HTML5 themes) holding
    ``li.comment`` elements (``id="comment-123"``, or ``li-comment-123`` in Twenty Ten
    style themes); replies nest in ``ul.children``/``ol.children`` (or directly inside the
    parent ``div.comment`` when a theme lists comments with ``style="div"``). The author
    is ``.comment-author .fn``; the date a ``time[datetime]`` in ``.comment-metadata``, or
    the text of ``.comment-meta`` ("March 3, 2015 at 10:12 am") in classic themes; the
    text ``.comment-content`` (HTML5) or the paragraphs of ``.comment-body`` (classic).
    Block themes (Twenty Twenty-Four) print ``ol.wp-block-comment-template`` with
    ``.wp-block-comment-author-name``, ``.wp-block-comment-date`` and
    ``.wp-block-comment-content``. Pingbacks and trackbacks (``li.pingback``,
    ``li.trackback``) are kept, marked in ``kind``. The post: ``.entry-title``,
    ``.entry-content``, ``time.entry-date`` and the byline's ``.author .fn``; tags are
    the ``rel="tag"`` links.
Blogger
    Threaded comments: ``div.comment-thread`` > ``ol`` > ``li.comment`` (``id="c123"``)
    with ``.comment-block`` (``cite.user``, ``.datetime``, ``.comment-content``) and
    replies in ``.comment-replies``; the date is read from the permalink's
    ``showComment=`` milliseconds when present, else from its text. Classic
    non-threaded comments (``dl#comments-block``: ``dt.comment-author``,
    ``dd.comment-body``, ``dd.comment-footer``) are read too. The post: ``.post-title``,
    ``.post-body``, ``.post-author .fn``, ``abbr.published[title]`` or
    ``time.published``, and the ``.post-labels`` links as tags.

A reply's parent is the comment element it is nested in, however deep, so the thread
depth is the page's own. The page is parsed with BeautifulSoup's ``html.parser`` backend:
no script runs and nothing is fetched.

What is kept: the post (title, author, date, tags, body text with its paragraphs,
canonical URL in ``url``) and every comment (author, date, text with its paragraphs,
parent, ``kind``, the displayed date in ``date_text``). The post byline and the headings
of the comments section and of sidebar widgets are recorded as furniture. Everything
else on the page (navigation, sidebar contents, share buttons, forms, scripts, footers)
is page chrome and is not kept, line by line or otherwise.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import Iterable, NamedTuple

import pandas as pd
import soupsieve
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction, Tag
from bs4.exceptions import ParserRejectedMarkup

from msdiscourse.corpus import Corpus, make_comment_id, make_post_id
from msdiscourse.errors import ErrorPolicy, ParseError, check_on_error
from msdiscourse.io._dates import DATE_FLAGS, DateProblem, parse_date, parse_epoch
from msdiscourse.io._html_text import html_to_text
from msdiscourse.io._source import check_path_string, paused_gc
from msdiscourse.text import normalise_text

__all__ = ["read_html_page"]

# Elements that hold comments. A WordPress theme lists them as li/div/article with class
# "comment" (or "pingback"/"trackback"); Blogger threaded comments are li.comment.
_COMMENT_CLASSES = ("comment", "pingback", "trackback")
_COMMENT_TAGS = ("li", "div", "article")
#: classes of the elements that hold a page's comments (WordPress lists, Blogger threads)
_AREA_CLASSES = {"commentlist", "comment-list", "comment-thread", "comments-content",
                 "wp-block-comments", "wp-block-comment-template"}
_BODY_CLASSES = {"entry-content", "post-body"}
#: furniture headings: the comments section's title and sidebar widget titles
_HEADING_CLASSES = {"comments-title", "widget-title", "widgettitle"}
#: the elements that wrap a comment's replies (not part of the comment itself)
_REPLY_WRAPPERS = {"children", "comment-replies", "comment-thread"}
_WP_ID = re.compile(r"^(?:li-|div-)?comment-(\d+)$")
_BLOGGER_ID = re.compile(r"^c(\d+)$")
_SPACE_BETWEEN_BRS = re.compile(r"<br/>\s+(?=<br/>)")
_SHOW_COMMENT = re.compile(r"[?&]showComment=(\d{10,13})")
_WORDPRESS_AT = re.compile(r"\s+at\s+", re.IGNORECASE)

_TEXT_SELECTORS = (".comment-content", ".wp-block-comment-content", "[itemprop=commentText]",
                   ".comment-text")
# parts of a classic WordPress .comment-body that are not the comment's text
_NOT_TEXT = (".comment-author, .comment-meta, .commentmetadata, .comment-metadata, .reply, "
             ".comment-awaiting-moderation, .comment-footer, .comment-actions, .children")
_AUTHOR_SELECTORS = (".comment-author .fn", "cite.user", ".fn", ".wp-block-comment-author-name",
                     "[itemprop=author] [itemprop=name]", "[itemprop=author]", ".comment-author")
_DATE_SELECTORS = (".comment-metadata", ".comment-meta", ".commentmetadata", ".datetime",
                   ".comment-date", ".wp-block-comment-date", ".comment-timestamp")
# page chrome inside a post body that is not the post's text
_BODY_CHROME = ("script, style, noscript, form, .sharedaddy, .jp-relatedposts, "
                ".post-share-buttons, .share-button, .wp-block-buttons, .post-footer")


def _source_name(path_or_buffer) -> str:
    if isinstance(path_or_buffer, (str, Path)):
        return str(path_or_buffer)
    return str(getattr(path_or_buffer, "name", "<buffer>"))


def _read_text(path_or_buffer, source: str) -> str:
    if isinstance(path_or_buffer, (str, Path)):
        check_path_string(path_or_buffer, reader="read_html_page")
        data = Path(path_or_buffer).read_bytes()
    else:
        data = path_or_buffer.read()
    if isinstance(data, str):
        return data
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(source, None, expected="an HTML page (a saved WordPress or Blogger post)",
                         found="binary data (NUL bytes)", remedy=None)
    bom_encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else None
    for encoding in (bom_encoding, "utf-8-sig", _declared_charset(data)):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    # neither UTF-8 nor the declared charset: windows-1252, the HTML standard's default for
    # unlabelled Western pages (only its five unassigned bytes become U+FFFD)
    return data.decode("cp1252", errors="replace")


def _declared_charset(data: bytes) -> str | None:
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", data[:4096], re.I)
    return match.group(1).decode("ascii") if match else None


def _check_is_html(text: str, source: str) -> None:
    head = text.lstrip("\ufeff \t\r\n")[:4096].lower()
    if head.startswith("<") and ("<html" in head or "<!doctype html" in head or "<body" in head
                                 or "<head" in head):
        return
    first_line = text.lstrip("\ufeff \t\r\n").split("\n", 1)[0][:40]
    if head.startswith("<?xml") or (head.startswith("<") and ("<rss" in head or "<feed" in head)):
        found = f"an XML document ({first_line!r})"
    elif head.startswith("<"):
        found = f"markup without <html>, <head> or <body> ({first_line!r})"
    else:
        found = f"text that is not HTML ({first_line!r})" if first_line else "an empty file"
    raise ParseError(source, 1 if first_line else None,
                     expected="an HTML page (a saved WordPress or Blogger post)",
                     found=found, remedy="read exports with read_corpus(), which sniffs the format")


def _classes(element: Tag) -> list[str]:
    value = element.get("class") or []
    return value if isinstance(value, list) else str(value).split()


def _nearest_comment(element: Tag, comment_ids: set[int]) -> Tag | None:
    for ancestor in element.parents:
        if id(ancestor) in comment_ids:
            return ancestor
    return None


@functools.cache
def _selector(css: str):
    return soupsieve.compile(css)


class _CommentIndex:
    """The page's comment elements, and for each the tags that are its own (not its replies').

    Looking a field up among a comment's own tags keeps the reader linear in the page size:
    a top-level comment with a thousand nested replies is not searched a thousand times.
    """

    def __init__(self, elements: list[Tag], classes: dict[int, frozenset[str]]) -> None:
        self.elements = elements
        self.ids = {id(element) for element in elements}
        self.classes = classes  # every tag's classes by id(tag), from the page's scan
        self._own: dict[int, list[tuple[Tag, str, frozenset[str]]]] = {}

    def classes_of(self, tag: Tag) -> frozenset[str]:
        found = self.classes.get(id(tag))
        return found if found is not None else frozenset(_classes(tag))

    def own_entries(self, element: Tag) -> list[tuple[Tag, str, frozenset[str]]]:
        """(tag, name, classes) of the tags inside ``element`` in page order, not
        descending into replies; computed once per comment."""
        key = id(element)
        entries = self._own.get(key)
        if entries is None:
            entries = []
            ids, classes_of = self.ids, self.classes_of
            stack = [c for c in reversed(element.contents) if isinstance(c, Tag)]
            while stack:
                node = stack.pop()
                if id(node) in ids:
                    continue
                classes = classes_of(node)
                if not classes.isdisjoint(_REPLY_WRAPPERS):
                    continue
                entries.append((node, node.name, classes))
                if node.contents:
                    stack.extend(c for c in reversed(node.contents) if isinstance(c, Tag))
            self._own[key] = entries
        return entries

    def own_tags(self, element: Tag) -> list[Tag]:
        """Tags inside ``element`` in page order, not descending into replies."""
        return [entry[0] for entry in self.own_entries(element)]

    def own(self, element: Tag, css: str) -> Tag | None:
        """The first of ``element``'s own tags that matches the CSS selector ``css``.

        Selectors are matched within the comment: a descendant combinator looks at the
        ancestors up to ``element``, never above it, so a deeply nested reply costs no
        more than a top-level comment (soupsieve walks to the page's root on each match).
        """
        simple = _simple_selector(css)
        selector = _selector(css) if simple is None else None
        needed = _needed(css)
        for tag, tag_name, tag_classes in self.own_entries(element):
            # a cheap name and class test first
            if needed is not None:
                for name, classes in needed:
                    if (name is None or tag_name == name) and classes <= tag_classes:
                        break
                else:
                    continue
            if simple is not None:
                for chain in simple:
                    if _matches(tag, chain, element, self.classes_of):
                        return tag
            elif selector.match(tag):
                return tag
        return None


_COMPOUND = re.compile(r"^([a-zA-Z][\w-]*)?((?:\.[\w-]+|\[[\w-]+(?:=[\w-]+)?\])*)$")


@functools.cache
def _simple_selector(css: str):
    """``css`` as chains of compounds (name, classes, attributes), or ``None`` when it uses
    more than tag names, classes, ``[attr]``, ``[attr=value]`` and the descendant space."""
    chains = []
    for part in css.split(","):
        chain = []
        for compound in part.split():
            match = _COMPOUND.match(compound)
            if match is None or not compound:
                return None
            rest = match.group(2)
            classes = frozenset(re.findall(r"\.([\w-]+)", re.sub(r"\[[^\]]*\]", "", rest)))
            attrs = tuple((name, value or None)
                          for name, value in re.findall(r"\[([\w-]+)(?:=([\w-]+))?\]", rest))
            chain.append(((match.group(1) or "").lower() or None, classes, attrs))
        chains.append(tuple(chain))
    return tuple(chains)


def _compound_matches(tag: Tag, compound, classes_of) -> bool:
    name, classes, attrs = compound
    if name is not None and tag.name != name:
        return False
    if classes and not classes <= classes_of(tag):
        return False
    for attr, value in attrs:
        found = tag.get(attr)
        if found is None or (value is not None and str(found) != value):
            return False
    return True


def _matches(tag: Tag, chain, scope: Tag, classes_of) -> bool:
    """``tag`` matches ``chain`` with its ancestors taken from within ``scope`` only."""
    if not _compound_matches(tag, chain[-1], classes_of):
        return False
    wanted = len(chain) - 2
    node = tag
    while wanted >= 0:
        if node is scope:
            return False
        node = node.parent
        if node is None:
            return False
        if _compound_matches(node, chain[wanted], classes_of):
            wanted -= 1
    return True


@functools.cache
def _needed(css: str) -> list[tuple[str | None, set[str]]] | None:
    """For each comma part of ``css``, the tag name and classes its last compound requires.

    ``None`` when some part requires neither (then every tag must be tried).
    """
    needed = []
    for part in css.split(","):
        last = part.strip().split()[-1]
        bare = re.sub(r"\[[^\]]*\]", "", last)
        classes = set(re.findall(r"\.([\w-]+)", bare))
        name = re.match(r"[a-zA-Z][\w-]*", bare)
        if not classes and name is None:
            return None
        needed.append((name.group(0).lower() if name else None, classes))
    return needed


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    # mojibake and the control characters ftfy removes are never printable ASCII: such
    # text (most names and dates) needs no repair, which is most of the time taken here
    if not (text.isascii() and text.isprintable()):
        text = normalise_text(text)
    return text or None


@functools.cache
def _drop_test(css: str):
    """A fast test for the tags a simple selector list (``img, .says``) names."""
    names, classes = set(), set()
    for part in (p.strip() for p in css.split(",")):
        if re.fullmatch(r"[a-z][a-z0-9]*", part):
            names.add(part)
        elif re.fullmatch(r"\.[\w-]+", part):
            classes.add(part[1:])
        else:  # not simple: let soupsieve decide
            selector = _selector(css)
            return selector.match
    return lambda tag: tag.name in names or not classes.isdisjoint(_classes(tag))


_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def _markup(element: Tag, drop: str | None) -> str:
    """The markup inside ``element`` as :func:`html_to_text` needs it, minus ``drop``.

    Tags are written without attributes (the text needs only their names) and the tree
    is walked with an explicit stack: linear in the size of the element at any depth,
    and the page's tree is left as parsed (no copy, nothing decomposed).
    """
    dropped = _drop_test(drop) if drop else None
    out: list[str] = []
    stack = [iter(element.contents)]
    closers: list[str | None] = [None]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            closer = closers.pop()
            if closer:
                out.append(closer)
            continue
        if isinstance(node, Tag):
            if dropped is not None and dropped(node):
                continue
            if node.can_be_empty_element and not node.contents:
                out.append(f"<{node.name}/>")
                continue
            out.append(f"<{node.name}>")
            stack.append(iter(node.contents))
            closers.append(f"</{node.name}>")
        elif not isinstance(node, _SKIPPED_STRINGS):
            out.append(html.escape(str(node), quote=False))
    return "".join(out)


def _text_of(element: Tag, drop: str | None = None) -> str:
    """Plain text of an element: paragraphs kept, newlines in the source only spacing."""
    markup = _markup(element, drop)
    # Blogger writes "text<br />\n<br />\ntext": the newline between the two <br> is only
    # source formatting, and html_to_text(keep_newlines=False) would count it as text and
    # see two single line breaks instead of a paragraph break. (_markup writes every
    # <br> as "<br/>", so the pattern is exact.)
    markup = _SPACE_BETWEEN_BRS.sub("<br/>", markup)
    text = html_to_text(markup, keep_newlines=False)
    return text if text.isascii() else normalise_text(text)  # mojibake needs non-ASCII


def _last_line(element: Tag, comments: _CommentIndex | None = None) -> int | None:
    """The start line of the last tag inside ``element``, not counting its replies."""
    if comments is not None:
        tags = comments.own_tags(element)
    else:
        tags = element.find_all(True)
    return max([element.sourceline or 0] + [tag.sourceline or 0 for tag in tags]) or None


#: what :func:`_parse_when` returns for a real date pandas cannot hold (before 1677, after 2262)
_OUT_OF_RANGE = object()


def _parse_when(value: str | None):
    """A UTC timestamp from a machine date, or from a displayed one ("May 2, 2015 at 3:04 pm").

    Displayed dates carry no time zone and are taken to be UTC; an unreadable one gives
    ``None`` (the text stays in ``date_text``); a date outside 1677-2262 gives
    ``_OUT_OF_RANGE`` (see :func:`_checked`).
    """
    if not value:
        return None
    value = value.strip()
    match = _SHOW_COMMENT.search(value)
    try:
        if match:
            digits = match.group(1)
            return parse_epoch(int(digits), unit="ms" if len(digits) == 13 else "s")
        value = _WORDPRESS_AT.sub(" ", value)
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            return None
        if stamp is pd.NaT:
            return None
        return parse_date(stamp.to_pydatetime())
    except DateProblem:
        return _OUT_OF_RANGE


def _checked(published, flags: list[str]):
    """``published``, or ``None`` with the flag ``date_out_of_range`` for such a date."""
    if published is _OUT_OF_RANGE:
        flags.append(DATE_FLAGS["out_of_range"])
        return None
    return published


def _machine_date(element: Tag) -> tuple[str | None, str | None]:
    """(machine-readable value, displayed text) of the first dated element found."""
    for candidate in element.select("time[datetime], abbr[title], [itemprop=datePublished]"):
        value = candidate.get("datetime") or candidate.get("title") or candidate.get("content")
        if value:
            return value, _clean(candidate.get_text(" "))
    return None, None


def _comment_date(element: Tag, comments: _CommentIndex) -> tuple[pd.Timestamp | None, str | None]:
    for selector in _DATE_SELECTORS:
        holder = comments.own(element, selector)
        if holder is None:
            continue
        machine, shown = _machine_date(holder)
        if machine:
            return _parse_when(machine), shown
        for link in holder.select("a[href]"):
            if _SHOW_COMMENT.search(link["href"]):
                return _parse_when(link["href"]), _clean(link.get_text(" "))
        shown = _clean(holder.get_text(" "))
        if shown:
            shown = re.sub(r"\s*\(?Edit\)?\s*$", "", shown)
            return _parse_when(shown), shown
    dated = comments.own(element, "time[datetime]")
    if dated is None:
        return None, None
    return _parse_when(dated["datetime"]), _clean(dated.get_text(" "))


def _comment_local_id(element: Tag, comments: _CommentIndex) -> str | None:
    """The number in the comment's id, or in its own first ``div``/``article`` with an id."""
    identifier = str(element.get("id") or "")
    match = _WP_ID.match(identifier) or _BLOGGER_ID.match(identifier)
    if match is None:  # Twenty Ten: li#li-comment-N, but themes differ; try the inner box
        inner = comments.own(element, "div[id], article[id]")
        identifier = str(inner.get("id") or "") if inner is not None else ""
        match = _WP_ID.match(identifier) or _BLOGGER_ID.match(identifier)
    return match.group(1) if match else None


def _kind(element: Tag) -> str:
    classes = _classes(element)
    for kind in ("pingback", "trackback"):
        if kind in classes:
            return kind
    return "comment"


def _first(root: Tag, selectors: Iterable[str]) -> Tag | None:
    for selector in selectors:
        found = root.select_one(selector)
        if found is not None:
            return found
    return None


def _meta(metas: list[Tag], *names: str) -> str | None:
    """The content of the first ``<meta property=name>`` (else ``name=name``) for the first
    name that has one; ``metas`` are the page's, from :func:`_scan` (no search of the page)."""
    for name in names:
        tag = (next((meta for meta in metas if meta.get("property") == name), None)
               or next((meta for meta in metas if meta.get("name") == name), None))
        if tag is not None and tag.get("content"):
            return str(tag["content"])
    return None


def _post_fields(soup: BeautifulSoup, body: Tag, scan: _Scan) -> dict:
    container = body
    for ancestor in body.parents:
        if not isinstance(ancestor, Tag) or ancestor.name in ("body", "html", "[document]"):
            break
        classes = _classes(ancestor)
        if ancestor.name == "article" or "post" in classes or "hentry" in classes or (
                str(ancestor.get("id") or "").startswith("post-")):
            container = ancestor
            break
    scope = container if container is not body else soup

    title_tag = _first(scope, (".entry-title", ".post-title", "h1", "h2"))
    title = _clean(title_tag.get_text(" ")) if title_tag is not None else None
    title = title or _clean(_meta(scan.metas, "og:title")) or (
        _clean(scan.title.get_text(" ")) if scan.title is not None else None)

    byline_tag = _first(scope, (".byline", ".post-author", ".entry-meta", ".author"))
    author_tag = _first(scope, (".byline .fn", ".author.vcard .fn", ".post-author .fn",
                                ".entry-meta .author a", "[rel~=author]"))
    author = _clean(author_tag.get_text(" ")) if author_tag is not None else None
    author = author or _clean(_meta(scan.metas, "author", "article:author"))

    # machine-readable dates first, then the page's meta, then dates as displayed
    published = None
    for selector in ("time.entry-date.published[datetime]", "time.published[datetime]",
                     "time.entry-date[datetime]", "abbr.published[title]",
                     "[itemprop=datePublished]", "meta", ".entry-date", ".post-timestamp",
                     ".date-header"):
        if selector == "meta":
            published = _parse_when(_meta(scan.metas, "article:published_time"))
            if published is not None:
                break
            continue
        if selector == ".date-header":  # outside the post, above it
            found = scan.date_headers[0] if scan.date_headers else None
        else:
            found = scope.select_one(selector)
        if found is None:
            continue
        value = found.get("datetime") or found.get("title") or found.get("content") or found.get_text(" ")
        published = _parse_when(value)
        if published is not None:
            break

    tags = list(dict.fromkeys(
        _clean(link.get_text(" ")) for link in scope.select("a[rel~=tag]") if _clean(link.get_text(" "))
    ))
    local_id = None
    for candidate in (container.get("id"), body.get("id")):
        match = re.search(r"(?:post-body-|post-)(\d+)$", str(candidate or ""))
        if match:
            local_id = match.group(1)
            break
    post_id_meta = scope.select_one("meta[itemprop=postId]")
    if local_id is None and post_id_meta is not None:
        local_id = str(post_id_meta.get("content") or "") or None
    canonical = scan.canonicals[0] if scan.canonicals else None
    url = (canonical.get("href") if canonical is not None else None) or _meta(scan.metas, "og:url")
    return {"title": title, "author": author, "published": published, "tags": tags,
            "local_id": local_id, "url": url, "byline": byline_tag, "title_tag": title_tag}


def read_html_page(path_or_buffer, *, on_error: str = "raise") -> Corpus:
    """Read a saved WordPress or Blogger post page into a corpus of one post and its comments.

    Parameters
    ----------
    path_or_buffer
        A path (``str`` or :class:`~pathlib.Path`) to a ``.html`` file, or an open text or
        binary buffer. UTF-8 is tried first, then the charset the page declares.
    on_error
        For a comment element whose text cannot be found: ``"raise"`` a
        :class:`ParseError`, or ``"warn"``/``"collect"`` it as an ``unparsed`` row (its
        replies are still read, and attach to the nearest comment above them that was
        read).

    Returns
    -------
    Corpus
        One post (``source_format`` ``"html"``, ``url`` from the canonical link) and its
        comments in page order, with ``parent_id`` from the nesting, ``kind``
        (comment, pingback, trackback) and ``date_text`` (the date as displayed).
        Dates without a time zone (displayed dates) are taken to be UTC; a numeric
        displayed date such as ``03/04/2015`` is read month first, and one that cannot be
        read leaves ``published`` missing (``date_text`` keeps it). Line numbers are
        the lines of the HTML where each element starts. See the module docstring for
        what is kept from the rest of the page.

    Raises
    ------
    ParseError
        When the input is not HTML, or is HTML without a post body (no ``.entry-content``
        or ``.post-body``), naming the file; under ``on_error="raise"``, for a comment
        without text, naming the line.

    Examples
    --------
    >>> import io
    >>> page = io.StringIO(
    ...     '<html><body><article id="post-7" class="post">'
    ...     '<h1 class="entry-title">Vitamin D and relapses</h1>'
    ...     '<div class="entry-content"><p>Does it help?</p></div></article>'
    ...     '<ol class="comment-list">'
    ...     '<li id="comment-1" class="comment"><b class="fn">Ann</b>'
    ...     '<div class="comment-content"><p>Yes.</p></div>'
    ...     '<ol class="children"><li id="comment-2" class="comment"><b class="fn">Bob</b>'
    ...     '<div class="comment-content"><p>Source?</p></div></li></ol></li>'
    ...     '</ol></body></html>')
    >>> corpus = read_html_page(page)
    >>> corpus.posts[["post_id", "title", "body"]]
      post_id                   title           body
    0  page:7  Vitamin D and relapses  Does it help?
    >>> corpus.comments[["comment_id", "parent_id", "author", "depth", "text"]]
      comment_id  parent_id author  depth     text
    0  page:7.c1       <NA>    Ann      0     Yes.
    1  page:7.c2  page:7.c1    Bob      1  Source?
    """
    check_on_error(on_error)
    source = _source_name(path_or_buffer)
    policy = ErrorPolicy(source, on_error=on_error)
    text = _read_text(path_or_buffer, source)
    _check_is_html(text, source)
    # the tree (a few objects per element, all alive until the read ends) holds no garbage,
    # yet each full collection traverses all of it: on a page of 32k comments that was a
    # fifth of the time; the tree is freed by the next collection after the read
    with paused_gc():
        return _read_page(text, source, policy)


_REJECTED_AT = re.compile(r"at '(.{1,40}?)'?$", re.S)


def _rejected_snippet(error: Exception) -> str:
    """The markup html.parser stopped at, as its message quotes it (or a placeholder)."""
    found = _REJECTED_AT.search(str(error).strip())
    return found.group(1)[:20] if found else "<!["


def _rejected_line(text: str, error: Exception) -> int | None:
    """1-based line of the markup html.parser rejected, when it can be found."""
    snippet = _rejected_snippet(error)
    at = text.find(snippet)
    if at < 0:
        at = text.find("<![")
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _read_page(text: str, source: str, policy: ErrorPolicy) -> Corpus:
    # attributes are kept as written: splitting every class attribute into a list while
    # parsing is a tenth of the parse, and _classes() splits the few that are read
    try:
        soup = BeautifulSoup(text, "html.parser", multi_valued_attributes=None)
    except ParserRejectedMarkup as error:  # html.parser gives up on some "<![" declarations
        raise ParseError(source, _rejected_line(text, error),
                         expected="markup that Python's html.parser can read",
                         found=f"a malformed markup declaration ({_rejected_snippet(error)!r})",
                         remedy="repair or remove that declaration and read the page again") from None

    scan = _scan(soup)
    comments_index = _CommentIndex(scan.comments, scan.classes)
    body = None
    for candidate in scan.bodies:
        # TwentyTwenty gives comment texts the class entry-content too
        if (id(candidate) not in comments_index.ids
                and _nearest_comment(candidate, comments_index.ids) is None):
            body = candidate
            break
    if body is None:
        raise ParseError(source, None,
                         expected="a WordPress or Blogger post page (a post body with class "
                                  "entry-content or post-body)",
                         found="an HTML page without one", remedy=None)

    fields = _post_fields(soup, body, scan)
    stem = Path(source).stem if source != "<buffer>" else "page"
    post_id = make_post_id(stem, fields["local_id"])
    name = Path(source).name
    post_flags: list[str] = []
    post = {
        "post_id": post_id, "source": name, "source_format": "html",
        "title": fields["title"], "author": fields["author"], "tags": fields["tags"],
        "published": _checked(fields["published"], post_flags),
        "body": _text_of(body, _BODY_CHROME) or None,
        "line_start": body.sourceline, "line_end": _last_line(body), "url": fields["url"],
        "flags": ";".join(post_flags),
    }

    furniture = []
    if fields["byline"] is not None:
        furniture.append({"source": name, "post_id": post_id, "kind": "byline",
                          "line_start": fields["byline"].sourceline,
                          "line_end": fields["byline"].sourceline,
                          "text": _clean(fields["byline"].get_text(" "))})
    for heading in scan.headings:
        furniture.append({"source": name, "post_id": post_id, "kind": "heading",
                          "line_start": heading.sourceline, "line_end": heading.sourceline,
                          "text": _clean(heading.get_text(" "))})

    comments = _read_comments(comments_index, post_id, policy)
    for block in scan.comment_blocks:
        comments += _read_classic_blogger(block, post_id, len(comments))
    corpus = Corpus.from_records(posts=[post], comments=comments, unparsed=policy.rows,
                                 furniture=furniture)
    # the reader's own columns get the same nullable string dtype as the contract ones
    posts = corpus.posts.astype({"url": "string", "flags": "string"})
    comments_frame = corpus.comments
    for column in ("kind", "date_text"):
        if column not in comments_frame.columns:  # schema-ok: this reader's optional extra columns
            comments_frame = comments_frame.assign(**{column: pd.NA})
    comments_frame = comments_frame.astype({"kind": "string", "date_text": "string"})
    return corpus.replace(posts=posts, comments=comments_frame)


class _Scan(NamedTuple):
    comments: list[Tag]
    bodies: list[Tag]
    headings: list[Tag]
    date_headers: list[Tag]    # Blogger's "Friday, 14 July 2017" above a post
    comment_blocks: list[Tag]  # Blogger's classic dl#comments-block
    classes: dict[int, frozenset[str]]  # every tag's classes, by id(tag)
    head: Tag | None           # the page's first <head>
    title: Tag | None          # its first <title>, anywhere
    metas: list[Tag]           # <meta> in the first <head> (or anywhere, without one)
    canonicals: list[Tag]      # <link rel=canonical>, likewise


def _scan(soup: BeautifulSoup) -> _Scan:
    """One pass over the page: comment elements (inside the comment areas), post-body
    candidates and furniture headings, each in page order.

    A pass in Python with plain class tests; CSS selectors over the whole page cost
    seconds on a page with thousands of comments.
    """
    areas: set[int] = set()
    candidates: list[Tag] = []
    bodies: list[Tag] = []
    headings: list[Tag] = []
    date_headers: list[Tag] = []
    comment_blocks: list[Tag] = []
    classes_of: dict[int, frozenset[str]] = {}
    head = title = None
    metas: list[Tag] = []
    canonicals: list[Tag] = []
    in_area: set[int] = set()  # tags below an area: known from the parent, so linear in depth
    in_head: set[int] = set()  # tags below the first <head>, likewise
    for tag in soup.find_all(True):
        classes = frozenset(_classes(tag))
        key = id(tag)
        classes_of[key] = classes
        parent_key = id(tag.parent)
        if parent_key in areas or parent_key in in_area:
            in_area.add(key)
        if head is not None and (parent_key == id(head) or parent_key in in_head):
            in_head.add(key)
        name = tag.name
        if name == "head" and head is None:
            head = tag
        elif name == "title" and title is None:
            title = tag
        elif name == "meta":
            metas.append(tag)
        elif name == "link" and "canonical" in _classes_of_attribute(tag, "rel"):
            canonicals.append(tag)
        # WordPress and Blogger both anchor the comments section at id="comments"
        if classes & _AREA_CLASSES or tag.get("id") == "comments":
            areas.add(id(tag))
        if tag.name in _COMMENT_TAGS and classes.intersection(_COMMENT_CLASSES):
            candidates.append(tag)
        if classes & _BODY_CLASSES:
            bodies.append(tag)
        if "date-header" in classes:
            date_headers.append(tag)
        if tag.name == "dl" and tag.get("id") == "comments-block":
            comment_blocks.append(tag)
        parent = tag.parent
        if classes & _HEADING_CLASSES or (
                tag.name in ("h2", "h3", "h4") and parent is not None and (
                    parent.get("id") == "comments"
                    or (tag.name == "h2" and "widget" in _classes(parent)))):
            headings.append(tag)
    comments = [tag for tag in candidates if id(tag) in in_area]
    if head is not None:  # as bs4's soup.head.find(...) would: only what is inside the head
        metas = [tag for tag in metas if id(tag) in in_head]
        canonicals = [tag for tag in canonicals if id(tag) in in_head]
    return _Scan(comments, bodies, headings, date_headers, comment_blocks, classes_of, head,
                 title, metas, canonicals)


def _classes_of_attribute(tag: Tag, attribute: str) -> list[str]:
    value = tag.get(attribute) or []
    return value if isinstance(value, list) else str(value).split()


def _read_comments(comments: _CommentIndex, post_id: str, policy: ErrorPolicy) -> list[dict]:
    records: list[dict] = []
    comment_id_of: dict[int, str] = {}
    used_ids: dict[str, int] = {}
    for position, element in enumerate(comments.elements, start=1):
        local_id = _comment_local_id(element, comments) or f"n{position}"
        flags = []
        used_ids[local_id] = used_ids.get(local_id, 0) + 1
        if used_ids[local_id] > 1:  # a page saved twice into itself, or a broken theme
            local_id = f"{local_id}-dup{used_ids[local_id]}"
            flags.append("duplicate_id")
        comment_id = make_comment_id(post_id, local_id)
        comment_id_of[id(element)] = comment_id

        text_holder = None
        for selector in _TEXT_SELECTORS:
            text_holder = comments.own(element, selector)
            if text_holder is not None:
                break
        kind = _kind(element)
        if text_holder is not None:
            text = _text_of(text_holder)
        else:
            body = comments.own(element, ".comment-body")
            if body is None and kind != "comment":
                body = element  # Twenty Ten prints a pingback as a bare <p> in the <li>
            text = _text_of(body, _NOT_TEXT + ", .edit-link") if body is not None else ""
        line_start = element.sourceline
        line_end = _last_line(element, comments)
        if not text:
            own_text = _text_of(element, ".children, .comment-replies, .comment-thread, "
                                         ".comment, .pingback, .trackback")
            policy.unplaced(line_start, line_end, own_text,
                            reason="no_comment_text",
                            expected="a comment's text (.comment-content, or paragraphs in "
                                     ".comment-body)",
                            found=f"<{element.name} id={element.get('id')!r}> without text")
            comment_id_of[id(element)] = None
            continue

        parent = element
        parent_id = None
        while True:  # the nearest enclosing comment that was read
            parent = _nearest_comment(parent, comments.ids)
            if parent is None:
                break
            parent_id = comment_id_of.get(id(parent))
            if parent_id is not None:
                break

        author_tag = None
        for selector in _AUTHOR_SELECTORS:
            author_tag = comments.own(element, selector)
            if author_tag is not None:
                break
        author = None
        if author_tag is not None:
            author = _text_of(author_tag, ".says, .screen-reader-text, img, .avatar")
            author = _clean(author)
        published, date_text = _comment_date(element, comments)
        published = _checked(published, flags)
        if kind != "comment" and author is None:
            link = comments.own(element, "a.url, a[href]")
            author = _clean(link.get_text(" ")) if link is not None else None
        records.append({
            "comment_id": comment_id, "post_id": post_id, "parent_id": parent_id,
            "author": author, "text": text, "published": published,
            "line_start": line_start, "line_end": line_end, "flags": ";".join(flags),
            "kind": kind, "date_text": date_text,
        })
    return records


def _tag_with_class(name: str, class_name: str):
    """A bs4 filter for ``name.class_name`` (class attributes are kept as strings)."""
    return lambda tag: tag.name == name and class_name in _classes(tag)


def _read_classic_blogger(block: Tag, post_id: str, already: int) -> list[dict]:
    """Blogger's non-threaded comments: ``dl#comments-block`` of dt/dd triplets (flat)."""
    records = []
    for position, author_tag in enumerate(block.find_all(_tag_with_class("dt", "comment-author")),
                                          start=already + 1):
        match = _BLOGGER_ID.match(str(author_tag.get("id") or ""))
        local_id = match.group(1) if match else f"n{position}"
        body = author_tag.find_next_sibling(_tag_with_class("dd", "comment-body"))
        footer = author_tag.find_next_sibling(_tag_with_class("dd", "comment-footer"))
        author = _clean(re.sub(r"\s*said\.*\s*$", "", author_tag.get_text(" ").strip()))
        published, date_text = None, None
        if footer is not None:
            link = footer.select_one("a[href]")
            date_text = _clean(footer.get_text(" "))
            published = _parse_when(link["href"] if link is not None and
                                    _SHOW_COMMENT.search(link["href"]) else date_text)
        flags: list[str] = []
        published = _checked(published, flags)
        records.append({
            "comment_id": make_comment_id(post_id, local_id), "post_id": post_id,
            "parent_id": None, "author": author,
            "text": _text_of(body) if body is not None else "",
            "published": published, "line_start": author_tag.sourceline,
            "line_end": _last_line(footer or body or author_tag), "flags": ";".join(flags),
            "kind": "comment", "date_text": date_text,
        })
    return records
