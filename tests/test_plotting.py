"""Plotting: read the data back from the artists (no pixel comparisons), theme scope, and
byte-identical saves."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

import msdiscourse as msd
from msdiscourse import plotting
from msdiscourse.categories import ROLES
from msdiscourse.plotting import (
    ROLE_COLOURS,
    TONE_SHAPES,
    plot_exchange_heatmap,
    plot_marker_evaluation,
    plot_marker_rates_by_role,
    plot_role_counts,
    plot_thread_tree,
    plot_thread_trajectory,
    plot_tone_by_role,
    plot_tone_shift,
    save_figure,
    theme,
)
from msdiscourse.annotation import marker_rates_by_role
from msdiscourse.categories import MARKER_CATEGORIES
from msdiscourse.corpus import coerce_frame
from msdiscourse.schema import COMMENTS, SchemaError
from msdiscourse.tone import classify_tone


def new_axes():
    return Figure(figsize=(6, 4)).subplots()


def tick_texts(axis) -> list[str]:
    return [label.get_text() for label in axis.get_ticklabels()]


def bar_containers(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def no_data_note(ax) -> str | None:
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "no-data"]
    return notes[0] if notes else None


# A small thread like the demo's first page: the post, two threads, one reply chain 3 deep.
#   c1 (patient, neg) -> c2 (researcher, pos) -> c3 (patient, neutral) -> c4 (unknown)
#   c5 (relative, pos) -> c6 (researcher, no tone)
THREAD = coerce_frame(pd.DataFrame(
    {
        "comment_id": ["p.c1", "p.c2", "p.c3", "p.c4", "p.c5", "p.c6", "q.c1"],
        "post_id": ["p"] * 6 + ["q"],
        "parent_id": pd.array([None, "p.c1", "p.c2", "p.c3", None, "p.c5", None], dtype="string"),
        "thread_id": ["p.c1"] * 4 + ["p.c5"] * 2 + ["q.c1"],
        "depth": pd.array([0, 1, 2, 3, 0, 1, 0], dtype="Int64"),
        "position": pd.array([1, 2, 3, 4, 5, 6, 1], dtype="Int64"),
    }
), COMMENTS.columns)
ROLES_TABLE = pd.DataFrame(
    {
        "comment_id": ["p.c1", "p.c2", "p.c3", "p.c4", "p.c5", "p.c6"],
        "author": ["A", "B", "A", None, "C", "B"],
        "role": ["patient", "researcher", "patient", "unknown", "relative", "researcher"],
        "source": ["own_text", "own_text", "same_author", "none", "own_text", "same_author"],
    }
)


def _comment_tone(ids, compounds) -> pd.DataFrame:
    """A comment_tone table with the given compounds (the other scores are not drawn)."""
    compound = pd.Series(compounds, dtype="float64")
    return pd.DataFrame({"comment_id": ids, "neg": 0.0, "neu": 1.0, "pos": 0.0,
                         "compound": compound, "tone": classify_tone(compound),
                         "whole_compound": compound, "n_sentences": 1, "n_words": 5})


TONE_TABLE = _comment_tone(["p.c1", "p.c2", "p.c3", "p.c4", "p.c5"], [-0.62, 0.41, 0.0, 0.03, 0.77])


# -- theme and saving -------------------------------------------------------------------


def test_theme_sets_readable_colour_blind_safe_defaults_and_restores_rcparams():
    before = dict(mpl.rcParams)
    with theme():
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][:3] == ["#0072B2", "#D55E00", "#009E73"]
        assert mpl.rcParams["xtick.labelsize"] >= 10 and mpl.rcParams["ytick.labelsize"] >= 10
        assert mpl.rcParams["axes.titlesize"] == 12
        assert mpl.rcParams["svg.hashsalt"] == "msdiscourse"
    assert dict(mpl.rcParams) == before


def test_theme_restores_rcparams_after_an_error_and_accepts_overrides():
    before = dict(mpl.rcParams)
    with pytest.raises(RuntimeError):
        with theme(rc={"axes.titlesize": 20}):
            assert mpl.rcParams["axes.titlesize"] == 20
            raise RuntimeError("boom")
    assert dict(mpl.rcParams) == before


def test_role_and_tone_colours_follow_the_shared_category_order():
    assert list(ROLE_COLOURS) == list(ROLES)
    assert list(plotting.TONE_COLOURS) == ["negative", "neutral", "positive"]
    assert len(set(ROLE_COLOURS.values())) == len(ROLES)


def _figure_for_saving() -> Figure:
    with theme():
        fig = Figure(figsize=(5, 3))
        ax = fig.subplots()
        plot_tone_by_role(
            pd.DataFrame({"comment_id": ["a", "b", "c"], "role": ["patient", "researcher", "patient"],
                          "compound": [-0.3, 0.5, 0.1], "author": ["A", "B", "C"]}),
            ax=ax,
        )
    return fig


def test_save_figure_twice_gives_byte_identical_png_and_svg(tmp_path):
    first = save_figure(_figure_for_saving(), tmp_path / "a", "tone-by-role")
    second = save_figure(_figure_for_saving(), tmp_path / "b", "tone-by-role")
    assert [p.name for p in first] == ["tone-by-role.png", "tone-by-role.svg"]
    for one, other in zip(first, second):
        assert one.read_bytes() == other.read_bytes(), one.name
    png, svg = (p.read_bytes() for p in first)
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
    # text stays text in the SVG, so a name in a figure could be found by a test
    assert b"Tone of comments by role" in svg


def test_save_figure_rejects_folders_in_the_name_and_unknown_formats(tmp_path):
    fig = _figure_for_saving()
    with pytest.raises(ValueError) as error:
        save_figure(fig, tmp_path, "sub/name")
    assert str(error.value) == (
        "figure name 'sub/name': expected a file name without folders, e.g. 'tone-by-role'"
    )
    with pytest.raises(ValueError) as error:
        save_figure(fig, tmp_path, "name", formats=("png", "jpg"))
    assert str(error.value) == "figure format 'jpg': expected one of png, svg, pdf"
    assert not list(tmp_path.iterdir())


# -- thread tree ------------------------------------------------------------------------------


def test_thread_tree_draws_one_node_and_one_edge_per_comment_of_the_post():
    ax = plot_thread_tree(THREAD, post_id="p", roles=ROLES_TABLE, tone=TONE_TABLE, ax=new_axes())
    edges = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(edges) == 1
    segments = [tuple(map(tuple, s)) for s in edges[0].get_segments()]
    # parent -> child: top-level comments hang from the post at (0, -1)
    assert segments == [
        ((0, -1), (1, 0)), ((1, 0), (2, 1)), ((2, 1), (3, 2)), ((3, 2), (4, 3)),
        ((0, -1), (5, 0)), ((5, 0), (6, 1)),
    ]
    nodes = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_gid() == "comments"]
    positions = sorted(tuple(xy) for c in nodes for xy in c.get_offsets())
    assert positions == [(1, 0), (2, 1), (3, 2), (4, 3), (5, 0), (6, 1)]
    assert ax.get_title() == "p\n6 comments in 2 threads"
    assert tick_texts(ax.yaxis) == ["post", "0", "1", "2", "3"]
    assert ax.get_xlabel() == "Position on the page (comment order)"


def test_thread_tree_colours_nodes_by_role_and_shapes_them_by_tone():
    ax = plot_thread_tree(THREAD, post_id="p", roles=ROLES_TABLE, tone=TONE_TABLE, ax=new_axes())
    nodes = {c.get_label(): c for c in ax.collections if c.get_gid() == "comments"}
    assert set(nodes) == {
        "researcher, positive", "researcher, no tone", "patient, negative",
        "patient, neutral", "relative, positive", "unknown, neutral",
    }
    researcher = nodes["researcher, positive"]
    assert mpl.colors.to_hex(researcher.get_facecolor()[0]) == ROLE_COLOURS["researcher"].lower()
    assert [tuple(xy) for xy in nodes["patient, negative"].get_offsets()] == [(1, 0)]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["researcher", "patient", "relative", "unknown",
                      "negative tone", "neutral tone", "positive tone"]
    assert TONE_SHAPES == {"negative": "v", "neutral": "o", "positive": "^"}


def test_thread_tree_without_roles_or_tone_draws_every_comment_as_unknown():
    ax = plot_thread_tree(THREAD, post_id="q", ax=new_axes())
    nodes = [c for c in ax.collections if c.get_gid() == "comments"]
    assert [c.get_label() for c in nodes] == ["unknown, no tone"]
    assert ax.get_title() == "q\n1 comment in 1 thread"


def test_thread_tree_of_a_post_without_a_title_is_headed_by_its_id(tmp_path):
    # posts read from a comments table have no title (<NA>), and notebook 01 passes it on
    table = tmp_path / "threads.csv"
    table.write_text("comment_id,post_id,parent_id,author,text,published\n"
                     "m1,t7,,Ann,Hello all.,2021-01-02\nm2,t7,,Bo,Hi Ann.,2021-01-03\n",
                     encoding="utf-8")
    corpus = msd.read_corpus(tmp_path)
    post = next(corpus.posts.itertuples())
    assert post.title is pd.NA
    ax = plot_thread_tree(corpus.comments, post_id=post.post_id, title=post.title, ax=new_axes())
    assert ax.get_title() == "t7\n2 comments in 2 threads"
    ax = plot_thread_tree(THREAD, post_id="nothing", ax=new_axes(), title=pd.NA)
    assert ax.get_title() == "nothing"


def test_thread_tree_of_a_post_without_comments_says_so():
    ax = plot_thread_tree(THREAD, post_id="nothing", ax=new_axes(), title="Empty post")
    assert no_data_note(ax) == "no comments on this post"
    assert ax.get_title() == "Empty post"


def test_thread_tree_names_missing_columns():
    with pytest.raises(SchemaError, match=r"^plot_thread_tree expects the comments table \(made by "
                                          r"corpus.comments, made by read_corpus\(path\)\); "
                                          r"missing columns: depth, position"):
        plot_thread_tree(THREAD.drop(columns=["depth", "position"]), post_id="p", ax=new_axes())


def test_plots_touch_only_the_axes_they_are_given():
    fig = Figure()
    ax = fig.subplots()
    plot_thread_tree(THREAD, post_id="p", roles=ROLES_TABLE, tone=TONE_TABLE, ax=ax)
    plot_marker_rates_by_role(marker_rates_by_role(PROFILE, n_boot=50), ax=ax)
    assert fig.axes == [ax]


# -- roles -------------------------------------------------------------------------------


def test_role_counts_stack_comments_by_the_evidence_that_decided_them():
    roles = pd.DataFrame(
        {
            "comment_id": [f"c{i}" for i in range(6)],
            "author": ["A", "A", "B", "C", None, None],
            "role": pd.Categorical(
                ["patient", "patient", "patient", "researcher", "unknown", "unknown"],
                categories=list(ROLES), ordered=True),
            "source": ["own_text", "same_author", "own_text", "byline", "none", "none"],
        }
    )
    ax = plot_role_counts(roles, ax=new_axes())
    assert tick_texts(ax.xaxis) == ["researcher\n(n=1)", "patient\n(n=3)", "unknown\n(n=2)"]
    stacks = {c.get_label(): [float(b.get_height()) for b in c] for c in bar_containers(ax)}
    assert stacks == {
        "disclosed in the comment": [0.0, 2.0, 0.0],
        "carried from the same author": [0.0, 1.0, 0.0],
        "post author (byline)": [1.0, 0.0, 0.0],
        "no evidence": [0.0, 0.0, 2.0],
    }
    assert [t.get_text() for t in ax.texts] == ["1", "3", "2"]
    assert ax.get_title() == "Who is who: comments by role (n = 6 comments)"


# -- tone -------------------------------------------------------------------------------


COMMENT_TONE = pd.DataFrame(
    {
        "comment_id": [f"c{i}" for i in range(7)],
        "role": ["patient", "patient", "patient", "researcher", "researcher", "unknown", pd.NA],
        "compound": [-0.5, 0.1, 0.3, 0.6, 0.2, -0.1, 0.9],
        "author": ["Ann", "Ann", "Bea", "Rob", None, None, "Kim"],
    }
)


def test_tone_by_role_orders_roles_and_states_n_per_role():
    ax = plot_tone_by_role(COMMENT_TONE, ax=new_axes())
    assert tick_texts(ax.xaxis) == ["researcher\n(n=2,\n2 authors)", "patient\n(n=3,\n2 authors)",
                                    "unknown\n(n=1,\n1 author)"]
    assert ax.get_title() == "Tone of comments by role (n = 6 comments)"
    medians = [line for line in ax.lines if (line.get_gid() or "").startswith("median-")]
    assert [float(m.get_ydata()[0]) for m in medians] == pytest.approx([0.4, 0.1, -0.1])
    points = {c.get_gid(): sorted(c.get_offsets()[:, 1]) for c in ax.collections}
    assert points["points-patient"] == pytest.approx([-0.5, 0.1, 0.3])
    assert ax.get_ylim() == (-1.05, 1.05)
    # means without intervals: too few comments and authors, said inside the panel
    means = {line.get_gid(): line for line in ax.lines if (line.get_gid() or "").startswith("mean-")}
    assert float(means["mean-patient"].get_ydata()[0]) == pytest.approx(-0.1 / 3)
    assert [t.get_text() for t in ax.texts if t.get_gid() == "too-few"] == [
        "too few for an interval\n(need >= 10 comments\nfrom >= 10 authors):\n"
        "researcher, patient, unknown"]
    # beside the axes, under the legend: never over the title
    assert ax.texts[-1].get_transform() == ax.transAxes and ax.texts[-1].get_position() == (1.02, 0.0)


def test_tone_by_role_draws_an_interval_over_authors_when_there_are_enough():
    rng = np.random.default_rng(0)
    authors = [f"p{i}" for i in range(12) for _ in range(3)] + ["r0"] * 20
    tone = pd.DataFrame({"comment_id": [f"c{i}" for i in range(56)],
                         "role": ["patient"] * 36 + ["researcher"] * 20,
                         "compound": rng.uniform(-0.5, 0.5, 56), "author": authors})
    ax = plot_tone_by_role(tone, ax=new_axes())
    caps = {line.get_gid(): line for line in ax.lines if (line.get_gid() or "").startswith("mean-")}
    assert set(caps) == {"mean-patient", "mean-researcher"}
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(bars) == 1  # the patients' interval: 12 authors; one researcher writes 20
    (low, high) = bars[0].get_segments()[0][:, 1]
    patients = tone["compound"][:36]
    assert low < patients.mean() < high
    assert [t.get_text() for t in ax.texts if t.get_gid() == "too-few"] == [
        "too few for an interval\n(need >= 10 comments\nfrom >= 10 authors):\nresearcher"]


def test_tone_by_role_rejects_unknown_roles_and_shows_empty_input():
    with pytest.raises(ValueError) as error:
        plot_tone_by_role(pd.DataFrame({"comment_id": ["c"], "role": ["nurse"], "compound": [0.1],
                                        "author": ["A"]}), ax=new_axes())
    assert str(error.value) == (
        "role column: expected researcher, patient, relative, other, unknown; found nurse"
    )
    ax = plot_tone_by_role(COMMENT_TONE.iloc[0:0], ax=new_axes())
    assert no_data_note(ax) == "no data"


def test_tone_by_role_takes_the_column_it_is_told():
    tone = COMMENT_TONE.assign(whole_compound=COMMENT_TONE["compound"] / 2)
    ax = plot_tone_by_role(tone, value="whole_compound", ax=new_axes())
    points = {c.get_gid(): sorted(c.get_offsets()[:, 1]) for c in ax.collections}
    assert points["points-patient"] == pytest.approx([-0.25, 0.05, 0.15])
    with pytest.raises(SchemaError, match="^plot_tone_by_role: value= names mean_compound"):
        plot_tone_by_role(COMMENT_TONE, value="mean_compound", ax=new_axes())


def test_thread_trajectory_draws_each_thread_and_the_mean_at_each_step():
    trajectory = pd.DataFrame(
        {
            "comment_id": [f"c{i}" for i in range(6)],
            "thread_id": ["a", "a", "a", "b", "b", "c"],
            "post_id": "p",
            "position": [1, 2, 3, 4, 5, 6],
            "thread_position": [1, 2, 3, 1, 2, 1],
            "depth": [0, 1, 2, 0, 1, 0],
            "compound": [0.5, -0.1, 0.2, -0.3, 0.3, 0.4],
        }
    )
    ax = plot_thread_trajectory(trajectory, ax=new_axes())
    threads = [line for line in ax.lines if line.get_gid() == "thread"]
    assert len(threads) == 2
    # the single-comment thread c is a point of its own, not only a part of the mean
    single = [line for line in ax.lines if line.get_gid() == "single"]
    assert [list(line.get_xdata()) for line in single] == [[1.0]]
    assert [list(line.get_ydata()) for line in single] == [[0.4]]
    mean = next(line for line in ax.lines if line.get_gid() == "mean")
    assert list(mean.get_xdata()) == [1, 2, 3]
    assert list(mean.get_ydata()) == pytest.approx([0.2, 0.1, 0.2])
    assert ax.get_title() == "Tone along threads (n = 3 threads, 6 comments)"
    # every step rests on fewer than 10 threads: all hollow, and the legend says why
    few = next(line for line in ax.lines if line.get_gid() == "mean-few")
    assert list(few.get_xdata()) == [1, 2, 3]
    assert ax.get_legend().get_texts()[-1].get_text() == "hollow: fewer than\n10 threads"
    ax = plot_thread_trajectory(trajectory, min_n=2, ax=new_axes())
    few = next(line for line in ax.lines if line.get_gid() == "mean-few")
    assert list(few.get_xdata()) == [3]
    assert tick_texts(ax.xaxis) == ["1\n(n=3)", "2\n(n=2)", "3\n(n=1)"]


def test_thread_trajectory_names_what_it_needs():
    with pytest.raises(SchemaError, match="^plot_thread_trajectory expects the trajectory table "
                                          r"\(made by thread_trajectory\(comment_tone\(corpus\), "
                                          r"corpus.comments\)\); missing columns: comment_id,"):
        plot_thread_trajectory(pd.DataFrame({"thread_id": ["a"], "score": [0.1]}), ax=new_axes())


# -- markers -------------------------------------------------------------------------------

PROFILE = pd.DataFrame(
    {
        "comment_id": ["a", "b", "c", "d"],
        "n_words": [40, 60, 100, 100],
        "n_markers": [3, 1, 1, 0],
        "markers_per_100_words": [7.5, 1 / 0.6, 1.0, 0.0],
        "has_any": [True, True, True, False],
        **{f"n_{c}": [0, 0, 0, 0] for c in MARKER_CATEGORIES},
        "role": ["patient", "patient", "researcher", "researcher"],
        "author": ["A", "B", "C", "D"],
    }
).assign(n_trope=[1, 1, 0, 0], n_typographic=[2, 0, 1, 0])
SHOWN = ["trope", "typographic"]


def test_marker_rates_pool_words_within_each_role():
    rates = marker_rates_by_role(PROFILE, n_boot=200)
    assert rates["category"].tolist() == list(MARKER_CATEGORIES) * 2  # every category, in order
    rates = rates[rates["category"].isin(SHOWN)].reset_index(drop=True)
    assert rates[["role", "category", "n_comments", "n_words", "n_markers"]].values.tolist() == [
        ["researcher", "trope", 2, 200, 0],
        ["researcher", "typographic", 2, 200, 1],
        ["patient", "trope", 2, 100, 2],
        ["patient", "typographic", 2, 100, 2],
    ]
    assert rates["rate_per_100_words"].tolist() == pytest.approx([0.0, 0.5, 2.0, 2.0])
    assert rates["n_authors"].tolist() == [2, 2, 2, 2]
    # two comments from two authors a role: too few for an interval
    assert not rates["has_interval"].any() and rates["ci_low"].isna().all()


def test_marker_rates_intervals_resample_authors():
    # 12 patients write 3 comments each, one of them with markers; 2 words in 30 are markers
    many = pd.DataFrame({
        "comment_id": [f"c{i}" for i in range(36)], "n_words": 30, "n_markers": 0,
        "markers_per_100_words": 0.0, "has_any": False,
        **{f"n_{c}": 0 for c in MARKER_CATEGORIES},
        "role": "patient", "author": [f"p{i // 3}" for i in range(36)]})
    many.loc[::3, ["n_trope", "n_markers"]] = 2
    rates = marker_rates_by_role(many, n_boot=300).set_index("category")
    trope = rates.loc["trope"]
    assert trope["n_authors"] == 12 and bool(trope["has_interval"])
    assert trope["rate_per_100_words"] == pytest.approx(100 * 24 / 1080)
    # every author has the same rate: resampling authors cannot move it
    assert trope["ci_low"] == pytest.approx(trope["rate_per_100_words"])
    assert trope["ci_high"] == pytest.approx(trope["rate_per_100_words"])
    again = marker_rates_by_role(many, n_boot=300).set_index("category")
    assert rates.equals(again)  # seeded


def test_marker_rates_plot_has_one_bar_group_per_role_with_the_pooled_heights():
    rates = marker_rates_by_role(PROFILE, n_boot=200)
    ax = plot_marker_rates_by_role(rates[rates["category"].isin(SHOWN)], ax=new_axes())
    bars = bar_containers(ax)
    assert [b.get_label() for b in bars] == [
        "researcher (n=2, 200 words)", "patient (n=2, 100 words)"]
    assert [float(p.get_height()) for p in bars[1]] == pytest.approx([2.0, 2.0])
    assert tick_texts(ax.xaxis) == ["trope", "typographic"]
    assert ax.get_ylabel() == "Markers per 100 words"  # no role has an interval here
    assert [t.get_text() for t in ax.texts if t.get_gid() == "too-few"] == [
        "too few for an interval\n(need >= 10 comments\nfrom >= 10 authors):\n"
        "researcher (n=2),\npatient (n=2)"]
    assert "n = 4 comments" in ax.get_title()


def test_marker_rates_need_a_profile_with_roles_and_the_plot_needs_rates():
    with pytest.raises(SchemaError, match="^marker_rates_by_role expects the marker_profile table"):
        marker_rates_by_role(PROFILE[["role", "n_words", "n_markers"]])
    with pytest.raises(SchemaError, match="^marker_rates_by_role expects the annotated table .*"
                                          r"missing columns: role"):
        marker_rates_by_role(PROFILE.drop(columns="role"))
    with pytest.raises(SchemaError, match="^plot_marker_rates_by_role expects the marker_rates "
                                          "table .* got what looks like the marker_profile table"):
        plot_marker_rates_by_role(PROFILE, ax=new_axes())
    ax = plot_marker_rates_by_role(marker_rates_by_role(PROFILE.iloc[0:0]), ax=new_axes())
    assert no_data_note(ax) == "no data"


def test_marker_evaluation_draws_lift_per_rule_and_data_set_with_precision():
    per_marker = pd.DataFrame(
        {
            "dataset": ["forum", "forum", "forum", "tweets", "tweets"],
            "category": ["typographic", "formula", "trope", "formula", "typographic"],
            "rule": ["scare_quotes", "oh_great", "hyperbole", "oh_great", "scare_quotes"],
            "support": [40, 12, 2, 30, 15],
            "precision": [0.7, 0.9, 1.0, 0.8, 0.55],
            "lift": [1.4, 1.8, 2.0, 1.6, 1.1],
        }
    )
    ax = plot_marker_evaluation(per_marker, min_support=5, ax=new_axes())
    # rules in category order (trope, ..., typographic, ..., formula); hyperbole dropped (n=2)
    assert tick_texts(ax.yaxis) == ["scare_quotes", "oh_great"]
    forum, tweets = bar_containers(ax)
    assert [float(b.get_width()) for b in forum] == pytest.approx([1.4, 1.8])
    assert [float(b.get_width()) for b in tweets] == pytest.approx([1.1, 1.6])
    assert "p=0.90, n=12" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["forum", "tweets"]


# -- exchanges ------------------------------------------------------------------------------


def test_exchange_heatmap_annotates_every_cell_and_marks_missing_ones():
    matrix = pd.DataFrame(
        [[2.0, 7.0, np.nan], [9.0, 4.0, 1.0]],
        index=["researcher", "patient"],
        columns=["researcher", "patient", "relative"],
    )
    ax = plot_exchange_heatmap(matrix, ax=new_axes())
    assert [t.get_text() for t in ax.texts] == ["2", "7", "–", "9", "4", "1"]
    means = matrix / 10
    ax2 = plot_exchange_heatmap(means, fmt="{:+.2f}", centre=0.0, counts=matrix, min_n=5,
                                ax=new_axes())
    assert [t.get_text() for t in ax2.texts[:6]] == [
        "+0.20\nn=2", "+0.70\nn=7", "–", "+0.90\nn=9", "+0.40\nn=4", "+0.10\nn=1"]
    rgba = ax2.images[0].get_array()
    # faded toward white under 5 replies: the 2-reply cell is paler than the 9-reply one
    assert rgba[0, 0, :3].mean() > 0.7 > rgba[1, 0, :3].mean()
    assert ax2.get_xlabel() == "Addressee (the author replied to)\nfaded: fewer than 5 replies"
    assert tick_texts(ax.yaxis) == ["researcher", "patient"]
    assert tick_texts(ax.xaxis) == ["researcher", "patient", "relative"]
    assert ax.get_title() == "Who replies to whom (n = 23 replies)"
    image = ax.images[0].get_array()
    assert image.mask.tolist() == [[False, False, True], [False, False, False]]


def test_exchange_heatmap_centres_signed_values_and_formats_them():
    matrix = pd.DataFrame([[0.25, -0.5]], index=["researcher"], columns=["researcher", "patient"])
    ax = plot_exchange_heatmap(matrix, fmt="{:+.2f}", centre=0.0, title="Mean tone", ax=new_axes())
    assert [t.get_text() for t in ax.texts] == ["+0.25", "-0.50"]
    assert ax.images[0].get_clim() == (-0.5, 0.5)
    assert no_data_note(plot_exchange_heatmap(pd.DataFrame(), ax=new_axes())) == "no data"


_PAIRS = ["researcher->patient", "researcher->patient", "patient->researcher",
          "patient->patient", "researcher->patient"]
EXCHANGES = pd.DataFrame(
    {
        "comment_id": ["a", "b", "c", "d", "e"],
        "replier": ["Rob", "Rob", "Ann", "Ann", "Kim"],
        "replier_role": [p.split("->")[0] for p in _PAIRS],
        "addressee_role": [p.split("->")[1] for p in _PAIRS],
        "pair": _PAIRS,
        "replier_compound": [0.5, 0.3, -0.4, 0.2, pd.NA],
        "tone_shift": [0.4, 0.2, -0.6, 0.1, pd.NA],
        "replier_marker_rate": [0.0, 0.0, 1.0, 0.0, 0.0],
    }
)


def test_tone_shift_shows_each_pair_with_its_mean_and_n():
    ax = plot_tone_shift(EXCHANGES, ax=new_axes())
    assert tick_texts(ax.xaxis) == ["researcher → patient\n(n=2, 1 replier)",
                                    "patient → researcher\n(n=1, 1 replier)"]
    note = [t for t in ax.texts if t.get_gid() == "too-few"]
    assert [t.get_text() for t in note] == [
        "too few for an interval\n(need >= 10 replies\nfrom >= 10 repliers):\n"
        "researcher → patient,\npatient → researcher"]
    assert note[0].get_transform() == ax.transAxes  # inside the panel, not over the title
    assert ax.get_title() == "Tone shift from parent to reply (n = 3 replies)"
    means = {line.get_gid(): line for line in ax.lines if (line.get_gid() or "").startswith("mean")}
    assert float(means["mean-researcher->patient"].get_ydata()[0]) == pytest.approx(0.3)
    assert float(means["mean-patient->researcher"].get_ydata()[0]) == pytest.approx(-0.6)


def test_tone_shift_labels_a_pair_without_replies():
    ax = plot_tone_shift(EXCHANGES, pairs=("researcher->patient", "relative->researcher"), ax=new_axes())
    assert "no replies" in [t.get_text() for t in ax.texts]
    ax = plot_tone_shift(EXCHANGES.iloc[0:0], ax=new_axes())
    assert no_data_note(ax) == "no replies between these roles"


def test_counts_in_titles_agree_in_number():
    one = EXCHANGES[EXCHANGES["pair"] == "patient->researcher"]
    ax = plot_tone_shift(one, pairs=["patient->researcher"], ax=new_axes())
    assert ax.get_title() == "Tone shift from parent to reply (n = 1 reply)"
    assert tick_texts(ax.xaxis) == ["patient → researcher\n(n=1, 1 replier)"]

