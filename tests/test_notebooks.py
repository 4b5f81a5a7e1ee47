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


@pytest.mark.slow
def test_notebooks_reproduce_the_committed_demo_figures(tmp_path):
    # the committed figures include the marker evaluation on the shared labelled sets
    require(SHARED_CORPUS / "labelled")
    written = run_notebooks(
        DATA_RAW, figures=tmp_path / "figures", build=tmp_path / "build", progress=False
    )
    assert written, "the notebooks wrote no figures"
    names = sorted(p.name for p in written)
    assert any(n.endswith(".png") for n in names) and any(n.endswith(".svg") for n in names)
    committed = sorted(p.name for p in COMMITTED_FIGURES.glob("*") if p.suffix in (".png", ".svg"))
    assert names == committed, "figures/ is out of date: run `make figures`"
    differing = [
        n for n in names
        if (tmp_path / "figures" / n).read_bytes() != (COMMITTED_FIGURES / n).read_bytes()
    ]
    assert not differing, f"not byte-identical to the committed figures: {differing}"


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
