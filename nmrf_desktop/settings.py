"""Every setting declared once, with its type, default, description and policy key.

A value is resolved in one place, `policy.resolve()`: the organisation's policy file wins,
then the user's own setting (`user_or_default` here), then the default declared here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Option(Generic[T]):
    key: str
    default: T
    description: str
    # The dotted key of this setting in the policy file ("backup.kept"); "" = not provisioned.
    policy: str = ""
    # The smallest value allowed (numbers only).
    minimum: int | None = None


EVIDENCE_MAX_BYTES = Option("evidence/max_bytes", 100 * 1024 * 1024,
                            "Largest evidence file that can be attached, in bytes.",
                            policy="evidence.max_bytes", minimum=1)
STALE_MONTHS = Option("overview/stale_months", 6,
                      "Items with no progress update for this many months are listed as stale.")
BACKUPS_KEPT = Option("backup/kept", 10, "How many automatic backups are kept.",
                      policy="backup.kept", minimum=1)
BACKUP_DAILY = Option("backup/daily", True,
                      "Back the database up once a day while it is open (and always on close).",
                      policy="backup.daily")
CENTRAL_KEY = Option("pinned_central_key_id", "",
                     "The central signing key packs must carry (key id or fingerprint).",
                     policy="exchange.central_key")
AGENCY = Option("agency", "", "The agency this laptop works for (agency code).",
                policy="exchange.agency")
DATA_FOLDER = Option("storage/data_folder", "",
                     "Databases may only be opened or created inside this folder.",
                     policy="storage.data_folder")
MIN_PASSPHRASE_LENGTH = Option("keys/min_passphrase_length", 12,
                               "Fewest characters in the passphrase of a new signing key.",
                               policy="keys.min_passphrase_length", minimum=8)

OPTIONS: tuple[Option[Any], ...] = (EVIDENCE_MAX_BYTES, STALE_MONTHS, BACKUPS_KEPT,
                                    BACKUP_DAILY, CENTRAL_KEY, AGENCY, DATA_FOLDER,
                                    MIN_PASSPHRASE_LENGTH)
POLICY_OPTIONS: dict[str, Option[Any]] = {o.policy: o for o in OPTIONS if o.policy}

POLICY, USER, DEFAULT = "policy", "user", "default"
UNSET: Any = object()

# Where user settings come from (the desktop app registers its QSettings); None = none.
UserSource = Callable[[str], object]
_user_source: UserSource | None = None


def set_user_source(source: UserSource | None) -> None:
    """Register how to read a user setting by key (returns None when it is not set)."""
    global _user_source
    _user_source = source


@dataclass(frozen=True, slots=True)
class Resolved(Generic[T]):
    """A setting's value, where it came from, and whether the user may change it."""

    option: Option[T]
    value: T
    source: str

    @property
    def locked(self) -> bool:
        return self.source == POLICY


def coerce(option: Option[T], raw: object) -> T:
    """A raw value (QSettings text, a database string) as the option's type; ValueError."""
    kind = type(option.default)
    if isinstance(raw, kind) and not (kind is int and isinstance(raw, bool)):
        value: Any = raw
    elif kind is bool:
        text = str(raw).strip().lower()
        if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
            raise ValueError(f"{raw!r} is not true or false")
        value = text in ("true", "1", "yes", "on")
    elif kind is int:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(f"{raw!r} is not a whole number")
        value = int(str(raw).strip()) if isinstance(raw, str) else int(raw)  # type: ignore[call-overload]
    else:
        value = kind(raw)  # type: ignore[call-arg]
    if option.minimum is not None and value < option.minimum:
        raise ValueError(f"{value!r} is below the minimum {option.minimum}")
    return value  # type: ignore[no-any-return]


def user_or_default(option: Option[T], user_value: object = UNSET) -> Resolved[T]:
    """The user's value (given, or read from the registered user source) if it is valid,
    else the default; the policy's value, which wins over both, is `policy.resolve`'s."""
    if user_value is UNSET and _user_source is not None:
        user_value = _user_source(option.key)
    if user_value is not UNSET and user_value is not None and user_value != "":
        try:
            return Resolved(option, coerce(option, user_value), USER)
        except (TypeError, ValueError):
            log.warning("ignoring the setting %s=%r: not a valid value", option.key, user_value)
    return Resolved(option, option.default, DEFAULT)
