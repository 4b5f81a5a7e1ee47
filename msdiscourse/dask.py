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
>>> corpus.exchange_matrix(corpus.reply_exchanges(roles, tone))         # doctest: +SKIP
>>> corpus.save("data/processed")                                       # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from msdiscourse.corpus import (
    COMMENT_COLUMNS,
    FURNITURE_COLUMNS,
    POST_COLUMNS,
    UNPARSED_COLUMNS,
    Corpus,
    coerce_frame,
    empty_frame,
)

__all__ = [
    "ENGINES",
    "LAYOUT",
    "Analyses",
    "DaskCorpus",
    "analyses",
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


def _dd():
    import dask.dataframe as dd

    return dd


# -- the cluster -----------------------------------------------------------------------------
def get_client(scheduler: str | None = None, *, workers: int | None = None,
               threads_per_worker: int = 1, **cluster_options):
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
    **cluster_options
        Passed to ``LocalCluster`` (``memory_limit="4GB"``, ``dashboard_address=None`` ...).
    """
    from distributed import Client, LocalCluster, default_client

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
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker,
                           processes=True, **cluster_options)
    return Client(cluster)


def _keep_objects(function: Callable) -> Callable:
    """Build the graph with Dask's string conversion off: list columns (``tags``) stay lists."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        import dask

        with dask.config.set({"dataframe.convert-string": False}):
            return function(*args, **kwargs)

    return wrapper


# -- partitioning ---------------------------------------------------------------------------
def _part_of(keys: pd.Series, npartitions: int) -> np.ndarray:
    """The partition of each key: a hash that is the same in every process and run."""
    hashed = pd.util.hash_pandas_object(keys.astype("string").fillna(""), index=False)
    return (hashed.to_numpy() % np.uint64(npartitions)).astype("int64")


def _by_part(frame, column: str, npartitions: int):
    """Shuffle ``frame`` so that partition ``i`` holds the rows whose ``column`` hashes to ``i``."""
    with_part = frame.map_partitions(
        lambda part: part.assign(**{_PART: _part_of(part[column], npartitions)}),
        meta=frame._meta.assign(**{_PART: np.int64(0)}))
    divisions = list(range(npartitions)) + [npartitions - 1]
    return with_part.set_index(_PART, divisions=divisions, shuffle_method="tasks")


def _clean(part: pd.DataFrame, columns) -> pd.DataFrame:
    """A partition as the pandas functions expect it: corpus order, contract dtypes."""
    part = part.reset_index(drop=True)
    if len(part):
        part = part.sort_values(list(_ORDER), kind="stable")
    return coerce_frame(part.drop(columns=[c for c in _ORDER if c in part.columns]), columns)


def _partition_corpus(posts: pd.DataFrame, comments: pd.DataFrame) -> Corpus:
    return Corpus(posts=_clean(posts, POST_COLUMNS), comments=_clean(comments, COMMENT_COLUMNS))


def _indexed(frame: pd.DataFrame, number: int) -> pd.DataFrame:
    """Give a per-partition result the partition's index, so results stay aligned."""
    frame = frame.reset_index(drop=True)
    frame.index = pd.Index(np.full(len(frame), number, dtype="int64"), name=_PART)
    return frame


def _on_corpus(posts, comments, *others, function: Callable, options: dict,
               partition_info=None):
    number = partition_info["number"] if partition_info else 0
    corpus = _partition_corpus(posts, comments)
    others = [o.reset_index(drop=True) if isinstance(o, pd.DataFrame) else o for o in others]
    return _indexed(function(corpus, *others, **options), number)


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
        return _dd().map_partitions(_on_corpus, self.posts, self.comments, *others,
                                    function=function, options=options, meta=meta,
                                    align_dataframes=False)

    @staticmethod
    def _map_frames(function: Callable, *frames, **options):
        meta = _indexed(function(*[_meta_of(f) for f in frames], **options), 0)
        return _dd().map_partitions(_on_frames, *frames, function=function, options=options,
                                    meta=meta, align_dataframes=False)

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
    def comment_tone(self, **options):
        """:func:`msdiscourse.comment_tone` per partition (a comment's quotes are in its post)."""
        from msdiscourse.tone import comment_tone

        options = {"n_jobs": 1, "progress": False, **options}
        return self._map(comment_tone, **options)

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
        (a second shuffle, on ``by``).
        """
        from msdiscourse.sarcasm import marker_profile

        if by in _LOCAL_KEYS:
            return self._map_frames(marker_profile, markers, units, by=by, **options)
        if by not in markers.columns:
            markers = self._map_frames(_attach_unit, markers, units, by=by)
        markers = _by_part(markers.reset_index(drop=True), by, self.npartitions)
        units = _by_part(units.reset_index(drop=True), by, self.npartitions)
        return self._map_frames(marker_profile, markers, units, by=by, **options)

    @_keep_objects
    def assign_roles(self, **options):
        """:func:`msdiscourse.assign_roles`: cues per partition, then one decision per author.

        Only the comments that carry a cue (and one comment per author, its text blanked)
        travel to the decision step, which runs ``assign_roles`` itself on that reduced
        corpus; the decisions are then joined back to every comment per partition.
        Options (``known``, ``codebook``, ``blog_is_research`` ...) are passed on unchanged.
        """
        from msdiscourse import roles as role_module

        if options.get("infer"):
            raise ValueError("assign_roles(infer=True) on the Dask engine: expected infer=False; "
                             "the inferred stage trains on every comment's text at once (run "
                             "msdiscourse.assign_roles(corpus.compute(), infer=True) instead)")
        # a declared flair is evidence too (assign_roles(..., flair_roles=...)): keep it
        keep_flair = bool(options.get("flair_roles"))
        cued = self.comments.map_partitions(_cue_bearing, keep_flair=keep_flair,
                                            meta=self.comments._meta)
        firsts = self.comments.map_partitions(_first_per_author, meta=self.comments._meta)
        post_authors = self.posts.map_partitions(_first_per_author, meta=self.posts._meta)
        # on a forum a post body is evidence too: posts whose body carries a cue keep it
        cued_posts = self.posts.map_partitions(_cue_bearing, column="body", meta=self.posts._meta)
        cued, firsts, post_authors, cued_posts = _compute(cued, firsts, post_authors, cued_posts)
        firsts = firsts[~firsts["comment_id"].isin(set(cued["comment_id"]))]
        firsts = _sorted(firsts).drop_duplicates("author").assign(text=None)
        post_authors = post_authors[~post_authors["post_id"].isin(set(cued_posts["post_id"]))]
        post_authors = _sorted(post_authors).drop_duplicates("author").assign(body=None, title=None)
        posts = pd.concat([cued_posts.reset_index(drop=True), post_authors.reset_index(drop=True)])
        reduced = Corpus(posts=_clean(posts, POST_COLUMNS),
                         comments=_clean(pd.concat([cued, firsts]), COMMENT_COLUMNS))
        decided = role_module.assign_roles(reduced, **options)
        by_author, by_comment, unknown = _decisions(decided, role_module)
        columns = list(decided.columns)
        meta = _indexed(decided.iloc[:0], 0)
        return self.comments.map_partitions(
            _apply_decisions, by_author=by_author, by_comment=by_comment, unknown=unknown,
            columns=columns, dtypes=decided.dtypes.to_dict(),
            discount=role_module.PROPAGATION_DISCOUNT, meta=meta)

    @_keep_objects
    def reply_exchanges(self, roles, tone=None, markers=None, *, post_roles=None,
                        sentences=None, **options):
        """:func:`msdiscourse.reply_exchanges` per partition.

        Two things it needs from the whole corpus travel to every partition: every author's
        name (a reply that names someone who wrote elsewhere) and each post author's role.
        """
        from msdiscourse.exchanges import reply_exchanges

        posts, comments, author_roles = _compute(
            _distinct(self.posts[["author"]], "author"),
            _distinct(self.comments[["author"]], "author"), _distinct(roles, "author"))
        names = sorted(set(posts["author"]) | set(comments["author"]))
        author_roles = author_roles.drop_duplicates("author").reset_index(drop=True)
        frames = [roles, tone, markers, post_roles, sentences]
        present = [f for f in frames if f is not None and not isinstance(f, pd.DataFrame)]
        layout = [None if f is None else ("dask" if not isinstance(f, pd.DataFrame) else f)
                  for f in frames]
        function = _call(_exchanges_with_context, reply_exchanges=reply_exchanges,
                         names=names, author_roles=author_roles, layout=layout)
        return self._map(function, *present, **options)

    @staticmethod
    def exchange_matrix(exchanges, value: str = "n", **options) -> pd.DataFrame:
        """:func:`msdiscourse.exchange_matrix` on the columns it needs (a small pandas table)."""
        from msdiscourse.exchanges import exchange_matrix

        columns = ["replier_role", "addressee_role"] + [
            c for c in ("replier_compound", "replier_marker_rate", "tone_shift")
            if c in exchanges.columns]
        frame = exchanges[columns] if not isinstance(exchanges, pd.DataFrame) else exchanges
        frame = _compute(frame)[0] if not isinstance(frame, pd.DataFrame) else frame
        return exchange_matrix(frame.reset_index(drop=True), value=value, **options)

    # -- results -----------------------------------------------------------------------------
    def compute(self) -> Corpus:
        """The pandas :class:`~msdiscourse.corpus.Corpus` (posts and comments in corpus order)."""
        posts, comments, unparsed, furniture = _compute(self.posts, self.comments,
                                                        self.unparsed, self.furniture)
        return Corpus(posts=_clean(posts, POST_COLUMNS), comments=_clean(comments, COMMENT_COLUMNS),
                      unparsed=coerce_frame(unparsed.reset_index(drop=True), UNPARSED_COLUMNS),
                      furniture=coerce_frame(furniture.reset_index(drop=True), FURNITURE_COLUMNS))

    def save(self, folder: str | Path) -> Path:
        """Write a partitioned parquet dataset: ``posts/``, ``comments/`` (one file per
        partition), ``unparsed.parquet``, ``furniture.parquet`` and ``manifest.json``.

        :func:`msdiscourse.load_processed` reads it back as a pandas corpus, and
        :func:`read_processed` as a ``DaskCorpus`` without a new shuffle. Partition files
        already in the folder are replaced.
        """
        import dask
        from dask import delayed

        folder = Path(folder)
        writes = []
        for name in ("posts", "comments"):
            (folder / name).mkdir(parents=True, exist_ok=True)
            for old in (folder / name).glob("part.*.parquet"):
                old.unlink()
            writes.append([delayed(_write_part)(part, folder / name / f"part.{i:05d}.parquet")
                           for i, part in enumerate(getattr(self, name).to_delayed())])
        small = [delayed(_concat_parts)(frame.to_delayed()) for frame in (self.unparsed,
                                                                          self.furniture)]
        unparsed, furniture, post_rows, comment_rows = dask.compute(*small, *writes)
        coerce_frame(unparsed.reset_index(drop=True), UNPARSED_COLUMNS).to_parquet(
            folder / "unparsed.parquet", index=False)
        coerce_frame(furniture.reset_index(drop=True), FURNITURE_COLUMNS).to_parquet(
            folder / "furniture.parquet", index=False)
        manifest = {"schema_version": 1, "layout": LAYOUT, "npartitions": self.npartitions,
                    "tables": {"posts": {"rows": int(sum(post_rows))},
                               "comments": {"rows": int(sum(comment_rows))},
                               "unparsed": {"rows": len(unparsed)},
                               "furniture": {"rows": len(furniture)}}}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                              encoding="utf-8")
        return folder

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
            if key in frame.columns:
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

    def comment_tone(self, **options) -> pd.DataFrame:
        """:func:`msdiscourse.comment_tone` on the corpus."""
        from msdiscourse.tone import comment_tone

        return self._run("comment_tone", lambda **o: comment_tone(self.corpus, **o), {}, options)

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

    def reply_exchanges(self, roles: pd.DataFrame, tone: pd.DataFrame | None = None,
                        markers: pd.DataFrame | None = None, **options) -> pd.DataFrame:
        """:func:`msdiscourse.reply_exchanges` on the corpus."""
        from msdiscourse.exchanges import reply_exchanges

        tables = {"roles": roles, "tone": tone, "markers": markers}
        tables = {key: value for key, value in tables.items() if value is not None}
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


def _call(function: Callable, **bound) -> Callable:
    """A picklable function of (corpus, *frames, **options) calling ``function``."""
    if not bound:
        return function

    def call(*args, **options):
        return function(*args, **bound, **options)

    return call


def _compute(*collections):
    import dask

    get_client()
    return dask.compute(*collections)


def _distinct(frame, column: str):
    """The first row of each non-missing ``column`` value in each partition (no shuffle)."""
    return frame.map_partitions(
        lambda part: part[part[column].notna()].drop_duplicates(column), meta=frame._meta)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True).sort_values(list(_ORDER), kind="stable")


# -- roles: cues per partition, decision per author -----------------------------------------------
def _cue_bearing(comments: pd.DataFrame, *, keep_flair: bool = False,
                 column: str = "text") -> pd.DataFrame:
    """The rows whose ``column`` carries a role cue (or, with ``keep_flair``, a flair)."""
    from msdiscourse.roles import find_role_cues

    if not len(comments):
        return comments
    texts = pd.Series(comments[column].tolist(), index=range(len(comments)))
    keep = set(find_role_cues(texts)["text_index"].tolist())
    if keep_flair and "author_flair_text" in comments.columns:
        keep |= set(np.flatnonzero(comments["author_flair_text"].notna().to_numpy()))
    return comments.iloc[sorted(keep)]


def _first_per_author(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[frame["author"].notna()]
    return _sorted(frame).drop_duplicates("author") if len(frame) else frame


def _decisions(decided: pd.DataFrame, role_module):
    """Per author key and per anonymous comment: the decision as made for the evidence comment."""
    keys = decided["author"].map(role_module.author_key)
    own = decided["source"].astype("string") != "same_author"
    # every decision column (detail, evidence_post_id ...), as the pandas function has them
    decision = list(role_module._DECISION_COLUMNS)
    # an author's own-text decision first; an author whose only evidence is a post body (a
    # forum) has carried rows only, which hold the decision as the pandas function gives it
    named = pd.concat([decided[keys.notna() & own], decided[keys.notna() & ~own]]).assign(
        _key=keys)
    by_author = named.drop_duplicates("_key").set_index("_key")[decision]
    anonymous = decided[keys.isna()]
    by_comment = anonymous.set_index("comment_id")[decision]
    by_author = by_author.astype(object).where(by_author.notna(), pd.NA).to_dict("index")
    by_comment = by_comment.astype(object).where(by_comment.notna(), pd.NA).to_dict("index")
    probe = Corpus.from_records(posts=[{"post_id": "p"}],
                                comments=[{"comment_id": "p.c", "post_id": "p", "text": ""}])
    unknown = role_module.assign_roles(probe, blog_is_research=False).iloc[0][decision]
    return by_author, by_comment, unknown.to_dict()


def _apply_decisions(comments: pd.DataFrame, *, by_author, by_comment, unknown, columns,
                     dtypes, discount):
    from msdiscourse.roles import author_key

    index = comments.index
    comments = comments.reset_index(drop=True)
    rows = []
    for comment_id, post_id, author in zip(comments["comment_id"].tolist(),
                                           comments["post_id"].tolist(),
                                           comments["author"].tolist()):
        key = author_key(author)
        if key is not None and key in by_author:
            decision = dict(by_author[key])
        elif key is None and comment_id in by_comment:
            decision = dict(by_comment[comment_id])
        else:
            decision = dict(unknown)
        if (decision["source"] == "own_text" and decision["evidence_comment_id"] is not pd.NA
                and decision["evidence_comment_id"] != comment_id):
            decision["source"] = "same_author"
            decision["confidence"] = round(decision["confidence"] * discount, 4)
        rows.append({"comment_id": comment_id, "post_id": post_id, "author": author, **decision})
    frame = pd.DataFrame(rows, columns=columns)
    for column, dtype in dtypes.items():
        if pd.api.types.is_float_dtype(dtype):  # pd.NA (from the decision dicts) -> NaN
            frame[column] = pd.to_numeric(frame[column].astype(object).where(frame[column].notna(),
                                                                             np.nan))
    frame = frame.astype(dtypes)
    frame.index = index[: len(frame)] if len(index) else index
    return frame


# -- exchanges: the partition plus what it needs from the whole corpus ----------------------------
def _exchanges_with_context(corpus: Corpus, *frames, reply_exchanges, names, author_roles,
                            layout, **options):
    given = iter(frames)
    roles, tone, markers, post_roles, sentences = [
        None if kind is None else (next(given) if isinstance(kind, str) else kind)
        for kind in layout]
    # every author's name, so a reply naming someone from another post is recognised: the
    # names ride along as extra posts without body or comments (they add no rows)
    present = set(corpus.posts["author"].dropna()) | set(corpus.comments["author"].dropna())
    extra = [n for n in names if n not in present]
    posts = corpus.posts
    if extra:
        ghosts = pd.DataFrame({"post_id": [f"\x00author:{i}" for i in range(len(extra))],
                               "author": extra})
        posts = coerce_frame(pd.concat([posts, ghosts], ignore_index=True), POST_COLUMNS)
    # each post author's role, decided on comments that may sit in another partition
    wanted = author_roles[author_roles["author"].isin(set(corpus.posts["author"].dropna()))]
    roles = pd.concat([wanted, roles], ignore_index=True) if len(wanted) else roles
    if sentences is not None:  # only passed on when given (the pandas function may not take it)
        options = {**options, "sentences": sentences}
    return reply_exchanges(corpus.replace(posts=posts), roles=roles, tone=tone, markers=markers,
                           post_roles=post_roles, **options)


def _attach_unit(markers: pd.DataFrame, units: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Give each marker hit the ``by`` value of its sentence (or indexed unit)."""
    if "sentence_id" in markers.columns and "sentence_id" in units.columns:
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
              build: Callable | None = None) -> DaskCorpus:
    """Shuffle posts and comments by post and (optionally) build each partition's threads."""
    posts = _by_part(posts, "post_id", npartitions)
    comments = _by_part(comments, "post_id", npartitions)
    if build is not None:
        from dask import delayed

        dd = _dd()
        built = [delayed(build)(p, c) for p, c in zip(posts.to_delayed(), comments.to_delayed())]
        meta = build(posts._meta, comments._meta)
        divisions = posts.divisions
        posts = dd.from_delayed([delayed(_pick)(b, 0) for b in built], meta=meta[0],
                                divisions=divisions, verify_meta=False)
        comments = dd.from_delayed([delayed(_pick)(b, 1) for b in built], meta=meta[1],
                                   divisions=divisions, verify_meta=False)
    return DaskCorpus(posts=posts, comments=comments, unparsed=unparsed, furniture=furniture,
                      npartitions=npartitions)


def _pick(pair, i):
    return pair[i]


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


def _reddit_partition(posts: pd.DataFrame, comments: pd.DataFrame):
    from msdiscourse.io.reddit import assemble_reddit

    corpus = assemble_reddit(posts.reset_index(drop=True), comments.reset_index(drop=True))
    # corpus order of read_reddit: posts by id, comments by post then position
    posts = corpus.posts.assign(_o1=corpus.posts["post_id"].astype(object),
                                _o2=np.zeros(len(corpus.posts), dtype="int64"))
    comments = corpus.comments.assign(
        _o1=corpus.comments["post_id"].astype(object),
        _o2=corpus.comments["position"].astype("int64") if len(corpus.comments)
        else np.zeros(0, dtype="int64"))
    return posts, comments


def _parse(source, index: int, subreddits, on_error: str):
    from msdiscourse.io.reddit import parse_reddit_file

    posts, comments, unparsed = parse_reddit_file(source, file_index=index, subreddits=subreddits,
                                                  on_error=on_error)
    return posts, comments, coerce_frame(pd.DataFrame(unparsed), UNPARSED_COLUMNS)


@_keep_objects
def read_reddit(paths, *, subreddits: Iterable[str] | None = None, on_error: str = "raise",
                npartitions: int | None = None) -> DaskCorpus:
    """:func:`msdiscourse.read_reddit` on the cluster: one task per file, one shuffle by post.

    Each file is parsed by its own task (streaming, so a worker holds only the rows kept);
    posts and comments are then gathered by post, and each partition's threads are built by
    the same function the pandas reader uses. Same arguments as the pandas reader, plus
    ``npartitions`` (default: twice the workers).
    """
    from dask import delayed

    from msdiscourse.errors import check_on_error
    from msdiscourse.io.reddit import _expand, _raw_comments, _raw_posts

    check_on_error(on_error)
    dd = _dd()
    subreddits = list(subreddits) if subreddits is not None else None
    sources = [str(s) if isinstance(s, Path) else s for s in _expand(paths)]
    parsed = [delayed(_parse, pure=True)(s, i, subreddits, on_error) for i, s in enumerate(sources)]
    posts = dd.from_delayed([delayed(_pick)(p, 0) for p in parsed], meta=_raw_posts([]),
                            verify_meta=False)
    comments = dd.from_delayed([delayed(_pick)(p, 1) for p in parsed], meta=_raw_comments([]),
                               verify_meta=False)
    unparsed = dd.from_delayed([delayed(_pick)(p, 2) for p in parsed],
                               meta=empty_frame(UNPARSED_COLUMNS), verify_meta=False)
    furniture = dd.from_pandas(empty_frame(FURNITURE_COLUMNS), npartitions=1)
    n = npartitions if npartitions is not None else _reddit_partitions(sources)
    return _assemble(posts, comments, unparsed, furniture, n, build=_reddit_partition)


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


def _read_one(path: str, index: int, on_error: str) -> Corpus:
    from msdiscourse.io.folder import read_corpus as read_pandas

    corpus = read_pandas(path, on_error=on_error, progress=False)
    order = f"{index:09d}"
    return corpus.replace(
        posts=corpus.posts.assign(_o1=order, _o2=np.arange(len(corpus.posts), dtype="int64")),
        comments=corpus.comments.assign(_o1=order,
                                        _o2=np.arange(len(corpus.comments), dtype="int64")))


@_keep_objects
def read_corpus(folder: str | Path, *, on_error: str = "raise",
                npartitions: int | None = None) -> DaskCorpus:
    """:func:`msdiscourse.read_corpus` on the cluster: one task per file, one shuffle by post.

    Reddit dumps below ``folder`` are read together by :func:`read_reddit` (their replies
    cross files); every other file is read by its own task.
    """
    from dask import delayed

    from msdiscourse.errors import check_on_error
    from msdiscourse.io.folder import list_corpus_files
    from msdiscourse.io.reddit import is_reddit_file

    check_on_error(on_error)
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
                             on_error=on_error, pure=True)
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
def read_processed(folder: str | Path) -> DaskCorpus:
    """Open a partitioned dataset as a :class:`DaskCorpus` (partitions as saved, no shuffle)."""
    from dask import delayed

    dd = _dd()
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    n = int(manifest["npartitions"])
    divisions = list(range(n)) + [n - 1]
    tables = {}
    for name in ("posts", "comments"):
        files = sorted((folder / name).glob("part.*.parquet"))
        if len(files) != n:
            raise FileNotFoundError(f"{folder / name}: expected {n} partition files written by "
                                    f"DaskCorpus.save(); found {len(files)}")
        meta = pd.read_parquet(files[0]).iloc[:0]
        tables[name] = dd.from_delayed([delayed(pd.read_parquet)(f) for f in files], meta=meta,
                                       divisions=divisions, verify_meta=False)
    return DaskCorpus(posts=tables["posts"], comments=tables["comments"],
                      unparsed=dd.from_pandas(pd.read_parquet(folder / "unparsed.parquet"),
                                              npartitions=1),
                      furniture=dd.from_pandas(pd.read_parquet(folder / "furniture.parquet"),
                                               npartitions=1), npartitions=n)


def _concat_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts) if parts else pd.DataFrame()


def _write_part(frame: pd.DataFrame, path: Path) -> int:
    frame.to_parquet(path, index=True)
    return len(frame)


def load_partitioned(folder: str | Path) -> Corpus:
    """Read a partitioned dataset into a pandas corpus, in corpus order (no cluster needed).

    Called by :func:`msdiscourse.load_processed` when the folder's manifest says
    ``"layout": "partitioned"``.
    """
    folder = Path(folder)
    tables = {}
    for name, columns in (("posts", POST_COLUMNS), ("comments", COMMENT_COLUMNS)):
        part_files = sorted((folder / name).glob("*.parquet"))
        if not part_files:
            raise FileNotFoundError(f"{folder / name}: expected the {name} partitions written by "
                                    f"DaskCorpus.save(); found none")
        frame = pd.concat([pd.read_parquet(p) for p in part_files])
        tables[name] = _clean(frame, columns)
    for name, columns in (("unparsed", UNPARSED_COLUMNS), ("furniture", FURNITURE_COLUMNS)):
        tables[name] = coerce_frame(pd.read_parquet(folder / f"{name}.parquet"), columns)
    return Corpus(**tables)

