"""How a private key file is encrypted: PKCS#8 PBES2 with scrypt, and reading its KDF.

A key file is a standard "ENCRYPTED PRIVATE KEY" (PKCS#8, RFC 5958) whose PBES2 scheme
(RFC 8018) derives the AES-256-CBC key with scrypt (RFC 7914 §7), exactly as
`openssl pkcs8 -topk8 -scrypt` writes it: OpenSSL and `cryptography` read it as they read any
other. `cryptography` reads it but cannot write it, so the few DER structures are written
here, and read here too: scrypt is run by `hashlib.scrypt`, which lets other threads run
(cryptography's holds the GIL, which would freeze the window for the whole unlock). Files
from before (PBKDF2-HMAC-SHA256 at 2,048 rounds, `BestAvailableEncryption`) still open
through cryptography; `kdf_of` tells them apart so that they can be re-wrapped.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher
from cryptography.hazmat.primitives.ciphers.algorithms import AES
from cryptography.hazmat.primitives.ciphers.modes import CBC
from cryptography.hazmat.primitives.padding import PKCS7

# scrypt's cost: 2^17 × 8 × 128 bytes = 128 MiB of memory and about 0.3 s to unlock on a
# 2020s laptop (measured 0.30 s here); the parameters OWASP names for scrypt.
SCRYPT_N = 2 ** 17
SCRYPT_R = 8
SCRYPT_P = 1
# A file asking for far more than that is damaged (or made to exhaust memory or time):
# refused before any work. At most 1 GiB of scrypt memory; PBKDF2 files are from before.
_MAX_N, _MAX_R, _MAX_P, _MAX_ROUNDS = 2 ** 20, 32, 16, 1_000_000
_MAX_MEMORY = 1 << 30
MAX_FILE = 16 * 1024  # an Ed25519 key file is about 300 bytes

_PEM = re.compile(rb"-----BEGIN ENCRYPTED PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\r\n]+?)"
                  rb"-----END ENCRYPTED PRIVATE KEY-----")


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(x) for x in dotted.split("."))
    body = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        while arc > 0x7F:
            arc >>= 7
            chunk.append(0x80 | (arc & 0x7F))
        body += bytes(reversed(chunk))
    return bytes(body)


PBES2 = _oid("1.2.840.113549.1.5.13")
PBKDF2 = _oid("1.2.840.113549.1.5.12")
SCRYPT = _oid("1.3.6.1.4.1.11591.4.11")
AES256_CBC = _oid("2.16.840.1.101.3.4.1.42")

_SEQUENCE, _INTEGER, _OCTETS, _OID = 0x30, 0x02, 0x04, 0x06


class WrapProblem(ValueError):
    """The file is not an encrypted PKCS#8 key this app can read; the message says why."""


class WrongPassphrase(ValueError):
    """The passphrase does not open the key (or the sealed key is damaged)."""


@dataclass(frozen=True, slots=True)
class Kdf:
    """How a key file's passphrase is stretched: 'scrypt' (n, r, p) or 'pbkdf2' (rounds)."""

    name: str
    n: int = 0
    r: int = 0
    p: int = 0
    rounds: int = 0

    @property
    def outdated(self) -> bool:
        """Weaker than what a new key gets: to be re-wrapped on the next unlock."""
        return not (self.name == "scrypt" and self.n >= SCRYPT_N and self.r >= SCRYPT_R)

    def __str__(self) -> str:
        if self.name == "scrypt":
            return f"scrypt N=2^{self.n.bit_length() - 1} r={self.r} p={self.p}"
        return f"PBKDF2 at {self.rounds:,} rounds"


CURRENT = Kdf("scrypt", SCRYPT_N, SCRYPT_R, SCRYPT_P)


# -- writing ----------------------------------------------------------------------------------

def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _int(value: int) -> bytes:
    return _der(_INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _seq(*parts: bytes) -> bytes:
    return _der(_SEQUENCE, b"".join(parts))


def _scrypt(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The AES-256 key: scrypt through hashlib (OpenSSL), other threads running meanwhile."""
    return hashlib.scrypt(passphrase, salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=128 * r * (n + p + 2) + (1 << 20))


def wrap(plain_pkcs8: bytes, passphrase: bytes) -> bytes:
    """The unencrypted PKCS#8 DER `plain_pkcs8`, encrypted under `passphrase`, as PEM."""
    salt, iv = os.urandom(16), os.urandom(16)
    kek = _scrypt(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    padder = PKCS7(128).padder()
    padded = padder.update(plain_pkcs8) + padder.finalize()
    encryptor = Cipher(AES(kek), CBC(iv)).encryptor()
    sealed = encryptor.update(padded) + encryptor.finalize()
    scheme = _seq(_der(_OID, PBES2), _seq(
        _seq(_der(_OID, SCRYPT),
             _seq(_der(_OCTETS, salt), _int(SCRYPT_N), _int(SCRYPT_R), _int(SCRYPT_P))),
        _seq(_der(_OID, AES256_CBC), _der(_OCTETS, iv))))
    der = _seq(scheme, _der(_OCTETS, sealed))
    text = base64.b64encode(der)
    lines = b"\n".join(text[i:i + 64] for i in range(0, len(text), 64))
    return (b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + lines
            + b"\n-----END ENCRYPTED PRIVATE KEY-----\n")


# -- reading ----------------------------------------------------------------------------------

def _read(buf: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    """The body of the DER element of type `tag` at `pos`, and the position after it."""
    if pos + 2 > len(buf) or buf[pos] != tag:
        raise WrapProblem("its structure is not that of an encrypted PKCS#8 key")
    size, pos = buf[pos + 1], pos + 2
    if size & 0x80:
        count = size & 0x7F
        if not 0 < count <= 4 or pos + count > len(buf):
            raise WrapProblem("its structure is not that of an encrypted PKCS#8 key")
        size, pos = int.from_bytes(buf[pos:pos + count], "big"), pos + count
    if pos + size > len(buf):
        raise WrapProblem("it is cut short")
    return buf[pos:pos + size], pos + size


def _items(body: bytes, *tags: int) -> list[bytes]:
    out, pos = [], 0
    for tag in tags:
        item, pos = _read(body, pos, tag)
        out.append(item)
    return out


def _number(body: bytes, most: int, what: str) -> int:
    if len(body) > 8:
        raise WrapProblem(f"its {what} is out of range")
    value = int.from_bytes(body, "big")
    if not 0 < value <= most:
        raise WrapProblem(f"its {what} ({value}) is out of range")
    return value


@dataclass(frozen=True, slots=True)
class _Wrapped:
    kdf: Kdf
    salt: bytes
    cipher: bytes  # the OID of the encryption scheme
    iv: bytes
    sealed: bytes


def _parse(pem: bytes) -> _Wrapped:
    if len(pem) > MAX_FILE:
        raise WrapProblem("it is far too large for a key file")
    found = _PEM.search(pem)
    if found is None:
        raise WrapProblem("it holds no encrypted private key")
    try:
        der = base64.b64decode(b"".join(found.group(1).split()), validate=True)
    except ValueError:
        raise WrapProblem("its text is not base64") from None
    outer, _ = _read(der, 0, _SEQUENCE)
    algorithm, sealed = _items(outer, _SEQUENCE, _OCTETS)
    scheme, params = _items(algorithm, _OID, _SEQUENCE)
    if scheme != PBES2:
        raise WrapProblem("it is not encrypted with PBES2")
    kdf, cipher = _items(params, _SEQUENCE, _SEQUENCE)
    kdf_oid, at = _read(kdf, 0, _OID)
    kdf_params, _ = _read(kdf, at, _SEQUENCE)
    cipher_oid, at = _read(cipher, 0, _OID)
    iv = _read(cipher, at, _OCTETS)[0] if at < len(cipher) and cipher[at] == _OCTETS else b""
    if kdf_oid == SCRYPT:
        salt, n, r, p = _items(kdf_params, _OCTETS, _INTEGER, _INTEGER, _INTEGER)
        found_kdf = Kdf("scrypt", n=_number(n, _MAX_N, "scrypt cost N"),
                        r=_number(r, _MAX_R, "scrypt block size r"),
                        p=_number(p, _MAX_P, "scrypt parallelism p"))
        if 128 * found_kdf.r * (found_kdf.n + found_kdf.p) > _MAX_MEMORY:
            raise WrapProblem(f"its scrypt cost ({found_kdf}) asks for more than 1 GiB of memory")
    elif kdf_oid == PBKDF2:
        salt, rounds = _items(kdf_params, _OCTETS, _INTEGER)
        found_kdf = Kdf("pbkdf2", rounds=_number(rounds, _MAX_ROUNDS, "PBKDF2 round count"))
    else:
        raise WrapProblem("its passphrase is stretched by an unknown method")
    return _Wrapped(found_kdf, salt, cipher_oid, iv, sealed)


def kdf_of(pem: bytes) -> Kdf:
    """How the encrypted PKCS#8 key in `pem` is protected; WrapProblem if it is none."""
    return _parse(pem).kdf


def unwrap(pem: bytes, passphrase: bytes) -> bytes:
    """The unencrypted PKCS#8 DER of a key file `wrap` wrote (scrypt, AES-256-CBC).
    WrapProblem when the file is not one; WrongPassphrase when `passphrase` does not open it."""
    found = _parse(pem)
    if found.kdf.name != "scrypt":
        raise WrapProblem(f"it is wrapped with {found.kdf}, not scrypt")
    if found.cipher != AES256_CBC or len(found.iv) != 16 or not found.sealed \
            or len(found.sealed) % 16:
        raise WrapProblem("it is not sealed with AES-256-CBC")
    k = found.kdf
    kek = _scrypt(passphrase, found.salt, k.n, k.r, k.p)
    decryptor = Cipher(AES(kek), CBC(found.iv)).decryptor()
    padded = decryptor.update(found.sealed) + decryptor.finalize()
    unpadder = PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise WrongPassphrase("wrong passphrase") from None
