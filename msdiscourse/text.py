"""Text primitives, each defined once: normalisation, sentence spans, words, quotations.

Every module that needs one of these concepts imports it from here, so that a sentence,
a word or a quotation means the same thing in tone, irony markers, roles and exchanges.

Normalisation is shared by every reader: Unicode repair and whitespace rules.

Mojibake (UTF-8 read as Windows-1252, e.g. ``â€™`` for ``’``) is repaired with
`ftfy <https://ftfy.readthedocs.io>`_, not with hand-written tables. Everything else is
left as the writer typed it: curly quotes, dashes, ellipses and non-breaking spaces stay,
because they are evidence (a scare quote, an ellipsis) for later analysis.
"""

from __future__ import annotations

import functools
import re

import ftfy
import pandas as pd

from msdiscourse.paths import RESOURCES_DIR

__all__ = [
    "normalise_text",
    "is_blank",
    "HORIZONTAL_SPACE",
    "sentence_spans",
    "load_abbreviations",
    "load_sentence_starters",
    "WORD_PATTERN",
    "n_words",
    "count_words",
    "MIN_QUOTE_WORDS",
    "fold_for_quotes",
    "quotes_folded",
    "is_quotation",
]

#: characters a page renderer may use for horizontal space (NBSP, thin spaces ...)
HORIZONTAL_SPACE = " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,        # a literal "&amp;" in a text dump is what the writer saw
    uncurl_quotes=False,        # curly quotes are evidence (scare quotes)
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,      # readers handle CRLF themselves, with line numbers
    normalization=None,         # keep the characters the writer used
    explain=False,
)


def normalise_text(text: str) -> str:
    """Repair mojibake in ``text`` and return it otherwise unchanged.

    Parameters
    ----------
    text
        Any string.

    Returns
    -------
    str
        The text with encoding damage undone (``â€™`` -> ``’``, ``Ã©`` -> ``é``).

    Examples
    --------
    >>> normalise_text("It doesnâ€™t work")
    'It doesn’t work'
    >>> normalise_text("curly “quotes” stay")
    'curly “quotes” stay'
    """
    if not text:
        return text
    if text.isascii() and not _ASCII_FTFY_CHANGES.search(text):
        return text
    # ftfy fixes each line (up to and including its "\n") on its own; a line of printable
    # ASCII comes back unchanged, so only the other lines go through it (same result,
    # several times faster on text where a few lines hold a curly quote or an accent)
    if len(text) > _FTFY_CONFIG.max_decode_length:
        return ftfy.fix_text(text, _FTFY_CONFIG)
    lines = text.split("\n")
    last = len(lines) - 1
    out = []
    for index, line in enumerate(lines):
        segment = line + "\n" if index < last else line
        if not segment or (segment.isascii() and not _ASCII_FTFY_CHANGES.search(segment)):
            out.append(segment)
        elif _ftfy_keeps(segment):
            out.append(segment)
        else:
            out.append(_fix_short(segment) if len(segment) <= 200
                       else ftfy.fix_text(segment, _FTFY_CONFIG))
    return "".join(out)


#: the ASCII characters ftfy changes (control characters, ESC); any other ASCII it keeps
_ASCII_FTFY_CHANGES = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _build_ftfy_triggers():
    """The characters ftfy's fixers other than the mojibake repair act on, as a pattern."""
    try:
        from ftfy.badness import is_bad
        from ftfy.chardata import CONTROL_CHARS
    except ImportError:  # pragma: no cover - another ftfy layout: always ask ftfy
        return None, None
    controls = "".join(re.escape(chr(code)) for code in sorted(CONTROL_CHARS))
    # C1 controls (fix_c1_controls), surrogates (fix_surrogates), ESC (terminal escapes),
    # and what remove_control_chars deletes
    return re.compile(f"[\x80-\x9f\ud800-\udfff\x1b{controls}]"), is_bad


_FTFY_TRIGGERS, _IS_BAD = _build_ftfy_triggers()


def _ftfy_keeps(segment: str) -> bool:
    """True when ftfy (our configuration) would return ``segment`` as it is.

    ftfy repairs mojibake only in text its own badness test flags, and its other fixers
    act only on C1 controls, surrogates, terminal escapes and the control characters it
    removes; a line with none of these comes back unchanged, so it need not go through
    the whole pipeline. (A test compares this with ftfy on many lines.)
    """
    if _FTFY_TRIGGERS is None:  # pragma: no cover
        return False
    return not _FTFY_TRIGGERS.search(segment) and not _IS_BAD(segment)


@functools.lru_cache(maxsize=4096)
def _fix_short(segment: str) -> str:
    """One line through ftfy (cached: names and short lines repeat across a corpus)."""
    return ftfy.fix_text(segment, _FTFY_CONFIG)


def is_blank(line: str) -> bool:
    """True when a line holds nothing but horizontal space.

    >>> is_blank("\\u00a0 \\t")
    True
    """
    return not line.strip(HORIZONTAL_SPACE + "\r\n\ufeff")


# -- sentences ---------------------------------------------------------------------------
# Sentences are found offline with NLTK's Punkt algorithm, given this field's abbreviations
# ("Prof.", "Dr.", "e.g.", "i.e.", "vs.", "et al.", "approx.") from
# ``resources/punkt_abbreviations.txt`` and the words that may start a sentence after one
# (``resources/sentence_starters.txt``). Nothing is downloaded: no ``nltk.download``.
# "MS" is deliberately not an abbreviation, so "... patients with MS. The trial ..." ends a
# sentence.

_NEWLINE = r"(?:\r\n|\r(?!\n)|\n)"  # "\r\n" is one line break, never two
_LINE_BREAK = re.compile(_NEWLINE)
_PARAGRAPH_BREAK = re.compile(rf"{_NEWLINE}[^\S\r\n]*{_NEWLINE}\s*")
_HAS_WORD_CHAR = re.compile(r"\w")
_SENTENCE_END = re.compile(r"[.?!]")


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
def _tokenizer():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

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

    The one sentence splitter of the library: :func:`msdiscourse.split_sentences`, the
    length-aware tone of :func:`msdiscourse.tone.score_texts` and the quotation test of
    :func:`msdiscourse.reply_exchanges` all cut text here.

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

    Raises
    ------
    TypeError
        When ``text`` is not a string (a Series or a table: use
        :func:`msdiscourse.split_sentences` on the corpus).

    Examples
    --------
    >>> text = "I asked Dr. G about it, i.e. HSCT. He said no.\\n\\nThanks!!"
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['I asked Dr. G about it, i.e. HSCT.', 'He said no.', 'Thanks!!']
    """
    if not isinstance(text, str):
        raise TypeError(
            f"sentence_spans expects one text (a str); got a {type(text).__name__} "
            "(for a whole corpus call split_sentences(corpus))"
        )
    if not text:
        return []
    tokenizer = _tokenizer()
    spans: list[tuple[int, int]] = []
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
            if spans and spans[-1][1] >= block_start and not _HAS_WORD_CHAR.search(block, start, end):
                # Punkt cuts "Thanks!!" at the text's end into "Thanks!" and "!": a span
                # of bare punctuation belongs to the sentence before it
                spans[-1] = (spans[-1][0], block_start + end)
            else:
                spans.append((block_start + start, block_start + end))
    return spans


# -- words -------------------------------------------------------------------------------

#: a word: letters or digits, with inner apostrophes ("don't", "MS'ers" are one word each)
WORD_PATTERN = r"\w+(?:['’]\w+)*"
_WORD = re.compile(WORD_PATTERN)


def n_words(text) -> int:
    """Count the words of one text (the library's one definition of ``n_words``).

    A word is a run of letters or digits with inner apostrophes (:data:`WORD_PATTERN`);
    punctuation, emoticons and dashes are not words. Anything that is not a string
    counts 0.

    Examples
    --------
    >>> n_words("Don't be so sure... :-)")
    4
    >>> n_words(None)
    0
    """
    if not isinstance(text, str):
        return 0
    return sum(1 for _ in _WORD.finditer(text))


def count_words(texts) -> pd.Series:
    """Count the words of each text, as :func:`n_words` does; missing texts count 0.

    Parameters
    ----------
    texts : pandas.Series or list of str

    Returns
    -------
    pandas.Series
        ``Int64`` counts, same index as ``texts``.

    Examples
    --------
    >>> count_words(pd.Series(["Don't be so sure...", None])).tolist()
    [4, 0]
    """
    if isinstance(texts, str):
        raise TypeError("count_words expects many texts (a list or Series); for one text use n_words(text)")
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    return series.astype("string").str.count(WORD_PATTERN).fillna(0).astype("Int64")


# -- quotations ----------------------------------------------------------------------------

#: a sentence shorter than this (in words) is never called a quotation: "Thank you." or
#: "I agree." in a reply repeat the parent by accident, not by quoting it.
MIN_QUOTE_WORDS = 4

_QUOTE_CHARS = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
        "\u201c": None, "\u201d": None, "\u201e": None, "\u00ab": None, "\u00bb": None,
        '"': None, "\u2026": "...", "\u2013": "-", "\u2014": "-",
    }
)
_SPACE_RUN = re.compile(r"\s+")
_EDGE_PUNCTUATION = " .,;:!?'-()[]"


def fold_for_quotes(text: str) -> str:
    """Fold case, quote marks, dashes and spacing so a quotation matches its source.

    >>> fold_for_quotes('It is  VERY \\u201caggressive\\u201d\\u2014really')
    'it is very aggressive-really'
    """
    folded = text.casefold().translate(_QUOTE_CHARS)
    return _SPACE_RUN.sub(" ", folded).strip()


def quotes_folded(sentence: str, folded_sources: list[str]) -> bool:
    """:func:`is_quotation` with the sources already passed through :func:`fold_for_quotes`.

    For callers that test many sentences against the same sources (fold each once).

    >>> quotes_folded("We cured MS in mice.", [fold_for_quotes("So: we cured MS in mice!")])
    True
    """
    if not folded_sources:
        return False
    key = fold_for_quotes(sentence).strip(_EDGE_PUNCTUATION)
    if len(key.split()) < MIN_QUOTE_WORDS:
        return False
    return any(key in source for source in folded_sources)


def is_quotation(sentence: str, sources: list[str]) -> bool:
    """Tell whether ``sentence`` reproduces a passage of one of ``sources``.

    The library's one quotation test. Case, quote marks (straight or curly), dashes,
    spacing and the punctuation at the sentence's edges are ignored; the sentence must
    have at least :data:`MIN_QUOTE_WORDS` words, so that a short "I agree." is not a
    quotation.

    Parameters
    ----------
    sentence
        One sentence.
    sources
        The texts it may quote (the post body, the parent comment); missing ones are
        skipped.

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
    return quotes_folded(sentence, [fold_for_quotes(s) for s in sources if isinstance(s, str) and s])
