"""`nmrf search`: diacritic folding, phrases, stemming, filters with text, ranking, JSON shape."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from nmrf_desktop.domain.text import fold
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from tests.conftest import NZ_CSV
from tests.e2e.support import nmrf, nmrf_in_process

JSON_KEYS = ["id", "reference", "text", "mechanism", "body", "session", "cycle", "year",
             "position", "recommending_states", "themes", "affected_groups", "sdgs",
             "assigned_agencies"]

HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"
# Texts written with macrons (the UPR Info data has none), and pairs for ranking.
OWN_ROWS = [
    ("Support whānau-centred services for Māori children.", "Samoa", "Accepted",
     "Rights of the Child"),
    ("Consult Māori on legislation affecting them.", "Fiji", "Noted", "Indigenous peoples"),
    ("Protect the rights of peoples who are indigenous to the Pacific.", "Tonga", "Accepted",
     "Minorities"),
    ("Protect kaitiakitanga and resource kaitiakitanga well.", "Vanuatu", "Accepted",
     "Environment"),
    ("Protect kaitiakitanga and resource the regional councils well.", "Vanuatu", "Accepted",
     "Environment"),
    ("Respect rangatiratanga in every decision made by local and central government "
     "agencies about land, water and other natural resources.", "Palau", "Noted",
     "Environment"),
    ("Respect rangatiratanga.", "Palau", "Noted", "Environment"),
]


def _own_csv(path: Path) -> Path:
    lines = [HEADER] + [
        f'New Zealand,WEOG,,"{text}",{frm},Asia,,{response},4,{issue},46'
        for text, frm, response, issue in OWN_ROWS
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def search_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 228 real NZ rows, plus the rows above (session 46), some assigned, some flagged."""
    folder = tmp_path_factory.mktemp("search")
    db = folder / "search.sqlite3"
    record = open_record(db)
    import_files(record, "upr-info", [NZ_CSV, _own_csv(folder / "own.csv")])
    record.close()
    assert nmrf_in_process("assign", "--agency", "MSD", "--role", "contributing",
                           "--session", "46", "--position", "noted", db=db)[0] == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE recommendations SET te_tiriti = 1 WHERE text LIKE '%Waitangi%'")
        conn.execute("UPDATE recommendations SET status = 'in_progress' "
                     "WHERE text LIKE 'Consult Māori%'")
    conn.close()
    return db


def search(db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = nmrf_in_process("search", *args, "--limit", "0", "--json", db=db)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def texts(db: Path, *args: str) -> list[str]:
    return [r["text"] for r in search(db, *args)]


def test_maori_with_macron_finds_the_rows_written_without(search_db: Path) -> None:
    done = nmrf("search", "Māori", "--session", "5", "--session", "18", "--limit", "0",
                "--json", db=search_db)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    plain = [r for r in rows if "Maori" in r["text"]]
    assert len(plain) == len(rows) == 30  # every NZ row saying "Maori" and nothing else
    assert all("Māori" in r["affected_groups"] for r in rows
               if re.search(r"\bMaori\b", r["text"]))


def test_plural_maoris_is_tagged_as_the_maori_group(search_db: Path) -> None:
    rows = search(search_db, "Maoris")
    assert rows and all("Māori" in r["affected_groups"] for r in rows)


def test_maori_without_macron_finds_the_rows_written_with(search_db: Path) -> None:
    found = texts(search_db, "Maori", "--session", "46")
    assert sorted(found) == ["Consult Māori on legislation affecting them.",
                             "Support whānau-centred services for Māori children."]
    both = texts(search_db, "maori")
    assert len(both) == 32
    assert texts(search_db, "MĀORI") == texts(search_db, "Māori") == both


def test_whanau_folds_both_ways(search_db: Path) -> None:
    expected = ["Support whānau-centred services for Māori children."]
    assert texts(search_db, "whanau") == expected
    assert texts(search_db, "whānau") == expected
    assert texts(search_db, "Whānau centred") == expected


def test_decomposed_macron_is_the_same_word(search_db: Path) -> None:
    decomposed = "Ma\u0304ori"  # what macOS keyboards and PDFs often give
    assert texts(search_db, decomposed) == texts(search_db, "Māori")


def test_phrase_query_needs_the_words_together(search_db: Path) -> None:
    phrase = texts(search_db, '"indigenous peoples"')
    words = texts(search_db, "indigenous peoples")
    assert "Protect the rights of peoples who are indigenous to the Pacific." in words
    assert "Protect the rights of peoples who are indigenous to the Pacific." not in phrase
    assert phrase and set(phrase) < set(words)
    # Words in a phrase are stemmed too: "indigenous people" is the same phrase.
    assert all(re.search(r"indigenous peoples?\b", t.casefold()) for t in phrase)


def test_prefix_and_stemming(search_db: Path) -> None:
    ratify = set(texts(search_db, "ratify "))  # trailing space: a whole word, stemmed
    assert any("Ratify the ICRMW" in t for t in ratify)
    prefix = set(texts(search_db, "ratif"))
    assert ratify <= prefix
    assert any("ratification" in t.casefold() for t in prefix)
    # "ratifying" is stemmed like "ratify": it finds rows that never say "ratifying".
    stemmed = set(texts(search_db, "ratifying "))
    assert stemmed == ratify
    assert any("ratifying" not in t.casefold() for t in stemmed)


@pytest.mark.parametrize(("args", "check"), [
    (["--body", "UPR"], lambda r: r["body"] == "UPR"),
    (["--cycle", "1"], lambda r: r["cycle"] == 1 and r["session"] == 5),
    (["--session", "18"], lambda r: r["session"] == 18 and r["year"] == 2014),
    (["--position", "noted"], lambda r: r["position"] == "noted"),
    (["--state", "Slovenia"], lambda r: r["recommending_states"] == ["Slovenia"]),
    (["--theme", "Indigenous peoples"], lambda r: "Indigenous peoples" in r["themes"]),
    (["--group", "Māori"], lambda r: "Māori" in r["affected_groups"]),
    (["--assigned-to", "MSD"], lambda r: r["assigned_agencies"] == ["MSD (contributing)"]),
])
def test_filters_narrow_a_text_search(search_db: Path, args: list[str], check) -> None:  # type: ignore[no-untyped-def]
    everything = search(search_db, "maori")
    narrowed = search(search_db, "maori", *args)
    assert narrowed, args
    assert all(check(r) for r in narrowed), args
    assert all("maori" in fold(r["text"]) for r in narrowed)
    outside = [r for r in everything if r["id"] not in {n["id"] for n in narrowed}]
    assert not any(check(r) for r in outside), args  # nothing matching was left out


def test_te_tiriti_and_status_filters(search_db: Path) -> None:
    tiriti = texts(search_db, "--te-tiriti")
    assert len(tiriti) == 2 and all("Waitangi" in t for t in tiriti)
    assert texts(search_db, "treaty", "--te-tiriti") == texts(search_db, "waitangi")
    not_tiriti = texts(search_db, "--not-te-tiriti")
    assert len(not_tiriti) == 228 + len(OWN_ROWS) - 2

    assert texts(search_db, "maori", "--status", "in_progress") == [
        "Consult Māori on legislation affecting them."]
    none = texts(search_db, "maori", "--status", "none")
    assert len(none) == 31 and "Consult Māori on legislation affecting them." not in none
    assert len(texts(search_db, "maori", "--status", "none", "--status", "in_progress")) == 32


def test_filters_combine(search_db: Path) -> None:
    rows = search(search_db, "Māori", "--session", "46", "--position", "noted",
                  "--assigned-to", "MSD", "--state", "Fiji", "--group", "Māori")
    assert [r["text"] for r in rows] == ["Consult Māori on legislation affecting them."]
    assert search(search_db, "Māori", "--session", "46", "--state", "Samoa",
                  "--position", "noted") == []


def test_ranking_prefers_more_occurrences_and_shorter_rows(search_db: Path) -> None:
    assert texts(search_db, "kaitiakitanga") == [
        "Protect kaitiakitanga and resource kaitiakitanga well.",
        "Protect kaitiakitanga and resource the regional councils well."]
    ranked = texts(search_db, "rangatiratanga")
    assert ranked[0] == "Respect rangatiratanga."
    assert len(ranked) == 2


def test_json_keys_are_exactly_the_documented_ones(search_db: Path) -> None:
    rows = search(search_db, "whanau")
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == JSON_KEYS
    assert row["mechanism"] == "upr" and row["body"] == "UPR"
    assert (row["session"], row["cycle"], row["year"]) == (46, 4, 2024)
    assert row["position"] == "supported"
    assert row["recommending_states"] == ["Samoa"]
    assert row["themes"] == ["Rights of the Child"]
    assert row["affected_groups"] == ["Children", "Māori"]
    assert row["sdgs"] == [] and row["assigned_agencies"] == []
    assert row["reference"].startswith("NZL-UPR46-")


def test_limit_and_plain_output(search_db: Path) -> None:
    code, out, _ = nmrf_in_process("search", "maori", "--limit", "3", db=search_db)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    reference, body, position, excerpt = lines[0].split("\t")
    assert reference.startswith("NZL-UPR") and body == "UPR"
    assert position in {"supported", "noted"} and "maori" in excerpt.casefold()


def test_a_search_cut_short_says_so_on_stderr_and_only_there(nz_db: Path) -> None:
    done = nmrf("search", "--limit", "5", db=nz_db)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 5
    assert all(line.startswith("NZL-UPR") for line in done.stdout.splitlines())
    assert done.stderr == "nmrf: showing 5 of 228; --limit N for more (0 = all)\n"
    code, out, err = nmrf_in_process("search", "--limit", "5", "--json", db=nz_db)
    assert code == 0 and len(json.loads(out)) == 5  # stdout stays JSON, for pipes
    assert err == "nmrf: showing 5 of 228; --limit N for more (0 = all)\n"
    code, out, err = nmrf_in_process("search", db=nz_db)  # the default limit
    assert len(out.splitlines()) == 50 and err.startswith("nmrf: showing 50 of 228;")


def test_a_search_shown_whole_says_nothing_more(nz_db: Path) -> None:
    for limit in ("0", "228", "500"):
        code, out, err = nmrf_in_process("search", "--limit", limit, db=nz_db)
        assert (code, len(out.splitlines()), err) == (0, 228, "")
    code, out, err = nmrf_in_process("search", "maori", "--limit", "0", "--json", db=nz_db)
    matches = len(json.loads(out))
    assert 3 < matches < 228 and err == ""
    code, out, err = nmrf_in_process("search", "maori", "--limit", "3", db=nz_db)
    assert err == f"nmrf: showing 3 of {matches}; --limit N for more (0 = all)\n"


@pytest.mark.parametrize("limit", ["-1", "many"])
def test_a_limit_that_is_no_count_is_refused(nz_db: Path, limit: str) -> None:
    done = nmrf("search", "--limit", limit, db=nz_db)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("nmrf search: error: argument --limit: ")


@pytest.mark.parametrize("query", ['"', '"unclosed phrase', "AND", "OR NOT", "NEAR(a b)",
                                   "*", "col:value", "^start", "a -b", "(((", "'", "\\",
                                   "whānau)", "{text}: x"])
def test_fts_syntax_in_the_query_never_fails(search_db: Path, query: str) -> None:
    code, out, err = nmrf_in_process("search", query, "--json", "--limit", "0", db=search_db)
    assert (code, err) == (0, "")  # all shown: not even the note of a search cut short
    assert isinstance(json.loads(out), list)


def test_search_output_into_a_closed_pipe_is_quiet(search_db: Path) -> None:
    import subprocess
    import sys

    from tests.e2e.support import ROOT
    # `nmrf search … | head -1`: the reader stops early; no traceback, no noise.
    with subprocess.Popen([sys.executable, "-m", "nmrf_desktop.cli.main", "--db", str(search_db),
                           "search", "--limit", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        err = process.stderr.read().decode()
        process.wait(timeout=60)
    assert first.startswith(b"NZL-UPR")
    assert err == ""
