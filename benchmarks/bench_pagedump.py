"""Benchmark the page-dump reader against reading the same files and splitting their lines.

Generates a synthetic folder of page dumps (realistic thread trees written with
``write_pagedump_folder``) under ``benchmarks/_data/``, then measures, each in a fresh
process so peak memory is the measurement's own:

* baseline: read every file (UTF-8) and ``str.splitlines()`` it;
* ``read_corpus(folder)``: sniff, parse and concatenate every page into one corpus;

and prints MB/s for both, the ratio, and each one's peak memory relative to the input
size (the growth of ``ru_maxrss``, the process's peak resident memory). Then the same
for one big page (``--single-mb``, default 50 MB: a single post with about 350,000
comments), where the reader's peak memory for one file shows, the same page with its
newlines replaced by spaces (one 50 MB line: a reader that copies a line shows it), and
a last run of the big page under
``tracemalloc`` that splits that peak into Python's heap and Arrow's memory pool
(``--no-trace`` skips it). Aims: the reader within 8x of the baseline, peak memory
under 5x the input. The load average of the (shared) machine is printed beside every
ratio.

    .venv/bin/python benchmarks/bench_pagedump.py            # 100 MB (generated once, then reused)
    .venv/bin/python benchmarks/bench_pagedump.py --quick    # 1 MB smoke run
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"

WORDS = (
    "the a of and to in is that it for on with as was this are be have not but by they we you "
    "I my your their MS relapse relapses neuro neurologist MRI lesions lesion stem cells cell "
    "trial trials drug drugs treatment therapy ocrelizumab alemtuzumab tecfidera HSCT EBV B T "
    "immune system myelin repair progression progressive disability EDSS walking fatigue pain "
    "study studies data mice mouse EAE researchers patients people blog post comment question "
    "answer evidence risk benefit side effects infection dose doses year years months week "
    "why how what when really just very more less never always maybe perhaps actually clearly "
    "“miracle” “cure” ‘experts’ isn’t doesn’t can’t won’t don’t it’s you’re we’re …"
).split()
NAMES = ["MyelinMaven", "ProfMyelin", "LabRat", "Spoonie Sam", "Wendy W", "Bernard T", "Hamish",
         "CuriousCat", "NeuroNed", "Anon", "Grace", "José", "Mags", "Tired Tim", "Maria Novak"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 24))
    words[0] = words[0][:1].upper() + words[0][1:]
    end = rng.choices([".", "?", "!", "…", ". /s"], weights=[80, 10, 5, 4, 1])[0]
    return " ".join(words) + end


def _paragraph(rng: random.Random, lines: int) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(1, 4))]
    if lines > 1 and len(sentences) > 1:  # a line break inside a paragraph, as in real dumps
        return " ".join(sentences[:1]) + "\n" + " ".join(sentences[1:])
    return " ".join(sentences)


def _page(rng: random.Random, number: int) -> tuple[dict, list[dict]]:
    post_id = f"bench-{number:06d}"
    post = {
        "post_id": post_id,
        "title": " ".join(rng.choices(WORDS, k=rng.randint(3, 9))).capitalize(),
        "tags": ["MSresearch"] + rng.sample(["stem cells", "EBV", "DMTs", "diet", "MRI", "trials"], 2),
        "body": "\n\n".join(_paragraph(rng, rng.randint(1, 2)) for _ in range(rng.randint(4, 10))),
        "author": rng.choice(["MyelinMaven", "ProfMyelin", "LabRat", None]),
    }
    comments, latest = [], {}
    depth = -1
    for position in range(1, rng.randint(5, 60) + 1):
        depth = 0 if depth < 0 else rng.choices([0, depth, depth + 1], weights=[40, 25, 35])[0]
        depth = min(depth, 9)
        comment_id = f"{post_id}.c{position}"
        comments.append({
            "comment_id": comment_id, "post_id": post_id,
            "parent_id": latest.get(depth - 1) if depth else None,
            "author": rng.choice(NAMES) if rng.random() < 0.35 else None,
            "text": "\n\n".join(_paragraph(rng, rng.randint(1, 2)) for _ in range(rng.choice([1, 1, 1, 2, 3, 5]))),
        })
        latest[depth] = comment_id
    return post, comments


def generate(folder: Path, size_mb: float, seed: int = 0) -> list[Path]:
    """Write pages into ``folder`` until they add up to ``size_mb`` megabytes (reused if done)."""
    from msdiscourse.corpus import Corpus
    from msdiscourse.io.pagedump import write_pagedump_folder

    marker = folder / "_complete.json"
    if marker.exists() and json.loads(marker.read_text())["size_mb"] == size_mb:
        return sorted(folder.glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    rng = random.Random(seed)
    written, number, target = 0, 0, size_mb * 1e6
    while written < target:
        posts, comments = [], []
        for _ in range(100 if size_mb >= 10 else 20):
            post, post_comments = _page(rng, number)
            number += 1
            posts.append(post)
            comments += post_comments
        paths = write_pagedump_folder(Corpus.from_records(posts=posts, comments=comments), folder)
        written += sum(p.stat().st_size for p in paths)
    marker.write_text(json.dumps({"size_mb": size_mb, "files": number, "bytes": written}))
    return sorted(folder.glob("*.txt"))


def generate_single(path: Path, size_mb: float, seed: int = 0) -> Path:
    """One page of ``size_mb`` megabytes: a post and a long, deep comment thread."""
    marker = path.with_suffix(".json")
    if path.exists() and marker.exists() and json.loads(marker.read_text())["size_mb"] == size_mb:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    target, written, depth = size_mb * 1e6, 0, -1
    with path.open("w", encoding="utf-8", newline="\n") as out:
        head = "One big thread\n\n#MSresearch\n\n" + _paragraph(rng, 2) + "\n\n"
        out.write(head)
        written += len(head.encode("utf-8"))
        while written < target:
            depth = 0 if depth < 0 else min(9, rng.choices([0, depth, depth + 1], weights=[40, 25, 35])[0])
            bullet = " " * (2 + 2 * depth)
            lines = [f"{bullet}• {_sentence(rng)}"]
            if rng.random() < 0.3:
                lines.append(f"{bullet}  {_sentence(rng)}")
            if rng.random() < 0.35:
                lines.append(f"{bullet}  – {rng.choice(NAMES)}")
            block = "\n".join(lines) + "\n\n"
            out.write(block)
            written += len(block.encode("utf-8"))
        out.write("By Ann Example\n")
    marker.write_text(json.dumps({"size_mb": size_mb}))
    return path


def _load() -> str:
    import os

    try:
        return f"load average {os.getloadavg()[0]:.2f}"
    except OSError:
        return "load average unavailable"


def generate_one_line(page: Path, path: Path) -> Path:
    """``page`` with its newlines replaced by spaces: one line (a dump whose newlines were
    lost), where a reader that copies a line shows it at once."""
    if path.exists() and path.stat().st_size == page.stat().st_size:
        return path
    partial = path.with_suffix(".partial")
    partial.write_bytes(page.read_bytes().replace(b"\n", b" "))
    partial.replace(path)
    return path


def _measure(kind: str, folder: str) -> dict:
    """Run one measurement in this (fresh) process; return seconds and peak RSS growth."""
    import psutil

    process = psutil.Process()
    import io

    from msdiscourse.io.folder import read_corpus
    from msdiscourse.io.pagedump import read_pagedump

    # warm up: load pandas' and pyarrow's lazy parts, so neither time nor memory counts imports
    read_pagedump(io.StringIO("Warm up\n\nBody.\n\n  • A comment.\n    – Ann\n")).summary()

    files = sorted(Path(folder).glob("*.txt")) if Path(folder).is_dir() else [Path(folder)]
    if kind == "traced":  # where the memory goes: Python's heap (tracemalloc) and Arrow's pool
        import tracemalloc

        import pyarrow as pa

        tracemalloc.start()
        corpus = read_pagedump(folder) if len(files) == 1 and not Path(folder).is_dir() else read_corpus(folder)
        _, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"python_peak": python_peak, "arrow_peak": pa.default_memory_pool().max_memory(),
                "arrow_kept": pa.total_allocated_bytes(), **corpus.summary()}
    start_rss = process.memory_info().rss
    started, cpu_started = time.perf_counter(), time.process_time()
    if kind == "baseline":
        kept = []
        for path in files:
            kept.append(path.read_text(encoding="utf-8").splitlines())
        result = {"lines": sum(len(k) for k in kept)}
    elif Path(folder).is_dir():
        corpus = read_corpus(folder)
        result = corpus.summary()
    else:
        corpus = read_pagedump(folder)
        result = corpus.summary()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    # ru_maxrss is the peak of the whole process (KiB on Linux)
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_growth": peak - start_rss, **result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=100.0, help="size of the page folder (default 100)")
    parser.add_argument("--quick", action="store_true", help="a 1 MB smoke run")
    parser.add_argument("--single-mb", type=float, default=50.0,
                        help="size of the one-big-page run (default 50; 0 skips it)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=DATA,
                        help="where generated pages go (default: benchmarks/_data, git-ignored)")
    parser.add_argument("--no-trace", action="store_true",
                        help="skip the one-big-page tracemalloc run (Python heap and Arrow pool peaks)")
    parser.add_argument("--measure", choices=("baseline", "reader", "traced"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # child process
        print(json.dumps(_measure(args.measure, args.folder)))
        return 0

    size_mb = 1.0 if args.quick else args.size_mb
    folder = args.data_dir / f"pagedump-{size_mb:g}MB"
    started = time.perf_counter()
    files = generate(folder, size_mb, args.seed)
    input_bytes = sum(p.stat().st_size for p in files)
    print(f"input: {len(files)} pages, {input_bytes / 1e6:.1f} MB in {folder} "
          f"(ready in {time.perf_counter() - started:.1f} s)")

    def run(kind: str, target: Path) -> dict:
        done = subprocess.run([sys.executable, __file__, "--measure", kind, "--folder", str(target)],
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def report(name: str, target: Path, size: int) -> None:
        load_before = _load()
        baseline, reader = run("baseline", target), run("reader", target)
        mb = size / 1e6
        for label, figures in (("baseline (read + splitlines)", baseline), (name, reader)):
            print(f"{label:30s} {figures['seconds']:7.2f} s wall {mb / figures['seconds']:7.1f} MB/s | "
                  f"{figures['cpu_seconds']:7.2f} s CPU {mb / figures['cpu_seconds']:7.1f} MB/s | "
                  f"peak memory {figures['peak_growth'] / size:5.2f}x input")
        print(f"{name}: {reader['posts']} posts, {reader['comments']} comments, "
              f"max depth {reader['max_depth']}, {reader['unparsed']} unparsed")
        print(f"ratio: {name} takes {reader['seconds'] / baseline['seconds']:.1f}x the baseline's wall time, "
              f"{reader['cpu_seconds'] / baseline['cpu_seconds']:.1f}x its CPU time (aim < 8x); "
              f"peak memory {reader['peak_growth'] / size:.2f}x input (aim < 5x); "
              f"{load_before} before, {_load()} after", flush=True)

    report("read_corpus", folder, input_bytes)
    single_mb = 0.5 if args.quick else args.single_mb
    if single_mb > 0:
        started = time.perf_counter()
        page = generate_single(args.data_dir / f"pagedump-single-{single_mb:g}MB" / "one-big-page.txt",
                               single_mb, args.seed)
        size = page.stat().st_size
        print(f"\ninput: one page, {size / 1e6:.1f} MB in {page} "
              f"(ready in {time.perf_counter() - started:.1f} s)")
        report("read_pagedump (one file)", page, size)
        line = generate_one_line(page, args.data_dir / f"oneline-page-{single_mb:g}MB.txt")
        print(f"\ninput: the same page as one line, {size / 1e6:.1f} MB in {line}")
        report("read_pagedump (one line)", line, size)
        if not args.no_trace:  # a slow run (tracemalloc), apart from the timed ones
            traced = run("traced", page)
            print(f"read_pagedump (one file), traced: Python heap peak {traced['python_peak'] / size:.2f}x input "
                  f"(tracemalloc), Arrow pool peak {traced['arrow_peak'] / size:.2f}x "
                  f"({traced['arrow_kept'] / size:.2f}x kept by the tables); {_load()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
