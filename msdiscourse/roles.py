"""Who is speaking: researcher, patient, relative, other or unknown, with the phrase that decided.

A role is assigned only on evidence. The evidence is a *cue*: a phrase in the comment
("I have MS", "I'm on tecfidera", "my wife has MS", "our lab", "I recently interviewed")
listed in ``resources/role_cues.csv`` with its role and a weight, and built from the drug
and term lists in ``resources/ms_terms.csv``. Three kinds of cue are matched:

``phrase``
    stands on its own ("my neuro", "our study").
``self_term``
    a term that counts only in a sentence in the first person singular that names no
    family member ("... an EDSS 0 CIS" said with *I* or *my* nearby is a disclosure;
    "patients with an EDSS of 6" and "my wife moved to secondary progressive MS" are not).
``team_term``
    a term that counts only in a first-person sentence, singular or plural ("the EAE
    literature" in "if we were a haematology lab ...").

Evidence propagates: the comments of one named author share one decision, taken over all
their cues, so "my wife has MS" on one page makes the same commenter a relative on every
page. Placeholder names ("Anonymous", "Anon", a missing author) are not one person, so
their comments are decided one by one. On a research blog the post's byline author is a
researcher unless the user says otherwise (``known={"name": "role"}`` or a CSV codebook
read with :func:`read_role_codebook`). When cues for different roles meet, the heavier
weight wins, the loser is recorded in ``competing`` and lowers the confidence; equal
weights give ``unknown`` (rule ``tie``). With no cue the role is ``unknown`` with
confidence 0: never a guess.

The per-author view is :func:`role_summary` (one clean API: :func:`assign_roles` always
returns the per-comment table; the summary is derived from it).

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
>>> assign_roles(corpus)[["comment_id", "role", "rule", "evidence", "evidence_comment_id"]]
  comment_id        role          rule        evidence evidence_comment_id
0      p1.c1     patient       on_drug  I'm on Ocrevus               p1.c1
1      p1.c2  researcher  our_research        our mice               p1.c2
2      p1.c3     patient       on_drug  I'm on Ocrevus               p1.c1
3      p1.c4     unknown          <NA>            <NA>                <NA>
"""

from __future__ import annotations

import csv
import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import pandas as pd

from msdiscourse.categories import ROLE_DTYPE, ROLES
from msdiscourse.corpus import Corpus
from msdiscourse.paths import RESOURCES_DIR

__all__ = [
    "ROLE_COLUMNS",
    "POST_ROLE_COLUMNS",
    "CUE_TYPES",
    "assign_roles",
    "role_summary",
    "post_roles",
    "find_role_cues",
    "read_role_codebook",
    "load_role_cues",
    "load_ms_terms",
    "author_key",
    "is_placeholder_author",
]

ROLE_CUES_PATH = RESOURCES_DIR / "role_cues.csv"
MS_TERMS_PATH = RESOURCES_DIR / "ms_terms.csv"

#: how a cue counts: on its own, or only inside a first-person sentence
CUE_TYPES: tuple[str, ...] = ("phrase", "self_term", "team_term", "byline", "anonymous_author")

#: ms_terms.csv kinds each placeholder in a role-cue pattern expands to
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "{drug}": ("drug", "treatment"),
    "{ms}": ("ms_course", "disease"),
    "{ms_course}": ("ms_course",),
    "{research_term}": ("research_term",),
    "{kin}": ("kin",),
}

#: the same name on two comments is probably, not certainly, the same person
PROPAGATION_DISCOUNT = 0.9

#: one row per comment; extra columns after the contract ones: ``source`` (own_text,
#: same_author, byline, known, codebook, none), ``competing`` (the losing cues, if any)
ROLE_COLUMNS: tuple[str, ...] = (
    "comment_id", "post_id", "author", "role", "confidence", "rule", "evidence",
    "evidence_comment_id", "source", "competing",
)
POST_ROLE_COLUMNS: tuple[str, ...] = (
    "post_id", "author", "role", "confidence", "rule", "evidence", "evidence_comment_id",
    "source", "competing",
)

# Matching runs on a copy of the text with typographic apostrophes and odd spaces made
# plain; every replacement keeps the length, so spans point into the original text.
_PLAIN = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u2032", "'"),
          ("\u00a0", " "), ("\u202f", " "), ("\u2009", " "))
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*\s+|\n\s*")
# first-person pronouns, any case except capitals that mean something else: "ME" (the
# illness), "US" (the country); and "i" of "i.e." is no one
_FIRST_SINGULAR_WORDS = r"I|i(?!\.e\b)|[Mm]e|[Mm]y|MY|[Mm]ine|[Mm]yself"
_FIRST_SINGULAR = re.compile(rf"\b(?:{_FIRST_SINGULAR_WORDS})\b")
_FIRST_ANY = re.compile(rf"\b(?:{_FIRST_SINGULAR_WORDS}|[Ww]e|WE|[Uu]s|[Oo]urs?|OUR|[Oo]urselves)\b")
_SPACE = re.compile(r"\s+")
# texts are matched joined into one string: one regex pass per cue, not per comment
_JOIN = "\n\x00\n"


# -- resources -----------------------------------------------------------------------------
def _read_csv_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(
                f"{path}, line 1: expected the columns {', '.join(required)}; "
                f"found {', '.join(reader.fieldnames or []) or 'no header'} "
                f"(missing {', '.join(missing)})"
            )
        return [(reader.line_num, row) for row in reader]


@functools.cache
def load_ms_terms(path: str | Path = MS_TERMS_PATH) -> pd.DataFrame:
    """Load the curated MS drug and term list (``resources/ms_terms.csv``).

    Parameters
    ----------
    path
        The CSV file (columns ``term, kind, canonical, pattern, example, note``).

    Returns
    -------
    pandas.DataFrame
        One row per term, in file order.

    Raises
    ------
    ValueError
        When a pattern does not compile, naming the file and line.

    Examples
    --------
    >>> terms = load_ms_terms()
    >>> terms.loc[terms["term"] == "Tecfidera", "canonical"].item()
    'dimethyl fumarate'
    """
    path = Path(path)
    records = []
    for line, row in _read_csv_rows(path, ("term", "kind", "canonical", "pattern")):
        try:
            re.compile(row["pattern"], re.IGNORECASE)
        except re.error as error:
            raise ValueError(
                f"{path}, line {line}: expected a regular expression in 'pattern'; "
                f"found {row['pattern']!r} ({error})"
            ) from None
        records.append({**row, "line": line})
    return pd.DataFrame(records).astype({"line": "Int64"})


def _alternation(kinds: tuple[str, ...], terms: pd.DataFrame) -> str:
    patterns = terms.loc[terms["kind"].isin(kinds), "pattern"].tolist()
    # longest first, so "Tysabri infusion"-like longer forms win over their prefixes
    alternatives = sorted({p for pattern in patterns for p in _split_top(pattern)},
                          key=len, reverse=True)
    return "(?:" + "|".join(alternatives) + ")"


def _split_top(pattern: str) -> list[str]:
    """Split a pattern at its top-level ``|`` (not inside groups or classes)."""
    parts, depth, in_class, current, escaped = [], 0, False, [], False
    for char in pattern:
        if escaped:
            current.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif not in_class and char == "(":
            depth += 1
        elif not in_class and char == ")":
            depth -= 1
        elif not in_class and depth == 0 and char == "|":
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def expand_placeholders(pattern: str, terms: pd.DataFrame | None = None) -> str:
    """Replace ``{drug}``, ``{ms}``, ``{ms_course}``, ``{research_term}``, ``{kin}`` by term alternations.

    Parameters
    ----------
    pattern
        A role-cue pattern.
    terms
        The term list (default: :func:`load_ms_terms`).

    Returns
    -------
    str
        The pattern with each placeholder replaced by a non-capturing group.

    Examples
    --------
    >>> "tecfidera" in expand_placeholders(r"\\bI'm on {drug}")
    True
    """
    terms = load_ms_terms() if terms is None else terms
    for placeholder, kinds in PLACEHOLDERS.items():
        if placeholder in pattern:
            pattern = pattern.replace(placeholder, _alternation(kinds, terms))
    return pattern


@dataclass(frozen=True)
class RoleCue:
    """One row of ``role_cues.csv``, compiled."""

    role: str
    rule: str
    cue_type: str
    pattern: str
    regex: re.Pattern
    weight: float
    example: str
    counter_example: str
    line: int
    #: the same pattern split at its top-level "|", each part written for fast scanning
    scanners: tuple[re.Pattern, ...] = ()

    def finditer(self, text: str):
        """Every match of the cue in ``text`` (once per span), in order of position."""
        if len(self.scanners) == 1:
            yield from self.scanners[0].finditer(text)
            return
        matches = {}
        for scanner in self.scanners:
            for match in scanner.finditer(text):
                matches.setdefault((match.start(), match.end()), match)
        for span in sorted(matches):
            yield matches[span]


# "\bmy ..." scans slowly: Python's regex engine tries a word boundary at every position.
# "my(?<=\bmy) ..." matches the same text but opens with a literal, which the engine
# finds by fast substring search (about five times faster on comment text).
_BOUNDARY_WORD = re.compile(r"\\b([A-Za-z]+)(?![?*+{\w])")


def _scanner_source(branch: str) -> str | None:
    """Rewrite a leading ``\\bWORD`` as ``WORD(?<=\\bWORD)``, or None when it cannot.

    Words of one letter ("I") are left alone: the letter is everywhere, so searching for
    it first gains nothing.
    """
    match = _BOUNDARY_WORD.match(branch)
    if not match or len(match.group(1)) < 2:
        return None
    word = match.group(1)
    return f"{word}(?<=\\b{word}){branch[match.end():]}"


def _scanner_sources(pattern: str) -> list[str]:
    """The pattern's top-level alternatives rewritten to open with a literal, or the pattern.

    Only when every alternative can be rewritten; the parts together match exactly what
    the pattern matches (a test checks it on real and demo text).
    """
    rewritten = [_scanner_source(branch) for branch in _split_top(pattern)]
    if all(rewritten):
        return rewritten
    return [pattern]


@functools.cache
def load_role_cues(path: str | Path = ROLE_CUES_PATH) -> tuple[RoleCue, ...]:
    """Load and compile the role cues (``resources/role_cues.csv``), once.

    Parameters
    ----------
    path
        The CSV file (columns ``role, rule, cue_type, pattern, weight, example,
        counter_example, note``). Patterns may use the placeholders of
        :func:`expand_placeholders`; they are matched case-insensitively.

    Returns
    -------
    tuple of RoleCue

    Raises
    ------
    ValueError
        When a row has an unknown role or cue type, a weight outside 0-1 or a pattern
        that does not compile, naming the file and line.

    Examples
    --------
    >>> cues = load_role_cues()
    >>> next(c for c in cues if c.rule == "my_neuro").role
    'patient'
    """
    path = Path(path)
    terms = load_ms_terms()
    cues = []
    required = ("role", "rule", "cue_type", "pattern", "weight", "example")
    for line, row in _read_csv_rows(path, required):
        where = f"{path}, line {line}"
        if row["role"] not in ROLES:
            raise ValueError(f"{where}: expected a role in {', '.join(ROLES)}; found {row['role']!r}")
        if row["cue_type"] not in CUE_TYPES:
            raise ValueError(
                f"{where}: expected a cue_type in {', '.join(CUE_TYPES)}; found {row['cue_type']!r}"
            )
        try:
            weight = float(row["weight"])
        except ValueError:
            weight = -1.0
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"{where}: expected a weight between 0 and 1; found {row['weight']!r}")
        expanded = expand_placeholders(row["pattern"], terms)
        try:
            regex = re.compile(expanded, re.IGNORECASE)
        except re.error as error:
            raise ValueError(
                f"{where}: expected a regular expression in 'pattern'; found {row['pattern']!r} ({error})"
            ) from None
        scanners = tuple(re.compile(source, re.IGNORECASE)
                         for source in _scanner_sources(expanded))
        cues.append(RoleCue(row["role"], row["rule"], row["cue_type"], row["pattern"], regex,
                            weight, row["example"], row.get("counter_example") or "", line,
                            scanners))
    return tuple(cues)


@functools.cache
def _kin_mention() -> re.Pattern:
    """'my wife', 'my mum's': a sentence about a family member is not a self-disclosure."""
    return re.compile(r"\bmy " + _alternation(("kin",), load_ms_terms()) + r"\b", re.IGNORECASE)


def _in_scope(cue: RoleCue, sentence: str) -> bool:
    """Whether a term cue counts in this sentence (see the module docstring)."""
    if cue.cue_type == "self_term":
        return bool(_FIRST_SINGULAR.search(sentence)) and not _kin_mention().search(sentence)
    return bool(_FIRST_ANY.search(sentence))


def plain_text(text: str) -> str:
    """Make typographic apostrophes and odd spaces plain, keeping every offset.

    >>> plain_text("I\u2019m on\u00a0Tysabri")
    "I'm on Tysabri"
    """
    for fancy, plain in _PLAIN:  # str.replace runs in C: far faster than str.translate
        text = text.replace(fancy, plain)
    return text


def _text_cues() -> tuple[RoleCue, ...]:
    return tuple(c for c in load_role_cues() if c.cue_type in ("phrase", "self_term", "team_term"))


@functools.cache
def _cue(cue_type: str) -> RoleCue:
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
    key = _SPACE.sub(" ", str(name)).strip().casefold()
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
def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence around ``start:end`` in ``text``."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    following = _SENTENCE_END.search(text, end)
    right = following.start() if following else len(text)
    return left, right


def find_role_cues(texts: pd.Series | list[str] | str) -> pd.DataFrame:
    """Find every role cue in some texts, with its span and the exact phrase.

    Parameters
    ----------
    texts
        A string, a list of strings, or a Series (its index labels the rows found).

    Returns
    -------
    pandas.DataFrame
        One row per cue found: ``text_index`` (the text's label: its Series index, or
        its position in a list), ``role``, ``rule``, ``cue_type``, ``weight``, ``start``,
        ``end``, ``evidence`` (the phrase as written); ordered by text, then position.

    Examples
    --------
    >>> find_role_cues("I’m a relative of someone with MS.")[["role", "rule", "evidence"]]
           role         rule                           evidence
    0  relative  relative_of  I’m a relative of someone with MS
    """
    if isinstance(texts, str):
        texts = [texts]
    series = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    labels = list(series.index)
    originals = ["" if (t is None or t is pd.NA) else str(t) for t in series.tolist()]
    joined = plain_text(_JOIN.join(originals))
    starts, offset = [], 0
    for text in originals:
        starts.append(offset)
        offset += len(text) + len(_JOIN)
    rows = []
    for cue in _text_cues():
        for match in cue.finditer(joined):
            if match.end() == match.start():
                continue
            which = bisect_right(starts, match.start()) - 1
            base = starts[which]
            start, end = match.start() - base, match.end() - base
            original = originals[which]
            if end > len(original):  # a match that ran over the separator
                continue
            if cue.cue_type != "phrase":
                left, right = _sentence_bounds(joined[base:base + len(original)], start, end)
                if not _in_scope(cue, joined[base + left:base + right]):
                    continue
            rows.append({"text_index": labels[which], "order": which, "role": cue.role,
                         "rule": cue.rule, "cue_type": cue.cue_type, "weight": cue.weight,
                         "start": start, "end": end,
                         "evidence": original[start:end].strip()})
    frame = pd.DataFrame(rows, columns=["text_index", "order", "role", "rule", "cue_type", "weight",
                                        "start", "end", "evidence"])
    frame = frame.sort_values(["order", "start", "end"], kind="stable").drop(columns="order")
    return frame.astype({"role": "string", "rule": "string", "cue_type": "string",
                         "weight": "float64", "start": "Int64", "end": "Int64",
                         "evidence": "string"}).reset_index(drop=True)


# -- codebook ---------------------------------------------------------------------------------
def read_role_codebook(path: str | Path) -> pd.DataFrame:
    """Read an editable CSV codebook of authors whose role the analyst knows.

    The file has a header ``author,role`` (and optionally ``note``); one author per line.
    A spreadsheet can write it (a UTF-8 byte-order mark is accepted).

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        Columns ``author``, ``role`` (ordered categorical), ``note``, ``line``.

    Raises
    ------
    ValueError
        When a column is missing, a role is not one of the five, an author is empty or
        listed twice with different roles; the message names the file and line.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "codebook.csv")
    >>> _ = open(path, "w").write("author,role,note\\nProfMyelin,researcher,blog team\\n")
    >>> read_role_codebook(path)[["author", "role", "line"]]
           author        role  line
    0  ProfMyelin  researcher     2
    """
    path = Path(path)
    records, seen = [], {}
    for line, row in _read_csv_rows(path, ("author", "role")):
        author = (row.get("author") or "").strip()
        role = (row.get("role") or "").strip().lower()
        if not author and not role:
            continue
        where = f"{path}, line {line}"
        if not author:
            raise ValueError(f"{where}: expected an author name; found an empty cell")
        if role not in ROLES:
            raise ValueError(
                f"{where}: expected a role in {', '.join(ROLES)}; found {row.get('role')!r}"
            )
        key = _SPACE.sub(" ", author).casefold()
        if key in seen and seen[key][1] != role:
            raise ValueError(
                f"{where}: {author!r} is listed again with role {role!r}; "
                f"line {seen[key][0]} gave {seen[key][1]!r}"
            )
        seen[key] = (line, role)
        records.append({"author": author, "role": role, "note": (row.get("note") or "").strip(),
                        "line": line})
    frame = pd.DataFrame(records, columns=["author", "role", "note", "line"])
    return frame.astype({"author": "string", "role": ROLE_DTYPE, "note": "string",
                         "line": "Int64"})


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
def _decision(role, confidence, rule, evidence, evidence_comment_id, source, competing=pd.NA):
    return {"role": role, "confidence": confidence, "rule": rule, "evidence": evidence,
            "evidence_comment_id": evidence_comment_id, "source": source,
            "competing": competing}


_UNKNOWN = _decision("unknown", 0.0, pd.NA, pd.NA, pd.NA, "none")


def _describe(hit: dict) -> str:
    """A losing cue, as shown in ``competing``: role, weight, rule, phrase, comment."""
    where = f" ({hit['comment_id']})" if hit["comment_id"] is not pd.NA else ""
    return f"{hit['role']} {hit['weight']:.2f} {hit['rule']}: {hit['evidence']!r}{where}"


def _decide(hits: list[dict]) -> dict:
    """One decision from all the cues of one author (or one anonymous comment)."""
    if not hits:
        return dict(_UNKNOWN)
    best: dict[str, dict] = {}
    for hit in hits:  # hits arrive in page order: the first of equal weight is kept
        current = best.get(hit["role"])
        if current is None or hit["weight"] > current["weight"]:
            best[hit["role"]] = hit
    ranked = sorted(best.values(), key=lambda h: -h["weight"])
    winner, others = ranked[0], ranked[1:]
    if others and others[0]["weight"] == winner["weight"]:
        return _decision("unknown", 0.0, "tie", pd.NA, pd.NA, "none",
                         "; ".join(map(_describe, ranked)))
    competing = "; ".join(map(_describe, others)) or pd.NA
    confidence = winner["weight"]
    if others:
        confidence *= winner["weight"] / (winner["weight"] + others[0]["weight"])
    source = "byline" if winner["rule"] == "byline" else "own_text"
    return _decision(winner["role"], round(confidence, 4), winner["rule"], winner["evidence"],
                     winner["comment_id"], source, competing)


def _check_corpus(corpus) -> None:
    if not isinstance(corpus, Corpus):
        raise TypeError(f"expected a msdiscourse Corpus; found {type(corpus).__name__}")


def _decisions(corpus: Corpus, known, codebook, blog_is_research: bool):
    """Decisions per author key and per anonymous comment."""
    comments = corpus.comments
    hits = find_role_cues(pd.Series(comments["text"].tolist(), index=comments["comment_id"].tolist()))
    keys = [author_key(a) for a in comments["author"].tolist()]
    key_of = dict(zip(comments["comment_id"].tolist(), keys))
    by_group: dict[tuple, list[dict]] = {}
    for row in hits.itertuples(index=False):
        comment_id = row.text_index
        group = ("author", key_of[comment_id]) if key_of[comment_id] else ("comment", comment_id)
        by_group.setdefault(group, []).append(
            {"role": row.role, "rule": row.rule, "weight": row.weight,
             "evidence": row.evidence, "comment_id": comment_id})
    if blog_is_research:
        byline = _cue("byline")
        for author in corpus.posts["author"].tolist():
            key = author_key(author)
            if key is None:
                continue
            hits_of = by_group.setdefault(("author", key), [])
            if not any(h["rule"] == "byline" for h in hits_of):
                hits_of.append({"role": byline.role, "rule": byline.rule, "weight": byline.weight,
                                "evidence": f"By {author}", "comment_id": pd.NA})
    decisions = {group: _decide(group_hits) for group, group_hits in by_group.items()}
    for key, decision in _overrides(known, codebook).items():
        text_based = decisions.get(("author", key))
        if text_based and text_based["role"] != decision["role"] and text_based["role"] != "unknown":
            decision = {**decision, "competing": (
                f"{text_based['role']} {text_based['rule']}: {text_based['evidence']!r}"
                + (f" ({text_based['evidence_comment_id']})"
                   if text_based["evidence_comment_id"] is not pd.NA else ""))}
        decisions[("author", key)] = decision
    return decisions, keys


def assign_roles(corpus: Corpus, *, known: Mapping[str, str] | None = None,
                 codebook: str | Path | pd.DataFrame | None = None,
                 blog_is_research: bool = True) -> pd.DataFrame:
    """Assign each comment a role on the evidence of what its author disclosed.

    Parameters
    ----------
    corpus
        The corpus (not changed).
    known
        ``{"author name": "role"}`` for authors whose role the analyst knows; it wins
        over every cue (rule ``known``, confidence 1).
    codebook
        An editable CSV codebook (path) or the frame :func:`read_role_codebook` returns;
        same effect as ``known`` (rule ``codebook``), and ``known`` wins over it.
    blog_is_research
        Treat every post's byline author as a researcher (rule ``byline``), as on a
        research group's blog. Set False for a patient community.

    Returns
    -------
    pandas.DataFrame
        One row per comment, in corpus order: ``comment_id``, ``post_id``, ``author``,
        ``role`` (ordered categorical :data:`~msdiscourse.categories.ROLE_DTYPE`),
        ``confidence`` (0-1; 0 for unknown), ``rule`` (the cue's rule in
        ``role_cues.csv``, ``byline``, ``known``, ``codebook`` or ``tie``), ``evidence``
        (the exact phrase, or where the user's knowledge came from), ``evidence_comment_id``
        (the comment the phrase is in: another comment of the same author when the role
        was carried over), ``source`` (``own_text``, ``same_author``, ``byline``,
        ``known``, ``codebook`` or ``none``) and ``competing`` (cues for other roles that
        lost, with their weights).

    Raises
    ------
    TypeError
        When ``corpus`` is not a Corpus.
    ValueError
        When ``known`` or the codebook names a role that does not exist.

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
    >>> roles[["comment_id", "role", "confidence", "rule", "evidence", "source"]]
      comment_id        role  confidence        rule        evidence    source
    0      p1.c1    relative         0.9  kin_has_ms  My wife has MS  own_text
    1      p1.c2  researcher         0.8      byline   By ProfMyelin    byline
    >>> assign_roles(corpus, known={"ProfMyelin": "other"}).loc[1, "evidence"]
    'known: ProfMyelin = other'
    """
    _check_corpus(corpus)
    comments = corpus.comments
    decisions, keys = _decisions(corpus, known, codebook, blog_is_research)
    rows = []
    for comment_id, key in zip(comments["comment_id"].tolist(), keys):
        group = ("author", key) if key else ("comment", comment_id)
        decision = dict(decisions.get(group, _UNKNOWN))
        carried = (decision["source"] == "own_text"
                   and decision["evidence_comment_id"] is not pd.NA
                   and decision["evidence_comment_id"] != comment_id)
        if carried:
            decision["source"] = "same_author"
            decision["confidence"] = round(decision["confidence"] * PROPAGATION_DISCOUNT, 4)
        rows.append({"comment_id": comment_id, **decision})
    frame = pd.DataFrame(rows, columns=["comment_id", "role", "confidence", "rule", "evidence",
                                        "evidence_comment_id", "source", "competing"])
    frame.insert(1, "post_id", comments["post_id"].to_numpy())
    frame.insert(2, "author", comments["author"].to_numpy())
    return _typed(frame, ROLE_COLUMNS)


def _typed(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    dtypes = {c: "string" for c in columns}
    dtypes.update({"role": ROLE_DTYPE, "confidence": "float64"})
    frame = frame[list(columns)]
    return frame.astype({c: dtypes[c] for c in columns}).reset_index(drop=True)


def post_roles(corpus: Corpus, *, known: Mapping[str, str] | None = None,
               codebook: str | Path | pd.DataFrame | None = None,
               blog_is_research: bool = True) -> pd.DataFrame:
    """Give each post's byline author a role, decided exactly as in :func:`assign_roles`.

    A byline author who also comments is pooled with their comments; a post without a
    byline is ``unknown``. This is the addressee role of a top-level comment in
    :func:`~msdiscourse.exchanges.reply_exchanges`.

    Parameters
    ----------
    corpus, known, codebook, blog_is_research
        As in :func:`assign_roles`.

    Returns
    -------
    pandas.DataFrame
        One row per post: ``post_id``, ``author``, ``role``, ``confidence``, ``rule``,
        ``evidence``, ``evidence_comment_id``, ``source``, ``competing``.

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
    _check_corpus(corpus)
    decisions, _ = _decisions(corpus, known, codebook, blog_is_research)
    rows = []
    for post_id, author in zip(corpus.posts["post_id"].tolist(), corpus.posts["author"].tolist()):
        key = author_key(author)
        decision = decisions.get(("author", key), _UNKNOWN) if key else _UNKNOWN
        rows.append({"post_id": post_id, "author": author, **decision})
    frame = pd.DataFrame(rows, columns=list(POST_ROLE_COLUMNS))
    return _typed(frame, POST_ROLE_COLUMNS)


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
        their comments), ``rule``, ``evidence``,
        ``evidence_comment_id``, ``is_anonymous``; ordered by role, then by the number
        of comments (most first), then by name.

    Examples
    --------
    >>> roles = pd.DataFrame({
    ...     "comment_id": ["c1", "c2", "c3", "c4"],
    ...     "author": ["Wendy", "Wendy", None, "Anonymous"],
    ...     "role": pd.Categorical(["patient", "patient", "unknown", "unknown"],
    ...                            dtype=ROLE_DTYPE),
    ...     "confidence": [0.95, 0.855, 0.0, 0.0], "rule": ["on_drug", "on_drug", None, None],
    ...     "evidence": ["I'm on Ocrevus", "I'm on Ocrevus", None, None],
    ...     "evidence_comment_id": ["c1", "c1", None, None]})
    >>> role_summary(roles)[["author", "role", "n_comments", "evidence", "is_anonymous"]]
      author     role  n_comments        evidence  is_anonymous
    0  Wendy  patient           2  I'm on Ocrevus         False
    1   <NA>  unknown           2            <NA>          True
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
        is_anonymous=("is_anonymous", "first")).reset_index()
    anonymous = summary["is_anonymous"].to_numpy(dtype=bool)
    summary.loc[anonymous, ["author", "rule", "evidence", "evidence_comment_id"]] = pd.NA
    summary.loc[anonymous, "confidence"] = summary.loc[anonymous, "mean_confidence"]
    summary["role"] = summary["role"].astype(ROLE_DTYPE)
    summary = summary.sort_values(["role", "is_anonymous", "n_comments", "_key"],
                                  ascending=[True, True, False, True], kind="stable")
    columns = ["author", "role", "n_comments", "confidence", "rule", "evidence",
               "evidence_comment_id", "is_anonymous"]
    return summary[columns].astype({
        "author": "string", "n_comments": "Int64", "confidence": "float64", "rule": "string",
        "evidence": "string", "evidence_comment_id": "string", "is_anonymous": "boolean",
    }).reset_index(drop=True)
