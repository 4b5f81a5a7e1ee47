"""Sarcasm and irony markers: explainable spans, per-unit profiles, a small score on top.

Markers are optional signals of irony, not proof of it (Attardo 2000). :func:`find_markers`
returns every hit with its evidence (rule, span, matched text); :func:`marker_profile` counts
them per comment (or any unit); :func:`sarcasm_score` is a small logistic model over
length-normalised marker counts whose coefficients ship as data
(``resources/sarcasm_model.csv``); :func:`evaluate_markers` says how far each marker and the
model can be trusted on labelled data. The patterns are data too
(``resources/sarcasm_markers.csv``), in the categories of Ghosh & Muresan (2018).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from msdiscourse import _markers
from msdiscourse.categories import MARKER_CATEGORIES, MARKER_DTYPE

__all__ = [
    "load_marker_patterns",
    "find_markers",
    "marker_profile",
]

_MARKER_COLUMNS = ("category", "rule", "start", "end", "match")
_MORE_WORDS_RE = re.compile(r"\w")
_CLAUSE_END_RE = re.compile(r"[.!?…\n]")
_WORD_RE = re.compile(r"\w+(?:['’]\w+)*")


def load_marker_patterns(path: str | Path | None = None) -> pd.DataFrame:
    """Read the marker pattern table (``resources/sarcasm_markers.csv`` by default).

    Parameters
    ----------
    path
        Another pattern CSV with the columns category, rule, pattern, example,
        counter_example, note.

    Returns
    -------
    DataFrame
        One row per pattern, plus ``line`` (its line in the CSV). Several rows may share a
        rule; categories are those of :data:`msdiscourse.categories.MARKER_CATEGORIES`.

    Raises
    ------
    ParseError
        Naming the file and line of a bad header, an unknown category, a numbered
        back-reference or a pattern that does not compile.

    Examples
    --------
    >>> patterns = load_marker_patterns()
    >>> patterns.loc[patterns["rule"] == "tag_question", "example"].iloc[0]
    "That worked out well, didn't it?"
    """
    return _markers.read_marker_patterns(path)


@functools.cache
def _vader():
    # one analyzer, built on first use and never mutated afterwards
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@functools.lru_cache(maxsize=65536)
def _compound(text: str) -> float:
    return _vader().polarity_scores(text)["compound"]


def _as_frame(sentences_or_texts, text_column: str) -> pd.DataFrame:
    if isinstance(sentences_or_texts, pd.DataFrame):
        if text_column not in sentences_or_texts.columns:
            raise ValueError(
                f"expected a text column {text_column!r}; found columns "
                f"{list(sentences_or_texts.columns)} (pass text_column=...)"
            )
        return sentences_or_texts
    if isinstance(sentences_or_texts, str):
        raise TypeError("expected a DataFrame, a Series or a list of texts; found one str "
                        "(wrap a single text in a list)")
    if isinstance(sentences_or_texts, pd.Series):
        return sentences_or_texts.rename(text_column).to_frame()
    if not isinstance(sentences_or_texts, Iterable):
        raise TypeError(f"expected a DataFrame, a Series or a list of texts; found "
                        f"{type(sentences_or_texts).__name__}")
    return pd.Series(list(sentences_or_texts), dtype="string").rename(text_column).to_frame()


def _texts_to_scan(frame: pd.DataFrame, text_column: str) -> tuple[list[str], list[str]]:
    """Return the original texts and the texts to scan ('' for missing and quoted rows)."""
    originals = frame[text_column].astype("string").fillna("").tolist()
    if "is_quote" in frame.columns:
        quoted = frame["is_quote"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        return originals, ["" if is_quoted else text for text, is_quoted in zip(originals, quoted)]
    return originals, originals


def _later_sentence_in_comment(frame: pd.DataFrame) -> np.ndarray | None:
    """For sentence frames: whether the writer says more after each sentence in its comment."""
    if not {"comment_id", "n"} <= set(frame.columns):
        return None
    own = frame
    if "is_quote" in frame.columns:
        own = frame[~frame["is_quote"].astype("boolean").fillna(False)]
    last_n = own.groupby("comment_id", sort=False, observed=True)["n"].max()
    return (frame["n"] < frame["comment_id"].map(last_n)).fillna(False).to_numpy(dtype=bool)


def _clause(masked: str, start: int, end: int) -> str:
    before = max(masked.rfind(char, 0, start) for char in ".!?…\n") + 1
    after = _CLAUSE_END_RE.search(masked, end)
    return masked[before : after.end() if after else len(masked)].replace(_markers.MASK_CHAR, " ")


def find_markers(sentences_or_texts, *, text_column: str = "text") -> pd.DataFrame:
    """Find irony markers in sentences or texts, one row per hit with its evidence.

    URLs, e-mail addresses and quoted text (rows with ``is_quote`` true; text in quotation
    marks of four or more words) are masked first with characters of the same length, so
    ``text[start:end] == match`` always holds for the original text.

    Parameters
    ----------
    sentences_or_texts
        A DataFrame with a text column (a sentence table from ``split_sentences``, a comment
        table, ...), a Series of texts, or any iterable of strings.
    text_column
        The column holding the text, for DataFrames.

    Returns
    -------
    DataFrame
        Columns ``sentence_id`` (when the input has it; else ``text_index``, the input's
        index label), ``comment_id`` (when the input has it), ``category`` (ordered, from
        :data:`~msdiscourse.categories.MARKER_DTYPE`), ``rule``, ``start``, ``end``,
        ``match``; rows in input order, then by offset.

    Raises
    ------
    ValueError
        If a DataFrame lacks ``text_column``.
    TypeError
        If given a single string or something that is not a collection of texts.

    Notes
    -----
    Two rules look beyond their match. ``rhetorical_question`` counts a question only when
    the same writer goes on after it: later in the same text, or, for sentence tables with
    ``comment_id`` and ``n``, in a later sentence of the same comment.
    ``sentiment_contrast`` counts a negative situation (``resources/negative_situations.txt``)
    only in a sentence whose VADER compound is at least 0.3.

    Examples
    --------
    >>> hits = find_markers(["Oh great, another relapse. Just what I needed!!"])
    >>> hits[["rule", "start", "end", "match"]]
                     rule  start  end               match
    0        interjection      0    2                  Oh
    1      ironic_formula      0    8            Oh great
    2  sentiment_contrast     18   25             relapse
    3      ironic_formula     27   45  Just what I needed
    4     punctuation_run     45   47                  !!
    """
    frame = _as_frame(sentences_or_texts, text_column)
    originals, to_scan = _texts_to_scan(frame, text_column)
    positions, rows, starts, ends, masked = _markers.scan_texts(to_scan)
    patterns = _markers.read_marker_patterns()
    rules = patterns["rule"].to_numpy(dtype=object)[rows] if len(rows) else np.array([], dtype=object)
    categories = patterns["category"].to_numpy(dtype=object)[rows] if len(rows) else rules

    keep = np.ones(len(positions), dtype=bool)
    question_hits = np.flatnonzero(rules == "rhetorical_question")
    if len(question_hits):
        later = _later_sentence_in_comment(frame)
        for hit in question_hits:
            position = positions[hit]
            goes_on = _MORE_WORDS_RE.search(masked[position], int(ends[hit])) is not None
            keep[hit] = goes_on or (later is not None and later[position])
    for hit in np.flatnonzero(rules == "sentiment_contrast"):
        clause = _clause(masked[positions[hit]], int(starts[hit]), int(ends[hit]))
        keep[hit] = _compound(clause) >= _markers.CONTRAST_THRESHOLD
    positions, starts, ends = positions[keep], starts[keep], ends[keep]
    rules, categories = rules[keep], categories[keep]

    matches = [originals[p][s:e] for p, s, e in zip(positions.tolist(), starts.tolist(), ends.tolist())]
    # a pattern may take in the spaces before its first word: report the words only
    stripped = [match.lstrip() for match in matches]
    starts = starts + np.fromiter((len(a) - len(b) for a, b in zip(matches, stripped)),
                                  dtype=np.int64, count=len(matches))
    matches = [match.rstrip() for match in stripped]
    ends = starts + np.fromiter(map(len, matches), dtype=np.int64, count=len(matches))

    hits = pd.DataFrame(
        {
            "position": positions,
            "category": pd.Categorical(categories, dtype=MARKER_DTYPE),
            "rule": pd.array(rules, dtype="string"),
            "start": pd.array(starts, dtype="Int64"),
            "end": pd.array(ends, dtype="Int64"),
            "match": pd.array(matches, dtype="string"),
        }
    ).sort_values(["position", "start", "category", "end"], kind="stable")
    taken = hits["position"].to_numpy()
    columns: dict[str, object] = {}
    if "sentence_id" in frame.columns:
        columns["sentence_id"] = frame["sentence_id"].take(taken).reset_index(drop=True)
    else:
        columns["text_index"] = pd.Series(frame.index.take(taken))
    if "comment_id" in frame.columns:
        columns["comment_id"] = frame["comment_id"].take(taken).reset_index(drop=True)
    for column in _MARKER_COLUMNS:
        columns[column] = hits[column].reset_index(drop=True)
    return pd.DataFrame(columns)


def count_words(texts: pd.Series) -> pd.Series:
    """Count words (letters/digits, with inner apostrophes) in each text; missing counts 0.

    Examples
    --------
    >>> count_words(pd.Series(["Don't be so sure...", None])).tolist()
    [4, 0]
    """
    return texts.astype("string").str.count(_WORD_RE.pattern).fillna(0).astype("Int64")


def marker_profile(
    markers: pd.DataFrame,
    units: pd.DataFrame,
    *,
    by: str = "comment_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Count markers per unit (comment, author, ...): per category, per 100 words, any.

    Parameters
    ----------
    markers
        Output of :func:`find_markers`.
    units
        The table the markers were found in (or a coarser one) with ``by`` and
        ``text_column``: comments, or sentences (several rows per unit are summed). Rows with
        ``is_quote`` true do not count towards ``n_words``: markers are never found there.
    by
        The unit column. If ``markers`` lacks it, hits are mapped to units through
        ``sentence_id`` or ``text_index`` (the index of ``units``).
    text_column
        Column of ``units`` holding the text.

    Returns
    -------
    DataFrame
        One row per unit, in order of first appearance, units without hits included:
        ``by``, ``n_words``, ``n_markers``, ``markers_per_100_words`` (missing when a unit
        has no words), ``has_any``, then ``n_<category>`` for every category.

    Raises
    ------
    ValueError
        If ``units`` lacks ``by`` or ``text_column``, or hits cannot be mapped to units.

    Examples
    --------
    >>> comments = pd.DataFrame({"comment_id": ["c1", "c2"],
    ...                          "text": ["Oh great. Thanks a lot!", "The trial starts in May."]})
    >>> profile = marker_profile(find_markers(comments), comments)
    >>> profile[["comment_id", "n_words", "n_markers", "has_any", "n_formula"]]
      comment_id  n_words  n_markers  has_any  n_formula
    0         c1        5          4     True          2
    1         c2        5          0    False          0
    """
    for column in (by, text_column):
        if column not in units.columns:
            raise ValueError(f"expected a column {column!r} in units; found {list(units.columns)}")
    words = count_words(units[text_column])
    if "is_quote" in units.columns:
        words = words.where(~units["is_quote"].astype("boolean").fillna(False), 0)
    n_words = words.groupby(units[by], sort=False, observed=True).sum()

    if by in markers.columns:
        unit_of_hit = markers[by]
    elif "sentence_id" in markers.columns and "sentence_id" in units.columns:
        unit_of_hit = markers["sentence_id"].map(units.drop_duplicates("sentence_id").set_index("sentence_id")[by])
    elif "text_index" in markers.columns:
        unit_of_hit = markers["text_index"].map(units[by])
    else:
        raise ValueError(f"cannot map markers to units: markers have none of {by!r}, "
                         f"'sentence_id' or 'text_index'")
    counts = (
        pd.crosstab(unit_of_hit.to_numpy(), markers["category"].astype(MARKER_DTYPE), dropna=False)
        if len(markers) else pd.DataFrame(columns=list(MARKER_CATEGORIES))
    )
    counts = counts.reindex(index=n_words.index, columns=list(MARKER_CATEGORIES), fill_value=0)
    counts = counts.fillna(0).astype("Int64")
    counts.columns = [f"n_{category}" for category in MARKER_CATEGORIES]
    profile = pd.DataFrame({by: n_words.index, "n_words": n_words.to_numpy()})
    profile["n_words"] = profile["n_words"].astype("Int64")
    profile["n_markers"] = counts.sum(axis=1).to_numpy()
    profile["n_markers"] = profile["n_markers"].astype("Int64")
    rate = profile["n_markers"].astype("Float64") * 100 / profile["n_words"].astype("Float64")
    profile["markers_per_100_words"] = rate.where(profile["n_words"] > 0)
    profile["has_any"] = (profile["n_markers"] > 0).astype(bool)
    for column in counts.columns:
        profile[column] = pd.array(counts[column].to_numpy(), dtype="Int64")
    return profile
