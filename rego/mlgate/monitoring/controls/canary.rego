# METADATA
# title: "Monitoring: challenger against champion"
# description: >-
#   A challenger (a canary in production, or a candidate compared offline with
#   mlgate compare) is not worse than its champion by more than the tier's
#   margin on any metric they share. mlgate computes each regression in the
#   metric's direction (data.mlgate.metrics) in exact decimals: for a
#   higher-is-better metric champion minus challenger, for a lower-is-better
#   one challenger minus champion. The policy compares it with
#   comparison.max_regression (per metric, with a default).
# custom:
#   entrypoints: [data.mlgate.monitoring.decision, data.mlgate.monitoring.comparison.decision]
package mlgate.monitoring.controls.canary

import data.mlgate.monitoring.lib

_pairs := lib.array_at(lib.canary, "metrics")

_margins := m if {
	m := lib.thresholds.comparison.max_regression
	is_object(m)
} else := {}

_complete(p) if {
	is_object(p)
	is_string(p.name)
	is_number(p.champion)
	is_number(p.challenger)
	is_number(p.regression)
}

_name(p) := n if {
	n := p.name
	is_string(n)
} else := "a metric"

# METADATA
# title: Challenger within the margin of its champion
# description: >-
#   For every metric both were measured on, the challenger's regression
#   against the champion is at most the margin (exactly the margin passes).
# custom:
#   control_id: MLG-MON-006
#   severity: high
#   thresholds: [comparison.max_regression]
#   requires: [/monitoring/canary/metrics, /subject/risk_tier]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.4, MANAGE 2.4]
#     eu_ai_act: [Art. 15, Art. 72]
#     iso_42001: [A.6.2.5, A.6.2.6]
violation contains v if {
	some i, p in _pairs
	_complete(p)
	margin := lib.per_name(_margins, p.name)
	p.regression > margin
	v := {
		"control": "MLG-MON-006",
		"rule": "challenger_worse_than_champion",
		"severity": "high",
		"message": sprintf("%s: the challenger (%v) is worse than the champion (%v) by %v; the %s tier allows %v", [p.name, p.challenger, p.champion, p.regression, lib.tier, margin]),
		"expected": {"metric": p.name, "champion": p.champion, "max_regression": margin},
		"actual": p.challenger,
		"evidence": sprintf("/monitoring/canary/metrics/%d", [i]),
	}
}

# METADATA
# title: Challenger within the margin of its champion
# description: >-
#   A metric the champion was measured on has no challenger value (or no
#   computed regression), or the tier gives it no margin.
# custom:
#   control_id: MLG-MON-006
#   severity: high
#   thresholds: [comparison.max_regression]
#   requires: [/monitoring/canary/metrics]
missing_evidence contains m if {
	some i, p in _pairs
	lib.tier
	not _complete(p)
	m := {
		"control": "MLG-MON-006",
		"path": sprintf("/monitoring/canary/metrics/%d", [i]),
		"message": sprintf("%s cannot be compared: the champion, the challenger or the regression is missing", [_name(p)]),
	}
}

# METADATA
# title: Challenger within the margin of its champion
# description: The tier's comparison.max_regression gives the metric no margin and has no default.
# custom:
#   control_id: MLG-MON-006
#   severity: high
#   thresholds: [comparison.max_regression]
#   requires: [/monitoring/canary/metrics, /subject/risk_tier]
missing_evidence contains m if {
	some i, p in _pairs
	_complete(p)
	lib.tier
	not lib.per_name(_margins, p.name)
	m := {
		"control": "MLG-MON-006",
		"path": sprintf("/monitoring/canary/metrics/%d", [i]),
		"message": sprintf("the %s tier gives %s no margin (comparison.max_regression has no default)", [lib.tier, p.name]),
	}
}

# METADATA
# title: Challenger within the margin of its champion
# description: >-
#   A comparison was given without any metric to compare.
# custom:
#   control_id: MLG-MON-006
#   severity: high
#   thresholds: [comparison.max_regression]
#   requires: [/monitoring/canary/metrics, /subject/risk_tier]
missing_evidence contains m if {
	lib.has_canary
	count(_pairs) == 0
	m := {
		"control": "MLG-MON-006",
		"path": "/monitoring/canary/metrics",
		"message": "the champion and the challenger share no metric to compare",
	}
}

# METADATA
# title: Challenger within the margin of its champion
# description: A comparison was given but the subject's tier is unknown.
# custom:
#   control_id: MLG-MON-006
#   severity: high
#   thresholds: [comparison.max_regression]
#   requires: [/subject/risk_tier]
missing_evidence contains m if {
	lib.has_canary
	not lib.tier
	m := {
		"control": "MLG-MON-006",
		"path": "/subject/risk_tier",
		"message": "the subject declares no risk tier, so no margin can be chosen",
	}
}
