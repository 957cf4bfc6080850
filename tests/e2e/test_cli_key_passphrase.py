"""`nmrf keys create` judges a new key's passphrase by the key dialog's rule (part D of
issue 19): a weak one is refused with the reason and nothing is made; a strong one makes a
key file wrapped with scrypt at full cost, owner-only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from nmrf_desktop.bundles import key_wrap

from .support import assert_user_error, nmrf, nmrf_ok

STRONG = "kia kaha kia maia kia manawanui"


def _made_nothing(db: Path, *central: str) -> None:
    keys_folder = db.parent / "keys"
    assert not keys_folder.exists() or list(keys_folder.iterdir()) == []
    done = nmrf("keys", "export-public", *central, "--out", db.parent / "x.pub", db=db)
    assert_user_error(done, "no signing key yet")


@pytest.mark.parametrize(("passphrase", "reason"), [
    ("kia kaha", "too short: use at least 12 characters"),
    ("password123456", "too common"),
    ("aaaaaaaaaaaaaaaa", "too simple: repeats"),
    ("abcdefghijklmnop", "too simple: sequences"),
    ("zxcvbnm,./asdfg", "too simple: keyboard patterns"),
])
def test_a_weak_passphrase_is_refused_naming_why(tmp_path: Path, passphrase: str,
                                                 reason: str) -> None:
    db = tmp_path / "laptop" / "laptop.sqlite3"
    nmrf_ok("init", db=db)
    passfile = tmp_path / "pass.txt"
    passfile.write_text(passphrase + "\n", encoding="utf-8")
    done = nmrf("keys", "create", "--passphrase-file", passfile, db=db)
    first = assert_user_error(done, "the passphrase is", reason, "the key was not created")
    assert len(done.stderr.splitlines()) == 1 and passphrase not in first
    _made_nothing(db)


def test_the_organisations_minimum_applies_and_a_strong_passphrase_makes_the_key(
        nz_db: Path, tmp_path: Path) -> None:
    db = nz_db  # a central record with the real New Zealand recommendations
    policy = tmp_path / "policy.toml"
    policy.write_text("[keys]\nmin_passphrase_length = 16\n", encoding="utf-8")
    with_policy = {"NMRF_POLICY_FILE": str(policy), "NMRF_KEY_PASSPHRASE": "tūī kererū kākā"}
    done = nmrf("keys", "create", "--central", db=db, env=with_policy)
    assert_user_error(done, "too short: use at least 16 characters")
    _made_nothing(db, "--central")

    strong = {**with_policy, "NMRF_KEY_PASSPHRASE": STRONG}
    assert "fingerprint" in nmrf_ok("keys", "create", "--central", db=db, env=strong)
    made = sorted((db.parent / "keys").glob("*.pem"))
    assert len(made) == 1
    assert key_wrap.kdf_of(made[0].read_bytes()) == key_wrap.Kdf("scrypt", 2 ** 17, 8, 1)
    if os.name == "posix":
        assert stat.S_IMODE(made[0].stat().st_mode) == 0o600
        assert stat.S_IMODE(made[0].parent.stat().st_mode) == 0o700
    # The key opens with that passphrase, and only with it: a pack is signed with it.
    nmrf_ok("assign", "--lead-defaults", db=db)
    pack = tmp_path / "moj.nmrfpack"
    nmrf_ok("pack", "export", "--agency", "MOJ", "--out", pack, db=db, env=strong)
    assert pack.is_file()
    wrong = nmrf("pack", "export", "--agency", "MOJ", "--out", tmp_path / "no.nmrfpack", db=db,
                 env={**strong, "NMRF_KEY_PASSPHRASE": STRONG + "!"})
    assert_user_error(wrong, "wrong passphrase")
