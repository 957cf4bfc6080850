"""JSON that refuses what an attacker could smuggle: deep nesting, duplicate keys, NaN,
numbers out of range, NUL and lone surrogates; then a schema for every field.

The nesting depth is measured on the bytes before the parser runs (the parser recurses);
a document is checked against its schema (`schemas/`) before anything reads it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from nmrf_desktop.bundles import schemas

MAX_DEPTH = 32
MAX_INT_DIGITS = 40  # far beyond any 64-bit value, far below Python's int-parsing limit
MAX_FLOAT_CHARS = 100
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b"[]{}\n")
_OPEN, _CLOSE, _NEWLINE = frozenset(b"[{"), frozenset(b"]}"), ord("\n")
# An escaped NUL or surrogate: the parsed text must then be looked at.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


class BadDocument(ValueError):
    """A signed document is malformed; the message says what and where."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BadDocument(f"duplicate JSON key {schemas.shown(key, 60)!r}")
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise BadDocument(f"{name} is not allowed in JSON")


def _int(digits: str) -> int:
    if len(digits) > MAX_INT_DIGITS:
        raise BadDocument(f"a number of {len(digits)} digits is out of range")
    return int(digits)


def check_depth(data: bytes, what: str, limit: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than `limit`, counting brackets outside strings, unparsed."""
    skeleton = _STRING.sub(b"", data).translate(None, _NOT_STRUCTURE)
    if skeleton.count(b"[") + skeleton.count(b"{") <= limit:
        return
    depth, line = 0, 1
    for byte in skeleton:
        if byte in _OPEN:
            depth += 1
            if depth > limit:
                raise BadDocument(f"{what}: nested more than {limit} levels deep "
                                  f"(line {line})")
        elif byte in _CLOSE:
            depth -= 1
        else:
            line += 1


def loads(data: bytes | str, what: str, schema: str | None = None,
          first: Callable[[Any], None] | None = None) -> Any:
    """Parse strict JSON (UTF-8), then check it against `schema` (a name in `schemas`).

    `first` runs before the schema (e.g. to say "newer format" rather than "unknown
    field"). BadDocument names `what` and the field on any problem.
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    check_depth(raw, what)
    out_of_range: list[float] = []

    def real(text: str) -> float:
        if len(text) > MAX_FLOAT_CHARS:
            raise BadDocument(f"a number of {len(text)} characters is out of range")
        value = float(text)
        if not math.isfinite(value):
            out_of_range.append(value)
        return value

    try:
        text = raw.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants,
                           parse_int=_int, parse_float=real)
    except BadDocument as exc:
        raise BadDocument(f"{what}: {exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadDocument(f"{what} is not valid JSON ({exc})") from None
    except (ValueError, RecursionError) as exc:  # whatever else the parser meets
        raise BadDocument(f"{what} is not valid JSON ({type(exc).__name__})") from None
    if _SUSPECT_ESCAPE.search(raw):
        _check_text(value, [], what)
    if schema is not None:
        if first is not None:
            first(value)
        found = schemas.problem(schema, value)
        if found is not None:
            raise BadDocument(f"{what}: {found[0]}: {found[1]}")
    if out_of_range:  # a schema names the field; without one, still never let it through
        raise BadDocument(f"{what}: a number is out of range")
    return value


def _check_text(value: Any, path: list[str | int], what: str) -> None:
    """No NUL character and no unpaired surrogate in any key or text (depth is capped)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BadDocument(f"{what}: {schemas.where(path)}: holds a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadDocument(f"{what}: {schemas.where(path)}: holds an unpaired surrogate "
                              "(not Unicode text)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path, what)
            _check_text(item, [*path, key], what)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_text(item, [*path, i], what)


def dumps(value: Any) -> bytes:
    """Canonical bytes: sorted keys, no spaces, UTF-8, NaN refused."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")
