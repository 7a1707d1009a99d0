"""The principals file: who may approve, in which roles, with which public key.

YAML (or JSON), read with the safe facts loader::

    apiVersion: mlgate/v1
    kind: Principals
    principals:
      - id: omar.risk
        roles: [model_risk]
        public_key: ed25519:3q2+7w...

Ids and roles are compared folded (NFKC + casefold, as the facts are). An id
written in several scripts (``d\\u0430na.ml`` with a Cyrillic ``\\u0430``), two ids that look
alike (one skeleton, ``mlgate.facts.identity``), a duplicate id, a missing field
or a malformed key refuses the whole file. The
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
from mlgate.bundles.archive import PRINCIPALS_FILE
from mlgate.bundles.model import Bundle
from mlgate.errors import InputError
from mlgate.facts.identity import identity_problem, skeleton
from mlgate.facts.load import load_document, parse_yaml_text
from mlgate.facts.normalize import fold

IMPORTER_ROLE = "approval_importer"
ENV_VAR = "MLGATE_PRINCIPALS"
DEFAULT_NAME = PRINCIPALS_FILE
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
    try:
        doc = load_document(path, max_bytes=_MAX_BYTES)
    except InputError as exc:  # re-worded as a principals problem
        raise ApprovalError(f"principals file {exc.message}") from None
    return _principals(doc, str(path))


def parse_principals(data: bytes, name: str) -> Principals:
    """A principals file read from a bundle (``name`` says where)."""
    if len(data) > _MAX_BYTES:
        raise ApprovalError(f"principals file {name}: larger than {_MAX_BYTES // 2**20} MB")
    try:
        doc = parse_yaml_text(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        raise ApprovalError(f"principals file {name}: not UTF-8 text ({exc.reason})") from None
    except InputError as exc:
        raise ApprovalError(f"principals file {exc.message}") from None
    if not isinstance(doc, dict):
        raise ApprovalError(f"principals file {name}: the top level must be a mapping")
    return _principals(doc, name)


def _principals(doc: dict[str, Any], name: str) -> Principals:
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
    looks: dict[str, str] = {}
    for index, entry in enumerate(entries):
        principal = _principal(entry, f"{name}: principals[{index}]")
        if principal.id in by_id:
            raise ApprovalError(
                f"{name}: principals[{index}]: duplicate principal id {principal.id!r}"
            )
        like = looks.setdefault(skeleton(principal.id), principal.id)
        if like != principal.id:
            raise ApprovalError(
                f"{name}: principals[{index}]: principal id {principal.id!r} looks like "
                f"{like!r}: a duplicate (one could sign as the other)"
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
    problem = identity_problem(pid)
    if problem:
        raise ApprovalError(f"{where}: principal id {pid!r} {problem}")
    if not isinstance(roles, list) or not all(isinstance(r, str) and r for r in roles):
        raise ApprovalError(f"{where} ({pid}): 'roles' must be a list of role names")
    key = parse_public_key(entry.get("public_key"), f"{where} ({pid})")
    return Principal(fold(pid), frozenset(fold(r) for r in roles), key)


def locate(explicit: str | Path | None) -> Path | None:
    """The principals file named by ``--principals``, else ``$MLGATE_PRINCIPALS``, or none."""
    chosen = explicit or os.environ.get(ENV_VAR) or None
    if not chosen:
        return None
    path = Path(chosen)
    if not path.is_file():
        raise ApprovalError(f"{path}: principals file not found")
    return path


def for_bundle(explicit: str | Path | None, bundle: Bundle) -> Principals | None:
    """The principals a check with ``bundle`` trusts.

    A bundle that carries ``principals.yaml`` (a directory or an archive alike: its
    digest covers the file) decides with it; a file named by ``--principals`` or
    ``$MLGATE_PRINCIPALS`` must then hold the same bytes, else the check stops. A
    bundle without one uses the file named, or none.
    """
    named = locate(explicit)
    if bundle.principals is None:
        return load_principals(named) if named else None
    if named is not None and _read(named) != bundle.principals:
        raise ApprovalError(
            f"{named}: differs from the {DEFAULT_NAME} the bundle {bundle.source} carries "
            "(the bundle's, covered by its digest, decides: drop --principals / "
            f"{ENV_VAR} or make them equal)"
        )
    return parse_principals(bundle.principals, f"{bundle.source}/{DEFAULT_NAME}")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ApprovalError(f"{path}: cannot read the principals file ({exc.strerror})") from None
