"""The filter panel's SDG choices in number order (found by a person: 1, 10, 11, …, 2)."""

from __future__ import annotations

from nmrf_desktop.services import facets
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.documents.preview import read
from nmrf_desktop.services.record import Record
from tests.unit.documents.test_apply import SLOVENIA_MATRIX


def test_sdg_choices_are_in_number_order(record: Record) -> None:
    apply(record, read(SLOVENIA_MATRIX))  # the OHCHR matrix names SDGs 1 to 17
    sdgs = facets.choices(record).sdgs
    assert len(sdgs) > 9
    assert [int(s) for s in sdgs] == sorted(int(s) for s in sdgs)
