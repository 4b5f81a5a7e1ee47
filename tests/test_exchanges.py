"""Reply edges, the role-by-role matrix and the researcher/patient verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse.categories import ROLE_DTYPE, ROLES
from msdiscourse.corpus import Corpus
from msdiscourse.exchanges import (
    EXCHANGE_COLUMNS,
    exchange_matrix,
    exchange_summary,
    names_addressed,
    reply_exchanges,
)
from msdiscourse.roles import assign_roles, post_roles
from msdiscourse.schema import SchemaError
from tests.conftest import BLOG_PAGES, DATA_RAW, require

PAGE_000 = "000_cbe15b06e01714f3"
PAGE_004 = "004_3a7139fdbb8cb79e"


@pytest.fixture(scope="module")
def real():
    corpus = msd.read_corpus(require(BLOG_PAGES))
    roles = assign_roles(corpus)
    sentences = msd.split_sentences(corpus)
    tone = msd.comment_tone(corpus)
    hits = msd.find_markers(sentences)
    profile = msd.marker_profile(hits, sentences[sentences["comment_id"].notna()])
    edges = reply_exchanges(corpus, roles=roles, tone=tone, markers=profile)
    return corpus, roles, sentences, tone, hits, profile, edges


def test_real_pages_one_edge_per_comment_with_roles_on_both_sides(real):
    corpus, _, _, _, _, _, edges = real
    assert list(edges.columns) == list(EXCHANGE_COLUMNS)
    assert edges["comment_id"].tolist() == corpus.comments["comment_id"].tolist()
    by_id = edges.set_index("comment_id")
    # real names are read from the parsed pages, never written in a test
    signer = corpus.comments.set_index("comment_id").loc[f"{PAGE_000}.c11", "author"]
    byline = corpus.posts.set_index("post_id").loc[PAGE_000, "author"]
    # the signed commenter (a relative) answers the post by the byline author (a researcher) ...
    assert by_id.loc[f"{PAGE_000}.c11", ["replier", "addressee", "pair"]].tolist() == [
        signer, byline, "relative->researcher"]
    # ... and the blog team answers her by name
    reply = by_id.loc[f"{PAGE_000}.c12"]
    assert pd.isna(reply["replier"]) and reply["addressee"] == signer
    assert (reply["pair"], reply["depth"], reply["names_addressed"], reply["names_addressee"]) == (
        "researcher->relative", 1, signer, True)
    assert by_id.loc[f"{PAGE_000}.c3", "pair"] == "patient->researcher"
    assert by_id.loc[f"{PAGE_000}.c6", "pair"] == "researcher->unknown"
    # page 004 has no byline: the post's author and role stay unknown
    top = by_id.loc[f"{PAGE_004}.c1"]
    assert pd.isna(top["addressee"]) and top["addressee_role"] == "unknown"
    assert by_id.loc[f"{PAGE_004}.c3", "pair"] == "unknown->other"
    assert edges["replier_role"].dtype == ROLE_DTYPE == edges["addressee_role"].dtype


def test_real_quotes_of_the_post_are_found(real):
    _, _, _, _, _, _, edges = real
    by_id = edges.set_index("comment_id")
    # c7 opens by quoting Prof Sharrack's sentence from the post body
    assert by_id.loc[f"{PAGE_000}.c7", ["quotes_parent", "quotes_post"]].tolist() == [True, True]
    assert edges["quotes_post"].sum() == 1 and edges["quotes_parent"].sum() == 1


def test_real_tone_and_markers_line_up_with_the_parent(real):
    corpus, _, _, tone, hits, profile, edges = real
    by_id = edges.set_index("comment_id")
    child, parent = by_id.loc[f"{PAGE_000}.c12"], by_id.loc[f"{PAGE_000}.c11"]
    assert child["addressee_compound"] == parent["replier_compound"]
    assert child["addressee_markers"] == parent["replier_markers"]
    # the one tone shift: comment_tone of the reply minus comment_tone of its parent
    own = tone.set_index("comment_id")["compound"]
    assert (child["replier_compound"], parent["replier_compound"]) == (
        own[f"{PAGE_000}.c12"], own[f"{PAGE_000}.c11"])
    assert child["tone_shift"] == pytest.approx(own[f"{PAGE_000}.c12"] - own[f"{PAGE_000}.c11"])
    assert round(child["tone_shift"], 4) == 0.3453
    assert parent["replier_markers"] == (hits["comment_id"] == f"{PAGE_000}.c11").sum()
    # a top-level comment's addressee is the post: its body scored as a comment is
    body = corpus.posts.set_index("post_id").loc[PAGE_000, "body"]
    post = by_id.loc[f"{PAGE_000}.c1"]
    assert post["addressee_compound"] == msd.score_texts([body])["compound"].iloc[0]
    assert pd.isna(post["addressee_markers"])  # a profile counts comments, not posts


def test_markers_must_be_a_profile_and_tone_comment_tone(real):
    corpus, roles, sentences, _, hits, profile, edges = real
    with pytest.raises(SchemaError, match=r"^reply_exchanges\(markers=\.\.\.\) expects the "
                                          r"marker_profile table .*got what looks like the markers table"):
        reply_exchanges(corpus, roles=roles, markers=hits)
    with pytest.raises(SchemaError, match=r"^reply_exchanges\(tone=\.\.\.\) expects the "
                                          r"comment_tone table .*got what looks like the tone table"):
        reply_exchanges(corpus, roles=roles, tone=msd.score_tone(sentences))
    no_tone = reply_exchanges(corpus, roles=roles, markers=profile)
    assert no_tone["replier_markers"].tolist() == edges["replier_markers"].tolist()
    assert no_tone["replier_compound"].isna().all()  # no tone given: missing, not 0


def test_post_roles_follow_the_users_knowledge(real):
    corpus, _, _, _, _, _, _ = real
    byline = corpus.posts.set_index("post_id").loc[PAGE_000, "author"]
    roles = assign_roles(corpus, known={byline: "other"})
    told = reply_exchanges(corpus, roles=roles, post_roles=post_roles(corpus, known={byline: "other"}))
    assert told.set_index("comment_id").loc[f"{PAGE_000}.c11", "pair"] == "relative->other"


def test_byline_author_commenting_lends_the_post_their_role():
    corpus = Corpus.from_records(
        posts=[{"post_id": "p", "author": "Kim", "body": "x"}],
        comments=[{"comment_id": "p.c1", "post_id": "p", "author": "Lee", "text": "Hi."},
                  {"comment_id": "p.c2", "post_id": "p", "author": "Kim", "parent_id": "p.c1",
                   "text": "Hi."}])
    roles = assign_roles(corpus, known={"Kim": "patient"})
    edges = reply_exchanges(corpus, roles=roles)
    assert edges["pair"].tolist() == ["unknown->patient", "patient->unknown"]


def test_reply_exchanges_leaves_its_inputs_alone(real):
    corpus, roles, _, tone, _, profile, _ = real
    before = (corpus.comments.copy(), roles.copy(), tone.copy(), profile.copy())
    reply_exchanges(corpus, roles=roles, tone=tone, markers=profile)
    for kept, now in zip(before, (corpus.comments, roles, tone, profile)):
        pd.testing.assert_frame_equal(kept, now)


@pytest.mark.parametrize(
    "text, known, expected",
    [
        ("Dear Tilly,\n  thanks for writing.", set(), ["Tilly"]),
        ("Thanks Tilly, I will ask.", set(), ["Tilly"]),
        ("That’s so reassuring, thank you Wendy!", set(), ["Wendy"]),
        ("Hi Prof G, and @LabRat too.", set(), ["Prof G", "LabRat"]),
        ("Dear P-7bd228, sorry.", set(), ["P-7bd228"]),
        ("Thank you, this is the summary we needed.", set(), []),
        ("Thanks, I will. Nobody had mentioned iron before.", set(), []),
        ("Thanks all, and thanks again.", set(), []),
        ("Bernard, give it a rest.", {"bernard"}, ["Bernard"]),
        ("Indeed, if you have a relapse.", {"bernard"}, []),
        ("Worth asking your neuro about it, Wendy.", {"wendy"}, ["Wendy"]),
        ("mail me at kim@example.org", set(), []),
    ],
)
def test_names_addressed(text, known, expected):
    assert names_addressed(text, known_names=known) == expected


# -- matrix -------------------------------------------------------------------------------------
def test_real_matrix_counts_every_edge_once(real):
    _, _, _, _, _, _, edges = real
    matrix = exchange_matrix(edges)
    assert list(matrix.index) == list(ROLES) and list(matrix.columns) == list(ROLES)
    assert matrix.to_numpy().sum() == 17
    assert matrix.loc["unknown", "researcher"] == 4   # c1, c4, c7, c13 answer the post
    assert matrix.loc["researcher", "relative"] == 1  # the team answering the signed commenter (c12)
    assert matrix.loc["patient", "patient"] == 0


def test_matrix_means_and_bad_value(real):
    _, _, _, _, _, _, edges = real
    tone = exchange_matrix(edges, value="mean_compound")
    expected = edges[edges["pair"] == "unknown->unknown"]["replier_compound"].astype(float).mean()
    assert tone.loc["unknown", "unknown"] == pytest.approx(expected)
    assert np.isnan(tone.loc["patient", "patient"])
    rate = exchange_matrix(edges, value="marker_rate")
    assert rate.loc["relative", "researcher"] == pytest.approx(
        edges.set_index("comment_id").loc[f"{PAGE_000}.c11", "replier_marker_rate"])
    with pytest.raises(ValueError) as error:
        exchange_matrix(edges, value="median")
    assert str(error.value) == ("exchange_matrix: value must be one of n, mean_compound, "
                                "marker_rate, tone_shift; found 'median'")


# -- summary ------------------------------------------------------------------------------------
def _edges(r2p_tone, p2r_tone, r2p_rate=None, p2r_rate=None, repliers=None):
    """Replies by role pair; each from its own replier unless ``repliers`` names them."""
    r2p_rate = [0.0] * len(r2p_tone) if r2p_rate is None else r2p_rate
    p2r_rate = [0.0] * len(p2r_tone) if p2r_rate is None else p2r_rate
    pairs = (["researcher->patient"] * len(r2p_tone) + ["patient->researcher"] * len(p2r_tone)
             + ["unknown->researcher"])
    return pd.DataFrame({
        "comment_id": [f"c{i}" for i in range(len(pairs))],
        "replier": repliers if repliers is not None else [f"a{i}" for i in range(len(pairs))],
        "thread_id": [f"t{i // 2}" for i in range(len(pairs))],
        "replier_role": [p.split("->")[0] for p in pairs],
        "addressee_role": [p.split("->")[1] for p in pairs],
        "pair": pairs,
        "replier_compound": [*r2p_tone, *p2r_tone, 0.9],
        "tone_shift": np.nan,
        "replier_marker_rate": [*r2p_rate, *p2r_rate, 50.0],
    })


def test_summary_reports_a_clear_difference_with_its_interval():
    r2p = [-0.5, -0.4, -0.3, -0.35, -0.45, -0.2, -0.3, -0.4, -0.25, -0.5, -0.3, -0.35]
    p2r = [0.2, 0.1, 0.3, 0.25, 0.15, 0.0, 0.2, 0.1, 0.35, 0.2, 0.05, 0.1]
    edges = _edges(r2p, p2r, r2p_rate=[5.0] * 12, p2r_rate=[1.0] * 6 + [0.0] * 6)
    summary = exchange_summary(edges, n_boot=500, seed=1).set_index("measure")
    tone = summary.loc["tone"]
    assert (tone["n_researcher_to_patient"], tone["n_patient_to_researcher"]) == (12, 12)
    assert tone["difference"] == pytest.approx(np.mean(r2p) - np.mean(p2r))
    assert tone["ci_low"] < tone["difference"] < tone["ci_high"] < 0
    assert (tone["n_authors_researcher_to_patient"], tone["n_authors_patient_to_researcher"]) == (12, 12)
    assert tone["verdict"] == (
        f"researchers' replies to patients were 0.53 more negative than patients' replies to "
        f"researchers (95% CI {tone['ci_low']:.2f} to {tone['ci_high']:.2f}, 24 authors)")
    markers = summary.loc["irony_markers"]
    assert markers["difference"] == pytest.approx(4.5)
    assert markers["verdict"].startswith(
        "researchers' replies to patients were 4.50 higher than patients' replies to researchers "
        "(95% CI ")
    assert markers["verdict"].endswith(" per 100 words, 24 authors)")
    again = exchange_summary(edges, n_boot=500, seed=1)
    pd.testing.assert_frame_equal(again.set_index("measure"), summary)


def test_summary_no_clear_difference_when_the_interval_spans_zero():
    r2p = [0.1, -0.1, 0.2, -0.2, 0.0, 0.1, -0.1, 0.3, -0.3, 0.05]
    p2r = [0.0, 0.1, -0.1, 0.2, -0.2, 0.05, -0.05, 0.15, -0.15, 0.0]
    summary = exchange_summary(_edges(r2p, p2r), n_boot=500)
    assert summary.loc[0, "verdict"].startswith(
        "no clear difference between researchers' replies to patients and patients' replies to "
        "researchers: +0.01 (95% CI ")
    assert summary.loc[0, "ci_low"] < 0 < summary.loc[0, "ci_high"]


def test_one_prolific_replier_is_one_author_not_twelve():
    r2p = [-0.5, -0.4, -0.3, -0.35, -0.45, -0.2, -0.3, -0.4, -0.25, -0.5, -0.3, -0.35]
    p2r = [0.2, 0.1, 0.3, 0.25, 0.15, 0.0, 0.2, 0.1, 0.35, 0.2, 0.05, 0.1]
    repliers = ["LabRat"] * 12 + [f"p{i}" for i in range(12)] + ["x"]
    summary = exchange_summary(_edges(r2p, p2r, repliers=repliers), n_boot=500)
    assert summary.loc[0, "n_authors_researcher_to_patient"] == 1
    assert summary.loc[0, "verdict"].startswith(
        "too few researchers' replies to patients or patients' replies to researchers for a "
        "claim: 12 from 1 author and 12 from 12 authors")
    assert np.isnan(summary.loc[0, "ci_low"])


def test_summary_clustered_by_thread():
    r2p = [-0.5, -0.4, -0.3, -0.35, -0.45, -0.2, -0.3, -0.4, -0.25, -0.5, -0.3, -0.35] * 2
    p2r = [0.2, 0.1, 0.3, 0.25, 0.15, 0.0, 0.2, 0.1, 0.35, 0.2, 0.05, 0.1] * 2
    edges = _edges(r2p, p2r)
    by_thread = exchange_summary(edges, cluster="thread", n_boot=500).loc[0]
    assert by_thread["cluster"] == "thread"
    assert by_thread["verdict"].endswith(", 24 threads)")  # two replies a thread, 48 replies
    with pytest.raises(ValueError, match="cluster must be one of author, thread"):
        exchange_summary(edges, cluster="post")


def test_summary_too_few_on_the_demo_corpus():
    corpus = msd.read_corpus(require(DATA_RAW))
    sentences = msd.split_sentences(corpus, units="comments")
    profile = msd.marker_profile(msd.find_markers(sentences), sentences)
    edges = reply_exchanges(corpus, roles=assign_roles(corpus), tone=msd.comment_tone(corpus),
                            markers=profile)
    summary = exchange_summary(edges)
    too_few = ("too few researchers' replies to patients or patients' replies to researchers "
               "for a claim: 5 from 5 authors and 7 from 3 authors (need >= 10 from >= 10 "
               "authors on each side)")
    assert summary["verdict"].tolist() == [too_few, too_few]
    assert summary["n_authors_researcher_to_patient"].tolist() == [5, 5]
    assert summary["ci_low"].isna().all()
    assert not np.isnan(summary.loc[0, "difference"])  # the means are still reported


def test_summary_says_what_is_missing():
    edges = _edges([0.1] * 12, [0.2] * 12).assign(replier_marker_rate=np.nan)
    summary = exchange_summary(edges).set_index("measure")
    assert summary.loc["irony_markers", "verdict"] == (
        "no irony markers per 100 words in the exchanges: pass markers to reply_exchanges")
    assert summary.loc["tone", "verdict"].startswith("researchers' replies to patients were 0.10 more negative")


def test_summary_without_tone_or_markers_asks_for_them(real):
    corpus, roles, _, _, _, _, _ = real
    summary = exchange_summary(reply_exchanges(corpus, roles=roles))
    assert summary["verdict"].tolist() == [
        "no tone (mean VADER compound) in the exchanges: pass tone to reply_exchanges",
        "no irony markers per 100 words in the exchanges: pass markers to reply_exchanges"]


def test_only_vocatives_are_looked_up_among_known_names(real, shared_corpus):
    """Known names matter only where a vocative spells them: the Dask engine's join.

    On every comment of the real blog pages, a real forum and the demo corpus, the names
    addressed with every author's name known equal those with only the known names the
    comment's own vocatives spell (``_vocatives``), so a partition needs no more than that
    intersection.
    """
    from msdiscourse.exchanges import _known_names, _vocatives

    forum = pd.read_csv(require(shared_corpus / "threads" / "alsforums" / "alsforums-threads.csv"),
                        dtype=str, keep_default_na=False)
    corpora = [real[0], msd.read_corpus(DATA_RAW)]
    texts = [t for c in corpora for t in c.comments["text"]] + forum["body"].tolist()
    known = _known_names([a for c in corpora for a in c.comments["author"]]
                         + [a for c in corpora for a in c.posts["author"]]
                         + forum["user_name"].tolist())
    spelt = {text: _vocatives([text]) for text in texts}
    assert sum(bool(known & found) for found in spelt.values()) >= 4  # vocatives do match
    for text in texts:
        assert names_addressed(text, known_names=known) == names_addressed(
            text, known_names=known & spelt[text]), text


def test_quotes_found_when_the_posts_comments_come_interleaved():
    # a Reddit dump gives comments in time order, the posts' threads mixed; each reply is
    # tested against its own parent and post, and the edges keep the corpus's order
    posts = [{"post_id": "a", "author": "LabRat", "body": "The trial met its primary endpoint."},
             {"post_id": "b", "author": "Wendy", "body": "My neuro says fatigue is not measurable."}]
    comments = [
        {"comment_id": "a1", "post_id": "a", "author": "Tilly",
         "text": "So the drug slows disability in people at last."},
        {"comment_id": "b1", "post_id": "b", "author": "Bernard",
         "text": '"Fatigue is not measurable." Tell that to my legs.'},
        {"comment_id": "a2", "post_id": "a", "parent_id": "a1", "author": "LabRat",
         "text": '"So the drug slows disability in people at last." We hope so.'},
        {"comment_id": "b2", "post_id": "b", "parent_id": "b1", "author": "Wendy",
         "text": "Same here."},
        {"comment_id": "a3", "post_id": "a", "author": "Bernard",
         "text": "The trial met its primary endpoint. Nobody asked patients."},
    ]
    corpus = Corpus.from_records(posts=posts, comments=comments)
    roles = assign_roles(corpus)
    edges = reply_exchanges(corpus, roles=roles)
    assert edges["comment_id"].tolist() == ["a1", "b1", "a2", "b2", "a3"]
    assert edges["quotes_parent"].tolist() == [False, True, True, False, True]
    assert edges["quotes_post"].tolist() == [False, True, False, False, True]
    grouped = Corpus.from_records(posts=posts, comments=[comments[i] for i in (0, 2, 4, 1, 3)])
    again = reply_exchanges(grouped, roles=assign_roles(grouped)).set_index("comment_id")
    pd.testing.assert_frame_equal(again.loc[edges["comment_id"]].reset_index(), edges)
