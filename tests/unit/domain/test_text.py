"""Text rules: whitespace squashing, diacritic folding, spreadsheet-formula detection."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, strategies as st

from nmrf_desktop.domain.records import Filters, RowProblem
from nmrf_desktop.domain.text import and_list, fold, identity_text, looks_like_formula, squash


@pytest.mark.parametrize("value", [
    "=cmd|' /C calc'!A0", "=1+1", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1",
    "=HYPERLINK(\"http://evil\")", "-cmd", "+", "@",
])
def test_formulas_are_caught(value: str) -> None:
    assert looks_like_formula(value)


@pytest.mark.parametrize("value", [
    "", "Ratify the OPCAT", "- Children", "-", "-5", "+64", "3.5", "-0.25", "a=b",
    "Māori = tangata whenua", " =1",  # a leading space does not start a formula
])
def test_ordinary_text_is_not_a_formula(value: str) -> None:
    assert not looks_like_formula(value)


def test_fold_strips_diacritics_and_case() -> None:
    assert fold("Māori") == fold("MAORI") == "maori"
    assert fold("whānau") == "whanau"
    assert fold("Ma\u0304ori") == "maori"  # decomposed form folds the same
    assert fold("Côte d'Ivoire") == "cote d'ivoire"


@given(st.text())
def test_fold_is_idempotent_and_case_blind(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert fold(text) == fold(text).casefold()


def test_squash() -> None:
    assert squash("  Ratify\r\n the\tOPCAT  ") == "Ratify the OPCAT"
    assert squash("Ma\u0304ori") == "Māori"  # NFC
    assert squash("") == ""


@given(st.text())
def test_squash_is_idempotent_and_trimmed(text: str) -> None:
    once = squash(text)
    assert squash(once) == once
    assert once == once.strip()
    assert "  " not in once


def test_identity_text_ignores_case_and_spacing() -> None:
    assert identity_text("Ratify the ICRMW ") == identity_text("ratify  the\nICRMW")
    assert identity_text("Ratify the ICRMW") != identity_text("Ratify the CRPD")


def test_filters_text_is_composed() -> None:
    assert Filters(text="Ma\u0304ori wha\u0304nau").text == "Māori whānau"
    assert unicodedata.is_normalized("NFC", Filters(text="x\u0301").text)


def test_row_problem_names_file_row_and_column() -> None:
    assert str(RowProblem("a.csv", 3, "Session", "'x' is bad")) == (
        "a.csv, row 3, column 'Session': 'x' is bad")
    assert str(RowProblem("a.csv", 0, "", "the file is empty")) == "a.csv: the file is empty"


def test_and_list_reads_as_english() -> None:
    assert [and_list(x) for x in ([], ["MOJ"], ["MOJ", "TPK"], ["MOJ", "TPK", "MSD"])] == [
        "", "MOJ", "MOJ and TPK", "MOJ, TPK and MSD"]
