package mlgate.controls.robustness_test

import data.mlgate.controls.robustness

_thresholds := {
	"high": {"robustness": {"required": true, "max_degradation": {"default": 0.03, "latency_p99_ms": 20}}},
	"low": {"robustness": {"required": false, "max_degradation": {"default": 0.1}}},
}

_facts(tier, entries) := {"subject": {"name": "m", "version": "1", "risk_tier": tier}, "robustness": entries}

_violations(inp) := vs if {
	vs := robustness.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := robustness.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_noise(degradation) := {"test": "gaussian_noise", "metric": "roc_auc", "degradation": degradation}

test_degradation_exactly_at_maximum_passes if {
	inp := _facts("high", [_noise(0.03)])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_degradation_above_maximum_is_violation if {
	vs := _violations(_facts("high", [_noise(0.05)]))
	{[v.control, v.rule, v.evidence] | some v in vs} == {["MLG-ROB-001", "degradation_above_maximum", "/robustness/0/degradation"]}
}

test_metric_specific_maximum_overrides_default if {
	latency := {"test": "load_spike", "metric": "latency_p99_ms", "degradation": 15}
	count(_violations(_facts("high", [latency]))) == 0
	slower := {"test": "load_spike", "metric": "latency_p99_ms", "degradation": 25}
	count(_violations(_facts("high", [slower]))) == 1
}

test_reported_failure_is_violation if {
	vs := _violations(_facts("high", [{"test": "adversarial_patch", "metric": "accuracy", "passed": false}]))
	{[v.control, v.rule] | some v in vs} == {["MLG-ROB-001", "robustness_test_failed"]}
}

test_reported_pass_without_degradation_passes if {
	inp := _facts("high", [{"test": "adversarial_patch", "metric": "accuracy", "passed": true}])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_test_without_degradation_or_verdict_is_missing_evidence if {
	ms := _missing(_facts("high", [{"test": "gaussian_noise", "metric": "roc_auc", "degradation": null}]))
	{m.path | some m in ms} == {"/robustness/0/degradation"}
}

test_required_robustness_absent_is_missing_evidence if {
	ms := _missing({"subject": {"name": "m", "version": "1", "risk_tier": "high"}})
	{[m.control, m.path] | some m in ms} == {["MLG-ROB-001", "/robustness"]}
}

test_optional_robustness_absent_needs_nothing if {
	count(_missing({"subject": {"name": "m", "version": "1", "risk_tier": "low"}})) == 0
}

test_optional_robustness_given_is_still_judged if {
	count(_violations(_facts("low", [_noise(0.2)]))) == 1
}
