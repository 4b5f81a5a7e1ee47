"""Benchmark the streaming export readers on a synthetic ~200 MB WXR and Disqus export.

    .venv/bin/python benchmarks/bench_exports.py            # 200 MB each (a few minutes)
    .venv/bin/python benchmarks/bench_exports.py --quick    # 2 MB each, a smoke run

For each format it writes a synthetic export under ``benchmarks/_data/`` (seeded, reused
when already there), then measures, each in a fresh Python process so that peak memory is
that run's alone:

- the baseline: ``lxml.etree.iterparse`` over the same file, only counting elements
  (clearing each, so it streams too);
- the reader: ``read_wxr`` / ``read_disqus``, which builds the full corpus tables.

It prints MB/s and peak resident memory (and its growth over the interpreter with the
libraries imported), the size of the tables the reader returned, and the reader/baseline
ratios.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"

WORDS = ("ms relapse fatigue trial neurologist vitamin myelin lesion mri ocrelizumab "
         "the a and of to in it is that was for on with as i you we they not but really "
         "so sure great maybe evidence study placebo patients dose risk side effects "
         "walking cognition heat pain hope hype stem cells ahsct diet exercise").split()
AUTHORS = ["Mary (pwMS)", "Dr Jones", "Prof G", "Tom", "Sceptic Sue", "Ann", "Ray", "Jo", "Lou",
           "Zoë", "Anonymous", "Ben’s wife"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".?!")


def _html_comment(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            text = text.replace(" really ", " <em>really</em> ", 1)
        if rng.random() < 0.2:
            text += ' See <a href="https://example.org/study" rel="nofollow">the study</a>.'
        paragraphs.append(text)
    if rng.random() < 0.5:
        return "\n\n".join(paragraphs)  # WordPress: the text as typed
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_wxr(path: Path, target_bytes: int, seed: int = 1) -> None:
    """Write a WXR 1.2 export of about ``target_bytes``: posts with threaded comments."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"\n'
                  ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
                  ' xmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
                  ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
                  ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
                  "<title>Synthetic MS blog</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n")
        post_id = comment_id = 0
        while out.tell() < target_bytes:
            post_id += 1
            parts = [f"\t<item>\n\t\t<title>{_sentence(rng)}</title>\n"
                     f"\t\t<dc:creator>{_cdata('prof_g')}</dc:creator>\n"
                     f'\t\t<category domain="category" nicename="research">{_cdata("Research")}</category>\n'
                     f"\t\t<content:encoded>{_cdata(_html_comment(rng))}</content:encoded>\n"
                     f"\t\t<wp:post_id>{post_id}</wp:post_id>\n"
                     f"\t\t<wp:post_date_gmt>2015-01-01 10:00:00</wp:post_date_gmt>\n"
                     f"\t\t<wp:status>publish</wp:status>\n\t\t<wp:post_type>post</wp:post_type>\n"]
            ids: list[int] = []
            for index in range(rng.randint(5, 80)):
                comment_id += 1
                parent = rng.choice(ids) if ids and rng.random() < 0.6 else 0
                ids.append(comment_id)
                kind = "pingback" if rng.random() < 0.03 else ""
                approved = rng.choices(["1", "0", "spam", "trash"], [90, 4, 4, 2])[0]
                parts.append(
                    "\t\t<wp:comment>\n"
                    f"\t\t\t<wp:comment_id>{comment_id}</wp:comment_id>\n"
                    f"\t\t\t<wp:comment_author>{_cdata(rng.choice(AUTHORS))}</wp:comment_author>\n"
                    f"\t\t\t<wp:comment_author_email>someone@example.org</wp:comment_author_email>\n"
                    f"\t\t\t<wp:comment_date_gmt>2015-01-{1 + index % 28:02d} "
                    f"{index % 24:02d}:{rng.randint(0, 59):02d}:00</wp:comment_date_gmt>\n"
                    f"\t\t\t<wp:comment_content>{_cdata(_html_comment(rng))}</wp:comment_content>\n"
                    f"\t\t\t<wp:comment_approved>{approved}</wp:comment_approved>\n"
                    f"\t\t\t<wp:comment_type>{kind}</wp:comment_type>\n"
                    f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
                    "\t\t</wp:comment>\n")
            parts.append("\t</item>\n")
            out.write("".join(parts))
        out.write("</channel>\n</rss>\n")


def write_disqus(path: Path, target_bytes: int, seed: int = 2) -> None:
    """Write a Disqus export of about ``target_bytes``, posts shuffled within blocks."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        thread_id = post_id = 0
        while out.tell() < target_bytes:
            block = []
            for _ in range(20):
                thread_id += 1
                block.append(
                    f'  <thread dsq:id="t{thread_id}">\n    <id>page-{thread_id}</id>\n'
                    f"    <link>https://ms-blog.example.org/{thread_id}/</link>\n"
                    f"    <title>{_sentence(rng)}</title>\n"
                    f"    <createdAt>2016-02-01T10:00:00Z</createdAt>\n"
                    f"    <author><name>Prof G</name></author>\n  </thread>\n")
                ids: list[int] = []
                for index in range(rng.randint(5, 80)):
                    post_id += 1
                    parent = (f'    <parent dsq:id="{rng.choice(ids)}" />\n'
                              if ids and rng.random() < 0.6 else "")
                    ids.append(post_id)
                    deleted = "true" if rng.random() < 0.03 else "false"
                    spam = "true" if rng.random() < 0.03 else "false"
                    block.append(
                        f'  <post dsq:id="{post_id}">\n'
                        f"    <message>{_cdata(_html_comment(rng))}</message>\n"
                        f"    <createdAt>2016-02-{1 + index % 28:02d}T{index % 24:02d}:"
                        f"{rng.randint(0, 59):02d}:00Z</createdAt>\n"
                        f"    <isDeleted>{deleted}</isDeleted>\n    <isSpam>{spam}</isSpam>\n"
                        f"    <author><name>{rng.choice(AUTHORS)}</name>"
                        f"<isAnonymous>false</isAnonymous></author>\n"
                        f'    <thread dsq:id="t{thread_id}" />\n{parent}  </post>\n')
            rng.shuffle(block)  # "in any order": replies before parents, posts before threads
            out.write("".join(block))
        out.write("</disqus>\n")


def _measure(what: str, path: str) -> None:
    """Child process: time one run over ``path`` and print a JSON line."""
    from lxml import etree

    import msdiscourse

    rss_imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if what == "baseline":
        count = 0
        for _, element in etree.iterparse(path, events=("end",)):
            count += 1
            element.clear()
        result = {"elements": count}
    else:
        reader = {"wxr": msdiscourse.read_wxr, "disqus": msdiscourse.read_disqus}[what]
        corpus = reader(path)
        tables = (corpus.posts, corpus.comments, corpus.unparsed)
        result = {"posts": len(corpus.posts), "comments": len(corpus.comments),
                  "unparsed": len(corpus.unparsed),
                  "tables_MB": round(sum(t.memory_usage(deep=True).sum() for t in tables) / 2**20)}
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**result, "seconds": seconds, "peak_kb": peak,
                      "growth_kb": peak - rss_imported}))


def _run(what: str, path: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--measure", what, str(path)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200.0,
                        help="size of each synthetic export in MB (default 200)")
    parser.add_argument("--quick", action="store_true", help="2 MB each: a smoke run")
    parser.add_argument("--formats", nargs="+", default=["wxr", "disqus"], choices=["wxr", "disqus"])
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure(*args.measure)
        return 0
    size_mb = 2.0 if args.quick else args.size_mb
    DATA.mkdir(parents=True, exist_ok=True)
    writers = {"wxr": write_wxr, "disqus": write_disqus}
    print(f"{'format':8} {'run':9} {'MB':>7} {'s':>7} {'MB/s':>7} {'peak MB':>8} {'growth MB':>9}  output")
    for fmt in args.formats:
        path = DATA / f"synthetic-{fmt}-{size_mb:g}MB.xml"
        if not path.exists():
            writers[fmt](path, int(size_mb * 1_000_000))
        megabytes = path.stat().st_size / 1_000_000
        runs = {"baseline": _run("baseline", path), "reader": _run(fmt, path)}
        for name, run in runs.items():
            output = ", ".join(f"{k}={v}" for k, v in run.items()
                               if k not in ("seconds", "peak_kb", "growth_kb"))
            print(f"{fmt:8} {name:9} {megabytes:7.1f} {run['seconds']:7.2f} "
                  f"{megabytes / run['seconds']:7.1f} {run['peak_kb'] / 1024:8.0f} "
                  f"{run['growth_kb'] / 1024:9.0f}  {output}")
        base, ours = runs["baseline"], runs["reader"]
        print(f"{fmt:8} ratio     reader/baseline: time x{ours['seconds'] / base['seconds']:.1f}, "
              f"peak memory x{ours['peak_kb'] / base['peak_kb']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
