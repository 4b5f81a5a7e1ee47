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
from pathlib import Path
from typing import Iterable

from msdiscourse._progress import progress_bar
from msdiscourse.corpus import Corpus
from msdiscourse.errors import ParseError, check_on_error

__all__ = ["read_corpus", "load_corpus", "sniff_format", "list_corpus_files", "READERS"]

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
}

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
        When the file is empty or binary.

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
        (skipped if _is_skipped(candidate) else found).append(candidate)
    return sorted(found + convokit_dirs), skipped


def _reader(format_name: str):
    module_name, function_name = READERS[format_name].split(":")
    return getattr(importlib.import_module(module_name), function_name)


def read_corpus(
    folder: str | Path,
    *,
    on_error: str = "raise",
    formats: Iterable[str] | None = None,
    progress: bool | None = None,
) -> Corpus:
    """Read every page or export below ``folder`` into one corpus.

    Parameters
    ----------
    folder
        A folder (searched recursively) or a single file.
    on_error
        ``"raise"``, ``"warn"`` or ``"collect"``, passed to every reader.
    formats
        Read only files of these formats (keys of :data:`READERS`); default all.
    progress
        Show a progress bar; default: only when there are more than 20 files, in
        Jupyter or on a terminal.

    Returns
    -------
    Corpus
        All files concatenated; each post's ``source`` names its file.

    Raises
    ------
    ParseError
        From a reader, naming the file and line.
    FileNotFoundError
        When the folder does not exist or holds no readable file.

    Examples
    --------
    >>> corpus = read_corpus("data/raw")          # doctest: +SKIP
    >>> corpus.summary()["posts"]                 # doctest: +SKIP
    5
    """
    check_on_error(on_error)
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
    corpora = []
    pagedumps: list[Path] = []  # a run of page dumps is read at once: tables built once, not per page
    for path in progress_bar(files, desc="reading", unit="file", enabled=progress):
        format_name = sniff_format(path)
        if wanted is not None and format_name not in wanted:
            continue
        if format_name == "pagedump":
            pagedumps.append(path)
            continue
        if pagedumps:
            corpora.append(_read_pagedumps(pagedumps, on_error))
            pagedumps = []
        corpora.append(_reader(format_name)(path, on_error=on_error))
    if pagedumps:
        corpora.append(_read_pagedumps(pagedumps, on_error))
    return Corpus.concat(corpora)


def _read_pagedumps(paths: list[Path], on_error: str) -> Corpus:
    from msdiscourse.io.pagedump import read_pagedump_files

    return read_pagedump_files(paths, on_error=on_error)


def load_corpus(data: str | Path, *, processed: str | Path | None = None,
                on_error: str = "collect") -> Corpus:
    """Start from what ``make parse`` wrote, or parse ``data`` when that is missing or stale.

    The notebooks open with this. ``processed`` is the folder ``msdiscourse parse DATA -o
    FOLDER`` wrote; by default ``data/processed`` for the demo corpus ``data/raw`` (what
    ``make parse`` writes) and none for any other data, since nothing ties another folder's
    tables to ``data``. The processed set is used when its ``manifest.json`` is newer than
    every corpus file in ``data`` (and verified by :func:`msdiscourse.load_processed`);
    otherwise ``data`` is parsed with :func:`read_corpus`.

    Parameters
    ----------
    data
        The folder of raw sources.
    processed
        The folder of parsed tables, if any (see above for the default).
    on_error
        Passed to :func:`read_corpus` when parsing (default ``"collect"``: a notebook
        shows unparsed rows instead of stopping).

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

    data = project_path(data)
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
