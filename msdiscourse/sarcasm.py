"""Sarcasm and irony markers: explainable spans, per-comment profiles, and a score on top.

Markers are optional signals of irony, not proof of it (Attardo 2000). :func:`find_markers`
returns every hit with its evidence (rule, span, matched text); :func:`marker_profile` counts
them per comment (or author, thread...); :func:`sarcasm_score` gives each text a probability
of irony from one of three shipped models (marker counts, word and character n-grams, or
both), and :func:`explain_sarcasm` shows which markers and n-grams moved one text's score.
The patterns are data (``resources/sarcasm_markers.csv``, in the categories of Ghosh &
Muresan 2018), and so are the models (``resources/sarcasm_models.csv.gz``) and the learned
negative situations (``resources/sarcasm_situations.csv``). Reading labelled sets,
training and evaluation live in :mod:`msdiscourse.sarcasm_eval`.

Every score is length-aware: the models are fitted with log word count beside their
features, and the part of the score that length alone predicts is taken out again, so a
one-word "Great!" cannot outrank a long text with several markers, and the score ranks
irony equally well among short and among long texts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from msdiscourse import _markers
from msdiscourse.categories import MARKER_CATEGORIES, MARKER_DTYPE
from msdiscourse.schema import validate, validate_columns
from msdiscourse.text import count_words
from msdiscourse.tone import compound_of, polarity_of

__all__ = [
    "load_marker_patterns",
    "find_markers",
    "marker_profile",
    "sarcasm_score",
    "explain_sarcasm",
    "MODELS",
    "DEFAULT_MODEL",
]

#: the shipped scoring models, for ``sarcasm_score(texts, model=...)``
MODELS: tuple[str, ...] = ("markers", "ngrams", "combined")
#: the default model: the one that held up best when trained on one labelled set and tested
#: on the other (see docs/sarcasm-models.md); in-domain, ``combined`` ranks better
DEFAULT_MODEL = "markers"
MODELS_CSV = _markers.RESOURCES_DIR / "sarcasm_models.csv.gz"
SITUATIONS_CSV = _markers.SITUATIONS_CSV

_MARKER_COLUMNS = ("category", "rule", "start", "end", "match")
_MORE_WORDS_RE = re.compile(r"\w")
_CLAUSE_END_RE = re.compile(r"[.!?…\n]")


def load_marker_patterns(path=None) -> pd.DataFrame:
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


@functools.lru_cache(maxsize=65536)
def _polarity(text: str) -> tuple[float, float, float]:
    # the library's one VADER (msdiscourse.tone), memoised for the models' features
    scores = polarity_of(text)
    return scores["compound"], scores["pos"], scores["neg"]


def _texts(texts, caller: str) -> pd.Series:
    """Texts as a Series of string (index kept); a list or a Series, never a table or a str."""
    if isinstance(texts, pd.DataFrame):
        raise TypeError(f"{caller} expects texts (a Series or a list of str); got a DataFrame "
                        f"(pass one column, e.g. comments['text'])")
    if isinstance(texts, str):
        raise TypeError(f"{caller} expects texts (a Series or a list of str); got one str "
                        f"(wrap a single text in a list)")
    if isinstance(texts, pd.Series):
        return texts.astype("string").rename("text")
    if not isinstance(texts, Iterable):
        raise TypeError(f"{caller} expects texts (a Series or a list of str); got "
                        f"{type(texts).__name__}")
    return pd.Series(list(texts), dtype="string", name="text")


def _later_sentence_in_comment(sentences: pd.DataFrame) -> np.ndarray:
    """Whether the writer says more after each sentence in its comment (own sentences only).

    Sentences of the post body (no ``comment_id``) are grouped by ``post_id`` instead.
    """
    unit = sentences["comment_id"].astype("string").fillna("post:" + sentences["post_id"].astype("string"))
    own = ~sentences["is_quote"].astype("boolean").fillna(False)
    last_n = sentences["n"][own].groupby(unit[own], sort=False).max()
    return (sentences["n"] < unit.map(last_n)).fillna(False).to_numpy(dtype=bool)


def _clause(masked: str, start: int, end: int) -> str:
    before = max(masked.rfind(char, 0, start) for char in ".!?…\n") + 1
    after = _CLAUSE_END_RE.search(masked, end)
    return masked[before : after.end() if after else len(masked)].replace(_markers.MASK_CHAR, " ")


def find_markers(sentences_or_texts) -> pd.DataFrame:
    """Find irony markers in sentences or texts, one row per hit with its evidence.

    URLs, e-mail addresses and quoted text (sentences with ``is_quote`` true; text in
    quotation marks of four or more words) are masked first with characters of the same
    length, so ``text[start:end] == match`` always holds for the original text.

    Parameters
    ----------
    sentences_or_texts
        The sentences table (from :func:`msdiscourse.split_sentences`), or texts: a Series
        (its index labels the hits) or a list of str.

    Returns
    -------
    DataFrame
        For sentences, the ``markers`` table: ``sentence_id``, ``comment_id``, ``category``
        (ordered, :data:`~msdiscourse.categories.MARKER_DTYPE`), ``rule``, ``start``,
        ``end``, ``match``. For texts, the ``text_markers`` table: ``text_index`` (the
        Series' index label, or the list position) instead of the two ids. Rows in input
        order, then by offset.

    Raises
    ------
    SchemaError
        If a DataFrame is not the sentences table.
    TypeError
        If given a single string or something that is not a collection of texts.

    Notes
    -----
    Three rules look beyond their match. ``rhetorical_question`` counts a question only
    when the same writer goes on after it: later in the same text, or in a later sentence
    of the same comment. ``sentiment_contrast`` counts a negative situation
    (``resources/negative_situations.txt``) only in a sentence whose VADER compound is at
    least 0.3; ``situation_contrast`` is a positive phrase followed by a situation learned
    from labelled irony (``resources/sarcasm_situations.csv``, Riloff et al. 2013).

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
    if isinstance(sentences_or_texts, pd.DataFrame):
        sentences = validate(sentences_or_texts, "sentences", caller="find_markers")
        return _find_in_sentences(sentences).drop(columns="pattern_row")
    texts = _texts(sentences_or_texts, "find_markers")
    hits = _find(texts.tolist(), quoted=None, later=None)
    return _text_markers(hits, texts.index).drop(columns="pattern_row")


def _find_in_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    hits = _find(sentences["text"].astype("string").fillna("").tolist(),
                 quoted=sentences["is_quote"].astype("boolean").fillna(False).to_numpy(dtype=bool),
                 later=_later_sentence_in_comment(sentences))
    taken = hits["position"].to_numpy()
    columns = {"sentence_id": sentences["sentence_id"].take(taken).reset_index(drop=True),
               "comment_id": sentences["comment_id"].take(taken).reset_index(drop=True)}
    for column in (*_MARKER_COLUMNS, "pattern_row"):
        columns[column] = hits[column].reset_index(drop=True)
    return pd.DataFrame(columns)


def _text_markers(hits: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    columns = {"text_index": pd.Series(index.take(hits["position"].to_numpy()))}
    for column in (*_MARKER_COLUMNS, "pattern_row"):
        columns[column] = hits[column].reset_index(drop=True)
    return pd.DataFrame(columns)


#: rules whose positive words are praise: stacked without any negative word they are sincere
_PRAISE_RULES = ("hyperbole", "mock_politeness")
#: markers that may stand beside sincere praise ("What a goal, brilliant!!"); intensifiers
#: and extreme-case words (hyperbole that VADER does not rate positive) may too
_ENTHUSIASM_RULES = ("exclamation", "punctuation_run", "exclamative")


def _clause_start(masked: str, start: int) -> int:
    return max(masked.rfind(char, 0, start) for char in ".!?…\n") + 1


def _sincere_praise(masked: list[str], positions: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                    rules: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Praise hits that are plain praise: two or more in one clause, and nothing else ironic.

    "Well done, brilliant result" or "love this, fantastic photo!" stack positive words
    with no negative word (VADER) and no other marker in the clause than exclamations:
    enthusiasm, not irony. A single praise word ("What a brilliant plan."), praise around
    a negative situation ("Great, I love waiting in the rain.") and praise beside another
    marker ("Oh great, yet another miracle cure.") stay markers.
    """
    drop = np.zeros(len(positions), dtype=bool)
    praise: dict[tuple[int, int], list[int]] = {}
    other: set[tuple[int, int]] = set()
    for hit in np.flatnonzero(keep):
        rule, position, start = rules[hit], int(positions[hit]), int(starts[hit])
        if rule in _ENTHUSIASM_RULES:
            continue
        key = (position, _clause_start(masked[position], start))
        if rule not in _PRAISE_RULES:
            other.add(key)
        elif _polarity(masked[position][start : int(ends[hit])].strip())[0] > 0:
            praise.setdefault(key, []).append(hit)
    for key, hits in praise.items():
        if len(hits) < 2 or key in other:
            continue
        position, start = key
        if _polarity(_clause(masked[position], start, start))[2] == 0:
            drop[hits] = True
    return drop


def _find(originals: list[str], *, quoted: np.ndarray | None, later: np.ndarray | None,
          situations: re.Pattern | None = None) -> pd.DataFrame:
    """Hits in ``originals`` with ``position`` (the text's position) and ``pattern_row``.

    ``quoted`` texts are not scanned; ``later`` says a sentence has a later one in its
    comment; ``situations`` replaces the shipped situation-contrast regex (used by the
    evaluation to keep learned situations inside the training folds).
    """
    to_scan = originals if quoted is None else ["" if q else t for t, q in zip(originals, quoted)]
    positions, rows, starts, ends, masked = _markers.scan_texts(to_scan)
    patterns = _markers.read_marker_patterns()
    rules = patterns["rule"].to_numpy(dtype=object)[rows] if len(rows) else np.array([], dtype=object)
    categories = patterns["category"].to_numpy(dtype=object)[rows] if len(rows) else rules

    keep = np.ones(len(positions), dtype=bool)
    for hit in np.flatnonzero(rules == "rhetorical_question"):
        position = positions[hit]
        goes_on = _MORE_WORDS_RE.search(masked[position], int(ends[hit])) is not None
        keep[hit] = goes_on or (later is not None and later[position])
    for hit in np.flatnonzero(rules == "sentiment_contrast"):
        clause = _clause(masked[positions[hit]], int(starts[hit]), int(ends[hit]))
        keep[hit] = compound_of(clause) >= _markers.CONTRAST_THRESHOLD
    keep &= ~_sincere_praise(masked, positions, starts, ends, rules, keep)
    if situations is not None:
        keep &= rules != "situation_contrast"
    positions, starts, ends, rows = positions[keep], starts[keep], ends[keep], rows[keep]
    rules, categories = rules[keep], categories[keep]
    if situations is not None:
        situation_row = int(np.flatnonzero(patterns["rule"].to_numpy() == "situation_contrast")[0])
        extra = [(position, match.start(), match.end())
                 for position, text in enumerate(masked) if text
                 for match in situations.finditer(_markers.lower_same_length(text))]
        if extra:
            positions = np.concatenate([positions, [hit[0] for hit in extra]]).astype(np.int64)
            starts = np.concatenate([starts, [hit[1] for hit in extra]]).astype(np.int64)
            ends = np.concatenate([ends, [hit[2] for hit in extra]]).astype(np.int64)
            rows = np.concatenate([rows, [situation_row] * len(extra)]).astype(np.int64)
            rules = np.concatenate([rules, ["situation_contrast"] * len(extra)])
            categories = np.concatenate([categories, ["contrast"] * len(extra)])

    matches = [originals[p][s:e] for p, s, e in zip(positions.tolist(), starts.tolist(), ends.tolist())]
    # a pattern may take in the spaces before its first word: report the words only
    stripped = [match.lstrip() for match in matches]
    starts = starts + np.fromiter((len(a) - len(b) for a, b in zip(matches, stripped)),
                                  dtype=np.int64, count=len(matches))
    matches = [match.rstrip() for match in stripped]
    ends = starts + np.fromiter(map(len, matches), dtype=np.int64, count=len(matches))

    return pd.DataFrame(
        {
            "position": np.asarray(positions, dtype=np.int64),
            "category": pd.Categorical(categories, dtype=MARKER_DTYPE),
            "rule": pd.array(rules, dtype="string"),
            "start": pd.array(starts, dtype="Int64"),
            "end": pd.array(ends, dtype="Int64"),
            "match": pd.array(matches, dtype="string"),
            "pattern_row": np.asarray(rows, dtype=np.int64),
        }
    ).sort_values(["position", "start", "category", "end"], kind="stable").reset_index(drop=True)


def marker_profile(markers: pd.DataFrame, sentences: pd.DataFrame, *, by: str = "comment_id") -> pd.DataFrame:
    """Count markers per unit (comment, author, thread...): per category, per 100 words, any.

    Parameters
    ----------
    markers
        The markers table: :func:`find_markers` of ``sentences``.
    sentences
        The sentences table the markers were found in. Quoted sentences (``is_quote``)
        do not count towards ``n_words``: markers are never found there. Sentences whose
        ``by`` is missing (the post body, for ``by="comment_id"``) are left out.
    by
        The unit: a column of the sentences table (``comment_id``, ``author``,
        ``thread_id``, ``post_id``).

    Returns
    -------
    DataFrame
        The ``marker_profile`` table, one row per unit in order of first appearance, units
        without hits included: ``by``, ``n_words``, ``n_markers``,
        ``markers_per_100_words`` (missing when a unit has no words), ``has_any``, then
        ``n_<category>`` for every category.

    Raises
    ------
    SchemaError
        If ``markers`` or ``sentences`` is not the table named, or ``by`` is not a
        column of the sentences table.

    Examples
    --------
    >>> sentences = pd.DataFrame({
    ...     "sentence_id": ["c1.s1", "c1.s2", "c2.s1"], "post_id": "p", "comment_id": ["c1", "c1", "c2"],
    ...     "n": [1, 2, 1], "start": 0, "end": 0, "is_quote": False, "author": ["ana", "ana", "ben"],
    ...     "thread_id": "c1", "depth": 0,
    ...     "text": ["Oh great.", "Thanks a lot!", "The trial starts in May."]})
    >>> profile = marker_profile(find_markers(sentences), sentences)
    >>> profile[["comment_id", "n_words", "n_markers", "has_any", "n_formula"]]
      comment_id  n_words  n_markers  has_any  n_formula
    0         c1        5          5     True          2
    1         c2        5          0    False          0
    """
    validate(markers, "markers", caller="marker_profile")
    validate(sentences, "sentences", caller="marker_profile")
    validate_columns(sentences, [by], caller="marker_profile", what="by=")
    words = count_words(sentences["text"]).where(~sentences["is_quote"].astype("boolean").fillna(False), 0)
    n_words = words.groupby(sentences[by], sort=False, observed=True).sum()

    unit_of_hit = markers["sentence_id"].map(
        sentences.drop_duplicates("sentence_id").set_index("sentence_id")[by])
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


# -- features and models -------------------------------------------------------------------
# A model is a table of (feature, coefficient) rows; the logit of a text is the sum of
# coefficient x value over its features. Feature names say what they measure:
#   intercept                    1
#   marker:<category>            log(1 + markers of that category in the text)
#   tone:pos, tone:neg           VADER's positive and negative shares of the text
#   link:url                     1 if the text shares a link (a URL), else 0: texts that
#                                point at a page report more often than they mock (markers
#                                model only; the n-grams see links as the token "url")
#   word:<n-gram>, char:<n-gram> tf-idf weight (idf shipped in the table), l2-normalised,
#                                times n / (n + SHRINK_WORDS) for a text of n words: a
#                                two-word text's few n-grams would otherwise weigh as much
#                                as a long text's many (shrinkage toward no evidence)
#   length:<term>                1, log(1 + words), its square: the length adjustment, fitted
#                                so that what length alone predicts is taken out of the score

_LENGTH_TERMS = ("length:1", "length:log_words", "length:log_words^2")
_TONE_TERMS = ("tone:pos", "tone:neg")
_MARKER_TERMS = tuple(f"marker:{category}" for category in MARKER_CATEGORIES)
_LINK_TERMS = ("link:url",)
#: how texts are normalised before n-grams: addresses and user names are not the writer's
#: style (and user names must never ship in a coefficient table), numbers are one token
_URL_RE = re.compile(r"https?://\S+|www\.\S+")
_USER_RE = re.compile(r"@\w+")
_NUMBER_RE = re.compile(r"\d+(?:[.,:]\d+)*")
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 4)
WORD_TOKEN = r"(?u)\b\w\w*\b|[!?]"
SHRINK_WORDS = 8


def ngram_shrinkage(n_words: np.ndarray):
    """The diagonal matrix n / (n + SHRINK_WORDS) that scales each text's n-gram row."""
    from scipy import sparse

    return sparse.diags(n_words / (n_words + SHRINK_WORDS))


def normalise_for_ngrams(text: str) -> str:
    """Lower-case ``text`` with URLs, @user names and numbers replaced by placeholders.

    Examples
    --------
    >>> normalise_for_ngrams("@Ana Great, 3 hours at http://x.co !!")
    'user great, 0 hours at url !!'
    """
    text = _URL_RE.sub(" url ", text)
    text = _USER_RE.sub(" user ", text)
    text = _NUMBER_RE.sub("0", text)
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class TextFeatures:
    """What the models read from a batch of texts (positions 0..n-1)."""

    n_words: np.ndarray
    dense: pd.DataFrame  # marker:<category>, tone:pos, tone:neg, link:url, length:<term>
    hits: pd.DataFrame  # _find output
    normalised: list[str]


def text_features(texts: list[str], *, situations: re.Pattern | None = None) -> TextFeatures:
    """Markers, tone and length of each text: the dense features every model uses."""
    hits = _find(texts, quoted=None, later=None, situations=situations)
    n_words = count_words(pd.Series(texts, dtype="string")).to_numpy(dtype=np.float64)
    counts = np.zeros((len(texts), len(MARKER_CATEGORIES)), dtype=np.float64)
    if len(hits):
        np.add.at(counts, (hits["position"].to_numpy(dtype=np.int64),
                           hits["category"].cat.codes.to_numpy(dtype=np.int64)), 1.0)
    tone = np.array([_polarity(text)[1:] for text in texts], dtype=np.float64).reshape(len(texts), 2)
    log_words = np.log1p(n_words)
    dense = pd.DataFrame(np.log1p(counts), columns=list(_MARKER_TERMS))
    dense[list(_TONE_TERMS)] = tone
    dense["link:url"] = [1.0 if _URL_RE.search(text) else 0.0 for text in texts]
    dense[list(_LENGTH_TERMS)] = np.column_stack([np.ones(len(texts)), log_words, log_words**2])
    return TextFeatures(n_words, dense, hits, [normalise_for_ngrams(text) for text in texts])


def ngram_vectorizers(word_vocabulary=None, char_vocabulary=None, *, min_df: int = 1):
    """The word and character tf-idf vectorizers (scikit-learn), with a fixed vocabulary if given."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(ngram_range=WORD_NGRAMS, token_pattern=WORD_TOKEN, lowercase=False,
                           sublinear_tf=True, min_df=min_df, vocabulary=word_vocabulary, dtype=np.float64)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, lowercase=False,
                           sublinear_tf=True, min_df=min_df, vocabulary=char_vocabulary, dtype=np.float64)
    return word, char


@functools.cache
def _shipped_models() -> pd.DataFrame:
    return pd.read_csv(MODELS_CSV, dtype={"model": "string", "feature": "string"},
                       keep_default_na=False, na_values=[""])


def _model_table(model) -> pd.DataFrame:
    if isinstance(model, pd.DataFrame):
        return model
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)} or a table from "
                         f"train_sarcasm_model; got {model!r}")
    table = _shipped_models()
    return table[table["model"] == model].reset_index(drop=True)


def _ngram_matrix(table: pd.DataFrame, normalised: list[str], n_words: np.ndarray):
    """tf-idf of the table's n-grams (its own vocabulary and idf), one row per text."""
    from scipy import sparse

    matrices, names = [], []
    for kind in ("word", "char"):
        rows = table[table["feature"].str.startswith(f"{kind}:")]
        if rows.empty:
            continue
        vocabulary = [name[len(kind) + 1 :] for name in rows["feature"]]
        word, char = ngram_vectorizers(vocabulary if kind == "word" else None,
                                       vocabulary if kind == "char" else None)
        vectorizer = word if kind == "word" else char
        vectorizer.fit(["x"])  # fixed vocabulary: fit only sets up idf, replaced next
        vectorizer.idf_ = rows["idf"].to_numpy(dtype=np.float64)
        matrices.append(ngram_shrinkage(n_words) @ vectorizer.transform(normalised))
        names += list(rows["feature"])
    if not matrices:
        return sparse.csr_matrix((len(normalised), 0)), []
    return sparse.hstack(matrices).tocsr(), names


def _logits(table: pd.DataFrame, features: TextFeatures) -> tuple[np.ndarray, dict]:
    """Return the logit of each text under ``table``, and the parts (for explanations)."""
    weights = table.set_index("feature")["coefficient"]
    # a model's coefficient table names only the dense features it uses
    dense_names = [name for name in weights.index if name in features.dense.columns]  # schema-ok: model
    dense = features.dense[dense_names].to_numpy() * weights[dense_names].to_numpy()
    matrix, ngram_names = _ngram_matrix(table, features.normalised, features.n_words)
    ngram_weights = weights[ngram_names].to_numpy() if ngram_names else np.zeros(0)
    logit = weights.get("intercept", 0.0) + dense.sum(axis=1) + (matrix @ ngram_weights if ngram_names else 0.0)
    return np.asarray(logit, dtype=np.float64), {
        "dense": pd.DataFrame(dense, columns=dense_names), "matrix": matrix,
        "ngram_names": ngram_names, "ngram_weights": ngram_weights,
    }


def sarcasm_score(texts, *, model=DEFAULT_MODEL) -> pd.Series:
    """Return a length-aware probability that each text is ironic.

    Parameters
    ----------
    texts
        Series (its index is kept) or list of texts.
    model
        ``"markers"`` (marker counts per category, whose weights are never negative,
        VADER's positive and negative shares, and whether the text shares a link, which
        counts against irony), ``"ngrams"`` (word 1-2-grams and character 2-4-grams,
        logistic regression), ``"combined"`` (the ``ngrams`` model plus
        :data:`~msdiscourse.sarcasm_eval.COMBINED_MARKERS_WEIGHT` times the ``markers``
        model, one table), or a coefficient table from
        :func:`msdiscourse.sarcasm_eval.train_sarcasm_model`. The default,
        :data:`DEFAULT_MODEL`, travelled best between the two labelled domains.

    Returns
    -------
    Series of float
        Probabilities in (0, 1), named ``sarcasm_score``, on the input's index.

    Notes
    -----
    Each model was fitted with log word count as a covariate; the part of the logit that
    length predicts is then removed (``length:`` rows of the table), so scores compare texts
    of different lengths fairly: within each length quintile the score ranks irony about
    as well as over all texts. The shipped models were trained on both labelled sets
    (debate-forum posts and tweets); see docs/sarcasm-models.md for their measured AUC,
    in and across domains. Read :func:`explain_sarcasm` before trusting a high score.

    Examples
    --------
    >>> scores = sarcasm_score(pd.Series(["Oh great, another relapse. Just what I needed!!",
    ...                                   "The trial starts in May."], index=["c1", "c2"]))
    >>> bool(scores["c1"] > scores["c2"]), scores.index.tolist()
    (True, ['c1', 'c2'])
    >>> short, long = sarcasm_score(["Great!", "Oh sure, because waiting three hours for a "
    ...                              "cancelled train is sooo much fun... just what I needed!!"])
    >>> bool(long > short)
    True
    """
    series = _texts(texts, "sarcasm_score")
    table = _model_table(model)
    logit, _ = _logits(table, text_features(series.fillna("").tolist()))
    return pd.Series(1.0 / (1.0 + np.exp(-logit)), index=series.index, name="sarcasm_score", dtype="float64")


def explain_sarcasm(text: str, *, model: str = "combined", top: int = 10) -> pd.DataFrame:
    """Show what moved one text's score: its markers and its strongest n-grams, with weights.

    Parameters
    ----------
    text
        One text.
    model
        Which shipped model to explain (as in :func:`sarcasm_score`); ``combined`` shows
        both markers and n-grams.
    top
        How many n-grams to list (those with the largest contributions either way).

    Returns
    -------
    DataFrame
        One row per term with a non-zero contribution, largest first: ``feature``
        (``marker:<category>``, ``tone:pos``, ``link:url``, ``word:<n-gram>``, ``char:<n-gram>``,
        ``length`` for the length adjustment, ``intercept``), ``value`` (the feature's
        value in this text), ``weight`` (the model's coefficient), ``contribution``
        (value x weight, on the logit scale: they sum to the logit), ``evidence`` (for
        markers: each hit as ``rule 'match'``; for a link: ``link 'URL'``). The table's
        ``attrs`` hold ``score`` (the probability) and ``logit``.

    Examples
    --------
    >>> why = explain_sarcasm("Oh great, another Monday. Just what I needed!!")
    >>> why.attrs["score"] > 0.5
    True
    >>> why.loc[why["feature"] == "marker:formula", "evidence"].item()
    "ironic_formula 'Oh great'; ironic_formula 'Just what I needed'"
    """
    if not isinstance(text, str):
        raise TypeError(f"explain_sarcasm expects one str; got {type(text).__name__} "
                        f"(use sarcasm_score for many texts)")
    table = _model_table(model)
    features = text_features([text])
    logit, parts = _logits(table, features)
    weights = table.set_index("feature")["coefficient"]
    hits = features.hits
    rows = [{"feature": "intercept", "value": 1.0, "weight": float(weights.get("intercept", 0.0)),
             "contribution": float(weights.get("intercept", 0.0)), "evidence": ""}]
    dense = parts["dense"]
    length_part = float(sum(dense[name].iloc[0] for name in dense.columns if name.startswith("length:")))
    if any(name.startswith("length:") for name in dense.columns):
        rows.append({"feature": "length", "value": float(features.n_words[0]), "weight": float("nan"),
                     "contribution": length_part, "evidence": f"{int(features.n_words[0])} words"})
    for name in dense.columns:
        if name.startswith("length:") or dense[name].iloc[0] == 0:
            continue
        evidence = ""
        if name.startswith("marker:"):
            category = name.split(":", 1)[1]
            evidence = "; ".join(f"{rule} '{match}'" for rule, match in
                                 hits.loc[hits["category"] == category, ["rule", "match"]].itertuples(index=False))
        elif name == "link:url":
            evidence = "; ".join(f"link '{match}'" for match in _URL_RE.findall(text))
        rows.append({"feature": name, "value": float(features.dense[name].iloc[0]),
                     "weight": float(weights[name]), "contribution": float(dense[name].iloc[0]),
                     "evidence": evidence})
    matrix = parts["matrix"]
    if parts["ngram_names"]:
        row = matrix.getrow(0)
        contributions = row.data * parts["ngram_weights"][row.indices]
        order = np.argsort(-np.abs(contributions))[:top]
        for at in order:
            index = row.indices[at]
            rows.append({"feature": parts["ngram_names"][index], "value": float(row.data[at]),
                         "weight": float(parts["ngram_weights"][index]),
                         "contribution": float(contributions[at]), "evidence": ""})
        rest = float(contributions.sum() - contributions[order].sum())
        if len(contributions) > top:
            rows.append({"feature": f"other n-grams ({len(contributions) - len(order)})",
                         "value": float("nan"), "weight": float("nan"), "contribution": rest,
                         "evidence": ""})
    result = pd.DataFrame(rows, columns=["feature", "value", "weight", "contribution", "evidence"])
    result = result.astype({"feature": "string", "evidence": "string"})
    result = result.iloc[np.argsort(-result["contribution"].abs().to_numpy(), kind="stable")].reset_index(drop=True)
    result.attrs["logit"] = float(logit[0])
    result.attrs["score"] = float(1.0 / (1.0 + np.exp(-logit[0])))
    return result
