"""The check every reader makes before it treats a ``str`` as a path.

A ``str`` always means a path (as in pandas); a document in memory comes wrapped in
``io.StringIO``. A page's text passed by mistake would otherwise surface as an
``OSError: File name too long`` or a "no such file" naming the whole page.
"""

from __future__ import annotations

import os

__all__ = ["check_path_string"]

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
