"""The invented demo corpus in data/raw: parses cleanly into the structure it was written with.

The expected values below come from the pages as written (counted by hand when they were
written), not from the reader's output, so a reader regression or an edit to a page that
breaks the demo fails here.
"""

from __future__ import annotations

import pandas as pd
import pytest

import msdiscourse as msd
from tests.conftest import DATA_RAW

#: page -> (byline, tags, comments, signed comments, deepest reply)
PAGES = {
    "demo-01-miracle-diet": ("ProfMyelin", ["MSresearch", "diet", "news hype", "miracle cures"], 16, 8, 5),
    "demo-02-ebv-mice": ("LabRat", ["MSresearch", "EBV", "EAE", "vaccines"], 15, 8, 4),
    "demo-03-progressive-trials": ("ProfMyelin", ["progressive MS", "clinical trials", "neuroprotection"], 16, 10, 4),
    "demo-04-remyelination": (None, ["remyelination", "myelin repair", "clemastine"], 14, 8, 5),
    "demo-05-ask-the-team": ("LabRat", ["ask the team", "DMTs", "side effects"], 15, 10, 4),
}


@pytest.fixture(scope="module")
def demo():
    return msd.read_corpus(DATA_RAW)


def test_demo_corpus_is_marked_invented_and_licensed():
    readme = (DATA_RAW / "README.md").read_text(encoding="utf-8")
    assert "**Everything in this folder is invented.**" in readme
    assert "CC0" in readme


def test_demo_corpus_parses_without_unparsed_lines(demo):
    assert demo.unparsed.empty, demo.unparsed[["source", "line_start", "reason"]].to_string()
    summary = demo.summary()
    assert summary["posts"] == len(PAGES) >= 4
    assert summary["comments"] == sum(p[2] for p in PAGES.values()) == 76
    assert summary["max_depth"] == 5


def test_each_demo_page_has_its_byline_tags_comments_and_depth(demo):
    posts = demo.posts.set_index("post_id")
    assert sorted(posts.index) == sorted(PAGES)
    for post_id, (byline, tags, n_comments, n_signed, deepest) in PAGES.items():
        post = posts.loc[post_id]
        comments = demo.comments[demo.comments["post_id"] == post_id]
        author = None if pd.isna(post["author"]) else post["author"]
        assert author == byline, post_id
        assert list(post["tags"]) == tags, post_id
        assert int(post["n_comments"]) == len(comments) == n_comments, post_id
        assert int(comments["author"].notna().sum()) == n_signed, post_id
        assert int(comments["depth"].max()) == deepest, post_id


def test_demo_signatures_recur_across_pages_and_cover_about_half(demo):
    signed = demo.comments.dropna(subset=["author"])
    assert 0.4 <= len(signed) / len(demo.comments) <= 0.7
    pages_per_author = signed.groupby("author")["post_id"].nunique()
    # the consistent signers a role assignment can follow from page to page
    for name in ("Wendy W", "Hamish", "Bernard T", "Spoonie Sam", "CuriousCat"):
        assert pages_per_author[name] >= 3, name
    assert (signed["author"] == "Bernard T").sum() == 7


def test_the_first_page_opens_with_the_quoted_news_excerpt_and_keeps_paragraphs(demo):
    post = demo.posts.set_index("post_id").loc["demo-01-miracle-diet"]
    assert post["body"].startswith("‘Wonder diet’ halts multiple sclerosis in weeks, say scientists\n")
    assert "About the author" not in post["body"]
    comments = demo.comments.set_index("comment_id")
    reply = comments.loc["demo-01-miracle-diet.c6"]
    assert reply["text"] == (
        "Yes: conference abstracts are published in the meeting’s supplement, usually free "
        "online. Search for the meeting name plus the first author’s surname.\n\n"
        "If you get stuck, ask here and we will post the link."
    )
    assert pd.isna(reply["author"]) and int(reply["depth"]) == 5  # the team, unsigned
    # the reply chain 1 -> 2 -> 3 -> 4 -> 5 -> 6
    chain = [comments.loc[f"demo-01-miracle-diet.c{n}", "parent_id"] for n in range(2, 7)]
    assert chain == [f"demo-01-miracle-diet.c{n}" for n in range(1, 6)]


def test_demo_has_comments_without_any_signature_or_disclosure(demo):
    comments = demo.comments.set_index("comment_id")
    for comment_id in ("demo-01-miracle-diet.c5", "demo-01-miracle-diet.c9",
                       "demo-02-ebv-mice.c6", "demo-03-progressive-trials.c16"):
        assert pd.isna(comments.loc[comment_id, "author"]), comment_id
