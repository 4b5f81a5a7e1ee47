"""html_to_text: HTML fragments from exports to plain text with paragraph breaks."""

from __future__ import annotations

import pytest

from msdiscourse.io._html_text import html_to_text

CASES = [
    # (fragment, expected) -- as exports store them
    ("", ""),
    (None, ""),
    ("   \n\n  ", ""),
    ("<!-- only a comment -->", ""),
    # WordPress: the text as typed, blank line = paragraph, newline = line break
    ("First paragraph.\n\nSecond,\nwith a line break.", "First paragraph.\n\nSecond,\nwith a line break."),
    ("Trailing spaces   \n\n\n\n  and many blank lines", "Trailing spaces\n\nand many blank lines"),
    ("I <strong>really</strong> doubt it &amp; so <a href=\"x\">does she</a>.",
     "I really doubt it & so does she."),
    ("A list:\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\nafter", "A list:\n\none\ntwo\n\nafter"),
    ("a<br />\nb", "a\nb"),
    ("a<br />\n<br />\nb", "a\n\nb"),
    # Disqus and Blogger: explicit blocks and <br />
    ("<p>Hello, World.</p>", "Hello, World."),
    ("<p>one</p>\n<p>two</p>", "one\n\ntwo"),
    ("It was cold.<br /><br /><ul><li>Very.</li><br /><li>Pad it.</li></ul>", "It was cold.\n\nVery.\nPad it."),
    ("<div dir=\"ltr\">This is a test.</div>", "This is a test."),
    ("<blockquote>You said X.</blockquote>Did I?", "You said X.\n\nDid I?"),
    # entities, evidence kept, near misses
    ("&lt;not a tag&gt;", "<not a tag>"),
    ("x < y and y > z", "x < y and y > z"),
    ("so\u00a0\u201cgreat\u201d\u2026", "so\u00a0\u201cgreat\u201d\u2026"),
    ("so &nbsp;&ldquo;great&rdquo;&hellip;", "so \u00a0\u201cgreat\u201d\u2026"),
    ("before <script>alert('x')</script> after<style>p{}</style>", "before after"),
    ("<p>unclosed <b>bold", "unclosed bold"),
    ("<table><tr><th>EDSS</th><th>n</th></tr><tr><td>3.5</td><td>12</td></tr></table>",
     "EDSS n\n3.5 12"),
    ("<html><body><p>a whole page pasted in</p></body></html>", "a whole page pasted in"),
    ("</div>a stray end tag", "a stray end tag"),
]


@pytest.mark.parametrize(("fragment", "expected"), CASES)
def test_html_to_text(fragment, expected):
    assert html_to_text(fragment) == expected


def test_saved_page_newlines_are_spaces():
    html = "<div class=\"comment-body\">\n  <p>Wrapped\n    by the theme.</p>\n  <p>Two</p>\n</div>"
    assert html_to_text(html, keep_newlines=False) == "Wrapped by the theme.\n\nTwo"
    assert html_to_text(html) == "Wrapped\nby the theme.\n\nTwo"


# -- issue 11: no depth loses text ------------------------------------------------------------

from msdiscourse.io._html_text import _join, _stream_pieces  # noqa: E402


@pytest.mark.parametrize("depth", [255, 300, 1500, 2047, 2048, 2100, 20000])
def test_text_survives_any_nesting_depth(depth):
    # 256 deep was lxml's limit without huge_tree (all text vanished past it); 2048 is its
    # limit with huge_tree, past which the streaming path reads the fragment
    fragment = ("<p>Top.</p>" + "<div><span>" * (depth // 2) + "Deep <b>words</b>&amp; more"
                + "</span></div>" * (depth // 2) + "Tail.<br><br>After.")
    assert html_to_text(fragment) == "Top.\n\nDeep words& more\n\nTail.\n\nAfter."


@pytest.mark.parametrize(("fragment", "expected"), [
    case for case in CASES if case[0] and "<html>" not in case[0] and "unclosed" not in case[0]])
def test_the_streaming_path_agrees_with_the_tree_path(fragment, expected):
    assert _join(_stream_pieces(fragment, True)) == expected


@pytest.mark.parametrize(("fragment", "expected"), [
    ("<pre>" + "<span>" * 3000 + "a\n  b" + "</span>" * 3000 + "</pre>after", "a\nb\n\nafter"),
    ("<div>" * 3000 + "<script>" + "x" * 10 + "</script>seen" + "</div>" * 3000, "seen"),
    ("<i>" * 3000 + "<p>one<p>two" + "</i>" * 3000 + "</b></p>three", "one\n\ntwo\n\nthree"),
    ("<ul>" + "<li><ul>" * 1500 + "<li>x</li>" + "</ul></li>" * 1500 + "</ul>", "x"),
])
def test_deep_fragments_keep_pre_invisible_and_stray_tags_right(fragment, expected):
    assert html_to_text(fragment) == expected
