"""Golden monitoring cases (tests/monitoring/cases/*.yaml), on every engine.

Each case generates its series (``generate``: noise only, a step change, a
slow trend, gaps, request latencies with exact shares), runs the whole
``mlgate monitor`` pipeline (read, window statistics, facts, policy) and
checks the outcome, the controls and the actions, in order. The verdict is
known by construction (see each case's description). ``healthy: true`` starts
from a healthy model (latency, confidence with its baseline, a drift report);
the case's ``series`` / ``baselines`` / ``drift`` replace those parts (null
removes one).

The OPA REST path runs against a real OPA (``opa run --server``, the one
``make opa`` installs), started for the module; it is skipped only where no
``opa`` is installed (never in CI). The cases live here, not in tests/cases/,
because they are series, not facts documents, and they judge
``data.mlgate.monitoring.decision``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate.engine.select import EngineOptions
from mlgate.monitoring.build import Inputs
from mlgate.monitoring.monitor import monitor
from mlgate.monitoring.specs import SeriesSpec
from tests.monitoring import generate as g
from tests.real_opa import OPA, opa_server

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))

HEALTHY: dict[str, Any] = {
    "series": {
        "latency_ms": {
            "latency": {"fast_ms": 120, "slow_ms": 600, "slow_per_100": 0},
            "unit": "ms",
        },
        "prediction_confidence": {"points": {"mean": 0.92, "sd": 0.01}},
    },
    "baselines": {
        "prediction_confidence": {"points": {"mean": 0.92, "sd": 0.01, "offset_days": 7, "seed": 2}}
    },
    "drift": {"scores": {"income": 0.05, "age": 0.02}, "method": "Wasserstein distance (normed)"},
}


def test_there_are_cases_for_each_kind_of_drift() -> None:
    names = " ".join(c.stem for c in CASES)
    assert len(CASES) >= 20
    for kind in ("noise_only", "step_change", "slow_trend", "at_margin", "beyond_margin", "gap"):
        assert kind in names, kind


@pytest.fixture(scope="module", params=["embedded", "opa-url"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineOptions]:
    if request.param == "embedded":
        yield EngineOptions(name="embedded")
        return
    if OPA is None:
        pytest.skip("no opa on PATH (make opa installs it)")
    log = tmp_path_factory.mktemp("opa-monitoring") / "opa.log"
    with opa_server([], log, ready="/health") as url:
        yield EngineOptions(name="opa-url", opa_url=url)


def _merged(case: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"series": {}, "baselines": {}, "champions": {}, "drift": None}
    if case.get("healthy"):
        out |= json.loads(json.dumps(HEALTHY)) | {"champions": {}}
    for part in ("series", "baselines", "champions"):
        for name, spec in (case.get(part) or {}).items():
            if spec is None:
                out[part].pop(name, None)
            else:
                out[part][name] = spec
    if "drift" in case:
        out["drift"] = case["drift"]
    return out


def _write(tmp: Path, kind: str, name: str, spec: dict[str, Any]) -> str:
    kind_of = g.latency if "latency" in spec else g.points
    observations = kind_of(**spec.get("latency", spec.get("points")))
    path = g.write(tmp / f"{kind}-{name}.json", observations, unit=spec.get("unit"))
    return f"{name}={path}"


def run_case(case: dict[str, Any], tmp: Path, engine: EngineOptions) -> dict[str, Any]:
    parts = _merged(case)
    specs = {
        part: [SeriesSpec.parse(_write(tmp, part, n, s)) for n, s in parts[part].items()]
        for part in ("series", "baselines", "champions")
    }
    drift = []
    if parts["drift"]:
        d = parts["drift"]
        drift.append(str(g.drift_report(tmp / "drift.json", d["scores"], d["method"])))
    facts = tmp / "facts.json"
    facts.write_text(json.dumps(g.facts(case.get("tier"))), encoding="utf-8")
    inputs = Inputs(specs["series"], specs["baselines"], specs["champions"], drift)
    checked = monitor(
        [facts],
        inputs,
        engine=engine,
        evaluated_at=case.get("at", g.END),
        window_days=case.get("window_days"),
    )
    return checked.decision.document


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_monitoring_case(case_file: Path, tmp_path: Path, engine: EngineOptions) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    decision = run_case(case, tmp_path, engine)
    got = {
        "outcome": decision["outcome"],
        "violations": sorted({v["control"] for v in decision["violations"]}),
        "missing_evidence": sorted({m["control"] for m in decision["missing_evidence"]}),
        "actions": [a["action"] for a in decision["actions"]],
    }
    want = case["expect"]
    want = {k: sorted(v) if k in ("violations", "missing_evidence") else v for k, v in want.items()}
    assert got == want, json.dumps(decision["violations"] + decision["missing_evidence"], indent=1)
