"""Fixtures for the drafting tests: one record per session (built by the migrations, read
only by the tests) with New Zealand's 228 UPR recommendations, CERD and CEDAW concluding
observations, actions, progress with macrons, evidence, a confirmed overlap cluster, and
what must never reach a consultation draft (a private narrative, an officer's name, an
unpublished action, private evidence)."""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.importers.documents.model import (
    DocumentInfo,
    DocumentKind,
    DocumentPreview,
    DocumentRecommendation,
)
from nmrf_desktop.services import entry, overlap
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import Officer, ProgressUpdate, Recommendation
from tests.conftest import NZ_CSV
from tests.unit.documents.previews import concluding_observations

PRIVATE = "SECRET-NARRATIVE the Minister's office has yet to agree"
OFFICER = "Aroha Testofficer"
HIDDEN_ACTION = "SECRET-ACTION cabinet bid"
PRIVATE_FILE = "private-briefing.txt"
PUBLIC_NARRATIVE = "Work with iwi in Ōtautahi has begun; Māori and whānau shape the plan."
PUBLIC_ACTION = "Whānau Ora expansion"
PUBLIC_FILE = "public-cabinet-paper.txt"
PUBLIC_LINK = "https://www.tpk.govt.nz/whanau-ora"
CEDAW = "CEDAW/C/NZL/CO/9"
LEAKS = (PRIVATE, "SECRET-NARRATIVE", OFFICER, "Testofficer", HIDDEN_ACTION, "SECRET-ACTION",
         PRIVATE_FILE)
TODAY = dt.date.today()


@dataclass
class Planted:
    """The record, and what was planted in it (by reference)."""

    record: Record
    path: Path
    latest: dict[str, str] = field(default_factory=dict)  # reference -> latest narrative
    public_latest: dict[str, str] = field(default_factory=dict)  # ... of public updates
    old: set[str] = field(default_factory=set)  # references whose only update is from 2019
    cluster: tuple[str, str] = ("", "")  # the confirmed pair
    star: str = ""  # the UPR recommendation with actions, evidence, public and private updates
    ids: dict[str, str] = field(default_factory=dict)  # reference -> id


def cedaw_observations(tmp: Path) -> DocumentPreview:
    """CEDAW's concluding observations on New Zealand, shortened: follow-up on 15 and 23."""
    path = tmp / "CEDAW_C_NZL_CO_9.docx"
    path.write_bytes(b"stand-in")
    recs = [
        DocumentRecommendation("15", "Ensure that wāhine Māori take part in decisions on "
                               "the settlement of Treaty claims.", section="Wāhine Māori"),
        DocumentRecommendation("23(a)", "Close the gender pay gap, including for Māori and "
                               "Pasifika women;", themes=("Wāhine Māori",),
                               section="Employment"),
        DocumentRecommendation("23(b)", "Review the Equal Pay Act 1972;", section="Employment"),
        DocumentRecommendation("40", "Ratify the Optional Protocol on the communications "
                               "procedure.", section="Ratification"),
    ]
    return DocumentPreview(
        file=str(path), document=DocumentInfo(DocumentKind.CONCLUDING_OBSERVATIONS, CEDAW,
                                               "CEDAW", "New Zealand", dt.date(2018, 7, 25)),
        recommendations=recs, follow_up_paragraphs=["15", "23"],
        follow_up_due=dt.date(2020, 7, 25))


def _ids(record: Record) -> dict[str, str]:
    with record.reading() as session:
        return {ref: rid for ref, rid in session.query(Recommendation.reference,
                                                       Recommendation.id)}


def _progress(p: Planted, ref: str, agency: str, status: ImplementationStatus, text: str,
              when: dt.date, public: bool) -> None:
    entry.add_progress(p.record, ProgressDraft(p.ids[ref], agency, status, text, when,
                                               is_public=public))


def plant(record: Record, path: Path, folder: Path) -> Planted:
    import_files(record, "upr-info", [NZ_CSV])
    apply(record, concluding_observations(folder))
    apply(record, cedaw_observations(folder))
    assign_lead_defaults(record)
    record.set_setting("officer_name", OFFICER)
    p = Planted(record, path, ids=_ids(record))
    # Twelve UPR recommendations with progress; one of them has only a 2019 update.
    upr = sorted(r for r in p.ids if r.startswith("NZL-UPR18-"))[:12]
    for n, ref in enumerate(upr):
        when = dt.date(2024, 1 + n % 12, 10)
        text = f"NARRATIVE-{ref}: the Ministry reports progress with whānau and hapū ({n})."
        if n == 11:
            when, text = dt.date(2019, 5, 1), f"OLD-NARRATIVE-{ref}: an early step."
            p.old.add(ref)
        _progress(p, ref, "MOJ", ImplementationStatus.IN_PROGRESS, text, when, public=True)
        p.latest[ref] = p.public_latest[ref] = text
    # A narrative with control characters a Word file cannot hold: dropped, the rest kept.
    hostile = sorted(r for r in p.ids if r.startswith("NZL-UPR18-"))[12]
    _progress(p, hostile, "MOJ", ImplementationStatus.ONGOING,
              "Kōrero\x0b with hapū\x1f continues.", dt.date(2024, 6, 1), public=True)
    p.latest[hostile] = p.public_latest[hostile] = "Kōrero with hapū continues."
    # The one with everything: public and private action, evidence, updates.
    star = p.star = upr[0]
    shown = entry.create_action(record, ActionDraft(
        title=PUBLIC_ACTION, agency="TPK", kind=ActionKind.PROGRAMME,
        status=ActionStatus.COMPLETED, start_date=dt.date(2024, 9, 1),
        completed_date=dt.date(2025, 3, 1), recommendation_ids=(p.ids[star], p.ids[upr[1]]),
        is_public=True))
    hidden = entry.create_action(record, ActionDraft(
        title=HIDDEN_ACTION, agency="MOJ", status=ActionStatus.IN_PROGRESS,
        start_date=dt.date(2024, 8, 1), recommendation_ids=(p.ids[star],), is_public=False))
    (folder / PUBLIC_FILE).write_text("Cabinet paper: Whānau Ora\n", encoding="utf-8")
    (folder / PRIVATE_FILE).write_text("PRIVATE BRIEFING\n", encoding="utf-8")
    entry.attach_file(record, folder / PUBLIC_FILE, agency="TPK", action_id=shown.id,
                      is_public=True)
    entry.attach_url(record, PUBLIC_LINK, agency="TPK", action_id=shown.id,
                     title="Whānau Ora on the TPK site", is_public=True)
    entry.attach_file(record, folder / PRIVATE_FILE, agency="TPK", action_id=shown.id,
                      is_public=False)
    entry.attach_file(record, folder / PRIVATE_FILE, agency="MOJ", action_id=hidden.id,
                      is_public=True)  # public, but of an unpublished action: never shown
    entry.attach_file(record, folder / PRIVATE_FILE, agency="MOJ",
                      recommendation_id=p.ids[upr[2]], is_public=False)
    _progress(p, star, "TPK", ImplementationStatus.IN_PROGRESS, PUBLIC_NARRATIVE,
              dt.date(2024, 10, 1), public=True)
    _progress(p, star, "TPK", ImplementationStatus.IMPLEMENTED, PRIVATE,
              dt.date(2025, 2, 1), public=False)
    p.latest[star] = PRIVATE
    p.public_latest[star] = PUBLIC_NARRATIVE
    # An officer's name on an update (what a merged bundle records).
    with record.unit_of_work() as session:
        officer = Officer(name=OFFICER, agency_code="TPK")
        session.add(officer)
        session.flush()
        row = session.query(ProgressUpdate).filter_by(narrative=PRIVATE).one()
        row.officer_id = officer.id
    # Treaty bodies: CERD 12 and 20(a) answered, 20(b) not; CEDAW 15 answered, 23 not.
    cerd = "CERD/C/NZL/CO/21-22 para "
    _progress(p, f"{cerd}12", "MOJ", ImplementationStatus.ONGOING,
              "The Government has received the Matike Mai Aotearoa report; officials are "
              "analysing it with iwi.", dt.date(2023, 6, 30), public=True)
    _progress(p, f"{cerd}20(a)", "MOJ", ImplementationStatus.IN_PROGRESS,
              "Te Hao Nui: the Māori pathways programme runs in three prisons.",
              dt.date(2024, 4, 2), public=False)
    _progress(p, f"{CEDAW} para 15", "MFW", ImplementationStatus.IN_PROGRESS,
              "Wāhine Māori were consulted on the Treaty settlement guidance.",
              dt.date(2024, 2, 14), public=True)
    for ref, text in ((f"{cerd}12", "The Government has received the Matike Mai Aotearoa "
                       "report; officials are analysing it with iwi."),
                      (f"{cerd}20(a)", "Te Hao Nui: the Māori pathways programme runs in "
                       "three prisons."),
                      (f"{CEDAW} para 15", "Wāhine Māori were consulted on the Treaty "
                       "settlement guidance.")):
        p.latest[ref] = text
    # A confirmed overlap cluster: the largest one found, a pair of it confirmed.
    overlap.update(record)
    biggest = overlap.cluster_summaries(record)[0]
    first, second = (m.reference for m in biggest.members[:2])
    overlap.confirm(record, first, second)
    p.cluster = (first, second)
    return p


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planted]:
    folder = tmp_path_factory.mktemp("drafting")
    with pytest.MonkeyPatch.context() as mp:  # as tests/conftest.py's autouse fixture does
        mp.setenv("NMRF_DATA_DIR", str(folder / "userdata"))
        mp.delenv("NMRF_DB", raising=False)
        mp.setenv("NMRF_POLICY_FILE", "")
        mp.setenv("XDG_STATE_HOME", str(folder / "state"))
        path = folder / "record.sqlite3"
        record = open_record(path)
        try:
            yield plant(record, path, folder)
        finally:
            record.close()


_TAG = re.compile(r"<[^>]+>")


def docx_parts(path: Path) -> dict[str, str]:
    """The text of every XML part of a .docx (document, footnotes, headers, properties…),
    tags removed: what a reader, a search or a metadata viewer could find."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                raw = z.read(name).decode("utf-8")
                out[name] = html.unescape(_TAG.sub("", raw))
    return out


def docx_text(path: Path) -> str:
    """All the text of a .docx, whitespace folded."""
    return re.sub(r"\s+", " ", " ".join(docx_parts(path).values()))
