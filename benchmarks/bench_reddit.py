"""Benchmark the whole analysis of a Reddit dump: pandas in one process vs Dask on 2 workers.

    python benchmarks/bench_reddit.py              # 4, 8, 16 MB uncompressed (a few minutes)
    python benchmarks/bench_reddit.py --full       # 256, 512, 1024, 2048 MB (hours on 2 cores)
    python benchmarks/bench_reddit.py --sizes 64,128 --workers 2
    python benchmarks/bench_reddit.py --quick      # 1 MB, a smoke run
    python benchmarks/bench_reddit.py --partition-mb 2   # small partitions: memory stays flat
    python benchmarks/bench_reddit.py --full --engines pandas --results runs.jsonl  # one engine
    python benchmarks/bench_reddit.py --full --engines dask --results runs.jsonl    # (in parallel)

The dumps are seeded synthetic ``RS_``/``RC_`` files (msdiscourse._synthetic_reddit: wide and
deep threads, deleted rows, replies in later months' files), zstandard-compressed, one
monthly pair per 16 MB so that file size stays bounded as input grows, cached under
benchmarks/_data/. Both engines run the same pipeline on the same files in the same run:
read, split_sentences, score_tone, find_markers, assign_roles (blog_is_research=False),
marker_profile, comment_tone, reply_exchanges, exchange_matrix. Each engine runs in a fresh process, so its peak memory
is its own (on Linux the peak of the process's own memory, ``VmHWM``: ``ru_maxrss`` would
also count the memory of the client that spawned a worker, which a worker started after a
large parse inherits at its start):

- pandas: ``read_reddit`` then each function on the whole corpus, in one process;
- Dask: a LocalCluster of N worker processes (1 thread each): ``read_reddit`` + ``persist``
  (read and shuffled once, kept in the workers' memory), then the analyses; with
  ``--save``, ``save`` + ``read_processed`` instead (the partitioned dataset written and
  read back, as ``msdiscourse parse --engine dask`` and a later session do); peak memory
  is the largest worker's.

The two exchange matrices are compared (they must be equal). Printed per size: seconds,
seconds per GB, CPU seconds (Dask: all workers plus the client), peak MB, the Dask/pandas time ratio and the load average (the machine may
be shared: ratios are from the same run, absolute times are not comparable across runs).
pandas also gives the CPU seconds per GB of each step (read, sentences, tone, ...), and Dask
the seconds per GB its workers spent in the task groups that took most (Dask's task
prefixes; one thread per worker, so CPU seconds; with ``--analyse-saved`` the analysis's
alone, else the parse's too): what grows from one size to the next.
For Dask also: the comments per partition (mean, 99th percentile, largest: a worker's peak
follows the largest partition it runs),
the largest worker's peak after each step, the client's peak and CPU, and how
many task records each worker keeps (Dask keeps one for every task behind a result a worker
still holds: it grows with the partitions, not with their size), and which task groups raised
each worker's peak after the read (a thread on each worker reads its ``VmHWM`` every quarter
second and charges each rise to the tasks running then; fused tasks carry Dask's fused name),
and what each worker's memory was made of at its peak (Python's small-object heap, the C
heap, libraries, the rest; Arrow's allocations and the results Dask holds within them): a
peak that grows with the input in Python's heap and not in Dask's results is the worker
process's own memory, not data the partitions leave behind.

The machine's speed is measured beside each run: the parent process times a fixed piece of
CPU work (``reference_work``, about 50 ms) every 15 seconds, and prints its median and its
ratio to the first run's. On a shared virtual machine the same analysis can take half as
much CPU again on one day as on another, by more than the differences between sizes.
The probe slows when the runs do, by more (measured: two runs of one analysis 7% apart
in CPU, their probes 19%): compare the CPU of runs whose probes agree, do not divide by it.

``--hold-every SECONDS`` and ``--without-exchanges`` are diagnostics of the Dask path's
memory: the first holds one more small result on the cluster every SECONDS, the second
leaves out ``reply_exchanges`` (roles, marker profile and comment tone are computed and
counted instead; there is then no matrix to compare with pandas).

With ``--results FILE`` every engine's result is also appended to FILE as one JSON line
(size, engine, load average, time of day), so the engines of a large size can run as two
commands at once; the second to finish compares its matrix with the first's from FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAVE = "--save" in sys.argv
FRESH = "--analyse-saved" in sys.argv  # analyse the saved dataset on new worker processes
# a diagnostic: every this many seconds of the analysis, one more small result held on the
# cluster until the end (as the engine's kept tables are), to tell the memory the held
# results' records cost from the memory a longer run costs
HOLD_EVERY = float(sys.argv[sys.argv.index("--hold-every") + 1]) if "--hold-every" in sys.argv \
    else None
# a diagnostic: the analysis without the exchanges (roles, marker profile and comment tone
# computed instead), to tell the memory the exchanges leave on a worker from the rest's
WITHOUT_EXCHANGES = "--without-exchanges" in sys.argv
sys.path.insert(0, str(HERE.parent))

DATA_DIR = HERE / "_data"
DEFAULT_SIZES_MB = (4, 8, 16)
FULL_SIZES_MB = (256, 512, 1024, 2048)
MB_PER_MONTH = 16
SEED = 0


def dump_folder(size_mb: float) -> Path:
    from msdiscourse._synthetic_reddit import write_synthetic_dump

    folder = DATA_DIR / f"reddit-{size_mb:g}MB-seed{SEED}"
    done = folder / ".complete"
    if not done.exists():
        months = max(3, int(-(-size_mb // MB_PER_MONTH)))
        write_synthetic_dump(folder, target_bytes=int(size_mb * 2**20), seed=SEED,
                             months=months, compression="zst")
        done.write_text("ok\n")
    return folder


def _peak_mb() -> float:
    """This process's peak resident memory in MB, from its own start.

    ``ru_maxrss`` survives ``exec``: a Dask worker process forked from a client holding
    1.5 GB reports 1.5 GB before it has done anything. Linux's ``VmHWM`` is the peak of
    the process's own address space, so it is read first.
    """
    peak = _status_mb().get("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _status_mb() -> dict[str, float]:
    """The sizes ``/proc/self/status`` gives for this process (``VmHWM``, ``VmRSS``,
    ``RssFile``, ...), in MB; empty where there is no such file (not Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            lines = [line.split(":", 1) for line in status if ":" in line]
    except OSError:
        return {}
    return {name: int(value.split()[0]) / 1024 for name, value in lines
            if value.rstrip().endswith(" kB")}


def _task_records(dask_worker=None) -> int:
    """How many tasks this worker keeps a record of (run, waiting, or held for a result)."""
    return len(dask_worker.state.tasks)


def _start_peak_sampler(dask_worker=None, every: float = 0.25) -> None:
    """Start a thread on this worker that charges each rise of its peak (``VmHWM``, read every
    ``every`` seconds) to the task groups running just before and at the reading.

    One thread per worker process and one thread of work: what raised the peak is what ran
    in that quarter second, or the worker's own event loop between tasks (the disk-backed
    shuffles receive other workers' rows there). Read back with :func:`_peak_raisers`.
    """
    import threading

    from dask.utils import key_split

    def running() -> set:
        for _ in range(3):  # the set may change while it is read (the worker's own thread)
            try:
                return {key_split(task.key) for task in list(dask_worker.state.executing)}
            except RuntimeError:
                continue
        return set()

    raised: dict[str, float] = {}
    at_peak: dict[str, float] = {}  # where the memory was at the last rise of 1 MB or more
    largest: dict[str, float] = {}  # the most the shuffles' buffers held at any reading
    stop = threading.Event()

    def sample() -> None:
        last, before, measured = _peak_mb(), running(), 0.0
        while not stop.wait(every):
            now, peak = running(), _peak_mb()
            for name, mb in _p2p_buffers_mb(dask_worker).items():
                largest[name] = max(largest.get(name, 0.0), mb)
            if peak > last:
                label = " + ".join(sorted(before | now)) or "(between tasks)"
                raised[label] = raised.get(label, 0.0) + peak - last
                last = peak
                if peak >= measured + 1:
                    at_peak.update(_memory_parts(dask_worker))
                    measured = peak
            before = now

    thread = threading.Thread(target=sample, name="peak-sampler", daemon=True)
    dask_worker._msd_peak_sampler = (stop, raised, thread, at_peak, largest)
    thread.start()


def _memory_parts(dask_worker=None) -> dict:
    """Where this process's resident memory is, in MB: what a peak is made of.

    ``resident`` (``VmRSS``) is ``libraries`` (mapped files: code, shared libraries) plus
    anonymous memory, which is Python's heap of small objects (pymalloc's arenas, and the
    bytes of live objects in them, ``python_in_use``), the C heap (glibc's ``malloc``: its
    arenas and large blocks, and the bytes in use) and the ``rest`` (Arrow's memory pool,
    thread stacks, other ``mmap``); ``arrow`` is what Arrow has allocated now and ``dask``
    the bytes of the results Dask holds on this worker (both inside the parts above),
    ``results_held`` their number and ``task_records`` the tasks the worker keeps a record
    of (run, waiting, or behind a held result). Linux with glibc and CPython; a part that
    cannot be read is left out.
    """
    import ctypes
    import os
    import tempfile

    status = _status_mb()
    parts: dict[str, float] = {"resident": status["VmRSS"], "peak": status["VmHWM"],
                               "libraries": status["RssFile"]}
    anonymous = status["RssAnon"]
    try:
        class MallInfo2(ctypes.Structure):
            _fields_ = [(name, ctypes.c_size_t) for name in (
                "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                "uordblks", "fordblks", "keepcost")]

        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = MallInfo2
        info = libc.mallinfo2()
        parts["c_heap"] = (info.arena + info.hblkhd) / 2**20
        parts["c_in_use"] = (info.uordblks + info.hblkhd) / 2**20
        # pymalloc's own statistics, written by CPython to a C stream
        libc.fopen.restype = ctypes.c_void_p
        libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        libc.fclose.argtypes = [ctypes.c_void_p]
        descriptor, path = tempfile.mkstemp()
        os.close(descriptor)
        try:
            stream = libc.fopen(path.encode(), b"w")
            ctypes.pythonapi._PyObject_DebugMallocStats.argtypes = [ctypes.c_void_p]
            ctypes.pythonapi._PyObject_DebugMallocStats(stream)
            libc.fclose(stream)
            with open(path, encoding="ascii") as handle:
                text = handle.read()
        finally:
            os.remove(path)
        arenas = re.search(r"^(\d+) arenas \* (\d+) bytes/arena", text, re.MULTILINE)
        in_use = re.search(r"^# bytes in allocated blocks\s*=\s*([\d,]+)", text, re.MULTILINE)
        if arenas and in_use:
            parts["python_heap"] = int(arenas.group(1)) * int(arenas.group(2)) / 2**20
            parts["python_in_use"] = int(in_use.group(1).replace(",", "")) / 2**20
    except (OSError, AttributeError):  # no glibc, or a Python without pymalloc's statistics
        pass
    parts["rest"] = anonymous - parts.get("c_heap", 0.0) - parts.get("python_heap", 0.0)
    if "pyarrow" in sys.modules:
        parts["arrow"] = sys.modules["pyarrow"].total_allocated_bytes() / 2**20
    if dask_worker is not None:
        parts["dask"] = dask_worker.state.nbytes / 2**20
        # each record costs a few KB of Python objects (4.7 KB for a held result's)
        parts["task_records"] = len(dask_worker.state.tasks)
        parts["results_held"] = len(dask_worker.data)
        parts.update(_p2p_buffers_mb(dask_worker))
    return parts


def _p2p_buffers_mb(dask_worker) -> dict:
    """The bytes Dask's disk-backed shuffles hold in this worker's memory now, in MB: rows
    waiting to be sent to other workers (``p2p_comms``, capped by ``distributed.p2p.comm.buffer``,
    1 GiB by default) and rows waiting to be written to disk (``p2p_disk``, capped by
    ``distributed.p2p.storage.buffer``, 100 MiB). Empty when no shuffle runs here."""
    plugin = dask_worker.extensions.get("shuffle")
    if plugin is None:
        return {}
    return {"p2p_comms": plugin.memory_limiter_comms._acquired / 2**20,
            "p2p_disk": plugin.memory_limiter_disk._acquired / 2**20}


def _memory_at_peak(dask_worker=None) -> dict:
    """:func:`_memory_parts` at this worker's last rise of its peak (by 1 MB or more), read
    in the quarter second after it: a peak a task held for less is gone from ``resident``."""
    return dict(dask_worker._msd_peak_sampler[3])


def _largest_p2p_buffers(dask_worker=None) -> dict:
    """The most the disk-backed shuffles' buffers held at any reading of the peak sampler."""
    return dict(dask_worker._msd_peak_sampler[4])


def _peak_raisers(dask_worker=None, top: int = 5) -> list:
    """Stop this worker's peak sampler; the task groups that raised its peak most, in MB."""
    stop, raised, thread, *_ = dask_worker._msd_peak_sampler
    stop.set()
    thread.join()
    return sorted(([label, round(mb, 1)] for label, mb in raised.items()),
                  key=lambda item: -item[1])[:top]


def _received(dask_worker=None, top: int = 5) -> dict:
    """What this worker received from other workers as task results (not the disk-backed
    shuffles' own transfers): the task groups with most bytes, as ``[group, count, MB]``,
    from the gathers the worker logs (the last ``distributed.admin.low-level-log-length``,
    1,000 by default) and the count of all its gathers."""
    from collections import Counter

    from dask.utils import key_split

    counts, sizes = Counter(), Counter()
    for entry in dask_worker.transfer_incoming_log:
        for key, nbytes in entry["keys"].items():
            counts[key_split(key)] += 1
            sizes[key_split(key)] += nbytes
    return {"groups": [[group, counts[group], round(nbytes / 2**20, 1)]
                       for group, nbytes in sizes.most_common(top)],
            "logged": len(dask_worker.transfer_incoming_log),
            "gathers": dask_worker.state.transfer_incoming_count_total}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_pandas(folder: Path) -> dict:
    import msdiscourse as msd

    steps: dict[str, float] = {}  # CPU seconds of each step, to compare across sizes

    def step(name: str, function, *args, **options):
        started = _cpu_seconds()
        result = function(*args, **options)
        steps[name] = _cpu_seconds() - started
        return result

    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    corpus = step("read", msd.read_reddit, folder)
    sentences = step("sentences", msd.split_sentences, corpus)
    tone = step("tone", msd.score_tone, sentences, n_jobs=1)
    markers = step("markers", msd.find_markers, sentences)
    roles = step("roles", msd.assign_roles, corpus, blog_is_research=False)
    profile = step("profile", msd.marker_profile, markers, sentences)
    comment_tone = step("comment_tone", msd.comment_tone, corpus, sentences=sentences, n_jobs=1)
    del tone
    exchanges = step("exchanges", msd.reply_exchanges, corpus, roles=roles, tone=comment_tone,
                     markers=profile)
    matrix = msd.exchange_matrix(exchanges)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu": _cpu_seconds() - cpu_start, "peak_mb": _peak_mb(),
            "comments": len(corpus.comments), "step_cpu": steps,
            "sentences": len(sentences), "matrix": matrix.to_numpy().tolist()}


def _task_group_seconds(dask_scheduler=None) -> dict:
    """Seconds the workers spent running each task group (Dask's task prefix), summed over
    the cluster's life: with one thread per worker, its CPU seconds, task by task."""
    return {name: prefix.all_durations.get("compute", 0.0)
            for name, prefix in dask_scheduler.task_prefixes.items()}


def _fresh_workers(client, cluster, workers: int):
    """Close ``client`` and ``cluster`` and start a new cluster of ``workers`` warmed
    processes; the new client, its cluster and the CPU seconds its workers have used."""
    import msdiscourse.dask as mdd

    client.close()
    cluster.close()
    client = mdd.get_client(workers=workers)
    client.run(lambda: __import__("msdiscourse.sentences"))  # warm: imports, not work
    return client, client.cluster, sum(client.run(_cpu_seconds).values())


def _small_result(number: int) -> bytes:
    return number.to_bytes(8, "little")


class _HeldResults:
    """Submits one small task every ``every`` seconds and holds its result on the cluster
    until :meth:`stop` (``--hold-every``): records made on the workers while the analysis's
    tasks run, as the kept tables' are, without the analysis's work."""

    def __init__(self, client, every: float):
        import threading

        self.client, self.every, self.futures = client, every, []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self.every):
            self.futures.append(self.client.submit(_small_result, len(self.futures),
                                                   pure=False))

    def stop(self) -> int:
        """Stop submitting; the number of results held (released with the client)."""
        self._stopped.set()
        self._thread.join()
        return len(self.futures)


def run_dask(folder: Path, workers: int, scratch: Path, npartitions: int | None) -> dict:
    from distributed import wait

    import msdiscourse.dask as mdd

    # as msdiscourse starts one for its users (`parse --engine dask`, the notebooks): one
    # thread per worker process, no dashboard, the workers' profiler off
    client = mdd.get_client(workers=workers)
    cluster = client.cluster
    try:
        client.run(lambda: __import__("msdiscourse.sentences"))  # warm: imports, not work
        if SAVE and FRESH:  # the parse's workers end after it: what raised their peaks
            client.run(_start_peak_sampler)
        client_cpu_start = _cpu_seconds()
        cpu_start = sum(client.run(_cpu_seconds).values()) + client_cpu_start
        start = time.perf_counter()
        reuse = SAVE and (scratch / "manifest.json").exists()  # kept from an earlier run
        corpus = None if reuse else mdd.read_reddit(folder, npartitions=npartitions)
        parse_peaks, parse_raisers = None, []
        if reuse:
            if FRESH:  # new workers all the same, so that their memory is the analysis's own
                client, cluster, new_cpu = _fresh_workers(client, cluster, workers)
                cpu_start = new_cpu + client_cpu_start
            corpus = mdd.read_processed(scratch)
        elif SAVE:  # the parse as `parse --engine dask` runs it: written, then read back
            corpus.save(scratch)
            if FRESH:  # a later session: the parse's workers end, new ones analyse
                parse_peaks = client.run(_peak_mb)
                parse_raisers = [raised for _, raised in sorted(
                    client.run(_peak_raisers).items(), key=lambda item: parse_peaks[item[0]])]
                parse_peaks = sorted(parse_peaks.values())
                parse_cpu = sum(client.run(_cpu_seconds).values())
                client, cluster, new_cpu = _fresh_workers(client, cluster, workers)
                cpu_start += new_cpu - parse_cpu
            corpus = mdd.read_processed(scratch)
        else:  # read and shuffled once, kept in the workers' memory for the analyses
            corpus = corpus.persist()
            wait([corpus.posts, corpus.comments])
        parsed = time.perf_counter() - start
        # the largest worker's peak after each eager step (a peak only grows): read and
        # save; the names the exchanges need gathered; the rest (roles are decided by a
        # group-by in the final computation, with everything else)
        stages = {"read": max(client.run(_peak_mb).values())}
        client.run(_start_peak_sampler)
        holding = _HeldResults(client, HOLD_EVERY) if HOLD_EVERY else None
        sentences = corpus.split_sentences()
        tone = corpus.score_tone(sentences)
        markers = corpus.find_markers(sentences)
        roles = corpus.assign_roles(blog_is_research=False)
        profile = corpus.marker_profile(markers, sentences)
        comment_tone = corpus.comment_tone(sentences)
        if WITHOUT_EXCHANGES:  # what the exchanges take in, computed, counted, not gathered
            tables = [_rows(roles), _rows(profile), _rows(comment_tone)]
        else:
            tables = [corpus.reply_exchanges(roles=roles, tone=comment_tone, markers=profile)]
        # after the eager steps: the role decisions, and the exchanges' context
        eager = "roles" if WITHOUT_EXCHANGES else "exchange_context"
        stages[eager] = max(client.run(_peak_mb).values())
        records = {eager: sorted(client.run(_task_records).values())}
        # a few partitions at a time, each sent here as it is ready (dask.compute would
        # gather the whole exchanges table on one worker); the counts as tables, so that
        # they are computed with the exchanges, partition by partition
        *_, n_sentences, n_comments, _ = computed = mdd.compute(
            *tables, _rows(sentences), _rows(corpus.comments), _rows(tone))
        per_partition = n_comments.to_numpy()
        n_sentences, n_comments = n_sentences.sum(), n_comments.sum()
        matrix = None if WITHOUT_EXCHANGES else mdd.DaskCorpus.exchange_matrix(computed[0])
        seconds = time.perf_counter() - start
        held_extra = holding.stop() if holding else 0
        peaks = client.run(_peak_mb)
        client_cpu = _cpu_seconds() - client_cpu_start  # this process: client and scheduler
        cpu = sum(client.run(_cpu_seconds).values()) + _cpu_seconds() - cpu_start
        stages["all"] = max(peaks.values())
        records["all"] = sorted(client.run(_task_records).values())
        raisers = [raised for _, raised in sorted(client.run(_peak_raisers).items(),
                                                  key=lambda item: peaks[item[0]])]
        at_peak = [parts for _, parts in sorted(client.run(_memory_at_peak).items(),
                                                key=lambda item: peaks[item[0]])]
        received = [got for _, got in sorted(client.run(_received).items(),
                                             key=lambda item: peaks[item[0]])]
        largest_p2p = [got for _, got in sorted(client.run(_largest_p2p_buffers).items(),
                                                key=lambda item: peaks[item[0]])]
        task_seconds = client.run_on_scheduler(_task_group_seconds)
        return {"seconds": seconds, "cpu": cpu, "parse_seconds": parsed, "peak_mb": max(peaks.values()),
                "stage_peaks_mb": stages, "client_peak_mb": _peak_mb(),
                "task_records": records, "peak_raised_by": raisers, "received": received,
                "memory_at_peak": at_peak, "largest_p2p_buffers": largest_p2p,
                "client_cpu": client_cpu, "task_seconds": task_seconds,
                "parse_worker_peaks_mb": parse_peaks, "parse_peak_raised_by": parse_raisers,
                "worker_peaks_mb": sorted(peaks.values()), "comments": int(n_comments),
                "sentences": int(n_sentences), "npartitions": corpus.npartitions,
                "held_extra": held_extra,
                "comments_per_partition": _spread(per_partition),
                "without_exchanges": WITHOUT_EXCHANGES,
                "matrix": None if matrix is None else matrix.to_numpy().tolist()}
    finally:
        client.close()
        cluster.close()


def _spread(counts) -> dict:
    """The mean, the largest and the 99th percentile of per-partition row counts.

    A worker's peak is set by the largest partition it runs, not the typical one; with
    partitions by post the largest grows with their number while the mean stays put, if
    slowly on the synthetic dumps (6,519 comments of 2 MB partitions at 256 MB, 6,682 at
    2 GB: docs/scale-measurements.md).

    >>> _spread([10, 20, 30])
    {'mean': 20.0, 'largest': 30, 'p99': 29.8}
    """
    import numpy as np

    counts = np.asarray(counts, dtype="int64")
    return {"mean": round(float(counts.mean()), 1), "largest": int(counts.max()),
            "p99": round(float(np.percentile(counts, 99)), 1)}


def _rows(frame):
    """The number of rows of each partition of a Dask frame, as a Dask series."""
    import pandas as pd

    return frame.map_partitions(lambda part: pd.Series([len(part)], dtype="int64"),
                                meta=pd.Series(dtype="int64"))


_PROBE_TEXT = " ".join(f"Patient {i} said the drug was great, really?! Doctor {i % 7} replied: "
                      f"'no evidence yet' ({i * 37 % 101}%)." for i in range(400))
_PROBE_TOKENS = re.compile(r"[A-Za-z']+|\d+|[?!.]+")


def reference_work() -> int:
    """A fixed piece of CPU work of the analysis's kind (regular expressions, dicts, sorting,
    strings), about 50 ms on an idle core of the benchmark machine; returns a token count."""
    counts: dict[str, int] = {}
    for _ in range(24):
        for token in _PROBE_TOKENS.findall(_PROBE_TEXT):
            counts[token.lower()] = counts.get(token.lower(), 0) + 1
        sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        "".join(reversed(_PROBE_TEXT)).split(" ")
    return sum(counts.values())


class SpeedProbe:
    """Times ``reference_work`` in CPU seconds of its own thread, at the start, every
    ``interval`` seconds and at the end of a ``with`` block, to measure how fast the machine
    runs during it: the CPU of a task on a shared virtual machine varies from day to day by
    more than the differences being measured. Run beside busy workers it slows when they do,
    by more than they do.

    >>> with SpeedProbe(interval=60) as probe:
    ...     pass
    >>> len(probe.samples_ms), probe.median_ms > 0
    (2, True)
    """

    def __init__(self, interval: float = 15.0):
        self.interval = interval
        self.samples_ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        started = time.thread_time()
        reference_work()
        self.samples_ms.append(1000 * (time.thread_time() - started))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> SpeedProbe:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)


def _child(engine: str, folder: Path, workers: int, npartitions: int | None = None,
           saved: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--_child", engine, str(folder), "--workers",
               str(workers)] + (["--partitions", str(npartitions)] if npartitions else []) + (
                   ["--save"] if SAVE else []) + (["--analyse-saved"] if FRESH else []) + (
                   ["--saved", str(saved)] if saved else []) + (
                   ["--hold-every", str(HOLD_EVERY)] if HOLD_EVERY else []) + (
                   ["--without-exchanges"] if WITHOUT_EXCHANGES else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{engine} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help="comma-separated uncompressed sizes in MB (default 4,8,16)")
    parser.add_argument("--full", action="store_true", help="256, 512, 1024 and 2048 MB")
    parser.add_argument("--quick", action="store_true", help="1 MB only (a smoke run)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--save", action="store_true",
                        help="Dask: write the partitioned dataset and read it back")
    parser.add_argument("--analyse-saved", action="store_true",
                        help="with --save: analyse the saved dataset on new worker processes, "
                             "so the analysis's peak memory is apart from the parse's")
    parser.add_argument("--partition-mb", type=float, default=None,
                        help="uncompressed MB per Dask partition (default: the library's "
                             "default, 32 MB, at least two per worker)")
    parser.add_argument("--engines", default="pandas,dask",
                        help="comma-separated engines to run (default pandas,dask)")
    parser.add_argument("--results", type=Path, default=None,
                        help="append each engine's result to this file (one JSON line each); "
                             "a size's other engine is looked up there when not run here")
    parser.add_argument("--saved", type=Path, default=None,
                        help="with --save: keep the saved dataset in this folder (one size "
                             "per folder); when it already holds one, skip the parse and "
                             "analyse that dataset again")
    parser.add_argument("--hold-every", type=float, default=None, metavar="SECONDS",
                        help="Dask, a diagnostic: hold one more small result on the cluster "
                             "every SECONDS of the analysis, until its end")
    parser.add_argument("--without-exchanges", action="store_true",
                        help="Dask, a diagnostic: leave out reply_exchanges (its inputs are "
                             "computed and counted instead); no comparison with pandas")
    parser.add_argument("--partitions", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--_child", nargs=2, metavar=("ENGINE", "FOLDER"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._child:
        engine, folder = args._child[0], Path(args._child[1])
        if engine == "pandas":
            result = run_pandas(folder)
        elif args.saved:
            result = run_dask(folder, args.workers, args.saved, args.partitions)
        else:
            import tempfile

            with tempfile.TemporaryDirectory() as scratch:
                result = run_dask(folder, args.workers, Path(scratch) / "processed",
                                  args.partitions)
        print(json.dumps(result))
        return 0

    if args.quick:
        sizes = [1.0]
    elif args.full:
        sizes = list(FULL_SIZES_MB)
    elif args.sizes:
        sizes = [float(s) for s in args.sizes.split(",")]
    else:
        sizes = list(DEFAULT_SIZES_MB)

    print(f"Reddit dump benchmark: pandas (1 process) vs Dask ({args.workers} worker processes, "
          f"1 thread each), {os.cpu_count()} cores")
    print(f"{'size MB':>8} {'engine':>7} {'comments':>9} {'seconds':>8} {'s/GB':>8} "
          f"{'CPU s':>7} {'CPU s/GB':>8} {'peak MB':>8} {'dask/pandas':>11}  load avg")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not set(engines) <= {"pandas", "dask"}:
        parser.error(f"--engines: expected pandas and/or dask; found {args.engines!r}")
    baseline_probe_ms = None  # the first run's reference work, to which each run's is compared
    for size in sizes:
        folder = dump_folder(size)
        npartitions = (max(args.workers, int(-(-size // args.partition_mb)))
                       if args.partition_mb else None)
        results = {}
        for engine in engines:
            started = time.strftime("%H:%M:%S")
            with SpeedProbe() as probe:
                result = _child(engine, folder, args.workers, npartitions, args.saved)
            result.update(size_mb=size, engine=engine, load=os.getloadavg()[0], started=started,
                          finished=time.strftime("%H:%M:%S"), workers=args.workers,
                          probe_ms=probe.median_ms, probe_samples=len(probe.samples_ms),
                          probe_range_ms=[min(probe.samples_ms), max(probe.samples_ms)])
            baseline_probe_ms = baseline_probe_ms or probe.median_ms
            results[engine] = result
            if args.results:
                with open(args.results, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(result) + "\n")
        for engine in {"pandas", "dask"} - set(results):
            if args.results and args.results.exists():
                earlier = [json.loads(line) for line in args.results.read_text().splitlines()
                           if line.strip()]
                earlier = [r for r in earlier if r.get("engine") == engine
                           and r.get("size_mb") == size and r.get("workers") == args.workers]
                if earlier:
                    results[engine] = earlier[-1]
        gb = size / 1024
        for name in ("pandas", "dask"):
            result = results.get(name)
            if result is None:
                continue
            ratio = (f"{result['seconds'] / results['pandas']['seconds']:.2f}"
                     if name == "dask" and "pandas" in results else "")
            print(f"{size:>8g} {name:>7} {result['comments']:>9,} {result['seconds']:>8.1f} "
                  f"{result['seconds'] / gb:>8.0f} {result['cpu']:>7.1f} {result['cpu'] / gb:>8.0f} "
                  f"{result['peak_mb']:>8.0f} {ratio:>11}  {result['load']:.2f}", flush=True)
            if result.get("probe_ms") and baseline_probe_ms:
                low, high = result["probe_range_ms"]
                print(f"{'':>8} {name}: machine speed: reference work {result['probe_ms']:.1f} ms "
                      f"(median of {result['probe_samples']}, {low:.1f} to {high:.1f}); "
                      f"{result['probe_ms'] / baseline_probe_ms:.2f}x the first run's",
                      flush=True)
        if results.get("pandas", {}).get("step_cpu"):
            print(f"{'':>8} pandas: CPU s per GB by step "
                  + "; ".join(f"{name} {cpu / gb:,.0f}"
                              for name, cpu in results["pandas"]["step_cpu"].items()), flush=True)
        if "dask" in results:
            dask_ = results["dask"]
            print(f"{'':>8} dask: {dask_['npartitions']} partitions, parse+save "
                  f"{dask_['parse_seconds']:.1f} s, worker peaks "
                  f"{', '.join(f'{p:.0f}' for p in dask_['worker_peaks_mb'])} MB"
                  + (f"; {dask_['held_extra']} more small results held (--hold-every)"
                     if dask_.get("held_extra") else "")
                  + ("; without the exchanges (--without-exchanges)"
                     if dask_.get("without_exchanges") else ""), flush=True)
            spread = dask_.get("comments_per_partition")
            if spread:
                print(f"{'':>8} dask: comments per partition: mean {spread['mean']:,.0f}, "
                      f"99th percentile {spread['p99']:,.0f}, largest {spread['largest']:,} "
                      f"({spread['largest'] / spread['mean']:.2f}x the mean)", flush=True)
            if dask_.get("parse_worker_peaks_mb"):
                print(f"{'':>8} dask: parse and save on other workers, their peaks "
                      f"{', '.join(f'{p:.0f}' for p in dask_['parse_worker_peaks_mb'])} MB; the "
                      f"peaks above are the analysis's", flush=True)
            if "stage_peaks_mb" in dask_:
                print(f"{'':>8} dask: largest worker's peak after "
                      + ", ".join(f"{k} {v:.0f}" for k, v in dask_["stage_peaks_mb"].items())
                      + f" MB; client {dask_['client_peak_mb']:.0f} MB, "
                      + f"{dask_.get('client_cpu', float('nan')):.1f} CPU s (with the scheduler)",
                      flush=True)
            if "task_records" in dask_:
                print(f"{'':>8} dask: task records the workers keep, after "
                      + ", ".join(f"{k} {' / '.join(f'{n:,}' for n in v)}"
                                  for k, v in dask_["task_records"].items()), flush=True)
            for key, worker, when in (("parse_peak_raised_by", "parse worker", ""),
                                      ("peak_raised_by", "worker", " after the read")):
                for number, raisers in enumerate(dask_.get(key, []), 1):
                    print(f"{'':>8} dask: {worker} {number} (by peak)'s peak raised{when} by "
                          + "; ".join(f"{label} {mb:.0f} MB" for label, mb in raisers),
                          flush=True)
            for number, parts in enumerate(dask_.get("memory_at_peak", []), 1):
                if "python_heap" not in parts or "c_heap" not in parts:
                    continue
                print(f"{'':>8} dask: worker {number} (by peak) just after its peak reached "
                      f"{parts['peak']:.0f} MB, {parts['resident']:.0f} MB resident: "
                      f"Python's small-object heap "
                      f"{parts['python_heap']:.0f} ({parts['python_in_use']:.0f} in use), C heap "
                      f"{parts['c_heap']:.0f} ({parts['c_in_use']:.0f} in use), libraries "
                      f"{parts['libraries']:.0f}, the rest {parts['rest']:.0f} (Arrow's pool, "
                      f"stacks); in these, Arrow's allocations {parts.get('arrow', 0):.0f} MB, "
                      f"the results Dask holds {parts.get('dask', 0):.0f} MB"
                      + (f" ({parts['results_held']:,} results; {parts['task_records']:,} "
                         "task records)" if "task_records" in parts else "")
                      + (f", the shuffles' buffers {parts['p2p_comms']:.0f} MB to send and "
                         f"{parts['p2p_disk']:.0f} MB to write" if "p2p_disk" in parts else ""),
                      flush=True)
            for number, largest in enumerate(dask_.get("largest_p2p_buffers", []), 1):
                if largest:
                    print(f"{'':>8} dask: worker {number} (by peak): the shuffles' buffers held "
                          f"at most {largest.get('p2p_comms', 0):.0f} MB to send and "
                          f"{largest.get('p2p_disk', 0):.0f} MB to write (read every quarter "
                          "second after the read)", flush=True)
            top = sorted(dask_.get("task_seconds", {}).items(), key=lambda item: -item[1])[:6]
            if top:
                print(f"{'':>8} dask: seconds per GB in the task groups that took most "
                      + "; ".join(f"{group} {seconds / gb:,.0f}" for group, seconds in top),
                      flush=True)
            for number, got in enumerate(dask_.get("received", []), 1):
                print(f"{'':>8} dask: worker {number} (by peak) received from the other "
                      f"workers in {got['logged']:,} of its {got['gathers']:,} gathers (besides "
                      "the shuffles) " + "; ".join(f"{group} {n:,} results {mb:.1f} MB"
                                                   for group, n, mb in got["groups"]),
                      flush=True)
        if len(results) == 2 and results["dask"].get("matrix") is not None:
            pandas, dask_ = results["pandas"], results["dask"]
            same = pandas["matrix"] == dask_["matrix"] and pandas["sentences"] == dask_["sentences"]
            print(f"{'':>8} same answers as pandas: {'yes' if same else 'NO'}", flush=True)
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
