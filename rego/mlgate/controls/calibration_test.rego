package mlgate.controls.calibration_test

import data.mlgate.controls.calibration

_thresholds := {
	"high": {"calibration": {"maximum": {"expected_calibration_error": 0.05}}},
	"low": {"calibration": {"maximum": {}}},
}

_facts(tier, metrics) := {"subject": {"name": "m", "version": "1", "risk_tier": tier}, "metrics": metrics}

_violations(inp) := vs if {
	vs := calibration.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := calibration.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

test_calibration_error_exactly_at_maximum_passes if {
	inp := _facts("high", [{"name": "expected_calibration_error", "value": 0.05}])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_calibration_error_above_maximum_is_violation if {
	vs := _violations(_facts("high", [{"name": "expected_calibration_error", "value": 0.0501}]))
	{[v.control, v.severity, v.evidence] | some v in vs} == {["MLG-CAL-001", "medium", "/metrics/0"]}
}

test_absent_calibration_error_is_missing_evidence if {
	ms := _missing(_facts("high", [{"name": "roc_auc", "value": 0.9}]))
	{[m.control, m.path] | some m in ms} == {["MLG-CAL-001", "/metrics"]}
}

test_tier_without_calibration_requirement_needs_none if {
	count(_missing(_facts("low", []))) == 0
}
