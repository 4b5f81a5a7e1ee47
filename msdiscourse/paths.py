"""Project paths, defined once (cookiecutter-data-science style).

Everything that needs a default location imports it from here. The paths are relative to
the project root found from this file, so they work from notebooks, tests and the CLI.
"""

from __future__ import annotations

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
