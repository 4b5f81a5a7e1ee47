"""Labelled irony sets, training the sarcasm models, and measuring how far they can be trusted.

:func:`load_labelled` reads the two public formats (Sarcasm Corpus V2, SemEval-2018 Task 3);
:func:`learn_situations` bootstraps positive phrases and negative situations from labelled
irony (Riloff et al. 2013); :func:`train_sarcasm_model` fits one of the three models of
:func:`msdiscourse.sarcasm_score`; :func:`evaluate_markers`, :func:`cross_domain` and
:func:`evaluation_table` report, for every model, cross-validated AUC and F1, AUC within
length quintiles, and the length-only baseline. Every cross-validated figure is from models
(vocabulary and learned situations included) fitted on the training folds only.
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from msdiscourse import _markers
from msdiscourse.categories import MARKER_DTYPE
from msdiscourse.errors import ParseError
from msdiscourse.sarcasm import (
    _LENGTH_TERMS,
    _LINK_TERMS,
    _MARKER_TERMS,
    _TONE_TERMS,
    MODELS,
    TextFeatures,
    _logits,
    _polarity,
    ngram_shrinkage,
    ngram_vectorizers,
    text_features,
)

__all__ = [
    "load_labelled",
    "learn_situations",
    "train_sarcasm_model",
    "train_from_file",
    "evaluate_markers",
    "cross_domain",
    "evaluation_table",
    "MarkerEvaluation",
    "NGRAM_MIN_DF",
    "NONNEGATIVE_MARKERS",
    "COMBINED_MARKERS_WEIGHT",
]

#: an n-gram enters a model only if at least this many training texts contain it: short,
#: frequent n-grams, none of which can reconstruct a text of the (non-redistributable) sets
NGRAM_MIN_DF = 5
#: n-grams whose weight is smaller than this are dropped from a trained table (compact
#: resource); cross-validation drops them the same way
MIN_WEIGHT = 0.05
#: models whose marker terms may only count for irony (weight >= 0); ``combined`` takes its
#: marker terms from the ``markers`` model
NONNEGATIVE_MARKERS: tuple[str, ...] = ("markers", "combined")
#: the ``combined`` model is the ``ngrams`` model plus this times the ``markers`` model (a
#: weight chosen by cross-validation inside the training folds of both labelled sets: see
#: docs/sarcasm-models.md)
COMBINED_MARKERS_WEIGHT = 0.375

_FORUM_HEADER = ["class", "id", "text"]
_FORUM_LABELS = {"sarc": 1, "notsarc": 0}
_TWEET_HEADER = ["Tweet index", "Label", "Tweet text"]


def load_labelled(path) -> tuple[pd.Series, pd.Series]:
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
    >>> import io, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "set.csv"
    >>> _ = path.write_text("class,id,text\\nsarc,1,Oh great.\\nnotsarc,2,It is on Monday.\\n")
    >>> texts, labels = load_labelled(path)
    >>> texts.tolist(), labels.tolist()
    (['Oh great.', 'It is on Monday.'], [1, 0])
    """
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


def _binary_labels(labels, n_texts: int) -> np.ndarray:
    values = pd.Series(list(labels) if not isinstance(labels, pd.Series) else labels)
    if len(values) != n_texts:
        raise ValueError(f"expected one label per text ({n_texts}); found {len(values)}")
    as_int = pd.to_numeric(values.astype("object").replace({True: 1, False: 0}), errors="coerce")
    if as_int.isna().any() or not set(as_int.unique()) <= {0, 1}:
        raise ValueError(f"expected labels 0/1 or True/False; found {sorted(map(str, values.unique()))[:5]}")
    return as_int.to_numpy(dtype=np.int64)


def _text_list(texts) -> list[str]:
    return pd.Series(list(texts), dtype="string").fillna("").tolist()


# -- learned situations (Riloff et al. 2013) -----------------------------------------------

_CLAUSE_WORDS_RE = re.compile(r"[^.!?…\n]+")
_TOKEN_RE = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_STOP = frozenset(
    "a an the to of and or in on at for with my your our his her their it its this that is am "
    "are was be been being i you we he she they me us them so just really very all some more "
    "when what how as by from about up out get got do does did have has had not no can will".split())


def learn_situations(texts, labels, *, seeds=("love",), rounds: int = 2, min_count: int = 3,
                     min_precision: float = 0.75, learned_from: str = "") -> pd.DataFrame:
    """Bootstrap positive phrases and negative situations from labelled irony.

    As Riloff et al. (2013): start from a seed positive phrase ("love"); the one- to
    three-word phrases that follow a known positive phrase in the same clause of ironic
    texts become candidate situations, kept when at least ``min_count`` texts have them
    there and at least ``min_precision`` of those texts are ironic; then the words that
    precede known situations in ironic texts become candidate positive phrases, kept by the
    same rule and only if VADER rates them positive. Situations that VADER rates positive,
    or that consist of function words only, are dropped.

    Parameters
    ----------
    texts, labels
        Labelled texts (1 = ironic).
    seeds
        The starting positive phrases.
    rounds
        How many times to alternate the two steps.
    min_count, min_precision
        The rule for keeping a phrase.
    learned_from
        Provenance recorded in each row.

    Returns
    -------
    DataFrame
        ``kind`` (``positive`` or ``situation``), ``phrase``, ``n_ironic``, ``n_literal``
        (texts with the phrase in a contrast position), ``learned_from``; seeds carry
        their counts too.

    Examples
    --------
    >>> texts = ["I love being ignored"] * 3 + ["I love my dog", "being ignored is sad"]
    >>> table = learn_situations(texts, [1, 1, 1, 0, 0], min_count=3)
    >>> table[["kind", "phrase", "n_ironic", "n_literal"]].values.tolist()
    [['positive', 'love', 3, 0], ['situation', 'being ignored', 3, 0]]
    """
    target = _binary_labels(labels, len(texts) if hasattr(texts, "__len__") else len(list(texts)))
    clauses = [[_TOKEN_RE.findall(clause) for clause in _CLAUSE_WORDS_RE.findall(text.lower())]
               for text in _text_list(texts)]
    positive = {seed: None for seed in seeds}
    situations: dict[str, tuple[int, int]] = {}

    def after(tokens, phrase_tokens):
        width = len(phrase_tokens)
        for start in range(len(tokens) - width + 1):
            if tokens[start : start + width] == phrase_tokens:
                rest = tokens[start + width : start + width + 4]
                yield from (" ".join(rest[:n]) for n in (1, 2, 3) if len(rest) >= n)

    for _ in range(rounds):
        counts: dict[str, Counter] = {"ironic": Counter(), "literal": Counter()}
        positive_tokens = [phrase.split() for phrase in positive]
        for text_clauses, label in zip(clauses, target):
            found = {candidate for tokens in text_clauses for phrase in positive_tokens
                     for candidate in after(tokens, phrase)}
            counts["ironic" if label else "literal"].update(found)
        for candidate, n_ironic in counts["ironic"].items():
            n_literal = counts["literal"][candidate]
            words = candidate.split()
            if (n_ironic >= min_count and n_ironic / (n_ironic + n_literal) >= min_precision
                    and not all(word in _STOP for word in words) and words[-1] not in _STOP
                    and words[0] not in positive and _polarity(candidate)[0] <= 0):
                situations[candidate] = (n_ironic, n_literal)
        counts = {"ironic": Counter(), "literal": Counter()}
        situation_tokens = [phrase.split() for phrase in situations]
        for text_clauses, label in zip(clauses, target):
            found = set()
            for tokens in text_clauses:
                for phrase in situation_tokens:
                    width = len(phrase)
                    for start in range(1, len(tokens) - width + 1):
                        if tokens[start : start + width] == phrase:
                            found.update(tokens[max(0, start - 3) : start])
            counts["ironic" if label else "literal"].update(found)
        for word, n_ironic in counts["ironic"].items():
            n_literal = counts["literal"][word]
            if (n_ironic >= min_count and n_ironic / (n_ironic + n_literal) >= min_precision
                    and word not in _STOP and _polarity(word)[0] > 0):
                positive.setdefault(word, None)

    # final counts for every kept phrase, in a contrast position
    pattern = re.compile(_markers.learned_contrast_pattern(list(positive), list(situations)))
    rows = []
    lowered = [text.lower() for text in _text_list(texts)]
    for kind, phrases in (("positive", list(positive)), ("situation", sorted(situations))):
        for phrase in phrases:
            n = [0, 0]
            for text, label in zip(lowered, target):
                if any((phrase in match.group()) for match in pattern.finditer(text)):
                    n[int(label)] += 1
            if kind == "situation" or n[1] or phrase in seeds:
                rows.append({"kind": kind, "phrase": phrase, "n_ironic": n[1], "n_literal": n[0],
                             "learned_from": learned_from})
    table = pd.DataFrame(rows, columns=list(_markers.SITUATION_COLUMNS))
    table = table[(table["kind"] == "positive") | (table["n_ironic"] > 0)].reset_index(drop=True)
    return table.astype({"kind": "string", "phrase": "string", "n_ironic": "Int64",
                         "n_literal": "Int64", "learned_from": "string"})


def _situation_regex(table: pd.DataFrame) -> re.Pattern:
    return re.compile(_markers.learned_contrast_pattern(
        table.loc[table["kind"] == "positive", "phrase"].tolist(),
        table.loc[table["kind"] == "situation", "phrase"].tolist()))


# -- training ------------------------------------------------------------------------------

_MODEL_COLUMNS = ("model", "feature", "idf", "coefficient", "trained_on", "n_texts", "seed")


def _design(model: str, features: TextFeatures, vectorizers):
    """The design matrix of ``model`` (``markers`` or ``ngrams``): its terms, then the two length covariates.

    Returns the matrix, the names of its non-length columns, their idf (NaN for dense
    terms) and how many dense terms come first.
    """
    from scipy import sparse

    # the markers model reads whether a text shares a link; the n-gram model sees a link as
    # the token "url"
    dense_names = list(_MARKER_TERMS + _TONE_TERMS + _LINK_TERMS) if model == "markers" else []
    blocks = [sparse.csr_matrix(features.dense[dense_names].to_numpy().reshape(len(features.n_words), -1))]
    names = list(dense_names)
    idf: list[float] = [np.nan] * len(names)
    if model != "markers":
        for kind, vectorizer in zip(("word", "char"), vectorizers):
            blocks.append(ngram_shrinkage(features.n_words) @ vectorizer.transform(features.normalised))
            names += [f"{kind}:{gram}" for gram in vectorizer.get_feature_names_out()]
            idf += list(vectorizer.idf_)
    blocks.append(sparse.csr_matrix(features.dense[list(_LENGTH_TERMS[1:])].to_numpy()))
    return sparse.hstack(blocks).tocsr(), names, np.asarray(idf), len(dense_names)


def _fit_vectorizers(model: str, features: TextFeatures):
    if model == "markers":
        return None
    # tiny training sets (a doctest, a unit test) lower the bar so that some n-gram survives
    word, char = ngram_vectorizers(min_df=min(NGRAM_MIN_DF, max(1, len(features.n_words) // 20)))
    word.fit(features.normalised)
    char.fit(features.normalised)
    return word, char


def _fit(model: str, features: TextFeatures, target: np.ndarray, seed: int, *, vectorizers=None) -> pd.DataFrame:
    """Fit ``model`` and return its coefficient table (model, feature, idf, coefficient).

    ``combined`` is the ``ngrams`` model plus :data:`COMBINED_MARKERS_WEIGHT` times the
    ``markers`` model, both fitted on the same texts (``vectorizers``: fitted n-gram
    vectorizers to reuse, else fitted here).
    """
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    if vectorizers is None:
        vectorizers = _fit_vectorizers(model, features)
    if model == "combined":
        return _blend(_fit("ngrams", features, target, seed, vectorizers=vectorizers),
                      _fit("markers", features, target, seed), COMBINED_MARKERS_WEIGHT)
    matrix, names, idf, n_dense = _design(model, features, vectorizers)
    # a marker is evidence for irony or nothing, never evidence against it: a marker term
    # that comes out negative (a quirk of one set, or overlap with another term) is left
    # out and the rest refitted, until none is negative. Signs that flip between sets are
    # what kept the markers model from travelling between forum posts and tweets.
    constrained = np.zeros(matrix.shape[1], dtype=bool)
    if model in NONNEGATIVE_MARKERS:
        constrained[: len(names)] = [name.startswith("marker:") for name in names]
    active = np.ones(matrix.shape[1], dtype=bool)
    # a dozen dense columns: BLAS threads only fight over the cores (on a busy 2-core
    # machine the markers fits took twice the CPU); the n-gram fits keep their threads,
    # with which the shipped n-gram coefficients were made
    threads = threadpool_limits(limits=1) if model == "markers" else contextlib.nullcontext()
    with threads:
        weights = _fit_signed(matrix, target, seed, constrained, active)
    # the length covariates (the last two columns) are dropped from the score; what the
    # remaining terms still say about length is measured and taken out (length adjustment)
    content = weights[:-2]
    keep = np.ones(len(content), dtype=bool)
    keep[n_dense:] = np.abs(content[n_dense:]) >= MIN_WEIGHT
    content = np.where(keep, content, 0.0)
    part = np.asarray(matrix[:, :-2] @ content).ravel()
    log_words = features.dense["length:log_words"].to_numpy()
    basis = np.column_stack([np.ones(len(part)), log_words, log_words**2])
    beta = np.linalg.lstsq(basis, part, rcond=None)[0]
    base_rate = float(target.mean())
    rows = [("intercept", np.nan, np.log(base_rate / (1 - base_rate)))]
    rows += [(name, np.nan, -value) for name, value in zip(_LENGTH_TERMS, beta)]
    rows += [(name, idf[i], content[i]) for i, name in enumerate(names) if keep[i]]
    table = pd.DataFrame(rows, columns=["feature", "idf", "coefficient"])
    table.insert(0, "model", model)
    return table


def _fit_signed(matrix, target: np.ndarray, seed: int, constrained: np.ndarray,
                active: np.ndarray) -> np.ndarray:
    """Logistic-regression weights with every ``constrained`` term >= 0 (refitted without
    the terms that come out negative until none does); inactive terms weigh 0."""
    from sklearn.linear_model import LogisticRegression

    active = active.copy()
    while True:
        fitted = LogisticRegression(C=1.0, max_iter=5000, random_state=seed).fit(matrix[:, active], target)
        weights = np.zeros(matrix.shape[1])
        weights[active] = fitted.coef_[0]
        negative = constrained & (weights < 0)
        if not negative.any():
            return weights
        active &= ~negative


def _blend(ngrams: pd.DataFrame, markers: pd.DataFrame, weight: float) -> pd.DataFrame:
    """One table whose logit is the n-gram model's plus ``weight`` times the markers model's.

    Both logits are linear in their features, so their weighted sum is one linear model:
    the intercept is the n-gram model's (both are the training base rate's log-odds), the
    length adjustments add up, the markers model's terms are scaled by ``weight``.
    """
    markers = markers.set_index("feature")["coefficient"] * weight
    rows = ngrams.set_index("feature")[["idf", "coefficient"]].copy()
    length = list(_LENGTH_TERMS)
    rows.loc[length, "coefficient"] += markers[length]
    dense = markers.drop(["intercept", *length])
    head = rows.loc[["intercept", *length]]
    table = pd.concat([head, pd.DataFrame({"idf": np.nan, "coefficient": dense}),
                       rows.drop(["intercept", *length])])
    table = table.rename_axis("feature").reset_index()
    table.insert(0, "model", "combined")
    return table


def train_sarcasm_model(texts, labels, *, model: str = "markers", seed: int = 0,
                        trained_on: str = "") -> pd.DataFrame:
    """Fit one of the sarcasm models and return its coefficients (the shipped format).

    Parameters
    ----------
    texts
        Series or list of texts.
    labels
        1/0 (or True/False) per text, same length.
    model
        ``"markers"``, ``"ngrams"`` or ``"combined"`` (see :func:`msdiscourse.sarcasm_score`).
        In the ``markers`` model a marker category whose weight comes out negative is left
        out (weight 0) and the rest refitted: a marker counts for irony or not at all.
        ``combined`` is the ``ngrams`` model plus :data:`COMBINED_MARKERS_WEIGHT` times the
        ``markers`` model, both fitted on these texts.
    seed
        Random state handed to the solver, recorded in the table.
    trained_on
        Name of the training set(s), recorded in the table.

    Returns
    -------
    DataFrame
        ``model``, ``feature`` (``intercept``, ``length:*``, ``marker:*``, ``tone:*``,
        ``link:url``, ``word:*``, ``char:*``), ``idf`` (n-grams only), ``coefficient`` (rounded to 6
        decimals so the same data give a byte-identical file), ``trained_on``, ``n_texts``,
        ``seed``. Pass it as ``sarcasm_score(texts, model=table)``.

    Raises
    ------
    ValueError
        If texts and labels differ in length, labels are not binary, or the model is unknown.

    Examples
    --------
    >>> model = train_sarcasm_model(["Oh great!!", "Yeah right, sooo clever.", "It is on Monday.",
    ...                              "The dose was 20 mg."], [1, 1, 0, 0])
    >>> model["feature"].tolist()[:6]
    ['intercept', 'length:1', 'length:log_words', 'length:log_words^2', 'marker:trope', 'marker:morphosyntactic']
    >>> model.loc[model["feature"] == "marker:formula", "coefficient"].item() > 0
    True
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}; got {model!r}")
    texts = _text_list(texts)
    target = _binary_labels(labels, len(texts))
    table = _fit(model, text_features(texts), target, seed)
    table["idf"] = table["idf"].round(6)
    table["coefficient"] = table["coefficient"].round(6) + 0.0
    table["trained_on"] = trained_on
    table["n_texts"] = len(texts)
    table["seed"] = seed
    return table.astype({"model": "string", "feature": "string", "trained_on": "string",
                         "n_texts": "Int64", "seed": "Int64"})


# -- evaluation ----------------------------------------------------------------------------


@dataclass
class MarkerEvaluation:
    """How far each marker, and each model, can be trusted on one labelled set.

    Attributes
    ----------
    per_marker : DataFrame
        Per rule: ``category``, ``rule``, ``support`` (texts with at least one hit),
        ``n_hits``, ``precision`` (share of those texts that are ironic), ``base_rate``,
        ``lift`` (precision / base rate; above 1: the marker is more common in irony),
        ``dataset`` (the ``name`` given: concatenate two reports' tables and pass them to
        :func:`msdiscourse.plotting.plot_marker_evaluation`). ``situation_contrast`` is
        measured with the shipped situations, learned from these very sets: its lift here is
        in-sample (the models' cross-validation re-learns them per fold).
    per_pattern : DataFrame
        The same per row of ``sarcasm_markers.csv`` (``line`` is its line there).
    models : DataFrame
        Per model evaluated (``markers``, and ``ngrams``, ``combined`` when asked for) and
        baseline (``length_only``, ``all_positive``): ``f1_ironic``, ``macro_f1``, ``roc_auc`` from out-of-fold
        predictions of stratified CV, ``roc_auc_same_length`` (the mean AUC within
        word-count quintiles: what a model knows beyond length) and ``length_gap``
        (``roc_auc_same_length - roc_auc``).
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


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores)) if len(set(labels)) == 2 else float("nan")


def _scores(labels: np.ndarray, probabilities: np.ndarray, n_words: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score

    predicted = (probabilities >= 0.5).astype(int)
    # AUC among texts of similar length (word-count quintiles), averaged: what a score
    # knows beyond length. Length alone scores near 0.5 here whatever it does overall.
    quintile = pd.qcut(n_words, 5, labels=False, duplicates="drop")
    within = [_auc(labels[quintile == q], probabilities[quintile == q]) for q in np.unique(quintile)]
    overall = _auc(labels, probabilities)
    return {
        "f1_ironic": float(f1_score(labels, predicted, pos_label=1, zero_division=0)),
        "macro_f1": float(f1_score(labels, predicted, average="macro", zero_division=0)),
        "roc_auc": overall,
        "roc_auc_same_length": float(np.nanmean(within)),
        "length_gap": float(np.nanmean(within)) - overall,
    }


def _metrics_table(labels: np.ndarray, n_words: np.ndarray, predictions: dict[str, np.ndarray]) -> pd.DataFrame:
    table = pd.DataFrame([{"model": name, **_scores(labels, probabilities, n_words)}
                          for name, probabilities in predictions.items()])
    table["model"] = table["model"].astype("string")
    return table


def _lift(texts_hit: np.ndarray, n_hits: int, labels: np.ndarray, base_rate: float) -> dict:
    precision = float(labels[texts_hit].mean()) if len(texts_hit) else float("nan")
    return {"support": len(texts_hit), "n_hits": n_hits, "precision": precision,
            "base_rate": base_rate, "lift": precision / base_rate if base_rate else float("nan")}


def _per_pattern(hits: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    base_rate = float(labels.mean())
    patterns = _markers.read_marker_patterns()
    rows = []
    for row in patterns.index:
        mine = hits[hits["pattern_row"] == row]
        rows.append({"line": patterns.loc[row, "line"], "category": patterns.loc[row, "category"],
                     "rule": patterns.loc[row, "rule"],
                     **_lift(np.unique(mine["position"].to_numpy(dtype=np.int64)), len(mine), labels, base_rate)})
    table = pd.DataFrame(rows)
    table["category"] = table["category"].astype(MARKER_DTYPE)
    table["rule"] = table["rule"].astype("string")
    table[["line", "support", "n_hits"]] = table[["line", "support", "n_hits"]].astype("Int64")
    return table


def _rules() -> list[str]:
    return list(dict.fromkeys(_markers.read_marker_patterns()["rule"]))


def _per_marker(hits: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    base_rate = float(labels.mean())
    patterns = _markers.read_marker_patterns().drop_duplicates("rule").set_index("rule")
    rows = []
    for rule in _rules():
        mine = hits[hits["rule"] == rule]
        rows.append({"category": patterns.loc[rule, "category"], "rule": rule,
                     **_lift(np.unique(mine["position"].to_numpy(dtype=np.int64)), len(mine), labels, base_rate)})
    table = pd.DataFrame(rows)
    table["category"] = table["category"].astype(MARKER_DTYPE)
    table["rule"] = table["rule"].astype("string")
    table[["support", "n_hits"]] = table[["support", "n_hits"]].astype("Int64")
    return table


def _length_only(train_words, train_target, test_words, seed) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    def design(words):
        log_words = np.log1p(words)
        return np.column_stack([log_words, log_words**2])

    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # two columns: threads would only contend
        fitted = LogisticRegression(max_iter=2000, random_state=seed).fit(design(train_words), train_target)
        return fitted.predict_proba(design(test_words))[:, 1]


def _train_and_predict(train_texts: list[str], train_target: np.ndarray, test_texts: list[str],
                       seed: int, models=MODELS) -> dict[str, np.ndarray]:
    """Fit every model on the training texts only (situations and vocabulary included)."""
    situations = _situation_regex(learn_situations(train_texts, train_target))
    train = text_features(train_texts, situations=situations)
    test = text_features(test_texts, situations=situations)
    predictions = {}
    for model in models:
        logit, _ = _logits(_fit(model, train, train_target, seed), test)
        predictions[model] = 1.0 / (1.0 + np.exp(-logit))
    predictions["length_only"] = _length_only(train.n_words, train_target, test.n_words, seed)
    predictions["all_positive"] = np.ones(len(test_texts))
    return predictions


def evaluate_markers(texts, labels, *, folds: int = 5, seed: int = 0, name: str = "",
                     models=("markers",)) -> MarkerEvaluation:
    """Measure each marker's lift, and every model's F1 and ROC-AUC beside baselines.

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
    models
        Which models to cross-validate: the markers model by default (seconds); pass
        :data:`msdiscourse.sarcasm.MODELS` for all three (minutes: n-gram vocabularies and
        weights are fitted per fold), as :func:`evaluation_table` does.

    Returns
    -------
    MarkerEvaluation
        ``per_marker``, ``per_pattern`` and ``models`` tables; ``print()`` it for a report.
        The baselines are ``all_positive`` (predict irony for every text) and
        ``length_only`` (a logistic model on log word count: the confound every model must
        beat). Each fold learns its own situations, n-gram vocabulary and weights.

    Raises
    ------
    ValueError
        If labels are not binary or do not match the texts.

    Examples
    --------
    >>> texts, labels = load_labelled("../shared/corpus/labelled/sarcasm_v2_gen/GEN-sarc-notsarc.csv")  # doctest: +SKIP
    >>> print(evaluate_markers(texts, labels, name="forum"))  # doctest: +SKIP
    """
    from sklearn.model_selection import StratifiedKFold

    texts = _text_list(texts)
    target = _binary_labels(labels, len(texts))
    shipped = text_features(texts)
    hits, n_words = shipped.hits, shipped.n_words
    out_of_fold: dict[str, np.ndarray] = {}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(target)), target):
        predictions = _train_and_predict([texts[i] for i in train], target[train],
                                         [texts[i] for i in test], seed, models)
        for model, values in predictions.items():
            out_of_fold.setdefault(model, np.zeros(len(target)))[test] = values
    return MarkerEvaluation(
        per_marker=_per_marker(hits, target).assign(dataset=name),
        per_pattern=_per_pattern(hits, target).assign(dataset=name),
        models=_metrics_table(target, n_words, out_of_fold), n_texts=len(target),
        base_rate=float(target.mean()), folds=folds, seed=seed, name=name,
    )


def _pair(part) -> tuple[list[str], np.ndarray]:
    texts, labels = load_labelled(part) if isinstance(part, (str, Path)) else part
    texts = _text_list(texts)
    return texts, _binary_labels(labels, len(texts))


def cross_domain(train, test, *, seed: int = 0, models=("markers",)) -> pd.DataFrame:
    """Train every model on one labelled set and evaluate it on another: does it travel?

    Parameters
    ----------
    train, test
        ``(texts, labels)`` pairs, or paths readable by :func:`load_labelled`.
    seed
        Solver seed.
    models
        Which models to train: the markers model by default; :data:`msdiscourse.sarcasm.MODELS`
        for all three.

    Returns
    -------
    DataFrame
        One row per model (``markers``, ``ngrams``, ``combined``, ``length_only``,
        ``all_positive``) with ``f1_ironic``, ``macro_f1``, ``roc_auc``,
        ``roc_auc_same_length``, ``length_gap`` on the test set.

    Examples
    --------
    >>> cross_domain("forum.csv", "tweets.txt")  # doctest: +SKIP
    """
    train_texts, train_target = _pair(train)
    test_texts, test_target = _pair(test)
    predictions = _train_and_predict(train_texts, train_target, test_texts, seed, models)
    n_words = text_features(test_texts).n_words
    return _metrics_table(test_target, n_words, predictions)


def evaluation_table(sets: dict, *, folds: int = 5, seed: int = 0, models=MODELS) -> pd.DataFrame:
    """Every model on every set, in domain (cross-validated) and across domains, in one table.

    Parameters
    ----------
    sets
        Name -> ``(texts, labels)`` (or a path), e.g. ``{"forum": ..., "tweets": ...}``.
    folds, seed
        As for :func:`evaluate_markers`.
    models
        Which models to evaluate: all three by default (minutes); ``("markers",)`` takes
        seconds.

    Returns
    -------
    DataFrame
        Columns ``trained_on``, ``tested_on`` (the same name for in-domain CV), ``model``,
        ``roc_auc``, ``roc_auc_same_length``, ``length_gap``, ``f1_ironic``, ``macro_f1``.

    Examples
    --------
    >>> evaluation_table({"forum": "forum.csv", "tweets": "tweets.txt"})  # doctest: +SKIP
    """
    pairs = {name: _pair(part) for name, part in sets.items()}
    frames = []
    for name, (texts, target) in pairs.items():
        report = evaluate_markers(texts, target, folds=folds, seed=seed, name=name, models=models)
        frames.append(report.models.assign(trained_on=name, tested_on=name))
    for source, (source_texts, source_target) in pairs.items():
        for destination, pair in pairs.items():
            if source != destination:
                frames.append(cross_domain((source_texts, source_target), pair, seed=seed, models=models)
                              .assign(trained_on=source, tested_on=destination))
    table = pd.concat(frames, ignore_index=True)
    columns = ["trained_on", "tested_on", "model", "roc_auc", "roc_auc_same_length", "length_gap",
               "f1_ironic", "macro_f1"]
    return table[columns].astype({"trained_on": "string", "tested_on": "string"})


def _set_name(path: Path) -> str:
    """A path relative to the shared corpus when it is there (no user directories in data)."""
    from msdiscourse.paths import SHARED_CORPUS

    try:
        return path.resolve().relative_to(SHARED_CORPUS.resolve() / "labelled").as_posix()
    except ValueError:
        return path.name


def train_from_file(paths, *, output=None, situations_output=None, seed: int = 0) -> str:
    """Re-derive the shipped models (and learned situations) from labelled files; write them if asked.

    Parameters
    ----------
    paths
        One labelled file or several (pooled), readable by :func:`load_labelled`.
    output
        Where to write the coefficient table (``resources/sarcasm_models.csv.gz`` is the
        shipped one; gzip-compressed when the name ends in ``.gz``); ``None`` only reports.
    situations_output
        Where to write the learned situations (``resources/sarcasm_situations.csv``).
    seed
        Solver seed, recorded in the table. The same files and seed give byte-identical files.

    Returns
    -------
    str
        A printable report: the sets, their size, each model's size, and where they went.

    Raises
    ------
    ParseError
        If a file is not a labelled set in a known format.

    Examples
    --------
    >>> print(train_from_file(["GEN-sarc-notsarc.csv"], output="models.csv.gz"))  # doctest: +SKIP
    """
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(path) for path in paths]
    texts, labels = [], []
    for path in paths:
        set_texts, set_labels = load_labelled(path)
        texts += _text_list(set_texts)
        labels += set_labels.astype(int).tolist()
    target = np.asarray(labels, dtype=np.int64)
    names = " + ".join(_set_name(path) for path in paths)
    learned = learn_situations(texts, target, learned_from=f"bootstrapped (seed 'love') from {names}")
    lines = [f"trained on {names}: {len(texts)} texts, {int(target.sum())} ironic, seed {seed}",
             f"learned {int((learned['kind'] == 'situation').sum())} situations after "
             f"{int((learned['kind'] == 'positive').sum())} positive phrases"]
    if situations_output is not None:
        Path(situations_output).parent.mkdir(parents=True, exist_ok=True)
        learned.to_csv(situations_output, index=False, lineterminator="\n")
        lines.append(f"situations written to {situations_output}")
    situations = _situation_regex(learned)
    features = text_features(texts, situations=situations)
    tables = []
    for model in MODELS:
        table = _fit(model, features, target, seed)
        tables.append(table)
        lines.append(f"  {model}: {len(table)} terms")
    table = pd.concat(tables, ignore_index=True)
    table["idf"] = table["idf"].round(6)
    table["coefficient"] = table["coefficient"].round(6) + 0.0
    table = table.assign(trained_on=names, n_texts=len(texts), seed=seed)[list(_MODEL_COLUMNS)]
    if output is not None:
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        compression = {"method": "gzip", "mtime": 0} if output.suffix == ".gz" else None
        table.to_csv(output, index=False, lineterminator="\n", float_format="%.6f", compression=compression)
        lines.append(f"coefficients written to {output}")
    return "\n".join(lines)

