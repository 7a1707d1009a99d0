package mlgate.monitoring.decision_test

import data.mlgate.monitoring
import data.mlgate.monitoring.comparison

_v(control) := {"control": control, "rule": "r", "severity": "high", "message": "m", "evidence": "/monitoring"}

_m(control) := {"control": control, "path": "/monitoring", "message": "m"}

_facts := {
	"subject": {"name": "m", "version": "1", "risk_tier": "medium"},
	"context": {"evaluated_at": "2026-11-01T00:00:00Z"},
}

_decide(violations, missing) := d if {
	d := monitoring.decision with input as _facts
		with data.mlgate.monitoring.controls.latency.violation as violations
		with data.mlgate.monitoring.controls.evidence.missing_evidence as missing
		with data.mlgate.monitoring.controls.drift.missing_evidence as set()
		with data.mlgate.monitoring.controls.baseline.violation as set()
		with data.mlgate.monitoring.controls.canary.violation as set()
}

test_nothing_found_passes_without_actions if {
	d := _decide(set(), set())
	d.outcome == "pass"
	d.actions == []
	d.required_approvals == []
	d.risk_tier == "medium"
}

test_violation_fails_and_calls_for_actions if {
	d := _decide({_v("MLG-MON-002")}, {_m("MLG-MON-007")})
	d.outcome == "fail"
	[a.action | some a in d.actions] == ["rollback", "investigate"]
}

test_missing_evidence_alone_is_insufficient if {
	d := _decide(set(), {_m("MLG-MON-007")})
	d.outcome == "insufficient_evidence"
	[a.action | some a in d.actions] == ["investigate"]
}

test_empty_facts_never_pass if {
	d := monitoring.decision with input as {}
	d.outcome == "insufficient_evidence"
	d.risk_tier == null
}

test_comparison_without_canary_is_insufficient if {
	d := comparison.decision with input as _facts
	d.outcome == "insufficient_evidence"
	d.actions == []
}

test_comparison_fails_on_regression if {
	inp := object.union(_facts, {"monitoring": {"canary": {"metrics": [{"name": "roc_auc", "champion": 0.9, "challenger": 0.8, "regression": 0.1}]}}})
	d := comparison.decision with input as inp
	d.outcome == "fail"
	[v.control | some v in d.violations] == ["MLG-MON-006"]
}
