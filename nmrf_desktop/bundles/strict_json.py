"""JSON that refuses what an attacker could smuggle: duplicate keys, NaN, unknown fields."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


class BadDocument(ValueError):
    """A signed document is malformed; the message says what and where."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BadDocument(f"duplicate JSON key {key!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise BadDocument(f"{name} is not allowed in JSON")


def loads(data: bytes | str, what: str) -> Any:
    """Parse strict JSON (UTF-8); BadDocument names `what` on any problem."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except BadDocument as exc:
        raise BadDocument(f"{what}: {exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadDocument(f"{what} is not valid JSON ({exc})") from None


def dumps(value: Any) -> bytes:
    """Canonical bytes: sorted keys, no spaces, UTF-8, NaN refused."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def exact_keys(obj: Any, what: str, required: Iterable[str], optional: Iterable[str] = ()
               ) -> dict[str, Any]:
    """`obj` must be an object with all `required` keys and nothing outside `optional`."""
    if not isinstance(obj, dict):
        raise BadDocument(f"{what} must be a JSON object")
    required, optional = set(required), set(optional)
    missing = required - obj.keys()
    if missing:
        raise BadDocument(f"{what} lacks {', '.join(sorted(missing))}")
    unknown = obj.keys() - required - optional
    if unknown:
        raise BadDocument(f"{what} has unknown field(s) {', '.join(sorted(unknown))}")
    return obj
