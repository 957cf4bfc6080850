"""A 270,000-recommendation database (UHRI's size) built from the real UPR Info texts.

The real 41,066 rows are imported as they are; the rest are the real texts again with
another state under review, session or treaty body, recommending state and a word or
two substituted, so every row is distinct. Built once with the store's own upsert and
cached (with the schema revision it was built for) until the recipe or schema changes.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import re
from pathlib import Path

from nmrf_desktop.domain.countries import ISO3
from nmrf_desktop.domain.enums import Mechanism, Position
from nmrf_desktop.domain.records import RecommendationIn
from nmrf_desktop.domain.upr import cycle_of_session, year_of_session
from nmrf_desktop.importers import upr_info
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from nmrf_desktop.store import migrate, recommendations as recs_store
from nmrf_desktop.store.engine import make_engine

from .common import UPR_INFO_FILES

log = logging.getLogger(__name__)

RECIPE = 1  # bump when the generated rows change
TOTAL = 270_000
SEED = 20_241_127
_TREATY_BODIES = ("CCPR", "CESCR", "CERD", "CEDAW", "CAT", "CRC", "CRPD")
# Word swaps that keep a text readable; one or two are applied to each copy.
_SWAPS = {
    "ensure": "guarantee", "continue": "pursue", "strengthen": "reinforce",
    "adopt": "enact", "measures": "steps", "effective": "efficient", "take": "undertake",
    "consider": "examine", "establish": "set up", "promote": "advance", "protect": "safeguard",
    "implement": "carry out", "rights": "entitlements", "violence": "abuse",
    "combat": "fight", "further": "additional", "eliminate": "eradicate",
    "improve": "enhance", "national": "domestic", "international": "global",
}
_SWAP_WORD = re.compile(r"\b(" + "|".join(_SWAPS) + r")\b")


def real_records() -> list[RecommendationIn]:
    records: list[RecommendationIn] = []
    for path in UPR_INFO_FILES:
        records += upr_info.parse(path).records
    return records


def _vary(text: str, rng: random.Random) -> str:
    found = list(_SWAP_WORD.finditer(text))
    for match in rng.sample(found, min(len(found), rng.randint(1, 2))):
        start, end = match.span()
        text = text[:start] + _SWAPS[match.group(1)] + text[end:]
    return text


def synthetic(real: list[RecommendationIn], count: int, seed: int = SEED
              ) -> list[RecommendationIn]:
    """`count` distinct rows made from the real ones (fixed seed: always the same rows)."""
    rng = random.Random(seed)
    countries = sorted(ISO3)
    states = sorted({s for rec in real for s in rec.states}, key=lambda s: s.name)
    out: list[RecommendationIn] = []
    for n in range(count):
        base = real[n % len(real)]
        country = rng.choice(countries)
        text = _vary(base.text, rng)
        if rng.random() < 0.6:
            session = rng.randint(21, 54)
            fields = {"body": "UPR", "mechanism": Mechanism.UPR, "upr_session": session,
                      "cycle": cycle_of_session(session), "year": year_of_session(session),
                      "states": (rng.choice(states),),
                      "position": rng.choice((Position.SUPPORTED, Position.NOTED))}
        else:
            body = rng.choice(_TREATY_BODIES)
            year = rng.randint(2005, 2024)
            fields = {"body": body, "mechanism": Mechanism.TREATY_BODY, "upr_session": None,
                      "cycle": None, "year": year, "states": (),
                      "position": rng.choice((Position.SUPPORTED, None)),
                      "action_category": None,
                      "document_symbol": f"{body}/C/{ISO3[country]}/CO/{rng.randint(1, 9)}",
                      "paragraph": str(rng.randint(5, 60))}
        out.append(dataclasses.replace(
            base, source_id=f"bench-{n:06d}", country=country, text=text, origin=("bench", n),
            **fields))
    return out


def _stamp(schema_head: str) -> dict[str, object]:
    return {"recipe": RECIPE, "total": TOTAL, "seed": SEED, "schema": schema_head}


def ensure(folder: Path) -> Path:
    """The cached benchmark database in `folder`, built first if missing or stale."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "search-270k.sqlite3"
    stamp_file = folder / "search-270k.json"
    engine = make_engine(path)  # does not connect: only for the migrations' head
    try:
        wanted = _stamp(migrate.head_revision(engine))
    finally:
        engine.dispose()
    if path.exists() and stamp_file.exists() and json.loads(stamp_file.read_text()) == wanted:
        return path
    for stale in folder.glob("search-270k.sqlite3*"):
        stale.unlink()
    log.warning("building the %d-row search benchmark database in %s (once)", TOTAL, path)
    record = open_record(path)
    try:
        report = import_files(record, "upr-info", UPR_INFO_FILES)
        extra = synthetic(real_records(), TOTAL - report.created)
        with record.unit_of_work() as session:
            recs_store.upsert(session, extra)
    finally:
        record.close()
    stamp_file.write_text(json.dumps(wanted))
    return path

