"""DSSE-style signed envelopes: sign exact bytes with a pre-authentication encoding.

The signature covers PAE(payloadType, payload), and is verified before the payload is
parsed, so nothing unsigned is ever interpreted.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from nmrf_desktop.bundles.keys import PublicKey, SigningKey
from nmrf_desktop.bundles.strict_json import BadDocument, dumps, loads

BUNDLE_TYPE = "application/vnd.nmrf.bundle+json; version=1"
PACK_TYPE = "application/vnd.nmrf.pack+json; version=1"


class SignatureRejected(ValueError):
    """The envelope's signature does not verify (or names no key we accept)."""


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding."""
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def sign(payload_type: str, payload: bytes, key: SigningKey) -> bytes:
    envelope = {
        "payloadType": payload_type,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": key.id,
                        "sig": base64.b64encode(key.sign(pae(payload_type, payload)))
                        .decode("ascii")}],
    }
    return dumps(envelope)


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadDocument(f"{what} is not valid base64") from None


def open_envelope(data: bytes, expected_type: str,
                  find_key: Callable[[str], PublicKey | None]) -> tuple[str, bytes]:
    """Verify the envelope and return (key id, payload bytes). Parse the payload after this.

    `find_key` maps a key id to the public key we accept for it (None: unknown/revoked).
    """
    env = loads(data, "envelope", "envelope")  # envelope.schema.json: shape, types, sizes
    if env["payloadType"] != expected_type:
        raise SignatureRejected(f"wrong payload type {env['payloadType'][:80]!r}: "
                                f"expected {expected_type!r}")
    payload = _b64(env["payload"], "envelope payload")
    kid: str = env["signatures"][0]["keyid"]
    signature = _b64(env["signatures"][0]["sig"], "signature")
    key = find_key(kid)
    if key is None:
        raise SignatureRejected(f"signed by unknown or revoked key {kid[:16]}…")
    if key.id != kid or not key.verify(signature, pae(expected_type, payload)):
        raise SignatureRejected("the signature does not match the contents: the file was "
                                "altered or signed by another key")
    return kid, payload
