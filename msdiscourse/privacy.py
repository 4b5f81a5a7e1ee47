"""Pseudonymise names: private keys, keyed-HMAC pseudonyms, and names found in every form.

Commenters on a health blog talk about their illness; figures and shared tables should
not carry their names. :func:`pseudonymise` replaces every author name (of comments and
posts) by a pseudonym derived from the name with a keyed HMAC (SHA-256): the same key and
the same name always give the same pseudonym, across runs and corpora, and without the
key the pseudonym cannot be turned back into the name by trying candidate names.

**The key is private by default.** :func:`resolve_key` is the one place a key comes from:
the ``key=`` argument, else a ``key_file=``, else the ``MSDISCOURSE_KEY`` environment
variable, else a file named by ``MSDISCOURSE_KEY_FILE``, else the project's own key file
``.msdiscourse/pseudonym.key``, created on first use with 256 random bits (mode 0600,
git-ignored, its location printed). No key is built into the code: pseudonyms made under
a public key can be reversed by hashing a list of candidate names.

**Names are found in every form** (:func:`replace_names`): whole words in any case and
with or without accents ("NOVAK", "novák"), run together ("MariaNovak", "maria_novak",
"maria.novak"), inside URLs and ``@handles`` ("https://example.org/maria-novak",
"@MariaNovak99"); parts of multi-word names in any case ("thanks maria" for the author
"Maria Novak"), except parts that are also common words ("will", "may", "mark": see
``resources/name_part_stoplist.csv``), which are replaced only when capitalised. Every
e-mail address becomes ``[email]``. Extra columns are handled by declared lists:
:data:`IDENTIFYING_COLUMNS` (``email``, ``ip``, ``profile_url`` ...) are dropped,
:data:`NAME_COLUMNS` are pseudonymised, the posts' ``url`` is scrubbed of names, and
:func:`pseudonymise` keeps other columns beyond the corpus contract only when they are on
:data:`KEPT_EXTRA_COLUMNS` or passed in ``keep=``.

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
...                "text": "Dear tilly, sorry.", "parent_id": "p1.c1"}])
>>> private = pseudonymise(corpus, key="secret")
>>> private.comments[["author", "text"]]
     author                   text
0  P-654ee0                 Shame.
1  P-768f10  Dear P-654ee0, sorry.
>>> corpus.comments.loc[1, "text"]      # the input is unchanged
'Dear tilly, sorry.'
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import secrets
import sys
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from msdiscourse.corpus import Corpus
from msdiscourse.paths import RESOURCES_DIR
from msdiscourse.roles import author_key

__all__ = [
    "pseudonym",
    "pseudonymise",
    "pseudonymise_frame",
    "pseudonym_map",
    "replace_names",
    "resolve_key",
    "find_project",
    "fold_name",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "PROJECT_KEY_FILE",
    "NAME_COLUMNS",
    "TEXT_COLUMNS",
    "IDENTIFYING_COLUMNS",
    "KEPT_EXTRA_COLUMNS",
]

#: hex digits of the HMAC kept in a pseudonym: 16.7 million values, so two of a few
#: hundred authors share one only about once in a thousand corpora (and it is an error)
DIGITS = 6

#: columns that hold a participant's name: their values are replaced by pseudonyms
NAME_COLUMNS: tuple[str, ...] = ("author", "replier", "addressee", "author_name", "user_name",
                                 "username", "display_name", "handle")
#: columns of free text which may mention a participant: names are replaced inside them
TEXT_COLUMNS: tuple[str, ...] = ("text", "body", "title", "evidence", "names_addressed",
                                 "parent_excerpt", "match", "competing", "url")
#: columns that identify a person by themselves: always dropped
IDENTIFYING_COLUMNS: tuple[str, ...] = (
    "email", "author_email", "e_mail", "ip", "ip_address", "author_ip", "user_agent",
    "profile_url", "author_url", "author_profile", "website", "homepage", "avatar",
    "avatar_url", "user_id", "author_id", "phone",
)
#: columns readers add beyond the corpus contract that :func:`pseudonymise` keeps (structure
#: only, or scrubbed: ``url``); any other extra column is dropped unless named in ``keep=``
KEPT_EXTRA_COLUMNS: tuple[str, ...] = (
    "kind", "status", "flags", "url", "spans", "body_spans", "title_line", "tags_line",
    "body_line_start", "body_line_end",
)

#: environment variable holding the key itself
KEY_ENV = "MSDISCOURSE_KEY"
#: environment variable naming a key file
KEY_FILE_ENV = "MSDISCOURSE_KEY_FILE"
#: the per-project key file, relative to the project folder (see :func:`find_project`)
PROJECT_KEY_FILE = Path(".msdiscourse") / "pseudonym.key"
_PROJECT_MARKERS = (".msdiscourse", ".git", "pyproject.toml")

_SPACE = re.compile(r"\s+")


# -- keys ---------------------------------------------------------------------------------
def _check_key(key) -> bytes:
    if isinstance(key, str) and key:
        return key.encode("utf-8")
    if isinstance(key, (bytes, bytearray)) and key:
        return bytes(key)
    raise ValueError(
        f"key must be a non-empty string or bytes (keep it secret: anyone with the key can "
        f"test candidate names); found {key!r}"
    )


def find_project(start: str | Path | None = None) -> Path:
    """Return the project folder: the nearest folder at or above ``start`` (default: the
    working directory) holding ``.msdiscourse/``, ``.git`` or ``pyproject.toml``.

    Notebooks opened from ``notebooks/`` and the command line run from the project root
    find the same folder, hence the same key. Without any marker, ``start`` itself.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()).resolve()
    >>> (root / "pyproject.toml").touch(); (root / "notebooks").mkdir()
    >>> find_project(root / "notebooks") == root
    True
    """
    start = Path(start if start is not None else os.getcwd()).expanduser().resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
            return folder
    return start


def _read_key_file(path: Path) -> bytes:
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: expected a pseudonym key file; found no such file (make one with "
            f"`python -c \"import secrets; print(secrets.token_hex(32))\" > {path}` and "
            f"`chmod 600 {path}`, or get the team's key file from whoever keeps it)"
        )
    key = path.read_bytes().strip()
    if not key:
        raise ValueError(f"{path}: expected a pseudonym key; found an empty file")
    if os.name == "posix" and path.stat().st_mode & 0o007:
        warnings.warn(f"{path}: the pseudonym key is readable by every user of this machine; "
                      f"run `chmod 600 {path}`", UserWarning, stacklevel=3)
    return key


def _create_key_file(path: Path) -> None:
    """Write 256 random bits (hex) to ``path``, mode 0600, in a git-ignored folder."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# the pseudonym key is private: never commit it\n*\n", encoding="utf-8")
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(secrets.token_hex(32) + "\n")
    print(f"msdiscourse: created a private pseudonym key at {path} (mode 0600, git-ignored); "
          f"keep it to pseudonymise the same way again, share it only within the team",
          file=sys.stderr)


def _locate_key(key, key_file, project, create) -> tuple[bytes, Path | None]:
    """The key and the file it came from (None for an argument or ``MSDISCOURSE_KEY``)."""
    if key is not None:
        return _check_key(key), None
    if key_file is not None:
        path = Path(key_file).expanduser()
        return _read_key_file(path), path
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode("utf-8"), None
    file_from_env = os.environ.get(KEY_FILE_ENV)
    if file_from_env:
        path = Path(file_from_env).expanduser()
        return _read_key_file(path), path
    root = Path(project).expanduser().resolve() if project is not None else find_project()
    path = root / PROJECT_KEY_FILE
    if not path.is_file():
        if not create:
            raise FileNotFoundError(
                f"{path}: expected the project's pseudonym key; found no such file (pass "
                f"key_file=, set {KEY_ENV} or {KEY_FILE_ENV}, or allow create=True)"
            )
        _create_key_file(path)
    return _read_key_file(path), path


def resolve_key(key: str | bytes | None = None, *, key_file: str | Path | None = None,
                project: str | Path | None = None, create: bool = True) -> bytes:
    """Return the pseudonym key, from the first of these that is given.

    1. ``key``, the key itself;
    2. ``key_file``, a file holding the key (surrounding white space is ignored);
    3. the ``MSDISCOURSE_KEY`` environment variable, the key itself;
    4. the ``MSDISCOURSE_KEY_FILE`` environment variable, naming a key file;
    5. the project's key file ``.msdiscourse/pseudonym.key`` under ``project`` (default:
       :func:`find_project`), created on first use with 256 random bits, mode 0600, in a
       folder that git ignores; its location is printed to stderr when it is created.

    Parameters
    ----------
    key
        The key, as text or bytes.
    key_file
        A file holding the key (a team's shared key, say).
    project
        The project folder whose key file is used in step 5.
    create
        Create the project's key file when it is missing (default); ``False`` raises.

    Returns
    -------
    bytes

    Raises
    ------
    FileNotFoundError
        When ``key_file`` (or the file named by ``MSDISCOURSE_KEY_FILE``) does not exist,
        or the project has no key file and ``create`` is False.
    ValueError
        When the key or the key file is empty.

    Examples
    --------
    >>> resolve_key("a team secret")
    b'a team secret'
    >>> import tempfile
    >>> project = Path(tempfile.mkdtemp())
    >>> first = resolve_key(project=project)  # doctest: +SKIP
    >>> len(first), first == resolve_key(project=project)  # doctest: +SKIP
    (64, True)
    """
    return _locate_key(key, key_file, project, create)[0]


def pseudonym(name: str, *, key: str | bytes | None = None,
              key_file: str | Path | None = None, prefix: str = "P-",
              digits: int = DIGITS) -> str:
    """Return the pseudonym of one name: ``prefix`` + the first hex digits of HMAC-SHA256.

    Case and spacing of the name do not matter ("tilly ", "Tilly" give the same).

    Parameters
    ----------
    name
        The author name.
    key, key_file
        The secret key, or a file holding it; neither: see :func:`resolve_key`.
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
    secret = resolve_key(key, key_file=key_file)
    normalised = _SPACE.sub(" ", str(name)).strip().casefold()
    digest = hmac.new(secret, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}{digest[:digits]}"


def pseudonym_map(names: Iterable, *, key: str | bytes | None = None,
                  key_file: str | Path | None = None, prefix: str = "P-",
                  digits: int = DIGITS, name_parts: bool = True) -> dict[str, str]:
    """Map each distinct real name (as written) to its pseudonym; placeholders are skipped.

    With ``name_parts`` the words of a name of several words are mapped too ("Wendy W"
    gives "Wendy"), because commenters address each other by first name ("thank you
    Wendy!"). A part counts when it has three letters or more, is not a title ("Prof",
    "Dr") and is not itself someone's full name; a part shared by two authors gets a
    pseudonym of its own rather than either author's.

    Parameters
    ----------
    names
        Author names; missing values and placeholders ("Anonymous") are ignored.
    key, key_file, prefix, digits
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
    secret = resolve_key(key, key_file=key_file)
    full, parts = _maps(names, key=secret, prefix=prefix, digits=digits, name_parts=name_parts)
    return {**full, **parts}


def _maps(names: Iterable, *, key: bytes, prefix: str, digits: int,
          name_parts: bool) -> tuple[dict[str, str], dict[str, str]]:
    """Full names -> pseudonym, and name parts -> pseudonym (see :func:`pseudonym_map`)."""
    _check_key(key)
    mapping: dict[str, str] = {}
    owner: dict[str, str] = {}
    people: dict[str, str] = {}  # folded full name -> pseudonym

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
        people[fold_name(person)] = alias
    parts: dict[str, str] = {}
    if name_parts:
        part_owners: dict[str, set[str]] = {}
        spelled: dict[str, str] = {}
        for name in mapping:  # every spelling of every person
            person = author_key(name)
            words = _WORD.findall(name)
            if len(words) < 2:
                continue
            for part in words:
                folded = fold_name(part)
                if len(folded) >= 3 and not folded.isdigit() and folded not in _TITLES:
                    part_owners.setdefault(folded, set()).add(person)
                    spelled.setdefault(folded, part)
        for part, owners in part_owners.items():
            if part in people:  # someone's full name: already mapped
                continue
            if len(owners) == 1:
                parts[spelled[part]] = people[fold_name(next(iter(owners)))]
            else:
                alias = pseudonym(part, key=key, prefix=prefix, digits=digits)
                claim(alias, part)
                parts[spelled[part]] = alias
    return mapping, parts


# titles and words too common to be a name by themselves
_TITLES = frozenset({"dr", "doc", "prof", "professor", "mrs", "miss", "sir", "the", "team",
                     "mister", "nurse", "mum", "mom", "dad", "auntie", "uncle"})


@lru_cache(maxsize=1)
def _stoplist() -> frozenset[str]:
    """Name parts that are also common words: replaced only when capitalised."""
    with open(RESOURCES_DIR / "name_part_stoplist.csv", encoding="utf-8", newline="") as handle:
        return frozenset(fold_name(row["word"]) for row in csv.DictReader(handle))


# -- folding: case and accents ------------------------------------------------------------
# letters NFKD does not decompose into a base letter plus accents
_FOLD_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                             "þ": "th", "ı": "i", "ħ": "h"})


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold().translate(_FOLD_EXTRA)


def _fold(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, when lengths differ from the input, each folded char's origin."""
    if text.isascii():
        return text.lower(), None
    pieces, origin = [], []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin


def fold_name(text: str) -> str:
    """Fold case and accents, so that spellings of one name compare equal.

    >>> fold_name("Novák"), fold_name("NOVAK"), fold_name("Søren Ærø")
    ('novak', 'novak', 'soren aero')
    """
    return _fold(str(text))[0]


# -- finding names in texts ---------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+")  # letters and digits: "maria_2" is two words
# what may stand between the words of a name in a text: spaces, a dot, an underscore, a
# hyphen, an apostrophe
_GAP = re.compile(r"[\s._'\u2019-]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w[\w.]*")
EMAIL_PLACEHOLDER = "[email]"


class _NameMatcher:
    """Replace names in texts, quickly, whatever the number of names.

    Texts are folded (case, accents) and split into words; every word is one dictionary
    look-up, and only the names that start with that word are tried there, longest first.
    One regex alternation of thousands of names would be tried at every position of every
    text instead. URLs and @handles are searched for names inside them (no word
    boundaries there: "example.org/marianovak99").
    """

    def __init__(self, full: Mapping[str, str], parts: Mapping[str, str]) -> None:
        stop = _stoplist()
        self.by_first: dict[str, list[tuple[int, tuple[str, ...], str, bool]]] = {}
        self.inside: dict[str, str] = {}  # folded name without separators -> alias

        def add(words: tuple[str, ...], alias: str, capital: bool) -> None:
            self.by_first.setdefault(words[0], []).append((len(words), words, alias, capital))

        for name, alias in full.items():
            words = tuple(_WORD.findall(fold_name(name)))
            if not words:
                continue
            if len(words) == 1:
                add(words, alias, words[0] in stop)
            else:
                add(words, alias, False)
                add(("".join(words),), alias, False)  # MariaNovak
            if len("".join(words)) >= 4 and not (len(words) == 1 and words[0] in stop):
                self.inside.setdefault("".join(words), alias)
        for part, alias in parts.items():
            words = tuple(_WORD.findall(fold_name(part)))
            if len(words) != 1:
                continue
            add(words, alias, words[0] in stop)
            if len(words[0]) >= 4 and words[0] not in stop:
                self.inside.setdefault(words[0], alias)
        for entries in self.by_first.values():
            entries.sort(key=lambda entry: -entry[0])  # most words first
        self._inside_regex: re.Pattern | None = None

    def _inside_pattern(self) -> re.Pattern | None:
        if self._inside_regex is None and self.inside:
            keys = sorted(self.inside, key=len, reverse=True)
            self._inside_regex = re.compile("|".join(map(re.escape, keys)))
        return self._inside_regex

    def _sub_inside(self, text: str) -> str:
        """Names inside URLs and @handles (separators ``._-`` between name words ignored)."""
        tokens = [m for regex in (_URL, _HANDLE) for m in regex.finditer(text)]
        if not tokens or not self.inside:
            return text
        pattern = self._inside_pattern()
        spans = []
        for token in tokens:
            raw = token.group()
            folded, origin = _fold(raw)
            # drop separators, remembering where each kept character came from
            kept = [(i, c) for i, c in enumerate(folded) if c not in "._-"]
            squeezed = "".join(c for _, c in kept)
            for match in pattern.finditer(squeezed):
                first, last = kept[match.start()][0], kept[match.end() - 1][0]
                if origin is not None:
                    first, last = origin[first], origin[last]
                spans.append((token.start() + first, token.start() + last + 1,
                              self.inside[match.group()]))
        return _apply(text, spans)

    def _sub_words(self, text: str) -> str:
        folded, origin = _fold(text)
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
        spans = []
        index = 0
        while index < len(tokens):
            start, _, word = tokens[index]
            step = 1
            for n_words, words, alias, capital in self.by_first.get(word, ()):
                if index + n_words > len(tokens):
                    continue
                if any(tokens[index + j][2] != words[j]
                       or not _GAP.fullmatch(folded, tokens[index + j - 1][1], tokens[index + j][0])
                       for j in range(1, n_words)):
                    continue
                begin = start if origin is None else origin[start]
                if capital and not text[begin].isupper():
                    continue
                stop = tokens[index + n_words - 1][1]
                end = stop if origin is None else origin[stop - 1] + 1
                spans.append((begin, end, alias))
                step = n_words
                break
            index += step
        return _apply(text, spans)

    def sub(self, text: str) -> str:
        if "@" in text:
            text = _EMAIL.sub(EMAIL_PLACEHOLDER, text)
        if not self.by_first:
            return text
        if "@" in text or "http" in text or "www." in text:
            text = self._sub_inside(text)
        return self._sub_words(text)


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace non-overlapping spans (earliest first wins)."""
    if not spans:
        return text
    pieces, last = [], 0
    for begin, end, alias in sorted(spans):
        if begin < last:
            continue
        pieces += [text[last:begin], alias]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def replace_names(texts: pd.Series, mapping: Mapping[str, str], *,
                  parts: Mapping[str, str] | None = None) -> pd.Series:
    """Replace every name of ``mapping`` in ``texts``, in every form it takes.

    A full name matches as whole words in any case and with or without accents, with any
    spaces, a dot, a hyphen or an apostrophe between its words, and run together
    ("MariaNovak", "maria_novak"). Inside URLs and ``@handles`` names match without word
    boundaries. Every e-mail address becomes ``[email]``.

    Parameters
    ----------
    texts
        A string Series (missing values stay missing).
    mapping
        Full name -> replacement.
    parts
        Name part -> replacement ("Wendy" of "Wendy W"), matched in any case too, except
        parts that are also common words ("Will", "May", "Mark", listed in
        ``resources/name_part_stoplist.csv``): those match only when capitalised, so
        "will do" survives. A one-word full name on that list is treated the same way.

    Returns
    -------
    pandas.Series
        A new Series; the input is not changed.

    Examples
    --------
    >>> texts = pd.Series(["Unlike TILLY, I'm fine.", "Tillys", "Thanks wendy, will do",
    ...                    "See example.org/wendy-w or mail wendy@example.org", "Hi Wendy Wälder"])
    >>> replace_names(texts, {"Tilly": "P-1", "Wendy Walder": "P-2"},
    ...               parts={"Wendy": "P-2", "Will": "P-3"}).tolist()
    ["Unlike P-1, I'm fine.", 'Tillys', 'Thanks P-2, will do', 'See example.org/P-2-w or mail [email]', 'Hi P-2']
    """
    matcher = _NameMatcher(mapping, parts or {})

    def replace(text):
        return matcher.sub(text) if isinstance(text, str) else text

    return texts.map(replace)


def _corpus_names(corpus: Corpus) -> list:
    names = []
    for frame in (corpus.comments, corpus.posts):
        for column in NAME_COLUMNS:
            if column in frame.columns:  # schema-ok: identifying columns a reader may add
                names += list(frame[column].dropna())
    return names


def pseudonymise(corpus: Corpus, *, key: str | bytes | None = None,
                 key_file: str | Path | None = None, prefix: str = "P-",
                 digits: int = DIGITS, name_parts: bool = True,
                 keep: Sequence[str] = ()) -> Corpus:
    """Return a new corpus whose author names are keyed pseudonyms, in every table and text.

    Parameters
    ----------
    corpus
        The corpus; it is not changed.
    key, key_file
        The secret key, or a file holding it; neither (default): the key from
        ``MSDISCOURSE_KEY``, ``MSDISCOURSE_KEY_FILE`` or the project's private key file,
        see :func:`resolve_key`. Keep it out of the repository: with it, anyone can check
        whether a given person wrote a comment.
    prefix, digits
        Shape of the pseudonym (``"P-"`` and 6 hex digits: ``P-654ee0``).
    name_parts
        Also replace the words of multi-word names in the texts ("thank you wendy!" for
        the author "Wendy W"); see :func:`pseudonym_map` and :func:`replace_names`.
    keep
        Extra columns (beyond the corpus contract and :data:`KEPT_EXTRA_COLUMNS`) to keep;
        names are replaced in their text. Other extra columns are dropped, and
        :data:`IDENTIFYING_COLUMNS` always are.

    Returns
    -------
    Corpus
        Names in :data:`NAME_COLUMNS` (``author`` ...) replaced by pseudonyms; the names
        replaced too (see :func:`replace_names`) in comment ``text``, post ``title``,
        ``body``, ``tags`` and ``url``, the ``text`` of ``unparsed`` and ``furniture`` rows
        (a byline "By LabRat" is furniture), and the columns in ``keep``.

    Raises
    ------
    ValueError
        When the key is empty or two names would share a pseudonym.
    FileNotFoundError
        When ``key_file`` does not exist.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> corpus = Corpus.from_records(posts=[{"post_id": "p1", "author": "LabRat",
    ...                                      "title": "LabRat's picks", "body": "x",
    ...                                      "email": "rat@example.org"}])
    >>> private = pseudonymise(corpus, key="k")
    >>> private.posts[["author", "title"]]
         author             title
    0  P-49f5a6  P-49f5a6's picks
    >>> "email" in private.posts.columns
    False
    """
    if not isinstance(corpus, Corpus):
        raise TypeError(f"expected a msdiscourse Corpus; found {type(corpus).__name__}")
    secret = resolve_key(key, key_file=key_file)
    mapping, parts = _maps(_corpus_names(corpus), key=secret, prefix=prefix, digits=digits,
                           name_parts=name_parts)
    matcher = _NameMatcher(mapping, parts)
    tables = {name: _pseudonymise_table(getattr(corpus, name), name, mapping=mapping,
                                        matcher=matcher, keep=keep)
              for name in ("posts", "comments", "unparsed", "furniture")}
    return corpus.replace(**tables)


_TEXT_COLUMNS = {"posts": ("title", "body"), "comments": ("text",), "unparsed": ("text",),
                 "furniture": ("text",)}


def _pseudonymise_table(frame: pd.DataFrame, name: str, *, mapping: Mapping[str, str],
                        matcher: "_NameMatcher", keep: Sequence[str] = ()) -> pd.DataFrame:
    """One corpus table with the names of ``mapping`` replaced (the work of pseudonymise).

    The mapping is made from every name of the corpus, so a table (or a part of one, as
    the Dask engine pseudonymises each partition) gets the pseudonyms of the whole corpus.
    """
    from msdiscourse.corpus import _TABLES

    contract = _TABLES[name]
    extras = [c for c in frame.columns if c not in contract]
    dropped = [c for c in extras
               if c in IDENTIFYING_COLUMNS
               or (c not in KEPT_EXTRA_COLUMNS and c not in NAME_COLUMNS and c not in keep)]
    frame = frame.drop(columns=dropped)
    for column in NAME_COLUMNS:
        if column in frame.columns:  # schema-ok: identifying columns a reader may add
            frame[column] = _swap_names(frame[column], mapping)
    for column in (*_TEXT_COLUMNS[name], "url", *keep):
        if column in frame.columns:  # schema-ok: free-text columns a reader may add
            frame[column] = _scrub(frame[column], matcher)
    if "tags" in frame.columns:  # schema-ok: only the WXR and Blogger readers keep tags
        frame["tags"] = frame["tags"].map(
            lambda tags: [matcher.sub(t) for t in tags] if isinstance(tags, list) else tags)
    return frame


def _scrub(series: pd.Series, matcher: _NameMatcher) -> pd.Series:
    replaced = series.map(lambda v: matcher.sub(v) if isinstance(v, str) else v)
    return replaced.astype(series.dtype) if series.dtype == "string" else replaced


def _swap_names(values: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    swapped = values.map(lambda v: mapping.get(str(v), v) if isinstance(v, str) else v)
    return swapped.astype(values.dtype if values.dtype == "string" else "string")


def pseudonymise_frame(frame: pd.DataFrame, *, key: str | bytes | None = None,
                       key_file: str | Path | None = None,
                       columns: Sequence[str] | None = None,
                       text_columns: Sequence[str] | None = None,
                       prefix: str = "P-", digits: int = DIGITS,
                       name_parts: bool = True) -> pd.DataFrame:
    """Pseudonymise a derived table: name columns replaced, names replaced in text columns.

    Gives the same pseudonyms as :func:`pseudonymise` for the same key, so a table made from
    the real corpus and one made from the pseudonymised corpus agree. Columns in
    :data:`IDENTIFYING_COLUMNS` (``email``, ``ip``, ``profile_url`` ...) are dropped.

    Parameters
    ----------
    frame
        Any table (not changed), e.g. the output of ``assign_roles`` or ``reply_exchanges``.
    key, key_file, prefix, digits, name_parts
        As in :func:`pseudonymise`.
    columns
        Columns holding names. By default (None) those of :data:`NAME_COLUMNS` that the
        frame has; a column named here must exist.
    text_columns
        Columns holding text in which those names are replaced. By default (None) those of
        :data:`TEXT_COLUMNS` (``text``, ``body``, ``title``, ``evidence``, ``url`` ...)
        that the frame has.

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
    ...                       "names_addressed": ["Tilly"], "ip": ["192.0.2.7"]})
    >>> pseudonymise_frame(edges, key="k")
        replier addressee names_addressed
    0  P-c26ad5  P-281e40        P-281e40
    """
    secret = resolve_key(key, key_file=key_file)
    columns = (list(columns) if columns is not None
               else [c for c in NAME_COLUMNS if c in frame.columns])  # schema-ok: any frame
    text_columns = (list(text_columns) if text_columns is not None
                    else [c for c in TEXT_COLUMNS if c in frame.columns])  # schema-ok: any frame
    missing = [c for c in [*columns, *text_columns] if c not in frame.columns]  # schema-ok: any frame
    if missing:
        raise KeyError(
            f"pseudonymise_frame: no column {', '.join(map(repr, missing))} in the frame; "
            f"it has {', '.join(map(str, frame.columns))}"
        )
    names = [value for column in columns for value in frame[column].dropna()]
    mapping, parts = _maps(names, key=secret, prefix=prefix, digits=digits,
                           name_parts=name_parts)
    matcher = _NameMatcher(mapping, parts)
    result = frame.drop(columns=[c for c in IDENTIFYING_COLUMNS
                                 if c in frame.columns and c not in (*columns, *text_columns)])  # schema-ok: any frame
    for column in columns:
        result[column] = _swap_names(result[column], mapping)
    for column in text_columns:
        result[column] = _scrub(result[column], matcher)
    return result
