"""Keys in the wrong format are refused with the reason (exit 2 at the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.bundles.jws import load_key
from mlgate.errors import InputError
from tests.bundles.bundle_fixtures import KeyFiles, keys

__all__ = ["keys"]


def _pem(
    tmp_path: Path, name: str, key: object, *, private: bool = True, password: bytes = b""
) -> Path:
    from cryptography.hazmat.primitives import serialization

    if private:
        encryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        data = key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
    else:
        data = key.public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_garbage_is_not_a_key(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n")
    with pytest.raises(InputError, match="not a readable PEM key"):
        load_key(path, None, for_signing=True)


def test_a_secret_without_hs256_is_refused(keys: KeyFiles) -> None:
    with pytest.raises(InputError, match=r"not a PEM key .*--alg HS256"):
        load_key(keys.secret, None, for_signing=True)


def test_a_public_key_cannot_sign(keys: KeyFiles) -> None:
    with pytest.raises(InputError, match="public key; signing needs the private key"):
        load_key(keys.rsa_pub, None, for_signing=True)


def test_a_private_key_can_verify(keys: KeyFiles) -> None:
    assert load_key(keys.rsa, None, for_signing=False).alg == "RS256"


def test_algorithm_must_fit_the_key(keys: KeyFiles) -> None:
    with pytest.raises(InputError, match="signs ES256, not RS256"):
        load_key(keys.ec, "RS256", for_signing=True)
    with pytest.raises(InputError, match="HS256 takes a shared secret, not a PEM key"):
        load_key(keys.rsa, "HS256", for_signing=True)
    with pytest.raises(InputError, match="unsupported signing algorithm 'PS256'"):
        load_key(keys.rsa, "PS256", for_signing=True)


def test_weak_or_unsupported_keys_are_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    small = _pem(tmp_path, "small.pem", rsa.generate_private_key(65537, 1024))
    with pytest.raises(InputError, match="1024 bits"):
        load_key(small, None, for_signing=True)
    p384 = _pem(tmp_path, "p384.pem", ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(InputError, match="ES256 needs P-256"):
        load_key(p384, None, for_signing=True)
    edkey = _pem(tmp_path, "ed.pem", ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(InputError, match="Ed25519PrivateKey keys are not supported"):
        load_key(edkey, None, for_signing=True)
    locked = _pem(tmp_path, "locked.pem", rsa.generate_private_key(65537, 2048), password=b"pw")
    with pytest.raises(InputError, match="encrypted private keys"):
        load_key(locked, None, for_signing=True)


def test_short_or_missing_secrets_are_refused(tmp_path: Path) -> None:
    short = tmp_path / "short"
    short.write_bytes(b"tiny")
    with pytest.raises(InputError, match="at least 32 bytes"):
        load_key(short, "HS256", for_signing=True)
    with pytest.raises(InputError, match="cannot read key"):
        load_key(tmp_path / "absent", "HS256", for_signing=True)


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_keys_bundle_makes_a_pair_that_signs_and_verifies(
    alg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.cli.main import main
    from mlgate.resources import bundle_dir

    key = tmp_path / "keys" / "signing.pem"
    assert main(["keys", "bundle", "--out", str(key), "--alg", alg]) == 0
    public = tmp_path / "keys" / "signing.pub.pem"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and public.is_file()
    archive = tmp_path / "b.tar.gz"
    assert main(["bundle", "build", str(bundle_dir()), "-o", str(archive),
                 "--signing-key", str(key), "--key-id", "k1"]) == 0  # fmt: skip
    assert main(["bundle", "verify", str(archive), "--verification-key", str(public)]) == 0
    assert main(["keys", "bundle", "--out", str(key)]) == 2  # never overwritten
    assert "already exists" in capsys.readouterr().err


def test_keys_bundle_refuses_an_unknown_algorithm(tmp_path: Path) -> None:
    from mlgate.cli.main import main

    assert main(["keys", "bundle", "--out", str(tmp_path / "k.pem"), "--alg", "HS256"]) == 2
    assert not (tmp_path / "k.pem").exists()
