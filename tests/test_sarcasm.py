"""Fast tests of the irony-marker finder: pattern data, offsets, masking, the real blog pages."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import msdiscourse as msd
from msdiscourse import _markers
from msdiscourse.categories import MARKER_CATEGORIES, MARKER_DTYPE
from msdiscourse.errors import ParseError
from msdiscourse.schema import SchemaError
from msdiscourse.sarcasm import find_markers, load_marker_patterns, marker_profile
from msdiscourse.sarcasm_eval import COMBINED_MARKERS_WEIGHT

PATTERNS = load_marker_patterns()


def sentence_table(**columns) -> pd.DataFrame:
    """A small sentences table: the given columns, the other declared ones filled in."""
    frame = pd.DataFrame(columns)
    n = len(frame)
    defaults = {"post_id": ["p"] * n, "start": [0] * n, "end": [0] * n, "is_quote": [False] * n,
                "author": ["ana"] * n, "thread_id": list(frame["comment_id"]), "depth": [0] * n}
    for column, values in defaults.items():
        if column not in frame.columns:
            frame[column] = values
    return frame


def rules_found(text: str) -> set[str]:
    return set(find_markers([text])["rule"])


def spans(hits: pd.DataFrame, rule: str) -> list[tuple[int, int, str]]:
    rows = hits[hits["rule"] == rule]
    return list(zip(rows["start"].astype(int), rows["end"].astype(int), rows["match"]))


# -- the pattern table ---------------------------------------------------------------------


def test_pattern_table_covers_every_category_and_only_those():
    assert list(PATTERNS.columns) == [*_markers.PATTERN_COLUMNS, "line"]
    assert set(PATTERNS["category"]) == set(MARKER_CATEGORIES)
    assert PATTERNS["example"].str.len().min() > 0
    assert PATTERNS["counter_example"].str.len().min() > 0


#: rules with a condition beyond their pattern: their counter-examples may match the
#: pattern and fail the condition ("I hate having a relapse": no positive wording; "Well
#: done, brilliant result": stacked praise with nothing negative is plain praise)
CONDITIONAL_RULES = {"rhetorical_question", "sentiment_contrast", "hyperbole", "mock_politeness"}


@pytest.mark.parametrize("row", list(PATTERNS.itertuples()), ids=lambda r: f"{r.line}-{r.rule}")
def test_each_pattern_matches_its_example_and_not_its_counter_example(row):
    pattern = _markers.compile_row(row.pattern)
    assert pattern.search(row.example), f"line {row.line}: {row.pattern!r} misses {row.example!r}"
    if row.rule not in CONDITIONAL_RULES:
        assert not pattern.search(row.counter_example), f"line {row.line}: {row.counter_example!r}"
    # and through the whole finder (masking, passes, the rules' extra conditions)
    assert row.rule in rules_found(row.example)
    assert row.rule not in rules_found(row.counter_example)


def test_patterns_are_compiled_once():
    assert _markers.compiled_categories() is _markers.compiled_categories()


def test_a_bad_pattern_file_names_file_line_and_problem(tmp_path):
    path = tmp_path / "markers.csv"
    path.write_text(
        "category,rule,pattern,example,counter_example,note\n"
        "trope,hyperbole,\\bsoo+\\b,sooo,so,ok\n"
        "sarcastic,oh_great,oh great,oh great,great,\n",
        encoding="utf-8",
    )
    with pytest.raises(ParseError) as error:
        load_marker_patterns(path)
    assert str(error.value) == (
        f"{path}, line 3: expected a category among trope, morphosyntactic, typographic, "
        "explicit, formula, repetition, contrast; found 'sarcastic'"
    )
    path.write_text("category,rule,pattern,example,counter_example,note\n"
                    "repetition,repetition,(\\w+) \\1,a a,a b,\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"line 2: expected named back-references .*found a numbered"):
        load_marker_patterns(path)
    path.write_text("category,rule,pattern,example,counter_example,note\n"
                    "trope,hyperbole,(unclosed,x,y,\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"line 2: expected a valid regular expression; found "
                                         r"missing \), unterminated subpattern at position 0"):
        load_marker_patterns(path)


# -- output shape and offsets --------------------------------------------------------------


def test_output_columns_and_dtypes_for_plain_texts():
    hits = find_markers(pd.Series(["Yeah right!!", "Fine."], index=[10, 20]))
    assert list(hits.columns) == ["text_index", "category", "rule", "start", "end", "match"]
    assert hits["category"].dtype == MARKER_DTYPE
    assert str(hits["start"].dtype) == "Int64"
    assert hits[["text_index", "rule", "start", "end", "match"]].values.tolist() == [
        [10, "interjection", 0, 4, "Yeah"],
        [10, "ironic_formula", 0, 10, "Yeah right"],
        [10, "punctuation_run", 10, 12, "!!"],
    ]


def test_sentence_tables_keep_sentence_and_comment_ids():
    sentences = sentence_table(
        sentence_id=["c1-s1", "c1-s2"], comment_id=["c1", "c1"], n=[1, 2],
        text=["Great, another MRI.", "Sooo exciting!"], is_quote=[False, False],
    )
    hits = find_markers(sentences)
    assert list(hits.columns)[:2] == ["sentence_id", "comment_id"]
    assert hits[["sentence_id", "comment_id", "rule", "match"]].values.tolist() == [
        ["c1-s1", "c1", "hyperbole", "Great"],
        ["c1-s2", "c1", "elongation", "Sooo"],
        ["c1-s2", "c1", "hyperbole", "exciting"],
        ["c1-s2", "c1", "exclamation", "!"],
    ]


def test_no_hits_gives_an_empty_frame_with_the_columns():
    hits = find_markers(["The trial starts in May."])
    assert hits.empty
    assert list(hits.columns) == ["text_index", "category", "rule", "start", "end", "match"]
    assert find_markers([]).empty


def test_bad_input_is_named():
    with pytest.raises(SchemaError, match=r"^find_markers expects the sentences table \(made by "
                                          r"split_sentences\(corpus\)\); missing columns: sentence_id, "):
        find_markers(pd.DataFrame({"body": ["x"]}))
    with pytest.raises(TypeError, match="got one str"):
        find_markers("Oh great")


def test_offsets_point_into_the_original_text_on_the_real_pages(blog_pages):
    texts = [path.read_text(encoding="utf-8") for path in sorted(blog_pages.glob("*.txt"))]
    hits = find_markers(texts)
    assert len(hits) > 40
    for row in hits.itertuples():
        assert texts[row.text_index][row.start : row.end] == row.match


# -- masking -------------------------------------------------------------------------------


def test_urls_and_emails_are_masked_with_the_same_length():
    text = "So sad :/ see http://t.co/xYz:/p?x=1 or mail OOPS.TEAM@nhs.uk ;)"
    masked = _markers.mask_text(text)
    assert len(masked) == len(text)
    url, address = "http://t.co/xYz:/p?x=1", "OOPS.TEAM@nhs.uk"
    for masked_part in (url, address):
        start = text.index(masked_part)
        assert masked[start : start + len(masked_part)] == _markers.MASK_CHAR * len(masked_part)
    assert masked.replace(_markers.MASK_CHAR, "") == text.replace(url, "").replace(address, "")
    hits = find_markers([text])
    assert spans(hits, "emoticon") == [(7, 9, ":/"), (len(text) - 2, len(text), ";)")]
    assert "all_caps" not in set(hits["rule"])  # OOPS, TEAM are inside the address


def test_long_quotes_are_masked_and_short_ones_are_scare_quotes():
    text = 'They wrote "this is SO amazing, truly!" and called it a "cure".'
    hits = find_markers([text])
    assert hits[["rule", "match"]].values.tolist() == [["scare_quotes", '"cure"']]


def test_quoted_sentences_are_skipped():
    sentences = sentence_table(
        sentence_id=["s1", "s2"], comment_id=["c1", "c1"], n=[1, 2],
        text=["Wow, amazing!", "Wow, amazing!"], is_quote=[True, False],
    )
    assert set(find_markers(sentences)["sentence_id"]) == {"s2"}


# -- rules that look beyond their match ---------------------------------------------------


def test_a_question_is_rhetorical_only_when_the_writer_goes_on():
    assert "rhetorical_question" in rules_found("Is this a joke? It must be.")
    assert "rhetorical_question" not in rules_found("Is this a joke?")
    assert "rhetorical_question" not in rules_found("Is this a joke? http://t.co/x")
    sentences = sentence_table(
        sentence_id=["a1", "a2", "b1", "c1", "c2"], comment_id=["a", "a", "b", "c", "c"],
        n=[1, 2, 1, 1, 2],
        text=["Seriously?", "Grow up.", "Seriously?", "Seriously?", "Quoted words here."],
        is_quote=[False, False, False, False, True],
    )
    hits = find_markers(sentences)
    assert hits.loc[hits["rule"] == "rhetorical_question", "sentence_id"].tolist() == ["a1"]


def test_contrast_needs_positive_wording_around_a_negative_situation():
    text = "I just love having a relapse."
    start = text.index("relapse")
    assert spans(find_markers([text]), "sentiment_contrast") == [(start, start + 7, "relapse")]
    assert "sentiment_contrast" not in rules_found("I hate having a relapse.")
    # the sentiment is the sentence's, not the whole text's
    assert "sentiment_contrast" not in rules_found("What a wonderful day! Then the relapse came.")


def test_sincere_praise_and_shouting_in_capitals_are_no_markers():
    # praise stacked on praise with nothing negative in the clause is enthusiasm
    assert rules_found("well done, brilliant result") == set()
    assert rules_found("love this, fantastic photo!") == {"exclamation"}
    # a sports chant in capitals, with fire emoji, is shouting, not emphasis
    assert rules_found("COME ON UNITED!!! WHAT A GOAL 🔥🔥") == {"punctuation_run", "exclamative"}
    # the ironic uses stay: one praise word, praise around a bad situation, one emphatic word
    assert {"mock_politeness"} <= rules_found("Well done, you broke it again.")
    assert {"hyperbole", "sentiment_contrast"} <= rules_found("Great, I love waiting in the rain.")
    assert "hyperbole" in rules_found("Brilliant. Another delay.")
    assert "all_caps" in rules_found("Oh sure, that will REALLY help.")
    praise, irony = msd.sarcasm_score(["Well done, brilliant result, so proud of the team!",
                                   "Well done, you broke it again. Brilliant."])
    assert irony > praise


# -- the real blog pages -------------------------------------------------------------------


def test_real_page_000_hits_with_exact_spans(blog_pages):
    text = (blog_pages / "000_cbe15b06e01714f3.txt").read_text(encoding="utf-8")
    hits = find_markers([text])

    def at(phrase: str, occurrence: int = 0) -> tuple[int, int, str]:
        start = [m.start() for m in re.finditer(re.escape(phrase), text)][occurrence]
        return (start, start + len(phrase), phrase)

    assert spans(hits, "repetition") == [at("Poor poor poor")]
    assert spans(hits, "explicit_marker") == [at("tongue in cheek"), at("sarcasm")]
    assert spans(hits, "ironic_formula") == [
        at("Just add stem cells to the diseased state and"),
        at("just add stem cells and"),
        at("bobs your uncle"),
    ]
    questions = spans(hits, "rhetorical_question")
    assert at("Seriously?") in questions
    assert at("Seriously is this blog staffed by a bunch of especially bright kindergarteners?") in questions
    assert at("What is up with the undertones on this blog?") in questions
    assert at("Was this so difficult Team G?") in questions
    assert at("'war'") in spans(hits, "scare_quotes")
    # "We got to have HEART" is a quotation (masked); HSCT has no vowel: an acronym
    assert at("HEART")[:2] not in [s[:2] for s in spans(hits, "all_caps")]
    assert all(match != "HSCT" for *_, match in spans(hits, "all_caps"))


def test_real_sentences_from_split_sentences(blog_pages):
    corpus = msd.read_pagedump(blog_pages / "000_cbe15b06e01714f3.txt")
    sentences = msd.split_sentences(corpus)
    hits = find_markers(sentences)
    for row in hits.itertuples():
        text = sentences.loc[sentences["sentence_id"] == row.sentence_id, "text"].item()
        assert text[row.start : row.end] == row.match
    signed = hits[hits["sentence_id"].str.endswith(".c11.s5")]
    # "Seriously?" is a sentence of its own; the writer goes on in the next one
    assert signed[["rule", "start", "end", "match"]].values.tolist() == [
        ["hyperbole", 0, 9, "Seriously"], ["rhetorical_question", 0, 10, "Seriously?"]]
    # the comment quoting the post ("... suitable for everybody ...") has no hit there
    quoted = sentences.loc[sentences["is_quote"].fillna(False), "sentence_id"].tolist()
    assert quoted and not hits["sentence_id"].isin(quoted).any()
    profile = marker_profile(hits, sentences)
    assert profile["comment_id"].tolist() == sentences["comment_id"].dropna().unique().tolist()
    assert profile.set_index("comment_id").filter(like=".c11", axis=0)["n_repetition"].tolist() == [1]


def test_the_benchmark_runs_quick():
    import subprocess
    import sys

    from .conftest import PROJECT_DIR

    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "benchmarks" / "bench_markers.py"), "--quick"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    assert result.stdout.startswith("5,000 synthetic sentences")
    assert "speed-up:" in result.stdout


# -- profiles ------------------------------------------------------------------------------


def test_profile_counts_every_category_per_unit_with_units_without_hits():
    comments = sentence_table(
        sentence_id=["c1.s1", "c2.s1", "c3.s1"], comment_id=["c1", "c2", "c3"], n=[1, 1, 1],
        text=["Oh great. Thanks a lot!", "The trial starts in May.", None],
    )
    profile = marker_profile(find_markers(comments), comments)
    assert list(profile.columns) == [
        "comment_id", "n_words", "n_markers", "markers_per_100_words", "has_any",
        *[f"n_{category}" for category in MARKER_CATEGORIES]]
    assert profile["comment_id"].tolist() == ["c1", "c2", "c3"]
    assert profile["n_words"].tolist() == [5, 5, 0]
    # Oh (interjection), Oh great + Thanks a lot (formula), great (trope), ! (exclamation)
    assert profile["n_markers"].tolist() == [5, 0, 0]
    assert profile["n_formula"].tolist() == [2, 0, 0]
    assert profile["n_morphosyntactic"].tolist() == [2, 0, 0]
    assert profile["n_trope"].tolist() == [1, 0, 0]
    assert profile["markers_per_100_words"].tolist()[:2] == [100.0, 0.0]
    assert profile["markers_per_100_words"].isna().tolist() == [False, False, True]
    assert profile["has_any"].tolist() == [True, False, False]


def test_profile_of_sentences_by_comment_leaves_quoted_words_out():
    sentences = sentence_table(
        sentence_id=["a1", "a2", "b1"], comment_id=["a", "a", "b"], n=[1, 2, 1],
        text=["Wow.", "Some quoted words here.", "Fine then."],
        is_quote=[False, True, False], author=["ana", "ana", "ben"],
    )
    profile = marker_profile(find_markers(sentences), sentences)
    assert profile[["comment_id", "n_words", "n_markers"]].values.tolist() == [["a", 1, 1], ["b", 2, 0]]
    by_author = marker_profile(find_markers(sentences), sentences, by="author")
    assert by_author[["author", "n_words", "n_markers"]].values.tolist() == [["ana", 1, 1], ["ben", 2, 0]]
    with pytest.raises(SchemaError, match=r"^marker_profile: by= names role, which is not a column"):
        marker_profile(find_markers(sentences), sentences, by="role")
    with pytest.raises(SchemaError, match=r"^marker_profile expects the markers table"):
        marker_profile(find_markers(["Wow."]), sentences)


def test_top_level_names_resolve():
    assert msd.find_markers is find_markers
    assert msd.marker_profile is marker_profile


def test_a_match_reaching_across_texts_is_replaced_by_scanning_each_text(monkeypatch):
    # no shipped pattern crosses the separator; one that could must not leak between texts
    crossing = re.compile(r"(?P<r0>a[\s\S]{0,5}b)|(?P<r1>b)", re.MULTILINE)
    passes = (_markers.CompiledCategory("trope", crossing, {"r0": "x", "r1": "x"}, {"r0": 2, "r1": 3}),)
    monkeypatch.setattr(_markers, "compiled_categories", lambda path=None: passes)
    positions, rows, starts, ends, _ = _markers.scan_texts(["xa", "bq", "b"])
    hits = sorted(zip(positions.tolist(), rows.tolist(), starts.tolist(), ends.tolist()))
    assert hits == [(1, 3, 0, 1), (2, 3, 0, 1)]


# -- properties ----------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Oh great", "yeah right", "Seriously?", " ", "\n", "!!", "...", "sooo", "'cure'", '"a b c d e"',
    "LOL", ";)", ":P", "http://t.co/x:/", "a.b@nhs.uk", "poor poor poor", "relapse", "I love",
    "HSCT", "NEVER", "wow", "\x00", "İ", "…", "?", "did you", "just add cells and", "tongue in cheek",
])
_TEXTS = st.lists(st.lists(_PIECES | st.text(max_size=6), max_size=8).map(" ".join), max_size=6)


@settings(max_examples=150, deadline=None)
@given(_TEXTS)
def test_scanning_texts_together_finds_what_each_text_alone_finds(texts):
    together = find_markers(texts)
    alone = pd.concat([find_markers([text]).assign(text_index=i) for i, text in enumerate(texts)]
                      or [together.iloc[0:0]], ignore_index=True)
    columns = ["text_index", "rule", "start", "end", "match"]
    assert together[columns].values.tolist() == alone[columns].values.tolist()
    for row in together.itertuples():
        assert texts[row.text_index][row.start : row.end] == row.match
        assert row.match and row.match == row.match.strip()


# -- issue 18: no private CPython modules; the split --------------------------------------


def test_markers_use_no_private_cpython_modules():
    from .conftest import PROJECT_DIR

    for name in ("_markers.py", "sarcasm.py", "sarcasm_eval.py"):
        source = (PROJECT_DIR / "msdiscourse" / name).read_text(encoding="utf-8")
        assert not re.search(r"re\._(?:parser|constants|compiler)|sre_parse|sre_constants", source), name
        assert " in df.columns" not in source and "in frame.columns" not in source, name


def test_the_gate_reader_knows_where_each_row_can_start():
    # the gate is an optimisation: it must admit every character a row's example starts with
    for row in PATTERNS.itertuples():
        pattern = _markers._expand(row.pattern)
        gate = _markers._gate_chars(pattern)
        match = _markers.compile_row(row.pattern).search(row.example)
        if gate is not None:
            assert match.group()[:1] in gate, (row.line, row.rule)
    assert _markers._gate_chars(r"\b(?:did|do)\s+you") == set("dD")
    assert _markers._gate_chars(r"(?<![!?])!(?![!?])") == {"!"}
    assert _markers._gate_chars(r"[^x]y") is None and _markers._gate_chars(r"a?") is None
    assert _markers._starts_at_word_boundary(r"\b(?:a|\bb)") and not _markers._starts_at_word_boundary(r"\ba|b")


# -- scores and explanations ----------------------------------------------------------------


def test_a_one_word_exclamation_does_not_outrank_a_long_text_with_several_markers():
    texts = ["Great!", "Come on!!!",
             "Oh sure, because waiting three hours for a cancelled train is sooo much fun... "
             "just what I needed!!"]
    for model in ("markers", "combined"):
        scores = msd.sarcasm_score(texts, model=model)
        assert scores.iloc[2] > scores.iloc[0] and scores.iloc[2] > scores.iloc[1], model


def test_explain_lists_markers_and_ngrams_that_sum_to_the_logit():
    why = msd.explain_sarcasm("Oh great, another Monday. Just what I needed!!")
    assert set(why.columns) == {"feature", "value", "weight", "contribution", "evidence"}
    assert why["contribution"].sum() == pytest.approx(why.attrs["logit"])
    assert why.attrs["score"] == pytest.approx(msd.sarcasm_score(
        ["Oh great, another Monday. Just what I needed!!"], model="combined").iloc[0])
    features = why["feature"].tolist()
    assert "marker:formula" in features and any(f.startswith("word:") for f in features)
    with pytest.raises(TypeError, match="expects one str"):
        msd.explain_sarcasm(["a", "b"])


def test_a_shared_link_counts_against_irony_in_the_markers_model_and_is_explained():
    plain, linked = "What a result for the new trial.", "What a result for the new trial. https://example.org/trial"
    scores = msd.sarcasm_score([plain, linked], model="markers")
    assert scores.iloc[1] < scores.iloc[0]
    why = msd.explain_sarcasm(linked, model="markers")
    row = why[why["feature"] == "link:url"].iloc[0]
    assert row["value"] == 1.0 and row["weight"] < 0 and row["contribution"] == row["weight"]
    assert row["evidence"] == "link 'https://example.org/trial'"
    assert why["contribution"].sum() == pytest.approx(why.attrs["logit"])
    # the n-gram model reads a link as the token "url" and carries no link term; the
    # combined model takes the markers model's terms, scaled by COMBINED_MARKERS_WEIGHT
    assert "link:url" not in msd.explain_sarcasm(linked, model="ngrams")["feature"].tolist()
    combined = msd.explain_sarcasm(linked, model="combined").set_index("feature")
    assert combined.loc["link:url", "weight"] == pytest.approx(
        COMBINED_MARKERS_WEIGHT * row["weight"], abs=1e-5)
    with pytest.raises(ValueError, match="model must be one of markers, ngrams, combined"):
        msd.sarcasm_score(["x"], model="bert")


def test_shipped_models_carry_no_user_names_and_only_short_ngrams():
    from msdiscourse.sarcasm import _shipped_models

    table = _shipped_models()
    assert set(table["model"]) == {"markers", "ngrams", "combined"}
    words = table.loc[table["feature"].str.startswith("word:"), "feature"].str[5:]
    assert words.str.split().str.len().max() <= 2
    assert not words.str.contains("@").any()
    chars = table.loc[table["feature"].str.startswith("char:"), "feature"].str[5:]
    assert chars.str.len().max() <= 4


def test_a_run_of_ellipses_is_one_marker():
    # "……" (two ellipsis characters) and "…." counted as two markers each
    texts = pd.Series(["Well…… that went well.", "Fine…. Really.", "Sure...... ok", "Oh. Ok."])
    found = find_markers(texts)
    ellipses = found[found["rule"] == "ellipsis"]
    assert ellipses.groupby("text_index").size().to_dict() == {0: 1, 1: 1, 2: 1}
    assert ellipses["match"].tolist() == ["……", "….", "......"]
