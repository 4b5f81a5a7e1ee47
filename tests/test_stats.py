"""Intervals that respect who wrote what: clustered bootstrap coverage by simulation,
the minimum-n rule, shrunk rates and Holm's adjustment."""

from __future__ import annotations

import time

import numpy as np
import pytest

from msdiscourse._stats import (
    MIN_N,
    bootstrap_interval,
    cluster_codes,
    clustered_interval,
    enough_for_interval,
    holm,
    shrunk_rates,
    too_few_message,
)

TRUE_DIFFERENCE = 0.12


def _simulated_corpus(rng: np.random.Generator, n_authors: int = 40):
    """Two roles, each with ``n_authors`` authors; each author has their own tone (a random
    intercept, sd 0.25) and writes a heavy-tailed number of comments (most 1-3, a few 20+),
    each comment's tone varying around the author's (sd 0.2)."""
    values, authors, side = [], [], []
    for role, mean in ((True, TRUE_DIFFERENCE), (False, 0.0)):
        effects = rng.normal(0.0, 0.25, n_authors)
        sizes = np.minimum(1 + rng.geometric(0.35, n_authors) - 1 + (rng.random(n_authors) < 0.1) * 25, 40)
        for index, (effect, size) in enumerate(zip(effects, sizes)):
            values.append(mean + effect + rng.normal(0.0, 0.2, size))
            authors += [f"{'a' if role else 'b'}{index}"] * int(size)
            side += [role] * int(size)
    return np.concatenate(values), np.array(authors), np.array(side)


def _naive_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a.mean(axis=1) - b.mean(axis=1)


@pytest.mark.slow
def test_the_clustered_bootstrap_covers_the_true_difference_95_percent_of_the_time():
    started = time.perf_counter()
    rng = np.random.default_rng(20261130)
    replications, clustered_hits, naive_hits = 500, 0, 0
    prolific = []
    for _ in range(replications):
        values, authors, side = _simulated_corpus(rng)
        counts = np.unique(authors, return_counts=True)[1]
        prolific.append(counts.max() / counts.sum())
        low, high = clustered_interval(values, authors, groups=side, n_boot=1000, rng=rng)
        clustered_hits += low <= TRUE_DIFFERENCE <= high
        low, high = bootstrap_interval(values[side], values[~side], statistic=_naive_difference,
                                       n_boot=1000, rng=rng)
        naive_hits += low <= TRUE_DIFFERENCE <= high
    clustered, naive = clustered_hits / replications, naive_hits / replications
    message = (f"clustered coverage {clustered:.3f}, naive (comments resampled as if independent) "
               f"{naive:.3f}: {clustered - naive:.3f} below; the most prolific author writes "
               f"{np.mean(prolific):.0%} of the comments on average; "
               f"{time.perf_counter() - started:.1f} s")
    print(message)
    assert 0.92 <= clustered <= 0.98, message
    # the reason for clustering: the naive interval is far too narrow with prolific authors
    assert naive < 0.85, message


def test_a_cluster_with_rows_on_both_sides_moves_both_sides_together():
    # one author on both sides, the same offset everywhere: the difference is exact
    values = np.array([1.0, 1.2, 0.0, 0.2, 5.0, 5.2, 4.0, 4.2])
    authors = ["x", "x", "x", "x", "y", "y", "y", "y"]
    side = np.array([True, True, False, False, True, True, False, False])
    low, high = clustered_interval(values, authors, groups=side, n_boot=500)
    assert low == pytest.approx(1.0) and high == pytest.approx(1.0)


def test_a_pooled_rate_interval_from_per_cluster_sums():
    counts = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 0.0]]) * 100
    words = np.array([10.0, 10.0, 20.0, 10.0])
    low, high = clustered_interval(counts, ["a", "a", "b", "c"], weights=words, n_boot=2000)
    assert low.shape == (2,)
    assert (low <= [6.0, 2.0]).all() and ([6.0, 2.0] <= high).all()
    # the pooled rates are 6 and 2; resampled, at most the largest cluster's rate (10) and at
    # least the smallest (0), each widened about the estimate by sqrt(3 / 2) for 3 clusters
    widen = np.sqrt(1.5)
    assert high[0] <= 6 + 4 * widen + 1e-9 and low[1] >= 2 - 2 * widen - 1e-9
    assert high[0] > 9 and low[1] < 0.5


def test_missing_authors_are_clusters_of_their_own():
    assert cluster_codes(["a", None, "a", None]).tolist() == [0, 1, 0, 2]


@pytest.mark.parametrize(("n", "n_clusters", "enough"), [
    (MIN_N, MIN_N, True), (100, MIN_N - 1, False), (MIN_N - 1, 50, False), (0, 0, False)])
def test_the_one_minimum_n_rule(n, n_clusters, enough):
    assert enough_for_interval(n, n_clusters) is enough


def test_too_few_words_name_the_counts_and_the_rule():
    assert too_few_message("patient comments", 14, 4, cluster="thread") == (
        "too few for an interval: 14 patient comments from 4 threads "
        "(need >= 10 from >= 10 threads)")


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_shrunk_rates_stop_the_shortest_comments_topping_the_ranking(seed):
    rng = np.random.default_rng(seed)
    short = rng.integers(5, 14, 40)
    long = rng.integers(150, 600, 40)
    words = np.concatenate([short, long])
    # short comments and half the long ones at 3 per 100 words; the other long ones at 8
    true_rate = np.concatenate([np.full(40, 0.03), np.full(20, 0.03), np.full(20, 0.08)])
    counts = rng.poisson(true_rate * words)
    raw = 100 * counts / words
    shrunk = shrunk_rates(counts, words)
    top_raw = np.argsort(-raw, kind="stable")[:10]
    top_shrunk = np.argsort(-shrunk, kind="stable")[:10]
    assert (top_raw < 40).sum() >= 5  # raw: a lucky marker in a short comment wins
    assert (top_shrunk >= 60).sum() >= 8  # shrunk: the comments that really use more
    assert np.nanmax(shrunk[:40]) < np.nanmax(raw[:40]) / 2


def test_shrunk_rates_without_real_variation_are_the_pooled_rate():
    words = np.array([10, 10, 200, 200])
    shrunk = shrunk_rates([0, 0, 2, 2], words)
    assert shrunk.tolist() == pytest.approx([100 * 4 / 420] * 4)
    assert np.isnan(shrunk_rates([1, 2], [0, np.nan])).all()


def test_holm_matches_the_step_down_rule():
    assert holm([0.01, 0.02, 0.03]).tolist() == pytest.approx([0.03, 0.04, 0.04])
    assert holm([0.5, 0.001]).tolist() == pytest.approx([0.5, 0.002])
    assert holm([0.9, 0.8]).tolist() == [1.0, 1.0]
