"""The Dask engine: the same analyses on ``dask.dataframe``, on one machine or a cluster.

A :class:`DaskCorpus` holds posts and comments partitioned by post: every comment of a post
sits in the partition of its post, after one shuffle on ``post_id``. Each analysis then runs
the pandas function of the same name on each partition (``map_partitions``), so the Dask
engine never has an implementation of its own to drift from the pandas one; roles, which are
decided per author across all posts, find cues per partition and decide per author in one
group-by. ``.compute()`` on any result gives the pandas table, equal row for row (after
sorting) to what the pandas function returns on the whole corpus.

Work runs on a ``dask.distributed`` cluster: the current client if there is one, else the
scheduler address given (``tcp://host:8786``, a dask-jobqueue or Kubernetes cluster's
address), else a :class:`~distributed.LocalCluster` started on first use
(:func:`get_client`).

Examples
--------
>>> import msdiscourse.dask as mdd                                      # doctest: +SKIP
>>> client = mdd.get_client(workers=2)                                  # doctest: +SKIP
>>> corpus = mdd.read_reddit(["RS_2023-01.zst", "RC_2023-01.zst", "RC_2023-02.zst"],
...                          subreddits=["MultipleSclerosis"])          # doctest: +SKIP
>>> sentences = corpus.split_sentences()                                # doctest: +SKIP
>>> tone = corpus.score_tone(sentences)                                 # doctest: +SKIP
>>> roles = corpus.assign_roles(blog_is_research=False)                 # doctest: +SKIP
>>> exchanges = corpus.reply_exchanges(roles=roles, tone=corpus.comment_tone())  # doctest: +SKIP
>>> corpus.exchange_matrix(exchanges, value="tone_shift")               # doctest: +SKIP
>>> corpus.save("data/processed")                                       # doctest: +SKIP
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

try:
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - no [dask] extra: the engine's calls say so when made
    _WorkerPlugin = object

from msdiscourse.corpus import _OWNED as _CORPUS_OWNED
from msdiscourse.corpus import (
    COMMENT_COLUMNS,
    SCHEMA_VERSION,
    FURNITURE_COLUMNS,
    POST_COLUMNS,
    UNPARSED_COLUMNS,
    Corpus,
    coerce_frame,
    empty_frame,
)

__all__ = [
    "ARROW_MEMORY_POOLS",
    "ENGINES",
    "GIVE_BACK_BYTES",
    "GiveBackMemory",
    "LAYOUT",
    "Analyses",
    "DaskCorpus",
    "analyses",
    "compute",
    "from_corpus",
    "get_client",
    "is_partitioned",
    "load_partitioned",
    "read_corpus",
    "read_processed",
    "read_reddit",
]

#: the ``layout`` a partitioned save writes into ``manifest.json``
LAYOUT = "partitioned"
_PART = "_part"
_ORDER = ("_o1", "_o2")  # corpus order: (file or post key, row or position)
_LOCAL_KEYS = ("comment_id", "post_id", "thread_id", "sentence_id")
#: freed bytes a worker's C heap may hold before :class:`GiveBackMemory` hands them back
GIVE_BACK_BYTES = 4 * 2**20


def _dd():
    import dask.dataframe as dd

    return dd


# -- the cluster -----------------------------------------------------------------------------
def get_client(scheduler: str | None = None, *, workers: int | None = None,
               threads_per_worker: int = 1, profile: bool = False,
               arrow_memory_pool: str | None = "system",
               give_back_memory: int | None = GIVE_BACK_BYTES, **cluster_options):
    """Return a ``distributed.Client``: the current one, one for ``scheduler``, or a new local one.

    Parameters
    ----------
    scheduler
        A scheduler address (``"tcp://10.0.0.5:8786"``) or a cluster object
        (``dask_jobqueue.SLURMCluster(...)``, ``dask_kubernetes.KubeCluster(...)``); default:
        the client already running in this process, else a new ``LocalCluster``.
    workers
        Worker processes of the new ``LocalCluster`` (default: one per core).
    threads_per_worker
        Threads per local worker (default 1: the analyses are pure Python, so processes,
        not threads, give parallelism).
    profile
        Run the new local workers' statistical profiler (default off). It samples each
        worker's stack every 10 ms for the dashboard's Profile page (which a new cluster
        here does not serve unless ``dashboard_address`` is given) and keeps the last
        1,000 seconds of it: tens of thousands of small dicts, which left a worker
        50 to 100 MB larger after a 5-minute run (see docs/scale-measurements.md). On a cluster of your own, set
        ``distributed.worker.profile.enabled: false`` in its Dask configuration for the
        same saving.
    arrow_memory_pool
        Arrow's allocator in the new local workers (``ARROW_DEFAULT_MEMORY_POOL``, set before
        each worker process starts): ``"system"`` (the default: the C library's ``malloc``,
        whose freed memory each partition's task hands back, see :func:`_giving_back_memory`),
        ``"mimalloc"`` or ``"jemalloc"``; ``None`` leaves pyarrow's own default (mimalloc in
        its wheels). The disk-backed shuffle cuts every input partition into Arrow tables,
        one per output partition, and mimalloc kept what they freed: parsing 2 GB of
        Reddit dump into 1,024 partitions, the largest worker peaked at 492 MB with it and
        403 MB with the system's allocator (256 MB, both in one run: 446 to 461 against 347
        to 354 MB, the same CPU; docs/scale-measurements.md).
        A value already in this process's environment, or in the Dask configuration's
        ``distributed.nanny.pre-spawn-environ``, wins (not its ``environ``: a worker's
        pyarrow has allocated before that reaches it). On a cluster of your own, set it in
        the workers' environment (see docs/scale.md, "Clusters").
    give_back_memory
        The new local workers hand their freed heap back to the system after a task when
        its free chunks hold more than this many bytes (a :class:`GiveBackMemory` plugin;
        default :data:`GIVE_BACK_BYTES`, 4 MiB; ``0``: after every task); ``None``: no
        plugin. On a cluster of your own, register the plugin yourself (see there).
    **cluster_options
        Passed to ``LocalCluster`` (``memory_limit="4GB"``, ``dashboard_address=None`` ...).

    Examples
    --------
    >>> client = get_client(workers=2)                                  # doctest: +SKIP
    >>> client = get_client("tcp://10.0.0.5:8786")                      # doctest: +SKIP
    >>> client = get_client(workers=2, arrow_memory_pool=None)          # doctest: +SKIP
    """
    import dask
    from distributed import Client, LocalCluster, default_client

    if give_back_memory is not None and give_back_memory < 0:
        raise ValueError(f"give_back_memory: expected bytes (0 or more) or None; "
                         f"got {give_back_memory!r}")
    if arrow_memory_pool is not None and arrow_memory_pool not in ARROW_MEMORY_POOLS:
        raise ValueError(f"arrow_memory_pool: expected one of {', '.join(ARROW_MEMORY_POOLS)} "
                         f"or None; got {arrow_memory_pool!r}")

    try:
        current = default_client()
    except ValueError:
        current = None
    if scheduler is not None:
        address = scheduler if isinstance(scheduler, str) else getattr(scheduler, "scheduler_address", None)
        if current is not None and current.scheduler is not None \
                and current.scheduler.address == address:
            return current
        return Client(scheduler)
    if current is not None:
        return current
    cluster_options.setdefault("dashboard_address", None)
    settings = {"distributed.worker.profile.enabled": bool(profile)}
    spawn_environment = dask.config.get("distributed.nanny.pre-spawn-environ", {}) or {}
    set_pool = (arrow_memory_pool is not None and _ARROW_POOL not in os.environ
                and _ARROW_POOL not in spawn_environment)
    if set_pool:
        # pyarrow reads it at its first allocation, which a worker process makes before
        # the nanny's ``environ`` reaches it: it must be there when the process starts
        settings[f"distributed.nanny.pre-spawn-environ.{_ARROW_POOL}"] = arrow_memory_pool
    # the nannies hand the configuration of this moment to the worker processes they start
    try:
        with dask.config.set(settings):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker,
                                   processes=True, **cluster_options)
    finally:
        if set_pool:
            # the nannies start their processes with this process's environment, which
            # they update for it: left there, this process's own pyarrow, if it has not
            # allocated yet, would take the workers' allocator
            os.environ.pop(_ARROW_POOL, None)
    client = Client(cluster)
    if give_back_memory is not None:
        client.register_plugin(GiveBackMemory(give_back_memory))
    return client


#: the environment variable that picks Arrow's default allocator (see :func:`get_client`)
_ARROW_POOL = "ARROW_DEFAULT_MEMORY_POOL"
#: the allocators pyarrow's wheels can give that variable
ARROW_MEMORY_POOLS = ("system", "mimalloc", "jemalloc")


def _keep_objects(function: Callable) -> Callable:
    """Build the graph with Dask's string conversion off: list columns (``tags``) stay lists."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        import dask

        with dask.config.set({"dataframe.convert-string": False}):
            return function(*args, **kwargs)

    return wrapper


def _giving_back_memory(function: Callable) -> Callable:
    """``function``, then the memory it freed handed back to the system (a partition's task).

    glibc keeps what a process frees for reuse and hands it back to the system only from
    the top of its heap; a worker that has run hundreds of partitions holds freed pages
    between live ones, and its resident memory rose with the number of partitions it had
    run. Handing them back when each partition's work is done (``malloc_trim``, well under
    a millisecond) took the largest worker's peak at 512 MB of Reddit dump (128 partitions
    per worker) from 586 to 529 MB; see docs/scale-measurements.md. Elsewhere (macOS, Windows, musl)
    the call is skipped.
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            _forget_memoised()
            _give_back_freed_memory()

    return wrapper


#: (module, function) of the ``functools.lru_cache`` memos that :func:`_forget_memoised` empties;
#: the last is Dask's own (see there)
_MEMOISED = (("msdiscourse.roles", "_key_of_name"), ("msdiscourse.tone", "compound_of"),
             ("msdiscourse.sarcasm", "_polarity"), ("dask.utils", "key_split"))


def _forget_memoised() -> None:
    """Empty this process's caches of results per text or name (a partition's task ends).

    Each is bounded (65,536 names' keys, 65,536 clauses' VADER scores in each of two
    memos, 500,000 VADER tokens) and saves work within a partition, whose texts repeat
    names and words. Kept for the worker's life, they filled to their bounds over
    hundreds of partitions (28 MB of small objects at the end of an analysis of 512 MB of
    Reddit dump), their entries scattered between each task's short-lived objects in
    Python's heap, whose arenas are handed back only when wholly free. Emptied after each
    partition, the largest worker peaked at 449 MB there instead of 489, and at 414 MB
    instead of 450 on 128 MB, with the same CPU (docs/scale-measurements.md).

    Dask's ``key_split`` (a task's group name from its key) has the same kind of memo, of
    100,000 entries: the worker asks it for every task it hears of, and each entry keeps
    the key itself alive after the task's record is gone, about 60 entries per partition
    (7.7 MB of memo and 5.8 MB of keys at a 1 GB share of Reddit dump on two workers,
    made while tasks run). Emptied here too: the worker only uses it to name a task's
    group, which it finds again in microseconds.
    """
    # only in the modules this process has imported (a task that reads files needs none),
    # and only once defined: another thread of the worker may be importing one right now
    for module_name, cached in _MEMOISED:
        memo = getattr(sys.modules.get(module_name), cached, None)
        if memo is not None:
            memo.cache_clear()
    forget_tokens = getattr(sys.modules.get("msdiscourse._vader"), "forget_tokens", None)
    if forget_tokens is not None:
        forget_tokens()


def _give_back_freed_memory() -> bool:
    """Hand this process's freed heap pages back to the system; False where there is no glibc."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim`` (looked up once per process), or None where the C library
    has none (macOS, musl, Windows)."""
    import ctypes

    try:  # the process's own symbols, as corpus._exchange finds renameat2
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # TypeError: Windows loads no None
        return None


class GiveBackMemory(_WorkerPlugin):
    """A Dask worker plugin: after each task, the worker's freed heap handed back to the
    system (glibc's ``malloc_trim``) when its free chunks add up to more than ``threshold``
    bytes (``mallinfo2().fordblks``, which still counts pages handed back before: a heap
    that keeps more free chunks than that is trimmed after every task that holds a result).

    msdiscourse's own partition tasks hand back what they freed (:func:`_giving_back_memory`),
    but most of a shuffle's tasks are Dask's (each input's transfer, the concatenations),
    and what they freed stayed in the heap between live blocks, more of it the longer the
    shuffle ran: parsing 2 GB of Reddit dump, 45 MB of freed heap at the median of the
    transfers against 9 MB at 256 MB, and the largest worker's peak rose from 359-368 to
    410-423 MB. With this plugin at 4 MiB: 327-371 and 369 MB, the same CPU (handed back
    after every task, 373 and 377 MB, but 12 to 16% more CPU: the pages handed back are
    faulted in again; docs/scale-measurements.md). Asking glibc what the heap holds free
    (``mallinfo2``) takes about 11 microseconds.

    :func:`get_client` registers it on the local cluster it starts. On a cluster of your
    own, register it yourself (it travels to every worker, present and future); where the
    C library is not glibc (macOS, musl), it does nothing.

    >>> client.register_plugin(mdd.GiveBackMemory())                    # doctest: +SKIP
    """

    name = "msdiscourse-give-back-memory"
    idempotent = True

    def __init__(self, threshold: int = GIVE_BACK_BYTES):
        self.threshold = threshold

    def transition(self, key, start: str, finish: str, **kwargs) -> None:
        if finish == "memory":
            _give_back_if_held(self.threshold)


def _give_back_if_held(threshold: int) -> bool:
    """Hand the freed heap back if its free chunks hold more than ``threshold`` bytes;
    whether it did."""
    held = _freed_heap_bytes()
    if held is None or held <= threshold:
        return False
    return _give_back_freed_memory()


def _freed_heap_bytes() -> int | None:
    """Bytes in the free chunks of this process's C heap (glibc's ``mallinfo2().fordblks``:
    pages ``malloc_trim`` handed back still count until reused), or None where the C
    library has no ``mallinfo2`` (glibc before 2.33, macOS, musl)."""
    mallinfo2 = _mallinfo2()
    return None if mallinfo2 is None else mallinfo2().fordblks


@functools.cache
def _mallinfo2():
    import ctypes

    class _Mallinfo2(ctypes.Structure):
        _fields_ = [(field, ctypes.c_size_t) for field in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    try:
        function = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError, TypeError):
        return None
    function.restype = _Mallinfo2
    function.argtypes = []
    return function


# -- partitioning ---------------------------------------------------------------------------
def _mapped(func: Callable, /, *args, meta, **options):
    """``func`` on partition ``i`` of every Dask frame in ``args``, for each ``i``
    (partitions paired by number, not aligned by index); ``meta`` is its result on the frames'
    empty ``_meta``, which every function here returns for an empty partition too.

    Dask's check of each result against ``meta`` (``enforce_metadata``) is off: it puts
    ``meta``, an empty table, into every task, and a worker keeps the record of every task
    behind a result it holds (a persisted corpus holds the chain that computed it; the
    joins kept on disk held theirs until :func:`_kept_on_disk` cut them off), each with
    its own copy: at 128 MB of Reddit dump 10 MB of them on the worker that ran a
    shuffle's barrier, growing with the number of partitions.
    """
    return _dd().map_partitions(_loading(func), *args, meta=meta, enforce_metadata=False,
                                align_dataframes=False, **options)


def _loading(func: Callable) -> Callable:
    """``func``, with each :class:`_OnDisk` handle among its arguments loaded first (the
    partitions of a frame from :func:`_kept_on_disk` are read by the task that uses them)."""
    @functools.wraps(func)
    def loading(*args, **kwargs):
        return func(*[arg.load() if isinstance(arg, _OnDisk) else arg for arg in args],
                    **kwargs)

    return loading


def _part_of(keys: pd.Series, npartitions: int) -> np.ndarray:
    """The partition of each key: a hash that is the same in every process and run."""
    hashed = pd.util.hash_pandas_object(keys.astype("string").fillna(""), index=False)
    return (hashed.to_numpy() % np.uint64(npartitions)).astype("int64")


#: corpus partitions per partition of a table keyed across the corpus (role evidence, the
#: names the vocatives spell, author keys): such a table holds at most about a quarter of
#: a corpus partition's bytes per partition, and every output partition of a shuffle is read
#: back from one piece per input partition, so at one partition per corpus partition a
#: shuffle of ``n`` partitions reads back ``n * n`` pieces of a few rows each
_KEYED_SHARE = 4


def _keyed_partitions(npartitions: int) -> int:
    """How many partitions a table keyed across a corpus of ``npartitions`` is shuffled into.

    >>> _keyed_partitions(512), _keyed_partitions(3)
    (128, 1)
    """
    return -(-npartitions // _KEYED_SHARE)


def _by_post_together(posts, comments, npartitions: int):
    """Shuffle a corpus's posts and comments by ``post_id`` in one shuffle; two frames back.

    One shuffle, not one per table: Dask's disk-backed shuffle ("p2p") places each output
    partition on a worker of its own choosing and rotates that choice from one shuffle to
    the next, so partition ``i`` of two shuffles sat on different workers for about half
    the partitions, and every analysis of an assembled corpus moved one table's share
    between workers (:func:`_shuffled_together`).
    """
    return _shuffled_together([posts, comments], "post_id", npartitions)


def _shuffled_together(frames: list, column: str | Sequence[str], npartitions: int, *,
                       cut: list | None = None) -> tuple:
    """Shuffle tables that are joined on ``column`` in one shuffle; one frame back per table.

    Partition ``i`` of every frame returned holds the rows of that table whose ``column``
    hashes to ``i`` (:func:`_part_of`), and all of them are unpacked from one
    shuffled partition, on the worker that holds it. ``column`` may name one column per
    table (the tables of two joins on different keys, which then share the shuffle).
    Two tables shuffled apart and then joined partition by partition make the outputs of
    the shuffle that finishes first wait in memory for the other: all of them, since a
    shuffle's outputs are ready at once. At 1 GB of Reddit dump a worker held 32 outputs
    of the role evidence's shuffle (72 MB) while the comment groups' shuffle was still
    taking its input, a share that grows with the input.

    Each input partition is cut into the pieces bound for each output partition
    (:func:`_packed`), and each piece travels pickled, as its columns' values: the shuffle
    moves Arrow tables, which give a column of Python lists (the posts' ``tags``) back as
    arrays and refuse a column of mixed types (a reader's extra column); pickled, every
    value comes back as it went, and every column gets back its dtype.

    ``cut``, a list, has the pieces computed first and kept on disk (:func:`_cut_off`,
    which adds the results that hold them to the list), so that the shuffle starts from
    them and not from the steps that made them: for the callers that compute the
    shuffle's result at once (the role decisions, the exchanges' context) and then let
    the pieces go (:func:`_let_go`), not for a lazy one. The pieces are then kept in as
    many partitions as the shuffle has outputs, each the pieces of all tables from a run
    of consecutive input partitions (:data:`_KEYED_SHARE` of them at most, for tables of
    as many partitions): a worker holds a record for each kept partition, each load and
    each transfer until the shuffle's barrier, and at one kept partition per table and
    input partition a worker held 6,000 to 7,800 records in the two keyed shuffles of 2 GB
    of Reddit dump, against 10 to 30 in the steps before them; Python's heap grew by
    50 MB there and stayed at that high-water mark to the end.
    """
    tables = len(frames)
    columns = [column] * tables if isinstance(column, str) else list(column)
    if len(columns) != tables:
        raise ValueError(f"{tables} tables to shuffle, {len(columns)} columns: {column!r}")
    layouts = [_layout_of(frame._meta) for frame in frames]
    meta = _packed(frames[0]._meta.iloc[:0], table=0, tables=tables, parts=npartitions,
                   column=columns[0], layout=layouts[0])
    options = {"tables": tables, "outputs": npartitions, "columns": columns, "layouts": layouts}
    if cut is not None and len({frame.npartitions for frame in frames}) == 1:
        # partition i of every table packed in one task: a run of consecutive partitions
        # then holds every table's pieces of the same input partitions, whose shared
        # steps (a corpus partition read) run once, together
        packed = _mapped(_packed_together, *frames, **options, meta=meta)
    else:
        packed = _dd().concat([_mapped(_packed_together, frame, **options, first=number,
                                       meta=meta) for number, frame in enumerate(frames)])
    if cut is not None:
        if packed.npartitions > npartitions:
            packed = packed.repartition(npartitions=npartitions)
        packed = _cut_off(packed, cut)
    shuffled = _to_part(packed, _PART, npartitions)
    return tuple(_mapped(_unpacked, shuffled, table=number, layout=layouts[number],
                         meta=frame._meta)
                 for number, frame in enumerate(frames))


def _layout_of(frame: pd.DataFrame) -> tuple:
    """A table's column names, the dtype of its column index and its columns' dtypes: what
    a shuffle's task needs of Dask's empty ``_meta`` frame.

    A task given the empty frame itself carries its many objects (indexes, blocks) in its
    record on the worker, a copy per task, for as long as the worker holds the record
    (see :func:`_mapped`).

    >>> _empty_of(_layout_of(pd.DataFrame({"n": pd.Series(dtype="int64")}))).dtypes.tolist()
    [dtype('int64')]
    """
    return tuple(frame.columns), frame.columns.dtype, tuple(frame.dtypes)


def _empty_of(layout: tuple) -> pd.DataFrame:
    """The empty table of a :func:`_layout_of` layout."""
    names, columns_dtype, dtypes = layout
    frame = pd.DataFrame({i: pd.Series(dtype=dtype) for i, dtype in enumerate(dtypes)})
    frame.columns = pd.Index(list(names), dtype=columns_dtype)
    return frame


def _packed(part: pd.DataFrame, *, table: int, tables: int, parts: int, column: str,
            layout: tuple, partition_info=None) -> pd.DataFrame:
    """One partition of table number ``table`` (of ``tables`` shuffled together) as pickled
    pieces, one per output partition its rows' ``column`` hashes to; ``layout`` is the
    table's :func:`_layout_of`.

    A row per piece: ``_part`` (its output partition), ``_table``, ``_from`` (this
    partition's number and table, which put the pieces back in one order whatever order
    the shuffle delivers them in) and ``_piece`` (the rows, :func:`_pieces_of`).
    """
    number = partition_info["number"] if partition_info else 0
    part = part.reset_index(drop=True)
    targets = _part_of(part[column], parts) if len(part) else np.zeros(0, dtype="int64")
    pieces = _pieces_of(part, targets, _empty_of(layout))
    return pd.DataFrame({
        _PART: np.asarray([t for t, _ in pieces], dtype="int64"),
        "_table": np.full(len(pieces), table, dtype="int64"),
        "_from": np.full(len(pieces), tables * number + table, dtype="int64"),
        "_piece": pd.Series([p for _, p in pieces], dtype=object)})


def _packed_together(*frames: pd.DataFrame, tables: int, outputs: int, columns: list,
                     layouts: list, first: int = 0, partition_info=None) -> pd.DataFrame:
    """Partition ``i`` of tables number ``first``, ``first + 1``, ... (one per frame given)
    as the :func:`_packed` pieces of each, in one table; ``columns`` and ``layouts`` name
    every table's key column and :func:`_layout_of`, ``outputs`` the shuffle's partitions.
    """
    packed = [_packed(part, table=first + offset, tables=tables, parts=outputs,
                      column=columns[first + offset], layout=layouts[first + offset],
                      partition_info=partition_info)
              for offset, part in enumerate(frames)]
    return packed[0] if len(packed) == 1 else pd.concat(packed, ignore_index=True)


def _pieces_of(rows: pd.DataFrame, targets: np.ndarray, like: pd.DataFrame) -> list:
    """``rows`` cut by ``targets`` (an integer per row), each piece pickled as one list of
    values per column: ``[(target, bytes), ...]`` in increasing target, rows in their order.

    A pickled table carries its layout (index, column names, a dtype and a block per
    column) in every piece: about 3 KB, while a piece of a table keyed across the corpus
    holds a few rows. A shuffle has a piece for every pair of input and output partitions,
    so that layout made the role evidence's shuffle move 3.3 times the evidence at 1,024
    partitions, and more as the partitions grow in number. The layout is the table's empty
    frame ``like`` (the Dask frame's ``_meta``), which both ends know; the pieces carry the
    names and dtypes of their columns only where these differ from it.
    :func:`_table_of_pieces` puts pieces back together.

    >>> like = pd.DataFrame({"name": pd.Series(dtype="string")})
    >>> rows = pd.DataFrame({"name": pd.array(["a", None, "c"], dtype="string")})
    >>> pieces = _pieces_of(rows, np.array([1, 0, 1]), like)
    >>> [target for target, _ in pieces]
    [0, 1]
    >>> _table_of_pieces([piece for _, piece in pieces], like)
       name
    0  <NA>
    1     a
    2     c
    """
    import pickle

    if not len(rows):
        return []
    dtypes = list(rows.dtypes)
    same = (rows.columns.equals(like.columns)
            and all(dtype == expected for dtype, expected in zip(dtypes, like.dtypes)))
    layout = None if same else (list(rows.columns), dtypes)
    order = np.argsort(targets, kind="stable")
    ordered = np.asarray(targets)[order]
    values = [rows.iloc[order, i].tolist() for i in range(rows.shape[1])]
    starts = np.concatenate([[0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1])
    ends = np.append(starts[1:], len(ordered))
    return [(int(ordered[start]),
             pickle.dumps((layout, [column[start:end] for column in values]), protocol=5))
            for start, end in zip(starts.tolist(), ends.tolist())]


def _table_of_pieces(pieces: list, like: pd.DataFrame) -> pd.DataFrame:
    """The table of :func:`_pieces_of` pieces, in their order, with a fresh row index.

    Consecutive pieces of one layout are built into one table: a table built per piece
    cost about 4 ms, and a shuffle's output is read back from a piece per input. A
    table whose column types differ from the empty frame's carries a layout in every
    piece (the parse's tables did, when ``published`` came out of the files at a finer
    unit than the empty frame's: half the parse's CPU at 1 GB).
    """
    import pickle

    loaded = [pickle.loads(piece) for piece in pieces]

    def table(layout, runs: list) -> pd.DataFrame:
        names, dtypes = layout if layout is not None else (list(like.columns), list(like.dtypes))
        frame = pd.DataFrame({i: pd.Series([value for values in runs for value in values[i]],
                                           dtype=dtype)
                              for i, dtype in enumerate(dtypes)})
        frame.columns = pd.Index(names) if layout is not None else like.columns
        return frame

    groups: list[tuple] = []  # (layout, [values of each piece]) for runs of one layout
    for layout, values in loaded:
        if groups and _same_layout(groups[-1][0], layout):
            groups[-1][1].append(values)
        else:
            groups.append((layout, [values]))
    if len(groups) == 1:
        return table(*groups[0])
    return pd.concat([table(layout, runs) for layout, runs in groups], ignore_index=True)


def _same_layout(first, second) -> bool:
    """Whether two pieces' layouts (None: the empty frame's) name the same columns and dtypes."""
    if first is None or second is None:
        return first is second
    return first[0] == second[0] and all(a == b for a, b in zip(first[1], second[1]))


def _unpacked(shuffled: pd.DataFrame, *, table: int, layout: tuple) -> pd.DataFrame:
    """The rows of table number ``table`` in one partition of :func:`_packed` pieces, in the
    order of the partitions they came from; the table's empty frame (of its
    :func:`_layout_of` ``layout``) when there are none."""
    mine = shuffled[shuffled["_table"].to_numpy() == table].sort_values("_from", kind="stable")
    pieces = mine["_piece"].tolist()
    like = _empty_of(layout)
    if not pieces:
        return like
    return _table_of_pieces(pieces, like)


def _clean(part: pd.DataFrame, columns) -> pd.DataFrame:
    """A partition as the pandas functions expect it: corpus order, contract dtypes."""
    part = part.reset_index(drop=True)
    if len(part):
        part = part.sort_values(list(_ORDER), kind="stable")
    return coerce_frame(part.drop(columns=[c for c in _ORDER if c in part.columns]), columns)  # schema-ok: own helper columns


def _prepare(part: pd.DataFrame, columns, partition_info=None) -> pd.DataFrame:
    """Sort a partition into corpus order and give it the contract dtypes, once.

    Done when a corpus is assembled or reopened, so that the analyses, which each see
    every partition, only drop the order columns (:func:`_partition_corpus`).
    """
    number = partition_info["number"] if partition_info else 0
    part = part.reset_index(drop=True)
    if len(part):
        part = part.sort_values(list(_ORDER), kind="stable")
    part = coerce_frame(part, columns)
    part.index = pd.Index(np.full(len(part), number, dtype="int64"), name=_PART)
    return part


def _prepared(frame, columns):
    return _mapped(_prepare, frame, columns, meta=_prepare(frame._meta, columns))


def _strip(part: pd.DataFrame) -> pd.DataFrame:
    return part.drop(columns=[c for c in _ORDER if c in part.columns]).reset_index(drop=True)  # schema-ok: own helper columns


def _partition_corpus(posts: pd.DataFrame, comments: pd.DataFrame) -> Corpus:
    """A prepared partition as a pandas corpus (corpus order, contract dtypes)."""
    return Corpus(posts=_strip(posts), comments=_strip(comments))


def _indexed(frame: pd.DataFrame, number: int) -> pd.DataFrame:
    """Give a per-partition result the partition's index, so results stay aligned."""
    frame = frame.reset_index(drop=True)
    frame.index = pd.Index(np.full(len(frame), number, dtype="int64"), name=_PART)
    return frame


@_giving_back_memory
def _on_corpus(posts, comments, *others, function: Callable, options: dict,
               partition_info=None):
    number = partition_info["number"] if partition_info else 0
    corpus = _partition_corpus(posts, comments)
    others = [o.reset_index(drop=True) if isinstance(o, pd.DataFrame) else o for o in others]
    return _indexed(function(corpus, *others, **options), number)


@_giving_back_memory
def _on_frames(*frames, function: Callable, options: dict, partition_info=None):
    number = partition_info["number"] if partition_info else 0
    frames = [f.reset_index(drop=True) for f in frames]
    return _indexed(function(*frames, **options), number)


# -- the corpus ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DaskCorpus:
    """Posts and comments as Dask frames partitioned by post, with the pandas analyses on them.

    Make one with :func:`read_reddit`, :func:`read_corpus`, :func:`from_corpus` or
    :func:`read_processed`. Every method returns a Dask frame (call ``.compute()`` for the
    pandas table) whose partitions line up with the corpus's, so results can be passed on to
    the next method without another shuffle.

    Attributes
    ----------
    posts, comments : dask.dataframe.DataFrame
        The corpus tables (plus two order columns), index = partition number.
    unparsed, furniture : dask.dataframe.DataFrame
        As in :class:`~msdiscourse.corpus.Corpus`.
    npartitions : int
    """

    posts: object
    comments: object
    unparsed: object
    furniture: object
    npartitions: int

    # -- running the pandas functions per partition ---------------------------------------
    def _map(self, function: Callable, *others, **options):
        meta = _indexed(function(_partition_corpus(self.posts._meta, self.comments._meta),
                                 *[_meta_of(o) for o in others], **options), 0)
        return _mapped(_on_corpus, self.posts, self.comments, *others, function=function,
                       options=options, meta=meta)

    @staticmethod
    def _map_frames(function: Callable, *frames, **options):
        meta = _indexed(function(*[_meta_of(f) for f in frames], **options), 0)
        return _mapped(_on_frames, *frames, function=function, options=options, meta=meta)

    # -- the analyses ----------------------------------------------------------------------
    @_keep_objects
    def split_sentences(self, **options):
        """:func:`msdiscourse.split_sentences` per partition (options as there)."""
        from msdiscourse.sentences import split_sentences

        return self._map(_call(split_sentences), **options)

    @_keep_objects
    def score_tone(self, sentences, **options):
        """:func:`msdiscourse.score_tone` per partition (one process per worker: ``n_jobs=1``)."""
        from msdiscourse.tone import score_tone

        options = {"n_jobs": 1, "progress": False, **options}
        return self._map_frames(score_tone, sentences, **options)

    @_keep_objects
    def comment_tone(self, sentences=None, **options):
        """:func:`msdiscourse.comment_tone` per partition (a comment's quotes are in its post);
        with ``sentences`` (this corpus's :meth:`split_sentences`) comments are not split again."""
        from msdiscourse.tone import comment_tone

        options = {"n_jobs": 1, "progress": False, **options}
        if sentences is None:
            return self._map(comment_tone, **options)
        return self._map(_comment_tone_of_sentences, sentences, **options)

    @_keep_objects
    def find_markers(self, sentences, **options):
        """:func:`msdiscourse.find_markers` per partition of a sentence table."""
        from msdiscourse.sarcasm import find_markers

        return self._map_frames(find_markers, sentences, **options)

    @_keep_objects
    def marker_profile(self, markers, units, *, by: str = "comment_id", **options):
        """:func:`msdiscourse.marker_profile` per unit.

        Units inside one post (comment, post, thread, sentence) are profiled per partition;
        any other ``by`` (``"author"``) first gathers each unit's rows into one partition
        (a second shuffle, on ``by``, through the workers' disks).
        """
        from msdiscourse.sarcasm import marker_profile

        if by in _LOCAL_KEYS:
            return self._map_frames(marker_profile, markers, units, by=by, **options)
        if by not in markers.columns:  # schema-ok: markers carry by only once _attach_unit ran
            markers = self._map_frames(_attach_unit, markers, units, by=by)
        markers, units = _shuffled_together(
            [markers.reset_index(drop=True), units.reset_index(drop=True)], by, self.npartitions)
        return self._map_frames(marker_profile, markers, units, by=by, **options)

    @_keep_objects
    def assign_roles(self, *, known=None, codebook=None, blog_is_research: bool = True,
                     flair_roles=None, flair_column: str = "author_flair_text",
                     infer: bool = False):
        """:func:`msdiscourse.assign_roles`: cues per partition, then one decision per author.

        Each partition finds its comments' cues, post bodies (on a forum), flairs and
        bylines (:func:`~msdiscourse.role_evidence`, on the workers) and keeps the rows that
        can change a decision; a shuffle on the author (or anonymous comment) brings one
        author's rows together, where the decision is taken in corpus order as
        :func:`~msdiscourse.assign_roles` takes it (the same cue table and conflict
        policy); a second shuffle brings each partition its own authors' decisions, which
        give each comment its row. The decisions are computed when this is called and kept
        on the workers; nothing of the evidence passes through this process. ``known=``
        and a codebook (the user's own, small) go to every partition.
        ``infer=True`` is refused: the classifier learns from every text of every author,
        which is a whole-corpus step (run it on the pandas corpus).
        """
        from msdiscourse import roles as role_module

        if infer:
            raise NotImplementedError(
                "assign_roles(infer=True) on the Dask engine: the inference step trains one "
                "classifier on every author's whole text; run msd.assign_roles(corpus.compute(), "
                "infer=True) on a corpus that fits in memory, or infer=False")
        options = {"blog_is_research": blog_is_research, "flair_roles": flair_roles,
                   "flair_column": flair_column}
        # on the empty tables: the roles table's shape, and the options, known= and a
        # codebook checked here, before any partition runs
        no_evidence = role_module.role_evidence(
            _partition_corpus(self.posts._meta, self.comments._meta), **options)
        meta = _indexed(role_module.decide_roles(no_evidence, _strip(self.comments._meta),
                                                 known=known, codebook=codebook), 0)
        overrides = role_module._overrides(known, codebook)  # the user's: small, sent whole
        n, keyed = self.npartitions, _keyed_partitions(self.npartitions)
        # 1. each partition finds the cues of its own comments, post bodies, flairs and
        #    bylines, each row keyed by its decision group and its place in corpus order
        evidence = _mapped(
            _evidence_of_part, self.posts, self.comments, **options,
            meta=_evidence_of_part(self.posts._meta, self.comments._meta, **options))
        # 2. a group-by: every row of one author (or anonymous comment) meets in the
        #    partition its group hashes to (of a quarter as many as the corpus's: the
        #    evidence is small), where that group is decided, in corpus order; 3. each
        #    comment partition's groups go to the same hashed partitions in the same
        #    shuffle, pick up their decisions there and come back to the comment partition
        #    they came from
        groups = _mapped(_comment_groups, self.comments,
                         meta=_comment_groups(self.comments._meta))
        steps: list = []  # the steps' partitions kept on disk until the decisions are
        try:  # (and their files let go on an error too, not left to the garbage collector)
            evidence_here, groups_here = _shuffled_together([evidence, groups], _GROUP, keyed,
                                                            cut=steps)
            decisions = _mapped(_decide_part, evidence_here,
                                meta=_decide_part(evidence._meta))
            joined = _mapped(_join_decisions, groups_here, decisions,
                             meta=_join_decisions(groups._meta, decisions._meta))
            # computed now and kept on the workers (a partition's decisions, sized by its
            # authors): left lazy, this shuffle would be a barrier inside every later
            # computation, which would have to hold every partition's other results until
            # the last evidence row had been shuffled
            delivered = _kept_on_disk(_to_part(_cut_off(joined, steps), _HOME, n))
        finally:
            _let_go(steps)
        return _mapped(_apply_decisions, self.comments, delivered, overrides=overrides,
                       meta=meta)

    @_keep_objects
    def reply_exchanges(self, *, roles, tone=None, markers=None, post_roles=None):
        """:func:`msdiscourse.reply_exchanges` per partition.

        ``roles`` from :meth:`assign_roles`, ``tone`` from :meth:`comment_tone`, ``markers``
        from :meth:`marker_profile` (by comment), each a Dask frame aligned with the corpus
        (or a pandas table, sent whole to every partition). Two things a partition needs
        from the rest of the corpus are joined to it, sized by the partition: the author
        names its comments spell in a vocative ("Bernard, ...") that an author elsewhere
        carries (a join on the name across partitions: each partition's vocatives meet every
        partition's authors' names), and the roles of its posts' authors, who may have
        written only in other posts (a join on the author key across partitions). Both
        joins go through one shuffle there and one back, are computed when this is called
        and kept on the workers as one table per partition; nothing of them passes through
        this process.
        """
        from msdiscourse.exchanges import _author_roles

        n, keyed = self.npartitions, _keyed_partitions(self.npartitions)
        steps: list = []  # the steps' partitions kept on disk until the context is
        # each partition says which names its comments' vocatives spell and which names its
        # own authors carry, and the keys of its posts' authors; each author key's first
        # role comes from the roles table. The names meet on the name, the keys on the key,
        # in the same shuffle (each join within its own tables)
        needs = _mapped(_exchange_needs, self.posts, self.comments,
                        meta=_exchange_needs(self.posts._meta, self.comments._meta))
        post_keys = _mapped(_post_author_keys, self.posts,
                            meta=_post_author_keys(self.posts._meta))
        if isinstance(roles, pd.DataFrame):  # the user's table, already whole: one partition
            role_keys = _dd().from_pandas(_roles_frame(_author_roles(roles)), npartitions=1,
                                          sort=False)
        else:
            role_keys = _mapped(_first_role_per_author, roles,
                                meta=_first_role_per_author(roles._meta))
        try:
            joined = _mapped(_exchange_context,
                             *_shuffled_together([needs, post_keys, role_keys],
                                                 ("value", "key", "key"), keyed, cut=steps),
                             meta=_exchange_context(needs._meta, post_keys._meta,
                                                    role_keys._meta))
            # both joins back home in one shuffle, computed now and kept as one table per
            # partition: left lazy, the shuffles would be barriers inside every later
            # computation; kept apart (as before), each partition held two results on its
            # worker, each with its task record, while the exchanges ran
            context = _kept_on_disk(_to_part(_cut_off(joined, steps), _HOME, n))
        finally:
            _let_go(steps)
        frames = [roles, tone, markers, post_roles]
        present = [f for f in frames if f is not None and not isinstance(f, pd.DataFrame)]
        layout = [None if f is None else ("dask" if not isinstance(f, pd.DataFrame) else f)
                  for f in frames]
        return self._map(_call(_exchanges_with_context, layout=layout), context, *present)

    @staticmethod
    def exchange_matrix(exchanges, *, value: str = "n") -> pd.DataFrame:
        """:func:`msdiscourse.exchange_matrix` on the columns it needs (a small pandas table)."""
        from msdiscourse.exchanges import exchange_matrix

        frame = exchanges
        if not isinstance(frame, pd.DataFrame):
            frame = _compute(frame)[0]
        return exchange_matrix(frame.reset_index(drop=True), value=value)

    # -- privacy ---------------------------------------------------------------------------
    def pseudonymise(self, *, key: str | bytes | None = None, key_file: str | Path | None = None,
                     prefix: str = "P-", digits: int | None = None, name_parts: bool = True,
                     keep=()) -> DaskCorpus:
        """:func:`msdiscourse.pseudonymise` per partition, with the pseudonyms of the whole corpus.

        The key comes from :func:`msdiscourse.privacy.resolve_key` (the same search as the
        pandas function), read once here; the distinct names are gathered from every
        partition in corpus order and mapped once, so a name gets the same pseudonym in
        every partition, and a name written in one post is replaced when it is mentioned
        in another. Returns a new ``DaskCorpus``; the result equals the pandas function's.
        """
        from msdiscourse import privacy

        secret = privacy.resolve_key(key, key_file=key_file)
        digits = privacy.DIGITS if digits is None else digits
        names = _compute(*[
            _first_names(frame, column)
            for frame in (self.comments, self.posts) for column in privacy.NAME_COLUMNS
            if column in frame.columns])  # schema-ok: name columns a reader may add
        ordered = [name for table in names for name in _sorted(table)["_name"].tolist()]
        mapping, parts = privacy._maps(ordered, key=secret, prefix=prefix, digits=digits,
                                       name_parts=name_parts)
        options = {"mapping": mapping, "parts": parts, "keep": tuple(keep)}

        def apply(frame, name):
            meta = _pseudonymise_part(frame._meta, name=name, **options)
            return _mapped(_pseudonymise_part, frame, name=name, **options, meta=meta)

        return DaskCorpus(posts=apply(self.posts, "posts"), comments=apply(self.comments, "comments"),
                          unparsed=apply(self.unparsed, "unparsed"),
                          furniture=apply(self.furniture, "furniture"), npartitions=self.npartitions)

    # -- results -----------------------------------------------------------------------------
    def compute(self) -> Corpus:
        """The pandas :class:`~msdiscourse.corpus.Corpus` (posts and comments in corpus order)."""
        posts, comments, unparsed, furniture = _compute(self.posts, self.comments,
                                                        self.unparsed, self.furniture)
        return Corpus(posts=_clean(posts, POST_COLUMNS), comments=_clean(comments, COMMENT_COLUMNS),
                      unparsed=coerce_frame(unparsed.reset_index(drop=True), UNPARSED_COLUMNS),
                      furniture=coerce_frame(furniture.reset_index(drop=True), FURNITURE_COLUMNS))

    def save(self, folder: str | Path) -> Path:
        """Write a partitioned parquet dataset, atomically, with a verified manifest.

        ``posts/`` and ``comments/`` (one file per partition, written by the workers),
        ``unparsed.parquet``, ``furniture.parquet`` and ``manifest.json``, as
        :meth:`msdiscourse.Corpus.save` does for one file per table: everything is written
        into a temporary sibling folder first and swapped in at the end, so ``folder``
        holds either the previous complete dataset or the new one, never a mix of
        partitions from two saves. The manifest records, for every file, its rows, bytes
        and SHA-256 checksum; :func:`msdiscourse.load_processed` (and
        :func:`read_processed`, per partition on the workers) check them. On a cluster,
        ``folder`` must be on a file system every worker can write to.
        """
        import hashlib
        import os
        import tempfile

        from dask import delayed

        from msdiscourse import corpus as corpus_module

        target = Path(folder)
        folder = Path(os.path.abspath(target))
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"{target}: expected a folder to write the dataset into; found a file")
        folder.parent.mkdir(parents=True, exist_ok=True)
        corpus_module._recover(folder)
        corpus_module._clean_stale(folder)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-{os.getpid()}-",
                                        dir=folder.parent))
        try:
            writes = []
            for name in ("posts", "comments"):
                (staging / name).mkdir()
                writes.append([delayed(_write_part)(part, staging, f"{name}/part.{i:05d}.parquet")
                               for i, part in enumerate(getattr(self, name).to_delayed())])
            small = [delayed(_concat_parts)(frame.to_delayed()) for frame in (self.unparsed,
                                                                              self.furniture)]
            unparsed, furniture, post_parts, comment_parts = _compute(*small, *writes)
            manifest = {"format": "msdiscourse-partitioned", "schema_version": SCHEMA_VERSION,
                        "layout": LAYOUT, "npartitions": self.npartitions, "tables": {}}
            for name, parts in (("posts", post_parts), ("comments", comment_parts)):
                manifest["tables"][name] = {"rows": sum(p["rows"] for p in parts),
                                            "columns": parts[0]["columns"] if parts else [],
                                            "parts": [{k: v for k, v in p.items() if k != "columns"}
                                                      for p in parts]}
            for name, frame, columns in (("unparsed", unparsed, UNPARSED_COLUMNS),
                                         ("furniture", furniture, FURNITURE_COLUMNS)):
                frame = coerce_frame(frame.reset_index(drop=True), columns)
                data = corpus_module._table_bytes(frame)
                corpus_module._write_durably(staging / f"{name}.parquet", data)
                manifest["tables"][name] = {"file": f"{name}.parquet", "rows": len(frame),
                                            "columns": [str(c) for c in frame.columns],
                                            "bytes": len(data),
                                            "sha256": hashlib.sha256(data).hexdigest()}
            if folder.is_dir():
                corpus_module._carry_over(folder, staging, owned=_OWNED,
                                          saver="DaskCorpus.save")
            corpus_module._write_durably(staging / "manifest.json",
                                         (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
            for sub in ("posts", "comments", "."):
                corpus_module._fsync_dir(staging / sub)
            corpus_module._swap_in(staging, folder)
        except BaseException:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
            raise
        corpus_module._fsync_dir(folder.parent)
        return target

    def persist(self) -> DaskCorpus:
        """Keep the shuffled posts and comments in the cluster's memory (see ``dask.persist``).

        Worth it before running several analyses: each would otherwise read and shuffle
        the input again.
        """
        import dask

        get_client()
        posts, comments, unparsed, furniture = dask.persist(self.posts, self.comments,
                                                            self.unparsed, self.furniture)
        return DaskCorpus(posts=posts, comments=comments, unparsed=unparsed,
                          furniture=furniture, npartitions=self.npartitions)

    def summary(self) -> dict[str, int]:
        """Counts of posts, comments and unparsed rows (computes them)."""
        n = _compute(self.posts.shape[0], self.comments.shape[0], self.unparsed.shape[0])
        return {"posts": int(n[0]), "comments": int(n[1]), "unparsed": int(n[2])}

    def __repr__(self) -> str:
        return f"DaskCorpus(npartitions={self.npartitions})"


#: the engines a notebook's ``ENGINE`` parameter may name
ENGINES = ("pandas", "dask")


class Analyses:
    """A notebook's analyses on either engine, each returning the pandas table.

    Made by :func:`analyses`. With ``engine="pandas"`` each method calls the pandas function
    of the same name on the corpus. With ``engine="dask"`` it calls the
    :class:`DaskCorpus` method instead and returns its ``.compute()``, in corpus order
    (rows ordered by the comment, then by post, they belong to, as the pandas function
    returns them). A table this object returned can be passed back to a later method: the
    Dask engine then uses the lazy frame behind it, so nothing is sent back to the cluster.

    Attributes
    ----------
    corpus : Corpus
        The pandas corpus.
    engine : str
        ``"pandas"`` or ``"dask"``.
    client : distributed.Client or None
        The Dask client (``None`` on the pandas engine).
    dcorpus : DaskCorpus or None
        The persisted Dask corpus (``None`` on the pandas engine).
    """

    def __init__(self, corpus: Corpus, *, engine: str = "pandas", scheduler=None,
                 npartitions: int | None = None) -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine: expected one of {', '.join(map(repr, ENGINES))}; "
                             f"found {engine!r}")
        self.corpus = corpus
        self.engine = engine
        self.client = None
        self.dcorpus = None
        self._lazy: dict[int, tuple[pd.DataFrame, object]] = {}
        if engine == "dask":
            self.client = get_client(scheduler)
            self.dcorpus = from_corpus(corpus, npartitions=npartitions).persist()

    def __repr__(self) -> str:
        where = "" if self.dcorpus is None else f", {self.dcorpus!r}"
        return f"Analyses(engine={self.engine!r}{where})"

    # -- the two engines ---------------------------------------------------------------------
    def _lazy_of(self, table, name: str):
        if table is None:
            return None
        entry = self._lazy.get(id(table))
        if entry is None or entry[0] is not table:
            raise ValueError(f"{name}: on the Dask engine, pass a table this Analyses object "
                             f"returned (a changed copy has no lazy frame behind it)")
        return entry[1]

    def _ordered(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.reset_index(drop=True)
        for key, table in (("comment_id", self.corpus.comments), ("post_id", self.corpus.posts)):
            if key in frame.columns:  # schema-ok: tables keyed by comment or by post
                position = pd.Series(np.arange(len(table)), index=table[key].to_numpy())
                order = frame[key].map(position).to_numpy()
                frame = frame.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
                break
        return frame

    def _run(self, name: str, pandas_call: Callable, tables: dict, options: dict,
             on_corpus: bool = True) -> pd.DataFrame:
        if self.dcorpus is None:
            return pandas_call(**tables, **options)
        lazy = {key: self._lazy_of(table, name) for key, table in tables.items()}
        result = getattr(self.dcorpus, name)(**lazy, **options)
        (computed,) = _compute(result)
        table = self._ordered(computed)
        self._lazy[id(table)] = (table, result)
        return table

    # -- the analyses --------------------------------------------------------------------------
    def split_sentences(self, **options) -> pd.DataFrame:
        """:func:`msdiscourse.split_sentences` on the corpus."""
        from msdiscourse.sentences import split_sentences

        return self._run("split_sentences", lambda **o: split_sentences(self.corpus, **o),
                         {}, options)

    def comment_tone(self, sentences: pd.DataFrame | None = None, **options) -> pd.DataFrame:
        """:func:`msdiscourse.comment_tone` on the corpus (``sentences``: a table
        :meth:`split_sentences` returned, so that comments are not split again)."""
        from msdiscourse.tone import comment_tone

        tables = {} if sentences is None else {"sentences": sentences}
        return self._run("comment_tone", lambda **o: comment_tone(self.corpus, **o), tables,
                         options)

    def score_tone(self, sentences: pd.DataFrame, **options) -> pd.DataFrame:
        """:func:`msdiscourse.score_tone` on a sentence table."""
        from msdiscourse.tone import score_tone

        return self._run("score_tone", lambda sentences, **o: score_tone(sentences, **o),
                         {"sentences": sentences}, options)

    def find_markers(self, sentences: pd.DataFrame, **options) -> pd.DataFrame:
        """:func:`msdiscourse.find_markers` on a sentence table."""
        from msdiscourse.sarcasm import find_markers

        return self._run("find_markers", lambda sentences, **o: find_markers(sentences, **o),
                         {"sentences": sentences}, options)

    def marker_profile(self, markers: pd.DataFrame, sentences: pd.DataFrame,
                       **options) -> pd.DataFrame:
        """:func:`msdiscourse.marker_profile` of markers over their units."""
        from msdiscourse.sarcasm import marker_profile

        return self._run("marker_profile",
                         lambda markers, units, **o: marker_profile(markers, units, **o),
                         {"markers": markers, "units": sentences}, options)

    def assign_roles(self, **options) -> pd.DataFrame:
        """:func:`msdiscourse.assign_roles` on the corpus (options as there).

        ``infer=True`` runs the pandas function on either engine: its classifier trains on
        every comment's text at once, which :meth:`DaskCorpus.assign_roles` does not gather.
        """
        from msdiscourse.roles import assign_roles

        if options.get("infer"):
            return assign_roles(self.corpus, **options)
        return self._run("assign_roles", lambda **o: assign_roles(self.corpus, **o), {}, options)

    def post_roles(self, **options) -> pd.DataFrame:
        """:func:`msdiscourse.post_roles` on the corpus: one row per post, a small table,
        decided with pandas on either engine (the corpus is in this process)."""
        from msdiscourse.roles import post_roles

        return post_roles(self.corpus, **options)

    def reply_exchanges(self, roles: pd.DataFrame, tone: pd.DataFrame | None = None,
                        markers: pd.DataFrame | None = None,
                        post_roles: pd.DataFrame | None = None, **options) -> pd.DataFrame:
        """:func:`msdiscourse.reply_exchanges` on the corpus; ``post_roles`` (from
        :meth:`post_roles`) is sent whole to every partition."""
        from msdiscourse.exchanges import reply_exchanges

        tables = {"roles": roles, "tone": tone, "markers": markers}
        tables = {key: value for key, value in tables.items() if value is not None}
        if post_roles is not None:
            options = {**options, "post_roles": post_roles}
        return self._run("reply_exchanges",
                         lambda **o: reply_exchanges(self.corpus, **o), tables, options)


def analyses(corpus: Corpus, engine: str = "pandas", *, scheduler=None,
             npartitions: int | None = None) -> Analyses:
    """Run a notebook's analyses with pandas, or on a Dask cluster: the same tables either way.

    Parameters
    ----------
    corpus
        The pandas :class:`~msdiscourse.corpus.Corpus`.
    engine
        ``"pandas"`` (default) or ``"dask"``: the corpus is then partitioned with
        :func:`from_corpus` and persisted on ``get_client(scheduler)``.
    scheduler
        As for :func:`get_client` (default: the running client, else a new
        ``LocalCluster``).
    npartitions
        As for :func:`from_corpus`.

    Returns
    -------
    Analyses
        ``split_sentences``, ``comment_tone``, ``score_tone``, ``find_markers``,
        ``marker_profile``, ``assign_roles`` and ``reply_exchanges``, each returning the
        pandas table.

    Raises
    ------
    ValueError
        When ``engine`` is neither ``"pandas"`` nor ``"dask"``.

    Examples
    --------
    >>> import msdiscourse as msd
    >>> corpus = msd.Corpus.from_records(
    ...     posts=[{"post_id": "p1", "title": "Trial news", "body": "We start in May."}],
    ...     comments=[{"comment_id": "p1.c1", "post_id": "p1", "author": "Ann",
    ...                "text": "I was diagnosed with MS in 2019. Oh great, more waiting!"}])
    >>> run = analyses(corpus, "pandas")
    >>> run.assign_roles()[["comment_id", "role"]]
      comment_id     role
    0      p1.c1  patient
    >>> analyses(corpus, "spark")
    Traceback (most recent call last):
    ...
    ValueError: engine: expected one of 'pandas', 'dask'; found 'spark'
    """
    return Analyses(corpus, engine=engine, scheduler=scheduler, npartitions=npartitions)


def _meta_of(frame):
    return frame._meta if hasattr(frame, "_meta") else frame


def _comment_tone_of_sentences(corpus, sentences, **options):
    from msdiscourse.tone import comment_tone

    return comment_tone(corpus, sentences=sentences, **options)


def _call(function: Callable, **bound) -> Callable:
    """A picklable function of (corpus, *frames, **options) calling ``function``."""
    if not bound:
        return function

    def call(*args, **options):
        return function(*args, **bound, **options)

    return call


def compute(*collections, window: int | None = None):
    """Compute Dask results into pandas objects, as ``dask.compute`` does, a few partitions at a time.

    ``dask.compute`` on a Dask frame concatenates every partition in one task on one
    worker, so that worker holds the whole result; and it hands the whole graph to the
    scheduler, which runs the cheap first steps of every partition (reading, applying
    the role decisions) long before the expensive ones can use them, so their results
    wait in the workers' memory. Here the frames (and series) are computed ``window``
    partitions at a time, every frame's partition ``i`` together (steps they share run
    once), each partition taken into this process as soon as it is ready; a worker then
    holds only the partitions in flight, whatever the size of the input. A result that
    several partitions' tasks use (the barrier of a shuffle inside the graph, such as a
    corpus read and not yet persisted) is computed once, first, and held to the end, so
    a shuffle runs once. Only this process
    holds the whole result, as it must. Other results (scalars such as ``frame.shape[0]``,
    delayed values) are computed first, together with the results every partition
    shares, so that the steps they share with those run once; a step they share with one
    partition's own steps runs again, so pass tables where the work is large.

    Parameters
    ----------
    *collections
        Dask frames, series, scalars or delayed values (a list or tuple of them is
        computed element by element); anything else is returned as it is.
    window
        Partitions in flight at once (at least 1); by default twice the cluster's threads.

    Raises
    ------
    ValueError
        When ``window`` is not a whole number of at least 1.

    Returns
    -------
    tuple
        One pandas object (or value) per argument, as ``dask.compute`` gives it.

    Examples
    --------
    >>> exchanges, tone = mdd.compute(exchanges, tone)                   # doctest: +SKIP
    """
    import dask

    client = get_client()
    flat: list = []
    shape: list = []
    for item in collections:
        if isinstance(item, (list, tuple)):
            shape.append(("list", len(item), type(item)))
            flat.extend(item)
        else:
            shape.append(("one", 1, None))
            flat.append(item)
    lazy = [i for i, item in enumerate(flat) if dask.is_dask_collection(item)]
    dd = _dd()
    tables = [i for i in lazy if isinstance(flat[i], (dd.DataFrame, dd.Series))]
    rest = [i for i in lazy if i not in tables]
    if window is None:
        window = 2 * max(1, sum(client.nthreads().values()))
    elif not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise ValueError(f"compute: window must be a whole number of partitions, at least 1; "
                         f"got {window!r}")
    if tables:
        values, extras = _compute_windowed([flat[i] for i in tables], client, window,
                                           extras=[flat[i] for i in rest])
        for i, value in zip(tables + rest, values + extras):
            flat[i] = value
    elif rest:
        for i, value in zip(rest, _compute_streamed([flat[i] for i in rest])):
            flat[i] = value
    results, start = [], 0
    for kind, size, container in shape:
        results.append(flat[start] if kind == "one" else container(flat[start:start + size]))
        start += size
    return tuple(results)


def _compute_windowed(frames: list, client, window: int, *, extras: Sequence = ()) -> tuple:
    """Frames computed ``window`` partition numbers at a time (see :func:`compute`); the
    frames' values, and those of ``extras`` (other collections: delayed values, scalars).

    The graph is built once here; each submission sends only the tasks its partitions
    need (the scheduler shares those already in flight), so the cost of sending grows
    with the partitions, not with their square. The window is refilled half a window at
    a time, one submission per refill. ``extras`` are computed in the first submission,
    with the results every partition shares (a shuffle's barrier): steps they share with
    those (the files a shuffle's input was parsed from, whose unparsed lines an extra
    collects) run once. Computed apart, after the frames, each such step ran again.
    """
    from dask._task_spec import convert_legacy_graph
    from dask.base import collections_to_expr
    from distributed import as_completed

    finishers = [frame.__dask_postcompute__() for frame in frames]
    expr = collections_to_expr(frames, optimize_graph=True).optimize()
    keys = [_flat_keys(k) for k in expr.__dask_keys__()]
    # as the scheduler reads it (old-style tuple tasks made Task objects, which name
    # their dependencies)
    graph = convert_legacy_graph(dict(expr.__dask_graph__()))
    del expr
    parts = [[None] * len(k) for k in keys]
    by_number: dict[int, dict] = {}  # partition number -> key -> the frames that want it
    for j, frame_keys in enumerate(keys):
        for number, key in enumerate(frame_keys):
            by_number.setdefault(number, {}).setdefault(key, []).append(j)
    # a result that tasks of two or more partitions use (a disk-backed shuffle's barrier, a
    # table every partition reads) is computed once and held to the end: left to each
    # window, it was released between windows and computed again for the next, which for
    # a shuffle is the whole shuffle, input and all, once per window
    shared = _shared_keys(graph, by_number)
    extra_finishers, extra_keys = [], []
    for extra in extras:
        extra_graph = convert_legacy_graph(dict(extra.__dask_graph__()))
        graph.update({key: task for key, task in extra_graph.items() if key not in graph})
        extra_keys.append(_flat_keys(extra.__dask_keys__()))
        extra_finishers.append(extra.__dask_postcompute__())
    first = shared + [key for keys_of_extra in extra_keys for key in keys_of_extra]
    held = client.get(_culled(graph, first), first, sync=False) if first else []
    held_of = dict(zip(first, held))
    held_keys = set(first)  # in the scheduler from now on: not sent again
    numbers = iter(sorted(by_number))
    wanted: dict = {}  # key -> (partition number, frames)
    left: dict[int, int] = {}  # partition number -> keys not yet taken
    refill = max(1, window // 2)

    def submit(count: int):
        batch: dict = {}
        for number in itertools.islice(numbers, count):
            wanted_here = by_number.pop(number)
            left[number] = len(wanted_here)
            for key, frame_numbers in wanted_here.items():
                wanted[key] = (number, frame_numbers)
            batch.update(wanted_here)
        if not batch:
            return []
        return client.get(_culled(graph, batch, known=held_keys), list(batch), sync=False)

    arriving = as_completed(list(submit(window)))
    for future in arriving:
        number, frame_numbers = wanted.pop(future.key)
        value = future.result()
        for j in frame_numbers:
            parts[j][number] = value
        del future, value  # released on its worker once nothing here holds it
        left[number] -= 1
        if not left[number]:
            del left[number]
            if len(left) <= window - refill:
                arriving.update(submit(window - len(left)))
    extra_values = [finish([held_of[key].result() for key in keys_of_extra], *args)
                    for (finish, args), keys_of_extra in zip(extra_finishers, extra_keys)]
    del held, held_of
    return ([finish(part, *args) for (finish, args), part in zip(finishers, parts)],
            extra_values)


def _shared_keys(graph: dict, by_number: dict) -> list:
    """The keys of ``graph`` whose results tasks of two or more partitions use directly.

    ``by_number`` maps each partition number to the keys computed for it. A task is the
    partition's own when only that partition's keys need it, else shared; a shared result
    used directly by own tasks of two partitions (a shuffle's barrier, whose outputs are
    every partition's; a small table sent to all) is one that windows of partitions would
    each compute again. A shared task used directly by one partition only (a partition's
    input that also feeds a shuffle) is not: that partition computes it in its window.
    """
    everyone = object()
    owner: dict = {}  # key -> its partition number, or everyone
    for number, keys in by_number.items():
        work = list(keys)
        while work:
            key = work.pop()
            node = graph.get(key)
            if node is None:
                continue
            seen = owner.get(key)
            if seen is None:
                owner[key] = number
            elif seen is everyone or seen == number:
                continue
            else:
                owner[key] = everyone
            work.extend(getattr(node, "dependencies", ()))
    users: dict = {}  # shared key -> partition numbers of the own tasks that use it
    for key, number in owner.items():
        if number is everyone:
            continue
        for dependency in getattr(graph[key], "dependencies", ()):
            if owner.get(dependency) is everyone:
                users.setdefault(dependency, set()).add(number)
    return [key for key, numbers in users.items() if len(numbers) > 1]


def _culled(graph: dict, keys, *, known=frozenset()) -> dict:
    """The tasks of ``graph`` that ``keys`` need (each task's ``dependencies``, followed),
    except those ``known`` to the scheduler already (held results) and what they need."""
    needed: dict = {}
    work = list(keys)
    while work:
        key = work.pop()
        if key in needed or key not in graph or key in known:
            continue
        needed[key] = node = graph[key]
        work.extend(getattr(node, "dependencies", ()))
    return needed


def _compute_streamed(collections: list) -> list:
    """Collections computed together, each partition taken as soon as it is ready."""
    import dask
    from distributed import as_completed

    persisted = list(dask.persist(*collections))  # one graph: shared steps run once
    finishers, parts, slots, pending = [], [], {}, {}
    for index in range(len(collections)):
        item = persisted.pop(0)
        graph = dict(item.__dask_graph__())
        keys = _flat_keys(item.__dask_keys__())
        finishers.append(item.__dask_postcompute__())
        parts.append([None] * len(keys))
        future = None
        for slot, key in enumerate(keys):
            future = _future_of(graph, key)
            slots.setdefault(future.key, []).append((index, slot))
            pending[future.key] = future
        del item, graph, future
    # only the iterator holds the futures now: each is released on its worker once taken
    arriving = as_completed(list(pending.values()))
    pending.clear()
    for future in arriving:
        value = future.result()
        for index, slot in slots[future.key]:
            parts[index][slot] = value
        del future, value
    return [finish(part, *args) for (finish, args), part in zip(finishers, parts)]


def _kept_on_disk(frame, futures: list | None = None):
    """``frame`` computed now, each partition kept in a file on its worker's disk.

    What the later computations need from a whole-corpus join (decisions, names, roles)
    is sized by the corpus; kept in memory, a worker would hold its whole share of it
    until the end, and its memory would grow with the input. On disk (in the worker's
    local directory, see :class:`_OnDisk`) a partition is read back only by the task that
    uses it. Waits until every partition is written.

    The frame returned has :class:`_OnDisk` handles for partitions, not tables: pass it only
    to :func:`_mapped`, whose tasks load each handle they receive. A task of its own per
    load (as before) ran as soon as the handles were kept, ahead of the tasks that use the
    tables: those wait for input read from the saved dataset, which Dask's scheduler hands
    out a few at a time, while tasks whose input is already on a worker are all sent at
    once. Each worker then held every table it had loaded until its user ran, a share of
    the whole join: at 2 GB of Reddit dump these loads raised the two workers' peaks by 222
    and 327 MB (``benchmarks/bench_reddit.py``'s peak sampler).

    Each handle is the result of a task with no input, placed on the worker that wrote its
    file. A worker keeps the record of every task behind a result it holds, and a
    shuffle's output stands on every partition's transfer and on the steps before them:
    kept as the result of the join itself, each handle held on its worker the records of
    the whole chain (1,285 and 1,414 records on two workers at 512 MB of Reddit dump,
    7,144 and 7,311 at 1 GB, about 10 KB each), growing with the number of partitions,
    not with the worker's share. The price: a file lost with its worker (a crash, not a
    worker retired, whose results move first) cannot be computed again from a recipe;
    the task that needs it fails with an error that says so. Until the handles are made,
    the files have no owner: a run interrupted there leaves them in the workers' local
    directories, which Dask removes when the workers close. ``futures``, a list, gets the
    results that hold the handles, for :func:`_let_go`.
    """
    from dask import delayed
    from dask.base import tokenize

    client = get_client()
    parts = frame.to_delayed(optimize_graph=True)
    # each partition's (worker, path) taken as soon as its file is written, which releases
    # it: a worker keeps the records of the steps behind a result it holds, so results
    # held until the last file was written kept every partition's chain of records
    written = _compute_streamed([delayed(_written)(part, pure=True) for part in parts])
    name = "OnDisk-" + tokenize(frame._name, [path for _, path in written])
    kept = _adopted_handles(client, written, name)
    if futures is not None:
        futures.extend(kept)
    divisions = frame.divisions if frame.known_divisions else None
    return _dd().from_delayed(kept, meta=frame._meta, divisions=divisions, verify_meta=False)


def _adopted_handles(client, written: list[tuple[str | None, str]], name: str) -> list:
    """The results holding an :class:`_OnDisk` handle of each file ``written`` (``(worker
    address, path)``), each made on the worker that wrote it, keyed ``(name, number)``;
    once all are made."""
    from distributed import wait

    kept = [client.submit(_OnDisk.adopt, path, key=(name, number),
                          workers=[address] if address else None, allow_other_workers=True)
            for number, (address, path) in enumerate(written)]
    wait(kept)
    return kept


def _cut_off(frame, futures: list):
    """``frame`` computed now and kept on disk (:func:`_kept_on_disk`), as a frame whose
    tasks load it: what is computed from it stands on one task per partition, not on the
    steps that made it.

    A shuffle holds every input partition's transfer until the last input is in, and a
    worker keeps the record of every task behind a result it holds: the role evidence's
    shuffle kept about 14 records per input partition on its worker (the saved dataset's
    read, the evidence, the comment groups, the packing and the steps between them) until
    its barrier, 4,442 on one of two workers after about 300 of its partitions of 2 GB of
    Reddit dump, and Python's heap grew with them (docs/scale-measurements.md).
    From the kept partitions, a transfer stands on two tasks. ``futures`` gets the results
    that hold the files: :func:`_let_go` them once what uses them is computed.
    """
    return _mapped(_as_is, _kept_on_disk(frame, futures), meta=frame._meta)


def _let_go(futures: list) -> None:
    """Release partitions kept on disk for a step now computed (their files go with them).

    The frames built on them are the caller's own and dropped with it; left to Python's
    garbage collector, the files stayed until it ran."""
    if futures:
        get_client().cancel(futures, force=True)
    futures.clear()


def _as_is(frame: pd.DataFrame) -> pd.DataFrame:
    """The partition itself (:func:`_mapped` loads a kept one)."""
    return frame


def _written(frame: pd.DataFrame) -> tuple[str | None, str]:
    """Write ``frame`` to a file of this worker (see :class:`_OnDisk`): (worker address, path).

    The file has no owner until :meth:`_OnDisk.adopt` takes it."""
    worker = _current_worker()
    return (worker.address if worker else None), _OnDisk._write(frame)


class _OnDisk:
    """One partition in a file on the disk of the worker that holds this object.

    The file is removed when the object is (Dask releases it with the last result that
    needs it). Sent to another worker, it travels as its file's bytes and that worker
    writes its own file, so no disk is shared between workers. The bytes, not the table:
    most kept partitions are read on another worker than the one that wrote them (498 of
    512 at 512 MB of Reddit dump on two workers: the scheduler places a task by its larger
    inputs, and a handle counts for 200 bytes), and a table unpickled to be pickled again
    cost CPU on both workers and made its many small objects in the receiving worker's
    heap while another task ran there.
    """

    __slots__ = ("path", "_remove", "__weakref__")

    def __init__(self, frame: pd.DataFrame):
        self._own(self._write(frame))

    @classmethod
    def adopt(cls, path: str) -> _OnDisk:
        """The handle of a file :meth:`_write` wrote on this machine (removed with the handle)."""
        import os

        if not os.path.exists(path):
            raise FileNotFoundError(
                f"{path}: a partition kept on disk is gone with the worker that wrote it "
                "(its file is not on this machine); run the step that kept it again "
                "(read_reddit, assign_roles, reply_exchanges)")
        return cls._owning(path)

    @classmethod
    def _of_bytes(cls, data: bytes) -> _OnDisk:
        """A handle of a new file holding ``data`` (a file's bytes, sent by another worker)."""
        import os

        path, descriptor = cls._new_file()
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        return cls._owning(path)

    @classmethod
    def _owning(cls, path: str) -> _OnDisk:
        kept = cls.__new__(cls)
        kept._own(path)
        return kept

    @classmethod
    def _write(cls, frame: pd.DataFrame) -> str:
        import os
        import pickle

        path, descriptor = cls._new_file()
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(frame, handle, protocol=5)
        return path

    @staticmethod
    def _new_file() -> tuple[str, int]:
        import tempfile

        descriptor, path = tempfile.mkstemp(prefix="msdiscourse-", suffix=".pickle",
                                            dir=_spill_directory())
        return path, descriptor

    def _own(self, path: str) -> None:
        import weakref

        self.path = path
        self._remove = weakref.finalize(self, _remove_file, path)

    def load(self) -> pd.DataFrame:
        import pickle

        with open(self.path, "rb") as handle:
            return pickle.load(handle)

    def __reduce__(self):
        with open(self.path, "rb") as handle:
            return (_OnDisk._of_bytes, (handle.read(),))

    def __sizeof__(self) -> int:  # what it holds in memory (Dask's ``sizeof`` reads this)
        return 200


def _spill_directory() -> str | None:
    """The local directory of the worker running this task; outside a task (a handle
    received from another worker is unpickled on the worker's event loop, where no task
    runs), Dask's ``temporary-directory``, where the workers' directories are; ``None``
    (the system's temporary directory) when neither is set."""
    worker = _current_worker()
    if worker is not None:
        return worker.local_directory
    import dask

    return dask.config.get("temporary-directory", None) or None


def _current_worker():
    """The Dask worker running this task, or ``None`` outside a worker."""
    try:
        from distributed import get_worker

        return get_worker()
    except (ImportError, ValueError):
        return None


def _remove_file(path: str) -> None:
    import os

    try:
        os.remove(path)
    except FileNotFoundError:  # the worker's directory went first, at shutdown
        pass


def _flat_keys(keys) -> list:
    if isinstance(keys, list):
        return [k for sub in keys for k in _flat_keys(sub)]
    return [keys]


def _future_of(graph: dict, key):
    """The future a persisted collection's key stands for (following aliases)."""
    from distributed import Future

    node = graph[key]
    while not isinstance(node, Future):
        target = node.target
        node = graph[getattr(target, "key", target)]
    return node


_compute = compute


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True).sort_values(list(_ORDER), kind="stable")


# -- privacy: one mapping for the whole corpus, applied per partition ----------------------------
def _first_names(frame, column: str):
    """Each distinct non-missing ``column`` value with its first corpus-order position."""
    def first(part: pd.DataFrame) -> pd.DataFrame:
        part = part[part[column].notna()]
        part = part.reset_index(drop=True).sort_values(list(_ORDER), kind="stable")
        part = part.drop_duplicates(column)
        return pd.DataFrame({"_name": part[column].astype(object).tolist(),
                             _ORDER[0]: part[_ORDER[0]].tolist(),
                             _ORDER[1]: part[_ORDER[1]].astype("int64").tolist()})

    meta = pd.DataFrame({"_name": pd.Series(dtype=object), _ORDER[0]: pd.Series(dtype=object),
                         _ORDER[1]: pd.Series(dtype="int64")})
    if _ORDER[0] not in frame.columns:  # schema-ok: unparsed, furniture have no corpus-order columns
        return frame[[column]].map_partitions(
            lambda part: pd.DataFrame({"_name": part[column].dropna().astype(object).tolist(),
                                       _ORDER[0]: "", _ORDER[1]: 0}), meta=meta)
    return frame.map_partitions(first, meta=meta)


def _pseudonymise_part(frame: pd.DataFrame, *, name: str, mapping, parts, keep) -> pd.DataFrame:
    """One partition of one table, pseudonymised; the corpus-order columns stay as they are."""
    from msdiscourse import privacy

    order = [c for c in _ORDER if c in frame.columns]  # schema-ok: own helper columns
    index = frame.index
    result = privacy._pseudonymise_table(frame.drop(columns=order).reset_index(drop=True), name,
                                         mapping=mapping,
                                         matcher=privacy._NameMatcher(mapping, parts), keep=keep)
    for column in order:
        result[column] = frame[column].to_numpy()
    result.index = index
    return result


# -- roles: cues per partition, decision per author -----------------------------------------------
_GROUP = "_group"  # an evidence row's decision group as one hashable string
_HOME = "_home"  # the comment partition a group's decision goes back to
_EVIDENCE_ORDER = ("_rank", *_ORDER, "_seq")  # corpus order across partitions


def _group_string(kind: str, key: str) -> str:
    return f"{kind}\x1f{key}"


@_giving_back_memory
def _evidence_of_part(posts: pd.DataFrame, comments: pd.DataFrame, *, blog_is_research: bool,
                      flair_roles, flair_column: str) -> pd.DataFrame:
    """One partition's ``role_evidence`` rows, each with its decision group and corpus order.

    ``role_evidence`` gives, for the whole corpus, comment cues (in comment order), post
    bodies, flairs, then bylines; ``_rank`` (0 to 3), the unit's corpus-order keys and
    ``_seq`` (the row's place in this partition's table) restore that order wherever
    the rows of one author meet.
    """
    from msdiscourse.roles import _evidence_group, role_evidence

    evidence = role_evidence(_partition_corpus(posts, comments), blog_is_research=blog_is_research,
                             flair_roles=flair_roles, flair_column=flair_column)
    comment_at = {c: i for i, c in enumerate(comments["comment_id"].tolist())}
    post_at = {p: i for i, p in enumerate(posts["post_id"].tolist())}
    order = {name: (comments[name].tolist(), posts[name].tolist()) for name in _ORDER}
    ranks, groups, first, second = [], [], [], []
    columns = [evidence[c].tolist() for c in ("comment_id", "post_id", "author", "cue_type")]
    for comment_id, post_id, author, cue_type in zip(*columns):
        on_comment = comment_id is not pd.NA and comment_id is not None
        ranks.append({"byline": 3, "flair": 2}.get(cue_type, 0 if on_comment else 1))
        table, at = (0, comment_at[comment_id]) if on_comment else (1, post_at[post_id])
        first.append(order[_ORDER[0]][table][at])
        second.append(order[_ORDER[1]][table][at])
        groups.append(_group_string(*_evidence_group(comment_id, post_id, author)))
    return _strongest_evidence(evidence.assign(**{
        _GROUP: pd.Series(groups, dtype=object, index=evidence.index),
        "_rank": np.asarray(ranks, dtype="int64"),
        _ORDER[0]: pd.Series(first, dtype=object, index=evidence.index),
        _ORDER[1]: np.asarray(second, dtype="int64"),
        "_seq": np.arange(len(evidence), dtype="int64")}))


def _strongest_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    """The rows of one partition's evidence that can weigh in a decision, in corpus order.

    A decision (``msdiscourse.roles._decide``) reads, of all the hits of one group, only
    the first hit of the highest weight for each role, cue group, whether the hit names a
    detail and whether its rule is a care rule, and the order in which the roles first
    appear; the other rows cannot change it. Dropping them before the shuffle (a
    combiner, as a group-by's partial aggregation) leaves the decisions as they were and
    moves about 40% of the rows on the synthetic Reddit dumps.
    """
    from msdiscourse.roles import _CARE_RULES

    key = pd.DataFrame({
        "group": evidence[_GROUP].to_numpy(dtype=object),
        "role": evidence["role"].astype("string").fillna("").to_numpy(dtype=object),
        "cue_group": evidence["group"].astype("string").fillna("").to_numpy(dtype=object),
        "detail": evidence["detail"].isna().to_numpy(),
        "care": evidence["rule"].isin(_CARE_RULES).to_numpy(),
        "weight": evidence["weight"].to_numpy(dtype="float64")})
    for column in _EVIDENCE_ORDER:
        key[column] = evidence[column].to_numpy()
    columns = ["group", "role", "cue_group", "detail", "care"]
    # the heaviest first, then corpus order: the first row of each key is the one kept
    ranked = key.sort_values([*columns, "weight", *_EVIDENCE_ORDER],
                             ascending=[True] * len(columns) + [False]
                             + [True] * len(_EVIDENCE_ORDER), kind="stable")
    strongest = ranked.index[~ranked.duplicated(columns).to_numpy()].to_numpy()
    # and each role's first row, whatever its weight: roles of equal weight are ranked in
    # the order they first appear
    in_order = key.sort_values(["group", "role", *_EVIDENCE_ORDER], kind="stable")
    first = in_order.index[~in_order.duplicated(["group", "role"]).to_numpy()].to_numpy()
    return evidence.iloc[np.union1d(strongest, first)]


@_giving_back_memory
def _decide_part(evidence: pd.DataFrame) -> pd.DataFrame:
    """The decision of every group whose evidence rows are all in this partition.

    The rows are put back in corpus order; a flair counts once per group and role, and a
    byline once per author (the first post's), as ``role_evidence`` counts them on the
    whole corpus; then the pandas decision (:func:`msdiscourse.roles._decide_evidence`).
    """
    from msdiscourse.roles import EVIDENCE_COLUMNS, _decide_evidence

    rows = evidence.reset_index(drop=True).sort_values(list(_EVIDENCE_ORDER), kind="stable")
    flair, byline = (rows["cue_type"] == "flair").to_numpy(), (rows["cue_type"] == "byline").to_numpy()
    repeated = np.zeros(len(rows), dtype=bool)
    repeated[flair] = rows[flair].duplicated([_GROUP, "role"]).to_numpy()
    repeated[byline] = rows[byline].duplicated([_GROUP]).to_numpy()
    rows = rows[~repeated]
    decisions = _decide_evidence(rows[list(EVIDENCE_COLUMNS)], None, None)
    frame = _decisions_frame(decisions)
    return frame.assign(**{_GROUP: pd.Series([_group_string(k, g) for k, g in
                                              zip(frame["kind"], frame["key"])], dtype=object)})


def _comment_groups(comments: pd.DataFrame, partition_info=None) -> pd.DataFrame:
    """The decision groups of one partition's comments (author keys, anonymous comment ids).

    ``_home`` is the partition's number, where the groups' decisions must go back to.
    """
    from msdiscourse.roles import _group_of, author_key

    number = partition_info["number"] if partition_info else 0
    groups = dict.fromkeys(_group_of(("comment", c), author_key(a)) for c, a in
                           zip(comments["comment_id"].tolist(), comments["author"].tolist()))
    return pd.DataFrame({"kind": pd.Series([g[0] for g in groups], dtype=object),
                         "key": pd.Series([g[1] for g in groups], dtype=object),
                         _GROUP: pd.Series([_group_string(*g) for g in groups], dtype=object),
                         _HOME: np.full(len(groups), number, dtype="int64")})


def _join_decisions(groups: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Each (comment partition, group) pair with the group's decision, where there is one."""
    groups = groups.reset_index(drop=True)[[_GROUP, _HOME]]
    return groups.merge(decisions.reset_index(drop=True), on=_GROUP, how="inner", sort=False)


def _to_part(frame, column: str, npartitions: int):
    """Shuffle ``frame`` so that partition ``i`` holds the rows whose ``column`` is ``i``."""
    divisions = list(range(npartitions)) + [npartitions - 1]
    return frame.set_index(column, divisions=divisions, shuffle_method="p2p")


def _decisions_frame(decisions: dict) -> pd.DataFrame:
    """Decisions per group as columns (``kind``, ``key``, then the decision's fields).

    Columns, not a column of dicts: the decisions stay on the workers until the roles
    are computed, and a dict per author takes several times the memory of its row.
    """
    from msdiscourse.roles import _DECISION_COLUMNS

    rows = list(decisions.values())
    frame = pd.DataFrame({"kind": [g[0] for g in decisions], "key": [g[1] for g in decisions],
                          **{c: [row[c] for row in rows] for c in _DECISION_COLUMNS}})
    floats = ("confidence", "probability")
    return frame.astype({c: "float64" if c in floats else "string[pyarrow]"
                         for c in frame.columns})


@_giving_back_memory
def _apply_decisions(comments: pd.DataFrame, decided: pd.DataFrame, *,
                     overrides: dict) -> pd.DataFrame:
    """Each comment's row of the roles table, from the decisions of its own authors.

    ``overrides`` (``known``, a codebook) win over the decisions from the text, as in
    :func:`msdiscourse.roles._decide_evidence`.
    """
    from msdiscourse.roles import _roles_table, _with_overrides

    from msdiscourse.roles import _DECISION_COLUMNS

    index = comments.index
    decisions = dict(zip(zip(decided["kind"].tolist(), decided["key"].tolist()),
                         decided[_DECISION_COLUMNS].to_dict("records")))
    decisions = _with_overrides(decisions, overrides)
    part = _strip(comments)
    frame = _roles_table(decisions, part["comment_id"].tolist(), part["post_id"].tolist(),
                         part["author"].tolist())
    frame.index = pd.Index(np.full(len(frame), index[0] if len(index) else 0, dtype="int64"),
                           name=_PART)
    return frame


# -- exchanges: the partition plus what it needs from the rest of the corpus ---------------------
@_giving_back_memory
def _exchange_needs(posts: pd.DataFrame, comments: pd.DataFrame,
                    partition_info=None) -> pd.DataFrame:
    """The names one partition offers (its authors') and needs (those its vocatives spell).

    Rows of ``kind`` ``"name"`` (each name and name part its authors carry) and
    ``"vocative"`` (each name its comments spell in a vocative that its own authors do not
    carry), with the partition's number (``_home``).
    """
    from msdiscourse.exchanges import _known_names, _vocatives

    number = partition_info["number"] if partition_info else 0
    own = sorted(_known_names(comments["author"].tolist() + posts["author"].tolist()))
    spelt = sorted(_vocatives(comments["text"].tolist()) - set(own))
    return pd.DataFrame({"kind": pd.Series(["name"] * len(own) + ["vocative"] * len(spelt),
                                           dtype=object),
                         "value": pd.Series(own + spelt, dtype=object),
                         _HOME: np.full(len(own) + len(spelt), number, dtype="int64")})


def _names_found(needs: pd.DataFrame) -> pd.DataFrame:
    """The vocatives among ``needs`` (one hashed share of every partition's) that some author
    carries, as (``name``, ``_home``) rows: the name, and the partition that spelt it."""
    needs = needs.reset_index(drop=True)
    vocative = (needs["kind"] == "vocative").to_numpy()
    carried = set(needs.loc[~vocative, "value"].tolist())
    wanted = needs[vocative & needs["value"].isin(carried).to_numpy()]
    return pd.DataFrame({"name": wanted["value"].to_numpy(dtype=object),
                         _HOME: wanted[_HOME].to_numpy(dtype="int64")})


def _post_author_keys(posts: pd.DataFrame, partition_info=None) -> pd.DataFrame:
    """The author keys of one partition's posts, with the partition's number (``_home``)."""
    from msdiscourse.roles import author_key

    number = partition_info["number"] if partition_info else 0
    keys = sorted({key for key in map(author_key, posts["author"].tolist()) if key})
    return pd.DataFrame({"key": pd.Series(keys, dtype=object),
                         _HOME: np.full(len(keys), number, dtype="int64")})


def _first_role_per_author(roles: pd.DataFrame) -> pd.DataFrame:
    """Each author key's first role in one partition of a roles table."""
    from msdiscourse.exchanges import _author_roles

    return _roles_frame(_author_roles(roles.reset_index(drop=True)))


def _join_roles(post_keys: pd.DataFrame, role_keys: pd.DataFrame) -> pd.DataFrame:
    """Each (partition, post author) pair with the author's role, where the roles give one.

    Every comment of one author has the role of that author's one decision, so the first
    row of a key is as good as any.
    """
    role_of = dict(zip(role_keys["key"].tolist()[::-1], role_keys["role"].tolist()[::-1]))
    post_keys = post_keys.reset_index(drop=True)
    post_keys = post_keys[post_keys["key"].isin(role_of).to_numpy()]
    return pd.DataFrame({"key": post_keys["key"].to_numpy(dtype=object),
                         "role": pd.Series([role_of[k] for k in post_keys["key"].tolist()],
                                           dtype=object).to_numpy(),
                         _HOME: post_keys[_HOME].to_numpy(dtype="int64")})


def _roles_frame(roles: dict[str, str]) -> pd.DataFrame:
    """Author key -> role as a table, to travel as a partition."""
    return pd.DataFrame({"key": pd.Series(list(roles), dtype=object),
                         "role": pd.Series(list(roles.values()), dtype=object)})


def _exchange_context(needs: pd.DataFrame, post_keys: pd.DataFrame,
                      role_keys: pd.DataFrame) -> pd.DataFrame:
    """Both joins of one keyed partition, as the rows each corpus partition gets back.

    ``needs`` (:func:`_exchange_needs`, hashed on the name), ``post_keys``
    (:func:`_post_author_keys`) and ``role_keys`` (:func:`_first_role_per_author`), hashed on
    the author key. Rows of ``kind`` ``"name"`` (``value``: a name some partition's vocatives
    spell and some author carries) and ``"role"`` (``value``: a post author's key, ``role``:
    that author's role), each with ``_home``, the corpus partition that asked.
    """
    names = _names_found(needs)
    roles = _join_roles(post_keys, role_keys)
    return pd.DataFrame({
        "kind": pd.Series(["name"] * len(names) + ["role"] * len(roles), dtype=object),
        "value": pd.Series(names["name"].tolist() + roles["key"].tolist(), dtype=object),
        "role": pd.Series([None] * len(names) + roles["role"].tolist(), dtype=object),
        _HOME: np.concatenate([names[_HOME].to_numpy(dtype="int64"),
                               roles[_HOME].to_numpy(dtype="int64")])})


def _exchanges_with_context(corpus: Corpus, context: pd.DataFrame, *frames, layout):
    """:func:`~msdiscourse.exchanges._reply_exchanges` on one partition, with what the rest of
    the corpus gives it (:func:`_exchange_context`: names carried elsewhere, post authors'
    roles)."""
    from msdiscourse.exchanges import _reply_exchanges

    given = iter(frames)
    roles, tone, markers, post_roles = [
        None if kind is None else (next(given) if isinstance(kind, str) else kind)
        for kind in layout]
    is_name = (context["kind"] == "name").to_numpy()
    names, role_rows = context[is_name], context[~is_name]
    return _reply_exchanges(corpus, roles=roles, tone=tone, markers=markers,
                            post_roles=post_roles, other_names=frozenset(names["value"]),
                            other_roles=dict(zip(role_rows["value"], role_rows["role"])))


def _attach_unit(markers: pd.DataFrame, units: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Give each marker hit the ``by`` value of its sentence (or indexed unit)."""
    if "sentence_id" in markers.columns and "sentence_id" in units.columns:  # schema-ok: internal join, error below
        unit_of = units.drop_duplicates("sentence_id").set_index("sentence_id")[by]
        return markers.assign(**{by: markers["sentence_id"].map(unit_of)})
    raise ValueError(f"cannot map markers to units: markers have none of {by!r} or "
                     f"'sentence_id'")


# -- making a DaskCorpus -------------------------------------------------------------------------
def _default_partitions(npartitions: int | None) -> int:
    if npartitions is not None:
        if npartitions < 1:
            raise ValueError(f"npartitions must be at least 1; got {npartitions}")
        return npartitions
    try:
        workers = len(get_client().scheduler_info()["workers"])
    except Exception:  # pragma: no cover - no cluster reachable: one partition per core
        import os

        workers = os.cpu_count() or 1
    return max(1, 2 * workers)


def _assemble(posts, comments, unparsed, furniture, npartitions: int,
              build: tuple[Callable, Callable] | None = None) -> DaskCorpus:
    """Shuffle posts and comments by post and (optionally) build each partition's threads.

    ``build`` is a pair of functions of a partition's shuffled posts and comments:
    ``build_comments`` gives its comments, ``build_posts`` its posts. Two frames, each a
    task's whole result: a task returning both tables as a pair, picked apart by two
    later tasks, was run for every partition before any pick (Dask orders the pairs
    first), so every built partition waited in a worker's memory until the last was built
    (300 MB per worker at 512 MB of Reddit dump, growing with the input).
    """
    posts, comments = _by_post_together(posts, comments, npartitions)
    if build is not None:
        build_comments, build_posts = build
        raw_comments = comments
        comments = _mapped(build_comments, posts, comments,
                           meta=build_comments(posts._meta, comments._meta))
        posts = _mapped(build_posts, posts, raw_comments,
                        meta=build_posts(posts._meta, raw_comments._meta))
    return DaskCorpus(posts=_prepared(posts, POST_COLUMNS),
                      comments=_prepared(comments, COMMENT_COLUMNS), unparsed=unparsed,
                      furniture=furniture, npartitions=npartitions)


@_keep_objects
def from_corpus(corpus: Corpus, *, npartitions: int | None = None) -> DaskCorpus:
    """Distribute a pandas corpus (shuffled by post into ``npartitions`` partitions).

    Examples
    --------
    >>> import msdiscourse as msd, msdiscourse.dask as mdd             # doctest: +SKIP
    >>> corpus = mdd.from_corpus(msd.read_corpus("data/raw"), npartitions=4)  # doctest: +SKIP
    >>> corpus.split_sentences().compute().shape[0] > 0                # doctest: +SKIP
    True
    """
    dd = _dd()
    n = _default_partitions(npartitions)
    posts = corpus.posts.assign(_o1="", _o2=np.arange(len(corpus.posts), dtype="int64"))
    comments = corpus.comments.assign(_o1="", _o2=np.arange(len(corpus.comments), dtype="int64"))
    chunks = max(1, min(n, len(comments) // 2000 + 1))
    return _assemble(dd.from_pandas(posts, npartitions=chunks, sort=False),
                     dd.from_pandas(comments, npartitions=chunks, sort=False),
                     dd.from_pandas(corpus.unparsed, npartitions=1),
                     dd.from_pandas(corpus.furniture, npartitions=1), n)


@_giving_back_memory
def _reddit_comments(posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """One partition's comments as ``read_reddit`` builds them (threads, ``missing_post``).

    Of the posts only the ids (and their file and line, which pick a duplicate) are read:
    they tell which comments have their post.
    """
    from msdiscourse.io.reddit import _RAW_ORDER, assemble_reddit

    ids = posts.reset_index(drop=True)[["post_id", *_RAW_ORDER]]
    built = assemble_reddit(ids, comments.reset_index(drop=True)).comments
    # corpus order of read_reddit: comments by post, then position
    return built.assign(_o1=built["post_id"].astype(object),
                        _o2=built["position"].astype("int64") if len(built)
                        else np.zeros(0, dtype="int64"))


@_giving_back_memory
def _reddit_posts(posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """One partition's posts as ``read_reddit`` builds them, ``n_comments`` from ``comments``.

    ``comments`` are the partition's raw comments: a post's ``n_comments`` counts them once
    per comment id, as ``read_reddit`` keeps them. From the raw rows, not the built
    comments: each table's partitions are then built from the shuffled rows alone, so
    neither table's tasks build the other's (``to_delayed`` on each table fuses its own
    chain of tasks).
    """
    from msdiscourse.io.reddit import _first_records, _raw_comments, assemble_reddit

    built = assemble_reddit(posts.reset_index(drop=True), _raw_comments([])).posts
    counts = _first_records(comments, "comment_id").groupby("post_id", sort=False).size()
    built["n_comments"] = built["post_id"].map(counts).fillna(0).astype(built["n_comments"].dtype)
    # corpus order of read_reddit: posts by id
    return built.assign(_o1=built["post_id"].astype(object),
                        _o2=np.zeros(len(built), dtype="int64"))


@_giving_back_memory
def _parse(source, index: int, subreddits, on_error: str, batch_bytes: int) -> tuple:
    """Parse one dump file on this worker, its rows written to the worker's disk a batch
    at a time (:class:`_OnDisk` files, without owners until :func:`_adopted` takes them).

    Returns ``(worker address, [(posts file or None, comments file or None), ...],
    unparsed file)``: a batch per ``batch_bytes`` of kept lines (the lines' text), so a
    task holds at most one batch's rows however large the file (a per-subreddit dump
    covers all its years in one file). A file that keeps no row gives one batch of two
    empty tables. A failed parse removes what it wrote.
    """
    from msdiscourse.io.reddit import _raw_comments, _raw_posts, parse_reddit_file

    batches: list[tuple] = []

    def keep(posts: pd.DataFrame, comments: pd.DataFrame) -> None:
        batches.append((_OnDisk._write(posts) if len(posts) else None,
                        _OnDisk._write(comments) if len(comments) else None))

    try:
        _, _, unparsed = parse_reddit_file(source, file_index=index, subreddits=subreddits,
                                           on_error=on_error, batches=(batch_bytes, keep))
        if not batches:
            batches.append((_OnDisk._write(_raw_posts([])), _OnDisk._write(_raw_comments([]))))
        unparsed_file = _OnDisk._write(coerce_frame(pd.DataFrame(unparsed), UNPARSED_COLUMNS))
    except BaseException:
        _remove_files([path for pair in batches for path in pair if path is not None])
        raise
    worker = _current_worker()
    return (worker.address if worker else None), batches, unparsed_file


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        _remove_file(path)


def _parsed(client, sources: list, subreddits, on_error: str, batch_bytes: int) -> list:
    """Every file parsed (:func:`_parse`, a task per file), the results once all are in.

    A file's parse that fails (a bad line under ``on_error="raise"``) raises its error
    here, naming the file and the line, after the batches the other files wrote are
    removed.
    """
    from distributed import wait

    futures = client.map(_parse, sources, range(len(sources)), subreddits=subreddits,
                         on_error=on_error, batch_bytes=batch_bytes, key="parse", pure=False)
    wait(futures)
    failed = [future for future in futures if future.status != "finished"]
    if failed:
        for address, batches, unparsed_file in client.gather(
                [future for future in futures if future.status == "finished"]):
            paths = [path for pair in batches for path in pair if path] + [unparsed_file]
            client.submit(_remove_files, paths, workers=[address] if address else None,
                          allow_other_workers=False, pure=False).result()
        failed[0].result()  # raises the parse's own error
    return client.gather(futures)


def _adopted(client, written: list[tuple[str | None, str | None]], name: str, meta):
    """A frame whose partitions are the files ``written`` (``(worker address, path)``
    each, a path of None skipped), each held by an :class:`_OnDisk` handle made on the
    worker that wrote it; the frame's tasks load them (:func:`_mapped`). The empty frame
    ``meta`` when no file is given."""
    kept = _adopted_handles(client, [(address, path) for address, path in written
                                     if path is not None], name)
    if not kept:
        return _dd().from_pandas(meta, npartitions=1)
    return _mapped(_as_is, _dd().from_delayed(kept, meta=meta, verify_meta=False), meta=meta)


@_keep_objects
def read_reddit(paths, *, subreddits: Iterable[str] | None = None, on_error: str = "raise",
                npartitions: int | None = None) -> DaskCorpus:
    """:func:`msdiscourse.read_reddit` on the cluster: one task per file, one shuffle by post.

    Each file is parsed by its own task, now (not when the corpus is first computed),
    streaming, and its rows are kept on the worker's disk a batch of
    :data:`PARTITION_BYTES` of lines at a time; posts and comments are then gathered by
    post from those batches, and each partition's threads are built by the same function
    the pandas reader uses. A worker thus holds one batch of a file's rows at a time,
    whatever the file's size, and the parse is over before the shuffle starts (parsed
    beside the shuffle's transfers, the largest worker's peak rose with the number of
    files). A bad line under ``on_error="raise"`` raises here. Same arguments as the
    pandas reader, plus ``npartitions`` (default: twice the workers, or one per
    :data:`PARTITION_BYTES` of input).

    The batches are files in the workers' local directories, removed with the corpus
    (when the last collection made from it is gone): a worker lost with its files (a
    crash; a worker retired hands its files on) makes what needs them fail with an
    error that says so; read the dump again then.
    """
    from dask.base import tokenize

    from msdiscourse.errors import check_on_error
    from msdiscourse.io.reddit import _expand, _raw_comments, _raw_posts

    check_on_error(on_error)
    subreddits = list(subreddits) if subreddits is not None else None
    sources = [str(s) if isinstance(s, Path) else s for s in _expand(paths)]
    client = get_client()
    parsed = _parsed(client, sources, subreddits, on_error, PARTITION_BYTES)
    name = tokenize(sources, subreddits, on_error, parsed)
    posts = _adopted(client, [(address, pair[0]) for address, batches, _ in parsed
                              for pair in batches], f"reddit-posts-{name}", _raw_posts([]))
    comments = _adopted(client, [(address, pair[1]) for address, batches, _ in parsed
                                 for pair in batches], f"reddit-comments-{name}",
                        _raw_comments([]))
    unparsed = _adopted(client, [(address, unparsed_file) for address, _, unparsed_file
                                 in parsed], f"reddit-unparsed-{name}",
                        empty_frame(UNPARSED_COLUMNS))
    furniture = _dd().from_pandas(empty_frame(FURNITURE_COLUMNS), npartitions=1)
    n = npartitions if npartitions is not None else _reddit_partitions(sources)
    return _assemble(posts, comments, unparsed, furniture, n,
                     build=(_reddit_comments, _reddit_posts))


#: uncompressed dump bytes per partition by default (a partition's tables then take a few
#: hundred MB of a worker's memory while analysed)
PARTITION_BYTES = 32 * 2**20
_COMPRESSION_RATIO = 6  # zstandard/gzip on Reddit NDJSON, roughly


def _reddit_partitions(sources) -> int:
    """Twice the workers, or more so that a partition holds about PARTITION_BYTES of input."""
    from msdiscourse.io.reddit import _compression

    total = 0
    for source in sources:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as handle:
                ratio = _COMPRESSION_RATIO if _compression(handle.read(8)) else 1
            total += Path(source).stat().st_size * ratio
    return max(_default_partitions(None), -(-total // PARTITION_BYTES))


def _read_one(path: str, index: int, on_error: str, table_options: dict | None = None) -> Corpus:
    from msdiscourse.io.folder import read_corpus as read_pandas

    corpus = read_pandas(path, on_error=on_error, progress=False, table_options=table_options)
    order = f"{index:09d}"
    return corpus.replace(
        posts=corpus.posts.assign(_o1=order, _o2=np.arange(len(corpus.posts), dtype="int64")),
        comments=corpus.comments.assign(_o1=order,
                                        _o2=np.arange(len(corpus.comments), dtype="int64")))


@_keep_objects
def read_corpus(folder: str | Path, *, on_error: str = "raise",
                npartitions: int | None = None, table_options=None) -> DaskCorpus:
    """:func:`msdiscourse.read_corpus` on the cluster: one task per file, one shuffle by post.

    Reddit dumps below ``folder`` are read together by :func:`read_reddit` (their replies
    cross files); every other file is read by its own task. ``table_options`` is passed to
    every table file's reader as in :func:`msdiscourse.read_corpus` (``"columns"``,
    ``"first_row_is_post"``), so a folder of forum tables reads thread by thread here too.
    """
    from dask import delayed

    from msdiscourse.errors import check_on_error
    from msdiscourse.io.folder import _check_table_options, list_corpus_files
    from msdiscourse.io.reddit import is_reddit_file

    check_on_error(on_error)
    table_options = _check_table_options(table_options) or None
    dd = _dd()
    files, _ = list_corpus_files(folder)
    if not files:
        raise FileNotFoundError(f"{folder}: expected page dumps or exports; found no readable file")
    reddit = [f for f in files if f.is_file() and is_reddit_file(f)]
    others = [f for f in files if f not in reddit]
    n = _default_partitions(npartitions)
    parts = []
    if others:
        # files of different formats carry different extra columns: read them first (one
        # task per file), then give every table the union of its columns, as Corpus.concat does
        client = get_client()
        corpora = client.map(_read_one, [str(f) for f in others], range(len(others)),
                             on_error=on_error, table_options=table_options, pure=True)
        heads = client.gather(client.map(_empty_tables, corpora))
        tables = {}
        for name in ("posts", "comments", "unparsed", "furniture"):
            meta = pd.concat([head[name] for head in heads])
            tables[name] = dd.from_delayed(
                [delayed(_conform)(c, name, meta) for c in corpora], meta=meta,
                verify_meta=False)
        parts.append(_assemble(tables["posts"], tables["comments"], tables["unparsed"],
                               tables["furniture"], n))
    if reddit:
        parts.append(read_reddit(reddit, on_error=on_error, npartitions=n))
    if len(parts) == 1:
        return parts[0]
    first, second = parts
    return DaskCorpus(
        posts=dd.concat([first.posts, second.posts], interleave_partitions=True),
        comments=dd.concat([first.comments, second.comments], interleave_partitions=True),
        unparsed=dd.concat([first.unparsed, second.unparsed]),
        furniture=dd.concat([first.furniture, second.furniture]), npartitions=n)


def _empty_tables(corpus: Corpus) -> dict[str, pd.DataFrame]:
    return {name: getattr(corpus, name).iloc[:0]
            for name in ("posts", "comments", "unparsed", "furniture")}


def _conform(corpus: Corpus, name: str, meta: pd.DataFrame) -> pd.DataFrame:
    frame = getattr(corpus, name)
    return pd.concat([meta, frame]) if list(frame.columns) != list(meta.columns) else frame


# -- the partitioned layout on disk ----------------------------------------------------------------
def is_partitioned(folder: str | Path) -> bool:
    """True when ``folder`` holds a dataset written by :meth:`DaskCorpus.save`."""
    manifest = Path(folder) / "manifest.json"
    if not manifest.exists():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("layout") == LAYOUT
    except (json.JSONDecodeError, AttributeError):
        return False


@_keep_objects
def read_processed(folder: str | Path, *, verify: bool = True) -> DaskCorpus:
    """Open a partitioned dataset as a :class:`DaskCorpus` (partitions as saved, no shuffle).

    With ``verify`` (default) each partition is checked against the manifest by the task
    that reads it (bytes, SHA-256 checksum, rows), so a damaged file fails the computation
    with a :class:`~msdiscourse.errors.ParseError` naming it.

    A partition's posts and comments are read by one task, so both are on the worker that
    runs it: every analysis takes them together, and read apart (two tasks, placed by the
    scheduler as workers come free) one of the two travelled to the other's worker for
    about half the partitions, each time they were read.
    """
    from dask import delayed

    dd = _dd()
    folder = Path(folder)
    manifest = _read_manifest(folder, verify=verify)
    n = int(manifest["npartitions"])
    divisions = list(range(n)) + [n - 1]
    files, entries, metas = {}, {}, {}
    for name, columns in (("posts", POST_COLUMNS), ("comments", COMMENT_COLUMNS)):
        if verify:
            entries[name] = manifest["tables"][name]["parts"]
            files[name] = [e["file"] for e in entries[name]]
        else:
            files[name] = [f"{name}/{f.name}"
                           for f in sorted((folder / name).glob("part.*.parquet"))]
            entries[name] = [None] * len(files[name])
        if len(files[name]) != n:
            raise FileNotFoundError(f"{folder / name}: expected {n} partition files written by "
                                    f"DaskCorpus.save(); found {len(files[name])}")
        metas[name] = _prepare(pd.read_parquet(folder / files[name][0]).iloc[:0], columns)
    pairs = [delayed(_read_partition, pure=True)(
                 folder, number, entries["posts"][number], files["posts"][number],
                 entries["comments"][number], files["comments"][number])
             for number in range(n)]
    tables = {name: dd.from_delayed([pair[slot] for pair in pairs], meta=metas[name],
                                    divisions=divisions, verify_meta=False)
              for slot, name in enumerate(("posts", "comments"))}
    small = {name: _read_checked(folder, manifest["tables"][name] if verify else None,
                                 f"{name}.parquet") for name in ("unparsed", "furniture")}
    return DaskCorpus(posts=tables["posts"], comments=tables["comments"],
                      unparsed=dd.from_pandas(small["unparsed"], npartitions=1),
                      furniture=dd.from_pandas(small["furniture"], npartitions=1), npartitions=n)


def _read_partition(folder: Path, number: int, posts_entry: dict | None, posts_file: str,
                    comments_entry: dict | None, comments_file: str) -> tuple:
    """Partition ``number`` of a saved dataset: its posts and comments, read (and checked
    against their manifest entries) and prepared (:func:`_prepare`)."""
    info = {"number": number}
    return (_prepare(_read_checked(folder, posts_entry, posts_file), POST_COLUMNS, info),
            _prepare(_read_checked(folder, comments_entry, comments_file), COMMENT_COLUMNS, info))


def _concat_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts) if parts else pd.DataFrame()


def _write_part(frame: pd.DataFrame, root: Path, file: str) -> dict:
    """Write one partition durably (on a worker); its manifest entry."""
    import hashlib
    import io

    from msdiscourse.corpus import _write_durably

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=True)
    data = buffer.getvalue()
    _write_durably(Path(root) / file, data)
    return {"file": file, "rows": len(frame), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "columns": [str(c) for c in frame.columns]}


#: what :meth:`DaskCorpus.save` replaces in its folder: the same as :meth:`msdiscourse.Corpus.save`
#: (its partition folders and small tables, or the single files of a set pandas saved before)
_OWNED = _CORPUS_OWNED


_REMEDY = "re-run `msdiscourse parse DATA -o {folder} --engine dask`, or pass verify=False"


def _read_manifest(folder: Path, *, verify: bool) -> dict:
    """The manifest of a partitioned dataset; with ``verify``, checked to list every file."""
    from msdiscourse.errors import ParseError

    path = folder / "manifest.json"
    remedy = _REMEDY.format(folder=folder)
    expected = (f"the manifest DaskCorpus.save() writes (layout {LAYOUT!r}, schema version "
                f"{SCHEMA_VERSION}, rows, bytes and a checksum per file)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParseError(path, None, expected=expected, found="no such file",
                         remedy=remedy) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ParseError(path, None, expected=expected, found=f"text that is not JSON ({error})",
                         remedy=remedy) from None
    if not verify:
        return manifest
    problems = []
    if manifest.get("schema_version") != SCHEMA_VERSION:
        problems.append(f"schema_version {manifest.get('schema_version')!r}")
    tables = manifest.get("tables") if isinstance(manifest.get("tables"), dict) else {}
    for name in ("posts", "comments"):
        parts = tables.get(name, {}).get("parts")
        if not isinstance(parts, list) or len(parts) != manifest.get("npartitions"):
            problems.append(f"no list of {manifest.get('npartitions')} {name} partitions")
        elif not all(isinstance(p, dict) and {"file", "rows", "bytes", "sha256"} <= set(p)
                     for p in parts):
            problems.append(f"{name} partitions without file, rows, bytes and sha256")
    for name in ("unparsed", "furniture"):
        if not {"file", "rows", "bytes", "sha256"} <= set(tables.get(name, {})):
            problems.append(f"{name} without file, rows, bytes and sha256")
    if problems:
        raise ParseError(path, None, expected=expected, found="; ".join(problems), remedy=remedy)
    for name in ("posts", "comments"):
        listed = {p["file"] for p in tables[name]["parts"]}
        found = {f"{name}/{p.name}" for p in (folder / name).glob("*.parquet")}
        if found - listed:
            extra = sorted(found - listed)
            raise ParseError(folder / name, None,
                             expected=f"the {len(listed)} partition files listed in manifest.json",
                             found=f"files from another save: {', '.join(extra[:5])}",
                             remedy=remedy)
    return manifest


def _read_checked(folder: Path, entry: dict | None, file: str) -> pd.DataFrame:
    """Read one file of the dataset; with its manifest ``entry``, check bytes, checksum, rows."""
    import hashlib
    import io

    from msdiscourse.errors import ParseError

    path = Path(folder) / file
    remedy = _REMEDY.format(folder=folder)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ParseError(path, None, expected="a file listed in manifest.json",
                         found="no such file", remedy=remedy) from None
    if entry is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"] or len(data) != entry["bytes"]:
            raise ParseError(path, None,
                             expected=f"{entry['bytes']} bytes with sha256 {entry['sha256'][:12]}... "
                                      f"as recorded in manifest.json",
                             found=f"{len(data)} bytes with sha256 {digest[:12]}...: the file was "
                                   f"changed or truncated after it was saved",
                             remedy=remedy)
    frame = pd.read_parquet(io.BytesIO(data))
    if entry is not None and len(frame) != entry["rows"]:
        raise ParseError(path, None, expected=f"{entry['rows']} rows", found=f"{len(frame)} rows",
                         remedy=remedy)
    return frame


def load_partitioned(folder: str | Path, *, verify: bool = True) -> Corpus:
    """Read a partitioned dataset into a pandas corpus, in corpus order (no cluster needed).

    Called by :func:`msdiscourse.load_processed` when the folder's manifest says
    ``"layout": "partitioned"``. With ``verify`` (default) every file is checked against
    the manifest (bytes, SHA-256 checksum, rows) and a partition file the manifest does
    not list is refused: a :class:`~msdiscourse.errors.ParseError` names the file.
    """
    folder = Path(folder)
    manifest = _read_manifest(folder, verify=verify)
    tables = {}
    for name, columns in (("posts", POST_COLUMNS), ("comments", COMMENT_COLUMNS)):
        if verify:
            entries = manifest["tables"][name]["parts"]
            frames = [_read_checked(folder, e, e["file"]) for e in entries]
        else:
            files = sorted((folder / name).glob("*.parquet"))
            if not files:
                raise FileNotFoundError(f"{folder / name}: expected the {name} partitions "
                                        f"written by DaskCorpus.save(); found none")
            frames = [_read_checked(folder, None, f"{name}/{f.name}") for f in files]
        tables[name] = _clean(pd.concat(frames), columns)
    for name, columns in (("unparsed", UNPARSED_COLUMNS), ("furniture", FURNITURE_COLUMNS)):
        entry = manifest["tables"][name] if verify else None
        tables[name] = coerce_frame(_read_checked(folder, entry, f"{name}.parquet"), columns)
    return Corpus(**tables)
