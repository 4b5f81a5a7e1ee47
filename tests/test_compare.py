"""compare_roles: a mixed model per author, the GEE fallback, Holm, and verdicts with sizes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse.categories import ROLE_DTYPE
from msdiscourse.compare import COLUMNS, compare_roles
from msdiscourse.schema import SchemaError, TABLES
from tests.conftest import DATA_RAW, require

pytest.importorskip("statsmodels")


def _frame(seed=0, shift=0.2, n_authors=15, per_author=4):
    """Researchers, patients and relatives; authors with their own tone (sd 0.15)."""
    rng = np.random.default_rng(seed)
    rows = []
    for role, mean in (("researcher", shift), ("patient", 0.0), ("relative", 0.0)):
        for index in range(n_authors):
            effect = rng.normal(0, 0.15)
            for _ in range(per_author):
                rows.append({"author": f"{role[:3]}{index}", "role": role,
                             "compound": mean + effect + rng.normal(0, 0.1)})
    frame = pd.DataFrame(rows)
    frame["role"] = frame["role"].astype(ROLE_DTYPE)
    return frame


def test_the_mixed_model_finds_the_difference_with_its_size_and_authors():
    result = compare_roles(_frame()).set_index(["group_a", "group_b"])
    assert list(result.reset_index().columns) == COLUMNS == list(TABLES["role_comparison"].columns)
    pair = result.loc[("researcher", "patient")]
    assert pair["method"].startswith("mixed model")
    assert (pair["n_a"], pair["n_clusters_a"], pair["n_b"], pair["n_clusters_b"]) == (60, 15, 60, 15)
    assert pair["ci_low"] < 0.2 < pair["ci_high"] and pair["ci_low"] > 0.05
    assert pair["effect_size"] > 0.8  # 0.2 over a total sd of about 0.18
    assert pair["verdict"] == (
        f"researchers' comments were {pair['difference']:.2f} more positive than patients' "
        f"comments (95% CI {pair['ci_low']:.2f} to {pair['ci_high']:.2f}, 30 authors)")
    same = result.loc[("patient", "relative")]
    assert same["verdict"].startswith("no clear difference between patients' comments and relatives' comments")


def test_holm_adjusts_over_the_pairs():
    result = compare_roles(_frame(seed=2))
    p, adjusted = result["p_value"].to_numpy(), result["p_holm"].to_numpy()
    assert len(result) == 3
    assert (adjusted >= p).all()
    smallest = np.argmin(p)
    assert adjusted[smallest] == pytest.approx(min(1.0, 3 * p[smallest]))


def test_a_prolific_author_is_one_author_not_many():
    # one researcher writes 40 comments: too few authors for a claim, however many comments
    frame = _frame()
    frame = frame[frame["role"] != "researcher"]
    lone = pd.DataFrame({"author": "LabRat", "role": "researcher",
                         "compound": np.linspace(0.3, 0.5, 40)})
    frame = pd.concat([frame, lone], ignore_index=True)
    frame["role"] = frame["role"].astype(ROLE_DTYPE)
    row = compare_roles(frame).set_index(["group_a", "group_b"]).loc[("researcher", "patient")]
    assert np.isnan(row["ci_low"]) and np.isnan(row["p_holm"])
    assert row["verdict"] == (
        "too few researchers' comments or patients' comments for a claim: 40 from 1 author "
        "and 60 from 15 authors (need >= 10 from >= 10 authors on each side)")


def test_gee_is_the_fallback_and_says_so(monkeypatch):
    import statsmodels.api as sm

    def fails(*args, **kwargs):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(sm.MixedLM, "fit", fails)
    row = compare_roles(_frame()).iloc[0]
    assert row["method"] == ("GEE, exchangeable within clusters (the mixed model did not "
                             "converge: Singular matrix)")
    assert row["ci_low"] < 0.2 < row["ci_high"]


def test_the_exchanges_table_compares_pairs_clustered_by_replier():
    corpus = msd.read_corpus(require(DATA_RAW))
    edges = msd.reply_exchanges(corpus, roles=msd.assign_roles(corpus),
                                tone=msd.comment_tone(corpus))
    chosen = edges[edges["pair"].isin(["researcher->patient", "patient->researcher"])]
    result = compare_roles(chosen, value="tone_shift", by="pair", cluster="replier")
    assert result[["group_a", "group_b", "n_a", "n_b"]].values.tolist() == [
        ["patient->researcher", "researcher->patient", 7, 5]]
    assert result.loc[0, "verdict"].startswith("too few patients' replies to researchers or "
                                               "researchers' replies to patients for a claim")


def test_missing_columns_are_named():
    with pytest.raises(SchemaError, match="compare_roles: value=, by= and cluster= names author"):
        compare_roles(pd.DataFrame({"role": ["patient"], "compound": [0.1]}))
    with pytest.raises(TypeError, match="^compare_roles expects a table"):
        compare_roles([0.1, 0.2])
