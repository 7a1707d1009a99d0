package mlgate.controls.governance_test

import data.mlgate.controls.governance

_thresholds := {"low": {}, "high": {}}

_missing(inp) := ms if {
	ms := governance.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_paths(inp) := {m.path | some m in _missing(inp)}

test_declared_tier_and_evaluation_time_need_nothing if {
	count(_missing({"subject": {"risk_tier": "high"}, "context": {"evaluated_at": "2025-06-02T12:00:00Z"}})) == 0
}

test_missing_risk_tier_is_missing_evidence if {
	ms := _missing({"subject": {"name": "m"}, "context": {"evaluated_at": "2025-06-02T12:00:00Z"}})
	ms == {{
		"control": "MLG-GOV-001",
		"path": "/subject/risk_tier",
		"message": "no risk tier declared; declare one of [\"high\", \"low\"]",
	}}
}

test_tier_without_thresholds_is_missing_evidence if {
	paths := _paths({"subject": {"risk_tier": "critical"}, "context": {"evaluated_at": "2025-06-02T12:00:00Z"}})
	paths == {"/subject/risk_tier"}
}

test_missing_evaluation_time_is_missing_evidence if {
	_paths({"subject": {"risk_tier": "high"}}) == {"/context/evaluated_at"}
}

test_impossible_evaluation_time_is_missing_evidence_not_an_error if {
	_paths({"subject": {"risk_tier": "high"}, "context": {"evaluated_at": "2025-02-30T12:00:00Z"}}) == {"/context/evaluated_at"}
}
