"""The JSON Schemas of every exchange document (the format's documentation), and checking one.

`problem(name, document)` checks `document` against `<name>.schema.json` (draft 2020-12)
and returns the one most relevant problem, as (field path, plain words), or None.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.exceptions import best_match

from nmrf_desktop.domain.text import is_http_link

BASE = "https://nmrf-desktop.invalid/schemas/"
NAMES = ("common", "envelope", "bundle-manifest", "change", "pack")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                        r"(Z|[+-][0-9]{2}:[0-9]{2})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOTES = {"title", "description", "x-error"}
_TYPES = {"string": "text", "integer": "a whole number", "boolean": "true or false",
          "object": "an object", "array": "a list", "null": "null", "number": "a number"}
# How a list's items are named in a message: "recommendation 12", "evidence entry 2".
_ITEMS = {"recommendations": "recommendation", "agencies": "agency",
          "assignments": "assignment", "actions": "action", "progress": "progress update",
          "evidence": "evidence entry", "acknowledged": "acknowledged bundle",
          "overlap_decisions": "overlap decision", "signatures": "signature",
          "indicators": "indicator", "indicator_values": "indicator value"}


def text(name: str) -> str:
    """The schema file's text, as shipped."""
    return (resources.files(__name__) / f"{name}.schema.json").read_text(encoding="utf-8")


@functools.cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(text(name))
    return loaded


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value)) and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE_TIME.fullmatch(value)) and bool(dt.datetime.fromisoformat(value))
    except ValueError:
        return False


def _is_http_url(value: object) -> bool:
    return not isinstance(value, str) or is_http_link(value)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date")(_is_date)
    checker.checks("date-time")(_is_date_time)
    checker.checks("http-url")(_is_http_url)
    return checker


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
    # ECMA-262's "$" is the end of the text; Python's also matches before a final newline.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, _schema: Any
             ) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _regex(pattern).search(instance):
        yield ValidationError(f"does not match {pattern!r}")


def _whole_number(_checker: Any, instance: Any) -> bool:
    """A JSON integer as written: never true/false, never 1.0 or 1e3."""
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = validators.extend(
    Draft202012Validator, validators={"pattern": _pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _whole_number))


def _inline(node: Any, base: str) -> Any:
    """`node` with every $ref replaced by what it points at (the schemas hold no cycles):
    the same rules, checked several times faster than by looking references up."""
    if isinstance(node, list):
        return [_inline(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _inline(v, base) for k, v in node.items() if k != "$ref"}
    if "$ref" not in node:
        return out
    file, _, pointer = urllib.parse.urljoin(BASE + base, node["$ref"]).partition("#")
    name = file.removeprefix(BASE).removesuffix(".schema.json")
    target: Any = schema(name)
    for part in filter(None, pointer.split("/")):
        target = target[int(part) if isinstance(target, list) else part]
    resolved = _inline(target, f"{name}.schema.json")
    # Beside a $ref only titles and descriptions are written: the reference's rules hold.
    return {**out, **resolved} if not set(out) - _NOTES else {**out, "allOf": [resolved]}


@functools.cache
def validator(name: str) -> Any:
    """The validator of one schema, its references inlined (built once)."""
    root = _inline(schema(name), f"{name}.schema.json")
    root.pop("$defs", None)
    return _Validator(root, format_checker=_format_checker())


def problem(name: str, document: Any) -> tuple[str, str] | None:
    """The most relevant way `document` breaks schema `name`: (where, what); None if valid."""
    error = best_match(validator(name).iter_errors(document))
    if error is None:
        return None
    path = list(error.absolute_path)
    words = _words(error)
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        path.append(missing[0] if missing else "?")
    return where(path), words


def where(path: Sequence[str | int]) -> str:
    """A field path in words: 'recommendation 12, field source', 'field fields.size'."""
    head = ""
    rest = list(path)
    if len(rest) >= 2 and isinstance(rest[0], str) and isinstance(rest[1], int):
        head = f"{_ITEMS.get(rest[0], rest[0])} {rest[1] + 1}"
        rest = rest[2:]
    field = ""
    for part in rest:
        if isinstance(part, int):
            field += f", item {part + 1}"
        else:
            field += ("." if field else "") + shown(part, 60)
    if head and field:
        return f"{head}, field {field}"
    return head or (f"field {field}" if field else "the document")


def shown(value: str, limit: int) -> str:
    """A name from the document, safe to show: capped, control characters escaped."""
    clean = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return clean if len(clean) <= limit else clean[:limit] + "…"


def _got(instance: Any) -> str:
    if isinstance(instance, bool):
        return "true" if instance else "false"
    if isinstance(instance, float):
        return "a number out of range" if instance in (float("inf"), float("-inf")) \
            else "a number with a fraction or exponent"
    if isinstance(instance, int):
        return "a whole number"
    if isinstance(instance, str):
        return f"text of {len(instance)} characters"
    if isinstance(instance, dict):
        return "an object"
    return "a list" if isinstance(instance, list) else "null"


def _words(error: ValidationError) -> str:
    """What is wrong, in plain words, without echoing more than a short name."""
    sub = error.schema if isinstance(error.schema, dict) else {}
    keyword, value = error.validator, error.validator_value
    if "x-error" in sub:
        return str(sub["x-error"])
    title = sub.get("title")
    if keyword == "type":
        kinds = [value] if isinstance(value, str) else list(value)
        wanted = title or " or ".join(_TYPES.get(k, k) for k in kinds)
        return f"must be {wanted} (got {_got(error.instance)})"
    if keyword == "required":
        return "is missing"
    if keyword == "additionalProperties":
        known = set(sub.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        return "has unknown field(s) " + ", ".join(shown(k, 40) for k in extra[:5])
    if keyword in ("minimum", "maximum"):
        low, high = sub.get("minimum"), sub.get("maximum")
        if low is not None and high is not None:
            return f"must be a whole number from {low} to {high}"
        return f"must be at least {low}" if keyword == "minimum" else f"must be at most {high}"
    if keyword == "maxLength":
        return f"is longer than {value} characters"
    if keyword == "minLength" and not title:
        return "must not be empty" if value == 1 else f"must be at least {value} characters"
    if keyword == "maxItems":
        return f"lists more than {value} items"
    if keyword == "minItems" and not title:
        return f"must list at least {value} item(s)"
    if keyword == "minProperties":
        return "must change at least one field"
    if keyword == "enum":
        listed = ", ".join("null" if v is None else str(v) for v in value)
        return f"must be one of: {listed}"
    if keyword == "const":
        return f"must be {json.dumps(value)}"
    if keyword == "items" and value is False:
        return "has more items than allowed"
    if title:
        return f"must be {title}"
    return shown(error.message, 200)
