"""Approval fixtures: principals with real Ed25519 keys, logs under tmp, both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.logstore.conftest import (  # noqa: F401  (fixtures shared with the log tests)
    _isolated_decision_log,
    log_location,
    pg_server,
)

PEOPLE = {
    "priya.lead": ["ml_lead"],
    "omar.risk": ["model_risk"],
    "dana.ml": ["model_risk"],  # the author of the example model
    "gh-bridge": ["approval_importer"],
}


class Keyring:
    def __init__(self, root: Path) -> None:
        from mlgate.approvals.keys import generate

        self.root = root
        lines = ["apiVersion: mlgate/v1", "kind: Principals", "principals:"]
        for pid, roles in PEOPLE.items():
            _, public = generate(pid, root)
            lines += [f"  - id: {pid}", f"    roles: [{', '.join(roles)}]"]
            lines.append(f"    public_key: {public}")
        self.principals = root / "principals.yaml"
        self.principals.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def key(self, pid: str) -> Path:
        return self.root / f"{pid}.key"


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    root = tmp_path / "keys"
    root.mkdir()
    return Keyring(root)
