"""Why the inbox refused or held a bundle, who the bundle names, and what settled a refusal.

**What a rejected bundle names** (`read_claim`): a rejected file is hostile input. Its
agency, officer, device, bundle id, key id and sequence are read only after the archive's
structural checks pass (the same `read_envelope` the import uses), from strict JSON, as
cleaned, capped text kept for display and marked unverified; nothing else is believed.

**What "rejected" counts** (`settlements`, `rejected_counts`): a rejected inbox entry is
*settled* by a bundle merged after the entry was received when that bundle is

- the same file (the same bytes, imported again once, say, the officer's key was
  registered or the recommendation assigned), or
- the same bundle id (a copy sent again: a bundle id is a random UUID, not guessable), or
- the same key and sequence number, when the refusal came after the signature checked
  out (so key and sequence are the signer's own, not a forger's guess) and was not a fork
  (two different bundles claiming one place: merging one does not answer the other).

The inbox shows a settled entry as "Rejected, then merged"; the dashboard's and the
inbox's rejected counts are of entries not settled, each file counted once.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.bundle_file import BundleRejected, read_envelope
from nmrf_desktop.bundles.strict_json import BadDocument, loads
from nmrf_desktop.store.merge import BadChange, Unauthorized, Unresolved
from nmrf_desktop.store.models import InboxEntry, MergedBundle

log = logging.getLogger(__name__)

REJECTED = "rejected"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 400
# Display caps for what an unverified bundle says about itself.
AGENCY_CAP, NAME_CAP = 20, 100


class Kind(StrEnum):
    """The kinds of refusal (and the one hold) the inbox gives a remedy for."""

    UNKNOWN_KEY = "unknown-key"
    REVOKED_KEY = "revoked-key"
    KEY_NOT_VALID = "key-not-valid"
    WRONG_AGENCY = "wrong-agency"
    WRONG_OFFICER = "wrong-officer"
    UNKNOWN_PACK = "unknown-pack"
    NOT_A_BUNDLE = "not-a-bundle"
    ALTERED = "altered"
    BAD_ARCHIVE = "bad-archive"
    UNREADABLE = "unreadable"
    MALFORMED = "malformed"
    NEWER_FORMAT = "newer-format"
    OLD_SEQUENCE = "old-sequence"
    SAME_ID = "same-id"
    FORK = "fork"
    UNAUTHORIZED = "unauthorized"
    UNRESOLVED = "unresolved"
    BAD_CHANGE = "bad-change"
    GAP = "gap"
    OTHER = "other"


# The import's messages, in the order they are tried: the first match names the kind.
_PATTERNS: tuple[tuple[str, Kind], ...] = (
    ("cannot be read", Kind.UNREADABLE),
    ("unsafe archive", Kind.BAD_ARCHIVE),
    ("missing from the archive", Kind.BAD_ARCHIVE),
    ("signed by unknown or revoked key", Kind.UNKNOWN_KEY),
    ("signed by a revoked key", Kind.REVOKED_KEY),
    ("not valid today", Kind.KEY_NOT_VALID),
    ("signed a bundle for agency", Kind.WRONG_AGENCY),
    ("but its key is registered to", Kind.WRONG_OFFICER),
    ("this central record never issued", Kind.UNKNOWN_PACK),
    ("a pack of another central record", Kind.UNKNOWN_PACK),
    ("wrong payload type", Kind.NOT_A_BUNDLE),
    ("signature does not match", Kind.ALTERED),
    ("does not match its hash", Kind.ALTERED),
    ("change log does not match", Kind.ALTERED),
    ("another number of changes", Kind.ALTERED),
    ("changed while importing", Kind.ALTERED),
    ("newer than this app understands", Kind.NEWER_FORMAT),
    ("same id was already merged", Kind.SAME_ID),
    ("old sequence number", Kind.OLD_SEQUENCE),
    ("fork:", Kind.FORK),
    ("has not arrived yet", Kind.GAP),
    # Authorization (by exception type at import; by words for rows from before 0010).
    ("this bundle does not carry", Kind.UNRESOLVED),
    ("is unknown to the central record", Kind.UNRESOLVED),
    ("is not assigned to", Kind.UNAUTHORIZED),
    ("another agency's", Kind.UNAUTHORIZED),
    ("unknown to the central record", Kind.UNAUTHORIZED),
    ("evidence for an unknown action", Kind.UNAUTHORIZED),
    ("creates an action for agency", Kind.UNAUTHORIZED),
    ("writes for agency", Kind.UNAUTHORIZED),
    ("evidence for agency", Kind.UNAUTHORIZED),
    ("envelope", Kind.MALFORMED),
    ("manifest", Kind.MALFORMED),
    ("signature", Kind.MALFORMED),
    ("change on line", Kind.MALFORMED),
    ("change log", Kind.MALFORMED),
    ("json", Kind.MALFORMED),
)


def classify(reason: str) -> Kind:
    """The kind of a refusal from the import's message (rows that stored no kind)."""
    text = reason.lower()
    return next((kind for words, kind in _PATTERNS if words in text), Kind.OTHER)


def kind_of(exc: BaseException) -> Kind:
    """The kind of the exception an import refused a bundle with."""
    if isinstance(exc, Unresolved):
        return Kind.UNRESOLVED
    if isinstance(exc, Unauthorized):
        return Kind.UNAUTHORIZED
    if isinstance(exc, BadChange):
        return Kind.BAD_CHANGE
    return classify(str(exc))


def stored_kind(entry_kind: str, reason: str) -> Kind:
    """An entry's kind: as stored, else worked out from its reason (rows from before 0010)."""
    try:
        return Kind(entry_kind)
    except ValueError:
        return classify(reason)


# -- what a refused bundle says about itself ----------------------------------------------

@dataclass(frozen=True, slots=True)
class Claim:
    """Who an unverified bundle says it is from: display text only, never trusted."""

    agency: str = ""
    officer: str = ""
    device: str = ""
    bundle_id: str = ""
    key_id: str = ""
    sequence: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"agency": self.agency, "officer": self.officer, "device": self.device,
                "bundle_id": self.bundle_id, "key_id": self.key_id,
                "sequence": self.sequence}


def clean_text(value: object, cap: int) -> str:
    """Printable text of at most `cap` characters: no control, format (bidi) or line
    separator characters, white space collapsed, NFC; anything not text gives ""."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value[:cap * 4])
    kept = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " "
                   for ch in text if unicodedata.category(ch) not in ("Cf", "Cn", "Co", "Cs"))
    return " ".join(kept.split())[:cap]


def _uuid(value: object) -> str:
    if isinstance(value, str) and len(value) <= 40:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return ""
    return ""


def _hex64(value: object) -> str:
    return value if isinstance(value, str) and _HEX64.fullmatch(value) else ""


def _sequence(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2 ** 31:
        return value
    return None


def read_claim(path: Path) -> Claim:
    """What the envelope of a refused bundle names, read safely; an empty Claim when the
    archive fails its structural checks (nothing in it is parsed then) or says nothing."""
    try:
        archive, raw = read_envelope(path)
    except (BundleRejected, OSError):
        return Claim()
    archive.close()
    try:
        envelope = loads(raw, "envelope")
        if not isinstance(envelope, dict):
            return Claim()
        signatures = envelope.get("signatures")
        first = signatures[0] if isinstance(signatures, list) and signatures else {}
        key_id = _hex64(first.get("keyid")) if isinstance(first, dict) else ""
        payload = envelope.get("payload")
        if not isinstance(payload, str):
            return Claim(key_id=key_id)
        manifest = loads(base64.b64decode(payload, validate=True), "manifest")
    except (BadDocument, binascii.Error, ValueError, RecursionError):
        # Deeply nested or broken JSON, bad base64: the bundle names nothing we can show.
        return Claim()
    if not isinstance(manifest, dict):
        return Claim(key_id=key_id)
    return Claim(agency=clean_text(manifest.get("agency"), AGENCY_CAP),
                 officer=clean_text(manifest.get("officer"), NAME_CAP),
                 device=clean_text(manifest.get("device"), NAME_CAP),
                 bundle_id=_uuid(manifest.get("bundle_id")),
                 key_id=key_id or _hex64(manifest.get("key_id")),
                 sequence=_sequence(manifest.get("sequence")))


# -- what settled a refusal ---------------------------------------------------------------

class How(StrEnum):
    SAME_FILE = "same-file"
    SAME_BUNDLE = "same-bundle"
    SAME_SEQUENCE = "same-sequence"


@dataclass(frozen=True, slots=True)
class Settlement:
    """The merge that settled a rejected inbox entry, and how it matched."""

    how: How
    bundle_id: str
    agency: str
    sequence: int
    merged_at: dt.datetime


@dataclass(frozen=True, slots=True)
class _Refused:
    id: str
    file_sha256: str
    bundle_id: str
    key_id: str
    sequence: int | None
    received_at: dt.datetime
    by_sequence: bool  # key and sequence are the verified signer's, and no fork


def _refused(session: Session, ids: Iterable[str] | None = None) -> list[_Refused]:
    e = InboxEntry
    stmt = select(e.id, e.file_sha256, e.bundle_id, e.key_id, e.sequence, e.received_at,
                  e.identity_verified, e.reason_kind, e.reason).where(e.status == REJECTED)
    if ids is None:
        rows = list(session.execute(stmt).all())
    else:
        wanted, rows = list(ids), []
        for start in range(0, len(wanted), _CHUNK):
            rows.extend(session.execute(stmt.where(e.id.in_(wanted[start:start + _CHUNK]))))
    return [_Refused(r.id, r.file_sha256, r.bundle_id, r.key_id, r.sequence, r.received_at,
                     bool(r.identity_verified) and stored_kind(r.reason_kind, r.reason)
                     != Kind.FORK)
            for r in rows]


def _match(entry: _Refused, merged: MergedBundle) -> How | None:
    if merged.merged_at < entry.received_at:
        return None
    if merged.bundle_sha256 == entry.file_sha256:
        return How.SAME_FILE
    if entry.bundle_id and merged.bundle_id == entry.bundle_id:
        return How.SAME_BUNDLE
    if (entry.by_sequence and entry.key_id and entry.sequence is not None
            and (merged.key_id, merged.sequence) == (entry.key_id, entry.sequence)):
        return How.SAME_SEQUENCE
    return None


def _merged_candidates(session: Session, refused: Sequence[_Refused]) -> list[MergedBundle]:
    m = MergedBundle
    found: dict[str, MergedBundle] = {}
    for start in range(0, len(refused), _CHUNK):
        part = refused[start:start + _CHUNK]
        shas = {r.file_sha256 for r in part}
        ids = {r.bundle_id for r in part if r.bundle_id}
        keys = {r.key_id for r in part if r.by_sequence and r.key_id}
        clauses = [m.bundle_sha256.in_(shas)]
        if ids:
            clauses.append(m.bundle_id.in_(ids))
        if keys:
            clauses.append(m.key_id.in_(keys))
        for merged in session.execute(select(m).where(or_(*clauses))).scalars():
            found[merged.bundle_id] = merged
    return sorted(found.values(), key=lambda b: b.merged_at)


def settlements(session: Session, ids: Iterable[str] | None = None) -> dict[str, Settlement]:
    """The rejected inbox entries (all, or those of `ids`) a later merge settled."""
    refused = _refused(session, ids)
    if not refused:
        return {}
    candidates = _merged_candidates(session, refused)
    out: dict[str, Settlement] = {}
    for entry in refused:
        for merged in candidates:  # the earliest merge that matches
            how = _match(entry, merged)
            if how is not None:
                out[entry.id] = Settlement(how, merged.bundle_id, merged.agency_code,
                                           merged.sequence, merged.merged_at)
                break
    return out


@dataclass(frozen=True, slots=True)
class RejectedCounts:
    """Rejected bundle files: still needing action, and settled by a later merge."""

    outstanding: int
    settled: int


def rejected_counts(session: Session) -> RejectedCounts:
    """Distinct rejected files not settled, and those settled (see the module's rules)."""
    settled = settlements(session)
    open_files: set[str] = set()
    settled_files: set[str] = set()
    for entry_id, sha in session.execute(select(InboxEntry.id, InboxEntry.file_sha256).where(
            InboxEntry.status == REJECTED)):
        (settled_files if entry_id in settled else open_files).add(sha)
    # A file rejected twice and settled once is settled: its content reached the record.
    return RejectedCounts(len(open_files - settled_files), len(settled_files))
