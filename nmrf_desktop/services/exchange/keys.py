"""Signing keys: create on the laptop, register/revoke/rotate at central, look up to verify."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from nmrf_desktop import policy
from nmrf_desktop.bundles.keys import (
    KeyProblem,
    PublicKey,
    SigningKey,
    fingerprint as fingerprint,  # also for the command line
)
from nmrf_desktop.domain.text import fold
from nmrf_desktop.files import GROUP_READABLE, atomic_write
from nmrf_desktop.services.exchange.agency import laptop_agency
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import MIN_PASSPHRASE_LENGTH
from nmrf_desktop.store import audit
from nmrf_desktop.store.models import Agency, SigningKeyRow, utcnow

log = logging.getLogger(__name__)

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


@dataclass(frozen=True, slots=True)
class OwnKey:
    """This database's own signing key (the laptop's, or central's), by its public half."""

    key_id: str
    fingerprint: str
    officer: str
    agency: str | None
    central: bool

    @property
    def file_name(self) -> str:
        """A name for its public key file that says whose it is: 'MOJ-Aroha-Ngata.pub'."""
        parts = ["central" if self.central else self.agency or "", self.officer]
        name = "-".join(_file_part(p) for p in parts if _file_part(p))
        return f"{name or 'nmrf'}-signing-key.pub"


def _file_part(text: str) -> str:
    # Keep letters with macrons; drop what a file name cannot hold on any system.
    return re.sub(r'[\s\\/:*?"<>|\x00-\x1f]+', "-", text.strip()).strip("-.")


@dataclass(frozen=True, slots=True)
class PublicKeyFile:
    """An officer's public key file read at central, before it is registered."""

    path: Path
    key_id: str
    fingerprint: str
    registered: KeyInfo | None


def grouped_fingerprint(kid: str, per_line: int = 4) -> str:
    """The fingerprint in lines of `per_line` groups of four, to read out in a phone check:
    '3F2A 9C01 7B44 E012\nA9C3 55D0 1E2F 8B7A'."""
    groups = fingerprint(kid).split()
    return "\n".join(" ".join(groups[i:i + per_line]) for i in range(0, len(groups), per_line))


# -- how strong a new passphrase is ------------------------------------------------------------

# zxcvbn's score (0–4) a passphrase needs: 3 is "safely unguessable", at least 10^8 guesses.
MIN_SCORE = 3
_SCORED_LENGTH = 72  # zxcvbn refuses longer text; the first 72 characters are judged


class Weakness(StrEnum):
    """Why a new passphrase is refused (the dialog says it in words)."""

    SHORT = "short"  # fewer characters than the organisation's minimum
    COMMON = "common"  # a common password or word, or close to one
    PERSONAL = "personal"  # the officer's name, the agency, the product
    REPEAT = "repeat"  # "aaaa", "abcabc"
    SEQUENCE = "sequence"  # "abcd", "1234"
    KEYBOARD = "keyboard"  # "qwerty", "asdf"
    DATE = "date"  # dates and years
    GUESSABLE = "guessable"  # weak for no single reason


_PATTERNS = {"repeat": Weakness.REPEAT, "sequence": Weakness.SEQUENCE,
             "spatial": Weakness.KEYBOARD, "date": Weakness.DATE, "regex": Weakness.DATE}


def minimum_passphrase_length() -> int:
    """The organisation's minimum for a new key's passphrase (policy, else setting)."""
    return int(policy.value(MIN_PASSPHRASE_LENGTH))


def passphrase_weakness(text: str, minimum: int | None = None,
                        personal: Iterable[str] = ()) -> Weakness | None:
    """Why `text` is too weak to protect a signing key, or None when it is strong enough.

    Too short for the minimum first; then the estimate of zxcvbn (dictionaries of common
    passwords, words and names; repeats, sequences, keyboard patterns, dates), told the
    `personal` words too, reported by its longest guessable part.
    """
    least = minimum_passphrase_length() if minimum is None else minimum
    if len(text) < least:
        return Weakness.SHORT
    words = [w for p in personal for w in [p, *p.split()] if len(w) >= 3]
    # Also as typed without macrons: 'Aroha Ngata 2026' is as personal as 'Aroha Ngāta 2026'.
    words += [f for f in (fold(w) for w in words) if f not in words]
    result = zxcvbn(text[:_SCORED_LENGTH], user_inputs=[*words, "nmrf"])
    if result["score"] >= MIN_SCORE:
        return None
    found = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not found:
        return Weakness.GUESSABLE
    longest = max(found, key=lambda m: len(m["token"]))
    if longest["pattern"] == "dictionary":
        return (Weakness.PERSONAL if longest.get("dictionary_name") == "user_inputs"
                else Weakness.COMMON)
    return _PATTERNS.get(longest["pattern"], Weakness.GUESSABLE)


# The same reasons in plain English, for the command line and the log (the key dialog says
# them in the user's language).
_WEAKNESS_TEXT = {
    Weakness.COMMON: "too common: it is, or is close to, a password or word that attackers "
                     "try first",
    Weakness.PERSONAL: "too easy to guess: it is mostly the officer's name, the agency or the "
                       "product's name",
    Weakness.REPEAT: "too simple: repeats like \"aaaa\" or \"abcabc\" are easy to guess",
    Weakness.SEQUENCE: "too simple: sequences like \"abcd\" or \"1234\" are easy to guess",
    Weakness.KEYBOARD: "too simple: keyboard patterns like \"qwerty\" are easy to guess",
    Weakness.DATE: "too simple: dates and years are easy to guess",
    Weakness.GUESSABLE: "too easy to guess: add another word or two that do not usually go "
                        "together",
}


class WeakPassphrase(KeyRefused):
    """A new key's passphrase is refused by the organisation's rule; `weakness` says why."""

    def __init__(self, weakness: Weakness, minimum: int) -> None:
        why = (f"too short: use at least {minimum} characters (a few unrelated words make a "
               "passphrase that is long and easy to remember)"
               if weakness is Weakness.SHORT else _WEAKNESS_TEXT[weakness])
        super().__init__(f"the passphrase is {why}; the key was not created")
        self.weakness = weakness
        self.minimum = minimum


def personal_words(record: Record, *, central: bool = False) -> tuple[str, ...]:
    """What a new key's passphrase must not be made of: the officer's name and (on a laptop)
    the agency. The key dialog and `create_key` judge with the same words."""
    agency = None if central else laptop_agency(record)
    return tuple(w for w in (record.actor(), agency or "") if w)


def check_new_passphrase(record: Record, passphrase: bytes, *, central: bool = False) -> None:
    """WeakPassphrase unless `passphrase` is strong enough for a new key of this database:
    the one rule of `passphrase_weakness`, with the organisation's minimum length."""
    try:
        text = passphrase.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyRefused("the passphrase is not UTF-8 text") from None
    minimum = minimum_passphrase_length()
    weakness = passphrase_weakness(text, minimum, personal_words(record, central=central))
    if weakness is not None:
        raise WeakPassphrase(weakness, minimum)


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


def own_key(record: Record, *, central: bool = False) -> OwnKey | None:
    """This database's signing key (central's with `central`), or None before one is made."""
    key_id = record.setting(CENTRAL_KEY if central else LAPTOP_KEY)
    if not key_id:
        return None
    return OwnKey(key_id, fingerprint(key_id), record.actor(),
                  None if central else laptop_agency(record), central)


def create_key(record: Record, passphrase: bytes, *, central: bool = False) -> str:
    """Make a new key pair, store the private half encrypted, remember it in this database.

    A new laptop key replaces the one before it (its files stay in the keys folder); the
    secretariat must register the new one before bundles signed with it are accepted.
    A passphrase the organisation's rule finds too weak is refused first (WeakPassphrase),
    and nothing is made.
    """
    check_new_passphrase(record, passphrase, central=central)
    replaced = record.setting(CENTRAL_KEY if central else LAPTOP_KEY) or None
    key = SigningKey.generate()
    key.save(_key_path(record, key.id), passphrase)
    record.set_setting(CENTRAL_KEY if central else LAPTOP_KEY, key.id)
    with record.unit_of_work() as session:
        audit.append(session, "key.create", actor=record.actor(), entity="key",
                     entity_id=key.id, details={"central": central, "replaces": replaced})
        if central:
            session.add(SigningKeyRow(key_id=key.id, public_key=_b64(key.public.raw),
                                      officer_name=record.actor(), agency_code=None,
                                      role="central", valid_from=dt.date.today()))
    return key.id


def load_key(record: Record, passphrase: bytes, *, central: bool = False) -> SigningKey:
    key_id = record.setting(CENTRAL_KEY if central else LAPTOP_KEY)
    if not key_id:
        what = "central signing key" if central else "signing key"
        raise KeyRefused(f"this database has no {what} yet: create one first")
    try:
        return SigningKey.load(_key_path(record, key_id), passphrase)
    except KeyProblem as exc:
        raise KeyRefused(str(exc)) from None


def export_public(record: Record, out: Path, *, central: bool = False) -> str:
    """Write this database's public key to `out` (safely: the whole file or none)."""
    key_id = record.setting(CENTRAL_KEY if central else LAPTOP_KEY)
    if not key_id:
        raise KeyRefused("this database has no signing key yet: create one first")
    pem = _public_from_private_file(record, key_id)
    try:
        with atomic_write(out, GROUP_READABLE) as fh:
            fh.write(pem)
    except OSError as exc:
        raise KeyRefused(f"{out}: cannot be written ({exc.strerror or exc})") from None
    return key_id


def _public_from_private_file(record: Record, key_id: str) -> bytes:
    # The public key is kept beside the encrypted private key so no passphrase is needed.
    pub = record.keys_root / f"{key_id}.pub"
    if not pub.exists():
        raise KeyRefused(f"public key file {pub} is missing")
    return pub.read_bytes()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _read_public(path: Path) -> PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyRefused(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return PublicKey.from_pem(data)
    except KeyProblem as exc:
        raise KeyRefused(f"{path}: {exc}") from None


def read_public_key(record: Record, path: Path) -> PublicKeyFile:
    """Central: an officer's public key file, its fingerprint to compare by phone, and
    whether the registry already holds it."""
    public = _read_public(path)
    with record.reading() as session:
        row = session.get(SigningKeyRow, public.id)
        return PublicKeyFile(path, public.id, fingerprint(public.id),
                             _info(row) if row is not None else None)


def register_key(record: Record, public_pem: Path, *, officer: str, agency: str,
                 valid_days: int | None = 730, replaces: str | None = None) -> KeyInfo:
    """Central: accept an officer's public key as speaking for one agency.

    With `replaces` (rotation), the officer's key it names is revoked in the same
    transaction; it must be an active officer key of the same agency.
    """
    public = _read_public(public_pem)
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
            if old is None or old.role != "officer":
                raise KeyRefused(f"no registered officer key {fingerprint(replaces)} to "
                                 "replace")
            if old.status != "active":
                raise KeyRefused(f"the key {fingerprint(replaces)} is already revoked: "
                                 "register the new key on its own")
            if old.agency_code != agency:
                raise KeyRefused(f"the key {fingerprint(replaces)} speaks for "
                                 f"{old.agency_code}, not {agency}: a replacement key is "
                                 "for the same agency")
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


def lineage(session: Session, key_id: str) -> list[str]:
    """This key and the keys it replaced (rotation), newest first: one officer's bundles
    go on numbering across the keys that replaced one another."""
    chain = [key_id]
    while True:
        before = session.execute(select(SigningKeyRow.key_id).where(
            SigningKeyRow.replaced_by == chain[-1])).scalars().first()
        if before is None or before in chain:
            return chain
        chain.append(before)


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
