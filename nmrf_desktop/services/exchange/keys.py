"""Signing keys: create on the laptop, register/revoke/rotate at central, look up to verify."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.keys import (
    KeyProblem,
    PublicKey,
    SigningKey,
    fingerprint as fingerprint,  # also for the command line
)
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.models import Agency, SigningKeyRow, utcnow

LAPTOP_KEY = "signing_key_id"
CENTRAL_KEY = "central_key_id"
PASSPHRASE_ENV = "NMRF_KEY_PASSPHRASE"


class KeyRefused(ValueError):
    """A key operation cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key_id: str
    fingerprint: str
    officer: str
    agency: str | None
    role: str
    status: str
    valid_from: dt.date
    valid_until: dt.date | None


def passphrase_from(file: Path | None = None, prompt: Callable[[], str] | None = None) -> bytes:
    """The key passphrase: a file, else $NMRF_KEY_PASSPHRASE, else ask (never echoed)."""
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise KeyRefused(f"{file}: cannot read the passphrase file ({exc.strerror})") from None
    elif os.environ.get(PASSPHRASE_ENV):
        text = os.environ[PASSPHRASE_ENV]
    elif prompt is not None:
        text = prompt()
    else:
        raise KeyRefused(f"no passphrase: set {PASSPHRASE_ENV} or use --passphrase-file")
    if not text:
        raise KeyRefused("the passphrase is empty")
    return text.encode("utf-8")


def _key_path(record: Record, key_id: str) -> Path:
    return record.keys_root / f"{key_id}.pem"


def create_key(record: Record, passphrase: bytes, *, central: bool = False) -> str:
    """Make a new key pair, store the private half encrypted, remember it in this database."""
    key = SigningKey.generate()
    key.save(_key_path(record, key.id), passphrase)
    record.set_setting(CENTRAL_KEY if central else LAPTOP_KEY, key.id)
    with record.unit_of_work() as session:
        audit.append(session, "key.create", actor=record.actor(), entity="key",
                     entity_id=key.id, details={"central": central})
        if central:
            session.add(SigningKeyRow(key_id=key.id, public_key=_b64(key.public.raw),
                                      officer_name=record.actor(), agency_code=None,
                                      role="central", valid_from=dt.date.today()))
    return key.id


def load_key(record: Record, passphrase: bytes, *, central: bool = False) -> SigningKey:
    key_id = record.setting(CENTRAL_KEY if central else LAPTOP_KEY)
    if not key_id:
        what = "central signing key" if central else "signing key"
        raise KeyRefused(f"this database has no {what}; create one with `nmrf keys create`")
    try:
        return SigningKey.load(_key_path(record, key_id), passphrase)
    except KeyProblem as exc:
        raise KeyRefused(str(exc)) from None


def export_public(record: Record, out: Path, *, central: bool = False) -> str:
    key_id = record.setting(CENTRAL_KEY if central else LAPTOP_KEY)
    if not key_id:
        raise KeyRefused("this database has no signing key; create one with `nmrf keys create`")
    pem = _public_from_private_file(record, key_id)
    out.write_bytes(pem)
    return key_id


def _public_from_private_file(record: Record, key_id: str) -> bytes:
    # The public key is kept beside the encrypted private key so no passphrase is needed.
    pub = record.keys_root / f"{key_id}.pub"
    if not pub.exists():
        raise KeyRefused(f"public key file {pub} is missing")
    return pub.read_bytes()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def register_key(record: Record, public_pem: Path, *, officer: str, agency: str,
                 valid_days: int | None = 730, replaces: str | None = None) -> KeyInfo:
    """Central: accept an officer's public key as speaking for one agency."""
    try:
        public = PublicKey.from_pem(public_pem.read_bytes())
    except OSError as exc:
        raise KeyRefused(f"{public_pem}: cannot be read ({exc.strerror})") from None
    except KeyProblem as exc:
        raise KeyRefused(f"{public_pem}: {exc}") from None
    if not officer.strip():
        raise KeyRefused("name the officer the key belongs to")
    actor = record.actor()
    with record.unit_of_work() as session:
        if session.get(Agency, agency) is None:
            raise KeyRefused(f"unknown agency code {agency!r}")
        if session.get(SigningKeyRow, public.id) is not None:
            raise KeyRefused(f"key {fingerprint(public.id)} is already registered")
        today = dt.date.today()
        row = SigningKeyRow(
            key_id=public.id, public_key=_b64(public.raw), officer_name=officer.strip(),
            agency_code=agency, role="officer", valid_from=today,
            valid_until=today + dt.timedelta(days=valid_days) if valid_days else None)
        session.add(row)
        if replaces:
            old = session.get(SigningKeyRow, replaces)
            if old is None:
                raise KeyRefused(f"no registered key {replaces[:16]}… to replace")
            old.status, old.revoked_at, old.replaced_by = "revoked", utcnow(), public.id
        audit.append(session, "key.register", actor=actor, entity="key", entity_id=public.id,
                     details={"officer": officer, "agency": agency, "replaces": replaces})
        session.flush()
        return _info(row)


def revoke_key(record: Record, key_id: str) -> KeyInfo:
    actor = record.actor()
    with record.unit_of_work() as session:
        row = _find(session, key_id)
        row.status, row.revoked_at = "revoked", utcnow()
        audit.append(session, "key.revoke", actor=actor, entity="key", entity_id=row.key_id)
        return _info(row)


def _find(session: Session, key_id: str) -> SigningKeyRow:
    rows = session.execute(select(SigningKeyRow).where(
        SigningKeyRow.key_id.startswith(key_id.lower().replace(" ", "")))).scalars().all()
    if len(rows) != 1:
        raise KeyRefused(f"no single registered key matches {key_id!r}")
    return rows[0]


def list_keys(record: Record) -> list[KeyInfo]:
    with record.reading() as session:
        return [_info(r) for r in session.execute(
            select(SigningKeyRow).order_by(SigningKeyRow.registered_at)).scalars()]


def _info(row: SigningKeyRow) -> KeyInfo:
    return KeyInfo(row.key_id, fingerprint(row.key_id), row.officer_name, row.agency_code,
                   row.role, row.status, row.valid_from, row.valid_until)


def registry_lookup(session: Session, today: dt.date | None = None
                    ) -> Callable[[str], PublicKey | None]:
    """A find_key for envelope checks: active, in-date officer keys only."""
    day = today or dt.date.today()

    def find(kid: str) -> PublicKey | None:
        row = session.get(SigningKeyRow, kid)
        if row is None or row.status != "active" or row.role != "officer":
            return None
        if row.valid_from > day or (row.valid_until and row.valid_until < day):
            return None
        return PublicKey(base64.b64decode(row.public_key))

    return find
