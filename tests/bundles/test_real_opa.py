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
from pathlib import Path

import pytest
import requests

from mlgate.bundles.build import build_files, write_archive
from mlgate.bundles.catalog import Catalog
from mlgate.bundles.jws import load_key
from mlgate.bundles.load import load_bundle
from mlgate.bundles.serve import make_server
from mlgate.bundles.sign import SigningOptions
from mlgate.decisions.evaluate import decide, prepare_input
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.facts.normalize import normalize
from tests.bundles.bundle_fixtures import KeyFiles, golden_cases, keys, policy_dir
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
