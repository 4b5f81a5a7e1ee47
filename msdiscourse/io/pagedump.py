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

import csv
import functools
import hashlib
import io
import os
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Iterable, Union

import pandas as pd

from msdiscourse.corpus import Corpus, make_comment_id, make_post_id
from msdiscourse.errors import ErrorPolicy, ParseError, check_on_error
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

_BULLET_RE = re.compile(r"(?:([•*\-+◦▪‣·])(?:[ \t\u00a0]+|$)|(o)[ \t\u00a0]+(?=\S))")
_TAGS_RE = re.compile(r"#(?=[^\s#])")
_TAG_RE = re.compile(r"#([^#]+)")
_BYLINE_RE = re.compile(r"By[ \u00a0]+(\S.*)")
#: a signature: an en or em dash (the format's own), or the plain-text ``--`` and ``~``
_SIGNATURE_RE = re.compile(r"(?:[–—~]|--)[ \u00a0]*(\S.*)")
_SENTENCE_END = (".", ",", ";", ":", "!", "?")
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


def _may_be_mojibake(text: str) -> bool:
    return _MOJIBAKE_PAIR.search(text) is not None or _C1_CONTROL.search(text) is not None


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
class _Comment:
    """A comment being assembled, or a bullet that could not be placed (``comment_id`` None)."""

    __slots__ = ("bullet_line", "indent", "comment_id", "parent_id", "paragraphs", "spans",
                 "last_line", "error", "raw")

    def __init__(self, bullet_line: int, indent: int, comment_id: str | None,
                 parent_id: str | None, first_text: str) -> None:
        self.bullet_line = bullet_line
        self.indent = indent
        self.comment_id = comment_id
        self.parent_id = parent_id
        self.paragraphs: list[list[str]] = [[first_text]]
        self.spans: list[list[int]] = [[bullet_line, bullet_line]]
        self.last_line = bullet_line
        self.error: tuple[str, str] | None = None  # (expected, found) for an unplaced bullet
        self.raw: list[str] | None = None  # the raw lines, kept only for an unplaced bullet


def _span_text(spans: list[list[int]]) -> str:
    return ",".join(f"{a}-{b}" for a, b in spans)


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


def _read_source(path_or_buffer: PathOrBuffer) -> tuple[str, str, str | None]:
    """Return (text, source name, file stem or None) for a path or a buffer."""
    if isinstance(path_or_buffer, (str, os.PathLike)):
        path = Path(path_or_buffer)
        source = str(path_or_buffer)
        return _decode(path.read_bytes(), source), source, path.stem
    if not hasattr(path_or_buffer, "read"):
        raise TypeError(
            f"read_pagedump expects a path or a text buffer (io.StringIO); got {type(path_or_buffer).__name__}"
        )
    name = getattr(path_or_buffer, "name", None)
    source = str(name) if isinstance(name, (str, os.PathLike)) else "<buffer>"
    stem = Path(name).stem if isinstance(name, (str, os.PathLike)) else None
    content = path_or_buffer.read()
    if isinstance(content, bytes):
        content = _decode(content, source)
    else:
        content = content.removeprefix("\ufeff")
        if "\x00" in content:
            nul = content.index("\x00")
            raise ParseError(source, content[:nul].count("\n") + 1, expected="a text page dump",
                             found="binary data (a NUL character)", remedy=None)
    return content, source, stem


def _title_like(text: str) -> bool:
    return len(text) <= 150 and not text.endswith((".", ",", ";", ":"))


def _byline_name(text: str) -> str | None:
    if len(text) > _SHORT_LINE:
        return None
    found = _BYLINE_RE.fullmatch(text)
    if found is None:
        return None
    name = found.group(1).strip(_EDGE_SPACE)
    if name[0].islower() or name.endswith(_SENTENCE_END) or len(name.split()) > 6:
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


def _parse_page(text: str, source: str, post_id: str, policy: ErrorPolicy) -> dict:
    """Parse one page's text into plain records (no DataFrame work: it runs per line)."""
    raw_lines = _split_lines(text)
    may_be_mojibake = not text.isascii() and _may_be_mojibake(text)  # most pages are clean
    # content lines: (line number, indent, stripped text, blank line before it, bullet)
    # where bullet is None or (bullet character, text after the bullet)
    content: list[tuple[int, int, str, bool, tuple[str, str] | None]] = []
    comments_start = -1
    bullet_indents: list[int] = []  # indents of the bullets from the first comment on
    gap = False
    edge, bullet_first, bullet_re = _EDGE_SPACE, _BULLET_FIRST, _BULLET_RE
    for number, line in enumerate(raw_lines, start=1):
        stripped = line.strip(edge)
        if not stripped:
            gap = True
            continue
        if may_be_mojibake and _may_be_mojibake(stripped):
            stripped = normalise_text(stripped)
        if line[0] in edge:
            if "\t" in line:
                line = line.expandtabs(_TAB_SIZE)
            indent = len(line) - len(line.lstrip(edge))
        else:
            indent = 0
        bullet = None
        if stripped[0] in bullet_first:
            found = bullet_re.match(stripped)
            if found is not None:
                char = found.group(1) or found.group(2)
                bullet = (char, stripped[found.end():])
                if comments_start < 0 and (indent > 0 or char in _STRONG_BULLETS):
                    comments_start = len(content)
                if comments_start >= 0:
                    bullet_indents.append(indent)
        content.append((number, indent, stripped, gap, bullet))
        gap = False
    if not content:
        policy.fatal(None, expected="a page dump (a title, a body and comments)",
                     found="an empty file" if not text else "only blank lines")
    if comments_start < 0:
        comments_start = len(content)
    base, step = _infer_indents(bullet_indents)

    post = {
        "post_id": post_id, "source": source, "source_format": "pagedump",
        "title": None, "author": None, "tags": [], "body": None,
        "line_start": content[0][0], "line_end": content[-1][0],
        "title_line": None, "tags_line": None,
        "body_line_start": None, "body_line_end": None, "body_spans": None,
    }
    furniture: list[dict] = []
    comments: list[dict] = []
    body_paragraphs: list[list[str]] = []
    body_spans: list[list[int]] = []
    previous_owner = None  # what claimed the previous content line (to merge spans)

    def add_furniture(number: int, line_text: str, kind: str) -> None:
        furniture.append({"source": source, "post_id": post_id, "kind": kind,
                          "line_start": number, "line_end": number, "text": line_text})

    def is_byline_here(index: int) -> bool:
        """A "By NAME" line in the body is a byline only at the body's edges."""
        if not body_paragraphs:
            return True
        following = index + 1
        if following >= len(content) or following >= comments_start:
            return True
        next_text = content[following][2]
        return match_furniture(next_text) is not None or _byline_name(next_text) is not None

    # -- head and body ----------------------------------------------------------------
    in_block = False
    # a sidebar list heading (Recent Comments ...) after the byline: the page's end, whose
    # bulleted items are links, not comments
    after_byline = in_sidebar = False
    expecting = "title"
    for index in range(comments_start):
        number, indent, stripped, gap, _ = content[index]
        rule = match_furniture(stripped)
        if rule is not None:
            add_furniture(number, stripped, "furniture")
            in_block = rule.block or in_block  # a plain heading inside a block does not end it
            in_sidebar = in_sidebar or (rule.sidebar and after_byline)
            previous_owner = "furniture"
            continue
        if expecting != "body" and _TAGS_RE.match(stripped):
            post["tags"] = [t.strip(_EDGE_SPACE) for t in _TAG_RE.findall(stripped) if t.strip(_EDGE_SPACE)]
            post["tags_line"] = number
            expecting = "body"
            previous_owner = "tags"
            continue
        if expecting == "title" and indent == 0 and _title_like(stripped):
            post["title"] = stripped
            post["title_line"] = number
            expecting = "tags"
            previous_owner = "title"
            continue
        expecting = "body"
        name = _byline_name(stripped) if indent == 0 else None
        if name is not None and is_byline_here(index):
            add_furniture(number, stripped, "byline")
            if post["author"] is None:
                post["author"] = name
            in_block = False
            after_byline = True
            previous_owner = "byline"
            continue
        if in_block:
            add_furniture(number, stripped, "furniture")
            previous_owner = "furniture"
            continue
        if gap or not body_paragraphs:
            body_paragraphs.append([stripped])
        else:
            body_paragraphs[-1].append(stripped)
        if previous_owner == "body":
            body_spans[-1][1] = number
        else:
            body_spans.append([number, number])
        previous_owner = "body"

    if body_paragraphs:
        post["body"] = "\n\n".join("\n".join(p) for p in body_paragraphs)
        post["body_line_start"] = body_spans[0][0]
        post["body_line_end"] = body_spans[-1][1]
        post["body_spans"] = _span_text(body_spans)

    # -- comments -----------------------------------------------------------------------
    stack: list[str] = []  # comment_id of the latest comment at each depth
    current: _Comment | None = None
    position = 0

    def close(comment: _Comment | None) -> None:
        if comment is None:
            return
        if comment.comment_id is None:
            expected, found = comment.error
            policy.unplaced(comment.bullet_line, comment.last_line, "\n".join(comment.raw),
                            reason="bullet_indent", expected=expected, found=found)
            return
        author = None
        paragraphs = comment.paragraphs
        last = paragraphs[-1][-1]
        if comment.last_line != comment.bullet_line and last[0] in "–—~-":
            name = _signature_name(last)
            if name is not None:
                author = name
                paragraphs[-1].pop()
                if not paragraphs[-1]:
                    paragraphs.pop()
        comments.append({
            "comment_id": comment.comment_id, "post_id": post_id,
            "parent_id": comment.parent_id, "author": author,
            "text": "\n\n".join(["\n".join(p) for p in paragraphs]),
            "line_start": comment.bullet_line, "line_end": comment.last_line,
            "spans": _span_text(comment.spans),
        })

    for index in range(comments_start, len(content)):
        number, indent, stripped, gap, bullet = content[index]
        if in_sidebar:
            add_furniture(number, stripped, "furniture")
            previous_owner = "furniture"
            continue
        if bullet is not None:
            close(current)
            in_block = False
            offset = indent - base
            depth = offset // step
            if offset >= 0 and offset % step == 0 and depth <= len(stack):
                del stack[depth:]
                position += 1
                comment_id = make_comment_id(post_id, position)
                current = _Comment(number, indent, comment_id, stack[-1] if stack else None, bullet[1])
                stack.append(comment_id)
            else:
                allowed = _or_list(list(range(base, base + step * (len(stack) + 1), step)))
                current = _Comment(number, indent, None, None, bullet[1])
                current.error = (f"a comment bullet at indent {allowed}", f"indent {indent}")
                current.raw = [raw_lines[number - 1]]
            previous_owner = current
            continue
        # a signature may stand level with its bullet instead of past it
        if current is not None and not in_block and (
            indent > current.indent
            or (indent == current.indent and _signature_name(stripped) is not None)
        ):
            if len(stripped) <= _SHORT_LINE:
                rule = match_furniture(stripped)
                if rule is not None and rule.in_comments:
                    add_furniture(number, stripped, "furniture")
                    previous_owner = "furniture"
                    continue
            if gap:
                current.paragraphs.append([stripped])
            else:
                current.paragraphs[-1].append(stripped)
            if previous_owner is current:
                current.spans[-1][1] = number
            else:
                current.spans.append([number, number])
            current.last_line = number
            if current.raw is not None:
                current.raw.append(raw_lines[number - 1])
            previous_owner = current
            continue
        rule = match_furniture(stripped)
        name = _byline_name(stripped)
        if rule is not None:
            close(current)
            current = None
            add_furniture(number, stripped, "furniture")
            in_block = rule.block or in_block  # a plain heading inside a block does not end it
            in_sidebar = rule.sidebar and after_byline
            previous_owner = "furniture"
            continue
        if name is not None:
            close(current)
            current = None
            add_furniture(number, stripped, "byline")
            if post["author"] is None:
                post["author"] = name
            in_block = False
            after_byline = True
            previous_owner = "byline"
            continue
        if in_block:
            add_furniture(number, stripped, "furniture")
            previous_owner = "furniture"
            continue
        close(current)
        if current is not None:
            expected = f"a comment bullet, or a line indented past the bullet at indent {current.indent}"
        else:
            expected = "a comment bullet, a byline (By NAME) or page furniture"
        current = None
        previous_owner = "unparsed"
        policy.unplaced(number, number, raw_lines[number - 1], reason="stray_line",
                        expected=expected, found=f"text at indent {indent}: {_snippet(stripped)}")
    close(current)
    return {"post": post, "comments": comments, "furniture": furniture}


#: line-span columns this reader adds to the posts table, with their dtypes
_POST_EXTRAS = {
    "title_line": "Int64", "tags_line": "Int64", "body_line_start": "Int64",
    "body_line_end": "Int64", "body_spans": "string",
}


def _buffer_post_id(text: str) -> str:
    return make_post_id("buffer_" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12])


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
    return _build_corpus([_read_one(path_or_buffer, on_error)])


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
    chunks: list[Corpus] = []
    pages: list[dict] = []
    chunk_chars = 0
    seen: set[str] = set()
    for path in paths:
        page = _read_one(path, on_error)
        post_id = page["post"]["post_id"]
        if post_id in seen:
            raise ValueError(f"post ids must be unique across sources; repeated: {[post_id]}")
        seen.add(post_id)
        pages.append(page)
        chunk_chars += page["chars"]
        if chunk_chars >= _CHUNK_CHARS:  # bound the plain-Python records held at once
            chunks.append(_build_corpus(pages))
            pages, chunk_chars = [], 0
    if pages or not chunks:
        chunks.append(_build_corpus(pages))
    if len(chunks) == 1:
        return chunks[0]
    # every chunk is typed already, so a plain concat keeps the dtypes without re-coercing
    return Corpus(**{
        name: pd.concat([getattr(chunk, name) for chunk in chunks], ignore_index=True)
        for name in ("posts", "comments", "unparsed", "furniture")
    })


def _read_one(path_or_buffer: PathOrBuffer, on_error: str) -> dict:
    text, source, stem = _read_source(path_or_buffer)
    post_id = make_post_id(stem) if stem is not None else _buffer_post_id(text)
    policy = ErrorPolicy(source, on_error=on_error)
    records = _parse_page(text, source, post_id, policy)
    records["unparsed"] = policy.rows
    records["chars"] = len(text)
    return records


#: how much page text (characters) read_pagedump_files turns into one set of tables at a time
_CHUNK_CHARS = 8_000_000


def _build_corpus(pages: list[dict]) -> Corpus:
    """One Corpus.from_records call for the records of many pages."""
    corpus = Corpus.from_records(
        posts=[page["post"] for page in pages],
        comments=[row for page in pages for row in page["comments"]],
        unparsed=[row for page in pages for row in page["unparsed"]],
        furniture=[row for page in pages for row in page["furniture"]],
    )
    comments = corpus.comments
    if "spans" not in comments.columns:  # no page had comments
        comments = comments.assign(spans=pd.Series([], dtype="string"))
    return corpus.replace(
        posts=corpus.posts.astype(_POST_EXTRAS),
        comments=comments.astype({"spans": "string"}),
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
