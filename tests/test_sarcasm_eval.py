"""The sarcasm models against the two labelled sets, with the real numbers.

Measured on Sarcasm Corpus V2 (debate-forum posts) and SemEval-2018 Task 3 (tweets), read
from ../shared/corpus/labelled/. The cross-validation here is the markers model's (seconds);
the n-gram and combined models' full table is printed by benchmarks/bench_sarcasm.py
(minutes), and their length-awareness is checked here on the shipped coefficients.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from msdiscourse import sarcasm, sarcasm_eval
from msdiscourse.errors import ParseError

from .conftest import SHARED_CORPUS, require

FORUM = SHARED_CORPUS / "labelled" / "sarcasm_v2_gen" / "GEN-sarc-notsarc.csv"
TWEETS = SHARED_CORPUS / "labelled" / "semeval2018_task3_train" / "SemEval2018-T3-train-taskA_emoji.txt"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def forum():
    return sarcasm_eval.load_labelled(require(FORUM))


@pytest.fixture(scope="module")
def tweets():
    return sarcasm_eval.load_labelled(require(TWEETS))


@pytest.fixture(scope="module")
def forum_report(forum):
    return sarcasm_eval.evaluate_markers(*forum, name="forum", models=("markers",))


@pytest.fixture(scope="module")
def tweet_report(tweets):
    return sarcasm_eval.evaluate_markers(*tweets, name="tweets", models=("markers",))


def model_row(table: pd.DataFrame, model: str) -> pd.Series:
    return table.set_index("model").loc[model]


def test_both_labelled_files_load_with_balanced_labels(forum, tweets):
    texts, labels = forum
    assert (len(texts), int(labels.sum())) == (6520, 3260)
    assert texts.index[0] == "1"
    texts, labels = tweets
    assert (len(texts), int(labels.sum())) == (3834, 1911)
    assert labels.iloc[3] == 0


@pytest.mark.slow
def test_markers_model_beats_length_and_measures_irony_at_every_length(forum_report, tweet_report):
    for report, auc in ((forum_report, 0.691), (tweet_report, 0.655)):
        markers = model_row(report.models, "markers")
        assert markers["roc_auc"] == pytest.approx(auc, abs=0.005)
        # the score knows as much among texts of one length as over all texts
        assert abs(markers["length_gap"]) < 0.02
        assert markers["roc_auc_same_length"] > model_row(report.models, "length_only")["roc_auc_same_length"] + 0.08
    length = model_row(forum_report.models, "length_only")
    assert length["roc_auc"] == pytest.approx(0.660, abs=0.005) and length["roc_auc_same_length"] < 0.55
    all_positive = model_row(forum_report.models, "all_positive")
    assert all_positive["roc_auc"] == 0.5 and all_positive["f1_ironic"] == pytest.approx(2 / 3)


@pytest.mark.slow
def test_the_markers_model_travels_in_both_directions(forum, tweets):
    forum_to_tweets = sarcasm_eval.cross_domain(forum, tweets, models=("markers",))
    tweets_to_forum = sarcasm_eval.cross_domain(tweets, forum, models=("markers",))
    for table, expected in ((forum_to_tweets, 0.622), (tweets_to_forum, 0.652)):
        markers = model_row(table, "markers")
        assert markers["roc_auc"] == pytest.approx(expected, abs=0.005)
        assert markers["roc_auc"] >= 0.62  # the bar, both ways
        assert abs(markers["length_gap"]) < 0.02
        assert markers["roc_auc_same_length"] > model_row(table, "length_only")["roc_auc_same_length"] + 0.05


def test_marker_weights_never_count_against_irony(forum, tweets):
    # trained on the tweets alone, repetition would come out negative when free: it is left
    # out instead. (Typographic markers did too before the link term: over a quarter of the
    # tweets with one also share a link, and tweets that share a link are mostly literal.)
    left_out = {}
    for name, (texts, labels) in (("forum", forum), ("tweets", tweets)):
        table = sarcasm_eval.train_sarcasm_model(texts, labels, model="markers")
        weights = table.set_index("feature")["coefficient"]
        markers = weights[weights.index.str.startswith("marker:")]
        assert len(markers) == 7 and (markers >= 0).all()
        left_out[name] = set(markers.index[markers == 0])
        # a shared link is the one term free to count against irony: it does on both sets
        assert weights["link:url"] < -0.3, (name, weights["link:url"])
    assert left_out["forum"] == set()
    assert left_out["tweets"] == {"marker:repetition"}


def test_cross_validation_learns_situations_inside_the_training_folds(monkeypatch, tweets):
    texts, labels = tweets
    texts, labels = texts.iloc[:400], labels.iloc[:400]
    seen: list[set[str]] = []
    learn = sarcasm_eval.learn_situations

    def recording(train_texts, train_labels, **options):
        seen.append(set(train_texts))
        return learn(train_texts, train_labels, **options)

    monkeypatch.setattr(sarcasm_eval, "learn_situations", recording)
    sarcasm_eval.evaluate_markers(texts, labels, folds=2, models=("markers",))
    assert len(seen) == 2
    all_texts = set(texts.fillna(""))
    # each fold learned from about half the texts, and never from all of them
    assert all(len(fold) < 0.6 * len(all_texts) for fold in seen)
    assert seen[0] | seen[1] == all_texts


@pytest.fixture(scope="module")
def shipped(forum, tweets):
    """Per set: labels, features and every shipped model's scores (computed once)."""
    result = {}
    for name, (texts, labels) in (("forum", forum), ("tweets", tweets)):
        features = sarcasm.text_features(texts.fillna("").tolist())
        scores = {model: 1 / (1 + np.exp(-sarcasm._logits(sarcasm._model_table(model), features)[0]))
                  for model in sarcasm.MODELS}
        result[name] = (labels.to_numpy(dtype=int), features, scores, texts)
    return result


@pytest.mark.parametrize("model", sarcasm.MODELS)
def test_no_short_text_reaches_the_top_decile_on_one_typographic_marker(model, shipped):
    for _labels, features, scores, texts in shipped.values():
        score = scores[model]
        hits = features.hits
        per_text = hits.groupby("position").size()
        typographic = hits[hits["category"] == "typographic"].groupby("position").size()
        top = np.flatnonzero((score >= np.quantile(score, 0.9)) & (features.n_words < 5))
        through_one = [i for i in top if per_text.get(i, 0) == 1 and typographic.get(i, 0) == 1]
        assert through_one == [], [texts.iloc[i] for i in through_one][:3]


@pytest.mark.parametrize("model", sarcasm.MODELS)
def test_shipped_scores_rank_irony_alike_at_every_length(model, shipped):
    for labels, features, scores, _ in shipped.values():
        measured = sarcasm_eval._scores(labels, scores[model], features.n_words)
        # in-sample for the shipped models (they saw these texts): the gap, not the level
        assert abs(measured["length_gap"]) < 0.02, (model, measured)


def test_combined_is_the_ngrams_model_plus_a_share_of_the_markers_model(shipped):
    tables = {model: sarcasm._model_table(model) for model in sarcasm.MODELS}
    markers = tables["markers"].set_index("feature")["coefficient"]
    combined = tables["combined"].set_index("feature")["coefficient"]
    # marker terms come from the markers model: never negative in the blend either
    marker_terms = combined[combined.index.str.startswith("marker:")]
    assert len(marker_terms) == 7 and (marker_terms >= 0).all()
    for _labels, _features, scores, _texts in shipped.values():
        logit = {model: np.log(scores[model] / (1 - scores[model])) for model in sarcasm.MODELS}
        expected = logit["ngrams"] + sarcasm_eval.COMBINED_MARKERS_WEIGHT * (logit["markers"] - markers["intercept"])
        assert np.allclose(logit["combined"], expected, atol=1e-4)


def test_every_kept_marker_has_lift_above_one_on_some_set(shipped):
    reports = [sarcasm_eval._per_pattern(features.hits, labels).assign(dataset=name)
               for name, (labels, features, _, _) in shipped.items()]
    rows = pd.concat(reports)
    best_rule = rows.groupby("rule")["lift"].max()
    assert best_rule.index.size == len(sarcasm_eval._rules())
    assert (best_rule > 1).all(), best_rule[best_rule <= 1].to_dict()
    support = rows.groupby("line")["support"].sum()
    patterns = sarcasm.load_marker_patterns().set_index("line")
    unmeasured = support[support == 0].index.tolist()
    # a row no labelled text matched cannot be measured: its note says so
    assert all("unmeasured" in patterns.loc[line, "note"] for line in unmeasured)
    best_row = rows.groupby("line")["lift"].max().drop(unmeasured)
    assert (best_row > 1).all(), best_row[best_row <= 1].to_dict()
    # the notes record what each row measured
    for line, note in patterns["note"].items():
        for dataset, table in rows.groupby("dataset"):
            found = re.search(rf"{dataset} lift (\S+) support (\d+)", note)
            assert found, f"line {line}: no {dataset} figures in the note"
            assert int(found[2]) == table.set_index("line").loc[line, "support"], f"line {line}: stale"


def test_emoji_by_meaning(forum, tweets):
    rules = {rule for rule in sarcasm.find_markers(["that's rich 😂", "on fire 🔥🎉"])["rule"]}
    assert rules == set()  # laughter and celebration emoji are no irony marker
    assert set(sarcasm.find_markers(["Sure, that will work 🙄"])["rule"]) == {"irony_emoji"}


def test_learned_situations_ship_with_their_provenance():
    table = sarcasm._markers.read_learned_situations()
    assert set(table["kind"]) == {"positive", "situation"}
    assert table["learned_from"].str.startswith("bootstrapped (seed 'love') from sarcasm_v2_gen/").all()
    assert (table.loc[table["kind"] == "situation", "n_ironic"] >= 3).all()
    assert "love" in set(table.loc[table["kind"] == "positive", "phrase"])


def test_pooled_markers_model_reproduces_the_shipped_rows(forum, tweets):
    texts = pd.concat([forum[0], tweets[0]])
    labels = pd.concat([forum[1], tweets[1]])
    names = "sarcasm_v2_gen/GEN-sarc-notsarc.csv + semeval2018_task3_train/SemEval2018-T3-train-taskA_emoji.txt"
    trained = sarcasm_eval.train_sarcasm_model(texts, labels, model="markers", trained_on=names)
    shipped = sarcasm._shipped_models()
    shipped = shipped[shipped["model"] == "markers"].reset_index(drop=True)
    assert trained["feature"].tolist() == shipped["feature"].tolist()
    assert np.allclose(trained["coefficient"], shipped["coefficient"], atol=2e-6)
    assert (shipped["trained_on"] == names).all() and (shipped["n_texts"] == 10354).all()


def test_train_sarcasm_model_table_and_errors():
    model = sarcasm_eval.train_sarcasm_model(["Oh great!!", "Yeah right, sooo clever.", "It is on Monday.",
                                              "The dose was 20 mg."], [1, 1, 0, 0], model="ngrams")
    assert model["feature"].tolist()[:4] == ["intercept", "length:1", "length:log_words", "length:log_words^2"]
    assert sarcasm.sarcasm_score(["Oh great!!"], model=model).iloc[0] > 0
    with pytest.raises(ValueError, match="expected one label per text"):
        sarcasm_eval.train_sarcasm_model(["a"], [1, 0])
    with pytest.raises(ValueError, match="model must be one of"):
        sarcasm_eval.train_sarcasm_model(["a"], [1], model="bert")


def test_bad_labelled_files_are_named(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("class,id,text\nsarc,1,Oh great\nironic,2,Yeah right\n", encoding="utf-8")
    with pytest.raises(ParseError) as error:
        sarcasm_eval.load_labelled(bad)
    assert str(error.value) == f"{bad}, line 3: expected class sarc or notsarc; found 'ironic'"
    bad.write_text("label;text\n1;x\n", encoding="utf-8")
    with pytest.raises(ParseError) as error:
        sarcasm_eval.load_labelled(bad)
    assert str(error.value) == (
        f"{bad}, line 1: expected the header class,id,text or Tweet index<TAB>Label<TAB>Tweet text; "
        "found 'label;text'")
    bad.write_text("Tweet index\tLabel\tTweet text\n1\t1\tfine\n2\tyes\tOh great\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"line 3: expected label 0 or 1; found 'yes'"):
        sarcasm_eval.load_labelled(bad)
