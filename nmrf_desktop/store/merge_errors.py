"""Why a bundle's change is refused: not the signer's to make, unresolved, or malformed."""

from __future__ import annotations

from typing import Any


class Unauthorized(ValueError):
    """A change targets something the signer's agency has no assignment for."""


class Unresolved(Unauthorized):
    """A change names an evidence file, action or record that neither the bundle nor the
    signer's agency's merged records hold."""


class BadChange(ValueError):
    """A change is malformed (a missing or wrongly typed field)."""


def shown(value: Any) -> str:
    """A value from a bundle, shortened for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
