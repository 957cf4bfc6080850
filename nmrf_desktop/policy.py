"""The organisation's policy file: provisioned settings that win over the user's own.

Format (TOML, UTF-8; every key optional)::

    format = 1                        # this app reads format 1

    [exchange]
    central_key = "3F2A 9C01 …"       # the central signing key to pin: its fingerprint
                                      # (32 hex digits, spaces allowed) or full key id (64)
    agency = "MOJ"                    # the agency code this laptop works for, whatever
                                      # a database stores (services/agency.py)

    [storage]
    data_folder = "/srv/nmrf"         # databases only inside this folder (~ and $VARS expand)
                                      # (files only: a postgresql:// URL names a server, not a
                                      # file here, and is not limited by it; the bundled demo
                                      # database is public data and always allowed);
                                      # the default database, automatic backups and a
                                      # server record's evidence and keys go there too
                                      # (policy.data_home, services/record.py)

    [evidence]
    max_bytes = 52428800              # largest evidence file, in bytes

    [backup]
    kept = 14                         # automatic backups kept per database
    daily = true                      # a backup every day the database is open

    [keys]
    min_passphrase_length = 16        # fewest characters in a new signing key's passphrase
                                      # (default 12, at least 8); the app also refuses a
                                      # common or simple one (services/exchange/keys.py)

Where: $NMRF_POLICY_FILE if set (empty = no policy); else Linux /etc/nmrf-desktop/policy.toml
then each $XDG_CONFIG_DIRS entry (default /etc/xdg) + /nmrf-desktop/policy.toml; Windows
%ProgramData%\\NMRF\\nmrf-desktop\\policy.toml; macOS /Library/Application Support/NMRF/
nmrf-desktop/policy.toml. The first file that exists is the policy; files are not merged.

Safe behaviour when it is malformed (each problem is logged as an error naming the file,
and the key): a file that cannot be read or parsed (or declares a newer format) provides
no values, and packs are refused until it is repaired (the pin it may carry is unknown);
a single bad value is ignored (the user's setting or the default applies) except the
central key, where a bad value again refuses every pack; unknown keys are logged and
ignored.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from nmrf_desktop.bundles.keys import fingerprint
from nmrf_desktop.paths import demo_database, user_data_dir
from nmrf_desktop.settings import (
    AGENCY,
    CENTRAL_KEY,
    DATA_FOLDER,
    POLICY,
    POLICY_OPTIONS,
    UNSET,
    Option,
    Resolved,
    coerce,
    user_or_default,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

FORMAT_VERSION = 1
ENV_OVERRIDE = "NMRF_POLICY_FILE"
_HEX = re.compile(r"[0-9a-f]{32,64}")


class PolicyError(ValueError):
    """The policy file (or one of its values) cannot be used."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The policy in force: the file read (None = no policy) and its usable values."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    damaged: bool = False  # the whole file is unusable
    bad_keys: frozenset[str] = frozenset()


def locations() -> list[Path]:
    """Where a policy file is looked for, in order; the first one that exists is used."""
    override = os.environ.get(ENV_OVERRIDE)
    if override is not None:
        return [Path(override)] if override.strip() else []
    if sys.platform == "win32":
        base = os.environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return [Path(base) / "NMRF" / "nmrf-desktop" / "policy.toml"]
    if sys.platform == "darwin":
        return [Path("/Library/Application Support/NMRF/nmrf-desktop/policy.toml")]
    xdg = os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    return [Path("/etc/nmrf-desktop/policy.toml"),
            *(Path(d) / "nmrf-desktop" / "policy.toml" for d in xdg.split(os.pathsep) if d)]


_cache: dict[tuple[str, int, int], Policy] = {}


def current() -> Policy:
    """The policy in force (read again whenever the file changes)."""
    for path in locations():
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        except OSError as exc:
            return _damaged(path, f"cannot read the policy file {path}: {exc.strerror}")
        stamp = (str(path), st.st_mtime_ns, st.st_size)
        if stamp not in _cache:
            _cache.clear()
            _cache[stamp] = read(path)
        return _cache[stamp]
    return Policy()


def _damaged(path: Path, message: str) -> Policy:
    log.error("%s; none of its settings apply and packs are refused until it is repaired",
              message)
    return Policy(path, {}, (message,), damaged=True)


def read(path: Path) -> Policy:
    """Parse one policy file; problems are logged and recorded, never raised."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        return _damaged(path, f"cannot read the policy file {path}: {exc.strerror}")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return _damaged(path, f"the policy file {path} is not valid TOML: {exc}")
    fmt = data.pop("format", FORMAT_VERSION)
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt > FORMAT_VERSION:
        return _damaged(path, f"the policy file {path}: key 'format' = {fmt!r} is not a "
                        f"format this app reads (up to {FORMAT_VERSION})")
    values: dict[str, Any] = {}
    errors: list[str] = []
    bad: set[str] = set()
    for key, raw in _flatten(data):
        option = POLICY_OPTIONS.get(key)
        if option is None:
            message = f"the policy file {path}: unknown key '{key}' (ignored)"
            log.warning("%s", message)
            errors.append(message)
            continue
        try:
            values[key] = _check(key, raw)
        except (PolicyError, TypeError, ValueError) as exc:
            message = f"the policy file {path}: key '{key}' = {raw!r} is not valid: {exc}"
            log.error("%s; %s", message, "packs are refused until it is repaired"
                      if key == CENTRAL_KEY.policy else "the user's setting or the default "
                      "applies")
            errors.append(message)
            bad.add(key)
    log.info("policy file %s: %s", path, ", ".join(sorted(values)) or "no settings")
    return Policy(path, values, tuple(errors), False, frozenset(bad))


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, raw in data.items():
        if isinstance(raw, dict):
            out += _flatten(raw, f"{prefix}{key}.")
        else:
            out.append((f"{prefix}{key}", raw))
    return out


def _check(key: str, raw: Any) -> Any:
    option = POLICY_OPTIONS[key]
    kind = type(option.default)
    if not isinstance(raw, kind) or (kind is int and isinstance(raw, bool)):
        raise PolicyError(f"expected {_KIND_NAMES.get(kind, kind.__name__)}")
    if key == CENTRAL_KEY.policy:
        return normalize_key(raw)
    if key == DATA_FOLDER.policy:
        folder = Path(os.path.expandvars(os.path.expanduser(raw.strip())))
        if not raw.strip() or not folder.is_absolute():
            raise PolicyError("expected an absolute folder path")
        return str(folder)
    if key == AGENCY.policy:
        if not raw.strip():
            raise PolicyError("expected an agency code")
        return raw.strip()
    return coerce(option, raw)


_KIND_NAMES = {int: "a whole number", bool: "true or false", str: "text"}


def normalize_key(text: str) -> str:
    """A key id or fingerprint as lowercase hex without separators; PolicyError if neither."""
    compact = re.sub(r"[\s:]", "", text).lower()
    if not _HEX.fullmatch(compact):
        raise PolicyError("expected a key fingerprint (32 hex digits) or key id (64 hex digits)")
    return compact


# -- the questions the rest of the app asks ----------------------------------------------


def pins_central_key() -> bool:
    """True when the policy decides which central key is trusted (or is damaged: fail closed)."""
    p = current()
    key = CENTRAL_KEY.policy
    return p.damaged or key in p.bad_keys or key in p.values


def pinned_central_key() -> str | None:
    """The pinned central key id or fingerprint (lowercase hex), or None when not provisioned.

    Raises PolicyError when the policy file is damaged or its key is malformed, so that a
    caller never mistakes "unreadable" for "not pinned".
    """
    p = current()
    if p.damaged:
        raise PolicyError(p.errors[0])
    if CENTRAL_KEY.policy in p.bad_keys:
        raise PolicyError(next(e for e in p.errors if f"'{CENTRAL_KEY.policy}'" in e))
    return p.values.get(CENTRAL_KEY.policy)


def central_key_refusal(signer_id: str) -> str | None:
    """Why a pack signed by `signer_id` must be refused under the policy, or None if allowed."""

    try:
        pinned = pinned_central_key()
    except PolicyError as exc:
        return f"packs are refused until your organisation's policy file is repaired: {exc}"
    if pinned is None or signer_id.lower().startswith(pinned):
        return None
    return (f"the pack is signed by key {fingerprint(signer_id)}, not the central key your "
            f"organisation has pinned ({fingerprint(pinned)})")


def locked_agency() -> str | None:
    """The agency code set by the policy, or None."""
    return current().values.get(AGENCY.policy)


def agency_refusal(agency: str) -> str | None:
    """Why the policy forbids this laptop working for `agency`, or None (no agency is set
    by the policy, or it is this one)."""
    locked = locked_agency()
    if locked is None or agency == locked:
        return None
    return (f"your organisation has set this laptop's agency to {locked}; "
            f"it cannot be changed to {agency or 'none'}")


def allowed_data_folder() -> Path | None:
    """The only folder databases may live in, or None when the policy sets none."""
    folder = current().values.get(DATA_FOLDER.policy)
    return Path(folder) if folder else None


def browse_folder(preferred: Path) -> Path:
    """Where a chooser for a database should start: `preferred`, unless the policy allows
    databases only in a folder that does not hold it; then that folder."""
    folder = allowed_data_folder()
    if folder is None or preferred.expanduser().resolve().is_relative_to(
            folder.expanduser().resolve()):
        return preferred
    return folder


def database_refusal(path: Path | str) -> str | None:
    """Why the policy forbids opening or creating a database file at `path`, or None.

    `path` is a file path (URLs are told apart in `services.record.policy_refusal`). The
    bundled demo database is always allowed: its data is public.
    """
    folder = allowed_data_folder()
    if folder is None:
        return None

    target = Path(path).expanduser().resolve()
    if target == demo_database().resolve():
        return None  # the bundled demo data is public; it may live in the user folder
    if target.is_relative_to(folder.expanduser().resolve()):
        return None
    return (f"your organisation allows databases only in {folder}; {target} is outside it")


# -- where the app keeps its data, under the policy ----------------------------------------


def data_home() -> Path:
    """Where the app keeps sensitive data that is not beside a database file (the default
    database, automatic backups, a server record's evidence and keys): the organisation's
    data folder when its policy sets one, else the user data folder."""
    return allowed_data_folder() or user_data_dir()


def default_database() -> Path:
    """The embedded default database: one SQLite file in `data_home()` (so a data-folder
    policy allows it)."""
    return data_home() / "nmrf.sqlite3"


# -- the value of a setting in force ----------------------------------------------------------


def resolve(option: Option[T], user_value: object = UNSET) -> Resolved[T]:
    """The value in force: the policy's, else the user's (given or from the user source),
    else the default."""
    if option.policy:
        provisioned = current().values.get(option.policy, UNSET)
        if provisioned is not UNSET:
            return Resolved(option, provisioned, POLICY)
    return user_or_default(option, user_value)


def value(option: Option[T], user_value: object = UNSET) -> T:
    """The value in force (see `resolve`)."""
    return resolve(option, user_value).value
