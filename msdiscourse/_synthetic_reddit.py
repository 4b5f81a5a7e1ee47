"""A seeded synthetic Reddit dump: monthly RS_/RC_ files shaped like the real ones.

For tests and benchmarks only (no real text): submissions and comments with realistic
lengths, wide and deep threads, deleted authors and removed bodies, author flair, and
replies that arrive in later months' files than their post. The same seed writes the same
bytes.

>>> import tempfile
>>> files = write_synthetic_dump(tempfile.mkdtemp(), target_bytes=20_000, seed=1,
...                              compression=None)
>>> sorted(p.name for p in files)[:2]
['RC_2021-01.ndjson', 'RC_2021-02.ndjson']
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

__all__ = ["SUFFIXES", "write_synthetic_dump"]

SUFFIXES = {None: ".ndjson", "zst": ".zst", "gz": ".gz"}

_OPENERS = [
    "I was diagnosed with RRMS {years} years ago.", "My wife has MS and I help with her meds.",
    "I'm on Ocrevus since last spring.", "My mum was diagnosed with MS in {year}.",
    "As a neurologist I see this question a lot.", "Our lab works on remyelination.",
    "Not diagnosed yet, waiting on my MRI results.", "Long time lurker, first post.",
    "I've had MS for {years} years now.", "My husband has PPMS.",
]
_SENTENCES = [
    "Fatigue is the worst part for me.", "The heat makes everything harder.",
    "Has anyone tried vitamin D at a higher dose?", "My neuro says the lesions are stable.",
    "Oh great, another relapse. Just what I needed!!", "Thanks for sharing this, it helps.",
    "The infusion itself was easy, the waiting room was not.",
    "I walk with a cane on bad days.", "Sleep helps more than anything else I tried.",
    "Yeah, right, because stress is so easy to avoid.", "Cold showers help with the heat.",
    "The new trial results look promising.", "I'm so tired of explaining this to people.",
    "Does anyone else get numbness in their hands?", "Brain fog is real and it is awful.",
    "My insurance finally approved the treatment.", "Physio twice a week made a difference.",
    "Sure, just think positive and it goes away...", "Hang in there, it does get easier.",
    "I had my first MRI in {year} and it showed two lesions.",
]
_TITLES = [
    "Fatigue tips?", "Newly diagnosed and scared", "Infusion day", "Heat and symptoms",
    "Anyone on Kesimpta?", "Good news from my neuro", "Brain fog at work",
    "Caregiver burnout", "MRI results today", "Question about relapses",
]
_FLAIRS = ["RRMS 2019", "PPMS", "Caregiver", "Neurologist (verified)", "SPMS", "CIS", "Dx 2012"]
_SUBREDDITS = ["MultipleSclerosis", "MSsupport", "ChronicIllness"]


_FILLER = ["today", "week", "month", "again", "still", "really", "very", "mostly", "slowly", "finally", "honestly", "maybe", "usually", "morning", "evening", "night", "work", "home", "clinic", "nurse", "physio", "walk", "stairs", "sleep", "coffee", "water", "heat", "cold", "legs", "hands", "eyes", "balance", "memory", "words", "family", "friends", "dog", "garden", "bike", "pool", "scan", "dose"]


def _sentence(rng: random.Random) -> str:
    """A template sentence, most with a few words varied, so texts rarely repeat exactly."""
    sentence = rng.choice(_SENTENCES)
    if rng.random() < 0.7:
        extra = " ".join(rng.choice(_FILLER) for _ in range(rng.randint(2, 7)))
        sentence = f"{sentence[:-1]}, {extra}{sentence[-1]}"
    return sentence


def _text(rng: random.Random, n_sentences: int) -> str:
    parts = []
    if rng.random() < 0.35:
        parts.append(rng.choice(_OPENERS))
    parts.extend(_sentence(rng) for _ in range(n_sentences))
    text = " ".join(parts).format(years=rng.randint(1, 25), year=rng.randint(1995, 2020))
    if rng.random() < 0.15:
        text += "\n\n> " + rng.choice(_SENTENCES).format(years=3, year=2010)
    return text


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class _Writer:
    def __init__(self, path: Path, compression: str | None) -> None:
        self.path = path
        self.handle = open(path, "wb")
        if compression == "zst":
            import zstandard

            self.stream = zstandard.ZstdCompressor(level=3).stream_writer(self.handle)
        elif compression == "gz":
            self.stream = gzip.GzipFile(fileobj=self.handle, mode="wb", mtime=0)
        else:
            self.stream = self.handle

    def write(self, record: dict) -> int:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self.stream.write(line)
        return len(line)

    def close(self) -> None:
        if self.stream is not self.handle:
            self.stream.close()
        if not self.handle.closed:
            self.handle.close()


def write_synthetic_dump(folder, *, target_bytes: int, seed: int = 0, months: int = 3,
                         compression: str | None = "zst", start_year: int = 2021) -> list[Path]:
    """Write ``RS_YYYY-MM`` and ``RC_YYYY-MM`` files of about ``target_bytes`` uncompressed.

    Parameters
    ----------
    folder
        Where the files go (created if needed).
    target_bytes
        Stop once this many uncompressed bytes are written (a post's whole thread is
        finished first).
    seed
        Seeds everything: the same seed writes the same records.
    months
        How many monthly file pairs; a comment lands in its post's month or up to two
        months later (so replies span files).
    compression
        ``"zst"``, ``"gz"`` or ``None`` (plain NDJSON).
    start_year
        Year of the first month.

    Returns
    -------
    list of pathlib.Path
        The files written, submissions first.
    """
    if compression not in SUFFIXES:
        raise ValueError(f"compression must be one of {', '.join(map(str, SUFFIXES))}; "
                         f"got {compression!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    suffix = SUFFIXES[compression]
    labels = [f"{start_year + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    rs = [_Writer(folder / f"RS_{label}{suffix}", compression) for label in labels]
    rc = [_Writer(folder / f"RC_{label}{suffix}", compression) for label in labels]
    n_authors = max(20, target_bytes // 4000)
    authors = [f"user_{_base36(i * 7919 + 11)}" for i in range(n_authors)]
    flair = {a: rng.choice(_FLAIRS) for a in authors if rng.random() < 0.2}
    month_seconds = 30 * 86400
    start = 1609459200 + (start_year - 2021) * 365 * 86400
    written, post_n, comment_n = 0, 0, 0
    try:
        while written < target_bytes:
            month = min(months - 1, months * written // target_bytes)
            created = start + month * month_seconds + rng.randint(0, month_seconds - 1)
            post_id = _base36(1_000_000 + post_n)
            post_n += 1
            author = _pick_author(rng, authors)
            subreddit = rng.choice(_SUBREDDITS)
            selftext = _text(rng, rng.randint(2, 12)) if rng.random() < 0.85 else ""
            if rng.random() < 0.03:
                selftext = rng.choice(["[removed]", "[deleted]"])
            written += rs[month].write({
                "id": post_id, "title": rng.choice(_TITLES), "selftext": selftext,
                "author": author, "created_utc": created, "subreddit": subreddit,
                "link_flair_text": rng.choice([None, "Question", "Vent", "Research"]),
                "author_flair_text": flair.get(author), "score": rng.randint(0, 300),
                "is_self": True, "num_comments": 0})
            shape = rng.random()
            n_comments = min(300, int(rng.paretovariate(1.3) * 4)) if shape < 0.9 \
                else rng.randint(40, 120)
            ids: list[str] = []
            for _ in range(n_comments):
                comment_id = _base36(50_000_000 + comment_n)
                comment_n += 1
                if not ids or rng.random() < (0.15 if shape < 0.5 else 0.45):
                    parent = f"t3_{post_id}"
                elif shape > 0.97:  # a deep chain
                    parent = f"t1_{ids[-1]}"
                else:
                    parent = f"t1_{rng.choice(ids[-8:])}"
                delay = rng.choices((0, 1, 2), weights=(75, 18, 7))[0]
                c_month = min(months - 1, month + delay)
                if c_month == month:
                    c_created = created + rng.randint(60, 3 * 86400)
                else:
                    c_created = start + c_month * month_seconds + rng.randint(0, month_seconds - 1)
                c_author = _pick_author(rng, authors)
                body = _text(rng, rng.randint(1, 6))
                if rng.random() < 0.04:
                    body = rng.choice(["[removed]", "[deleted]"])
                written += rc[c_month].write({
                    "id": comment_id, "link_id": f"t3_{post_id}", "parent_id": parent,
                    "body": body, "author": c_author, "created_utc": c_created,
                    "subreddit": subreddit, "author_flair_text": flair.get(c_author),
                    "score": rng.randint(-5, 80)})
                ids.append(comment_id)
    finally:
        for writer in rs + rc:
            writer.close()
    return [w.path for w in rs + rc]


def _pick_author(rng: random.Random, authors: list[str]) -> str:
    if rng.random() < 0.06:
        return "[deleted]"
    # a few authors write much of the text, as on a real forum
    return authors[min(len(authors) - 1, int(rng.paretovariate(1.1)) - 1)] \
        if rng.random() < 0.5 else rng.choice(authors)
