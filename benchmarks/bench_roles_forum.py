"""Judge assign_roles per author on a real patient-and-carer forum and on the real blog pages.

    python benchmarks/bench_roles_forum.py               # cues alone, all threads + halves
    python benchmarks/bench_roles_forum.py --infer       # also the inferred second stage

The forum set is ``../shared/corpus/threads/alsforums/alsforums-threads.csv`` (an ALS/MND
forum; every author declared on their profile whether they are a patient or a carer). It
is read with the library's own :func:`msdiscourse.read_comments_table`
(``first_row_is_post=True``: the opening message is the post, the replies its comments).
The declared role (``user_reason_joined``) is the gold label: it is read separately from
the raw file and dropped from the corpus before :func:`assign_roles` sees it.

The threads are split in two halves by a hash of the thread id. The first four passes of
cues were developed looking at the ``dev`` half ("half A") only; the fifth pass was written
reading the ``held-out`` half ("half B"), so half A is where its cues are judged out of
sample, and no half is untouched any more. Each half is judged as a corpus of its own (an
author's evidence from the other half is not used).

The real blog pages are judged against the roles read there by hand (the comment ids and
roles below; no page text is kept here).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import msdiscourse as msd  # noqa: E402
import msdiscourse.roles  # noqa: E402,F401
from msdiscourse.corpus import Corpus  # noqa: E402
from msdiscourse.roles import author_key  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "corpus"
FORUM = SHARED / "threads" / "alsforums" / "alsforums-threads.csv"
BLOG_PAGES = SHARED / "blog-pages"
GOLD_COLUMN = "user_reason_joined"

#: the forum's profile declarations, as roles
DECLARED_ROLES = {
    "PALS": "patient", "DX MND": "patient", "DX UMND/PLS": "patient",
    "CALS": "relative", "Loved one DX": "relative", "Lost a loved one": "relative",
    "Friend was DX": "other", "Other": "other",
}

#: the blog pages, read by hand: comment -> role of its author (every disclosing author)
BLOG_GOLD = {
    "000_cbe15b06e01714f3.c2": "researcher",
    "000_cbe15b06e01714f3.c3": "patient",
    "000_cbe15b06e01714f3.c5": "patient",
    "000_cbe15b06e01714f3.c6": "researcher",
    "000_cbe15b06e01714f3.c11": "relative",
    "000_cbe15b06e01714f3.c12": "researcher",
    "004_3a7139fdbb8cb79e.c1": "patient",
    "004_3a7139fdbb8cb79e.c2": "other",
    "004_3a7139fdbb8cb79e.c4": "other",
}


def read_forum(path: Path = FORUM) -> tuple[Corpus, pd.DataFrame]:
    """The forum as a corpus without the gold column, and the gold table (author, role)."""
    corpus = msd.read_comments_table(
        path, first_row_is_post=True,
        columns={"id": None, "parent": None, "post": "post_id", "author": "user_name",
                 "text": "body", "date": "date"})
    # the declared role must never be an input: it leaves the corpus here
    corpus = corpus.replace(comments=corpus.comments.drop(columns=[GOLD_COLUMN]))
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [(r["post_id"], r["user_name"], r[GOLD_COLUMN]) for r in csv.DictReader(handle)]
    gold = pd.DataFrame(
        [{"author": author, "role": DECLARED_ROLES[label], "post_id": post}
         for post, author, label in rows if label in DECLARED_ROLES])
    return corpus, gold.drop_duplicates(["author", "role", "post_id"])


def half_of(post_id: str) -> str:
    """``dev`` or ``held-out``: a stable split of the threads by a hash of their id."""
    digest = hashlib.sha256(str(post_id).encode()).digest()[0]
    return "dev" if digest % 2 == 0 else "held-out"


def subset(corpus: Corpus, post_ids: set[str]) -> Corpus:
    """The threads in ``post_ids`` only."""
    return corpus.replace(posts=corpus.posts[corpus.posts["post_id"].isin(post_ids)],
                          comments=corpus.comments[corpus.comments["post_id"].isin(post_ids)]
                          .reset_index(drop=True))


def predicted_roles(corpus: Corpus, *, only_inferred: bool = False, **options) -> pd.DataFrame:
    """Comment and post rows of one assign_roles/post_roles run, for per-author judging."""
    roles = msd.assign_roles(corpus, blog_is_research=False, **options)
    posts = msd.post_roles(corpus, blog_is_research=False, **options)
    both = pd.concat([roles[["author", "role", "confidence", "source"]],
                      posts[["author", "role", "confidence", "source"]]], ignore_index=True)
    if only_inferred:  # everything else counts as unknown: judge the inferred rows alone
        both.loc[both["source"] != "inferred", "role"] = "unknown"
    return both


def forum_tables(corpus: Corpus, gold: pd.DataFrame, **options) -> dict[str, pd.DataFrame]:
    """The evaluation table for all threads and for each half."""
    tables = {"all threads": msd.evaluate_roles(predicted_roles(corpus, **options),
                                                gold[["author", "role"]])}
    halves = corpus.posts["post_id"].map(half_of)
    for half in ("dev", "held-out"):
        ids = set(corpus.posts.loc[halves == half, "post_id"])
        part = subset(corpus, ids)
        tables[half] = msd.evaluate_roles(predicted_roles(part, **options),
                                          gold.loc[gold["post_id"].isin(ids), ["author", "role"]])
    return tables


def cross_validated_inference(corpus: Corpus, gold: pd.DataFrame, *, folds: int = 5,
                              seed: int = 0) -> dict[str, float]:
    """Precision of the inferred stage on authors whose evidence is hidden, fold by fold.

    The authors the cues decided are split into ``folds`` groups; for each, their
    decisions are set back to unknown, the stage is trained on the other groups' authors
    (exactly as ``assign_roles(infer=True)`` trains) and its proposals at the default
    threshold are compared with the declared roles.
    """
    import random

    from msdiscourse import roles as roles_module

    decisions, units = roles_module._decisions(corpus, None, None, False)
    decided = sorted(k for (kind, k), d in decisions.items()
                     if kind == "author" and d["role"] != "unknown")
    random.Random(seed).shuffle(decided)
    accepted = gold.assign(key=gold["author"].map(author_key)).groupby("key")["role"].agg(set)
    proposed = right = 0
    for fold in range(folds):
        hidden = set(decided[fold::folds])
        trial = {g: (dict(roles_module._UNKNOWN) if g[0] == "author" and g[1] in hidden else d)
                 for g, d in decisions.items()}
        roles_module._infer(trial, units, threshold=roles_module.INFER_THRESHOLD)
        for key in hidden:
            decision = trial[("author", key)]
            if decision["source"] == "inferred" and key in accepted.index:
                proposed += 1
                right += decision["role"] in accepted[key]
    return {"hidden": len(decided), "proposed": proposed, "right": right,
            "precision": right / proposed if proposed else float("nan")}


def _person(author, comment_id) -> str:
    """A named author, or the comment itself for a placeholder name (not one person)."""
    return author if author_key(author) else f"comment {comment_id}"


def blog_table() -> pd.DataFrame:
    """Per author (per comment for unsigned ones) on the real blog pages."""
    corpus = msd.read_corpus(BLOG_PAGES)
    roles = msd.assign_roles(corpus)
    authors = dict(zip(roles["comment_id"], roles["author"]))
    predicted = pd.DataFrame({"author": [_person(a, c) for c, a in authors.items()],
                              "role": roles["role"], "confidence": roles["confidence"]})
    gold = pd.DataFrame([{"author": _person(authors[c], c), "role": r}
                         for c, r in BLOG_GOLD.items()])
    return msd.evaluate_roles(predicted, gold)


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def show(title: str, table: pd.DataFrame) -> None:
    columns = ["role", "n_authors", "n_predicted", "n_correct", "n_unknown", "precision",
               "recall", "as_researcher", "as_patient", "as_relative", "as_other"]
    print(f"\n{title}")
    print(table[columns].to_string(index=False, float_format=lambda v: f"{v:.2f}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--infer", action="store_true", help="also run the inferred stage")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    corpus, gold = read_forum()
    print(f"forum set: {len(corpus.posts)} threads, {len(corpus.comments)} replies, "
          f"{gold['author'].nunique()} authors with a declared role; {load_note()}")
    for title, table in forum_tables(corpus, gold).items():
        show(f"forum, cues alone, {title}", table)
    if args.infer:
        for title, table in forum_tables(corpus, gold, infer=True).items():
            show(f"forum, cues + inferred, {title}", table)
        for title, table in forum_tables(corpus, gold, infer=True, only_inferred=True).items():
            show(f"forum, the inferred rows alone (threshold {msd.roles.INFER_THRESHOLD}), "
                 f"{title}", table)
        cv = cross_validated_inference(corpus, gold)
        print(f"\ninferred stage, 5-fold cross-validation over the {cv['hidden']} authors the "
              f"cues decided (evidence hidden fold by fold): {cv['proposed']} proposed at "
              f"probability >= {msd.roles.INFER_THRESHOLD}, {cv['right']} right by the declared "
              f"role: precision {cv['precision']:.2f}")
    if BLOG_PAGES.exists():
        show("real blog pages (hand-read disclosures)", blog_table())
    print(f"\n{time.perf_counter() - start:.1f} s; {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
