# METADATA
# title: Robustness under perturbation
# description: >-
#   Stress tests (noise, distribution shift, adversarial inputs) do not
#   degrade the model beyond the tier's allowance. Each entry reports a
#   degradation in the metric's own units (mlgate derives it from value and
#   baseline when a tool gives only those) or a pass/fail verdict.
package mlgate.controls.robustness

import data.mlgate.lib.tier

entries := r if {
	r := input.robustness
	is_array(r)
} else := []

# Read with field references only (max_degradation is guarded below).
_th := tier.thresholds.robustness

# The allowed degradation for a metric: its own entry, else the default.
_limits := l if {
	l := _th.max_degradation
	is_object(l)
}

_max_degradation(metric) := m if {
	m := _limits[metric]
	is_number(m)
} else := m if {
	m := _limits["default"]
	is_number(m)
}

# Indexes of the tests that report a numeric degradation or a pass/fail verdict.
_judged := {i | some i, r in entries; is_number(r.degradation)} | {i | some i, r in entries; is_boolean(r.passed)}

# METADATA
# title: Robustness degradation within tier maximum
# description: >-
#   Each robustness test's degradation is at most
#   thresholds[tier].robustness.max_degradation for its metric (or the
#   default); exactly the maximum passes.
# custom:
#   control_id: MLG-ROB-001
#   severity: medium
#   requires: [/robustness, /subject/risk_tier]
#   thresholds: [robustness.required, robustness.max_degradation]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.5, MEASURE 2.7]
#     eu_ai_act: [Art. 15]
#     iso_42001: [A.6.2.4]
violation contains v if {
	some i, r in entries
	degradation := r.degradation
	is_number(degradation)
	maximum := _max_degradation(r.metric)
	degradation > maximum
	v := {
		"control": "MLG-ROB-001",
		"rule": "degradation_above_maximum",
		"severity": "medium",
		"message": sprintf(
			"robustness test %v degrades %v by %v, above the %s-tier maximum of %v",
			[r.test, r.metric, degradation, tier.name, maximum],
		),
		"expected": {"metric": r.metric, "max_degradation": maximum},
		"actual": degradation,
		"evidence": sprintf("/robustness/%d/degradation", [i]),
	}
}

# METADATA
# title: Robustness degradation within tier maximum
# description: A robustness tool reported its test as failed.
# custom:
#   control_id: MLG-ROB-001
#   severity: medium
#   requires: [/robustness]
violation contains v if {
	some i, r in entries
	r.passed == false
	v := {
		"control": "MLG-ROB-001",
		"rule": "robustness_test_failed",
		"severity": "medium",
		"message": sprintf("robustness test %v on %v reported a failure", [r.test, r.metric]),
		"expected": {"passed": true},
		"actual": {"passed": false},
		"evidence": sprintf("/robustness/%d/passed", [i]),
	}
}

# METADATA
# title: Robustness degradation within tier maximum
# description: >-
#   The tier requires robustness tests and none were reported, or a test
#   reports neither a degradation nor a verdict.
# custom:
#   control_id: MLG-ROB-001
#   severity: medium
#   requires: [/robustness, /subject/risk_tier]
missing_evidence contains m if {
	_th.required == true
	count(entries) == 0
	m := {
		"control": "MLG-ROB-001",
		"path": "/robustness",
		"message": sprintf("no robustness tests reported; required at the %s tier", [tier.name]),
	}
}

# METADATA
# title: Robustness degradation within tier maximum
# description: A robustness test reports neither a degradation nor a pass/fail verdict.
# custom:
#   control_id: MLG-ROB-001
#   severity: medium
#   requires: [/robustness, /subject/risk_tier]
missing_evidence contains m if {
	some i, r in entries
	not i in _judged
	tier.known
	m := {
		"control": "MLG-ROB-001",
		"path": sprintf("/robustness/%d/degradation", [i]),
		"message": sprintf("robustness test %v reports neither a degradation nor a verdict", [r.test]),
	}
}
