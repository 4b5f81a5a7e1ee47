"""normalise_text gives exactly what ftfy gives on the whole text, line by line fast path
or not: mojibake, control characters and escapes on any line, any mix of lines."""

from __future__ import annotations

import ftfy
from hypothesis import given, settings
from hypothesis import strategies as st

from msdiscourse.text import _FTFY_CONFIG, normalise_text

_PIECES = ["It doesnâ€™t", "cafÃ©", "Zoë", "“quotes”", "plain words", "\x1b[31mred\x1b[0m",
           "a\x00b", "\x7f", "Â ", "Ã", "\r", "\t", "\u2028", "\x85", "–", "\ud800", "é\u0301"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12),
                          st.just("\n"), st.just("\n\n")), max_size=12))
def test_same_as_ftfy_on_the_whole_text(pieces):
    text = "".join(pieces)
    assert normalise_text(text) == ftfy.fix_text(text, _FTFY_CONFIG)


def test_repairs_only_the_damaged_line():
    text = "Plain first line.\nIt doesnâ€™t work\n\nLast, plain."
    assert normalise_text(text) == "Plain first line.\nIt doesn’t work\n\nLast, plain."
    long_line = "Ã©" * 300 + "\nok"  # past the cache's size limit
    assert normalise_text(long_line) == "é" * 300 + "\nok"
