"""Benchmark assign_roles on a synthetic blog archive against matching each comment on its own.

    python benchmarks/bench_roles.py            # 100,000 comments, 1,000 posts, 2,000 commenters
    python benchmarks/bench_roles.py --quick    # 2,000 comments, a smoke run

The comments are generated (seeded) from plain filler with role disclosures mixed in at
rates like the blog's (about one comment in five discloses something; a fifth of the
comments are unsigned), and cached under benchmarks/_data/. Both contenders get the same
comments in the same run:

- ``assign_roles``: the comments joined into one string, one pass per cue over it (each
  cue one plain compiled regex, term lists as alternations, longest first), then
  first-person scope checks, author-level decisions, propagation and the typed table;
- baseline: every cue's regex run over every comment separately (``finditer`` per cue per
  comment), collecting raw spans only: no scope checks, no decisions, no table.

The baseline does less (no scope checks, decisions or table); with the cue set grown to
any condition the two now take about the same time. ``reply_exchanges`` (roles only) and
``pseudonymise`` are timed too, for scale, without a baseline.

The library once rewrote cues that open with ``\\bword`` to open with the literal word
(``word(?<=\\bword)...``), which the regex engine finds by substring search. The rewrite is
kept here only to measure what it would still gain: ``plain`` vs ``literal-first`` runs
every cue over the joined text both ways (raw matches only) in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from msdiscourse.corpus import Corpus  # noqa: E402
from msdiscourse.exchanges import reply_exchanges  # noqa: E402
from msdiscourse.privacy import pseudonymise  # noqa: E402
from msdiscourse.roles import _JOIN, _text_cues, assign_roles, plain_text  # noqa: E402

DATA_DIR = HERE / "_data"

_WORDS = (
    "the a and to of in it is that this for with was on be as not are but they you we at by "
    "from or an one all so if about their there what which when can would more out up no just "
    "do time people trial drug study blog stem cells immune system disease nerve damage brain "
    "results paper data dose risk benefit years think know because therapy question answer "
    "reply comment point evidence doctor clinic week month today again still really very"
).split()

# disclosures (and near misses) placed into about one comment in five
_DISCLOSURES = (
    "I have MS", "I'm on Ocrevus", "I’ve been on Tecfidera", "my neuro says", "since my diagnosis",
    "my EDSS is 3.5", "SPMS here", "my wife has MS", "I care for my mum", "our lab found",
    "in our mice", "as a neurologist", "I recently interviewed a nurse", "we aim to answer",
    "I fundraise for a small MS charity", "the EAE literature, as we know",
    "if you're an MSer", "patients on Tysabri", "tell your neuro", "a charismatic neurologist",
)


def make_records(n_comments: int, n_posts: int, n_authors: int, seed: int = 0) -> dict:
    """Posts and comments as plain records (deterministic for a seed)."""
    rng = random.Random(seed)
    authors = [f"Commenter {i}" for i in range(n_authors)]
    posts = [{"post_id": f"p{p}", "author": f"Team {p % 5}", "title": f"Post {p}",
              "body": " ".join(rng.choices(_WORDS, k=80))} for p in range(n_posts)]
    comments = []
    per_post = n_comments // n_posts
    for p in range(n_posts):
        ids = []
        for c in range(per_post):
            words = rng.choices(_WORDS, k=rng.randint(12, 60))
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words) + 1), rng.choice(_DISCLOSURES))
            text = " ".join(words).capitalize() + "."
            comment_id = f"p{p}.c{c}"
            parent = rng.choice(ids) if ids and rng.random() < 0.6 else None
            author = rng.choice(authors) if rng.random() < 0.8 else None
            comments.append({"comment_id": comment_id, "post_id": f"p{p}", "parent_id": parent,
                             "author": author, "text": text})
            ids.append(comment_id)
    return {"posts": posts, "comments": comments}


def load_corpus(n_comments: int, n_posts: int, n_authors: int, seed: int = 0) -> Corpus:
    """Read the cached synthetic records, generating them on first use."""
    path = DATA_DIR / f"roles_{n_comments}_{n_posts}_{n_authors}_{seed}.json"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        records = make_records(n_comments, n_posts, n_authors, seed)
        path.write_text(json.dumps(records), encoding="utf-8")
    records = json.loads(path.read_text(encoding="utf-8"))
    return Corpus.from_records(posts=records["posts"], comments=records["comments"])


def baseline(texts: list[str]) -> int:
    """Every cue's regex over every comment on its own; raw spans only."""
    cues = _text_cues()
    spans = 0
    for text in texts:
        plain = plain_text(text)
        for cue in cues:
            for _ in cue.regex.finditer(plain):
                spans += 1
    return spans


def _split_top(pattern: str) -> list[str]:
    """Split a pattern at its top-level ``|`` (not inside groups or classes)."""
    parts, depth, in_class, current, escaped = [], 0, False, [], False
    for char in pattern:
        if escaped:
            current.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif not in_class and char == "(":
            depth += 1
        elif not in_class and char == ")":
            depth -= 1
        elif not in_class and depth == 0 and char == "|":
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


_BOUNDARY_WORD = re.compile(r"\\b([A-Za-z]+)(?![?*+{\w])")


def literal_first(pattern: str) -> list[re.Pattern]:
    """The old optimiser: each top-level branch opening with a literal word, or the pattern."""
    rewritten = []
    for branch in _split_top(pattern):
        match = _BOUNDARY_WORD.match(branch)
        if not match or len(match.group(1)) < 2:
            return [re.compile(pattern, re.IGNORECASE)]
        word = match.group(1)
        rewritten.append(re.compile(f"{word}(?<=\\b{word}){branch[match.end():]}", re.IGNORECASE))
    return rewritten


def match_all(joined: str, scanners: list[list[re.Pattern]]) -> int:
    """Raw matches of every cue over the joined text (spans deduplicated per cue)."""
    total = 0
    for parts in scanners:
        spans = set()
        for regex in parts:
            spans.update(m.span() for m in regex.finditer(joined))
        total += len(spans)
    return total


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000)
    parser.add_argument("--authors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="2,000 comments, a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.comments, args.posts, args.authors = 2_000, 20, 200

    corpus = load_corpus(args.comments, args.posts, args.authors, args.seed)
    texts = corpus.comments["text"].tolist()
    chars = sum(map(len, texts))
    print(f"{len(texts):,} synthetic comments on {args.posts:,} posts, {chars / len(texts):.0f} "
          f"characters on average; {load_note()}")
    assign_roles(Corpus.from_records(comments=[{"comment_id": "w.c1", "post_id": "w",
                                                "text": "warm up"}]))  # compile the cues

    start = time.perf_counter()
    roles = assign_roles(corpus)
    joined = time.perf_counter() - start
    decided = int((roles["role"] != "unknown").sum())
    print(f"assign_roles (joined, plain regexes):    {joined:8.2f} s  {decided:,} comments with a "
          f"role  {len(texts) / joined:,.0f} comments/s")

    start = time.perf_counter()
    spans = baseline(texts)
    separate = time.perf_counter() - start
    print(f"each cue per comment (baseline):         {separate:8.2f} s  {spans:,} raw spans  "
          f"{len(texts) / separate:,.0f} comments/s")
    print(f"speed-up: {separate / joined:.1f}x")

    text = plain_text(_JOIN.join(texts))
    plain = [[cue.regex] for cue in _text_cues()]
    rewritten = [literal_first(cue.regex.pattern) for cue in _text_cues()]
    start = time.perf_counter()
    n_plain = match_all(text, plain)
    plain_time = time.perf_counter() - start
    start = time.perf_counter()
    n_rewritten = match_all(text, rewritten)
    rewritten_time = time.perf_counter() - start
    print(f"cue matching, plain regexes: {plain_time:6.2f} s ({n_plain:,} matches); "
          f"literal-first rewrite: {rewritten_time:6.2f} s ({n_rewritten:,} matches); "
          f"plain / rewrite: {plain_time / rewritten_time:.2f}x; {load_note()}")

    start = time.perf_counter()
    edges = reply_exchanges(corpus, roles=roles)
    exchanges = time.perf_counter() - start
    start = time.perf_counter()
    pseudonymise(corpus, key="bench")
    private = time.perf_counter() - start
    print(f"reply_exchanges (roles only): {exchanges:6.2f} s  {len(edges):,} edges; "
          f"pseudonymise: {private:6.2f} s; {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
