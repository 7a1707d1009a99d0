"""A real OPA for the tests: the one `make test` installs (.ci/install-opa), or any on PATH.

``requires_opa`` skips a test when there is none, which only happens on a
user's machine without Go: in CI, ``tests/conftest.py`` stops the session
instead. ``opa_server(args, log)`` runs ``opa run --server`` on 127.0.0.1 and
yields its URL once ``/health`` (with ``?bundles`` when it loads a bundle
itself) answers 200; the process is stopped on exit.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from mlgate.engine.opa_binary import find_opa

OPA = find_opa()
requires_opa = pytest.mark.skipif(OPA is None, reason="no opa on PATH (make opa installs it)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def opa_version() -> str:
    assert OPA is not None
    out = subprocess.run([OPA, "version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0].removeprefix("Version:").strip()


@contextmanager
def opa_server(
    args: list[str],
    log: Path,
    *,
    ready: str = "/health?bundles",
    wait_s: float = 30.0,
    tls: tuple[Path, Path] | None = None,
    probe: dict[str, Any] | None = None,
) -> Iterator[str]:
    """``opa run --server`` with ``args``; its base URL once ``ready`` answers 200.
    ``tls``: the server certificate and key (an https:// URL); ``probe``: what the
    readiness request needs then (``verify``, ``cert``, ``headers``)."""
    assert OPA is not None, "requires_opa"
    port = free_port()
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    if tls:
        args = ["--tls-cert-file", str(tls[0]), "--tls-private-key-file", str(tls[1]), *args]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [OPA, "run", "--server", "--addr", f"127.0.0.1:{port}", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + wait_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"opa exited with {proc.returncode}: {_tail(log)}")
                try:
                    if requests.get(url + ready, timeout=1, **(probe or {})).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"opa not ready within {wait_s}s: {_tail(log)}")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]
