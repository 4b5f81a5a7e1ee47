"""No real commenter's or author's name is committed anywhere in the repository.

The names are read at test time from the real pages beside the checkout
(``real_page_people``), so this file itself names no one. Every text file git tracks (or
would track) is searched: code, tests, fixtures, docs, notebooks, the text of committed
SVG figures, in any case and with accents folded.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path


from msdiscourse.privacy import fold_name
from tests.conftest import PROJECT_DIR, real_page_people

_SKIP_DIRS = {".git", ".venv", "build", "__pycache__", ".hypothesis", ".pytest_cache",
              ".ipynb_checkpoints", ".msdiscourse", "processed"}


def _repository_files() -> list[Path]:
    """Tracked files plus new ones git would add; a plain walk when git is unavailable."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=PROJECT_DIR, capture_output=True, check=True, timeout=60).stdout
        files = [PROJECT_DIR / name for name in listed.decode("utf-8").split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        files = []
        for folder, dirs, names in os.walk(PROJECT_DIR):
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
            files += [Path(folder) / name for name in names]
    return sorted(p for p in files if p.is_file())


def _text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # binary (PNG, parquet)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _name_patterns() -> list[tuple[str, re.Pattern]]:
    patterns = []
    for index, name in enumerate(real_page_people()):
        words = re.findall(r"[^\W_]+", fold_name(name))
        # the name as written, or its words run together or split by spaces, dots, hyphens
        body = r"[\s._-]*".join(map(re.escape, words))
        patterns.append((f"real name #{index + 1} ({len(name)} letters)",
                         re.compile(rf"(?<![^\W_]){body}(?![^\W_])")))
    return patterns


def _offenders(paths: list[Path]) -> list[str]:
    patterns = _name_patterns()
    found = []
    for path in paths:
        text = _text_of(path)
        if text is None:
            continue
        folded = fold_name(text)
        for label, pattern in patterns:
            for match in pattern.finditer(folded):
                line = folded.count("\n", 0, match.start()) + 1
                shown = path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path
                found.append(f"{shown}, line {line}: {label}")
    return found


def test_the_search_finds_each_real_name_in_its_variants(tmp_path):
    patterns = _name_patterns()
    assert len(patterns) >= 2
    for index, name in enumerate(real_page_people()):
        variants = [name, name.upper(), f"x {name.lower()}'s", name.replace(" ", "")]
        sample = tmp_path / f"sample{index}.md"  # written outside the repository, then removed
        sample.write_text("Invented line.\n" + "\n".join(variants) + "\n", "utf-8")
        found = _offenders([sample])
        sample.unlink()
        assert len(found) == len(variants) and found[0].endswith(f"line 2: real name #{index + 1} "
                                                                  f"({len(name)} letters)"), found
        near = tmp_path / "near.md"
        near.write_text(f"{name}s and x{name} are other words", "utf-8")
        assert _offenders([near]) == []


def test_no_committed_file_names_a_real_commenter_or_author():
    files = [p for p in _repository_files() if p.name != "README.md" or p.parent != PROJECT_DIR]
    assert len(files) > 50, "expected the repository's files"
    assert any(p.suffix == ".svg" for p in files) and any(p.suffix == ".ipynb" for p in files)
    offenders = _offenders(files)
    assert not offenders, (
        "real people's names are committed (use invented names, or read the real ones from "
        "the pages at test time with tests.conftest.real_page_people):\n" + "\n".join(offenders))


def test_readme_names_no_real_commenter_or_author():
    assert not _offenders([PROJECT_DIR / "README.md"])
