"""Benchmark: reading deeply nested HTML and cutting reply cycles stays linear.

    PYTHONPATH=. python benchmarks/bench_nesting.py            # depth 1k..64k, cycles 16k/64k
    PYTHONPATH=. python benchmarks/bench_nesting.py --quick    # depth 1k/4k, cycles 4k/16k
    PYTHONPATH=. python benchmarks/bench_nesting.py --only flat  # the flat-comments series

Two measurements, each against a baseline of the same size in the same run, with the time
per element printed so that linearity is visible (a constant per-element time as the size
grows 4x at a time):

- nesting: a saved WordPress page whose one comment holds ``depth`` nested ``<span>``
  elements, read by ``read_html_page``; and the same markup through ``html_to_text``
  (the path every export reader uses). Baseline: the same number of spans side by side
  (flat), so the ratio is the cost of depth alone. The text at the bottom must come out
  (checked: nothing is lost at any depth).
- nested replies: a page whose ``depth`` comments each reply to the one before (``ol.children``
  inside ``li.comment``, as WordPress nests them), against the same comments side by side.
- flat comments: a page of ``n`` comments side by side (1k/4k/16k/64k), with the wall-clock
  and the CPU time per comment and each size's ratio to the 1k page; a constant ratio is
  linear time. CPU time (``time.process_time``) is what to read on a shared machine: other
  jobs stretch the wall clock unevenly between sizes, not the CPU time this process uses.
- cycles: ``Corpus.from_records`` over ``n`` comments of one post whose parent links form
  n/2 two-comment cycles (each cut and flagged), against an acyclic reply chain of the same
  length (the baseline).

The machine is shared: the 1- and 5-minute load averages are printed beside every ratio.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from msdiscourse.corpus import Corpus
from msdiscourse.io._html_text import html_to_text
from msdiscourse.io.html_page import read_html_page


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def _best(function, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def _inner(depth: int, nested: bool) -> str:
    if nested:
        return "<span>" * depth + "bottom text" + "</span>" * depth
    return "<span>x</span>" * depth + "bottom text"


def _page(inner: str) -> str:
    return ('<html><body><article id="post-7"><h1 class="entry-title">Deep</h1>'
            '<div class="entry-content"><p>Body.</p></div></article>'
            '<ol class="comment-list"><li id="comment-1" class="comment"><b class="fn">Ann</b>'
            f'<div class="comment-content"><p>{inner}</p></div></li></ol></body></html>')


def bench_depth(depths: list[int]) -> None:
    print("nesting depth: read_html_page and html_to_text, nested vs flat spans")
    print(f"{'depth':>7} {'what':>15} {'nested s':>9} {'flat s':>8} {'µs/elem':>8} {'ratio':>6}")
    for depth in depths:
        repeats = 3 if depth <= 4096 else 1
        for what in ("read_html_page", "html_to_text"):
            nested, flat = _inner(depth, True), _inner(depth, False)
            if what == "read_html_page":
                def run(markup):
                    corpus = read_html_page(io.StringIO(_page(markup)), on_error="collect")
                    assert corpus.comments["text"].iloc[0].endswith("bottom text"), "text lost"
            else:
                def run(markup):
                    assert html_to_text(markup).endswith("bottom text"), "text lost"
            deep_s = _best(lambda: run(nested), repeats)
            flat_s = _best(lambda: run(flat), repeats)
            print(f"{depth:>7} {what:>15} {deep_s:>9.3f} {flat_s:>8.3f} "
                  f"{deep_s / depth * 1e6:>8.1f} {deep_s / flat_s:>6.2f}  ({_load()})")


def _replies(n: int, nested: bool) -> str:
    html = ""
    for k in range(n, 0, -1):
        one = (f'<li id="comment-{k}" class="comment"><b class="fn">P{k % 7}</b>'
               f'<div class="comment-content"><p>Reply {k}.</p></div>')
        if nested:
            html = one + (f'<ol class="children">{html}</ol>' if html else "") + "</li>"
        else:
            html = one + "</li>" + html
    return html


def bench_replies(sizes: list[int]) -> None:
    print("\nnested replies: read_html_page, a reply chain vs the same comments side by side")
    print(f"{'comments':>8} {'nested s':>9} {'flat s':>8} {'µs/comment':>10} {'ratio':>6}")
    for n in sizes:
        head, _, _ = _page("").partition('<ol class="comment-list">')
        nested, flat = (f'{head}<ol class="comment-list">{_replies(n, deep)}</ol></body></html>'
                        for deep in (True, False))

        def run(page, deepest):
            corpus = read_html_page(io.StringIO(page))
            assert len(corpus.comments) == n and corpus.comments["depth"].max() == deepest

        nested_s = _best(lambda: run(nested, n - 1), 1)
        flat_s = _best(lambda: run(flat, 0), 1)
        print(f"{n:>8} {nested_s:>9.3f} {flat_s:>8.3f} {nested_s / n * 1e6:>10.1f} "
              f"{nested_s / flat_s:>6.2f}  ({_load()})")


def _flat_page(n: int) -> str:
    head, _, _ = _page("").partition('<ol class="comment-list">')
    return f'{head}<ol class="comment-list">{_replies(n, False)}</ol></body></html>'


def bench_flat(sizes: list[int]) -> None:
    print("\nflat comments: read_html_page on n comments side by side, per comment and vs 1k")
    print(f"{'comments':>8} {'wall s':>8} {'cpu s':>8} {'µs/comment':>10} {'cpu µs/c':>9} "
          f"{'wall ratio':>10} {'cpu ratio':>9}")
    read_html_page(io.StringIO(_flat_page(64)))  # imports and caches warm before the 1k baseline
    base: tuple[float, float] | None = None
    for n in sizes:
        page = _flat_page(n)
        best_wall = best_cpu = float("inf")
        for _ in range(3 if n <= 4096 else 1):
            wall, cpu = time.perf_counter(), time.process_time()
            corpus = read_html_page(io.StringIO(page))
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        comments = corpus.comments
        assert len(comments) == n and comments["text"].iloc[-1] == f"Reply {n}.", "text lost"
        assert comments["depth"].max() == 0 and comments["parent_id"].isna().all()
        per_wall, per_cpu = best_wall / n, best_cpu / n
        base = base or (per_wall, per_cpu)
        print(f"{n:>8} {best_wall:>8.3f} {best_cpu:>8.3f} {per_wall * 1e6:>10.1f} "
              f"{per_cpu * 1e6:>9.1f} {per_wall / base[0]:>10.2f} {per_cpu / base[1]:>9.2f}"
              f"  ({_load()})")


def _comments(n: int, cycles: bool) -> list[dict]:
    rows = []
    for i in range(n):
        if cycles:
            parent = f"c{i + 1}" if i % 2 == 0 else f"c{i - 1}"
        else:
            parent = f"c{i - 1}" if i else None
        rows.append({"comment_id": f"c{i}", "post_id": "p", "parent_id": parent, "text": "x"})
    return rows


def bench_cycles(sizes: list[int]) -> None:
    print("\ncycle repair: Corpus.from_records, 2-cycles vs an acyclic chain")
    print(f"{'comments':>8} {'cycles s':>9} {'chain s':>8} {'µs/comment':>10} {'ratio':>6}")
    for n in sizes:
        cyclic, chain = _comments(n, True), _comments(n, False)

        def build(rows):
            return Corpus.from_records(posts=[{"post_id": "p"}], comments=rows)

        cycles_s = _best(lambda: build(cyclic), 2)
        chain_s = _best(lambda: build(chain), 2)
        flagged = int((build(cyclic).comments["flags"] == "cycle").sum())
        assert flagged == n // 2, f"expected {n // 2} cuts, got {flagged}"
        print(f"{n:>8} {cycles_s:>9.3f} {chain_s:>8.3f} {cycles_s / n * 1e6:>10.1f} "
              f"{cycles_s / chain_s:>6.2f}  ({_load()})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    parser.add_argument("--only", choices=["depth", "replies", "flat", "cycles"],
                        help="run one series only")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {_load()}")
    run = {"depth": lambda: bench_depth([1024, 4096] if args.quick else [1024, 4096, 16384, 65536]),
           "replies": lambda: bench_replies([256, 1024] if args.quick else [1024, 4096, 16384]),
           "flat": lambda: bench_flat([1024, 4096] if args.quick else [1024, 4096, 16384, 65536]),
           "cycles": lambda: bench_cycles([4096, 16384] if args.quick else [16384, 65536])}
    for name, series in run.items():
        if args.only in (None, name):
            series()


if __name__ == "__main__":
    main()
