"""The golden decision cases (tests/cases/*.yaml), run on every engine.

Each case is a facts document and the expected outcome, violated controls,
controls with missing evidence, roles still to approve and waived controls.
An engine difference shows up as a failing case, not a shrug. The OPA REST
path runs against a real OPA (skipped only where none is installed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.bundles.load import load_bundle
from mlgate.bundles.model import Bundle
from mlgate.decisions.evaluate import decide
from mlgate.engine.base import Engine
from mlgate.facts.normalize import normalize
from mlgate.facts.validate import validate
from mlgate.resources import bundle_dir

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"
CASES = sorted(CASES_DIR.glob("*.yaml"))


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 40


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle(bundle_dir())


@pytest.fixture(scope="module", params=["embedded", "opa-url"])
def engine(request: pytest.FixtureRequest, bundle: Bundle, _real_opa: Any) -> Iterator[Engine]:
    if request.param == "embedded":
        from mlgate.engine.embedded import EmbeddedEngine

        with EmbeddedEngine.from_bundle(bundle) as embedded:
            yield embedded
        return
    from mlgate.engine.opa_rest import OpaRestEngine

    if _real_opa is None:
        pytest.skip("no opa on PATH (make opa installs it)")
    rest = OpaRestEngine.from_bundle(bundle, url=str(_real_opa), timeout=30)
    try:
        yield rest
    finally:
        rest.close()


def _ids(items: list[dict[str, Any]], key: str) -> list[str]:
    return sorted({str(item[key]) for item in items})


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_golden_case(case_file: Path, bundle: Bundle, engine: Engine) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    report = validate(case["facts"])
    assert report.errors == [], f"{case_file.name}: facts invalid: {report.errors}"
    decision = decide(normalize(case["facts"]), bundle, engine).document
    expect = case["expect"]
    got = {
        "outcome": decision["outcome"],
        "violations": _ids(decision["violations"], "control"),
        "missing_evidence": _ids(decision["missing_evidence"], "control"),
        "required_approvals": _ids(decision["required_approvals"], "role"),
        "waivers_applied": _ids(decision["waivers_applied"], "control"),
    }
    want = {
        key: sorted(value) if isinstance(value, list) else value for key, value in expect.items()
    }
    assert {key: got[key] for key in want} == want
