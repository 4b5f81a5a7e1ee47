"""The parser-free path of html_to_text gives exactly what lxml's HTML parser gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from msdiscourse.io._html_text import _flat_text, _lxml_text, _simple_pieces, html_to_text

_TOKENS = ["<p>", "</p>", "<P>", "</P >", "<br>", "<br/>", "<br />", "<BR>", "<em>", "</em>",
           "<strong>", "</strong>", "<b>", "</b>", "<i>", "</i>", "<span class='x'>", "</span>",
           '<a href="https://example.org/a" rel="nofollow">', "</a>", "<a href=x>",
           "<div>", "</div>", "<li>", "<h1>", "<em/>", "</br>", '<a title="x>y">',
           " ", "  ", "\n", "\n\n", " \n ", "\t", "word", "Two words.", "Zoë ’", "😀",
           "a > b", "&amp;", "x<y", "\r\n", "\x0c", "&#8211;", "&gt;", "&lt;em&gt;", "&quot;",
           "&#160;", "&nbsp;", "&#10;", "&#x41;", "&#128;", "&#0;", "AT&T", "\u2028", "\xa0",
           "&#12288;"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=14), st.booleans())
def test_fast_path_matches_the_parser(tokens, keep_newlines):
    fragment = "".join(tokens)
    if "<" not in fragment and "&" not in fragment:
        return  # the plain-text path, tested elsewhere
    assert html_to_text(fragment, keep_newlines=keep_newlines) == _lxml_text(fragment, keep_newlines)


def test_fast_path_taken_for_typical_comments_only():
    assert _simple_pieces("<p>One <em>really</em> good.</p><p>Two.<br />Three</p>", True) is not None
    assert _simple_pieces("Typed text with a <a href='https://example.org'>link</a>.", True) is not None
    for fragment in ("<p>unclosed", "<p><p>nested</p></p>", "<ul><li>x</li></ul>", "a &amp; b",
                     "<em>crossed<b></em></b>", "line\r\nbreak <em>x</em>"):
        assert _simple_pieces(fragment, True) is None, fragment
    assert html_to_text("<p>One <em>really</em> good.</p>\n\n<p>Two.<br />\n<br>Three</p>") == \
        "One really good.\n\nTwo.\n\nThree"


def test_flat_path_taken_for_paragraphs_inline_tags_and_plain_entities():
    fragment = "<p>Fish &amp; chips &#8211; <em>really</em> good.</p>\n<p>5 &gt; 3.</p>"
    assert _flat_text(fragment) == "Fish & chips \u2013 really good.\n\n5 > 3."
    assert _flat_text(fragment) == _lxml_text(fragment, True)
    for fragment in ("a<br>b", "x &nbsp; y", "a\n<em>b</em>", "AT&T <em>x</em>", "<div>x</div>",
                     "&#10;<em>x</em>"):
        assert _flat_text(fragment) is None, fragment
