"""Ed25519 signing keys: created on the laptop, stored encrypted (PKCS#8), id = SHA-256."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from nmrf_desktop.bundles import key_wrap
from nmrf_desktop.files import (
    OWNER_ONLY,
    atomic_write,
    open_regular,
    private_folder,
)

log = logging.getLogger(__name__)


class KeyProblem(ValueError):
    """A key cannot be used: wrong passphrase, damaged file, not an Ed25519 key."""


def key_id(public_raw: bytes) -> str:
    """The key id: SHA-256 of the 32 raw public key bytes, in hex."""
    return hashlib.sha256(public_raw).hexdigest()


def fingerprint(kid: str) -> str:
    """A key id grouped for reading aloud in an out-of-band check: 'ab12 cd34 …'."""
    head = kid[:32].upper()
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


@dataclass(frozen=True, slots=True)
class PublicKey:
    raw: bytes

    @property
    def id(self) -> str:
        return key_id(self.raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_pem(self) -> bytes:
        return Ed25519PublicKey.from_public_bytes(self.raw).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    @classmethod
    def from_pem(cls, data: bytes) -> PublicKey:
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise KeyProblem(f"not a public key file ({exc})") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyProblem("not an Ed25519 public key")
        return cls(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


class SigningKey:
    """A private key in memory; written to disk only encrypted with a passphrase."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self.public = PublicKey(key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    @property
    def id(self) -> str:
        return self.public.id

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def save(self, path: Path, passphrase: bytes) -> None:
        """Write PKCS#8 encrypted with `passphrase` under scrypt (see `key_wrap`), readable
        by the owner only, in a folder that is the owner's only."""
        if not passphrase:
            raise KeyProblem("a passphrase is required to store a private key")
        private_folder(path.parent)
        self._write_private(path, passphrase)
        with atomic_write(path.with_suffix(".pub"), OWNER_ONLY) as fh:  # all of keys/: 0600
            fh.write(self.public.to_pem())

    def _write_private(self, path: Path, passphrase: bytes) -> None:
        plain = self._key.private_bytes(serialization.Encoding.DER,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
        with atomic_write(path, OWNER_ONLY) as fh:
            fh.write(key_wrap.wrap(plain, passphrase))

    @classmethod
    def load(cls, path: Path, passphrase: bytes, *, rewrap: bool = True) -> SigningKey:
        """Unlock the key file at `path`. A file wrapped the old way (PBKDF2 at 2,048
        rounds, or scrypt below today's cost) is re-wrapped in place, with the same
        passphrase, once it has opened; when that cannot be written the key still opens."""
        try:
            with open_regular(path) as fh:
                data = fh.read(key_wrap.MAX_FILE + 1)
        except OSError as exc:
            raise KeyProblem(f"{path}: cannot be read ({exc.strerror or exc})") from None
        try:
            kdf = key_wrap.kdf_of(data)
        except key_wrap.WrapProblem as exc:
            raise KeyProblem(f"{path}: not a private key file ({exc})") from None
        try:
            if kdf.name == "scrypt":  # unsealed here: the window goes on meanwhile
                key = serialization.load_der_private_key(key_wrap.unwrap(data, passphrase),
                                                         password=None)
            else:
                key = serialization.load_pem_private_key(data, password=passphrase)
        except key_wrap.WrapProblem as exc:
            raise KeyProblem(f"{path}: not a private key file ({exc})") from None
        except (ValueError, TypeError):
            raise KeyProblem(f"{path}: wrong passphrase or not a private key file") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyProblem(f"{path}: not an Ed25519 key")
        loaded = cls(key)
        if rewrap and kdf.outdated:
            try:
                loaded._write_private(path, passphrase)
            except OSError as exc:
                log.warning("the key %s is still wrapped the old way (%s): it could not be "
                            "rewritten (%s)", path, kdf, exc.strerror or exc)
            else:
                log.info("re-wrapped the key %s (was %s, now %s)", path, kdf,
                         key_wrap.CURRENT)
        return loaded
