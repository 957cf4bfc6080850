"""Quality on the held-out sets (never tuned on): the issue's aim, P >= 0.90 and R >= 0.80.

Held-out sets are scored here and by `python -m tests.benchmarks.overlap_quality
--held-out`, never in a grid search; nothing of the detector may be chosen by reading
these results.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from nmrf_desktop.services.record import Record

from .labelled import HELD_OUT, LabelledSet, line, manifest, measure

log = logging.getLogger(__name__)

HELD_OUT_SETS = [s for s in manifest() if s.role == HELD_OUT]
AIM = (0.90, 0.80)  # issue 17's acceptance: pair precision and recall on each held-out set


def test_the_held_out_states() -> None:
    assert [s.slug for s in HELD_OUT_SETS] == ["netherlands", "ghana", "japan", "poland",
                                               "south_africa"]


# Measured once the method was fixed (README, "Overlapping recommendations"): P 0.781 /
# R 0.395 (Netherlands), 0.917 / 0.403 (Ghana), 0.920 / 0.259 (Japan); Poland and South
# Africa, labelled later by two readers each before any detector run on them: 0.883 / 0.347
# and 0.942 / 0.240. The aim is not reached; the mark is strict, so a method that reaches
# it must take the mark away.
NOT_YET = pytest.mark.xfail(strict=True, reason="issue 17's aim is not reached on the "
                            "held-out sets (recall 0.24-0.40); see README")


@pytest.mark.parametrize("labelled", [pytest.param(s, marks=NOT_YET) for s in HELD_OUT_SETS],
                         ids=lambda s: s.slug)
def test_held_out_set_meets_the_aim(labelled: LabelledSet,
                                    state_record: Callable[[LabelledSet], Record]) -> None:
    if not labelled.present:
        pytest.skip(f"{labelled.path.name} has not landed")
    record = state_record(labelled)
    result = measure(record, labelled)
    log.warning("overlap quality: %s", line(labelled, result))
    assert result.true_pairs > 0
    assert result.precision >= AIM[0]
    assert result.recall >= AIM[1]
