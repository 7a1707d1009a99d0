"""Choosing the decision log: ``--log``, else ``$MLGATE_LOG``, else the default file.

A location starting with ``postgresql://`` (or ``postgres://``) is a PostgreSQL
database; any other URL is refused; anything else is a SQLite file path. The default is
``$XDG_DATA_HOME/mlgate/log.db`` (``~/.local/share/mlgate/log.db``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.logstore.errors import LogStoreError
from mlgate.logstore.postgres import PostgresStore
from mlgate.logstore.sqlite import SqliteStore

if TYPE_CHECKING:
    from mlgate.logstore.base import LogStore

ENV_VAR = "MLGATE_LOG"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def default_location() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mlgate" / "log.db"


def resolve(location: str | None) -> str:
    return location or os.environ.get(ENV_VAR) or str(default_location())


def is_postgres(location: str) -> bool:
    return location.startswith(POSTGRES_SCHEMES)


def open_store(location: str | None = None, *, create: bool = True) -> LogStore:
    """Open (and create, unless ``create`` is false) the decision log."""
    chosen = resolve(location)
    if is_postgres(chosen):
        return PostgresStore.connect(chosen, create=create)
    if _URL.match(chosen):  # a mistyped URL must not become a file named "ftp:"
        scheme = chosen.split(":", 1)[0]
        raise LogStoreError(
            f"decision log {scheme}://…: not a log location; give a file path (SQLite) "
            "or a postgresql:// URL"
        )

    return SqliteStore.open(Path(chosen).expanduser(), create=create)
