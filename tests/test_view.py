"""Tests for msdiscourse/view.py: the thread view and the corpus summary in Jupyter."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import msdiscourse as msd
from msdiscourse.corpus import Corpus
from msdiscourse.view import ROLE_BADGE_COLOURS, TONE_EDGE_COLOURS, show_thread
from tests.conftest import DATA_RAW

POST = "demo-01-miracle-diet"


@pytest.fixture(scope="module")
def demo():
    corpus = msd.read_corpus(DATA_RAW)
    sentences = msd.split_sentences(corpus, units="comments")
    return {
        "corpus": corpus,
        "roles": msd.assign_roles(corpus),
        "tone": msd.comment_tone(corpus),
        "markers": msd.find_markers(sentences),
    }


def _soup(view) -> BeautifulSoup:
    return BeautifulSoup(view._repr_html_(), "html.parser")


def test_comments_in_page_order_indented_by_depth(demo):
    corpus = demo["corpus"]
    soup = _soup(show_thread(corpus, POST))
    shown = soup.select("div.msd-comment")
    expected = corpus.comments[corpus.comments["post_id"] == POST]
    assert [d["data-comment-id"] for d in shown] == expected["comment_id"].tolist()
    assert [int(d["data-depth"]) for d in shown] == expected["depth"].astype(int).tolist()
    margins = [float(re.search(r"margin: 0.4em 0 0.4em ([\d.]+)em", d["style"]).group(1)) for d in shown]
    assert margins == [1.5 * depth for depth in expected["depth"].astype(int)]
    assert [d.select_one(".msd-author").get_text() for d in shown[:3]] == ["Spoonie Sam", "LabRat", "Spoonie Sam"]


def test_role_badge_carries_its_evidence_and_tone_colours_the_edge(demo):
    view = show_thread(demo["corpus"], POST, roles=demo["roles"], tone=demo["tone"])
    first = _soup(view).select_one('div.msd-comment[data-comment-id="demo-01-miracle-diet.c1"]')
    badge = first.select_one(".msd-role")
    assert badge.get_text() == "patient"
    # the role was disclosed in another post's comment and carried to this one
    assert badge["title"] == ("“SPMS here” (rule condition_here, in demo-03-progressive-trials.c1, "
                              "confidence 0.77)")
    assert ROLE_BADGE_COLOURS["patient"] in badge["style"]
    assert first.select_one(".msd-tone").get_text() == "positive +0.72"
    assert f"border-left: 4px solid {TONE_EDGE_COLOURS['positive']}" in first["style"]
    negative = _soup(view).select_one('div.msd-comment[data-comment-id="demo-01-miracle-diet.c10"]')
    assert f"border-left: 4px solid {TONE_EDGE_COLOURS['negative']}" in negative["style"]


def test_every_marker_is_highlighted_with_its_rule_on_hover(demo):
    markers = demo["markers"]
    view = show_thread(demo["corpus"], POST, markers=markers, max_chars=10_000)
    marks = _soup(view).select("mark.msd-marker")
    ours = markers[markers["comment_id"].str.startswith(POST + ".")]
    # every marker's words are inside a mark that names its rule (overlaps share one mark)
    for row in ours.itertuples():
        comment = _soup(view).select_one(f'div.msd-comment[data-comment-id="{row.comment_id}"]')
        assert any(row.match in m.get_text() and row.rule in m["title"]
                   for m in comment.select("mark.msd-marker")), row
    assert len(marks) == 18  # 22 markers, "Oh"/"Oh great"/"great" and the like overlap
    oh = marks[0]
    assert oh.get_text() == "Oh great"
    assert oh["title"] == "formula: ironic_formula; morphosyntactic: interjection; trope: hyperbole"


def test_long_comments_fold_short_ones_do_not(demo):
    corpus = demo["corpus"]
    soup = _soup(show_thread(corpus, POST, max_chars=120))
    texts = corpus.comments.set_index("comment_id")["text"]
    for div in soup.select("div.msd-comment"):
        folded = div.select_one("details.msd-text")
        assert (folded is not None) == (len(texts[div["data-comment-id"]]) > 120)
        if folded:
            assert folded.select_one("summary").get_text().endswith(
                f"(+{len(texts[div['data-comment-id']]) - 120} characters)")


def test_plain_text_view_indents_and_brackets_markers(demo):
    text = repr(show_thread(demo["corpus"], POST, roles=demo["roles"], tone=demo["tone"],
                            markers=demo["markers"], max_chars=10_000))
    lines = text.splitlines()
    assert lines[1] == "by ProfMyelin, 16 comment(s)"
    assert lines[2] == "└─ Spoonie Sam [patient] (positive +0.72)  demo-01-miracle-diet.c1"
    assert "    └─ LabRat [researcher] (positive +0.22)  demo-01-miracle-diet.c2" in lines
    assert "»Oh great«, yet another »miracle« cure." in text
    assert "<" not in text.replace("<NA>", "")


def test_untrusted_text_renders_inert():
    evil_script = "<script>alert('x')</script>"
    evil_img = '<img src=x onerror="alert(1)">'
    corpus = Corpus.from_records(
        posts=[{"post_id": "p1", "title": evil_script, "author": evil_img, "body": evil_img}],
        comments=[
            {"comment_id": "p1.c1", "post_id": "p1", "author": '"><svg onload=alert(2)>',
             "text": f"Great {evil_script} and {evil_img} yeah right"},
            {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1", "author": "Kim",
             "text": "x" * 50 + evil_img},
        ])
    roles = msd.assign_roles(corpus).assign(evidence='" onmouseover="alert(3)')
    markers = msd.find_markers(msd.split_sentences(corpus, units="comments"))
    html_text = show_thread(corpus, "p1", roles=roles, markers=markers, max_chars=40)._repr_html_()
    soup = BeautifulSoup(html_text, "html.parser")
    assert soup.find_all(["script", "img", "svg"]) == []
    assert not [tag for tag in soup.find_all(True)
                if any(attr.startswith("on") for attr in tag.attrs)]
    assert evil_script in soup.get_text() and evil_img in soup.get_text()
    badges = soup.select(".msd-role")
    assert len(badges) == 2 and all('" onmouseover="alert(3)' in b["title"] for b in badges)
    corpus_soup = BeautifulSoup(corpus._repr_html_(), "html.parser")
    assert corpus_soup.find_all("script") == [] and evil_script in corpus_soup.get_text()


def test_corpus_shows_a_compact_summary_in_jupyter(demo):
    corpus = demo["corpus"]
    soup = BeautifulSoup(corpus._repr_html_(), "html.parser")
    summary = soup.get_text(" ", strip=True)
    s = corpus.summary()
    for number, label in ((s["posts"], "posts"), (s["comments"], "comments"),
                          (s["max_depth"], "deepest reply"), (s["unparsed"], "unparsed rows"),
                          (s["furniture"], "furniture lines")):
        assert f"{number} {label}" in summary
    rows = soup.select("table.msd-corpus-posts tbody tr")
    assert [r.find_all("td")[0].get_text() for r in rows] == corpus.posts["post_id"].tolist()
    assert rows[0].find_all("td")[2].get_text() == "16"


def test_real_pages_pseudonymised_show_no_real_name(blog_pages):
    real = msd.read_corpus(blog_pages)
    corpus = msd.pseudonymise(real, key="test-key")
    names = set(real.comments["author"].dropna()) | set(real.posts["author"].dropna())
    assert names
    for post_id in corpus.posts["post_id"]:
        view = show_thread(corpus, post_id, roles=msd.assign_roles(corpus))
        soup = _soup(view)
        assert len(soup.select("div.msd-comment")) == int((corpus.comments["post_id"] == post_id).sum())
        shown_authors = {a.get_text() for a in soup.select(".msd-author")}
        assert not shown_authors & names


@pytest.mark.parametrize("call, error, message", [
    (lambda c, d: show_thread(c.comments, POST), TypeError, "show_thread expects a Corpus"),
    (lambda c, d: show_thread(c, "no-such-post"), ValueError, "post_id 'no-such-post' is not in the corpus"),
    (lambda c, d: show_thread(c, POST, tone=msd.score_tone(msd.split_sentences(c))), ValueError,
     "expects the comment_tone table"),
    (lambda c, d: show_thread(c, POST, roles=d["roles"][["comment_id"]]), ValueError,
     "missing columns: author, role, source"),
    (lambda c, d: show_thread(c, POST, markers=list(d["markers"]["match"])), TypeError, "markers table"),
    (lambda c, d: show_thread(c, POST, max_chars=0), ValueError, "max_chars"),
])
def test_wrong_inputs_say_what_to_pass(demo, call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(demo["corpus"], demo)


def test_view_colours_match_the_figures():
    from msdiscourse.plotting import ROLE_COLOURS, TONE_COLOURS

    assert ROLE_BADGE_COLOURS == ROLE_COLOURS
    assert TONE_EDGE_COLOURS == TONE_COLOURS
