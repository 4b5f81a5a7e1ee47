"""The notebooks: committed clean, run headless on the demo corpus and the real pages,
reproduce the committed figures byte for byte, and keep names out of figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from msdiscourse.notebook_runner import find_notebooks, run_notebooks
from tests.conftest import BLOG_PAGES, DATA_RAW, PROJECT_DIR, SHARED_CORPUS, require

NOTEBOOKS = find_notebooks(PROJECT_DIR / "notebooks")
COMMITTED_FIGURES = PROJECT_DIR / "figures"


def test_the_five_analysis_notebooks_exist():
    names = [p.name for p in NOTEBOOKS]
    assert len(names) >= 5, names
    assert names == sorted(names)
    assert all(re.match(r"\d\d-[a-z0-9-]+\.ipynb$", n) for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_and_thin(path: Path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        f"{path.name} has outputs committed: clear them"
    )
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"
    parameters = "".join(tagged[0]["source"])
    for name in ("DATA_DIR", "FIGURES_DIR", "PSEUDONYMISE"):
        assert re.search(rf"^{name}\s*=", parameters, re.M), f"{path.name}: {name} not a parameter"
    first = cells[0]
    assert first["cell_type"] == "markdown"
    bullets = [line for line in "".join(first["source"]).splitlines() if re.match(r"\s*[-*] ", line)]
    assert 3 <= len(bullets) <= 5, f"{path.name}: opening cell should list 3-5 bullets"
    for cell in code:
        source = "".join(cell["source"])
        assert not re.search(r"^\s*(def|class) ", source, re.M), (
            f"{path.name}: logic defined in a notebook belongs in msdiscourse"
        )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> dict[str, tuple[Path, list[Path]]]:
    """Run each notebook on the demo corpus once, each into its own figure folder.

    Returns notebook name -> (executed copy, figure files it wrote).
    """
    # the committed figures include the marker evaluation on the shared labelled sets
    require(SHARED_CORPUS / "labelled")
    base = tmp_path_factory.mktemp("demo-run")
    runs = {}
    for path in NOTEBOOKS:
        written = run_notebooks(
            DATA_RAW, notebooks=[path], figures=base / "figures" / path.stem,
            build=base / "build", progress=False,
        )
        runs[path.name] = (base / "build" / path.name, written)
    return runs


@pytest.mark.slow
def test_notebooks_reproduce_the_committed_demo_figures(demo_run):
    written = [p for _, files in demo_run.values() for p in files]
    assert written, "the notebooks wrote no figures"
    names = sorted(p.name for p in written)
    assert any(n.endswith(".png") for n in names) and any(n.endswith(".svg") for n in names)
    committed = sorted(p.name for p in COMMITTED_FIGURES.glob("*") if p.suffix in (".png", ".svg"))
    assert names == committed, "figures/ is out of date: run `make figures`"
    differing = [
        p.name for p in written if p.read_bytes() != (COMMITTED_FIGURES / p.name).read_bytes()
    ]
    assert not differing, f"not byte-identical to the committed figures: {differing}"


def _outputs(executed: Path) -> list[dict]:
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    return [out for cell in notebook["cells"] if cell["cell_type"] == "code"
            for out in cell.get("outputs", [])]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_saved_figure_is_shown_once_and_no_cell_writes_an_error(demo_run, path):
    executed, written = demo_run[path.name]
    outputs = _outputs(executed)
    saved = {p.stem for p in written}
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert saved, f"{path.name} saved no figure"
    assert len(images) == len(saved), (
        f"{path.name}: saved {len(saved)} figure(s) {sorted(saved)} but shows {len(images)}"
    )
    problems = [out for out in outputs
                if out["output_type"] == "error"
                or (out["output_type"] == "stream" and out["name"] == "stderr")]
    assert not problems, f"{path.name}: error or stderr output: {problems[:2]}"


@pytest.mark.slow
def test_notebooks_run_on_the_real_pages_without_showing_names(tmp_path):
    require(BLOG_PAGES)
    written = run_notebooks(
        BLOG_PAGES, figures=tmp_path / "figures", build=tmp_path / "build", progress=False
    )
    svgs = [p for p in written if p.suffix == ".svg"]
    assert svgs
    # real commenters and the byline author on these pages, and the people they name by
    # title: read from the pages now, never written in a test
    from tests.conftest import real_page_people

    names = set(real_page_people())
    for page in BLOG_PAGES.glob("*.txt"):
        names.update(re.findall(r"\b(?:Dr|Prof|Professor)\.? ([A-Z][a-z]{2,})", page.read_text("utf-8")))
    assert len(names) == 4
    for name in sorted(names):
        for svg in svgs:
            assert name not in svg.read_text(encoding="utf-8"), f"{name} shown in {svg.name}"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01-parse-corpus.ipynb", "03-sarcasm-markers.ipynb"])
def test_notebooks_show_a_thread_with_its_markers(demo_run, name):
    executed, _ = demo_run[name]
    views = [out["data"]["text/html"] for out in _outputs(executed)
             if 'class="msd-thread"' in "".join(out.get("data", {}).get("text/html", ""))]
    assert len(views) == 1, f"{name}: expected one thread view"
    view = "".join(views[0])
    assert view.count('<mark class="msd-marker"') >= 3
    assert view.count('class="msd-role"') >= 5


@pytest.mark.slow
def test_a_failing_cell_names_the_notebook_and_the_cell(tmp_path):
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('DATA_DIR = "data/raw"\nFIGURES_DIR = "figures"\nPSEUDONYMISE = True',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(DATA_DIR)"),
        nbformat.v4.new_code_cell("1 / 0"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = tmp_path / "99-broken.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(RuntimeError) as caught:
        run_notebooks(DATA_RAW, notebooks=[path], figures=tmp_path / "figures",
                      build=tmp_path / "build", progress=False)
    executed = tmp_path / "build" / "99-broken.ipynb"
    assert str(caught.value) == (
        f"99-broken.ipynb failed in cell 4 (executed copy: {executed}): "
        "ZeroDivisionError: division by zero")
    outputs = _outputs(executed)
    # papermill's injected parameters reached the kernel before the failure
    assert ["".join(o["text"]) for o in outputs if o.get("name") == "stdout"] == [f"{DATA_RAW}\n"]
    assert (tmp_path / "build" / "99-broken.kernel.log").exists()


@pytest.mark.slow
def test_a_notebook_runs_unchanged_on_the_dask_engine(tmp_path):
    """ENGINE = "dask" on a two-process LocalCluster: the same figures, no error, no stderr."""
    distributed = pytest.importorskip("distributed")
    name = "05-exchanges.ipynb"
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        written = run_notebooks(
            DATA_RAW, notebooks=[PROJECT_DIR / "notebooks" / name], figures=tmp_path / "figures",
            build=tmp_path / "build", progress=False,
            parameters={"ENGINE": "dask", "SCHEDULER": cluster.scheduler_address},
        )
        # the analyses ran on the cluster (its scheduler lives in this process)
        ran = set(cluster.scheduler.task_prefixes)
    finally:
        cluster.close()
    assert {"apply_decisions", "on_corpus", "on_frames"} <= ran, sorted(ran)
    executed = tmp_path / "build" / name
    source = "".join("".join(c["source"]) for c in
                     json.loads(executed.read_text(encoding="utf-8"))["cells"])
    assert 'ENGINE = "dask"' in source  # papermill injected it
    problems = [out for out in _outputs(executed)
                if out["output_type"] == "error"
                or (out["output_type"] == "stream" and out["name"] == "stderr")]
    assert not problems, problems[:2]
    # the Dask engine gives the pandas tables, so the figures are the committed ones
    assert sorted(p.name for p in written) == sorted(
        p.name for p in COMMITTED_FIGURES.glob("05-*") if p.suffix in (".png", ".svg"))
    differing = [p.name for p in written
                 if p.read_bytes() != (COMMITTED_FIGURES / p.name).read_bytes()]
    assert not differing, differing


@pytest.mark.slow
def test_notebook_01_stops_with_the_reason_when_no_post_was_read(tmp_path):
    # a folder whose only file cannot be read used to fail later, in matplotlib, with
    # "Number of rows must be a positive integer, not 0"
    data = tmp_path / "forum"
    data.mkdir()
    (data / "threads.csv").write_text("thread,user,body\n7,Ann,Hello all.\n", encoding="utf-8")
    with pytest.raises(RuntimeError) as caught:
        run_notebooks(data, notebooks=[NOTEBOOKS[0]], figures=tmp_path / "figures",
                      build=tmp_path / "build", progress=False)
    message = str(caught.value)
    assert message.startswith("01-parse-corpus.ipynb failed in cell 4 ")
    assert f"ValueError: {data}: no post was read (1 unparsed row(s)):\n{data / 'threads.csv'}: " \
           "expected a column 'comment_id'" in message
    assert "Number of rows" not in message


@pytest.mark.slow
def test_notebook_01_draws_the_most_commented_posts_of_a_large_corpus(tmp_path):
    # one tree per post made a 100,000-pixel-tall figure on a 172-thread forum
    data = tmp_path / "pages"
    data.mkdir()
    for number in range(1, 11):  # post 7 has 3 comments, post 2 has 2, the rest 1 each
        comments = 3 if number == 7 else 2 if number == 2 else 1
        bullets = "".join(f"  • Comment {c} on post {number}.\n\n" for c in range(comments))
        (data / f"post{number:02d}.txt").write_text(
            f"Post {number}\n\nA body.\n\n{bullets}", encoding="utf-8")
    run_notebooks(data, notebooks=[NOTEBOOKS[0]], figures=tmp_path / "figures",
                  build=tmp_path / "build", progress=False,
                  parameters={"MAX_TREES": 3})
    svg = (tmp_path / "figures" / "01-thread-trees.svg").read_text(encoding="utf-8")
    assert "Comment threads of the 3 most-commented of 10 posts" in svg
    titles = re.findall(r"Post \d+", svg)
    assert sorted(set(titles)) == ["Post 1", "Post 2", "Post 7"]


@pytest.mark.slow
def test_notebooks_on_a_forum_call_no_thread_opener_a_researcher(tmp_path):
    # left as a research blog, the real forum's every thread opener was a researcher by
    # byline, and its flat threads (no reply links) drew as thousands of one-comment threads
    import pandas as pd

    frame = pd.read_csv(require(SHARED_CORPUS / "threads" / "alsforums" / "alsforums-threads.csv"),
                        dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["user_reason_joined"])  # the declared role: never an input
    data = tmp_path / "forum"
    data.mkdir()
    frame[frame["post_id"].isin(frame["post_id"].unique()[:25])].to_csv(data / "threads.csv",
                                                                        index=False)
    options = {"columns": {"id": None, "parent": None, "post": "post_id", "author": "user_name",
                           "text": "body", "date": "date"}, "first_row_is_post": True}
    chosen = [p for p in NOTEBOOKS if p.name.startswith(("02-", "04-"))]
    run_notebooks(data, notebooks=chosen, figures=tmp_path / "figures", build=tmp_path / "build",
                  progress=False, parameters={"TABLE_OPTIONS": options, "BLOG_IS_RESEARCH": False})
    roles_svg = (tmp_path / "figures" / "04-roles.svg").read_text(encoding="utf-8")
    assert "relative" in roles_svg and "researcher" not in roles_svg
    assert "byline" not in roles_svg
    printed = "".join("".join(out.get("text", "")) for out in _outputs(tmp_path / "build" / "02-tone.ipynb")
                      if out["output_type"] == "stream")
    assert "tone along each post's comments" in printed
    along = (tmp_path / "figures" / "02-tone-along-threads.svg").read_text(encoding="utf-8")
    assert re.search(r"Tone along threads \(n = 25 threads, [\d,]+ comments\)", along)
