"""``bundle build``: round trip to a decision, reproducible archives, revisions, refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mlgate.bundles.jws import load_key
from mlgate.bundles.load import load_bundle
from mlgate.bundles.sign import SigningOptions
from mlgate.bundles.verify import verify_location
from mlgate.decisions.evaluate import decide
from mlgate.distribution.build import archive_bytes, build_files, write_archive
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.errors import BundleError
from mlgate.facts.normalize import normalize
from tests.bundles.bundle_fixtures import KeyFiles, golden_cases, keys, policy_dir

__all__ = ["keys", "policy_dir"]


def test_round_trip_build_verify_load_decide(
    policy_dir: Path, keys: KeyFiles, tmp_path: Path
) -> None:
    key = load_key(keys.ec, None, for_signing=True)
    built = build_files(policy_dir, revision="2026.12.0", signing=SigningOptions(key, "k1"))
    archive = tmp_path / "bundle.tar.gz"
    write_archive(built.files, archive)
    verifier = load_key(keys.ec_pub, None, for_signing=False)
    bundle, verified = verify_location(str(archive), verifier, key_id="k1")
    assert bundle.revision == "2026.12.0" and verified.key_id == "k1"
    assert bundle.digest == built.digest == load_bundle(archive).digest
    source = load_bundle(policy_dir)
    with (
        EmbeddedEngine.from_bundle(bundle) as from_archive,
        EmbeddedEngine.from_bundle(source) as from_source,
    ):
        for name, case in golden_cases()[:12]:
            facts = normalize(case["facts"])
            got = decide(facts, bundle, from_archive).document
            want = decide(facts, source, from_source).document
            assert got["outcome"] == case["expect"]["outcome"] == want["outcome"], name
            assert got["violations"] == want["violations"], name
            assert got["bundle"]["revision"] == "2026.12.0"


def test_unsigned_archives_are_reproducible(policy_dir: Path) -> None:
    a = archive_bytes(build_files(policy_dir, revision="r").files)
    b = archive_bytes(build_files(policy_dir, revision="r").files)
    assert a == b


def test_a_stale_signature_in_the_source_is_not_carried_over(policy_dir: Path) -> None:
    (policy_dir / ".signatures.json").write_text('{"signatures": ["x.y.z"]}')
    assert ".signatures.json" not in build_files(policy_dir).files


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git not on PATH")
def test_revision_defaults_to_git_describe(policy_dir: Path) -> None:
    _git(policy_dir, "init", "-q")
    _git(policy_dir, "add", ".")
    _git(policy_dir, "commit", "-q", "-m", "policy")
    _git(policy_dir, "tag", "v1.4.0")
    assert build_files(policy_dir).revision == "v1.4.0"
    (policy_dir / "mlgate" / "new.rego").write_text("package mlgate.new\n")
    assert build_files(policy_dir).revision == "v1.4.0-dirty"
    assert build_files(policy_dir, revision="explicit").revision == "explicit"


def test_outside_git_the_manifest_revision_is_kept(policy_dir: Path) -> None:
    manifest = json.loads((policy_dir / ".manifest").read_text())
    assert build_files(policy_dir).revision == manifest["revision"]


def test_roots_are_inferred_without_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "gate").mkdir()
    (tmp_path / "gate" / "p.rego").write_text("package gate.rules\n\nx := 1\n")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data.json").write_text('{"k": 1}')
    built = build_files(tmp_path, revision="r")
    assert built.roots == ("gate", "shared")
    assert json.loads(built.files[".manifest"])["roots"] == ["gate", "shared"]


def test_a_syntax_error_is_reported_with_file_and_line_and_nothing_is_written(
    policy_dir: Path, tmp_path: Path
) -> None:
    (policy_dir / "mlgate" / "broken.rego").write_text("package mlgate.broken\n\nx := := 1\n")
    out = tmp_path / "out.tar.gz"
    with pytest.raises(BundleError, match=r"mlgate/broken.rego:3:\d+"):
        write_archive(build_files(policy_dir).files, out)
    assert not out.exists()


def test_a_package_outside_the_roots_is_refused(policy_dir: Path) -> None:
    (policy_dir / "mlgate" / "stray.rego").write_text("package elsewhere\n\nx := 1\n")
    with pytest.raises(BundleError, match="outside the manifest roots"):
        build_files(policy_dir)


def test_an_entrypoint_the_manifest_declares_must_exist(tmp_path: Path) -> None:
    from mlgate.errors import BundleError
    from mlgate.resources import bundle_dir

    root = tmp_path / "policy"
    shutil.copytree(bundle_dir(), root)
    build_files(root, revision="r1")  # the shipped manifest declares mlgate/decision
    text = (root / "mlgate" / "decision.rego").read_text()
    (root / "mlgate" / "decision.rego").write_text(text.replace("decision := {", "verdict := {"))
    with pytest.raises(
        BundleError, match=r"no decision entry point.*\(no data\.mlgate\.decision\)"
    ):
        build_files(root, revision="r1")
