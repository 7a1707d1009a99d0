"""``check``, ``monitor`` and ``recertify --verification-key``: a gate that requires a
signed bundle refuses an unsigned or tampered one before deciding (issue 20, item 4)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from mlgate.cli.main import main
from mlgate.distribution.build import archive_bytes
from tests.conftest import REPO

PASSING = REPO / "examples/credit-risk/passing.yaml"
M = REPO / "examples/monitoring"


@pytest.fixture
def signed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("MLGATE_AT", "facts")
    monkeypatch.delenv("MLGATE_PRINCIPALS", raising=False)
    secret = tmp_path / "secret"
    secret.write_bytes(b"s" * 40)
    directory = tmp_path / "policy"
    shutil.copytree(REPO / "rego", directory)
    out = {"secret": secret}
    for name, extra in (
        ("signed", ["--signing-key", str(secret), "--alg", "HS256"]),
        ("unsigned", []),
    ):
        out[name] = tmp_path / f"{name}.tar.gz"
        assert main(["bundle", "build", str(directory), "-o", str(out[name]), *extra]) == 0
    # Tampered: a threshold relaxed after signing, the signature left as it was.
    with tarfile.open(out["signed"]) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    name = "mlgate/thresholds/data.yaml"
    files[name] = files[name].replace(b"0.8", b"0.1", 1)
    out["tampered"] = tmp_path / "tampered.tar.gz"
    out["tampered"].write_bytes(archive_bytes(files))
    return out


def _check(bundle: Path, *extra: str) -> int:
    return main(
        ["check", "--no-log", "-e", "embedded", "-b", str(bundle), "-f", str(PASSING), *extra]
    )


def test_check_decides_with_a_signed_bundle_and_refuses_others(
    signed: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    key = ["--verification-key", str(signed["secret"]), "--alg", "HS256"]
    assert _check(signed["signed"], *key) == 0
    capsys.readouterr()
    for bad in ("unsigned", "tampered"):
        assert _check(signed[bad]) == 0  # without a key, nothing is required
        capsys.readouterr()
        assert _check(signed[bad], *key) == 2, bad
        out, err = capsys.readouterr()
        assert out == "" and "signature verification failed" in err and "Traceback" not in err
        assert err.count("\n") == 1


def test_the_key_can_come_from_the_environment(
    signed: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_VERIFICATION_KEY", str(signed["secret"]))
    assert _check(signed["unsigned"], "--alg", "HS256") == 2
    assert "signature verification failed" in capsys.readouterr().err
    assert _check(signed["signed"], "--alg", "HS256") == 0


def test_key_options_without_a_key_are_a_usage_error(
    signed: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _check(signed["signed"], "--key-id", "k1") == 2
    assert "need --verification-key" in capsys.readouterr().err


def test_monitor_and_recertify_refuse_an_unsigned_bundle(
    signed: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = ["--verification-key", str(signed["secret"]), "--alg", "HS256"]
    monitor = ["monitor", "-e", "embedded", "--facts", str(M / "facts.yaml")]
    monitor += ["--series", f"latency_ms:ms={M / 'latency-healthy.json'}"]
    monitor += ["--at", "2026-11-01T00:00:00Z"]
    assert main([*monitor, "-b", str(signed["unsigned"]), *key]) == 2
    assert "signature verification failed" in capsys.readouterr().err
    facts_dir = tmp_path / "prod"
    facts_dir.mkdir()
    shutil.copy(PASSING, facts_dir)
    recertify = ["recertify", "--facts-dir", str(facts_dir), "--no-log", "--workers", "1"]
    assert main([*recertify, "-b", str(signed["unsigned"]), *key]) == 2
    assert "signature verification failed" in capsys.readouterr().err
    assert main([*recertify, "-b", str(signed["signed"]), *key]) in (0, 1)
