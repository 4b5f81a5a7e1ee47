"""Read a whole folder: sniff each file's format by its content, read it, concatenate.

``read_corpus("data/raw")`` is the one call most users need. Each file is read by the
reader of its format (``read_pagedump``, ``read_wxr`` ...); the results are concatenated
into one :class:`~msdiscourse.corpus.Corpus`. Documentation files that sit beside data
(``README*``, ``*.md``, ``LICENSE*``) and sidecar JSON (``expected.json``) are skipped by
name; every skipped file is logged and listed by :func:`list_corpus_files`.
"""

from __future__ import annotations

import importlib
import logging
import re
import warnings
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from msdiscourse._progress import progress_bar
from msdiscourse.corpus import Corpus
from msdiscourse.errors import ParseError, ParseWarning, check_on_error

__all__ = ["read_corpus", "sniff_format", "list_corpus_files", "READERS", "FILE_NOT_READ",
           "load_corpus"]

log = logging.getLogger(__name__)

#: format name -> "module:function" of its reader
READERS: dict[str, str] = {
    "pagedump": "msdiscourse.io.pagedump:read_pagedump",
    "wxr": "msdiscourse.io.wxr:read_wxr",
    "blogger": "msdiscourse.io.blogger:read_blogger",
    "disqus": "msdiscourse.io.disqus:read_disqus",
    "html": "msdiscourse.io.html_page:read_html_page",
    "table": "msdiscourse.io.table:read_comments_table",
    "convokit": "msdiscourse.io.convokit:read_convokit",
    "reddit": "msdiscourse.io.reddit:read_reddit",
}

#: the ``reason`` of the unparsed row that stands for a whole file that could not be read
FILE_NOT_READ = "file not read"

_SKIP_PREFIXES = ("readme", "license", "licence", "changelog")
_SKIP_SUFFIXES = (".md", ".rst", ".json", ".pdf", ".png", ".svg", ".jpg", ".gif", ".ipynb", ".py")
_TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".parquet")
_SNIFF_BYTES = 8192


def sniff_format(path: str | Path) -> str:
    """Return the format of one file (or a ConvoKit folder) by looking at its content.

    Parameters
    ----------
    path
        A file, or a folder holding a ConvoKit corpus (``utterances.jsonl``).

    Returns
    -------
    str
        One of the keys of :data:`READERS`.

    Raises
    ------
    ParseError
        When the file is empty, binary, or XML of a format no reader knows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "page.txt"
    >>> _ = page.write_text("A title\\n\\n  • A comment\\n", encoding="utf-8")
    >>> sniff_format(page)
    'pagedump'
    """
    path = Path(path)
    if path.is_dir():
        # utterances.json (a JSON list) is ConvoKit's pre-2.0 layout, still loadable by it
        if (path / "utterances.jsonl").exists() or (path / "utterances.json").exists():
            return "convokit"
        raise ParseError(str(path), None, expected="a file or a ConvoKit folder (utterances.jsonl)",
                         found="a folder without utterances.jsonl", remedy=None)
    from msdiscourse.io.reddit import is_reddit_file

    if is_reddit_file(path):  # RS_/RC_ dumps (maybe compressed), Reddit NDJSON or thread JSON
        return "reddit"
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise ParseError(str(path), None, expected="a non-empty file", found="an empty file",
                         remedy=None)
    suffix = path.suffix.lower()
    if suffix == ".parquet" or head.startswith(b"PAR1"):
        return "table"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(str(path), None, expected="text or a known export format",
                         found="binary data (NUL bytes)", remedy=None)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    lowered = text[:_SNIFF_BYTES].lower()
    if text.startswith("<"):
        if "wordpress.org/export" in lowered or "<wp:" in lowered:
            return "wxr"
        if "<disqus" in lowered:
            return "disqus"
        if "<feed" in lowered and ("blogger" in lowered or "schemas.google.com" in lowered):
            return "blogger"
        if "<html" in lowered or "<!doctype html" in lowered:
            return "html"
        if "<feed" in lowered:
            return "blogger"
        if lowered.startswith("<?xml") or "<rss" in lowered:  # XML, but no format we read
            root = re.search(r"<([A-Za-z][\w:.-]*)", re.sub(r"<[?!][^>]*>", "", text[:_SNIFF_BYTES]))
            raise ParseError(
                str(path), None,
                expected="a known format (WordPress WXR, Blogger Atom, Disqus XML, an HTML page, "
                         "a page dump, a table)",
                found=f"an XML document with the root <{root.group(1) if root else '?'}>",
                remedy=None)
    if suffix in _TABLE_SUFFIXES:
        return "table"
    return "pagedump"


def _is_skipped(path: Path) -> bool:
    name = path.name.lower()
    return (
        name.startswith(".")
        or name.startswith(_SKIP_PREFIXES)
        or name.endswith(_SKIP_SUFFIXES)
    )


def list_corpus_files(folder: str | Path) -> tuple[list[Path], list[Path]]:
    """Return ``(files_to_read, skipped_files)`` below ``folder``, both sorted.

    A folder holding ``utterances.jsonl`` counts as one ConvoKit corpus.
    """
    folder = Path(folder)
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: no such folder")
    if folder.is_file():
        return [folder], []
    found: list[Path] = []
    skipped: list[Path] = []
    convokit_dirs = sorted({p.parent for name in ("utterances.jsonl", "utterances.json")
                            for p in folder.rglob(name)})
    for candidate in sorted(folder.rglob("*")):
        if any(d == candidate or d in candidate.parents for d in convokit_dirs):
            continue
        if candidate.is_dir() or any(part.startswith(".") for part in candidate.relative_to(folder).parts):
            continue
        skip = _is_skipped(candidate) and not (candidate.suffix.lower() == ".json"
                                               and _is_reddit(candidate))
        (skipped if skip else found).append(candidate)
    return sorted(found + convokit_dirs), skipped


def _is_reddit(path: Path) -> bool:
    from msdiscourse.io.reddit import is_reddit_file

    return is_reddit_file(path)


def _reader(format_name: str):
    if format_name == "table":
        return _read_table
    module_name, function_name = READERS[format_name].split(":")
    return getattr(importlib.import_module(module_name), function_name)


#: what a folder read says about a table whose columns are not msdiscourse's when no
#: mapping was given: "map it with columns=..." names read_comments_table's own option
_TABLE_REMEDY = (
    "read_corpus and `msdiscourse parse` read a table under msdiscourse's column names: "
    "comment_id, post_id, parent_id, author, text, published (cells may be empty); rename the "
    "columns, or map them: read_corpus(folder, table_options={'columns': {...}}) or "
    "`msdiscourse parse --table-columns id=,post=NAME,...`, adding first_row_is_post (or "
    "--first-row-is-post) when each thread's first row is its post")


#: the options of :func:`read_comments_table` a folder read passes to every table file
_TABLE_OPTION_KEYS = ("columns", "first_row_is_post")


def _check_table_options(table_options: Mapping | None) -> dict:
    """``table_options`` as a dict, or a ``ValueError`` naming the unknown key and the allowed ones."""
    if table_options is None:
        return {}
    if not isinstance(table_options, Mapping):
        raise TypeError(f"table_options: expected a mapping with some of the keys "
                        f"{', '.join(map(repr, _TABLE_OPTION_KEYS))}; got {type(table_options).__name__}")
    unknown = [key for key in table_options if key not in _TABLE_OPTION_KEYS]
    if unknown:
        raise ValueError(f"table_options: unknown key {unknown[0]!r}; expected some of "
                         f"{', '.join(map(repr, _TABLE_OPTION_KEYS))} (options of read_comments_table)")
    return dict(table_options)


def _read_table(path, **options) -> Corpus:
    """``read_comments_table`` with our column names; a missing column says how to go on."""
    from msdiscourse.io.table import read_comments_table

    try:
        return read_comments_table(path, **options)
    except ParseError as error:
        if not (error.remedy or "").startswith("map it with columns=") or options.get("columns"):
            raise
        raise ParseError(error.source, error.line, expected=error.expected, found=error.found,
                         remedy=_TABLE_REMEDY) from error


def read_corpus(
    folder: str | Path,
    *,
    on_error: str = "raise",
    formats: Iterable[str] | None = None,
    progress: bool | None = None,
    table_options: Mapping | None = None,
) -> Corpus:
    """Read every page or export below ``folder`` into one corpus.

    Parameters
    ----------
    folder
        A folder (searched recursively) or a single file.
    on_error
        ``"raise"``, ``"warn"`` or ``"collect"``, passed to every reader. Under
        ``"warn"`` and ``"collect"`` a file that cannot be read at all (binary, empty,
        not a known format, an export refused for safety, a reader error) becomes one
        ``unparsed`` row (``source`` = the file, ``reason`` = :data:`FILE_NOT_READ`,
        ``text`` = the error, naming what was expected and found) and the other files
        are read; ``"warn"`` also warns. A post id that two files share (or one file
        repeats) is kept as ``<id>~2`` (posts ``flags`` = ``duplicate_id``, its comments'
        ids follow). Under ``"raise"`` each of these is a :class:`ParseError` naming the
        file (for a shared post id, both files).
    formats
        Read only files of these formats (keys of :data:`READERS`); default all. A file
        of another format is left out, and so is a file whose format cannot be told
        (empty, binary, XML of no known format): the sniffer that picks the formats
        finds it none of them (a file the system cannot open is still not read). Without ``formats`` such a file is a file not read (above).
    progress
        Show a progress bar; default: only when there are more than 20 files, in
        Jupyter or on a terminal.
    table_options
        How every table file (CSV, TSV, JSON Lines, parquet) is read: options of
        :func:`~msdiscourse.read_comments_table`, some of ``"columns"`` (the column of
        each role; ``None`` for a column the table lacks) and ``"first_row_is_post"`` (a
        forum export whose first row of each thread is its opening post). Default: our
        own column names, one row per comment.

    Returns
    -------
    Corpus
        All files concatenated; each post's ``source`` names its file.

    Raises
    ------
    ParseError
        Under ``on_error="raise"``: from a reader, naming the file and line; for a file
        that cannot be read; for a post id that two files share.
    FileNotFoundError
        When the folder does not exist or holds no readable file.
    ValueError
        When ``table_options`` has a key other than ``"columns"`` and
        ``"first_row_is_post"`` (naming it).

    Examples
    --------
    >>> corpus = read_corpus("data/raw")          # doctest: +SKIP
    >>> corpus.summary()["posts"]                 # doctest: +SKIP
    5

    A folder holding a forum export, one row per message, each thread's opening post first:

    >>> import tempfile
    >>> forum = Path(tempfile.mkdtemp())
    >>> _ = (forum / "forum.csv").write_text(
    ...     "thread,who,body\\nt1,Ann,I was diagnosed last May.\\nt1,Bob,Welcome Ann.\\n",
    ...     encoding="utf-8")
    >>> corpus = read_corpus(forum, table_options={"first_row_is_post": True, "columns": {
    ...     "id": None, "parent": None, "post": "thread", "author": "who", "text": "body",
    ...     "date": None}})
    >>> corpus.posts["body"].tolist(), corpus.comments["text"].tolist()
    (['I was diagnosed last May.'], ['Welcome Ann.'])
    """
    return _read_folder(folder, on_error=on_error, formats=formats, progress=progress,
                        table_options=table_options)[0]


class _FolderRead:
    """What a folder read did with each file: read, left out by ``formats``, or not read."""

    def __init__(self) -> None:
        self.read: list[Path] = []  # handed to a reader (it may still have failed: not_read)
        self.left_out: list[Path] = []  # outside ``formats``, or of no format at all
        self.not_read: list[dict] = []  # the FILE_NOT_READ rows, in the order found
        self.failed: set[Path] = set()  # files of ``read`` whose reader failed


def _read_folder(folder: str | Path, *, on_error: str, formats: Iterable[str] | None,
                 progress: bool | None, table_options: Mapping | None = None,
                 ) -> tuple[Corpus, _FolderRead]:
    """:func:`read_corpus`, and what it did with each file (for ``msdiscourse parse``)."""
    check_on_error(on_error)
    report = _FolderRead()
    table_options = _check_table_options(table_options)
    files, skipped = list_corpus_files(folder)
    for path in skipped:
        log.info("skipped %s (documentation or sidecar file, not corpus data)", path)
    if not files:
        raise FileNotFoundError(
            f"{folder}: expected page dumps or exports; found no readable file"
            + (f" (skipped: {', '.join(p.name for p in skipped)})" if skipped else "")
        )
    wanted = set(formats) if formats is not None else None
    if progress is None:
        progress = None if len(files) > 20 else False  # a bar in Jupyter or on a terminal
    collect = _Collector(on_error)
    pagedumps: list[Path] = []  # a run of page dumps is read at once: tables built once, not per page
    reddit: list[Path] = []  # Reddit files are read together: replies cross monthly files
    for path in progress_bar(files, desc="reading", unit="file", enabled=progress):
        try:
            format_name = sniff_format(path)
        except (ParseError, OSError) as error:
            if wanted is not None and isinstance(error, ParseError):  # none of the formats
                report.left_out.append(path)
                continue
            collect.failed(path, error)
            continue
        if wanted is not None and format_name not in wanted:
            report.left_out.append(path)
            continue
        report.read.append(path)
        if format_name == "pagedump":
            pagedumps.append(path)
            continue
        if format_name == "reddit":
            reddit.append(path)
            continue
        if pagedumps:
            _read_pagedumps(pagedumps, collect)
            pagedumps = []
        options = table_options if format_name == "table" else {}
        collect.read(path, _reader(format_name), on_error=on_error, **options)
    if pagedumps:
        _read_pagedumps(pagedumps, collect)
    if reddit:
        collect.read(reddit, _reader("reddit"), on_error=on_error)
    corpora = _unique_post_ids(collect.corpora, on_error)
    if collect.rows:
        corpora.append(collect.unread())
    report.not_read, report.failed = collect.rows, collect.failed_paths
    return Corpus.concat(corpora), report


class _Collector:
    """The corpora read so far, and under warn/collect the files that could not be read."""

    def __init__(self, on_error: str) -> None:
        self.on_error = on_error
        self.corpora: list[Corpus] = []
        self.rows: list[dict] = []
        self.failed_paths: set[Path] = set()  # Reddit files fail together, as one list

    def read(self, path: Path, reader, **options) -> None:
        try:
            self.corpora.append(reader(path, **options))
        except Exception as error:  # noqa: BLE001 - under collect one file never stops a folder
            self.failed(path, error)

    def failed(self, path: Path, error: Exception) -> None:
        if self.on_error == "raise":
            if isinstance(error, ParseError):
                raise error
            if not isinstance(error, (OSError, UnicodeError)):  # a bug: keep its type and trace
                error.add_note(f"while reading {path}")
                raise error
            raise ParseError(str(path), None, expected="a readable file",
                             found=f"{type(error).__name__}: {error}", remedy=None) from error
        if isinstance(error, ParseError):
            message, line = str(error), error.line
        else:  # a reader's own bug, or the file system: kept, and said out loud
            message, line = f"{path}: {type(error).__name__}: {error}", None
            log.warning("could not read %s: %s: %s", path, type(error).__name__, error)
        if self.on_error == "warn":
            warnings.warn(f"{message} (file not read; kept as an unparsed row)", ParseWarning,
                          stacklevel=4)
        self.failed_paths.update(path if isinstance(path, list) else [path])
        self.rows.append({"source": str(path), "line_start": line, "line_end": line,
                          "reason": FILE_NOT_READ, "text": message})

    def unread(self) -> Corpus:
        return Corpus.from_records(unparsed=self.rows)


def _read_pagedumps(paths: list[Path], collect: _Collector) -> None:
    from msdiscourse.io.pagedump import read_pagedump_files

    try:
        collect.corpora.append(read_pagedump_files(paths, on_error=collect.on_error))
        return
    except ParseError:
        if collect.on_error == "raise":
            raise  # it names its file
    except Exception:  # noqa: BLE001, S110 - found below, by reading the files one by one
        pass
    for path in paths:  # find the file at fault; the others are read as usual
        collect.read(path, lambda p, **o: read_pagedump_files([p], **o), on_error=collect.on_error)


def _unique_post_ids(corpora: list[Corpus], on_error: str) -> list[Corpus]:
    """Give a post id repeated across (or within) files ``~2``, ``~3`` ...; raise under raise.

    The first file (in reading order) keeps the id. A renamed post gets the flag
    ``duplicate_id``; its comments' ids (made from the post id) follow it, and so do the
    parent and thread links between them and the furniture's post ids.
    """
    owner: dict[str, str] = {}  # post id -> the file that has it
    result = []
    for corpus in corpora:
        ids = [str(value) for value in corpus.posts["post_id"].tolist()]
        sources = [str(value) for value in corpus.posts["source"].tolist()]
        renamed: dict[int, str] = {}
        for row, (post_id, source) in enumerate(zip(ids, sources)):
            if post_id not in owner:
                owner[post_id] = source
                continue
            if on_error == "raise":
                where = "twice in this file" if owner[post_id] == source else f"also in {owner[post_id]}"
                raise ParseError(
                    source, None, expected="post ids that are unique across the files read",
                    found=f"post id {post_id!r} {where}",
                    remedy='pass on_error="collect" to keep both: the repeat gets the id '
                           f'{post_id}~2 and the flag duplicate_id')
            repeat = 2
            while f"{post_id}~{repeat}" in owner:
                repeat += 1
            renamed[row] = f"{post_id}~{repeat}"
            owner[renamed[row]] = source
            if on_error == "warn":
                warnings.warn(f"{source}: post id {post_id!r} also in {owner[post_id]}; "
                              f"read as {renamed[row]}", ParseWarning, stacklevel=3)
        result.append(_rename_posts(corpus, renamed) if renamed else corpus)
    return result


def _rename_posts(corpus: Corpus, renamed: dict[int, str]) -> Corpus:
    """Rename the posts at the given rows; comments of a post whose id was unique follow it."""
    posts = corpus.posts.copy()
    old_ids = posts["post_id"].astype(object).tolist()
    counts = pd.Series(old_ids).value_counts()
    flags = posts["flags"].astype(object).tolist() if "flags" in posts else [None] * len(posts)
    mapping: dict[str, str] = {}
    for row, new_id in renamed.items():
        old = old_ids[row]
        old_ids[row] = new_id
        existing = flags[row] if isinstance(flags[row], str) and flags[row] else ""
        flags[row] = ";".join(filter(None, [existing, "duplicate_id"]))
        if counts[old] == 1:  # repeated within the corpus: the comments stay with the first
            mapping[old] = new_id
    posts["post_id"] = pd.Series(old_ids, index=posts.index, dtype="string")
    posts["flags"] = pd.Series(flags, index=posts.index, dtype="object").fillna("").astype("string")
    comments = corpus.comments.copy()
    if mapping and len(comments):
        comment_map: dict[str, str] = {}
        for comment_id, post_id in zip(comments["comment_id"].tolist(), comments["post_id"].tolist()):
            new_post = mapping.get(post_id)
            if new_post is None:
                continue
            comment_map[comment_id] = (new_post + comment_id[len(post_id):]
                                       if comment_id.startswith(post_id) else f"{comment_id}~2")
        comments["post_id"] = comments["post_id"].map(lambda v: mapping.get(v, v)).astype("string")
        for column in ("comment_id", "parent_id", "thread_id"):
            comments[column] = comments[column].map(
                lambda v: comment_map.get(v, v) if isinstance(v, str) else v).astype("string")
    furniture = corpus.furniture.copy()
    if mapping and len(furniture):
        furniture["post_id"] = furniture["post_id"].map(
            lambda v: mapping.get(v, v) if isinstance(v, str) else v).astype("string")
    return corpus.replace(posts=posts, comments=comments, furniture=furniture)


def load_corpus(data: str | Path, *, processed: str | Path | None = None,
                on_error: str = "collect", table_options: Mapping | None = None) -> Corpus:
    """Start from what ``make parse`` wrote, or parse ``data`` when that is missing or stale.

    The notebooks open with this. ``processed`` is the folder ``msdiscourse parse DATA -o
    FOLDER`` wrote; by default ``data/processed`` for the demo corpus ``data/raw`` (what
    ``make parse`` writes) and none for any other data, since nothing ties another folder's
    tables to ``data``. The processed set is used when its ``manifest.json`` is newer than
    every corpus file in ``data`` (and verified by :func:`msdiscourse.load_processed`);
    otherwise ``data`` is parsed with :func:`read_corpus`. With ``table_options`` the
    data is always parsed: nothing records which options wrote a processed set, so it
    could hold the tables read another way.

    Parameters
    ----------
    data
        The folder of raw sources.
    processed
        The folder of parsed tables, if any (see above for the default).
    on_error
        Passed to :func:`read_corpus` when parsing (default ``"collect"``: a notebook
        shows unparsed rows instead of stopping).
    table_options
        Passed to :func:`read_corpus`: how table files are read (``"columns"``,
        ``"first_row_is_post"``).

    Returns
    -------
    Corpus

    Raises
    ------
    ParseError
        When the processed set is there and up to date but damaged (never silently
        replaced by a fresh parse), or when parsing fails under ``on_error="raise"``.

    Examples
    --------
    >>> import io, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "p1.txt").write_text("A title\\n\\nIt worked in mice.\\n", encoding="utf-8")
    >>> load_corpus(folder).posts["title"].tolist()  # nothing parsed yet: read the pages
    ['A title']
    """
    from msdiscourse.corpus import MANIFEST, load_processed
    from msdiscourse.paths import DATA_RAW, project_path

    table_options = _check_table_options(table_options)
    data = project_path(data)
    if table_options:  # a processed set does not say how its tables were read: parse again
        return read_corpus(data, on_error=on_error, table_options=table_options)
    if processed is None and data.resolve() == DATA_RAW.resolve():
        processed = DATA_RAW.parent / "processed"
    if processed is not None:
        manifest = project_path(processed) / MANIFEST
        if manifest.is_file():
            files, _ = list_corpus_files(data)
            newest = max((path.stat().st_mtime for path in files), default=0.0)
            if manifest.stat().st_mtime >= newest:
                return load_processed(manifest.parent)
    return read_corpus(data, on_error=on_error)
