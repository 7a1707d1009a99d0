"""Parity: the embedded engine and a real OPA decide every golden case and example alike.

Each document is decided by the embedded engine (the reference here) and by
three real-OPA paths: the REST engine pushing the shipped bundle into an empty
``opa run --server``, the REST engine with ``push=False`` against an OPA that
loaded the bundle itself (``--bundle``), and the ``opa-binary`` engine
(``opa eval``). Outcome, violations, missing evidence, required approvals and
waivers must be identical, item by item; a difference fails naming the
document, the engine and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.bundles.load import load_bundle
from mlgate.bundles.model import Bundle
from mlgate.decisions.evaluate import decide
from mlgate.engine.base import Engine
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.engine.opa_binary import OpaBinaryEngine
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.facts.load import load_document
from mlgate.facts.normalize import normalize
from mlgate.resources import bundle_dir
from tests.conftest import REPO
from tests.real_opa import opa_server, requires_opa

pytestmark = [requires_opa, pytest.mark.opa]

CASES = sorted((REPO / "tests/cases").glob("*.yaml"))
EXAMPLES = sorted((REPO / "examples/credit-risk").glob("*.yaml"))
FIELDS = ("outcome", "violations", "missing_evidence", "required_approvals", "waivers_applied")


def _facts(path: Path) -> dict[str, Any]:
    if path.parent.name == "cases":
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]
        return doc
    return load_document(path)


DOCUMENTS = {f"{p.parent.name}/{p.stem}": p for p in [*CASES, *EXAMPLES]}


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle(bundle_dir())


@pytest.fixture(scope="module")
def engines(
    bundle: Bundle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Engine]]:
    logs = tmp_path_factory.mktemp("opa-parity")
    with (
        opa_server([], logs / "empty.log", ready="/health") as empty,
        opa_server(["--bundle", str(bundle_dir())], logs / "bundle.log") as served,
        EmbeddedEngine.from_bundle(bundle) as embedded,
    ):
        found: dict[str, Engine] = {"embedded": embedded}
        found["opa-url push"] = OpaRestEngine.from_bundle(bundle, url=empty, timeout=30)
        found["opa-url no-push"] = OpaRestEngine.from_bundle(
            bundle, url=served, timeout=30, push=False
        )
        found["opa-binary"] = OpaBinaryEngine.from_bundle(bundle, timeout=60)
        try:
            yield found
        finally:
            for engine in found.values():
                engine.close()


def _canonical(decision: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in FIELDS:
        value = decision.get(field)
        if isinstance(value, list):
            value = sorted(json.dumps(item, sort_keys=True) for item in value)
        out[field] = value
    return out


def test_every_case_and_example_is_in_the_parity_run() -> None:
    assert len(CASES) >= 80 and len(EXAMPLES) == 3


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_opa_decides_as_the_embedded_engine(
    name: str, bundle: Bundle, engines: dict[str, Engine]
) -> None:
    facts = normalize(_facts(DOCUMENTS[name]))
    decided = {
        label: _canonical(decide(facts, bundle, engine).document)
        for label, engine in engines.items()
    }
    want = decided.pop("embedded")
    differences = [
        f"{name}: {label} differs in {field}: {got[field]} != embedded {want[field]}"
        for label, got in decided.items()
        for field in FIELDS
        if got[field] != want[field]
    ]
    assert not differences, "\n".join(differences)
