"""What each kind of draft says, read from the record: every recommendation in scope, the
latest narrative of each, gaps where nothing is recorded, sources, te reo Māori runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import event, select

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.draft_model import MI, Draft, Gap, Heading, Paragraph, Table
from nmrf_desktop.services.drafting import DraftRequest, build_draft
from nmrf_desktop.services.reports.request import fingerprint
from nmrf_desktop.store.models import Recommendation
from nmrf_desktop.store.recommendations import fetch_rows
from tests.unit.drafting.conftest import (
    CEDAW,
    HIDDEN_ACTION,
    PUBLIC_ACTION,
    PUBLIC_FILE,
    PUBLIC_LINK,
    TODAY,
    Planted,
)

CERD = "CERD/C/NZL/CO/21-22 para "


def text_of(draft: Draft) -> str:
    """Every word of the draft's blocks, as one string."""
    parts: list[str] = []
    for b in draft.blocks:
        if isinstance(b, Heading | Gap):
            parts.append(b.text)
        elif isinstance(b, Paragraph):
            parts.append("".join(r.text for r in b.runs))
        elif isinstance(b, Table):
            parts += [c for row in cells(b) for c in row]
    return "\n".join(parts)


def cells(table: Table) -> list[list[str]]:
    """A table's rows as plain text."""
    return [[c if isinstance(c, str) else c.text for c in row] for row in table.rows]


def upr_references(p: Planted) -> set[str]:
    with p.record.reading() as session:
        return set(session.execute(select(Recommendation.reference)
                                   .where(Recommendation.body == "UPR")).scalars())


@pytest.fixture(scope="module")
def mid_term(planted: Planted) -> Draft:
    return build_draft(planted.record, DraftRequest("upr-mid-term"))


def test_mid_term_names_every_upr_recommendation_in_every_one_of_its_themes(
        planted: Planted, mid_term: Draft) -> None:
    refs = upr_references(planted)
    assert len(refs) == 228
    assert set(mid_term.references()) == refs
    tables = [b for b in mid_term.blocks if isinstance(b, Table)]
    rows = Counter(r[0].rsplit("(", 1)[1].split(";")[0].rstrip(")") for t in tables
                   for r in cells(t))
    assert set(rows) == refs
    with planted.record.reading() as session:
        themes = fetch_rows(session, [planted.ids[planted.star]])[0].themes
    assert len(themes) > 1
    assert rows[planted.star] == len(themes)
    headings = [b.text for b in mid_term.blocks if isinstance(b, Heading) and b.level == 1]
    assert set(themes) <= set(headings)
    assert headings == sorted(headings, key=lambda h: (h == "No theme recorded",
                                                       h.casefold(), h))
    assert mid_term.meta.title == ("Mid-term report on the recommendations of the Universal "
                                   "Periodic Review (first and second cycles)")


def test_mid_term_table_row_has_position_actions_status_and_lead_agency_first(
        mid_term: Draft, planted: Planted) -> None:
    star = planted.star
    row = next(r for b in mid_term.blocks if isinstance(b, Table) for r in cells(b)
               if f"({star};" in r[0])
    assert "recommended by" in row[0]
    assert row[1] in ("Supported", "Noted", "Supported in part")
    assert PUBLIC_ACTION in row[2] and HIDDEN_ACTION in row[2]
    assert row[3] == "Implemented (1 February 2025)"
    assert row[4].split("; ")[0].endswith("(lead)")


def test_every_latest_narrative_is_present_with_its_date_and_macrons(
        mid_term: Draft, planted: Planted) -> None:
    text = text_of(mid_term)
    for ref, narrative in planted.latest.items():
        if ref.startswith("NZL-"):
            assert narrative in text, ref
    assert "Work with iwi in Ōtautahi" not in text  # TPK's older update: the latest is kept
    assert "As of 1 February 2025, Te Puni Kōkiri" in text
    assert "whānau and hapū" in text


def test_gaps_are_counted_once_each_and_never_filled_in(mid_term: Draft,
                                                         planted: Planted) -> None:
    answered = {r for r in planted.latest if r.startswith("NZL-")}
    gaps = {g.reference for g in mid_term.gaps}
    assert gaps == upr_references(planted) - answered
    assert f"Gaps — no progress recorded: {len(gaps)} " in " ".join(mid_term.summary)
    assert "Recommendations in scope: 228" in mid_term.summary
    sample = next(g for g in mid_term.gaps if g.reference == "NZL-UPR5-001")
    assert sample.text == ("NZL-UPR5-001: [No progress recorded since 2009; lead agencies: "
                           "Ministry of Foreign Affairs and Trade and Ministry of Justice]")


def test_sources_name_recommendations_evidence_and_updates(mid_term: Draft,
                                                           planted: Planted) -> None:
    star = planted.star
    cited = [s for b in mid_term.blocks if isinstance(b, Paragraph) for s in b.sources
             if any(x.label == star for x in b.sources)]
    kinds = {s.kind for s in cited}
    assert kinds == {"recommendation", "evidence", "update"}
    evidence = {s.label: s.detail for s in cited if s.kind == "evidence"}
    assert len(evidence[PUBLIC_FILE]) == 64
    assert evidence["Whānau Ora on the TPK site"] == PUBLIC_LINK
    rec = next(s for s in cited if s.kind == "recommendation")
    assert rec.detail == "UPR session 18, 2014"


def test_agency_maori_names_are_te_reo_runs(mid_term: Draft) -> None:
    mi = {r.text for b in mid_term.blocks if isinstance(b, Paragraph) for r in b.runs
          if r.lang == MI}
    assert {"Te Tāhū o te Ture", "Te Puni Kōkiri"} <= mi
    english = {r.text for b in mid_term.blocks if isinstance(b, Paragraph) for r in b.runs
               if r.lang != MI}
    assert "Te Tāhū o te Ture" not in " ".join(english)


def test_meta_dates_and_fingerprint_are_the_records(mid_term: Draft, planted: Planted) -> None:
    with planted.record.reading() as session:
        assert mid_term.meta.fingerprint == fingerprint(session)
    assert mid_term.meta.draft_date == TODAY
    assert TODAY.isoformat() not in text_of(mid_term)
    assert mid_term.meta.scope == ("Body: UPR",)


def test_two_builds_give_the_same_draft_but_the_date(planted: Planted) -> None:
    for request in (DraftRequest("upr-mid-term", group_by="cluster"),
                    DraftRequest("periodic", body="CEDAW"), DraftRequest("follow-up")):
        first, second = (build_draft(planted.record, request) for _ in range(2))
        assert first == second


def test_by_cluster_groups_the_confirmed_cluster_then_the_rest(planted: Planted) -> None:
    made = build_draft(planted.record, DraftRequest("upr-mid-term", group_by="cluster"))
    headings = [b.text for b in made.blocks if isinstance(b, Heading) and b.level == 1]
    assert headings[0].startswith("Overlap cluster OC-")
    assert headings[-1] == "Recommendations in no confirmed overlap cluster"
    assert len(headings) == 2  # the one cluster confirmed; detection alone makes no group
    first_table = next(b for b in made.blocks if isinstance(b, Table))
    assert all(f"({ref};" in " ".join(r[0] for r in cells(first_table))
               for ref in planted.cluster)
    assert set(made.references()) == upr_references(planted)


def test_follow_up_goes_through_the_flagged_paragraphs(planted: Planted) -> None:
    made = build_draft(planted.record, DraftRequest("follow-up", body="CERD"))
    assert made.references() == (f"{CERD}12", f"{CERD}20(a)", f"{CERD}20(b)")
    text = text_of(made)
    assert "Matike Mai Aotearoa report" in text and "As of 30 June 2023" in text
    assert "Te Hao Nui: the Māori pathways programme" in text
    assert [g.text for g in made.gaps] == [
        "[No progress recorded since 22 August 2017; lead agency: Ministry of Justice]"]
    headings = [(b.level, b.text) for b in made.blocks if isinstance(b, Heading)]
    assert headings == [(1, "Concluding observations CERD/C/NZL/CO/21-22"),
                        (2, "Paragraph 12"), (2, "Paragraph 20"), (3, "Paragraph 20(a)"),
                        (3, "Paragraph 20(b)")]
    quotes = [b for b in made.blocks if isinstance(b, Paragraph) and b.style == "Quote"]
    assert quotes[0].runs[0].text.startswith("The Committee recommends")
    assert "Committee on the Elimination of Racial Discrimination" in made.meta.title


def test_follow_up_on_named_paragraphs(planted: Planted) -> None:
    made = build_draft(planted.record, DraftRequest("follow-up", body="CEDAW",
                                                    paragraphs=("23(b)", "40")))
    assert made.references() == (f"{CEDAW} para 23(b)", f"{CEDAW} para 40")
    assert len(made.gaps) == 2
    assert "Paragraphs: 23(b), 40" in made.meta.scope


def test_periodic_by_theme_and_by_paragraph_since_a_date(planted: Planted) -> None:
    by_theme = build_draft(planted.record, DraftRequest("periodic", body="CEDAW"))
    assert set(by_theme.references()) == {f"{CEDAW} para {p}"
                                          for p in ("15", "23(a)", "23(b)", "40")}
    themes = [b.text for b in by_theme.blocks if isinstance(b, Heading) and b.level == 1]
    assert themes == ["Employment", "Ratification", "Wāhine Māori"]
    # 23(a) carries two themes: answered under the first, pointed to from the second
    assert [g.reference for g in by_theme.gaps].count(f"{CEDAW} para 23(a)") == 1
    assert "See “Employment” above." in text_of(by_theme).split("Wāhine Māori\n", 1)[1]
    assert "Wāhine Māori were consulted" in text_of(by_theme)
    since = dt.date(2024, 1, 1)
    cerd = build_draft(planted.record, DraftRequest("periodic", body="CERD",
                                                    group_by="paragraph", since=since))
    text = text_of(cerd)
    assert "Matike Mai" not in text.replace("proposals of Matike Mai", "")  # 2023: before
    assert "Te Hao Nui" in text
    gap = next(g for g in cerd.gaps if g.reference == f"{CERD}12")
    assert gap.text == ("[No progress recorded since 1 January 2024; lead agency: Ministry "
                        "of Justice]")
    assert "Progress since 1 January 2024" in cerd.meta.scope
    assert "With progress recorded since 1 January 2024: 1" in cerd.summary


def test_filters_narrow_the_scope(planted: Planted) -> None:
    made = build_draft(planted.record, DraftRequest(
        "upr-mid-term", Filters(cycles=(2,), agency="MFAT")))
    refs = made.references()
    assert refs and all(r.startswith("NZL-UPR18-") for r in refs)
    assert "(second cycle)" in made.meta.title
    assert any(line.startswith("Assigned to Ministry of Foreign Affairs") for line in
               made.meta.scope)


def test_the_old_update_is_a_gap_since_a_later_date(planted: Planted) -> None:
    (old,) = planted.old
    made = build_draft(planted.record, DraftRequest("upr-mid-term",
                                                    since=dt.date(2023, 1, 1)))
    gap = next(g for g in made.gaps if g.reference == old)
    assert "since 1 January 2023" in gap.text
    plain = build_draft(planted.record, DraftRequest("upr-mid-term"))
    assert old not in {g.reference for g in plain.gaps}


def _statements(planted: Planted, request: DraftRequest) -> int:
    count = 0

    def seen(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(planted.record.engine, "before_cursor_execute", seen)
    try:
        build_draft(planted.record, request)
    finally:
        event.remove(planted.record.engine, "before_cursor_execute", seen)
    return count


def test_the_record_is_read_in_bulk_not_once_per_recommendation(planted: Planted) -> None:
    few = _statements(planted, DraftRequest("upr-mid-term", Filters(themes=("Minorities",))))
    every = _statements(planted, DraftRequest("upr-mid-term"))
    # 228 recommendations or a handful: the same few queries (one more where there are
    # actions whose evidence to read, or clusters), never one per recommendation
    assert few <= every <= few + 5 and every < 40, (few, every)
