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


_LINE_PIECES = list("abc XYZ.,!?'\"\t’‘“”–—…éèëöüçñÃ©â€™ÂÅÄ\xa0\x85\x92\x96\u2028\ufeff\u200b\u206a😀") + [
    "Ã©", "â€™", "â€œ", "Ã¨", "Ð¿", "Ñ€", "\x1b[31m", "Â ", "\ud83d"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), min_size=1, max_size=30), st.booleans())
def test_a_line_ftfy_is_said_to_keep_comes_back_unchanged_from_ftfy(pieces, newline):
    from msdiscourse.text import _ftfy_keeps

    line = "".join(pieces) + ("\n" if newline else "")
    if _ftfy_keeps(line):
        assert ftfy.fix_text(line, _FTFY_CONFIG) == line
