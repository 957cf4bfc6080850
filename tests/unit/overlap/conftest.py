"""Fixtures for overlap tests: the labelled sets (tests/unit/overlap/labelled.py) and clusters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nmrf_desktop.services import overlap
from nmrf_desktop.services.record import Record

from .labelled import (
    Keys,
    LabelledSet,
    cluster_ids,
    find,
    ids_by_key,
    import_state,
    labelled_set,
)

__all__ = ["_find", "cluster_ids", "ids_by_key", "labelled_groups"]

LABELS = labelled_set("nz").path


def _find(keys: Keys, member: dict[str, Any]) -> str:
    """The one row whose text starts with the label's 60 characters (whitespace squashed)."""
    return find(keys, member)


def labelled_groups(record: Record) -> list[list[str]]:
    """The New Zealand set's groups as ids of a record holding NZ's rows."""
    keys = ids_by_key(record)
    return [[find(keys, m) for m in g["members"]] for g in labelled_set("nz").groups()]


@pytest.fixture
def nz_clustered(nz_record: Record) -> Record:
    overlap.update(nz_record)
    return nz_record


@pytest.fixture
def state_record(record: Record, tmp_path: Path) -> Callable[[LabelledSet], Record]:
    """Import one labelled set's state into the empty migrated record."""
    def build(s: LabelledSet) -> Record:
        return import_state(record, s, tmp_path)
    return build
