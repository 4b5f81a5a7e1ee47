"""Model-based comparison of roles: a mixed model with a random intercept per author.

:func:`compare_roles` answers "do researchers and patients differ in tone?" without
counting one prolific author's comments as many people: it fits statsmodels' ``MixedLM``
(``value ~ group``, a random intercept per cluster, REML). When the mixed model does not
converge it falls back on GEE with an exchangeable working correlation within clusters,
and says so in the ``method`` column. Every pair of groups gets its difference, a Wald
interval, a standardised effect size and a Holm-adjusted p-value; a pair with fewer than
:data:`msdiscourse._stats.MIN_N` rows or clusters on a side gets "too few ... for a
claim" instead of numbers. Needs the ``stats`` extra (``pip install 'msdiscourse[stats]'``).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd

from msdiscourse._stats import (
    MIN_N,
    cluster_codes,
    enough_for_interval,
    holm,
    size_verdict,
    too_few_verdict,
)
from msdiscourse.schema import describe, validate_columns

__all__ = ["compare_roles"]

#: the columns of the role_comparison table, in order
COLUMNS = ["group_a", "group_b", "n_a", "n_b", "n_clusters_a", "n_clusters_b", "mean_a",
           "mean_b", "difference", "ci_low", "ci_high", "effect_size", "p_value", "p_holm",
           "method", "cluster", "verdict"]

_CLUSTER_ALIASES = {"thread": "thread_id"}


def _fit(y: np.ndarray, levels: list[str], group: np.ndarray, codes: np.ndarray):
    """Fit the mixed model, or GEE when it fails; return (params, cov, variance, method)."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    exog = np.column_stack([np.ones(len(y))] + [(group == level).astype("float64")
                                                for level in levels[1:]])
    reason = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = sm.MixedLM(y, exog, groups=codes).fit(reml=True, method=["lbfgs"])
        messages = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
        failed = [m for m in messages if "boundary" not in m]
        if not result.converged or failed:
            raise ConvergenceWarning(failed[0] if failed else "not converged")
        variance = float(np.asarray(result.cov_re)[0, 0]) + float(result.scale)
        k = exog.shape[1]
        cov = np.asarray(result.cov_params())[:k, :k]
        params = np.asarray(result.fe_params)
        if np.isfinite(cov).all() and np.isfinite(params).all():
            note = "; author variance at its boundary (near 0)" if messages else ""
            return params, cov, variance, f"mixed model (random intercept per cluster{note})"
        reason = "gave no usable standard errors"
    except (ConvergenceWarning, np.linalg.LinAlgError, ValueError) as error:
        reason = f"did not converge: {str(error).splitlines()[0][:80]}"
    model = sm.GEE(y, exog, groups=codes, cov_struct=sm.cov_struct.Exchangeable(),
                   family=sm.families.Gaussian())
    result = model.fit()
    variance = float(result.scale)
    return (np.asarray(result.params), np.asarray(result.cov_params()), variance,
            f"GEE, exchangeable within clusters (the mixed model {reason})")


def compare_roles(
    frame: pd.DataFrame,
    *,
    value: str = "compound",
    by: str = "role",
    cluster: str = "author",
    min_n: int = MIN_N,
    level: float = 0.95,
) -> pd.DataFrame:
    """Compare every pair of groups (roles) on a value, with authors as random effects.

    Parameters
    ----------
    frame
        One row per observation: ``annotate(comment_tone(corpus), roles=roles)`` (roles
        and authors added), or the ``exchanges`` table (``by="pair"``,
        ``cluster="replier"``, ``value="tone_shift"``).
    value
        The numeric column compared (rows where it is missing are left out).
    by
        The column of groups (rows where it is missing are left out). A categorical
        keeps its order; the first group present is the model's reference.
    cluster
        The column of clusters: ``"author"`` (default; an unsigned comment is a cluster
        of its own), ``"thread"`` (the ``thread_id`` column) or any column name.
    min_n
        The fewest rows, and clusters, per side worth a claim.
    level
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        The ``role_comparison`` table, one row per pair of groups: ``group_a``,
        ``group_b``, ``n_a``, ``n_b``, ``n_clusters_a``, ``n_clusters_b``, ``mean_a``,
        ``mean_b`` (raw means), ``difference`` (a minus b, from the model), ``ci_low``,
        ``ci_high``, ``effect_size`` (the difference over the model's total standard
        deviation), ``p_value``, ``p_holm`` (Holm-adjusted over the pairs with enough
        data), ``method`` (mixed model or the GEE fallback, with why), ``cluster``,
        ``verdict``. Pairs with too few rows or clusters have no interval or p-value.

    Raises
    ------
    TypeError
        When ``frame`` is not a DataFrame.
    msdiscourse.schema.SchemaError
        When ``value``, ``by`` or the cluster column is missing.
    ImportError
        When statsmodels is not installed (the ``stats`` extra).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> authors = np.repeat([f"r{i}" for i in range(12)] + [f"p{i}" for i in range(12)], 3)
    >>> effect = np.repeat(rng.normal(0, 0.1, 24), 3)
    >>> frame = pd.DataFrame({"author": authors, "role": np.where(
    ...     pd.Series(authors).str.startswith("r"), "researcher", "patient"),
    ...     "compound": effect + np.where(pd.Series(authors).str.startswith("r"), 0.3, 0.1)
    ...     + rng.normal(0, 0.05, 72)})
    >>> from msdiscourse.categories import ROLE_DTYPE
    >>> frame["role"] = frame["role"].astype(ROLE_DTYPE)  # researcher first
    >>> result = compare_roles(frame)
    >>> result[["group_a", "group_b", "n_a", "n_clusters_a"]]
          group_a  group_b  n_a  n_clusters_a
    0  researcher  patient   36            12
    >>> bool(result.loc[0, "ci_low"] > 0), result.loc[0, "method"].startswith("mixed model")
    (True, True)
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("compare_roles expects a table with one row per observation (a "
                        "DataFrame: annotate(comment_tone(corpus), roles=roles), or the "
                        f"exchanges table); got {describe(frame)}")
    cluster_column = _CLUSTER_ALIASES.get(cluster, cluster)
    validate_columns(frame, [value, by, cluster_column], caller="compare_roles",
                     what="value=, by= and cluster=")
    y_all = pd.to_numeric(frame[value], errors="coerce").astype("float64")
    keep = y_all.notna() & frame[by].notna()
    data = frame.loc[keep]
    y = y_all[keep].to_numpy()
    group = data[by].astype(str).to_numpy()
    codes = cluster_codes(data[cluster_column])
    if isinstance(frame[by].dtype, pd.CategoricalDtype):
        levels = [str(c) for c in frame[by].cat.categories if str(c) in set(group)]
    else:
        levels = sorted(set(group))
    cluster_word = "author" if cluster_column in ("author", "replier") else cluster_column.replace("_id", "")
    stats = {level_: (int((group == level_).sum()), len(set(codes[group == level_])),
                      float(y[group == level_].mean())) for level_ in levels}
    fitted = None
    if len(levels) >= 2 and len(set(codes)) >= 2:
        fitted = _fit(y, levels, group, codes)
    from scipy import stats as scipy_stats

    z = scipy_stats.norm.ppf(0.5 + level / 2)
    rows = []
    for a, b in itertools.combinations(levels, 2):
        n_a, k_a, mean_a = stats[a]
        n_b, k_b, mean_b = stats[b]
        row = {"group_a": a, "group_b": b, "n_a": n_a, "n_b": n_b, "n_clusters_a": k_a,
               "n_clusters_b": k_b, "mean_a": mean_a, "mean_b": mean_b,
               "difference": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "effect_size": np.nan, "p_value": np.nan,
               "method": fitted[3] if fitted else "none (fewer than two groups or clusters)",
               "cluster": cluster_word}
        if fitted is not None and enough_for_interval(n_a, k_a, min_n=min_n) \
                and enough_for_interval(n_b, k_b, min_n=min_n):
            params, cov, variance, _ = fitted
            contrast = np.zeros(len(params))
            for level_, sign in ((a, 1.0), (b, -1.0)):
                index = levels.index(level_)
                if index:
                    contrast[index] += sign
            difference = float(contrast @ params)
            se = float(np.sqrt(contrast @ cov @ contrast))
            row.update(difference=difference, ci_low=difference - z * se,
                       ci_high=difference + z * se,
                       effect_size=difference / np.sqrt(variance) if variance > 0 else np.nan,
                       p_value=float(2 * scipy_stats.norm.sf(abs(difference) / se)) if se > 0 else np.nan)
            row["verdict"] = size_verdict(a, b, value=value, difference=difference,
                                          low=row["ci_low"], high=row["ci_high"],
                                          n_clusters=len(set(codes[(group == a) | (group == b)])),
                                          cluster=cluster_word, level=level)
        else:
            row["verdict"] = too_few_verdict(a, b, n_a=n_a, n_b=n_b, clusters_a=k_a,
                                             clusters_b=k_b, cluster=cluster_word, min_n=min_n)
        rows.append(row)
    result = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "p_holm"])
    result.insert(COLUMNS.index("p_holm"), "p_holm", holm(result["p_value"].to_numpy()))
    return result.astype({"group_a": "string", "group_b": "string", "n_a": "Int64",
                          "n_b": "Int64", "n_clusters_a": "Int64", "n_clusters_b": "Int64",
                          "method": "string", "cluster": "string", "verdict": "string"})
