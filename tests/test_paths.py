"""Safe paths: ids become file names inside their folder, distinct and indexed (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import msdiscourse as msd
from msdiscourse.corpus import Corpus
from msdiscourse.errors import ParseError
from msdiscourse.io.pagedump import write_pagedump_folder
from msdiscourse.notebook_runner import default_output_folders, run_notebooks
from msdiscourse.paths import (
    FIGURES_DIR,
    FILE_INDEX,
    PROJECT_DIR,
    UnsafePathError,
    read_file_index,
    resolve_figure_run,
    safe_file_name,
    write_file_index,
)

# ids a careless or hostile export may carry (all invented)
HOSTILE_IDS = ["../../escape", "/abs/y", "x:1", "x_1", "P1", "p1", "..", ".hidden", "con",
               "a/b\\c", "tab\there", "é:1", "e:1", "file-index.json", "-rf", "x" * 300,
               "demo-01-miracle-diet", "p1_", "x--0123456789abcdef"]


def _corpus(ids):
    return Corpus.from_records(
        posts=[{"post_id": i, "title": f"Title {n}", "body": f"Body {n}."} for n, i in enumerate(ids)],
        comments=[{"comment_id": f"{i}.c1", "post_id": i, "text": f"Reply {n}."}
                  for n, i in enumerate(ids)])


def test_hostile_post_ids_stay_inside_the_folder_distinct_and_indexed(tmp_path):
    out = tmp_path / "deep" / "out"
    written = write_pagedump_folder(_corpus(HOSTILE_IDS), out)
    assert len(written) == len(HOSTILE_IDS)
    assert all(path.parent == out and path.resolve().parent == out.resolve() for path in written)
    # nothing written anywhere but the folder
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == sorted(
        ["deep", "deep/out", f"deep/out/{FILE_INDEX}", *(f"deep/out/{p.name}" for p in written)])
    # distinct even where case is ignored (macOS, Windows); x:1 and x_1 both kept
    assert len({p.name.casefold() for p in written}) == len(HOSTILE_IDS)
    assert (out / "x_1.txt").read_text(encoding="utf-8").startswith("Title 3\n")
    assert out / "demo-01-miracle-diet.txt" in written and out / "p1.txt" in written
    assert not any(p.name.startswith((".", "-")) or len(p.name) > 100 for p in written)
    assert safe_file_name("x--0123456789abcdef") != "x--0123456789abcdef"  # looks hashed: hashed
    # the index, beside the files, maps every file back to its post id
    index = read_file_index(out)
    assert index == {p.name: i for p, i in zip(written, HOSTILE_IDS)}
    assert json.loads((out / FILE_INDEX).read_text(encoding="utf-8"))["kind"] == "post_id"
    # and reading the folder back, the index restores the ids
    again = msd.read_corpus(out)
    by_stem = {Path(name).stem: post_id for name, post_id in index.items()}
    assert set(again.posts["post_id"]) == set(by_stem)  # each stem read back unchanged
    assert sorted(again.posts["post_id"].map(by_stem)) == sorted(HOSTILE_IDS)
    assert sorted(again.comments["text"]) == sorted(f"Reply {n}." for n in range(len(HOSTILE_IDS)))


def test_a_second_write_into_the_folder_extends_the_index(tmp_path):
    write_pagedump_folder(_corpus(["a:1", "b"]), tmp_path)
    write_pagedump_folder(_corpus(["c:1"]), tmp_path)
    assert sorted(read_file_index(tmp_path).values()) == ["a:1", "b", "c:1"]
    (tmp_path / safe_file_name("b", suffix=".txt")).unlink()
    write_pagedump_folder(_corpus(["a:1"]), tmp_path)
    assert sorted(read_file_index(tmp_path).values()) == ["a:1", "c:1"]


def test_the_index_refuses_a_name_for_two_ids_and_a_broken_index(tmp_path):
    name = safe_file_name("x:1", suffix=".txt")
    (tmp_path / name).write_text("page", encoding="utf-8")
    write_file_index(tmp_path, {name: "x:1"})
    with pytest.raises(UnsafePathError, match=r"expected a file name for post_id 'y' alone; "
                                              r"found it already used for 'x:1'"):
        write_file_index(tmp_path, {name.upper(): "y"})
    (tmp_path / FILE_INDEX).write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ParseError, match=r"file-index.json: expected an msdiscourse file index"):
        read_file_index(tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=80), min_size=2, max_size=6, unique=True))
def test_any_ids_give_distinct_names_inside_the_folder(ids):
    names = [safe_file_name(i, suffix=".txt") for i in ids]
    for name in names:
        assert "/" not in name and "\\" not in name and "\x00" not in name
        assert not name.startswith((".", "-")) and Path(name).name == name
        assert len(name.encode("utf-8")) <= 255
    assert len({n.casefold() for n in names}) == len(ids)


# -- figures runs -------------------------------------------------------------------------------
def test_data_with_dot_dot_is_resolved_before_choosing_the_figure_folder(tmp_path):
    (tmp_path / "pages" / "x").mkdir(parents=True)
    tricky = f"{tmp_path}/pages/x/.."
    figures, build = default_output_folders(tricky)
    assert figures == PROJECT_DIR / "build" / "pages" / "figures" != FIGURES_DIR
    assert build == PROJECT_DIR / "build" / "pages" / "notebooks"
    # a folder named like the project's own figures parent cannot reach it either
    assert default_output_folders(f"{tmp_path}/..")[0].parent.parent == PROJECT_DIR / "build"
    assert resolve_figure_run(tricky)[0] == tmp_path / "pages"
    assert resolve_figure_run(f"{PROJECT_DIR}/data/raw/../raw")[1] == FIGURES_DIR


def test_run_notebooks_checks_before_it_creates_anything(tmp_path):
    missing = tmp_path / "safety-no-such-pages"
    with pytest.raises(FileNotFoundError, match="no data at .*safety-no-such-pages"):
        run_notebooks(missing, progress=False)
    assert not (PROJECT_DIR / "build" / "safety-no-such-pages").exists()
    with pytest.raises(UnsafePathError, match="would go into the committed"):
        run_notebooks(tmp_path, figures=FIGURES_DIR / "sub", build=tmp_path / "b", progress=False)
    assert not (tmp_path / "b").exists() and not (FIGURES_DIR / "sub").exists()


def test_figure_names_go_through_the_same_function(tmp_path):
    from matplotlib.figure import Figure

    from msdiscourse.plotting import save_figure

    fig = Figure()
    fig.subplots().plot([0, 1], [1, 0])
    assert [p.name for p in save_figure(fig, tmp_path, "02-tone-by-role", formats=("svg",))] == [
        "02-tone-by-role.svg"]
    [dots] = save_figure(fig, tmp_path / "f", "..", formats=("svg",))
    assert dots.parent == tmp_path / "f" and dots.name == safe_file_name("..", suffix=".svg")
    assert dots.name.startswith("id--")
