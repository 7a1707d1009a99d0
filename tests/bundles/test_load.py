"""Loading bundles from directories and archives, and refusing unsafe ones."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from mlgate.bundles.load import load_bundle
from mlgate.errors import BundleError

POLICY = 'package mlgate\n\ndecision := {"outcome": "pass"}\n'
MANIFEST = json.dumps({"roots": ["mlgate"]})


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _tar(path: Path, entries: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, content in entries:
            tar.addfile(info, io.BytesIO(content) if content is not None else None)
    return path


def _file(name: str, content: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    return info, content


def test_directory_bundle_places_data_at_directory_paths(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "b",
        {
            ".manifest": json.dumps({"revision": "r7", "roots": ["mlgate"]}),
            "mlgate/decision.rego": POLICY,
            "mlgate/decision_test.rego": "package mlgate\n\ntest_x if true\n",
            "mlgate/thresholds/data.yaml": "high:\n  roc_auc: 0.8\n",
            "mlgate/waivers/data.json": "[]",
            "README.md": "ignored",
        },
    )
    bundle = load_bundle(root)
    assert bundle.revision == "r7"
    assert list(bundle.modules) == ["mlgate/decision.rego"]
    assert list(bundle.test_modules) == ["mlgate/decision_test.rego"]
    assert bundle.data == {"mlgate": {"thresholds": {"high": {"roc_auc": 0.8}}, "waivers": []}}
    assert bundle.digest.startswith("sha256:") and len(bundle.digest) == 71


def test_archive_and_directory_have_the_same_digest(tmp_path: Path) -> None:
    root = _write(tmp_path / "b", {"mlgate/decision.rego": POLICY, "data.json": '{"x": 1}'})
    archive = _tar(
        tmp_path / "b.tar.gz",
        [
            _file("mlgate/decision.rego", POLICY.encode()),
            _file("./data.json", b'{"x": 1}'),
        ],
    )
    assert load_bundle(archive).digest == load_bundle(root).digest
    assert load_bundle(archive).data == {"x": 1}


def test_digest_changes_when_a_file_changes(tmp_path: Path) -> None:
    root = _write(tmp_path / "b", {"mlgate/decision.rego": POLICY})
    before = load_bundle(root).digest
    (root / "mlgate/decision.rego").write_text(POLICY + "\n# edited\n")
    assert load_bundle(root).digest != before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.rego", "path traversal"),
        ("/../evil.rego", "path traversal"),
        ("//etc/evil.rego", "absolute path"),
    ],
)
def test_archive_paths_outside_the_bundle_are_refused(
    tmp_path: Path, name: str, message: str
) -> None:
    archive = _tar(tmp_path / "b.tar.gz", [_file(name, POLICY.encode())])
    with pytest.raises(BundleError, match=message):
        load_bundle(archive)


def test_members_named_from_the_root_as_opa_build_writes_them_load(tmp_path: Path) -> None:
    archive = _tar(
        tmp_path / "b.tar.gz",
        [_file("/mlgate/decision.rego", POLICY.encode()), _file("/data.json", b'{"x": 1}')],
    )
    bundle = load_bundle(archive)
    assert sorted(bundle.modules) == ["mlgate/decision.rego"] and bundle.data == {"x": 1}


def test_the_same_member_with_and_without_a_leading_slash_is_a_duplicate(tmp_path: Path) -> None:
    members = [_file("/data.json", b"{}"), _file("data.json", b'{"x": 1}')]
    with pytest.raises(BundleError, match="duplicate"):
        load_bundle(_tar(tmp_path / "b.tar.gz", members))


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_archive_links_are_refused(tmp_path: Path, kind: bytes) -> None:
    link = tarfile.TarInfo("mlgate/link.rego")
    link.type = kind
    link.linkname = "/etc/passwd"
    archive = _tar(tmp_path / "b.tar.gz", [(link, None)])
    with pytest.raises(BundleError, match="refusing link"):
        load_bundle(archive)


def test_archive_duplicate_entries_are_refused(tmp_path: Path) -> None:
    archive = _tar(
        tmp_path / "b.tar.gz",
        [_file("mlgate/a.rego", POLICY.encode()), _file("mlgate/a.rego", POLICY.encode())],
    )
    with pytest.raises(BundleError, match="duplicate entry"):
        load_bundle(archive)


def test_corrupt_archive_is_a_bundle_error(tmp_path: Path) -> None:
    bad = tmp_path / "b.tar.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage-not-gzip")
    with pytest.raises(BundleError, match="not a readable bundle archive"):
        load_bundle(bad)


def test_oversize_archive_is_refused_before_reading(tmp_path: Path) -> None:
    from mlgate.bundles.archive import read_tarball

    archive = _tar(tmp_path / "b.tar.gz", [_file("data.json", b"0" * 4096)])
    with pytest.raises(BundleError, match="exceeds the 0 MB limit"):
        read_tarball(archive, max_bytes=1024)


def test_symlinked_file_in_directory_is_refused(tmp_path: Path) -> None:
    root = _write(tmp_path / "b", {"mlgate/decision.rego": POLICY})
    (root / "mlgate/other.rego").symlink_to(root / "mlgate/decision.rego")
    with pytest.raises(BundleError, match="symbolic links"):
        load_bundle(root)


def test_symlinked_directory_in_directory_is_refused_not_left_out(tmp_path: Path) -> None:
    # os.walk does not enter a linked directory: its controls would silently vanish.
    elsewhere = _write(tmp_path / "elsewhere", {"controls/strict.rego": POLICY})
    root = _write(tmp_path / "b", {"mlgate/decision.rego": POLICY})
    (root / "mlgate/controls").symlink_to(elsewhere / "controls")
    with pytest.raises(BundleError, match=r"controls: bundle directories may not be symbolic"):
        load_bundle(root)


def test_data_file_with_duplicate_keys_is_refused(tmp_path: Path) -> None:
    root = _write(tmp_path / "b", {"mlgate/decision.rego": POLICY, "data.json": '{"a":1,"a":2}'})
    with pytest.raises(BundleError, match="duplicate key 'a'"):
        load_bundle(root)


def test_two_data_files_defining_the_same_key_are_refused(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "b",
        {
            "mlgate/decision.rego": POLICY,
            "data.json": '{"mlgate": {"thresholds": 1}}',
            "mlgate/thresholds/data.json": "2",
        },
    )
    with pytest.raises(BundleError, match="defined twice"):
        load_bundle(root)


def test_malformed_data_json_names_file_and_line(tmp_path: Path) -> None:
    root = _write(tmp_path / "b", {"mlgate/decision.rego": POLICY, "x/data.json": '{\n  "a": ,\n}'})
    with pytest.raises(BundleError, match=r"x/data.json:2:8"):
        load_bundle(root)


def test_package_outside_manifest_roots_is_refused(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "b",
        {".manifest": '{"roots": ["mlgate"]}', "other/p.rego": "package other\n\nx := 1\n"},
    )
    with pytest.raises(BundleError, match="outside the manifest roots"):
        load_bundle(root)


def test_bundle_without_policies_is_refused(tmp_path: Path) -> None:
    root = _write(tmp_path / "b", {"data.json": "{}"})
    with pytest.raises(BundleError, match="no Rego policy files"):
        load_bundle(root)


def test_missing_bundle_location(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no such bundle"):
        load_bundle(tmp_path / "nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "no `package` declaration$"), ("\ufeff" + POLICY, "it starts with a byte-order mark")],
)
def test_a_module_without_a_package_line_is_named_for_what_it_is(
    tmp_path: Path, text: str, message: str
) -> None:
    files = {"mlgate/decision.rego": POLICY, "mlgate/other.rego": text, ".manifest": MANIFEST}
    root = _write(tmp_path / "b", files)
    with pytest.raises(BundleError, match=message):
        load_bundle(root)
