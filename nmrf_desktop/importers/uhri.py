"""OHCHR Universal Human Rights Index 'Export to Excel' reader (being written)."""

from __future__ import annotations

from pathlib import Path

from .base import Parsed


def parse(path: Path) -> Parsed:
    raise NotImplementedError("UHRI import is not written yet")
