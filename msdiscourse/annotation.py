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

from msdiscourse._stats import (
    MIN_N,
    cluster_codes,
    clustered_interval,
    enough_for_interval,
    shrunk_rates,
)
from msdiscourse.categories import MARKER_CATEGORIES, ROLE_DTYPE, ROLES
from msdiscourse.schema import SchemaError, describe, validate, validate_columns

__all__ = ["annotate", "marker_rates_by_role", "rank_marker_rates"]


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
        ``compound`` and ``tone``. A table without an ``author`` column also gets the
        commenter's ``author`` from ``roles`` (what a clustered interval or
        :func:`msdiscourse.compare_roles` groups by); comments and sentences keep their own.

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
    if "author" not in table.columns:  # schema-ok: comments and sentences carry their own author
        author_of = roles.drop_duplicates("comment_id").set_index("comment_id")["author"]
        result["author"] = ids.map(author_of).astype("string")
    if tone is not None:
        keyed = tone.drop_duplicates("comment_id").set_index("comment_id")
        result["compound"] = ids.map(keyed["compound"]).astype("float64")
        result["tone"] = pd.Categorical(ids.map(keyed["tone"].astype("object")),
                                        dtype=keyed["tone"].dtype if isinstance(
                                            keyed["tone"].dtype, pd.CategoricalDtype) else None)
    return result


def marker_rates_by_role(
    profile: pd.DataFrame,
    *,
    cluster: str = "author",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Compute irony-marker rates per 100 words for each role and category, with intervals.

    The rate pools a role's comments (markers in the category / words, times 100), so
    long comments weigh by their length. The interval is a bootstrap that resamples
    whole authors within each role (:func:`msdiscourse._stats.clustered_interval`), so a
    prolific commenter counts once, seeded, so it is the same on every run. A role with
    fewer than ``min_n`` comments or authors gets no interval (``has_interval`` False).

    Parameters
    ----------
    profile : pandas.DataFrame
        The ``marker_profile`` table with roles: ``annotate(profile, roles=roles)``
        (which adds the ``author`` the bootstrap resamples).
    cluster
        ``"author"`` (default) or ``"thread"`` (needs a ``thread_id`` column).
    n_boot, seed, level
        Bootstrap resamples, random seed and interval level.
    min_n
        The fewest comments, and authors, for an interval.

    Returns
    -------
    pandas.DataFrame
        The ``marker_rates`` table: ``role, category, n_comments, n_authors, n_words,
        n_markers, rate_per_100_words, ci_low, ci_high, has_interval``; the roles
        present, every category, in their shared order.

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``profile`` is not a marker profile with ``role`` and ``author`` columns.

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
    >>> rates[rates["n_markers"] > 0][["role", "category", "n_authors", "rate_per_100_words",
    ...                                "has_interval"]]
          role         category  n_authors  rate_per_100_words  has_interval
    0  patient            trope          2                10.0         False
    1  patient  morphosyntactic          2                20.0         False
    4  patient          formula          2                20.0         False
    """
    validate(profile, "marker_profile", caller="marker_rates_by_role")
    validate(profile, "annotated", caller="marker_rates_by_role")
    columns = [f"n_{c}" for c in MARKER_CATEGORIES]
    validate_columns(profile, columns, caller="marker_rates_by_role",
                     what="the marker profile's per-category counts")
    cluster_column = {"author": "author", "thread": "thread_id"}.get(cluster)
    if cluster_column is None:
        raise ValueError(f"marker_rates_by_role: cluster must be author or thread; found {cluster!r}")
    validate_columns(profile, [cluster_column], caller="marker_rates_by_role",
                     what=f"cluster={cluster!r} (annotate(profile, roles=roles) adds author)")
    rows = []
    data = profile.dropna(subset=["role"])
    roles = data["role"].astype(str)
    unexpected = sorted(set(roles) - set(ROLES))
    if unexpected:
        raise ValueError(f"role column: expected {', '.join(ROLES)}; found {', '.join(unexpected)}")
    generator = np.random.default_rng(seed)
    for role in [r for r in ROLES if r in set(roles)]:
        group = data[roles == role]
        words = group["n_words"].astype("float64").fillna(0).to_numpy()
        counts = group[columns].astype("float64").fillna(0).to_numpy()
        clusters = group[cluster_column].astype("object").where(group[cluster_column].notna(), None)
        n_clusters = len(set(cluster_codes(clusters.to_numpy())))
        authors = group["author"].astype("object").where(group["author"].notna(), None) \
            if "author" in group.columns else clusters  # schema-ok: thread clusters, authors counted if known
        n_authors = len(set(cluster_codes(authors.to_numpy())))
        has_interval = enough_for_interval(len(group), n_clusters, min_n=min_n)
        if has_interval:
            lows, highs = clustered_interval(100 * counts, clusters.to_numpy(), weights=words,
                                             n_boot=n_boot, level=level, rng=generator)
            lows = np.clip(lows, 0, None)  # a rate is never negative
        else:
            lows = highs = np.full(len(columns), np.nan)
        total_words = words.sum()
        for index, category in enumerate(MARKER_CATEGORIES):
            n_markers = counts[:, index].sum()
            rate = 100 * n_markers / total_words if total_words else np.nan
            rows.append({"role": role, "category": category, "n_comments": len(group),
                         "n_authors": n_authors, "n_words": int(total_words),
                         "n_markers": int(n_markers), "rate_per_100_words": float(rate),
                         "ci_low": float(lows[index]), "ci_high": float(highs[index]),
                         "has_interval": has_interval})
    frame = pd.DataFrame(rows, columns=["role", "category", "n_comments", "n_authors", "n_words",
                                        "n_markers", "rate_per_100_words", "ci_low", "ci_high",
                                        "has_interval"])
    frame["role"] = pd.Categorical(frame["role"], dtype=ROLE_DTYPE)
    return frame


def rank_marker_rates(profile: pd.DataFrame) -> pd.DataFrame:
    """Rank comments by irony markers without rewarding brevity: raw and shrunk rates.

    One marker in a 7-word comment is 14 per 100 words; ranked by that raw rate, the
    shortest comments come first by chance. The ranking here uses the empirical-Bayes
    shrunk rate (:func:`msdiscourse._stats.shrunk_rates`): each comment's rate pulled
    toward the corpus rate, the more so the shorter it is. Both rates are in the table.

    Parameters
    ----------
    profile
        A ``marker_profile`` (annotated or not: extra columns are kept).

    Returns
    -------
    pandas.DataFrame
        The ``marker_ranking`` table: the profile's rows sorted by
        ``shrunk_per_100_words`` (then more markers, then the comment id), with
        ``shrunk_per_100_words`` and ``rank`` (1 = most) added. Comments without words
        come last, unranked.

    Examples
    --------
    >>> profile = pd.DataFrame({"comment_id": ["short", "long", "mid", "plain", "none"],
    ...     "n_words": [7, 400, 200, 150, 50], "n_markers": [1, 16, 2, 1, 0],
    ...     "markers_per_100_words": [14.29, 4.0, 1.0, 0.67, 0.0], "has_any": [True] * 4 + [False]})
    >>> ranked = rank_marker_rates(profile)
    >>> ranked[["comment_id", "markers_per_100_words", "shrunk_per_100_words", "rank"]].round(2)
      comment_id  markers_per_100_words  shrunk_per_100_words  rank
    0       long                   4.00                  3.68     1
    1      short                  14.29                  3.21     2
    2       none                   0.00                  1.68     3
    3        mid                   1.00                  1.51     4
    4      plain                   0.67                  1.41     5
    """
    validate(profile, "marker_profile", caller="rank_marker_rates")
    words = pd.to_numeric(profile["n_words"], errors="coerce").astype("float64").to_numpy()
    counts = pd.to_numeric(profile["n_markers"], errors="coerce").astype("float64").to_numpy()
    result = profile.copy()
    result["shrunk_per_100_words"] = pd.array(shrunk_rates(counts, words), dtype="Float64")
    result = result.sort_values(["shrunk_per_100_words", "n_markers", "comment_id"],
                                ascending=[False, False, True], na_position="last",
                                kind="stable").reset_index(drop=True)
    ranked = result["shrunk_per_100_words"].notna()
    result["rank"] = pd.array(np.where(ranked, np.arange(1, len(result) + 1), 0), dtype="Int64")
    result.loc[~ranked, "rank"] = pd.NA
    return result
