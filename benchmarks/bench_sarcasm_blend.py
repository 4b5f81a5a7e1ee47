"""Choose the combined model's markers weight by nested cross-validation, on both labelled sets.

    OMP_NUM_THREADS=1 python benchmarks/bench_sarcasm_blend.py           # about 11 minutes on 2 busy cores
    OMP_NUM_THREADS=1 python benchmarks/bench_sarcasm_blend.py --quick   # 600 tweets, 2 x 2 folds (smoke run)

``combined`` is the ``ngrams`` model's logit plus a weight times the ``markers`` model's.
For each outer fold (5-fold stratified, seed 0, the folds of ``evaluate_markers``), a 5-fold
CV inside its training part (each inner fold learning its own situations, vocabulary and
weights) picks the weight that ranks best; the outer fold is then scored with that weight.
Prints each fold's choice, the nested out-of-fold ROC-AUC, and the out-of-fold ROC-AUC of
every weight for comparison. The shipped ``COMBINED_MARKERS_WEIGHT`` is the median of the
ten choices. Timings and the load average are printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from msdiscourse import sarcasm_eval  # noqa: E402
from msdiscourse.paths import SHARED_CORPUS  # noqa: E402
from msdiscourse.sarcasm import _logits, text_features  # noqa: E402

FORUM = SHARED_CORPUS / "labelled" / "sarcasm_v2_gen" / "GEN-sarc-notsarc.csv"
TWEETS = SHARED_CORPUS / "labelled" / "semeval2018_task3_train" / "SemEval2018-T3-train-taskA_emoji.txt"
WEIGHTS = (0.0, 0.125, 0.25, 0.375, 0.5, 0.75, 1.0)


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def logits(train_texts, train_target, test_texts):
    """The ngrams and markers logits of the test texts, fitted on the training texts only."""
    situations = sarcasm_eval._situation_regex(sarcasm_eval.learn_situations(train_texts, train_target))
    train = text_features(train_texts, situations=situations)
    test = text_features(test_texts, situations=situations)
    return tuple(_logits(sarcasm_eval._fit(model, train, train_target, 0), test)[0]
                 for model in ("ngrams", "markers"))


N_FOLDS = 5


def folds(target):
    return StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=0).split(np.zeros(len(target)), target)


def nested(name, texts, target):
    ngrams, markers = np.zeros(len(target)), np.zeros(len(target))
    chosen = np.zeros(len(target))
    choices = []
    for train, test in folds(target):
        inner_texts, inner_target = [texts[i] for i in train], target[train]
        inner_ngrams, inner_markers = np.zeros(len(train)), np.zeros(len(train))
        for inner_train, inner_test in folds(inner_target):
            inner_ngrams[inner_test], inner_markers[inner_test] = logits(
                [inner_texts[i] for i in inner_train], inner_target[inner_train],
                [inner_texts[i] for i in inner_test])
        inner_auc = {weight: roc_auc_score(inner_target, inner_ngrams + weight * inner_markers)
                     for weight in WEIGHTS}
        best = max(WEIGHTS, key=lambda weight: (inner_auc[weight], -weight))
        choices.append(best)
        ngrams[test], markers[test] = logits(inner_texts, inner_target, [texts[i] for i in test])
        chosen[test] = best
        print(f"  {name} outer fold {len(choices)}: inner AUC "
              + ", ".join(f"{weight:g}: {auc:.4f}" for weight, auc in inner_auc.items())
              + f" -> {best:g}", flush=True)
    print(f"{name}: nested ROC-AUC {roc_auc_score(target, ngrams + chosen * markers):.4f} "
          f"(weights chosen {', '.join(f'{c:g}' for c in choices)})")
    print(f"{name}: every weight, out of fold: "
          + ", ".join(f"{w:g}: {roc_auc_score(target, ngrams + w * markers):.4f}" for w in WEIGHTS))
    return choices


def main(argv=None) -> int:
    global N_FOLDS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="600 tweets, 2 outer x 2 inner folds")
    args = parser.parse_args(argv)
    sets = (("tweets", TWEETS),) if args.quick else (("forum", FORUM), ("tweets", TWEETS))
    N_FOLDS = 2 if args.quick else 5
    print(load_note())
    start = time.perf_counter()
    choices = []
    for name, path in sets:
        texts, labels = sarcasm_eval.load_labelled(path)
        if args.quick:
            texts, labels = texts.iloc[:600], labels.iloc[:600]
        choices += nested(name, sarcasm_eval._text_list(texts), labels.to_numpy(dtype=np.int64))
    print(f"median of the {len(choices)} choices: {np.median(choices):g} "
          f"(shipped COMBINED_MARKERS_WEIGHT = {sarcasm_eval.COMBINED_MARKERS_WEIGHT:g})")
    print(f"{time.perf_counter() - start:.0f} s wall; {load_note()}")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
