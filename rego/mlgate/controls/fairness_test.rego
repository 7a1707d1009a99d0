package mlgate.controls.fairness_test

import data.mlgate.controls.fairness

_thresholds := {
	"high": {"fairness": {"minimum_ratio": {"selection_rate": 0.8}, "maximum_difference": {"equalized_odds": 0.1}}},
	"low": {"fairness": {"minimum_ratio": {}, "maximum_difference": {}}},
}

_facts(tier, entries) := {"subject": {"name": "m", "version": "1", "risk_tier": tier}, "fairness": entries}

_violations(inp) := vs if {
	vs := fairness.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := fairness.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_rate(ratio) := {"metric": "selection_rate", "sensitive_feature": "sex", "ratio": ratio}

_odds(difference) := {"metric": "equalized_odds", "sensitive_feature": "sex", "difference": difference}

test_ratio_exactly_at_four_fifths_passes if {
	inp := _facts("high", [_rate(0.8), _odds(0.04)])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_ratio_below_four_fifths_is_disparate_impact if {
	vs := _violations(_facts("high", [_rate(0.79), _odds(0.04)]))
	{[v.control, v.evidence, v.actual] | some v in vs} == {["MLG-FAIR-001", "/fairness/0/ratio", 0.79]}
}

test_every_sensitive_feature_is_checked if {
	age := {"metric": "selection_rate", "sensitive_feature": "age_band", "ratio": 0.7}
	vs := _violations(_facts("high", [_rate(0.9), _odds(0.04), age]))
	{v.evidence | some v in vs} == {"/fairness/2/ratio"}
}

test_difference_exactly_at_maximum_passes if {
	count(_violations(_facts("high", [_rate(0.9), _odds(0.1)]))) == 0
}

test_difference_above_maximum_is_violation if {
	vs := _violations(_facts("high", [_rate(0.9), _odds(0.12)]))
	{[v.control, v.evidence] | some v in vs} == {["MLG-FAIR-002", "/fairness/1/difference"]}
}

test_negative_difference_is_judged_by_magnitude if {
	vs := _violations(_facts("high", [_rate(0.9), _odds(-0.12)]))
	{v.control | some v in vs} == {"MLG-FAIR-002"}
}

test_absent_fairness_is_missing_evidence_for_both_controls if {
	ms := _missing({"subject": {"name": "m", "version": "1", "risk_tier": "high"}})
	{[m.control, m.path] | some m in ms} == {["MLG-FAIR-001", "/fairness"], ["MLG-FAIR-002", "/fairness"]}
}

test_null_ratio_is_missing_evidence_at_the_ratio if {
	ms := _missing(_facts("high", [_rate(null), _odds(0.04)]))
	{[m.control, m.path] | some m in ms} == {["MLG-FAIR-001", "/fairness/0/ratio"]}
}

test_tier_without_fairness_requirement_needs_none if {
	inp := _facts("low", [_rate(0.5)])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}
