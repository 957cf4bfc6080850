"""What the Publish Public Site dialog remembers between runs: the last folder, base URL
and language a site was published with (the user's settings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLocale

from nmrf_desktop.services.site import PublishRequest
from nmrf_desktop.ui.places import documents_location
from nmrf_desktop.ui.window import state

FOLDER, BASE_URL, LANG = "publish/folder", "publish/baseUrl", "publish/lang"
LANGUAGES = ("en", "mi")


@dataclass(frozen=True, slots=True)
class Choices:
    folder: Path
    base_url: str
    lang: str


def default_folder() -> Path:
    """Where a first site is proposed: a folder of its own in the user's documents."""
    return documents_location() / "nmrf-public-site"


def remembered() -> Choices:
    """The last publish's choices, else the documents folder, no base URL, English."""
    store = state.settings()
    folder = str(store.value(FOLDER, "") or "")
    lang = str(store.value(LANG, "en") or "en")
    return Choices(Path(folder) if folder else default_folder(),
                   str(store.value(BASE_URL, "") or ""), lang if lang in LANGUAGES else "en")


def remember(request: PublishRequest) -> None:
    """Keep what was just published with, for the next time."""
    store = state.settings()
    store.setValue(FOLDER, str(request.out))
    store.setValue(BASE_URL, request.base_url)
    store.setValue(LANG, request.lang)
    store.sync()


def size_text(size: int) -> str:
    """A byte count for people (12.3 MB), in the user's locale."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)
