"""The check every reader makes before it treats a ``str`` as a path; a pause of the GC.

A ``str`` always means a path (as in pandas); a document in memory comes wrapped in
``io.StringIO``. A page's text passed by mistake would otherwise surface as an
``OSError: File name too long`` or a "no such file" naming the whole page.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from typing import Iterator

__all__ = ["check_path_string", "paused_gc"]

#: longer than any real path on the systems we run on (Linux PATH_MAX is 4096)
_MAX_PATH_CHARS = 4096


def check_path_string(value, *, reader: str) -> None:
    """Raise a ValueError when a ``str`` given as a path is evidently text, not a path.

    Examples
    --------
    >>> check_path_string("blog-pages/p17.txt", reader="read_pagedump")
    >>> check_path_string("A title\\n\\nThe body.", reader="read_pagedump")
    Traceback (most recent call last):
    ...
    ValueError: read_pagedump expects a path or a text buffer; got a str of 18 characters with line breaks, which is text, not a path (a str always means a path: wrap text in io.StringIO(text))
    """
    if not isinstance(value, str):
        return
    name_max = 255
    try:
        name_max = os.pathconf(".", "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):
        pass
    too_long = len(value) > _MAX_PATH_CHARS or any(len(p) > name_max for p in value.split(os.sep))
    if "\n" in value or "\r" in value or too_long:
        what = "with line breaks" if ("\n" in value or "\r" in value) else "with a name too long for a file"
        raise ValueError(
            f"{reader} expects a path or a text buffer; got a str of {len(value):,} characters "
            f"{what}, which is text, not a path (a str always means a path: wrap text in "
            "io.StringIO(text))"
        )


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a reader builds its rows.

    A reader allocates hundreds of thousands of lists, dicts and tuples that live until it
    returns; each allocation counts towards the collector's next pass, and every full pass
    walks all of them again, which costs a large reader up to a quarter of its time. The
    rows hold no reference cycles, so nothing is left for the collector: it is switched
    back on (if it was on) when the block ends, however it ends.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
