"""Fixtures for the ``mlgate bundle`` tests: real key files and a copy of the shipped bundle.

Import the fixtures into a test module (``from tests.bundles.bundle_fixtures import …``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.resources import bundle_dir

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"


@dataclass(frozen=True)
class KeyFiles:
    rsa: Path
    rsa_pub: Path
    ec: Path
    ec_pub: Path
    other_rsa_pub: Path
    secret: Path


def _write_pem(path: Path, key: Any, *, private: bool) -> Path:
    from cryptography.hazmat.primitives import serialization

    if private:
        data = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        data = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    path.write_bytes(data)
    return path


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeyFiles:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    root = tmp_path_factory.mktemp("keys")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    secret = root / "hmac.secret"
    secret.write_bytes(b"0123456789abcdef0123456789abcdef-shared")
    return KeyFiles(
        rsa=_write_pem(root / "rsa.pem", rsa_key, private=True),
        rsa_pub=_write_pem(root / "rsa.pub.pem", rsa_key.public_key(), private=False),
        ec=_write_pem(root / "ec.pem", ec_key, private=True),
        ec_pub=_write_pem(root / "ec.pub.pem", ec_key.public_key(), private=False),
        other_rsa_pub=_write_pem(root / "other.pub.pem", other.public_key(), private=False),
        secret=secret,
    )


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    """A copy of the shipped bundle (outside git) that a test may edit."""
    target = tmp_path / "policy"
    shutil.copytree(bundle_dir(), target)
    return target


def golden_cases() -> list[tuple[str, dict[str, Any]]]:
    return [
        (p.stem, yaml.safe_load(p.read_text(encoding="utf-8")))
        for p in sorted(CASES_DIR.glob("*.yaml"))
    ]


def write_facts_dir(target: Path) -> Path:
    """Every golden case's facts as a file of its own under ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name, case in golden_cases():
        (target / f"{name}.yaml").write_text(yaml.safe_dump(case["facts"]), encoding="utf-8")
    return target
