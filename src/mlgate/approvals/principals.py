"""The principals file: who may approve, in which roles, with which public key.

YAML (or JSON), read with the safe facts loader::

    apiVersion: mlgate/v1
    kind: Principals
    principals:
      - id: omar.risk
        roles: [model_risk]
        public_key: ed25519:3q2+7w...

Ids and roles are compared folded (NFC + casefold, as the facts are). A
duplicate id, a missing field or a malformed key refuses the whole file. The
role ``approval_importer`` lets a principal sign approvals given elsewhere on
behalf of others (see ``mlgate.approvals.record``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.keys import parse_public_key
from mlgate.facts.normalize import fold

IMPORTER_ROLE = "approval_importer"
ENV_VAR = "MLGATE_PRINCIPALS"
DEFAULT_NAME = "principals.yaml"
_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Principal:
    id: str
    roles: frozenset[str]
    public_key: bytes

    def holds(self, role: str) -> bool:
        return fold(role) in self.roles


@dataclass(frozen=True)
class Principals:
    source: str
    by_id: dict[str, Principal]

    def get(self, principal_id: str) -> Principal | None:
        return self.by_id.get(fold(principal_id))

    def __iter__(self) -> Iterator[Principal]:
        return iter(self.by_id.values())


def load_principals(path: str | Path) -> Principals:
    from mlgate.facts.load import load_document

    name = str(path)
    try:
        doc = load_document(path, max_bytes=_MAX_BYTES)
    except ApprovalError:
        raise
    except Exception as exc:  # InputError from the loader: re-worded as a principals problem
        message = getattr(exc, "message", str(exc))
        raise ApprovalError(f"principals file {message}") from None
    if doc.get("kind", "Principals") != "Principals":
        raise ApprovalError(f"{name}: kind must be Principals, not {doc.get('kind')!r}")
    if doc.get("apiVersion", "mlgate/v1") != "mlgate/v1":
        raise ApprovalError(f"{name}: apiVersion must be mlgate/v1, not {doc.get('apiVersion')!r}")
    unknown = sorted(set(doc) - {"apiVersion", "kind", "principals"})
    if unknown:  # a misspelt key must not leave the file half-read
        raise ApprovalError(f"{name}: unknown field(s) {', '.join(unknown)}")
    entries = doc.get("principals")
    if not isinstance(entries, list) or not entries:
        raise ApprovalError(f"{name}: 'principals' must be a non-empty list")
    by_id: dict[str, Principal] = {}
    for index, entry in enumerate(entries):
        principal = _principal(entry, f"{name}: principals[{index}]")
        if principal.id in by_id:
            raise ApprovalError(
                f"{name}: principals[{index}]: duplicate principal id {principal.id!r}"
            )
        by_id[principal.id] = principal
    return Principals(name, by_id)


def _principal(entry: Any, where: str) -> Principal:
    if not isinstance(entry, dict):
        raise ApprovalError(f"{where}: must be a mapping with id, roles and public_key")
    unknown = sorted(set(entry) - {"id", "roles", "public_key", "name", "email"})
    if unknown:
        raise ApprovalError(f"{where}: unknown field(s) {', '.join(unknown)}")
    pid, roles = entry.get("id"), entry.get("roles")
    if not isinstance(pid, str) or not pid.strip():
        raise ApprovalError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(roles, list) or not all(isinstance(r, str) and r for r in roles):
        raise ApprovalError(f"{where} ({pid}): 'roles' must be a list of role names")
    key = parse_public_key(entry.get("public_key"), f"{where} ({pid})")
    return Principal(fold(pid), frozenset(fold(r) for r in roles), key)


def locate(explicit: str | Path | None, bundle_location: str | Path | None) -> Path | None:
    """The principals file to use: ``--principals``, else ``$MLGATE_PRINCIPALS``,
    else ``principals.yaml`` in the bundle directory, else none."""
    chosen = explicit or os.environ.get(ENV_VAR) or None
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ApprovalError(f"{path}: principals file not found")
        return path
    if bundle_location is not None and Path(bundle_location).is_dir():
        beside = Path(bundle_location) / DEFAULT_NAME
        if beside.is_file():
            return beside
    return None
