"""The signed bundle manifest and its change lines, each checked against its schema first."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nmrf_desktop.bundles.strict_json import BadDocument, dumps, loads

FORMAT_VERSION = 1
ZERO_HASH = "0" * 64


def check_format(document: Any, what: str) -> None:
    """Refuse a newer format first, before its new fields read as unknown ones."""
    version = document.get("format") if isinstance(document, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise BadDocument(f"{what} format version {version} is newer than this app "
                          f"understands ({FORMAT_VERSION}); update NMRF Desktop")


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
        m = loads(payload, "manifest", "bundle-manifest",
                  lambda doc: check_format(doc, "manifest"))
        evidence = tuple(EvidenceEntry(**e) for e in m.pop("evidence"))
        seen: set[str] = set()
        for entry in evidence:
            if entry.sha256 in seen:
                raise BadDocument(f"evidence {entry.sha256[:12]}… is listed twice")
            seen.add(entry.sha256)
        return cls(**m, evidence=evidence)


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
        c = loads(line, f"change on line {number}", "change")  # change.schema.json
        return cls(c["change_id"], c["entity"], c["entity_id"], c["op"], c["fields"],
                   c["base_version"])

    def to_json(self) -> bytes:
        return dumps({"change_id": self.change_id, "entity": self.entity,
                      "entity_id": self.entity_id, "op": self.op, "fields": self.fields,
                      "base_version": self.base_version})
