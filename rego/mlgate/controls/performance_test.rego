package mlgate.controls.performance_test

import data.mlgate.controls.performance

_thresholds := {
	"high": {"performance": {"minimum": {"roc_auc": 0.8}, "maximum": {"latency_p99_ms": 250}}},
	"low": {"performance": {"minimum": {}, "maximum": {}}},
}

_facts(tier, metrics) := {"subject": {"name": "m", "version": "1", "risk_tier": tier}, "metrics": metrics}

_violations(inp) := vs if {
	vs := performance.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := performance.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_complete := [{"name": "roc_auc", "value": 0.86}, {"name": "latency_p99_ms", "value": 120}]

test_metrics_within_thresholds_pass if {
	inp := _facts("high", _complete)
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_metric_exactly_at_minimum_passes if {
	inp := _facts("high", [{"name": "roc_auc", "value": 0.8}, {"name": "latency_p99_ms", "value": 120}])
	count(_violations(inp)) == 0
}

test_metric_below_minimum_is_violation_pointing_at_the_metric if {
	inp := _facts("high", [{"name": "latency_p99_ms", "value": 120}, {"name": "roc_auc", "value": 0.7999}])
	vs := _violations(inp)
	count(vs) == 1
	some v in vs
	v.control == "MLG-PERF-001"
	v.severity == "high"
	v.evidence == "/metrics/1"
	v.actual == 0.7999
	v.expected == {"metric": "roc_auc", "minimum": 0.8}
}

test_absent_required_metric_is_missing_evidence if {
	ms := _missing(_facts("high", [{"name": "latency_p99_ms", "value": 120}]))
	{[m.control, m.path] | some m in ms} == {["MLG-PERF-001", "/metrics"]}
}

test_null_metric_is_missing_evidence_at_its_value if {
	ms := _missing(_facts("high", [{"name": "roc_auc", "value": null}, {"name": "latency_p99_ms", "value": 120}]))
	{[m.control, m.path] | some m in ms} == {["MLG-PERF-001", "/metrics/0/value"]}
}

test_null_beside_a_measured_entry_is_not_missing if {
	inp := _facts("high", array.concat(_complete, [{"name": "roc_auc", "value": null, "dataset": "b"}]))
	count(_missing(inp)) == 0
}

test_every_overall_measurement_is_judged if {
	inp := _facts("high", array.concat(_complete, [{"name": "roc_auc", "value": 0.75, "dataset": "b"}]))
	{v.evidence | some v in _violations(inp)} == {"/metrics/2"}
}

test_sliced_measurement_is_not_judged_against_overall_minimum if {
	inp := _facts("high", array.concat(_complete, [{"name": "roc_auc", "value": 0.5, "slice": {"sex": "f"}}]))
	count(_violations(inp)) == 0
}

test_metric_exactly_at_maximum_passes if {
	inp := _facts("high", [{"name": "roc_auc", "value": 0.86}, {"name": "latency_p99_ms", "value": 250}])
	count(_violations(inp)) == 0
}

test_metric_above_maximum_is_violation if {
	inp := _facts("high", [{"name": "roc_auc", "value": 0.86}, {"name": "latency_p99_ms", "value": 250.5}])
	{[v.control, v.evidence] | some v in _violations(inp)} == {["MLG-PERF-002", "/metrics/1"]}
}

test_absent_capped_metric_is_missing_evidence if {
	ms := _missing(_facts("high", [{"name": "roc_auc", "value": 0.86}]))
	{m.control | some m in ms} == {"MLG-PERF-002"}
}

test_tier_without_requirements_needs_no_metrics if {
	inp := _facts("low", [])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_without_tier_no_performance_verdict if {
	inp := {"subject": {"name": "m", "version": "1"}, "metrics": [{"name": "roc_auc", "value": 0.1}]}
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_thresholds_are_data_not_logic if {
	inp := _facts("high", _complete)
	stricter := {"high": {"performance": {"minimum": {"roc_auc": 0.9}, "maximum": {}}}}
	vs := performance.violation with input as inp with data.mlgate.thresholds as stricter
	{v.control | some v in vs} == {"MLG-PERF-001"}
}
