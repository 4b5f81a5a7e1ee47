"""Project paths, defined once (cookiecutter-data-science style).

Everything that needs a default location imports it from here. The paths are relative to
the project root found from this file, so they work from notebooks, tests and the CLI.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
DATA_RAW = PROJECT_DIR / "data" / "raw"
FIGURES_DIR = PROJECT_DIR / "figures"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
#: the shared real corpus beside the project checkout (not part of the repository)
SHARED_CORPUS = PROJECT_DIR.parent / "shared" / "corpus"


def project_path(path: str | Path) -> Path:
    """Resolve ``path`` against the project root unless it is absolute.

    Notebooks run with their own folder as working directory when opened in JupyterLab,
    and with the project root under ``make figures``; resolving here makes the same
    parameter (``"data/raw"``) mean the same folder in both.

    >>> project_path("data/raw") == DATA_RAW
    True
    >>> project_path("/tmp/x")
    PosixPath('/tmp/x')
    """
    path = Path(path).expanduser()
    return path if path.is_absolute() else (PROJECT_DIR / path).resolve()


# -- file names from ids ----------------------------------------------------------------------
#: the index written beside per-id files: file name -> id (JSON, so folder readers skip it)
FILE_INDEX = "file-index.json"
_PLAIN_ID = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?")
_HASHED_END = re.compile(r"--[0-9a-f]{16}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


class UnsafePathError(ValueError):
    """A path the library refuses to write to (outside its folder, or over committed files)."""


def safe_file_name(identifier, *, suffix: str = "") -> str:
    """Turn an id (a post id, a data folder's name) into a file name that stays in its folder.

    An id made only of lower-case letters, digits, ``.``, ``_`` and ``-`` (starting and
    ending with a letter or digit, at most 100 characters, not a reserved Windows name) is
    used as it is. Any other id keeps its safe characters (others become ``_``, at most 60
    kept) and gets ``--`` and 16 hex digits of the SHA-256 of the whole id, so that:

    * the name never holds a path separator, never starts with ``.`` and is never ``..``:
      joined to a folder it names a file directly inside it;
    * different ids give different names, also on file systems that ignore case
      (``x:1`` and ``x_1``, ``P1`` and ``p1``): an id that itself ends in ``--`` and 16 hex
      digits is never used as it is, and two changed ids differ in their hash;
    * the readers keep the name's stem as the post id (only ``[A-Za-z0-9._-]``), so a
      plain id reads back as itself;
    * the id can be recovered from the index that :func:`write_file_index` writes beside
      the files.

    Parameters
    ----------
    identifier
        The id (converted with ``str``).
    suffix
        Appended as given (``".txt"``).

    Returns
    -------
    str

    Examples
    --------
    >>> safe_file_name("demo-01-miracle-diet", suffix=".txt")
    'demo-01-miracle-diet.txt'
    >>> safe_file_name("wptest:1149")
    'wptest_1149--85fac01ac330e985'
    >>> safe_file_name("../../etc/passwd")
    'etc_passwd--3754d6cb3a38e118'
    >>> safe_file_name("x_1") != safe_file_name("x:1")
    True
    """
    text = str(identifier)
    name = text + suffix
    if (_PLAIN_ID.fullmatch(text) and not _HASHED_END.search(text)
            and text.split(".")[0] not in _WINDOWS_RESERVED and name != FILE_INDEX):
        return name
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    readable = _UNSAFE.sub("_", text).lstrip("._-")[:60] or "id"
    return f"{readable}--{digest}{suffix}"


def write_file_index(folder: str | Path, names: dict[str, str], *, kind: str = "post_id") -> Path:
    """Write (or extend) the index beside per-id files: file name -> id.

    Entries already in the index are kept unless their file is gone or is written again.

    Parameters
    ----------
    folder
        The folder holding the files.
    names
        File name -> id, for the files just written.
    kind
        What the ids are (recorded in the index).

    Returns
    -------
    pathlib.Path
        The index file, :data:`FILE_INDEX` in ``folder``.

    Raises
    ------
    UnsafePathError
        When a file name would name two different ids (a name already indexed for another
        id, or two names equal but for case).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> name = safe_file_name("x:1", suffix=".txt")
    >>> _ = (folder / name).write_text("page", encoding="utf-8")
    >>> write_file_index(folder, {name: "x:1"}).name
    'file-index.json'
    >>> read_file_index(folder)[name]
    'x:1'
    """
    folder = Path(folder)
    index = {name: ident for name, ident in read_file_index(folder).items()
             if (folder / name).exists() and name not in names}
    folded: dict[str, str] = {name.casefold(): name for name in index}
    for name, ident in names.items():
        other = folded.get(name.casefold())
        if other is not None and index.get(other) != ident:
            raise UnsafePathError(
                f"{folder / name}: expected a file name for {kind} {ident!r} alone; found it "
                f"already used for {index[other]!r} (as {other})"
            )
        index[name] = ident
        folded[name.casefold()] = name
    path = folder / FILE_INDEX
    payload = {"format": "msdiscourse-file-index", "kind": kind,
               "files": dict(sorted(index.items()))}
    temporary = folder / f".{FILE_INDEX}.tmp-{os.getpid()}"
    temporary.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    return path


def read_file_index(folder: str | Path) -> dict[str, str]:
    """Read the index :func:`write_file_index` wrote: file name -> id (empty when there is none).

    Raises
    ------
    msdiscourse.ParseError
        When the index exists but is not one.
    """
    from msdiscourse.errors import ParseError

    path = Path(folder) / FILE_INDEX
    if not path.exists():
        return {}
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        files = payload["files"]
        if payload.get("format") != "msdiscourse-file-index" or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ParseError(str(path), None, expected="an msdiscourse file index (JSON: format, files)",
                         found="something else", remedy="delete it and write the files again") from None
    return dict(files)


# -- where a figures run reads and writes -------------------------------------------------------
def figure_folders(data: str | Path) -> tuple[Path, Path]:
    """``(figures, build)`` folders for a data folder, after resolving ``..`` and links.

    Only this project's demo corpus (``data/raw``) maps to the committed ``figures/``; any
    other data goes to ``build/<safe name of the data folder>/``.

    >>> figure_folders(DATA_RAW / "x" / "..")[0] == FIGURES_DIR
    True
    >>> figure_folders("/somewhere/blog-pages")[0].relative_to(PROJECT_DIR).as_posix()
    'build/blog-pages/figures'
    >>> figure_folders("/")[0].relative_to(PROJECT_DIR).as_posix()
    'build/id--e3b0c44298fc1c14/figures'
    """
    data = Path(data).expanduser().resolve()
    if data == DATA_RAW.resolve():
        return FIGURES_DIR, PROJECT_DIR / "build" / "raw" / "notebooks"
    base = PROJECT_DIR / "build" / safe_file_name(data.name)
    return base / "figures", base / "notebooks"


def resolve_figure_run(data: str | Path | None = None, *, figures: str | Path | None = None,
                       build: str | Path | None = None,
                       base: str | Path | None = None) -> tuple[Path, Path, Path]:
    """Resolve and check the folders of a figures run before anything is created.

    Parameters
    ----------
    data
        The data folder (or file); ``None`` is this project's demo corpus ``data/raw``.
    figures, build
        Where figures and executed notebooks go; default from :func:`figure_folders`.
    base
        What relative paths are relative to; default the working directory.

    Returns
    -------
    tuple of pathlib.Path
        ``(data, figures, build)``, absolute, with ``..`` and links resolved.

    Raises
    ------
    FileNotFoundError
        When ``data`` does not exist (one line, naming the path as given and as resolved).
    UnsafePathError
        When the figures would go into the committed ``figures/`` for any data other than
        the demo corpus, or the executed notebooks over the committed ``notebooks/``.

    Examples
    --------
    >>> resolve_figure_run()[1] == FIGURES_DIR
    True
    >>> resolve_figure_run("no/such/folder", base="/tmp")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no data at no/such/folder (/tmp/no/such/folder): expected an existing folder or file of pages
    """
    base = Path.cwd() if base is None else Path(base)

    def resolve(path: str | Path) -> Path:
        return (base / Path(path).expanduser()).resolve()

    given = DATA_RAW if data is None else data
    data = resolve(given)
    if not data.exists():
        raise FileNotFoundError(
            f"no data at {given} ({data}): expected an existing folder or file of pages"
        )
    default_figures, default_build = figure_folders(data)
    figures = resolve(figures) if figures is not None else default_figures
    build = resolve(build) if build is not None else default_build
    committed = FIGURES_DIR.resolve()
    if data != DATA_RAW.resolve() and (figures == committed or committed in figures.parents):
        raise UnsafePathError(
            f"figures for {data} would go into the committed {committed}: only the demo corpus "
            f"(data/raw) writes there; leave out --figures (default build/"
            f"{safe_file_name(data.name)}/figures) or name another folder"
        )
    notebooks = NOTEBOOKS_DIR.resolve()
    if build == notebooks or notebooks in build.parents:
        raise UnsafePathError(
            f"executed notebooks would go over the committed {notebooks}: name another --build folder"
        )
    return data, figures, build
