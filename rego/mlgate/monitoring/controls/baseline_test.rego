package mlgate.monitoring.controls.baseline_test

import data.mlgate.monitoring.controls.baseline

_th := {"medium": {"baseline": {"sigmas": 3, "min_samples": 10, "required_for": ["prediction_confidence"]}}}

_signal(name, mean, b) := {"name": name, "stats": {"mean": mean}, "baseline": b}

_base := {"mean": 0.9, "std": 0.01, "samples": 100}

_facts(signals) := {"subject": {"name": "m", "version": "1", "risk_tier": "medium"}, "monitoring": {"signals": signals}}

_violations(inp) := vs if {
	vs := baseline.violation with input as inp with data.mlgate.monitoring.thresholds as _th
}

_missing(inp) := {m.path |
	some m in baseline.missing_evidence with input as inp with data.mlgate.monitoring.thresholds as _th
}

test_mean_inside_the_band_passes if {
	inp := _facts([_signal("prediction_confidence", 0.92, _base)])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_mean_above_the_band_is_violation if {
	vs := _violations(_facts([_signal("prediction_confidence", 0.931, _base)]))
	count(vs) == 1
	some v in vs
	v.control == "MLG-MON-001"
	v.actual == 0.931
	v.evidence == "/monitoring/signals/0/stats/mean"
}

test_mean_below_the_band_is_violation if {
	count(_violations(_facts([_signal("prediction_confidence", 0.869, _base)]))) == 1
}

test_zero_std_baseline_flags_any_change if {
	b := {"mean": 0.9, "std": 0, "samples": 100}
	count(_violations(_facts([_signal("prediction_confidence", 0.9, b)]))) == 0
	count(_violations(_facts([_signal("prediction_confidence", 0.91, b)]))) == 1
}

test_small_baseline_is_missing_evidence_not_a_verdict if {
	inp := _facts([_signal("prediction_confidence", 0.5, {"mean": 0.9, "std": 0.01, "samples": 9})])
	count(_violations(inp)) == 0
	_missing(inp) == {"/monitoring/signals/0/baseline"}
}

test_baseline_without_std_is_missing_evidence if {
	inp := _facts([_signal("prediction_confidence", 0.5, {"mean": 0.9, "std": null, "samples": 50})])
	count(_violations(inp)) == 0
	_missing(inp) == {"/monitoring/signals/0/baseline"}
}

test_signal_without_mean_is_missing_evidence if {
	inp := _facts([_signal("prediction_confidence", null, _base)])
	_missing(inp) == {"/monitoring/signals/0/stats/mean"}
}

test_required_baseline_absent_is_missing if {
	inp := _facts([{"name": "prediction_confidence", "stats": {"mean": 0.9}}, _signal("other", 1, _base)])
	_missing(inp) == {"/monitoring/signals/0/baseline"}
}

test_signal_without_baseline_is_not_judged if {
	inp := _facts([{"name": "other", "stats": {"mean": 100}}])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}
