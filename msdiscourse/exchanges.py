"""Who answers whom, in what tone: one row per reply edge, a role-by-role table, a verdict.

Every comment answers something: its parent comment, or the post when it is top level.
:func:`reply_exchanges` turns each comment into a reply edge between the replier (the
comment's author) and the addressee (the parent's author, or the post's byline author),
with both roles, both tones and the shift between them, irony markers on both sides,
whether the reply reproduces the words it answers (or the post's), and the names it
addresses ("Dear Tilly", "@LabRat", "thanks Wendy").

:func:`exchange_matrix` condenses the edges into a role-by-role table (all five roles on
both axes, in the shared order) and :func:`exchange_summary` answers the question the
project was started for: do researchers answer patients in a different tone, and with
more irony markers, than patients answer researchers? It reports bootstrap confidence
intervals that resample whole repliers (:func:`msdiscourse._stats.clustered_interval`),
and says plainly when there
are too few exchanges for a claim (:data:`msdiscourse._stats.MIN_N`).

Tone comes from :func:`msdiscourse.comment_tone`, so ``tone_shift`` is the library's one
tone shift: the replier's comment compound minus the compound of what it answers.

Examples
--------
>>> from msdiscourse.corpus import Corpus
>>> from msdiscourse.roles import assign_roles
>>> corpus = Corpus.from_records(
...     posts=[{"post_id": "p1", "author": "LabRat", "title": "Mice", "body": "It worked in mice."}],
...     comments=[
...         {"comment_id": "p1.c1", "post_id": "p1", "author": "Wendy",
...          "text": "I'm on Ocrevus. Will it work in people?"},
...         {"comment_id": "p1.c2", "post_id": "p1", "author": "LabRat", "parent_id": "p1.c1",
...          "text": "Dear Wendy, we do not know yet."}])
>>> edges = reply_exchanges(corpus, roles=assign_roles(corpus))
>>> edges[["comment_id", "replier", "addressee", "pair", "depth", "names_addressed"]]
  comment_id replier addressee                 pair  depth names_addressed
0      p1.c1   Wendy    LabRat  patient->researcher      0            <NA>
1      p1.c2  LabRat     Wendy  researcher->patient      1           Wendy
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd

from msdiscourse._stats import (
    MIN_N,
    cluster_codes,
    clustered_interval,
    enough_for_interval,
    size_verdict,
    too_few_verdict,
)
from msdiscourse.categories import ROLE_DTYPE, ROLES
from msdiscourse.corpus import Corpus
from msdiscourse.roles import author_key
from msdiscourse.schema import EXCHANGES, check_corpus, validate, validate_columns
from msdiscourse.text import fold_for_quotes, quotes_folded, sentence_spans

__all__ = [
    "EXCHANGE_COLUMNS",
    "reply_exchanges",
    "exchange_matrix",
    "exchange_summary",
    "names_addressed",
]

#: the exchanges table's columns, declared in :mod:`msdiscourse.schema`
EXCHANGE_COLUMNS: tuple[str, ...] = tuple(EXCHANGES.columns)

# A name: an optional title, then a capitalised word (a pseudonym such as P-7bd228 too),
# then optionally an initial or a second capitalised word ("Wendy W", "Prof G").
_NAME = (r"(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss)\.?\s+)?(?!I\b)[A-Z][\w'’-]*"
         r"(?:\s+(?!I\b)[A-Z](?:[\w'’-]+)?\b)?")
_SALUTATION = re.compile(
    r"(?:(?<=^)|(?<=[\s(,.;:!?]))(?i:dear|hi|hello|hey|thanks|thank\s+you|thanks\s+to|cheers|"
    r"sorry|well\s+said|good\s+point)\s*,?\s+(" + _NAME + r")")
_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z][\w.-]*[\w])")
_LEADING_VOCATIVE = re.compile(r"^\s*(" + _NAME + r")\s*,")
_TRAILING_VOCATIVE = re.compile(r",\s+(" + _NAME + r")\s*[.!?]+(?=\s|$)")
#: salutation words that address no one in particular
_NOBODY = frozenset({"all", "everyone", "everybody", "guys", "folks", "team", "god", "again",
                     "heaven", "goodness", "anyway", "you", "both", "lot", "much"})


# -- names addressed -----------------------------------------------------------------------------
def names_addressed(text: str, *, known_names: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Return the names a comment addresses, in order: "Dear NAME", "Hi NAME", "thanks NAME", "@name".

    A comment that opens with "NAME," or ends a sentence with ", NAME." also addresses
    NAME, but only when NAME is a known author name or part of one (``known_names``,
    compared ignoring case): "Bernard, give it a rest" and "ask your neuro, Wendy."
    address someone, "Yes, it is" and "as in Boston." do not.

    Parameters
    ----------
    text
        The comment.
    known_names
        Author names and their parts, lower-cased.

    Returns
    -------
    list of str
        Each name once, as written.

    Examples
    --------
    >>> names_addressed("Dear Tilly, sorry. Thanks Prof G and @LabRat!")
    ['Tilly', 'Prof G', 'LabRat']
    >>> names_addressed("Thank you, this is great. Thanks, I will.")
    []
    >>> names_addressed("Bernard, give it a rest. Ask your neuro, Wendy.",
    ...                 known_names={"bernard", "wendy"})
    ['Bernard', 'Wendy']
    """
    if not isinstance(text, str):
        return []
    found: list[tuple[int, str]] = []
    for match in _SALUTATION.finditer(text):
        found.append((match.start(1), match.group(1)))
    for match in _HANDLE.finditer(text):
        found.append((match.start(1), match.group(1)))
    vocatives = [_LEADING_VOCATIVE.match(text), *_TRAILING_VOCATIVE.finditer(text)]
    for match in vocatives:
        if match and match.group(1).casefold() in known_names:
            found.append((match.start(1), match.group(1)))
    names: list[str] = []
    for _, name in sorted(found):
        name = name.strip()
        if name.casefold() in _NOBODY or name in names:
            continue
        names.append(name)
    return names


def _known_names(authors) -> frozenset[str]:
    names = set()
    for author in authors:
        key = author_key(author)
        if key is None:
            continue
        names.add(key)
        names.update(part for part in key.split(" ") if len(part) >= 3)
    return frozenset(names)


# -- quoting ------------------------------------------------------------------------------------
class _Quoting:
    """Whether a reply repeats what it answers, by the one quotation test of msdiscourse.text.

    A reply reproduces its source when one of its sentences quotes the source
    (:func:`msdiscourse.text.is_quotation`) or it contains one of the source's sentences
    whole (the same test the other way round). Each text is split and folded once and kept
    while this object lives: :func:`_quotations` makes one per post, as a reply answers
    its parent or its post, both of the same post.
    """

    def __init__(self) -> None:
        self._folded: dict[str, str] = {}
        self._sentences: dict[str, list[str]] = {}
        self._pairs: dict[str, frozenset[int]] = {}

    def _word_pairs(self, text: str) -> frozenset[int]:
        # a quotation of at least MIN_QUOTE_WORDS (4) words shares two whole inner words,
        # in order, with its source: texts without such a pair need no sentence split. A
        # pair is kept as its hash, one number instead of a tuple holding two words; two
        # pairs with one hash only send a reply on to the full test.
        if text not in self._pairs:
            words = self._fold(text).split()
            self._pairs[text] = frozenset(map(hash, zip(words, words[1:])))
        return self._pairs[text]

    def _fold(self, text: str) -> str:
        if text not in self._folded:
            self._folded[text] = fold_for_quotes(text)
        return self._folded[text]

    def _split(self, text: str) -> list[str]:
        if text not in self._sentences:
            self._sentences[text] = [text[start:end] for start, end in sentence_spans(text)]
        return self._sentences[text]

    def reproduces(self, reply, source) -> bool:
        if not isinstance(source, str) or not isinstance(reply, str) or not source or not reply:
            return False
        if self._word_pairs(reply).isdisjoint(self._word_pairs(source)):
            return False
        folded_source, folded_reply = [self._fold(source)], [self._fold(reply)]
        return (any(quotes_folded(sentence, folded_source) for sentence in self._split(reply))
                or any(quotes_folded(sentence, folded_reply) for sentence in self._split(source)))


def _quotations(post_ids: list, parent_ids: list, texts: list, text_of: dict,
                bodies: dict) -> tuple[list[bool], list[bool]]:
    """``quotes_parent`` and ``quotes_post`` of each comment, in the order given.

    The comments are taken a post at a time, each post with its own :class:`_Quoting`, so
    that the split and folded texts are kept for one post's thread, not for all the
    comments at once (a corpus's comments need not come grouped by post: a Reddit dump's
    come in time order).
    """
    by_post: dict = {}
    for index, post_id in enumerate(post_ids):
        by_post.setdefault(post_id, []).append(index)
    quotes_parent, quotes_post = [False] * len(texts), [False] * len(texts)
    for post_id, indices in by_post.items():
        quoting, body = _Quoting(), bodies.get(post_id)
        for index in indices:
            parent_id, text = parent_ids[index], texts[index]
            answered = text_of.get(parent_id) if isinstance(parent_id, str) else body
            quotes_parent[index] = quoting.reproduces(text, answered)
            quotes_post[index] = quoting.reproduces(text, body)
    return quotes_parent, quotes_post


# -- tone and markers -----------------------------------------------------------------------
def _tone_tables(tone: pd.DataFrame | None, corpus: Corpus) -> tuple[dict, dict]:
    """Compound per comment (from comment_tone) and per post (its body, scored the same way)."""
    if tone is None:
        return {}, {}
    from msdiscourse.tone import comment_compound, score_texts

    validate(tone, "comment_tone", caller="reply_exchanges(tone=...)")
    comments = comment_compound(tone).to_dict()
    bodies = pd.Series(corpus.posts["body"].tolist(), index=corpus.posts["post_id"].tolist(),
                       dtype="object")
    posts = score_texts(bodies.where(bodies.notna(), None), progress=False)["compound"]
    return comments, posts.to_dict()


def _marker_tables(profile: pd.DataFrame | None) -> tuple[dict, dict]:
    """Marker counts and rates per 100 words per comment, from a marker profile."""
    if profile is None:
        return {}, {}
    validate(profile, "marker_profile", caller="reply_exchanges(markers=...)")
    keyed = profile.dropna(subset=["comment_id"]).set_index("comment_id")
    return (keyed["n_markers"].to_dict(),
            keyed["markers_per_100_words"].astype("Float64").to_dict())


# -- the edges ------------------------------------------------------------------------------------
def reply_exchanges(corpus: Corpus, *, roles: pd.DataFrame, tone: pd.DataFrame | None = None,
                    markers: pd.DataFrame | None = None,
                    post_roles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Turn every comment into a reply edge: who answers whom, in what tone, with what markers.

    Parameters
    ----------
    corpus
        The corpus (not changed).
    roles
        :func:`~msdiscourse.roles.assign_roles` output.
    tone
        The ``comment_tone`` table (:func:`~msdiscourse.tone.comment_tone`): the
        replier's and the addressee's compound. A post, the addressee of a top-level
        comment, is scored the same way (:func:`~msdiscourse.tone.score_texts` of its
        body).
    markers
        The ``marker_profile`` table keyed by ``comment_id``
        (``marker_profile(find_markers(sentences), sentences)``). Marker counts of a
        post are not known (missing for replies to the post).
    post_roles
        The role of each post's author (``post_id``, ``role``), the addressee of a
        top-level comment. By default: the role ``roles`` gives the byline author's own
        comments (so ``known=`` given to ``assign_roles`` carries over), else researcher,
        as :func:`~msdiscourse.roles.post_roles` decides for a byline author on a research
        blog; a post without a byline is ``unknown``. Pass
        ``post_roles(corpus, known=..., blog_is_research=False)`` to decide otherwise.
    Returns
    -------
    pandas.DataFrame
        One row per comment (:data:`EXCHANGE_COLUMNS`): ``comment_id``, ``post_id``,
        ``parent_id`` (missing for a reply to the post), ``replier``, ``addressee`` (the
        parent's author, or the post's), ``replier_role``, ``addressee_role`` (ordered
        categories), ``pair`` ("patient->researcher"), ``depth``, ``replier_compound``,
        ``addressee_compound``, ``tone_shift`` (replier minus addressee: the one tone
        shift of the library),
        ``replier_markers``, ``addressee_markers`` (counts), ``replier_marker_rate``,
        ``addressee_marker_rate`` (per 100 words), ``quotes_parent`` (repeats a sentence
        of what it answers: the parent, or the post for a top-level comment),
        ``quotes_post`` (repeats a sentence of the post), ``names_addressed`` ("; "
        separated) and ``names_addressee`` (one of them is the addressee).

    Raises
    ------
    TypeError
        When ``corpus`` is not a Corpus or a table is not a DataFrame.
    msdiscourse.schema.SchemaError
        When ``roles``, ``tone``, ``markers`` or ``post_roles`` is not the table named
        above.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p", "author": "LabRat", "body": "We cured MS in mice again."}],
    ...     comments=[{"comment_id": "p.c1", "post_id": "p",
    ...                "text": '"We cured MS in mice again." Wow, impressive.'}])
    >>> roles = pd.DataFrame({"comment_id": ["p.c1"], "author": [None], "role": ["unknown"],
    ...                       "source": ["none"]})
    >>> reply_exchanges(corpus, roles=roles)[["addressee", "pair", "quotes_parent", "quotes_post"]]
      addressee                 pair  quotes_parent  quotes_post
    0    LabRat  unknown->researcher           True         True
    """
    return _reply_exchanges(corpus, roles=roles, tone=tone, markers=markers,
                            post_roles=post_roles)


def _reply_exchanges(corpus: Corpus, *, roles: pd.DataFrame, tone: pd.DataFrame | None = None,
                     markers: pd.DataFrame | None = None,
                     post_roles: pd.DataFrame | None = None,
                     other_names: frozenset[str] = frozenset(),
                     other_roles: dict[str, str] | None = None) -> pd.DataFrame:
    """:func:`reply_exchanges` on part of a corpus, given what it needs from the rest.

    ``other_names``: author names and name parts (as :func:`_known_names` gives them) of
    authors outside ``corpus`` that its comments may address; ``other_roles``: the role of
    each author key (as ``roles`` of the whole corpus gives it) that is consulted before
    ``roles`` for the posts' authors. The Dask engine passes, per partition, only the
    names its comments' vocatives spell and the keys of its posts' authors.
    """
    check_corpus(corpus, caller="reply_exchanges")
    validate(roles, "roles", caller="reply_exchanges(roles=...)")
    if post_roles is not None:
        validate(post_roles, "post_roles", caller="reply_exchanges(post_roles=...)")
    comments = corpus.comments
    role_of = dict(zip(roles["comment_id"], roles["role"].astype("string")))
    author_of = dict(zip(comments["comment_id"], comments["author"]))
    text_of = dict(zip(comments["comment_id"], comments["text"]))
    post_role_of = _post_role_table(corpus, roles, post_roles, other_roles)
    compound, post_compound = _tone_tables(tone, corpus)
    n_markers, marker_rate = _marker_tables(markers)
    known = _known_names(list(comments["author"]) + list(corpus.posts["author"])) | other_names
    bodies = dict(zip(corpus.posts["post_id"].tolist(), corpus.posts["body"].tolist()))
    post_authors = dict(zip(corpus.posts["post_id"].tolist(), corpus.posts["author"].tolist()))

    comment_ids, post_ids, parent_ids, authors, texts, depths, thread_ids = (
        comments[c].tolist() for c in ("comment_id", "post_id", "parent_id", "author", "text",
                                        "depth", "thread_id"))
    quotes_parent, quotes_post = _quotations(post_ids, parent_ids, texts, text_of, bodies)
    # one list per column, not a dict per row: a partition's rows are many small objects
    # that outlive the loop, and a worker keeps the heap they were made in
    names = [c for c in EXCHANGE_COLUMNS if c != "tone_shift"]
    table: dict[str, list] = {name: [] for name in names}
    table.update(comment_id=comment_ids, post_id=post_ids, thread_id=thread_ids, replier=authors,
                 depth=depths, quotes_parent=quotes_parent, quotes_post=quotes_post)
    for comment_id, post_id, parent_id, text in zip(comment_ids, post_ids, parent_ids, texts):
        if not isinstance(parent_id, str):
            addressee = post_authors.get(post_id, pd.NA)
            addressee_role = post_role_of.get(post_id, "unknown")
            addressee_compound = post_compound.get(post_id, pd.NA)
            addressee_markers = addressee_rate = pd.NA
        else:
            addressee = author_of.get(parent_id, pd.NA)
            addressee_role = role_of.get(parent_id, "unknown")
            addressee_compound = compound.get(parent_id, pd.NA)
            addressee_markers = n_markers.get(parent_id, pd.NA)
            addressee_rate = marker_rate.get(parent_id, pd.NA)
        replier_role = role_of.get(comment_id, "unknown")
        replier_role = "unknown" if replier_role is pd.NA else replier_role
        addressee_role = "unknown" if addressee_role is pd.NA else addressee_role
        found = names_addressed(text, known_names=known)
        table["parent_id"].append(parent_id if isinstance(parent_id, str) else pd.NA)
        table["addressee"].append(addressee)
        table["replier_role"].append(replier_role)
        table["addressee_role"].append(addressee_role)
        table["pair"].append(f"{replier_role}->{addressee_role}")
        table["replier_compound"].append(compound.get(comment_id, pd.NA))
        table["addressee_compound"].append(addressee_compound)
        table["replier_markers"].append(n_markers.get(comment_id, pd.NA))
        table["addressee_markers"].append(addressee_markers)
        table["replier_marker_rate"].append(marker_rate.get(comment_id, pd.NA))
        table["addressee_marker_rate"].append(addressee_rate)
        table["names_addressed"].append("; ".join(found) if found else pd.NA)
        table["names_addressee"].append(
            bool(_name_forms(addressee) & {name.casefold() for name in found}))
    frame = pd.DataFrame(table, columns=names)
    frame = frame.astype({
        "comment_id": "string", "post_id": "string", "parent_id": "string",
        "thread_id": "string", "replier": "string", "addressee": "string", "replier_role": ROLE_DTYPE,
        "addressee_role": ROLE_DTYPE, "pair": "string", "depth": "Int64",
        "replier_compound": "Float64", "addressee_compound": "Float64",
        "replier_markers": "Int64", "addressee_markers": "Int64",
        "replier_marker_rate": "Float64", "addressee_marker_rate": "Float64",
        "quotes_parent": "boolean", "quotes_post": "boolean", "names_addressed": "string",
        "names_addressee": "boolean",
    })
    frame["tone_shift"] = frame["replier_compound"] - frame["addressee_compound"]
    return frame[list(EXCHANGE_COLUMNS)]


def _byline_role() -> str:
    from msdiscourse.roles import load_role_cues

    return next(c.role for c in load_role_cues() if c.cue_type == "byline")


def _author_roles(roles: pd.DataFrame) -> dict[str, str]:
    """Author key -> the first role ``roles`` gives that author (what posts' authors get)."""
    by_author: dict[str, str] = {}
    for author, role in zip(roles["author"], roles["role"].astype("string")):
        key = author_key(author)
        if key is not None and role is not pd.NA:
            by_author.setdefault(key, role)
    return by_author


def _vocatives(texts) -> set[str]:
    """The case-folded names that :func:`names_addressed` looks up in ``known_names``.

    A name the texts only spell in a vocative ("Bernard, ..." or "..., Wendy.") counts when
    it is a known author name; every other form of address counts without the lookup. So
    the known names that matter to some texts are these strings intersected with the names
    of all authors: the Dask engine sends each partition only that intersection.
    """
    found: set[str] = set()
    for text in texts:
        if not isinstance(text, str):
            continue
        for match in (_LEADING_VOCATIVE.match(text), *_TRAILING_VOCATIVE.finditer(text)):
            if match:
                found.add(match.group(1).casefold())
    return found


def _name_forms(author) -> set[str]:
    key = author_key(author)
    if key is None:
        return set()
    return {key, *(part for part in key.split(" ") if len(part) >= 3)}


def _post_role_table(corpus: Corpus, roles: pd.DataFrame, given: pd.DataFrame | None,
                     other_roles: dict[str, str] | None = None) -> dict:
    """Post id -> the role of its byline author."""
    if given is not None:
        return dict(zip(given["post_id"], given["role"].astype("string")))
    byline_role = _byline_role()
    # the byline author's own comments carry the role settled for them (with known=...)
    by_author = dict(other_roles or {})
    for key, role in _author_roles(roles).items():
        by_author.setdefault(key, role)
    table = {}
    for post_id, author in zip(corpus.posts["post_id"], corpus.posts["author"]):
        key = author_key(author)
        table[post_id] = by_author.get(key, byline_role) if key else "unknown"
    return table


# -- the matrix and the verdict ------------------------------------------------------------------
_MATRIX_VALUES = {"n": None, "mean_compound": "replier_compound",
                  "marker_rate": "replier_marker_rate", "tone_shift": "tone_shift"}


def exchange_matrix(exchanges: pd.DataFrame, *,
                    value: Literal["n", "mean_compound", "marker_rate", "tone_shift"] = "n"
                    ) -> pd.DataFrame:
    """Tabulate exchanges by replier role (rows) and addressee role (columns).

    Parameters
    ----------
    exchanges
        :func:`reply_exchanges` output.
    value
        ``"n"``: number of replies; ``"mean_compound"``: mean tone of the replies;
        ``"marker_rate"``: mean irony markers per 100 words of the replies;
        ``"tone_shift"``: mean change of tone from addressee to replier.

    Returns
    -------
    pandas.DataFrame
        5 x 5, every role on both axes in the shared order (index ``replier_role``,
        columns ``addressee_role``); counts are 0 and means missing where no reply is.

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``exchanges`` is not the exchanges table (the roles table, say).
    ValueError
        For another ``value``.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p", "author": "LabRat", "body": "It worked in mice."}],
    ...     comments=[{"comment_id": "p.c1", "post_id": "p", "author": "Wendy",
    ...                "text": "I have MS. Will it work in people?"},
    ...               {"comment_id": "p.c2", "post_id": "p", "author": "LabRat",
    ...                "parent_id": "p.c1", "text": "We do not know yet."}])
    >>> from msdiscourse.roles import assign_roles
    >>> edges = reply_exchanges(corpus, roles=assign_roles(corpus))
    >>> exchange_matrix(edges).loc[["researcher", "patient"], ["researcher", "patient"]].values
    array([[0, 1],
           [1, 0]])
    """
    validate(exchanges, "exchanges", caller="exchange_matrix")
    if value not in _MATRIX_VALUES:
        raise ValueError(f"exchange_matrix: value must be one of {', '.join(_MATRIX_VALUES)}; "
                         f"found {value!r}")
    replier = exchanges["replier_role"].astype(ROLE_DTYPE)
    addressee = exchanges["addressee_role"].astype(ROLE_DTYPE)
    index = pd.CategoricalIndex(ROLES, dtype=ROLE_DTYPE, name="replier_role")
    columns = pd.CategoricalIndex(ROLES, dtype=ROLE_DTYPE, name="addressee_role")
    if value == "n":
        table = pd.crosstab(replier, addressee, dropna=False)
        table = table.reindex(index=index, columns=columns, fill_value=0).astype("int64")
    else:
        values = pd.to_numeric(exchanges[_MATRIX_VALUES[value]], errors="coerce").astype("float64")
        table = values.groupby([replier, addressee], observed=False).mean().unstack()
        table = table.reindex(index=index, columns=columns)
    table.index.name, table.columns.name = "replier_role", "addressee_role"
    return table


_MEASURES = {
    "tone": ("replier_compound", "tone (mean VADER compound)"),
    "irony_markers": ("replier_marker_rate", "irony markers per 100 words"),
}

#: the column each choice of ``cluster=`` resamples in the exchanges table
_CLUSTER_COLUMNS = {"author": "replier", "thread": "thread_id"}


def exchange_summary(exchanges: pd.DataFrame, *, cluster: str = "author", n_boot: int = 2000,
                     seed: int = 0, min_n: int = MIN_N) -> pd.DataFrame:
    """Compare researchers answering patients with patients answering researchers.

    For tone (the replies' mean compound) and irony markers (per 100 words), the
    difference of means researcher->patient minus patient->researcher, with a 95%
    bootstrap interval that resamples whole repliers (``cluster="author"``, default) or
    whole threads (``cluster="thread"``), so one prolific replier counts once
    (:func:`msdiscourse._stats.clustered_interval`), and a verdict that gives the size.
    With fewer than ``min_n`` replies, or replies from fewer than ``min_n`` clusters, on
    either side, the verdict is "too few ... for a claim" and no interval is reported
    (:func:`msdiscourse._stats.enough_for_interval`).

    Parameters
    ----------
    exchanges
        :func:`reply_exchanges` output (with ``tone`` and ``markers`` given, or those
        rows say so).
    cluster
        ``"author"`` (the replier) or ``"thread"``: what the bootstrap resamples.
    n_boot
        Bootstrap resamples.
    seed
        Seed of the resampling.
    min_n
        The fewest replies, and clusters, per side worth a claim (default
        :data:`msdiscourse._stats.MIN_N`, 10).

    Returns
    -------
    pandas.DataFrame
        The ``exchange_summary`` table, one row per measure (``tone``,
        ``irony_markers``): ``measure``, ``n_researcher_to_patient``,
        ``n_patient_to_researcher``, ``n_authors_researcher_to_patient``,
        ``n_authors_patient_to_researcher`` (distinct repliers; an unsigned reply counts
        as one), ``mean_researcher_to_patient``, ``mean_patient_to_researcher``,
        ``difference``, ``ci_low``, ``ci_high``, ``cluster``, ``verdict``.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> from msdiscourse.roles import assign_roles
    >>> from msdiscourse.tone import comment_tone
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p", "author": "LabRat", "body": "It worked in mice."}],
    ...     comments=[{"comment_id": "p.c1", "post_id": "p", "author": "Wendy",
    ...                "text": "I have MS. This is awful news."},
    ...               {"comment_id": "p.c2", "post_id": "p", "author": "LabRat",
    ...                "parent_id": "p.c1", "text": "We are glad to help."}])
    >>> edges = reply_exchanges(corpus, roles=assign_roles(corpus), tone=comment_tone(corpus))
    >>> summary = exchange_summary(edges)
    >>> summary.loc[0, "verdict"]
    "too few researchers' replies to patients or patients' replies to researchers for a claim: 1 from 1 author and 1 from 1 author (need >= 10 from >= 10 authors on each side)"
    >>> summary.loc[1, "verdict"]
    'no irony markers per 100 words in the exchanges: pass markers to reply_exchanges'
    """
    validate(exchanges, "exchanges", caller="exchange_summary")
    if cluster not in _CLUSTER_COLUMNS:
        raise ValueError(f"exchange_summary: cluster must be one of "
                         f"{', '.join(_CLUSTER_COLUMNS)}; found {cluster!r}")
    cluster_column = _CLUSTER_COLUMNS[cluster]
    validate_columns(exchanges, [cluster_column], caller="exchange_summary",
                     what=f"cluster={cluster!r}")
    rng = np.random.default_rng(seed)
    pair = exchanges["pair"].astype("string")
    rows = []
    for measure, (column, label) in _MEASURES.items():
        values = pd.to_numeric(exchanges[column], errors="coerce").astype("float64")
        sides = {}
        for name in ("researcher->patient", "patient->researcher"):
            chosen = ((pair == name).fillna(False) & values.notna()).to_numpy()
            sides[name] = chosen
        a, b = sides["researcher->patient"], sides["patient->researcher"]
        n_a, n_b = int(a.sum()), int(b.sum())
        clusters = exchanges[cluster_column].astype("object").where(
            exchanges[cluster_column].notna(), None).to_numpy()
        codes = cluster_codes(clusters)
        authors = cluster_codes(exchanges["replier"].astype("object").where(
            exchanges["replier"].notna(), None).to_numpy())
        k_a, k_b = len(set(codes[a])), len(set(codes[b]))
        mean_a = float(values[a].mean()) if n_a else np.nan
        mean_b = float(values[b].mean()) if n_b else np.nan
        difference = mean_a - mean_b
        low = high = np.nan
        if len(values) and values.isna().all():
            verdict = (f"no {label} in the exchanges: pass "
                       f"{'tone' if measure == 'tone' else 'markers'} to reply_exchanges")
        elif not (enough_for_interval(n_a, k_a, min_n=min_n)
                  and enough_for_interval(n_b, k_b, min_n=min_n)):
            verdict = too_few_verdict("researcher->patient", "patient->researcher", n_a=n_a,
                                      n_b=n_b, clusters_a=k_a, clusters_b=k_b, cluster=cluster,
                                      min_n=min_n)
        else:
            both = a | b
            low, high = clustered_interval(values[both].to_numpy(), clusters[both],
                                           groups=a[both], n_boot=n_boot, rng=rng)
            verdict = size_verdict("researcher->patient", "patient->researcher",
                                   value=column, difference=difference, low=low, high=high,
                                   n_clusters=len(set(codes[both])), cluster=cluster,
                                   unit=" per 100 words" if measure == "irony_markers" else "")
        rows.append({"measure": measure, "n_researcher_to_patient": n_a,
                     "n_patient_to_researcher": n_b,
                     "n_authors_researcher_to_patient": len(set(authors[a])),
                     "n_authors_patient_to_researcher": len(set(authors[b])),
                     "mean_researcher_to_patient": mean_a,
                     "mean_patient_to_researcher": mean_b, "difference": difference,
                     "ci_low": low, "ci_high": high, "cluster": cluster, "verdict": verdict})
    return pd.DataFrame(rows).astype({
        "measure": "string", "n_researcher_to_patient": "Int64",
        "n_patient_to_researcher": "Int64", "n_authors_researcher_to_patient": "Int64",
        "n_authors_patient_to_researcher": "Int64", "cluster": "string", "verdict": "string"})
