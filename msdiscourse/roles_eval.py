"""How well the roles found match what authors declared: precision, recall and confusion per author.

Roles are decided per author, so they are judged per author: one author who wrote fifty
comments counts once. :func:`evaluate_roles` takes any table with ``author`` and ``role``
columns (the per-comment table of :func:`~msdiscourse.roles.assign_roles`, the per-post
table of :func:`~msdiscourse.roles.post_roles`, both concatenated, or
:func:`~msdiscourse.roles.role_summary`) and a gold table of the same two columns. An
author may carry two gold roles (a profile that changed): either counts as right.

``unknown`` is not a guess, so it is counted apart: an author left ``unknown`` lowers
recall but never precision.
"""

from __future__ import annotations

import pandas as pd

from msdiscourse.categories import ROLES
from msdiscourse.roles import author_key
from msdiscourse.schema import validate

__all__ = ["evaluate_roles", "author_roles"]

_DECIDED = tuple(r for r in ROLES if r != "unknown")


def author_roles(predicted: pd.DataFrame) -> pd.Series:
    """Reduce a roles table to one role per named author.

    Parameters
    ----------
    predicted
        A table with ``author`` and ``role`` (and optionally ``confidence``) columns.

    Returns
    -------
    pandas.Series
        Role per author key (case and spacing folded, see
        :func:`~msdiscourse.roles.author_key`); placeholder and missing names are left
        out. When an author's rows disagree (a table that was edited by hand), the most
        confident role other than ``unknown`` wins.

    Examples
    --------
    >>> author_roles(pd.DataFrame({"author": ["Kim", "kim ", "Anonymous"],
    ...                            "role": ["unknown", "patient", "patient"]}))
    kim    patient
    dtype: object
    """
    validate(predicted, "role_labels", caller="author_roles")
    frame = pd.DataFrame({
        "key": predicted["author"].map(author_key),
        "role": predicted["role"].astype("string"),
        "confidence": (predicted["confidence"].astype("float64") if "confidence" in predicted
                       else 0.0),
    }).dropna(subset=["key"])
    frame["decided"] = frame["role"] != "unknown"
    frame = frame.sort_values(["decided", "confidence"], ascending=False, kind="stable")
    first = frame.drop_duplicates("key")
    return pd.Series(first["role"].astype(object).to_numpy(), index=first["key"].to_numpy(),
                     dtype=object).sort_index()


def evaluate_roles(predicted: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Score predicted roles against declared roles, per author.

    Parameters
    ----------
    predicted
        A table with ``author`` and ``role`` columns (see :func:`author_roles`). Gold
        authors missing from it count as ``unknown``.
    gold
        A table with ``author`` and ``role`` columns: the role each author declared. An
        author listed with two roles is right when either is predicted.

    Returns
    -------
    pandas.DataFrame
        One row per role present in the gold table plus a last row ``all``:
        ``role``, ``n_authors`` (gold authors of that role), ``n_predicted`` (authors
        predicted to have that role, right or wrong), ``n_correct``, ``n_unknown``
        (left ``unknown``), ``precision`` (correct / predicted; missing when nothing was
        predicted), ``recall`` (correct / authors), and the confusion counts
        ``as_researcher`` ... ``as_unknown`` (what the role's authors were predicted to
        be). The ``all`` row pools every author (precision over all decided authors).

    Examples
    --------
    >>> predicted = pd.DataFrame({"author": ["Ann", "Bob", "Cy", "Di"],
    ...                           "role": ["patient", "patient", "unknown", "relative"]})
    >>> gold = pd.DataFrame({"author": ["Ann", "Bob", "Cy", "Di"],
    ...                      "role": ["patient", "relative", "patient", "relative"]})
    >>> scores = evaluate_roles(predicted, gold)
    >>> scores[["role", "n_authors", "n_predicted", "n_correct", "n_unknown",
    ...         "precision", "recall"]].round(2)
           role  n_authors  n_predicted  n_correct  n_unknown  precision  recall
    0   patient          2            2          1          1       0.50     0.5
    1  relative          2            1          1          0       1.00     0.5
    2       all          4            3          2          1       0.67     0.5
    >>> scores.loc[1, ["as_patient", "as_relative"]].tolist()
    [1, 1]
    """
    validate(predicted, "role_labels", caller="evaluate_roles")
    validate(gold, "role_labels", caller="evaluate_roles")
    found = author_roles(predicted)
    labels = pd.DataFrame({"key": gold["author"].map(author_key),
                           "role": gold["role"].astype("string")}).dropna()
    unknown_roles = set(labels["role"]) - set(ROLES)
    if unknown_roles:
        raise ValueError(f"evaluate_roles: gold roles must be among {', '.join(ROLES)}; "
                         f"found {', '.join(sorted(unknown_roles))}")
    accepted = labels.groupby("key", sort=True)["role"].agg(lambda r: list(dict.fromkeys(r)))
    rows = []
    for key, roles in accepted.items():
        guess = found.get(key, "unknown")
        # an author with two declared roles is filed under the one predicted, if any
        rows.append({"gold": guess if guess in roles else roles[0], "predicted": guess})
    pairs = pd.DataFrame(rows, columns=["gold", "predicted"])
    order = [r for r in ROLES if r in set(pairs["gold"])]
    table = []
    for role in [*order, "all"]:
        mine = pairs if role == "all" else pairs[pairs["gold"] == role]
        if role == "all":
            n_predicted = int((pairs["predicted"] != "unknown").sum())
            n_correct = int(((pairs["predicted"] == pairs["gold"])
                             & (pairs["predicted"] != "unknown")).sum())
        else:
            n_predicted = int((pairs["predicted"] == role).sum())
            n_correct = int((mine["predicted"] == role).sum())
        row = {"role": role, "n_authors": len(mine), "n_predicted": n_predicted,
               "n_correct": n_correct, "n_unknown": int((mine["predicted"] == "unknown").sum()),
               "precision": n_correct / n_predicted if n_predicted else float("nan"),
               "recall": n_correct / len(mine) if len(mine) else float("nan")}
        for other in ROLES:
            row[f"as_{other}"] = int((mine["predicted"] == other).sum())
        table.append(row)
    frame = pd.DataFrame(table)
    counts = ["n_authors", "n_predicted", "n_correct", "n_unknown", *[f"as_{r}" for r in ROLES]]
    return frame.astype({"role": "string", **{c: "Int64" for c in counts}})
