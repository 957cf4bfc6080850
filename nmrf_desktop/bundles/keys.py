"""Ed25519 signing keys: created on the laptop, stored encrypted (PKCS#8), id = SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from nmrf_desktop.files import GROUP_READABLE, OWNER_ONLY, atomic_write


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
        """Write PKCS#8 encrypted with `passphrase`, readable by the owner only."""
        if not passphrase:
            raise KeyProblem("a passphrase is required to store a private key")
        data = self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase))
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, OWNER_ONLY) as fh:
            fh.write(data)
        with atomic_write(path.with_suffix(".pub"), GROUP_READABLE) as fh:
            fh.write(self.public.to_pem())

    @classmethod
    def load(cls, path: Path, passphrase: bytes) -> SigningKey:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KeyProblem(f"{path}: cannot be read ({exc.strerror})") from None
        try:
            key = serialization.load_pem_private_key(data, password=passphrase)
        except (ValueError, TypeError):
            raise KeyProblem(f"{path}: wrong passphrase or not a private key file") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyProblem(f"{path}: not an Ed25519 key")
        return cls(key)
