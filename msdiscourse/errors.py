"""Errors, warnings and the one strictness knob (``on_error``) every reader shares.

A reader never decides on its own what to do with text it cannot place: it hands the
problem to an :class:`ErrorPolicy`, which raises, warns or quietly collects, and in the
two lenient modes records the text as an ``unparsed`` row so that nothing is lost.
The position is formatted in one place (:class:`ParseError`), as tomli does, so every
message reads the same way::

    ParseError: blog-pages/p17.txt, line 212: expected a comment bullet at indent 2, 4 or 6;
    found indent 3 (pass on_error="collect" to keep it as an unparsed row)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

ON_ERROR_CHOICES: tuple[str, ...] = ("raise", "warn", "collect")

DEFAULT_REMEDY = 'pass on_error="collect" to keep it as an unparsed row'


class ParseError(ValueError):
    """Input that a reader cannot turn into a corpus.

    Parameters
    ----------
    source
        The file (or buffer name) being read.
    line
        1-based line number where the problem was found, or ``None`` when the whole
        input is at fault (an empty file, say).
    expected
        What the reader expected at that place.
    found
        What it found instead.
    remedy
        What the user can do about it; ``None`` for no advice.

    Examples
    --------
    >>> err = ParseError("p17.txt", 212, expected="a comment bullet at indent 2, 4 or 6",
    ...                  found="indent 3")
    >>> str(err)
    'p17.txt, line 212: expected a comment bullet at indent 2, 4 or 6; found indent 3 (pass on_error="collect" to keep it as an unparsed row)'
    """

    def __init__(
        self,
        source: str,
        line: int | None,
        *,
        expected: str,
        found: str,
        remedy: str | None = DEFAULT_REMEDY,
    ) -> None:
        self.source = str(source)
        self.line = line
        self.expected = expected
        self.found = found
        self.remedy = remedy
        where = self.source if line is None else f"{self.source}, line {line}"
        message = f"{where}: expected {expected}; found {found}"
        if remedy:
            message += f" ({remedy})"
        super().__init__(message)

    def __reduce__(self):  # keep the error picklable across process pools
        return (
            _rebuild_parse_error,
            (self.source, self.line, self.expected, self.found, self.remedy),
        )


def _rebuild_parse_error(source, line, expected, found, remedy):
    return ParseError(source, line, expected=expected, found=found, remedy=remedy)


class ParseWarning(UserWarning):
    """Emitted under ``on_error="warn"`` for text that was kept as an unparsed row."""


def check_on_error(on_error: str) -> str:
    """Return ``on_error`` unchanged if it is one of "raise", "warn", "collect".

    >>> check_on_error("warn")
    'warn'
    """
    if on_error not in ON_ERROR_CHOICES:
        raise ValueError(
            f'on_error must be one of "raise", "warn" or "collect"; got {on_error!r}'
        )
    return on_error


@dataclass
class ErrorPolicy:
    """Apply ``on_error`` for one source and collect its unparsed rows.

    Readers call :meth:`unplaced` for text they cannot place. Under ``"raise"`` it raises
    :class:`ParseError`; under ``"warn"`` it warns with the same message and records the
    row; under ``"collect"`` it only records the row. :meth:`fatal` always raises: use it
    for input that cannot be read at all (empty, binary, not text, not the format).

    Examples
    --------
    >>> policy = ErrorPolicy("page.txt", on_error="collect")
    >>> policy.unplaced(3, 3, "   stray text", reason="indent", expected="a bullet", found="indent 3")
    >>> policy.rows[0]["reason"]
    'indent'
    """

    source: str
    on_error: str = "raise"
    rows: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_on_error(self.on_error)
        self.source = str(self.source)

    def error(self, line: int | None, *, expected: str, found: str,
              remedy: str | None = DEFAULT_REMEDY) -> ParseError:
        """Build (not raise) a ParseError for this source."""
        return ParseError(self.source, line, expected=expected, found=found, remedy=remedy)

    def fatal(self, line: int | None, *, expected: str, found: str) -> None:
        """Raise a ParseError whatever ``on_error`` says (input that cannot be read)."""
        raise self.error(line, expected=expected, found=found, remedy=None)

    def unplaced(
        self,
        line_start: int | None,
        line_end: int | None,
        text: str,
        *,
        reason: str,
        expected: str,
        found: str,
    ) -> None:
        """Handle text that could not be placed: raise, or warn/collect it as unparsed."""
        if self.on_error == "raise":
            raise self.error(line_start, expected=expected, found=found)
        if self.on_error == "warn":
            warnings.warn(
                str(self.error(line_start, expected=expected, found=found, remedy=None)),
                ParseWarning,
                stacklevel=3,
            )
        self.rows.append(
            {
                "source": self.source,
                "line_start": line_start,
                "line_end": line_end,
                "reason": reason,
                "text": text,
            }
        )

    def note(self, line_start: int | None, line_end: int | None, text: str, *,
             reason: str) -> None:
        """Record an unparsed row that is expected and harmless (never raises or warns).

        For material a reader deliberately skips but must account for, e.g. Blogger's
        template and settings entries.
        """
        self.rows.append(
            {
                "source": self.source,
                "line_start": line_start,
                "line_end": line_end,
                "reason": reason,
                "text": text,
            }
        )
