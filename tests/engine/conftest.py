"""OPA servers for the engine tests: a real OPA.

``opa_server`` yields a base URL tagged with ``.kind``:

- ``opa-url``: a real OPA at ``MLGATE_TEST_OPA_URL``;
- ``opa-run``: ``opa run --server`` started from PATH for the session (the one
  ``make opa`` installs); without one the test is skipped (never in CI).

Misbehaviour tests (500, garbage, hang, dropped connection, tokens) use
``opa_double`` and carry the ``opa_double`` marker: a real OPA does not
misbehave on demand.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mlgate.bundles.model import Bundle, Manifest
from tests import real_opa
from tests.opa_double import OpaDouble

# A small gate: the decision in package ``mlgate`` composes a control package, and
# thresholds are data under the same ``mlgate`` prefix (``data.mlgate.thresholds``).
DECISION_REGO = """package mlgate

import rego.v1

import data.mlgate.controls.accuracy

tier := input.subject.risk_tier

default outcome := "pass"

outcome := "fail" if count(accuracy.violations) > 0

decision := {
	"outcome": outcome,
	"violations": accuracy.violations,
	"threshold": data.mlgate.thresholds[tier].accuracy,
}
"""

ACCURACY_REGO = """package mlgate.controls.accuracy

import rego.v1

violations contains v if {
	some m in input.metrics
	m.name == "accuracy"
	minimum := data.mlgate.thresholds[input.subject.risk_tier].accuracy
	m.value < minimum
	v := {"control": "ACC-1", "metric": m.name, "expected": minimum, "actual": m.value}
}
"""

GATE_DATA: dict[str, Any] = {
    "mlgate": {
        "thresholds": {"high": {"accuracy": 0.9}, "low": {"accuracy": 0.7}},
        "waivers": {"ids": []},
    }
}

MakeBundle = Callable[..., Bundle]


class OpaURL(str):
    """A base URL that says what answers at it."""

    kind: str
    double: OpaDouble | None

    def __new__(cls, url: str, kind: str, double: OpaDouble | None = None) -> OpaURL:
        self = super().__new__(cls, url.rstrip("/"))
        self.kind, self.double = kind, double
        return self


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "opa_double: needs the in-repo OPA double (misbehaviour on demand); never OPA"
    )


@pytest.fixture(scope="session")
def _real_opa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpaURL | None]:
    """A real OPA for the whole session, or ``None`` (then the tests taking it skip)."""
    env_url = os.environ.get("MLGATE_TEST_OPA_URL")
    if env_url:
        yield OpaURL(env_url, "opa-url")
        return
    if real_opa.OPA is None:
        yield None
        return
    log = tmp_path_factory.mktemp("opa") / "opa.log"
    with real_opa.opa_server(["--log-level", "error"], log, ready="/health") as url:
        yield OpaURL(url, "opa-run")


@pytest.fixture
def opa_double() -> Iterator[OpaDouble]:
    """A fresh double on 127.0.0.1 (random port), stopped after the test."""
    with OpaDouble() as double:
        yield double


@pytest.fixture
def opa_server(_real_opa: OpaURL | None, request: pytest.FixtureRequest) -> OpaURL:
    """The base URL of a real OPA's REST API."""
    if _real_opa is None:
        pytest.skip("no opa on PATH (make opa installs it)")
    request.node.user_properties.append(("opa_server_kind", _real_opa.kind))
    return _real_opa


@pytest.fixture
def make_bundle(request: pytest.FixtureRequest) -> MakeBundle:
    """Build a ``Bundle`` in memory; the default is the small gate above."""

    def _make(
        modules: dict[str, str] | None = None,
        data: dict[str, Any] | None = None,
        source: str | None = None,
        revision: str = "r1",
    ) -> Bundle:
        modules = (
            modules
            if modules is not None
            else {
                "mlgate/decision.rego": DECISION_REGO,
                "mlgate/controls/accuracy.rego": ACCURACY_REGO,
            }
        )
        data = GATE_DATA if data is None else data
        blob = json.dumps([sorted(modules.items()), data], sort_keys=True).encode()
        return Bundle(
            source=source or f"test://{request.node.name}",
            manifest=Manifest(revision=revision),
            modules=modules,
            data=data,
            digest="sha256:" + hashlib.sha256(blob).hexdigest(),
        )

    return _make


@pytest.fixture
def refused_url(unused_port: int) -> str:
    """``http://127.0.0.1:<port>`` where nothing listens (bound, then released)."""
    return f"http://127.0.0.1:{unused_port}"
