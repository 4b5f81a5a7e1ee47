"""Tests for msdiscourse/cli.py: ``msdiscourse parse`` in process and as ``python -m``."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from msdiscourse.cli import main
from msdiscourse.corpus import load_processed
from msdiscourse.io.folder import read_corpus
from tests.conftest import FIXTURES, PROJECT_DIR

TABLES = ["furniture.parquet", "manifest.json", "comments.parquet", "posts.parquet", "unparsed.parquet"]


def test_parse_real_pages(blog_pages, tmp_path, capsys):
    out = tmp_path / "processed"
    assert main(["parse", str(blog_pages), "-o", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"parsed 2 file(s) from {blog_pages}: 2 posts, 17 comments, deepest reply at depth 1, "
        "0 unparsed row(s), 4 furniture line(s)",
        f"skipped (not corpus data): {blog_pages / 'expected.json'}",
        f"tables written to {out}/ (posts, comments, unparsed, furniture .parquet)",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(TABLES)
    pd.testing.assert_frame_equal(load_processed(out).comments, read_corpus(blog_pages).comments)


def test_parse_collects_unplaced_lines_by_default(tmp_path, capsys):
    data = tmp_path / "raw"
    data.mkdir()
    shutil.copy(FIXTURES / "pagedump" / "unplaceable.txt", data)
    assert main(["parse", str(data), "-o", str(tmp_path / "out")]) == 0
    assert "3 comments, deepest reply at depth 1, 2 unparsed row(s), 1 furniture line(s)" in capsys.readouterr().out
    assert load_processed(tmp_path / "out").unparsed["line_start"].tolist() == [7, 12]


def test_parse_bad_input_exits_2_with_the_message(tmp_path, capsys):
    data = tmp_path / "raw"
    data.mkdir()
    shutil.copy(FIXTURES / "pagedump" / "unplaceable.txt", data)
    assert main(["parse", str(data), "-o", str(tmp_path / "out"), "--on-error", "raise"]) == 2
    assert capsys.readouterr().err == (
        f"msdiscourse: error: {data / 'unplaceable.txt'}, line 7: expected a comment bullet at indent "
        '2, 4 or 6; found indent 3 (pass on_error="collect" to keep it as an unparsed row)\n'
    )
    assert not (tmp_path / "out").exists()


def test_parse_missing_folder_exits_2(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"msdiscourse: error: {tmp_path / 'nope'}: no such folder\n"


def test_unknown_on_error_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as caught:
        main(["parse", str(tmp_path), "--on-error", "ignore"])
    assert caught.value.code == 2


def _run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "msdiscourse", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=120)


def test_python_dash_m_parses_the_real_pages(blog_pages, tmp_path):
    out = tmp_path / "processed"
    done = _run_module("parse", str(blog_pages), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        f"parsed 2 file(s) from {blog_pages}: 2 posts, 17 comments, deepest reply at depth 1, "
        "0 unparsed row(s), 4 furniture line(s)"
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(TABLES)


def test_python_dash_m_bad_input(tmp_path):
    data = tmp_path / "raw"
    data.mkdir()
    (data / "empty.txt").write_bytes(b"")
    shutil.copy(FIXTURES / "pagedump" / "tabs.txt", data)
    # the default (collect) keeps the unreadable file as an unparsed row and names it; the
    # page beside it is read (a folder with nothing read is an error, see test_cli_options)
    done = _run_module("parse", str(data), "-o", str(tmp_path / "out"))
    assert done.returncode == 0
    assert done.stdout.splitlines()[0].startswith(f"parsed 1 file(s) from {data}: 1 posts")
    assert done.stdout.splitlines()[1:3] == [
        "  unparsed: 1 x file not read",
        f"  not read: {data / 'empty.txt'}: expected a non-empty file; found an empty file",
    ]
    done = _run_module("parse", str(data), "-o", str(tmp_path / "out"), "--on-error", "raise")
    assert done.returncode == 2
    assert done.stderr == f"msdiscourse: error: {data / 'empty.txt'}: expected a non-empty file; found an empty file\n"
    assert done.stdout == ""


# -- msdiscourse figures: where it reads and writes (issue 17) ---------------------------------
@pytest.fixture
def fake_runs(monkeypatch):
    """Record the notebook runs ``msdiscourse figures`` asks for, instead of running them."""
    from msdiscourse import notebook_runner

    runs = []

    def record(**kwargs):
        runs.append(kwargs)
        return []

    monkeypatch.setattr(notebook_runner, "run_notebooks", record)
    monkeypatch.setenv("MSDISCOURSE_KEY", "test-key-not-secret")
    return runs


def test_figures_missing_data_is_one_line_exit_2_and_creates_nothing(tmp_path, monkeypatch,
                                                                     capsys, fake_runs):
    monkeypatch.chdir(tmp_path)
    name = "safety2-no-such-pages"
    assert main(["figures", "--data", name]) == 2
    err = capsys.readouterr().err
    assert err == (f"msdiscourse figures: error: no data at {name} ({tmp_path / name}): expected "
                   "an existing folder or file of pages\n")
    assert fake_runs == []
    assert not (PROJECT_DIR / "build" / name).exists() and list(tmp_path.iterdir()) == []


def test_figures_relative_data_is_relative_to_the_working_directory(tmp_path, monkeypatch,
                                                                    fake_runs):
    (tmp_path / "pages").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["figures", "--data", "pages", "--figures", "out"]) == 0
    [run] = fake_runs
    assert run["data"] == tmp_path / "pages"
    assert run["figures"] == tmp_path / "out"
    assert run["build"] == PROJECT_DIR / "build" / "pages" / "notebooks"


def test_figures_never_write_over_committed_figures_for_other_data(tmp_path, monkeypatch, capsys,
                                                                   fake_runs):
    from msdiscourse.paths import DATA_RAW, FIGURES_DIR

    (tmp_path / "pages" / "x").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    # "/abs/x/.." is the folder itself: its figures go to build/pages/, not figures/
    assert main(["figures", "--data", str(tmp_path / "pages" / "x" / "..")]) == 0
    assert fake_runs[-1]["figures"] == PROJECT_DIR / "build" / "pages" / "figures"
    assert fake_runs[-1]["data"] == tmp_path / "pages"
    # asking for figures/ with other data is refused before anything runs
    assert main(["figures", "--data", "pages", "--figures", str(FIGURES_DIR)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"msdiscourse figures: error: figures for {tmp_path / 'pages'} would "
                          f"go into the committed {FIGURES_DIR}") and err.count("\n") == 1
    assert len(fake_runs) == 1
    # the default run, from anywhere, is the demo corpus and refreshes figures/
    assert main(["figures"]) == 0
    assert fake_runs[-1]["data"] == DATA_RAW and fake_runs[-1]["figures"] == FIGURES_DIR


# -- how table files are read: --table-columns, --first-row-is-post ---------------------------
FORUM_CSV = ("thread,who,body,when\n"
             "t1,Ann,I was diagnosed last May.,2024-05-01 10:00\n"
             "t1,Bob,Welcome Ann.,2024-05-01 11:00\n"
             "t2,Cy,Which stick works?,2024-05-02 09:00\n")
FORUM_FLAGS = ["--table-columns", "id=, parent=,post=thread,author=who,text=body,date=when",
               "--first-row-is-post"]


def test_parse_reads_a_forum_table_with_its_columns_and_first_rows(tmp_path, capsys):
    (tmp_path / "forum").mkdir()
    (tmp_path / "forum" / "forum.csv").write_text(FORUM_CSV, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["parse", str(tmp_path / "forum"), "-o", str(out), *FORUM_FLAGS]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"parsed 1 file(s) from {tmp_path / 'forum'}: 2 posts, 1 comments, deepest reply at "
        "depth 0, 0 unparsed row(s), 0 furniture line(s)")
    corpus = load_processed(out)
    assert corpus.posts["post_id"].tolist() == ["t1", "t2"]
    assert corpus.posts["body"].tolist() == ["I was diagnosed last May.", "Which stick works?"]
    assert corpus.comments[["comment_id", "author", "text"]].values.tolist() == [
        ["t1.c1", "Bob", "Welcome Ann."]]
    # without the flags the table is not read (its columns are not ours): nothing read is
    # an error that names the way out, and nothing is written
    assert main(["parse", str(tmp_path / "forum"), "-o", str(tmp_path / "plain")]) == 2
    error = capsys.readouterr().err
    assert "no post or comment read, nothing written" in error
    assert "--table-columns" in error
    assert not (tmp_path / "plain").exists()


def test_table_columns_names_a_bad_role_and_the_allowed_ones(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["parse", str(tmp_path), "--table-columns", "thread=t1"])
    assert stop.value.code == 2
    assert ("argument --table-columns: expected ROLE=COLUMN pairs, comma-separated, ROLE one of "
            "id, parent, post, author, text, date (an empty COLUMN: the table has none); got "
            "'thread=t1'") in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["parse", str(tmp_path), "--table-columns", "post"])
    assert "got 'post'" in capsys.readouterr().err


def test_figures_pass_the_table_options_to_the_notebooks(tmp_path, monkeypatch, fake_runs):
    (tmp_path / "forum").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["figures", "--data", "forum", *FORUM_FLAGS]) == 0
    assert main(["figures", "--data", "forum"]) == 0
    with_options, without = fake_runs
    assert with_options["parameters"] == {"TABLE_OPTIONS": {
        "columns": {"id": None, "parent": None, "post": "thread", "author": "who",
                    "text": "body", "date": "when"}, "first_row_is_post": True}}
    assert without["parameters"] is None


def test_figures_on_a_forum_run_the_notebooks_without_researcher_bylines(tmp_path, monkeypatch,
                                                                         fake_runs):
    (tmp_path / "forum").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["figures", "--data", "forum", "--forum", *FORUM_FLAGS]) == 0
    (run,) = fake_runs
    assert run["parameters"]["BLOG_IS_RESEARCH"] is False
    assert run["parameters"]["TABLE_OPTIONS"]["first_row_is_post"] is True
