"""The command line as a user meets it: --version, help for every option, --formats, and a
one-line error with exit code 2 instead of a traceback (--debug shows it)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

import pytest

from msdiscourse import __version__
from msdiscourse.cli import build_parser, main
from msdiscourse.corpus import load_processed
from tests.conftest import DATA_RAW, FIXTURES, PROJECT_DIR


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "msdiscourse", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=120)


def test_version(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"msdiscourse {__version__}\n"


def test_every_option_of_every_command_has_help():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        f"{name} {action.option_strings or action.dest}"
        for name, sub in [("msdiscourse", parser), *commands.choices.items()]
        for action in sub._actions
        if not isinstance(action, argparse._SubParsersAction)
        and (not action.help or action.help == argparse.SUPPRESS)
    ]
    assert missing == []
    assert sorted(commands.choices) == ["figures", "parse", "sarcasm-train"]


def test_parse_help_states_the_default_error_policy():
    text = build_parser()._subparsers._group_actions[0].choices["parse"].format_help()
    assert "Default: collect" in " ".join(text.split())
    assert "library's readers default to raise" in " ".join(text.split())


def test_formats_reads_only_the_formats_named(tmp_path, capsys):
    data = tmp_path / "mixed"
    data.mkdir()
    shutil.copy(DATA_RAW / "demo-02-ebv-mice.txt", data)
    wxr = sorted((FIXTURES / "wxr").glob("*.xml"))[0]
    shutil.copy(wxr, data)
    assert main(["parse", str(data), "-o", str(tmp_path / "all")]) == 0
    assert main(["parse", str(data), "-o", str(tmp_path / "dump"), "--formats", "pagedump"]) == 0
    everything = load_processed(tmp_path / "all").posts
    dumps = load_processed(tmp_path / "dump").posts
    assert set(everything["source_format"]) == {"pagedump", "wxr"}
    assert dumps["post_id"].tolist() == ["demo-02-ebv-mice"]


def test_unknown_format_is_a_usage_error_listing_the_formats(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["parse", str(DATA_RAW), "--formats", "pagedump,rss"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "msdiscourse parse: error: argument --formats: unknown format rss; expected a "
        "comma-separated list of: pagedump, wxr, blogger, disqus, html, table, convokit, reddit")


def test_an_unexpected_failure_is_one_line_and_exit_2_unless_debug(tmp_path):
    occupied = tmp_path / "a-file"
    occupied.write_text("not a folder\n")
    done = _run("parse", str(DATA_RAW), "-o", str(occupied))
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("msdiscourse: error: ") and str(occupied) in done.stderr
    assert "Traceback" not in done.stderr
    debug = _run("parse", str(DATA_RAW), "-o", str(occupied), "--debug")
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr
    assert _run("--debug", "parse", str(DATA_RAW), "-o", str(occupied)).returncode == 1
