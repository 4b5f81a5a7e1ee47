"""The benchmark exports look like real ones: other projects' readers read them as we do,
and the peer benchmark runs end to end (tiny size)."""

from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import PROJECT_DIR, run_benchmark

sys.path.insert(0, str(PROJECT_DIR / "benchmarks"))
import export_data  # noqa: E402

import msdiscourse  # noqa: E402


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    return {fmt: export_data.ensure(fmt, 0.3, folder) for fmt in export_data.WRITERS}


def test_wxr_carries_every_standard_field_and_reads_alike(exports):
    text = exports["wxr"].read_text(encoding="utf-8")
    for field in ("<link>", "<guid ", "<wp:post_name>", "<wp:post_date>", "<wp:post_date_gmt>",
                  "<wp:status>", "<wp:comment_author_email>", "<wp:comment_author_url>",
                  "<wp:comment_author_IP>", "<wp:comment_date>", "<wp:comment_date_gmt>",
                  "<wp:comment_approved>", "<wp:comment_type>", "<wp:comment_parent>",
                  "<wp:comment_user_id>", "<wp:author_display_name>", "<pubDate>"):
        assert field in text, field
    corpus = msdiscourse.read_wxr(exports["wxr"])
    assert len(corpus.comments) == text.count("<wp:comment>")
    assert set(corpus.comments["status"]) <= {"approved", "pending", "spam", "trash"}
    assert corpus.comments["published"].notna().all()
    assert (corpus.posts["author"] == "Prof G").all()  # the display name, from wp:author
    assert set(corpus.unparsed["reason"]) <= {"skipped attachment item (not a post or page)"}


def test_wpparser_reads_the_benchmark_wxr_like_we_do(exports):
    wpparser = pytest.importorskip("wpparser")
    data = wpparser.parse(str(exports["wxr"]))
    theirs = [c for p in data["posts"] if p["post_type"] == "post" for c in p.get("comments") or []]
    ours = msdiscourse.read_wxr(exports["wxr"]).comments
    assert len(theirs) == len(ours)
    assert sorted(c["author"] for c in theirs) == sorted(ours["author"])


def test_pelican_reads_the_benchmark_exports(exports):
    pelican_import = pytest.importorskip("pelican.tools.pelican_import")
    posts = list(pelican_import.wp2fields(str(exports["wxr"])))
    assert len(posts) == len(msdiscourse.read_wxr(exports["wxr"]).posts)
    entries = list(pelican_import.blogger2fields(str(exports["blogger"])))
    corpus = msdiscourse.read_blogger(exports["blogger"])
    assert sum(1 for e in entries if e[8] == "comment") == len(corpus.comments)
    assert sum(1 for e in entries if e[8] == "article") == len(corpus.posts)


def test_disqus_export_links_every_post_to_a_listed_thread(exports):
    corpus = msdiscourse.read_disqus(exports["disqus"])
    assert len(corpus.comments) == exports["disqus"].read_text(encoding="utf-8").count("<post ")
    assert corpus.posts["flags"].eq("").all()  # no placeholder thread was needed
    assert corpus.comments["parent_id"].notna().sum() > len(corpus.comments) // 3


@pytest.mark.slow
def test_bench_peers_quick_run():
    stdout = run_benchmark("bench_peers.py", "--quick", "--jobs", "wxr", "disqus", timeout=600)
    lines = stdout.splitlines()
    for job in ("wxr", "disqus"):
        assert any(re.match(rf"{job}\s+ours / floor: time x[\d.]+, cpu x[\d.]+, peak memory x[\d.]+$", line)
                   for line in lines), stdout
        assert any(line.startswith("---") and job in line and "load" in line for line in lines)
