"""A first-character guard for regular expressions scanned over long texts.

Python's ``re`` tries a pattern at every position of the text. A role cue such as
``\\b(?:cancer|lupus|...) took my\\b`` starts with a word boundary and an alternation of a
hundred terms, so at each of millions of positions (spaces and punctuation included) the
engine walks into the alternation before failing. A lookahead of the characters a match can
start with, ``(?=[a-z...])``, fails at most positions in one step. The guard is derived from
the parsed pattern and is always a superset of the true first characters, so the guarded
pattern finds exactly the same matches (the test suite compares them on real corpora); when
the first characters cannot be told (``.``, a negated class, a back-reference, a pattern that
can match the empty string) the pattern is left as it is.

>>> import re
>>> guard_first_character(r"\\b(?:lupus|(?-i:SLE)) flare", re.IGNORECASE)
'(?=[Sl])(?:\\\\b(?:lupus|(?-i:SLE)) flare)'
>>> guard_first_character(r".+ here") == r".+ here"
True
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

__all__ = ["first_characters", "guard_first_character"]

_CLASSES = {
    _c.CATEGORY_WORD: r"\w", _c.CATEGORY_UNI_WORD: r"\w", _c.CATEGORY_LOC_WORD: r"\w",
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_UNI_DIGIT: r"\d",
    _c.CATEGORY_SPACE: r"\s", _c.CATEGORY_UNI_SPACE: r"\s",
}
_REPEATS = tuple(op for op in (getattr(_c, name, None) for name in
                               ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")) if op is not None)
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
#: an inline flag group that turns on case-insensitivity: (?i), (?i:...), (?ai-m:...)
_INLINE_IGNORECASE = re.compile(r"\(\?[aLmsux]*i")
#: the widest character range spelled out; a wider one makes the guard give up
_MAX_RANGE = 128


def _sequence(items) -> tuple[set[str] | None, bool]:
    """(the characters a match of ``items`` can start with, or None for any; can it be empty)."""
    found: set[str] = set()
    for op, argument in items:
        first, nullable = _item(op, argument)
        if first is None:
            return None, False
        found |= first
        if not nullable:
            return found, False
    return found, True


def _item(op, argument) -> tuple[set[str] | None, bool]:
    if op is _c.LITERAL:
        return {chr(argument)}, False
    if op is _c.IN:
        found: set[str] = set()
        for sub_op, sub_argument in argument:
            if sub_op is _c.LITERAL:
                found.add(chr(sub_argument))
            elif sub_op is _c.RANGE and sub_argument[1] - sub_argument[0] <= _MAX_RANGE:
                found |= {chr(code) for code in range(sub_argument[0], sub_argument[1] + 1)}
            elif sub_op is _c.CATEGORY and sub_argument in _CLASSES:
                found.add(_CLASSES[sub_argument])
            else:  # a negated or unusual class: anything may start the match
                return None, False
        return found, False
    if op is _c.SUBPATTERN:
        return _sequence(argument[-1])
    if _ATOMIC is not None and op is _ATOMIC:
        return _sequence(argument)
    if op is _c.BRANCH:
        found, nullable = set(), False
        for branch in argument[1]:
            first, empty = _sequence(branch)
            if first is None:
                return None, False
            found |= first
            nullable = nullable or empty
        return found, nullable
    if op in _ZERO_WIDTH:  # a boundary or lookaround: the next item starts the match
        return set(), True
    if op in _REPEATS:
        low, _high, body = argument
        first, nullable = _sequence(body)
        return (None, False) if first is None else (first, nullable or low == 0)
    return None, False  # ., a back-reference, a conditional group: cannot tell


def first_characters(pattern: str, flags: int = 0) -> set[str] | None:
    """The characters (and ``\\w``, ``\\d``, ``\\s`` classes) a match can start with.

    None when they cannot be told or the pattern can match the empty string. The lookahead
    built from them is compiled with the pattern's own flags, so under ``re.IGNORECASE``
    one case stands for both; a pattern that turns case-insensitivity on inside itself
    (``(?i:...)``) without the flag is not guarded.

    >>> sorted(first_characters(r"\\b(?:my|our) (?:neuro|GP)\\b", re.IGNORECASE))
    ['m', 'o']
    >>> first_characters(r"(?:I am)?\\s*x") is not None, first_characters(r"a?") is None
    (True, True)
    """
    if not flags & re.IGNORECASE and _INLINE_IGNORECASE.search(pattern):
        return None
    first, nullable = _sequence(_parser.parse(pattern, flags))
    return None if first is None or nullable or not first else first


def guard_first_character(pattern: str, flags: int = 0) -> str:
    """``pattern`` behind a lookahead of its first characters: the same matches, found faster.

    Group numbers and names are kept (the pattern is wrapped in a non-capturing group).
    Returns ``pattern`` unchanged when its first characters cannot be told.
    """
    first = first_characters(pattern, flags)
    if first is None:
        return pattern
    classes = sorted(c for c in first if len(c) == 2)
    chars = sorted(c for c in first if len(c) == 1)
    if r"\w" in classes:  # letters, digits and the underscore are in \w already
        chars = [c for c in chars if not re.fullmatch(r"\w", c)]
    body = "".join(classes) + "".join("\\" + c if c in "-]\\^[" else c for c in chars)
    return f"(?=[{body}])(?:{pattern})"
