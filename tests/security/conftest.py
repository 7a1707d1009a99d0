"""Fixtures for the security tests: throwaway PKI, a small gate bundle, a clean env."""

from __future__ import annotations

import hashlib
import json

import pytest

from mlgate.bundles.model import Bundle, Manifest
from tests.engine.conftest import ACCURACY_REGO, DECISION_REGO, GATE_DATA
from tests.security.certs import Pki, make_pki

OPA_ENV = (
    "MLGATE_OPA_TOKEN",
    "MLGATE_OPA_TOKEN_FILE",
    "MLGATE_OPA_CA_CERT",
    "MLGATE_OPA_CLIENT_CERT",
    "MLGATE_OPA_CLIENT_KEY",
    "MLGATE_OPA_RETRIES",
)


@pytest.fixture(autouse=True)
def _no_opa_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OPA_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def gate_bundle() -> Bundle:
    modules = {
        "mlgate/decision.rego": DECISION_REGO,
        "mlgate/controls/accuracy.rego": ACCURACY_REGO,
    }
    blob = json.dumps([sorted(modules.items()), GATE_DATA], sort_keys=True).encode()
    return Bundle(
        source="test://security",
        manifest=Manifest(revision="r1"),
        modules=modules,
        data=GATE_DATA,
        digest="sha256:" + hashlib.sha256(blob).hexdigest(),
    )
