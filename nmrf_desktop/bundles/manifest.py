"""The signed manifests of bundles and packs: fields, types, and strict validation."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from nmrf_desktop.bundles.strict_json import BadDocument, dumps, exact_keys, loads

FORMAT_VERSION = 1
ZERO_HASH = "0" * 64
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _hex64(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise BadDocument(f"{what} must be a SHA-256 in lower-case hex")
    return value


def _uuid(value: Any, what: str) -> str:
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise BadDocument(f"{what} must be a UUID")


def _int(value: Any, what: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise BadDocument(f"{what} must be a whole number ≥ {minimum}")
    return value


def _str(value: Any, what: str, max_len: int = 300) -> str:
    if not isinstance(value, str) or len(value) > max_len:
        raise BadDocument(f"{what} must be text of at most {max_len} characters")
    return value


def _format(value: Any) -> int:
    version = _int(value, "format", 1)
    if version > FORMAT_VERSION:
        raise BadDocument(f"format version {version} is newer than this app understands "
                          f"({FORMAT_VERSION}); update NMRF Desktop")
    return version


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    sha256: str
    size: int
    media_type: str
    display_name: str


@dataclass(frozen=True, slots=True)
class BundleManifest:
    bundle_id: str
    agency: str
    officer: str
    device: str
    key_id: str
    sequence: int
    previous_hash: str
    pack_id: str
    pack_version: int
    changes_sha256: str
    changes_size: int
    changes_count: int
    evidence: tuple[EvidenceEntry, ...] = ()
    audit_head: str = ZERO_HASH
    created_at: str = ""
    format: int = FORMAT_VERSION
    kind: str = field(default="bundle")

    def to_bytes(self) -> bytes:
        data = asdict(self)
        data["evidence"] = [asdict(e) for e in self.evidence]
        return dumps(data)

    @classmethod
    def from_bytes(cls, payload: bytes) -> BundleManifest:
        raw = loads(payload, "manifest")
        fields = [f for f in cls.__dataclass_fields__]
        m = exact_keys(raw, "manifest", fields)
        _format(m["format"])
        if m["kind"] != "bundle":
            raise BadDocument("manifest is not a bundle manifest")
        if not isinstance(m["evidence"], list):
            raise BadDocument("manifest evidence must be a list")
        evidence = []
        seen: set[str] = set()
        for i, item in enumerate(m["evidence"]):
            e = exact_keys(item, f"evidence entry {i + 1}",
                           ("sha256", "size", "media_type", "display_name"))
            sha = _hex64(e["sha256"], f"evidence entry {i + 1} sha256")
            if sha in seen:
                raise BadDocument(f"evidence {sha[:12]}… is listed twice")
            seen.add(sha)
            evidence.append(EvidenceEntry(sha, _int(e["size"], "evidence size"),
                                          _str(e["media_type"], "media type", 100),
                                          _str(e["display_name"], "display name")))
        return cls(
            bundle_id=_uuid(m["bundle_id"], "bundle_id"),
            agency=_str(m["agency"], "agency", 20),
            officer=_str(m["officer"], "officer", 200),
            device=_str(m["device"], "device", 200),
            key_id=_hex64(m["key_id"], "key_id"),
            sequence=_int(m["sequence"], "sequence", 1),
            previous_hash=_hex64(m["previous_hash"], "previous_hash"),
            pack_id=_str(m["pack_id"], "pack_id", 36),
            pack_version=_int(m["pack_version"], "pack_version"),
            changes_sha256=_hex64(m["changes_sha256"], "changes_sha256"),
            changes_size=_int(m["changes_size"], "changes_size"),
            changes_count=_int(m["changes_count"], "changes_count"),
            evidence=tuple(evidence),
            audit_head=_hex64(m["audit_head"], "audit_head"),
            created_at=_str(m["created_at"], "created_at", 40),
            format=m["format"],
            kind="bundle",
        )


CHANGE_FIELDS = ("change_id", "entity", "entity_id", "op", "fields", "base_version")
ENTITIES = {"action": ("insert", "update"), "progress": ("insert",), "evidence": ("insert",)}


@dataclass(frozen=True, slots=True)
class ChangeLine:
    change_id: str
    entity: str
    entity_id: str
    op: str
    fields: dict[str, Any]
    base_version: int | None

    @classmethod
    def parse(cls, line: bytes, number: int) -> ChangeLine:
        what = f"change on line {number}"
        c = exact_keys(loads(line, what), what, CHANGE_FIELDS)
        entity, op = c["entity"], c["op"]
        if entity not in ENTITIES or op not in ENTITIES[entity]:
            raise BadDocument(f"{what}: {entity!r}/{op!r} is not a change an officer can send")
        if not isinstance(c["fields"], dict):
            raise BadDocument(f"{what}: fields must be an object")
        base = c["base_version"]
        if base is not None:
            base = _int(base, f"{what} base_version", 1)
        if op == "update" and base is None:
            raise BadDocument(f"{what}: an update must name its base version")
        return cls(_uuid(c["change_id"], f"{what} change_id"), entity,
                   _uuid(c["entity_id"], f"{what} entity_id"), op, c["fields"], base)

    def to_json(self) -> bytes:
        return dumps({"change_id": self.change_id, "entity": self.entity,
                      "entity_id": self.entity_id, "op": self.op, "fields": self.fields,
                      "base_version": self.base_version})
