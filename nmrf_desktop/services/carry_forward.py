"""Carrying work forward between cycles: suggestions, carry, decline, undo and lineage.

When an imported recommendation overlaps an earlier one that already has agencies,
actions or progress, the coordinator is offered to assign the same agencies and link the
same actions to the new one (issue 17). Nothing is carried without a human decision;
every decision and undo is audited, is taken on the central record only, and travels to
laptops in packs (`carry_forwards`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nmrf_desktop.services.assigning import _assign_ids
from nmrf_desktop.services.browsing import excerpt
from nmrf_desktop.services.entry import change_action
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, carry_forward as store
from nmrf_desktop.store.carry_forward import Row
from nmrf_desktop.store.history import (
    Event,
    LineageRow,
    describe_lineage,
    lineage_rows,
    recommendation_history as _history,
)
from nmrf_desktop.store.laptop import is_laptop
from nmrf_desktop.store.models import Action, new_id, utcnow
from nmrf_desktop.store.overlap_models import CarryForward

log = logging.getLogger(__name__)

CARRIED, DECLINED = "carried", "declined"
REPEATS, REPEATED_BY = "repeats", "repeated by"


class CarryRefused(Exception):
    """A carry-forward decision that cannot be taken (unknown reference, no such
    suggestion, an agency or action not offered, a laptop): nothing was changed."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An earlier recommendation the new one repeats, with work on it."""

    earlier_id: str
    earlier_reference: str
    earlier_cycle: int | None
    earlier_text: str  # excerpt
    agencies: tuple[tuple[str, str, str], ...]  # (code, name, role) assigned there, not here
    actions: tuple[tuple[str, str, str], ...]  # (action id, title, agency code) there, not here
    progress: int  # progress updates recorded on the earlier one
    reason: str  # why detection matched them


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One new recommendation, in one cluster, with the earlier ones it may repeat."""

    cluster_id: str
    recommendation_id: str
    reference: str
    cycle: int | None
    text: str  # excerpt
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class Lineage:
    """One carry-forward decision as people see it (from the side of `reference`).

    `direction` is "repeats" when `reference` is the new recommendation, "repeated by"
    when it is the earlier one (then `earlier_reference` and `earlier_cycle` name the
    later one). `kept`: on an undo, the agencies whose assignment stayed (work was
    recorded against it since), each with why.
    """

    id: str
    reference: str
    earlier_reference: str
    earlier_cycle: int | None
    verdict: str  # "carried" | "declined"
    agencies: tuple[str, ...]  # agency codes the carry assigned
    actions: tuple[str, ...]  # action ids the carry linked
    decided_by: str
    decided_at: dt.datetime
    direction: str = REPEATS
    note: str = ""
    kept: tuple[str, ...] = ()

    def describe(self) -> str:
        """"repeats NZL-UPR18-042 (cycle 3)", "repeated by …", or, declined, "not carried
        forward from …"."""
        return describe_lineage(self.direction == REPEATS, self.verdict,
                                self.earlier_reference, self.earlier_cycle)


# ---------------------------------------------------------------- suggestions


def _earlier(a: Row, b: Row) -> bool:
    """Whether `a` was made before `b`: by cycle, then year, then UPR session, then date
    (each compared only when both have it)."""
    for x, y in ((a.cycle, b.cycle), (a.year, b.year), (a.upr_session, b.upr_session)):
        if x is not None and y is not None and x != y:
            return x < y
    if a.published_on is not None and b.published_on is not None:
        return a.published_on < b.published_on
    return False


def _suggestions(session: Session, country: str | None, references: set[str] | None,
                 everything: bool = False) -> list[Suggestion]:
    """The open suggestions; `everything`: also an earlier one with work on it of which the
    new one already holds all (carrying it then records the lineage only)."""
    if references is not None and country is None:  # only their states' clusters
        countries = store.countries_of(session, references)
        return [s for c in sorted(countries)
                for s in _suggestions(session, c, references, everything)]
    found = store.clusters(session, country)
    ids = sorted({m.id for _c, _r, ms in found for m in ms})
    agencies = store.agencies_on(session, ids)
    actions = store.actions_on(session, ids)
    progress = store.progress_counts(session, ids)
    rejected = store.rejected_pairs(session)
    confirmed = store.confirmed_pairs(session)
    decided = store.decided_pairs(session)
    reasons = store.match_reasons(session, ids)
    offered: set[tuple[str, str]] = set()  # a pair in two clusters is offered once
    out = []
    for cid, why, members in found:
        for new in members:
            if references is not None and new.reference not in references:
                continue
            have = {code for code, _n, _r in agencies.get(new.id, ())}
            linked = {aid for aid, _t, _c in actions.get(new.id, ())}
            candidates = []
            for old in members:
                pair = frozenset((new.id, old.id))
                if (old.id == new.id or not _earlier(old, new) or pair in rejected
                        or (new.id, old.id) in decided or (new.id, old.id) in offered):
                    continue
                gain = tuple(a for a in agencies.get(old.id, ()) if a[0] not in have)
                links = tuple(a for a in actions.get(old.id, ()) if a[0] not in linked)
                if not (gain or links or progress.get(old.id)) and not (
                        everything and (agencies.get(old.id) or actions.get(old.id))):
                    continue  # no work there, or only what is here already (lead defaults)
                offered.add((new.id, old.id))
                reason = reasons.get(pair) or (
                    "confirmed by a coordinator" if pair in confirmed else why)
                candidates.append(Candidate(old.id, old.reference, old.cycle,
                                            excerpt(old.text), gain, links,
                                            progress.get(old.id, 0), reason))
            if candidates:
                out.append(Suggestion(cid, new.id, new.reference, new.cycle, excerpt(new.text),
                                      tuple(candidates)))
    return sorted(out, key=lambda s: (s.reference, s.cluster_id))


def suggestions(record: Record, *, country: str | None = None,
                references: Iterable[str] | None = None) -> list[Suggestion]:
    """Recommendations that repeat earlier ones with work on them, not yet decided.

    Only from clusters the detector found or a coordinator confirmed (never a rejected
    pair); an earlier one is offered when it has agencies or actions the new one lacks, or
    progress recorded. `references` limits them to these new recommendations.
    """
    wanted = None if references is None else set(references)
    with record.reading() as session:
        return _suggestions(session, country, wanted)


# ---------------------------------------------------------------- decisions


def can_decide(record: Record) -> bool:
    """Whether carry-forward decisions may be taken here (the central record, not a laptop)."""
    with record.reading() as session:
        return not is_laptop(session)


def _central(session: Session) -> None:
    if is_laptop(session):
        raise CarryRefused("this is a laptop copy: only the coordinator, on the central "
                           "record, decides what is carried forward; nothing was changed")


MAX_NOTE = 100_000  # what a pack carries (the long texts' limit)


def _check_note(note: str) -> None:
    if len(note) > MAX_NOTE:
        raise CarryRefused(f"the note is longer than {MAX_NOTE:,} characters; nothing was "
                           "changed")


def _candidate(session: Session, reference: str, earlier_reference: str
               ) -> tuple[Suggestion, Candidate]:
    """The open suggestion for this pair, or CarryRefused naming what is wrong."""
    for ref in (reference, earlier_reference):
        if store.id_of(session, ref) is None:
            raise CarryRefused(f"no recommendation with reference {ref}")
    for s in _suggestions(session, None, {reference}, everything=True):
        for c in s.candidates:
            if c.earlier_reference == earlier_reference:
                return s, c
    new_id_, old_id = store.id_of(session, reference), store.id_of(session, earlier_reference)
    if (new_id_, old_id) in store.decided_pairs(session):
        raise CarryRefused(f"{reference} and {earlier_reference}: already decided; undo that "
                           "decision first")
    raise CarryRefused(f"{reference} is not suggested as repeating {earlier_reference} (not "
                       "in one overlap cluster, not earlier, rejected, or no work on "
                       f"{earlier_reference}); nothing was changed")


def _chosen(offered: list[str], wanted: Iterable[str] | None, noun: str, reference: str,
            there: set[str]) -> list[str]:
    """What to add: everything offered (`wanted` None), or the chosen ones. One the earlier
    recommendation has that the new one already has too (`there`) adds nothing and is
    passed over (a redo after an undo that kept it); any other not offered is refused."""
    if wanted is None:
        return offered
    chosen = list(dict.fromkeys(wanted))
    strays = [x for x in chosen if x not in offered and x not in there]
    if strays:
        raise CarryRefused(f"{noun} {', '.join(strays)} not offered for {reference} "
                           f"(offered: {', '.join(offered) or 'none'}); nothing was changed")
    return [x for x in chosen if x in offered]


def _lineage(session: Session, row: CarryForward, rec_id: str, kept: tuple[str, ...] = ()
             ) -> Lineage:
    """The decision `row` seen from `rec_id` (its new or its earlier recommendation)."""
    repeats = row.recommendation_id == rec_id
    found = store.rows(session, [row.recommendation_id, row.earlier_id])
    other = found[row.earlier_id if repeats else row.recommendation_id]
    return _seen(found[rec_id].reference, LineageRow(row, repeats, other.reference,
                                                     other.cycle), kept)


def _seen(reference: str, found: LineageRow, kept: tuple[str, ...] = ()) -> Lineage:
    row = found.decision
    return Lineage(row.id, reference, found.other_reference, found.other_cycle, row.verdict,
                   tuple(json.loads(row.agencies)), tuple(json.loads(row.actions)),
                   row.decided_by, row.decided_at, REPEATS if found.repeats else REPEATED_BY,
                   row.note, kept)


def carry(record: Record, reference: str, earlier_reference: str, *,
          agencies: Iterable[str] | None = None, actions: Iterable[str] | None = None,
          note: str = "") -> Lineage:
    """Assign the offered agencies (same role) and link the offered actions to the new
    recommendation; None = everything offered. One transaction, audited."""
    _check_note(note)
    actor = record.actor()
    with record.unit_of_work() as session:
        _central(session)
        suggestion, candidate = _candidate(session, reference, earlier_reference)
        rid, old = suggestion.recommendation_id, candidate.earlier_id
        roles = {code: role for code, _n, role in candidate.agencies}
        both = [store.agencies_on(session, [x]).get(x, []) for x in (old, rid)]
        codes = _chosen(list(roles), agencies, "agency", reference,
                        {a[0] for a in both[0]} & {a[0] for a in both[1]})
        linked = [store.actions_on(session, [x]).get(x, []) for x in (old, rid)]
        action_ids = _chosen([a for a, _t, _c in candidate.actions], actions, "action",
                             reference, {a[0] for a in linked[0]} & {a[0] for a in linked[1]})
        now = utcnow()
        for code in codes:
            _assign_ids(session, code, roles[code], [rid])
        for aid in action_ids:
            row = session.get(Action, aid)
            assert row is not None  # offered from its links a moment ago, same transaction
            change_action(session, row, {}, sorted(store.links_of(session, aid) | {rid}), actor)
        decision = CarryForward(id=new_id(), recommendation_id=rid,
                                earlier_id=candidate.earlier_id, verdict=CARRIED,
                                agencies=json.dumps(codes), actions=json.dumps(action_ids),
                                decided_by=actor, decided_at=now, note=note)
        store.add(session, decision)
        audit.append(session, "carry-forward.carry", actor=actor, entity="recommendation",
                     entity_id=rid, details={
                         "decision": decision.id, "reference": reference,
                         "earlier": earlier_reference, "agencies": codes,
                         "actions": action_ids, "note": note})
        log.info("carried %s forward to %s: agencies %s, actions %s", earlier_reference,
                 reference, codes, action_ids)
        return _lineage(session, decision, rid)


def decline(record: Record, reference: str, earlier_reference: str, note: str = "") -> Lineage:
    """Record that this pair is not carried: it is not offered again. Audited."""
    _check_note(note)
    actor = record.actor()
    with record.unit_of_work() as session:
        _central(session)
        suggestion, candidate = _candidate(session, reference, earlier_reference)
        rid = suggestion.recommendation_id
        decision = CarryForward(id=new_id(), recommendation_id=rid,
                                earlier_id=candidate.earlier_id, verdict=DECLINED,
                                agencies="[]", actions="[]", decided_by=actor,
                                decided_at=utcnow(), note=note)
        store.add(session, decision)
        audit.append(session, "carry-forward.decline", actor=actor, entity="recommendation",
                     entity_id=rid, details={"decision": decision.id, "reference": reference,
                                             "earlier": earlier_reference, "note": note})
        return _lineage(session, decision, rid)


def undo(record: Record, decision_id: str) -> Lineage:
    """Take back exactly what the decision added and forget the decision. Audited.

    An assignment the carry made is removed unless the agency recorded work on the
    recommendation since (progress, evidence, another action): then it stays, and the
    returned Lineage's `kept` says so. Links the carry made are taken off the actions.
    """
    actor = record.actor()
    with record.unit_of_work() as session:
        _central(session)
        row = store.get(session, decision_id)
        if row is None:
            raise CarryRefused(f"no carry-forward decision {decision_id}; nothing was changed")
        rid, since = row.recommendation_id, row.decided_at
        carried = json.loads(row.actions)
        removed, kept = [], []
        for code in json.loads(row.agencies):
            held = store.assignment(session, rid, code)
            if held is None or not held.active:
                continue
            work = store.work_since(session, rid, code, since, carried)
            if work:
                kept.append(f"{code} ({', '.join(work)} recorded since)")
                continue
            if held.created_at >= since:
                session.delete(held)
            else:  # the carry gave back an assignment once removed: removed again
                held.active = False
            removed.append(code)
        unlinked = []
        for aid in carried:
            action = session.get(Action, aid)
            links = store.links_of(session, aid) if action is not None else set()
            if action is not None and rid in links:
                change_action(session, action, {}, sorted(links - {rid}), actor)
                unlinked.append(aid)
        result = _lineage(session, row, rid, tuple(kept))
        store.remove(session, decision_id)
        audit.append(session, "carry-forward.undo", actor=actor, entity="recommendation",
                     entity_id=rid, details={
                         "decision": decision_id, "verdict": row.verdict,
                         "reference": result.reference, "earlier": result.earlier_reference,
                         "agencies_removed": removed, "agencies_kept": kept,
                         "actions_unlinked": unlinked})
        session.flush()
        return result


def lineage(record: Record, reference: str) -> list[Lineage]:
    """Every decision on this recommendation, both directions: repeats / repeated by."""
    with record.reading() as session:
        rid = store.id_of(session, reference)
        if rid is None:
            raise CarryRefused(f"no recommendation with reference {reference}")
        return [_seen(reference, row) for row in lineage_rows(session, rid)]


def lineage_of(record: Record, rec_id: str) -> list[Lineage]:
    """`lineage` by recommendation id (the detail pane and reports know ids)."""
    with record.reading() as session:
        own = store.rows(session, [rec_id]).get(rec_id)
        if own is None:
            return []
        return [_seen(own.reference, row) for row in lineage_rows(session, rec_id)]


def history(record: Record, reference: str) -> list[Event]:
    """A recommendation's history, oldest first: progress updates and what it repeats (or
    is repeated by), each with who and when."""
    with record.reading() as session:
        rid = store.id_of(session, reference)
        if rid is None:
            raise CarryRefused(f"no recommendation with reference {reference}")
        return _history(session, rid)


__all__ = ["CARRIED", "DECLINED", "REPEATED_BY", "REPEATS", "Candidate", "CarryRefused",
           "Lineage", "Suggestion", "can_decide", "carry", "decline", "history", "lineage",
           "lineage_of", "suggestions", "undo"]
