"""Progress bars that suit where the code runs, with one rule for every long job.

A bar is a widget in JupyterLab (when ipywidgets is installed, as in the ``notebooks``
extra), a plain-text bar on a terminal, and nothing otherwise (tests, pipes, logs). Inside
a Jupyter kernel without ipywidgets the plain bar goes to standard output, so no red
``TqdmWarning`` box or stderr output appears. tqdm's own ``tqdm.auto`` is not used because
importing it loads IPython and warns when ipywidgets is missing.
"""

from __future__ import annotations

import sys

__all__ = ["progress_bar", "in_jupyter"]


def in_jupyter() -> bool:
    """True inside a Jupyter kernel (JupyterLab, nbclient, papermill), not in a terminal.

    >>> in_jupyter()
    False
    """
    if "ipykernel" not in sys.modules:
        return False
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


def progress_bar(iterable=None, *, total: int | None = None, desc: str, unit: str,
                 enabled: bool | None = None):
    """Return a tqdm bar over ``iterable`` (or a manual one with ``total``).

    Parameters
    ----------
    iterable
        What to iterate over; ``None`` for a bar advanced with ``update``.
    total, desc, unit
        As in tqdm.
    enabled
        ``True`` always shows a bar, ``False`` never; ``None`` shows one in a Jupyter
        kernel or when standard error is a terminal.

    Examples
    --------
    >>> with progress_bar(total=3, desc="tone", unit="text", enabled=False) as bar:
    ...     bar.update(3)
    >>> bar.disable
    True
    """
    jupyter = in_jupyter()
    if enabled is None:
        enabled = jupyter or sys.stderr.isatty()
    if enabled and jupyter:
        try:
            import ipywidgets  # noqa: F401  the notebook bar needs it
        except ImportError:
            from tqdm.std import tqdm

            return tqdm(iterable, total=total, desc=desc, unit=unit, file=sys.stdout)
        from tqdm.notebook import tqdm as notebook_tqdm

        return notebook_tqdm(iterable, total=total, desc=desc, unit=unit)
    from tqdm.std import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=not enabled)
