"""Benchmark sentence tone scoring against a plain VADER loop on the same sentences.

Generates a synthetic corpus of sentences under ``benchmarks/_data/`` (generated once,
then reused): new sentences are spliced from real ones (the blog pages, the forum posts of
Sarcasm Corpus V2 and the VADER tweets in ``../shared/corpus/``: the first part of one
sentence, cut at a word, joined to the rest of another; nothing is copied into the
repository), and a share of them (20% by
default) are exact repeats, skewed towards a few frequent ones, as in real comment
threads ("Thanks!", "I agree.", quotations, signatures). Then it measures, in one run:

* baseline: ``analyzer.polarity_scores(s)`` for every sentence, in a plain loop;
* the fast engine alone: ``FastVader().scores(s)`` for every sentence, in the same plain
  loop (one core, no deduplication: the engine's own speed-up; aim: at least 4x);
* ``score_tone`` with ``n_jobs=1``: the engine plus scoring each distinct sentence once;
* ``score_tone``: the library call (distinct sentences scored once, on every core);

checks that the scores are identical, and prints sentences per second for each with the
ratio to the baseline and the load average of the (shared) machine beside it.

With ``--thresholds`` it instead times ``score_tone`` on 1 and on 2+ processes for a
range of sizes (the pool forced on), to place ``PARALLEL_MIN_TEXTS``.

    .venv/bin/python benchmarks/bench_tone.py            # 1,000,000 sentences
    .venv/bin/python benchmarks/bench_tone.py --quick    # 30,000 sentences (below the pool threshold)
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from msdiscourse.paths import SHARED_CORPUS  # noqa: E402
from msdiscourse.text import sentence_spans  # noqa: E402
from msdiscourse import tone  # noqa: E402
from msdiscourse._vader import FastVader  # noqa: E402
from msdiscourse.tone import SCORE_COLUMNS, score_tone  # noqa: E402

DATA = HERE / "_data"

#: used when the shared corpus is not beside the checkout
FALLBACK_SENTENCES = [
    # invented, in the register of the blog's comments
    "I have been on my current DMT for two years and my last MRI was stable.",
    "Is this really the miracle the papers say it is?",
    "Thanks for explaining the trial design so clearly.",
    "Those are not the kind of stem cells that repair nerves.",
    "Honestly, the tone of some replies here is awful.",
    "The mouse data look promising but people are not mice.",
    "My neuro says the new lesions are nothing to worry about.",
    "Thanks!",
]


def _real_sentences() -> list[str]:
    """Sentences of the real texts in the shared corpus (not copied anywhere)."""
    texts: list[str] = []
    pages = SHARED_CORPUS / "blog-pages"
    texts += [p.read_text(encoding="utf-8") for p in sorted(pages.glob("*.txt"))]
    forum = SHARED_CORPUS / "labelled" / "sarcasm_v2_gen" / "GEN-sarc-notsarc.csv"
    if forum.exists():
        with forum.open(encoding="utf-8", newline="") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    tweets = SHARED_CORPUS / "labelled" / "vader_tweets" / "tweets_GroundTruth.txt"
    if tweets.exists():
        raw = tweets.read_bytes().decode("utf-8")
        texts += [line.split("\t", 2)[2] for line in raw.split("\r\n") if line.count("\t") >= 2]
    sentences = []
    for text in texts:
        for start, end in sentence_spans(text):
            sentence = " ".join(text[start:end].strip(" •").split())
            if len(sentence.split()) >= 2:
                sentences.append(sentence)
    return list(dict.fromkeys(sentences)) or FALLBACK_SENTENCES


def make_sentences(n_sentences: int, repeat_fraction: float, seed: int) -> list[str]:
    """Build (or reuse) the synthetic corpus: one sentence per line in ``benchmarks/_data``."""
    path = DATA / f"tone_sentences_v2_{n_sentences}_{repeat_fraction:g}_{seed}.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").split("\n")
    rng = random.Random(seed)
    pool = _real_sentences()
    words = [sentence.split() for sentence in pool]
    n_repeats = int(round(n_sentences * repeat_fraction))
    n_distinct = n_sentences - n_repeats
    distinct = dict.fromkeys(pool[: min(len(pool), n_distinct // 10)])  # some real ones as they are
    attempts = 0
    while len(distinct) < n_distinct and attempts < 20 * n_distinct:
        attempts += 1
        head, tail = rng.choice(words), rng.choice(words)
        cut_head = rng.randint(1, len(head))
        cut_tail = rng.randint(0, len(tail) - 1)
        distinct[" ".join(head[:cut_head] + tail[cut_tail:])] = None
    # a small pool (the invented fallback) cannot splice enough distinct sentences: number
    # the rest, so the loop above always ends
    numbered = 0
    while len(distinct) < n_distinct:
        numbered += 1
        distinct[f"{rng.choice(pool)} ({numbered})"] = None
    distinct_list = list(distinct)
    # repeats: a Zipf-like skew over a random 2% of the sentences, so a few recur very often;
    # drawn at random so the repeated ones are no longer or shorter than the rest
    frequent = rng.sample(distinct_list, max(1, n_distinct // 50))
    weights = [1.0 / rank for rank in range(1, len(frequent) + 1)]
    sentences = distinct_list + rng.choices(frequent, weights=weights, k=n_repeats)
    rng.shuffle(sentences)
    DATA.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(sentences), encoding="utf-8")
    return sentences


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"
    except OSError:
        return "load average unavailable"


def _now_load() -> str:
    try:
        return f"load {os.getloadavg()[0]:.2f}"
    except OSError:
        return "load ?"


def thresholds(sentences: list[str], n_jobs: int | None) -> None:
    """Time score_tone on one process and on a forced pool, for growing sizes."""
    distinct = list(dict.fromkeys(sentences))
    saved = tone.PARALLEL_MIN_TEXTS
    jobs = tone._resolve_jobs(n_jobs)
    print(f"thresholds: score_tone on 1 process vs a pool of {jobs} (pool forced on), "
          f"distinct sentences; best of 3")
    try:
        for size in (1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000):
            if size > len(distinct):
                break
            frame = pd.DataFrame({"text": distinct[:size]})
            timing = {}
            for label, workers, minimum in (("1 process", 1, saved), ("pool", jobs, 0)):
                tone.PARALLEL_MIN_TEXTS = minimum
                best = math.inf
                for _ in range(3):
                    started = time.perf_counter()
                    score_tone(frame, n_jobs=workers, progress=False)
                    best = min(best, time.perf_counter() - started)
                timing[label] = best
            print(f"  {size:>7,} texts: 1 process {timing['1 process'] * 1000:7.1f} ms, "
                  f"pool {timing['pool'] * 1000:7.1f} ms, pool x{timing['1 process'] / timing['pool']:.2f} "
                  f"({_now_load()})", flush=True)
    finally:
        tone.PARALLEL_MIN_TEXTS = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=1_000_000, help="corpus size (default 1,000,000)")
    parser.add_argument("--repeat-fraction", type=float, default=0.2,
                        help="share of sentences that repeat an earlier one (default 0.2)")
    parser.add_argument("--n-jobs", type=int, default=None, help="processes for score_tone (default: all cores)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--no-breakdown", action="store_true", help="skip the n_jobs=1 run")
    parser.add_argument("--quick", action="store_true", help="30,000 sentences, a smoke run")
    parser.add_argument("--thresholds", action="store_true",
                        help="time 1 process vs the pool for growing sizes (to place the pool threshold)")
    args = parser.parse_args(argv)
    n_sentences = 30_000 if args.quick else args.sentences

    started = time.perf_counter()
    sentences = make_sentences(n_sentences, args.repeat_fraction, args.seed)
    distinct = len(set(sentences))
    print(f"corpus     {len(sentences):,} sentences, {distinct:,} distinct "
          f"({1 - distinct / len(sentences):.1%} repeats), ready in {time.perf_counter() - started:.1f} s")
    frame = pd.DataFrame({"text": sentences})
    print(f"machine    before: {_load()}", flush=True)
    if args.thresholds:
        thresholds(sentences, args.n_jobs)
        print(f"machine    after: {_load()}")
        return 0

    analyzer = SentimentIntensityAnalyzer()
    started, cpu_started = time.perf_counter(), time.process_time()
    baseline = [analyzer.polarity_scores(sentence) for sentence in sentences]
    baseline_seconds = time.perf_counter() - started
    baseline_cpu = time.process_time() - cpu_started
    baseline_rate = len(sentences) / baseline_seconds
    print(f"baseline   plain polarity_scores loop: {baseline_seconds:.1f} s, "
          f"{baseline_rate:,.0f} sentences/s ({_now_load()})", flush=True)
    print(f"baseline   CPU time {baseline_cpu:.1f} s (on a loaded machine the CPU-time ratios "
          f"below are the steadier measure)", flush=True)
    expected = np.array([[scores[c] for c in SCORE_COLUMNS] for scores in baseline])
    del baseline

    fast = FastVader()
    started, cpu_started = time.perf_counter(), time.process_time()
    engine_scores = [fast.scores(sentence) for sentence in sentences]
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    same = np.array_equal(np.array(engine_scores), expected)
    identical = same
    del engine_scores
    print(f"fast engine plain loop: {seconds:.1f} s, {len(sentences) / seconds:,.0f} sentences/s, "
          f"x{baseline_seconds / seconds:.2f} the baseline ({_now_load()}), scores identical: {same}",
          flush=True)
    print(f"fast engine CPU time {cpu:.1f} s, x{baseline_cpu / cpu:.2f} the baseline's", flush=True)

    runs = []
    if not args.no_breakdown:
        runs.append(("score_tone n_jobs=1", 1))
    runs.append(("score_tone", args.n_jobs))
    for label, n_jobs in runs:
        started, cpu_started = time.perf_counter(), time.process_time()
        scored = score_tone(frame, n_jobs=n_jobs, progress=False)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        same = np.array_equal(scored[list(SCORE_COLUMNS)].to_numpy(), expected)
        identical &= same
        print(f"{label:<21}: {seconds:.1f} s, {len(sentences) / seconds:,.0f} sentences/s, "
              f"x{baseline_seconds / seconds:.2f} the baseline ({_now_load()}), "
              f"scores identical: {same}", flush=True)
        if n_jobs == 1:
            print(f"{label} CPU time {cpu:.1f} s, x{baseline_cpu / cpu:.2f} the baseline's", flush=True)
    print(f"machine    after: {_load()}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
