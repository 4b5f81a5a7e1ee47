"""Tone: VADER scores per sentence, aggregated to comments, threads, authors and roles.

Every sentence is scored with `vaderSentiment
<https://github.com/cjhutto/vaderSentiment>`_'s ``SentimentIntensityAnalyzer``; the
``neg, neu, pos, compound`` columns are exactly what ``polarity_scores`` returns. Tone is
then aggregated from sentences, because VADER's compound is a squashed *sum* of word
valences, ``x / sqrt(x**2 + 15)``: the longer the text, the larger ``x``, and a
multi-paragraph comment scores close to +1 or -1 whatever its mood.

Large inputs are scored on all cores (a process pool, in order-keeping chunks), repeated
texts are scored once, and long jobs show a progress bar in Jupyter or on a terminal.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"text": ["I love this blog.", "The trial failed.", "It is Monday."]})
>>> score_tone(frame)
                text    neg    neu    pos  compound      tone
0  I love this blog.  0.000  0.417  0.583    0.6369  positive
1  The trial failed.  0.623  0.377  0.000   -0.5106  negative
2      It is Monday.  0.000  1.000  0.000    0.0000   neutral
"""

from __future__ import annotations

import csv
import functools
import math
import multiprocessing
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from msdiscourse._progress import progress_bar
from msdiscourse._vader import FastVader
from msdiscourse.categories import TONE_DTYPE
from msdiscourse.paths import RESOURCES_DIR
from msdiscourse.schema import describe, check_corpus, validate, validate_columns
from msdiscourse.sentences import split_sentences
from msdiscourse.text import count_words, sentence_spans
from msdiscourse.text import n_words as _n_words

__all__ = [
    "SCORE_COLUMNS",
    "LONG_TEXT_WORDS",
    "PARALLEL_MIN_TEXTS",
    "score_tone",
    "score_texts",
    "classify_tone",
    "aggregate_tone",
    "comment_tone",
    "thread_trajectory",
    "load_tone_overrides",
    "compound_of",
    "polarity_of",
]

#: the columns VADER's ``polarity_scores`` returns, in its order
SCORE_COLUMNS: tuple[str, ...] = ("neg", "neu", "pos", "compound")

#: VADER's normalisation constant: compound = x / sqrt(x**2 + VADER_ALPHA)
VADER_ALPHA = 15.0

#: texts longer than this many words get a length-aware compound in :func:`score_texts`
#: (their summed sentence valence scaled to this length); shorter ones keep VADER's
#: whole-text compound. Chosen on the VADER tweets; see the README section "Tone".
LONG_TEXT_WORDS = 20

#: below this many distinct texts, scoring stays in-process: with the fast engine one
#: core scores about 120,000 sentences a second, and a pool's start-up and the pickling of
#: texts and scores only pay on large jobs with idle cores. On 2 idle cores a pool of 2
#: measured 0.90x at 8,000 texts, 1.10x at 16,000, 1.28x at 32,000 and 1.39x at 64,000;
#: on a loaded machine it never paid (``benchmarks/bench_tone.py --thresholds``; see
#: docs/performance.md). ``n_jobs=1`` keeps any job in this process.
PARALLEL_MIN_TEXTS = 32_000

#: the scoring engines: ``"fast"`` (:mod:`msdiscourse._vader`, exact and faster) or
#: ``"vadersentiment"`` (the package's own ``polarity_scores``); both give equal scores
ENGINES: tuple[str, ...] = ("fast", "vadersentiment")

#: texts per task sent to a worker process
_CHUNK_SIZE = 4_000

OVERRIDES_FILE = RESOURCES_DIR / "tone_overrides.csv"


# -- lexicon overrides ------------------------------------------------------------------
@functools.cache
def _overrides_table() -> pd.DataFrame:
    with OVERRIDES_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != ["word", "valence", "why"]:
            raise ValueError(
                f"{OVERRIDES_FILE.name}, line 1: expected the header word,valence,why; "
                f"found {','.join(header or [])!r}"
            )
        rows, seen = [], {}
        for line_number, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 3:
                raise ValueError(
                    f"{OVERRIDES_FILE.name}, line {line_number}: expected 3 fields "
                    f"(word, valence, why); found {len(row)}"
                )
            word, valence_text, why = (field.strip() for field in row)
            try:
                valence = float(valence_text)
            except ValueError:
                valence = math.nan
            if not -4.0 <= valence <= 4.0:
                raise ValueError(
                    f"{OVERRIDES_FILE.name}, line {line_number}: expected a valence between "
                    f"-4 and 4 (VADER's scale); found {valence_text!r}"
                )
            if not word or word != word.lower() or word in seen or not why:
                problem = (
                    "an empty word" if not word
                    else f"{word!r} in upper case" if word != word.lower()
                    else f"{word!r} again (first on line {seen[word]})" if word in seen
                    else f"no reason in the why column for {word!r}"
                )
                raise ValueError(
                    f"{OVERRIDES_FILE.name}, line {line_number}: expected a new lower-case "
                    f"word with a reason; found {problem}"
                )
            seen[word] = line_number
            rows.append((word, valence, why))
    table = pd.DataFrame(rows, columns=["word", "valence", "why"])
    return table.astype({"word": "string", "valence": "float64", "why": "string"})


def load_tone_overrides() -> pd.DataFrame:
    """Load the domain lexicon adjustments from ``resources/tone_overrides.csv``.

    Words whose clinical sense in this field is not sentiment: a "positive" JC virus
    test, "aggressive" disease, "active" lesions, "killer" T cells, an "attack" meaning a
    relapse. A valence of 0 removes the word from VADER's lexicon (it then counts as a
    neutral word); any other value replaces VADER's. :func:`score_tone` applies them only
    with ``overrides=True``.

    Returns
    -------
    pandas.DataFrame
        Columns ``word`` (lower case), ``valence`` (VADER's -4..4 scale), ``why``.

    Raises
    ------
    ValueError
        When the file is malformed, naming the line and what was expected.

    Examples
    --------
    >>> overrides = load_tone_overrides()
    >>> overrides.set_index("word").loc[["positive", "killer"], "valence"].tolist()
    [0.0, 0.0]
    """
    return _overrides_table().copy()


def _analyzer(overrides: bool, engine: str = "fast") -> SentimentIntensityAnalyzer | FastVader:
    """One analyzer per process, setting and engine; the overridden one is a separate instance."""
    # functools.cache keys on the arguments as passed: cached directly, (False) and
    # (False, "fast") built two analyzers of one setting, each with its own lexicon and tokens
    return _analyzer_of(bool(overrides), engine)


@functools.cache
def _analyzer_of(overrides: bool, engine: str) -> SentimentIntensityAnalyzer | FastVader:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}")
    analyzer = FastVader() if engine == "fast" else SentimentIntensityAnalyzer()
    if overrides:
        for word, valence in zip(_overrides_table()["word"], _overrides_table()["valence"]):
            if valence == 0:
                analyzer.lexicon.pop(word, None)
            else:
                analyzer.lexicon[word] = float(valence)
    return analyzer


@functools.lru_cache(maxsize=65536)
def compound_of(text: str) -> float:
    """VADER's compound score of one text, from the library's one plain analyzer.

    For code that needs a single score (the sentiment-contrast marker); tables of text
    go through :func:`score_tone`, which scores each distinct text once.

    Examples
    --------
    >>> compound_of("I love this blog.")
    0.6369
    """
    if not isinstance(text, str):
        raise TypeError(f"compound_of expects a str; got a {type(text).__name__} "
                        "(for a table of texts use score_tone(table))")
    return _analyzer(False).polarity_scores(text)["compound"]


def polarity_of(text: str) -> dict[str, float]:
    """VADER's four scores of one text (neg, neu, pos, compound), from the same analyzer.

    For the features of the sarcasm models, which use the positive and negative
    proportions beside the compound; :func:`compound_of` is the compound alone.

    Examples
    --------
    >>> polarity_of("I love this blog.")["pos"]
    0.583
    """
    if not isinstance(text, str):
        raise TypeError(f"polarity_of expects a str; got a {type(text).__name__} "
                        "(for a table of texts use score_tone(table))")
    return _analyzer(False).polarity_scores(text)


# -- scoring many texts -----------------------------------------------------------------
def _score_chunk(
    texts: list[str], overrides: bool, engine: str = "fast"
) -> list[tuple[float, float, float, float]]:
    analyzer = _analyzer(overrides, engine)
    if engine == "fast":
        return list(map(analyzer.scores, texts))
    out = []
    for text in texts:
        scores = analyzer.polarity_scores(text)
        out.append((scores["neg"], scores["neu"], scores["pos"], scores["compound"]))
    return out


def _resolve_jobs(n_jobs: int | None) -> int:
    if n_jobs is None or n_jobs == -1:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return max(1, os.cpu_count() or 1)
    if not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive int, -1 or None (all cores); got {n_jobs!r}")
    return n_jobs


def _pool_context():
    # on Linux, fork starts a worker in milliseconds with the lexicon already loaded, where
    # spawn re-imports pandas in every worker; elsewhere (macOS) fork is unsafe: the default
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


def _score_unique(
    texts: list[str], *, overrides: bool, n_jobs: int | None, progress: bool | None,
    engine: str = "fast",
) -> list[tuple[float, float, float, float]]:
    """Score distinct texts, in order, on one or more processes."""
    workers = min(_resolve_jobs(n_jobs), max(1, math.ceil(len(texts) / _CHUNK_SIZE)))
    enabled = (None if len(texts) >= PARALLEL_MIN_TEXTS else False) if progress is None else progress
    if workers == 1 or len(texts) < PARALLEL_MIN_TEXTS:
        if enabled is False:
            return _score_chunk(texts, overrides, engine)
        chunks = [texts[i:i + _CHUNK_SIZE] for i in range(0, len(texts), _CHUNK_SIZE)]
        results = []
        with progress_bar(total=len(texts), desc="tone", unit="text", enabled=enabled) as bar:
            for chunk in chunks:
                results.extend(_score_chunk(chunk, overrides, engine))
                bar.update(len(chunk))
        return results
    _analyzer(overrides, engine)  # build once here, so forked workers inherit it
    chunks = [texts[i:i + _CHUNK_SIZE] for i in range(0, len(texts), _CHUNK_SIZE)]
    results = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        # map submits every chunk at once and yields results in submission order
        scored = pool.map(
            _score_chunk, chunks, [overrides] * len(chunks), [engine] * len(chunks)
        )
        with progress_bar(total=len(texts), desc="tone", unit="text", enabled=enabled) as bar:
            for chunk_scores in scored:
                results.extend(chunk_scores)
                bar.update(len(chunk_scores))
    return results


def _is_scorable(value) -> bool:
    return isinstance(value, str) and not value.isspace() and value != ""


def _score_values(
    values: list | pd.Series, *, overrides: bool, n_jobs: int | None, progress: bool | None,
    engine: str = "fast",
) -> np.ndarray:
    """Scores for each value (rows of NaN where there is no text), each distinct text once."""
    if not isinstance(values, pd.Series):
        values = pd.Series(values, dtype="object")
    if values.dtype == object:  # numbers, lists, None ...: only strings are text
        values = values.map(lambda value: value if isinstance(value, str) else None)
    # factorize dedupes in C (missing values get code -1); only distinct values are checked
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    distinct = list(distinct)
    scorable = [i for i, value in enumerate(distinct) if _is_scorable(value)]
    scored = _score_unique(
        [distinct[i] for i in scorable], overrides=overrides, n_jobs=n_jobs, progress=progress,
        engine=engine,
    )
    table = np.full((len(distinct) + 1, len(SCORE_COLUMNS)), np.nan)  # last row: no text
    if scorable:
        table[scorable] = np.array(scored, dtype="float64")
    return table[np.where(codes < 0, len(distinct), codes)]


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}")


def _check_thresholds(positive: float, negative: float) -> None:
    if not negative < positive:
        raise ValueError(
            f"the negative threshold must be below the positive one; got negative={negative}, "
            f"positive={positive}"
        )


def classify_tone(
    compound: pd.Series, *, positive: float = 0.05, negative: float = -0.05
) -> pd.Series:
    """Label compound scores negative, neutral or positive (VADER's usual cut-offs).

    Parameters
    ----------
    compound
        Compound scores; missing values give a missing tone.
    positive, negative
        A score at or above ``positive`` is positive, at or below ``negative`` negative.

    Returns
    -------
    pandas.Series
        Ordered categorical with :data:`msdiscourse.categories.TONE_DTYPE`.

    Raises
    ------
    ValueError
        When ``negative`` is not below ``positive``.

    Examples
    --------
    >>> classify_tone(pd.Series([0.6, 0.01, -0.05, None])).tolist()
    ['positive', 'neutral', 'negative', nan]
    """
    if isinstance(compound, pd.DataFrame):
        raise TypeError("classify_tone expects compound scores (a Series, e.g. tone['compound']); "
                        "got a DataFrame")
    _check_thresholds(positive, negative)
    values = pd.to_numeric(pd.Series(compound), errors="coerce").astype("float64")
    labels = np.select(
        [values >= positive, values <= negative, values.notna()],
        ["positive", "negative", "neutral"],
        default=None,
    )
    return pd.Series(pd.Categorical(labels, dtype=TONE_DTYPE), index=values.index, name="tone")


def score_tone(
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    positive: float = 0.05,
    negative: float = -0.05,
    overrides: bool = False,
    n_jobs: int | None = None,
    progress: bool | None = None,
    engine: str = "fast",
) -> pd.DataFrame:
    """Add VADER's ``neg, neu, pos, compound`` and a ``tone`` label to each row of a frame.

    Meant for sentences (:func:`msdiscourse.split_sentences`), whose result is the
    ``tone`` table that :func:`aggregate_tone` and :func:`msdiscourse.find_markers` take;
    any frame with a text column can be scored. The scores are exactly those of
    ``SentimentIntensityAnalyzer().polarity_scores(text)``; each distinct text is scored
    once, and 32,000 or more distinct texts are scored on ``n_jobs`` processes.

    Parameters
    ----------
    frame
        The rows to score; not changed.
    text_column
        The column holding the text.
    positive, negative
        Compound cut-offs for the ``tone`` label (see :func:`classify_tone`).
    overrides
        Apply the domain adjustments of :func:`load_tone_overrides` (clinical senses such
        as a "positive" test); then the scores differ from plain VADER by design.
    n_jobs
        Processes for large inputs: ``None`` or ``-1`` for every available core, ``1`` to
        stay in this process.
    progress
        Show a progress bar: ``None`` (default) on long jobs in Jupyter or on a terminal,
        ``True`` always, ``False`` never.
    engine
        ``"fast"`` (default): an exact reimplementation of ``polarity_scores``, several
        times faster (see ``docs/performance.md``); ``"vadersentiment"``: the package's
        own ``polarity_scores``. Both give the same scores.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with float columns ``neg, neu, pos, compound`` and the ordered
        categorical ``tone`` (:data:`msdiscourse.categories.TONE_DTYPE`). A missing,
        non-string, empty or blank text gets NaN scores and a missing tone: there is
        nothing to score, which is not the same as neutral.

    Raises
    ------
    TypeError
        When ``frame`` is not a DataFrame (a list of texts: use :func:`score_texts`).
    msdiscourse.schema.SchemaError
        When ``text_column`` is not a column of ``frame``.
    ValueError
        When ``negative`` is not below ``positive``, or ``n_jobs`` or ``engine`` is invalid.

    Examples
    --------
    >>> sentences = pd.DataFrame({"text": ["He tested positive for JC virus.", None]})
    >>> score_tone(sentences)[["compound", "tone"]]
       compound      tone
    0    0.5574  positive
    1       NaN       NaN
    >>> score_tone(sentences, overrides=True)[["compound", "tone"]]
       compound     tone
    0       0.0  neutral
    1       NaN      NaN
    """
    if not isinstance(frame, pd.DataFrame):
        hint = ("; to score a list of texts use score_texts(texts)"
                if isinstance(frame, (list, tuple, pd.Series)) else "")
        raise TypeError("score_tone expects a table of texts (a DataFrame: split_sentences(corpus)); "
                        f"got {describe(frame)}{hint}")
    validate_columns(frame, [text_column], caller="score_tone", what="text_column=")
    _check_thresholds(positive, negative)
    _check_engine(engine)
    scores = _score_values(
        frame[text_column], overrides=overrides, n_jobs=n_jobs, progress=progress,
        engine=engine,
    )
    result = frame.copy()
    for position, column in enumerate(SCORE_COLUMNS):
        result[column] = scores[:, position]
    result["tone"] = classify_tone(result["compound"], positive=positive, negative=negative)
    return result


# -- whole texts ----------------------------------------------------------------------
def _valence(compound: np.ndarray) -> np.ndarray:
    """Undo VADER's normalisation: the summed valence x behind a compound score."""
    clipped = np.clip(compound, -0.9999, 0.9999)  # compounds are rounded; +-1 has no inverse
    return clipped * math.sqrt(VADER_ALPHA) / np.sqrt(1.0 - clipped**2)


def _normalise(valence: np.ndarray) -> np.ndarray:
    return valence / np.sqrt(valence**2 + VADER_ALPHA)


def score_texts(
    texts: Iterable | pd.Series,
    *,
    positive: float = 0.05,
    negative: float = -0.05,
    overrides: bool = False,
    long_text_words: int = LONG_TEXT_WORDS,
    n_jobs: int | None = None,
    progress: bool | None = None,
    engine: str = "fast",
) -> pd.DataFrame:
    """Score whole texts (comments, posts, tweets) with a compound that does not saturate.

    A text of up to ``long_text_words`` words keeps VADER's whole-text compound: on short
    texts sentiment really does build up, and people's ratings agree with it. A longer
    text is split into sentences; their valences (VADER's summed word valence ``x`` per
    sentence, recovered from each compound) are added up and scaled to
    ``long_text_words`` words before VADER's normalisation
    ``x / sqrt(x**2 + 15)``, so the compound measures how strongly the text is worded
    per stretch of ``long_text_words`` words rather than how long it is. ``neg, neu, pos``
    are VADER's whole-text proportions, which do not depend on length.

    On the 4,200 rated tweets of Hutto & Gilbert (2014) this compound correlates with
    the mean human rating at r = 0.874, VADER's whole-text compound at r = 0.872 and a
    plain mean of sentence compounds at r = 0.817 (see the README section "Tone").

    Parameters
    ----------
    texts
        Strings; a Series keeps its index, anything else gets a 0-based index.
    positive, negative
        Compound cut-offs for ``tone``.
    overrides
        Apply :func:`load_tone_overrides`.
    long_text_words
        Length (in words, :func:`msdiscourse.text.n_words`) above which the length-aware
        compound is used.
    n_jobs, progress, engine
        As in :func:`score_tone`.

    Returns
    -------
    pandas.DataFrame
        One row per input, same index: ``neg, neu, pos, compound, tone``, plus
        ``whole_compound`` (VADER's compound of the whole text, for comparison),
        ``n_sentences`` and ``n_words``. Missing (None, NaN, ``pd.NA``), non-string, empty
        and blank inputs get NaN scores, a missing tone and 0 sentences and words.

    Raises
    ------
    TypeError
        When ``texts`` is a single string (it would be scored letter by letter).
    ValueError
        When the thresholds, ``long_text_words``, ``n_jobs`` or ``engine`` are invalid.

    Examples
    --------
    >>> texts = pd.Series(["Great news!", "", None, 42], index=["a", "b", "c", "d"])
    >>> score_texts(texts)[["compound", "tone", "n_words"]]
       compound      tone  n_words
    a    0.6588  positive        2
    b       NaN       NaN        0
    c       NaN       NaN        0
    d       NaN       NaN        0
    >>> mild = ["The new nurse seemed fine."] * 60   # 300 words of mild approval
    >>> row = score_texts([" ".join(mild)]).iloc[0]
    >>> float(row["whole_compound"]), float(row["compound"])
    (0.9968, 0.637)
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError("score_texts expects many texts (a list or Series); wrap one text in a list")
    if isinstance(texts, pd.DataFrame):
        raise TypeError("score_texts expects many texts (a list or Series); got a DataFrame: "
                        "score a table's text column with score_tone(frame) or score_texts(frame['text'])")
    if not isinstance(long_text_words, int) or long_text_words < 1:
        raise ValueError(f"long_text_words must be a positive int; got {long_text_words!r}")
    index = texts.index if isinstance(texts, pd.Series) else None
    values = texts.tolist() if isinstance(texts, pd.Series) else list(texts)
    if index is None:
        index = pd.RangeIndex(len(values))
    return _score_whole_texts(values, index, None, positive=positive, negative=negative,
                              overrides=overrides, long_text_words=long_text_words,
                              n_jobs=n_jobs, progress=progress, engine=engine)


def _score_whole_texts(values: list, index, sentences_of: list | None, *, positive: float,
                       negative: float, overrides: bool, long_text_words: int,
                       n_jobs: int | None, progress: bool | None, engine: str) -> pd.DataFrame:
    """:func:`score_texts` on a list; ``sentences_of`` gives each text's sentences (a list
    of strings per text) when they are known already, else each text is split here."""
    _check_thresholds(positive, negative)
    _check_engine(engine)

    whole = _score_values(
        values, overrides=overrides, n_jobs=n_jobs, progress=progress, engine=engine
    )
    scorable = [_is_scorable(v) for v in values]
    n_words = np.array([_n_words(v) if ok else 0 for v, ok in zip(values, scorable)])
    compound = whole[:, 3].copy()

    # long texts: summed sentence valence, scaled to long_text_words words
    long_rows = [i for i, ok in enumerate(scorable) if ok and n_words[i] > long_text_words]
    n_sentences = np.zeros(len(values), dtype="int64")
    sentence_texts, owner = [], []
    for i, (value, ok) in enumerate(zip(values, scorable)):
        if not ok:
            continue
        if sentences_of is None:
            own = [value[start:end] for start, end in sentence_spans(value)]
        else:
            own = sentences_of[i]
        n_sentences[i] = len(own)
        if n_words[i] > long_text_words:
            sentence_texts.extend(own)
            owner.extend([i] * len(own))
    if long_rows:
        sentence_scores = _score_values(
            sentence_texts, overrides=overrides, n_jobs=n_jobs, progress=progress, engine=engine
        )
        summed = np.zeros(len(values))
        np.add.at(summed, np.array(owner, dtype="int64"), _valence(sentence_scores[:, 3]))
        rows = np.array(long_rows)
        scaled = summed[rows] * long_text_words / n_words[rows]
        compound[rows] = np.round(_normalise(scaled), 4)

    result = pd.DataFrame(
        {
            "neg": whole[:, 0],
            "neu": whole[:, 1],
            "pos": whole[:, 2],
            "compound": compound,
        },
        index=index,
    )
    result["tone"] = classify_tone(result["compound"], positive=positive, negative=negative)
    result["whole_compound"] = whole[:, 3]
    result["n_sentences"] = pd.array(n_sentences, dtype="Int64")
    result["n_words"] = pd.array(n_words, dtype="Int64")
    return result


# -- aggregation ---------------------------------------------------------------------
def aggregate_tone(
    scored: pd.DataFrame,
    *,
    by: str | list[str] = "comment_id",
    weight: Literal["length"] | None = None,
    exclude_quotes: bool = True,
) -> pd.DataFrame:
    """Summarise sentence tone per comment, thread, post, author, role or any column.

    Tone is aggregated from sentences rather than by scoring a multi-paragraph comment at
    once because VADER's compound is a squashed sum, ``x / sqrt(x**2 + 15)``, of the word
    valences: it grows with length and saturates near +1 or -1 on long texts, so a long,
    mildly pleased comment would look ecstatic and every long comment would look extreme.
    Sentence scores stay on one scale whatever the length of the comment around them.

    Parameters
    ----------
    scored
        The ``tone`` table: sentences scored by :func:`score_tone`, optionally with a
        ``role`` column from :func:`msdiscourse.annotate`.
    by
        Column name(s) to group by: ``"comment_id"``, ``"thread_id"``, ``"post_id"``,
        ``"author"``, ``"role"`` after :func:`msdiscourse.annotate`, or a list of them.
        Rows whose key is missing are left out (post-body sentences have no comment or
        thread).
    weight
        ``"length"`` adds ``weighted_compound``: the mean compound weighted by each
        sentence's number of words (:func:`msdiscourse.text.n_words`), so a one-word
        "Thanks!" counts less than a long sentence.
    exclude_quotes
        Leave out sentences flagged ``is_quote`` (a commenter quoting the post or the
        parent speaks in someone else's words). A group whose sentences are all quotes
        is kept with ``n_sentences`` 0 and missing statistics.

    Returns
    -------
    pandas.DataFrame
        The ``tone_summary`` table, one row per group in order of first appearance: the
        ``by`` column(s), ``n_sentences``, ``n_comments``, ``n_authors`` (distinct signed
        authors; missing when the table has no ``author`` column), ``mean_compound``, ``median_compound``, ``share_negative``,
        ``share_positive`` (and ``weighted_compound`` with ``weight="length"``).

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``scored`` is not the ``tone`` table or lacks a ``by`` column.
    ValueError
        When ``weight`` is not ``None`` or ``"length"``.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "body": "It is awful, they said."}],
    ...     comments=[{"comment_id": "c1", "post_id": "p1",
    ...                "text": 'I love it. Thanks!\\n"It is awful, they said."'},
    ...               {"comment_id": "c2", "post_id": "p1", "text": "This is awful and sad."}])
    >>> scored = score_tone(split_sentences(corpus, units="comments"))
    >>> summary = aggregate_tone(scored, weight="length")
    >>> summary[["comment_id", "n_sentences", "mean_compound", "weighted_compound"]]
      comment_id  n_sentences  mean_compound  weighted_compound
    0         c1            2        0.56475           0.600825
    1         c2            1       -0.72690          -0.726900
    >>> summary[["share_negative", "share_positive"]]
       share_negative  share_positive
    0             0.0             1.0
    1             1.0             0.0
    """
    validate(scored, "tone", caller="aggregate_tone")
    keys = [by] if isinstance(by, str) else list(by)
    validate_columns(scored, keys, caller="aggregate_tone", what="by=")
    if weight not in (None, "length"):
        raise ValueError(f'weight must be None or "length"; got {weight!r}')

    frame = scored.dropna(subset=keys)
    groups = frame[keys].drop_duplicates().reset_index(drop=True)
    if exclude_quotes:
        frame = frame[~frame["is_quote"].fillna(False).astype(bool)]
    compound = pd.to_numeric(frame["compound"], errors="coerce").astype("float64")
    tone = frame["tone"].astype("object")
    work = frame[keys].copy()
    work["compound"] = compound
    # counts beside every mean: comments and authors behind each group (sentences of one
    # comment are not independent; an author's comments are not either)
    work["_comment"] = frame["comment_id"].where(compound.notna())
    has_author = "author" in frame.columns  # schema-ok: declared in tone, absent from hand-made tables
    work["_author"] = frame["author"].where(compound.notna()) if has_author else pd.NA
    work["is_negative"] = (tone == "negative").astype("float64").where(compound.notna())
    work["is_positive"] = (tone == "positive").astype("float64").where(compound.notna())
    if weight == "length":
        words = count_words(frame["text"])
        work["weight"] = words.astype("float64").where(compound.notna(), 0.0)
        work["weighted"] = work["compound"].fillna(0.0) * work["weight"]
    grouped = work.groupby(keys, sort=False, dropna=True)
    summary = pd.DataFrame(
        {
            "n_sentences": grouped["compound"].count(),
            "n_comments": grouped["_comment"].nunique(),
            "n_authors": grouped["_author"].nunique() if has_author else pd.NA,
            "mean_compound": grouped["compound"].mean(),
            "median_compound": grouped["compound"].median(),
            "share_negative": grouped["is_negative"].mean(),
            "share_positive": grouped["is_positive"].mean(),
        }
    )
    if weight == "length":
        total = grouped["weight"].sum()
        summary["weighted_compound"] = (grouped["weighted"].sum() / total).where(total > 0)
    summary = summary.reset_index()
    result = groups.merge(summary, on=keys, how="left")
    for column in ("n_sentences", "n_comments"):
        result[column] = result[column].fillna(0).astype("Int64")
    result["n_authors"] = result["n_authors"].astype("Int64")
    return result


def comment_tone(
    corpus,
    *,
    sentences: pd.DataFrame | None = None,
    exclude_quotes: bool = True,
    overrides: bool = False,
    n_jobs: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Score each comment as a whole, without the sentences it quotes.

    The comment-level compound used by :func:`thread_trajectory`,
    :func:`msdiscourse.reply_exchanges` (its ``tone_shift``) and the role figures:
    :func:`score_texts`'s length-aware compound (whole-text
    VADER for short comments, scaled summed sentence valence for long ones) of the
    comment's own sentences, so that a reply quoting an angry post is not itself angry.

    Parameters
    ----------
    corpus
        A :class:`msdiscourse.Corpus`.
    sentences
        The ``sentences`` table of this corpus (:func:`msdiscourse.split_sentences`, units
        ``"all"`` or ``"comments"``), when the analysis has it already: the comments are
        then not split a second time (splitting is most of the cost), and a comment's
        sentences are the very rows every other analysis uses. Default: split here.
    exclude_quotes
        Drop the sentences :func:`msdiscourse.split_sentences` flags ``is_quote``.
    overrides, n_jobs, progress
        As in :func:`score_texts`.

    Returns
    -------
    pandas.DataFrame
        The ``comment_tone`` table: one row per comment with text, ``comment_id`` and
        the columns of :func:`score_texts`. A comment made only of quotations has NaN
        scores.

    Raises
    ------
    TypeError
        When ``corpus`` is not a :class:`msdiscourse.Corpus`.
    msdiscourse.schema.SchemaError
        When ``sentences`` is not the sentences table.
    ValueError
        When ``sentences`` lacks a comment with text (split with ``units="posts"``) or
        was split from other text than the corpus's (another corpus, or the corpus
        before :func:`msdiscourse.pseudonymise`).

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "body": "This drug is a terrible failure for everyone."}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1",
    ...                "text": '"This drug is a terrible failure for everyone."\\nI disagree, it is a great help.'}])
    >>> comment_tone(corpus)[["comment_id", "compound", "tone"]]
      comment_id  compound      tone
    0      p1.c1    0.6369  positive
    >>> float(comment_tone(corpus, exclude_quotes=False).loc[0, "compound"])
    -0.296
    >>> sentences = split_sentences(corpus)   # made once, shared by the analyses
    >>> float(comment_tone(corpus, sentences=sentences).loc[0, "compound"])
    0.6369
    """
    check_corpus(corpus, caller="comment_tone")
    if sentences is None:
        sentences = split_sentences(corpus, units="comments")
    else:
        sentences = _comment_sentences(sentences, corpus.comments)
    if exclude_quotes:
        sentences = sentences[~sentences["is_quote"].fillna(False).astype(bool)]
    grouped = sentences.groupby("comment_id", sort=False)["text"]
    own_text, own_sentences = grouped.agg("\n".join), grouped.agg(list)
    ids = corpus.comments.loc[corpus.comments["text"].notna(), "comment_id"]
    # a comment with no sentence of its own (all quotation) has nothing to score
    texts = [t if isinstance(t, str) else None for t in ids.map(own_text).tolist()]
    sentences_of = [s if isinstance(s, list) else [] for s in ids.map(own_sentences).tolist()]
    scores = _score_whole_texts(texts, pd.Index(ids.tolist()), sentences_of, positive=0.05,
                                negative=-0.05, overrides=overrides,
                                long_text_words=LONG_TEXT_WORDS, n_jobs=n_jobs,
                                progress=progress, engine="fast")
    scores.index.name = "comment_id"
    result = scores.reset_index()
    result["comment_id"] = result["comment_id"].astype("string")
    return result


# -- along threads -------------------------------------------------------------------
def thread_trajectory(comment_scores: pd.DataFrame, comments: pd.DataFrame, *,
                      along: Literal["thread", "post"] = "thread") -> pd.DataFrame:
    """Lay out comment tone along each thread: page position and depth against compound.

    Parameters
    ----------
    comment_scores
        The ``comment_tone`` table (:func:`comment_tone`): its compound leaves out
        quotations and does not saturate on long comments.
    comments
        The corpus's comments table (``corpus.comments``).
    along
        ``"thread"`` (default): a thread is a top-level comment and its replies.
        ``"post"``: all of a post's comments are one thread, in page order: for a flat
        forum, whose messages carry no reply links (each comment is then top level and a
        thread of its own), or to follow a whole discussion.

    Returns
    -------
    pandas.DataFrame
        The ``trajectory`` table: one row per comment, in page order: ``comment_id,
        thread_id`` (the post's id with ``along="post"``), ``post_id, position`` (page
        order within the post), ``thread_position`` (1 for the thread's first comment,
        then page order within the thread), ``depth`` and ``compound`` (NaN when the
        comment has no score).

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``comment_scores`` is not the ``comment_tone`` table (sentence scores, say)
        or ``comments`` not the comments table.
    ValueError
        When a comment has more than one score, or ``along`` is neither name.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(comments=[
    ...     {"comment_id": "p1.c1", "post_id": "p1", "text": "Great post, thank you!"},
    ...     {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1", "text": "What an awful idea."}])
    >>> thread_trajectory(comment_tone(corpus), corpus.comments)
      comment_id thread_id post_id  position  thread_position  depth  compound
    0      p1.c1     p1.c1      p1         1                1      0    0.7840
    1      p1.c2     p1.c1      p1         2                2      1   -0.4588
    """
    validate(comment_scores, "comment_tone", caller="thread_trajectory")
    validate(comments, "comments", caller="thread_trajectory")
    if along not in ("thread", "post"):
        raise ValueError(f'thread_trajectory: along must be "thread" or "post"; got {along!r}')
    compound = comment_compound(comment_scores)
    columns = ["comment_id", "thread_id", "post_id", "position", "depth"]
    result = comments[columns].copy().reset_index(drop=True)
    if along == "post":
        result["thread_id"] = result["post_id"]
    result["thread_position"] = (result.groupby("thread_id", sort=False).cumcount() + 1).astype("Int64")
    result = result[["comment_id", "thread_id", "post_id", "position", "thread_position", "depth"]]
    result["compound"] = result["comment_id"].map(compound).astype("float64")
    return result


def _comment_sentences(sentences: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """The comment rows of a sentences table, checked against the comments they came from."""
    validate(sentences, "sentences", caller="comment_tone")
    rows = sentences[sentences["comment_id"].notna()]
    text_of = dict(zip(comments["comment_id"].tolist(), comments["text"].tolist()))
    split = set(rows["comment_id"].tolist())
    unsplit = [cid for cid, text in text_of.items()
               if isinstance(text, str) and text.strip() and cid not in split]
    if unsplit:
        raise ValueError(
            f"comment_tone: sentences= has no sentence of {len(unsplit)} comment(s) with text "
            f"(first: {', '.join(map(str, unsplit[:3]))}); expected split_sentences(corpus) "
            "or split_sentences(corpus, units='comments') of this corpus")
    for cid, start, end, text in zip(rows["comment_id"].tolist(), rows["start"].tolist(),
                                     rows["end"].tolist(), rows["text"].tolist()):
        source = text_of.get(cid)
        if not isinstance(source, str) or source[start:end] != text:
            raise ValueError(
                f"comment_tone: sentence {text!r} of comment {cid} is not in that comment's "
                "text; expected the sentences of this very corpus (split after pseudonymise, "
                "not before)")
    return rows


def comment_compound(comment_scores: pd.DataFrame) -> pd.Series:
    """The compound of each comment, indexed by ``comment_id``, from :func:`comment_tone`.

    Raises
    ------
    ValueError
        When a comment_id occurs twice (the table was joined or concatenated).

    Examples
    --------
    >>> scores = pd.DataFrame({"comment_id": ["c1", "c2"], "compound": [0.5, -0.1]})
    >>> comment_compound(scores).to_dict()
    {'c1': 0.5, 'c2': -0.1}
    """
    validate_columns(comment_scores, ["comment_id", "compound"], caller="comment_compound",
                     what="the comment_tone table")
    values = pd.to_numeric(comment_scores["compound"], errors="coerce").astype("float64")
    compound = pd.Series(values.to_numpy(), index=comment_scores["comment_id"].astype("string").to_numpy())
    if compound.index.duplicated().any():
        repeated = list(dict.fromkeys(compound.index[compound.index.duplicated()]))[:3]
        raise ValueError(f"expected one score per comment (the comment_tone table); "
                         f"comment_id repeated: {repeated}")
    return compound
