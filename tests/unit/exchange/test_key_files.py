"""Private key files (part D of issue 19): PKCS#8 wrapped with scrypt at full cost; a file
wrapped the old way (PBKDF2 at 2,048 rounds) still opens and is re-wrapped, atomically and
with the same passphrase, on its next unlock; damaged or hostile key files are refused with
the reason, quickly, and left as they were; a backup's keys still open after a restore."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from nmrf_desktop.bundles import key_wrap
from nmrf_desktop.bundles.key_wrap import Kdf
from nmrf_desktop.bundles.keys import KeyProblem, SigningKey
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.backup.restore import restore
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.exchange.keys import KeyRefused
from nmrf_desktop.services.record import Record, open_record

PASS = b"tui kereru kaka ruru"
FULL_COST = Kdf("scrypt", 2 ** 17, 8, 1)
OLD_WAY = Kdf("pbkdf2", rounds=2048)  # what BestAvailableEncryption gave every key before


@pytest.fixture
def full_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cost a key made by the app really gets (the suite makes its keys cheaper)."""
    monkeypatch.setattr(key_wrap, "SCRYPT_N", FULL_COST.n)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def old_way_key_file(folder: Path, passphrase: bytes, name: str = "") -> tuple[SigningKey, Path]:
    """A key file written exactly as every version before scrypt wrote it, named by its id."""
    raw = Ed25519PrivateKey.generate()
    key = SigningKey(raw)
    path = folder / (name or f"{key.id}.pem")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.BestAvailableEncryption(passphrase)))
    os.chmod(path, 0o600)
    path.with_suffix(".pub").write_bytes(key.public.to_pem())
    return key, path


def laptop_with_old_key(tmp_path: Path) -> tuple[Record, SigningKey, Path]:
    record = open_record(tmp_path / "laptop" / "laptop.sqlite3")
    key, path = old_way_key_file(record.keys_root, PASS)
    record.set_setting(keys.LAPTOP_KEY, key.id)
    return record, key, path


def test_a_new_key_file_is_pkcs8_with_scrypt_at_full_cost(
        tmp_path: Path, full_cost: None, permissive_umask: None) -> None:
    key = SigningKey.generate()
    path = tmp_path / "data" / "keys" / f"{key.id}.pem"
    key.save(path, PASS)
    data = path.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert key_wrap.kdf_of(data) == FULL_COST and not FULL_COST.outdated
    # A standard file: any PKCS#8 reader opens it, with this passphrase only.
    other = serialization.load_pem_private_key(data, password=PASS)
    assert isinstance(other, Ed25519PrivateKey)
    assert SigningKey(other).id == key.id
    if shutil.which("openssl"):
        parsed = subprocess.run(["openssl", "asn1parse", "-in", str(path)], check=True,
                                capture_output=True, text=True).stdout
        assert ":PBES2" in parsed and ":scrypt" in parsed and ":aes-256-cbc" in parsed
        assert "INTEGER           :020000" in parsed  # N = 2^17
    started = time.perf_counter()
    assert SigningKey.load(path, PASS).id == key.id
    assert time.perf_counter() - started < 3  # 0.3 s measured here; 128 MiB of memory
    with pytest.raises(KeyProblem, match="wrong passphrase"):
        SigningKey.load(path, b"tui kereru kaka rur")
    # Owner-only whatever the umask: the folder made for it, and everything in it.
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    assert mode(path) == 0o600 and mode(path.with_suffix(".pub")) == 0o600
    assert path.read_bytes() == data


def test_an_unlock_in_a_worker_thread_leaves_the_window_free(tmp_path: Path,
                                                             full_cost: None) -> None:
    """The dialogs unlock keys on a worker thread; scrypt must not hold the GIL meanwhile,
    or the window would freeze for the whole unlock (about 0.3 s; cryptography's own
    scrypt holds it)."""
    key = SigningKey.generate()
    path = tmp_path / "keys" / "k.pem"
    key.save(path, PASS)
    opened: list[str] = []
    worker = threading.Thread(target=lambda: opened.append(SigningKey.load(path, PASS).id))
    gaps: list[float] = []
    started = last = time.perf_counter()
    worker.start()
    while worker.is_alive():
        time.sleep(0.002)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    took = last - started
    assert opened == [key.id]
    assert max(gaps) < max(0.1, took / 3), (max(gaps), took)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command")
def test_a_key_file_openssl_wrapped_with_scrypt_opens(tmp_path: Path) -> None:
    """The format is the standard one: `openssl pkcs8 -topk8 -scrypt` writes the same."""
    plain, wrapped = tmp_path / "plain.pem", tmp_path / "k.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(plain)],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "pkcs8", "-topk8", "-scrypt", "-scrypt_N", "16384", "-in",
                    str(plain), "-passout", "pass:" + PASS.decode(), "-out", str(wrapped)],
                   check=True, capture_output=True)
    raw = serialization.load_pem_private_key(plain.read_bytes(), password=None)
    assert isinstance(raw, Ed25519PrivateKey)
    assert key_wrap.kdf_of(wrapped.read_bytes()) == Kdf("scrypt", 2 ** 14, 8, 1)
    assert SigningKey.load(wrapped, PASS, rewrap=False).id == SigningKey(raw).id
    with pytest.raises(KeyProblem, match="wrong passphrase"):
        SigningKey.load(wrapped, b"tui kereru kaka", rewrap=False)


def test_an_old_key_file_opens_and_is_rewrapped_on_its_next_unlock(
        tmp_path: Path, full_cost: None, caplog: pytest.LogCaptureFixture) -> None:
    record, key, path = laptop_with_old_key(tmp_path)
    try:
        old = path.read_bytes()
        assert key_wrap.kdf_of(old) == OLD_WAY and OLD_WAY.outdated
        # A wrong passphrase opens nothing and rewrites nothing.
        with pytest.raises(KeyRefused, match="wrong passphrase"):
            keys.load_key(record, b"not the passphrase at all")
        assert path.read_bytes() == old

        with caplog.at_level("INFO", logger="nmrf_desktop.bundles.keys"):
            opened = keys.load_key(record, PASS)
        assert opened.id == key.id
        assert key.public.verify(opened.sign(b"kia ora"), b"kia ora")
        new = path.read_bytes()
        assert new != old and key_wrap.kdf_of(new) == FULL_COST
        assert "re-wrapped the key" in caplog.text and "PBKDF2 at 2,048 rounds" in caplog.text
        # Atomically: the same two files, nothing half-written beside them, still 0600.
        assert sorted(p.name for p in record.keys_root.iterdir()) == [
            f"{key.id}.pem", f"{key.id}.pub"]
        assert mode(path) == 0o600
        # The same passphrase opens it, with any PKCS#8 reader; no second re-wrap.
        assert keys.load_key(record, PASS).id == key.id
        assert path.read_bytes() == new
        again = serialization.load_pem_private_key(new, password=PASS)
        assert isinstance(again, Ed25519PrivateKey) and SigningKey(again).id == key.id
        with pytest.raises(KeyRefused):
            keys.load_key(record, b"not the passphrase at all")
    finally:
        record.close()


def test_scrypt_below_todays_cost_is_rewrapped_too(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    key = SigningKey.generate()
    path = tmp_path / "keys" / "k.pem"
    monkeypatch.setattr(key_wrap, "SCRYPT_N", 2 ** 10)
    key.save(path, PASS)
    assert key_wrap.kdf_of(path.read_bytes()) == Kdf("scrypt", 2 ** 10, 8, 1)
    monkeypatch.setattr(key_wrap, "SCRYPT_N", 2 ** 12)
    assert SigningKey.load(path, PASS).id == key.id
    assert key_wrap.kdf_of(path.read_bytes()) == Kdf("scrypt", 2 ** 12, 8, 1)


def test_an_old_key_in_a_backup_opens_after_a_restore_and_is_rewrapped(
        tmp_path: Path, full_cost: None) -> None:
    record, key, _path = laptop_with_old_key(tmp_path)
    db = Path(str(record.engine.url.database))
    record.close()
    made = backup.backup_database(db, tmp_path / "usb" / "monday")
    assert key_wrap.kdf_of((made / "keys" / f"{key.id}.pem").read_bytes()) == OLD_WAY
    shutil.rmtree(db.parent)  # the laptop folder is lost: database and keys
    restore(db, made)
    restored = open_record(db, create=False)
    try:
        assert keys.load_key(restored, PASS).id == key.id
        put_back = restored.keys_root / f"{key.id}.pem"
        assert key_wrap.kdf_of(put_back.read_bytes()) == FULL_COST
        assert mode(put_back) == 0o600 and mode(restored.keys_root) == 0o700
    finally:
        restored.close()
    # The backup itself is left as it was: it opens with the same passphrase.
    kept = made / "keys" / f"{key.id}.pem"
    assert SigningKey.load(kept, PASS, rewrap=False).id == key.id


def _scrypt_der(n: int, r: int = 8, p: int = 1) -> bytes:
    """A key's DER whose scrypt parameters are `n`, `r`, `p` (its ciphertext is noise)."""
    d, seq, i = key_wrap._der, key_wrap._seq, key_wrap._int
    scheme = seq(d(0x06, key_wrap.PBES2), seq(
        seq(d(0x06, key_wrap.SCRYPT), seq(d(0x04, os.urandom(16)), i(n), i(r), i(p))),
        seq(d(0x06, key_wrap.AES256_CBC), d(0x04, os.urandom(16)))))
    return seq(scheme, d(0x04, os.urandom(48)))


def _pem(der: bytes) -> bytes:
    return (b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + base64.encodebytes(der)
            + b"-----END ENCRYPTED PRIVATE KEY-----\n")


def _unknown_kdf() -> bytes:
    d, seq = key_wrap._der, key_wrap._seq
    scheme = seq(d(0x06, key_wrap.PBES2), seq(
        seq(d(0x06, key_wrap._oid("1.2.3.4")), seq(d(0x04, b"salt"))),
        seq(d(0x06, key_wrap.AES256_CBC), d(0x04, os.urandom(16)))))
    return _pem(seq(scheme, d(0x04, os.urandom(48))))


@pytest.mark.parametrize(("content", "reason"), [
    (lambda: _pem(_scrypt_der(2 ** 30)), "scrypt cost N (1073741824) is out of range"),
    (lambda: _pem(_scrypt_der(2 ** 80)), "scrypt cost N is out of range"),
    (lambda: _pem(_scrypt_der(2 ** 14, r=1 << 20)), "scrypt block size r (1048576)"),
    (lambda: _pem(_scrypt_der(0)), "scrypt cost N (0) is out of range"),
    (lambda: _pem(_scrypt_der(2 ** 20, r=32)), "asks for more than 1 GiB of memory"),
    (lambda: _unknown_kdf(), "stretched by an unknown method"),
    (lambda: _pem(_scrypt_der(2 ** 12)[:70]), "cut short"),
    (lambda: _pem(b"\x30\x03\x02\x01\x01"), "not that of an encrypted PKCS#8 key"),
    (lambda: SigningKey.generate().public.to_pem(), "holds no encrypted private key"),
    (lambda: b"\x00" * 40_000, "far too large"),
    (lambda: b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n!!!!\n"
     b"-----END ENCRYPTED PRIVATE KEY-----\n", "holds no encrypted private key"),
])
def test_a_damaged_or_hostile_key_file_is_refused_quickly_and_left_alone(
        tmp_path: Path, content: object, reason: str) -> None:
    path = tmp_path / "keys" / "k.pem"
    path.parent.mkdir()
    data = content()  # type: ignore[operator]
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(KeyProblem, match="not a private key file") as caught:
        SigningKey.load(path, PASS)
    assert time.perf_counter() - started < 1  # no scrypt of 2^30 blocks was tried
    assert reason in str(caught.value) and str(path) in str(caught.value)
    assert path.read_bytes() == data


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_a_pipe_in_place_of_the_key_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    os.mkfifo(path)
    with pytest.raises(KeyProblem, match="named pipe"):
        SigningKey.load(path, PASS)


def test_a_key_that_cannot_be_rewritten_still_opens(tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """The re-wrap is a bonus of the unlock, never a reason for it to fail. Here no temporary
    file can be made beside the key: its name is as long as a name may be, so the temporary
    name (".<name>.<random>.part") is too long, for every user, root too."""
    key, path = old_way_key_file(tmp_path / "keys", PASS, name="k" * 251 + ".pem")
    old = path.read_bytes()
    with caplog.at_level("WARNING"):
        assert SigningKey.load(path, PASS).id == key.id
    assert "still wrapped the old way" in caplog.text and "PBKDF2" in caplog.text
    assert path.read_bytes() == old
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        [path.name, path.with_suffix(".pub").name])
