"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temp dir.

Listens on 127.0.0.1 on a free port, no Unix socket, trust auth. As root it runs
the server as the ``postgres`` user (initdb refuses root). If it cannot start,
``start`` raises: the PostgreSQL tests then fail, never skip, unless
``MLGATE_TEST_NO_POSTGRES=1`` is set. ``MLGATE_TEST_POSTGRES_URL`` uses an
existing server instead.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

SKIP_ENV = "MLGATE_TEST_NO_POSTGRES"
URL_ENV = "MLGATE_TEST_POSTGRES_URL"


@dataclass
class Server:
    url: str  # to the maintenance database "postgres"
    base: Path | None = None
    pg_ctl: list[str] | None = None

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        if self.pg_ctl and self.base:
            subprocess.run(
                [*self.pg_ctl, "stop", "-D", str(self.base / "data"), "-m", "immediate", "-w"],
                capture_output=True,
                timeout=60,
                check=False,
            )
            shutil.rmtree(self.base, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(*, fsync: bool = True) -> Server:
    if os.environ.get(URL_ENV):
        return Server(os.environ[URL_ENV])
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        raise RuntimeError("PostgreSQL is not installed (run `make system-deps`)")
    bindir = Path(bins[-1]).parent
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="mlgate-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres", "postgres")
    os.chmod(base, 0o755)
    data = base / "data"

    def run(*argv: str) -> None:
        done = subprocess.run(
            [*as_user, *argv], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-2000:]}")

    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''"
    options += " -c max_connections=50" + ("" if fsync else " -c fsync=off")
    run(
        str(bindir / "pg_ctl"),
        "start",
        "-D",
        str(data),
        "-l",
        str(base / "server.log"),
        "-o",
        options,
        "-w",
        "-t",
        "60",
    )
    server = Server(
        f"postgresql://postgres@127.0.0.1:{port}/postgres", base, [*as_user, str(bindir / "pg_ctl")]
    )
    return server


_SHARED: list[Server] = []


def shared() -> Server:
    """One server for the whole test session, stopped when the session's process exits."""
    if not _SHARED:
        server = start()
        atexit.register(server.stop)
        _SHARED.append(server)
    return _SHARED[0]
