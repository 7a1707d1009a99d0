"""``bundle serve``: OPA's bundle service API over plain HTTP (ETag, If-None-Match → 304),
reloads, refusals, and ``https://``-style loading (with its ETag cache) from the service."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mlgate.bundles.jws import load_key
from mlgate.bundles.sign import SigningOptions
from mlgate.bundles.trusted import Verification
from mlgate.distribution.build import build_files, write_archive
from mlgate.distribution.bundle_serve import etag_matches, make_server
from mlgate.distribution.catalog import Catalog
from mlgate.errors import BundleError
from tests.bundles.bundle_fixtures import KeyFiles, keys, policy_dir

__all__ = ["keys", "policy_dir"]


@pytest.fixture
def serving(policy_dir: Path, keys: KeyFiles) -> Iterator[tuple[str, Catalog]]:
    signing = SigningOptions(load_key(keys.rsa, None, for_signing=True), key_id="k1")
    catalog = Catalog([policy_dir], signing=signing, require_signed=True)
    catalog.load()
    server = make_server(catalog, "127.0.0.1", 0, token="s3cret")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", catalog
    finally:
        server.shutdown()
        server.server_close()


AUTH = {"Authorization": "Bearer s3cret"}


def test_etag_and_304(serving: tuple[str, Catalog], keys: KeyFiles, tmp_path: Path) -> None:
    url, _ = serving
    first = requests.get(f"{url}/bundles/policy.tar.gz", headers=AUTH, timeout=10)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "application/gzip"
    etag = first.headers["ETag"]
    again = requests.get(
        f"{url}/bundles/policy.tar.gz", headers={**AUTH, "If-None-Match": etag}, timeout=10
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    other = requests.get(
        f"{url}/bundles/policy.tar.gz", headers={**AUTH, "If-None-Match": '"old"'}, timeout=10
    )
    assert other.status_code == 200 and other.content == first.content
    head = requests.head(f"{url}/bundles/policy.tar.gz", headers=AUTH, timeout=10)
    assert head.status_code == 200 and head.headers["ETag"] == etag
    archive = tmp_path / "downloaded.tar.gz"
    archive.write_bytes(first.content)
    from mlgate.bundles.verify import verify_location

    bundle, verified = verify_location(
        str(archive), load_key(keys.rsa_pub, None, for_signing=False), key_id="k1"
    )
    assert verified.key_id == "k1" and bundle.modules


def test_index_404_and_token(serving: tuple[str, Catalog]) -> None:
    url, _ = serving
    assert requests.get(f"{url}/bundles/policy.tar.gz", timeout=10).status_code == 401
    assert requests.get(f"{url}/health", timeout=10).status_code == 200
    index = requests.get(f"{url}/bundles", headers=AUTH, timeout=10).json()["bundles"]
    assert list(index) == ["policy.tar.gz"] and index["policy.tar.gz"]["signed"] is True
    missing = requests.get(f"{url}/bundles/nope.tar.gz", headers=AUTH, timeout=10)
    assert missing.status_code == 404


def test_a_change_is_served_and_a_broken_change_is_not(
    serving: tuple[str, Catalog], policy_dir: Path
) -> None:
    url, _ = serving
    etag = requests.get(f"{url}/bundles/policy.tar.gz", headers=AUTH, timeout=10).headers["ETag"]
    thresholds = policy_dir / "mlgate" / "thresholds" / "data.yaml"
    thresholds.write_text(thresholds.read_text().replace("roc_auc: 0.70", "roc_auc: 0.72"))
    time.sleep(1.1)  # changes are looked for at most once a second
    changed = requests.get(
        f"{url}/bundles/policy.tar.gz", headers={**AUTH, "If-None-Match": etag}, timeout=10
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    good = changed.headers["ETag"]
    (policy_dir / "mlgate" / "broken.rego").write_text("package mlgate.broken\n\nx := := 1\n")
    time.sleep(1.1)
    kept = requests.get(
        f"{url}/bundles/policy.tar.gz", headers={**AUTH, "If-None-Match": good}, timeout=10
    )
    assert kept.status_code == 304  # the last good bundle stays served


def test_bundles_whose_roots_overlap_are_refused(policy_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archives" / "copy.tar.gz"
    archive.parent.mkdir()
    write_archive(build_files(policy_dir).files, archive)
    with pytest.raises(BundleError, match="overlaps root 'mlgate' of bundle"):
        Catalog([policy_dir, archive.parent]).load()


def test_unsigned_or_unverifiable_bundles_are_refused(
    policy_dir: Path, keys: KeyFiles, tmp_path: Path
) -> None:
    with pytest.raises(BundleError, match="not signed"):
        Catalog([policy_dir], require_signed=True).load()
    signing = SigningOptions(load_key(keys.ec, None, for_signing=True))
    verification = Verification(load_key(keys.rsa_pub, None, for_signing=False))
    with pytest.raises(BundleError, match="signature verification failed"):
        Catalog([policy_dir], signing=signing, verification=verification).load()


def test_if_none_match_parsing() -> None:
    assert etag_matches('"a", W/"b"', '"b"')
    assert etag_matches("*", '"x"')
    assert not etag_matches('"a"', '"b"') and not etag_matches(None, '"b"')


def test_loading_from_a_url_uses_the_etag_cache(
    policy_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlgate.bundles import remote
    from mlgate.bundles.load import load_bundle

    catalog = Catalog([policy_dir])
    catalog.load()
    server = make_server(catalog, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    monkeypatch.setenv("MLGATE_CACHE_DIR", str(tmp_path / "cache"))
    url = f"http://127.0.0.1:{server.server_address[1]}/bundles/policy.tar.gz"
    try:
        first = load_bundle(url)
        _, fresh = remote.fetch(url)
        assert not fresh  # 304: the cached archive is used
        assert load_bundle(url).digest == first.digest
        assert first.source == url
        with pytest.raises(BundleError, match="size limit"):
            remote.fetch(url.replace("policy", "policy") + "?x", max_bytes=1000)
        with pytest.raises(BundleError, match="HTTP 404"):
            load_bundle(url.replace("policy.tar.gz", "nope.tar.gz"))
    finally:
        server.shutdown()
        server.server_close()
    cached = json.loads(next((tmp_path / "cache" / "bundles").glob("*.json")).read_text())
    assert cached["etag"].startswith('"')


def test_plain_http_is_refused_except_from_loopback() -> None:
    from mlgate.bundles.remote import fetch

    with pytest.raises(BundleError, match="https://"):
        fetch("http://bundles.example.com/policy.tar.gz")


def test_an_empty_token_file_is_refused_not_open_access(policy_dir: Path, tmp_path: Path) -> None:
    from mlgate.cli.main import main

    empty = tmp_path / "token"
    empty.write_text("\n")
    argv = ["bundle", "serve", str(policy_dir), "--port", "0", "--token-file", str(empty)]
    assert main(argv) == 2  # refused before serving (else this call would not return)
