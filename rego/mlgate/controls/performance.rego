# METADATA
# title: Predictive performance
# description: >-
#   Overall performance metrics meet the tier's minimums (higher is better)
#   and maximums (error rates, latency). Every metric named in the tier's
#   thresholds is required.
package mlgate.controls.performance

import data.mlgate.lib.metrics
import data.mlgate.lib.tier

_minimum := m if {
	m := tier.thresholds.performance.minimum
	is_object(m)
}

_maximum := m if {
	m := tier.thresholds.performance.maximum
	is_object(m)
}

# METADATA
# title: Performance metrics meet tier minimums
# description: >-
#   Each metric in thresholds[tier].performance.minimum is measured overall
#   and every overall measurement is at least the minimum (exactly the
#   minimum passes).
# custom:
#   control_id: MLG-PERF-001
#   severity: high
#   requires: [/metrics, /subject/risk_tier]
#   thresholds: [performance.minimum]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.3, MEASURE 2.5]
#     eu_ai_act: [Art. 15]
#     iso_42001: [A.6.2.4]
violation contains v if {
	some name, minimum in _minimum
	is_number(minimum)
	some i, m in metrics.entries
	m.name == name
	value := m.value
	is_number(value)
	value < minimum
	metrics.overall(m)
	v := {
		"control": "MLG-PERF-001",
		"rule": "metric_below_minimum",
		"severity": "high",
		"message": sprintf("%s is %v, below the %s-tier minimum of %v", [name, value, tier.name, minimum]),
		"expected": {"metric": name, "minimum": minimum},
		"actual": value,
		"evidence": sprintf("/metrics/%d", [i]),
	}
}

# METADATA
# title: Performance metrics meet tier minimums
# description: A metric the tier requires has no numeric overall measurement.
# custom:
#   control_id: MLG-PERF-001
#   severity: high
#   requires: [/metrics, /subject/risk_tier]
missing_evidence contains m if {
	some name, _ in _minimum
	not name in metrics.measured_names
	some path in metrics.unmeasured_paths(name)
	m := {
		"control": "MLG-PERF-001",
		"path": path,
		"message": sprintf("%s is required at the %s tier but was not measured", [name, tier.name]),
	}
}

# METADATA
# title: Error and latency metrics within tier maximums
# description: >-
#   Each metric in thresholds[tier].performance.maximum is measured overall
#   and every overall measurement is at most the maximum (exactly the maximum
#   passes).
# custom:
#   control_id: MLG-PERF-002
#   severity: medium
#   requires: [/metrics, /subject/risk_tier]
#   thresholds: [performance.maximum]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.3]
#     eu_ai_act: [Art. 15]
#     iso_42001: [A.6.2.4]
violation contains v if {
	some name, maximum in _maximum
	is_number(maximum)
	some i, m in metrics.entries
	m.name == name
	value := m.value
	is_number(value)
	value > maximum
	metrics.overall(m)
	v := {
		"control": "MLG-PERF-002",
		"rule": "metric_above_maximum",
		"severity": "medium",
		"message": sprintf("%s is %v, above the %s-tier maximum of %v", [name, value, tier.name, maximum]),
		"expected": {"metric": name, "maximum": maximum},
		"actual": value,
		"evidence": sprintf("/metrics/%d", [i]),
	}
}

# METADATA
# title: Error and latency metrics within tier maximums
# description: A metric the tier caps has no numeric overall measurement.
# custom:
#   control_id: MLG-PERF-002
#   severity: medium
#   requires: [/metrics, /subject/risk_tier]
missing_evidence contains m if {
	some name, _ in _maximum
	not name in metrics.measured_names
	some path in metrics.unmeasured_paths(name)
	m := {
		"control": "MLG-PERF-002",
		"path": path,
		"message": sprintf("%s is required at the %s tier but was not measured", [name, tier.name]),
	}
}
