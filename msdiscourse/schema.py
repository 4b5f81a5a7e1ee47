"""Every table the library passes between functions, declared once.

A :class:`Table` names its columns (in order) with their pandas dtypes, its key and the
public function that produces it. Functions check what they were given with
:func:`validate`, which answers a wrong argument with one error that says what was
expected, what is missing and which call makes the right table::

    >>> import pandas as pd
    >>> validate(pd.DataFrame({"text": ["Hi."]}), "sentences", caller="score_tone")
    Traceback (most recent call last):
    ...
    msdiscourse.schema.SchemaError: score_tone expects the sentences table (made by split_sentences(corpus)); missing columns: sentence_id, post_id, comment_id, n, start, end, is_quote, author, thread_id, depth; got a DataFrame with columns: text

Modules that produce a table declare it here (not in their own files), so one place holds
the contract and a reader of the code finds every table's shape in one page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "SchemaError",
    "Table",
    "TABLES",
    "declare",
    "validate",
    "validate_columns",
    "check_corpus",
    "describe",
    "columns_of",
    "STRING",
    "INT",
    "BOOL",
    "FLOAT",
    "DATETIME",
    "LIST",
]

# dtypes: nullable pandas types throughout, ids are strings
STRING = "string"
INT = "Int64"
BOOL = "boolean"
FLOAT = "float64"
DATETIME = "datetime64[ns, UTC]"
LIST = "object"  # a Python list of str per row (tags)
FLOAT_NA = "Float64"  # nullable float: missing where there is nothing to measure
CATEGORY = "category"  # an ordered categorical of msdiscourse.categories


class SchemaError(ValueError):
    """A table handed to a function is not the table that function takes.

    Raised by :func:`validate`; the message names the table expected, the columns missing
    and the call that produces the right table.
    """


@dataclass(frozen=True)
class Table:
    """The declared shape of one table.

    Parameters
    ----------
    name
        The table's name as used in messages and in :func:`validate` (``"sentences"``).
    columns
        Column name -> pandas dtype, in column order. Producers may add further columns
        after these (a reader's extra fields); consumers rely only on the declared ones.
    key
        The columns whose values identify a row.
    producer
        The public call that makes this table, shown in error messages.
    required
        The columns a consumer needs; defaults to every declared column.
    """

    name: str
    columns: dict[str, str]
    key: tuple[str, ...]
    producer: str
    required: tuple[str, ...] | None = None
    description: str = field(default="", compare=False)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return self.required if self.required is not None else tuple(self.columns)


#: table name -> declaration; filled by :func:`declare` calls below
TABLES: dict[str, Table] = {}


def declare(table: Table) -> Table:
    """Register ``table`` under its name (once) and return it."""
    if table.name in TABLES and TABLES[table.name] != table:
        raise ValueError(f"table {table.name!r} is declared twice with different shapes")
    TABLES[table.name] = table
    return table


def columns_of(name: str) -> dict[str, str]:
    """Return the declared columns (name -> dtype) of table ``name``.

    >>> list(columns_of("unparsed"))
    ['source', 'line_start', 'line_end', 'reason', 'text']
    """
    return dict(_table(name).columns)


def _table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(sorted(TABLES))
        raise ValueError(f"no table named {name!r} is declared; known tables: {known}") from None


def describe(value: object) -> str:
    """A short phrase for what a caller passed, for error messages.

    >>> describe([1, 2, 3]), describe("x" * 50)
    ('a list of 3 items', "a str ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...')")
    """
    if isinstance(value, pd.DataFrame):
        return "a DataFrame"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a str ({shown!r})"
    return f"a {type(value).__name__}"


def validate(frame: object, name: str, *, caller: str | None = None) -> pd.DataFrame:
    """Check that ``frame`` is the table ``name`` and return it unchanged.

    Parameters
    ----------
    frame
        What the caller was given.
    name
        The declared table expected (a key of :data:`TABLES`).
    caller
        The public function doing the check, named in the message.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, so a function can write ``frame = validate(frame, "tone")``.

    Raises
    ------
    TypeError
        ``frame`` is not a DataFrame (a list, a Corpus, a path...).
    SchemaError
        Declared columns are missing.

    Examples
    --------
    >>> validate([1, 2, 3], "comments", caller="split_sentences")
    Traceback (most recent call last):
    ...
    TypeError: split_sentences expects the comments table (a DataFrame: corpus.comments, made by read_corpus(path)); got a list of 3 items
    """
    table = _table(name)
    who = caller or "this function"
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{who} expects the {name} table (a DataFrame: {table.producer}); "
            f"got {describe(frame)}"
        )
    present = set(frame.columns)
    missing = [column for column in table.required_columns if column not in present]
    if missing:
        raise SchemaError(
            f"{who} expects the {name} table (made by {table.producer}); "
            f"missing columns: {', '.join(missing)}{_what_it_is(frame, name)}"
        )
    return frame


def _what_it_is(frame: pd.DataFrame, expected: str) -> str:
    """'; got the tone table (made by ...)' when ``frame`` has another table's columns."""
    present = set(frame.columns)
    matches = [t for t in TABLES.values()
               if t.name != expected and len(t.required_columns) > 1
               and set(t.required_columns) <= present]
    if matches:
        # the most specific: the declaration with the most of its columns present
        best = max(matches, key=lambda t: (len(set(t.columns) & present), -len(t.columns)))
        return f"; got what looks like the {best.name} table (made by {best.producer})"
    shown = ", ".join(map(str, list(frame.columns)[:12]))
    more = ", ..." if len(frame.columns) > 12 else ""
    return f"; got a DataFrame with columns: {shown or '(none)'}{more}"


def validate_columns(frame: object, columns, *, caller: str, what: str) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame holding ``columns`` (chosen by a keyword).

    For the columns a caller names itself (``by="role"``, ``text_column="body"``), which
    no declaration can know. ``what`` says what the columns are for, in the message.

    Examples
    --------
    >>> validate_columns(pd.DataFrame({"text": []}), ["role"], caller="aggregate_tone",
    ...                  what="by=")
    Traceback (most recent call last):
    ...
    msdiscourse.schema.SchemaError: aggregate_tone: by= names role, which is not a column of the table given (it has: text); add roles first with annotate(table, roles=roles)
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{caller} expects a DataFrame; got {describe(frame)}")
    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        hint = ("; add roles first with annotate(table, roles=roles)" if "role" in missing else "")
        shown = ", ".join(map(str, frame.columns)) or "(none)"
        raise SchemaError(
            f"{caller}: {what} names {', '.join(map(str, missing))}, which "
            f"{'is' if len(missing) == 1 else 'are'} not a column of the table given "
            f"(it has: {shown}){hint}"
        )
    return frame


def check_corpus(value: object, *, caller: str) -> None:
    """Raise a TypeError naming what was passed when ``value`` is not a Corpus.

    Examples
    --------
    >>> check_corpus(pd.DataFrame({"comment_id": [], "text": []}), caller="split_sentences")
    Traceback (most recent call last):
    ...
    TypeError: split_sentences expects a Corpus (made by read_corpus(path) or load_processed(folder)); got a DataFrame: pass the corpus itself, not one of its tables
    """
    from msdiscourse.corpus import Corpus

    if isinstance(value, Corpus):
        return
    got = describe(value)
    if isinstance(value, pd.DataFrame):
        got += ": pass the corpus itself, not one of its tables"
    raise TypeError(
        f"{caller} expects a Corpus (made by read_corpus(path) or load_processed(folder)); "
        f"got {got}"
    )


# ----------------------------------------------------------------------------------------
# The corpus tables (made by every reader; see msdiscourse.io)

POSTS = declare(Table(
    name="posts",
    columns={
        "post_id": STRING,
        "source": STRING,
        "source_format": STRING,
        "title": STRING,
        "author": STRING,
        "tags": LIST,
        "published": DATETIME,
        "body": STRING,
        "n_comments": INT,
        "line_start": INT,
        "line_end": INT,
    },
    key=("post_id",),
    producer="corpus.posts, made by read_corpus(path)",
))

#: parent_id missing = a reply to the post; thread_id = the top-level ancestor's
#: comment_id; depth 0 = top level; position = page order within the post, 1-based;
#: flags = ";"-separated repairs made while threading (empty when none).
COMMENTS = declare(Table(
    name="comments",
    columns={
        "comment_id": STRING,
        "post_id": STRING,
        "parent_id": STRING,
        "thread_id": STRING,
        "depth": INT,
        "position": INT,
        "author": STRING,
        "text": STRING,
        "line_start": INT,
        "line_end": INT,
        "published": DATETIME,
        "flags": STRING,
    },
    key=("comment_id",),
    producer="corpus.comments, made by read_corpus(path)",
))

UNPARSED = declare(Table(
    name="unparsed",
    columns={
        "source": STRING,
        "line_start": INT,
        "line_end": INT,
        "reason": STRING,
        "text": STRING,
    },
    key=("source", "line_start"),
    producer="corpus.unparsed, made by read_corpus(path, on_error='collect')",
))

#: page furniture (headings such as "Recent Posts", "Leave a Reply") and bylines: not
#: content, but accounted for so that every line of a page is somewhere.
FURNITURE = declare(Table(
    name="furniture",
    columns={
        "source": STRING,
        "post_id": STRING,
        "kind": STRING,
        "line_start": INT,
        "line_end": INT,
        "text": STRING,
    },
    key=("source", "line_start"),
    producer="corpus.furniture, made by read_corpus(path)",
))

# ----------------------------------------------------------------------------------------
# Sentences (msdiscourse.sentences)

#: ``comment_id`` is missing for sentences of the post body; ``start``/``end`` are offsets
#: into the unit's text (the comment's ``text`` or the post's ``body``); ``author``,
#: ``thread_id`` and ``depth`` are copied from the comment (for the post body: the post's
#: author, and missing thread and depth).
SENTENCES = declare(Table(
    name="sentences",
    columns={
        "sentence_id": STRING,
        "post_id": STRING,
        "comment_id": STRING,
        "n": INT,
        "start": INT,
        "end": INT,
        "text": STRING,
        "is_quote": BOOL,
        "author": STRING,
        "thread_id": STRING,
        "depth": INT,
    },
    key=("sentence_id",),
    producer="split_sentences(corpus)",
))

# ----------------------------------------------------------------------------------------
# Texts: what score_tone scores (sentences, or any table with a text column)

TEXTS = declare(Table(
    name="texts",
    columns={"text": STRING},
    key=(),
    producer="split_sentences(corpus), or any table with a text column",
))

# ----------------------------------------------------------------------------------------
# Tone (msdiscourse.tone)

_SCORES = {"neg": FLOAT, "neu": FLOAT, "pos": FLOAT, "compound": FLOAT, "tone": CATEGORY}

#: sentences scored by VADER: the sentences columns, then neg, neu, pos, compound (NaN
#: where there is no text) and tone (negative / neutral / positive, ordered).
TONE = declare(Table(
    name="tone",
    columns={**SENTENCES.columns, **_SCORES},
    key=("sentence_id",),
    producer="score_tone(split_sentences(corpus))",
    required=("sentence_id", "post_id", "comment_id", "text", "is_quote", "compound", "tone"),
))

#: one score per comment with text, quotations left out; compound is length-aware
#: (whole-text VADER up to LONG_TEXT_WORDS words, scaled summed sentence valence above).
COMMENT_TONE = declare(Table(
    name="comment_tone",
    columns={"comment_id": STRING, **_SCORES, "whole_compound": FLOAT,
             "n_sentences": INT, "n_words": INT},
    key=("comment_id",),
    producer="comment_tone(corpus)",
))

#: one row per group of aggregate_tone(tone, by=...): the by column(s) first, then these
TONE_SUMMARY = declare(Table(
    name="tone_summary",
    columns={"n_sentences": INT, "n_comments": INT, "n_authors": INT, "mean_compound": FLOAT,
             "median_compound": FLOAT, "share_negative": FLOAT, "share_positive": FLOAT},
    required=("n_sentences", "mean_compound", "median_compound", "share_negative",
              "share_positive"),
    key=(),
    producer="aggregate_tone(tone, by=...)",
))

#: comment tone laid along each thread, in page order
TRAJECTORY = declare(Table(
    name="trajectory",
    columns={"comment_id": STRING, "thread_id": STRING, "post_id": STRING, "position": INT,
             "thread_position": INT, "depth": INT, "compound": FLOAT},
    key=("comment_id",),
    producer="thread_trajectory(comment_tone(corpus), corpus.comments)",
))

# ----------------------------------------------------------------------------------------
# >>> roles (msdiscourse.roles; issue 12) -- one block, so a second declaration can be
# reconciled here

#: one row per comment, the decision taken for its author (see ``assign_roles``):
#: ``role`` an ordered categorical (categories.ROLE_DTYPE); ``confidence`` 0-1 (0 for
#: unknown); ``rule`` the deciding cue; ``evidence`` the exact phrase; ``evidence_comment_id``
#: where the phrase is (missing when it is in a post body or comes from the user's
#: knowledge); ``evidence_post_id`` the post whose body holds it; ``source`` own_text,
#: same_author, post_body, byline, flair, known, codebook, inferred or none; ``competing``
#: the cues that lost; ``detail`` what the evidence says beyond the role (the condition,
#: "carer of husband", "neurologist"); ``probability`` the classifier's, for inferred rows.
ROLE_CATEGORY = "category"
ROLE_TABLE_COLUMNS: dict[str, str] = {
    "comment_id": STRING,
    "post_id": STRING,
    "author": STRING,
    "role": ROLE_CATEGORY,
    "confidence": FLOAT,
    "rule": STRING,
    "evidence": STRING,
    "evidence_comment_id": STRING,
    "evidence_post_id": STRING,
    "source": STRING,
    "competing": STRING,
    "detail": STRING,
    "probability": FLOAT,
}
ROLES_TABLE = declare(Table(
    name="roles",
    columns=ROLE_TABLE_COLUMNS,
    key=("comment_id",),
    producer="assign_roles(corpus)",
    required=("comment_id", "author", "role", "source"),
))
POST_ROLES_TABLE = declare(Table(
    name="post_roles",
    columns={k: v for k, v in ROLE_TABLE_COLUMNS.items() if k != "comment_id"},
    key=("post_id",),
    producer="post_roles(corpus)",
    required=("post_id", "role"),
))
#: the least a table needs to be judged per author (predicted or gold roles)
ROLE_LABELS_TABLE = declare(Table(
    name="role_labels",
    columns={"author": STRING, "role": ROLE_CATEGORY},
    key=("author",),
    producer="assign_roles(corpus), post_roles(corpus) or a gold table of author, role",
))
#: one row per cue found for a role (see ``role_evidence``), in the order the decision
#: reads them: comments in corpus order, then post bodies (forum), flairs, bylines (blog).
#: ``comment_id`` the comment holding the phrase (missing for a post body or a byline);
#: ``post_id`` its post; ``author`` who wrote it; ``role``, ``rule``, ``cue_type``,
#: ``group`` (diagnosis, job, body or empty, for the conflict policy) and ``weight`` from
#: ``role_cues.csv`` (rule ``flair`` for a mapped flair); ``start``/``end`` the span in
#: the text (missing for a flair or a byline); ``evidence`` the phrase as written;
#: ``detail`` the condition, relation or profession it names.
ROLE_EVIDENCE_TABLE = declare(Table(
    name="role_evidence",
    columns={"comment_id": STRING, "post_id": STRING, "author": STRING,
             "role": ROLE_CATEGORY, "rule": STRING, "cue_type": STRING, "group": STRING,
             "weight": FLOAT, "start": INT, "end": INT, "evidence": STRING, "detail": STRING},
    key=("comment_id", "post_id", "rule", "start"),
    producer="role_evidence(corpus)",
    required=("comment_id", "post_id", "author", "role", "rule", "group", "weight",
              "evidence", "detail"),
))
ROLES = ROLES_TABLE
POST_ROLES = POST_ROLES_TABLE
# <<< roles

# ----------------------------------------------------------------------------------------
# Irony markers (msdiscourse.sarcasm)

_MARKER_CATEGORY = "category"  # ordered: msdiscourse.categories.MARKER_DTYPE

#: one row per marker hit in a sentence; ``start``/``end`` are offsets into the sentence's
#: ``text`` and ``match`` is ``text[start:end]``.
MARKERS = declare(Table(
    name="markers",
    columns={
        "sentence_id": STRING,
        "comment_id": STRING,
        "category": _MARKER_CATEGORY,
        "rule": STRING,
        "start": INT,
        "end": INT,
        "match": STRING,
    },
    key=("sentence_id", "start", "rule"),
    producer="find_markers(sentences)",
))

#: the same for plain texts: ``text_index`` is the Series' index label (or list position).
TEXT_MARKERS = declare(Table(
    name="text_markers",
    columns={
        "text_index": "object",
        "category": _MARKER_CATEGORY,
        "rule": STRING,
        "start": INT,
        "end": INT,
        "match": STRING,
    },
    key=("text_index", "start", "rule"),
    producer="find_markers(texts)",
))

#: one row per unit (``comment_id`` by default; ``by=`` names another sentences column,
#: which then takes its place); ``n_<category>`` follow for every marker category.
MARKER_PROFILE = declare(Table(
    name="marker_profile",
    columns={
        "comment_id": STRING,
        "n_words": INT,
        "n_markers": INT,
        "markers_per_100_words": "Float64",
        "has_any": "bool",
        **{f"n_{category}": INT for category in (
            "trope", "morphosyntactic", "typographic", "explicit", "formula", "repetition",
            "contrast")},
    },
    key=("comment_id",),
    producer="marker_profile(find_markers(sentences), sentences)",
    # the per-category counts are checked by the functions that read them
    required=("comment_id", "n_words", "n_markers", "markers_per_100_words", "has_any"),
))

#: rule-level lift on labelled data (MarkerEvaluation.per_marker)
MARKER_EVALUATION = declare(Table(
    name="marker_evaluation",
    columns={"category": CATEGORY, "rule": STRING, "support": INT, "n_hits": INT,
             "precision": FLOAT, "base_rate": FLOAT, "lift": FLOAT, "dataset": STRING},
    key=("dataset", "rule"),
    producer="evaluate_markers(texts, labels, name=...).per_marker",
    required=("category", "rule", "support", "precision", "lift", "dataset"),
))

# ----------------------------------------------------------------------------------------
# Joins and role summaries (msdiscourse.annotation)

#: any comment-keyed table after annotate(table, roles=...): the table's columns + role
ANNOTATED = declare(Table(
    name="annotated",
    columns={"comment_id": STRING, "role": CATEGORY},
    key=("comment_id",),
    producer="annotate(table, roles=assign_roles(corpus))",
))

MARKER_RATES = declare(Table(
    name="marker_rates",
    columns={"role": CATEGORY, "category": STRING, "n_comments": INT, "n_authors": INT,
             "n_words": INT, "n_markers": INT, "rate_per_100_words": FLOAT, "ci_low": FLOAT,
             "ci_high": FLOAT, "has_interval": BOOL},
    required=("role", "category", "n_comments", "n_words", "n_markers",
              "rate_per_100_words", "ci_low", "ci_high"),
    key=("role", "category"),
    producer="marker_rates_by_role(annotate(profile, roles=roles))",
))

# ----------------------------------------------------------------------------------------
# Reply exchanges (msdiscourse.exchanges)

#: one row per comment: the reply edge from its author to the author it answers
EXCHANGES = declare(Table(
    name="exchanges",
    columns={
        "comment_id": STRING, "post_id": STRING, "parent_id": STRING, "thread_id": STRING,
        "replier": STRING,
        "addressee": STRING, "replier_role": CATEGORY, "addressee_role": CATEGORY,
        "pair": STRING, "depth": INT, "replier_compound": FLOAT_NA,
        "addressee_compound": FLOAT_NA, "tone_shift": FLOAT_NA, "replier_markers": INT,
        "addressee_markers": INT, "replier_marker_rate": FLOAT_NA,
        "addressee_marker_rate": FLOAT_NA, "quotes_parent": BOOL, "quotes_post": BOOL,
        "names_addressed": STRING, "names_addressee": BOOL,
    },
    key=("comment_id",),
    producer="reply_exchanges(corpus, roles=roles)",
    required=("comment_id", "replier_role", "addressee_role", "pair", "replier_compound",
              "tone_shift", "replier_marker_rate"),
))

EXCHANGE_SUMMARY = declare(Table(
    name="exchange_summary",
    columns={"measure": STRING, "n_researcher_to_patient": INT,
             "n_patient_to_researcher": INT, "n_authors_researcher_to_patient": INT,
             "n_authors_patient_to_researcher": INT, "mean_researcher_to_patient": FLOAT,
             "mean_patient_to_researcher": FLOAT, "difference": FLOAT, "ci_low": FLOAT,
             "ci_high": FLOAT, "cluster": STRING, "verdict": STRING},
    key=("measure",),
    producer="exchange_summary(exchanges)",
))

#: one row per pair of groups: a mixed-model (or GEE) comparison with Holm-adjusted p-values
ROLE_COMPARISON = declare(Table(
    name="role_comparison",
    columns={"group_a": STRING, "group_b": STRING, "n_a": INT, "n_b": INT,
             "n_clusters_a": INT, "n_clusters_b": INT, "mean_a": FLOAT, "mean_b": FLOAT,
             "difference": FLOAT, "ci_low": FLOAT, "ci_high": FLOAT, "effect_size": FLOAT,
             "p_value": FLOAT, "p_holm": FLOAT, "method": STRING, "cluster": STRING,
             "verdict": STRING},
    key=("group_a", "group_b"),
    producer="compare_roles(annotate(comment_tone(corpus), roles=roles))",
))

#: comments ranked by irony markers, raw and empirical-Bayes shrunk rates side by side
MARKER_RANKING = declare(Table(
    name="marker_ranking",
    columns={"comment_id": STRING, "n_words": INT, "n_markers": INT,
             "markers_per_100_words": FLOAT_NA, "shrunk_per_100_words": FLOAT_NA,
             "rank": INT},
    key=("comment_id",),
    producer="rank_marker_rates(marker_profile(markers, sentences))",
))

# ----------------------------------------------------------------------------------------
# Coding sheets (msdiscourse.coding)

CODING = declare(Table(
    name="coding",
    columns={"comment_id": STRING, "role_code": CATEGORY, "sarcasm_code": BOOL},
    key=("comment_id",),
    producer="read_coding_sheet(path)",
))
