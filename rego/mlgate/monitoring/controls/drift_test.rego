package mlgate.monitoring.controls.drift_test

import data.mlgate.monitoring.controls.drift

_th := {"medium": {"drift": {"required": true, "max_distance": {"default": 0.1, "income": 0.2}, "min_p_value": {"default": 0.05}}}}

_entry(feature, score, kind) := {"feature": feature, "score": score, "score_kind": kind, "method": "m"}

_facts(entries) := {"subject": {"name": "m", "version": "1", "risk_tier": "medium"}, "monitoring": {"drift": entries}}

_violations(inp) := {[v.rule, v.actual] |
	some v in drift.violation with input as inp with data.mlgate.monitoring.thresholds as _th
}

_missing(inp) := {m.path |
	some m in drift.missing_evidence with input as inp with data.mlgate.monitoring.thresholds as _th
}

test_small_distances_pass if {
	inp := _facts([_entry("age", 0.1, "distance"), _entry("income", 0.2, "distance")])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_distance_above_default_limit_is_violation if {
	_violations(_facts([_entry("age", 0.11, "distance")])) == {["feature_drift_above_limit", 0.11]}
}

test_per_feature_limit_wins_over_default if {
	_violations(_facts([_entry("income", 0.15, "distance")])) == set()
	_violations(_facts([_entry("income", 0.21, "distance")])) == {["feature_drift_above_limit", 0.21]}
}

test_small_p_value_is_violation_and_limit_passes if {
	_violations(_facts([_entry("age", 0.049, "p_value")])) == {["feature_drift_p_value_below_limit", 0.049]}
	_violations(_facts([_entry("age", 0.05, "p_value")])) == set()
}

test_unknown_score_kind_is_missing_evidence_never_a_pass if {
	inp := _facts([_entry("age", 0.9, "unknown")])
	count(_violations(inp)) == 0
	_missing(inp) == {"/monitoring/drift/0"}
}

test_null_score_is_missing_evidence if {
	_missing(_facts([_entry("age", null, "distance")])) == {"/monitoring/drift/0"}
}

test_required_report_absent_is_missing if {
	_missing(_facts([])) == {"/monitoring/drift"}
	_missing({"subject": {"risk_tier": "medium"}}) == {"/monitoring/drift"}
}
