"""Run the analysis notebooks headless, papermill-style, and collect the figures they write.

``make figures`` and ``msdiscourse figures`` call :func:`run_notebooks`. Each notebook has
one cell tagged ``parameters`` (``DATA_DIR``, ``FIGURES_DIR``, ``PSEUDONYMISE`` ...); the
runner inserts a cell tagged ``injected-parameters`` right after it with the values asked
for, exactly as papermill does, so the same notebook runs on the demo corpus, on the real
pages, or interactively with its own defaults. Notebooks execute through nbclient (the
engine behind ``jupyter nbconvert --execute``) with the project root as working directory;
executed copies go to a build folder, never over the committed, output-free notebooks.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from msdiscourse.paths import (
    DATA_RAW,
    FIGURES_DIR,  # noqa: F401 (the doctests use it)
    NOTEBOOKS_DIR,
    PROJECT_DIR,
    figure_folders,
    project_path,
    resolve_figure_run,
)

__all__ = ["run_notebooks", "inject_parameters", "default_output_folders", "find_notebooks"]

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"


def default_output_folders(data: str | Path) -> tuple[Path, Path]:
    """Return ``(figures_folder, build_folder)`` for a data folder.

    The demo corpus (``data/raw``) refreshes the committed ``figures/``; any other data
    goes to ``build/<data folder name>/`` so real data never overwrites committed figures
    (``..`` and links are resolved first: ``data/raw/x/..`` is the demo, ``/abs/x/..`` is not).

    >>> default_output_folders("data/raw")[0] == FIGURES_DIR
    True
    >>> default_output_folders("/somewhere/blog-pages")[0].relative_to(PROJECT_DIR).as_posix()
    'build/blog-pages/figures'
    """
    return figure_folders(project_path(data))


def find_notebooks(folder: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks to run, in name order (``01-...``, ``02-...``), checkpoints excluded."""
    folder = project_path(folder)
    return sorted(p for p in folder.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def inject_parameters(notebook, parameters: dict):
    """Return a copy of ``notebook`` with a cell setting ``parameters`` after its parameters cell.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook with exactly one cell tagged ``parameters``.
    parameters : dict
        Names and values; values are written with ``repr`` so they must be literals.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    ValueError
        When the notebook has no cell tagged ``parameters``, or more than one.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("DATA_DIR = 'data/raw'", metadata={"tags": ["parameters"]}),
    ...     nbformat.v4.new_code_cell("print(DATA_DIR)")])
    >>> injected = inject_parameters(nb, {"DATA_DIR": "/tmp/pages"})
    >>> injected.cells[1].id, injected.cells[1].source
    ('injected-parameters', "# Parameters injected by msdiscourse.notebook_runner\\nDATA_DIR = '/tmp/pages'")
    >>> len(nb.cells)
    2
    """
    import copy

    import nbformat

    notebook = copy.deepcopy(notebook)
    tagged = [
        index
        for index, cell in enumerate(notebook.cells)
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])
    ]
    if len(tagged) != 1:
        raise ValueError(
            f"expected exactly one cell tagged {PARAMETERS_TAG!r}; found {len(tagged)}"
        )
    lines = ["# Parameters injected by msdiscourse.notebook_runner"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})
    cell["id"] = INJECTED_TAG  # a fixed id: random ones would make executed copies differ
    notebook.cells.insert(tagged[0] + 1, cell)
    return notebook


def run_notebooks(
    data: str | Path = DATA_RAW,
    *,
    figures: str | Path | None = None,
    notebooks: str | Path | list[Path] = NOTEBOOKS_DIR,
    build: str | Path | None = None,
    pseudonymise: bool = True,
    timeout: int = 300,
    progress: bool = True,
) -> list[Path]:
    """Execute every notebook on ``data`` and return the figure files written, sorted.

    Parameters
    ----------
    data
        The data folder passed to each notebook as ``DATA_DIR``.
    figures
        Folder for the figures (``FIGURES_DIR``); default from
        :func:`default_output_folders`.
    notebooks
        A folder of notebooks, or a list of notebook paths.
    build
        Where executed copies are written; default from :func:`default_output_folders`.
    pseudonymise
        Passed as ``PSEUDONYMISE``; keep it on for anything that may be shared.
    timeout
        Seconds a single cell may run.
    progress
        Print one line per notebook with its run time.

    Returns
    -------
    list of pathlib.Path
        The figure files (PNG and SVG) written or rewritten during this run.

    Raises
    ------
    FileNotFoundError
        When ``data`` does not exist (nothing is created).
    msdiscourse.paths.UnsafePathError
        When ``figures`` is the committed ``figures/`` and ``data`` is not the demo corpus.
    nbclient.exceptions.CellExecutionError
        When a cell fails; the message names the notebook and shows the traceback.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    # checked before anything is created: the data exists, figures stay out of figures/
    data, figures, build = resolve_figure_run(data, figures=figures, build=build, base=PROJECT_DIR)
    figures.mkdir(parents=True, exist_ok=True)
    build.mkdir(parents=True, exist_ok=True)
    if isinstance(notebooks, (str, Path)):
        paths = find_notebooks(notebooks)
    else:
        paths = [project_path(p) for p in notebooks]
    if not paths:
        raise FileNotFoundError(f"{notebooks}: expected notebooks (*.ipynb); found none")

    parameters = {
        "DATA_DIR": str(data),
        "FIGURES_DIR": str(figures),
        "PSEUDONYMISE": bool(pseudonymise),
    }
    started = time.time()
    for index, path in enumerate(paths, start=1):
        notebook = inject_parameters(nbformat.read(path, as_version=4), parameters)
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(PROJECT_DIR)}},
        )
        tick = time.perf_counter()
        if progress:
            print(f"[{index}/{len(paths)}] {path.name} ...", end="", flush=True, file=sys.stderr)
        # the kernel's own stderr (start-up chatter, crashes) goes to a log beside the
        # executed copy, so progress lines stay readable; cell errors still raise here
        kernel_log = build / f"{path.stem}.kernel.log"
        try:
            with open(kernel_log, "w", encoding="utf-8") as log_handle:
                client.execute(stderr=log_handle)
        except CellExecutionError as error:
            nbformat.write(notebook, build / path.name)
            raise CellExecutionError(
                f"{path.name} failed (executed copy: {build / path.name}):\n{error}", "", ""
            ) from None
        nbformat.write(notebook, build / path.name)
        if progress:
            print(f" {time.perf_counter() - tick:.1f} s", file=sys.stderr, flush=True)
    # figures rewritten during this run (mtime resolution: allow one second of slack)
    return sorted(
        p for p in figures.iterdir()
        if p.suffix in (".png", ".svg") and p.stat().st_mtime >= started - 1
    )
