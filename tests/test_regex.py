"""The first-character guard finds exactly the matches of the pattern it guards."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse import roles
from msdiscourse._regex import first_characters, guard_first_character
from tests.conftest import BLOG_PAGES, SHARED_CORPUS, require

FORUM = SHARED_CORPUS / "threads" / "alsforums" / "alsforums-threads.csv"


@pytest.fixture(scope="module")
def real_text() -> str:
    """The real blog pages and forum messages, joined as the role-cue scan joins them."""
    pages = [msd.read_pagedump(page) for page in sorted(require(BLOG_PAGES).glob("*.txt"))]
    texts = [t for corpus in pages for t in corpus.comments["text"].dropna()]
    texts += [b for corpus in pages for b in corpus.posts["body"].dropna()]
    forum = pd.read_csv(require(FORUM), dtype=str, keep_default_na=False)
    texts += forum["body"].tolist()  # messages only: the declared role is never read
    return roles.plain_text(roles._JOIN.join(roles.mask_quotes(t) for t in texts))


def test_every_role_cue_finds_the_same_matches_guarded(real_text):
    from msdiscourse._role_cues import expand_placeholders, load_terms

    terms, guarded, total = load_terms(), 0, 0
    for cue in roles._text_cues():
        plain = re.compile(expand_placeholders(cue.pattern, terms), re.IGNORECASE)
        assert cue.regex.pattern != plain.pattern or first_characters(plain.pattern, re.I) is None
        guarded += cue.regex.pattern != plain.pattern
        found = [(m.span(), m.groups()) for m in cue.regex.finditer(real_text)]
        assert found == [(m.span(), m.groups()) for m in plain.finditer(real_text)], cue.rule
        total += len(found)
    assert guarded >= 0.9 * len(roles._text_cues())  # nearly every cue gains the guard
    assert total > 500  # and the comparison is not vacuous (713 matches today)


@pytest.mark.parametrize(("pattern", "flags", "first"), [
    (r"\bI(?:'m| am) (?:a )?carer\b", re.I, {"I"}),
    (r"(?:(?m:^)|(?<=[.!?] ))\s*PALS here\b", re.I, {r"\s", "P"}),
    (r"[0-9]+ years? (?:post|since)", 0, set("0123456789")),
    (r"(?:my )?\w+ onset", re.I, {"m", r"\w"}),
    (r"x+?y|[^a]b", 0, None),          # a negated class: anything may start it
    (r"(?:ab)*", 0, None),             # may match the empty string
    (r"(a)\1", 0, {"a"}),
    (r"(?i:carer)", 0, None),          # case-insensitive inside only: not guarded
])
def test_first_characters(pattern, flags, first):
    assert first_characters(pattern, flags) == first


@pytest.mark.parametrize("pattern", [
    r"\b(?:MS|ALS|lupus) (?:flare|relapse)\b", r"(?:^|(?<=\. ))\s*[Mm]y (?P<what>legs?|arms?)",
    r"[-\]^]x", r"\d+ mg", r"(?-i:PALS)|pals!",
])
def test_guarded_patterns_match_alike_on_awkward_text(pattern):
    text = ("My legs. my arm; MS flare, als relapse... -x ]x ^x 20 mg PALS pals! pALS "
            "Lupus flare\nMy leg ſ K \u212a ß SS " * 3)
    for flags in (0, re.I):
        guarded = re.compile(guard_first_character(pattern, flags), flags)
        plain = re.compile(pattern, flags)
        assert [(m.span(), m.groupdict()) for m in guarded.finditer(text)] == \
               [(m.span(), m.groupdict()) for m in plain.finditer(text)]
