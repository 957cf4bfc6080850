"""No command-line syntax in anything the desktop app shows: every translatable string, as
packaging/update_translations.py collects it (into a temporary folder; the catalogues in
resources/translations are not touched), is free of ` --option` and `nmrf COMMAND`."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from nmrf_desktop.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    where: tuple[str, ...]  # file:line, as lupdate records them

    def __str__(self) -> str:
        return f"[{self.context}] {self.source!r} at {', '.join(self.where) or '?'}"


def _commands() -> list[str]:
    names = {name for wing in cli_main.WINGS for name in cli_main.wing(wing).COMMANDS}
    return sorted(names, key=len, reverse=True)


# An option: two dashes and a word, at the start or after a space, bracket or quote.
OPTION = re.compile(r"(?:^|(?<=[\s(\[{`'\"“‘]))--[A-Za-z][\w-]*")
# The command and one of its subcommands ("nmrf agencies", `nmrf report pdf`): lower case,
# so the product's name ("NMRF Desktop") and file names ("nmrf-2025.pdf") are not caught.
COMMAND = re.compile(rf"(?<![\w-])nmrf\s+(?:{'|'.join(map(re.escape, _commands()))})\b")


def cli_syntax(text: str) -> list[str]:
    """The pieces of command-line syntax in `text`."""
    return [m.group(0) for m in (*OPTION.finditer(text), *COMMAND.finditer(text))]


def extracted(out: Path) -> list[Message]:
    """Every source string lupdate collects from nmrf_desktop/, with context and place."""
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "packaging" / "update_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (ts,) = module.update({"en": "en_NZ"}, out=out)
    found = []
    # lupdate's relative locations: a file named once, then lines as "+N" from the last one.
    current, lines = "?", dict[str, int]()
    for context in ElementTree.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            where = []
            for loc in message.iter("location"):
                current = re.sub(r"^(\.\./)+", "", loc.get("filename", current))
                raw = loc.get("line", "0")
                line = lines.get(current, 0) + int(raw) if raw[:1] in "+-" else int(raw)
                lines[current] = line
                where.append(f"{current}:{line}")
            found.append(Message(name, message.findtext("source") or "", tuple(where)))
    return found


def test_the_check_finds_what_it_should_and_only_that() -> None:
    assert cli_syntax("an agency summary needs an agency: --assigned-to AGENCY") == \
        ["--assigned-to"]
    assert cli_syntax("--from and --to apply to the annual report (--kind annual)") == \
        ["--from", "--to", "--kind"]
    assert cli_syntax("unknown agency 'X'; see `nmrf agencies`") == ["nmrf agencies"]
    assert cli_syntax("Run nmrf report pdf to print it") == ["nmrf report"]
    for fine in ("NMRF Desktop", "nmrf-2025-01-01.pdf", "Te Tiriti — Māori", "1–2",
                 "A -- B", "Filters (2)", "Open the NMRF record", "~/Documents"):
        assert cli_syntax(fine) == [], fine


def test_no_gui_string_shows_command_line_syntax(tmp_path: Path) -> None:
    if not (Path(sys.executable).parent / "pyside6-lupdate").exists() \
            and shutil.which("pyside6-lupdate") is None:
        pytest.skip("pyside6-lupdate not installed")
    before = {p.name: p.read_bytes() for p in (ROOT / "resources" / "translations").glob("*.ts")}
    messages = extracted(tmp_path / "ts")
    assert len(messages) > 500, len(messages)  # the whole GUI was read
    assert any(m.context == "ReportDialog" for m in messages)
    bad = [f"{m}: {', '.join(cli_syntax(m.source))}" for m in messages if cli_syntax(m.source)]
    assert not bad, "command-line syntax in GUI strings:\n" + "\n".join(bad)
    after = {p.name: p.read_bytes() for p in (ROOT / "resources" / "translations").glob("*.ts")}
    assert after == before  # the catalogues are the lead's to refresh
