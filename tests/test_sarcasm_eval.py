"""The irony markers against the two labelled sets: the bar of issue 5, with the real numbers.

Markers and baselines are measured on Sarcasm Corpus V2 (debate-forum posts) and SemEval-2018
Task 3 (tweets), read from ../shared/corpus/labelled/. The evaluation of each set runs once
per session (module fixtures); the whole file takes about 20 s on an idle core.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from msdiscourse import sarcasm
from msdiscourse.cli import main
from msdiscourse.errors import ParseError

from .conftest import SHARED_CORPUS, require

FORUM = SHARED_CORPUS / "labelled" / "sarcasm_v2_gen" / "GEN-sarc-notsarc.csv"
TWEETS = SHARED_CORPUS / "labelled" / "semeval2018_task3_train" / "SemEval2018-T3-train-taskA_emoji.txt"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def forum():
    return sarcasm.load_labelled(require(FORUM))


@pytest.fixture(scope="module")
def tweets():
    return sarcasm.load_labelled(require(TWEETS))


@pytest.fixture(scope="module")
def forum_report(forum):
    return sarcasm.evaluate_markers(*forum, name="forum")


@pytest.fixture(scope="module")
def tweet_report(tweets):
    return sarcasm.evaluate_markers(*tweets, name="tweets")


def model_row(table: pd.DataFrame, model: str) -> pd.Series:
    return table.set_index("model").loc[model]


def test_both_labelled_files_load_with_balanced_labels(forum, tweets):
    texts, labels = forum
    assert (len(texts), int(labels.sum())) == (6520, 3260)
    assert texts.index[0] == "1" and texts.iloc[1] == "Neener neener - is it time to go in from the playground yet?"
    texts, labels = tweets
    assert (len(texts), int(labels.sum())) == (3834, 1911)
    assert texts.iloc[3] == "3 episodes left I'm dying over here" and labels.iloc[3] == 0


def test_on_the_forum_markers_beat_length_clearly(forum_report):
    markers = model_row(forum_report.models, "markers")
    length = model_row(forum_report.models, "length_only")
    assert markers["roc_auc"] == pytest.approx(0.695, abs=0.005)
    assert length["roc_auc"] == pytest.approx(0.661, abs=0.005)
    assert markers["roc_auc"] > length["roc_auc"] + 0.025
    # among posts of similar length the gap is the markers' own signal
    assert markers["roc_auc_same_length"] > 0.68
    assert length["roc_auc_same_length"] < 0.55
    assert markers["macro_f1"] > length["macro_f1"]
    all_positive = model_row(forum_report.models, "all_positive")
    assert all_positive["roc_auc"] == 0.5 and all_positive["f1_ironic"] == pytest.approx(2 / 3)


def test_on_tweets_markers_beat_length_and_chance(tweet_report):
    markers = model_row(tweet_report.models, "markers")
    assert markers["roc_auc"] == pytest.approx(0.597, abs=0.005)
    assert markers["roc_auc"] > model_row(tweet_report.models, "length_only")["roc_auc"] + 0.05


def test_the_model_travels_in_both_directions(forum, tweets):
    forum_to_tweets = sarcasm.cross_domain(forum, tweets)
    tweets_to_forum = sarcasm.cross_domain(tweets, forum)
    for table, expected in ((forum_to_tweets, 0.568), (tweets_to_forum, 0.601)):
        markers = model_row(table, "markers")
        assert markers["roc_auc"] == pytest.approx(expected, abs=0.005)
        assert markers["roc_auc"] > 0.55
        # length does not travel: a length model's same-length AUC stays at chance
        assert markers["roc_auc_same_length"] > model_row(table, "length_only")["roc_auc_same_length"]


def test_every_kept_marker_has_lift_above_one_on_some_set(forum_report, tweet_report):
    rules = pd.concat([forum_report.per_marker.assign(dataset="forum"),
                      tweet_report.per_marker.assign(dataset="tweets")])
    best = rules.groupby("rule")["lift"].max()
    assert best.index.size == len(sarcasm._rules())
    assert (best > 1).all(), best[best <= 1].to_dict()
    # row by row as well; a row no labelled text matched cannot be measured and is named here
    rows = pd.concat([forum_report.per_pattern, tweet_report.per_pattern])
    support = rows.groupby("line")["support"].sum()
    unmeasured = support[support == 0].index.tolist()
    patterns = sarcasm.load_marker_patterns().set_index("line")
    assert [patterns.loc[line, "pattern"].split("|")[0] for line in unmeasured] == [
        r"\bbob['’]?s your uncle\b"]
    best_row = rows.groupby("line")["lift"].max().drop(unmeasured)
    assert (best_row > 1).all(), best_row[best_row <= 1].to_dict()


def test_csv_notes_record_what_each_row_measured(forum_report, tweet_report):
    patterns = sarcasm.load_marker_patterns().set_index("line")
    measured = {"forum": forum_report.per_pattern.set_index("line"),
                "tweets": tweet_report.per_pattern.set_index("line")}
    for line, note in patterns["note"].items():
        if "unmeasured" in note:
            continue
        for dataset, table in measured.items():
            found = re.search(rf"{dataset} lift (\S+) support (\d+)", note)
            assert found, f"line {line}: no {dataset} figures in the note"
            assert int(found[2]) == table.loc[line, "support"], f"line {line}: stale {dataset} support"
            if int(found[2]):
                assert float(found[1]) == pytest.approx(table.loc[line, "lift"], abs=0.006), line


def test_report_prints_markers_and_baselines(forum_report):
    text = str(forum_report)
    assert text.startswith("Irony markers on forum: 6520 texts, base rate 0.500, 5-fold stratified CV")
    assert "length_only" in text and "all_positive" in text and "rhetorical_question" in text


def test_training_is_reproducible_and_matches_the_shipped_model(tmp_path):
    require(FORUM)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    report = sarcasm.train_from_file(FORUM, output=first, seed=0)
    # and through the command line
    assert main(["sarcasm-train", str(FORUM), "-o", str(second), "--seed", "0"]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == sarcasm.MODEL_CSV.read_bytes()
    assert report.startswith("trained on sarcasm_v2_gen/GEN-sarc-notsarc.csv: 6520 texts, 3260 ironic, seed 0")


def test_shipped_score_ranks_the_forum_like_its_cv(forum):
    texts, labels = forum
    scores = sarcasm.sarcasm_score(texts)
    assert scores.index.equals(texts.index)
    from sklearn.metrics import roc_auc_score

    # in-sample, so a little above the cross-validated 0.695
    assert roc_auc_score(labels.to_numpy(dtype=int), scores) == pytest.approx(0.70, abs=0.01)


def test_bad_labelled_files_are_named(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("class,id,text\nsarc,1,Oh great\nironic,2,Yeah right\n", encoding="utf-8")
    with pytest.raises(ParseError) as error:
        sarcasm.load_labelled(bad)
    assert str(error.value) == f"{bad}, line 3: expected class sarc or notsarc; found 'ironic'"
    bad.write_text("label;text\n1;x\n", encoding="utf-8")
    with pytest.raises(ParseError) as error:
        sarcasm.load_labelled(bad)
    assert str(error.value) == (
        f"{bad}, line 1: expected the header class,id,text or Tweet index<TAB>Label<TAB>Tweet text; "
        "found 'label;text'")
    bad.write_text("Tweet index\tLabel\tTweet text\n1\t1\tfine\n2\tyes\tOh great\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"line 3: expected label 0 or 1; found 'yes'"):
        sarcasm.load_labelled(bad)
