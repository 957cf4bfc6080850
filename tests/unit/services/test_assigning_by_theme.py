"""Contributing agencies by theme: the bundled table, what it assigns, and bad tables."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog
from nmrf_desktop.services.assigning import (
    ThemeRule,
    ThemeTableError,
    UnknownAgency,
    assign,
    assign_contributing_by_theme,
    assign_lead_defaults,
    flag,
    theme_rules,
    theme_table_path,
)
from nmrf_desktop.services.facets import agency_choices
from nmrf_desktop.services.record import Record


def _assignments(db: Path) -> list[tuple[str, str, str, int]]:
    with closing(sqlite3.connect(db)) as conn:
        return sorted(conn.execute("SELECT recommendation_id, agency_code, role, active "
                                   "FROM assignments"))


def _ids(record: Record, **filters: object) -> set[str]:
    return {r.id for r in catalog.search_recommendations(record, Filters(**filters),  # type: ignore[arg-type]
                                                         limit=None)}


def test_the_bundled_table_names_only_seeded_agencies_and_says_its_basis(record: Record
                                                                        ) -> None:
    rules = theme_rules()
    codes = {a.code for a in agency_choices(record)}
    assert {c for rule in rules for c in rule.agencies} <= codes
    for needed in ("OT", "MSD", "TPK", "MFW", "WHAIKAHA", "MPP", "MOJ", "POLICE",
                   "CORRECTIONS", "MOH", "MOE", "MFE", "MBIE"):
        assert any(needed in rule.agencies for rule in rules), needed
    text = theme_table_path().read_text(encoding="utf-8")
    assert "Basis:" in text and "Annex II" in text and "Te Puni Kōkiri" in text


def test_words_match_without_case_or_macrons_and_whole_words_only() -> None:
    rule = ThemeRule("Māori", ("TPK",), words=("māori*", "whanau", "te tiriti"))
    assert rule.applies((), "support whanau ora for maori families")
    assert rule.applies((), "the maoris of aotearoa")
    assert rule.applies((), "honour te\ntiriti o waitangi")  # any space between words
    assert not rule.applies((), "a timaori word")  # not inside another word
    assert not rule.applies((), "support iwi ora for all families")
    themed = ThemeRule("Children", ("OT",), themes=("Rights of the child", "Children*"))
    assert themed.applies([("theme", "Rights of the Child")], "")
    assert themed.applies([("theme", "Children: family environment")], "")
    assert not themed.applies([("group", "Rights of the Child")], "")  # a theme, not a group
    assert ThemeRule("Tiriti", ("TPK",), te_tiriti=True).applies((), "", te_tiriti=True)


def test_assigns_contributing_agencies_once_and_keeps_leads_and_removals(
        nz_record: Record, db_path: Path) -> None:
    assign_lead_defaults(nz_record)  # MOJ and MFAT lead on all 228
    removed = sorted(_ids(nz_record, text="children"))[0]
    assign(nz_record, "OT", AssignmentRole.CONTRIBUTING, ids=[removed])
    with closing(sqlite3.connect(db_path)) as conn:  # a coordinator took it away again
        conn.execute("UPDATE assignments SET active = 0 WHERE agency_code = 'OT'")
        conn.commit()
    done = assign_contributing_by_theme(nz_record)
    assert done["created"] > 0 and 0 < done["matched"] < 228
    assert done["kept"] >= 1  # the removed one at least
    assert removed not in _ids(nz_record, agency="OT")
    assert _ids(nz_record, agency="MOJ", role="lead") == _ids(nz_record)  # no lead demoted
    assert _ids(nz_record, agency="MOJ", role="contributing") == set()
    children = _ids(nz_record, text="children") - {removed}
    assert children and children <= _ids(nz_record, agency="OT", role="contributing")
    assert _ids(nz_record, text="Maori") <= _ids(nz_record, agency="TPK", role="contributing")
    before = _assignments(db_path)
    again = assign_contributing_by_theme(nz_record)
    assert again["created"] == 0 and _assignments(db_path) == before  # nothing twice
    assert catalog.check(nz_record) == []
    with closing(sqlite3.connect(db_path)) as conn:
        events = [e for (e,) in conn.execute("SELECT event FROM audit_log")]
    assert events.count("assign-contributing-by-theme") == 2


def test_te_tiriti_flag_brings_te_puni_kokiri(nz_record: Record) -> None:
    assign_contributing_by_theme(nz_record)
    plain = sorted(_ids(nz_record) - _ids(nz_record, agency="TPK"))[0]
    flag(nz_record, [plain], te_tiriti=True)
    assert assign_contributing_by_theme(nz_record)["created"] == 1
    assert plain in _ids(nz_record, agency="TPK", role="contributing")


def test_an_unknown_agency_in_the_table_writes_nothing(nz_record: Record, db_path: Path
                                                       ) -> None:
    rules = (*theme_rules(), ThemeRule("Sport", ("SPORTNZ",), words=("sport*",)))
    before = _assignments(db_path)
    with pytest.raises(UnknownAgency, match="theme rule 'Sport': unknown agency code "
                                            "'SPORTNZ'"):
        assign_contributing_by_theme(nz_record, rules)
    assert _assignments(db_path) == before


@pytest.mark.parametrize(("text", "message"), [
    ("[[rule]\nname = 'x'", r"themes\.toml: not a readable TOML file"),
    ("title = 'x'\n", r"themes\.toml: unknown key 'title' \(only \[\[rule\]\] tables\)"),
    ("", r"themes\.toml: no \[\[rule\]\] tables"),
    ("[[rule]]\nagencies = ['OT']\nwords = ['child']\n", r"rule 1: 'name' must be a text"),
    ("[[rule]]\nname = 'Kids'\nwords = ['child']\n",
     r"themes\.toml: rule 1 \(Kids\): 'agencies' names no agency"),
    ("[[rule]]\nname = 'Kids'\nagencies = 'OT'\nwords = ['child']\n",
     r"rule 1 \(Kids\): 'agencies' must be a list of texts"),
    ("[[rule]]\nname = 'A'\nagencies = ['OT']\nwords = ['a']\n"
     "[[rule]]\nname = 'B'\nagencies = ['OT']\nwords = ['child', 3]\n",
     r"rule 2 \(B\): 'words' must be a list of texts"),
    ("[[rule]]\nname = 'Kids'\nagencies = ['OT']\nwrods = ['child']\n",
     r"rule 1: unknown key 'wrods'"),
    ("[[rule]]\nname = 'Kids'\nagencies = ['OT']\n", r"rule 1 \(Kids\): the rule matches "
                                                     r"nothing"),
    ("[[rule]]\nname = 'Tiriti'\nagencies = ['TPK']\nte_tiriti = 'yes'\n",
     r"rule 1 \(Tiriti\): 'te_tiriti' must be true or false"),
])
def test_a_bad_table_is_refused_naming_file_rule_and_field(tmp_path: Path, text: str,
                                                            message: str) -> None:
    table = tmp_path / "themes.toml"
    table.write_text(text, encoding="utf-8")
    with pytest.raises(ThemeTableError, match=message):
        theme_rules(table)


def test_a_missing_or_binary_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ThemeTableError, match=r"nowhere\.toml: cannot be read"):
        theme_rules(tmp_path / "nowhere.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00rule")
    with pytest.raises(ThemeTableError, match=r"binary\.toml: not a readable TOML file"):
        theme_rules(binary)
