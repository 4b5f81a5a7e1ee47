"""The README is a front door and the reference lives in docs/, built strictly by MkDocs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import BLOG_PAGES, PROJECT_DIR, require

README = PROJECT_DIR / "README.md"
DOCS = PROJECT_DIR / "docs"


def test_readme_is_short_and_keeps_the_essentials():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 250
    for needed in ("make all", "make test", "## Quick start", "own data", "## Data and ethics",
                   "pseudonymise before exporting or plotting"):
        assert needed in text, needed
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert pictures and all((PROJECT_DIR / p).is_file() and p.startswith("figures/") for p in pictures)
    quick_start = re.search(r"## Quick start\n\n```python\n(.*?)```", text, re.S).group(1)
    assert len(quick_start.strip().splitlines()) <= 10


def test_readme_links_point_at_files_that_exist():
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README.read_text(encoding="utf-8"))
    local = [link for link in links if not re.match(r"[a-z]+://", link)]
    assert len(local) >= 10
    assert [link for link in local if not (PROJECT_DIR / link).exists()] == []


@pytest.mark.slow
def test_docs_build_strictly(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    nav = re.findall(r":\s*(\S+\.md)\s*$", (PROJECT_DIR / "mkdocs.yml").read_text(), re.M)
    assert len(nav) >= 12
    for page in nav:
        assert (DOCS / page).is_file(), page
        built = "index.html" if page == "index.md" else f"{page[:-3]}/index.html"
        assert (tmp_path / "site" / built).is_file(), built


def test_no_real_commenter_name_in_readme_or_docs():
    import msdiscourse as msd

    real = msd.read_corpus(require(BLOG_PAGES))
    names = set(real.comments["author"].dropna()) | set(real.posts["author"].dropna())
    words = {w for name in names for w in re.findall(r"[A-Za-z]{4,}", name)} - {"Anonymous", "Guest"}
    assert words
    texts = {p.name: p.read_text(encoding="utf-8") for p in [README, *DOCS.glob("*.md")]}
    found = [(page, w) for page, text in texts.items() for w in words
             if re.search(rf"\b{re.escape(w)}\b", text)]
    assert found == []
