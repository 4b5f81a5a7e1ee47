"""The shape of the analysis layer: declared tables, one definition per concept, layers.

- No public function guesses what it was given from its columns (``"x" in df.columns``):
  it validates one declared table (:mod:`msdiscourse.schema`). A line that checks an
  optional column for another reason says why with a ``# schema-ok:`` comment.
- Each concept (sentence spans, word count, quotation test, VADER, tone classifier,
  bootstrap, tone shift, the role join) has one home; the old copies are gone.
- The low layer (paths, categories, errors, schema, text, _stats) imports nothing above it.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import msdiscourse
from msdiscourse import (_markers, _stats, annotation, exchanges, plotting, roles, sarcasm, schema,
                         sentences, text, tone)

PACKAGE = Path(msdiscourse.__file__).parent

#: every module of the package (io/ included) but schema.py, the one place that may look
CHECKED = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if path.name != "schema.py")

_GUESS = re.compile(r"\bin\s+[A-Za-z_][\w.\[\]\"']*\.columns\b|set\([A-Za-z_][\w.]*\.columns\)")


#: ``for <target> `` right before ``in``: the target holds no ``in``/``if``/``not``, so the
#: filter of a comprehension (``[c for c in needed if c not in frame.columns]``) is a test
_LOOP = re.compile(r"\bfor\s+(?:(?!\b(?:in|if|not)\b)[\w, ()])+\s*$")


def _is_guess(line: str) -> bool:
    """A membership test on a frame's columns; a loop over them (``for c in x.columns``) is not.

    A doctest line (``>>> "email" in posts.columns``) shows a result; it decides nothing.
    """
    if line.lstrip().startswith((">>>", "...")):
        return False
    return any(not _LOOP.search(line[:match.start()]) for match in _GUESS.finditer(line))


def _guesses(name: str) -> list[str]:
    lines = (PACKAGE / name).read_text(encoding="utf-8").splitlines()
    return [f"{name}:{number}: {line.strip()}" for number, line in enumerate(lines, 1)
            if _is_guess(line) and "# schema-ok:" not in line]


@pytest.mark.parametrize("name", CHECKED)
def test_no_function_guesses_its_input_from_its_columns(name):
    assert _guesses(name) == []


def test_the_guess_finder_finds_guesses():
    # near misses of the real thing, so the test above cannot pass vacuously
    for line in ['if "mean_compound" in tone.columns:', "if column in frame.columns:",
                 'next((c for c in ("a", "b") if c in df.columns), None)',
                 'if {"sentence_id", "is_quote"} <= set(tone.columns):']:
        assert _is_guess(line), line
    assert not _is_guess("missing = [c for c in table.required_columns]")
    assert not _is_guess("labels = [str(c) for c in matrix.columns]")
    assert not _is_guess("for a, b in zip(x.columns, y):")
    assert _is_guess("missing = [c for c in needed if c not in frame.columns]")
    assert not _is_guess('    >>> "email" in private.posts.columns')


def test_every_module_of_the_package_is_checked():
    assert {"sarcasm.py", "roles.py", "_markers.py", "dask.py", "io/reddit.py",
            "privacy.py"} <= set(CHECKED)
    assert "schema.py" not in CHECKED and len(CHECKED) > 30


def _definitions(name: str) -> set[str]:
    """Names a module defines at top level: functions, classes and assigned constants."""
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


#: concept -> (home module, names that define it anywhere)
HOMES = {
    "sentence spans": ("text.py", {"sentence_spans", "_SENTENCE_SPLIT", "_SENTENCE_END",
                                   "_sentence_bounds", "_tokenizer"}),
    "word count": ("text.py", {"n_words", "count_words", "_WORD_RE", "WORD_PATTERN"}),
    "quotation test": ("text.py", {"MIN_QUOTE_WORDS", "_QUOTE_MIN_WORDS", "is_quotation",
                                   "_quotes_folded", "_comparable", "_quoted_sentences"}),
    "tone classifier": ("tone.py", {"classify_tone", "tone_category"}),
    "VADER analyzer": ("tone.py", {"_analyzer", "_vader"}),
    "bootstrap": ("_stats.py", {"bootstrap_interval", "_bootstrap_difference",
                                "_bootstrap_mean_ci", "MIN_N", "MIN_EXCHANGES",
                                "clustered_interval", "enough_for_interval", "shrunk_rates",
                                "holm"}),
    "tone shift": ("exchanges.py", {"reply_exchanges", "reply_tone_shift"}),
    "role join": ("annotation.py", {"annotate"}),
}


def _defined_elsewhere(home: str, names: set[str], modules: list[str]) -> list[str]:
    return sorted(f"{module}: {name}" for module in modules if module != home
                  for name in names & _definitions(module))


@pytest.mark.parametrize("concept", sorted(HOMES))
def test_each_concept_is_defined_once(concept):
    home, names = HOMES[concept]
    assert names & _definitions(home), f"{concept}: nothing defined in {home}"
    assert _defined_elsewhere(home, names, CHECKED + ["schema.py"]) == []


def test_each_concept_imports_from_its_home_and_the_old_copies_are_gone():
    assert text.MIN_QUOTE_WORDS == 4
    assert text.n_words("Don't be so sure... :-)") == 4
    assert text.count_words(["Thanks!", None]).tolist() == [1, 0]
    assert text.is_quotation('"We cured MS in mice."', ["So: we cured MS in mice!"])
    assert sentences.sentence_spans is text.sentence_spans  # imported, not copied
    assert tone.count_words is text.count_words
    assert exchanges.clustered_interval is _stats.clustered_interval
    assert annotation.clustered_interval is _stats.clustered_interval
    assert plotting.clustered_interval is _stats.clustered_interval
    assert exchanges.enough_for_interval is plotting.enough_for_interval is _stats.enough_for_interval
    assert sarcasm.count_words is text.count_words and sarcasm.compound_of is tone.compound_of
    assert roles.sentence_spans is text.sentence_spans
    assert _markers.n_words is text.n_words and _markers.MIN_QUOTE_WORDS is text.MIN_QUOTE_WORDS
    gone = [(tone, "reply_tone_shift"), (plotting, "tone_category"),
            (plotting, "marker_rates_by_role"), (plotting, "_TONE_COLUMNS"),
            (exchanges, "MIN_QUOTE_WORDS"), (exchanges, "MIN_EXCHANGES"),
            (exchanges, "_tone_tables_from_sentences"), (sentences, "MIN_QUOTE_WORDS"),
            (sentences, "is_quotation"), (msdiscourse.errors, "OnError"),
            (msdiscourse.paths, "DATA_PROCESSED")]
    assert [f"{m.__name__}.{n}" for m, n in gone if hasattr(m, n)] == []
    assert "reply_tone_shift" not in msdiscourse.__all__
    assert msdiscourse.annotate is annotation.annotate


def test_every_analysis_table_is_declared_with_its_producer():
    expected = {"posts", "comments", "unparsed", "furniture", "sentences", "texts", "tone",
                "comment_tone", "tone_summary", "trajectory", "roles", "post_roles", "markers",
                "marker_profile", "marker_evaluation", "annotated", "marker_rates", "exchanges",
                "exchange_summary", "coding"}
    assert expected <= set(schema.TABLES)
    for table in schema.TABLES.values():
        assert table.producer and set(table.required_columns) <= set(table.columns), table.name


LOW = {"paths", "categories", "errors", "schema", "text", "_stats"}


def _top_level_imports(name: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("msdiscourse."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("msdiscourse."))
    return found


@pytest.mark.parametrize("name", sorted(LOW))
def test_the_low_layer_imports_nothing_above_it(name):
    assert _top_level_imports(name) <= LOW


#: public functions whose second positional parameter is data by convention, not an option
SECOND_POSITIONAL = {
    "marker_profile": "markers, and the sentences they were found in: both tables are needed",
    "thread_trajectory": "comment_tone and the comments it joins: two tables",
    "evaluate_markers": "texts and their labels, as scikit-learn's fit(X, y)",
    "train_sarcasm_model": "texts and their labels, as scikit-learn's fit(X, y)",
    "learn_situations": "texts and their labels, as scikit-learn's fit(X, y)",
    "cross_domain": "the training and the test set, two labelled sets",
    "evaluate_roles": "predicted and gold roles, as scikit-learn's metrics(y_true, y_pred)",
    "decide_roles": "the evidence and the comments it decides: two tables",
    "export_coding_sheet": "the destination, as DataFrame.to_csv(path)",
    "write_pagedump_folder": "the destination folder, as DataFrame.to_csv(path)",
    "to_convokit": "the destination folder, as DataFrame.to_csv(path)",
    "show_thread": "the thread to show: its post_id is the subject, not an option",
}


def _public_callables():
    for name in msdiscourse.__all__:
        obj = getattr(msdiscourse, name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and isinstance(member, (staticmethod, classmethod)):
                    yield f"{name}.{attr}", member.__func__
                elif not attr.startswith("_") and inspect.isfunction(member):
                    yield f"{name}.{attr}", member
        elif inspect.isfunction(obj):
            yield name, obj


def _positional(function) -> list[str]:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in inspect.signature(function).parameters.values()
            if p.kind in kinds and p.name not in ("self", "cls")]


def test_options_of_public_functions_are_keyword_only():
    wrong = {}
    for name, function in _public_callables():
        positional = _positional(function)
        allowed = 2 if name in SECOND_POSITIONAL else 1
        if len(positional) > allowed:
            wrong[name] = positional
    assert wrong == {}
    # the allow-list holds only functions that need it
    needs = {name for name, function in _public_callables() if len(_positional(function)) == 2}
    assert set(SECOND_POSITIONAL) == needs
    assert sum(1 for _ in _public_callables()) > 50


def test_the_keyword_check_sees_a_positional_option():
    def aggregate(scored, by="comment_id"):
        return scored, by

    assert _positional(aggregate) == ["scored", "by"]
    assert _positional(msdiscourse.Corpus.from_records.__func__) == []
