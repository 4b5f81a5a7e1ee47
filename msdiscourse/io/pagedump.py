"""Read and write plain-text page dumps: a blog post and its nested comment thread.

A page dump is what a text browser or an HTML-to-text tool makes of a blog page::

    Miracle Stem Cells

    #MSresearch #MS blog

    The post body, in paragraphs separated by blank lines.

    About the author

      • A top-level comment.
        A second line of the same paragraph.

        Its second paragraph.
        – Signed Name

        • A reply, its bullet two spaces deeper.

    By MyelinMaven

    Recent Posts

The reader accepts what other renderers produce (CRLF, a BOM, tabs, other bullet
characters, other indentation steps, no blank lines, any nesting depth) and accounts for
every non-blank line: each ends up in the title, the tags, the body, one comment, the
byline, a furniture row or an unparsed row. The line spans of each are kept (``title_line``,
``tags_line``, ``body_spans`` on posts; ``spans`` on comments; ``line_start``/``line_end``
on furniture and unparsed rows) so this can be checked.

Page furniture (``About the author``, ``Recent Posts``, ``Leave a Reply`` ...) is listed in
``msdiscourse/resources/page_furniture.csv``: add a row there, not code, to teach the reader
a new heading. A furniture row marked ``block`` also claims the lines after it (a sidebar
list, an author bio, share buttons) up to the next comment bullet, byline or heading; one
marked ``sidebar`` (Recent Comments, Archives ...) that comes after the byline claims the rest
of the page, bulleted list items included.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import os
import re
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from itertools import chain, islice, repeat
from pathlib import Path
from typing import IO, Iterable, Iterator, Union

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from msdiscourse.corpus import Corpus, make_post_id
from msdiscourse.errors import ErrorPolicy, ParseError, check_on_error
from msdiscourse.io._source import check_path_string
from msdiscourse.schema import DATETIME, INT, STRING
from msdiscourse.text import normalise_text

__all__ = [
    "read_pagedump",
    "read_pagedump_files",
    "write_pagedump",
    "write_pagedump_folder",
    "load_page_furniture",
    "match_furniture",
    "BULLETS",
]

PathOrBuffer = Union[str, os.PathLike, IO[str], IO[bytes]]

#: characters that can start a comment line (followed by a space); a lone ``o`` also can
#: (lynx marks list levels with ``*``, ``+`` and ``o``; w3m with ``•``, ``◦``, ``▪``)
BULLETS = "•*-+◦▪‣·"
#: bullets that never start a line of ordinary prose, so they mark a comment even at
#: column 0 in the body; ``-``, ``*``, ``+``, ``o`` only count once indented (or once the
#: comments have begun), because posts use them for lists
_STRONG_BULLETS = "•◦▪‣·"
_BULLET_FIRST = BULLETS + "o"
_TAB_SIZE = 4
#: horizontal space at the start or end of a line that carries no meaning
_EDGE_SPACE = " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff"
#: the longest line that can be a heading, byline or signature (longer lines are prose)
_SHORT_LINE = 100
#: lines longer than this (in characters) are measured in place, never stripped into a
#: copy: a page that is one 50 MB line would otherwise hold it twice (see _edge_bounds)
_LONG_LINE = 1 << 16
_NOT_EDGE_RE = re.compile(f"[^{_EDGE_SPACE}]")

_BULLET_RE = re.compile(r"(?:([•*\-+◦▪‣·])(?:[ \t\u00a0]+|$)|(o)[ \t\u00a0]+(?=\S))")
_TAGS_RE = re.compile(r"#(?=[^\s#])")
_TAG_RE = re.compile(r"#([^#]+)")
_BYLINE_RE = re.compile(r"By[ \u00a0]+(\S.*)")
#: a signature: an en or em dash (the format's own), or the plain-text ``--`` and ``~``
_SIGNATURE_RE = re.compile(r"(?:[–—~]|--)[ \u00a0]*(\S.*)")
#: punctuation a signature never ends with (a name does not end a clause)
_LINE_END_PUNCTUATION = (".", ",", ";", ":", "!", "?")
#: the Windows-1252 spelling of a UTF-8 lead byte followed by a continuation byte (``â€``,
#: ``Ã©``), or a C1 control: the only places mojibake can hide, so only pages and lines
#: showing one go through ftfy (two single-pattern scans are several times faster than
#: one alternation)
_MOJIBAKE_PAIR = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030"
    "\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161"
    "\u203a\u0153\u017e\u0178]"
)
_C1_CONTROL = re.compile("[\u0080-\u009f]")


def _may_be_mojibake(text: str, start: int = 0, end: int = sys.maxsize) -> bool:
    """Whether ``text[start:end]`` may hold mojibake (searched in place, not sliced)."""
    return (_MOJIBAKE_PAIR.search(text, start, end) is not None
            or _C1_CONTROL.search(text, start, end) is not None)


# -- page furniture, as data ------------------------------------------------------------
@dataclass(frozen=True)
class FurnitureRule:
    """One row of ``page_furniture.csv``."""

    pattern: str
    match: str
    block: bool
    sidebar: bool
    in_comments: bool
    example: str
    note: str

    def regex(self) -> str:
        """Return this rule as a regular expression over a whole stripped line."""
        if self.match == "regex":
            return rf"(?:{self.pattern})[\s:.…]*"
        escaped = re.escape(self.pattern)
        if self.match == "prefix":
            return rf"{escaped}\b.*"
        if self.match == "exact":
            return rf"{escaped}[\s:.…]*"
        raise ValueError(f"page_furniture.csv: match must be exact, prefix or regex; got {self.match!r}")


@functools.cache
def load_page_furniture() -> tuple[FurnitureRule, ...]:
    """Load the page-furniture rules from ``msdiscourse/resources/page_furniture.csv``.

    Returns
    -------
    tuple of FurnitureRule
        One rule per row, in file order.

    Examples
    --------
    >>> rules = load_page_furniture()
    >>> next(r for r in rules if r.pattern == "About the author").block
    True
    """
    text = resources.files("msdiscourse.resources").joinpath("page_furniture.csv").read_text("utf-8")
    return tuple(
        FurnitureRule(
            pattern=row["pattern"],
            match=row["match"],
            block=row["block"] == "yes",
            sidebar=row["sidebar"] == "yes",
            in_comments=row["in_comments"] == "yes",
            example=row["example"],
            note=row["note"],
        )
        for row in csv.DictReader(io.StringIO(text))
    )


@functools.cache
def _furniture_matchers() -> tuple[frozenset[str], re.Pattern, re.Pattern | None]:
    """Return (first letters of the literal rules, their regex, the regex rules' regex).

    Most lines cannot be furniture; checking the first letter spares them the regex.
    Group ``r{i}`` is rule ``i`` of the CSV.
    """
    rules = load_page_furniture()

    def alternation(indices: list[int]) -> re.Pattern | None:
        if not indices:
            return None
        body = "|".join(f"(?P<r{i}>{rules[i].regex()})" for i in indices)
        return re.compile(rf"(?:{body})\Z", re.IGNORECASE)

    literal = [i for i, rule in enumerate(rules) if rule.match != "regex"]
    first = frozenset(c for i in literal for c in (rules[i].pattern[0].lower(), rules[i].pattern[0].upper()))
    return first, alternation(literal), alternation([i for i, r in enumerate(rules) if r.match == "regex"])


@functools.cache
def _in_comment_furniture() -> tuple[frozenset[str], bool]:
    """What a line inside a comment must look like for :func:`match_furniture` to return
    a rule marked ``in_comments`` (``Reply``, ``Like`` ...): (the first characters it can
    start with, whether a ``regex`` rule can be one). Any other line is comment text
    without a regex call: the comment step's fast path, exact by construction.
    """
    rules = load_page_furniture()
    first, _, _ = _furniture_matchers()
    starts = [re.compile(re.escape(rule.pattern[0]), re.IGNORECASE)
              for rule in rules if rule.match != "regex" and rule.in_comments]
    can_start = frozenset(c for c in first if any(start.fullmatch(c) for start in starts))
    return can_start, any(rule.in_comments for rule in rules if rule.match == "regex")


def match_furniture(line: str) -> FurnitureRule | None:
    """Return the furniture rule a (stripped) line matches, or None.

    Rows of ``page_furniture.csv`` match case-insensitively: ``exact`` rows the whole line
    (trailing ``:``, dots or ``…`` allowed), ``prefix`` rows its start (at a word boundary),
    ``regex`` rows by their pattern. Lines longer than 100 characters are prose.

    Parameters
    ----------
    line
        One line of a page, without its indentation.

    Returns
    -------
    FurnitureRule or None

    Examples
    --------
    >>> match_furniture("Recent Posts").pattern
    'Recent Posts'
    >>> match_furniture("Recent posts about stem cells are wrong.") is None
    True
    """
    if not line or len(line) > _SHORT_LINE:
        return None
    first, literal, patterns = _furniture_matchers()
    found = literal.match(line) if line[0] in first else None
    if found is None and patterns is not None:
        found = patterns.match(line)
    if found is None:
        return None
    return load_page_furniture()[int(found.lastgroup[1:])]


# -- reading --------------------------------------------------------------------------
def _span_text(spans: list[list[int]]) -> str:
    if len(spans) == 1:  # most comments and bodies are one run of lines
        return f"{spans[0][0]}-{spans[0][1]}"
    return ",".join([f"{a}-{b}" for a, b in spans])


def _or_list(values: list[int]) -> str:
    text = [str(v) for v in values]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " or " + text[-1]


def _snippet(text: str, width: int = 40) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _decode(data: bytes, source: str) -> str:
    """Decode a page's bytes, raising ParseError for binary or non-UTF-8 input."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            line = data[: error.start].decode("utf-16", errors="replace").count("\n") + 1
            raise ParseError(source, line, expected="UTF-16 text (it starts with a UTF-16 mark)",
                             found=f"undecodable bytes at byte {error.start}", remedy=None) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ParseError(source, data[:nul].count(b"\n") + 1, expected="a text page dump",
                         found=f"binary data (a NUL byte at byte {nul})", remedy=None)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start:error.start + 1].hex()
        raise ParseError(
            source, data[: error.start].count(b"\n") + 1, expected="UTF-8 text",
            found=f"a byte that is not UTF-8 (0x{bad} at byte {error.start})",
            remedy="re-save the file as UTF-8",
        ) from None


#: lead bytes of the characters :data:`_MOJIBAKE_PAIR` accepts second: C2 (U+0080..U+00BF),
#: C5, C6, CB and E2 (the Windows-1252 letters and punctuation)
_PAIR_SECOND_LEADS = frozenset(b"\xc2\xc5\xc6\xcb\xe2")


def _latin1_range(data: bytes) -> bool:
    """Whether UTF-8 bytes may hold mojibake (``â€™``, ``Ã©``) or a C1 control.

    When not, the decoded text cannot either and its two regex scans are skipped. A
    superset of what :data:`_MOJIBAKE_PAIR` and :data:`_C1_CONTROL` match: U+00C2..U+00F4
    (C3 82..C3 B4) followed by a character with one of :data:`_PAIR_SECOND_LEADS`, or a
    C1 control (C2 80..C2 9F). ``bytes.find`` runs at memory speed, and pages have few
    such lead bytes.
    """
    at = data.find(b"\xc3")
    while at >= 0:
        following = data[at + 1: at + 3]
        if len(following) == 2 and 0x82 <= following[0] <= 0xB4 and following[1] in _PAIR_SECOND_LEADS:
            return True
        at = data.find(b"\xc3", at + 1)
    at = data.find(b"\xc2")
    while at >= 0:
        if at + 1 < len(data) and 0x80 <= data[at + 1] <= 0x9F:
            return True
        at = data.find(b"\xc2", at + 1)
    return False


#: bytes of a page decoded at a time (cut at a newline): see :func:`_decode_blocks`
_DECODE_BYTES = 1 << 20


#: the ASCII white space a page's last block gives up as a block of its own
_TRAILING_SPACE = b" \t\r\n"


def _trailing_space(data: bytes, start: int) -> int:
    """Where the ASCII white space that ends ``data[start:]`` begins (``len(data)``: none),
    found without copying ``data``: its end is stripped in windows that grow fourfold."""
    size, window = len(data), 256
    while True:
        tail = max(start, size - window)
        kept = len(data[tail:].rstrip(_TRAILING_SPACE))
        if kept or tail == start:
            return tail + kept
        window *= 4


def _decode_blocks(data: bytes, source: str) -> list[str]:
    """Decode a page's bytes as blocks of whole lines (about 1 MB each, cut after a
    ``\\n``), so the bytes and the text never both stand whole beside a copy, and the
    parser can let each block go once it has passed it.

    The white space that ends the page (the last line's trailing spaces, the final
    newlines) is decoded as a block of its own: a page that is one long line then
    decodes to that line exactly, which the parser takes as it is, never stripped into
    a copy (the white-space block holds only blank lines and the end of the line before
    it, found there by :meth:`_PageBuilder.raw_line`). ``"".join`` of the blocks is
    :func:`_decode` of the bytes; errors are :func:`_decode`'s (same line, same byte).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return [_decode(data, source)]  # UTF-16 (rare) whole; a NUL byte raises there
    blocks: list[str] = []
    start, size = (3 if data.startswith(codecs.BOM_UTF8) else 0), len(data)
    try:
        with memoryview(data) as view:  # decoded from slices of the bytes, never copies
            while start < size:
                end = data.find(b"\n", start + _DECODE_BYTES) + 1 if start + _DECODE_BYTES < size else 0
                end = end or size
                if end == size:
                    cut = _trailing_space(data, start)
                    if start < cut < size:
                        blocks.append(str(view[start:cut], "utf-8"))
                        start = cut
                blocks.append(str(view[start:end], "utf-8"))
                start = end
    except UnicodeDecodeError:
        return [_decode(data, source)]  # raises, naming the line and the byte
    return blocks


def _read_source(path_or_buffer: PathOrBuffer) -> tuple[list[str], str, str | None, bool | None]:
    """Return (text blocks, source name, file stem or None, may hold mojibake or None:
    unknown). The blocks are whole lines; a text buffer gives one block."""
    if isinstance(path_or_buffer, (str, os.PathLike)):
        check_path_string(path_or_buffer, reader="read_pagedump")
        path = Path(path_or_buffer)
        source = str(path_or_buffer)
        data = path.read_bytes()
        blocks = _decode_blocks(data, source)
        utf8 = not data.startswith((b"\xff\xfe", b"\xfe\xff"))
        return blocks, source, path.stem, (_latin1_range(data) if utf8 else None)
    if not hasattr(path_or_buffer, "read"):
        raise TypeError(
            f"read_pagedump expects a path or a text buffer (io.StringIO); got {type(path_or_buffer).__name__}"
        )
    name = getattr(path_or_buffer, "name", None)
    source = str(name) if isinstance(name, (str, os.PathLike)) else "<buffer>"
    stem = Path(name).stem if isinstance(name, (str, os.PathLike)) else None
    content = path_or_buffer.read()
    if isinstance(content, bytes):
        data = content
        blocks = _decode_blocks(data, source)
        utf8 = not data.startswith((b"\xff\xfe", b"\xfe\xff"))
        return blocks, source, stem, (_latin1_range(data) if utf8 else None)
    else:
        content = content.removeprefix("\ufeff")
        if "\x00" in content:
            nul = content.index("\x00")
            raise ParseError(source, content[:nul].count("\n") + 1, expected="a text page dump",
                             found="binary data (a NUL character)", remedy=None)
    return [content], source, stem, None


def _title_like(text: str) -> bool:
    return len(text) <= 150 and not text.endswith((".", ",", ";", ":"))


def _byline_name(text: str) -> str | None:
    if len(text) > _SHORT_LINE:
        return None
    found = _BYLINE_RE.fullmatch(text)
    if found is None:
        return None
    name = found.group(1).strip(_EDGE_SPACE)
    if name[0].islower() or name.endswith(_LINE_END_PUNCTUATION) or len(name.split()) > 6:
        return None
    return name


def _signature_name(text: str) -> str | None:
    if len(text) > _SHORT_LINE:
        return None
    found = _SIGNATURE_RE.fullmatch(text)
    if found is None:
        return None
    name = found.group(1).strip(_EDGE_SPACE)
    if len(name.split()) > 6 or name.endswith((".", ",", ";", ":")):
        return None
    return name


def _edge_bounds(line: str) -> tuple[int, int]:
    """``(lead, end)`` such that ``line[lead:end] == line.strip(_EDGE_SPACE)``, found
    without copying the line: only its edges are looked at (a run of trailing space is
    stripped in windows that grow fourfold, so even a line of spaces costs its length)."""
    found = _NOT_EDGE_RE.search(line)
    if found is None:
        return 0, 0
    size, window = len(line), 256
    while True:
        tail = line[max(0, size - window):]
        kept = len(tail.rstrip(_EDGE_SPACE))
        if kept or window >= size:
            return found.start(), size - len(tail) + kept
        window *= 4


#: characters of page text split into lines at a time by :func:`_iter_line_lists`
_BLOCK_CHARS = 1 << 20


def _normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` as ``\\n`` (the text itself when it has no ``\\r``)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _iter_line_lists(text: str) -> Iterator[list[str]]:
    """The lines of ``_split_lines(text)`` for a text with ``\\n`` newlines only, as lists
    of about a megabyte's lines each, so a big page never has all its lines as separate strings at once
    (an empty text gives one empty line). Each line but the last is followed by exactly
    one ``\\n`` in ``text``, so a running sum of ``len(line) + 1`` is its offset."""
    limit = len(text) - 1 if text.endswith("\n") else len(text)
    start = 0
    while True:
        end = text.find("\n", start + _BLOCK_CHARS, limit) if start + _BLOCK_CHARS < limit else -1
        if end < 0:
            end = limit
        if end - start <= 2 * _BLOCK_CHARS:
            yield text[start:end].split("\n")
        else:  # a very long line: sliced out by itself (a piece would copy it once more)
            yield _split_in_place(text, start, end)
        if end >= limit:
            return
        start = end + 1


def _split_in_place(text: str, start: int, end: int) -> list[str]:
    """``text[start:end].split("\\n")``, each line sliced from ``text`` itself."""
    lines = []
    while True:
        newline = text.find("\n", start, end)
        if newline < 0:
            lines.append(text[start:end])
            return lines
        lines.append(text[start:newline])
        start = newline + 1


def _split_lines(text: str) -> list[str]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _infer_indents(bullet_indents: list[int]) -> tuple[int, int]:
    """Return (top-level indent, indentation step) from the page's bullet indents.

    The step is the most common increase from one bullet to the next. Ties go to the
    step that puts the most bullets on its grid, then to the larger step; a step of 1
    is only taken when nothing else is seen, so one stray bullet at an odd indent
    cannot redraw the grid.
    """
    if not bullet_indents:
        return 2, 2
    base = min(bullet_indents)
    increases = Counter(b - a for a, b in zip(bullet_indents, bullet_indents[1:]) if b > a)
    if len(increases) > 1:
        increases.pop(1, None)
    if not increases:
        return base, 2

    def score(step: int) -> tuple[int, int, int]:
        on_grid = sum((indent - base) % step == 0 for indent in bullet_indents)
        return increases[step], on_grid, step

    return base, max(increases, key=score)


class _Lines:
    """The content (non-blank) lines of a page, column by column, in compact arrays.

    ``blocks`` are the page's text in blocks of whole lines (newlines normalised to
    ``\\n``); content line ``i`` lies in block ``block_of(i)`` at
    ``starts[i]:ends[i]``, without its edge space, unless mojibake was repaired in it
    (``repaired[i]`` then holds the repaired text): :meth:`text` gives either. No line is
    kept as a string of its own, so a page takes its text once plus about 40 bytes a
    line, and the comment step lets each block go once it has passed it.
    ``block_starts[b]`` is the index of block ``b``'s first content line, ``numbers``
    1-based line numbers, ``indents`` columns (tabs expanded), ``gaps`` whether a blank
    line came before, ``bullets`` -1 or where the text after the bullet starts.
    ``comments_start`` is the index of the first comment bullet (``len`` when there is
    none) and ``bullet_indents`` the indents of the bullets from there on.
    """

    __slots__ = ("blocks", "block_starts", "numbers", "starts", "ends", "indents", "gaps", "bullets",
                 "repaired", "comments_start", "bullet_indents")

    def __init__(self, blocks: list[str]) -> None:
        self.blocks: list[str | None] = blocks
        self.block_starts = array("q")
        self.numbers = array("q")
        self.starts = array("q")
        self.ends = array("q")
        self.indents = array("q")
        self.gaps = array("b")
        self.bullets = array("q")  # where the text after the bullet starts, -1 for none
        self.repaired: dict[int, str] = {}
        self.comments_start = -1
        self.bullet_indents: list[int] = []

    def __len__(self) -> int:
        return len(self.numbers)

    def block_of(self, index: int) -> int:
        """The block holding content line ``index``."""
        return bisect_right(self.block_starts, index) - 1

    def text(self, index: int) -> str:
        """Content line ``index`` without its edge space (mojibake repaired)."""
        if self.repaired and index in self.repaired:
            return self.repaired[index]
        return self.blocks[self.block_of(index)][self.starts[index]:self.ends[index]]

    def release_before(self, block: int) -> None:
        """Let the blocks before ``block`` go: no line in them is looked at again."""
        for earlier in range(block - 1, -1, -1):
            if self.blocks[earlier] is None:
                break
            self.blocks[earlier] = None


def _scan_lines(page: str | list[str], may_be_mojibake: bool) -> _Lines:
    """Step 1: classify every line once (blank, indent, where its text lies, bullet).

    ``page``: the text, or its blocks of whole lines, with ``\\n`` newlines only
    (:func:`_normalise_newlines`). Only offsets are kept; the lines are sliced from the
    blocks again when they are parsed, and an error message that needs a raw line finds
    it there (:meth:`_PageBuilder.raw_line`).
    """
    lines = _Lines([page] if isinstance(page, str) else page)
    numbers, starts, ends, indents = lines.numbers, lines.starts, lines.ends, lines.indents
    gaps, bullets, bullet_indents, repaired = lines.gaps, lines.bullets, lines.bullet_indents, lines.repaired
    block_starts = lines.block_starts
    comments_start = -1
    gap = False
    edge, bullet_first, bullet_match = _EDGE_SPACE, _BULLET_FIRST, _BULLET_RE.match
    strong = _STRONG_BULLETS
    number = 0
    for block in lines.blocks:
        block_starts.append(len(numbers))
        offset = 0
        for line in chain.from_iterable(_iter_line_lists(block)):
            number += 1
            at = offset
            size = len(line)
            offset += size + 1
            if size > _LONG_LINE:  # found by offsets: stripping would copy the whole line
                lead, end = _edge_bounds(line)
                if lead == end:
                    gap = True
                    continue
                indent = len(line[:lead].expandtabs(_TAB_SIZE))
                at += lead
                starts.append(at)
                ends.append(at + end - lead)
                if may_be_mojibake and _may_be_mojibake(line, lead, end):
                    stripped = line[lead:end]
                    fixed = normalise_text(stripped)
                    if fixed != stripped:
                        repaired[len(numbers)] = line = fixed
                        lead, end = 0, len(fixed)
                    del stripped, fixed
            elif line and line[0] in edge:
                stripped = line.lstrip(edge)
                lead = size - len(stripped)
                stripped = stripped.rstrip(edge)
                if not stripped:
                    gap = True
                    continue
                if "\t" in line:
                    expanded = line.expandtabs(_TAB_SIZE)
                    indent = len(expanded) - len(expanded.lstrip(edge))
                else:
                    indent = lead
                at += lead
            else:
                stripped = line.rstrip(edge)
                if not stripped:
                    gap = True
                    continue
                indent = 0
            if size <= _LONG_LINE:
                starts.append(at)
                ends.append(at + len(stripped))
                if may_be_mojibake and _may_be_mojibake(stripped):
                    fixed = normalise_text(stripped)
                    if fixed != stripped:
                        repaired[len(numbers)] = stripped = fixed
                line, lead, end = stripped, 0, len(stripped)
            bullet = -1
            if line[lead] in bullet_first:
                found = bullet_match(line, lead, end)
                if found is not None:
                    bullet = found.end() - lead
                    if comments_start < 0 and (indent > 0 or (found.group(1) or found.group(2)) in strong):
                        comments_start = len(numbers)
                    if comments_start >= 0:
                        bullet_indents.append(indent)
            numbers.append(number)
            indents.append(indent)
            gaps.append(gap)
            bullets.append(bullet)
            gap = False
    lines.comments_start = comments_start if comments_start >= 0 else len(numbers)
    return lines


def _join_paragraphs(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(["\n".join(p) for p in paragraphs])


class _PageBuilder:
    """Steps 2 and 3: the head and body, then the comment tree, into columnar buffers.

    What claimed the previous content line (``previous``: ``"title"``, ``"tags"``,
    ``"body"``, ``"byline"``, ``"furniture"``, ``"unparsed"``; in the comment step, the
    open comment) decides whether a line extends a span or starts a new one;
    ``in_block`` and ``in_sidebar`` are the furniture blocks the reader is inside.
    """

    def __init__(self, lines: _Lines, source: str, post_id: str, policy: ErrorPolicy) -> None:
        self.lines = lines
        self.source, self.post_id, self.policy = source, post_id, policy
        self.post = {
            "post_id": post_id, "source": source, "source_format": "pagedump",
            "title": None, "author": None, "tags": [], "body": None,
            "line_start": lines.numbers[0], "line_end": lines.numbers[-1],
            "title_line": None, "tags_line": None,
            "body_line_start": None, "body_line_end": None, "body_spans": None,
            "n_comments": 0,
        }
        self.furniture = {name: [] for name in ("kind", "line_start", "text")}
        self.comments: dict[str, list] = {}  # the comments not flushed yet, column by column
        self.comment_chunks: list[dict] = []  # typed columns of the comments flushed so far
        self.n_comments = 0
        self._new_comment_buffers()
        self.body_paragraphs: list[list[str]] = []
        self.body_spans: list[list[int]] = []
        self.previous: object = None
        self.in_block = self.after_byline = self.in_sidebar = False

    # -- small steps ----------------------------------------------------------------
    def raw_line(self, number: int) -> str:
        """Content line ``number`` as it stands in the page (newlines normalised), for an
        unparsed row: found through its offset, so no list of lines is ever made."""
        lines = self.lines
        index = bisect_left(lines.numbers, number)
        block = lines.block_of(index)
        page, at = lines.blocks[block], lines.starts[index]
        end = page.find("\n", at)
        if end >= 0:
            return page[page.rfind("\n", 0, at) + 1:end]
        line = page[page.rfind("\n", 0, at) + 1:]
        if block + 1 < len(lines.blocks):  # the page's last line: its trailing space is
            rest = lines.blocks[block + 1]  # the next block's start (see _decode_blocks)
            line += rest[:rest.find("\n")] if "\n" in rest else rest
        return line

    def _new_comment_buffers(self) -> None:
        self.comments = {name: [] for name in _COMMENT_BUFFERS}
        self._append_comment = tuple(self.comments[name].append for name in _COMMENT_BUFFERS)

    def flush_comments(self) -> None:
        """Turn the buffered comments into typed columns (Arrow strings, int64), so a
        page with a million comments never holds a million of each Python object."""
        if self.comments["depth"]:
            self.comment_chunks.append(_typed_chunk(self.comments))
            self._new_comment_buffers()

    def add_furniture(self, number: int, text: str, kind: str = "furniture") -> None:
        self.furniture["kind"].append(kind)
        self.furniture["line_start"].append(number)
        self.furniture["text"].append(text)
        self.previous = kind

    def enter_furniture(self, number: int, text: str, rule: FurnitureRule) -> None:
        """A heading: a ``block`` one claims what follows, a ``sidebar`` one after the
        byline the rest of the page (a plain heading inside a block does not end it)."""
        self.add_furniture(number, text)
        self.in_block = rule.block or self.in_block
        self.in_sidebar = self.in_sidebar or (rule.sidebar and self.after_byline)

    def add_byline(self, number: int, text: str, name: str) -> None:
        self.add_furniture(number, text, "byline")
        if self.post["author"] is None:
            self.post["author"] = name
        self.in_block = False
        self.after_byline = True

    def is_byline_here(self, index: int) -> bool:
        """A "By NAME" line in the body is a byline only at the body's edges."""
        if not self.body_paragraphs:
            return True
        following = index + 1
        if following >= len(self.lines) or following >= self.lines.comments_start:
            return True
        next_text = self.lines.text(following)
        return match_furniture(next_text) is not None or _byline_name(next_text) is not None

    def add_body_line(self, number: int, text: str, gap: bool) -> None:
        if gap or not self.body_paragraphs:
            self.body_paragraphs.append([text])
        else:
            self.body_paragraphs[-1].append(text)
        if self.previous == "body":
            self.body_spans[-1][1] = number
        else:
            self.body_spans.append([number, number])
        self.previous = "body"

    # -- step 2: title, tags, body ------------------------------------------------------
    def parse_head(self) -> None:
        lines, post = self.lines, self.post
        expecting = "title"
        # the blocks wholly before the first comment are let go as the head passes them
        # (the comment step starts at the first comment's block): a page that is one long
        # line then holds its text once, as the body, not also as the block it came from
        last = len(lines.blocks)
        keep = lines.block_of(lines.comments_start) if lines.comments_start < len(lines) else last
        block_starts, block_end = lines.block_starts, 0
        for index in range(lines.comments_start):
            if index >= block_end:
                block = lines.block_of(index)
                lines.release_before(min(block, keep))
                block_end = block_starts[block + 1] if block + 1 < last else len(lines)
            number, indent, text = lines.numbers[index], lines.indents[index], lines.text(index)
            rule = match_furniture(text)
            if rule is not None:
                self.enter_furniture(number, text, rule)
                continue
            if expecting != "body" and _TAGS_RE.match(text):
                post["tags"] = [t.strip(_EDGE_SPACE) for t in _TAG_RE.findall(text) if t.strip(_EDGE_SPACE)]
                post["tags_line"] = number
                expecting = "body"
                self.previous = "tags"
                continue
            if expecting == "title" and indent == 0 and _title_like(text):
                post["title"] = text
                post["title_line"] = number
                expecting = "tags"
                self.previous = "title"
                continue
            expecting = "body"
            name = _byline_name(text) if indent == 0 else None
            if name is not None and self.is_byline_here(index):
                self.add_byline(number, text, name)
            elif self.in_block:
                self.add_furniture(number, text)
            else:
                self.add_body_line(number, text, lines.gaps[index])
        lines.release_before(keep)
        if self.body_paragraphs:
            post["body"] = _join_paragraphs(self.body_paragraphs)
            post["body_line_start"] = self.body_spans[0][0]
            post["body_line_end"] = self.body_spans[-1][1]
            post["body_spans"] = _span_text(self.body_spans)

    # -- step 3: the comment tree -------------------------------------------------------
    def write_comment(self, parent: int, thread: int, depth: int,
                      line_start: int, line_end: int, parts: list[str], spans: list[int]) -> None:
        """Write a finished comment to the buffers.

        ``parent``, ``thread``: the positions (1, 2 ...) of its parent (0: none) and of its
        thread's top-level comment; ids are made from positions when the table is built.
        ``parts``: its lines, each after the first preceded by ``"\n"`` (same paragraph)
        or ``"\n\n"`` (a new one); ``spans``: the first and last line of each run of its
        lines, flat (the ``spans`` text is kept only for a comment with more than one run;
        for one it is ``line_start-line_end``, made with the table). A last line that is a
        signature (``– Name``) becomes the author.
        """
        author = None
        if len(parts) > 1 and parts[-1][0] in "–—~-":
            name = _signature_name(parts[-1])
            if name is not None:
                author = name
                del parts[-2:]  # the line and the line break before it
        # in the order of _COMMENT_BUFFERS; one list per column, so no object per row
        # (a tuple a row would add work for the garbage collector)
        parents, threads, depths, authors, texts, line_starts, line_ends, span_texts = self._append_comment
        parents(parent)
        threads(thread)
        depths(depth)
        authors(author)
        texts(parts[0] if len(parts) == 1 else "".join(parts))
        line_starts(line_start)
        line_ends(line_end)
        span_texts(None if len(spans) == 2 else ",".join([f"{a}-{b}" for a, b in zip(spans[::2], spans[1::2])]))
        self.n_comments += 1
        if self.n_comments % _FLUSH_COMMENTS == 0:
            self.flush_comments()

    def parse_comments(self) -> None:
        """Place every line from the first comment bullet on: a comment (a bullet on the
        indentation grid, then the lines indented past it), a furniture row, the byline,
        or an unparsed row (a bullet off the grid and its lines, a stray line).

        The open comment lives in local variables (no object per comment) and is written
        to the column buffers when the next bullet, heading, byline or stray line closes
        it; this loop runs once per line of the thread, the reader's hottest.
        """
        lines, policy = self.lines, self.policy
        base, step = _infer_indents(lines.bullet_indents)
        numbers, indents, gaps, bullets = lines.numbers, lines.indents, lines.gaps, lines.bullets
        starts, ends, repaired = lines.starts, lines.ends, lines.repaired
        blocks, block_starts = lines.blocks, lines.block_starts
        block = lines.block_of(lines.comments_start) if lines.comments_start < len(numbers) else 0
        lines.release_before(block)
        page = blocks[block]
        block_end = block_starts[block + 1] if block + 1 < len(block_starts) else len(numbers)
        # only a line that can match furniture allowed inside a comment (Reply, Like ...)
        # is matched against the furniture rules there
        comment_furniture_first, regex_in_comments = _in_comment_furniture()
        write_comment, add_furniture = self.write_comment, self.add_furniture
        in_block, in_sidebar = self.in_block, self.in_sidebar
        stack: list[int] = []  # the position of the latest comment at each depth
        # the open comment: its bullet's indent (-1: none open), position (0: a bullet off
        # the grid, kept as raw lines for an unparsed row), links, lines and spans
        c_indent = -1
        c_raw = c_error = None
        c_position = c_parent = c_thread = c_depth = c_line = c_last = 0
        c_parts: list[str] = []
        c_spans: list[int] = []
        c_continues = False  # whether the line before belongs to the open comment
        first = lines.comments_start
        columns = zip(*(islice(column, first, None) for column in (numbers, indents, starts, ends, bullets, gaps)))
        for index, (number, indent, start, end, bullet, gap) in enumerate(columns, first):
            if index >= block_end:  # the next block: let the one passed go
                block = lines.block_of(index)
                lines.release_before(block)
                page = blocks[block]
                block_end = block_starts[block + 1] if block + 1 < len(block_starts) else len(numbers)
            if bullet >= 0 and not in_sidebar:
                if c_indent >= 0:  # close the open comment
                    if c_position:
                        write_comment(c_parent, c_thread, c_depth, c_line, c_last, c_parts, c_spans)
                    else:
                        self.write_unplaced(c_line, c_last, c_raw, c_error)
                in_block = False
                text = repaired[index][bullet:] if repaired and index in repaired else page[start + bullet:end]
                # open a comment: on the indentation grid, or an unplaced bullet
                offset = indent - base
                c_depth = offset // step
                c_indent, c_line, c_last = indent, number, number
                c_parts, c_spans, c_continues = [text], [number, number], True
                if offset >= 0 and offset % step == 0 and c_depth <= len(stack):
                    del stack[c_depth:]
                    # the comment before was closed (written) already: this is the next position
                    c_position = self.n_comments + 1
                    c_parent = stack[-1] if stack else 0
                    stack.append(c_position)
                    c_thread, c_raw = stack[0], None
                else:
                    allowed = _or_list(list(range(base, base + step * (len(stack) + 1), step)))
                    c_position = 0
                    c_error = (f"a comment bullet at indent {allowed}", f"indent {indent}")
                    c_raw = [self.raw_line(number)]
                continue
            text = repaired[index] if repaired and index in repaired else page[start:end]
            if in_sidebar:
                add_furniture(number, text)
                continue
            # a signature may stand level with its bullet instead of past it
            if c_indent >= 0 and not in_block and (
                indent > c_indent or (indent == c_indent and _signature_name(text) is not None)
            ):
                if (text[:1] in comment_furniture_first or regex_in_comments) and len(text) <= _SHORT_LINE:
                    rule = match_furniture(text)
                    if rule is not None and rule.in_comments:
                        add_furniture(number, text)
                        c_continues = False
                        continue
                c_parts.append("\n\n" if gap else "\n")
                c_parts.append(text)
                if c_continues:
                    c_spans[-1] = number
                else:
                    c_spans += (number, number)
                    c_continues = True
                c_last = number
                if not c_position:  # an unplaced bullet keeps its raw lines
                    c_raw.append(self.raw_line(number))
                continue
            rule = match_furniture(text)
            name = _byline_name(text)
            if rule is None and name is None and in_block:
                add_furniture(number, text)
                c_continues = False
                continue
            if c_indent >= 0:  # close the open comment
                if c_position:
                    write_comment(c_parent, c_thread, c_depth, c_line, c_last, c_parts, c_spans)
                else:
                    self.write_unplaced(c_line, c_last, c_raw, c_error)
            if rule is not None:
                add_furniture(number, text)
                in_block = rule.block or in_block
                in_sidebar = rule.sidebar and self.after_byline
            elif name is not None:
                self.in_block = in_block
                self.add_byline(number, text, name)
                in_block = False
            else:
                if c_indent >= 0:
                    expected = f"a comment bullet, or a line indented past the bullet at indent {c_indent}"
                else:
                    expected = "a comment bullet, a byline (By NAME) or page furniture"
                self.previous = "unparsed"
                policy.unplaced(number, number, self.raw_line(number), reason="stray_line",
                                expected=expected, found=f"text at indent {indent}: {_snippet(text)}")
            c_indent, c_continues = -1, False
        if c_indent >= 0:
            if c_position:
                write_comment(c_parent, c_thread, c_depth, c_line, c_last, c_parts, c_spans)
            else:
                self.write_unplaced(c_line, c_last, c_raw, c_error)
        self.in_block, self.in_sidebar = in_block, in_sidebar
        self.post["n_comments"] = self.n_comments

    def write_unplaced(self, line_start: int, line_end: int, raw: list[str], error: tuple[str, str]) -> None:
        """A bullet off the indentation grid and its lines, as one unparsed row."""
        expected, found = error
        self.policy.unplaced(line_start, line_end, "\n".join(raw), reason="bullet_indent",
                             expected=expected, found=found)


def _parse_page(text: str, source: str, post_id: str, policy: ErrorPolicy,
                may_be_mojibake: bool | None = None) -> dict:
    """Parse one page's text into a post record and columnar comment and furniture buffers.

    ``may_be_mojibake``: whether the page can hold mojibake (``None``: look); a reader
    that saw the bytes knows it cheaply (see :func:`_latin1_range`).
    """
    return _parse_lines(*_page_lines(text, may_be_mojibake), source, post_id, policy)


def _page_lines(text: str | list[str], may_be_mojibake: bool | None) -> tuple[list[str], bool, bool]:
    """Step 0: (the text's blocks with ``\\n`` newlines, whether they may hold mojibake,
    whether the text is empty). ``text``: the page, or its blocks of whole lines."""
    blocks = [text] if isinstance(text, str) else text
    if may_be_mojibake is None:  # most pages are clean
        may_be_mojibake = any(not b.isascii() and _may_be_mojibake(b) for b in blocks)
    else:  # a pair never spans a newline, so never two blocks
        may_be_mojibake = may_be_mojibake and any(_may_be_mojibake(b) for b in blocks)
    empty = not any(blocks)
    for i, block in enumerate(blocks):
        blocks[i] = _normalise_newlines(block)
    return blocks, may_be_mojibake, empty


def _parse_lines(page: list[str], may_be_mojibake: bool, empty: bool, source: str, post_id: str,
                 policy: ErrorPolicy) -> dict:
    """Steps 1 to 3 on a page's blocks of lines (``\\n`` newlines only)."""
    lines = _scan_lines(page, may_be_mojibake)
    del page  # held by ``lines``, which lets each block go once it is parsed
    if not len(lines):
        policy.fatal(None, expected="a page dump (a title, a body and comments)",
                     found="an empty file" if empty else "only blank lines")
    builder = _PageBuilder(lines, source, post_id, policy)
    builder.parse_head()
    builder.parse_comments()
    return {"post": builder.post, "comments": builder.comments, "comment_chunks": builder.comment_chunks,
            "furniture": builder.furniture}


#: line-span columns this reader adds to the posts table, with their dtypes
_POST_EXTRAS = {
    "title_line": "Int64", "tags_line": "Int64", "body_line_start": "Int64",
    "body_line_end": "Int64", "body_spans": "string",
}


def _buffer_post_id(blocks: list[str]) -> str:
    digest = hashlib.sha1()
    for block in blocks:
        digest.update(block.encode("utf-8", "surrogatepass"))
    return make_post_id("buffer_" + digest.hexdigest()[:12])


def read_pagedump(path_or_buffer: PathOrBuffer, *, on_error: str = "raise") -> Corpus:
    """Read one plain-text page dump (a post and its comment thread) into a corpus.

    Parameters
    ----------
    path_or_buffer
        A path (``str`` or :class:`pathlib.Path`), or a document in memory wrapped in
        :class:`io.StringIO`. The source is named by the path, the buffer's ``name`` or
        ``"<buffer>"``.
    on_error
        What to do with a line that cannot be placed (a bullet off the indentation grid,
        stray text after the comments): ``"raise"`` a :class:`~msdiscourse.ParseError`,
        ``"warn"`` and keep it as an ``unparsed`` row, or ``"collect"`` it silently.

    Returns
    -------
    Corpus
        One post (``source_format`` ``"pagedump"``, ``post_id`` from the file stem, or a
        short hash of the content for an unnamed buffer), its comments in page order
        (``comment_id`` ``{post_id}.c{position}``), furniture rows (``kind`` ``"furniture"``
        or ``"byline"``) and unparsed rows.

    Raises
    ------
    ParseError
        For an empty file, binary data, text that is not UTF-8, and under
        ``on_error="raise"`` for a line that cannot be placed; the message names the
        source, the line, what was expected and what was found.

    Examples
    --------
    >>> import io
    >>> page = io.StringIO("A title\\n\\nThe body.\\n\\n  • First!\\n    • A reply.\\n      – Ann\\n")
    >>> corpus = read_pagedump(page)
    >>> corpus.posts[["title", "body", "n_comments"]]
         title       body  n_comments
    0  A title  The body.           2
    >>> corpus.comments[["depth", "author", "text"]]
       depth author      text
    0      0   <NA>    First!
    1      1    Ann  A reply.
    """
    check_on_error(on_error)
    page = _read_one(path_or_buffer, on_error)
    comments = _CommentColumns()
    comments.add(page)
    return _build_corpus([page], comments)


def read_pagedump_files(paths: Iterable[str | os.PathLike], *, on_error: str = "raise") -> Corpus:
    """Read many page dumps into one corpus, building its tables once.

    Gives the same corpus as concatenating :func:`read_pagedump` of each file, without
    building and concatenating four DataFrames per page; :func:`~msdiscourse.read_corpus`
    uses it for runs of page dumps.

    Parameters
    ----------
    paths
        Page-dump files, in the order their posts should appear.
    on_error
        As for :func:`read_pagedump`.

    Returns
    -------
    Corpus

    Raises
    ------
    ParseError
        As for :func:`read_pagedump`, naming the file.
    ValueError
        When two files give the same post id (the same file stem in two folders).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("A\\n\\nBody.\\n\\n  • Hi.\\n", encoding="utf-8")
    >>> _ = (folder / "b.txt").write_text("B\\n\\nBody.\\n", encoding="utf-8")
    >>> read_pagedump_files(sorted(folder.glob("*.txt"))).posts[["post_id", "n_comments"]]
      post_id  n_comments
    0       a           1
    1       b           0
    """
    check_on_error(on_error)
    pages: list[dict] = []
    comments = _CommentColumns()
    seen: set[str] = set()
    for path in paths:
        page = _read_one(path, on_error)
        post_id = page["post"]["post_id"]
        if post_id in seen:
            raise ValueError(f"post ids must be unique across sources; repeated: {[post_id]}")
        seen.add(post_id)
        comments.add(page)  # typed every _FLUSH_COMMENTS comments, across pages
        pages.append(page)
    return _build_corpus(pages, comments)


def _read_one(path_or_buffer: PathOrBuffer, on_error: str) -> dict:
    blocks, source, stem, may_be_mojibake = _read_source(path_or_buffer)
    post_id = make_post_id(stem) if stem is not None else _buffer_post_id(blocks)
    policy = ErrorPolicy(source, on_error=on_error)
    chars = sum(map(len, blocks))
    page_lines = _page_lines(blocks, may_be_mojibake)
    del blocks  # the parse holds them (newlines normalised) and lets each go when passed
    records = _parse_lines(*page_lines, source, post_id, policy)
    del page_lines
    records["unparsed"] = policy.rows
    records["chars"] = chars
    return records


#: the columns each page's comment buffers hold (post_id, position and flags are added
#: when the pages' buffers are joined into one table)
_COMMENT_BUFFERS = ("parent", "thread", "depth", "author", "text", "line_start", "line_end", "spans")


#: comments a page buffers as Python objects before typing them (see flush_comments)
_FLUSH_COMMENTS = 20_000
_INT_BUFFERS = frozenset({"parent", "thread", "depth", "line_start", "line_end"})


def _typed_chunk(buffers: dict[str, list]) -> dict:
    """Comment buffers as typed columns: int64 numpy arrays and Arrow large strings."""
    return {
        name: np.array(values, dtype="int64") if name in _INT_BUFFERS
        else pa.array(values, type=pa.large_string())
        for name, values in buffers.items()
    }


def _column(pages: list[dict], table: str, name: str) -> list:
    return list(chain.from_iterable(page[table][name] for page in pages))


class _CommentColumns:
    """The comment columns of many pages, in page order, typed in batches.

    Each page's comments arrive as the typed chunks its parse flushed (a big page) and
    the plain lists of the rest; the lists of consecutive pages are gathered and typed
    together every :data:`_FLUSH_COMMENTS` comments, so a folder of small pages makes one
    Arrow or numpy array per column per batch rather than per page (small arrays cost
    more to make than to fill), and never holds more than a batch as Python objects.
    """

    def __init__(self) -> None:
        self.chunks: list[dict] = []
        self.pending: dict[str, list] = {name: [] for name in _COMMENT_BUFFERS}

    def add(self, page: dict) -> None:
        """Take a page's comment buffers (``comment_chunks``, ``comments``) off the page."""
        if page["comment_chunks"]:
            self.flush()
            self.chunks.extend(page["comment_chunks"])
        pending = self.pending
        for name, values in page["comments"].items():
            pending[name] += values
        del page["comment_chunks"], page["comments"]
        if len(pending["depth"]) >= _FLUSH_COMMENTS:
            self.flush()

    def flush(self) -> None:
        if self.pending["depth"]:
            self.chunks.append(_typed_chunk(self.pending))
            self.pending = {name: [] for name in _COMMENT_BUFFERS}

    def ints(self, name: str) -> np.ndarray:
        """One integer column of every comment added."""
        self.flush()
        chunks = [chunk[name] for chunk in self.chunks]
        return np.concatenate(chunks) if chunks else np.array([], dtype="int64")

    def strings(self, name: str) -> pa.ChunkedArray:
        """One string column of every comment added (its chunks, not copied)."""
        self.flush()
        return pa.chunked_array([chunk[name] for chunk in self.chunks], type=pa.large_string())


#: a text longer than this (in characters) goes to Arrow on its own: see _text_array
_BIG_TEXT = 1 << 20


def _text_array(values: list) -> pa.Array:
    """``values`` (``str`` or ``None``) as a ``large_string`` array, each long text
    encoded on its own and let go at once (its slot in ``values`` is set to ``None``).

    ``pa.array`` of a text that is not ASCII keeps a UTF-8 copy cached on the ``str``
    beside its own buffer; encoding first and wrapping the bytes costs the UTF-8 once,
    and the ``str`` can go as soon as it is encoded. A text that cannot be UTF-8 (a lone
    surrogate, from a text buffer) raises ``UnicodeEncodeError``, as ``pa.array`` does.
    """
    pool = pa.system_memory_pool()
    pieces: list[pa.Array] = []
    start = 0
    for index, value in enumerate(values):
        if value is None or len(value) <= _BIG_TEXT:
            continue
        data = value.encode("utf-8")
        if start < index:
            pieces.append(pa.array(values[start:index], type=pa.large_string(), memory_pool=pool))
        values[index] = value = None  # the text now lives in ``data`` only
        offsets = np.array([0, len(data)], dtype="int64")
        pieces.append(pa.LargeStringArray.from_buffers(1, pa.py_buffer(offsets), pa.py_buffer(data)))
        del data
        start = index + 1
    if start < len(values) or not pieces:
        pieces.append(pa.array(values[start:], type=pa.large_string(), memory_pool=pool))
    return pieces[0] if len(pieces) == 1 else pa.concat_arrays(pieces, memory_pool=pool)


def _repeat_strings(values: list[str], counts: list[int]) -> pa.Array:
    """``values[i]`` ``counts[i]`` times each, built in Arrow (no Python object per row)."""
    indices = pa.array(np.repeat(np.arange(len(values), dtype="int64"), counts))
    return pa.array(values, type=pa.large_string()).take(indices)


def _string_column(values: pa.Array | pa.ChunkedArray) -> pd.arrays.ArrowStringArray:
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    return pd.arrays.ArrowStringArray(values)


def _decimal(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.large_string())


def _positions(counts: list[int]) -> np.ndarray:
    """1, 2, ... ``counts[i]`` for each page ``i``, one array, without an array per page."""
    sizes = np.array(counts, dtype="int64")
    starts = np.cumsum(sizes) - sizes
    return np.arange(1, int(sizes.sum()) + 1, dtype="int64") - np.repeat(starts, sizes)


def _build_corpus(pages: list[dict], comment_columns: _CommentColumns) -> Corpus:
    """The tables of many pages, built column by column from their buffers.

    The reader knows each comment's parent, depth, thread and position already, so the
    comment table is typed straight from the buffers (no row dicts, no second pass over
    the tree); posts and unparsed rows, a handful per page, go through ``from_records``.
    """
    # the bodies go to Arrow straight from the pages (a page can be one 50 MB line): the
    # records' path would hold each body as Python text and Arrow twice over
    bodies = [page["post"]["body"] for page in pages]
    for page in pages:
        page["post"]["body"] = None
    body = _text_array(bodies)
    del bodies
    posts = Corpus.from_records(
        posts=[page["post"] for page in pages],
        unparsed=[row for page in pages for row in page["unparsed"]],
        derive_threads=False,
    )
    posts.posts["body"] = _string_column(body)
    counts = [page["post"]["n_comments"] for page in pages]
    n_comments = sum(counts)
    post_ids = [page["post"]["post_id"] for page in pages]
    post_id = _repeat_strings(post_ids, counts)

    def ids(positions: np.ndarray) -> pa.Array:  # make_comment_id: "{post_id}.c{position}"
        return pc.binary_join_element_wise(post_id, _decimal(positions), pa.scalar(".c", pa.large_string()))

    position = _positions(counts)
    parent = comment_columns.ints("parent")
    line_start, line_end = comment_columns.ints("line_start"), comment_columns.ints("line_end")
    # a comment whose lines are one run has the span "line_start-line_end"; the buffers
    # hold the spans text of the others only
    spans = pc.coalesce(comment_columns.strings("spans").combine_chunks(),
                        pc.binary_join_element_wise(_decimal(line_start), _decimal(line_end), pa.scalar("-", pa.large_string())))
    comments = pd.DataFrame({
        "comment_id": _string_column(ids(position)),
        "post_id": _string_column(post_id),
        "parent_id": _string_column(pc.if_else(pa.array(parent == 0), pa.scalar(None, pa.large_string()),
                                               ids(parent))),
        "thread_id": _string_column(ids(comment_columns.ints("thread"))),
        "depth": pd.array(comment_columns.ints("depth"), dtype=INT),
        "position": pd.array(position, dtype=INT),
        "author": _string_column(comment_columns.strings("author")),
        "text": _string_column(comment_columns.strings("text")),
        "line_start": pd.array(line_start, dtype=INT),
        "line_end": pd.array(line_end, dtype=INT),
        "published": pd.Series(pd.NaT, index=range(n_comments), dtype=DATETIME),
        "flags": _string_column(_repeat_strings([""], [n_comments])),
        "spans": _string_column(spans),
    })
    furniture_counts = [len(page["furniture"]["kind"]) for page in pages]
    line_start = _column(pages, "furniture", "line_start")
    furniture = pd.DataFrame({
        "source": pd.array(list(chain.from_iterable(
            repeat(page["post"]["source"], n) for page, n in zip(pages, furniture_counts))), dtype=STRING),
        "post_id": pd.array(list(chain.from_iterable(
            repeat(p, n) for p, n in zip(post_ids, furniture_counts))), dtype=STRING),
        "kind": pd.array(_column(pages, "furniture", "kind"), dtype=STRING),
        "line_start": pd.array(line_start, dtype=INT),
        "line_end": pd.array(line_start, dtype=INT),
        "text": pd.array(_column(pages, "furniture", "text"), dtype=STRING),
    })
    return posts.replace(
        posts=posts.posts.astype(_POST_EXTRAS),
        comments=comments,
        furniture=furniture,
    )


# -- writing --------------------------------------------------------------------------
def _present(value) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and value != value)


def _comment_order(comments: pd.DataFrame) -> list[tuple[int, dict]]:
    """Return (depth, row) in thread order: each comment followed by its replies."""
    if "position" in comments:
        comments = comments.sort_values("position", kind="stable")
    rows = comments.to_dict("records")
    ids = {row["comment_id"] for row in rows}
    children: dict[str | None, list[dict]] = {}
    for row in rows:
        parent = row.get("parent_id")
        parent = parent if _present(parent) and parent in ids and parent != row["comment_id"] else None
        children.setdefault(parent, []).append(row)
    ordered: list[tuple[int, dict]] = []
    seen: set[str] = set()
    pending = [(0, row) for row in reversed(children.get(None, []))]
    while pending:
        depth, row = pending.pop()
        if row["comment_id"] in seen:
            continue
        seen.add(row["comment_id"])
        ordered.append((depth, row))
        pending.extend((depth + 1, child) for child in reversed(children.get(row["comment_id"], [])))
    # comments caught in a parent cycle are unreachable from the top: write them top level
    ordered.extend((0, row) for row in rows if row["comment_id"] not in seen)
    return ordered


def _render_post(post: dict, comments: pd.DataFrame) -> str:
    out: list[str] = []
    if _present(post.get("title")):
        out += [str(post["title"]), "", ""]
    tags = post.get("tags")
    if tags is not None and len(tags):
        out += [" ".join(f"#{tag}" for tag in tags), ""]
    if _present(post.get("body")) and str(post["body"]).strip():
        for paragraph in str(post["body"]).split("\n\n"):
            out += paragraph.split("\n")
            out.append("")
    for depth, row in _comment_order(comments):
        bullet = " " * (2 + 2 * depth)
        continuation = bullet + "  "
        text = str(row["text"]) if _present(row.get("text")) else ""
        paragraphs = [p.split("\n") for p in text.split("\n\n")]
        first = True
        for number, paragraph in enumerate(paragraphs):
            if number:
                out.append("")
            for line in paragraph:
                out.append(f"{bullet}• {line}" if first else f"{continuation}{line}")
                first = False
        if _present(row.get("author")):
            out.append(f"{continuation}– {row['author']}")
        out.append("")
    if _present(post.get("author")):
        out += [f"By {post['author']}", ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def write_pagedump(corpus: Corpus, *, post_id: str | None = None) -> str:
    """Render one post and its comment thread as a page dump.

    The page uses a 2-space indentation step, ``•`` bullets, blank lines between
    paragraphs, ``– Name`` signatures for comment authors, a ``#tag`` line and a
    ``By NAME`` byline, so :func:`read_pagedump` reads it back to the same tree.
    Furniture rows are not written: they are not content.

    Parameters
    ----------
    corpus
        The corpus holding the post.
    post_id
        Which post to render; required when the corpus holds more than one.

    Returns
    -------
    str
        The page, ending with a newline.

    Raises
    ------
    ValueError
        When the corpus holds no posts, several posts and no ``post_id``, or no post
        with the given ``post_id``.

    Examples
    --------
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "title": "Hello", "body": "A post.", "author": "Ann"}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "First!", "author": "Bo"}])
    >>> print(write_pagedump(corpus))
    Hello
    <BLANKLINE>
    <BLANKLINE>
    A post.
    <BLANKLINE>
      • First!
        – Bo
    <BLANKLINE>
    By Ann
    <BLANKLINE>
    """
    posts = corpus.posts
    if post_id is None:
        if len(posts) == 0:
            raise ValueError("write_pagedump: the corpus holds no posts")
        if len(posts) > 1:
            shown = ", ".join(map(str, posts["post_id"].head(5)))
            raise ValueError(
                f"write_pagedump: the corpus holds {len(posts)} posts; pass post_id= one of "
                f"{shown}{' ...' if len(posts) > 5 else ''} (or use write_pagedump_folder)"
            )
        post = posts.iloc[0].to_dict()
    else:
        chosen = posts[posts["post_id"] == post_id]
        if len(chosen) == 0:
            raise ValueError(f"write_pagedump: no post with post_id {post_id!r}")
        post = chosen.iloc[0].to_dict()
    comments = corpus.comments[corpus.comments["post_id"] == post["post_id"]]
    return _render_post(post, comments)


def write_pagedump_folder(corpus: Corpus, folder: str | os.PathLike) -> list[Path]:
    """Write every post of a corpus as ``<post_id>.txt`` page dumps into ``folder``.

    Parameters
    ----------
    corpus
        The corpus to write.
    folder
        Created if needed. File names come from
        :func:`msdiscourse.paths.safe_file_name`: a plain lower-case id is the name as it
        is, any other id (``wptest:1149``, ``../x``, ``P1``) keeps its safe characters plus
        a hash, so every file lands inside ``folder`` and no two posts share a file. The
        index ``file-index.json`` beside the files maps each file name back to its post id
        (:func:`msdiscourse.paths.read_file_index`).

    Returns
    -------
    list of pathlib.Path
        The files written, in post order.

    Examples
    --------
    >>> import tempfile
    >>> corpus = Corpus.from_records(posts=[{"post_id": "p1", "title": "Hi", "body": "Text."},
    ...                                     {"post_id": "x:1", "title": "Ho", "body": "Text."}])
    >>> [p.name for p in write_pagedump_folder(corpus, tempfile.mkdtemp())]
    ['p1.txt', 'x_1--0b788078937c4c6e.txt']
    """
    from msdiscourse.paths import safe_file_name, write_file_index

    folder = Path(folder)
    posts = corpus.posts.to_dict("records")
    names = {safe_file_name(post["post_id"], suffix=".txt"): str(post["post_id"]) for post in posts}
    folder.mkdir(parents=True, exist_ok=True)
    write_file_index(folder, names)  # checks names first: refuses a name taken by another id
    by_post = {pid: frame for pid, frame in corpus.comments.groupby("post_id", sort=False)}
    empty = corpus.comments.iloc[0:0]
    written = []
    for post in posts:
        path = folder / safe_file_name(post["post_id"], suffix=".txt")
        path.write_text(_render_post(post, by_post.get(post["post_id"], empty)), encoding="utf-8", newline="\n")
        written.append(path)
    return written
