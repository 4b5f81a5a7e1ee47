"""theme() and Jupyter's inline backend: figures drawn after a themed one must still show."""

from __future__ import annotations

import matplotlib as mpl

from msdiscourse.plotting import theme


def test_theme_keeps_interactive_mode_switched_on_inside_the_block():
    # the inline backend switches interactive mode on when the first figure of a session
    # is drawn; if that happens inside theme(), restoring it hid every later figure
    before = mpl.is_interactive()
    try:
        mpl.interactive(False)
        title_size = mpl.rcParams["axes.titlesize"]
        with theme(rc={"axes.titlesize": 17}):
            mpl.interactive(True)  # what activating the inline backend does
            assert mpl.rcParams["axes.titlesize"] == 17
        assert mpl.is_interactive()
        assert mpl.rcParams["axes.titlesize"] == title_size  # the rest is still restored
    finally:
        mpl.interactive(before)


def test_theme_leaves_interactive_mode_alone_when_nothing_changes_it():
    before = mpl.is_interactive()
    try:
        for state in (False, True):
            mpl.interactive(state)
            with theme():
                pass
            assert mpl.is_interactive() is state
    finally:
        mpl.interactive(before)
