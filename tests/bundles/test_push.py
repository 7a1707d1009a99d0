"""``bundle push`` into the OPA-API double (not OPA), and the bundle-service path.

After a push (or a download from ``bundle serve``, verified, then pushed —
the double cannot poll a bundle service itself), the double's decisions
equal the embedded engine's on every golden case.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mlgate.bundles.build import build_files, write_archive
from mlgate.bundles.catalog import Catalog
from mlgate.bundles.jws import load_key
from mlgate.bundles.load import load_bundle
from mlgate.bundles.model import Bundle
from mlgate.bundles.push import push
from mlgate.bundles.serve import make_server
from mlgate.bundles.sign import SigningOptions
from mlgate.bundles.verify import verify_location
from mlgate.cli.main import main
from mlgate.decisions.evaluate import decide
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.facts.normalize import normalize
from tests.bundles.bundle_fixtures import KeyFiles, golden_cases, keys, policy_dir
from tests.opa_double import OpaDouble

__all__ = ["keys", "policy_dir"]

AT = "2025-06-02T12:00:00Z"


@pytest.fixture
def double() -> Iterator[OpaDouble]:
    with OpaDouble() as opa:
        yield opa


def _verdict(doc: dict[str, Any]) -> tuple[Any, ...]:
    return (
        doc["outcome"],
        sorted(v["control"] for v in doc["violations"]),
        sorted(m["control"] for m in doc["missing_evidence"]),
        sorted(r["role"] for r in doc["required_approvals"]),
        sorted(w["control"] for w in doc["waivers_applied"]),
    )


def _same_decisions_as_embedded(bundle: Bundle, double: OpaDouble) -> None:
    # What OPA reports once it runs this bundle: its revision in provenance.bundles.
    double.served_revisions = {"mlgate": bundle.revision}
    rest = OpaRestEngine.from_bundle(bundle, url=double.url, push=False)
    try:
        with EmbeddedEngine.from_bundle(bundle) as embedded:
            for name, case in golden_cases():
                facts = normalize(case["facts"])
                want = decide(facts, bundle, embedded).document
                got = decide(facts, bundle, rest).document
                assert _verdict(got) == _verdict(want), name
                assert want["outcome"] == case["expect"]["outcome"], name
    finally:
        rest.close()


def test_pushed_bundle_decides_like_the_embedded_engine(
    double: OpaDouble,
    policy_dir: Path,
    keys: KeyFiles,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = tmp_path / "policy.tar.gz"
    key = load_key(keys.rsa, None, for_signing=True)
    write_archive(build_files(policy_dir, signing=SigningOptions(key, "k1")).files, archive)
    code = main(
        ["bundle", "push", str(archive), "--opa-url", double.url,
         "--verification-key", str(keys.rsa_pub), "--key-id", "k1"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    modules = [m for m in policy_dir.rglob("*.rego") if not m.name.endswith("_test.rego")]
    assert "pushed" in out and f"{len(modules)} policies" in out  # test modules are not pushed
    _same_decisions_as_embedded(load_bundle(archive), double)


def test_a_tampered_bundle_is_not_pushed(
    double: OpaDouble,
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
        ["bundle", "push", str(archive), "--opa-url", double.url,
         "--verification-key", str(keys.rsa_pub)]
    )  # fmt: skip
    assert code == 2 and "changed after signing" in capsys.readouterr().err
    assert double.requests("PUT") == []


def test_bundle_service_download_then_push_decides_like_embedded(
    double: OpaDouble, policy_dir: Path, keys: KeyFiles, tmp_path: Path
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
    push(bundle, double.url)
    _same_decisions_as_embedded(bundle, double)


def test_push_refuses_a_bundle_without_the_entry_point(double: OpaDouble, tmp_path: Path) -> None:
    from mlgate.errors import BundleError

    (tmp_path / "lib.rego").write_text("package lib\n\nx := 1\n")
    with pytest.raises(BundleError, match="no decision entry point"):
        push(load_bundle(tmp_path), double.url)


def test_check_against_a_bundle_opa_already_serves(
    double: OpaDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check --opa-no-push` asks the OPA as it is, and refuses another bundle revision."""
    from mlgate.resources import bundle_dir

    shipped = load_bundle(bundle_dir())
    assert main(["bundle", "push", str(bundle_dir()), "--opa-url", double.url]) == 0
    before = len(double.requests("PUT"))
    facts = Path(__file__).resolve().parents[2] / "examples" / "credit-risk" / "failing.yaml"
    argv = ["check", "-f", str(facts), "--no-log", "-e", "opa-url", "--opa-url", double.url]
    argv += ["--opa-no-push"]
    double.served_revisions = {"mlgate": shipped.revision}
    capsys.readouterr()
    assert main(argv) == 1  # the failing example fails, decided by the served bundle
    assert len(double.requests("PUT")) == before  # nothing pushed
    double.served_revisions = {"mlgate": "2026.10.3"}
    assert main(argv) == 2
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
    double: OpaDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.cli.main import main
    from mlgate.resources import bundle_dir

    broken = tmp_path / "broken"
    shutil.copytree(bundle_dir(), broken)
    (broken / "mlgate" / "broken.rego").write_text("package mlgate.broken\nx := \n")
    assert main(["bundle", "push", str(broken), "--opa-url", double.url]) == 2
    assert "broken.rego:3:1" in capsys.readouterr().err
    assert double.seen == []  # not one request
