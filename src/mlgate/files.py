"""Files written whole or not at all: a temporary file beside each target, renamed
into place only when every one of them was written.

A new file gets the mode ``open()`` would give it (0666 less the umask), not
``mkstemp``'s 0600. Every failure is one ``InputError`` naming the file:
``<path>: cannot write <what>: <reason>``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mlgate.errors import InputError


def write_all(files: list[tuple[Path, str | bytes]], *, what: str = "output") -> None:
    """Write every ``(path, content)`` or none of them.

    A symbolic link is written through (the file it names is replaced, the link
    stays); a device or a FIFO (``/dev/stdout``, ``/dev/null``) is written to
    directly, after every regular file is in place, never replaced by a file.
    """
    staged: list[tuple[str, Path]] = []
    direct: list[tuple[Path, str | bytes]] = []
    try:
        for given, content in files:
            path = _target(given)
            if _is_special(path):
                direct.append((path, content))
                continue
            staged.append((_stage(path, content, what), path))
        for _, path in staged:
            if path.is_dir():
                raise InputError(f"{path}: cannot write {what}: it is a directory")
        for i, (tmp, path) in enumerate(staged):
            try:
                os.replace(tmp, path)
            except OSError as exc:
                for rest, _ in staged[i:]:
                    Path(rest).unlink(missing_ok=True)
                raise InputError(f"{path}: cannot write {what}: {exc.strerror}") from exc
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for path, content in direct:
        data = content.encode("utf-8") if isinstance(content, str) else content
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise InputError(f"{path}: cannot write {what}: {exc.strerror}") from exc


def _target(path: Path) -> Path:
    """The file a link names (so that the link is kept), else ``path`` itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _is_special(path: Path) -> bool:
    """A device or a FIFO: written to directly, never replaced."""
    return path.exists() and not path.is_file() and not path.is_dir()


def _directory(path: Path, what: str) -> Path:
    """The directory ``path`` goes in; ``InputError`` when there is none."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path}: cannot write {what}: directory {directory} does not exist")
    return directory


def check_writable(paths: list[Path], *, what: str = "output") -> None:
    """Fail now, before any work, where ``write_all`` would surely fail: a missing or
    unwritable directory, or a directory where the file should be."""
    for given in paths:
        path = _target(given)
        if _is_special(path):
            continue
        directory = _directory(path, what)
        if path.is_dir():
            raise InputError(f"{path}: cannot write {what}: it is a directory")
        if not os.access(directory, os.W_OK | os.X_OK):
            raise InputError(f"{path}: cannot write {what}: directory {directory} is not writable")


def write_atomic(path: Path, content: str | bytes, *, what: str = "output") -> None:
    write_all([(path, content)], what=what)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _stage(path: Path, content: str | bytes, what: str) -> str:
    directory = _directory(path, what)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise InputError(f"{path}: cannot write {what}: {exc.strerror}") from exc
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as open() would create it, not mkstemp's 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write {what}: {exc.strerror}") from exc
    return tmp


def create_new(path: Path, content: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` (a key: 0600), never replacing a file that exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise InputError(f"{path}: already exists; refusing to overwrite a key") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot create: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(path, mode)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None
