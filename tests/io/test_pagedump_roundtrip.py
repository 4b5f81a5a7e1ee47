"""Property test: a random thread tree written as a page dump reads back as the same tree.

Hypothesis draws posts (title, tags, body, byline) and comment trees of random shape and
depth with unicode text, paragraphs and signatures, writes them with ``write_pagedump``,
scatters page furniture around them the way blogs do, and checks that ``read_pagedump``
gives back the same tree, the same texts, and accounts for every line exactly once.

Texts are drawn so that no line is ambiguous in the format itself: a line never starts
with a bullet, a dash, ``#`` or ``By``, and never is a furniture heading (a comment line
that reads only "Related" is furniture by definition).
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msdiscourse.corpus import Corpus
from msdiscourse.io.pagedump import load_page_furniture, match_furniture, read_pagedump, write_pagedump
from msdiscourse.text import normalise_text
from tests.io.test_pagedump import coverage_problems

LETTERS = st.characters(categories=("Lu", "Ll", "Lo", "Nd"), max_codepoint=0x2FFFF)
word = st.text(LETTERS, min_size=1, max_size=8)
inner_token = st.one_of(
    word, word, word,
    st.sampled_from(["—", "–", "-", "…", "“sarcasm”", "‘scare’", "(really?)", "$65", "😉", "/s",
                     "#1", "•", "o", "By", "3.5%", "isn’t", "e.g.", "!!"]),
)
separator = st.sampled_from([" ", " ", " ", "\u00a0"])


def _is_plain_line(line: str) -> bool:
    first = line.split(maxsplit=1)[0]
    return (
        first not in ("o", "By")
        and match_furniture(line) is None
        and normalise_text(line) == line
    )


@st.composite
def text_line(draw) -> str:
    first = draw(word)
    rest = draw(st.lists(st.tuples(separator, inner_token), max_size=7))
    return first + "".join(sep + token for sep, token in rest)


line = text_line().filter(_is_plain_line)
paragraph = st.lists(line, min_size=1, max_size=3).map("\n".join)
multi_paragraph = st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join)
capitalised_word = st.builds(
    str.__add__, st.characters(categories=("Lu", "Lo"), max_codepoint=0x2FFFF), st.text(LETTERS, max_size=7)
)
#: a signature can be any name; a byline's name must not start lower-case ("By the way")
signature = st.lists(word, min_size=1, max_size=3).map(" ".join).filter(lambda n: normalise_text(n) == n)
byline = st.lists(capitalised_word, min_size=1, max_size=3).map(" ".join).filter(
    lambda n: normalise_text(n) == n and not n[0].islower()  # "ª" is Lo yet lower-case
)
title = line.filter(lambda t: len(t) <= 150 and not t.endswith((".", ",", ";", ":")))
tag = st.lists(word, min_size=1, max_size=3).map(" ".join).filter(lambda t: normalise_text(t) == t)

FURNITURE = load_page_furniture()
NON_BLOCK = [r.example for r in FURNITURE if not r.block and not r.in_comments]
ANY_PAGE = [r.example for r in FURNITURE if not r.in_comments]
IN_COMMENTS = [r.example for r in FURNITURE if r.in_comments]


@st.composite
def post_and_comments(draw):
    wanted_depths = draw(st.lists(st.integers(0, 9), max_size=14))
    depths: list[int] = []
    for depth in wanted_depths:
        depths.append(0 if not depths else min(depth, depths[-1] + 1))
    comments, latest_at_depth = [], {}
    for position, depth in enumerate(depths, start=1):
        comment_id = f"p.c{position}"
        comments.append({
            "comment_id": comment_id, "post_id": "p",
            "parent_id": latest_at_depth.get(depth - 1) if depth else None,
            "author": draw(st.none() | signature),
            "text": draw(multi_paragraph),
        })
        latest_at_depth[depth] = comment_id
    post = {
        "post_id": "p",
        "title": draw(title),
        "tags": draw(st.lists(tag, max_size=3)),
        "body": draw(st.none() | multi_paragraph),
        "author": draw(st.none() | byline),
    }
    return post, comments


@st.composite
def furnished_page(draw):
    """Return (post, comments, page text, number of furniture lines inserted)."""
    post, comments = draw(post_and_comments())
    page = write_pagedump(Corpus.from_records(posts=[post], comments=comments))
    lines = page.rstrip("\n").split("\n")
    out: list[str] = []
    inserted = 0

    def furniture(choices, indent="") -> list[str]:
        nonlocal inserted
        chosen = draw(st.lists(st.sampled_from(choices), max_size=2))
        block = []
        for heading in chosen:
            block.append(indent + heading)
            if match_furniture(heading).block:  # a block claims the lines under it
                block += draw(st.lists(word.filter(_is_plain_line), max_size=2))
        inserted += len(block)
        return block

    out += furniture(NON_BLOCK)  # before the title: a block there would swallow it
    seen_bullet = False
    for number, text in enumerate(lines):
        is_top_bullet = text.startswith("  • ")
        if is_top_bullet or (text.startswith("By ") and not seen_bullet):
            out += furniture(ANY_PAGE)  # between the body and the comments, between threads
        seen_bullet = seen_bullet or is_top_bullet
        out.append(text)
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if text.startswith(" ") and not following.startswith(" "):  # a comment's last line
            indent = " " * (len(text) - len(text.lstrip()))
            indent += "  " if text.lstrip().startswith("• ") else ""
            out += furniture(IN_COMMENTS, indent)
    out += furniture(ANY_PAGE)
    return post, comments, "\n".join(out) + "\n", inserted


def _tree(records):
    index = {row["comment_id"]: n for n, row in enumerate(records, start=1)}
    return [(index.get(row["parent_id"]), row["author"], row["text"]) for row in records]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(furnished_page())
def test_written_page_reads_back_as_the_same_tree(case):
    post, comments, page, inserted = case
    corpus = read_pagedump(io.StringIO(page))
    got = corpus.comments.astype(object).where(corpus.comments.notna(), None).to_dict("records")
    assert _tree(got) == _tree(comments)
    read_post = corpus.posts.iloc[0]
    assert read_post["title"] == post["title"]
    assert read_post["tags"] == post["tags"]
    missing = corpus.posts.isna().iloc[0]
    assert (None if missing["body"] else read_post["body"]) == post["body"]
    assert (None if missing["author"] else read_post["author"]) == post["author"]
    assert len(corpus.furniture) == inserted + (post["author"] is not None)
    assert corpus.unparsed.empty
    assert coverage_problems(corpus, page) == []
