"""Statistics shared by the analysis modules: one bootstrap, one minimum-n rule.

Every interval the library reports (tone shift by role pair, marker rates by role, the
researcher/patient comparison) comes from :func:`bootstrap_interval`, and every "too
few for a claim" comes from :data:`MIN_N`, so the numbers in different figures are made
the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["MIN_N", "bootstrap_interval", "mean_of_draws"]

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
