package mlgate.controls.change_test

import data.mlgate.controls.change

_thresholds := {
	"high": {"change": {"baseline_required": true, "max_regression": {"default": 0.01, "latency_p99_ms": 25}}},
	"low": {"change": {"baseline_required": false, "max_regression": {"default": 0.05}}},
}

_facts(tier, metrics, chg) := {
	"subject": {"name": "m", "version": "2", "risk_tier": tier},
	"metrics": metrics,
	"change": chg,
}

_upgrade(baseline) := {"previous_version": "1", "baseline_metrics": baseline}

_violations(inp) := vs if {
	vs := change.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := change.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_auc(value) := {"name": "roc_auc", "value": value}

_latency(value) := {"name": "latency_p99_ms", "value": value}

test_regression_within_margin_passes if {
	inp := _facts("high", [_auc(0.85)], _upgrade([_auc(0.855)]))
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_higher_is_better_regression_beyond_margin_is_violation if {
	vs := _violations(_facts("high", [_auc(0.83)], _upgrade([_auc(0.87)])))
	{[v.control, v.evidence, v.expected.baseline_evidence] | some v in vs} == {["MLG-CHG-001", "/metrics/0", "/change/baseline_metrics/0"]}
}

test_lower_is_better_regression_beyond_margin_is_violation if {
	vs := _violations(_facts("high", [_latency(180)], _upgrade([_latency(118)])))
	{v.control | some v in vs} == {"MLG-CHG-001"}
}

test_improvements_are_not_regressions if {
	count(_violations(_facts("high", [_auc(0.95), _latency(40)], _upgrade([_auc(0.85), _latency(118)])))) == 0
}

test_metric_specific_margin_overrides_default if {
	count(_violations(_facts("high", [_latency(130)], _upgrade([_latency(118)])))) == 0
}

test_tier_margin_applies if {
	count(_violations(_facts("low", [_auc(0.83)], _upgrade([_auc(0.87)])))) == 0
}

test_non_canonical_baseline_metric_is_ignored if {
	inp := _facts("high", [_auc(0.86)], _upgrade([_auc(0.86), {"name": "house_score", "value": 9}]))
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_baseline_metric_without_current_value_is_missing_evidence if {
	ms := _missing(_facts("high", [_auc(0.86)], _upgrade([_auc(0.86), _latency(118)])))
	{[m.control, m.path] | some m in ms} == {["MLG-CHG-001", "/metrics"]}
}

test_first_release_needs_no_baseline if {
	inp := _facts("high", [_auc(0.86)], {"previous_version": null})
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_upgrade_without_baseline_is_missing_evidence if {
	ms := _missing(_facts("high", [_auc(0.86)], {"previous_version": "1"}))
	{[m.control, m.path] | some m in ms} == {["MLG-CHG-002", "/change/baseline_metrics"]}
}

test_change_record_without_previous_version_is_missing_evidence if {
	ms := _missing(_facts("high", [_auc(0.86)], {"summary": "retrained"}))
	{m.path | some m in ms} == {"/change/previous_version"}
}

test_absent_change_record_is_missing_evidence_where_required if {
	inp := {"subject": {"name": "m", "version": "2", "risk_tier": "high"}, "metrics": [_auc(0.86)]}
	{m.path | some m in _missing(inp)} == {"/change"}
}

test_absent_change_record_is_fine_where_not_required if {
	inp := {"subject": {"name": "m", "version": "2", "risk_tier": "low"}, "metrics": [_auc(0.86)]}
	count(_missing(inp)) == 0
}

test_sliced_current_value_is_not_compared_with_the_baseline if {
	sliced := {"name": "roc_auc", "value": 0.5, "slice": {"region": "north"}}
	inp := _facts("high", [_auc(0.86), sliced], _upgrade([_auc(0.86)]))
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_every_overall_current_value_is_compared if {
	vs := _violations(_facts("high", [_auc(0.86), _auc(0.8)], _upgrade([_auc(0.86)])))
	{v.evidence | some v in vs} == {"/metrics/1"}
}

_thresholds_with_minimums := {"high": {
	"change": {"baseline_required": true, "max_regression": {"default": 0.01}},
	"performance": {"minimum": {"roc_auc": 0.8, "recall": 0.6}, "maximum": {"latency_p99_ms": 500}},
}}

_missing_with_minimums(inp) := ms if {
	ms := change.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds_with_minimums
}

test_baseline_leaving_out_a_thresholded_measured_metric_is_missing_evidence if {
	# recall regressed, but the baseline only names roc_auc: the regression cannot be seen
	recall := {"name": "recall", "value": 0.61}
	ms := _missing_with_minimums(_facts("high", [_auc(0.86), recall], _upgrade([_auc(0.86)])))
	{[m.control, m.path] | some m in ms} == {["MLG-CHG-001", "/change/baseline_metrics"]}
	some m in ms
	contains(m.message, "no overall recall")
}

test_thresholded_metric_not_measured_now_is_left_to_its_own_control if {
	# latency_p99_ms is thresholded but not measured: MLG-PERF-002 reports that, not change
	ms := _missing_with_minimums(_facts("high", [_auc(0.86)], _upgrade([_auc(0.86)])))
	count(ms) == 0
}

test_no_baseline_at_all_is_only_the_change_record_control if {
	ms := _missing_with_minimums(_facts("high", [_auc(0.86)], {"previous_version": "1"}))
	{m.control | some m in ms} == {"MLG-CHG-002"}
}

test_first_release_needs_no_baseline_for_thresholded_metrics if {
	chg := {"previous_version": null, "baseline_metrics": [_auc(0.8)]}
	count(_missing_with_minimums(_facts("high", [_auc(0.86), {"name": "recall", "value": 0.7}], chg))) == 0
}
