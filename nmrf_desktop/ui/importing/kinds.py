"""The kinds of data file the app imports, as a person reads them, and the CSV encodings."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from nmrf_desktop.importers.sniff import TEMPLATE, UHRI, UPR_INFO

_T = QCoreApplication.translate
_C = "Importing"

KINDS = (UPR_INFO, UHRI, TEMPLATE)


def kind_text(kind: str) -> str:
    """What a kind is called in the dialogs; "" (not recognised) asks for a choice."""
    texts = {
        UPR_INFO: _T(_C, "UPR Info export"),
        UHRI: _T(_C, "Human Rights Index (UHRI) export"),
        TEMPLATE: _T(_C, "NMRF Excel template"),
    }
    return texts.get(kind, _T(_C, "Not recognised: choose its kind"))


def encodings() -> list[tuple[str, str]]:
    """(label, codec) of the encodings a CSV file may be read in; "" lets the file decide."""
    return [
        (_T(_C, "Automatic (UTF-8, else Mac Roman)"), ""),
        (_T(_C, "UTF-8"), "utf-8"),
        (_T(_C, "UTF-16"), "utf-16"),
        (_T(_C, "Mac Roman"), "mac_roman"),
        (_T(_C, "Windows Western (cp1252)"), "cp1252"),
        (_T(_C, "Latin-1 (ISO 8859-1)"), "latin-1"),
    ]
