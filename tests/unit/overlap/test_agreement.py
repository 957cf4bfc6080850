"""Two readings of one state: each resolves to the state's rows, and the readers' agreement
and the detector's score against the pairs both grouped are the figures the README gives."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from nmrf_desktop.services.record import Record

from .labelled import LabelledSet, agreement, labelled_set, manifest, truth

log = logging.getLogger(__name__)

# set -> (pairs of the first reading, of the second, grouped by both), as the README's
# table "How far two readers agree" gives them (python -m tests.benchmarks.overlap_quality
# --agreement).
READINGS = {
    "nz": (332, 729, 328),
    "guatemala": (455, 562, 413),
    "japan": (841, 843, 795),
    "poland": (262, 269, 258),
    "south_africa": (743, 529, 524),
}


def test_every_second_reading_is_listed() -> None:
    assert {s.slug for s in manifest() if s.second_reading.is_file()} == set(READINGS)


@pytest.mark.parametrize("slug", sorted(READINGS))
def test_a_second_reading_names_rows_of_its_state(
        slug: str, state_record: Callable[[LabelledSet], Record]) -> None:
    labelled = labelled_set(slug)
    record = state_record(labelled)
    groups = truth(record, labelled, labelled.second_reading)  # LabelError if a key misses
    assert groups and all(len(set(g)) >= 2 for g in groups)


@pytest.mark.parametrize("slug", sorted(READINGS))
def test_readers_agreement_and_the_detector_against_it(
        slug: str, state_record: Callable[[LabelledSet], Record]) -> None:
    labelled = labelled_set(slug)
    found = agreement(state_record(labelled), labelled)
    first, second, both = READINGS[slug]
    assert (found.readers.true_pairs, found.readers.predicted_pairs,
            found.readers.correct_pairs) == (first, second, both)
    assert found.detector_agreed.true_pairs == both
    log.warning("overlap agreement %s: readers F1 %.3f; detector against both readers' "
                "pairs P %.3f R %.3f", slug, found.readers.f1,
                found.detector_agreed.precision, found.detector_agreed.recall)
