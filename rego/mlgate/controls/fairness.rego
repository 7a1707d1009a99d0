# METADATA
# title: Fairness across sensitive groups
# description: >-
#   Group fairness measured per sensitive feature (e.g. with fairlearn's
#   MetricFrame): the selection-rate ratio between the least and most favoured
#   group (disparate impact, the four-fifths rule) and the equalized-odds
#   difference stay within the tier's limits for every sensitive feature
#   measured.
package mlgate.controls.fairness

import data.mlgate.lib.facts
import data.mlgate.lib.tier

entries := f if {
	f := input.fairness
	is_array(f)
} else := []

# The tier's limits, {metric: number} (undefined when not an object: only iterated).
_minimum_ratio := m if {
	m := tier.thresholds.fairness.minimum_ratio
	is_object(m)
}

_maximum_difference := m if {
	m := tier.thresholds.fairness.maximum_difference
	is_object(m)
}

# The fairness metrics reported, to find required ones that were not measured.
# Rules below pick a metric's entries with f.metric == metric in the loop
# itself: a helper function would re-scan the entries for every rule.
_metrics := {f.metric | some f in entries}

# METADATA
# title: Disparate impact within tier limit
# description: >-
#   For each metric in thresholds[tier].fairness.minimum_ratio (e.g.
#   selection_rate at 0.8), every sensitive feature's min/max group ratio is
#   at least the minimum (exactly the minimum passes).
# custom:
#   control_id: MLG-FAIR-001
#   severity: high
#   requires: [/fairness, /subject/risk_tier]
#   thresholds: [fairness.minimum_ratio]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.11]
#     eu_ai_act: [Art. 10]
#     iso_42001: [A.5.4]
violation contains v if {
	some metric, minimum in _minimum_ratio
	is_number(minimum)
	some i, f in entries
	f.metric == metric
	ratio := f.ratio
	is_number(ratio)
	ratio < minimum
	v := {
		"control": "MLG-FAIR-001",
		"rule": "group_ratio_below_minimum",
		"severity": "high",
		"message": sprintf(
			"%s ratio across %v is %v, below the %s-tier minimum of %v",
			[metric, f.sensitive_feature, ratio, tier.name, minimum],
		),
		"expected": {"metric": metric, "minimum_ratio": minimum},
		"actual": ratio,
		"evidence": sprintf("/fairness/%d/ratio", [i]),
	}
}

# METADATA
# title: Disparate impact within tier limit
# description: The tier requires a group ratio that was not measured.
# custom:
#   control_id: MLG-FAIR-001
#   severity: high
#   requires: [/fairness, /subject/risk_tier]
missing_evidence contains m if {
	some metric, _ in _minimum_ratio
	not metric in _metrics
	m := {
		"control": "MLG-FAIR-001",
		"path": "/fairness",
		"message": sprintf("no %s fairness measurement; required at the %s tier", [metric, tier.name]),
	}
}

# METADATA
# title: Disparate impact within tier limit
# description: A fairness entry the tier judges by its ratio has no numeric ratio.
# custom:
#   control_id: MLG-FAIR-001
#   severity: high
#   requires: [/fairness, /subject/risk_tier]
missing_evidence contains m if {
	some metric, _ in _minimum_ratio
	some i, f in entries
	f.metric == metric
	not facts.has_number(f, "ratio")
	m := {
		"control": "MLG-FAIR-001",
		"path": sprintf("/fairness/%d/ratio", [i]),
		"message": sprintf("%s across %v has no ratio", [metric, f.sensitive_feature]),
	}
}

# METADATA
# title: Group error-rate difference within tier limit
# description: >-
#   For each metric in thresholds[tier].fairness.maximum_difference (e.g.
#   equalized_odds at 0.1), every sensitive feature's largest between-group
#   difference is at most the maximum (exactly the maximum passes).
# custom:
#   control_id: MLG-FAIR-002
#   severity: high
#   requires: [/fairness, /subject/risk_tier]
#   thresholds: [fairness.maximum_difference]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.11]
#     eu_ai_act: [Art. 10]
#     iso_42001: [A.5.4]
violation contains v if {
	some metric, maximum in _maximum_difference
	is_number(maximum)
	some i, f in entries
	f.metric == metric
	difference := f.difference
	is_number(difference)
	abs(difference) > maximum
	v := {
		"control": "MLG-FAIR-002",
		"rule": "group_difference_above_maximum",
		"severity": "high",
		"message": sprintf(
			"%s difference across %v is %v, above the %s-tier maximum of %v",
			[metric, f.sensitive_feature, difference, tier.name, maximum],
		),
		"expected": {"metric": metric, "maximum_difference": maximum},
		"actual": difference,
		"evidence": sprintf("/fairness/%d/difference", [i]),
	}
}

# METADATA
# title: Group error-rate difference within tier limit
# description: The tier requires a group difference that was not measured.
# custom:
#   control_id: MLG-FAIR-002
#   severity: high
#   requires: [/fairness, /subject/risk_tier]
missing_evidence contains m if {
	some metric, _ in _maximum_difference
	not metric in _metrics
	m := {
		"control": "MLG-FAIR-002",
		"path": "/fairness",
		"message": sprintf("no %s fairness measurement; required at the %s tier", [metric, tier.name]),
	}
}

# METADATA
# title: Group error-rate difference within tier limit
# description: A fairness entry the tier judges by its difference has no numeric difference.
# custom:
#   control_id: MLG-FAIR-002
#   severity: high
#   requires: [/fairness, /subject/risk_tier]
missing_evidence contains m if {
	some metric, _ in _maximum_difference
	some i, f in entries
	f.metric == metric
	not facts.has_number(f, "difference")
	m := {
		"control": "MLG-FAIR-002",
		"path": sprintf("/fairness/%d/difference", [i]),
		"message": sprintf("%s across %v has no difference", [metric, f.sensitive_feature]),
	}
}
