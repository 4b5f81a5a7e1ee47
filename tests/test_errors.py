"""Errors that say what to pass: common mistakes and the message each one gets.

Each row is a mistake analysts make in a notebook (a table where a corpus belongs, the
sentence scores where the comment scores belong, a page's text where a path belongs)
and the key phrases of the answer: what was expected, what was given, and the call that
makes the right thing. The first rows are the ones reported in issue 10.
"""

from __future__ import annotations

import re

import pytest

import msdiscourse as msd
from msdiscourse import plotting
from msdiscourse.coding import coding_sheet
from msdiscourse.corpus import Corpus
from msdiscourse.schema import SchemaError
from msdiscourse.text import count_words, sentence_spans
from msdiscourse.tone import classify_tone

# An invented thread: a researcher's post, a patient, a relative, the researcher answering.
POSTS = [{"post_id": "p1", "author": "LabRat", "title": "Remyelination in mice",
          "body": "The new compound repaired myelin in mice. Trials in people start next year."}]
COMMENTS = [
    {"comment_id": "p1.c1", "post_id": "p1", "author": "Wendy",
     "text": "I have MS and I am on Ocrevus. Oh great, another cure for mice!"},
    {"comment_id": "p1.c2", "post_id": "p1", "author": "Tom",
     "text": "My wife has MS. Will the trial take people over fifty?"},
    {"comment_id": "p1.c3", "post_id": "p1", "parent_id": "p1.c1", "author": "LabRat",
     "text": "Dear Wendy, our lab knows the frustration. The trial will tell."},
]


@pytest.fixture(scope="module")
def made():
    corpus = Corpus.from_records(posts=POSTS, comments=COMMENTS)
    sentences = msd.split_sentences(corpus)
    scored = msd.score_tone(sentences)
    tone = msd.comment_tone(corpus)
    roles = msd.assign_roles(corpus)
    hits = msd.find_markers(sentences)
    profile = msd.marker_profile(hits, sentences[sentences["comment_id"].notna()])
    exchanges = msd.reply_exchanges(corpus, roles=roles, tone=tone, markers=profile)
    return {"corpus": corpus, "comments": corpus.comments, "sentences": sentences,
            "scored": scored, "tone": tone, "roles": roles, "hits": hits, "profile": profile,
            "exchanges": exchanges}


PAGE_TEXT = "Remyelination in mice\n\nThe new compound repaired myelin.\n\n  • Great!\n"

# (id, call taking the made tables, exception, phrases the message must contain, in order)
MISTAKES = [
    ("score_tone(list)",
     lambda m: msd.score_tone(["I love it.", "Awful."]), TypeError,
     ["score_tone expects a table of texts (a DataFrame: split_sentences(corpus)); "
      "got a list of 2 items; to score a list of texts use score_texts(texts)"]),
    ("score_texts(table)",
     lambda m: msd.score_texts(m["comments"]), TypeError,
     ["score_texts expects many texts (a list or Series); got a DataFrame: score a table's "
      "text column with score_tone(frame) or score_texts(frame['text'])"]),
    ("classify_tone(table)",
     lambda m: classify_tone(m["scored"]), TypeError,
     ["classify_tone expects compound scores (a Series, e.g. tone['compound']); got a DataFrame"]),
    ("split_sentences(comments)",
     lambda m: msd.split_sentences(m["comments"]), TypeError,
     ["split_sentences expects a Corpus (made by read_corpus(path) or load_processed(folder)); "
      "got a DataFrame: pass the corpus itself, not one of its tables"]),
    ("read_pagedump(text)",
     lambda m: msd.read_pagedump(PAGE_TEXT), ValueError,
     ["read_pagedump expects a path or a text buffer; got a str of 69 characters with line "
      "breaks, which is text, not a path (a str always means a path: wrap text in "
      "io.StringIO(text))"]),
    ("read_pagedump(one long line)",
     lambda m: msd.read_pagedump("The new compound repaired myelin. " * 10), ValueError,
     ["with a name too long for a file", "wrap text in io.StringIO(text)"]),
    ("exchange_matrix(roles)",
     lambda m: msd.exchange_matrix(m["roles"]), SchemaError,
     ["exchange_matrix expects the exchanges table (made by reply_exchanges(corpus, roles=roles)); "
      "missing columns: replier_role, addressee_role, pair, replier_compound, tone_shift, "
      "replier_marker_rate; got what looks like the roles table (made by assign_roles(corpus))"]),
    ("thread_trajectory(sentence scores)",
     lambda m: msd.thread_trajectory(m["scored"], m["comments"]), SchemaError,
     ["thread_trajectory expects the comment_tone table (made by comment_tone(corpus)); "
      "missing columns: whole_compound, n_sentences, n_words; got what looks like the tone "
      "table (made by score_tone(split_sentences(corpus)))"]),
    ("thread_trajectory(tone, corpus)",
     lambda m: msd.thread_trajectory(m["tone"], m["corpus"]), TypeError,
     ["thread_trajectory expects the comments table (a DataFrame: corpus.comments, made by "
      "read_corpus(path)); got a Corpus"]),
    ("aggregate_tone(unscored sentences)",
     lambda m: msd.aggregate_tone(m["sentences"]), SchemaError,
     ["aggregate_tone expects the tone table (made by score_tone(split_sentences(corpus))); "
      "missing columns: compound, tone; got what looks like the sentences table"]),
    ("aggregate_tone(by role before annotate)",
     lambda m: msd.aggregate_tone(m["scored"], by="role"), SchemaError,
     ["aggregate_tone: by= names role, which is not a column of the table given",
      "add roles first with annotate(table, roles=roles)"]),
    ("comment_tone(comments)",
     lambda m: msd.comment_tone(m["comments"]), TypeError,
     ["comment_tone expects a Corpus", "got a DataFrame: pass the corpus itself"]),
    ("reply_exchanges(comments)",
     lambda m: msd.reply_exchanges(m["comments"], roles=m["roles"]), TypeError,
     ["reply_exchanges expects a Corpus"]),
    ("reply_exchanges(tone=sentence scores)",
     lambda m: msd.reply_exchanges(m["corpus"], roles=m["roles"], tone=m["scored"]), SchemaError,
     ["reply_exchanges(tone=...) expects the comment_tone table (made by comment_tone(corpus))",
      "got what looks like the tone table"]),
    ("reply_exchanges(markers=hits)",
     lambda m: msd.reply_exchanges(m["corpus"], roles=m["roles"], markers=m["hits"]), SchemaError,
     ["reply_exchanges(markers=...) expects the marker_profile table (made by "
      "marker_profile(find_markers(sentences), sentences))", "got what looks like the markers table"]),
    ("reply_exchanges(roles=comments)",
     lambda m: msd.reply_exchanges(m["corpus"], roles=m["comments"]), SchemaError,
     ["reply_exchanges(roles=...) expects the roles table (made by assign_roles(corpus)); "
      "missing columns: role, source; got what looks like the comments table"]),
    ("exchange_summary(matrix)",
     lambda m: msd.exchange_summary(msd.exchange_matrix(m["exchanges"])), SchemaError,
     ["exchange_summary expects the exchanges table", "missing columns: comment_id,"]),
    ("annotate(corpus)",
     lambda m: msd.annotate(m["corpus"], roles=m["roles"]), TypeError,
     ["annotate expects a table keyed by comment_id", "got a Corpus"]),
    ("annotate(posts)",
     lambda m: msd.annotate(m["corpus"].posts, roles=m["roles"]), SchemaError,
     ["annotate expects a table keyed by comment_id", "the table given has no comment_id (it has: post_id,"]),
    ("marker_rates_by_role(profile without roles)",
     lambda m: msd.marker_rates_by_role(m["profile"]), SchemaError,
     ["marker_rates_by_role expects the annotated table (made by annotate(table, "
      "roles=assign_roles(corpus))); missing columns: role"]),
    ("plot_tone_by_role(comment tone without roles)",
     lambda m: plotting.plot_tone_by_role(m["tone"]), SchemaError,
     ["plot_tone_by_role expects the annotated table", "missing columns: role"]),
    ("plot_marker_rates_by_role(profile)",
     lambda m: plotting.plot_marker_rates_by_role(msd.annotate(m["profile"], roles=m["roles"])),
     SchemaError,
     ["plot_marker_rates_by_role expects the marker_rates table (made by "
      "marker_rates_by_role(annotate(profile, roles=roles)))", "got what looks like the marker_profile table"]),
    ("plot_thread_trajectory(comment tone)",
     lambda m: plotting.plot_thread_trajectory(m["tone"]), SchemaError,
     ["plot_thread_trajectory expects the trajectory table",
      "got what looks like the comment_tone table"]),
    ("plot_thread_tree(corpus)",
     lambda m: plotting.plot_thread_tree(m["corpus"], post_id="p1"), TypeError,
     ["plot_thread_tree expects the comments table (a DataFrame: corpus.comments, made by "
      "read_corpus(path)); got a Corpus"]),
    ("sentence_spans(Series)",
     lambda m: sentence_spans(m["comments"]["text"]), TypeError,
     ["sentence_spans expects one text (a str); got a Series (for a whole corpus call "
      "split_sentences(corpus))"]),
    ("count_words(str)",
     lambda m: count_words("Oh great."), TypeError,
     ["count_words expects many texts (a list or Series); for one text use n_words(text)"]),
    ("coding_sheet(comments)",
     lambda m: coding_sheet(m["comments"]), TypeError,
     ["coding_sheet expects a Corpus"]),
]


def test_there_are_enough_mistakes_in_the_table():
    assert len(MISTAKES) >= 15
    assert len({name for name, *_ in MISTAKES}) == len(MISTAKES)


@pytest.mark.parametrize("name, call, error, phrases", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_common_mistake_gets_a_message_that_says_what_to_pass(made, name, call, error, phrases):
    with pytest.raises(error) as raised:
        call(made)
    message = str(raised.value)
    position = 0
    for phrase in phrases:
        found = message.find(phrase, position)
        assert found >= 0, f"{phrase!r} not found (in order) in {message!r}"
        position = found + len(phrase)
    # no Python internals leak into the answer
    assert not re.search(r"has no attribute|KeyError|object is not subscriptable", message)


def test_the_right_calls_work_on_the_same_tables(made):
    """The fixture's calls are the remedies the messages name: they run."""
    assert len(made["exchanges"]) == len(COMMENTS)
    trajectory = msd.thread_trajectory(made["tone"], made["comments"])
    assert trajectory["compound"].notna().all()
    by_role = msd.aggregate_tone(msd.annotate(made["scored"], roles=made["roles"]), by="role")
    assert set(by_role["role"].astype(str)) == {"patient", "relative", "researcher"}
    rates = msd.marker_rates_by_role(msd.annotate(made["profile"], roles=made["roles"]), n_boot=50)
    assert rates.loc[(rates["role"] == "patient") & (rates["category"] == "formula"), "n_markers"].item() >= 1
    assert isinstance(msd.read_pagedump(__import__("io").StringIO(PAGE_TEXT)), Corpus)
