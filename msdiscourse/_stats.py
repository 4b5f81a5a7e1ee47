"""Statistics shared by the analysis modules: one bootstrap, one minimum-n rule.

Every interval the library reports (tone shift by role pair, marker rates by role, the
researcher/patient comparison) comes from :func:`bootstrap_interval`, and every "too
few for a claim" comes from :data:`MIN_N`, so the numbers in different figures are made
the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "CLUSTER_CHOICES", "MIN_N", "bootstrap_interval", "cluster_codes", "clustered_interval",
    "describe_group", "enough_for_interval", "holm", "mean_of_draws", "shrunk_rates",
    "size_verdict", "too_few_message", "too_few_verdict",
]

#: fewer observations than this on a side of a comparison, and no claim is made
MIN_N = 10


def mean_of_draws(draws: np.ndarray) -> np.ndarray:
    """The statistic of a one-sample bootstrap of the mean: each resample's mean."""
    return draws.mean(axis=1)


def bootstrap_interval(
    *samples: np.ndarray,
    statistic: Callable[..., np.ndarray] = mean_of_draws,
    n_boot: int = 2000,
    level: float = 0.95,
    rng: np.random.Generator | int | None = 0,
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of a statistic of one or more independent samples.

    Each sample is resampled with replacement on its own (rows, for 2-D samples);
    ``statistic`` receives the resampled arrays, each of shape ``(n_boot, n, ...)``,
    and returns one value per resample (shape ``(n_boot,)``) or several
    (``(n_boot, k)``). Non-finite values (a ratio over zero words) are left out.

    Parameters
    ----------
    *samples
        The observations, one array per group.
    statistic
        From the resampled arrays to the statistic per resample; default the mean of a
        single sample.
    n_boot
        Number of resamples.
    level
        Coverage of the interval.
    rng
        A generator, or a seed for a new one.

    Returns
    -------
    (low, high)
        Floats for a scalar statistic, arrays for a vector one; NaN when a sample is
        empty.

    Examples
    --------
    >>> values = np.array([0.1, 0.4, 0.2, 0.5, 0.3])
    >>> low, high = bootstrap_interval(values, n_boot=1000, rng=0)
    >>> bool(low < values.mean() < high)
    True
    >>> a, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.5])
    >>> low, high = bootstrap_interval(a, b, statistic=lambda x, y: x.mean(1) - y.mean(1))
    >>> bool(0 < low < high)
    True
    """
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    samples = tuple(np.asarray(sample) for sample in samples)
    if any(len(sample) == 0 for sample in samples):
        return (np.nan, np.nan)
    draws = [sample[generator.integers(0, len(sample), size=(n_boot, len(sample)))]
             for sample in samples]
    values = np.asarray(statistic(*draws), dtype="float64")
    tail = (1 - level) / 2 * 100
    if values.ndim == 1:
        finite = values[np.isfinite(values)]
        if not len(finite):
            return (np.nan, np.nan)
        low, high = np.percentile(finite, [tail, 100 - tail])
        return float(low), float(high)
    lows, highs = [], []
    for column in values.T:
        finite = column[np.isfinite(column)]
        low, high = np.percentile(finite, [tail, 100 - tail]) if len(finite) else (np.nan, np.nan)
        lows.append(low)
        highs.append(high)
    return np.array(lows, dtype="float64"), np.array(highs, dtype="float64")


# -- clustered uncertainty -------------------------------------------------------------------

#: what a bootstrap resamples: whole authors (default) or whole threads
CLUSTER_CHOICES = ("author", "thread")


def enough_for_interval(n: int, n_clusters: int, *, min_n: int = MIN_N) -> bool:
    """The one minimum-n rule: an interval (or a claim) needs ``min_n`` observations
    written by at least ``min_n`` clusters (authors or threads).

    >>> enough_for_interval(40, 12), enough_for_interval(40, 3), enough_for_interval(9, 9)
    (True, False, False)
    """
    return int(n) >= min_n and int(n_clusters) >= min_n


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number, for titles, labels and verdicts.

    >>> counted(1, "reply", "replies"), counted(3, "reply", "replies"), counted(1200, "comment")
    ('1 reply', '3 replies', '1,200 comments')
    """
    n = int(n)
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def too_few_message(what: str, n: int, n_clusters: int, *, cluster: str = "author",
                    min_n: int = MIN_N) -> str:
    """The words every summary and figure uses when the minimum-n rule is not met.

    >>> too_few_message("researcher->patient replies", 12, 3)
    'too few for an interval: 12 researcher->patient replies from 3 authors (need >= 10 from >= 10 authors)'
    """
    return (f"too few for an interval: {n} {what} from {counted(n_clusters, cluster)} "
            f"(need >= {min_n} from >= {min_n} {cluster}s)")


def cluster_codes(labels) -> np.ndarray:
    """Integer cluster codes; a missing label (an unsigned comment) is a cluster of its own.

    Without a name there is no way to tell whether two unsigned comments share a writer,
    so each counts once: the conservative choice would be one cluster for all of them,
    which merges strangers.

    >>> cluster_codes(["a", "b", "a", None, None]).tolist()
    [0, 1, 0, 2, 3]
    """
    import pandas as pd

    series = pd.Series(list(labels), dtype="object")
    missing = series.isna().to_numpy()
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    codes = codes.astype("int64")
    codes[missing] = len(uniques) + np.arange(int(missing.sum()))
    return codes


def _cluster_sums(codes: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Sum each column within each cluster: shape (n_clusters, n_columns)."""
    n_clusters = int(codes.max()) + 1 if len(codes) else 0
    sums = np.zeros((n_clusters, columns.shape[1]), dtype="float64")
    np.add.at(sums, codes, columns)
    return sums


def _cluster_weights(n_clusters: int, n_boot: int, generator: np.random.Generator) -> np.ndarray:
    """How often each cluster is drawn in each resample: (n_boot, n_clusters) counts."""
    return generator.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=n_boot)


def _percentiles(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - level) / 2 * 100
    values = np.where(np.isfinite(values), values, np.nan)
    with np.errstate(all="ignore"):
        low, high = np.nanpercentile(values, [tail, 100 - tail], axis=0)
    return low, high


def clustered_interval(
    values,
    clusters,
    *,
    groups=None,
    weights=None,
    n_boot: int = 2000,
    level: float = 0.95,
    rng: np.random.Generator | int | None = 0,
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval that resamples whole clusters (authors or threads).

    A prolific author's comments are not independent observations: resampling comments
    one by one treats 30 comments of one person as 30 people and draws intervals that
    are too narrow. Here each resample draws clusters with replacement and keeps all of
    a drawn cluster's rows, so the interval reflects how many *people* (or threads) the
    data rest on.

    The statistic is a ratio of sums, computed from per-cluster sums (fully vectorised):

    - no ``groups``: ``sum(values) / sum(weights)`` (the mean, or with ``weights`` a
      pooled rate such as markers over words); ``values`` may be 2-D (rows x k) for k
      statistics at once;
    - ``groups`` (booleans): the first group's minus the second's (``True`` minus
      ``False``), resampling clusters from both together, so a cluster with rows on both
      sides moves both sides at once.

    The draws are widened about the estimate by ``sqrt(K / (K - 1))`` for ``K``
    clusters: a resample of ``K`` clusters has ``(K - 1) / K`` of the variance between
    them (the usual small-sample correction for clustered data). In the simulation of
    ``tests/test_stats.py`` (40 authors a side, a few prolific), the 95% interval of a
    difference of role means covers the true difference in 93% of 500 corpora; resampling
    comments as if independent covers it in 45%.

    Parameters
    ----------
    values
        One value per row (or rows x k).
    clusters
        The cluster of each row (author names, thread ids); missing = its own cluster.
    groups
        Optional booleans: which side of a difference each row is on.
    weights
        Optional denominators per row (default 1: a mean).
    n_boot, level, rng
        Resamples, coverage, and a generator or seed.

    Returns
    -------
    (low, high)
        Floats (arrays for 2-D ``values``); NaN when there are no rows, or a side is
        empty. Whether there are enough clusters for the interval to mean anything is
        the caller's call, by :func:`enough_for_interval`.

    Examples
    --------
    >>> values = np.array([0.1, 0.2, 0.15, 0.6, 0.5, 0.55, 0.3, 0.4])
    >>> authors = ["a", "a", "a", "b", "b", "b", "c", "d"]
    >>> low, high = clustered_interval(values, authors, n_boot=1000)
    >>> bool(low < values.mean() < high)
    True
    >>> side = np.array([True, True, True, False, False, False, True, False])
    >>> low, high = clustered_interval(values, authors, groups=side, n_boot=1000)
    >>> bool(low < 0)
    True
    """
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    values = np.asarray(values, dtype="float64")
    one_column = values.ndim == 1
    columns = values.reshape(len(values), -1)
    nan = (np.nan, np.nan) if one_column else (np.full(columns.shape[1], np.nan),) * 2
    if not len(values):
        return nan
    weight = np.ones(len(values)) if weights is None else np.asarray(weights, dtype="float64")
    codes = cluster_codes(clusters)
    if len(codes) != len(values) or len(weight) != len(values):
        raise ValueError(f"clustered_interval: values ({len(values)} rows), clusters "
                         f"({len(codes)}) and weights ({len(weight)}) must have the same length")
    if groups is None:
        sums = _cluster_sums(codes, np.column_stack([columns, weight]))
        counts = _cluster_weights(len(sums), n_boot, generator)
        totals = counts @ sums
        with np.errstate(divide="ignore", invalid="ignore"):
            draws = totals[:, :-1] / totals[:, -1:]
            estimate = sums[:, :-1].sum(axis=0) / sums[:, -1].sum()
    else:
        side = np.asarray(groups, dtype=bool)
        if not side.any() or side.all():
            return nan
        a, b = np.where(side[:, None], columns, 0.0), np.where(side[:, None], 0.0, columns)
        sums = _cluster_sums(codes, np.column_stack([a, weight * side, b, weight * ~side]))
        counts = _cluster_weights(len(sums), n_boot, generator)
        totals = counts @ sums
        k = columns.shape[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            draws = (totals[:, :k] / totals[:, k:k + 1]
                     - totals[:, k + 1:2 * k + 1] / totals[:, 2 * k + 1:])
            whole = sums.sum(axis=0)
            estimate = whole[:k] / whole[k] - whole[k + 1:2 * k + 1] / whole[2 * k + 1]
    # resampling K clusters understates the spread by (K - 1) / K: widen the draws about
    # the estimate by sqrt(K / (K - 1)), the usual small-sample correction for clusters
    if len(sums) > 1:
        draws = estimate + np.sqrt(len(sums) / (len(sums) - 1)) * (draws - estimate)
    low, high = _percentiles(draws, level)
    if one_column:
        return float(low[0]), float(high[0])
    return low, high


# -- rates that do not reward brevity --------------------------------------------------------


def shrunk_rates(counts, exposure, *, per: float = 100.0) -> np.ndarray:
    """Empirical-Bayes (gamma-Poisson) shrunk rates: short texts pulled toward the pooled rate.

    A 7-word comment with one marker has a raw rate of 14 per 100 words; one marker in
    700 words is 0.14. Ranking by the raw rate puts the shortest texts first by chance.
    With counts ``y_i`` over exposures ``w_i`` (words), the rates are taken to come from
    a gamma prior whose mean ``m`` and variance ``v`` are estimated from the data by the
    method of moments; each text's rate becomes the posterior mean
    ``(y_i + a) / (w_i + b)`` with ``a = m^2 / v``, ``b = m / v``, so a long text keeps
    about its own rate and a short one moves most of the way to the pooled rate. When
    the rates vary no more than Poisson noise would make them (``v <= 0``), every text
    gets the pooled rate.

    Parameters
    ----------
    counts, exposure
        Events per text and the text's length (texts with no length give NaN).
    per
        Rate per this many units (100 words).

    Returns
    -------
    numpy.ndarray
        The shrunk rate per ``per`` units, one per text.

    Examples
    --------
    >>> counts = np.array([1, 0, 2, 0, 1, 0, 3, 0])
    >>> words = np.array([7, 40, 300, 120, 90, 60, 400, 30])
    >>> np.round(100 * counts / words, 1).tolist()
    [14.3, 0.0, 0.7, 0.0, 1.1, 0.0, 0.8, 0.0]
    >>> np.round(shrunk_rates(counts, words), 2).tolist()
    [1.79, 0.44, 0.67, 0.26, 0.91, 0.38, 0.74, 0.48]
    """
    y = np.asarray(counts, dtype="float64")
    w = np.asarray(exposure, dtype="float64")
    usable = np.isfinite(y) & np.isfinite(w) & (w > 0)
    result = np.full(len(y), np.nan)
    if not usable.any():
        return result
    y_used, w_used = y[usable], w[usable]
    pooled = y_used.sum() / w_used.sum()
    # method of moments for the spread of true rates (Poisson noise taken out)
    raw = y_used / w_used
    spread = np.average((raw - pooled) ** 2, weights=w_used) - pooled / w_used.mean()
    if pooled <= 0 or spread <= 0:
        result[usable] = pooled * per
        return result
    a, b = pooled ** 2 / spread, pooled / spread
    result[usable] = (y_used + a) / (w_used + b) * per
    return result


# -- multiple comparisons --------------------------------------------------------------------


def holm(p_values) -> np.ndarray:
    """Holm-adjusted p-values (step-down, family-wise error); NaN stays NaN.

    >>> holm([0.01, 0.04, 0.03, np.nan]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype="float64")
    result = np.full(len(p), np.nan)
    present = np.flatnonzero(np.isfinite(p))
    if not len(present):
        return result
    order = present[np.argsort(p[present], kind="stable")]
    m = len(order)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    result[order] = np.minimum(adjusted, 1.0)
    return result


# -- verdicts with sizes ---------------------------------------------------------------------

_TONE_VALUES = ("compound", "replier_compound", "tone_shift", "mean_compound", "whole_compound")


def describe_group(level: str) -> str:
    """Words for a group: ``"researcher->patient"`` -> "researchers' replies to patients".

    >>> describe_group("researcher->patient"), describe_group("patient")
    ("researchers' replies to patients", "patients' comments")
    """
    level = str(level)
    if "->" in level:
        replier, addressee = level.split("->", 1)
        return f"{replier}s' replies to {addressee}s"
    return f"{level}s' comments"


def size_verdict(a: str, b: str, *, value: str, difference: float, low: float, high: float,
                 n_clusters: int, cluster: str = "author", level: float = 0.95,
                 unit: str = "") -> str:
    """A difference in words an analyst can quote: its size, interval and how many clusters.

    >>> size_verdict("researcher->patient", "patient->researcher", value="replier_compound",
    ...              difference=0.12, low=0.03, high=0.21, n_clusters=14)
    "researchers' replies to patients were 0.12 more positive than patients' replies to researchers (95% CI 0.03 to 0.21, 14 authors)"
    >>> size_verdict("researcher", "patient", value="compound", difference=0.05, low=-0.03,
    ...              high=0.13, n_clusters=22)
    "no clear difference between researchers' comments and patients' comments: +0.05 (95% CI -0.03 to 0.13, 22 authors)"
    """
    what_a, what_b = describe_group(a), describe_group(b)
    interval = f"{level:.0%} CI {low:.2f} to {high:.2f}{unit}, {n_clusters} {cluster}s"
    if not (np.isfinite(low) and np.isfinite(high)) or low <= 0 <= high:
        return f"no clear difference between {what_a} and {what_b}: {difference:+.2f} ({interval})"
    if value in _TONE_VALUES:
        direction = "more positive" if difference > 0 else "more negative"
    else:
        direction = "higher" if difference > 0 else "lower"
    return f"{what_a} were {abs(difference):.2f} {direction} than {what_b} ({interval})"


def too_few_verdict(a: str, b: str, *, n_a: int, n_b: int, clusters_a: int, clusters_b: int,
                    cluster: str = "author", min_n: int = MIN_N) -> str:
    """The verdict when the minimum-n rule is not met on a side.

    >>> too_few_verdict("researcher", "patient", n_a=12, n_b=30, clusters_a=2, clusters_b=11)
    "too few researchers' comments or patients' comments for a claim: 12 from 2 authors and 30 from 11 authors (need >= 10 from >= 10 authors on each side)"
    """
    return (f"too few {describe_group(a)} or {describe_group(b)} for a claim: {n_a} from "
            f"{counted(clusters_a, cluster)} and {n_b} from {counted(clusters_b, cluster)} (need >= {min_n} "
            f"from >= {min_n} {cluster}s on each side)")
