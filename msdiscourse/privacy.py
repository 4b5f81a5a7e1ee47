"""Pseudonymise names: keyed-HMAC pseudonyms for authors, and the same names in the texts.

Commenters on a health blog talk about their illness; figures and shared tables should
not carry their names. :func:`pseudonymise` replaces every author name (of comments and
posts) by a pseudonym derived from the name with a keyed HMAC (SHA-256): the same key and
the same name always give the same pseudonym, across runs and corpora, and without the
key the pseudonym cannot be turned back into the name by trying candidate names. The
names are also replaced wherever they appear in the texts (comment text, post body and
title, unparsed and furniture text such as the byline), as whole words and ignoring case:
"Dear Tilly" becomes "Dear P-654ee0".

Placeholder names ("Anonymous", "Anon", see :func:`msdiscourse.roles.is_placeholder_author`)
are kept: they identify no one, and replacing the word "anonymous" in running text would
damage it. Names of people who never post (a professor named in a comment) are not
authors and are left alone.

Examples
--------
>>> from msdiscourse.corpus import Corpus
>>> corpus = Corpus.from_records(
...     posts=[{"post_id": "p1", "author": "LabRat", "title": "Stem cells", "body": "..."}],
...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Tilly", "text": "Shame."},
...               {"comment_id": "p1.c2", "post_id": "p1", "author": "LabRat",
...                "text": "Dear Tilly, sorry.", "parent_id": "p1.c1"}])
>>> private = pseudonymise(corpus, key="secret")
>>> private.comments[["author", "text"]]
     author                   text
0  P-654ee0                 Shame.
1  P-768f10  Dear P-654ee0, sorry.
>>> corpus.comments.loc[1, "text"]      # the input is unchanged
'Dear Tilly, sorry.'
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Iterable, Mapping, Sequence

import pandas as pd

from msdiscourse.corpus import Corpus
from msdiscourse.roles import author_key

__all__ = ["pseudonym", "pseudonymise", "pseudonymise_frame", "pseudonym_map", "replace_names"]

#: hex digits of the HMAC kept in a pseudonym: 16.7 million values, so two of a few
#: hundred authors share one only about once in a thousand corpora (and it is an error)
DIGITS = 6

#: columns of derived tables that hold a participant's name
NAME_COLUMNS: tuple[str, ...] = ("author", "replier", "addressee")
#: columns of derived tables that hold free text which may mention a participant
TEXT_COLUMNS: tuple[str, ...] = ("text", "body", "title", "evidence", "names_addressed",
                                 "parent_excerpt", "match", "competing")

_SPACE = re.compile(r"\s+")


def _check_key(key) -> bytes:
    if isinstance(key, str) and key:
        return key.encode("utf-8")
    if isinstance(key, (bytes, bytearray)) and key:
        return bytes(key)
    raise ValueError(
        f"key must be a non-empty string or bytes (keep it secret: anyone with the key can "
        f"test candidate names); found {key!r}"
    )


def pseudonym(name: str, *, key: str | bytes, prefix: str = "P-", digits: int = DIGITS) -> str:
    """Return the pseudonym of one name: ``prefix`` + the first hex digits of HMAC-SHA256.

    Case and spacing of the name do not matter ("tilly ", "Tilly" give the same).

    Parameters
    ----------
    name
        The author name.
    key
        The secret key (non-empty).
    prefix
        What the pseudonym starts with.
    digits
        How many hex digits to keep.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When the key is empty.

    Examples
    --------
    >>> pseudonym("Tilly", key="secret")
    'P-654ee0'
    >>> pseudonym(" tilly", key="secret") == pseudonym("Tilly", key="secret")
    True
    >>> pseudonym("Tilly", key="other key")
    'P-f98921'
    """
    secret = _check_key(key)
    normalised = _SPACE.sub(" ", str(name)).strip().casefold()
    digest = hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}{digest[:digits]}"


def pseudonym_map(names: Iterable, *, key: str | bytes, prefix: str = "P-",
                  digits: int = DIGITS, name_parts: bool = True) -> dict[str, str]:
    """Map each distinct real name (as written) to its pseudonym; placeholders are skipped.

    With ``name_parts`` the words of a name of several words are mapped too ("Wendy W"
    gives "Wendy"), because commenters address each other by first name ("thank you
    Wendy!"). A part counts only when it is capitalised, has three letters or more, is not
    a title ("Prof", "Dr") and is not itself someone's full name; a part shared by two
    authors gets a pseudonym of its own rather than either author's.

    Parameters
    ----------
    names
        Author names; missing values and placeholders ("Anonymous") are ignored.
    key, prefix, digits
        As in :func:`pseudonym`.
    name_parts
        Map the parts of multi-word names too (default).

    Returns
    -------
    dict
        Name or name part, as written -> pseudonym.

    Raises
    ------
    ValueError
        When the key is empty, or when two different names get the same pseudonym
        (pass more ``digits``).

    Examples
    --------
    >>> pseudonym_map(["Tilly", "tilly", "Anonymous", None], key="secret")
    {'Tilly': 'P-654ee0', 'tilly': 'P-654ee0'}
    >>> pseudonym_map(["Wendy W"], key="secret")
    {'Wendy W': 'P-38e217', 'Wendy': 'P-38e217'}
    """
    full, parts = _maps(names, key=key, prefix=prefix, digits=digits, name_parts=name_parts)
    return {**full, **parts}


def _maps(names: Iterable, *, key, prefix: str, digits: int,
          name_parts: bool) -> tuple[dict[str, str], dict[str, str]]:
    """Full names -> pseudonym, and name parts -> pseudonym (see :func:`pseudonym_map`)."""
    _check_key(key)
    mapping: dict[str, str] = {}
    owner: dict[str, str] = {}
    people: dict[str, str] = {}  # normalised full name -> pseudonym

    def claim(alias: str, person: str) -> None:
        if owner.setdefault(alias, person) != person:
            raise ValueError(
                f"two names share the pseudonym {alias!r} ({owner[alias]!r} and {person!r}); "
                f"pass digits={digits + 2} or more"
            )

    for name in names:
        person = author_key(name)
        if person is None or str(name) in mapping:
            continue
        alias = pseudonym(person, key=key, prefix=prefix, digits=digits)
        claim(alias, person)
        mapping[str(name)] = alias
        people[person] = alias
    parts: dict[str, str] = {}
    if name_parts:
        part_owners: dict[str, set[str]] = {}
        spelled: dict[str, str] = {}
        for name in mapping:  # every spelling of every person
            person = author_key(name)
            for part in _SPACE.sub(" ", name).strip().split(" "):
                if _NAME_PART.fullmatch(part) and part.casefold() not in _TITLES:
                    part_owners.setdefault(part.casefold(), set()).add(person)
                    spelled.setdefault(part.casefold(), part)
        for part, owners in part_owners.items():
            if part in people:  # someone's full name: already mapped
                continue
            if len(owners) == 1:
                parts[spelled[part]] = people[next(iter(owners))]
            else:
                alias = pseudonym(part, key=key, prefix=prefix, digits=digits)
                claim(alias, part)
                parts[spelled[part]] = alias
    return mapping, parts


# a name part worth hiding: capitalised, three letters or more
_NAME_PART = re.compile(r"[A-Z\u00c0-\u00de][\w'\u2019-]{2,}")
# titles and words too common to be a name by themselves
_TITLES = frozenset({"dr", "doc", "prof", "professor", "mrs", "miss", "sir", "the", "team",
                     "mister", "nurse", "mum", "mom", "dad", "auntie", "uncle"})


_WORD_RUN = re.compile(r"\w+")


class _NameReplacer:
    """Replace whole-word names in texts, quickly, whatever the number of names.

    One regex alternation of thousands of names would be tried at every position of every
    text (Python's engine has no trie for it): minutes on a large blog. Here every word of
    a text is one dictionary look-up, and only the names that start with that word are
    tried there, longest first.
    """

    def __init__(self, mapping: Mapping[str, str], *, ignore_case: bool) -> None:
        self.ignore_case = ignore_case
        flags = re.IGNORECASE if ignore_case else 0
        self.by_first: dict[str, list[tuple[int, str, re.Pattern, str]]] = {}
        for name, alias in mapping.items():
            clean = _SPACE.sub(" ", name).strip()
            first = _WORD_RUN.search(clean)
            if not first:
                continue
            # what comes before the first word ("@" of "@LabRat") is checked literally
            lead, rest = clean[:first.start()], clean[first.start():]
            # spaces inside a name may be any run of spaces in the text
            regex = re.compile(r"\s+".join(map(re.escape, rest.split(" "))) + r"(?!\w)", flags)
            self.by_first.setdefault(self._key(first.group()), []).append(
                (len(clean), lead, regex, alias))
        for entries in self.by_first.values():
            entries.sort(key=lambda entry: -entry[0])  # longest name first

    def _key(self, word: str) -> str:
        return word.casefold() if self.ignore_case else word

    def sub(self, text: str) -> str:
        if not self.by_first:
            return text
        pieces, last = [], 0
        for word in _WORD_RUN.finditer(text):
            start = word.start()
            if start < last:
                continue
            for _, lead, regex, alias in self.by_first.get(self._key(word.group()), ()):
                begin = start - len(lead)
                if lead and (begin < last or text[begin:start] != lead
                             or (begin > 0 and _WORD_RUN.match(text, begin - 1, begin))):
                    continue
                match = regex.match(text, start)
                if match:
                    pieces += [text[last:begin], alias]
                    last = match.end()
                    break
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)


def replace_names(texts: pd.Series, mapping: Mapping[str, str], *,
                  parts: Mapping[str, str] | None = None) -> pd.Series:
    """Replace every name of ``mapping`` in ``texts``, as a whole word and in any case.

    Parameters
    ----------
    texts
        A string Series (missing values stay missing).
    mapping
        Full name -> replacement, matched in any case ("BOJANA", "bojana").
    parts
        Name part -> replacement ("Wendy" of "Wendy W"), matched only as capitalised,
        so that a part that is also a word ("Will", "Hope") survives in running text.

    Returns
    -------
    pandas.Series
        A new Series; the input is not changed.

    Examples
    --------
    >>> texts = pd.Series(["Unlike TILLY, I'm fine.", "Tillys", "Thanks Wendy, will do"])
    >>> replace_names(texts, {"Tilly": "P-1", "Wendy W": "P-2"},
    ...               parts={"Wendy": "P-2", "Will": "P-3"}).tolist()
    ["Unlike P-1, I'm fine.", 'Tillys', 'Thanks P-2, will do']
    """
    replacers = [_NameReplacer(mapping, ignore_case=True),
                 _NameReplacer(parts or {}, ignore_case=False)]

    def replace(text):
        if not isinstance(text, str):
            return text
        for replacer in replacers:
            text = replacer.sub(text)
        return text

    return texts.map(replace)


def pseudonymise(corpus: Corpus, *, key: str | bytes, prefix: str = "P-",
                 digits: int = DIGITS, name_parts: bool = True) -> Corpus:
    """Return a new corpus whose author names are keyed pseudonyms, in every table and text.

    Parameters
    ----------
    corpus
        The corpus; it is not changed.
    key
        The secret key (non-empty). Keep it out of the repository: with it, anyone can
        check whether a given person wrote a comment.
    prefix, digits
        Shape of the pseudonym (``"P-"`` and 6 hex digits: ``P-654ee0``).
    name_parts
        Also replace the capitalised words of multi-word names in the texts ("thank
        you Wendy!" for the author "Wendy W"); see :func:`pseudonym_map`.

    Returns
    -------
    Corpus
        Comments' and posts' ``author`` replaced; the names replaced too (whole word,
        any case; name parts capitalised) in comment ``text``, post ``title`` and ``body``, and the ``text`` of
        ``unparsed`` and ``furniture`` rows (a byline "By LabRat" is furniture).

    Raises
    ------
    ValueError
        When the key is empty or two names would share a pseudonym.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(posts=[{"post_id": "p1", "author": "LabRat",
    ...                                      "title": "LabRat's picks", "body": "x"}])
    >>> pseudonymise(corpus, key="k").posts[["author", "title"]]
         author             title
    0  P-49f5a6  P-49f5a6's picks
    """
    if not isinstance(corpus, Corpus):
        raise TypeError(f"expected a msdiscourse Corpus; found {type(corpus).__name__}")
    names = list(corpus.comments["author"].dropna()) + list(corpus.posts["author"].dropna())
    mapping, parts = _maps(names, key=key, prefix=prefix, digits=digits, name_parts=name_parts)
    comments = corpus.comments.copy()
    posts = corpus.posts.copy()
    unparsed = corpus.unparsed.copy()
    furniture = corpus.furniture.copy()
    for frame in (comments, posts):
        frame["author"] = _swap_names(frame["author"], mapping)
    comments["text"] = _as_string(replace_names(comments["text"], mapping, parts=parts))
    for column in ("title", "body"):
        posts[column] = _as_string(replace_names(posts[column], mapping, parts=parts))
    unparsed["text"] = _as_string(replace_names(unparsed["text"], mapping, parts=parts))
    furniture["text"] = _as_string(replace_names(furniture["text"], mapping, parts=parts))
    return corpus.replace(posts=posts, comments=comments, unparsed=unparsed, furniture=furniture)


def _as_string(series: pd.Series) -> pd.Series:
    return series.astype("string")


def _swap_names(values: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    swapped = values.map(lambda v: mapping.get(str(v), v) if isinstance(v, str) else v)
    return swapped.astype(values.dtype if values.dtype == "string" else "string")


def pseudonymise_frame(frame: pd.DataFrame, *, key: str | bytes,
                       columns: Sequence[str] | None = None,
                       text_columns: Sequence[str] | None = None,
                       prefix: str = "P-", digits: int = DIGITS,
                       name_parts: bool = True) -> pd.DataFrame:
    """Pseudonymise a derived table: name columns replaced, the names replaced in text columns.

    Gives the same pseudonyms as :func:`pseudonymise` for the same key, so a table made from
    the real corpus and one made from the pseudonymised corpus agree.

    Parameters
    ----------
    frame
        Any table (not changed), e.g. the output of ``assign_roles`` or ``reply_exchanges``.
    key, prefix, digits, name_parts
        As in :func:`pseudonymise`.
    columns
        Columns holding names. By default (None) those of ``author``, ``replier`` and
        ``addressee`` that the frame has; a column named here must exist.
    text_columns
        Columns holding text in which those names are replaced. By default (None) those of
        ``text``, ``body``, ``title``, ``evidence``, ``names_addressed``,
        ``parent_excerpt``, ``match``, ``competing`` that the frame has.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    KeyError
        When a column named in ``columns`` or ``text_columns`` is not in the frame.
    ValueError
        When the key is empty.

    Examples
    --------
    >>> edges = pd.DataFrame({"replier": ["Wendy"], "addressee": ["Tilly"],
    ...                       "names_addressed": ["Tilly"]})
    >>> pseudonymise_frame(edges, key="k")
        replier addressee names_addressed
    0  P-c26ad5  P-281e40        P-281e40
    """
    _check_key(key)
    columns = (list(columns) if columns is not None
               else [c for c in NAME_COLUMNS if c in frame.columns])
    text_columns = (list(text_columns) if text_columns is not None
                    else [c for c in TEXT_COLUMNS if c in frame.columns])
    missing = [c for c in [*columns, *text_columns] if c not in frame.columns]
    if missing:
        raise KeyError(
            f"pseudonymise_frame: no column {', '.join(map(repr, missing))} in the frame; "
            f"it has {', '.join(map(str, frame.columns))}"
        )
    names = [value for column in columns for value in frame[column].dropna()]
    mapping, parts = _maps(names, key=key, prefix=prefix, digits=digits, name_parts=name_parts)
    result = frame.copy()
    for column in columns:
        result[column] = _swap_names(result[column], mapping)
    for column in text_columns:
        replaced = replace_names(result[column], mapping, parts=parts)
        result[column] = replaced.astype(frame[column].dtype) if frame[column].dtype == "string" else replaced
    return result
