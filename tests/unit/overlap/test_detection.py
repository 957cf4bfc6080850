"""The detector alone: instrument asks, theme-only pairs kept apart, explanations."""

from __future__ import annotations

from nmrf_desktop.overlap.detector import Prepared, detect_group
from nmrf_desktop.overlap.instruments import asks
from nmrf_desktop.overlap.model import CONFIRM, REJECT, Decision, Doc
from nmrf_desktop.overlap.similarity import TermStats
from nmrf_desktop.overlap.text import features, normalise


def _detect(texts: list[str], decisions: list[Decision] | None = None):  # type: ignore[no-untyped-def]
    docs = [Prepared(Doc(f"r{i:02d}", "X", t), features(t), asks(t)) for i, t in enumerate(texts)]
    stats = TermStats()
    for d in docs:
        stats.add(d.counts)
    return detect_group(docs, stats, decisions or [])


def test_hedges_are_stripped() -> None:
    assert normalise("Consider the possibility of signing the CPED") == "signing the cped"
    assert normalise("Continue its efforts to combat racism") == "combat racism"


def test_ratify_family_and_abbreviations_are_one_ask() -> None:
    keys = {a.key for t in ("Consider ratifying the OP-CAT",
                            "Sign and ratify the Optional Protocol to the Convention against "
                            "Torture", "Accede to OPCAT") for a in asks(t)}
    assert keys == {"ratify:OP-CAT"}
    assert {a.key for a in asks("Ratify the ICRMW and the Rome Statute")} == {
        "ratify:ICRMW", "ratify:ROME"}
    assert {a.key for a in asks("Become a party to the migrant workers convention")} == {
        "ratify:ICRMW"}
    assert [a.key for a in asks("Ratify the Second Optional Protocol to the ICCPR")] == [
        "ratify:ICCPR-OP2"]
    assert [a.key for a in asks("Ratify ILO Convention No. 169")] == ["ratify:ILO-169"]
    assert [a.key for a in asks("Endorse the UN Declaration on the Rights of Indigenous "
                                "Peoples")] == ["endorse:UNDRIP"]


def test_an_optional_protocol_is_not_its_treaty() -> None:
    assert [a.key for a in asks("Ratify the Optional Protocol to the CRPD")] == [
        "ratify:OP-CRPD"]
    assert asks("Bring its law into full compliance with the ICCPR") == ()
    assert [a.key for a in asks("Ratify the CED and implement the CRC")] == ["ratify:CED"]


def test_same_instrument_matches_different_instruments_never() -> None:
    result = _detect(["Consider ratifying the ICRMW", "Ratify the International Convention on "
                      "the Protection of the Rights of All Migrant Workers and Members of Their "
                      "Families", "Ratify the CPED"])
    assert [(m.a, m.b, m.basis) for m in result.matches] == [("r00", "r01", "instrument")]
    assert "Migrant Workers Convention" in result.matches[0].reason
    assert [c.members for c in result.clusters] == [["r00", "r01"]]
    assert result.clusters[0].reasons


def test_theme_only_pairs_are_kept_apart() -> None:
    result = _detect([
        "Take steps to eliminate the gender pay gap across all groups and ethnicities",
        "Eliminate the gender pay gap across all groups and ethnicities using effective "
        "mechanisms",
        "Increase the participation of women in governance and on public sector boards",
        "Continue its efforts to combat all forms of violence against women",
        "Adopt a national action plan on women, peace and security",
    ])
    assert [c.members for c in result.clusters] == [["r00", "r01"]]
    text_match = result.matches[0]
    assert text_match.basis == "concept" and "gender pay gap" in text_match.reason
    assert 0 < text_match.score <= 1


def test_decisions_override_detection() -> None:
    texts = ["Ratify the ICRMW", "Consider ratifying the ICRMW", "Raise the age of criminal "
             "responsibility", "Raise the minimum age of criminal responsibility to 14"]
    result = _detect(texts, [Decision("r00", "r01", REJECT), Decision("r01", "r02", CONFIRM)])
    assert all(not {"r00", "r01"} <= set(c.members) for c in result.clusters)
    assert any({"r01", "r02"} <= set(c.members) for c in result.clusters)
    assert ("r01", "r02", "confirmed") in {(m.a, m.b, m.basis) for m in result.matches}
