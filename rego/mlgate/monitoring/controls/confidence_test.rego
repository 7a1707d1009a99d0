package mlgate.monitoring.controls.confidence_test

import data.mlgate.monitoring.controls.confidence

_th := {"medium": {"confidence": {"signal": "prediction_confidence", "min_mean": 0.85}}}

_facts(mean) := {
	"subject": {"name": "m", "version": "1", "risk_tier": "medium"},
	"monitoring": {"signals": [{"name": "prediction_confidence", "stats": {"mean": mean}}]},
}

_violations(inp) := vs if {
	vs := confidence.violation with input as inp with data.mlgate.monitoring.thresholds as _th
}

_missing(inp) := ms if {
	ms := confidence.missing_evidence with input as inp with data.mlgate.monitoring.thresholds as _th
}

test_confident_model_passes if {
	count(_violations(_facts(0.91))) == 0
	count(_missing(_facts(0.91))) == 0
}

test_mean_exactly_at_minimum_passes if {
	count(_violations(_facts(0.85))) == 0
}

test_mean_below_minimum_is_violation if {
	vs := _violations(_facts(0.849))
	count(vs) == 1
	some v in vs
	v.control == "MLG-MON-004"
	v.expected == {"signal": "prediction_confidence", "minimum": 0.85}
}

test_null_mean_is_missing_evidence if {
	count(_violations(_facts(null))) == 0
	{m.path | some m in _missing(_facts(null))} == {"/monitoring/signals/0/stats/mean"}
}

test_unknown_tier_judges_nothing if {
	inp := {"subject": {"risk_tier": "unknown"}, "monitoring": {"signals": [{"name": "prediction_confidence", "stats": {"mean": 0.1}}]}}
	count(_violations(inp)) == 0
}
