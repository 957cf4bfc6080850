"""Asks inside one recommendation, the thesaurus and concrete-problem concepts."""

from __future__ import annotations

from nmrf_desktop.overlap.detector import Prepared, detect_group
from nmrf_desktop.overlap.instruments import asks
from nmrf_desktop.overlap.model import REJECT, Decision, Doc
from nmrf_desktop.overlap.similarity import TermStats
from nmrf_desktop.overlap.text import analyse, clauses, concept_asks, content_words, features


def _detect(texts: list[str], decisions: list[Decision] | None = None):  # type: ignore[no-untyped-def]
    docs = [Prepared(Doc(f"r{i:02d}", "X", t), features(t), asks(t))
            for i, t in enumerate(texts)]
    stats = TermStats()
    for d in docs:
        stats.add(d.counts)
    return detect_group(docs, stats, decisions or [])


def test_a_recommendation_is_split_into_its_asks() -> None:
    assert clauses("Reduce the socioeconomic differences for minorities, and increase efforts "
                   "in the fight against child poverty") == [
        "reduce the socioeconomic differences for minorities",
        "increase efforts in the fight against child poverty"]
    assert clauses("Sign and ratify the CPED") == ["sign ratify the cped"]


def test_thesaurus_reads_equivalent_expressions_as_one() -> None:
    for text in ("Tighten the gap in salaries between men and women",
                 "Eliminate the gender pay gap", "Ensure equal pay for work of equal value",
                 "Address the wage gap between men and women"):
        assert concept_asks(text) == ("gender-pay-gap",), text
    assert concept_asks("Raise the minimum age of criminal responsibility") == (
        "age-criminal-responsibility",)
    assert content_words("Protect the rights of First Nations") == content_words(
        "Protect the rights of indigenous peoples")


def test_one_ask_of_a_multi_ask_text_matches_and_clusters_per_ask() -> None:
    result = _detect([
        "Reduce child poverty",
        "Protect the rights of migrant workers, and reduce child poverty",
        "Protect the rights of migrant workers in agriculture",
        "Abolish the death penalty",
    ])
    groups = [c.members for c in result.clusters]
    assert ["r00", "r01"] in groups
    assert ["r01", "r02"] in groups
    assert not any({"r00", "r02"} <= set(g) for g in groups)
    reasons = {(m.a, m.b): m.reason for m in result.matches}
    assert "child poverty" in reasons[("r00", "r01")]
    assert reasons[("r01", "r02")].startswith("similar wording")


def test_a_rejected_concept_pair_stays_apart() -> None:
    texts = ["Close the gender pay gap", "Ensure equal pay for women and men"]
    assert [c.members for c in _detect(texts).clusters] == [["r00", "r01"]]
    assert _detect(texts, [Decision("r00", "r01", REJECT)]).clusters == []


def test_a_committee_paragraph_is_read_as_the_asks_it_makes() -> None:
    committee = ("12. Recalling its previous recommendation (CRC/C/15/Add.230, para. 8), the "
                 "Committee recommends that the State party: (a) Adopt a comprehensive law on "
                 "the rights of the child; (b) Establish a national human rights institution in "
                 "line with the Paris Principles.")
    assert analyse(committee).parts == [features("Adopt a comprehensive law on the rights of "
                                                 "the child"),
                                        features("Establish a national human rights "
                                                 "institution in line with the Paris "
                                                 "Principles")]
    assert analyse("Abolish the death penalty") == analyse("Abolish the death penalty")
    assert analyse("Abolish the death penalty").parts == []
    result = _detect([committee,
                      "Adopt a comprehensive children's act covering all rights of the child",
                      "Establish a national human rights institution in accordance with the "
                      "Paris Principles",
                      "Abolish the death penalty"])
    groups = [c.members for c in result.clusters]
    assert ["r00", "r02"] in groups
    assert all("r03" not in g for g in groups)
