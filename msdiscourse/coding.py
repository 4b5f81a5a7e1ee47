"""Manual coding, as discourse analysts work: a spreadsheet out, codes back in, agreement.

:func:`export_coding_sheet` writes one row per comment to a CSV that opens cleanly in
Excel, LibreOffice or Google Sheets: UTF-8 with a byte-order mark (so Excel reads the
curly quotes and emoji right), every field quoted, line breaks kept inside the quotes, and
a leading apostrophe on any cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or
carriage return), so that a comment such as "=HYPERLINK(...)" or "-- Tilly" is shown as
text and never run as a formula (OWASP's CSV-injection advice). Author names are
pseudonymised by default. Coders fill the empty columns ``role_code``, ``sarcasm_code``,
``free_code``, ``coder`` and ``notes``.

:func:`read_coding_sheet` reads a sheet back, removes the apostrophes it added and checks
every code, naming the file, the spreadsheet row and the allowed values when a code is
wrong. :func:`agreement` compares codings (two coders, or a coder and the automatic roles
or markers) with Cohen's kappa, Krippendorff's alpha and percent agreement from
:class:`nltk.metrics.agreement.AnnotationTask`.

Examples
--------
>>> a = pd.DataFrame({"comment_id": ["c1", "c2", "c3", "c4"], "coder": "ana",
...                   "role_code": ["patient", "patient", "researcher", "unknown"]})
>>> b = pd.DataFrame({"comment_id": ["c1", "c2", "c3", "c4"], "coder": "ben",
...                   "role_code": ["patient", "relative", "researcher", "unknown"]})
>>> agreement(a, b)[["coder_a", "coder_b", "n_items", "percent_agreement", "cohen_kappa"]]
  coder_a coder_b  n_items  percent_agreement  cohen_kappa
0     ana     ben        4               0.75     0.666667
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import secrets
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from msdiscourse.categories import ROLE_DTYPE, ROLES
from msdiscourse.corpus import Corpus
from msdiscourse.schema import check_corpus, validate, validate_columns
from msdiscourse.errors import ParseError

__all__ = [
    "CODE_COLUMNS",
    "SHEET_COLUMNS",
    "READ_ONLY_COLUMNS",
    "coding_sheet",
    "export_coding_sheet",
    "read_coding_sheet",
    "agreement",
    "read_role_codebook",
]

#: the empty columns coders fill in
CODE_COLUMNS: tuple[str, ...] = ("role_code", "sarcasm_code", "free_code", "coder", "notes")
#: every column of a coding sheet, in order (``auto_markers`` only when markers are given)
SHEET_COLUMNS: tuple[str, ...] = (
    "comment_id", "post_id", "depth", "parent_excerpt", "author", "text", "auto_role",
    "auto_markers", *CODE_COLUMNS,
)
_REQUIRED = ("comment_id", *CODE_COLUMNS)

#: what a coder may write in ``sarcasm_code`` (any case), and what it means
SARCASM_VALUES: dict[str, bool] = {
    "1": True, "yes": True, "y": True, "true": True, "sarcastic": True, "s": True,
    "0": False, "no": False, "n": False, "false": False, "not sarcastic": False, "ns": False,
}

# a cell starting with one of these is run as a formula by spreadsheets
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"
EXCERPT_CHARS = 200
_SPACE = re.compile(r"\s+")


# -- writing ------------------------------------------------------------------------------------
def _excerpt(text, limit: int = EXCERPT_CHARS) -> str:
    if not isinstance(text, str):
        return ""
    flat = _SPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _guard(value) -> str:
    """The cell as a spreadsheet will show it: text, never a formula."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value)
    # an apostrophe of the writer's own is doubled, so reading back strips exactly one
    if text.startswith(_FORMULA_START) or text.startswith(_GUARD):
        return _GUARD + text
    return text


def _unguard(text: str) -> str:
    if text.startswith(_GUARD) and text[1:].startswith((*_FORMULA_START, _GUARD)):
        return text[1:]
    return text


def coding_sheet(corpus: Corpus, *, roles: pd.DataFrame | None = None,
                 markers: pd.DataFrame | None = None,
                 pseudonymise_key: str | bytes | None = None, keep_names: bool = False,
                 sample: int | float | None = None, seed: int = 0) -> pd.DataFrame:
    """Build the coding sheet as a table (what :func:`export_coding_sheet` writes).

    Parameters
    ----------
    corpus
        The corpus (not changed).
    roles
        ``assign_roles`` output, for the ``auto_role`` column (empty when not given).
    markers
        The ``marker_profile`` table (:func:`msdiscourse.marker_profile`), for the
        ``auto_markers`` column (left out when not given).
    pseudonymise_key
        Key for :func:`msdiscourse.privacy.pseudonymise`. ``None`` (default) uses a
        random key made for this sheet: names are hidden, and the pseudonyms match no
        other table. Pass the project's key to make them match figures and tables.
    keep_names
        Show the real names (for a coding team allowed to see them). Overrides the key.
    sample
        Code only some comments: a number of comments, or a fraction (0-1), drawn at
        random with ``seed``; the sheet keeps corpus order.
    seed
        Seed of the sample.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`SHEET_COLUMNS` (string values; code columns empty).

    Raises
    ------
    ValueError
        When ``sample`` is not a positive count or a fraction between 0 and 1.

    Examples
    --------
    >>> corpus = Corpus.from_records(
    ...     posts=[{"post_id": "p1", "title": "Mice", "body": "We cured MS in mice."}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "text": "=1+1, yeah right"},
    ...               {"comment_id": "p1.c2", "post_id": "p1", "parent_id": "p1.c1",
    ...                "text": "Indeed."}])
    >>> coding_sheet(corpus)[["comment_id", "parent_excerpt", "text"]]
      comment_id                     parent_excerpt              text
    0      p1.c1  (post) Mice: We cured MS in mice.  =1+1, yeah right
    1      p1.c2                   =1+1, yeah right           Indeed.
    """
    check_corpus(corpus, caller="coding_sheet")
    if roles is not None:
        validate(roles, "roles", caller="coding_sheet(roles=...)")
    if markers is not None:
        validate(markers, "marker_profile", caller="coding_sheet(markers=...)")
    if not keep_names:
        from msdiscourse.privacy import pseudonymise

        key = pseudonymise_key if pseudonymise_key is not None else secrets.token_hex(16)
        corpus = pseudonymise(corpus, key=key)
    comments = corpus.comments
    text_of = dict(zip(comments["comment_id"], comments["text"]))
    author_of = dict(zip(comments["comment_id"], comments["author"]))
    posts = corpus.posts.set_index("post_id")
    excerpts = []
    for post_id, parent_id in zip(comments["post_id"], comments["parent_id"]):
        if isinstance(parent_id, str):
            author = author_of.get(parent_id)
            who = f"{author}: " if isinstance(author, str) else ""
            excerpts.append(who + _excerpt(text_of.get(parent_id)))
        elif post_id in posts.index:
            title = posts.at[post_id, "title"]
            title = title if isinstance(title, str) else ""
            excerpts.append(_excerpt(f"(post) {title}: {_excerpt(posts.at[post_id, 'body'])}"))
        else:
            excerpts.append("")
    sheet = pd.DataFrame({
        "comment_id": comments["comment_id"], "post_id": comments["post_id"],
        "depth": comments["depth"].astype("string"), "parent_excerpt": excerpts,
        "author": comments["author"], "text": comments["text"],
    })
    auto = (roles.set_index("comment_id")["role"].astype("string")
            if roles is not None else pd.Series(dtype="string"))
    sheet["auto_role"] = sheet["comment_id"].map(auto)
    if markers is not None:
        counts = markers.set_index("comment_id")["n_markers"]
        sheet["auto_markers"] = sheet["comment_id"].map(counts).fillna(0).astype("Int64").astype("string")
    for column in CODE_COLUMNS:
        sheet[column] = ""
    sheet = sheet.astype("string").fillna("")
    if sample is not None:
        sheet = _sample(sheet, sample, seed)
    return sheet.reset_index(drop=True)


def _sample(sheet: pd.DataFrame, sample: int | float, seed: int) -> pd.DataFrame:
    if isinstance(sample, float) and 0 < sample <= 1:
        n = max(1, round(sample * len(sheet)))
    elif isinstance(sample, (int, np.integer)) and not isinstance(sample, bool) and sample > 0:
        n = min(int(sample), len(sheet))
    else:
        raise ValueError(
            f"sample must be a number of comments (1 or more) or a fraction between 0 and 1; "
            f"found {sample!r}"
        )
    chosen = sheet.sample(n=n, random_state=seed)
    return sheet.loc[sorted(chosen.index)]


def export_coding_sheet(corpus: Corpus, path: str | Path, *,
                        roles: pd.DataFrame | None = None,
                        markers: pd.DataFrame | None = None,
                        pseudonymise_key: str | bytes | None = None, keep_names: bool = False,
                        sample: int | float | None = None, seed: int = 0) -> Path:
    """Write a coding sheet CSV that opens cleanly in a spreadsheet.

    UTF-8 with a byte-order mark, every field quoted, CRLF between rows and line breaks
    kept inside quoted cells, and a ``'`` before any cell that starts with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return (and before a cell's own leading ``'``), so
    that no cell runs as a formula; :func:`read_coding_sheet` takes it off again.

    Parameters
    ----------
    corpus, roles, markers, pseudonymise_key, keep_names, sample, seed
        As in :func:`coding_sheet`.
    path
        Where to write (the folder must exist).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, os
    >>> corpus = Corpus.from_records(comments=[
    ...     {"comment_id": "p1.c1", "post_id": "p1", "text": "-- sent from my phone"}])
    >>> path = export_coding_sheet(corpus, os.path.join(tempfile.mkdtemp(), "sheet.csv"))
    >>> path.read_bytes()[:20]
    b'\\xef\\xbb\\xbf"comment_id","pos'
    >>> "\\"'-- sent from my phone\\"" in path.read_text(encoding="utf-8-sig")
    True
    """
    sheet = coding_sheet(corpus, roles=roles, markers=markers, pseudonymise_key=pseudonymise_key,
                         keep_names=keep_names, sample=sample, seed=seed)
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(sheet.columns)
        for row in sheet.itertuples(index=False):
            writer.writerow([_guard(value) for value in row])
    return path


# -- reading ----------------------------------------------------------------------------------
#: columns the sheet shows for context: a coder must not change them
READ_ONLY_COLUMNS: tuple[str, ...] = ("post_id", "depth", "auto_role", "auto_markers")
_WHOLE = re.compile(r"[0-9]+")
_FIX = "correct the cell in the spreadsheet, save it as CSV again and read it again"


def read_coding_sheet(path: str | Path, *, expected=None) -> pd.DataFrame:
    """Read a filled-in coding sheet back, checking every row and code.

    Accepts what spreadsheets write back: with or without the byte-order mark, comma or
    semicolon separated (Excel in many European locales saves with ``;``). Everything
    else is checked strictly: every row has one cell per column, each comment appears
    once, the read-only context columns (:data:`READ_ONLY_COLUMNS`) still hold what was
    exported, and (with ``expected``) the sheet holds exactly the comments sent out.

    Parameters
    ----------
    path
        The CSV file.
    expected
        What the sheet should hold: the :class:`~msdiscourse.corpus.Corpus` it was
        exported from, the :func:`coding_sheet` table written (for a sampled sheet), or
        the comment ids. ``None`` (default) checks the sheet on its own only.

    Returns
    -------
    pandas.DataFrame
        The sheet's columns with the formula guards removed; ``role_code`` and
        ``auto_role`` as ordered role categories, ``sarcasm_code`` as boolean, empty
        cells missing, and ``row`` (the spreadsheet row, header = row 1).

    Raises
    ------
    msdiscourse.ParseError
        Naming the file, the line, the spreadsheet row and comment, and what to do, when
        a required column is missing, a row has too few or too many cells, a comment id
        is empty, repeated or (with ``expected``) unknown, a code is not allowed, a
        read-only column was changed (``depth`` "zero", another ``post_id``), or (with
        ``expected``) comments are missing.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "coded.csv")
    >>> _ = open(path, "w", encoding="utf-8").write(
    ...     "comment_id,text,role_code,sarcasm_code,free_code,coder,notes\\n"
    ...     "p1.c1,'=1+1,Patient,yes,,ana,\\n")
    >>> read_coding_sheet(path)[["comment_id", "text", "role_code", "sarcasm_code", "row"]]
      comment_id  text role_code  sarcasm_code  row
    0      p1.c1  =1+1   patient          True    2
    >>> read_coding_sheet(path, expected=["p1.c1", "p1.c2"])
    Traceback (most recent call last):
    ...
    msdiscourse.errors.ParseError: ...coded.csv: expected a row for each of the 2 comments sent out; found 1 missing: p1.c2 (restore the missing rows from the exported sheet, or pass expected= the sheet that was sent out when it was a sample)
    """
    path = Path(path)
    reference = _expected_rows(expected)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        content = handle.read()
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # not str.splitlines: it also breaks at U+2028 and form feeds, which a comment may hold
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ParseError(str(path), 1, expected=f"a header row with {', '.join(_REQUIRED)}",
                         found="an empty file", remedy="export the sheet again") from None
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise ParseError(
            str(path), 1, expected=f"the columns {', '.join(_REQUIRED)}",
            found=f"{', '.join(header) or 'nothing'} (missing {', '.join(missing)})",
            remedy="restore the header row as exported; keep every column, even empty ones")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise ParseError(str(path), 1, expected="each column once",
                         found=f"{', '.join(repeated)} more than once",
                         remedy="delete the extra column in the spreadsheet and save again")
    records, seen = [], {}
    line = 2  # the file line where the next record starts
    for row_number, cells in enumerate(reader, start=2):
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise ParseError(
                str(path), start, expected=f"{len(header)} cells in row {row_number}, one per column",
                found=f"{len(cells)} ({'a cell is missing' if len(cells) < len(header) else 'cells beyond the last column'})",
                remedy="a separator was lost or added: compare the row with the header, fix it "
                       "in the spreadsheet and save it as CSV again")
        record = dict(zip(header, (_unguard(c) for c in cells)))
        comment_id = record["comment_id"].strip()
        if not comment_id:
            raise ParseError(str(path), start, expected=f"a comment_id in row {row_number}",
                             found="an empty cell",
                             remedy="copy the id back from the exported sheet, or delete the row")
        where = _Where(path, start, row_number, comment_id)
        if comment_id in seen:
            raise where.error(
                "each comment once", f"comment_id {comment_id!r} again (first in row "
                f"{seen[comment_id]})", "delete one of the two rows, keeping the codes you mean")
        if reference is not None and comment_id not in reference.index:
            raise where.error(
                "only comments sent out for coding", f"unknown comment_id {comment_id!r}",
                "the id was changed or the row comes from another sheet: copy the id back from "
                "the exported sheet, or delete the row")
        seen[comment_id] = row_number
        record["comment_id"] = comment_id
        _check_read_only(record, where, reference)
        record["role_code"] = _check_role(record["role_code"], where, comment_id)
        record["sarcasm_code"] = _check_sarcasm(record["sarcasm_code"], where, comment_id)
        record["row"] = row_number
        records.append(record)
    if reference is not None:
        absent = [c for c in reference.index if c not in seen]
        if absent:
            shown = ", ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
            raise ParseError(
                str(path), None,
                expected=f"a row for each of the {len(reference)} comments sent out",
                found=f"{len(absent)} missing: {shown}",
                remedy="restore the missing rows from the exported sheet, or pass expected= the "
                       "sheet that was sent out when it was a sample")
    frame = pd.DataFrame(records, columns=[*header, "row"])
    frame = frame.astype({c: "string" for c in header if c not in ("role_code", "sarcasm_code")})
    for column in header:
        if frame[column].dtype == "string":
            frame[column] = frame[column].mask(frame[column].str.strip() == "")
    frame["role_code"] = frame["role_code"].astype(ROLE_DTYPE)
    frame["sarcasm_code"] = frame["sarcasm_code"].astype("boolean")
    if "auto_role" in frame.columns:  # schema-ok: the sheet file's own header
        frame["auto_role"] = frame["auto_role"].str.strip().str.lower().astype(ROLE_DTYPE)
    for column in ("auto_markers", "depth"):
        if column in frame.columns:  # schema-ok: the sheet file's own header
            frame[column] = pd.to_numeric(frame[column].str.strip()).astype("Int64")
    return frame.astype({"row": "Int64"})


class _Where:
    """Where a row sits, for errors: file, line, spreadsheet row, comment."""

    def __init__(self, path: Path, line: int, row: int, comment_id: str) -> None:
        self.path, self.line, self.row, self.comment_id = path, line, row, comment_id

    def error(self, expected: str, found: str, remedy: str = _FIX) -> ParseError:
        return ParseError(str(self.path), self.line, expected=expected,
                          found=f"{found} in row {self.row} ({self.comment_id})", remedy=remedy)


def _expected_rows(expected) -> pd.DataFrame | None:
    """The reference rows, indexed by comment id, with the read-only columns known."""
    if expected is None:
        return None
    if isinstance(expected, Corpus):
        comments = expected.comments
        frame = pd.DataFrame({"comment_id": comments["comment_id"],
                              "post_id": comments["post_id"], "depth": comments["depth"]})
    elif isinstance(expected, pd.DataFrame):
        validate_columns(expected, ["comment_id"], caller="read_coding_sheet", what="expected=")
        # a sent-out sheet carries the read-only columns it was exported with
        present = [c for c in ("comment_id", *READ_ONLY_COLUMNS) if c in expected.columns]  # schema-ok: as sent out
        frame = expected[present]
    elif isinstance(expected, (str, bytes)):
        raise TypeError("expected: a Corpus, a coding sheet table or a list of comment ids; "
                        f"found the single string {expected!r}")
    else:
        frame = pd.DataFrame({"comment_id": list(expected)})
    frame = frame.astype("string").fillna("")
    frame["comment_id"] = frame["comment_id"].str.strip()
    return frame.drop_duplicates("comment_id").set_index("comment_id")


def _check_read_only(record: dict, where: _Where, reference: pd.DataFrame | None) -> None:
    """A read-only cell holds a value of its kind and, with a reference, the value sent out."""
    for column in ("depth", "auto_markers"):
        value = record.get(column, "").strip()
        if value and not _WHOLE.fullmatch(value):
            raise where.error(f"{column} to stay as exported (a whole number, 0 or more)",
                              f"{record[column]!r}", f"{column} is read-only: put the number back "
                              "from the exported sheet")
    value = record.get("auto_role", "").strip().lower()
    if value and value not in ROLES:
        raise where.error(f"auto_role to stay as exported ({', '.join(ROLES)} or empty)",
                          f"{record['auto_role']!r}", "auto_role is read-only: code the role in "
                          "role_code and put auto_role back from the exported sheet")
    if reference is None:
        return
    sent = reference.loc[record["comment_id"]]
    for column in READ_ONLY_COLUMNS:
        if column not in record or column not in reference.columns:  # schema-ok: as sent out
            continue
        now, then = record[column].strip(), sent[column].strip()
        if column == "auto_role":
            now, then = now.lower(), then.lower()
        if now != then:
            raise where.error(f"{column} {then!r} as exported", f"{record[column]!r}",
                              f"{column} is read-only: put {then!r} back, or check the row was "
                              "not moved to another comment")


def _check_role(value: str, where: _Where, comment_id: str):
    code = value.strip().lower()
    if not code:
        return None
    if code not in ROLES:
        raise where.error(f"a role_code of {', '.join(ROLES)}, or empty", repr(value))
    return code


def _check_sarcasm(value: str, where: _Where, comment_id: str):
    code = value.strip().lower()
    if not code:
        return None
    if code not in SARCASM_VALUES:
        raise where.error("a sarcasm_code of 1/yes/y/true/sarcastic/s or "
                          "0/no/n/false/not sarcastic/ns, or empty", repr(value))
    return SARCASM_VALUES[code]


# -- agreement --------------------------------------------------------------------------------
def _labels(coding: pd.DataFrame, column: str, name: str) -> pd.Series:
    if not isinstance(coding, pd.DataFrame):
        raise TypeError(f"agreement expects codings as DataFrames (made by read_coding_sheet(path)); "
                        f"coding {name!r} is a {type(coding).__name__}")
    for wanted in ("comment_id", column):
        if wanted not in coding.columns:  # schema-ok: validation, the column is the caller's choice
            raise KeyError(
                f"agreement: coding {name!r} has no column {wanted!r}; it has "
                f"{', '.join(map(str, coding.columns))}"
            )
    labels = coding.set_index("comment_id")[column]
    labels = labels[labels.notna()]
    if labels.index.duplicated().any():
        repeated = labels.index[labels.index.duplicated()][0]
        raise ValueError(f"agreement: coding {name!r} codes {repeated!r} more than once")
    # one vocabulary for all: True and "True", categories and strings compare alike
    return labels.map(lambda v: str(v).strip().lower()).astype(object)


def _coder_name(coding: pd.DataFrame, index: int) -> str:
    if "coder" in coding.columns:  # schema-ok: an optional column of a hand-made sheet
        coders = coding["coder"].dropna().astype(str).str.strip()
        coders = coders[coders != ""].unique()
        if len(coders) == 1:
            return str(coders[0])
    return f"coding{index + 1}"


def _metrics(series: list[pd.Series], names: list[str]) -> dict:
    from nltk.metrics.agreement import AnnotationTask

    common = series[0].index
    for labels in series[1:]:
        common = common.intersection(labels.index)
    result = {"n_items": len(common), "percent_agreement": np.nan, "cohen_kappa": np.nan,
              "krippendorff_alpha": np.nan, "note": pd.NA}
    if len(common) == 0:
        result["note"] = "no comment coded by all"
        return result
    data = [(name, item, labels[item]) for name, labels in zip(names, series) for item in common]
    task = AnnotationTask(data=data)
    result["percent_agreement"] = task.avg_Ao()
    if len({label for _, _, label in data}) == 1:
        # expected agreement is 1: kappa and alpha are 0/0
        result["note"] = "one label only: kappa and alpha undefined"
        return result
    result["cohen_kappa"] = task.kappa()
    result["krippendorff_alpha"] = task.alpha()
    return result


def agreement(*codings: pd.DataFrame, column: str | Sequence[str] = "role_code",
              names: Sequence[str] | None = None) -> pd.DataFrame:
    """Measure agreement between codings: coders with each other, or with the automatic labels.

    Each coding is a table keyed by ``comment_id`` (a read coding sheet, ``assign_roles``
    output, ``marker_profile`` output ...). Comments a coding leaves empty are left out;
    each pair is compared on the comments both coded. Labels are compared as lower-case
    text, so ``True`` (a sarcasm code) meets ``True`` (``has_any`` of the markers).

    Parameters
    ----------
    *codings
        Two or more tables.
    column
        The label column, one for all (``"role_code"``) or one per coding
        (``["role_code", "role"]`` to compare a coder with :func:`assign_roles`;
        ``["sarcasm_code", "has_any"]`` with ``marker_profile``).
    names
        A name per coding; by default its ``coder`` when it has exactly one, else
        ``coding1``, ``coding2`` ...

    Returns
    -------
    pandas.DataFrame
        One row per pair of codings (and, for three or more, a last row ``coder_b =
        "(all)"`` over the comments all coded): ``coder_a``, ``coder_b``, ``column_a``,
        ``column_b``, ``n_items``, ``percent_agreement`` (0-1), ``cohen_kappa`` (for more
        than two codings the mean over pairs, as NLTK computes it),
        ``krippendorff_alpha`` (nominal), ``note`` (why a value is missing).

    Raises
    ------
    ValueError
        With fewer than two codings, a ``column`` list of the wrong length, or a
        comment coded twice in one coding.
    KeyError
        When a coding lacks ``comment_id`` or its label column.

    Examples
    --------
    >>> coder = pd.DataFrame({"comment_id": ["c1", "c2"], "role_code": ["patient", None]})
    >>> auto = pd.DataFrame({"comment_id": ["c1", "c2"], "role": ["patient", "unknown"]})
    >>> result = agreement(coder, auto, column=["role_code", "role"], names=["ana", "auto"])
    >>> result[["coder_a", "coder_b", "n_items", "percent_agreement"]]
      coder_a coder_b  n_items  percent_agreement
    0     ana    auto        1                1.0
    >>> result.loc[0, "note"]
    'one label only: kappa and alpha undefined'

    """
    if len(codings) < 2:
        raise ValueError(f"agreement needs two or more codings; found {len(codings)}")
    columns = [column] * len(codings) if isinstance(column, str) else list(column)
    if len(columns) != len(codings):
        raise ValueError(
            f"agreement: column lists {len(columns)} names for {len(codings)} codings"
        )
    if names is None:
        names = [_coder_name(c, i) for i, c in enumerate(codings)]
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        seen: dict[str, int] = {}
        unique = []
        for name in names:
            if counts[name] > 1:
                seen[name] = seen.get(name, 0) + 1
                name = f"{name}#{seen[name]}"
            unique.append(name)
        names = unique
    names = list(names)
    if len(names) != len(codings):
        raise ValueError(f"agreement: names lists {len(names)} names for {len(codings)} codings")
    series = [_labels(c, col, n) for c, col, n in zip(codings, columns, names)]
    rows = []
    for i, j in itertools.combinations(range(len(codings)), 2):
        rows.append({"coder_a": names[i], "coder_b": names[j], "column_a": columns[i],
                     "column_b": columns[j],
                     **_metrics([series[i], series[j]], [names[i], names[j]])})
    if len(codings) > 2:
        rows.append({"coder_a": ", ".join(names), "coder_b": "(all)", "column_a": columns[0],
                     "column_b": ", ".join(dict.fromkeys(columns)),
                     **_metrics(series, names)})
    frame = pd.DataFrame(rows)
    return frame.astype({"coder_a": "string", "coder_b": "string", "column_a": "string",
                         "column_b": "string", "n_items": "Int64",
                         "percent_agreement": "float64", "cohen_kappa": "float64",
                         "krippendorff_alpha": "float64", "note": "string"})


# -- role codebooks (moved from roles.py) ---------------------------------------------------
_CODEBOOK_SPACE = re.compile(r"\s+")


def read_role_codebook(path: str | Path) -> pd.DataFrame:
    """Read an editable CSV codebook of authors whose role the analyst knows.

    The file has a header ``author,role`` (and optionally ``note``); one author per line.
    A spreadsheet can write it (a UTF-8 byte-order mark is accepted).

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        Columns ``author``, ``role`` (ordered categorical), ``note``, ``line``.

    Raises
    ------
    ValueError
        When a column is missing, a role is not one of the five, an author is empty or
        listed twice with different roles; the message names the file and line.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "codebook.csv")
    >>> _ = open(path, "w").write("author,role,note\\nProfMyelin,researcher,blog team\\n")
    >>> read_role_codebook(path)[["author", "role", "line"]]
           author        role  line
    0  ProfMyelin  researcher     2
    """
    path = Path(path)
    records, seen = [], {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("author", "role") if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(
                f"{path}, line 1: expected the columns author, role; "
                f"found {', '.join(reader.fieldnames or []) or 'no header'} "
                f"(missing {', '.join(missing)})"
            )
        rows = [(reader.line_num, row) for row in reader]
    for line, row in rows:
        author = (row.get("author") or "").strip()
        role = (row.get("role") or "").strip().lower()
        if not author and not role:
            continue
        where = f"{path}, line {line}"
        if not author:
            raise ValueError(f"{where}: expected an author name; found an empty cell")
        if role not in ROLES:
            raise ValueError(
                f"{where}: expected a role in {', '.join(ROLES)}; found {row.get('role')!r}"
            )
        key = _CODEBOOK_SPACE.sub(" ", author).casefold()
        if key in seen and seen[key][1] != role:
            raise ValueError(
                f"{where}: {author!r} is listed again with role {role!r}; "
                f"line {seen[key][0]} gave {seen[key][1]!r}"
            )
        seen[key] = (line, role)
        records.append({"author": author, "role": role, "note": (row.get("note") or "").strip(),
                        "line": line})
    frame = pd.DataFrame(records, columns=["author", "role", "note", "line"])
    return frame.astype({"author": "string", "role": ROLE_DTYPE, "note": "string",
                         "line": "Int64"})

