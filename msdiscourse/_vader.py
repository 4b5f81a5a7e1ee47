"""An exact, faster ``SentimentIntensityAnalyzer.polarity_scores`` (vaderSentiment 3.3.2).

:class:`FastVader` gives the same ``neg, neu, pos, compound`` as
``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer().polarity_scores`` for every
string, quirks included, in pure Python. It reads the lexicon and emoji files of the
installed ``vaderSentiment`` package and takes its constants (booster words, negations,
special cases) from that module, so both always share one set of data.

Where the time goes in the original, and what this module does instead:

* the emoji pass copies the text one character at a time: here one set test finds the
  (rare) texts with an emoji, and only those are rewritten, with a regular expression;
* every lexicon word lower-cases the whole sentence again, up to five times (negation
  and idiom checks): here each distinct token is analysed once (stripped form, lower
  case, capitals, lexicon valence, booster value, negation) and kept in a per-analyzer
  cache, and each sentence only looks its tokens up;
* words that are in neither the lexicon nor the booster list score 0 whatever their
  neighbours: only the lexicon words of a sentence run the rules.

The arithmetic of every rule is the original's, operation by operation and in the same
order, so the results are equal bit for bit (tested on the real corpora and on generated
texts, see ``tests/test_vader_exact.py``). The quirks kept on purpose are listed in
``docs/performance.md``.
"""

from __future__ import annotations

import math
import re
import string
import weakref
from importlib import resources
from itertools import compress
from operator import itemgetter

from vaderSentiment import vaderSentiment as _vs

__all__ = ["FastVader", "read_lexicon", "read_emoji_lexicon"]

#: every FastVader alive in this process, so that :func:`forget_tokens` reaches them all
_ANALYZERS: weakref.WeakSet = weakref.WeakSet()

_C_INCR = _vs.C_INCR
_N_SCALAR = _vs.N_SCALAR
_NEGATE = frozenset(_vs.NEGATE)
_BOOSTER = _vs.BOOSTER_DICT
_SPECIAL = _vs.SPECIAL_CASES
_PUNCTUATION = string.punctuation
#: one word of each special case and multi-word booster key, the rarest: a key can only
#: match in a window that holds all its words, so a window without any of these words
#: cannot change a valence through the idiom rules
_IDIOM_WORDS = frozenset({
    "shit", "bomb", "ass", "badass", "bus", "yeah", "kiss", "die", "beating",  # special cases
    "enough", "kind", "sort",  # just enough, kind of, sort of
})
_LOW, _UPPER, _SCORED, _ODD = itemgetter(0), itemgetter(1), itemgetter(5), itemgetter(7)
#: words, besides boosters and negations, that some rule looks for near a lexicon word:
#: 'no', 'this' ('never this'), 'least', 'kind' ('kind of'), 'but', and the idiom words
_ODD_WORDS = frozenset({"no", "this", "least", "kind", "but"}) | _IDIOM_WORDS
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ZERO = (0.0, 1.0, 0.0, 0.0)  # neg, neu, pos, compound of a text whose words all score 0
_EMPTY = (0.0, 0.0, 0.0, 0.0)  # ... and of a text with no words at all


def _package_text(name: str) -> str:
    return resources.files("vaderSentiment").joinpath(name).read_text(encoding="utf-8")


def read_lexicon() -> dict[str, float]:
    """The installed ``vader_lexicon.txt`` as ``SentimentIntensityAnalyzer.make_lex_dict`` reads it."""
    lexicon: dict[str, float] = {}
    for line in _package_text("vader_lexicon.txt").rstrip("\n").split("\n"):
        if not line:
            continue
        word, measure = line.strip().split("\t")[0:2]
        lexicon[word] = float(measure)
    return lexicon


def read_emoji_lexicon() -> dict[str, str]:
    """The installed ``emoji_utf8_lexicon.txt`` as ``make_emoji_dict`` reads it."""
    emojis: dict[str, str] = {}
    for line in _package_text("emoji_utf8_lexicon.txt").rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        emojis[emoji] = description
    return emojis


def forget_tokens() -> int:
    """Empty the token cache of every :class:`FastVader` in this process; how many tokens went.

    The cache only saves work (a token is analysed again when next seen). A Dask worker
    empties it after each partition (see ``msdiscourse.dask._forget_memoised``).

    >>> vader = FastVader()
    >>> _ = vader.scores("Not bad at all")
    >>> forget_tokens() >= 4, len(vader._cache)
    (True, 0)
    """
    forgotten = 0
    for analyzer in list(_ANALYZERS):
        forgotten += len(analyzer._cache)
        analyzer._cache.clear()
    return forgotten


class _TokenCache(dict):
    """token -> its analysis; a miss analyses the token (``dict.__missing__``)."""

    __slots__ = ("lexicon",)

    #: cleared when it grows past this many distinct tokens (memory stays bounded)
    MAX_TOKENS = 500_000

    def __missing__(self, token: str) -> tuple:
        stripped = token.strip(_PUNCTUATION)
        word = token if len(stripped) <= 2 else stripped
        low = word.lower()
        lexicon = self.lexicon
        in_lexicon = low in lexicon
        booster = _BOOSTER.get(low)
        negation = low in _NEGATE or "n't" in low
        # (lower, is upper, in lexicon, booster value or None, negation word,
        #  scored here: a lexicon word that is not a booster, lexicon valence,
        #  odd: a word some rule looks for around a lexicon word)
        info = (
            low,
            word.isupper(),
            in_lexicon,
            booster,
            negation,
            in_lexicon and booster is None,
            lexicon.get(low),
            booster is not None or negation or low in _ODD_WORDS,
        )
        if len(self) >= self.MAX_TOKENS:
            self.clear()
        self[token] = info
        return info


class FastVader:
    """Exact ``polarity_scores`` of vaderSentiment, faster.

    Parameters
    ----------
    lexicon
        Word -> valence; ``None`` (default) reads the installed ``vader_lexicon.txt``.
        The dict is used as given (not copied): change it before scoring, not during.

    Examples
    --------
    >>> vader = FastVader()
    >>> vader.polarity_scores("The book was good, but the ending was NOT great!")
    {'neg': 0.322, 'neu': 0.545, 'pos': 0.133, 'compound': -0.5835}
    >>> vader.scores("Not bad at all")
    (0.0, 0.513, 0.487, 0.431)
    """

    def __init__(self, lexicon: dict[str, float] | None = None):
        self.lexicon = read_lexicon() if lexicon is None else lexicon
        self.emojis = read_emoji_lexicon()
        # only single characters can match: the original looks emojis up character by character
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        self._cache = _TokenCache()
        self._cache.lexicon = self.lexicon
        _ANALYZERS.add(self)

    # -- text level ------------------------------------------------------------------
    def _replace_emojis(self, text: str) -> str:
        emojis = self.emojis

        def describe(match: re.Match) -> str:
            # the original adds a space before a description unless the previous input
            # character is a plain space (or there is none); never one after it
            char = match.group()
            description = emojis.get(char)
            if description is None:
                return char
            start = match.start()
            if start == 0 or text[start - 1] == " ":
                return description
            return " " + description

        # a class of the 1,200 emoji characters would be scanned linearly for every
        # character above U+FFFF; the non-ASCII characters of a text are few
        return _NON_ASCII.sub(describe, text)

    def polarity_scores(self, text: str) -> dict[str, float]:
        """The same dict as ``SentimentIntensityAnalyzer.polarity_scores(text)``."""
        neg, neu, pos, compound = self.scores(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def scores(self, text: str) -> tuple[float, float, float, float]:
        """``(neg, neu, pos, compound)`` of one text, rounded as VADER rounds them."""
        # every emoji character is outside ASCII, and str.isascii() is a flag test
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):
            text = self._replace_emojis(text)
        tokens = text.split()  # the original strips first: split() ignores edge space anyway
        n = len(tokens)
        if not n:
            return _EMPTY
        infos = list(map(self._cache.__getitem__, tokens))
        scored = list(compress(range(n), map(_SCORED, infos)))
        if not scored:
            return _ZERO
        is_cap_diff = 0 < n - sum(map(_UPPER, infos)) < n
        odd = list(compress(range(n), map(_ODD, infos)))
        if not odd:
            # no booster, negation, 'no', 'this', 'least', 'kind', 'but' or idiom word
            # anywhere: every rule but capitals leaves a lexicon word's valence as it is
            if is_cap_diff:
                values = [
                    (info[6] + _C_INCR if info[6] > 0 else info[6] - _C_INCR) if info[1] else info[6]
                    for info in map(infos.__getitem__, scored)
                ]
            else:
                values = [infos[i][6] for i in scored]
            neu_count = n - len(values) + values.count(0)
            return _score_valence(values, neu_count, text)
        lows = list(map(_LOW, infos))
        # positions whose window (3 words before, 2 after) holds an odd token run every rule
        near_odd = set()
        for position in odd:
            near_odd.update(range(position - 2, position + 4))
        sentiments = [0] * n
        for i in scored:
            if i in near_odd:
                if lows[i] == "kind" and i < n - 1 and lows[i + 1] == "of":
                    continue
                sentiments[i] = self._valence(i, infos, lows, n, is_cap_diff)
            else:
                info = infos[i]
                value = info[6]
                if info[1] and is_cap_diff:
                    value = value + _C_INCR if value > 0 else value - _C_INCR
                sentiments[i] = value
        if "but" in lows:
            _but_check(lows, sentiments)
        return _score_valence(sentiments, sentiments.count(0), text)

    # -- one lexicon word ----------------------------------------------------------------
    def _valence(self, i: int, infos: list, lows: list, n: int, is_cap_diff: bool) -> float:
        """``sentiment_valence`` for a word known to be in the lexicon."""
        info = infos[i]
        low = info[0]
        valence = info[6]
        if low == "no" and i != n - 1 and infos[i + 1][2]:
            valence = 0.0
        if (
            (i > 0 and lows[i - 1] == "no")
            or (i > 1 and lows[i - 2] == "no")
            or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in ("or", "nor"))
        ):
            valence = info[6] * _N_SCALAR
        if info[1] and is_cap_diff:
            if valence > 0:
                valence += _C_INCR
            else:
                valence -= _C_INCR
        for start_i in (0, 1, 2):
            if i > start_i:
                before = infos[i - (start_i + 1)]
                if before[2]:  # a lexicon word: no scalar, negation or idiom check
                    continue
                # scalar_inc_dec
                scalar = 0.0
                booster = before[3]
                if booster is not None:
                    scalar = booster
                    if valence < 0:
                        scalar *= -1
                    if before[1] and is_cap_diff:
                        if valence > 0:
                            scalar += _C_INCR
                        else:
                            scalar -= _C_INCR
                if start_i == 1 and scalar != 0:
                    scalar = scalar * 0.95
                if start_i == 2 and scalar != 0:
                    scalar = scalar * 0.9
                valence = valence + scalar
                valence = _negation_check(valence, lows, infos, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lows, i, n)
        # _least_check
        if i > 1 and not infos[i - 1][2] and lows[i - 1] == "least":
            if lows[i - 2] != "at" and lows[i - 2] != "very":
                valence = valence * _N_SCALAR
        elif i > 0 and not infos[i - 1][2] and lows[i - 1] == "least":
            valence = valence * _N_SCALAR
        return valence


def _negation_check(valence: float, lows: list, infos: list, start_i: int, i: int) -> float:
    if start_i == 0:
        if infos[i - 1][4]:
            valence = valence * _N_SCALAR
    elif start_i == 1:
        if lows[i - 2] == "never" and (lows[i - 1] == "so" or lows[i - 1] == "this"):
            valence = valence * 1.25
        elif lows[i - 2] == "without" and lows[i - 1] == "doubt":
            pass
        elif infos[i - 2][4]:
            valence = valence * _N_SCALAR
    else:
        # the original's precedence: (never and so/this two back) or (so/this just before)
        if (lows[i - 3] == "never" and (lows[i - 2] == "so" or lows[i - 2] == "this")) or (
            lows[i - 1] == "so" or lows[i - 1] == "this"
        ):
            valence = valence * 1.25
        elif lows[i - 3] == "without" and (lows[i - 2] == "doubt" or lows[i - 1] == "doubt"):
            pass
        elif infos[i - 3][4]:
            valence = valence * _N_SCALAR
    return valence


def _special_idioms_check(valence: float, lows: list, i: int, n: int) -> float:
    onezero = f"{lows[i - 1]} {lows[i]}"
    twoonezero = f"{lows[i - 2]} {lows[i - 1]} {lows[i]}"
    twoone = f"{lows[i - 2]} {lows[i - 1]}"
    threetwoone = f"{lows[i - 3]} {lows[i - 2]} {lows[i - 1]}"
    threetwo = f"{lows[i - 3]} {lows[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    if n - 1 > i:
        zeroone = f"{lows[i]} {lows[i + 1]}"
        if zeroone in _SPECIAL:
            valence = _SPECIAL[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{lows[i]} {lows[i + 1]} {lows[i + 2]}"
        if zeroonetwo in _SPECIAL:
            valence = _SPECIAL[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in _BOOSTER:
            valence = valence + _BOOSTER[n_gram]
    return valence


def _but_check(lows: list, sentiments: list) -> None:
    """The original's 'but' rule, kept as written: ``list.index`` finds the *first* equal
    value, so with repeated valences a value before 'but' can be scaled twice and one
    after it not at all."""
    bi = lows.index("but")
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 0.5)
        elif si > bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 1.5)


def _score_valence(values: list, neu_count: int, text: str) -> tuple[float, float, float, float]:
    """``score_valence`` given the non-zero valences in order (zeros add nothing to the
    sums) and the number of zero-valence words."""
    sum_s = float(sum(values))
    # _punctuation_emphasis, on the text after emoji replacement (descriptions count)
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        if qm_count <= 3:
            qm_amplifier = qm_count * 0.18
        else:
            qm_amplifier = 0.96
    punct_emph_amplifier = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0
    pos_sum = 0.0
    neg_sum = 0.0
    for sentiment_score in values:
        if sentiment_score > 0:
            pos_sum += float(sentiment_score) + 1
        if sentiment_score < 0:
            neg_sum += float(sentiment_score) - 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct_emph_amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (
        _round(math.fabs(neg_sum / total), 1000.0, 3),
        _round(math.fabs(neu_count / total), 1000.0, 3),
        _round(math.fabs(pos_sum / total), 1000.0, 3),
        _round(compound, 10000.0, 4),
    )


def _round(value: float, scale: float, digits: int) -> float:
    """``round(value, digits)``, without its decimal string conversion when the decision
    is clear: the scaled value is off by far less than 1e-6 (|value| <= 1 here), so away
    from a half the integer ``k`` is the correctly rounded decimal, and ``k / scale``
    (an exact int over an exact int, correctly rounded by IEEE division) is the double
    nearest to it, which is what ``round`` returns. Near a half, ``round`` decides."""
    scaled = value * scale
    k = round(scaled)
    if -0.499 < scaled - k < 0.499:
        return k / scale if k else 0.0 * value  # keeps the sign of a zero, as round does
    return round(value, digits)
