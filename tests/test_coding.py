"""Manual coding: the sheet a spreadsheet opens cleanly, codes read back checked, agreement.

``fixtures/coding/ana.csv`` and ``ben.csv`` are two coders' sheets for the same ten demo
comments, as they come back from a spreadsheet: Ana's as exported (BOM, all quoted, a
formula guard on a note, a line break inside a note), Ben's saved by a spreadsheet in a
";" locale (no BOM, minimal quoting, codes typed as "Patient" and "Y").
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

import msdiscourse as msd
from msdiscourse.schema import SchemaError
from msdiscourse.categories import MARKER_CATEGORIES, ROLE_DTYPE
from msdiscourse.coding import (
    agreement,
    coding_sheet,
    export_coding_sheet,
    read_coding_sheet,
)
from msdiscourse.corpus import Corpus
from msdiscourse.errors import ParseError
from msdiscourse.privacy import pseudonym
from tests.conftest import DATA_RAW, FIXTURES, require

SHEETS = FIXTURES / "coding"


@pytest.fixture(scope="module")
def demo():
    return msd.read_corpus(require(DATA_RAW))


# -- writing ---------------------------------------------------------------------------------
TRICKY = Corpus.from_records(
    posts=[{"post_id": "p", "author": "LabRat", "title": "Stem cells", "body": "Read this."}],
    comments=[
        {"comment_id": "p.c1", "post_id": "p", "author": "Tilly",
         "text": '=HYPERLINK("http://evil","click")'},
        {"comment_id": "p.c2", "post_id": "p", "author": "LabRat", "parent_id": "p.c1",
         "text": "Dear Tilly,\n  two lines, \"quoted\" and ‘curly’ 🐭"},
        {"comment_id": "p.c3", "post_id": "p", "author": "@LabRat", "text": "-- sent from phone"},
        {"comment_id": "p.c4", "post_id": "p", "author": "Kim", "text": "'tis +1 from me"},
        {"comment_id": "p.c5", "post_id": "p", "author": "Kim", "text": "+44 20 7946 0000"},
    ])


def test_sheet_bytes_open_cleanly_in_a_spreadsheet(tmp_path):
    path = export_coding_sheet(TRICKY, tmp_path / "sheet.csv", keep_names=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\"comment_id\",\"post_id\",\"depth\",\"parent_excerpt\"")
    body = raw.decode("utf-8-sig")
    assert body.count("\r\n") == 1 + 5  # header + five rows; the inner line break is a bare \n
    assert '"Dear Tilly,\n  two lines, ""quoted"" and ‘curly’ 🐭"' in body
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert all(len(row) == 12 for row in rows)  # no auto_markers column without markers
    text = {row[0]: row[5] for row in rows[1:]}
    assert text["p.c1"] == "'=HYPERLINK(\"http://evil\",\"click\")"
    assert text["p.c3"] == "'-- sent from phone"
    assert text["p.c4"] == "''tis +1 from me"  # the writer's apostrophe is kept, doubled
    assert text["p.c5"] == "'+44 20 7946 0000"
    authors = {row[0]: row[4] for row in rows[1:]}
    assert authors["p.c3"] == "'@LabRat"
    # every field quoted, even empty ones
    assert body.split("\r\n")[1].endswith('"","","","",""')


def test_sheet_round_trips_exactly(tmp_path):
    path = export_coding_sheet(TRICKY, tmp_path / "sheet.csv", keep_names=True)
    back = read_coding_sheet(path)
    assert back["text"].tolist() == TRICKY.comments["text"].tolist()
    assert back["author"].tolist() == ["Tilly", "LabRat", "@LabRat", "Kim", "Kim"]
    assert back["parent_excerpt"].tolist()[:2] == [
        "(post) Stem cells: Read this.", 'Tilly: =HYPERLINK("http://evil","click")']
    assert back["role_code"].isna().all() and back["role_code"].dtype == ROLE_DTYPE
    assert back["row"].tolist() == [2, 3, 4, 5, 6]


def test_sheet_pseudonymised_by_default_and_with_a_key(demo):
    sheet = coding_sheet(demo, pseudonymise_key="k")
    wendy = pseudonym("Wendy W", key="k")
    assert wendy in set(sheet["author"]) and "Wendy W" not in set(sheet["author"])
    assert not sheet["text"].str.contains("Wendy").any()
    random_key = coding_sheet(demo)
    assert "Wendy W" not in set(random_key["author"]) and wendy not in set(random_key["author"])
    assert "Wendy W" in set(coding_sheet(demo, keep_names=True)["author"])


def test_sheet_columns_auto_role_markers_and_context(demo):
    roles = msd.assign_roles(demo)
    profile = pd.DataFrame({"comment_id": ["demo-01-miracle-diet.c1", "demo-01-miracle-diet.c3"],
                            "n_words": [30, 10], "n_markers": [3, 1],
                            "markers_per_100_words": [10.0, 10.0], "has_any": [True, True],
                            **{f"n_{c}": [0, 0] for c in MARKER_CATEGORIES}})
    profile["n_trope"] = profile["n_markers"]  # a whole marker_profile, as marker_profile makes it
    sheet = coding_sheet(demo, roles=roles, markers=profile, keep_names=True)
    assert list(sheet.columns) == ["comment_id", "post_id", "depth", "parent_excerpt", "author",
                                   "text", "auto_role", "auto_markers", "role_code",
                                   "sarcasm_code", "free_code", "coder", "notes"]
    row = sheet.set_index("comment_id").loc["demo-01-miracle-diet.c2"]
    assert row["auto_role"] == "researcher" and row["depth"] == "1"
    assert row["parent_excerpt"].startswith("Spoonie Sam: Oh great, yet another miracle cure.")
    assert sheet.set_index("comment_id")["auto_markers"].loc[
        ["demo-01-miracle-diet.c1", "demo-01-miracle-diet.c3", "demo-01-miracle-diet.c2"]
    ].tolist() == ["3", "1", "0"]
    hits = pd.DataFrame({"comment_id": ["demo-01-miracle-diet.c1"], "category": ["trope"]})
    with pytest.raises(SchemaError, match=r"^coding_sheet\(markers=\.\.\.\) expects the marker_profile"):
        coding_sheet(demo, markers=hits, keep_names=True)
    long_parent = sheet.set_index("comment_id").loc["demo-01-miracle-diet.c8", "parent_excerpt"]
    assert long_parent.endswith("…") and len(long_parent) == len("Wendy W: ") + 200


def test_sample_is_seeded_and_keeps_corpus_order(demo):
    first = coding_sheet(demo, sample=10, seed=3)
    again = coding_sheet(demo, sample=10, seed=3)
    other = coding_sheet(demo, sample=10, seed=4)
    assert first["comment_id"].tolist() == again["comment_id"].tolist()
    assert first["comment_id"].tolist() != other["comment_id"].tolist()
    order = demo.comments["comment_id"].tolist()
    positions = [order.index(c) for c in first["comment_id"]]
    assert len(first) == 10 and positions == sorted(positions)
    assert len(coding_sheet(demo, sample=0.25)) == 19
    with pytest.raises(ValueError, match="sample must be a number of comments .* found -2"):
        coding_sheet(demo, sample=-2)


# -- reading -----------------------------------------------------------------------------------
def test_read_two_coders_sheets():
    ana = read_coding_sheet(SHEETS / "ana.csv")
    ben = read_coding_sheet(SHEETS / "ben.csv")
    assert len(ana) == len(ben) == 10
    assert ana["role_code"].tolist()[:2] == ["patient", "patient"]
    assert ben["role_code"].tolist()[:2] == ["patient", "relative"]  # "Patient" normalised
    assert ben["sarcasm_code"].tolist()[:3] == [True, False, True]
    assert ana.loc[1, "notes"] == "=misread? wife has MS, not him"  # guard removed
    assert ana.loc[9, "notes"] == "ends with /s,\nclear"
    assert ana["text"].iloc[0].startswith("Oh great, yet another miracle cure.")
    assert ana["coder"].unique().tolist() == ["ana"]
    assert pd.isna(ana.loc[1, "free_code"])


# Strict read-back, one case per way a sheet comes back wrong. Each edit changes the rows of a
# sheet exported from SMALL (header = rows[0]); the error names the file, the file line, the
# spreadsheet row and comment, and what to do.
SMALL = Corpus.from_records(
    posts=[{"post_id": "p", "author": "LabRat", "title": "Mice", "body": "Cured in mice."}],
    comments=[
        {"comment_id": "p.c1", "post_id": "p", "author": "Tilly", "text": "In mice, again."},
        {"comment_id": "p.c2", "post_id": "p", "author": "LabRat", "parent_id": "p.c1",
         "text": "Mice first, people next."},
        {"comment_id": "p.c3", "post_id": "p", "author": "Kim", "text": "Yeah right."},
    ])
_HEADER = ["comment_id", "post_id", "depth", "parent_excerpt", "author", "text", "auto_role",
           "role_code", "sarcasm_code", "free_code", "coder", "notes"]
_COL = {name: index for index, name in enumerate(_HEADER)}


def _set(row: int, column: str, value: str):
    def edit(rows):
        rows[row][_COL[column]] = value
    return edit


def _then(*edits):
    def edit(rows):
        for step in edits:
            step(rows)
    return edit


STRICT_CASES = [
    # (case, edit, expected=, line, end of the message after "<file>, line N: ")
    ("unknown id", _set(2, "comment_id", "p.c9"), SMALL, 3,
     ("expected only comments sent out for coding; found unknown comment_id 'p.c9' in row 3 "
     "(p.c9) (the id was changed or the row comes from another sheet: copy the id back from "
     "the exported sheet, or delete the row)")),
    ("unknown id, ids given", _set(1, "comment_id", "x.c1"), ["p.c1", "p.c2", "p.c3"], 2,
     "expected only comments sent out for coding; found unknown comment_id 'x.c1' in row 2"),
    ("missing row", lambda rows: rows.pop(3), SMALL, None,
     ("expected a row for each of the 3 comments sent out; found 1 missing: p.c3 (restore the "
     "missing rows from the exported sheet, or pass expected= the sheet that was sent out when "
     "it was a sample)")),
    ("duplicated row", lambda rows: rows.append(list(rows[1])), None, 5,
     ("expected each comment once; found comment_id 'p.c1' again (first in row 2) in row 5 (p.c1) "
     "(delete one of the two rows, keeping the codes you mean)")),
    ("short row", lambda rows: rows[2].pop(), None, 3,
     ("expected 12 cells in row 3, one per column; found 11 (a cell is missing) (a separator was "
     "lost or added: compare the row with the header, fix it in the spreadsheet and save it as "
     "CSV again)")),
    ("padded row", lambda rows: rows[2].append(""), None, 3,
     "expected 12 cells in row 3, one per column; found 13 (cells beyond the last column)"),
    ("depth zero", _set(1, "depth", "zero"), None, 2,
     ("expected depth to stay as exported (a whole number, 0 or more); found 'zero' in row 2 "
     "(p.c1) (depth is read-only: put the number back from the exported sheet)")),
    ("depth zero after a line break", _then(_set(1, "notes", "two\nlines"),
                                            _set(2, "depth", "zero")), None, 4,
     "expected depth to stay as exported (a whole number, 0 or more); found 'zero' in row 3 (p.c2)"),
    ("depth changed", _set(2, "depth", "0"), SMALL, 3,
     ("expected depth '1' as exported; found '0' in row 3 (p.c2) (depth is read-only: put '1' "
     "back, or check the row was not moved to another comment)")),
    ("post changed", _set(3, "post_id", "q"), SMALL, 4,
     "expected post_id 'p' as exported; found 'q' in row 4 (p.c3)"),
    ("auto_role typed over", _set(1, "auto_role", "doctor"), None, 2,
     ("expected auto_role to stay as exported (researcher, patient, relative, other, unknown or "
     "empty); found 'doctor' in row 2 (p.c1)")),
    ("bad role", _set(1, "role_code", "doctor"), None, 2,
     ("expected a role_code of researcher, patient, relative, other, unknown, or empty; found "
     "'doctor' in row 2 (p.c1) (correct the cell in the spreadsheet, save it as CSV again and "
     "read it again)")),
    ("bad sarcasm", _set(1, "sarcasm_code", "maybe"), None, 2,
     ("expected a sarcasm_code of 1/yes/y/true/sarcastic/s or 0/no/n/false/not sarcastic/ns, or "
     "empty; found 'maybe' in row 2 (p.c1)")),
    ("empty id", _set(1, "comment_id", " "), None, 2,
     ("expected a comment_id in row 2; found an empty cell (copy the id back from the exported "
     "sheet, or delete the row)")),
]


@pytest.mark.parametrize("case, edit, expected, line, message", STRICT_CASES,
                         ids=[case[0] for case in STRICT_CASES])
def test_strict_read_back_names_file_line_row_and_remedy(tmp_path, case, edit, expected, line,
                                                         message):
    exported = export_coding_sheet(SMALL, tmp_path / "sheet.csv", keep_names=True)
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[0] == _HEADER and len(rows) == 4
    read_coding_sheet(exported, expected=SMALL)  # the untouched sheet reads back
    edit(rows)
    path = tmp_path / "coded.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(ParseError) as error:
        read_coding_sheet(path, expected=expected)
    assert error.value.source == str(path) and error.value.line == line
    where = str(path) if line is None else f"{path}, line {line}"
    assert str(error.value).startswith(f"{where}: {message}")


def test_read_back_checked_against_a_sampled_sheet(demo, tmp_path):
    sent = coding_sheet(demo, sample=5, seed=1, keep_names=True)
    path = export_coding_sheet(demo, tmp_path / "s.csv", sample=5, seed=1, keep_names=True)
    back = read_coding_sheet(path, expected=sent)
    assert back["comment_id"].tolist() == sent["comment_id"].tolist()
    assert back["depth"].tolist() == [int(d) for d in sent["depth"]]
    with pytest.raises(ParseError, match=r"expected a row for each of the 76 comments sent out; "
                                         r"found 71 missing: "):
        read_coding_sheet(path, expected=demo)
    assert len(demo.comments) == 76


def test_real_coders_sheets_hold_the_same_comments():
    ben_ids = read_coding_sheet(SHEETS / "ben.csv")["comment_id"].tolist()
    ana = read_coding_sheet(SHEETS / "ana.csv", expected=ben_ids)
    assert sorted(ana["comment_id"]) == sorted(ben_ids) and len(ben_ids) == 10


def test_missing_and_repeated_columns(tmp_path):
    path = tmp_path / "coded.csv"
    path.write_text("comment_id,role,notes\np.c1,patient,\n", encoding="utf-8")
    with pytest.raises(ParseError) as error:
        read_coding_sheet(path)
    assert str(error.value) == (
        f"{path}, line 1: expected the columns comment_id, role_code, sarcasm_code, free_code, "
        "coder, notes; found comment_id, role, notes (missing role_code, sarcasm_code, "
        "free_code, coder) (restore the header row as exported; keep every column, even empty "
        "ones)")
    path.write_text("comment_id,role_code,sarcasm_code,free_code,coder,notes,notes\n",
                    encoding="utf-8")
    with pytest.raises(ParseError, match="line 1: expected each column once; found notes more"):
        read_coding_sheet(path)


# -- agreement ----------------------------------------------------------------------------------
def test_agreement_between_two_coders_known_values():
    ana = read_coding_sheet(SHEETS / "ana.csv")
    ben = read_coding_sheet(SHEETS / "ben.csv")
    result = agreement(ana, ben).iloc[0]
    # By hand. Ana and Ben agree on 8 of 10 comments (they differ on c8, Hamish, and on
    # Bernard's "Thanks a lot!!!"): Ao = 0.8. Marginals (patient, researcher, relative,
    # unknown, other): Ana 4,2,1,2,1; Ben 4,2,2,1,1. Expected agreement
    # Ae = (4*4 + 2*2 + 1*2 + 2*1 + 1*1) / 100 = 0.25, so
    # kappa = (0.8 - 0.25) / (1 - 0.25) = 0.55 / 0.75 = 0.7333.
    # Krippendorff's alpha (nominal): 20 pooled values, patient 8, researcher 4,
    # relative 3, unknown 3, other 2; De = 1 - (8*7 + 4*3 + 3*2 + 3*2 + 2*1) / (20*19)
    # = 298/380; Do = 4 disagreeing ordered pairs / 20 = 0.2; alpha = 1 - 0.2 / (298/380)
    # = 222/298 = 0.74497.
    assert (result["coder_a"], result["coder_b"], result["n_items"]) == ("ana", "ben", 10)
    assert result["percent_agreement"] == pytest.approx(0.8)
    assert result["cohen_kappa"] == pytest.approx(0.55 / 0.75)
    assert result["krippendorff_alpha"] == pytest.approx(222 / 298)
    from sklearn.metrics import cohen_kappa_score

    merged = ana.merge(ben, on="comment_id")
    assert result["cohen_kappa"] == pytest.approx(cohen_kappa_score(
        merged["role_code_x"].astype(str), merged["role_code_y"].astype(str)))


def test_agreement_on_sarcasm_and_with_automatic_labels(demo):
    ana = read_coding_sheet(SHEETS / "ana.csv")
    ben = read_coding_sheet(SHEETS / "ben.csv")
    sarcasm = agreement(ana, ben, column="sarcasm_code").iloc[0]
    # one disagreement in ten (LabRat's "Ha, we share the frustration"); 4 vs 5 "yes":
    # Ae = (4*5 + 6*5) / 100 = 0.5, kappa = (0.9 - 0.5) / 0.5 = 0.8
    assert sarcasm["percent_agreement"] == pytest.approx(0.9)
    assert sarcasm["cohen_kappa"] == pytest.approx(0.8)
    roles = msd.assign_roles(demo)
    versus_auto = agreement(ana, roles, column=["role_code", "role"], names=["ana", "auto"]).iloc[0]
    # automatic roles are coded on all 76 comments; compared on Ana's 10. Ana differs only on
    # Hamish (auto: relative): Ao = 0.9; Ae = (4*3 + 2*2 + 1*2 + 2*2 + 1*1)/100 = 0.23;
    # kappa = 0.67 / 0.77
    assert (versus_auto["n_items"], versus_auto["column_b"]) == (10, "role")
    assert versus_auto["cohen_kappa"] == pytest.approx(0.67 / 0.77)
    profile = pd.DataFrame({"comment_id": ana["comment_id"],
                            "has_any": [True, False, False, False, False, True, False, False,
                                        True, False]})
    versus_markers = agreement(ana, profile, column=["sarcasm_code", "has_any"]).iloc[0]
    assert versus_markers["percent_agreement"] == pytest.approx(0.9)


def test_agreement_three_codings_adds_an_overall_row():
    ana = read_coding_sheet(SHEETS / "ana.csv")
    ben = read_coding_sheet(SHEETS / "ben.csv")
    cleo = ana.assign(coder="cleo")
    result = agreement(ana, ben, cleo)
    assert result[["coder_a", "coder_b"]].values.tolist() == [
        ["ana", "ben"], ["ana", "cleo"], ["ben", "cleo"], ["ana, ben, cleo", "(all)"]]
    assert result.loc[1, "cohen_kappa"] == pytest.approx(1.0)
    assert result.loc[3, "n_items"] == 10
    # NLTK's multi-coder kappa is the mean of the pairwise kappas
    assert result.loc[3, "cohen_kappa"] == pytest.approx(result.loc[:2, "cohen_kappa"].mean())


def test_agreement_edge_cases():
    one = pd.DataFrame({"comment_id": ["a", "b"], "role_code": ["patient", "patient"]})
    same = agreement(one, one.copy())
    assert list(same["coder_a"]) == ["coding1"] and list(same["coder_b"]) == ["coding2"]
    assert same.loc[0, "percent_agreement"] == 1.0 and np.isnan(same.loc[0, "cohen_kappa"])
    assert same.loc[0, "note"] == "one label only: kappa and alpha undefined"
    none = agreement(one, pd.DataFrame({"comment_id": ["z"], "role_code": ["other"]}))
    assert none.loc[0, "n_items"] == 0 and none.loc[0, "note"] == "no comment coded by all"
    with pytest.raises(ValueError, match="agreement needs two or more codings; found 1"):
        agreement(one)
    with pytest.raises(KeyError, match="agreement: coding 'coding2' has no column 'role_code'"):
        agreement(one, pd.DataFrame({"comment_id": ["a"], "role": ["x"]}))
    with pytest.raises(ValueError, match="agreement: column lists 3 names for 2 codings"):
        agreement(one, one, column=["a", "b", "c"])


def test_unusual_line_breaks_inside_a_comment_survive(tmp_path):
    corpus = Corpus.from_records(comments=[
        {"comment_id": "p.c1", "post_id": "p", "text": "one\u2028two\x0cthree\r\nfour\rfive"}])
    back = read_coding_sheet(export_coding_sheet(corpus, tmp_path / "s.csv"))
    assert back.loc[0, "text"] == "one\u2028two\x0cthree\r\nfour\rfive"


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_CELL, min_size=1, max_size=5),
       authors=st.lists(st.one_of(st.none(), _CELL), min_size=5, max_size=5))
def test_any_text_round_trips_through_a_sheet(tmp_path, texts, authors):
    # formula starts, quotes, apostrophes, separators and every kind of line break
    corpus = Corpus.from_records(comments=[
        {"comment_id": f"p.c{i}", "post_id": "p", "text": text, "author": authors[i]}
        for i, text in enumerate(texts)])
    back = read_coding_sheet(export_coding_sheet(corpus, tmp_path / "h.csv", keep_names=True))
    expected = [t if t.strip() else None for t in texts]
    assert [None if pd.isna(t) else t for t in back["text"]] == expected
