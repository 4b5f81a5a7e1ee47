"""Benchmark find_markers on synthetic sentences against running each CSV pattern separately.

    python benchmarks/bench_markers.py            # 1,000,000 sentences (the issue's size)
    python benchmarks/bench_markers.py --quick    # 5,000 sentences, a smoke run

The aim is under 45 s per million sentences on one core. The baseline is slow, so by default
it runs on the first 100,000 sentences (``--baseline-sentences``) and both rates are printed
per million sentences; the ratio compares the two rates, measured in the same run.

The sentences are generated (seeded) from a plain vocabulary with marker-bearing fragments
mixed in at rates like the blog's (questions, exclamations, quotes, URLs, e-mails, emoticons,
negative situations), and cached under benchmarks/_data/. Both contenders get the same
sentences in the same run:

- ``find_markers``: mask once, then one pass per category (combined alternations), all
  sentences joined, plus the rules' extra conditions and the output table;
- baseline: mask each sentence, then every CSV pattern separately over every sentence
  (``pattern.finditer`` per pattern per sentence), collecting raw spans only.

The baseline does less (no conditions, no table) and is still the slower one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from msdiscourse import _markers  # noqa: E402
from msdiscourse.sarcasm import find_markers, load_marker_patterns  # noqa: E402

DATA_DIR = HERE / "_data"

_WORDS = (
    "the a and to of in it is that this for with was on be as have not are but they you i we "
    "my at by from or an one all so if about their there what which when can would more out "
    "up no just do time people trial drug study patients researchers blog treatment stem cells "
    "immune system disease nerve damage brain results paper data dose risk benefit years think "
    "know because research therapy question answer reply comment point evidence team doctor "
    "nurse clinic week month today again still really very only also even much many some"
).split()

# fragments carrying markers (and near misses), drawn into about a third of the sentences
_FRAGMENTS = (
    "Oh great,", "yeah right", "Seriously?", "isn't it?", "!!", "?!", "...", "…", "sooo",
    "'cure'", "\"miracle\"", "LOL", "haha", ";)", ":P", "/s", "tongue in cheek", "poor poor poor",
    "thanks a lot", "bob's your uncle", "just add stem cells and", "I love another relapse",
    "with fatigue and side effects", "NEVER", "HSCT", "absolutely", "everyone", "brilliant",
    "see http://t.co/x1:/Yz", "mail me at team.g@nhs.uk", "\"this is a long quoted sentence\"",
    "Well done", "apparently", "what a surprise", "did you read it?", "I guess",
)


def make_sentences(count: int, seed: int = 0) -> list[str]:
    """Return ``count`` synthetic sentences (deterministic for a seed)."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        words = rng.choices(_WORDS, k=rng.randint(6, 22))
        if rng.random() < 0.35:
            words.insert(rng.randrange(len(words) + 1), rng.choice(_FRAGMENTS))
        words[0] = words[0].capitalize()
        sentences.append(" ".join(words) + rng.choice(".......?!"))
    return sentences


def load_sentences(count: int, seed: int = 0) -> list[str]:
    """Read the cached synthetic sentences, generating them on first use."""
    path = DATA_DIR / f"sentences_{count}_{seed}.txt"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(make_sentences(count, seed)), encoding="utf-8")
    return path.read_text(encoding="utf-8").split("\n")


def baseline(sentences: list[str]) -> int:
    """Mask each sentence, then run every CSV pattern on its own over every sentence."""
    patterns = [_markers.compile_row(pattern) for pattern in load_marker_patterns()["pattern"]]
    hits = 0
    for sentence in sentences:
        masked = _markers.mask_text(sentence)
        for pattern in patterns:
            for _ in pattern.finditer(masked):
                hits += 1
    return hits


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="5,000 sentences, a smoke run")
    parser.add_argument("--baseline-sentences", type=int, default=100_000,
                        help="how many of the sentences the (slow) baseline scans")
    args = parser.parse_args(argv)
    count = 5_000 if args.quick else args.sentences

    sentences = load_sentences(count, args.seed)
    chars = sum(map(len, sentences))
    print(f"{count:,} synthetic sentences, {chars / count:.0f} characters on average; {load_note()}")
    find_markers(sentences[:100])  # compile the patterns and load VADER outside the timing

    # wall-clock time is what a user waits; CPU time (this process only) is what the
    # figure would be on an idle core, since the machine is shared
    start, cpu_start = time.perf_counter(), time.process_time()
    hits = find_markers(sentences)
    combined, combined_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    per_million = 1_000_000 / count
    print(f"find_markers (one pass per category): {combined:8.2f} s wall, {combined_cpu:8.2f} s CPU  "
          f"{len(hits):,} hits; per million sentences {combined * per_million:.1f} s wall, "
          f"{combined_cpu * per_million:.1f} s CPU (aim: under 45 s on one core)")

    subset = sentences[: min(count, args.baseline_sentences)]
    start, cpu_start = time.perf_counter(), time.process_time()
    raw_hits = baseline(subset)
    separate, separate_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    scale = count / len(subset)
    print(f"each pattern separately (baseline, {len(subset):,} sentences): {separate:8.2f} s wall, "
          f"{separate_cpu:8.2f} s CPU  {raw_hits:,} raw spans; per million sentences "
          f"{separate * 1_000_000 / len(subset):.1f} s wall, {separate_cpu * 1_000_000 / len(subset):.1f} s CPU")
    print(f"speed-up: {separate * scale / combined:.1f}x wall, {separate_cpu * scale / combined_cpu:.1f}x CPU; "
          f"{load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
