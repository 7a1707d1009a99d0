"""Signing and verifying bundles: every kind of tampering is caught, with its reason."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from pathlib import Path

import pytest

from mlgate.bundles.jws import b64url, load_key
from mlgate.bundles.sign import SIGNATURES, SigningOptions
from mlgate.bundles.verify import verify_files, verify_location
from mlgate.distribution.build import archive_bytes, build_files
from mlgate.errors import BundleError
from tests.bundles.bundle_fixtures import KeyFiles, keys, policy_dir

__all__ = ["keys", "policy_dir"]


def _signed(policy_dir: Path, keys: KeyFiles, **options: object) -> dict[str, bytes]:
    key = load_key(keys.rsa, None, for_signing=True)
    return build_files(policy_dir, signing=SigningOptions(key, **options)).files  # type: ignore[arg-type]


def _verify(files: dict[str, bytes], pub: Path, alg: str | None = None, **kw: str) -> object:
    return verify_files(files, load_key(pub, alg, for_signing=False), source="b", **kw)


def _token_parts(files: dict[str, bytes]) -> tuple[dict[str, object], dict[str, object]]:
    token = json.loads(files[SIGNATURES])["signatures"][0]
    head, body, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(head))),
        json.loads(base64.urlsafe_b64decode(pad(body))),
    )


@pytest.mark.parametrize("which", ["rsa", "ec", "secret"])
def test_each_algorithm_round_trips(policy_dir: Path, keys: KeyFiles, which: str) -> None:
    alg = "HS256" if which == "secret" else None
    key = load_key(getattr(keys, which), alg, for_signing=True)
    files = build_files(policy_dir, signing=SigningOptions(key, key_id="k1")).files
    public = {"rsa": keys.rsa_pub, "ec": keys.ec_pub, "secret": keys.secret}[which]
    verified = _verify(files, public, alg, key_id="k1")
    assert verified.alg == key.alg  # type: ignore[attr-defined]
    assert len(verified.files) == len(files) - 1  # type: ignore[attr-defined]


def test_token_follows_opas_signature_format(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys, key_id="gate-2026", scope="write")
    header, payload = _token_parts(files)
    assert header == {"kid": "gate-2026", "alg": "RS256"}
    assert payload["keyid"] == "gate-2026" and payload["scope"] == "write"
    listed = {f["name"]: f for f in payload["files"]}  # type: ignore[union-attr,index]
    assert set(listed) == set(files) - {SIGNATURES}
    assert all(f["algorithm"] == "SHA-256" and len(f["hash"]) == 64 for f in listed.values())
    assert not any(name.startswith("/") for name in listed)


def test_a_changed_file_is_caught(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys)
    path = "mlgate/thresholds/data.yaml"
    files[path] = files[path].replace(b"roc_auc: 0.70", b"roc_auc: 0.60")
    with pytest.raises(BundleError, match=f"{path} was changed after signing"):
        _verify(files, keys.rsa_pub)


def test_reformatting_json_data_keeps_the_signature_valid(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys)
    path = "mlgate/metrics/data.json"
    files[path] = json.dumps(json.loads(files[path]), separators=(",", ":")).encode()
    _verify(files, keys.rsa_pub)  # OPA hashes structured files by value, not bytes


def test_an_added_file_is_caught(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys)
    files["mlgate/extra.rego"] = b"package mlgate.extra\n"
    with pytest.raises(BundleError, match=r"mlgate/extra\.rego is not covered by the signature"):
        _verify(files, keys.rsa_pub)


def test_a_removed_file_is_caught(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys)
    del files["mlgate/controls/security.rego"]
    with pytest.raises(BundleError, match="missing from the bundle: mlgate/controls/security"):
        _verify(files, keys.rsa_pub)


def test_a_wrong_key_is_caught(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys)
    with pytest.raises(BundleError, match="signature does not match the key"):
        _verify(files, keys.other_rsa_pub)
    with pytest.raises(BundleError, match="signed with 'RS256'; the key is ES256"):
        _verify(files, keys.ec_pub)


def test_a_wrong_key_id_is_caught(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys, key_id="k1")
    with pytest.raises(BundleError, match="signed with key id 'k1', expected 'k2'"):
        _verify(files, keys.rsa_pub, key_id="k2")


def test_a_scope_mismatch_is_caught(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys, scope="write")
    with pytest.raises(BundleError, match="scope mismatch"):
        _verify(files, keys.rsa_pub)
    _verify(files, keys.rsa_pub, scope="write")


def test_an_expired_token_is_caught(policy_dir: Path, keys: KeyFiles) -> None:
    key = load_key(keys.rsa, None, for_signing=True)
    files = build_files(policy_dir, signing=SigningOptions(key, expires_in=3600)).files
    _verify(files, keys.rsa_pub)
    with pytest.raises(BundleError, match="the token expired at"):
        verify_files(files, load_key(keys.rsa_pub, None, for_signing=False), source="b", now=10**10)


def test_a_token_whose_header_and_payload_name_different_keys_is_refused(
    policy_dir: Path, keys: KeyFiles
) -> None:
    from mlgate.bundles.jws import encode
    from mlgate.bundles.sign import signed_files

    key = load_key(keys.rsa, None, for_signing=True)
    files = build_files(policy_dir, signing=SigningOptions(key, key_id="k1")).files
    payload = {"files": signed_files(files), "iat": 1, "iss": "mlgate", "keyid": "k1"}
    token = encode({"kid": "k2"}, payload, key)  # validly signed, two names for its key
    files[SIGNATURES] = json.dumps({"signatures": [token]}).encode()
    with pytest.raises(BundleError, match="header names key id 'k2' and its payload 'k1'"):
        _verify(files, keys.rsa_pub)


@pytest.mark.parametrize("expires_in", [float("nan"), float("inf"), -(10**20), 10**300])
def test_an_expiry_that_is_no_time_is_refused(
    policy_dir: Path, keys: KeyFiles, expires_in: float
) -> None:
    key = load_key(keys.rsa, None, for_signing=True)
    options = SigningOptions(key, expires_in=expires_in)  # type: ignore[arg-type]
    files = build_files(policy_dir, signing=options).files
    with pytest.raises(BundleError, match="exp claim is not a time between 1970 and 9999"):
        _verify(files, keys.rsa_pub)


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"not json", "is not JSON"),
        (b'{"signatures": []}', "exactly one token"),
        (b'{"signatures": ["a.b.c", "d.e.f"]}', "exactly one token"),
        (b'{"signatures": ["only.two"]}', "malformed"),
        (b'{"signatures": ["@@@.###.$$$"]}', "malformed"),
        (b'{"signatures": ["x"], "plugin": "custom"}', "plugin"),
    ],
)
def test_malformed_signature_files_are_caught(
    policy_dir: Path, keys: KeyFiles, document: bytes, reason: str
) -> None:
    files = _signed(policy_dir, keys)
    files[SIGNATURES] = document
    with pytest.raises(BundleError, match=reason):
        _verify(files, keys.rsa_pub)


def test_an_unsigned_token_alg_none_is_refused(policy_dir: Path, keys: KeyFiles) -> None:
    files = _signed(policy_dir, keys)
    _, payload = _token_parts(files)
    head = b64url(json.dumps({"alg": "none"}).encode())
    token = f"{head}.{b64url(json.dumps(payload).encode())}."
    files[SIGNATURES] = json.dumps({"signatures": [token]}).encode()
    with pytest.raises(BundleError, match=r"malformed|signed with 'none'"):
        _verify(files, keys.rsa_pub)


def test_an_unsigned_bundle_is_refused(policy_dir: Path, keys: KeyFiles) -> None:
    files = build_files(policy_dir).files
    with pytest.raises(BundleError, match="not signed"):
        _verify(files, keys.rsa_pub)


def test_archive_entries_outside_the_bundle_format_are_refused(
    policy_dir: Path, keys: KeyFiles, tmp_path: Path
) -> None:
    files = _signed(policy_dir, keys)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for name, content in {**files, "policy.wasm": b"\0asm"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(raw.getvalue())
    key = load_key(keys.rsa_pub, None, for_signing=False)
    with pytest.raises(BundleError, match=r"'policy\.wasm' is not a bundle file"):
        verify_location(str(archive), key)
    clean = tmp_path / "clean.tar.gz"
    clean.write_bytes(archive_bytes(files))
    bundle, _ = verify_location(str(clean), key)
    assert bundle.revision == json.loads(files[".manifest"])["revision"]
