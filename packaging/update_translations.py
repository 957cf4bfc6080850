"""Refresh the translation sources (resources/translations/*.ts) from the code.

    python packaging/update_translations.py            # lupdate: new strings in, old marked
    python packaging/update_translations.py --release  # also compile .qm beside them (dev)

Runs PySide6's lupdate over every Python file of nmrf_desktop/, which collects tr(),
QCoreApplication.translate() and QT_TRANSLATE_NOOP() strings into each catalogue.
lupdate only sees a literal context in a call spelled `QCoreApplication.translate` or
`translate`; the code's short form `_T(_C, "…")` (with `_T = QCoreApplication.translate`
and a constant `_C = "Context"` in the module, or `c = "Context"` in the function) is
spelled out in a line-for-line copy that lupdate reads, so locations stay true.
Catalogues:
nmrf_desktop_en.ts (the source language, numerus forms) and nmrf_desktop_mi.ts (te reo
Māori). Translators edit the .ts files (Qt Linguist: pyside6-linguist); the build compiles
them (packaging/build.py). Compiled .qm files are never committed (.gitignore).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "nmrf_desktop"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = {"en": "en_NZ", "mi": "mi_NZ"}  # file suffix: the catalogue's language


def _tool(name: str) -> str:
    scripts = Path(sys.executable).parent
    for candidate in (name, f"{name}.exe"):
        if (scripts / candidate).exists():
            return str(scripts / candidate)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 into this Python")
    return found


def python_sources() -> list[Path]:
    return sorted(p for p in SOURCES.rglob("*.py") if "__pycache__" not in p.parts)


_ALIAS = re.compile(r"^_T = QCoreApplication\.translate\b", re.M)
_CONTEXT = re.compile(r'^\s*(_C|c) = "(\w+)"', re.M)


def spelled_out(text: str) -> str:
    """`text` with `_T(_C, ...)` as `QCoreApplication.translate("Context", ...)`."""
    if not _ALIAS.search(text):
        return text
    for name, context in _CONTEXT.findall(text):
        text = re.sub(rf"\b_T\(\s*{name}\s*,", f'QCoreApplication.translate("{context}",', text)
    return re.sub(r"\b_T\(", "QCoreApplication.translate(", text)


def _mirror(into: Path) -> list[str]:
    """Copy the sources, aliases spelled out, to `into` (same tree); their relative paths."""
    files = []
    for source in python_sources():
        rel = source.relative_to(ROOT)
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(spelled_out(source.read_text(encoding="utf-8")), encoding="utf-8")
        files.append(str(rel))
    return files


def update(languages: dict[str, str] = LANGUAGES, *, obsolete: bool = False,
           out: Path = TRANSLATIONS) -> list[Path]:
    """Run lupdate into each catalogue in `out` (created if missing); return the .ts paths."""
    out.mkdir(parents=True, exist_ok=True)
    lupdate = _tool("pyside6-lupdate")
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = _mirror(work)
        (work / TRANSLATIONS.relative_to(ROOT)).mkdir(parents=True, exist_ok=True)
        for suffix, language in languages.items():
            ts = out / f"nmrf_desktop_{suffix}.ts"
            staged = work / TRANSLATIONS.relative_to(ROOT) / ts.name  # relative paths hold
            if ts.exists():
                shutil.copyfile(ts, staged)
            args = [lupdate, "-locations", "relative", "-target-language", language]
            if not obsolete:
                args.append("-no-obsolete")
            subprocess.run([*args, *files, "-ts", str(staged.relative_to(work))], cwd=work,
                           check=True)
            shutil.copyfile(staged, ts)
            written.append(ts)
    return written


def release(sources: list[Path]) -> None:
    """Compile each .ts to a .qm beside it (for running from a checkout)."""
    lrelease = _tool("pyside6-lrelease")
    for ts in sources:
        subprocess.run([lrelease, str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", action="store_true",
                        help="also compile .qm files beside the sources (not committed)")
    parser.add_argument("--keep-obsolete", action="store_true",
                        help="keep strings no longer in the code (marked obsolete)")
    args = parser.parse_args(argv)
    written = update(obsolete=args.keep_obsolete)
    if args.release:
        release(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
