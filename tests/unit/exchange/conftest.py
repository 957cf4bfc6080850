"""Fixtures for bundle tests: a world with a central record and two MOJ laptops."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .world import World, make_world


@pytest.fixture
def world(tmp_path: Path, nz_csv: Path) -> Iterator[World]:
    w = make_world(tmp_path, nz_csv)
    yield w
    w.close()
