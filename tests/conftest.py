"""Shared test fixtures: where the real corpus lives, and figure clean-up."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_CORPUS = PROJECT_DIR.parent / "shared" / "corpus"
BLOG_PAGES = SHARED_CORPUS / "blog-pages"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA_RAW = PROJECT_DIR / "data" / "raw"


def require(path: Path) -> Path:
    """Skip (with the reason) when the shared real corpus is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"real corpus not found at {path} (expected ../shared/corpus beside the repo)")
    return path


@pytest.fixture
def blog_pages() -> Path:
    return require(BLOG_PAGES)


@pytest.fixture
def shared_corpus() -> Path:
    return require(SHARED_CORPUS)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def real_page_people() -> list[str]:
    """Names of the real pages' post authors and commenters, read from the pages now.

    Tests must never write a real person's name: they ask for it here. Sources: the
    pages' ``expected.json`` (author, signatures), the ``By NAME`` bylines and ``– Name``
    signature lines of the page dumps themselves.
    """
    import json
    import re

    pages = require(BLOG_PAGES)
    names = set()
    expected = json.loads((pages / "expected.json").read_text(encoding="utf-8"))
    for page in expected.values():
        if not isinstance(page, dict):
            continue
        if page.get("author"):
            names.add(page["author"])
        names.update(c["signature"] for c in page.get("comments", []) if c.get("signature"))
    for path in sorted(pages.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r"^By (\S.*?)\s*$", text, re.M))
        names.update(re.findall(r"^\s*\u2013 (\S.*?)\s*$", text, re.M))
    return sorted(names)


def run_benchmark(script: str, *args: str, timeout: int = 300) -> str:
    """Run ``benchmarks/<script>`` with ``args`` in a fresh interpreter; its standard output.

    Fails the test (``CalledProcessError``, ``TimeoutExpired``) when the benchmark does.
    Example: ``out = run_benchmark("bench_tone.py", "--quick")``.
    """
    import subprocess
    import sys

    return subprocess.run([sys.executable, str(PROJECT_DIR / "benchmarks" / script), *args],
                          capture_output=True, text=True, cwd=PROJECT_DIR, timeout=timeout,
                          check=True).stdout
