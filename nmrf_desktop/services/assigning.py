"""Assigning recommendations to agencies: one by one, in bulk, by Annex II defaults, or as
contributing agencies by theme (resources/assigning/theme_agencies.toml)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop import paths
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.domain.text import fold, squash
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, search
from nmrf_desktop.store.models import (
    Agency,
    Assignment,
    BodyLead,
    Recommendation,
    RecommendationTerm,
    Term,
    new_id,
    utcnow,
)

log = logging.getLogger(__name__)


class UnknownAgency(ValueError):
    pass


class ThemeTableError(ValueError):
    """The theme table cannot be used: the message names the file, the rule and the field."""


def _new_row(rid: str, agency: str, role: str, now: dt.datetime) -> dict[str, object]:
    return {"id": new_id(), "recommendation_id": rid, "agency_code": agency, "role": role,
            "active": True, "version": 1, "created_at": now, "updated_at": now}


def _assign_ids(session: Session, agency: str, role: str, ids: Sequence[str]
                ) -> tuple[int, int]:
    """Create or re-role assignments; returns (created, changed).

    Assignments belong to the central record: they reach laptops in packs and are never
    part of an officer's bundle, so they are not written to the change log.
    """
    current = {
        rid: (aid, r, active) for aid, rid, r, active in session.execute(
            select(Assignment.id, Assignment.recommendation_id, Assignment.role,
                   Assignment.active).where(Assignment.agency_code == agency))
    }
    created = changed = 0
    now = utcnow()
    new_rows = []
    for rid in ids:
        found = current.get(rid)
        if found is None:
            new_rows.append(_new_row(rid, agency, role, now))
            created += 1
        elif found[1] != role or not found[2]:
            row = session.get(Assignment, found[0])
            assert row is not None
            row.role, row.active = role, True
            changed += 1
    if new_rows:
        session.execute(Assignment.__table__.insert(), new_rows)
    return created, changed


def assign(record: Record, agency: str, role: AssignmentRole, filters: Filters | None = None,
           ids: Sequence[str] | None = None) -> dict[str, int]:
    """Assign the recommendations matching `filters` (or the given ids) to one agency."""
    actor = record.actor()
    with record.unit_of_work() as session:
        if session.get(Agency, agency) is None:
            raise UnknownAgency(f"unknown agency code {agency!r}")
        if ids is None:
            ids = search.search_ids(session, filters or Filters())
        created, changed = _assign_ids(session, agency, role.value, ids)
        audit.append(session, "assign", actor=actor, entity="agency", entity_id=agency,
                     details={"role": role.value, "matched": len(ids), "created": created,
                              "changed": changed})
    return {"matched": len(ids), "created": created, "changed": changed}


def assign_lead_defaults(record: Record) -> dict[str, int]:
    """Give every recommendation to its body's lead agency (Cabinet paper, Annex II)."""
    actor = record.actor()
    totals = {"matched": 0, "created": 0, "changed": 0}
    with record.unit_of_work() as session:
        leads = session.execute(select(BodyLead.body, BodyLead.agency_code)).all()
        for body, agency in leads:
            ids = list(session.execute(
                select(Recommendation.id).where(Recommendation.body == body)).scalars())
            # An agency already contributing to one of these becomes its lead.
            created, changed = _assign_ids(session, agency, AssignmentRole.LEAD.value, ids)
            totals["matched"] += len(ids)
            totals["created"] += created
            totals["changed"] += changed
        audit.append(session, "assign-lead-defaults", actor=actor, details=totals)
    return totals


# -- contributing agencies by theme ---------------------------------------------------------

_RULE_KEYS = {"name", "agencies", "themes", "groups", "words", "te_tiriti"}
_REST_OF_WORD, _REST_OF_LABEL = r"\w*", ".*"  # what a trailing * stands for


def theme_table_path() -> Path:
    """The bundled theme table: which agencies contribute on which themes and groups."""
    return paths.resources_dir() / "assigning" / "theme_agencies.toml"


def _folded_text(text: str) -> str:
    return fold(text.replace("\u2019", "'"))


def _alternatives(items: Iterable[str], ending: str) -> str:
    """One regex alternation: each item folded, spaces as any whitespace, a trailing `*` as
    `ending` (the rest of a word, or of a label)."""
    parts = []
    for item in items:
        stem = re.escape(_folded_text(squash(item).rstrip("*"))).replace(r"\ ", r"\s+")
        parts.append(stem + (ending if item.endswith("*") else ""))
    return "|".join(parts)


@dataclass(frozen=True, slots=True)
class ThemeRule:
    """Agencies that contribute where a recommendation has one of these themes or groups,
    one of these words in its text, or (te_tiriti) the Te Tiriti flag."""

    name: str
    agencies: tuple[str, ...]
    themes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    te_tiriti: bool = False
    _labels: dict[str, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)
    _words: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        labels = {kind: re.compile(f"(?:{_alternatives(values, _REST_OF_LABEL)})") if values
                  else None
                  for kind, values in (("theme", self.themes), ("group", self.groups))}
        object.__setattr__(self, "_labels", labels)
        words = _alternatives(self.words, _REST_OF_WORD)
        object.__setattr__(self, "_words", re.compile(
            rf"(?<!\w)(?:{words})(?!\w)") if self.words else None)

    def applies(self, terms: Iterable[tuple[str, str]], folded_text: str,
                te_tiriti: bool = False) -> bool:
        """Whether the rule takes a recommendation with these (kind, label) terms and text
        (already folded by `_folded_text`)."""
        if self.te_tiriti and te_tiriti:
            return True
        for kind, label in terms:
            pattern = self._labels.get(kind)
            if pattern is not None and pattern.fullmatch(_folded_text(squash(label))):
                return True
        return self._words is not None and self._words.search(folded_text) is not None


def _strings(where: str, rule: dict[str, object], key: str) -> tuple[str, ...]:
    value = rule.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                              for v in value):
        raise ThemeTableError(f"{where}: {key!r} must be a list of texts")
    return tuple(v.strip() for v in value)


def _rule(where: str, raw: object) -> ThemeRule:
    if not isinstance(raw, dict):
        raise ThemeTableError(f"{where}: a rule must be a table of keys")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise ThemeTableError(f"{where}: unknown key {unknown[0]!r} (a rule has "
                              f"{', '.join(sorted(_RULE_KEYS))})")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeTableError(f"{where}: 'name' must be a text")
    where = f"{where} ({name.strip()})"
    agencies = _strings(where, raw, "agencies")
    if not agencies:
        raise ThemeTableError(f"{where}: 'agencies' names no agency")
    te_tiriti = raw.get("te_tiriti", False)
    if not isinstance(te_tiriti, bool):
        raise ThemeTableError(f"{where}: 'te_tiriti' must be true or false")
    rule = ThemeRule(name.strip(), agencies, _strings(where, raw, "themes"),
                     _strings(where, raw, "groups"), _strings(where, raw, "words"), te_tiriti)
    if not (rule.themes or rule.groups or rule.words or rule.te_tiriti):
        raise ThemeTableError(f"{where}: the rule matches nothing (give themes, groups, "
                              "words or te_tiriti)")
    return rule


def theme_rules(path: Path | None = None) -> tuple[ThemeRule, ...]:
    """The rules of a theme table (the bundled one by default); ThemeTableError if unusable."""
    path = path or theme_table_path()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ThemeTableError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeTableError(f"{path}: not a readable TOML file: {exc}") from None
    unknown = sorted(set(table) - {"rule"})
    if unknown:
        raise ThemeTableError(f"{path}: unknown key {unknown[0]!r} (only [[rule]] tables)")
    raws = table.get("rule", [])
    if not isinstance(raws, list) or not raws:
        raise ThemeTableError(f"{path}: no [[rule]] tables")
    return tuple(_rule(f"{path.name}: rule {n}", raw) for n, raw in enumerate(raws, start=1))


def assign_contributing_by_theme(record: Record, rules: Sequence[ThemeRule] | None = None
                                 ) -> dict[str, int]:
    """Give each recommendation, as contributing, to the agencies the theme table calls for.

    An agency already holding a recommendation keeps it as it is: a lead stays lead, and one
    a coordinator removed stays removed. Every agency code is checked before anything is
    written. Returns matched (recommendations some rule took), created and kept.
    """
    rules = theme_rules() if rules is None else tuple(rules)
    actor = record.actor()
    totals = {"matched": 0, "created": 0, "kept": 0}
    with record.unit_of_work() as session:
        known = set(session.execute(select(Agency.code)).scalars())
        for rule in rules:
            for code in rule.agencies:
                if code not in known:
                    raise UnknownAgency(f"theme rule {rule.name!r}: unknown agency code "
                                        f"{code!r}")
        terms: dict[str, list[tuple[str, str]]] = {}
        for rid, kind, label in session.execute(
                select(RecommendationTerm.recommendation_id, Term.kind, Term.label)
                .join(Term, Term.id == RecommendationTerm.term_id)
                .where(Term.kind.in_(("theme", "group")))):
            terms.setdefault(rid, []).append((kind, label))
        held = set(session.execute(
            select(Assignment.recommendation_id, Assignment.agency_code)).tuples())
        now, rows = utcnow(), []
        for rid, text, te_tiriti in session.execute(
                select(Recommendation.id, Recommendation.text, Recommendation.te_tiriti)
                .order_by(Recommendation.num)):
            folded = _folded_text(text)
            wanted = {code for rule in rules
                      if rule.applies(terms.get(rid, ()), folded, te_tiriti)
                      for code in rule.agencies}
            totals["matched"] += bool(wanted)
            for code in sorted(wanted):
                if (rid, code) in held:
                    totals["kept"] += 1
                else:
                    rows.append(_new_row(rid, code, AssignmentRole.CONTRIBUTING.value, now))
        if rows:
            session.execute(Assignment.__table__.insert(), rows)
        totals["created"] = len(rows)
        audit.append(session, "assign-contributing-by-theme", actor=actor, details=totals)
    log.info("contributing agencies by theme: %s", totals)
    return totals


def flag(record: Record, ids: Sequence[str], *, te_tiriti: bool | None = None,
         withdrawn: bool | None = None) -> int:
    """Coordinator flags: Te Tiriti relevance, withdrawn. Returns rows changed."""
    values: dict[str, bool] = {}
    if te_tiriti is not None:
        values["te_tiriti"] = te_tiriti
    if withdrawn is not None:
        values["withdrawn"] = withdrawn
    if not values or not ids:
        return 0
    actor = record.actor()
    changed = 0
    with record.unit_of_work() as session:
        for rec in session.execute(select(Recommendation).where(
                Recommendation.id.in_(list(ids)))).scalars():
            if any(getattr(rec, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(rec, key, value)
                changed += 1
        audit.append(session, "flag", actor=actor, entity="recommendation",
                     details=values | {"count": changed})
    return changed
