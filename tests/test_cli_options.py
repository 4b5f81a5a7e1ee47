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


# -- a new user's walkthrough: what --formats left out, and a run that read nothing ----------
PAGE = "A walk by the lake\n\nWe walked two miles today.\n\n  • Well done, both of you.\n    – Heron\n"


def _pages(folder, *names):
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(PAGE.replace("lake", name), encoding="utf-8")
    return folder


def test_formats_summary_counts_only_the_files_read(tmp_path, capsys):
    data = _pages(tmp_path / "mixed", "one.txt", "two.txt")
    shutil.copy(FIXTURES / "wxr" / "wxr-1.0-statuses.xml", data / "site.xml")
    assert main(["parse", str(data), "-o", str(tmp_path / "out"), "--formats", "wxr"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"parsed 1 file(s) from {data} (2 left out by --formats wxr): ")
    assert set(load_processed(tmp_path / "out").posts["source_format"]) == {"wxr"}


def test_formats_leaves_out_files_of_no_known_format(tmp_path, capsys):
    data = _pages(tmp_path / "odd", "page.txt")
    (data / "empty.txt").write_bytes(b"")
    (data / "blob.dat").write_bytes(b"\x00\x01\x02 not text")
    (data / "feed.xml").write_text('<?xml version="1.0"?>\n<opml><body/></opml>\n', encoding="utf-8")
    assert main(["parse", str(data), "-o", str(tmp_path / "pages"), "--formats", "pagedump"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        f"parsed 1 file(s) from {data} (3 left out by --formats pagedump): 1 posts, 1 comments, "
        "deepest reply at depth 0, 0 unparsed row(s), 0 furniture line(s)")
    assert "not read" not in out
    assert load_processed(tmp_path / "pages").unparsed.empty
    # without --formats every file is meant to be read: the three are reported, as before
    assert main(["parse", str(data), "-o", str(tmp_path / "all")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"parsed 1 file(s) from {data}: 1 posts")
    assert out[1] == "  unparsed: 3 x file not read"
    assert [line.split(":")[0] for line in out[2:5]] == ["  not read"] * 3
    assert load_processed(tmp_path / "all").unparsed["source"].tolist() == [
        str(data / "blob.dat"), str(data / "empty.txt"), str(data / "feed.xml")]


def test_nothing_read_under_formats_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys):
    data = _pages(tmp_path / "pages", "one.txt", "two.txt", "three.txt")
    out = tmp_path / "out"
    assert main(["parse", str(data), "-o", str(out), "--formats", "wxr"]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (f"msdiscourse: error: {data}: no post or comment read, nothing "
                           "written: 0 file(s) read; 3 left out by --formats wxr\n")
    assert not out.exists()
    with pytest.raises(ValueError, match="3 left out by --formats wxr"):  # --debug: the error
        main(["parse", str(data), "-o", str(out), "--formats", "wxr", "--debug"])


def test_nothing_read_names_the_unreadable_files_and_the_first_reason(tmp_path, capsys):
    data = tmp_path / "broken"
    data.mkdir()
    (data / "a.txt").write_bytes(b"")
    (data / "b.txt").write_bytes(b"\x00\x00")
    assert main(["parse", str(data), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"msdiscourse: error: {data}: no post or comment read, nothing written: 0 file(s) read; "
        f"2 not read (the first: {data / 'a.txt'}: expected a non-empty file; found an empty "
        "file)\n")
    assert not (tmp_path / "out").exists()


def test_files_read_that_hold_nothing_are_said_so(tmp_path, capsys):
    data = tmp_path / "tables"
    data.mkdir()
    (data / "comments.csv").write_text("comment_id,post_id,parent_id,author,text,published\n",
                                       encoding="utf-8")
    assert main(["parse", str(data), "-o", str(tmp_path / "out"), "--formats", "table"]) == 2
    assert capsys.readouterr().err == (
        f"msdiscourse: error: {data}: no post or comment read, nothing written: 1 file(s) read, "
        "holding no post or comment; 0 left out by --formats table\n")
    assert not (tmp_path / "out").exists()


def test_formats_with_the_dask_engine_is_refused_not_ignored(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["parse", str(tmp_path), "--engine", "dask", "--formats", "wxr"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "msdiscourse: error: --formats only applies with --engine pandas (the Dask engine "
        "reads every format)")


def test_a_file_its_reader_refused_is_not_counted_as_read(tmp_path, capsys):
    data = _pages(tmp_path / "pages", "page.txt")
    (data / "site.xml").write_text(  # sniffed as WXR, refused by its reader (an entity)
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaa">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel/></rss>\n', encoding="utf-8")
    assert main(["parse", str(data), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"parsed 1 file(s) from {data}: 1 posts, 1 comments")
    assert out[2].startswith(f"  not read: {data / 'site.xml'}, line 2: ")
