"""The export and table readers beside their floor and beside other projects' readers.

    .venv/bin/python benchmarks/bench_peers.py            # ~20 MB exports, 200,000-row table
    .venv/bin/python benchmarks/bench_peers.py --quick    # 2 MB, 5,000 rows: a smoke run
    .venv/bin/python benchmarks/bench_peers.py --jobs wxr disqus --repeat 5

Each job reads the same file several ways, every run in a fresh Python process (so that
peak memory is that run's alone; imports are done before the clock starts):

- ``ours``: the msdiscourse reader, building the full corpus (ids, threads, cleaned text,
  typed dates, flags, unparsed rows);
- ``floor``: the least any reader must do: an ``lxml.etree.iterparse`` loop pulling the same
  fields out of each record (clearing as it goes), then one ``pd.DataFrame`` of them; for a
  table, ``pd.read_csv(dtype=str)``;
- peers, when installed (each skipped with a one-line note when absent; none of them is a
  dependency of msdiscourse): pelican's WordPress and Blogger importers
  (``pelican.tools.pelican_import.wp2fields``/``blogger2fields``, posts only), ``wpparser``
  (flat raw dicts), ConvoKit's ``Corpus(filename=...)`` loader and ``Corpus.from_pandas``.

Inputs come from ``export_data.py`` (exports that carry every field WordPress, Disqus and
Blogger write) and ``bench_pages_tables.write_table``; the ConvoKit folder is that table
written by ``msdiscourse.to_convokit``. Figures are medians over ``--repeat`` runs (3), each
ratio taken within this run; the load average is printed beside every job.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
sys.path.insert(0, str(HERE))

# -- what each run does (code run in the child, with PATH bound; `rows` = what it produced) ---
_FLOOR_WXR = """
from lxml import etree
import pandas as pd
WP = '{http://wordpress.org/export/1.2/}'
posts = {k: [] for k in ('post_id', 'title', 'link', 'creator', 'body', 'date_gmt', 'status', 'type')}
comments = {k: [] for k in ('post_id', 'comment_id', 'parent', 'author', 'date_gmt', 'content',
                            'approved', 'type')}
for _, item in etree.iterparse(PATH, events=('end',), tag='item'):
    get = item.findtext
    post_id = get(WP + 'post_id')
    for key, path in (('post_id', WP + 'post_id'), ('title', 'title'), ('link', 'link'),
                      ('creator', '{http://purl.org/dc/elements/1.1/}creator'),
                      ('body', '{http://purl.org/rss/1.0/modules/content/}encoded'),
                      ('date_gmt', WP + 'post_date_gmt'), ('status', WP + 'status'),
                      ('type', WP + 'post_type')):
        posts[key].append(get(path))
    for comment in item.iterfind(WP + 'comment'):
        cget = comment.findtext
        comments['post_id'].append(post_id)
        for key in ('comment_id', 'parent', 'author', 'date_gmt', 'content', 'approved', 'type'):
            name = 'comment_' + key
            comments[key].append(cget(WP + name))
    item.clear()
    while item.getprevious() is not None:
        del item.getparent()[0]
frames = pd.DataFrame(posts), pd.DataFrame(comments)
rows = len(frames[1])
"""

_FLOOR_DISQUS = """
from lxml import etree
import pandas as pd
NS, DSQ = '{http://disqus.com}', '{http://disqus.com/disqus-internals}id'
threads = {k: [] for k in ('dsq_id', 'link', 'title', 'created', 'author')}
posts = {k: [] for k in ('dsq_id', 'thread', 'parent', 'message', 'created', 'deleted', 'spam',
                         'author')}
for _, el in etree.iterparse(PATH, events=('end',), tag=(NS + 'thread', NS + 'post')):
    parent = el.getparent()
    if parent is None or parent.getparent() is not None:
        continue  # a <thread dsq:id/> link inside a post
    get = el.findtext
    if el.tag == NS + 'thread':
        threads['dsq_id'].append(el.get(DSQ))
        threads['link'].append(get(NS + 'link'))
        threads['title'].append(get(NS + 'title'))
        threads['created'].append(get(NS + 'createdAt'))
        threads['author'].append(get(NS + 'author/' + NS + 'name'))
    else:
        posts['dsq_id'].append(el.get(DSQ))
        link = el.find(NS + 'thread')
        posts['thread'].append(None if link is None else link.get(DSQ))
        link = el.find(NS + 'parent')
        posts['parent'].append(None if link is None else link.get(DSQ))
        posts['message'].append(get(NS + 'message'))
        posts['created'].append(get(NS + 'createdAt'))
        posts['deleted'].append(get(NS + 'isDeleted'))
        posts['spam'].append(get(NS + 'isSpam'))
        posts['author'].append(get(NS + 'author/' + NS + 'name'))
    el.clear()
    while el.getprevious() is not None:
        del parent[0]
frames = pd.DataFrame(threads), pd.DataFrame(posts)
rows = len(frames[1])
"""

_FLOOR_BLOGGER = """
from lxml import etree
import pandas as pd
A, THR = '{http://www.w3.org/2005/Atom}', '{http://purl.org/syndication/thread/1.0}'
cols = {k: [] for k in ('id', 'kind', 'title', 'content', 'published', 'author', 'post', 'related')}
for _, el in etree.iterparse(PATH, events=('end',), tag=A + 'entry'):
    get = el.findtext
    cols['id'].append(get(A + 'id'))
    kind = [c.get('term') for c in el.iterfind(A + 'category')
            if c.get('scheme') == 'http://schemas.google.com/g/2005#kind']
    cols['kind'].append(kind[0] if kind else None)
    cols['title'].append(get(A + 'title'))
    cols['content'].append(get(A + 'content'))
    cols['published'].append(get(A + 'published'))
    cols['author'].append(get(A + 'author/' + A + 'name'))
    reply = el.find(THR + 'in-reply-to')
    cols['post'].append(None if reply is None else reply.get('ref'))
    related = [l.get('href') for l in el.iterfind(A + 'link') if l.get('rel') == 'related']
    cols['related'].append(related[0] if related else None)
    el.clear()
    while el.getprevious() is not None:
        del el.getparent()[0]
frame = pd.DataFrame(cols)
rows = len(frame)
"""

_OURS = "import msdiscourse\ncorpus = msdiscourse.{reader}(PATH)\nrows = len(corpus.comments)\n"

#: imports only (the reader's module is loaded on first use), as the floor imports lxml
_IMPORT = "import msdiscourse\nmsdiscourse.{reader}"

RUNS: dict[str, dict[str, tuple[str | None, str, str]]] = {
    # job -> run name -> (module that must be importable, setup code, timed code)
    "wxr": {
        "ours": (None, _IMPORT.format(reader="read_wxr"), _OURS.format(reader="read_wxr")),
        "floor": ("lxml", "from lxml import etree\nimport pandas as pd", _FLOOR_WXR),
        "pelican wp2fields": ("pelican", "from pelican.tools.pelican_import import wp2fields",
                              "rows = len(list(wp2fields(PATH)))  # posts only"),
        "wpparser": ("wpparser", "import wpparser",
                     "data = wpparser.parse(PATH)\n"
                     "rows = sum(len(p.get('comments') or []) for p in data['posts'])"),
    },
    "disqus": {
        "ours": (None, _IMPORT.format(reader="read_disqus"), _OURS.format(reader="read_disqus")),
        "floor": ("lxml", "from lxml import etree\nimport pandas as pd", _FLOOR_DISQUS),
    },
    "blogger": {
        "ours": (None, _IMPORT.format(reader="read_blogger"), _OURS.format(reader="read_blogger")),
        "floor": ("lxml", "from lxml import etree\nimport pandas as pd", _FLOOR_BLOGGER),
        "pelican blogger2fields": (
            "pelican", "from pelican.tools.pelican_import import blogger2fields",
            "rows = sum(1 for f in blogger2fields(PATH) if f[8] == 'comment')"),
    },
    "table": {
        "ours": (None, _IMPORT.format(reader="read_comments_table"),
                 "corpus = msdiscourse.read_comments_table(PATH)\nrows = len(corpus.comments)"),
        "floor": ("pandas", "import pandas as pd",
                  "rows = len(pd.read_csv(PATH, dtype=str, keep_default_na=False))"),
        "convokit from_pandas": (
            "convokit", "import pandas as pd\nfrom convokit import Corpus",
            "t = pd.read_csv(PATH, dtype=str, keep_default_na=False)\n"
            "u = pd.DataFrame({'id': t['comment_id'], 'speaker': t['author'],"
            " 'conversation_id': t['post_id'], 'reply_to': t['parent_id'].replace('', None),"
            " 'timestamp': pd.to_datetime(t['published'], utc=True).astype('int64') // 10**9,"
            " 'text': t['text']})\n"
            "rows = len(list(Corpus.from_pandas(u).iter_utterances()))"),
    },
    "convokit": {
        "ours": (None, _IMPORT.format(reader="read_convokit"),
                 "corpus = msdiscourse.read_convokit(PATH)\nrows = len(corpus.comments)"),
        "convokit Corpus(filename=)": (
            "convokit", "from convokit import Corpus",
            "rows = len(list(Corpus(filename=PATH).iter_utterances()))"),
    },
}


#: our reader once more, after a warm-up read of a small input (``WARM``) in the same
#: process: its growth leaves out what the libraries allocate once, on first use
_WARMED = "ours, warmed up"
_WARM_UP = "\nimport gc\nmsdiscourse.{reader}(WARM)\ngc.collect()\n"


def _child(job: str, run: str, path: str) -> None:
    """In the child process: set up, time the run once, print one JSON line."""
    if run == _WARMED:
        _, setup, code = RUNS[job]["ours"]
        reader = "read_comments_table" if job == "table" else f"read_{job}"
        setup += _WARM_UP.format(reader=reader)
    else:
        _, setup, code = RUNS[job][run]
    scope: dict = {"PATH": path, "WARM": os.environ.get("BENCH_PEERS_WARM", "")}
    exec(setup, scope)  # noqa: S102 - the benchmark's own code
    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu_start = time.perf_counter(), time.process_time()
    exec(code, scope)  # noqa: S102
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if "corpus" in scope and hasattr(scope["corpus"], "comments"):  # after the clock: sizing
        corpus = scope["corpus"]  # the tables is measurement, not reading
        scope["tables_mb"] = sum(t.memory_usage(deep=True).sum() for t in (
            corpus.posts, corpus.comments, corpus.unparsed)) / 2**20
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_kb": peak, "growth_kb": peak - imported,
                      "rows": scope.get("rows"), "tables_mb": scope.get("tables_mb")}))


def _installed(module: str | None) -> bool:
    return module is None or importlib.util.find_spec(module) is not None


def _run_once(job: str, run: str, path: Path, root: Path) -> dict:
    """One run in a fresh interpreter that imports msdiscourse from ``root``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    done = subprocess.run([sys.executable, __file__, "--child", job, run, str(path)],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"error": last}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure_all(job: str, runs: dict[str, tuple[str, Path]], path: Path, repeat: int) -> dict:
    """Medians per run; the runs take turns (one of each, ``repeat`` times), so that a
    change in the machine's load falls on all of them alike."""
    samples: dict[str, list] = {name: [] for name in runs}
    errors: dict[str, dict] = {}
    for _ in range(repeat):
        for name, (run, root) in runs.items():
            if name in errors:
                continue
            result = _run_once(job, run, path, root)
            if "error" in result:
                errors[name] = result
            else:
                samples[name].append(result)
    results: dict[str, dict] = dict(errors)
    for name, rows in samples.items():
        if name in errors or not rows:
            continue
        results[name] = {
            "seconds": statistics.median(r["seconds"] for r in rows),
            "cpu": statistics.median(r["cpu"] for r in rows),
            "peak_mb": statistics.median(r["peak_kb"] for r in rows) / 1024,
            "growth_mb": statistics.median(r["growth_kb"] for r in rows) / 1024,
            "rows": rows[0]["rows"], "tables_mb": rows[0]["tables_mb"]}
    return results


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unavailable"
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f} on {os.cpu_count()} cores"


def _inputs(job: str, quick: bool) -> Path:
    import export_data

    size_mb = 2.0 if quick else 20.0
    if job in export_data.WRITERS:
        return export_data.ensure(job, size_mb, DATA)
    from bench_pages_tables import write_table

    rows = 5_000 if quick else 200_000
    table = DATA / f"peers-table-{rows}.csv"
    if not table.exists():
        write_table(table.with_suffix(".partial"), rows)
        table.with_suffix(".partial").replace(table)
    if job == "table":
        return table
    folder = DATA / f"peers-convokit-{rows}"
    if not (folder / "utterances.jsonl").exists():
        # in a child process: a child inherits its parent's peak memory (ru_maxrss)
        subprocess.run([sys.executable, "-c", "import sys, msdiscourse; msdiscourse.to_convokit("
                        "msdiscourse.read_comments_table(sys.argv[1]), sys.argv[2])",
                        str(table), str(folder)], check=True,
                       env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 MB exports, 5,000 rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--jobs", nargs="+", default=list(RUNS), choices=list(RUNS))
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="also run our readers from another checkout of msdiscourse "
                             "(e.g. `git worktree add DIR v0.1.0`), taking turns with this one")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    repeat = 1 if args.quick else args.repeat
    print(f"medians of {repeat} fresh-process runs; ratios within this run")
    print("time: wall-clock seconds; cpu: the process' own CPU seconds (steadier on a loaded "
          "machine, where wall time includes waiting for a core)")
    print(f"{'job':9} {'run':27} {'s':>7} {'cpu s':>7} {'peak MB':>8} {'grow MB':>8} {'rows':>8} "
          f"{'time/ours':>9} {'peak/ours':>9}")
    for job in args.jobs:
        path = _inputs(job, args.quick)
        size = (sum(f.stat().st_size for f in path.iterdir()) if path.is_dir()
                else path.stat().st_size) / 1e6
        print(f"--- {job}: {path.name} ({size:.1f} MB); before: {load()}", flush=True)
        runs: dict[str, tuple[str, Path]] = {}
        for run, (module, _, _) in RUNS[job].items():
            if not _installed(module):
                print(f"{job:9} {run:27} skipped: {module} is not installed", flush=True)
                continue
            runs[run] = (run, HERE.parent)
            if run == "ours" and args.before:
                runs["ours before"] = ("ours", args.before.resolve())
        if "ours" in runs and job != "convokit":
            runs[_WARMED] = (_WARMED, HERE.parent)
            os.environ["BENCH_PEERS_WARM"] = str(_inputs(job, True))  # the --quick input
        results = _measure_all(job, runs, path, repeat)
        ours = results.get("ours", {})
        for run, result in results.items():
            if "error" in result:
                print(f"{job:9} {run:27} failed: {result['error'][:100]}")
                continue
            ratio_t = result["seconds"] / ours["seconds"] if "seconds" in ours else float("nan")
            ratio_m = result["peak_mb"] / ours["peak_mb"] if "peak_mb" in ours else float("nan")
            print(f"{job:9} {run:27} {result['seconds']:7.2f} {result['cpu']:7.2f} "
                  f"{result['peak_mb']:8.0f} "
                  f"{result['growth_mb']:8.0f} {result['rows'] or 0:8} {ratio_t:9.2f} "
                  f"{ratio_m:9.2f}")
        if "floor" in results and "seconds" in ours and "seconds" in results["floor"]:
            floor = results["floor"]
            print(f"{job:9} ours / floor: time x{ours['seconds'] / floor['seconds']:.2f}, "
                  f"cpu x{ours['cpu'] / floor['cpu']:.2f}, "
                  f"peak memory x{ours['peak_mb'] / floor['peak_mb']:.2f}")
        before = results.get("ours before", {})
        if "cpu" in before and "cpu" in ours:
            floor = results.get("floor", {})
            against = (f"; floor cpu x{before['cpu'] / floor['cpu']:.2f} before, "
                       f"x{ours['cpu'] / floor['cpu']:.2f} now" if "cpu" in floor else "")
            print(f"{job:9} before / now: time x{before['seconds'] / ours['seconds']:.2f}, "
                  f"cpu x{before['cpu'] / ours['cpu']:.2f}, peak memory "
                  f"x{before['peak_mb'] / ours['peak_mb']:.2f}{against}")
        if ours.get("tables_mb"):
            warm = results.get(_WARMED, {})
            warmed = (f", x{warm['growth_mb'] / ours['tables_mb']:.2f} after a warm-up read"
                      if "growth_mb" in warm else "")
            print(f"{job:9} ours: peak memory growth / output tables "
                  f"x{ours['growth_mb'] / ours['tables_mb']:.2f} ({ours['tables_mb']:.0f} MB)"
                  f"{warmed}")
        print(f"{'':9} after: {load()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
