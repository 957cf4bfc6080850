"""Pack files (central → agency): a zip with the signed envelope and the signer's public key.

The public key travels beside the envelope so a laptop can pin it on the first pack
(its fingerprint is shown for an out-of-band check); after that only the pinned key is
accepted. The payload is parsed only after the signature verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nmrf_desktop.bundles.archive import Limits, SafeZip, UnsafeArchive
from nmrf_desktop.bundles.envelope import PACK_TYPE, SignatureRejected, open_envelope, sign
from nmrf_desktop.bundles.keys import KeyProblem, PublicKey, SigningKey
from nmrf_desktop.bundles.manifest import check_format
from nmrf_desktop.bundles.strict_json import BadDocument, dumps, loads
from nmrf_desktop.files import atomic_path

ENVELOPE = "envelope.json"
SIGNER = "signer.pub"
_LIMITS = Limits(max_entries=2, max_member_bytes=1024 * 1024 * 1024, max_ratio=1000)


class PackRejected(ValueError):
    """The pack cannot be imported; the message says why in plain words."""


def write_pack(out: Path, payload: dict[str, Any], key: SigningKey) -> str:
    """Sign and write a pack atomically; return the file's SHA-256."""
    envelope = sign(PACK_TYPE, dumps(payload), key)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        with tmp.open("wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(ENVELOPE, envelope)
            zf.writestr(SIGNER, key.public.to_pem())
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    return digest


@dataclass(frozen=True, slots=True)
class VerifiedPack:
    signer: PublicKey
    payload: dict[str, Any]
    payload_sha256: str

    @property
    def version(self) -> int:
        return int(self.payload["version"])

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.payload["expires_at"])


def read_pack(path: Path, pinned_key_id: str | None) -> VerifiedPack:
    """Verify a pack: archive safety, signer pinned (or first seen), signature, then parse."""
    try:
        with SafeZip(path, allowed={ENVELOPE, SIGNER}, limits=_LIMITS) as z:
            if set(z.names) != {ENVELOPE, SIGNER}:
                raise PackRejected("not an NMRF pack: it must hold envelope.json and signer.pub")
            envelope = z.read(ENVELOPE)
            signer = PublicKey.from_pem(z.read(SIGNER, 4096))
    except UnsafeArchive as exc:
        raise PackRejected(f"unsafe or damaged pack file: {exc}") from None
    except KeyProblem as exc:
        raise PackRejected(f"the pack's signer key is unreadable: {exc}") from None
    if pinned_key_id and signer.id != pinned_key_id:
        raise PackRejected("the pack is signed by an unknown key, not the central key this "
                           f"laptop trusts (fingerprint {signer.id[:16]}…)")
    try:
        _kid, payload = open_envelope(envelope, PACK_TYPE,
                                      lambda kid: signer if kid == signer.id else None)
        # pack.schema.json: every record kind, every field, before anything reads one.
        data = loads(payload, "pack", "pack", lambda doc: check_format(doc, "pack"))
        twins = next((i for i, d in enumerate(data.get("overlap_decisions", []), start=1)
                      if d["a"] == d["b"]), None)
        if twins is not None:
            raise BadDocument(f"pack: overlap decision {twins}: a decision needs two "
                              "different recommendations")
    except (SignatureRejected, BadDocument) as exc:
        raise PackRejected(str(exc)) from None
    return VerifiedPack(signer, data, hashlib.sha256(payload).hexdigest())
