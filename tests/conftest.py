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
