"""Figures for the analysis tables, seaborn-style, with matplotlib only.

Plotting draws only: every statistic it shows comes from an analysis module
(:func:`msdiscourse.marker_rates_by_role`, :func:`msdiscourse.exchange_matrix`, ...), and
each function takes one declared table (:mod:`msdiscourse.schema`). Every ``plot_*``
function is axes-level: it takes ``ax=None`` (the current axes when
missing), draws on that one axes and returns it, touching nothing else, so a notebook can
arrange several of them in one figure. Colours follow the ordered categories of
:mod:`msdiscourse.categories` (:data:`ROLE_COLOURS`, :data:`TONE_COLOURS`), so a role has
the same colour in every figure. Empty input draws a visible "no data" note rather than
raising.

:func:`theme` sets a colour-blind-safe palette (Okabe & Ito 2008) and readable fonts in a
scope; :func:`save_figure` writes PNG and SVG files whose bytes depend only on what was
drawn (no dates, no software versions, fixed SVG ids), so re-running a notebook gives
byte-identical figures.

Examples
--------
>>> import pandas as pd
>>> from matplotlib.figure import Figure
>>> tone = pd.DataFrame({"comment_id": ["a", "b", "c"], "role": ["patient", "patient", "researcher"],
...                      "compound": [-0.4, 0.1, 0.3], "author": ["Ann", "Ann", "Rob"]})
>>> with theme():
...     ax = plot_tone_by_role(tone, ax=Figure().subplots())
>>> [label.get_text() for label in ax.get_xticklabels()]
['researcher\\n(n=1,\\n1 author)', 'patient\\n(n=2,\\n1 author)']
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from msdiscourse._stats import (
    MIN_N,
    cluster_codes,
    clustered_interval,
    counted,
    enough_for_interval,
)
from msdiscourse.categories import MARKER_CATEGORIES, ROLES, TONES
from msdiscourse.schema import validate, validate_columns
from msdiscourse.paths import safe_file_name

__all__ = [
    "OKABE_ITO",
    "ROLE_COLOURS",
    "TONE_COLOURS",
    "TONE_SHAPES",
    "THEME_RC",
    "theme",
    "save_figure",
    "plot_thread_tree",
    "plot_role_counts",
    "plot_tone_by_role",
    "plot_thread_trajectory",
    "plot_marker_rates_by_role",
    "plot_exchange_heatmap",
    "plot_tone_shift",
    "plot_marker_evaluation",
]

#: the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
_GREY = "#999999"

#: role -> colour; "unknown" is grey so that undisclosed roles recede
ROLE_COLOURS: dict[str, str] = dict(
    zip(ROLES, [OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"],
                OKABE_ITO["reddish_purple"], _GREY])
)
#: tone -> colour: the blue/vermillion pair stays distinct for every common deficiency
TONE_COLOURS: dict[str, str] = dict(zip(TONES, [OKABE_ITO["vermillion"], _GREY, OKABE_ITO["blue"]]))
#: tone -> marker shape, for figures where colour already shows the role
TONE_SHAPES: dict[str, str] = dict(zip(TONES, ["v", "o", "^"]))

#: settings that make saved files depend only on what was drawn
_REPRODUCIBLE_RC: dict[str, object] = {
    "svg.hashsalt": "msdiscourse",
    # text stays text: smaller files, searchable (tests check no name leaks into a figure)
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib: same glyphs everywhere
}

#: rcParams applied by :func:`theme`
THEME_RC: dict[str, object] = {
    **_REPRODUCIBLE_RC,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO.values())),
    "image.cmap": "cividis",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "figure.titlesize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "figure.constrained_layout.use": True,
}

_SAVE_METADATA: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}


@contextlib.contextmanager
def theme(rc: dict | None = None) -> Iterator[None]:
    """Apply the msdiscourse look (palette, fonts, reproducible SVG) inside a ``with`` block.

    Parameters
    ----------
    rc
        Extra rcParams that override :data:`THEME_RC` inside the block.

    Yields
    ------
    None
        rcParams are restored when the block ends, also after an exception, except
        ``interactive``: that is session state, switched on when the first figure of a
        Jupyter session activates the inline backend. Restoring it would turn the inline
        display off for every later figure.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["axes.titlesize"]
    >>> with theme():
    ...     mpl.rcParams["axes.titlesize"]
    12.0
    >>> mpl.rcParams["axes.titlesize"] == before
    True
    """
    interactive = mpl.is_interactive()
    try:
        with mpl.rc_context({**THEME_RC, **(rc or {})}):
            try:
                yield
            finally:
                interactive = mpl.is_interactive()
    finally:
        mpl.interactive(interactive)


def save_figure(
    fig,
    folder: str | Path,
    name: str,
    *,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 200,
) -> list[Path]:
    """Write ``fig`` as ``folder/name.<format>`` for each format, byte-reproducibly.

    Dates and software versions are left out of the files and SVG ids are derived from a
    fixed salt, so saving the same drawing twice gives identical bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    folder
        Created when missing.
    name
        File name without suffix (``"tone-by-role"``). Made a file name by
        :func:`msdiscourse.paths.safe_file_name`: a lower-case name of letters, digits,
        ``.``, ``_`` and ``-`` is kept as it is; any other gets its safe characters and a hash.
    formats
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    dpi
        Resolution of raster output.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.

    Raises
    ------
    ValueError
        When ``name`` is empty or holds a path separator, or a format is not supported.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.subplots().plot([0, 1], [1, 0])
    >>> [p.name for p in save_figure(fig, tempfile.mkdtemp(), "line")]
    ['line.png', 'line.svg']
    """
    if not name or "/" in name or "\\" in name:
        raise ValueError(f"figure name {name!r}: expected a file name without folders, e.g. 'tone-by-role'")
    unknown = [f for f in formats if f not in _SAVE_METADATA]
    if unknown:
        raise ValueError(
            f"figure format {unknown[0]!r}: expected one of {', '.join(_SAVE_METADATA)}"
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with mpl.rc_context(_REPRODUCIBLE_RC):
        for fmt in formats:
            path = folder / safe_file_name(name, suffix=f".{fmt}")
            fig.savefig(path, format=fmt, dpi=dpi, metadata=_SAVE_METADATA[fmt],
                        bbox_inches="tight", pad_inches=0.1)
            written.append(path)
    return written


# -- helpers -------------------------------------------------------------------------


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.gca()


def _no_data(ax: Axes, title: str, why: str = "no data") -> Axes:
    """Mark an axes as empty, visibly, instead of drawing an empty frame."""
    ax.set_title(title)
    ax.text(0.5, 0.5, why, transform=ax.transAxes, ha="center", va="center",
            fontsize=12, color="#555555", gid="no-data")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _panel_note(ax: Axes, what: str, min_n: int, word: str, items: list[str]) -> None:
    """Say beside the plot (under the legend, never over the title) what has no interval."""
    if not items:
        return
    lines = ["too few for an interval", f"(need >= {min_n} {what}", f"from >= {min_n} {word}):"]
    current = ""
    for item in items:  # whole items per line, about 30 characters wide
        if current and len(current) + len(item) > 28:
            lines.append(current + ",")
            current = ""
        current = f"{current}, {item}" if current else item
    lines.append(current)
    ax.text(1.02, 0.0, "\n".join(lines), transform=ax.transAxes, ha="left", va="bottom",
            fontsize=9, color="#444444", gid="too-few")


def _clusters(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].astype("object").where(frame[column].notna(), None).to_numpy()


def _present_roles(roles: pd.Series) -> list[str]:
    """Roles that occur, in the shared order; anything unexpected is a ValueError."""
    values = set(roles.dropna().astype(str))
    unexpected = sorted(values - set(ROLES))
    if unexpected:
        raise ValueError(f"role column: expected {', '.join(ROLES)}; found {', '.join(unexpected)}")
    return [r for r in ROLES if r in values]


def _jitter(n: int, seed: int, width: float = 0.12) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-width, width, n)


# -- threads -----------------------------------------------------------------------------


def plot_thread_tree(
    comments: pd.DataFrame,
    *,
    post_id: str,
    roles: pd.DataFrame | None = None,
    tone: pd.DataFrame | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one post's comment threads as a tree: page order across, reply depth down.

    The post is the root (a black square at depth "post"); every comment is a node at
    (page position, depth) joined to its parent. Node colour shows the commenter's role
    (:data:`ROLE_COLOURS`), node shape the comment's tone (:data:`TONE_SHAPES`: ▼
    negative, ● neutral, ▲ positive).

    Parameters
    ----------
    comments : pandas.DataFrame
        The corpus comments table (``corpus.comments``).
    post_id
        The post to draw.
    roles : pandas.DataFrame, optional
        The ``roles`` table (:func:`msdiscourse.assign_roles`); missing: all unknown.
    tone : pandas.DataFrame, optional
        The ``comment_tone`` table (:func:`msdiscourse.comment_tone`), whose ``tone``
        gives the shape; missing: all drawn as circles.
    title
        Axes title; default (also for a missing title, ``None`` or ``<NA>``) the post id.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The edges are one ``LineCollection`` (gid ``thread-edges``), the nodes one
        scatter per role and tone (gid ``comments``) plus the root (gid ``post``).

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When a table is not the one named above.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from msdiscourse.corpus import Corpus
    >>> comments = Corpus.from_records(comments=[
    ...     {"comment_id": "p.c1", "post_id": "p", "text": "Hi."},
    ...     {"comment_id": "p.c2", "post_id": "p", "parent_id": "p.c1", "text": "Hello."}]).comments
    >>> ax = plot_thread_tree(comments, post_id="p", ax=Figure().subplots())
    >>> len(ax.collections[0].get_segments())
    2
    """
    validate(comments, "comments", caller="plot_thread_tree")
    if roles is not None:
        validate(roles, "roles", caller="plot_thread_tree(roles=...)")
    if tone is not None:
        validate(tone, "comment_tone", caller="plot_thread_tree(tone=...)")
    ax = _axes(ax)
    # a post read from a comments table has no title: <NA>, whose truth value raises
    heading = str(post_id) if title is None or pd.isna(title) or title == "" else str(title)
    thread = comments[comments["post_id"] == post_id]
    if thread.empty:
        return _no_data(ax, heading, "no comments on this post")
    thread = thread.sort_values("position")
    ids = thread["comment_id"].astype(str).tolist()
    x = dict(zip(ids, thread["position"].astype("float64")))
    y = dict(zip(ids, thread["depth"].astype("float64")))
    root = (0.0, -1.0)
    segments, from_post = [], []
    for cid, parent in zip(ids, thread["parent_id"].tolist()):
        parent = None if parent is None or parent is pd.NA else str(parent)
        start = (x[parent], y[parent]) if parent in x else root
        segments.append([start, (x[cid], y[cid])])
        from_post.append(start == root)
    # edges from the post are long and cross the page: draw them light and dashed
    ax.add_collection(LineCollection(
        segments, colors=["#BBBBBB" if p else "#777777" for p in from_post],
        linestyles=[(0, (3, 3)) if p else "solid" for p in from_post],
        linewidths=1.0, zorder=1, gid="thread-edges"))

    role_of = pd.Series("unknown", index=ids, dtype="object")
    if roles is not None and len(roles):
        known = roles.assign(comment_id=roles["comment_id"].astype(str)).set_index("comment_id")["role"]
        known = known[~known.index.duplicated()]
        role_of.update(known.reindex(ids).dropna().astype(str))
    tone_of = pd.Series(pd.NA, index=ids, dtype="object")
    if tone is not None and len(tone):
        values = tone["tone"].astype("object")
        by_comment = pd.Series(values.to_numpy(), index=tone["comment_id"].astype(str))
        by_comment = by_comment[~by_comment.index.duplicated()]
        tone_of = by_comment.reindex(ids)

    ax.scatter([root[0]], [root[1]], marker="s", s=70, color="black", zorder=3, gid="post")
    nodes = pd.DataFrame({"x": [x[c] for c in ids], "y": [y[c] for c in ids],
                          "role": role_of.to_numpy(), "tone": tone_of.to_numpy()})
    shapes_used = []
    for role in _present_roles(nodes["role"]):
        for tone_name in [*TONES, None]:
            mask = nodes["role"].eq(role) & (
                nodes["tone"].isna() if tone_name is None else nodes["tone"].eq(tone_name)
            )
            if not mask.any():
                continue
            shape = TONE_SHAPES.get(tone_name, "o")
            if tone_name is not None and tone_name not in shapes_used:
                shapes_used.append(tone_name)
            ax.scatter(nodes.loc[mask, "x"], nodes.loc[mask, "y"], marker=shape, s=75,
                       color=ROLE_COLOURS[role], edgecolors="black", linewidths=0.6, zorder=3,
                       gid="comments", label=f"{role}, {tone_name or 'no tone'}")

    max_depth = int(nodes["y"].max())
    ax.set_xlim(-0.7, nodes["x"].max() + 0.7)
    ax.set_ylim(max_depth + 0.6, -1.6)  # depth grows downwards, the post on top
    ax.set_yticks(range(-1, max_depth + 1), ["post", *map(str, range(max_depth + 1))])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(False)
    ax.set_xlabel("Position on the page (comment order)")
    ax.set_ylabel("Reply depth")
    n_threads = int((nodes["y"] == 0).sum())
    ax.set_title(f"{heading}\n{counted(len(ids), 'comment')} in {counted(n_threads, 'thread')}")
    handles = [Patch(facecolor=ROLE_COLOURS[r], edgecolor="black", label=r)
               for r in _present_roles(nodes["role"])]
    handles += [Line2D([], [], marker=TONE_SHAPES[t], linestyle="", color="white",
                       markeredgecolor="black", markersize=8, label=f"{t} tone")
                for t in TONES if t in shapes_used]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


# -- roles -------------------------------------------------------------------------------

#: how a role was decided (``source`` of :func:`msdiscourse.assign_roles`) -> (label, hatch, alpha)
_EVIDENCE_STYLES: dict[str, tuple[str, str, float]] = {
    "own_text": ("disclosed in the comment", "", 1.0),
    "same_author": ("carried from the same author", "///", 0.55),
    "byline": ("post author (byline)", "...", 0.8),
    "known": ("known to the analyst", "xx", 0.8),
    "codebook": ("from the codebook", "xx", 0.8),
    "none": ("no evidence", "", 0.4),
}


def plot_role_counts(roles: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Draw how many comments each role has, split by the kind of evidence that decided it.

    Parameters
    ----------
    roles : pandas.DataFrame
        The ``roles`` table (:func:`msdiscourse.assign_roles`): its ``role`` and
        ``source`` (the evidence kind: ``own_text``, ``same_author``, ``byline``,
        ``known``, ``codebook``, ``none``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One stacked bar container per evidence kind (labelled as in the legend).

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``roles`` is not the roles table.
    ValueError
        When a role is not one of the known roles.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> roles = pd.DataFrame({"comment_id": ["c1", "c2", "c3"], "author": ["A", "A", None],
    ...                       "role": ["patient", "patient", "unknown"],
    ...                       "source": ["own_text", "same_author", "none"]})
    >>> ax = plot_role_counts(roles, ax=Figure().subplots())
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['patient\\n(n=2)', 'unknown\\n(n=1)']
    """
    validate(roles, "roles", caller="plot_role_counts")
    ax = _axes(ax)
    data = roles[["role", "source"]].dropna(subset=["role"]).astype({"role": "object", "source": "object"})
    title = f"Who is who: comments by role (n = {counted(len(data), 'comment')})"
    if data.empty:
        return _no_data(ax, title)
    present = _present_roles(data["role"])
    counts = pd.crosstab(data["role"], data["source"].fillna("none")).reindex(present, fill_value=0)
    sources = [s for s in _EVIDENCE_STYLES if s in counts.columns]  # schema-ok: a crosstab made here
    sources += [s for s in counts.columns if s not in _EVIDENCE_STYLES]
    positions = np.arange(len(present))
    bottom = np.zeros(len(present))
    for source in sources:
        label, hatch, alpha = _EVIDENCE_STYLES.get(source, (str(source), "", 0.8))
        heights = counts[source].to_numpy(dtype="float64")
        colours = [mpl.colors.to_rgba(ROLE_COLOURS[r], alpha) for r in present]
        ax.bar(positions, heights, bottom=bottom, width=0.6, color=colours, hatch=hatch,
               edgecolor="white", linewidth=0.8, label=label)
        bottom += heights
    for position, total in zip(positions, bottom):
        ax.text(position, total, f"{int(total)}", ha="center", va="bottom", fontsize=10)
    ax.set_xticks(positions, [f"{r}\n(n={int(t)})" for r, t in zip(present, bottom)])
    ax.set_ylim(0, bottom.max() * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Role")
    ax.set_ylabel("Comments")
    ax.set_title(title)
    handles = [Patch(facecolor=mpl.colors.to_rgba("#777777", _EVIDENCE_STYLES.get(s, ("", "", 0.8))[2]),
                     hatch=_EVIDENCE_STYLES.get(s, ("", "", 0.8))[1], edgecolor="white",
                     label=_EVIDENCE_STYLES.get(s, (str(s), "", 0.8))[0]) for s in sources]
    ax.legend(handles=handles, title="Decided by", loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0)
    return ax


# -- tone -------------------------------------------------------------------------------


def plot_tone_by_role(
    comment_tone: pd.DataFrame,
    *,
    value: str = "compound",
    cluster: str | None = "author",
    n_boot: int = 1000,
    seed: int = 0,
    min_n: int = MIN_N,
    ax: Axes | None = None,
) -> Axes:
    """Draw the distribution of comment tone for each role: a box per role and every comment.

    Beside each box, a black diamond is the role's mean with a 95% bootstrap interval that
    resamples whole authors (``cluster``); a role with fewer than ``min_n`` comments or
    authors gets its mean without an interval, and the panel says so.

    Parameters
    ----------
    comment_tone : pandas.DataFrame
        Tone per comment with roles: ``annotate(comment_tone(corpus), roles=roles)``
        (which adds ``author``).
    value
        The tone column to show: ``"compound"`` (default), or another numeric column
        such as ``"whole_compound"``.
    cluster
        The column the interval resamples: ``"author"`` (default), ``"thread_id"``;
        ``None`` draws no means or intervals.
    n_boot, seed, min_n
        Bootstrap resamples and seed; the fewest comments and clusters for an interval.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Tick labels name each role with its number of comments and authors.

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When the table has no ``comment_id``/``role`` (not annotated), no ``value`` or
        no ``cluster`` column.
    ValueError
        When a role is not one of the known roles.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> tone = pd.DataFrame({"comment_id": ["c1"], "role": ["unknown"], "compound": [0.2],
    ...                      "author": ["A"]})
    >>> ax = plot_tone_by_role(tone, ax=Figure().subplots())
    >>> ax.get_title()
    'Tone of comments by role (n = 1 comment)'
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "too-few"]
    ['too few for an interval\\n(need >= 10 comments\\nfrom >= 10 authors):\\nunknown']
    """
    validate(comment_tone, "annotated", caller="plot_tone_by_role")
    validate_columns(comment_tone, [value], caller="plot_tone_by_role", what="value=")
    if cluster is not None:
        validate_columns(comment_tone, [cluster], caller="plot_tone_by_role",
                         what="cluster= (annotate(table, roles=roles) adds author)")
    ax = _axes(ax)
    data = comment_tone.dropna(subset=["role", value])
    title = f"Tone of comments by role (n = {counted(len(data), 'comment')})"
    if data.empty:
        return _no_data(ax, title)
    present = _present_roles(data["role"].astype(str))
    parts = [data[data["role"].astype(str) == r] for r in present]
    groups = [part[value].astype("float64").to_numpy() for part in parts]
    positions = np.arange(len(present))
    boxes = ax.boxplot(groups, positions=positions, widths=0.5, patch_artist=True,
                       showfliers=False, medianprops={"color": "black", "linewidth": 1.5})
    for patch, median, role in zip(boxes["boxes"], boxes["medians"], present):
        patch.set_facecolor(ROLE_COLOURS[role])
        patch.set_alpha(0.35)
        median.set_gid(f"median-{role}")
    for index, (role, values) in enumerate(zip(present, groups)):
        ax.scatter(index + _jitter(len(values), seed=index), values, s=18,
                   color=ROLE_COLOURS[role], edgecolors="black", linewidths=0.3, zorder=3,
                   gid=f"points-{role}")
    labels = [f"{r}\n(n={len(g)})" for r, g in zip(present, groups)]
    if cluster is not None:
        too_few = []
        generator = np.random.default_rng(seed)
        for index, (role, part, values) in enumerate(zip(present, parts, groups)):
            clusters = _clusters(part, cluster)
            n_clusters = len(set(cluster_codes(clusters)))
            word_one = "author" if cluster == "author" else cluster.replace("_id", "")
            word = word_one + "s"
            labels[index] = f"{role}\n(n={len(values)},\n{counted(n_clusters, word_one, word)})"
            mean = float(values.mean())
            if enough_for_interval(len(values), n_clusters, min_n=min_n):
                low, high = clustered_interval(values, clusters, n_boot=n_boot, rng=generator)
                yerr = [[mean - low], [high - mean]]
            else:
                yerr = None
                too_few.append(role)
            drawn = ax.errorbar([index + 0.36], [mean], yerr=yerr, fmt="D", color="black",
                                markersize=5, capsize=3, zorder=4)
            drawn.lines[0].set_gid(f"mean-{role}")
        word = "authors" if cluster == "author" else cluster.replace("_id", "") + "s"
        _panel_note(ax, "comments", min_n, word, too_few)
        label = (f"mean, 95% interval\n(resampling {word})" if len(too_few) < len(present)
                 else "mean (too few for an interval)")
        ax.legend(handles=[Line2D([], [], marker="D", color="black", linestyle="", label=label)],
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.axhline(0, color="#555555", linewidth=0.8, linestyle=":")
    ax.set_xticks(positions, labels)
    ax.set_xlim(-0.6, len(present) - 0.4)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("Role of the commenter")
    ax.set_ylabel("Comment tone\n(VADER compound, −1 to +1)")
    ax.set_title(title)
    return ax


def plot_thread_trajectory(
    trajectory: pd.DataFrame,
    *,
    min_n: int = MIN_N,
    ax: Axes | None = None,
) -> Axes:
    """Draw tone along threads: one line per thread, comment by comment, and their mean.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        The ``trajectory`` table (:func:`msdiscourse.thread_trajectory`): each thread's
        comments by ``thread_position`` against ``compound``.
    min_n
        Steps that fewer than ``min_n`` threads reach have their mean drawn hollow (gid
        ``mean-few``): a mean of one or two comments is not a trend.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Thin grey lines (gid ``thread``) for each thread with more than one comment, grey
        points (gid ``single``) for the threads of one comment (a comment nobody answered),
        and a thick line (gid ``mean``) for the mean at each step, over all of them.

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``trajectory`` is not the trajectory table.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> trajectory = pd.DataFrame({"comment_id": ["c1", "c2"], "thread_id": ["t", "t"],
    ...     "post_id": ["p", "p"], "position": [1, 2], "thread_position": [1, 2],
    ...     "depth": [0, 1], "compound": [0.5, -0.5]})
    >>> trajectory = pd.concat([trajectory, pd.DataFrame({"comment_id": ["c3"], "thread_id": ["u"],
    ...     "post_id": ["p"], "position": [3], "thread_position": [1], "depth": [0],
    ...     "compound": [0.1]})], ignore_index=True)
    >>> [line.get_gid() for line in plot_thread_trajectory(trajectory, ax=Figure().subplots()).lines]
    ['thread', 'single', 'mean', 'mean-few', 'zero']
    """
    validate(trajectory, "trajectory", caller="plot_thread_trajectory")
    ax = _axes(ax)
    step, tone = "thread_position", "compound"
    data = trajectory[["thread_id", step, tone]].dropna()
    n_threads = data["thread_id"].nunique()
    title = f"Tone along threads (n = {counted(n_threads, 'thread')}, {counted(len(data), 'comment')})"
    if data.empty:
        return _no_data(ax, title)
    data = data.assign(**{step: data[step].astype("float64"), tone: data[tone].astype("float64")})
    sizes = data.groupby("thread_id", sort=True)[step].transform("size")
    for _, thread in data[sizes > 1].groupby("thread_id", sort=True):
        thread = thread.sort_values(step)
        ax.plot(thread[step], thread[tone], color="#AAAAAA", linewidth=0.9, alpha=0.8,
                marker="o", markersize=3, gid="thread")
    # a comment nobody answered is a thread of one: a point, not a missing line
    single = data[sizes == 1]
    if len(single):
        ax.plot(single[step], single[tone], linestyle="none", color="#AAAAAA", alpha=0.8,
                marker="o", markersize=3, gid="single")
    means = data.groupby(step)[tone].agg(["mean", "size"]).sort_index()
    ax.plot(means.index, means["mean"], color=OKABE_ITO["blue"], linewidth=2.5, marker="o",
            gid="mean", label="mean over threads")
    few = means[means["size"] < min_n]
    if len(few):  # one or two deep threads make a zigzag that is no trend
        ax.plot(few.index, few["mean"], linestyle="none", marker="o", markersize=6.5,
                markerfacecolor="white", markeredgecolor=OKABE_ITO["blue"], gid="mean-few")
    ax.axhline(0, color="#555555", linewidth=0.8, linestyle=":", gid="zero")
    ax.set_ylim(-1.05, 1.05)
    if len(means) <= 15:  # few steps: say how many comments each mean rests on
        ax.set_xticks(means.index, [f"{s:g}\n(n={n})" for s, n in zip(means.index, means["size"])])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Position in the thread (1 = its first comment)")
    ax.set_ylabel("Comment tone\n(VADER compound, −1 to +1)")
    ax.set_title(title)
    ax.legend(handles=[Line2D([], [], color="#AAAAAA", marker="o", markersize=3,
                              label="one thread\n(a point: no replies)"),
                       Line2D([], [], color=OKABE_ITO["blue"], linewidth=2.5, marker="o",
                              label="mean at each step"),
                       *([Line2D([], [], linestyle="none", marker="o", markersize=6.5,
                                 markerfacecolor="white", markeredgecolor=OKABE_ITO["blue"],
                                 label=f"hollow: fewer than\n{min_n} threads")] if len(few) else [])],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


# -- markers -------------------------------------------------------------------------------


def plot_marker_rates_by_role(
    rates: pd.DataFrame,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Draw irony-marker rates per 100 words by category, one bar per role, with 95% intervals.

    A role without an interval (fewer than :data:`msdiscourse._stats.MIN_N` comments or
    authors, so ``ci_low`` is missing) gets its bar alone, and the panel says so.

    Parameters
    ----------
    rates : pandas.DataFrame
        The ``marker_rates`` table: :func:`msdiscourse.marker_rates_by_role` of an
        annotated marker profile.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per role, labelled with the role.

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``rates`` is not the marker_rates table (a marker profile, say).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> rates = pd.DataFrame({"role": ["patient"], "category": ["trope"], "n_comments": [3],
    ...     "n_words": [20], "n_markers": [1], "rate_per_100_words": [5.0], "ci_low": [0.0],
    ...     "ci_high": [12.5]})
    >>> ax = plot_marker_rates_by_role(rates, ax=Figure().subplots())
    >>> [float(bar.get_height()) for bar in ax.patches]
    [5.0]
    """
    validate(rates, "marker_rates", caller="plot_marker_rates_by_role")
    ax = _axes(ax)
    title = "Irony markers per 100 words, by role"
    if rates.empty:
        return _no_data(ax, title)
    categories = list(dict.fromkeys(rates["category"]))
    roles = list(dict.fromkeys(rates["role"].astype(str)))
    width = 0.8 / len(roles)
    centres = np.arange(len(categories))
    too_few = []
    for index, role in enumerate(roles):
        part = rates[rates["role"].astype(str) == role].set_index("category").reindex(categories)
        heights = part["rate_per_100_words"].to_numpy()
        errors = np.vstack([heights - part["ci_low"].to_numpy(), part["ci_high"].to_numpy() - heights])
        first = part.iloc[0]
        # no interval (too few comments or authors: marker_rates_by_role): a bar without one
        has_interval = bool(np.isfinite(errors).all())
        if not has_interval:
            too_few.append(f"{role} (n={first['n_comments']})")
        ax.bar(centres - 0.4 + width * (index + 0.5), heights, width=width * 0.95,
               color=ROLE_COLOURS[role],
               yerr=np.clip(errors, 0, None) if has_interval else None,
               error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333333"},
               label=f"{role} (n={first['n_comments']}, {first['n_words']:,} words)")
    _panel_note(ax, "comments", MIN_N, "authors", too_few)
    ax.set_xticks(centres, categories, rotation=30, ha="right")
    ax.set_xlabel("Marker category")
    ax.set_ylabel("Markers per 100 words\n(error bars: 95% interval, authors resampled)"
                  if len(too_few) < len(roles) else "Markers per 100 words")
    ax.set_ylim(bottom=0)
    n_comments = int(rates.drop_duplicates("role")["n_comments"].sum())
    ax.set_title(f"{title} (n = {counted(int(n_comments), 'comment')})")
    ax.legend(title="Role", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


def plot_marker_evaluation(
    per_marker: pd.DataFrame,
    *,
    min_support: int = 1,
    ax: Axes | None = None,
) -> Axes:
    """Draw each marker rule's lift over the base rate on labelled sets, with its precision.

    Parameters
    ----------
    per_marker : pandas.DataFrame
        The ``marker_evaluation`` table: ``evaluate_markers(..., name=...).per_marker``,
        one or more data sets concatenated (one bar per ``dataset``).
    min_support
        Leave out rules that fired fewer times than this (their lift is noise).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Horizontal bars, one container per data set; the text beside each bar gives the
        precision and support.

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``per_marker`` is not the marker_evaluation table.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> per_marker = pd.DataFrame({"category": ["formula"], "rule": ["oh_great"], "lift": [1.8],
    ...                            "precision": [0.9], "support": [12], "dataset": ["forum"]})
    >>> ax = plot_marker_evaluation(per_marker, ax=Figure().subplots())
    >>> float(ax.containers[0][0].get_width())
    1.8
    """
    validate(per_marker, "marker_evaluation", caller="plot_marker_evaluation")
    ax = _axes(ax)
    data = per_marker[per_marker["support"].fillna(0) >= min_support].dropna(subset=["lift"])
    title = "Irony markers on labelled data: lift over the base rate"
    if data.empty:
        return _no_data(ax, title)
    rank = {c: i for i, c in enumerate(MARKER_CATEGORIES)}
    data = data.assign(_rank=data["category"].map(lambda c: rank.get(str(c), len(rank))))
    rules = list(dict.fromkeys(data.sort_values(["_rank", "rule"])["rule"].astype(str)))
    datasets = list(dict.fromkeys(data["dataset"].astype(str)))
    height = 0.8 / len(datasets)
    centres = np.arange(len(rules))
    colours = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
               OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"]]
    max_lift = float(data["lift"].max())
    for index, dataset in enumerate(datasets):
        part = (data[data["dataset"].astype(str) == dataset]
                .assign(rule=lambda frame: frame["rule"].astype(str))
                .drop_duplicates("rule").set_index("rule").reindex(rules))
        offsets = centres - 0.4 + height * (index + 0.5)
        bars = ax.barh(offsets, part["lift"].fillna(0).to_numpy(), height=height * 0.9,
                       color=colours[index % len(colours)], label=dataset)
        for bar, (_, row) in zip(bars, part.iterrows()):
            if pd.isna(row["lift"]):
                continue
            # a white backing keeps the label readable where it crosses the lift = 1 line
            ax.text(bar.get_width() + max_lift * 0.01, bar.get_y() + bar.get_height() / 2,
                    f"p={row['precision']:.2f}, n={int(row['support'])}", va="center",
                    fontsize=8, color="#333333",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.85})
    ax.axvline(1, color="#333333", linewidth=1, linestyle="--")
    ax.set_yticks(centres, rules)
    ax.invert_yaxis()
    ax.set_xlim(0, max_lift * 1.35)
    ax.grid(True, axis="x")
    ax.grid(False, axis="y")
    ax.set_xlabel("Lift: precision ÷ share of ironic texts (1 = no better than chance)")
    ax.set_ylabel("Marker rule")
    ax.set_title(f"{title}\n(p = precision, n = texts the rule fired on)")
    ax.legend(title="Labelled set", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax


# -- exchanges ------------------------------------------------------------------------------


def plot_exchange_heatmap(
    matrix: pd.DataFrame,
    *,
    fmt: str = "{:.0f}",
    title: str | None = None,
    centre: float | None = None,
    counts: pd.DataFrame | None = None,
    min_n: int = MIN_N,
    ax: Axes | None = None,
) -> Axes:
    """Draw a role by role table as an annotated heatmap (rows: replier, columns: addressee).

    Parameters
    ----------
    matrix : pandas.DataFrame
        From :func:`msdiscourse.exchange_matrix`: replier roles as index, addressee roles
        as columns; missing cells are drawn blank and annotated "–".
    fmt
        Format of each annotation (``"{:.0f}"`` for counts, ``"{:+.2f}"`` for tone).
    title
        Axes title; default "Who replies to whom" with the total for counts.
    centre
        Centre a diverging colour map here (e.g. 0 for tone); default sequential.
    counts : pandas.DataFrame, optional
        The number of replies behind each cell (``exchange_matrix(exchanges, value="n")``):
        printed under each value, and cells resting on fewer than ``min_n`` replies are
        faded, so a mean of one reply does not look like a finding.
    min_n
        The fewest replies for a cell drawn at full strength.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One image and one text per cell.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> matrix = pd.DataFrame([[0, 3], [5, 1]], index=["researcher", "patient"],
    ...                       columns=["researcher", "patient"])
    >>> ax = plot_exchange_heatmap(matrix, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.texts]
    ['0', '3', '5', '1']
    >>> means = pd.DataFrame([[0.1, None], [-0.3, 0.2]], index=matrix.index, columns=matrix.columns)
    >>> ax = plot_exchange_heatmap(means, fmt="{:+.2f}", centre=0, counts=matrix, min_n=3,
    ...                            ax=Figure().subplots())
    >>> [t.get_text() for t in ax.texts][:3]
    ['+0.10\\nn=0', '–', '-0.30\\nn=5']
    """
    if not isinstance(matrix, pd.DataFrame):
        raise TypeError("plot_exchange_heatmap expects a role-by-role DataFrame (made by "
                        f"exchange_matrix(exchanges, value=...)); got a {type(matrix).__name__}")
    ax = _axes(ax)
    values = matrix.apply(pd.to_numeric, errors="coerce").astype("float64").to_numpy() if matrix.size else np.empty((0, 0))
    is_counts = bool(matrix.size) and np.allclose(np.nan_to_num(values) % 1, 0)
    if title is None:
        title = "Who replies to whom"
        if is_counts:
            title += f" (n = {counted(int(np.nansum(values)), 'reply', 'replies')})"
    if not matrix.size or np.isnan(values).all():
        return _no_data(ax, title)
    if centre is not None:
        reach = float(np.nanmax(np.abs(values - centre))) or 1.0
        cmap, vmin, vmax = mpl.colormaps["PuOr_r"], centre - reach, centre + reach
    else:
        cmap, vmin, vmax = mpl.colormaps["cividis"], float(np.nanmin(values)), float(np.nanmax(values))
        if vmin == vmax:
            vmax = vmin + 1
    cmap = cmap.with_extremes(bad="#F2F2F2")
    n = None
    if counts is not None:
        n = counts.reindex(index=matrix.index, columns=matrix.columns).apply(
            pd.to_numeric, errors="coerce").fillna(0).to_numpy()
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    rgba = cmap(norm(np.ma.masked_invalid(values)))
    if n is None:
        ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    else:
        # fade cells under the minimum towards white: visible, but not a finding
        faint = (n < min_n) & ~np.isnan(values)
        rgba[faint, :3] = 0.3 * rgba[faint, :3] + 0.7
        ax.imshow(rgba, aspect="auto")
    for row in range(values.shape[0]):
        for column in range(values.shape[1]):
            value = values[row, column]
            if np.isnan(value):
                text, colour = "–", "#555555"
            else:
                red, green, blue, _ = rgba[row, column]
                colour = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
                text = fmt.format(value)
                if n is not None:
                    text += f"\nn={int(n[row, column])}"
                    if n[row, column] < min_n:
                        colour = "#555555"
            ax.text(column, row, text, ha="center", va="center", color=colour,
                    fontsize=11 if n is None else 10)

    ax.set_xticks(range(values.shape[1]), [str(c) for c in matrix.columns], rotation=30, ha="right")
    ax.set_yticks(range(values.shape[0]), [str(i) for i in matrix.index])
    faded = n is not None and bool(((n < min_n) & ~np.isnan(values)).any())
    ax.set_xlabel("Addressee (the author replied to)"
                  + (f"\nfaded: fewer than {min_n} replies" if faded else ""))
    ax.set_ylabel("Replier")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    return ax


def plot_tone_shift(
    exchanges: pd.DataFrame,
    *,
    pairs: Sequence[str] = ("researcher->patient", "patient->researcher"),
    cluster: str = "replier",
    n_boot: int = 1000,
    seed: int = 0,
    min_n: int = MIN_N,
    ax: Axes | None = None,
) -> Axes:
    """Draw the tone shift of replies (reply minus parent compound) for chosen role pairs.

    Each reply is a point; the black marker and bar are the mean and its 95% bootstrap
    interval, resampling whole repliers (``cluster``). A pair with fewer than ``min_n``
    replies or repliers gets its mean without an interval, and the panel says so; a pair
    with no replies is labelled so inside the panel rather than left blank.

    Parameters
    ----------
    exchanges : pandas.DataFrame
        The ``exchanges`` table (:func:`msdiscourse.reply_exchanges` with ``tone=``).
    pairs
        ``"replier->addressee"`` pairs to compare, in display order.
    cluster
        The column the interval resamples: ``"replier"`` (default) or ``"thread_id"``.
    n_boot, seed, min_n
        Bootstrap settings; the fewest replies and clusters for an interval.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, msdiscourse.schema.SchemaError
        When ``exchanges`` is not the exchanges table.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> exchanges = pd.DataFrame({"comment_id": ["c1", "c2"], "replier": ["A", "B"],
    ...     "replier_role": ["researcher", "patient"], "addressee_role": ["patient", "researcher"],
    ...     "pair": ["researcher->patient", "patient->researcher"],
    ...     "replier_compound": [0.5, 0.1], "tone_shift": [0.3, -0.2],
    ...     "replier_marker_rate": [0.0, 0.0]})
    >>> ax = plot_tone_shift(exchanges, ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['researcher → patient\\n(n=1, 1 replier)', 'patient → researcher\\n(n=1, 1 replier)']
    """
    validate(exchanges, "exchanges", caller="plot_tone_shift")
    validate_columns(exchanges, [cluster], caller="plot_tone_shift", what="cluster=")
    ax = _axes(ax)
    parts = [exchanges[(exchanges["pair"].astype("object") == p).to_numpy()
                       & exchanges["tone_shift"].notna().to_numpy()] for p in pairs]
    groups = [part["tone_shift"].astype("float64").to_numpy() for part in parts]
    clusters = [_clusters(part, cluster) for part in parts]
    n_clusters = [len(set(cluster_codes(c))) for c in clusters]
    total = sum(len(g) for g in groups)
    title = f"Tone shift from parent to reply (n = {counted(total, 'reply', 'replies')})"
    if total == 0:
        return _no_data(ax, title, "no replies between these roles")
    word_one = "replier" if cluster == "replier" else cluster.replace("_id", "")
    word = word_one + "s"
    too_few = []
    generator = np.random.default_rng(seed)
    for index, (pair, values, groups_clusters, k) in enumerate(zip(pairs, groups, clusters, n_clusters)):
        replier = pair.split("->")[0]
        colour = ROLE_COLOURS.get(replier, _GREY)
        if len(values) == 0:
            ax.text(index, 0.0, "no replies", ha="center", va="center", color="#555555",
                    gid=f"empty-{pair}")
            continue
        ax.scatter(index + _jitter(len(values), seed=index), values, s=22, color=colour,
                   edgecolors="black", linewidths=0.3, alpha=0.8, zorder=2, gid=f"points-{pair}")
        mean = float(values.mean())
        if enough_for_interval(len(values), k, min_n=min_n):
            low, high = clustered_interval(values, groups_clusters, n_boot=n_boot, rng=generator)
            yerr = [[mean - low], [high - mean]]
        else:
            yerr = None
            too_few.append(pair.replace("->", " → "))
        drawn = ax.errorbar([index + 0.25], [mean], yerr=yerr, fmt="D",
                            color="black", markersize=6, capsize=4, zorder=3)
        drawn.lines[0].set_gid(f"mean-{pair}")
    ax.axhline(0, color="#555555", linewidth=0.8, linestyle=":")
    labels = [f"{p.replace('->', ' → ')}\n(n={len(g)}, {counted(k, word_one, word)})"
              for p, g, k in zip(pairs, groups, n_clusters)]
    ax.set_xticks(range(len(pairs)), labels)
    ax.set_xlim(-0.6, len(pairs) - 0.4)
    # symmetric about 0 so that up and down read alike; never beyond the possible ±2
    reach = max(float(max((np.abs(g).max() for g in groups if len(g)), default=0)) * 1.15, 0.5)
    ax.set_ylim(-min(reach, 2.05), min(reach, 2.05))
    _panel_note(ax, "replies", min_n, word, too_few)
    ax.set_xlabel("Replier → addressee")
    ax.set_ylabel("Tone shift: reply − parent\n(VADER compound)")
    ax.set_title(title)
    drawn_groups = sum(1 for g in groups if len(g))
    label = (f"mean, 95% interval\n(resampling {word})" if len(too_few) < drawn_groups
             else "mean (too few for an interval)")
    ax.legend(handles=[Line2D([], [], marker="D", color="black", linestyle="", label=label)],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    return ax
