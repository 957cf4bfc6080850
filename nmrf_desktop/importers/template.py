"""The product's own XLSX template (being written)."""

from __future__ import annotations

from pathlib import Path

from .base import Parsed


def parse_recommendations(path: Path) -> Parsed:
    raise NotImplementedError("XLSX template import is not written yet")
