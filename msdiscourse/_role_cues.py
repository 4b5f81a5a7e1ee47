"""Role cues as data: the term lists, the cue table and the regexes built from them.

Everything :mod:`msdiscourse.roles` decides with lives in ``resources/``:

``role_cues.csv``
    one row per cue: role, rule, cue type, group (``diagnosis``, ``job`` or ``body``, for
    the conflict policy), pattern, weight, an example that must fire and a counter-example
    that must not.
``ms_terms.csv``, ``conditions.csv``, ``medicines.csv``, ``kinship.csv``, ``professions.csv``
    term lists (``term, kind, canonical, pattern, example, note``). A cue pattern names
    a list by a placeholder (``{condition}``, ``{drug}``, ``{kin}``, ...), which becomes a
    plain alternation of the listed patterns, longest first, so that "bulbar onset ALS"
    wins over "ALS".

Patterns are matched case-insensitively on text whose typographic apostrophes and odd
spaces were made plain (:func:`plain_text`, which keeps every offset).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from msdiscourse._regex import guard_first_character
from msdiscourse.categories import ROLES
from msdiscourse.paths import RESOURCES_DIR

__all__ = [
    "ROLE_CUES_PATH",
    "MS_TERMS_PATH",
    "TERM_PATHS",
    "CUE_TYPES",
    "CUE_GROUPS",
    "PLACEHOLDERS",
    "RoleCue",
    "load_terms",
    "load_ms_terms",
    "load_role_cues",
    "expand_placeholders",
    "plain_text",
    "term_canonical",
]

ROLE_CUES_PATH = RESOURCES_DIR / "role_cues.csv"
MS_TERMS_PATH = RESOURCES_DIR / "ms_terms.csv"
#: every term list, in the order their terms are looked up for ``detail``
TERM_PATHS: tuple[Path, ...] = (
    MS_TERMS_PATH,
    RESOURCES_DIR / "conditions.csv",
    RESOURCES_DIR / "medicines.csv",
    RESOURCES_DIR / "kinship.csv",
    RESOURCES_DIR / "professions.csv",
)

#: how a cue counts: on its own, or only inside a first-person sentence
CUE_TYPES: tuple[str, ...] = ("phrase", "self_term", "team_term", "byline", "anonymous_author")
#: conflict groups: a first-person ``diagnosis`` outweighs a ``job`` statement for patient;
#: a ``body`` statement (own body, equipment, care) alone loses to any relative cue
CUE_GROUPS: tuple[str, ...] = ("", "diagnosis", "job", "body")

#: the term kinds each placeholder in a role-cue pattern expands to
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "{drug}": ("drug", "treatment"),
    "{ms}": ("ms_course", "disease"),
    "{ms_course}": ("ms_course",),
    "{condition}": ("condition", "ms_course", "disease"),
    "{symptom}": ("symptom",),
    "{research_term}": ("research_term",),
    "{kin}": ("kin",),
    "{profession}": ("research",),
}

# Matching runs on a copy of the text with typographic apostrophes and odd spaces made
# plain; every replacement keeps the length, so spans point into the original text.
_PLAIN = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u2032", "'"),
          ("\u00a0", " "), ("\u202f", " "), ("\u2009", " "))


def plain_text(text: str) -> str:
    """Make typographic apostrophes and odd spaces plain, keeping every offset.

    >>> plain_text("I\u2019m on\u00a0Tysabri")
    "I'm on Tysabri"
    """
    for fancy, plain in _PLAIN:  # str.replace runs in C: far faster than str.translate
        text = text.replace(fancy, plain)
    return text


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


def _read_terms(path: Path) -> list[dict]:
    records = []
    for line, row in _read_csv_rows(path, ("term", "kind", "canonical", "pattern")):
        try:
            re.compile(row["pattern"], re.IGNORECASE)
        except re.error as error:
            raise ValueError(
                f"{path}, line {line}: expected a regular expression in 'pattern'; "
                f"found {row['pattern']!r} ({error})"
            ) from None
        records.append({**row, "line": line, "file": path.name})
    return records


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
        One row per term, in file order, with its ``line``.

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
    frame = pd.DataFrame(_read_terms(Path(path)))
    return frame.astype({"line": "Int64"})


@functools.cache
def load_terms(paths: tuple[str | Path, ...] = TERM_PATHS) -> pd.DataFrame:
    """Load every term list (MS terms, conditions, medicines, kinship, professions).

    Parameters
    ----------
    paths
        The CSV files, each with columns ``term, kind, canonical, pattern, example, note``.

    Returns
    -------
    pandas.DataFrame
        One row per term, with its ``file`` and ``line``.

    Raises
    ------
    ValueError
        When a file lacks a column or a pattern does not compile, naming file and line.

    Examples
    --------
    >>> terms = load_terms()
    >>> terms.loc[terms["term"] == "riluzole", ["kind", "file"]].values.tolist()
    [['drug', 'medicines.csv']]
    """
    records = [record for path in paths for record in _read_terms(Path(path))]
    return pd.DataFrame(records).astype({"line": "Int64"})


def _alternation(kinds: tuple[str, ...], terms: pd.DataFrame) -> str:
    """One non-capturing group of every pattern of these kinds, longest first."""
    patterns = terms.loc[terms["kind"].isin(kinds), "pattern"].tolist()
    # each pattern in its own group (its own '|' stays inside); the longest first, so
    # that "bulbar onset ALS" is preferred to "ALS" where both could match
    ordered = sorted(dict.fromkeys(patterns), key=len, reverse=True)
    return "(?:" + "|".join(f"(?:{p})" for p in ordered) + ")"


def expand_placeholders(pattern: str, terms: pd.DataFrame | None = None) -> str:
    """Replace each placeholder (``{drug}``, ``{condition}``, ``{kin}``, ...) by its term alternation.

    Parameters
    ----------
    pattern
        A role-cue pattern.
    terms
        The term lists (default: :func:`load_terms`).

    Returns
    -------
    str
        The pattern with each placeholder of :data:`PLACEHOLDERS` replaced by a
        non-capturing group.

    Examples
    --------
    >>> "riluzole" in expand_placeholders(r"\\bI'm on {drug}")
    True
    """
    terms = load_terms() if terms is None else terms
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
    group: str
    pattern: str
    regex: re.Pattern
    weight: float
    example: str
    counter_example: str
    line: int


@functools.cache
def load_role_cues(path: str | Path = ROLE_CUES_PATH) -> tuple[RoleCue, ...]:
    """Load and compile the role cues (``resources/role_cues.csv``), once.

    Parameters
    ----------
    path
        The CSV file (columns ``role, rule, cue_type, group, pattern, weight, example,
        counter_example, note``). Patterns may use the placeholders of
        :func:`expand_placeholders` and a named group ``detail`` (the words that go to
        the ``detail`` column); they are matched case-insensitively.

    Returns
    -------
    tuple of RoleCue

    Raises
    ------
    ValueError
        When a row has an unknown role, cue type or group, a weight outside 0-1 or a
        pattern that does not compile, naming the file and line.

    Examples
    --------
    >>> cues = load_role_cues()
    >>> next(c for c in cues if c.rule == "my_neuro").role
    'patient'
    """
    path = Path(path)
    terms = load_terms()
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
        group = (row.get("group") or "").strip()
        if group not in CUE_GROUPS:
            raise ValueError(
                f"{where}: expected a group in {', '.join(repr(g) for g in CUE_GROUPS)}; "
                f"found {group!r}"
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
        # the same matches, found about 1.5x faster over a corpus (see msdiscourse._regex)
        regex = re.compile(guard_first_character(expanded, re.IGNORECASE), re.IGNORECASE)
        cues.append(RoleCue(row["role"], row["rule"], row["cue_type"], group, row["pattern"],
                            regex, weight, row["example"], row.get("counter_example") or "",
                            line))
    return tuple(cues)


@functools.cache
def _term_finders(kinds: tuple[str, ...]) -> tuple[tuple[re.Pattern, str], ...]:
    terms = load_terms()
    rows = terms[terms["kind"].isin(kinds)]
    ordered = sorted(zip(rows["pattern"], rows["canonical"]), key=lambda r: -len(r[0]))
    return tuple((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), canonical)
                 for p, canonical in ordered)


def term_canonical(text: str, kinds: tuple[str, ...]) -> str | None:
    """The canonical name of the first listed term of these kinds in ``text`` (by position).

    >>> term_canonical("my hubby was diagnosed with bulbar onset ALS", ("condition",))
    'ALS'
    >>> term_canonical("my hubby was diagnosed", ("kin",))
    'husband'
    """
    best: tuple[int, int, str] | None = None
    for regex, canonical in _term_finders(tuple(kinds)):
        match = regex.search(text)
        if match and (best is None or (match.start(), -len(match.group())) < best[:2]):
            best = (match.start(), -len(match.group()), canonical)
    return best[2] if best else None
