"""Colours with a meaning (error, warning, success, info, muted), derived from the palette.

Nothing here is a fixed text or background colour: each meaning has a hue, and its
lightness follows the palette in use, so that dark mode and high-contrast themes stay
readable. Muted text is the palette's own placeholder colour.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# Hue (degrees) of each meaning: red, amber, green, blue.
_HUES = {"error": 4, "warning": 33, "success": 140, "info": 216}


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def meaning_colour(kind: str, palette: QPalette | None = None) -> QColor:
    """Text colour for `kind`: dark on a light window, light on a dark one."""
    hue = _HUES[kind]
    if is_dark(palette):
        return QColor.fromHsl(hue, 200, 190)
    return QColor.fromHsl(hue, 180, 70)


def error_colour(palette: QPalette | None = None) -> QColor:
    return meaning_colour("error", palette)


def muted_colour(palette: QPalette | None = None) -> QColor:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.PlaceholderText)


def banner_style(kind: str, palette: QPalette | None = None) -> str:
    """A message strip: the window's own text colour on a tint of the meaning's hue."""
    palette = palette or QApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    accent = meaning_colour(kind, palette)
    # getRgbF gives (r, g, b, a); the stubs only say `object`.
    rgb = cast(tuple[float, ...], window.getRgbF())[:3]
    accent_rgb = cast(tuple[float, ...], accent.getRgbF())[:3]
    tint = QColor.fromRgbF(*(w * 0.85 + a * 0.15 for w, a in zip(
        rgb, accent_rgb, strict=True)))
    text = palette.color(QPalette.ColorRole.WindowText)
    return (f"background:{tint.name()}; border:1px solid {accent.name()}; "
            f"color:{text.name()};")
