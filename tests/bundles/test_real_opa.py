"""A real OPA accepts what mlgate signs and serves (skipped when ``opa`` is not on PATH).

1. ``opa run --bundle <signed.tar.gz> --verification-key`` loads it and decides
   every golden case as the embedded engine does; a tampered copy is refused.
2. ``opa run`` configured with ``services`` / ``bundles`` / ``keys`` polls
   ``mlgate bundle serve`` and activates the signed bundle.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from mlgate.bundles.jws import load_key
from mlgate.bundles.load import load_bundle
from mlgate.bundles.sign import SigningOptions
from mlgate.decisions.evaluate import decide, prepare_input
from mlgate.distribution.build import build_files, write_archive
from mlgate.distribution.bundle_serve import make_server
from mlgate.distribution.catalog import Catalog
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.facts.normalize import normalize
from tests.bundles.bundle_fixtures import KeyFiles, golden_cases, keys, policy_dir
from tests.conftest import REPO
from tests.real_opa import OPA, free_port, opa_server, requires_opa

__all__ = ["keys", "policy_dir"]

pytestmark = [requires_opa, pytest.mark.opa]


def _signed_archive(policy_dir: Path, keys: KeyFiles, target: Path) -> Path:
    key = load_key(keys.rsa, None, for_signing=True)
    write_archive(build_files(policy_dir, signing=SigningOptions(key, key_id="k1")).files, target)
    return target


def _check_golden_cases(url: str, archive: Path) -> None:
    bundle = load_bundle(archive)
    with EmbeddedEngine.from_bundle(bundle) as embedded:
        for name, case in golden_cases():
            facts = normalize(case["facts"])
            want = decide(facts, bundle, embedded).document
            body = {"input": prepare_input(facts, want["evaluated_at"])}
            got = requests.post(f"{url}/v1/data/mlgate/decision", json=body, timeout=10).json()
            assert "result" in got, (name, got)
            result = got["result"]
            assert result["outcome"] == want["outcome"], name
            assert sorted(v["control"] for v in result["violations"]) == sorted(
                v["control"] for v in want["violations"]
            ), name


def test_opa_run_verifies_and_loads_a_signed_bundle(
    policy_dir: Path, keys: KeyFiles, tmp_path: Path
) -> None:
    archive = _signed_archive(policy_dir, keys, tmp_path / "signed.tar.gz")
    flags = ["--bundle", str(archive), "--verification-key", str(keys.rsa_pub),
             "--verification-key-id", "k1", "--signing-alg", "RS256"]  # fmt: skip
    with opa_server(flags, tmp_path / "opa.log") as url:
        _check_golden_cases(url, archive)


def test_opa_run_refuses_a_tampered_bundle(
    policy_dir: Path, keys: KeyFiles, tmp_path: Path
) -> None:
    key = load_key(keys.rsa, None, for_signing=True)
    files = build_files(policy_dir, signing=SigningOptions(key, key_id="k1")).files
    files["mlgate/thresholds/data.yaml"] += b"\nextra: {}\n"
    archive = tmp_path / "tampered.tar.gz"
    write_archive(files, archive)
    done = subprocess.run(
        [str(OPA), "run", "--server", "--addr", f"127.0.0.1:{free_port()}",
         "--bundle", str(archive), "--verification-key", str(keys.rsa_pub),
         "--verification-key-id", "k1"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "digest mismatch" in (done.stdout + done.stderr)


def test_opa_polls_mlgate_bundle_serve(policy_dir: Path, keys: KeyFiles, tmp_path: Path) -> None:
    signing = SigningOptions(load_key(keys.rsa, None, for_signing=True), key_id="k1")
    catalog = Catalog([policy_dir], signing=signing)
    catalog.load()
    server = make_server(catalog, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    config = {
        "services": {"mlgate": {"url": f"http://127.0.0.1:{server.server_address[1]}"}},
        "bundles": {
            "mlgate": {
                "service": "mlgate",
                "resource": "bundles/policy.tar.gz",
                "polling": {"min_delay_seconds": 1, "max_delay_seconds": 2},
                "signing": {"keyid": "k1"},
            }
        },
        "keys": {"k1": {"algorithm": "RS256", "key": keys.rsa_pub.read_text()}},
    }
    config_file = tmp_path / "opa.json"
    config_file.write_text(json.dumps(config))
    archive = tmp_path / "served.tar.gz"
    archive.write_bytes(catalog.current()["policy.tar.gz"].body)
    try:
        with opa_server(["--config-file", str(config_file)], tmp_path / "opa.log") as url:
            _check_golden_cases(url, archive)
    finally:
        server.shutdown()
        server.server_close()


def _serving(catalog: Catalog, token: str | None = None) -> Any:
    server = make_server(catalog, "127.0.0.1", 0, **({"token": token} if token else {}))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def _revision_of(policy_dir: Path, revision: str) -> None:
    manifest = json.loads((policy_dir / ".manifest").read_text())
    (policy_dir / ".manifest").write_text(json.dumps({**manifest, "revision": revision}))


def test_a_new_revision_served_is_picked_up_and_the_old_one_refused(
    policy_dir: Path, tmp_path: Path
) -> None:
    """OPA polls `bundle serve`; `--opa-no-push` decides while OPA serves the local
    revision, and refuses once OPA has activated another one (ETag changed)."""
    from mlgate.engine.opa_rest import OpaRestEngine
    from mlgate.errors import EngineError

    _revision_of(policy_dir, "r1")
    catalog = Catalog([policy_dir])
    catalog.load()
    server = _serving(catalog)
    config = {
        "services": {"mlgate": {"url": f"http://127.0.0.1:{server.server_address[1]}"}},
        "bundles": {
            "mlgate": {
                "service": "mlgate",
                "resource": "bundles/policy.tar.gz",
                "polling": {"min_delay_seconds": 1, "max_delay_seconds": 1},
            }
        },
    }
    (tmp_path / "opa.json").write_text(json.dumps(config))
    passing = normalize(golden_cases()[0][1]["facts"])
    try:
        with opa_server(["--config-file", str(tmp_path / "opa.json")], tmp_path / "o.log") as url:
            engine = OpaRestEngine.from_bundle(load_bundle(policy_dir), url=url, push=False)
            assert "outcome" in engine.evaluate("data.mlgate.decision", prepare_input(passing))
            _revision_of(policy_dir, "r2")  # the compliance team ships a new revision
            deadline = time.monotonic() + 20
            with pytest.raises(EngineError, match="serves bundle revision r2, not r1"):
                while time.monotonic() < deadline:
                    engine.evaluate("data.mlgate.decision", prepare_input(passing))
                    time.sleep(0.2)
            engine.close()
    finally:
        server.shutdown()
        server.server_close()


def test_an_opa_whose_bundle_service_is_down_is_not_ready(policy_dir: Path, tmp_path: Path) -> None:
    from mlgate.engine.opa_rest import OpaRestEngine
    from mlgate.errors import EngineError

    config = {
        "services": {"mlgate": {"url": f"http://127.0.0.1:{free_port()}"}},  # nobody there
        "bundles": {"mlgate": {"service": "mlgate", "resource": "bundles/policy.tar.gz"}},
    }
    (tmp_path / "opa.json").write_text(json.dumps(config))
    args = ["--config-file", str(tmp_path / "opa.json")]
    with (
        opa_server(args, tmp_path / "o.log", ready="/health") as url,
        pytest.raises(EngineError, match=r"is not ready \(HTTP 500\)"),
    ):
        OpaRestEngine.from_bundle(load_bundle(policy_dir), url=url, push=False)


def _opa_cli(*args: str, cwd: Path | None = None) -> None:
    done = subprocess.run(
        [str(OPA), *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _retar(source: Path, target: Path, edit: tuple[str, bytes]) -> Path:
    """A copy of the archive ``source`` with member ``edit[0]`` (as OPA names it) changed."""
    import io
    import tarfile

    with tarfile.open(source) as src, tarfile.open(target, "w:gz") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            if member.name == edit[0]:
                data += edit[1]
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


@pytest.fixture
def opa_signed(policy_dir: Path, keys: KeyFiles, tmp_path: Path) -> tuple[Path, Path]:
    """What OPA writes: ``opa build --signing-key`` (an archive whose members are named
    from the root, ``plugin: _default``) and ``opa sign --bundle .`` run in a directory."""
    for test in policy_dir.rglob("*_test.rego"):
        test.unlink()
    archive = tmp_path / "opa-built.tar.gz"
    _opa_cli("build", "-b", ".", "--signing-key", str(keys.rsa), "-o", str(archive), cwd=policy_dir)
    _opa_cli("sign", "--signing-key", str(keys.rsa), "--bundle", ".", cwd=policy_dir)
    assert (policy_dir / ".signatures.json").is_file()
    return archive, policy_dir


def test_bundles_opa_builds_and_signs_verify_and_decide_in_mlgate(
    opa_signed: tuple[Path, Path], keys: KeyFiles, tmp_path: Path
) -> None:
    from mlgate.cli.main import main

    passing = str(REPO / "examples/credit-risk/passing.yaml")
    for bundle in opa_signed:
        key = ["--verification-key", str(keys.rsa_pub)]
        assert main(["bundle", "verify", str(bundle), *key]) == 0, bundle
        assert main(["check", "--no-log", "-b", str(bundle), "-f", passing, *key]) == 0, bundle


def test_bundles_opa_signs_are_refused_when_tampered(
    opa_signed: tuple[Path, Path],
    keys: KeyFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mlgate.cli.main import main

    archive, directory = opa_signed
    changed = _retar(archive, tmp_path / "changed.tar.gz", ("/mlgate/lib/tier.rego", b"\n# x\n"))
    (directory / "mlgate" / "lib" / "tier.rego").write_text("package mlgate.lib.tier\n")
    passing = str(REPO / "examples/credit-risk/passing.yaml")
    key = ["--verification-key", str(keys.rsa_pub)]
    for bundle in (changed, directory):
        capsys.readouterr()
        assert main(["bundle", "verify", str(bundle), *key]) == 2, bundle
        assert "signature verification failed" in capsys.readouterr().err
        assert main(["check", "--no-log", "-b", str(bundle), "-f", passing, *key]) == 2, bundle
        assert "signature verification failed" in capsys.readouterr().err
