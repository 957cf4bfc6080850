"""A rejection keeps its two apart, and nothing more: a confirmed pair stays together."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nmrf_desktop.services import overlap
from nmrf_desktop.services.record import Record

# Three of New Zealand's 2009 asks to ratify the Migrant Workers Convention (ICRMW).
CONFIRMED = ("NZL-UPR5-066", "NZL-UPR5-068")
REJECTED = ("NZL-UPR5-066", "NZL-UPR5-070")


def _together(record: Record, a: str, b: str) -> bool:
    return any(a in c.references and b in c.references for c in overlap.clusters(record))


def _confirm(record: Record) -> None:
    overlap.confirm(record, *CONFIRMED)


def _reject(record: Record) -> None:
    overlap.reject(record, *REJECTED)


@pytest.mark.parametrize("decisions", [(_confirm, _reject), (_reject, _confirm)],
                         ids=["confirm-then-reject", "reject-then-confirm"])
def test_a_rejection_splits_off_the_rejected_one_not_the_confirmed_pair(
        nz_clustered: Record, decisions: tuple[Callable[[Record], None], ...]) -> None:
    assert _together(nz_clustered, *CONFIRMED) and _together(nz_clustered, *REJECTED)
    for decide in decisions:
        decide(nz_clustered)
    assert _together(nz_clustered, *CONFIRMED)
    assert not _together(nz_clustered, *REJECTED)
    # The rest of the ICRMW cluster stays with the confirmed pair.
    assert _together(nz_clustered, "NZL-UPR5-066", "NZL-UPR5-072")

    overlap.update(nz_clustered, rebuild=True)
    assert _together(nz_clustered, *CONFIRMED)
    assert not _together(nz_clustered, *REJECTED)
