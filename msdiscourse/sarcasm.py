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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from msdiscourse import _markers
from msdiscourse.categories import MARKER_CATEGORIES, MARKER_DTYPE

__all__ = [
    "load_marker_patterns",
    "find_markers",
    "marker_profile",
    "count_words",
    "sarcasm_score",
    "train_sarcasm_model",
    "train_from_file",
    "load_labelled",
    "evaluate_markers",
    "cross_domain",
    "MarkerEvaluation",
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
    """For sentence frames: whether the writer says more after each sentence in its comment.

    Sentences of the post body (no ``comment_id``) are grouped by ``post_id`` instead.
    """
    if not {"comment_id", "n"} <= set(frame.columns):
        return None
    unit = frame["comment_id"].astype("string")
    if "post_id" in frame.columns:
        unit = unit.fillna("post:" + frame["post_id"].astype("string"))
    own = pd.Series(True, index=frame.index)
    if "is_quote" in frame.columns:
        own = ~frame["is_quote"].astype("boolean").fillna(False)
    last_n = frame["n"][own].groupby(unit[own], sort=False).max()
    return (frame["n"] < unit.map(last_n)).fillna(False).to_numpy(dtype=bool)


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
    2           hyperbole      3    8               great
    3  sentiment_contrast     18   25             relapse
    4      ironic_formula     27   45  Just what I needed
    5     punctuation_run     45   47                  !!
    """
    return _find(_as_frame(sentences_or_texts, text_column), text_column).drop(columns="pattern_row")


def _find(frame: pd.DataFrame, text_column: str) -> pd.DataFrame:
    """``find_markers`` plus ``pattern_row``: the row of the pattern table behind each hit."""
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
    positions, starts, ends, rows = positions[keep], starts[keep], ends[keep], rows[keep]
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
            "pattern_row": rows,
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
    for column in (*_MARKER_COLUMNS, "pattern_row"):
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
    0         c1        5          5     True          2
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


# -- labelled data -------------------------------------------------------------------------

_FORUM_HEADER = ["class", "id", "text"]
_FORUM_LABELS = {"sarc": 1, "notsarc": 0}
_TWEET_HEADER = ["Tweet index", "Label", "Tweet text"]


def load_labelled(path: str | Path) -> tuple[pd.Series, pd.Series]:
    """Read a labelled irony set: Sarcasm Corpus V2 CSV or SemEval-2018 Task 3 TSV.

    Parameters
    ----------
    path
        ``class,id,text`` CSV with labels ``sarc``/``notsarc`` (Oraby et al. 2016), or a
        tab-separated ``Tweet index, Label, Tweet text`` file with task A labels 0/1
        (Van Hee et al. 2018). The format is told by the header.

    Returns
    -------
    texts : Series of string
        Indexed by the file's own id.
    labels : Series of Int64
        1 for ironic/sarcastic, 0 otherwise, same index.

    Raises
    ------
    ParseError
        For an unknown header, a row with the wrong number of fields, or an unknown label,
        naming the file and line.

    Examples
    --------
    >>> texts, labels = load_labelled("../shared/corpus/labelled/sarcasm_v2_gen/GEN-sarc-notsarc.csv")  # doctest: +SKIP
    >>> len(texts), int(labels.sum())  # doctest: +SKIP
    (6520, 3260)
    """
    import csv

    from msdiscourse.errors import ParseError

    path = Path(path)
    with open(path, newline="", encoding="utf-8") as handle:
        first = handle.readline().rstrip("\r\n")
        ids, texts, labels = [], [], []
        if first.split(",") == _FORUM_HEADER:
            reader = csv.reader(handle)
            line = 2
            for row in reader:
                if len(row) != 3:
                    raise ParseError(str(path), line, expected="3 fields (class,id,text)",
                                     found=f"{len(row)}", remedy=None)
                if row[0] not in _FORUM_LABELS:
                    raise ParseError(str(path), line, expected="class sarc or notsarc",
                                     found=repr(row[0]), remedy=None)
                ids.append(row[1])
                labels.append(_FORUM_LABELS[row[0]])
                texts.append(row[2])
                line = reader.line_num + 2
        elif first.split("\t") == _TWEET_HEADER:
            for line, raw in enumerate(handle, start=2):
                fields = raw.rstrip("\r\n").split("\t", 2)
                if len(fields) != 3:
                    raise ParseError(str(path), line, expected="3 tab-separated fields",
                                     found=f"{len(fields)}", remedy=None)
                if fields[1] not in ("0", "1"):
                    raise ParseError(str(path), line, expected="label 0 or 1",
                                     found=repr(fields[1]), remedy=None)
                ids.append(fields[0])
                labels.append(int(fields[1]))
                texts.append(fields[2])
        else:
            raise ParseError(str(path), 1,
                             expected="the header class,id,text or Tweet index<TAB>Label<TAB>Tweet text",
                             found=repr(first[:80]), remedy=None)
    index = pd.Index(ids, dtype="string", name="id")
    return (pd.Series(texts, index=index, dtype="string", name="text"),
            pd.Series(labels, index=index, dtype="Int64", name="label"))


# -- features and the model ----------------------------------------------------------------

MODEL_CSV = _markers.RESOURCES_DIR / "sarcasm_model.csv"
_RATE_PREFIX = "per_100_words_"


def _rules() -> list[str]:
    return list(dict.fromkeys(_markers.read_marker_patterns()["rule"]))


def _features_from_markers(markers: pd.DataFrame, n_words: np.ndarray) -> pd.DataFrame:
    """Per text: markers per 100 words in every category (texts are positions 0..n-1).

    Categories rather than rules: seven coefficients with support on both labelled sets
    travel across domains better than twenty-odd sparse ones (see the README figures).
    """
    counts = np.zeros((len(n_words), len(MARKER_CATEGORIES)), dtype=np.float64)
    if len(markers):
        rows = markers["text_index"].to_numpy(dtype=np.int64)
        columns = markers["category"].astype(MARKER_DTYPE).cat.codes.to_numpy(dtype=np.int64)
        np.add.at(counts, (rows, columns), 1.0)
    per_100 = counts * 100.0 / np.maximum(n_words, 1)[:, None]
    return pd.DataFrame(per_100, columns=[_RATE_PREFIX + category for category in MARKER_CATEGORIES])


def _prepare(texts) -> tuple[pd.Series, pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Texts as a Series (index kept), marker features, word counts and hits, in one pass."""
    series = _as_frame(texts, "text")["text"].astype("string")
    positional = series.reset_index(drop=True)
    markers = _find(positional.to_frame(), "text")
    n_words = count_words(positional).to_numpy(dtype=np.float64)
    return series, _features_from_markers(markers, n_words), n_words, markers


def _fit(features: pd.DataFrame, labels: np.ndarray, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(features.to_numpy(), labels)


def train_sarcasm_model(texts, labels, *, seed: int = 0, trained_on: str = "") -> pd.DataFrame:
    """Fit the marker model and return its coefficients as a table (the shipped format).

    Parameters
    ----------
    texts
        Series or list of texts.
    labels
        1/0 (or True/False) per text, same length.
    seed
        Random state handed to the solver, recorded in the table.
    trained_on
        Name of the training set, recorded in the table.

    Returns
    -------
    DataFrame
        ``feature`` (``intercept`` first, then ``per_100_words_<category>``), ``coefficient``
        (rounded to 6 decimals so the same data give a byte-identical CSV), ``trained_on``,
        ``n_texts``, ``seed``.

    Raises
    ------
    ValueError
        If texts and labels differ in length or labels are not binary.

    Examples
    --------
    >>> model = train_sarcasm_model(["Oh great!!", "Yeah right, sooo clever.", "It is on Monday.",
    ...                              "The dose was 20 mg."], [1, 1, 0, 0])
    >>> model["feature"].tolist()[:3]
    ['intercept', 'per_100_words_trope', 'per_100_words_morphosyntactic']
    >>> model.loc[model["feature"] == "per_100_words_formula", "coefficient"].item() > 0
    True
    """
    series, features, _, _ = _prepare(texts)
    target = _binary_labels(labels, len(series))
    fitted = _fit(features, target, seed)
    coefficients = np.round(np.concatenate([fitted.intercept_, fitted.coef_[0]]), 6) + 0.0
    return pd.DataFrame({
        "feature": pd.array(["intercept", *features.columns], dtype="string"),
        "coefficient": coefficients,
        "trained_on": pd.array([trained_on] * len(coefficients), dtype="string"),
        "n_texts": pd.array([len(series)] * len(coefficients), dtype="Int64"),
        "seed": pd.array([seed] * len(coefficients), dtype="Int64"),
    })


def _binary_labels(labels, n_texts: int) -> np.ndarray:
    values = pd.Series(list(labels) if not isinstance(labels, pd.Series) else labels)
    if len(values) != n_texts:
        raise ValueError(f"expected one label per text ({n_texts}); found {len(values)}")
    as_int = pd.to_numeric(values.astype("object").replace({True: 1, False: 0}), errors="coerce")
    if as_int.isna().any() or not set(as_int.unique()) <= {0, 1}:
        raise ValueError(f"expected labels 0/1 or True/False; found {sorted(map(str, values.unique()))[:5]}")
    return as_int.to_numpy(dtype=np.int64)


@functools.cache
def _shipped_model() -> pd.DataFrame:
    return pd.read_csv(MODEL_CSV, dtype={"feature": "string"})


def _apply(model: pd.DataFrame, features: pd.DataFrame) -> np.ndarray:
    weights = model.set_index("feature")["coefficient"]
    missing = [name for name in weights.index[1:] if name not in features.columns]
    if missing or weights.index[0] != "intercept":
        raise ValueError(f"expected model features intercept and per_100_words_<category>; "
                         f"found {missing or [weights.index[0]]} (re-run msdiscourse sarcasm-train)")
    logit = weights.iloc[0] + features[list(weights.index[1:])].to_numpy() @ weights.iloc[1:].to_numpy()
    return 1.0 / (1.0 + np.exp(-logit))


def sarcasm_score(texts, *, model: pd.DataFrame | None = None) -> pd.Series:
    """Return the probability that each text is ironic, from marker rates alone.

    Parameters
    ----------
    texts
        Series (its index is kept), DataFrame with a ``text`` column, or list of texts.
    model
        Coefficients from :func:`train_sarcasm_model`; default: the shipped
        ``resources/sarcasm_model.csv``.

    Returns
    -------
    Series of float
        Probabilities in (0, 1), named ``sarcasm_score``. Length is never a feature: only
        markers per 100 words in each category enter the model.

    Notes
    -----
    The shipped model was trained on whole debate-forum posts (median 26-43 words). In a
    short sentence a single marker is already a high rate and drives the probability
    towards 1: score comments, not sentences, and read the markers behind a high score.

    Examples
    --------
    >>> scores = sarcasm_score(pd.Series(["Oh great, another relapse. Just what I needed!!",
    ...                                   "The trial starts in May."], index=["c1", "c2"]))
    >>> bool(scores["c1"] > scores["c2"]), scores.index.tolist()
    (True, ['c1', 'c2'])
    """
    series, features, _, _ = _prepare(texts)
    probabilities = _apply(_shipped_model() if model is None else model, features)
    return pd.Series(probabilities, index=series.index, name="sarcasm_score", dtype="float64")


# -- evaluation ----------------------------------------------------------------------------


@dataclass
class MarkerEvaluation:
    """How far each marker, and the marker model, can be trusted on one labelled set.

    Attributes
    ----------
    per_marker : DataFrame
        Per rule: ``category``, ``rule``, ``support`` (texts with at least one hit),
        ``n_hits``, ``precision`` (share of those texts that are ironic), ``base_rate``,
        ``lift`` (precision / base rate; above 1: the marker is more common in irony),
        ``dataset`` (the ``name`` given: concatenate two reports' tables and pass them to
        :func:`msdiscourse.plotting.plot_marker_evaluation`).
    per_pattern : DataFrame
        The same per row of ``sarcasm_markers.csv`` (``line`` is its line there).
    models : DataFrame
        Per model (``markers``, ``length_only``, ``all_positive``): ``f1_ironic``,
        ``macro_f1``, ``roc_auc`` from out-of-fold predictions of stratified CV, and
        ``roc_auc_same_length``: the mean AUC within word-count quintiles (what the model
        knows beyond length; length alone scores near 0.5 there).
    n_texts, base_rate, folds, seed, name
        What was evaluated.
    """

    per_marker: pd.DataFrame
    per_pattern: pd.DataFrame
    models: pd.DataFrame
    n_texts: int
    base_rate: float
    folds: int
    seed: int
    name: str = ""

    def __str__(self) -> str:
        title = f"Irony markers on {self.name or 'labelled texts'}: {self.n_texts} texts, " \
                f"base rate {self.base_rate:.3f}, {self.folds}-fold stratified CV (seed {self.seed})"
        per_marker = self.per_marker.drop(columns="dataset").to_string(
            index=False, float_format=lambda x: f"{x:.3f}")
        models = self.models.to_string(index=False, float_format=lambda x: f"{x:.3f}")
        return f"{title}\n\nPer marker:\n{per_marker}\n\nModels:\n{models}"


def _auc(labels: np.ndarray, probabilities: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, probabilities)) if len(set(labels)) == 2 else float("nan")


def _scores(labels: np.ndarray, probabilities: np.ndarray, n_words: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score

    predicted = (probabilities >= 0.5).astype(int)
    # AUC among texts of similar length (word-count quintiles), averaged: what a score
    # knows beyond length. Length alone scores near 0.5 here whatever it does overall.
    quintile = pd.qcut(n_words, 5, labels=False, duplicates="drop")
    within = [_auc(labels[quintile == q], probabilities[quintile == q]) for q in np.unique(quintile)]
    return {
        "f1_ironic": float(f1_score(labels, predicted, pos_label=1, zero_division=0)),
        "macro_f1": float(f1_score(labels, predicted, average="macro", zero_division=0)),
        "roc_auc": _auc(labels, probabilities),
        "roc_auc_same_length": float(np.nanmean(within)),
    }


def _length_feature(n_words: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"log_words": np.log1p(n_words)})


def _model_table(labels: np.ndarray, n_words: np.ndarray, predictions: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = [{"model": name, **_scores(labels, probabilities, n_words)}
            for name, probabilities in predictions.items()]
    table = pd.DataFrame(rows)
    table["model"] = table["model"].astype("string")
    return table


def _lift_row(hits: pd.DataFrame, labels: np.ndarray, base_rate: float) -> dict:
    texts_hit = np.unique(hits["text_index"].to_numpy(dtype=np.int64))
    precision = float(labels[texts_hit].mean()) if len(texts_hit) else float("nan")
    return {"support": len(texts_hit), "n_hits": len(hits), "precision": precision,
            "base_rate": base_rate, "lift": precision / base_rate if base_rate else float("nan")}


def _per_pattern(markers: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    base_rate = float(labels.mean())
    patterns = _markers.read_marker_patterns()
    rows = [{"line": patterns.loc[row, "line"], "category": patterns.loc[row, "category"],
             "rule": patterns.loc[row, "rule"],
             **_lift_row(markers[markers["pattern_row"] == row], labels, base_rate)}
            for row in patterns.index]
    table = pd.DataFrame(rows)
    table["category"] = table["category"].astype(MARKER_DTYPE)
    table["rule"] = table["rule"].astype("string")
    table[["line", "support", "n_hits"]] = table[["line", "support", "n_hits"]].astype("Int64")
    return table


def _per_marker(markers: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    base_rate = float(labels.mean())
    patterns = _markers.read_marker_patterns().drop_duplicates("rule").set_index("rule")
    rows = []
    for rule in _rules():
        hits = markers[markers["rule"] == rule]
        texts_hit = np.unique(hits["text_index"].to_numpy(dtype=np.int64))
        precision = float(labels[texts_hit].mean()) if len(texts_hit) else float("nan")
        rows.append({
            "category": patterns.loc[rule, "category"], "rule": rule,
            "support": len(texts_hit), "n_hits": len(hits), "precision": precision,
            "base_rate": base_rate, "lift": precision / base_rate if base_rate else float("nan"),
        })
    table = pd.DataFrame(rows)
    table["category"] = table["category"].astype(MARKER_DTYPE)
    table["rule"] = table["rule"].astype("string")
    table[["support", "n_hits"]] = table[["support", "n_hits"]].astype("Int64")
    return table


def evaluate_markers(texts, labels, *, folds: int = 5, seed: int = 0, name: str = "") -> MarkerEvaluation:
    """Measure each marker's lift and the marker model's F1 and ROC-AUC beside baselines.

    Parameters
    ----------
    texts
        Series or list of texts.
    labels
        1 (ironic) / 0 per text.
    folds
        Stratified cross-validation folds (shuffled with ``seed``).
    seed
        Seed for the fold split and the solver.
    name
        Name of the set, for the printed report.

    Returns
    -------
    MarkerEvaluation
        ``per_marker`` and ``models`` tables; ``print()`` it for a report. The baselines
        are ``all_positive`` (predict irony for every text) and ``length_only`` (a logistic
        model on log word count: the confound the markers must beat).

    Raises
    ------
    ValueError
        If labels are not binary or do not match the texts.

    Examples
    --------
    >>> texts, labels = load_labelled("../shared/corpus/labelled/sarcasm_v2_gen/GEN-sarc-notsarc.csv")  # doctest: +SKIP
    >>> report = evaluate_markers(texts, labels, name="forum")  # doctest: +SKIP
    >>> print(report)  # doctest: +SKIP
    """
    from sklearn.model_selection import StratifiedKFold

    series, features, n_words, markers = _prepare(texts)
    target = _binary_labels(labels, len(series))
    markers_oof = np.zeros(len(target))
    length_oof = np.zeros(len(target))
    length = _length_feature(n_words)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(features, target):
        markers_oof[test] = _fit(features.iloc[train], target[train], seed).predict_proba(
            features.iloc[test].to_numpy())[:, 1]
        length_oof[test] = _fit(length.iloc[train], target[train], seed).predict_proba(
            length.iloc[test].to_numpy())[:, 1]
    models = _model_table(target, n_words, {
        "markers": markers_oof,
        "length_only": length_oof,
        "all_positive": np.ones(len(target)),
    })
    return MarkerEvaluation(
        per_marker=_per_marker(markers, target).assign(dataset=name),
        per_pattern=_per_pattern(markers, target).assign(dataset=name),
        models=models, n_texts=len(target),
        base_rate=float(target.mean()), folds=folds, seed=seed, name=name,
    )


def cross_domain(train, test, *, seed: int = 0) -> pd.DataFrame:
    """Train on one labelled set and evaluate on another: does the model travel?

    Parameters
    ----------
    train, test
        ``(texts, labels)`` pairs, or paths readable by :func:`load_labelled`.
    seed
        Solver seed.

    Returns
    -------
    DataFrame
        One row per model (``markers``, ``length_only``, ``all_positive``) with
        ``f1_ironic``, ``macro_f1``, ``roc_auc``, ``roc_auc_same_length`` on the test set.

    Examples
    --------
    >>> cross_domain("forum.csv", "tweets.txt")  # doctest: +SKIP
    """
    (train_texts, train_labels), (test_texts, test_labels) = (
        load_labelled(part) if isinstance(part, (str, Path)) else part for part in (train, test))
    _, train_features, train_words, _ = _prepare(train_texts)
    _, test_features, test_words, _ = _prepare(test_texts)
    train_target = _binary_labels(train_labels, len(train_features))
    test_target = _binary_labels(test_labels, len(test_features))
    markers_model = _fit(train_features, train_target, seed)
    length_model = _fit(_length_feature(train_words), train_target, seed)
    return _model_table(test_target, test_words, {
        "markers": markers_model.predict_proba(test_features.to_numpy())[:, 1],
        "length_only": length_model.predict_proba(_length_feature(test_words).to_numpy())[:, 1],
        "all_positive": np.ones(len(test_target)),
    })


def _set_name(path: Path) -> str:
    """A path relative to the shared corpus when it is there (no user directories in data)."""
    from msdiscourse.paths import SHARED_CORPUS

    try:
        return path.resolve().relative_to(SHARED_CORPUS.resolve() / "labelled").as_posix()
    except ValueError:
        return path.name


def train_from_file(path: str | Path, output: str | Path | None = None, seed: int = 0) -> str:
    """Re-derive the model coefficients from a labelled file; write them if asked.

    Parameters
    ----------
    path
        A labelled file readable by :func:`load_labelled`.
    output
        Where to write the coefficients CSV (``resources/sarcasm_model.csv`` is the shipped
        one); ``None`` only reports.
    seed
        Solver seed, recorded in the CSV. The same file and seed give a byte-identical CSV.

    Returns
    -------
    str
        A printable report: the set, its size, the coefficients, and where they went.

    Raises
    ------
    ParseError
        If the file is not a labelled set in a known format.

    Examples
    --------
    >>> print(train_from_file("GEN-sarc-notsarc.csv", output="model.csv"))  # doctest: +SKIP
    """
    path = Path(path)
    texts, labels = load_labelled(path)
    model = train_sarcasm_model(texts, labels, seed=seed, trained_on=_set_name(path))
    lines = [f"trained on {_set_name(path)}: {len(texts)} texts, {int(labels.sum())} ironic, seed {seed}",
             model[["feature", "coefficient"]].to_string(index=False, float_format=lambda x: f"{x:+.4f}")]
    if output is not None:
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        model.to_csv(output, index=False, lineterminator="\n", float_format="%.6f")
        lines.append(f"coefficients written to {output}")
    return "\n".join(lines)
