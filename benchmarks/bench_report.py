"""Report-rendering figures: the HTML certification report for a large decision.

A synthetic decision with 200 controls (12 families, a metric bar each) and
2,000 vulnerabilities, every one a finding with a facts location, is rendered
in every format; the target is the HTML report in under 1 s on this machine.
It also times building the ``details`` block (METADATA, measures, facts line
numbers) for a 2,000-vulnerability facts file. Prints figures; asserts nothing.

Run: .venv/bin/python benchmarks/bench_report.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from mlgate.decisions.model import Decision  # noqa: E402
from mlgate.report.base import OutputFormat  # noqa: E402

CONTROLS, VULNS, FAMILIES = 200, 2000, 12
SEVERITIES = ("critical", "high", "medium", "low")


def synthetic_decision() -> Decision:
    controls, measures, violations, locations = [], [], [], {}
    for i in range(CONTROLS):
        cid, family = f"MLG-SYN-{i:03d}", f"family{i % FAMILIES}"
        failed = i % 10 == 0
        controls.append({
            "id": cid, "title": f"Synthetic control {i}", "description": "A control." * 5,
            "severity": SEVERITIES[i % 4], "family": family, "family_title": family.title(),
            "package": f"mlgate.controls.{family}",
            "status": "fail" if failed or i == 1 else "pass",
            "rules": [{"rule": "violation", "file": f"rego/{family}.rego", "line": 10 + i}],
            "requires": ["/metrics"], "frameworks": {"eu_ai_act": ["Art. 15"]},
            "threshold_paths": [f"{family}.minimum"],
            "thresholds": [{"path": f"{family}.minimum", "value": {f"m{i}": 0.8},
                            "data_path": f"data.mlgate.thresholds.high.{family}.minimum"}],
        })  # fmt: skip
        measures.append({
            "control": cid, "kind": "metric", "name": f"m{i}", "value": 0.7 if failed else 0.9,
            "threshold": 0.8, "comparison": "minimum", "threshold_path": f"{family}.minimum.m{i}",
            "pointer": f"/metrics/{i}", "failed": failed,
        })  # fmt: skip
        locations[f"/metrics/{i}"] = {"file": "facts.yaml", "line": 3 + i * 4}
    for j in range(VULNS):
        pointer = f"/security/vulnerabilities/{j}"
        violations.append({
            "control": "MLG-SYN-001", "rule": "high_vulnerabilities_above_maximum",
            "severity": "high", "message": f"CVE-2026-{j:05d} in pkg{j} is high severity",
            "expected": {"severity": "high", "max_vulnerabilities": 0},
            "actual": f"CVE-2026-{j:05d}", "evidence": pointer,
            "source": {"tool": "pip-audit", "file": "security/pip-audit.json"},
        })  # fmt: skip
        locations[pointer] = {"file": "facts.yaml", "line": 900 + j}
    counts = {s: VULNS // 4 for s in SEVERITIES} | {"unknown": 0}
    doc: dict[str, Any] = {
        "schema_version": "mlgate.decision/v1",
        "decision_id": "01a20000-0000-7000-8000-00000000b3c4",
        "evaluated_at": "2026-11-23T08:00:00Z", "subject": {"name": "big", "version": "1"},
        "outcome": "fail", "risk_tier": "high", "violations": violations,
        "missing_evidence": [], "required_approvals": [], "waivers_applied": [],
        "bundle": {"revision": "r1", "digest": "sha256:" + "a" * 64, "source": "rego"},
        "input_digest": "sha256:" + "b" * 64, "engine": {"name": "embedded", "version": "x"},
        "details": {
            "version": 1, "enforced": True, "tier": "high",
            "thresholds_path": "data.mlgate.thresholds.high", "controls": controls,
            "measures": measures, "locations": locations, "facts_files": ["facts.yaml"],
            "evidence": {"sources": [], "digests": [], "approvals": [],
                         "vulnerabilities": {"total": VULNS, "by_severity": counts, "scans": []}},
        },
    }  # fmt: skip
    return Decision(doc)


def _median(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _details_figure(runs: int) -> float:
    import yaml

    from mlgate.bundles.load import load_bundle
    from mlgate.explain.details import build_details

    facts = yaml.safe_load((REPO / "examples/credit-risk/passing.yaml").read_text())
    facts["security"]["vulnerabilities"] = [
        {"id": f"CVE-2026-{j:05d}", "severity": SEVERITIES[j % 4], "package": f"p{j}"}
        for j in range(VULNS)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "facts.json"
        path.write_text(json.dumps(facts, indent=1))
        bundle = load_bundle(REPO / "rego")
        violations = [
            {"control": "MLG-SEC-003", "rule": "r", "severity": "high", "message": "m",
             "evidence": f"/security/vulnerabilities/{j}"}
            for j in range(1, VULNS, 4)
        ]  # fmt: skip
        decision = Decision(
            {"outcome": "fail", "risk_tier": "high", "violations": violations,
             "missing_evidence": [], "required_approvals": [], "waivers_applied": []}
        )  # fmt: skip
        return _median(lambda: build_details(decision, facts, [path], bundle), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    decision = synthetic_decision()
    print(f"decision: {CONTROLS} controls, {VULNS} vulnerability findings; median of {args.runs}")
    for fmt in OutputFormat:
        formatter = fmt.to_formatter()
        size = len(formatter.render(decision))
        seconds = _median(lambda f=formatter: f.render(decision), args.runs)  # type: ignore[misc]
        mark = "  (target < 1 s)" if fmt is OutputFormat.HTML else ""
        print(f"  render {fmt.value:<9} {seconds * 1000:8.1f} ms  {size / 1024:8.0f} KiB{mark}")
    seconds = _details_figure(args.runs)
    print(f"  build details (METADATA, measures, {VULNS // 4} facts lines) {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
