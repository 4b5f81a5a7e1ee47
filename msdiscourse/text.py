"""Text normalisation shared by every reader: Unicode repair and whitespace rules.

Mojibake (UTF-8 read as Windows-1252, e.g. ``â€™`` for ``’``) is repaired with
`ftfy <https://ftfy.readthedocs.io>`_, not with hand-written tables. Everything else is
left as the writer typed it: curly quotes, dashes, ellipses and non-breaking spaces stay,
because they are evidence (a scare quote, an ellipsis) for later analysis.
"""

from __future__ import annotations

import ftfy

__all__ = ["normalise_text", "is_blank", "HORIZONTAL_SPACE"]

#: characters a page renderer may use for horizontal space (NBSP, thin spaces ...)
HORIZONTAL_SPACE = " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,        # a literal "&amp;" in a text dump is what the writer saw
    uncurl_quotes=False,        # curly quotes are evidence (scare quotes)
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,      # readers handle CRLF themselves, with line numbers
    normalization=None,         # keep the characters the writer used
    explain=False,
)


def normalise_text(text: str) -> str:
    """Repair mojibake in ``text`` and return it otherwise unchanged.

    Parameters
    ----------
    text
        Any string.

    Returns
    -------
    str
        The text with encoding damage undone (``â€™`` -> ``’``, ``Ã©`` -> ``é``).

    Examples
    --------
    >>> normalise_text("It doesnâ€™t work")
    'It doesn’t work'
    >>> normalise_text("curly “quotes” stay")
    'curly “quotes” stay'
    """
    if not text:
        return text
    return ftfy.fix_text(text, _FTFY_CONFIG)


def is_blank(line: str) -> bool:
    """True when a line holds nothing but horizontal space.

    >>> is_blank("\\u00a0 \\t")
    True
    """
    return not line.strip(HORIZONTAL_SPACE + "\r\n\ufeff")
