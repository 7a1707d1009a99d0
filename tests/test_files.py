"""mlgate.files: outputs written whole, through links, and never over a device."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.files import check_writable, write_all


def test_files_are_written_together_and_a_failure_writes_none(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "missing" / "b.txt"
    with pytest.raises(InputError, match="does not exist"):
        write_all([(a, "A"), (b, "B")])
    assert not a.exists()
    write_all([(a, "A"), (tmp_path / "c.txt", b"C")])
    assert a.read_text() == "A" and (tmp_path / "c.txt").read_bytes() == b"C"


def test_a_link_is_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "report.html"
    link.symlink_to(real)
    write_all([(link, "new")])
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        check_writable([fifo])
        write_all([(fifo, "through the pipe")])
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_character_device_stays_a_device() -> None:
    write_all([(Path("/dev/null"), "discarded")])
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
