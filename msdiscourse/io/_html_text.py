"""Turn an HTML fragment (a comment, a post body) into plain text that keeps its paragraphs.

Exports store comments as HTML fragments: WordPress keeps the text as typed, where a
blank line is a paragraph break and a single newline a line break (``wpautop`` adds the
``<p>`` and ``<br>`` only when displaying), with inline tags such as ``<a>`` or
``<strong>``; Disqus and Blogger store ``<p>`` and ``<br />``. :func:`html_to_text` parses
the fragment with lxml's HTML parser (no regular-expression tag stripping: entities,
comments, ``<script>`` and broken markup are the parser's business) and writes one
paragraph per block element, paragraphs separated by a blank line.

Saved web pages differ: there a newline in the source is only whitespace. Pass
``keep_newlines=False`` for such HTML.

No depth loses text. lxml's HTML parser (with ``huge_tree``) builds trees up to 2048
elements deep and the walk over them is iterative, not recursive; beyond that depth
libxml2 stops building the tree (and says so in its error log), and the fragment is read
again, as a stream of tags and text, by the standard library's ``html.parser``, which has
no depth limit. Both paths take time linear in the size of the markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lxml import etree

__all__ = ["html_to_text", "PARAGRAPH_TAGS", "LINE_TAGS"]

#: elements that stand as their own paragraph (a blank line before and after)
PARAGRAPH_TAGS = frozenset(
    "p div blockquote pre ul ol dl table h1 h2 h3 h4 h5 h6 section article aside header "
    "footer figure figcaption address hr details summary form fieldset main nav".split()
)
#: elements that start a new line but not a new paragraph
LINE_TAGS = frozenset("li dt dd tr caption".split())
#: table cells: separated by a space on their row's line
_CELL_TAGS = frozenset({"td", "th"})
#: elements whose content is never text a reader sees
_INVISIBLE_TAGS = frozenset("script style template noscript head title iframe object".split())

_PARAGRAPH, _LINE = 2, 1
_BR = object()  # a <br>: unlike block breaks, two of them make a paragraph break
# runs to collapse to one space; a lone space matches nothing, which keeps this fast.
# NBSP and thin spaces are kept: they are evidence.
_HORIZONTAL_RUN = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")
_PARAGRAPH_GAP = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_MARKUP = re.compile(r"[<&]")

_PARSER = etree.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, default_doctype=False,
    huge_tree=True,  # trees up to 2048 deep (256 without); deeper ones go to the stream path
)
#: elements without content or end tag (for the stream path)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track "
                       "wbr".split())


def html_to_text(fragment: str | None, *, keep_newlines: bool = True) -> str:
    """Convert an HTML fragment to plain text, one paragraph per block, blank line between.

    Parameters
    ----------
    fragment
        HTML, or plain text with a few tags (a WordPress comment). ``None`` or ``""``
        gives ``""``.
    keep_newlines
        Treat newlines in the text as the writer's line breaks (a blank line = a new
        paragraph), as WordPress, Disqus and Blogger exports store them. ``False``
        treats them as spaces, as a browser does for a saved page.

    Returns
    -------
    str
        The text: entities decoded, tags removed, ``<p>``/``<div>``/``<blockquote>`` and
        other blocks separated by a blank line, ``<br>`` and list items on new lines,
        runs of spaces collapsed, no leading or trailing whitespace. Non-breaking spaces,
        curly quotes and the like are kept as written.

    Examples
    --------
    >>> html_to_text("<p>Hello &amp; welcome.</p><p>Second <em>para</em>.</p>")
    'Hello & welcome.\\n\\nSecond para.'
    >>> html_to_text("Typed in WordPress.\\n\\nNew paragraph,\\nnew line.")
    'Typed in WordPress.\\n\\nNew paragraph,\\nnew line.'
    >>> html_to_text("It was cold.<br /><br /><ul><li>Very.</li><li>Indeed.</li></ul>")
    'It was cold.\\n\\nVery.\\nIndeed.'
    >>> html_to_text("<div>\\n  a saved\\n  page\\n</div>", keep_newlines=False)
    'a saved page'
    """
    if not fragment:
        return ""
    if not _MARKUP.search(fragment):  # plain text (most comments): no parser, no pieces
        return _plain_text(fragment, keep_newlines)
    if keep_newlines:
        text = _flat_text(fragment)
        if text is not None:  # paragraphs, inline tags, plain entities: text operations
            return text
    pieces = _simple_pieces(fragment, keep_newlines)
    if pieces is not None:  # paragraphs and inline tags only: the pieces lxml would give
        return _join(pieces)
    return _lxml_text(fragment, keep_newlines)


def _lxml_text(fragment: str, keep_newlines: bool) -> str:
    """:func:`html_to_text` through lxml's HTML parser (any markup)."""
    # a plain lxml HTML parse (no lxml.html element classes: they cost a third of the time);
    # the fragment lands in <html><body><div>, and the body holds everything it contains
    document = etree.fromstring(f"<div>{fragment}</div>", _PARSER)
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in _PARSER.error_log):
        return _join(_stream_pieces(fragment, keep_newlines))  # deeper than libxml2 builds
    body = document.find("body") if document is not None else None
    if body is None:
        return ""
    pieces: list = []
    _add_text(pieces, body.text, keep_newlines)
    _walk(body, pieces, keep_newlines)
    return _join(pieces)


#: a start or end tag with simple attributes (quotes are checked to pair up)
_SIMPLE_TAG = re.compile(r"<(/?)([A-Za-z]+)((?:[\s/][^<>]*)?)>")
#: the tags of the fast path: paragraphs, line breaks and inline formatting
_SIMPLE_INLINE = frozenset({"em", "strong", "a", "b", "i", "span"})
#: characters libxml2 drops, replaces or normalises (controls, CR, C1, surrogates,
#: non-characters): fragments holding one take the parser's path
_PARSER_SENSITIVE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _simple_pieces(fragment: str, keep_newlines: bool) -> list | None:
    """The pieces :func:`_walk` gives for ``fragment``, without a parser; ``None`` unless simple.

    Simple: no entity, no character libxml2 treats specially, only ``<p>`` (at the top,
    not nested), ``<br>`` and inline ``<em> <strong> <a> <b> <i> <span>`` (properly nested,
    none inside one of its own name), every tag closed, attribute quotes paired. Such
    markup parses to exactly the tree written, so its pieces follow from the tags; one
    libxml2 rule applies: blank text right after a ``<br>`` (before the next tag or the
    end) is dropped.
    """
    if "&" in fragment or _PARSER_SENSITIVE.search(fragment):
        return None
    pieces: list = []
    stack: list[str] = []
    position = 0
    after_br = False
    for match in _SIMPLE_TAG.finditer(fragment):
        text = fragment[position:match.start()]
        if text:
            if "<" in text:
                return None
            if not (after_br and not text.strip(" \t\n")):
                _add_text(pieces, text, keep_newlines)
        after_br = False
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if attributes.count('"') % 2 or attributes.count("'") % 2:
            return None
        if name == "br":
            if closing:
                return None
            pieces.append(_BR)
            after_br = True
        elif name == "p" or name in _SIMPLE_INLINE:
            if closing:
                if attributes.strip() or not stack or stack[-1] != name:
                    return None
                stack.pop()
                if name == "p":
                    pieces.append(_PARAGRAPH)
            else:
                if attributes.rstrip().endswith("/") or name in stack or (name == "p" and stack):
                    return None
                stack.append(name)
                if name == "p":
                    pieces.append(_PARAGRAPH)
        else:
            return None
        position = match.end()
    tail = fragment[position:]
    if stack or "<" in tail:
        return None
    if tail and not (after_br and not tail.strip(" \t\n")):
        _add_text(pieces, tail, keep_newlines)
    return pieces


#: the inline tags of the fast paths, and ``<p>`` (both checked by the caller first)
_INLINE_TAG = re.compile(r"</?(?:em|strong|a|b|i|span)(?:[\s/][^<>]*)?>", re.IGNORECASE)
_P_TAG = re.compile(r"</?p(?:[\s/][^<>]*)?>", re.IGNORECASE)
#: whitespace other than a space (the wide kinds are refused before)
_BREAKS = frozenset("\t\n\r\f\v")
#: whitespace beyond ASCII (NBSP, ideographic space, line separator ...): a paragraph
#: break swallows it when it follows, so it must not meet a removed tag
_WIDE_SPACE = re.compile(r"[^\S \t\n\r\f\v]")
#: the entities of the flat path: the five every export writes, and numeric references
#: to visible characters (no whitespace, controls, surrogates or non-characters)
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}


def _entity(match: re.Match) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    character = chr(code) if code <= 0x10FFFF else ""
    if not (0x21 <= code <= 0x7E or 0xA1 <= code <= 0xD7FF or 0xE000 <= code <= 0xFDCF
            or 0xFDF0 <= code <= 0xFFFD) or character.isspace():
        raise ValueError("not a plain character")
    return character


def _flat_text(fragment: str) -> str | None:
    """:func:`html_to_text` (newlines kept) with text operations only; ``None`` unless flat.

    Flat: what :func:`_simple_pieces` accepts, without ``<br>``, no whitespace but spaces
    between an inline tag and the text beside it, no whitespace beyond ASCII, and
    entities only from
    :data:`_ENTITY`. Such markup gives the text :func:`_plain_text` gives for the fragment
    with each ``<p>`` and ``</p>`` replaced by a blank line, inline tags removed and
    entities decoded (checked against lxml by a property test).
    """
    if _PARSER_SENSITIVE.search(fragment) or (
            not fragment.isascii() and _WIDE_SPACE.search(fragment)):
        return None
    count = 0
    stack: list[str] = []
    has_p = False
    for match in _SIMPLE_TAG.finditer(fragment):
        count += 1
        closing, name, attributes = match.groups()
        name = name.lower()
        if attributes and (attributes.count('"') % 2 or attributes.count("'") % 2):
            return None
        if name == "p":
            has_p = True
        elif name in _SIMPLE_INLINE:
            # a break beside an inline tag (across spaces) could span it: not flat
            before = match.start() - 1
            while before >= 0 and fragment[before] == " ":
                before -= 1
            after = match.end()
            while after < len(fragment) and fragment[after] == " ":
                after += 1
            if ((before >= 0 and fragment[before] in _BREAKS)
                    or (after < len(fragment) and fragment[after] in _BREAKS)):
                return None
        else:
            return None  # <br> included: its rules need the pieces
        if closing:
            if attributes.strip() or not stack or stack[-1] != name:
                return None
            stack.pop()
        else:
            if attributes.rstrip().endswith("/") or name in stack or (name == "p" and stack):
                return None
            stack.append(name)
    if stack or fragment.count("<") != count:  # a "<" that is not a tag of the simple set
        return None
    text = _P_TAG.sub("\n\n", fragment) if has_p else fragment
    text = _INLINE_TAG.sub("", text)
    if "&" in text:
        if text.count("&") != len(_ENTITY.findall(text)):
            return None  # a bare "&" or another entity: the parser's business
        try:
            text = _ENTITY.sub(_entity, text)
        except ValueError:
            return None
    return _plain_text(text, True)


def _collapse(text: str) -> str:
    """Collapse runs of spaces and tabs to one space (checked first: most text has none)."""
    if "  " in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return _HORIZONTAL_RUN.sub(" ", text)
    return text


def _plain_text(text: str, keep_newlines: bool) -> str:
    """The fast path of :func:`html_to_text` for text without tags or entities."""
    if not keep_newlines:
        return _collapse(text.replace("\n", " ")).strip(" ")
    text = _collapse(text)
    paragraphs = []
    for paragraph in _PARAGRAPH_GAP.split(text):
        lines = [line.strip(" ") for line in paragraph.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _add_text(pieces: list, text: str | None, keep_newlines: bool, in_pre: bool = False) -> None:
    """Append text, turning the writer's newlines into break markers when they count."""
    if not text:
        return
    if in_pre:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if index:
                pieces.append(_LINE)
            if line:
                pieces.append(line)
        return
    if not keep_newlines:
        pieces.append(_collapse(text.replace("\n", " ")))
        return
    for p_index, paragraph in enumerate(_PARAGRAPH_GAP.split(text)):
        if p_index:
            pieces.append(_PARAGRAPH)
        for l_index, line in enumerate(paragraph.split("\n")):
            if l_index:
                pieces.append(_LINE)
            if line:
                pieces.append(line)  # spaces are collapsed once a whole line is joined


def _walk(root, pieces: list, keep_newlines: bool) -> None:
    """Append the text of ``root``'s descendants (not its own ``.text``) and their tails.

    Iterative (an explicit stack), so that a deep tree cannot exhaust Python's recursion
    limit: each frame is (children left, inside <pre>, the element, its gap, its parent's
    <pre>).
    """
    stack: list[tuple] = [(iter(root), False, None, 0, False)]
    while stack:
        children, in_pre, element, element_gap, parent_in_pre = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if element is not None:
                if element_gap:
                    pieces.append(element_gap)
                _add_text(pieces, element.tail, keep_newlines, parent_in_pre)
            continue
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            pieces.append(_BR)
        elif tag and tag not in _INVISIBLE_TAGS:
            gap = _PARAGRAPH if tag in PARAGRAPH_TAGS else _LINE if tag in LINE_TAGS else 0
            child_in_pre = in_pre or tag == "pre"
            if gap:
                pieces.append(gap)
            elif tag in _CELL_TAGS:
                pieces.append(" ")
            _add_text(pieces, child.text, keep_newlines, child_in_pre)
            stack.append((iter(child), child_in_pre, child, gap, in_pre))
            continue  # the tail comes when the child's frame is done
        _add_text(pieces, child.tail, keep_newlines, in_pre)


class _StreamPieces(HTMLParser):
    """The pieces of :func:`_walk`, from a stream of tags and text: any depth, linear time.

    An end tag closes the nearest open element of its name (and those opened inside it);
    an end tag with no open element of its name is ignored, as browsers do.
    """

    def __init__(self, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list = []
        self.keep_newlines = keep_newlines
        self.open: list[str] = []
        self.open_counts: dict[str, int] = {}
        self.invisible = 0
        self.pre = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _VOID_TAGS:
            if not self.invisible:
                if tag == "br":
                    self.pieces.append(_BR)
                elif tag in PARAGRAPH_TAGS:  # <hr>
                    self.pieces.append(_PARAGRAPH)
            return
        self.open.append(tag)
        self.open_counts[tag] = self.open_counts.get(tag, 0) + 1
        if tag in _INVISIBLE_TAGS:
            self.invisible += 1
        elif not self.invisible:
            gap = _PARAGRAPH if tag in PARAGRAPH_TAGS else _LINE if tag in LINE_TAGS else 0
            if gap:
                self.pieces.append(gap)
            elif tag in _CELL_TAGS:
                self.pieces.append(" ")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag) -> None:
        if not self.open_counts.get(tag):
            return
        while self.open:
            closed = self.open.pop()
            self.open_counts[closed] -= 1
            if closed in _INVISIBLE_TAGS:
                self.invisible -= 1
            elif not self.invisible and (closed in PARAGRAPH_TAGS or closed in LINE_TAGS):
                self.pieces.append(_PARAGRAPH if closed in PARAGRAPH_TAGS else _LINE)
            if closed == "pre":
                self.pre -= 1
            if closed == tag:
                return

    def handle_data(self, data) -> None:
        if not self.invisible:
            _add_text(self.pieces, data, self.keep_newlines, self.pre > 0)


def _stream_pieces(fragment: str, keep_newlines: bool) -> list:
    parser = _StreamPieces(keep_newlines)
    parser.feed(fragment)
    parser.close()
    return parser.pieces


def _join(pieces: list) -> str:
    """Join text and break markers into lines and paragraphs.

    Between two pieces of text the largest block break wins (``</li><li>`` is one new
    line, not two), while ``<br>`` elements add up (``<br><br>`` is a new paragraph).
    """
    paragraphs: list[str] = []
    lines: list[str] = []
    line: list[str] = []
    block_gap = br_count = 0

    def close_line() -> None:
        text = _collapse("".join(line)).strip(" ")
        line.clear()
        if text:
            lines.append(text)

    def close_paragraph() -> None:
        close_line()
        if lines:
            paragraphs.append("\n".join(lines))
            lines.clear()

    for piece in pieces:
        if piece is _BR:
            br_count += 1
        elif isinstance(piece, int):
            block_gap = max(block_gap, piece)
        else:
            gap = max(block_gap, min(br_count, _PARAGRAPH))
            if gap == _PARAGRAPH:
                close_paragraph()
            elif gap == _LINE:
                close_line()
            block_gap = br_count = 0
            line.append(piece)
    close_paragraph()
    return "\n\n".join(paragraphs)
