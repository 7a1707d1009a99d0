"""The principals file travels with the bundle: a directory and the archive built
from it decide the same way, and the bundle digest covers the file (issue 20, 1)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.principals import for_bundle
from mlgate.bundles.load import load_bundle
from mlgate.cli.main import main
from tests.approvals.conftest import Keyring
from tests.conftest import REPO

PASSING = REPO / "examples/credit-risk/passing.yaml"  # its approvals are unsigned claims


@pytest.fixture
def bundles(tmp_path: Path, keyring: Keyring) -> tuple[Path, Path]:
    directory = tmp_path / "bdir"
    shutil.copytree(REPO / "rego", directory)
    shutil.copy(keyring.principals, directory / "principals.yaml")
    archive = tmp_path / "bdir.tar.gz"
    assert main(["bundle", "build", str(directory), "-o", str(archive)]) == 0
    return directory, archive


def _check(bundle: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(
        ["check", "--no-log", "-e", "embedded", "-b", str(bundle), "-f", str(PASSING), *extra]
    )
    out, err = capsys.readouterr()
    return code, out + err


def test_a_bundle_decides_the_same_as_a_directory_and_as_an_archive(
    bundles: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_AT", "facts")
    monkeypatch.delenv("MLGATE_PRINCIPALS", raising=False)
    directory, archive = bundles
    for bundle in (directory, archive):
        code, err = _check(bundle, capsys)
        assert code == 3, (bundle, err)  # the facts' unsigned approvals do not count
        assert "approval(s) written in the facts were ignored" in err
    assert load_bundle(directory).digest == load_bundle(archive).digest


def test_the_digest_covers_the_principals_file(bundles: tuple[Path, Path], tmp_path: Path) -> None:
    directory, _ = bundles
    before = load_bundle(directory).digest
    (directory / "principals.yaml").write_text(
        (directory / "principals.yaml").read_text() + "# edited\n"
    )
    assert load_bundle(directory).digest != before


def test_a_named_principals_file_other_than_the_bundles_is_refused(
    bundles: tuple[Path, Path], tmp_path: Path, keyring: Keyring
) -> None:
    _, archive = bundles
    bundle = load_bundle(archive)
    assert for_bundle(str(keyring.principals), bundle) is not None  # the same bytes: fine
    other = tmp_path / "other.yaml"
    other.write_text(keyring.principals.read_text().replace("dana.ml", "dana.other"))
    with pytest.raises(
        ApprovalError, match=re.escape("differs from the principals.yaml the bundle")
    ):
        for_bundle(str(other), bundle)


def test_a_broken_principals_file_in_an_archive_stops_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_AT", "facts")
    monkeypatch.delenv("MLGATE_PRINCIPALS", raising=False)
    directory = tmp_path / "b"
    shutil.copytree(REPO / "rego", directory)
    (directory / "principals.yaml").write_text("principals: []\n")
    archive = tmp_path / "b.tar.gz"
    assert main(["bundle", "build", str(directory), "-o", str(archive)]) == 0
    capsys.readouterr()
    code, err = _check(archive, capsys)
    assert code == 2 and "b.tar.gz/principals.yaml" in err and "Traceback" not in err
