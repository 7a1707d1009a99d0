"""Hostile bundle archives and directories are refused with a clear ``BundleError``.

Complements ``tests/bundles/test_load.py`` (plain traversal, absolute paths,
links, duplicates, declared oversize). The gzip bomb here declares nothing
big in any member header: it inflates into one huge PAX header record, which
``tarfile`` would read whole; the reader must stop by bytes decompressed.
"""

from __future__ import annotations

import gzip
import io
import os
import signal
import tarfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlgate.bundles import archive
from mlgate.bundles.archive import read_directory, read_tarball
from mlgate.bundles.load import load_bundle
from mlgate.errors import BundleError

POLICY = b"package mlgate\n\ndecision := {}\n"
MIB = 1024 * 1024


def _member(name: str, data: bytes = POLICY, kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info


def _tar(
    path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w:gz"
) -> Path:
    with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("mlgate/../../evil.rego", "path traversal"),
        ("./../evil.rego", "path traversal"),
        ("//etc/evil.rego", "absolute path"),
        ("\\evil.rego", "absolute path"),
    ],
)
def test_paths_leaving_the_bundle_are_refused(tmp_path: Path, name: str, message: str) -> None:
    path = _tar(tmp_path / "b.tar.gz", [(_member(name), POLICY)])
    with pytest.raises(BundleError, match=message):
        read_tarball(path)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (tarfile.SYMTYPE, "refusing link"),
        (tarfile.LNKTYPE, "refusing link"),
        (tarfile.FIFOTYPE, "refusing special file"),
        (tarfile.CHRTYPE, "refusing special file"),
    ],
)
def test_links_to_files_inside_and_devices_are_refused(
    tmp_path: Path, kind: bytes, message: str
) -> None:
    link = _member("mlgate/b.rego", kind=kind)
    link.linkname = "mlgate/a.rego"  # inside the bundle: still refused
    path = _tar(tmp_path / "b.tar.gz", [(_member("mlgate/a.rego"), POLICY), (link, None)])
    with pytest.raises(BundleError, match=message):
        read_tarball(path)


@pytest.mark.parametrize("second", ["./mlgate/a.rego", "mlgate//a.rego", "mlgate/./a.rego"])
def test_duplicates_after_normalisation_are_refused(tmp_path: Path, second: str) -> None:
    members = [
        (_member("mlgate/a.rego"), POLICY),
        (_member(second, b"package evil\n"), b"package evil\n"),
    ]
    with pytest.raises(BundleError, match="duplicate entry"):
        read_tarball(_tar(tmp_path / "b.tar.gz", members))


def test_a_duplicate_of_a_file_the_bundle_ignores_is_refused_too(tmp_path: Path) -> None:
    members = [(_member("README.md", b"x"), b"x"), (_member("README.md", b"y"), b"y")]
    with pytest.raises(BundleError, match=r"duplicate entry 'README\.md'"):
        read_tarball(_tar(tmp_path / "b.tar.gz", members))


def test_too_many_entries_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_FILES", 10)
    members = [(_member(f"d/{i}.txt", b""), b"") for i in range(11)]
    with pytest.raises(BundleError, match="more than 10 entries"):
        read_tarball(_tar(tmp_path / "b.tar.gz", members))


@pytest.fixture
def counted_gzip(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Bytes handed out by every ``GzipFile.read`` (what was actually decompressed)."""
    sizes: list[int] = []
    original = gzip.GzipFile.read

    def read(self: gzip.GzipFile, size: int = -1) -> bytes:
        data = original(self, size)
        sizes.append(len(data))
        return data

    monkeypatch.setattr(gzip.GzipFile, "read", read)
    yield sizes


def test_gzip_bomb_stops_by_bytes_decompressed(tmp_path: Path, counted_gzip: list[int]) -> None:
    bomb = _member("mlgate/a.rego")
    bomb.pax_headers = {"comment": "A" * (96 * MIB)}  # no member declares a big size
    path = tmp_path / "bomb.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT, compresslevel=1) as tar:
        tar.addfile(bomb, io.BytesIO(POLICY))
    assert path.stat().st_size < MIB // 2  # small on disk
    limit = MIB
    cap = limit + 1024 * archive.MAX_FILES  # headers allowance (about 20 MiB)
    tracemalloc.start()
    try:
        with pytest.raises(BundleError, match=r"bomb\.tar\.gz: bundle exceeds the 1 MB limit"):
            read_tarball(path, max_bytes=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(counted_gzip) <= cap + MIB  # stopped early: not the 96 MiB it holds
    assert peak < 2 * cap  # never held the whole header


def test_uncompressed_and_xz_archives_are_read_with_the_same_checks(tmp_path: Path) -> None:
    ok = [(_member("mlgate/a.rego"), POLICY)]
    for mode, suffix in (("w", "tar"), ("w:xz", "tar.xz")):
        assert read_tarball(_tar(tmp_path / f"b.{suffix}", ok, mode)) == {"mlgate/a.rego": POLICY}
        bad = _tar(tmp_path / f"evil.{suffix}", [(_member("../x.rego"), POLICY)], mode)
        with pytest.raises(BundleError, match="path traversal"):
            read_tarball(bad)


def test_archive_larger_than_the_limit_on_disk_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.tar.gz"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(BundleError, match="exceeds the 0 MB limit"):
        read_tarball(path, max_bytes=1024)


def test_a_fifo_in_a_bundle_directory_is_refused_without_blocking(tmp_path: Path) -> None:
    root = tmp_path / "b"
    (root / "mlgate").mkdir(parents=True)
    (root / "mlgate/a.rego").write_bytes(POLICY)
    os.mkfifo(root / "mlgate/data.json")

    def _hung(*_: object) -> None:
        raise TimeoutError("reading the bundle directory blocked on a FIFO")

    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(5)
    try:
        with pytest.raises(BundleError, match="refusing special file"):
            read_directory(root)
        with pytest.raises(BundleError, match="refusing special file"):
            load_bundle(root)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
