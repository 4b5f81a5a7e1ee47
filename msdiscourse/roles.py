"""Who is speaking: researcher, patient, relative, other or unknown, with the phrase that decided.

A role is assigned only on evidence. The evidence is a *cue*: a phrase in the author's own
text ("I was diagnosed with ALS", "I'm on riluzole", "my hubby has MS", "our lab", "I
recently interviewed") listed in ``resources/role_cues.csv`` with its role and a weight,
and built from the term lists beside it (conditions, medicines, kinship words,
professions; see :mod:`msdiscourse._role_cues`). Three kinds of cue are matched:

``phrase``
    stands on its own ("my neuro", "our study").
``self_term``
    a term that counts only in a sentence in the first person singular that names no
    family member ("... an EDSS 0 CIS" said with *I* or *my* nearby is a disclosure).
``team_term``
    a term that counts only in a first-person sentence, singular or plural.

Unknown conditions: a first-person diagnosis statement ("I was diagnosed with <anything>")
counts for ``patient`` even when the condition is in no list; its words go to ``detail``.

:func:`assign_roles` is two public steps: :func:`role_evidence` finds the cues (one row per
cue, the ``role_evidence`` table) and :func:`decide_roles` decides one role per author from
them; an engine that holds the corpus in pieces runs them apart (:mod:`msdiscourse.dask`).

Evidence propagates: the comments of one named author share one decision, taken over all
their cues (and, on a forum, over their post bodies), so "my wife has MS" on one page makes
the same commenter a relative on every page. Placeholder names ("Anonymous", a missing
author) are not one person, so their comments are decided one by one. On a research blog
(``blog_is_research=True``, the default) the post's byline author is a researcher unless
the user says otherwise (``known={"name": "role"}`` or a CSV codebook read with
:func:`~msdiscourse.coding.read_role_codebook`) and post bodies are not read; on a forum
(``blog_is_research=False``) post bodies are the participants' own text like comments.
Quoted material ("<name> said: ... Click to expand...") is never read as the author's.

Conflicts: the heavier cue wins, the loser is recorded in ``competing`` and lowers the
confidence; equal weights give ``unknown`` (rule ``tie``). One written exception: a
first-person diagnosis (cue group ``diagnosis``) beats a job statement (group ``job``) for
``patient`` whatever their weights, without lowering the confidence, and the job goes to
``detail`` (researchers with MS exist). A second: a cue about the writer's own body,
equipment or care alone (group ``body``: "my wheelchair", "I can still stand") loses to
any relative cue of the same author whatever the weights, because carers write the same
words about the person they look after. With no cue the role is ``unknown`` with
confidence 0; an optional second stage (``infer=True``) may then propose a role from a
classifier, marked ``source="inferred"`` with its probability, never over evidence.

Examples
--------
>>> from msdiscourse.corpus import Corpus
>>> corpus = Corpus.from_records(
...     posts=[{"post_id": "p1", "author": "LabRat", "title": "Mice", "body": "..."}],
...     comments=[
...         {"comment_id": "p1.c1", "post_id": "p1", "author": "Wendy",
...          "text": "I'm on Ocrevus. Does that help?"},
...         {"comment_id": "p1.c2", "post_id": "p1", "author": "LabRat", "parent_id": "p1.c1",
...          "text": "It fits what we see in our mice."},
...         {"comment_id": "p1.c3", "post_id": "p1", "author": "Wendy",
...          "text": "Thanks!"},
...         {"comment_id": "p1.c4", "post_id": "p1", "text": "Interesting."}])
>>> assign_roles(corpus)[["comment_id", "role", "rule", "evidence", "detail"]]
  comment_id        role          rule        evidence         detail
0      p1.c1     patient       on_drug  I'm on Ocrevus    ocrelizumab
1      p1.c2  researcher  our_research        our mice  research team
2      p1.c3     patient       on_drug  I'm on Ocrevus    ocrelizumab
3      p1.c4     unknown          <NA>            <NA>           <NA>
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from msdiscourse._role_cues import (
    CUE_TYPES,
    MS_TERMS_PATH,
    ROLE_CUES_PATH,
    RoleCue,
    expand_placeholders,
    load_ms_terms,
    load_role_cues,
    load_terms,
    plain_text,
    term_canonical,
)
from msdiscourse.categories import ROLE_DTYPE, ROLES
from msdiscourse.coding import read_role_codebook
from msdiscourse.corpus import Corpus
from msdiscourse.schema import ROLE_EVIDENCE_TABLE, ROLE_TABLE_COLUMNS, validate, validate_columns
from msdiscourse.text import sentence_spans

__all__ = [
    "ROLE_COLUMNS",
    "POST_ROLE_COLUMNS",
    "EVIDENCE_COLUMNS",
    "CUE_TYPES",
    "INFER_THRESHOLD",
    "assign_roles",
    "role_evidence",
    "decide_roles",
    "role_summary",
    "post_roles",
    "find_role_cues",
    "load_role_cues",
    "load_ms_terms",
    "load_terms",
    "author_key",
    "is_placeholder_author",
]

_ = (ROLE_CUES_PATH, MS_TERMS_PATH, RoleCue, load_terms)  # re-exported for users and tests

#: the same name on two comments is probably, not certainly, the same person
PROPAGATION_DISCOUNT = 0.9
#: weight of a flair the user mapped to a role (a declaration, like a profile)
FLAIR_WEIGHT = 0.95
#: the inferred stage proposes a role only at this probability or above
INFER_THRESHOLD = 0.8

#: one row per comment (see the "roles" table in msdiscourse.schema)
ROLE_COLUMNS: tuple[str, ...] = tuple(ROLE_TABLE_COLUMNS)
POST_ROLE_COLUMNS: tuple[str, ...] = tuple(c for c in ROLE_COLUMNS if c != "comment_id")
#: one row per cue found (see the "role_evidence" table in msdiscourse.schema)
EVIDENCE_COLUMNS: tuple[str, ...] = tuple(ROLE_EVIDENCE_TABLE.columns)

# first-person pronouns, any case except capitals that mean something else: "ME" (the
# illness), "US" (the country); and "i" of "i.e." is no one
_FIRST_SINGULAR_WORDS = r"I|i(?!\.e\b)|[Mm]e|[Mm]y|MY|[Mm]ine|[Mm]yself"
_FIRST_SINGULAR = re.compile(rf"\b(?:{_FIRST_SINGULAR_WORDS})\b")
_FIRST_ANY = re.compile(rf"\b(?:{_FIRST_SINGULAR_WORDS}|[Ww]e|WE|[Uu]s|[Oo]urs?|OUR|[Oo]urselves)\b")
_SPACE = re.compile(r"\s+")
# texts are matched joined into one string: one regex pass per cue, not per comment
_JOIN = "\n\x00\n"
# a forum quote block as rendered in exports: "<name> said: <quoted> Click to expand..."
_QUOTE_BLOCK = re.compile(r"(?:^|(?<=\s))\S+(?: \S+)? said:\s.*?(?:Click to expand\.*|$)",
                          re.DOTALL)
# a reply that opens by quoting its thread's title: "Re: <title>   <the reply>"
_QUOTED_TITLE = re.compile(r"\ARe: [^\n]{1,200}?(?= {2,}|\n)")


def _text_cues() -> tuple[RoleCue, ...]:
    return tuple(c for c in load_role_cues() if c.cue_type in ("phrase", "self_term", "team_term"))


@functools.cache
def _cue(cue_type: str) -> RoleCue:
    # cached: author_key asks for the placeholder cue once per comment
    return next(c for c in load_role_cues() if c.cue_type == cue_type)


# -- names ------------------------------------------------------------------------------------
def author_key(name) -> str | None:
    """Return the key under which an author's comments are pooled, or None for no one.

    Case and spacing are ignored; a missing name or a placeholder ("Anonymous", "Anon",
    "Guest") is nobody in particular, so it gets no key.

    Examples
    --------
    >>> author_key("  Wendy   W ")
    'wendy w'
    >>> author_key("Anonymous") is None
    True
    """
    if name is None or name is pd.NA or (isinstance(name, float) and name != name):
        return None
    return _key_of_name(str(name))


@functools.lru_cache(maxsize=1 << 16)
def _key_of_name(name: str) -> str | None:
    # a corpus repeats each name in every comment of its author: normalise each once
    key = _SPACE.sub(" ", name).strip().casefold()
    if not key or is_placeholder_author(key):
        return None
    return key


def is_placeholder_author(name: str) -> bool:
    """True for a placeholder author name such as "Anonymous" (see the ``anonymous_author`` cue).

    >>> is_placeholder_author("anon"), is_placeholder_author("Anon Smith")
    (True, False)
    """
    return bool(_cue("anonymous_author").regex.match(_SPACE.sub(" ", str(name)).strip()))


# -- finding cues -----------------------------------------------------------------------------
@functools.cache
def _kin_mention() -> re.Pattern:
    """'my wife', 'my mum's': a sentence about a family member is not a self-disclosure."""
    return re.compile(r"\bmy (?:\w+ )?" + expand_placeholders("{kin}") + r"\b", re.IGNORECASE)


def _in_scope(cue: RoleCue, sentence: str) -> bool:
    """Whether a term cue counts in this sentence (see the module docstring)."""
    if cue.cue_type == "self_term":
        return bool(_FIRST_SINGULAR.search(sentence)) and not _kin_mention().search(sentence)
    return bool(_FIRST_ANY.search(sentence))


def _sentence_around(spans: list[tuple[int, int]], start: int, end: int, length: int) -> tuple[int, int]:
    """The sentence(s) of ``text.sentence_spans`` holding the cue at ``start:end``."""
    left = max((s for s, _ in spans if s <= start), default=0)
    right = min((e for _, e in spans if e >= end), default=length)
    return left, right


def mask_quotes(text: str) -> str:
    """Blank out quoted forum material, keeping offsets.

    Two forms are quoted: a block ("Ann said: ... Click to expand...") and the title of
    the thread a reply opens with ("Re: <title>" up to a run of spaces or a line end).

    >>> mask_quotes("Ann said: I have ALS. Click to expand... Welcome!").strip()
    'Welcome!'
    >>> mask_quotes("Re: My wife has MS   Welcome, I am sorry.").strip()
    'Welcome, I am sorry.'
    """
    if text.startswith("Re: "):
        text = _QUOTED_TITLE.sub(lambda m: " " * len(m.group()), text, count=1)
    if "said:" not in text:
        return text
    return _QUOTE_BLOCK.sub(lambda m: " " * len(m.group()), text)


_CONDITION_KINDS = ("condition", "ms_course", "disease")
_RULE_DETAIL = {
    "our_research": "research team", "we_published": "research team", "lab_we": "research team",
    "research_term": "research team", "institutional_we": "blog team", "byline": "post author",
    "clinic_patients": "clinician", "work_in_research": "research",
    "interviewed": "journalist", "journalist": "journalist",
    "fundraising": "charity", "charity": "charity",
}
_CARE_RULES = ("care_for", "carer_self", "my_loved_one")


def _detail(cue: RoleCue, match: re.Match, evidence: str) -> str | None:
    """What the evidence says beyond the role: condition, relation, profession."""
    named = match.groupdict().get("detail")
    if cue.role == "patient":
        condition = (term_canonical(evidence, _CONDITION_KINDS)
                     or (named.strip() if named else None))
        if condition:
            return condition
        drug = term_canonical(evidence, ("drug", "treatment"))
        return drug or term_canonical(evidence, ("symptom",))
    if cue.role == "relative":
        relation = term_canonical(evidence, ("kin",))
        kind = "carer" if cue.rule in _CARE_RULES else (
            "bereaved relative" if cue.rule == "lost_kin" else "relative")
        text = f"{kind} of {relation}" if relation else kind
        condition = term_canonical(evidence, _CONDITION_KINDS)
        return f"{text} ({condition})" if condition else text
    if cue.role == "researcher":
        return (term_canonical(evidence, ("research",)) or _RULE_DETAIL.get(cue.rule))
    return _RULE_DETAIL.get(cue.rule)


def find_role_cues(texts: pd.Series | list[str] | str) -> pd.DataFrame:
    """Find every role cue in some texts, with its span, the exact phrase and its detail.

    Parameters
    ----------
    texts
        A string, a list of strings, or a Series (its index labels the rows found).
        Quoted forum material is blanked out first (:func:`mask_quotes`).

    Returns
    -------
    pandas.DataFrame
        One row per cue found: ``text_index`` (the text's label: its Series index, or
        its position in a list), ``role``, ``rule``, ``cue_type``, ``group``, ``weight``,
        ``start``, ``end``, ``evidence`` (the phrase as written), ``detail`` (condition,
        relation or profession named in it); ordered by text, then position.

    Examples
    --------
    >>> find_role_cues("I’m a relative of someone with MS.")[["role", "rule", "evidence"]]
           role         rule                           evidence
    0  relative  relative_of  I’m a relative of someone with MS
    >>> find_role_cues("I've been diagnosed with Crohn's.")[["rule", "detail"]]
                 rule   detail
    0  have_condition  Crohn's
    1  diagnosed_self  Crohn's
    """
    if isinstance(texts, str):
        texts = [texts]
    series = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    labels = list(series.index)
    originals = ["" if (t is None or t is pd.NA or (isinstance(t, float) and t != t)) else str(t)
                 for t in series.tolist()]
    joined = plain_text(_JOIN.join(mask_quotes(t) for t in originals))
    starts, offset = [], 0
    for text in originals:
        starts.append(offset)
        offset += len(text) + len(_JOIN)
    rows, spans_of = [], {}
    for cue in _text_cues():
        for match in cue.regex.finditer(joined):
            if match.end() == match.start():
                continue
            which = bisect_right(starts, match.start()) - 1
            base = starts[which]
            start, end = match.start() - base, match.end() - base
            original = originals[which]
            if end > len(original):  # a match that ran over the separator
                continue
            if cue.cue_type != "phrase":
                if which not in spans_of:
                    spans_of[which] = sentence_spans(joined[base:base + len(original)])
                left, right = _sentence_around(spans_of[which], start, end, len(original))
                if not _in_scope(cue, joined[base + left:base + right]):
                    continue
            evidence = original[start:end].strip()
            rows.append({"text_index": labels[which], "order": which, "role": cue.role,
                         "rule": cue.rule, "cue_type": cue.cue_type, "group": cue.group,
                         "weight": cue.weight, "start": start, "end": end,
                         "evidence": evidence,
                         "detail": _detail(cue, match, plain_text(evidence))})
    columns = ["text_index", "order", "role", "rule", "cue_type", "group", "weight", "start",
               "end", "evidence", "detail"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values(["order", "start", "end"], kind="stable").drop(columns="order")
    return frame.astype({"role": "string", "rule": "string", "cue_type": "string",
                         "group": "string", "weight": "float64", "start": "Int64",
                         "end": "Int64", "evidence": "string",
                         "detail": "string"}).reset_index(drop=True)


def _overrides(known: Mapping[str, str] | None, codebook) -> dict[str, dict]:
    """Name key -> decision from the user's own knowledge (``known`` wins over the codebook)."""
    decided: dict[str, dict] = {}
    if codebook is not None:
        book = codebook if isinstance(codebook, pd.DataFrame) else read_role_codebook(codebook)
        source_name = "codebook" if isinstance(codebook, pd.DataFrame) else Path(codebook).name
        for author, role, line in zip(book["author"], book["role"].astype("string"),
                                      book.get("line", pd.Series([pd.NA] * len(book)))):
            key = author_key(author)
            if key is None:
                continue
            where = f"{source_name}, line {line}" if line is not pd.NA else source_name
            decided[key] = _decision(str(role), 1.0, "codebook", f"{where}: {author} = {role}",
                                     pd.NA, "codebook")
    for name, role in (known or {}).items():
        if role not in ROLES:
            raise ValueError(
                f"known[{name!r}]: expected a role in {', '.join(ROLES)}; found {role!r}"
            )
        key = author_key(name)
        if key is None:
            raise ValueError(
                f"known[{name!r}]: expected a person's name; found a placeholder that "
                "stands for many people (set roles for those comments by comment instead)"
            )
        decided[key] = _decision(role, 1.0, "known", f"known: {name} = {role}", pd.NA, "known")
    return decided


# -- deciding ---------------------------------------------------------------------------------
def _decision(role, confidence, rule, evidence, evidence_comment_id, source, competing=pd.NA,
              *, detail=pd.NA, evidence_post_id=pd.NA, probability=np.nan):
    return {"role": role, "confidence": confidence, "rule": rule, "evidence": evidence,
            "evidence_comment_id": evidence_comment_id, "evidence_post_id": evidence_post_id,
            "source": source, "competing": competing, "detail": detail,
            "probability": probability}


_UNKNOWN = _decision("unknown", 0.0, pd.NA, pd.NA, pd.NA, "none")


def _describe(hit: dict) -> str:
    """A losing cue, as shown in ``competing``: role, weight, rule, phrase, where."""
    if hit["comment_id"] is not pd.NA:
        where = f" ({hit['comment_id']})"
    elif hit.get("post_id", pd.NA) is not pd.NA:
        where = f" (post {hit['post_id']})"
    else:
        where = ""
    return f"{hit['role']} {hit['weight']:.2f} {hit['rule']}: {hit['evidence']!r}{where}"


def _decide(hits: list[dict]) -> dict:
    """One decision from all the cues of one author (or one anonymous comment or post).

    Reads, of ``hits`` (in page order), only the first hit of the highest weight for each
    role, cue group, whether it names a detail and whether its rule is one of
    ``_CARE_RULES``, and the order in which the roles first appear (equal weights rank
    in that order): the Dask engine drops every other hit before its shuffle
    (``msdiscourse.dask._strongest_evidence``), so a rule that reads more must change both.
    """
    if not hits:
        return dict(_UNKNOWN)
    # the second written exception: a body, equipment or care statement alone (cue group
    # ``body``: "my wheelchair", "I can't swallow") loses to any relative cue, whatever the
    # weights, because carers write the same words about the person they look after
    patient = [h for h in hits if h["role"] == "patient"]
    outvoted: list[dict] = []
    if (patient and all(h["group"] == "body" for h in patient)
            and any(h["role"] == "relative" for h in hits)):
        outvoted = [max(patient, key=lambda h: h["weight"])]
        hits = [h for h in hits if h["role"] != "patient"]
    decision = _decide_by_weight(hits)
    if outvoted:
        decision["competing"] = "; ".join(
            [*([decision["competing"]] if decision["competing"] is not pd.NA else []),
             *map(_describe, outvoted)])
    return decision


def _decide_by_weight(hits: list[dict]) -> dict:
    """The heaviest role wins, with the diagnosis-over-job exception (see :func:`_decide`)."""
    best: dict[str, dict] = {}
    for hit in hits:  # hits arrive in page order: the first of equal weight is kept
        current = best.get(hit["role"])
        if current is None or hit["weight"] > current["weight"]:
            best[hit["role"]] = hit
    ranked = sorted(best.values(), key=lambda h: -h["weight"])
    detail = None
    # the written exception: a first-person diagnosis beats job statements for patient
    diagnosis = [h for h in hits if h["role"] == "patient" and h["group"] == "diagnosis"]
    others = [h for h in ranked if h["role"] != "patient"]
    if diagnosis and others and all(
            any(h["role"] == o["role"] and h["group"] == "job" for h in hits)
            and not any(h["role"] == o["role"] and h["group"] != "job" for h in hits)
            for o in others):
        winner = max(diagnosis, key=lambda h: h["weight"])
        jobs = [h["detail"] for h in others if h["detail"] is not None]
        detail = "; ".join([winner["detail"] or "patient", *(f"also {j}" for j in jobs)])
        return _decision("patient", winner["weight"], winner["rule"], winner["evidence"],
                         winner["comment_id"], _source_of(winner),
                         "; ".join(map(_describe, others)), detail=detail,
                         evidence_post_id=winner.get("post_id", pd.NA))
    winner, others = ranked[0], ranked[1:]
    if others and others[0]["weight"] == winner["weight"]:
        return _decision("unknown", 0.0, "tie", pd.NA, pd.NA, "none",
                         "; ".join(map(_describe, ranked)))
    competing = "; ".join(map(_describe, others)) or pd.NA
    confidence = winner["weight"]
    if others:
        confidence *= winner["weight"] / (winner["weight"] + others[0]["weight"])
    # the detail of the strongest cue that names one (a weaker cue may name the condition)
    details = [h["detail"] for h in sorted(
        (h for h in hits if h["role"] == winner["role"]), key=lambda h: -h["weight"])
        if h["detail"] is not None]
    detail = details[0] if details else pd.NA
    if (winner["role"] == "relative" and detail is not pd.NA and detail.startswith("relative ")
            and any(h["rule"] in _CARE_RULES for h in hits)):
        detail = "carer" + detail[len("relative"):]  # a relative who says they care for them
    return _decision(winner["role"], round(confidence, 4), winner["rule"], winner["evidence"],
                     winner["comment_id"], _source_of(winner), competing, detail=detail,
                     evidence_post_id=winner.get("post_id", pd.NA))


def _source_of(hit: dict) -> str:
    if hit["rule"] == "byline":
        return "byline"
    if hit["rule"] == "flair":
        return "flair"
    return "post_body" if hit["comment_id"] is pd.NA else "own_text"


def _check_corpus(corpus, caller: str) -> None:
    if not isinstance(corpus, Corpus):
        raise TypeError(f"expected a msdiscourse Corpus; found {type(corpus).__name__}")
    validate(corpus.comments, "comments", caller=caller)
    validate(corpus.posts, "posts", caller=caller)


def _hit(role, rule, group, weight, evidence, detail, comment_id=pd.NA, post_id=pd.NA) -> dict:
    return {"role": role, "rule": rule, "group": group, "weight": weight, "evidence": evidence,
            "detail": detail, "comment_id": comment_id, "post_id": post_id}


def _flair_hits(comments: pd.DataFrame, flair_roles: Mapping[str, str] | None,
                flair_column: str) -> list[tuple[str, dict]]:
    """(comment id, hit) for every comment whose author flair the user mapped to a role."""
    if not flair_roles:
        return []
    validate_columns(comments, [flair_column], caller="assign_roles",
                     what="flair_column= (the author's flair per comment in corpus.comments)")
    mapping = {}
    for flair, role in flair_roles.items():
        if role not in ROLES:
            raise ValueError(
                f"flair_roles[{flair!r}]: expected a role in {', '.join(ROLES)}; found {role!r}")
        mapping[_SPACE.sub(" ", str(flair)).strip().casefold()] = role
    hits = []
    for comment_id, flair in zip(comments["comment_id"].tolist(),
                                 comments[flair_column].tolist()):
        if flair is None or flair is pd.NA or (isinstance(flair, float) and flair != flair):
            continue
        role = mapping.get(_SPACE.sub(" ", str(flair)).strip().casefold())
        if role is not None:
            # a flair naming a job is a job statement (a diagnosis beats it, as in the text)
            group = "job" if role in ("researcher", "other") else ""
            hits.append((comment_id, _hit(role, "flair", group, FLAIR_WEIGHT, f"flair: {flair}",
                                          str(flair).strip(), comment_id)))
    return hits


def _unit_texts(corpus: Corpus, read_posts: bool) -> tuple[list, list[str], list]:
    """The texts read for cues: every comment, and on a forum every post body.

    Returns labels (``("comment", id)`` or ``("post", id)``), texts and author keys.
    """
    comments = corpus.comments
    labels = [("comment", c) for c in comments["comment_id"].tolist()]
    texts = comments["text"].tolist()
    keys = [author_key(a) for a in comments["author"].tolist()]
    if read_posts and len(corpus.posts):
        labels += [("post", p) for p in corpus.posts["post_id"].tolist()]
        texts += corpus.posts["body"].tolist()
        keys += [author_key(a) for a in corpus.posts["author"].tolist()]
    return labels, texts, keys


def _group_of(label: tuple[str, str], key: str | None) -> tuple[str, str]:
    return ("author", key) if key else label


def role_evidence(corpus: Corpus, *, blog_is_research: bool = True,
                  flair_roles: Mapping[str, str] | None = None,
                  flair_column: str = "author_flair_text") -> pd.DataFrame:
    """Find the evidence for every author's role: the first of the two steps of :func:`assign_roles`.

    Reads each comment (and, on a forum, each post body) for the cues of
    ``role_cues.csv``, adds the flairs the user mapped to a role and, on a research blog,
    each byline author. Nothing is decided here: :func:`decide_roles` turns these rows into
    one role per author. The two steps apart let an engine that holds the corpus in
    pieces (:mod:`msdiscourse.dask`) find the evidence piece by piece and decide once.

    Parameters
    ----------
    corpus
        The corpus (not changed).
    blog_is_research, flair_roles, flair_column
        As in :func:`assign_roles`.

    Returns
    -------
    pandas.DataFrame
        The ``role_evidence`` table (:mod:`msdiscourse.schema`): one row per cue found,
        ``comment_id`` (missing for a post body or a byline), ``post_id``, ``author``,
        ``role``, ``rule``, ``cue_type`` (``phrase``, ``self_term``, ``team_term``,
        ``flair`` or ``byline``), ``group`` (``diagnosis``, ``job``, ``body`` or empty:
        the conflict policy), ``weight``, ``start`` and ``end`` (the span in the text),
        ``evidence`` (the phrase as written) and ``detail``; comments first in corpus
        order, then post bodies, flairs and bylines, as :func:`decide_roles` reads them.

    Raises
    ------
    TypeError
        When ``corpus`` is not a Corpus.
    ValueError
        When ``flair_roles`` names a role that does not exist or its column is missing.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "author": "LabRat"}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Wendy",
    ...                "text": "I'm on Ocrevus. My neuro agreed."},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "author": "Ann",
    ...                "text": "Thanks!"}])
    >>> role_evidence(corpus)[["comment_id", "author", "role", "rule", "weight", "evidence"]]
      comment_id  author        role      rule  weight        evidence
    0      p1.c1   Wendy     patient   on_drug    0.95  I'm on Ocrevus
    1      p1.c1   Wendy     patient  my_neuro    0.80        My neuro
    2       <NA>  LabRat  researcher    byline    0.80       By LabRat
    """
    _check_corpus(corpus, "role_evidence")
    labels, texts, keys = _unit_texts(corpus, read_posts=not blog_is_research)
    comments, posts = corpus.comments, corpus.posts
    authors = comments["author"].tolist()
    post_ids = comments["post_id"].tolist()
    if not blog_is_research and len(posts):
        authors += posts["author"].tolist()
        post_ids += posts["post_id"].tolist()
    hits = find_role_cues(pd.Series(texts, index=pd.RangeIndex(len(texts))))
    rows = []
    for row in hits.itertuples(index=False):
        kind, unit_id = labels[row.text_index]
        rows.append({"comment_id": unit_id if kind == "comment" else pd.NA,
                     "post_id": post_ids[row.text_index], "author": authors[row.text_index],
                     "role": row.role, "rule": row.rule, "cue_type": row.cue_type,
                     "group": row.group, "weight": row.weight, "start": row.start,
                     "end": row.end, "evidence": row.evidence, "detail": row.detail})
    # a flair counts once per author and role (per comment for placeholder names)
    seen_flair: set = set()
    key_of = dict(zip(comments["comment_id"].tolist(), keys[:len(comments)]))
    post_of = dict(zip(comments["comment_id"].tolist(), comments["post_id"].tolist()))
    author_of = dict(zip(comments["comment_id"].tolist(), comments["author"].tolist()))
    for comment_id, hit in _flair_hits(comments, flair_roles, flair_column):
        seen = (_group_of(("comment", comment_id), key_of[comment_id]), hit["role"])
        if seen in seen_flair:
            continue
        seen_flair.add(seen)
        rows.append({"comment_id": comment_id, "post_id": post_of[comment_id],
                     "author": author_of[comment_id], "role": hit["role"], "rule": "flair",
                     "cue_type": "flair", "group": hit["group"], "weight": hit["weight"],
                     "start": pd.NA, "end": pd.NA, "evidence": hit["evidence"],
                     "detail": hit["detail"]})
    if blog_is_research:
        byline, bylined = _cue("byline"), set()
        for post_id, author in zip(posts["post_id"].tolist(), posts["author"].tolist()):
            key = author_key(author)
            if key is None or key in bylined:
                continue
            bylined.add(key)
            rows.append({"comment_id": pd.NA, "post_id": post_id, "author": author,
                         "role": byline.role, "rule": byline.rule, "cue_type": "byline",
                         "group": "", "weight": byline.weight, "start": pd.NA, "end": pd.NA,
                         "evidence": f"By {author}", "detail": _RULE_DETAIL["byline"]})
    frame = pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))
    dtypes = {c: "string" for c in EVIDENCE_COLUMNS}
    dtypes.update({"role": ROLE_DTYPE, "weight": "float64", "start": "Int64", "end": "Int64"})
    return frame.astype(dtypes).reset_index(drop=True)


def _evidence_group(comment_id, post_id, author) -> tuple[str, str]:
    """The decision an evidence row belongs to: its author's, or its own comment's or post's."""
    label = ("comment", comment_id) if not _missing(comment_id) else ("post", post_id)
    return _group_of(label, author_key(author))


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _decide_evidence(evidence: pd.DataFrame, known, codebook, groups: set | None = None) -> dict:
    """Decisions per author key and per anonymous comment or post, from evidence rows.

    ``groups``, when given, limits the decisions to those groups (and the user's own).
    """
    by_group: dict[tuple, list[dict]] = {}
    columns = [evidence[c].tolist() for c in
               ("comment_id", "post_id", "author", "role", "rule", "group", "weight",
                "evidence", "detail")]
    for comment_id, post_id, author, role, rule, group, weight, phrase, detail in zip(*columns):
        unit = _evidence_group(comment_id, post_id, author)
        if groups is not None and unit not in groups:
            continue
        comment_id = pd.NA if _missing(comment_id) else comment_id
        # a byline is where the author is named, not a phrase in a post body
        post_id = pd.NA if rule == "byline" or not _missing(comment_id) else post_id
        by_group.setdefault(unit, []).append(_hit(
            str(role), rule, "" if _missing(group) else group, float(weight), phrase,
            None if _missing(detail) else detail, comment_id, post_id))
    decisions = {group: _decide(group_hits) for group, group_hits in by_group.items()}
    return _with_overrides(decisions, _overrides(known, codebook))


def _with_overrides(decisions: dict, overrides: dict[str, dict]) -> dict:
    """The decisions from the text, with the user's own (``known``, codebook) winning.

    A text-based role that the user's overrides contradict is kept as ``competing``.
    Changes and returns ``decisions``.
    """
    for key, decision in overrides.items():
        text_based = decisions.get(("author", key))
        if text_based and text_based["role"] != decision["role"] and text_based["role"] != "unknown":
            where = (f" ({text_based['evidence_comment_id']})"
                     if text_based["evidence_comment_id"] is not pd.NA else "")
            decision = {**decision, "competing": (
                f"{text_based['role']} {text_based['rule']}: {text_based['evidence']!r}{where}")}
        decisions[("author", key)] = decision
    return decisions


def _decisions(corpus: Corpus, known, codebook, blog_is_research: bool,
               flair_roles=None, flair_column: str = "author_flair_text"):
    """Decisions per author key and per anonymous comment or post, and the texts read."""
    evidence = role_evidence(corpus, blog_is_research=blog_is_research,
                             flair_roles=flair_roles, flair_column=flair_column)
    units = _unit_texts(corpus, read_posts=not blog_is_research)
    return _decide_evidence(evidence, known, codebook), units


def decide_roles(evidence: pd.DataFrame, comments: pd.DataFrame, *,
                 known: Mapping[str, str] | None = None,
                 codebook: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Decide one role per author from the evidence: the second step of :func:`assign_roles`.

    ``assign_roles(corpus, **options)`` is ``decide_roles(role_evidence(corpus, ...),
    corpus.comments, known=..., codebook=...)`` (the optional inferred stage, which
    reads every text, runs in :func:`assign_roles` only). The comments of one named
    author share one decision taken over all that author's evidence rows, wherever they
    are, so ``comments`` may be any part of the corpus as long as ``evidence`` covers the
    whole of it.

    Parameters
    ----------
    evidence
        The ``role_evidence`` table (:func:`role_evidence`), in its order: of two cues
        of equal weight the first one read decides.
    comments
        The comments to give a role (the corpus's ``comments`` table, or part of it).
    known, codebook
        As in :func:`assign_roles`: they win over every cue.

    Returns
    -------
    pandas.DataFrame
        The ``roles`` table of :func:`assign_roles`, one row per comment of ``comments``
        in their order.

    Raises
    ------
    SchemaError
        When ``evidence`` or ``comments`` lacks a column it needs.
    ValueError
        When ``known`` or the codebook names a role that does not exist.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "author": "LabRat"}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Wendy",
    ...                "text": "I'm on Ocrevus."},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "author": "Wendy",
    ...                "text": "Thanks!"}])
    >>> evidence = role_evidence(corpus)
    >>> decide_roles(evidence, corpus.comments)[["comment_id", "role", "confidence", "source"]]
      comment_id     role  confidence       source
    0      p1.c1  patient       0.950     own_text
    1      p1.c2  patient       0.855  same_author
    >>> decide_roles(evidence, corpus.comments.iloc[1:], known={"Wendy": "relative"}).loc[
    ...     0, ["comment_id", "role", "rule"]].tolist()
    ['p1.c2', 'relative', 'known']
    """
    validate(evidence, "role_evidence", caller="decide_roles")
    validate_columns(comments, ["comment_id", "post_id", "author"], caller="decide_roles",
                     what="comments (the corpus's comments table)")
    ids, authors = comments["comment_id"].tolist(), comments["author"].tolist()
    groups = {_group_of(("comment", c), author_key(a)) for c, a in zip(ids, authors)}
    decisions = _decide_evidence(evidence, known, codebook, groups)
    return _roles_table(decisions, ids, comments["post_id"].tolist(), authors)


def _roles_table(decisions: dict, ids: list, post_ids: list, authors: list) -> pd.DataFrame:
    """The roles table: each comment's row from the decisions per author (or comment)."""
    rows = []
    for comment_id, author in zip(ids, authors):
        unit = ("comment", comment_id)
        rows.append({"comment_id": comment_id,
                     **_row_decision(decisions, _group_of(unit, author_key(author)), unit)})
    frame = pd.DataFrame(rows, columns=["comment_id", *_DECISION_COLUMNS])
    frame.insert(1, "post_id", post_ids)
    frame.insert(2, "author", authors)
    return _typed(frame, ROLE_COLUMNS)


def _row_decision(decisions: dict, group: tuple, unit: tuple[str, str]) -> dict:
    """The group's decision as seen from one comment or post (carried or its own)."""
    decision = dict(decisions.get(group, _UNKNOWN))
    if decision["source"] in ("own_text", "post_body"):
        where = decision["evidence_comment_id" if unit[0] == "comment" else "evidence_post_id"]
        own = where is not pd.NA and where == unit[1]
        if not own:
            decision["source"] = "same_author"
            decision["confidence"] = round(decision["confidence"] * PROPAGATION_DISCOUNT, 4)
    return decision


def assign_roles(corpus: Corpus, *, known: Mapping[str, str] | None = None,
                 codebook: str | Path | pd.DataFrame | None = None,
                 blog_is_research: bool = True,
                 flair_roles: Mapping[str, str] | None = None,
                 flair_column: str = "author_flair_text",
                 infer: bool = False, infer_threshold: float = INFER_THRESHOLD) -> pd.DataFrame:
    """Assign each comment a role on the evidence of what its author disclosed.

    The same as ``decide_roles(role_evidence(corpus, ...), corpus.comments, known=...,
    codebook=...)`` (:func:`role_evidence`, :func:`decide_roles`), followed by the
    inferred stage when ``infer=True``.

    Parameters
    ----------
    corpus
        The corpus (not changed).
    known
        ``{"author name": "role"}`` for authors whose role the analyst knows; it wins
        over every cue (rule ``known``, confidence 1).
    codebook
        An editable CSV codebook (path) or the frame
        :func:`~msdiscourse.coding.read_role_codebook` returns; same effect as ``known``
        (rule ``codebook``), and ``known`` wins over it.
    blog_is_research
        A research group's blog (default): every post's byline author is a researcher
        (rule ``byline``) and post bodies are not read for cues. Set False for a patient
        community or forum: post bodies are then read as their authors' own text, like
        comments (quoted material excluded), and no byline rule applies.
    flair_roles
        ``{flair text: role}``: a per-comment author flair (Reddit's
        ``author_flair_text``) that declares a role, read as evidence of weight 0.95
        (rule and source ``flair``). Flair texts match ignoring case and spacing.
    flair_column
        The comments column holding the flair.
    infer
        Propose a role for authors with no evidence from a classifier trained on the
        authors whose role the cues found in this corpus (scikit-learn logistic
        regression on word n-grams and cue counts). Such rows have ``source="inferred"``,
        rule ``inferred``, the classifier's ``probability`` and, as ``evidence``, the
        n-grams that pushed most; they never replace evidence. Off by default.
    infer_threshold
        The least probability at which an inferred role is kept.

    Returns
    -------
    pandas.DataFrame
        The ``roles`` table (:mod:`msdiscourse.schema`), one row per comment in corpus
        order: ``comment_id``, ``post_id``, ``author``, ``role`` (ordered categorical
        :data:`~msdiscourse.categories.ROLE_DTYPE`), ``confidence`` (0-1; 0 for unknown),
        ``rule`` (the cue's rule in ``role_cues.csv``, ``byline``, ``flair``, ``known``,
        ``codebook``, ``tie`` or ``inferred``), ``evidence`` (the exact phrase, or where
        the user's knowledge came from), ``evidence_comment_id`` (the comment the phrase is
        in: another comment of the same author when the role was carried over),
        ``evidence_post_id`` (the post whose body holds the phrase, on a forum),
        ``source`` (``own_text``, ``same_author``, ``post_body``, ``byline``, ``flair``,
        ``known``, ``codebook``, ``inferred`` or ``none``), ``competing`` (cues for other
        roles that lost, with their weights), ``detail`` (the condition, the relation
        such as ``carer of husband``, the profession) and ``probability`` (inferred rows
        only).

    Raises
    ------
    TypeError
        When ``corpus`` is not a Corpus.
    ValueError
        When ``known``, ``flair_roles`` or the codebook names a role that does not exist,
        or ``flair_roles`` is given and the flair column is missing.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "author": "ProfMyelin"}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Hamish",
    ...                "text": "My wife has MS."},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "author": "ProfMyelin",
    ...                "text": "Thanks Hamish."}])
    >>> roles = assign_roles(corpus)
    >>> roles[["comment_id", "role", "confidence", "rule", "evidence"]]
      comment_id        role  confidence               rule        evidence
    0      p1.c1    relative         0.9  kin_has_condition  My wife has MS
    1      p1.c2  researcher         0.8             byline   By ProfMyelin
    >>> roles.loc[0, "detail"]
    'relative of wife (multiple sclerosis)'
    >>> assign_roles(corpus, known={"ProfMyelin": "other"}).loc[1, "evidence"]
    'known: ProfMyelin = other'

    On a forum the opening post is read too:

    >>> forum = Corpus.from_records(
    ...     posts=[{"post_id": "t1", "author": "Ann", "body": "My hubby was diagnosed with ALS."}],
    ...     comments=[{"comment_id": "t1.c1", "post_id": "t1", "author": "Ann",
    ...                "text": "Thanks all."}])
    >>> assign_roles(forum, blog_is_research=False)[["role", "evidence_post_id", "source",
    ...                                              "detail"]]
           role evidence_post_id       source                     detail
    0  relative               t1  same_author  relative of husband (ALS)
    """
    _check_corpus(corpus, "assign_roles")
    if not infer:
        evidence = role_evidence(corpus, blog_is_research=blog_is_research,
                                 flair_roles=flair_roles, flair_column=flair_column)
        return decide_roles(evidence, corpus.comments, known=known, codebook=codebook)
    decisions, units = _decisions(corpus, known, codebook, blog_is_research, flair_roles,
                                  flair_column)
    _infer(decisions, units, threshold=infer_threshold)
    comments = corpus.comments
    return _roles_table(decisions, comments["comment_id"].tolist(),
                        comments["post_id"].tolist(), comments["author"].tolist())


_DECISION_COLUMNS = ["role", "confidence", "rule", "evidence", "evidence_comment_id",
                     "evidence_post_id", "source", "competing", "detail", "probability"]


def _typed(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    dtypes = {c: "string" for c in columns}
    dtypes.update({"role": ROLE_DTYPE, "confidence": "float64", "probability": "float64"})
    frame = frame[list(columns)]
    return frame.astype({c: dtypes[c] for c in columns}).reset_index(drop=True)


def post_roles(corpus: Corpus, *, known: Mapping[str, str] | None = None,
               codebook: str | Path | pd.DataFrame | None = None,
               blog_is_research: bool = True,
               flair_roles: Mapping[str, str] | None = None,
               flair_column: str = "author_flair_text",
               infer: bool = False, infer_threshold: float = INFER_THRESHOLD) -> pd.DataFrame:
    """Give each post's byline author a role, decided exactly as in :func:`assign_roles`.

    A byline author who also comments is pooled with their comments; a post without a
    byline is ``unknown`` on a blog, and decided on its own body on a forum. This is the
    addressee role of a top-level comment in :func:`~msdiscourse.exchanges.reply_exchanges`.

    Parameters
    ----------
    corpus, known, codebook, blog_is_research, flair_roles, flair_column, infer, infer_threshold
        As in :func:`assign_roles`.

    Returns
    -------
    pandas.DataFrame
        The ``post_roles`` table: one row per post, the columns of :func:`assign_roles`
        without ``comment_id``.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(posts=[{"post_id": "p1", "author": "LabRat"},
    ...                                     {"post_id": "p2"}])
    >>> post_roles(corpus)[["post_id", "author", "role", "evidence"]]
      post_id  author        role   evidence
    0      p1  LabRat  researcher  By LabRat
    1      p2    <NA>     unknown       <NA>
    """
    _check_corpus(corpus, "post_roles")
    decisions, units = _decisions(corpus, known, codebook, blog_is_research, flair_roles,
                                  flair_column)
    if infer:
        _infer(decisions, units, threshold=infer_threshold)
    rows = []
    for post_id, author in zip(corpus.posts["post_id"].tolist(), corpus.posts["author"].tolist()):
        key = author_key(author)
        group = _group_of(("post", post_id), key)
        decision = _row_decision(decisions, group, ("post", post_id))
        if blog_is_research and key is None:
            decision = dict(_UNKNOWN)
        rows.append({"post_id": post_id, "author": author, **decision})
    frame = pd.DataFrame(rows, columns=["post_id", "author", *_DECISION_COLUMNS])
    return _typed(frame, POST_ROLE_COLUMNS)


# -- the inferred stage -----------------------------------------------------------------------
_INFER_MIN_PER_ROLE = 5


def _cue_features(texts: list[str]) -> np.ndarray:
    """Per text: counts of first-person singular and plural words and family words."""
    kin = _kin_mention()
    rows = []
    for text in texts:
        words = max(len(text.split()), 1)
        rows.append([len(_FIRST_SINGULAR.findall(text)) / words,
                     len(re.findall(r"\b(?:we|us|our)\b", text, re.IGNORECASE)) / words,
                     len(kin.findall(text)) / words,
                     len(re.findall(r"\b(?:he|she|his|her|him)\b", text, re.IGNORECASE)) / words])
    return np.asarray(rows, dtype=float)


def _infer(decisions: dict, units, *, threshold: float) -> None:
    """Add inferred decisions, in place, for named authors the cues left unknown."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    labels, texts, keys = units
    documents: dict[str, list[str]] = {}
    for key, text in zip(keys, texts):
        if key and isinstance(text, str):
            documents.setdefault(key, []).append(mask_quotes(text))
    authors = sorted(documents)
    joined = [" ".join(documents[a]) for a in authors]
    evidence_roles = {a: decisions[("author", a)]["role"] for a in authors
                      if ("author", a) in decisions
                      and decisions[("author", a)]["role"] != "unknown"
                      and decisions[("author", a)]["source"] in ("own_text", "post_body", "flair")}
    counts = pd.Series(list(evidence_roles.values())).value_counts()
    trainable = [r for r, n in counts.items() if n >= _INFER_MIN_PER_ROLE]
    if len(trainable) < 2:
        return
    train = [i for i, a in enumerate(authors) if evidence_roles.get(a) in trainable]
    todo = [i for i, a in enumerate(authors)
            if decisions.get(("author", a), _UNKNOWN)["role"] == "unknown"]
    if not todo:
        return
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                 lowercase=True)
    words = vectorizer.fit_transform(joined)
    features = hstack([words, _cue_features(joined) * 10]).tocsr()
    model = LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced")
    model.fit(features[train], [evidence_roles[authors[i]] for i in train])
    probabilities = model.predict_proba(features[todo])
    names = np.asarray(vectorizer.get_feature_names_out())
    n_words = len(names)
    for row, i in enumerate(todo):
        best = int(np.argmax(probabilities[row]))
        probability = float(probabilities[row, best])
        if probability < threshold:
            continue
        role = model.classes_[best]
        coefficients = model.coef_[best if len(model.classes_) > 2 else 0]
        sign = 1 if len(model.classes_) > 2 or best == 1 else -1
        present = features[i].indices[features[i].indices < n_words]
        push = sorted(present, key=lambda j: -sign * coefficients[j] * features[i, j])[:3]
        evidence = "classifier: " + ", ".join(repr(names[j]) for j in push)
        decisions[("author", authors[i])] = _decision(
            role, round(probability, 4), "inferred", evidence, pd.NA, "inferred",
            probability=round(probability, 4))


# -- summary ----------------------------------------------------------------------------------
def role_summary(roles: pd.DataFrame) -> pd.DataFrame:
    """Summarise per author: one row per named author, one per role for anonymous comments.

    Parameters
    ----------
    roles
        The table :func:`assign_roles` returns.

    Returns
    -------
    pandas.DataFrame
        ``author`` (missing for the anonymous rows), ``role``, ``n_comments``,
        ``confidence`` (the author's own, undiscounted; for anonymous rows the mean over
        their comments), ``rule``, ``evidence``, ``evidence_comment_id``, ``detail``,
        ``is_inferred`` (the role came from ``infer=True``, not from a disclosure),
        ``is_anonymous``; ordered by role, then by the number of comments (most first),
        then by name.

    Examples
    --------
    >>> roles = pd.DataFrame({
    ...     "comment_id": ["c1", "c2", "c3", "c4"],
    ...     "author": ["Wendy", "Wendy", None, "Anonymous"],
    ...     "role": pd.Categorical(["patient", "patient", "unknown", "unknown"],
    ...                            dtype=ROLE_DTYPE),
    ...     "confidence": [0.95, 0.855, 0.0, 0.0], "rule": ["on_drug", "on_drug", None, None],
    ...     "evidence": ["I'm on Ocrevus", "I'm on Ocrevus", None, None],
    ...     "evidence_comment_id": ["c1", "c1", None, None],
    ...     "source": ["own_text", "same_author", "none", "none"],
    ...     "detail": ["ocrelizumab", "ocrelizumab", None, None]})
    >>> role_summary(roles)[["author", "role", "n_comments", "evidence", "detail", "is_anonymous"]]
      author     role  n_comments        evidence       detail  is_anonymous
    0  Wendy  patient           2  I'm on Ocrevus  ocrelizumab         False
    1   <NA>  unknown           2            <NA>         <NA>          True
    """
    frame = roles.copy()
    keys = frame["author"].map(author_key)
    frame["is_anonymous"] = keys.isna()
    # anonymous comments are not one person: pool them per role instead
    frame["_key"] = keys.where(keys.notna(), "\x00anonymous")
    frame["_order"] = range(len(frame))
    # the first row of each group then carries the decisive evidence (own text first)
    frame = frame.sort_values(["confidence", "_order"], ascending=[False, True], kind="stable")
    summary = frame.groupby(["_key", "role"], observed=True, sort=False).agg(
        author=("author", "first"), n_comments=("comment_id", "size"),
        confidence=("confidence", "max"), mean_confidence=("confidence", "mean"),
        rule=("rule", "first"), evidence=("evidence", "first"),
        evidence_comment_id=("evidence_comment_id", "first"),
        source=("source", "first"), detail=("detail", "first"),
        is_anonymous=("is_anonymous", "first")).reset_index()
    anonymous = summary["is_anonymous"].to_numpy(dtype=bool)
    summary.loc[anonymous, ["author", "rule", "evidence", "evidence_comment_id", "detail"]] = pd.NA
    summary.loc[anonymous, "confidence"] = summary.loc[anonymous, "mean_confidence"]
    summary["role"] = summary["role"].astype(ROLE_DTYPE)
    summary = summary.sort_values(["role", "is_anonymous", "n_comments", "_key"],
                                  ascending=[True, True, False, True], kind="stable")
    # an inferred role is not a disclosure: the summary says which it is
    summary["is_inferred"] = summary["source"].astype("string").eq("inferred").fillna(False)
    columns = ["author", "role", "n_comments", "confidence", "rule", "evidence",
               "evidence_comment_id", "detail", "is_inferred", "is_anonymous"]
    return summary[columns].astype({
        "author": "string", "n_comments": "Int64", "confidence": "float64", "rule": "string",
        "evidence": "string", "evidence_comment_id": "string", "detail": "string",
        "is_inferred": "boolean", "is_anonymous": "boolean",
    }).reset_index(drop=True)
