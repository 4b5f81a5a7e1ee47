"""read_wxr on real-world variants: namespaces, missing and repeated ids, literal titles,
block footnotes and dates pandas cannot hold (issue 11). The WordPress importer's behaviour
is the reference: it follows the ``wp:`` prefix, whatever version or scheme it is bound to."""

from __future__ import annotations

import io
import warnings

import pandas as pd
import pytest

from msdiscourse import ParseError, read_wxr
from msdiscourse.io.wxr import NamespaceWarning
from tests.conftest import FIXTURES

WXR = FIXTURES / "wxr"
UTC = "UTC"


def rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    frame = frame[columns]
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def stamp(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=UTC)


def minimal(namespace: str, title: str = "T") -> str:
    return (f'<rss xmlns:wp="{namespace}"><channel><item><title>{title}</title>'
            "<wp:post_id>5</wp:post_id><wp:comment><wp:comment_id>1</wp:comment_id>"
            "<wp:comment_content>Hi</wp:comment_content></wp:comment></item></channel></rss>")


# -- namespaces ---------------------------------------------------------------------------

def test_https_namespace_and_a_non_ascii_namespace_uri_are_read_with_a_warning():
    path = WXR / "wxr-1.2-https-namespace.xml"
    with pytest.warns(NamespaceWarning) as caught:
        corpus = read_wxr(path)
    assert [str(w.message) for w in caught] == [
        f"{path}, line 10: WordPress namespace 'https://wordpress.org/export/1.2/', which "
        "WordPress does not write itself (it writes http://wordpress.org/export/1.x/); read "
        "as WXR, as WordPress' importer does"]
    assert rows(corpus.posts, ["post_id", "title", "author", "published", "body", "kind"]) == [
        ["wxr-1.2-https-namespace:12", "Why is my <html> showing? And other & odd questions",
         "Nurse Kim", stamp("2021-06-01 08:00"), "Heat makes it worse for me.", "post"]]
    assert rows(corpus.comments, ["comment_id", "parent_id", "author", "text", "published"]) == [
        ["wxr-1.2-https-namespace:12.c40", None, "<3 Jo", "Same here, every July.",
         stamp("2021-06-01 09:30")],
        ["wxr-1.2-https-namespace:12.c41", "wxr-1.2-https-namespace:12.c40", "Nurse Kim",
         "Cooling vests help some people.", stamp("2021-06-01 10:00")]]
    assert corpus.unparsed.empty


@pytest.mark.parametrize("namespace", [
    "http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.1/",
    "http://wordpress.org/export/1.2/"])
def test_the_namespaces_wordpress_writes_raise_no_warning(namespace):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = read_wxr(io.StringIO(minimal(namespace)))
    assert corpus.comments["text"].tolist() == ["Hi"]


@pytest.mark.parametrize("namespace", [
    "https://wordpress.org/export/1.2/", "http://wordpress.org/export/1.3/",
    "https://wordpress.org/export/1.10", "http://www.wordpress.org/export/1.1/"])
def test_any_1x_version_under_http_or_https_is_read_and_named(namespace):
    with pytest.warns(NamespaceWarning, match=f"WordPress namespace '{namespace}'"):
        corpus = read_wxr(io.StringIO(minimal(namespace)))
    assert rows(corpus.comments, ["comment_id", "text"]) == [["wxr:5.c1", "Hi"]]


@pytest.mark.parametrize("namespace", [
    "http://wordpress.org/export/2.0/", "http://example.org/export/1.2/",
    "http://wordpress.org/export/"])
def test_near_misses_are_still_refused(namespace):
    with pytest.raises(ParseError, match="an <rss> root without the WordPress namespace"):
        read_wxr(io.StringIO(minimal(namespace)))


def test_recovering_namespace_errors_keeps_every_security_check():
    bomb = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaa">]>\n'
            '<rss xmlns:u="http://ünï.org/" xmlns:wp="https://wordpress.org/export/1.2/">'
            "<channel><item><title>&a;</title></item></channel></rss>")
    with pytest.raises(ParseError, match="without entity declarations"):
        read_wxr(io.StringIO(bomb), on_error="collect")
    cut = minimal("http://wordpress.org/export/1.2/").replace("<item>", '<item xmlns:u="http://ü.org/">')
    with pytest.raises(ParseError, match="file is truncated|truncated"):
        read_wxr(io.StringIO(cut[:-20]), on_error="collect")


# -- ids --------------------------------------------------------------------------------------

def test_missing_post_ids_come_from_the_link_or_the_position_and_repeats_get_a_suffix():
    corpus = read_wxr(WXR / "wxr-1.2-missing-and-repeated-ids.xml")  # raise: nothing fatal here
    key = "wxr-1.2-missing-and-repeated-ids"
    assert rows(corpus.posts, ["post_id", "title", "kind", "flags", "n_comments"]) == [
        [f"{key}:4", "No id, but a link", "post", "post_id_from_link", 1],
        [f"{key}:item-2", "No id at all", "post", "post_id_from_position", 0],
        [f"{key}:7", "Seven, first copy", "post", "", 2],
        [f"{key}:7~2", "Seven, second copy", "page", "duplicate_id", 1],
    ]
    assert rows(corpus.comments, ["comment_id", "post_id", "text", "flags"]) == [
        [f"{key}:4.c1", f"{key}:4", "On the linked post.", ""],
        [f"{key}:7.c2", f"{key}:7", "Two, from site A.", ""],
        [f"{key}:7.c2~2", f"{key}:7", "Two, from site B.", "duplicate_id"],
        [f"{key}:7~2.c2", f"{key}:7~2", "Two, on the copy.", ""],
    ]
    assert corpus.unparsed.empty


def test_a_guid_gives_the_id_when_the_link_is_a_permalink():
    corpus = read_wxr(io.StringIO(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>G</title>'
        "<link>https://example.org/2020/01/g/</link>"
        '<guid isPermaLink="false">https://example.org/?p=88&amp;preview=true</guid>'
        "</item></channel></rss>"))
    assert rows(corpus.posts, ["post_id", "flags"]) == [["wxr:88", "post_id_from_link"]]


def test_repeated_ids_are_the_same_on_every_run():
    first = read_wxr(WXR / "wxr-1.2-missing-and-repeated-ids.xml")
    second = read_wxr(WXR / "wxr-1.2-missing-and-repeated-ids.xml")
    pd.testing.assert_frame_equal(first.comments, second.comments)
    assert first.posts["post_id"].is_unique and first.comments["comment_id"].is_unique


# -- text ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "title"), [
    ("some &lt;html&gt; entities", "some <html> entities"),
    ("<![CDATA[Fish &amp; <em>Chips</em>]]>", "Fish & Chips"),
    ("<![CDATA[a <b>bold</b> claim]]>", "a bold claim"),
    ("x &lt; y &amp;&amp; y &gt; z", "x < y && y > z"),
    ("<![CDATA[<script>not run</script>]]>", "<script>not run</script>"),
    ("  spread\n  over lines ", "spread over lines"),
])
def test_titles_are_literal_text(written, title):
    corpus = read_wxr(io.StringIO(minimal("http://wordpress.org/export/1.2/", written)))
    assert corpus.posts["title"].tolist() == [title]


def test_block_footnotes_are_appended_in_order_and_bad_dates_are_flagged():
    corpus = read_wxr(WXR / "wxr-1.2-footnotes-and-dates.xml", on_error="collect")
    key = "wxr-1.2-footnotes-and-dates"
    assert rows(corpus.posts, ["post_id", "published", "body", "flags"]) == [
        [f"{key}:30", None,
         "Levels matter1, doses less2.\n\n1. A cohort study, n = 1,200.\n"
         "2. Trials disagree & are small.", "date_out_of_range"]]
    assert rows(corpus.comments, ["comment_id", "text", "published", "flags"]) == [
        [f"{key}:30.c1", "Typed in 2011.", None, "date_out_of_range"],
        [f"{key}:30.c2", "A day that never was.", None, "bad_date"]]
    assert rows(corpus.unparsed, ["line_start", "line_end", "reason", "text"]) == [
        [21, 21, "wp:post_date_gmt out of range", "9999-12-31 00:00:00"],
        [29, 29, "wp:comment_date_gmt out of range", "0201-05-04 10:00:00"],
        [35, 35, "malformed wp:comment_date_gmt", "2013-02-30 10:00:00"],
        [40, 48, "skipped attachment item (not a post or page)",
         "An attachment with a comment (1 comments)"],
        [44, 47, "comment of a skipped attachment item (not a post or page)", "Nice photo."]]


def test_an_out_of_range_date_under_raise_names_file_and_line():
    path = WXR / "wxr-1.2-footnotes-and-dates.xml"
    with pytest.raises(ParseError) as caught:
        read_wxr(path)
    assert str(caught.value) == (
        f"{path}, line 21: expected wp:post_date_gmt like 2013-03-15 23:16:59, between 1677 "
        "and 2262 (the dates pandas holds); found '9999-12-31 00:00:00' "
        '(pass on_error="collect" to keep it as an unparsed row)')


def test_broken_footnotes_meta_is_kept_as_unparsed():
    export = ('<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>F</title>'
              "<wp:post_id>2</wp:post_id><content:encoded "
              'xmlns:content="http://purl.org/rss/1.0/modules/content/">Body</content:encoded>'
              "<wp:postmeta><wp:meta_key>footnotes</wp:meta_key>"
              "<wp:meta_value>[{&quot;content&quot;: oops</wp:meta_value></wp:postmeta>"
              "</item></channel></rss>")
    corpus = read_wxr(io.StringIO(export), on_error="collect")
    assert corpus.posts["body"].tolist() == ["Body"]
    assert rows(corpus.unparsed, ["reason", "text"]) == [
        ["malformed footnotes meta", '[{"content": oops']]
    with pytest.raises(ParseError, match="expected footnotes meta holding a JSON list"):
        read_wxr(io.StringIO(export))
