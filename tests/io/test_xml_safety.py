"""Hostile and broken XML: every export reader refuses it quickly, with file and line.

Each case runs through all three readers (they share msdiscourse/io/_xml.py). Messages
are checked verbatim; time is bounded per case; an external entity's target never shows
up anywhere (message, tables), under every on_error.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from msdiscourse import ParseError, read_blogger, read_disqus, read_wxr
from tests.conftest import SHARED_CORPUS, require

PROJECT = Path(__file__).resolve().parents[2]
EXPORTS = SHARED_CORPUS / "exports"

# the opening of a valid document of each format, so that only the hostile part differs
OPENINGS = {
    "wxr": (read_wxr, "WordPress WXR",
            '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
            "<item><title>{payload}</title><wp:post_id>1</wp:post_id></item>\n</channel></rss>"),
    "disqus": (read_disqus, "Disqus XML",
               '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
               '<thread dsq:id="1"><title>{payload}</title></thread>\n</disqus>'),
    "blogger": (read_blogger, "Blogger Atom",
                '<feed xmlns="http://www.w3.org/2005/Atom">\n'
                "<entry><title>{payload}</title></entry>\n</feed>"),
}
FORMATS = sorted(OPENINGS)

BILLION_LAUGHS = textwrap.dedent("""\
    <?xml version="1.0"?>
    <!DOCTYPE lolz [
     <!ENTITY lol "lol">
     <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
     <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
     <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
     <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
     <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
     <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
     <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
     <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
     <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
    ]>
    """)


def write(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_timed(reader, source, *, on_error="raise", limit=3.0) -> ParseError:
    start = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        reader(source, on_error=on_error)
    assert time.perf_counter() - start < limit
    return caught.value


@pytest.mark.parametrize("fmt", FORMATS)
def test_billion_laughs_is_refused_before_any_expansion(tmp_path, fmt):
    reader, label, opening = OPENINGS[fmt]
    path = write(tmp_path, BILLION_LAUGHS + opening.format(payload="&lol9;"))
    error = read_timed(reader, path, limit=2.0)
    assert str(error) == (
        f"{path}, line 3: expected a {label} export without entity declarations (entities are "
        "never expanded, for safety); found a DOCTYPE declaring 10 entities "
        "(lol, lol1, lol2, lol3, lol4 ...)")
    assert (error.source, error.line) == (str(path), 3)


@pytest.mark.parametrize("fmt", FORMATS)
def test_entity_declarations_are_named_even_when_the_root_does_not_parse(tmp_path, fmt):
    # lxml 6.2 refuses a bomb's expansion before the root's start event; a broken root tag
    # does the same on every release: the DOCTYPE, read on its own, is still the reason given
    reader, label, _ = OPENINGS[fmt]
    path = write(tmp_path, BILLION_LAUGHS + "<root &lol9; <<\n")
    error = read_timed(reader, path, limit=2.0)
    assert str(error) == (
        f"{path}, line 3: expected a {label} export without entity declarations (entities are "
        "never expanded, for safety); found a DOCTYPE declaring 10 entities "
        "(lol, lol1, lol2, lol3, lol4 ...)")


@pytest.mark.parametrize("fmt", FORMATS)
def test_many_unclosed_doctypes_are_refused_quickly(tmp_path, fmt):
    # the DOCTYPE is looked for once: searched from every "<!DOCTYPE", this 1 MB took minutes
    reader, label, _ = OPENINGS[fmt]
    path = write(tmp_path, "<!DOCTYPE x [" * 80_000)
    error = read_timed(reader, path, limit=2.0)
    assert str(error).startswith(f"{path}, line 1: expected well-formed XML for a {label} export; found ")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_broken_root_without_entities_is_still_a_syntax_error(tmp_path, fmt):
    reader, label, _ = OPENINGS[fmt]
    path = write(tmp_path, '<?xml version="1.0"?>\n<!DOCTYPE doc [\n <!ELEMENT doc ANY>\n]>\n<root <<\n')
    error = read_timed(reader, path, limit=2.0)
    assert str(error).startswith(f"{path}, line 5: expected well-formed XML for a {label} export; found ")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("on_error", ["raise", "collect"])
@pytest.mark.parametrize("target", ["file:///etc/passwd", "SECRET_FILE", "http://127.0.0.1:9/x"])
def test_external_entity_is_never_loaded(tmp_path, fmt, on_error, target):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n", encoding="utf-8")
    target = secret.as_uri() if target == "SECRET_FILE" else target
    reader, label, opening = OPENINGS[fmt]
    doc = (f'<?xml version="1.0"?>\n<!DOCTYPE doc [\n <!ENTITY xxe SYSTEM "{target}">\n]>\n'
           + opening.format(payload="&xxe;"))
    path = write(tmp_path, doc)
    error = read_timed(reader, path, on_error=on_error, limit=2.0)
    assert str(error) == (
        f"{path}, line 3: expected a {label} export without entity declarations (entities are "
        "never expanded, for safety); found a DOCTYPE declaring 1 entity (xxe)")
    for leaked in ("root:", "TOP-SECRET-CONTENT"):
        assert leaked not in str(error)


@pytest.mark.parametrize("fmt", FORMATS)
def test_parameter_entity_and_external_dtd_are_refused(tmp_path, fmt):
    reader, label, opening = OPENINGS[fmt]
    parameter = write(tmp_path, '<!DOCTYPE doc [\n<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">\n%remote;\n]>\n'
                      + opening.format(payload="x"), "parameter.xml")
    assert str(read_timed(reader, parameter)).endswith(
        "found a DOCTYPE declaring 1 entity (remote)")
    external = write(tmp_path, '<?xml version="1.0"?>\n<!DOCTYPE doc SYSTEM "file:///etc/passwd">\n'
                     + opening.format(payload="&xxe;"), "external.xml")
    assert str(read_timed(reader, external)) == (
        f"{external}, line 2: expected a {label} export that refers to no external DTD (nothing "
        "is loaded from outside the file); found a DOCTYPE pointing to 'file:///etc/passwd'")


@pytest.mark.parametrize("fmt", FORMATS)
def test_harmless_doctype_is_accepted(fmt):
    reader, _, opening = OPENINGS[fmt]
    corpus = reader(io.StringIO("<!DOCTYPE whatever>\n" + opening.format(payload="Fine &amp; dandy")))
    titles = list(corpus.posts["title"]) + list(corpus.unparsed["text"])
    assert "Fine & dandy" in titles


@pytest.mark.parametrize(("fmt", "sample", "keep_bytes", "line", "found"), [
    ("wxr", "wxr/wptest.xml", 200_000, 3647,
     "malformed XML on the last line (Couldn't find end of Start Tag po): "
     "is the file truncated?"),
    ("disqus", "disqus/isso-tests-disqus.xml", 2_000, 69,
     "the end of the file inside an open element (Premature end of data in tag post line 66): "
     "the file is truncated"),
    ("blogger", "blogger/pelican-bloggerexport.xml", 60_000, 885,
     "the end of the file inside an open element (Premature end of data in tag email line 885): "
     "the file is truncated"),
])
def test_truncated_real_export(tmp_path, fmt, sample, keep_bytes, line, found):
    # the line is the cut one: the file's newline count + 1
    reader, label, _ = OPENINGS[fmt]
    data = require(EXPORTS / sample).read_bytes()[:keep_bytes]
    path = tmp_path / Path(sample).name
    path.write_bytes(data)
    error = read_timed(reader, path)
    assert data.count(b"\n") + 1 == line
    assert str(error) == f"{path}, line {line}: expected well-formed XML for a {label} export; found {found}"


def test_truncation_is_not_hidden_by_the_undeclared_prefix_tolerance(tmp_path):
    # the real Blogger export uses app: undeclared; cut it after that point
    data = require(EXPORTS / "blogger" / "pelican-bloggerexport.xml").read_bytes()
    cut = data.index(b"</app:control>") + 200
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    error = read_timed(read_blogger, path)
    assert error.line == data[:cut].count(b"\n") + 1 == 977
    assert str(error).endswith(
        "found malformed XML on the last line (AttValue: ' expected): is the file truncated?")


def test_broken_tag_mid_file_is_not_called_truncation():
    doc = OPENINGS["wxr"][2].format(payload="Relapse</titl><title>x") + "\n<!-- more -->\n"
    error = read_timed(read_wxr, io.StringIO(doc))
    assert str(error) == (
        "<wxr>, line 2: expected well-formed XML for a WordPress WXR export; found malformed XML "
        "(Opening and ending tag mismatch: title line 2 and titl)")


def test_html_entity_outside_cdata_is_named():
    error = read_timed(read_disqus, io.StringIO(OPENINGS["disqus"][2].format(payload="MS&nbsp;nurse")))
    assert str(error) == (
        "<disqus>, line 2: expected well-formed XML for a Disqus XML export; found an entity XML "
        "does not define (Entity 'nbsp' not defined): HTML entities such as &nbsp; must sit "
        "inside CDATA or be written as character references (&#160;)")


@pytest.mark.parametrize(("reader", "sample", "expected", "found"), [
    (read_wxr, "disqus/isso-tests-disqus.xml",
     "a WordPress WXR export: an <rss> root declaring the http://wordpress.org/export/1.x/ namespace",
     "the root element <disqus> in namespace http://disqus.com"),
    (read_disqus, "wxr/wptest.xml", 'a Disqus XML export: a <disqus xmlns="http://disqus.com"> root',
     "the root element <rss>"),
    (read_blogger, "disqus/isso-tests-disqus.xml",
     'a Blogger Atom export: a <feed xmlns="http://www.w3.org/2005/Atom"> root',
     "the root element <disqus> in namespace http://disqus.com"),
])
def test_wrong_format_names_what_was_found(reader, sample, expected, found):
    path = require(EXPORTS / sample)
    start = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        reader(path)
    assert time.perf_counter() - start < 1.0  # decided at the root, not after the whole file
    line = 26 if sample.startswith("wxr") else 7
    assert str(caught.value) == f"{path}, line {line}: expected {expected}; found {found}"


def test_plain_rss_is_not_wxr():
    error = read_timed(read_wxr, io.StringIO('<rss version="2.0"><channel><item/></channel></rss>'))
    assert str(error) == (
        "<wxr>, line 1: expected a WordPress WXR export: an <rss> root declaring the "
        "http://wordpress.org/export/1.x/ namespace; found an <rss> root without the WordPress "
        "namespace (a plain RSS feed?)")


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_file_and_empty_file(tmp_path, fmt):
    reader, label, _ = OPENINGS[fmt]
    text = write(tmp_path, "Vitamin D and MS\n\n  • A comment\n", "notes.txt")
    assert str(read_timed(reader, text)) == (
        f"{text}, line 1: expected well-formed XML for a {label} export; found text that is not "
        "XML (Start tag expected, '<' not found)")
    empty = write(tmp_path, "", "empty.xml")
    assert str(read_timed(reader, empty)) == f"{empty}: expected a {label} export; found an empty file"


@pytest.mark.parametrize("fmt", FORMATS)
def test_gigantic_text_node_is_refused(tmp_path, fmt):
    reader, label, opening = OPENINGS[fmt]
    path = write(tmp_path, opening.format(payload="MS " * 4_000_000))  # 12 MB in one text node
    error = read_timed(reader, path, limit=5.0)
    assert str(error) == (
        f"{path}, line 2: expected well-formed XML for a {label} export; found a text node over "
        "libxml2's 10 MB limit (Resource limit exceeded: Text node too long, try XML_PARSE_HUGE); "
        "refused so that memory stays bounded")


def test_gigantic_text_node_memory_is_bounded(tmp_path):
    """A 60 MB text node: refused with peak memory far below the node's size x copies."""
    path = write(tmp_path, OPENINGS["wxr"][2].format(payload="x" * 60_000_000))
    script = textwrap.dedent(f"""
        import resource, msdiscourse
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            msdiscourse.read_wxr({str(path)!r})
        except msdiscourse.ParseError as error:
            print("refused" if "10 MB limit" in str(error) else error)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", "import msdiscourse.io.wxr\n" + script],
                            capture_output=True, text=True, cwd=PROJECT, timeout=60)
    status, grown_mb = result.stdout.split()
    assert status == "refused", result.stderr
    assert int(grown_mb) < 40  # libxml2 stops at 10 MB of text; the file is 60 MB


def test_not_a_path_or_stream():
    with pytest.raises(TypeError, match="expected a path or an open file, got bytes"):
        read_wxr(b"<rss/>")


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_file_names_it(tmp_path, fmt):
    reader = OPENINGS[fmt][0]
    with pytest.raises(FileNotFoundError, match=r"nope\.xml: no such file"):
        reader(tmp_path / "nope.xml")
