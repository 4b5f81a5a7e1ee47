"""read_blogger on the real pelican export (undeclared app: prefix) and on classic and
Takeout fixtures with reply threading."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from msdiscourse import ParseError, read_blogger
from msdiscourse.io.folder import sniff_format
from tests.conftest import FIXTURES, SHARED_CORPUS, require

PELICAN = SHARED_CORPUS / "exports" / "blogger" / "pelican-bloggerexport.xml"
CLASSIC = FIXTURES / "blogger" / "blog-03-14-2012.xml"
TAKEOUT = FIXTURES / "blogger" / "takeout" / "feed.atom"


def rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    return frame[columns].astype(object).where(frame[columns].notna(), None).values.tolist()


@pytest.fixture(scope="module")
def pelican():
    return read_blogger(require(PELICAN))


def test_real_export_posts_and_pages(pelican):
    assert rows(pelican.posts, ["post_id", "title", "kind", "status", "tags", "n_comments"]) == [
        ["pelican-bloggerexport:1276418104709695660", "Black as Egypt's Night", "post", "draft",
         ["Interesting cases", "amputations"], 0],
        ["pelican-bloggerexport:1858599377741856733", "The Steel Windpipe", "post", "live", [], 1],
        ["pelican-bloggerexport:4386962582497458967", "Test page 2", "page", "draft", [], 0],
        ["pelican-bloggerexport:1406163839769953231", "Test page", "page", "live", [], 0],
    ]
    windpipe = pelican.posts.iloc[1]
    assert windpipe["body"] == "It was a cold Winter's night.\n\nVery cold indeed.\nNote to self: pad out ending"
    assert windpipe["published"] == pd.Timestamp("2010-11-27 15:12:00", tz="UTC")  # -08:00 in the file
    assert windpipe["author"] == "Mikhail Afanasyevich Bulgakov"
    assert windpipe["url"] == "http://youngdoctornotes.blogspot.com/2010/11/the-steel-windpipe.html"
    assert (windpipe["line_start"], windpipe["line_end"]) == (991, 1010)


def test_real_export_comment_linked_by_in_reply_to(pelican):
    assert rows(pelican.comments, ["comment_id", "post_id", "parent_id", "author", "text"]) == [
        ["pelican-bloggerexport:1858599377741856733.c5590533389087749201",
         "pelican-bloggerexport:1858599377741856733", None, "Thomas Isidore Noël Sankara",
         "Mishka, always a pleasure to read your adventures!\n\n"
         "It's a shame you don't get more time for writing."],
    ]
    assert pelican.comments["published"].iloc[0] == pd.Timestamp("2010-11-29 20:35:44.027", tz="UTC")


def test_real_export_template_and_settings_are_counted(pelican):
    assert pelican.unparsed["reason"].value_counts().to_dict() == {
        "skipped settings entry (not a post, page or comment)": 58,
        "skipped template entry (not a post, page or comment)": 1,
    }
    template = pelican.unparsed.iloc[0]
    assert (template["line_start"], template["line_end"], template["text"]) == (
        24, 40, "Template: Notes of a Young Doctor")
    assert sniff_format(PELICAN) == "blogger"


def test_classic_reply_threading_labels_drafts_and_orphans():
    corpus = read_blogger(CLASSIC)
    assert rows(corpus.comments, ["comment_id", "parent_id", "depth", "author", "flags"]) == [
        ["blog-03-14-2012:100.c9001", None, 0, "Jo", ""],
        # link rel="related" names the comment answered
        ["blog-03-14-2012:100.c9002", "blog-03-14-2012:100.c9001", 1, "Sceptic Sue", ""],
        ["blog-03-14-2012:100.c9003", None, 0, "Ray", ""],
        ["blog-03-14-2012:555.c9100", None, 0, "Jo", "orphan_thread"],
    ]
    assert corpus.comments["text"].iloc[0] == "I cut sugar and felt better.\n\nPlacebo? Maybe."
    assert rows(corpus.posts, ["post_id", "tags", "status", "n_comments", "flags"]) == [
        ["blog-03-14-2012:100", ["fatigue", "diet"], "live", 3, ""],
        ["blog-03-14-2012:101", [], "draft", 0, ""],  # <app:control> with app: undeclared
        ["blog-03-14-2012:555", [], None, 1, "missing_thread"],
    ]
    assert rows(corpus.unparsed, ["line_start", "line_end", "reason"]) == [
        [6, 11, "skipped template entry (not a post, page or comment)"],
        [12, 17, "skipped settings entry (not a post, page or comment)"],
    ]
    assert sniff_format(CLASSIC) == "blogger"


def test_takeout_feed_atom():
    corpus = read_blogger(TAKEOUT)
    # ids keyed by the blog's folder, not by "feed" (every Takeout blog is feed.atom)
    assert rows(corpus.posts, ["post_id", "title", "kind", "status", "tags"]) == [
        ["takeout:300", "Heat and MS: Uhthoff's phenomenon", "post", "live", ["heat", "symptoms"]],
        ["takeout:9", "About", "page", "draft", []],
    ]
    # the reply comes first in the file; shown after its parent, which is older
    assert rows(corpus.comments, ["comment_id", "parent_id", "author", "text", "status"]) == [
        ["takeout:300.c5001", None, "Jo", "Cooling vests & fans got me through last summer.", "approved"],
        ["takeout:300.c5002", "takeout:300.c5001", "Sue", "Which brand, Jo?", "approved"],
        ["takeout:300.c5003", None, "bot", "cheap vests", "spam"],
    ]
    assert sniff_format(TAKEOUT) == "blogger"


COMMENT_WITHOUT_POST = """<feed xmlns="http://www.w3.org/2005/Atom">
<entry>
 <id>tag:blogger.com,1999:blog-1.post-7</id>
 <category scheme="http://schemas.google.com/g/2005#kind"
           term="http://schemas.google.com/blogger/2008/kind#comment"/>
 <content type="html">Where do I belong?</content>
</entry>
</feed>"""


def test_comment_naming_no_post_follows_on_error():
    with pytest.raises(ParseError) as caught:
        read_blogger(io.StringIO(COMMENT_WITHOUT_POST))
    assert str(caught.value) == (
        "<blogger>, line 2: expected <thr:in-reply-to ref> or <blogger:parent> naming the post; "
        'found neither (pass on_error="collect" to keep it as an unparsed row)')
    corpus = read_blogger(io.StringIO(COMMENT_WITHOUT_POST), on_error="collect")
    assert rows(corpus.unparsed, ["line_start", "line_end", "reason", "text"]) == [
        [2, 7, "comment without post", "Where do I belong?"]]


# -- issue 11: entries without <id>, repeated ids, dates pandas cannot hold ------------------

def _rows(frame, columns):
    frame = frame[columns]
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def test_entries_without_id_are_identified_by_their_links():
    corpus = read_blogger(FIXTURES / "blogger" / "entries-without-id.xml", on_error="collect")
    key = "entries-without-id"
    assert _rows(corpus.posts, ["post_id", "title", "author", "body", "flags"]) == [
        [f"{key}:501", "Sticks or poles?", "Ray", "Poles, for me.", "id_from_link"]]
    assert _rows(corpus.comments, ["comment_id", "parent_id", "author", "text", "published",
                                   "flags"]) == [
        [f"{key}:501.c9001", None, "Lou", "Sticks fold smaller.",
         pd.Timestamp("2012-03-14 09:00", tz="UTC"), "id_from_link"],
        [f"{key}:501.c9002", f"{key}:501.c9001", "Jo", "From the future.", None,
         "date_out_of_range"]]
    assert _rows(corpus.unparsed, ["line_start", "line_end", "reason", "text"]) == [
        [25, 25, "<published> out of range", "2999-01-01T00:00:00.000Z"],
        [34, 40, "comment without id", "Nobody knows where I belong."]]


def test_an_entry_with_neither_id_nor_link_raises_under_raise():
    path = FIXTURES / "blogger" / "entries-without-id.xml"
    with pytest.raises(ParseError) as caught:
        read_blogger(path)
    assert str(caught.value) == (
        f"{path}, line 25: expected <published> like 2010-11-27T07:12:00.000-08:00, between "
        "1677 and 2262 (the dates pandas holds); found '2999-01-01T00:00:00.000Z' "
        '(pass on_error="collect" to keep it as an unparsed row)')


def test_repeated_post_and_comment_ids_are_kept_apart():
    kind = "http://schemas.google.com/blogger/2008/kind#"
    entry = ("<entry><id>tag:blogger.com,1999:blog-1.post-{id}</id>"
             "<category scheme='http://schemas.google.com/g/2005#kind' term='" + kind + "{kind}'/>"
             "<content type='text'>{text}</content>{extra}</entry>")
    reply = "<thr:in-reply-to ref='tag:blogger.com,1999:blog-1.post-10'/>"
    export = ("<feed xmlns='http://www.w3.org/2005/Atom' "
              "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
              + entry.format(id=10, kind="post", text="Post A", extra="")
              + entry.format(id=10, kind="post", text="Post A again", extra="")
              + entry.format(id=11, kind="comment", text="One", extra=reply)
              + entry.format(id=11, kind="comment", text="One again", extra=reply)
              + "</feed>")
    corpus = read_blogger(io.StringIO(export))
    assert _rows(corpus.posts, ["post_id", "body", "flags"]) == [
        ["blogger:10", "Post A", ""], ["blogger:10~2", "Post A again", "duplicate_id"]]
    assert _rows(corpus.comments, ["comment_id", "post_id", "text", "flags"]) == [
        ["blogger:10.c11", "blogger:10", "One", ""],
        ["blogger:10.c11~2", "blogger:10", "One again", "duplicate_id"]]


def test_a_mangled_kind_uri_is_kept_as_a_skipped_entry():
    # found by the mutation fuzzing: a '>' inside the kind URI leaves a term that still ends in
    # "#comment" but is not Blogger's comment kind; the entry must be kept, not read as a comment
    seed = (FIXTURES / "blogger" / "entries-without-id.xml").read_bytes()
    mangled = seed.replace(b"term='http://schemas.google.com/blogger/2008/kind#comment'/>\n"
                           b"<content type='html'>Nobody",
                           b"term='http://schemas.g>oogle.com/blogger/2008/kind#comment'/>\n"
                           b"<content type='html'>Nobody")
    assert mangled != seed
    corpus = read_blogger(io.BytesIO(mangled), on_error="collect")
    skipped = corpus.unparsed[corpus.unparsed["reason"].str.startswith("skipped http://schemas.g>oogle")]
    assert len(skipped) == 1
    assert "Nobody knows where I belong." in skipped["text"].iloc[0]
    assert "Nobody knows" not in " ".join(corpus.comments["text"])
