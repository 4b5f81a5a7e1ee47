"""annotate adds the author a clustered interval needs; rankings by shrunk marker rates."""

from __future__ import annotations

import pandas as pd

import msdiscourse as msd
from msdiscourse.schema import TABLES, validate
from tests.conftest import BLOG_PAGES, DATA_RAW, require


def test_annotate_adds_the_author_to_tables_without_one_and_keeps_their_own():
    corpus = msd.read_corpus(require(DATA_RAW))
    roles = msd.assign_roles(corpus)
    tone = msd.annotate(msd.comment_tone(corpus), roles=roles)
    expected = corpus.comments.set_index("comment_id")["author"]
    assert tone["author"].tolist() == expected.reindex(tone["comment_id"]).tolist()
    comments = msd.annotate(corpus.comments, roles=roles)
    assert list(comments.columns) == [*corpus.comments.columns, "role"]


def test_shrunk_ranking_stops_rewarding_the_shortest_comments():
    corpus = msd.read_corpus(require(BLOG_PAGES))
    sentences = msd.split_sentences(corpus, units="comments")
    profile = msd.marker_profile(msd.find_markers(sentences), sentences)
    ranked = msd.rank_marker_rates(profile)
    validate(ranked, "marker_ranking", caller="test")
    assert list(ranked.columns[-2:]) == list(TABLES["marker_ranking"].columns)[-2:]
    raw_top = profile.sort_values("markers_per_100_words", ascending=False).head(5)
    shrunk_top = ranked.head(5)
    # raw: the top of the list is short comments; shrunk: longer ones that use more cues
    assert shrunk_top["n_words"].median() > raw_top["n_words"].median()
    assert ranked["rank"].head(5).tolist() == [1, 2, 3, 4, 5]
    assert (ranked["shrunk_per_100_words"].dropna().diff().dropna() <= 0).all()
    # both rates are there, and a shrunk rate lies between the raw rate and the corpus rate
    corpus_rate = 100 * profile["n_markers"].sum() / profile["n_words"].sum()
    both = ranked.dropna(subset=["shrunk_per_100_words"])
    low = pd.concat([both["markers_per_100_words"].astype(float),
                     pd.Series(corpus_rate, index=both.index)], axis=1).min(axis=1)
    high = pd.concat([both["markers_per_100_words"].astype(float),
                      pd.Series(corpus_rate, index=both.index)], axis=1).max(axis=1)
    shrunk = both["shrunk_per_100_words"].astype(float)
    assert ((shrunk >= low - 1e-9) & (shrunk <= high + 1e-9)).all()
