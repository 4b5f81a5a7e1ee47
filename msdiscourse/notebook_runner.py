"""Run the analysis notebooks headless with papermill and collect the figures they write.

``make figures`` and ``msdiscourse figures`` call :func:`run_notebooks`. Each notebook has
one cell tagged ``parameters`` (``DATA_DIR``, ``FIGURES_DIR``, ``PSEUDONYMISE`` ...);
papermill adds a cell tagged ``injected-parameters`` after it with the values asked for,
so the same notebook runs on the demo corpus, on the real pages, or interactively with its
own defaults. The kernel runs with the project root as working directory and its own
stderr (start-up chatter, crashes) goes to a log beside each executed copy; executed
copies go to a build folder, never over the committed, output-free notebooks.
"""

from __future__ import annotations

import os
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
from msdiscourse.privacy import KEY_ENV, KEY_FILE_ENV

__all__ = ["run_notebooks", "default_output_folders", "find_notebooks"]

KERNEL_NAME = "python3"

#: the pseudonym key of the committed demo figures: public on purpose, because the demo
#: corpus (data/raw) is invented. Used only for a run on data/raw with no key given
#: (``MSDISCOURSE_KEY``/``MSDISCOURSE_KEY_FILE``, or ``msdiscourse figures --key``); any
#: other data is pseudonymised with the private key (:func:`msdiscourse.resolve_key`).
DEMO_KEY = "msdiscourse-demo-corpus"


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


def run_notebooks(
    data: str | Path = DATA_RAW,
    *,
    figures: str | Path | None = None,
    notebooks: str | Path | list[Path] = NOTEBOOKS_DIR,
    build: str | Path | None = None,
    pseudonymise: bool = True,
    timeout: int = 300,
    progress: bool = True,
    parameters: dict | None = None,
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
    parameters
        More parameters for every notebook, after the three above
        (``{"ENGINE": "dask", "SCHEDULER": "tcp://10.0.0.5:8786"}``).

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
    RuntimeError
        When a cell fails; the message names the notebook, the cell and the error, and
        the executed copy (written up to the failing cell) shows the traceback.
    """
    import papermill
    from jupyter_client.manager import KernelManager

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
        **(parameters or {}),
    }
    environment = dict(os.environ)
    if data.resolve() == DATA_RAW.resolve() and not (
            environment.get(KEY_ENV) or environment.get(KEY_FILE_ENV)):
        # the invented demo corpus: its public key makes the committed figures the same on
        # every machine; other data is left to the private key (msdiscourse.resolve_key)
        environment[KEY_ENV] = DEMO_KEY
    started = time.time()
    for index, path in enumerate(paths, start=1):
        tick = time.perf_counter()
        if progress:
            print(f"[{index}/{len(paths)}] {path.name} ...", end="", flush=True, file=sys.stderr)
        executed = build / path.name
        # papermill starts kernels with the parent's stderr; starting the kernel here lets
        # its own chatter go to a log beside the executed copy, so progress lines stay clean
        kernel = KernelManager(kernel_name=KERNEL_NAME)
        with open(build / f"{path.stem}.kernel.log", "w", encoding="utf-8") as log_handle:
            kernel.start_kernel(cwd=str(PROJECT_DIR), stderr=log_handle, env=environment)
            try:
                papermill.execute_notebook(
                    path, executed, parameters=parameters, kernel_name=KERNEL_NAME,
                    km=kernel, progress_bar=False, execution_timeout=timeout,
                )
            except papermill.PapermillExecutionError as error:
                if progress:
                    print(" failed", file=sys.stderr, flush=True)
                raise RuntimeError(
                    f"{path.name} failed in cell {error.exec_count} "
                    f"(executed copy: {executed}): {error.ename}: {error.evalue}"
                ) from None
            finally:
                kernel.shutdown_kernel(now=True)
        if progress:
            print(f" {time.perf_counter() - tick:.1f} s", file=sys.stderr, flush=True)
    # figures rewritten during this run (mtime resolution: allow one second of slack)
    return sorted(
        p for p in figures.iterdir()
        if p.suffix in (".png", ".svg") and p.stat().st_mtime >= started - 1
    )
