"""Key generation and the principals file: what is accepted and what is refused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.keys import generate, load_private_key, public_key_text
from mlgate.approvals.principals import load_principals, locate
from mlgate.cli.main import main
from tests.approvals.conftest import Keyring


def test_generate_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    key_path, public = generate("Omar.Risk", tmp_path)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert public.startswith("ed25519:") and len(public) == len("ed25519:") + 44
    assert public_key_text(load_private_key(key_path)) == public
    assert (tmp_path / "Omar.Risk.pub").read_text().strip() == public
    with pytest.raises(ApprovalError, match="refusing to overwrite"):
        generate("Omar.Risk", tmp_path)


def test_keys_generate_command_prints_the_principals_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "generate", "--principal", "omar.risk", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert '- id: "omar.risk"' in out and "public_key: ed25519:" in out
    (tmp_path / "file").write_text("x")
    assert main(["keys", "generate", "--principal", "x", "--out", str(tmp_path / "file")]) == 2


def test_a_private_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    key_path, _ = generate("a", tmp_path)
    os.chmod(key_path, 0o644)
    with pytest.raises(ApprovalError, match="readable by others"):
        load_private_key(key_path)
    other = tmp_path / "other.key"
    other.write_text("not a key")
    os.chmod(other, 0o600)
    with pytest.raises(ApprovalError, match="not an unencrypted PEM private key"):
        load_private_key(other)


def test_principals_load_with_folded_ids_and_roles(keyring: Keyring) -> None:
    principals = load_principals(keyring.principals)
    omar = principals.get("OMAR.Risk")
    assert omar is not None and omar.id == "omar.risk"
    assert omar.holds("Model_Risk") and not omar.holds("ml_lead")
    assert principals.get("nobody") is None


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text("apiVersion: mlgate/v1\nkind: Principals\nprincipals:\n" + body)
    return path


KEY = "ed25519:" + "A" * 43 + "="


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            f"  - {{id: Omar, roles: [a], public_key: '{KEY}'}}\n"
            f"  - {{id: omar, roles: [b], public_key: '{KEY}'}}\n",
            "duplicate principal id 'omar'",
        ),
        (f"  - {{id: a, public_key: '{KEY}'}}\n", "'roles' must be a list"),
        ("  - {id: a, roles: [r], public_key: 'rsa:xyz'}\n", "must look like 'ed25519:<base64>'"),
        ("  - {id: a, roles: [r], public_key: 'ed25519:AAAA'}\n", "must be 32 bytes"),
        ("  - {id: a, roles: [r], public_key: 'ed25519:@@@'}\n", "not valid base64"),
        (f"  - {{id: a, roles: [r], public_key: '{KEY}', admin: true}}\n", "unknown field"),
        (f"  - !!python/object {{id: a, roles: [r], public_key: '{KEY}'}}\n", "tags"),
        ("  []\n", "non-empty list"),
    ],
    ids=[
        "duplicate",
        "no-roles",
        "not-ed25519",
        "short-key",
        "bad-base64",
        "unknown",
        "tag",
        "empty",
    ],
)
def test_bad_principals_files_are_refused(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ApprovalError, match=message):
        load_principals(_write(tmp_path, body))


def test_principals_file_is_found_by_option_or_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLGATE_PRINCIPALS", raising=False)
    assert locate(None) is None
    named = tmp_path / "principals.yaml"
    named.write_text("x")
    monkeypatch.setenv("MLGATE_PRINCIPALS", str(tmp_path / "env.yaml"))
    with pytest.raises(ApprovalError, match="not found"):
        locate(None)
    assert locate(str(named)) == named


def test_generate_creates_a_private_key_directory(tmp_path: Path) -> None:
    target = tmp_path / "new" / "keys"
    key_path, _ = generate("omar.risk", target)
    assert key_path.parent == target
    assert target.stat().st_mode & 0o777 == 0o700


def test_generate_refuses_a_file_as_directory(tmp_path: Path) -> None:
    from mlgate.approvals.errors import ApprovalError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ApprovalError, match="cannot create key directory"):
        generate("omar.risk", blocker)
