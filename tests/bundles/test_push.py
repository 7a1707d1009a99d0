"""``bundle push`` into a real OPA (``opa run --server``, started per test), and the
bundle-service path.

After a push (or a download from ``bundle serve``, verified, then pushed), OPA's
decisions equal the embedded engine's on every golden case. What OPA was asked
is read from its own request log (``--log-level info``).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mlgate.bundles.jws import load_key
from mlgate.bundles.load import load_bundle
from mlgate.bundles.model import Bundle
from mlgate.bundles.sign import SigningOptions
from mlgate.bundles.verify import verify_location
from mlgate.cli.main import main
from mlgate.decisions.evaluate import decide, prepare_input
from mlgate.distribution.build import build_files, write_archive
from mlgate.distribution.bundle_serve import make_server
from mlgate.distribution.catalog import Catalog
from mlgate.distribution.push import push
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.facts.normalize import normalize
from tests.bundles.bundle_fixtures import KeyFiles, golden_cases, keys, policy_dir
from tests.real_opa import opa_server, requires_opa

__all__ = ["keys", "policy_dir"]

pytestmark = [requires_opa, pytest.mark.opa]

AT = "2025-06-02T12:00:00Z"


class RealOpa(str):
    """The URL of a real OPA, and the requests it logged."""

    log: Path

    def requests(self, method: str) -> list[dict[str, Any]]:
        """Answered requests but the test's own readiness probes (``/health``)."""
        lines = (json.loads(x) for x in self.log.read_text().splitlines() if x.startswith("{"))
        return [
            x
            for x in lines
            if x.get("req_method") == method
            and "resp_status" in x
            and not str(x.get("req_path", "")).startswith("/health")
        ]


@pytest.fixture
def double(tmp_path: Path) -> Iterator[RealOpa]:
    """An empty real OPA for one test (named ``double`` where the tests began on one)."""
    log = tmp_path / "opa.log"
    with opa_server(["--log-level", "info"], log, ready="/health") as url:
        opa = RealOpa(url)
        opa.log = log
        yield opa


def _verdict(doc: dict[str, Any]) -> tuple[Any, ...]:
    return (
        doc["outcome"],
        sorted(v["control"] for v in doc["violations"]),
        sorted(m["control"] for m in doc["missing_evidence"]),
        sorted(r["role"] for r in doc["required_approvals"]),
        sorted(w["control"] for w in doc["waivers_applied"]),
    )


def _same_decisions_as_embedded(bundle: Bundle, url: str) -> None:
    """What OPA now answers at data.mlgate.decision, asked directly, for every golden case."""
    with EmbeddedEngine.from_bundle(bundle) as embedded:
        for name, case in golden_cases():
            facts = normalize(case["facts"])
            want = decide(facts, bundle, embedded).document
            body = {"input": prepare_input(facts, want["evaluated_at"])}
            answer = requests.post(f"{url}/v1/data/mlgate/decision", json=body, timeout=30)
            assert "result" in answer.json(), (name, answer.text[:300])
            assert _verdict(answer.json()["result"]) == _verdict(want), name
            assert want["outcome"] == case["expect"]["outcome"], name


def test_pushed_bundle_decides_like_the_embedded_engine(
    double: RealOpa,
    policy_dir: Path,
    keys: KeyFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "policy.tar.gz"
    key = load_key(keys.rsa, None, for_signing=True)
    write_archive(build_files(policy_dir, signing=SigningOptions(key, "k1")).files, archive)
    code = main(
        ["bundle", "push", str(archive), "--opa-url", double,
         "--verification-key", str(keys.rsa_pub), "--key-id", "k1"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    modules = [m for m in policy_dir.rglob("*.rego") if not m.name.endswith("_test.rego")]
    assert "pushed" in out and f"{len(modules)} policies" in out  # test modules are not pushed
    assert double.requests("PUT")  # what the test below relies on: OPA logs each write
    _same_decisions_as_embedded(load_bundle(archive), double)
    pushed = requests.get(f"{double}/v1/policies", timeout=5).json()["result"]
    assert sorted(p["id"] for p in pushed) == sorted(
        f"mlgate/{m.relative_to(policy_dir).as_posix()}" for m in modules
    )


def test_a_tampered_bundle_is_not_pushed(
    double: RealOpa,
    policy_dir: Path,
    keys: KeyFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = load_key(keys.rsa, None, for_signing=True)
    files = build_files(policy_dir, signing=SigningOptions(key)).files
    files["mlgate/thresholds/data.yaml"] += b"\nextra: {}\n"
    archive = tmp_path / "tampered.tar.gz"
    write_archive(files, archive)
    code = main(
        ["bundle", "push", str(archive), "--opa-url", double,
         "--verification-key", str(keys.rsa_pub)]
    )  # fmt: skip
    assert code == 2 and "changed after signing" in capsys.readouterr().err
    assert double.requests("PUT") == []  # OPA was asked nothing


def test_bundle_service_download_then_push_decides_like_embedded(
    double: RealOpa, policy_dir: Path, keys: KeyFiles, tmp_path: Path
) -> None:
    signing = SigningOptions(load_key(keys.ec, None, for_signing=True), key_id="gate")
    catalog = Catalog([policy_dir], signing=signing)
    catalog.load()
    server = make_server(catalog, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/bundles/policy.tar.gz"
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200
        again = requests.get(url, headers={"If-None-Match": answer.headers["ETag"]}, timeout=10)
        assert again.status_code == 304
    finally:
        server.shutdown()
        server.server_close()
    archive = tmp_path / "downloaded.tar.gz"
    archive.write_bytes(answer.content)
    bundle, _ = verify_location(
        str(archive), load_key(keys.ec_pub, None, for_signing=False), key_id="gate"
    )
    push(bundle, double)
    _same_decisions_as_embedded(bundle, double)


def test_push_refuses_a_bundle_without_the_entry_point(double: RealOpa, tmp_path: Path) -> None:
    from mlgate.errors import BundleError

    (tmp_path / "lib.rego").write_text("package lib\n\nx := 1\n")
    with pytest.raises(BundleError, match="no decision entry point"):
        push(load_bundle(tmp_path), double)


def test_check_against_a_bundle_opa_already_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --opa-no-push` asks the OPA as it is (loaded with --bundle), and refuses
    an OPA that serves another revision of the bundle."""
    from mlgate.resources import bundle_dir

    shipped = load_bundle(bundle_dir())
    older = tmp_path / "older"
    shutil.copytree(bundle_dir(), older)
    manifest = json.loads((older / ".manifest").read_text())
    (older / ".manifest").write_text(json.dumps({**manifest, "revision": "2026.10.3"}))
    facts = Path(__file__).resolve().parents[2] / "examples" / "credit-risk" / "failing.yaml"
    argv = ["check", "-f", str(facts), "--no-log", "-e", "opa-url", "--opa-no-push"]
    log = tmp_path / "opa.log"
    with opa_server(["--log-level", "info", "--bundle", str(bundle_dir())], log) as url:
        capsys.readouterr()
        assert main([*argv, "--opa-url", url]) == 1  # the failing example fails, as OPA decided
        served = RealOpa(url)
        served.log = log
        assert served.requests("PUT") == []  # nothing pushed
    with opa_server(["--bundle", str(older)], tmp_path / "older.log") as url:
        assert main([*argv, "--opa-url", url]) == 2
    err = capsys.readouterr().err
    assert f"serves bundle revision 2026.10.3, not {shipped.revision}" in err


@pytest.mark.parametrize(
    ("url", "extra", "message"),
    [
        ("http://[::1:1", [], "the OPA URL is not a valid URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1:abc", [], "the OPA URL is not a valid URL"),
        ("ftp://x", [], "must be http:// or https:// with a host (got ftp://)"),
        ("", [], "must be http:// or https:// with a host (got no scheme)"),
        ("http://127.0.0.1:1", ["--timeout", "nan"], "--timeout nan"),
        ("http://127.0.0.1:1", ["--timeout", "0"], "--timeout 0"),
        ("http://127.0.0.1:1", ["--key-id", "k1"], "give --verification-key too"),
    ],
)
def test_a_bad_url_or_timeout_is_one_line_before_any_request(
    capsys: pytest.CaptureFixture[str], url: str, extra: list[str], message: str
) -> None:
    from mlgate.cli.main import main
    from mlgate.resources import bundle_dir

    assert main(["bundle", "push", str(bundle_dir()), "--opa-url", url, *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_push_parses_every_module_before_opa_is_touched(
    double: RealOpa, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.cli.main import main
    from mlgate.resources import bundle_dir

    broken = tmp_path / "broken"
    shutil.copytree(bundle_dir(), broken)
    (broken / "mlgate" / "broken.rego").write_text("package mlgate.broken\nx := \n")
    assert main(["bundle", "push", str(broken), "--opa-url", double]) == 2
    assert "broken.rego:3:1" in capsys.readouterr().err
    assert double.requests("GET") == double.requests("PUT") == []  # not one request
