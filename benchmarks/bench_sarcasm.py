"""Evaluate every sarcasm model on the shared labelled sets: one table, in and across domains.

    python benchmarks/bench_sarcasm.py              # forum and tweets, 5-fold CV, both directions
    python benchmarks/bench_sarcasm.py --quick      # the markers model only (under a minute)

For each model (``markers``, ``ngrams``, ``combined``) and baseline (``length_only``,
``all_positive``): in-domain 5-fold cross-validated ROC-AUC and F1 (every fold learns its
own situations, vocabulary and weights), cross-domain (trained on one set, tested on the
other), the mean AUC within word-count quintiles and its gap to the overall AUC; then each
emoji group's lift. Timings and the load average are printed beside the table.
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
import pandas as pd  # noqa: E402

from msdiscourse.paths import SHARED_CORPUS  # noqa: E402
from msdiscourse.sarcasm import MODELS  # noqa: E402
from msdiscourse.sarcasm_eval import evaluation_table, load_labelled  # noqa: E402

FORUM = SHARED_CORPUS / "labelled" / "sarcasm_v2_gen" / "GEN-sarc-notsarc.csv"
TWEETS = SHARED_CORPUS / "labelled" / "semeval2018_task3_train" / "SemEval2018-T3-train-taskA_emoji.txt"
#: emoji by meaning; fire and celebration are measured but are no marker
EMOJI_GROUPS = {"laughter": "😂🤣😆", "irony_faces": "🙄😒🙃😏", "wink_tongue": "😉😜😝😛🤪",
                "fire_celebration": "🔥🎉👏🙌💯"}


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def emoji_lifts(sets: dict) -> pd.DataFrame:
    rows = []
    for name, (texts, labels) in sets.items():
        y = labels.to_numpy(dtype=int)
        for group, chars in EMOJI_GROUPS.items():
            has = texts.fillna("").map(lambda text, chars=chars: any(c in text for c in chars)).to_numpy(bool)
            precision = float(y[has].mean()) if has.any() else float("nan")
            rows.append({"set": name, "group": group, "support": int(has.sum()),
                         "precision": precision, "lift": precision / y.mean()})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="evaluate the markers model only (no n-gram fitting): for iterating")
    args = parser.parse_args(argv)
    sets = {"forum": load_labelled(FORUM), "tweets": load_labelled(TWEETS)}
    print(f"forum {len(sets['forum'][0])} texts, tweets {len(sets['tweets'][0])} texts; {load_note()}")
    start, cpu = time.perf_counter(), time.process_time()
    table = evaluation_table(sets, models=("markers",) if args.quick else MODELS)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"\nevaluation: {time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU; {load_note()}")
    print("\nEmoji groups (texts with any emoji of the group):")
    print(emoji_lifts(sets).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
