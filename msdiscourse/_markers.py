"""Marker patterns as data, masking, and the scanner behind ``find_markers``.

The patterns live in ``resources/sarcasm_markers.csv`` (one row per pattern; several rows
may share a rule). They are compiled once into one alternation per category (two where a
row can start anywhere, or needs the original case), each row a named group ``r<row>``, so
a category costs one or two regex passes however many rows it has. Scanning runs over all
texts joined by a separator, so a million sentences cost nine ``finditer`` calls rather
than nine million.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from msdiscourse.categories import MARKER_CATEGORIES
from msdiscourse.errors import ParseError
from msdiscourse.paths import RESOURCES_DIR
from msdiscourse.text import MIN_QUOTE_WORDS, n_words

__all__ = [
    "MARKERS_CSV",
    "NEGATIVE_SITUATIONS",
    "MASK_CHAR",
    "PATTERN_COLUMNS",
    "CONTRAST_THRESHOLD",
    "read_marker_patterns",
    "read_negative_situations",
    "read_learned_situations",
    "learned_contrast_pattern",
    "SITUATIONS_CSV",
    "compiled_categories",
    "mask_text",
    "scan_texts",
]

MARKERS_CSV = RESOURCES_DIR / "sarcasm_markers.csv"
NEGATIVE_SITUATIONS = RESOURCES_DIR / "negative_situations.txt"
#: positive phrases and negative situations learned from labelled irony (Riloff et al. 2013)
SITUATIONS_CSV = RESOURCES_DIR / "sarcasm_situations.csv"
SITUATION_COLUMNS: tuple[str, ...] = ("kind", "phrase", "n_ironic", "n_literal", "learned_from")
PATTERN_COLUMNS: tuple[str, ...] = ("category", "rule", "pattern", "example", "counter_example", "note")
#: masked text is replaced by this (ASCII "substitute"): not a word character, not a space
#: and not punctuation, so no pattern matches it and words on either side never join up
MASK_CHAR = "\x1a"
#: VADER compound a sentence needs for the contrast marker (positive wording, bad situation)
CONTRAST_THRESHOLD = 0.3
#: placeholder in the CSV that stands for the negative-situation list
_SITUATIONS_PLACEHOLDER = "{negative_situations}"
#: placeholder for "a learned positive phrase, then a learned situation in the same clause"
_LEARNED_PLACEHOLDER = "{learned_contrast}"
#: joins texts for the one-pass scan; begins with a newline so no line-bound pattern crosses it
_SEPARATOR = "\n\x00\n"
_FLAGS = re.IGNORECASE | re.MULTILINE
_SCAN_FLAGS = re.MULTILINE

# URLs and e-mail addresses are never the writer's own words; quotations of more than three
# words are someone else's text. Shorter quotations stay: they are scare quotes.
# Run over lower-cased text. Every alternative starts with a literal character, so the
# engine jumps between candidate characters in C; an address is found from its "@" and
# extended to the left afterwards (a pattern starting at every word would be slower).
_MASK_RE = re.compile(
    r"https?://[^\s\x00]+|www\.[^\s\x00]+"
    r"|@[\w-]+(?:\.[\w-]+)+"
    r"|\"[^\"\n]{1,3000}\"|“[^”\n]{1,3000}”"
)
_EMAIL_USER_RE = re.compile(r"[\w.+-]+$")


@dataclass(frozen=True)
class CompiledCategory:
    """One pass of one category: its combined pattern, and the CSV row of each named group."""

    category: str
    regex: re.Pattern
    rule_of_group: dict[str, str]
    row_of_group: dict[str, int]
    #: scan the original text (rows that need case), not the lower-cased one
    on_original: bool = False


def _csv_error(path: Path, line: int, expected: str, found: str) -> ParseError:
    return ParseError(str(path), line, expected=expected, found=found, remedy=None)


@functools.cache
def _read_patterns_cached(path: str) -> pd.DataFrame:
    source = Path(path)
    with open(source, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(header) != PATTERN_COLUMNS:
            raise _csv_error(source, 1, f"the header {','.join(PATTERN_COLUMNS)}", repr(header))
        rows = []
        for line_number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(PATTERN_COLUMNS):
                raise _csv_error(source, line_number, f"{len(PATTERN_COLUMNS)} fields", f"{len(row)}")
            record = dict(zip(PATTERN_COLUMNS, row))
            if record["category"] not in MARKER_CATEGORIES:
                raise _csv_error(source, line_number,
                                 f"a category among {', '.join(MARKER_CATEGORIES)}",
                                 repr(record["category"]))
            if re.search(r"\\[1-9]", record["pattern"]):
                raise _csv_error(source, line_number,
                                 "named back-references ((?P<name>...) and (?P=name))",
                                 "a numbered back-reference")
            try:
                re.compile(_expand(record["pattern"]), _FLAGS)
            except re.error as error:
                raise _csv_error(source, line_number, "a valid regular expression",
                                 f"{error}") from None
            record["line"] = line_number
            rows.append(record)
    if not rows:
        raise _csv_error(source, 2, "at least one pattern row", "none")
    table = pd.DataFrame(rows)
    table["line"] = table["line"].astype("Int64")
    return table.astype({column: "string" for column in PATTERN_COLUMNS})


def read_marker_patterns(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate the marker pattern table (cached per path; returns a copy)."""
    return _read_patterns_cached(str(Path(path or MARKERS_CSV).resolve())).copy()


@functools.cache
def read_negative_situations(path: str | Path | None = None) -> tuple[str, ...]:
    """Return the negative-situation terms (comments and blank lines dropped)."""
    lines = Path(path or NEGATIVE_SITUATIONS).read_text(encoding="utf-8").splitlines()
    return tuple(
        line.strip().lower() for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


@functools.cache
def _situations_pattern() -> str:
    # a trie of the terms: the regex engine tries alternatives one by one, so ninety terms
    # as a flat alternation cost ninety comparisons at every word start; a trie costs one
    trie: dict = {}
    for term in read_negative_situations():
        node = trie
        for char in term.rstrip("*"):
            node = node.setdefault(char, {})
        node[""] = r"\w*" if term.endswith("*") else r"\b"
    return r"\b" + _trie_regex(trie)


def _trie_regex(node: dict, *, escape_space: bool = True) -> str:
    alternatives = []
    for char in sorted(node, key=lambda key: (key == "", key)):
        if char == "":
            alternatives.append(node[""])
        else:
            literal = r"\s+" if char == " " and escape_space else re.escape(char)
            alternatives.append(literal + _trie_regex(node[char], escape_space=escape_space))
    if len(alternatives) == 1:
        return alternatives[0]
    # a longer term wins over its prefix ("side effects" over "side"): its branch comes first
    return "(?:" + "|".join(alternatives) + ")"


@functools.cache
def read_learned_situations(path: str | Path | None = None) -> pd.DataFrame:
    """Read the learned positive phrases and situations (``resources/sarcasm_situations.csv``)."""
    source = Path(path or SITUATIONS_CSV)
    table = pd.read_csv(source, dtype={"kind": "string", "phrase": "string", "learned_from": "string"},
                        keep_default_na=False)
    if tuple(table.columns) != SITUATION_COLUMNS:
        raise _csv_error(source, 1, f"the header {','.join(SITUATION_COLUMNS)}", ",".join(table.columns))
    bad = table.index[~table["kind"].isin(["positive", "situation"])]
    if len(bad):
        raise _csv_error(source, int(bad[0]) + 2, "kind positive or situation", repr(table.loc[bad[0], "kind"]))
    return table


def learned_contrast_pattern(positive: Sequence[str], situations: Sequence[str]) -> str:
    """A positive phrase, then within the same clause (40 characters) a negative situation.

    >>> re.search(learned_contrast_pattern(["love"], ["being ignored"]), "i love being ignored").group()
    'love being ignored'
    """
    if not positive or not situations:
        return r"(?!)"  # matches nothing

    def words(phrases):
        ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
        return "|".join(re.escape(phrase).replace(r"\ ", r"\s+").replace(" ", r"\s+") for phrase in ordered)

    return rf"\b(?:{words(positive)})\b[^.!?…\n{MASK_CHAR}]{{0,40}}?\b(?:{words(situations)})\b"


@functools.cache
def _learned_pattern() -> str:
    table = read_learned_situations()
    return learned_contrast_pattern(table.loc[table["kind"] == "positive", "phrase"].tolist(),
                                    table.loc[table["kind"] == "situation", "phrase"].tolist())


def _expand(pattern: str) -> str:
    """Fill in the situation lists and turn plain word lists into tries (same matches, faster)."""
    if _SITUATIONS_PLACEHOLDER in pattern:
        pattern = pattern.replace(_SITUATIONS_PLACEHOLDER, _situations_pattern())
    if _LEARNED_PLACEHOLDER in pattern:
        pattern = pattern.replace(_LEARNED_PLACEHOLDER, _learned_pattern())
    return _WORD_LIST_RE.sub(_word_list_to_trie, pattern)


# an innermost non-capturing group: no parentheses, escapes or classes inside
_WORD_LIST_RE = re.compile(r"(?<!\\)\(\?:([^()\\\[\]]*)\)")
_PLAIN_WORDS_RE = re.compile(r"[\w '’-]+")


def _word_list_to_trie(match: re.Match) -> str:
    alternatives = match.group(1).split("|")
    plain = [alternative for alternative in alternatives if _PLAIN_WORDS_RE.fullmatch(alternative)]
    if len(plain) < 3:
        return match.group()
    trie: dict = {}
    for word in plain:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = ""
    rest = [alternative for alternative in alternatives if alternative not in plain]
    return "(?:" + "|".join([_trie_regex(trie, escape_space=False), *rest]) + ")"


# -- which characters can a pattern start with? (public APIs only: a small reader of the
# regex syntax the CSV uses; anything it does not know answers "any character", which only
# turns the gate off for that row: slower, never wrong)

_ANY = None  # "any character": no gate possible
_CLASS_ESCAPES = frozenset("wWsSdD")
_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CHAR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}


class _Unknown(Exception):
    """A construct the reader does not model: the caller answers "any character"."""


def _read_class(pattern: str, i: int) -> tuple[frozenset[str] | None, int]:
    """Read ``[...]`` starting after ``[``; return its characters (``None``: too broad) and the end."""
    chars: set[str] = set()
    broad = False
    if i < len(pattern) and pattern[i] == "^":
        broad, i = True, i + 1
    first = True
    previous: str | None = None
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            return (None if broad else frozenset(chars)), i + 1
        first = False
        if char == "\\":
            escaped = pattern[i + 1]
            i += 2
            if escaped in _CLASS_ESCAPES:
                broad, previous = True, None
                continue
            if escaped.isalnum() and escaped not in _CHAR_ESCAPES:
                raise _Unknown(escaped)
            char = _CHAR_ESCAPES.get(escaped, escaped)
        elif char == "-" and previous is not None and i + 1 < len(pattern) and pattern[i + 1] != "]":
            end = pattern[i + 1]
            if end == "\\":
                raise _Unknown("escaped range end")
            if ord(end) - ord(previous) >= 256:
                broad = True
            else:
                chars.update(map(chr, range(ord(previous), ord(end) + 1)))
            i, previous = i + 2, None
            continue
        else:
            i += 1
        chars.add(char)
        previous = char
    raise _Unknown("unterminated class")


def _read_quantifier(pattern: str, i: int) -> tuple[int, int]:
    """Return (minimum repeats, end) for a quantifier at ``i`` (1, i when there is none)."""
    if i >= len(pattern):
        return 1, i
    char = pattern[i]
    if char in "*?":
        minimum, i = 0, i + 1
    elif char == "+":
        minimum, i = 1, i + 1
    elif char == "{":
        close = pattern.find("}", i)
        body = pattern[i + 1 : close] if close > 0 else ""
        if not re.fullmatch(r"\d*(?:,\d*)?", body) or not body:
            return 1, i  # a literal brace
        minimum, i = int(body.split(",")[0] or 0), close + 1
    else:
        return 1, i
    if i < len(pattern) and pattern[i] in "?+":
        i += 1  # lazy or possessive: same first characters
    return minimum, i


def _read_sequence(pattern: str, i: int) -> tuple[list, int]:
    """Read alternatives up to a closing ``)`` or the end: a list of alternatives, each a
    list of atoms ``(kind, value, minimum)``; kind is ``chars``, ``zero`` or ``group``."""
    alternatives: list[list] = [[]]
    while i < len(pattern):
        char = pattern[i]
        if char == ")":
            return alternatives, i
        if char == "|":
            alternatives.append([])
            i += 1
            continue
        if char == "(":
            if pattern.startswith("(?P=", i):
                end = pattern.find(")", i)
                minimum, i = _read_quantifier(pattern, end + 1)
                alternatives[-1].append(("chars", _ANY, minimum))  # a back-reference: anything
                continue
            zero = pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i)
            header = re.match(r"\((?:\?(?:[:=!]|<[=!]|P<\w+>|[aiLmsux-]+:))?", pattern[i:])
            if header is None or header.end() == 1 and pattern.startswith("(?", i):
                raise _Unknown("group kind")
            inner, end = _read_sequence(pattern, i + header.end())
            if end >= len(pattern):
                raise _Unknown("unclosed group")
            i = end + 1
            atom = ("zero", None) if zero else ("group", inner)
        elif char == "[":
            chars, i = _read_class(pattern, i + 1)
            atom = ("chars", chars)
        elif char == "\\":
            escaped = pattern[i + 1]
            i += 2
            if escaped in _ZERO_WIDTH_ESCAPES:
                atom = ("zero", escaped)
            elif escaped in _CLASS_ESCAPES:
                atom = ("chars", _ANY)
            elif escaped.isdigit() or (escaped.isalnum() and escaped not in _CHAR_ESCAPES):
                raise _Unknown(escaped)
            else:
                atom = ("chars", frozenset(_CHAR_ESCAPES.get(escaped, escaped)))
        elif char in "^$":
            i += 1
            atom = ("zero", char)
        elif char == ".":
            i += 1
            atom = ("chars", _ANY)
        else:
            i += 1
            atom = ("chars", frozenset(char))
        minimum, i = _read_quantifier(pattern, i)
        alternatives[-1].append((atom[0], atom[1], minimum))
    return alternatives, i


def _first_of(alternatives: list) -> tuple[frozenset[str] | None, bool]:
    """Characters any alternative can start with, and whether one can match empty."""
    chars: set[str] = set()
    nullable = False
    for atoms in alternatives:
        sub_chars, sub_nullable = _first_of_atoms(atoms)
        if sub_chars is None:
            return None, False
        chars |= sub_chars
        nullable = nullable or sub_nullable
    return frozenset(chars), nullable


def _first_of_atoms(atoms: list) -> tuple[frozenset[str] | None, bool]:
    chars: set[str] = set()
    for kind, value, minimum in atoms:
        if kind == "zero":
            continue  # zero-width: the next atom decides
        if kind == "group":
            sub_chars, sub_nullable = _first_of(value)
        else:
            sub_chars, sub_nullable = value, False
        if sub_chars is None:
            return None, False
        chars |= sub_chars
        if not (sub_nullable or minimum == 0):
            return frozenset(chars), False
    return frozenset(chars), True


def _parse(pattern: str) -> list | None:
    try:
        alternatives, end = _read_sequence(pattern, 0)
    except (_Unknown, IndexError):
        return None
    return alternatives if end == len(pattern) else None


def _gate_chars(pattern: str) -> set[str] | None:
    """Return the characters (both cases) ``pattern`` can start with; ``None`` if any."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    chars, nullable = _first_of(parsed)
    if chars is None or nullable or not chars:
        return None
    if len(parsed) == 1 and len(parsed[0]) == 1 and pattern.startswith("(?-i:"):
        return set(chars)  # the whole row is case-sensitive: its own letters only
    return {variant for char in chars for variant in (char, char.lower(), char.upper()) if len(variant) == 1}


def _starts_at_word_boundary(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts with ``\\b`` (through groups, alternatives)."""
    parsed = _parse(pattern)
    return parsed is not None and _alternatives_start_with_boundary(parsed)


def _alternatives_start_with_boundary(alternatives: list) -> bool:
    for atoms in alternatives:
        if not atoms:
            return False
        kind, value, minimum = atoms[0]
        if kind == "zero" and value == "b" and minimum >= 1:
            continue
        if kind == "group" and minimum >= 1 and _alternatives_start_with_boundary(value):
            continue
        return False
    return True


def _rename_groups(pattern: str, prefix: str) -> str:
    # rows are joined into one regex, so their own named groups get a per-row prefix
    return re.sub(r"\(\?P([<=])(\w+)", lambda m: f"(?P{m[1]}{prefix}_{m[2]}", pattern)


def compile_row(pattern: str) -> re.Pattern:
    """Compile one CSV pattern on its own, with the flags the scanner uses."""
    return re.compile(_expand(pattern), _FLAGS)


_CASED_MARK = "(?-i"
_UPPER_LITERAL_RE = re.compile(r"(?<!\\)[A-Z]")


def _row_part(group: str, pattern: str) -> str:
    # the scan runs over lower-cased text without IGNORECASE (a third faster); a row that
    # spells an upper-case letter (":D") keeps case-insensitive matching for itself
    body = _rename_groups(pattern, group)
    if _UPPER_LITERAL_RE.search(re.sub(r"\\.|\(\?P[<=]\w+", "", pattern)):
        body = f"(?i:{body})"
    return f"(?P<{group}>{body})"


def _join_pass(rows: list[tuple[str, str, set[str] | None]]) -> list[str]:
    """Combine rows into as few alternations as keep them fast and correct.

    Rows that can only start with known characters share one pass behind one lookahead
    test, so the engine skips most positions without trying the rows one by one; rows that
    start at a word boundary are further tried only where ``\\b`` holds. Rows that can start
    anywhere (a question starts at any word) get a pass of their own: within a pass the
    first row to match at a position consumes its span, and a long question must not hide
    the hyperbole inside it.
    """
    word_rows = [(part, chars) for part, pattern, chars in rows
                 if chars is not None and _starts_at_word_boundary(pattern)]
    other_rows = [(part, chars) for part, pattern, chars in rows
                  if chars is not None and (part, chars) not in word_rows]
    gated = []
    for prefix, run in ((r"\b", word_rows), ("", other_rows)):
        if run:
            chars = set().union(*(row_chars for _, row_chars in run))
            gate = "(?=[" + "".join(re.escape(char) for char in sorted(chars)) + "])"
            gated.append(prefix + gate + "(?:" + "|".join(part for part, _ in run) + ")")
    passes = ["|".join(gated)] if gated else []
    ungated = [part for part, _, chars in rows if chars is None]
    if ungated:
        passes.append("|".join(ungated))
    return passes


@functools.cache
def _compiled_categories_cached(path: str) -> tuple[CompiledCategory, ...]:
    table = _read_patterns_cached(path)
    compiled = []
    for category in MARKER_CATEGORIES:
        rows = table[table["category"] == category]
        if rows.empty:
            continue
        lower_rows, cased_rows, rule_of_group, row_of_group = [], [], {}, {}
        for row_index, row in rows.iterrows():
            group = f"r{row_index}"
            pattern = _expand(row["pattern"])
            entry = (_row_part(group, pattern), pattern, _gate_chars(pattern))
            # a row that switches case-insensitivity off (ALL CAPS) must see the original case
            (cased_rows if _CASED_MARK in pattern else lower_rows).append(entry)
            rule_of_group[group] = str(row["rule"])
            row_of_group[group] = int(row_index)
        for entries, on_original in ((lower_rows, False), (cased_rows, True)):
            for regex in _join_pass(entries):
                compiled.append(CompiledCategory(
                    category, re.compile(regex, _SCAN_FLAGS), rule_of_group, row_of_group, on_original))
    return tuple(compiled)


def compiled_categories(path: str | Path | None = None) -> tuple[CompiledCategory, ...]:
    """Return the compiled passes: a few alternations per category in the table."""
    return _compiled_categories_cached(str(Path(path or MARKERS_CSV).resolve()))


def lower_same_length(text: str) -> str:
    """Lower-case ``text`` keeping every offset (the few letters that grow stay one letter).

    >>> lower_same_length("İSTANBUL Oh")
    'istanbul oh'
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    growing = {char: char.lower()[0] for char in set(text) if len(char.lower()) != 1}
    return text.translate(str.maketrans(growing)).lower()


def _mask_spans(lowered: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans to mask in lower-cased text, in order."""
    spans = []
    for match in _MASK_RE.finditer(lowered):
        start, end = match.span()
        first = lowered[start]
        if first == "@":
            user = _EMAIL_USER_RE.search(lowered, max(0, start - 64), start)
            if user is None:
                continue  # "@name" alone is a mention, not an address
            start = user.start()
        elif first in "\"“" and n_words(match.group()) < MIN_QUOTE_WORDS:
            continue  # one to three words in quotes: scare quotes, the writer's own
        spans.append((start, end))
    return spans


def _apply_mask(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, position = [], 0
    for start, end in spans:
        pieces += [text[position:start], MASK_CHAR * (end - start)]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def mask_text(text: str) -> str:
    """Mask URLs, e-mail addresses and quotations of four or more words, keeping the length.

    Examples
    --------
    >>> mask_text('see http://x.co/a ;) and "this is a long quote" or "this"').replace(MASK_CHAR, "#")
    'see ############# ;) and ###################### or "this"'
    >>> mask_text("mail Team.G@nhs.uk, not @team").replace(MASK_CHAR, "#")
    'mail #############, not @team'
    """
    return _apply_mask(text, _mask_spans(lower_same_length(text)))


def scan_texts(
    texts: Sequence[str], path: str | Path | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Mask then scan every text with every category, one or two passes per category.

    Returns
    -------
    text_positions, row_indices, starts, ends : numpy arrays, one entry per hit
        ``starts``/``ends`` are offsets into the text at ``text_positions``.
    masked : list of str
        The masked texts (same lengths as the originals).
    """
    texts = list(texts)
    if not texts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, []
    joined = _SEPARATOR.join(texts)
    lowered = lower_same_length(joined)
    spans = _mask_spans(lowered)
    joined, lowered = _apply_mask(joined, spans), _apply_mask(lowered, spans)
    lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
    offsets = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + len(_SEPARATOR), out=offsets[1:])
    masked = [joined[offset : offset + length] for offset, length in zip(offsets.tolist(), lengths.tolist())]

    hit_starts: list[int] = []
    hit_ends: list[int] = []
    hit_rows: list[int] = []
    for category in compiled_categories(path):
        row_of_group = category.row_of_group
        for match in category.regex.finditer(joined if category.on_original else lowered):
            hit_starts.append(match.start())
            hit_ends.append(match.end())
            hit_rows.append(row_of_group[match.lastgroup])
    absolute_starts = np.asarray(hit_starts, dtype=np.int64)
    absolute_ends = np.asarray(hit_ends, dtype=np.int64)
    rows = np.asarray(hit_rows, dtype=np.int64)
    positions = np.searchsorted(offsets, absolute_starts, side="right") - 1
    starts = absolute_starts - offsets[positions]
    ends = absolute_ends - offsets[positions]
    inside = (ends <= lengths[positions]) & (starts < lengths[positions]) & (ends > starts)
    if not inside.all():
        # a match reached into the separator: drop it, and scan the texts it touched one
        # by one (it may have hidden a hit in either of them)
        last_positions = np.searchsorted(offsets, np.maximum(absolute_ends - 1, 0), side="right") - 1
        redo = np.unique(np.concatenate([positions[~inside], last_positions[~inside]]))
        keep = inside & ~np.isin(positions, redo)
        positions, rows, starts, ends = positions[keep], rows[keep], starts[keep], ends[keep]
        for extra_positions, extra_rows, extra_starts, extra_ends in (
            _scan_one(masked[position], position, path) for position in redo.tolist()
        ):
            positions = np.concatenate([positions, extra_positions])
            rows = np.concatenate([rows, extra_rows])
            starts = np.concatenate([starts, extra_starts])
            ends = np.concatenate([ends, extra_ends])
    return positions, rows, starts, ends, masked


def _scan_one(text: str, position: int, path) -> tuple[np.ndarray, ...]:
    lowered = lower_same_length(text)
    found = [
        (category.row_of_group[match.lastgroup], match.start(), match.end())
        for category in compiled_categories(path)
        for match in category.regex.finditer(text if category.on_original else lowered)
    ]
    rows = np.asarray([hit[0] for hit in found], dtype=np.int64)
    return (
        np.full(len(found), position, dtype=np.int64),
        rows,
        np.asarray([hit[1] for hit in found], dtype=np.int64),
        np.asarray([hit[2] for hit in found], dtype=np.int64),
    )
