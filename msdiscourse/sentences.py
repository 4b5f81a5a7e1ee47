"""Sentences of posts and comments, with offsets and a flag for quotations.

Sentences are found offline with NLTK's Punkt algorithm, given this field's
abbreviations ("Prof.", "Dr.", "e.g.", "i.e.", "vs.", "et al.", "approx.") from
``resources/punkt_abbreviations.txt`` and the words that may start a sentence after one
(``resources/sentence_starters.txt``). Nothing is downloaded: no ``nltk.download``.
"MS" is deliberately not an abbreviation, so "... patients with MS. The trial ..." ends a
sentence.

A comment that quotes the post or the comment it answers repeats someone else's words;
those sentences are flagged ``is_quote`` so that tone and marker counts can leave them out.

Examples
--------
>>> from msdiscourse.corpus import Corpus
>>> corpus = Corpus.from_records(
...     posts=[{"post_id": "p1", "author": "LabRat",
...             "body": "Prof. Smith is cautious. It is early days."}],
...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Anon",
...                "text": '"Prof. Smith is cautious." Good, e.g. about HSCT. Thanks!'}])
>>> split_sentences(corpus)[["sentence_id", "start", "end", "text", "is_quote"]]
  sentence_id  start  end                        text  is_quote
0       p1.s1      0   24    Prof. Smith is cautious.     False
1       p1.s2     25   42           It is early days.     False
2    p1.c1.s1      0   26  "Prof. Smith is cautious."      True
3    p1.c1.s2     27   49      Good, e.g. about HSCT.     False
4    p1.c1.s3     50   57                     Thanks!     False
"""

from __future__ import annotations

import functools
import re
from typing import Literal

import pandas as pd
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from msdiscourse.corpus import Corpus, coerce_frame
from msdiscourse.paths import RESOURCES_DIR
from msdiscourse.schema import SENTENCES

__all__ = [
    "SENTENCE_COLUMNS",
    "split_sentences",
    "sentence_spans",
    "load_abbreviations",
    "load_sentence_starters",
    "is_quotation",
]

#: sentences table: column -> dtype, declared in :mod:`msdiscourse.schema`
SENTENCE_COLUMNS: dict[str, str] = SENTENCES.columns

#: a sentence shorter than this (in words) is never called a quotation: "Thank you." or
#: "I agree." in a reply repeat the parent by accident, not by quoting it.
MIN_QUOTE_WORDS = 4

_NEWLINE = r"(?:\r\n|\r(?!\n)|\n)"  # "\r\n" is one line break, never two
_LINE_BREAK = re.compile(_NEWLINE)
_PARAGRAPH_BREAK = re.compile(rf"{_NEWLINE}[^\S\r\n]*{_NEWLINE}\s*")
_QUOTE_CHARS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
        "\u201c": None, "\u201d": None, "\u201e": None, "\u00ab": None, "\u00bb": None,
        '"': None, "\u2026": "...", "\u2013": "-", "\u2014": "-",
    }
)
_SPACE_RUN = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_SENTENCE_END = re.compile(r"[.?!]")
_EDGE_PUNCTUATION = " .,;:!?'-()[]"


def _read_word_list(name: str) -> frozenset[str]:
    path = RESOURCES_DIR / name
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            words.add(word.lower())
    return frozenset(words)


@functools.cache
def load_abbreviations() -> frozenset[str]:
    """Return the abbreviations Punkt must not treat as sentence ends.

    Read once from ``resources/punkt_abbreviations.txt`` (lower case, without the final
    period, as Punkt stores them).

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> {"prof", "dr", "e.g", "i.e", "vs", "al", "approx"} <= load_abbreviations()
    True
    >>> "ms" in load_abbreviations()   # MS is the disease: "... with MS." ends a sentence
    False
    """
    return _read_word_list("punkt_abbreviations.txt")


@functools.cache
def load_sentence_starters() -> frozenset[str]:
    """Return the words that start a new sentence after an abbreviation ("etc. The ...").

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> "the" in load_sentence_starters()
    True
    """
    return _read_word_list("sentence_starters.txt")


@functools.cache
def _tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(load_abbreviations())
    params.sent_starters = set(load_sentence_starters())
    return PunktSentenceTokenizer(params)


def _blocks(text: str, split_lines: bool) -> list[tuple[int, int]]:
    """Spans of the line (or paragraph) blocks of ``text``; no sentence crosses one."""
    separator = _LINE_BREAK if split_lines else _PARAGRAPH_BREAK
    spans, start = [], 0
    for match in separator.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def sentence_spans(text: str, *, split_lines: bool = True) -> list[tuple[int, int]]:
    """Find the sentences of one text as ``(start, end)`` character offsets.

    Sentences never cross a line break (``split_lines=True``, the default: in page dumps
    and blog comments a line break is one the writer typed, e.g. after a quotation or a
    salutation) or, with ``split_lines=False`` (for hard-wrapped text), a paragraph
    break (a blank line). Within a block, Punkt decides. Spans are trimmed of white space
    and blank spans are dropped.

    Parameters
    ----------
    text
        The text to split.
    split_lines
        Also break at single line breaks, not only at blank lines.

    Returns
    -------
    list of (int, int)
        ``text[start:end]`` is each sentence, in order.

    Examples
    --------
    >>> text = "I asked Dr. G about it, i.e. HSCT. He said no.\\n\\nThanks!!"
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['I asked Dr. G about it, i.e. HSCT.', 'He said no.', 'Thanks!!']
    """
    if not text:
        return []
    tokenizer = _tokenizer()
    spans = []
    for block_start, block_end in _blocks(text, split_lines):
        block = text[block_start:block_end]
        if not block.strip():
            continue
        # no sentence-ending mark, no break: spare Punkt a line like "Dear Tilly,"
        block_spans = tokenizer.span_tokenize(block) if _SENTENCE_END.search(block) else [(0, len(block))]
        for start, end in block_spans:
            while start < end and block[start].isspace():
                start += 1
            while end > start and block[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            if spans and spans[-1][1] >= block_start and not _WORD.search(block, start, end):
                # Punkt cuts "Thanks!!" at the text's end into "Thanks!" and "!": a span
                # of bare punctuation belongs to the sentence before it
                spans[-1] = (spans[-1][0], block_start + end)
            else:
                spans.append((block_start + start, block_start + end))
    return spans


def _comparable(text: str) -> str:
    """Fold case, quote marks, dashes and spacing so a quotation matches its source."""
    folded = text.casefold().translate(_QUOTE_CHARS)
    return _SPACE_RUN.sub(" ", folded).strip()


def is_quotation(sentence: str, sources: list[str]) -> bool:
    """Tell whether ``sentence`` reproduces a passage of one of ``sources``.

    Case, quote marks (straight or curly), dashes, spacing and the punctuation at the
    sentence's edges are ignored; the sentence must have at least
    :data:`MIN_QUOTE_WORDS` words, so that a short "I agree." is not a quotation.

    Parameters
    ----------
    sentence
        One sentence.
    sources
        The texts it may quote (the post body, the parent comment), already passed
        through the same folding or not: both are folded here.

    Returns
    -------
    bool

    Examples
    --------
    >>> post = "It is very aggressive, \\u201cwarned\\u201d Prof Jones. Be careful."
    >>> is_quotation('"It is VERY aggressive,"', [post])
    True
    >>> is_quotation("It is aggressive.", [post])
    False
    """
    return _quotes_folded(sentence, [_comparable(s) for s in sources if _present(s)])


def _quotes_folded(sentence: str, folded_sources: list[str]) -> bool:
    if not folded_sources:
        return False
    key = _comparable(sentence).strip(_EDGE_PUNCTUATION)
    if len(key.split()) < MIN_QUOTE_WORDS:
        return False
    return any(key in source for source in folded_sources)


def _present(value) -> bool:
    return isinstance(value, str) and value != ""


def split_sentences(
    corpus: Corpus,
    *,
    units: Literal["all", "comments", "posts"] = "all",
    split_lines: bool = True,
) -> pd.DataFrame:
    """Split the post bodies and comments of a corpus into a table of sentences.

    Parameters
    ----------
    corpus
        The corpus; it is not changed.
    units
        ``"all"`` (post bodies and comments, the default), ``"comments"`` or ``"posts"``.
    split_lines
        Break sentences at every line break (default), or only at blank lines
        (``False``, for sources whose text is hard-wrapped); see :func:`sentence_spans`.

    Returns
    -------
    pandas.DataFrame
        One row per sentence with the columns of :data:`SENTENCE_COLUMNS`:
        ``sentence_id`` is ``f"{comment_id}.s{n}"`` (``f"{post_id}.s{n}"`` for the post
        body), ``n`` counts from 1 within each unit, ``text[start:end]`` of the unit gives
        the sentence, and ``is_quote`` marks a comment sentence that reproduces the post
        body or the parent comment (see :func:`is_quotation`). Rows come post by post,
        the body first, then the comments in page order.

    Raises
    ------
    ValueError
        When ``units`` is not one of the three names.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "body": "Stem cells. Big news."}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "Is it? Prof. X says so."}])
    >>> split_sentences(corpus, units="comments")[["sentence_id", "comment_id", "n", "text"]]
      sentence_id comment_id  n              text
    0    p1.c1.s1      p1.c1  1            Is it?
    1    p1.c1.s2      p1.c1  2  Prof. X says so.
    """
    if units not in ("all", "comments", "posts"):
        raise ValueError(f'units must be "all", "comments" or "posts"; got {units!r}')
    posts, comments = corpus.posts, corpus.comments
    body_of = {
        pid: body for pid, body in zip(posts["post_id"], posts["body"]) if _present(body)
    }
    post_rank = {pid: rank for rank, pid in enumerate(posts["post_id"])}
    records: list[tuple] = []  # (sort key, row)

    if units in ("all", "posts"):
        for pid, body, author in zip(posts["post_id"], posts["body"], posts["author"]):
            if not _present(body):
                continue
            for n, (start, end) in enumerate(sentence_spans(body, split_lines=split_lines), 1):
                row = (f"{pid}.s{n}", pid, None, n, start, end, body[start:end], False,
                       author, None, None)
                records.append(((post_rank.get(pid, len(post_rank)), -1, n), row))

    if units in ("all", "comments"):
        folded: dict[str, str] = {}  # unit id -> folded text, computed once per unit

        def folded_text(unit_id: str, text) -> str | None:
            if not _present(text):
                return None
            if unit_id not in folded:
                folded[unit_id] = _comparable(text)
            return folded[unit_id]

        text_of = dict(zip(comments["comment_id"], comments["text"]))
        columns = ["comment_id", "post_id", "parent_id", "text", "author", "thread_id", "depth"]
        for order, (cid, pid, parent_id, text, author, thread_id, depth) in enumerate(
            zip(*(comments[c] for c in columns))
        ):
            if not _present(text):
                continue
            sources = [folded_text(f"post:{pid}", body_of.get(pid))]
            if _present(parent_id):
                sources.append(folded_text(f"comment:{parent_id}", text_of.get(parent_id)))
            sources = [s for s in sources if s]
            for n, (start, end) in enumerate(sentence_spans(text, split_lines=split_lines), 1):
                sentence = text[start:end]
                row = (f"{cid}.s{n}", pid, cid, n, start, end, sentence,
                       _quotes_folded(sentence, sources), author, thread_id, depth)
                records.append(((post_rank.get(pid, len(post_rank)), order, n), row))

    records.sort(key=lambda record: record[0])
    frame = pd.DataFrame([row for _, row in records], columns=list(SENTENCE_COLUMNS))
    return coerce_frame(frame, SENTENCE_COLUMNS)
