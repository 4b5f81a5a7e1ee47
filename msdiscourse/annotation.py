"""The one join of comment-keyed tables with roles and tone, and summaries by role.

Notebooks and :mod:`msdiscourse.exchanges` used to merge roles onto comments, sentences,
tone and marker profiles each in their own way (a left merge here, ``fillna("unknown")``
there). :func:`annotate` is that join, written once: every table keyed by
``comment_id`` gets the commenter's ``role`` (an ordered category; ``unknown`` for a
comment without a decision, missing for rows that belong to no comment, such as
post-body sentences) and, when asked, the comment's tone from
:func:`msdiscourse.comment_tone`.

Examples
--------
>>> from msdiscourse.corpus import Corpus
>>> from msdiscourse.roles import assign_roles
>>> from msdiscourse.tone import comment_tone
>>> corpus = Corpus.from_records(
...     posts=[{"post_id": "p1", "author": "LabRat", "body": "It worked in mice."}],
...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Wendy",
...                "text": "I have MS. Great news!"}])
>>> tone = comment_tone(corpus)
>>> annotate(tone, roles=assign_roles(corpus))[["comment_id", "compound", "role"]]
  comment_id  compound     role
0      p1.c1    0.6588  patient
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from msdiscourse._stats import bootstrap_interval
from msdiscourse.categories import MARKER_CATEGORIES, ROLE_DTYPE, ROLES
from msdiscourse.schema import SchemaError, describe, validate, validate_columns

__all__ = ["annotate", "marker_rates_by_role"]


def annotate(table: pd.DataFrame, *, roles: pd.DataFrame,
             tone: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add the commenter's role (and the comment's tone) to any table keyed by comment_id.

    Parameters
    ----------
    table
        A table with a ``comment_id`` column: ``corpus.comments``, sentences, the
        ``tone`` table, ``comment_tone``, a ``marker_profile``. Not changed.
    roles
        The ``roles`` table (:func:`msdiscourse.assign_roles`).
    tone
        The ``comment_tone`` table (:func:`msdiscourse.comment_tone`): adds its
        ``compound`` and ``tone`` columns.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table``, same rows and order, with ``role`` (ordered categorical
        :data:`msdiscourse.categories.ROLE_DTYPE`; ``unknown`` for comments ``roles``
        does not decide, missing where ``comment_id`` is missing) and, with ``tone``,
        ``compound`` and ``tone``.

    Raises
    ------
    TypeError
        When ``table`` is not a DataFrame.
    msdiscourse.schema.SchemaError
        When ``table`` has no ``comment_id`` or a column that would be added already,
        or ``roles``/``tone`` are not the tables named above.

    Examples
    --------
    >>> comments = pd.DataFrame({"comment_id": ["c1", "c2", None], "text": ["a", "b", "c"]})
    >>> roles = pd.DataFrame({"comment_id": ["c1"], "author": ["Wendy"], "role": ["patient"],
    ...                       "source": ["own_text"]})
    >>> annotate(comments, roles=roles)["role"].tolist()
    ['patient', 'unknown', nan]
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            "annotate expects a table keyed by comment_id (a DataFrame: corpus.comments, "
            f"split_sentences(corpus), comment_tone(corpus), marker_profile(...)); got {describe(table)}"
        )
    if "comment_id" not in table.columns:  # schema-ok: validation, any comment-keyed table
        raise SchemaError(
            "annotate expects a table keyed by comment_id (corpus.comments, sentences, tone, "
            f"comment_tone, marker_profile); the table given has no comment_id (it has: "
            f"{', '.join(map(str, table.columns)) or '(none)'})"
        )
    validate(roles, "roles", caller="annotate(roles=...)")
    added = ["role"]
    if tone is not None:
        validate(tone, "comment_tone", caller="annotate(tone=...)")
        added += ["compound", "tone"]
    clash = [column for column in added if column in table.columns]  # schema-ok: validation
    if clash:
        raise SchemaError(f"annotate: the table already has {', '.join(clash)}; annotate a table "
                          "once (or drop those columns first)")
    ids = table["comment_id"]
    role_of = roles.drop_duplicates("comment_id").set_index("comment_id")["role"].astype("object")
    role = ids.map(role_of).astype("object")
    role = role.where(role.notna() | ids.isna(), "unknown")
    result = table.copy()
    result["role"] = pd.Categorical(role.where(ids.notna(), None), dtype=ROLE_DTYPE)
    if tone is not None:
        keyed = tone.drop_duplicates("comment_id").set_index("comment_id")
        result["compound"] = ids.map(keyed["compound"]).astype("float64")
        result["tone"] = pd.Categorical(ids.map(keyed["tone"].astype("object")),
                                        dtype=keyed["tone"].dtype if isinstance(
                                            keyed["tone"].dtype, pd.CategoricalDtype) else None)
    return result


def _pooled_rates(draws: np.ndarray) -> np.ndarray:
    """Per resample: markers per 100 words of each category, pooled over the comments."""
    words = draws[:, :, 0].sum(axis=1)
    counts = draws[:, :, 1:].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 100 * counts / words[:, None]


def marker_rates_by_role(
    profile: pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Compute irony-marker rates per 100 words for each role and category, with intervals.

    The rate pools a role's comments (markers in the category / words, times 100), so
    long comments weigh by their length. The interval is a percentile bootstrap over
    comments (resampled within each role, :func:`msdiscourse._stats.bootstrap_interval`),
    seeded, so it is the same on every run.

    Parameters
    ----------
    profile : pandas.DataFrame
        The ``marker_profile`` table with roles: ``annotate(profile, roles=roles)``.
    n_boot, seed, level
        Bootstrap resamples, random seed and interval level.

    Returns
    -------
    pandas.DataFrame
        The ``marker_rates`` table: ``role, category, n_comments, n_words, n_markers,
        rate_per_100_words, ci_low, ci_high``; the roles present, every category, in
        their shared order.

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``profile`` is not a marker profile with a ``role`` column.

    Examples
    --------
    >>> from msdiscourse.corpus import Corpus
    >>> from msdiscourse.sarcasm import find_markers, marker_profile
    >>> from msdiscourse.sentences import split_sentences
    >>> corpus = Corpus.from_records(posts=[{"post_id": "p"}], comments=[
    ...     {"comment_id": "p.c1", "post_id": "p", "author": "A", "text": "Oh great. Thanks a lot!"},
    ...     {"comment_id": "p.c2", "post_id": "p", "author": "B", "text": "The trial starts in May."}])
    >>> sentences = split_sentences(corpus, units="comments")
    >>> roles = pd.DataFrame({"comment_id": ["p.c1", "p.c2"], "author": ["A", "B"],
    ...                       "role": ["patient", "patient"], "source": ["known", "known"]})
    >>> profile = annotate(marker_profile(find_markers(sentences), sentences), roles=roles)
    >>> rates = marker_rates_by_role(profile)
    >>> rates[rates["n_markers"] > 0][["role", "category", "n_words", "rate_per_100_words"]]
          role         category  n_words  rate_per_100_words
    0  patient            trope       10                10.0
    1  patient  morphosyntactic       10                20.0
    4  patient          formula       10                20.0
    """
    validate(profile, "marker_profile", caller="marker_rates_by_role")
    validate(profile, "annotated", caller="marker_rates_by_role")
    columns = [f"n_{c}" for c in MARKER_CATEGORIES]
    validate_columns(profile, columns, caller="marker_rates_by_role",
                     what="the marker profile's per-category counts")
    rows = []
    data = profile.dropna(subset=["role"])
    roles = data["role"].astype(str)
    unexpected = sorted(set(roles) - set(ROLES))
    if unexpected:
        raise ValueError(f"role column: expected {', '.join(ROLES)}; found {', '.join(unexpected)}")
    for role in [r for r in ROLES if r in set(roles)]:
        group = data[roles == role]
        words = group["n_words"].astype("float64").fillna(0).to_numpy()
        counts = group[columns].astype("float64").fillna(0).to_numpy()
        lows, highs = bootstrap_interval(np.column_stack([words, counts]), statistic=_pooled_rates,
                                         n_boot=n_boot, level=level, rng=seed)
        total_words = words.sum()
        for index, category in enumerate(MARKER_CATEGORIES):
            n_markers = counts[:, index].sum()
            rate = 100 * n_markers / total_words if total_words else np.nan
            rows.append({"role": role, "category": category, "n_comments": len(group),
                         "n_words": int(total_words), "n_markers": int(n_markers),
                         "rate_per_100_words": float(rate), "ci_low": float(lows[index]),
                         "ci_high": float(highs[index])})
    frame = pd.DataFrame(rows, columns=["role", "category", "n_comments", "n_words", "n_markers",
                                        "rate_per_100_words", "ci_low", "ci_high"])
    frame["role"] = pd.Categorical(frame["role"], dtype=ROLE_DTYPE)
    return frame
