"""The app's language: Qt's own catalogue and ours, installed for the user's locale.

Our catalogues are `resources/translations/nmrf_desktop_<lang>.ts`, compiled to `.qm`
at build time (packaging/build.py) and never committed. In development, compile them
with `python packaging/update_translations.py --release`; when no `.qm` is found the
app simply speaks the English of its source.

The language is the system's (QLocale), unless NMRF_LANG or `--lang` names one
(e.g. `mi`, `en`, `C` for the untranslated source).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from nmrf_desktop import paths

log = logging.getLogger(__name__)

CATALOGUE = "nmrf_desktop"
LANG_ENV = "NMRF_LANG"


def translations_dirs() -> list[Path]:
    """Where our compiled catalogues may be: the build output, then beside the sources."""
    root = paths.install_root()
    return [root / "build" / "translations", paths.resources_dir() / "translations"]


def chosen_locale(lang: str | None = None) -> QLocale:
    """`lang` (a --lang value), else NMRF_LANG, else the system locale."""
    wanted = lang or os.environ.get(LANG_ENV, "")
    return QLocale(wanted) if wanted else QLocale.system()


def install(app: QCoreApplication, lang: str | None = None) -> list[QTranslator]:
    """Install Qt's and our translators for the chosen locale; return those that loaded.

    Keep the result alive (a translator removed by the collector stops translating);
    they are parented to `app` for that reason.
    """
    locale = chosen_locale(lang)
    if locale.language() == QLocale.Language.C:
        return []
    QLocale.setDefault(locale)
    loaded: list[QTranslator] = []
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(locale, "qtbase", "_", qt_dir):
        loaded.append(qt)
    for folder in translations_dirs():
        ours = QTranslator(app)
        if ours.load(locale, CATALOGUE, "_", str(folder)):
            loaded.append(ours)
            break
    for translator in loaded:
        app.installTranslator(translator)
    log.info("language %s: %s", locale.name(),
             ", ".join(t.filePath() for t in loaded) or "no catalogue (source English)")
    return loaded
