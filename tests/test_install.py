"""The light core install: importing msdiscourse and parsing pages needs neither plotting
nor Jupyter, and the extras say where those live."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import DATA_RAW, PROJECT_DIR

HEAVY = ("matplotlib", "IPython", "ipykernel", "ipywidgets", "jupyter_client", "jupyter_core",
         "jupyterlab", "jupyter_server", "nbformat", "nbclient", "nbconvert", "papermill",
         "zmq", "tornado")

PARSE = f"""
import io, json, sys
import msdiscourse as msd
from msdiscourse.cli import main
corpus = msd.read_corpus({str(DATA_RAW)!r})
one = msd.read_pagedump(io.StringIO(open({str(DATA_RAW / 'demo-01-miracle-diet.txt')!r}, encoding='utf-8').read()))
code = main(["parse", {str(DATA_RAW)!r}, "-o", sys.argv[1]])
view = msd.show_thread(corpus, corpus.posts["post_id"].iloc[0])._repr_html_()
loaded = sorted({{name.split(".")[0] for name in sys.modules}})
print(json.dumps({{"code": code, "comments": len(corpus.comments), "one": len(one.comments),
                  "modules": loaded}}))
"""


def test_import_and_parse_load_neither_matplotlib_nor_jupyter(tmp_path):
    done = subprocess.run([sys.executable, "-c", PARSE, str(tmp_path / "out")], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["code"] == 0 and report["comments"] == 76 and report["one"] == 16
    assert (tmp_path / "out" / "comments.parquet").exists()
    loaded = [name for name in HEAVY if name in report["modules"]]
    assert loaded == [], f"importing and parsing loaded {loaded}"


def _project() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_core_dependencies_leave_plotting_and_jupyter_to_extras():
    project = _project()
    core = _names(project["dependencies"])
    extras = project["optional-dependencies"]
    assert not core & {"matplotlib", "jupyterlab", "nbclient", "ipykernel", "ipywidgets",
                       "papermill", "nbconvert", "notebook", "mkdocs", "playwright"}
    notebooks = _names(extras["notebooks"]) | (_names(extras["plot"]) if "msdiscourse" in _names(extras["notebooks"]) else set())
    assert {"jupyterlab", "nbclient", "ipykernel", "ipywidgets", "matplotlib", "papermill"} <= notebooks
    # `all` names every other extra, so make all / make test install everything
    listed = re.search(r"msdiscourse\[([^\]]+)\]", " ".join(extras["all"])).group(1)
    assert sorted(x.strip() for x in listed.split(",")) == sorted(set(extras) - {"all"})


def test_make_and_conda_install_everything():
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    assert "-e '.[all]'" in makefile
    environment = (PROJECT_DIR / "environment.yml").read_text(encoding="utf-8")
    project = _project()
    wanted = _names(project["dependencies"]) | {
        n for reqs in project["optional-dependencies"].values() for n in _names(reqs)} - {"msdiscourse"}
    listed = {line.strip().lstrip("- ").split(">")[0].split("=")[0].lower()
              for line in environment.splitlines() if line.strip().startswith("- ")}
    assert wanted - {"msdiscourse"} <= listed, sorted(wanted - listed)
