"""split_sentences: Punkt with this field's abbreviations, offsets, ids and quotations."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import msdiscourse as msd
from msdiscourse.corpus import Corpus
from msdiscourse.sentences import SENTENCE_COLUMNS, split_sentences
from msdiscourse.text import is_quotation, load_abbreviations, sentence_spans
from tests.conftest import BLOG_PAGES, require

PAGE_000 = "000_cbe15b06e01714f3"
PAGE_004 = "004_3a7139fdbb8cb79e"


@pytest.fixture(scope="module")
def real_corpus() -> Corpus:
    pages = sorted(require(BLOG_PAGES).glob("*.txt"))
    assert len(pages) == 2
    return Corpus.concat(msd.read_pagedump(page) for page in pages)


@pytest.fixture(scope="module")
def real_sentences(real_corpus) -> pd.DataFrame:
    return split_sentences(real_corpus)


def _page_line(page: str, starts: str) -> str:
    """The one line of a real page that starts (after indentation and bullet) with ``starts``."""
    lines = (require(BLOG_PAGES) / f"{page}.txt").read_text(encoding="utf-8").splitlines()
    found = [line.strip(" •") for line in lines if line.strip(" •").startswith(starts)]
    assert len(found) == 1, found
    return found[0]


def _sentences(text: str, **options) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, **options)]


# -- sentence boundaries on real lines ---------------------------------------------
def test_prof_without_period_does_not_break_the_quotation(blog_pages):
    line = _page_line(PAGE_000, "“This is not a treatment")
    assert "Prof Sharrack" in line and line.endswith(".")
    assert _sentences(line) == [line]


def test_dr_g_does_not_end_a_sentence(blog_pages):
    line = _page_line(PAGE_000, "Unlike ")  # the last comment on page 000
    sentences = _sentences(line)
    assert len(sentences) == 3 and " ".join(sentences) == line
    assert "Dr. G, all the MD's" in sentences[2] and sentences[2].endswith("this blog.")


def test_ie_inside_brackets_does_not_end_a_sentence(blog_pages):
    line = _page_line(PAGE_000, "Cyclophosphamide, used in non-myelo HSCT")
    sentences = _sentences(line)
    assert len(sentences) == 4
    assert "(i.e. HSCT is able" in sentences[2] and sentences[2].endswith("in the CNS).")
    assert " ".join(sentences) == line


def test_ms_at_a_sentence_end_breaks(blog_pages):
    # "(MS). We previously ..." on the real page 004, and two real sentences of its
    # abstract joined on one line: "... six patients with MS. Patients with ..."
    line = _page_line(PAGE_004, "There is a critical unmet need")
    assert _sentences(line)[0].endswith("multiple sclerosis(MS).")
    study = _sentences(_page_line(PAGE_004, "Patients with progressive MS and advanced"))[0]
    joined = "In this pilot feasibility study, we treated six patients with MS. " + study
    assert _sentences(joined) == [
        "In this pilot feasibility study, we treated six patients with MS.",
        study,
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("See Smith et al. 2019 for details.", ["See Smith et al. 2019 for details."]),
        ("It costs approx. 30,000 pounds.", ["It costs approx. 30,000 pounds."]),
        ("Ocrelizumab vs. rituximab is the question.", ["Ocrelizumab vs. rituximab is the question."]),
        ("Drugs, e.g. Campath, help.", ["Drugs, e.g. Campath, help."]),
        ("I saw Mr. Jones and Mrs. Jones.", ["I saw Mr. Jones and Mrs. Jones."]),
        # near misses: an abbreviation that ends the sentence before a sentence starter
        ("Pills, jabs, etc. The choice is yours.", ["Pills, jabs, etc.", "The choice is yours."]),
        ("The answer is no. We tried.", ["The answer is no.", "We tried."]),
        ("I was diagnosed with MS. It was 2010.", ["I was diagnosed with MS.", "It was 2010."]),
    ],
)
def test_abbreviation_table(text, expected):
    assert _sentences(text) == expected


def test_line_breaks_and_paragraphs():
    text = "Dear Tilly,\r\nSorry you feel that way.\n\n  All the best\n"
    assert _sentences(text) == ["Dear Tilly,", "Sorry you feel that way.", "All the best"]
    assert _sentences(text, split_lines=False) == [
        "Dear Tilly,\r\nSorry you feel that way.",
        "All the best",
    ]
    assert _sentences("") == [] and _sentences(" \n\n \u00a0") == []


def test_abbreviations_are_data_without_the_disease():
    abbreviations = load_abbreviations()
    assert {"prof", "dr", "e.g", "i.e", "vs", "al", "approx", "etc", "fig", "mr", "mrs"} <= abbreviations
    assert "ms" not in abbreviations and "no" not in abbreviations


# -- the table on the real pages ----------------------------------------------------
def test_columns_dtypes_and_offsets(real_corpus, real_sentences):
    assert list(real_sentences.columns) == list(SENTENCE_COLUMNS)
    assert real_sentences.dtypes.astype(str).to_dict() == SENTENCE_COLUMNS
    assert len(real_sentences) == 118
    assert real_sentences["sentence_id"].is_unique
    bodies = real_corpus.posts.set_index("post_id")["body"]
    texts = real_corpus.comments.set_index("comment_id")["text"]
    for row in real_sentences.itertuples():
        unit = bodies[row.post_id] if pd.isna(row.comment_id) else texts[row.comment_id]
        assert unit[row.start:row.end] == row.text


def test_ids_numbering_and_copied_comment_fields(real_corpus, real_sentences):
    body = real_sentences[real_sentences["comment_id"].isna()]
    assert body["sentence_id"].tolist()[:2] == [f"{PAGE_000}.s1", f"{PAGE_000}.s2"]
    assert body.groupby("post_id")["n"].max().to_dict() == {PAGE_000: 16, PAGE_004: 12}
    assert body["author"].dropna().nunique() == 1 and body["thread_id"].isna().all()  # the byline

    reply = real_sentences[real_sentences["comment_id"] == f"{PAGE_000}.c12"]
    assert reply["sentence_id"].tolist()[0] == f"{PAGE_000}.c12.s1"
    assert reply["text"].iloc[0].startswith("Dear ") and reply["text"].iloc[0].endswith(",")
    assert reply["n"].tolist() == [1, 2, 3, 4, 5, 6]
    assert set(reply["thread_id"]) == {f"{PAGE_000}.c11"} and set(reply["depth"]) == {1}
    # rows go post by post, body first, then comments in page order
    assert real_sentences["post_id"].tolist().index(PAGE_004) == 62
    assert real_sentences.iloc[16]["sentence_id"] == f"{PAGE_000}.c1.s1"


def test_comment_7_opens_by_quoting_the_post(real_sentences):
    quotes = real_sentences[real_sentences["is_quote"]]
    assert quotes["sentence_id"].tolist() == [f"{PAGE_000}.c7.s1"]
    assert quotes["text"].iloc[0].startswith('"This is not a treatment that is suitable')
    # the post's own sentence with the same words is not a quotation of itself
    post_sentence = real_sentences[real_sentences["sentence_id"] == f"{PAGE_000}.s12"]
    assert not post_sentence["is_quote"].iloc[0]


def test_units_and_bad_units(real_corpus):
    comments = split_sentences(real_corpus, units="comments")
    posts = split_sentences(real_corpus, units="posts")
    assert len(comments) == 90 and len(posts) == 28
    assert comments["comment_id"].notna().all() and posts["comment_id"].isna().all()
    with pytest.raises(ValueError) as error:
        split_sentences(real_corpus, units="replies")
    assert str(error.value) == "units must be \"all\", \"comments\" or \"posts\"; got 'replies'"


# -- quotations on small realistic corpora ------------------------------------------
QUOTE_CASES = [
    # (reply text, expected is_quote per sentence)
    ("\u201cHave you seen the new vitamin D trial?\u201d Yes, twice.", [True, False]),
    ("> have you seen the new vitamin D trial\nYes, twice.", [False, False]),  # ">" kept
    ("Thank you.", [False]),  # parent has it too, but too short to be a quotation
    ("Have you seen the vitamin D trial?", [False]),  # a paraphrase
]


@pytest.mark.parametrize("reply, expected", QUOTE_CASES)
def test_quotation_of_the_parent(reply, expected):
    corpus = Corpus.from_records(
        posts=[{"post_id": "p1", "body": "HSCT results are out."}],
        comments=[
            {"comment_id": "p1.c1", "post_id": "p1",
             "text": "Thank you. Have you seen the new vitamin D trial?"},
            {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1", "text": reply},
        ],
    )
    sentences = split_sentences(corpus, units="comments")
    assert sentences.loc[sentences["comment_id"] == "p1.c2", "is_quote"].tolist() == expected


def test_a_sibling_is_not_a_source():
    corpus = Corpus.from_records(
        posts=[{"post_id": "p1", "body": "Short post."}],
        comments=[
            {"comment_id": "p1.c1", "post_id": "p1", "text": "Vitamin D helps me a lot every winter."},
            {"comment_id": "p1.c2", "post_id": "p1", "text": "Vitamin D helps me a lot every winter."},
        ],
    )
    assert not split_sentences(corpus)["is_quote"].any()


def test_is_quotation_folds_case_quotes_and_space():
    source = "It\u2019s   the most extreme form of \u201cinduction therapy\u201d."
    assert is_quotation("'it's the most extreme form of induction therapy'", [source])
    assert not is_quotation("It's the most extreme form of therapy.", [source])
    assert not is_quotation("It's the most extreme form.", [None, ""])


def test_missing_text_gives_no_sentences_and_the_corpus_is_unchanged():
    corpus = Corpus.from_records(
        posts=[{"post_id": "p1", "body": None}],
        comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": None},
                  {"comment_id": "p1.c2", "post_id": "p1", "text": "Only this."}],
    )
    before = corpus.comments.copy()
    assert split_sentences(corpus)["sentence_id"].tolist() == ["p1.c2.s1"]
    pd.testing.assert_frame_equal(corpus.comments, before)
    empty = split_sentences(Corpus())
    assert empty.empty and list(empty.columns) == list(SENTENCE_COLUMNS)


# -- nothing lost: a property over arbitrary text ------------------------------------
_PIECES = st.sampled_from(
    ["Prof.", "Dr.", "G.", "MS.", "e.g.", "i.e.", "etc.", "No.", "!!", "?", "…", "\u201cquoted,\u201d",
     "word", "Word", "(i.e. HSCT)", "12.5", "\n", "\n\n", "\r\n", " ", "\u00a0", "\t", "- ", ":)"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(" ".join))
def test_spans_cover_every_visible_character_once(text):
    spans = sentence_spans(text)
    covered = [False] * len(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        for i in range(start, end):
            covered[i] = True
        previous_end = end
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))
