# METADATA
# title: Calibration
# description: >-
#   Predicted probabilities mean what they say: calibration errors stay
#   within the tier's maximums.
package mlgate.controls.calibration

import data.mlgate.lib.metrics
import data.mlgate.lib.tier

_maximum := m if {
	m := tier.thresholds.calibration.maximum
	is_object(m)
}

# METADATA
# title: Calibration error within tier maximum
# description: >-
#   Each calibration metric in thresholds[tier].calibration.maximum (e.g.
#   expected_calibration_error) is measured overall and is at most the
#   maximum (exactly the maximum passes).
# custom:
#   control_id: MLG-CAL-001
#   severity: medium
#   requires: [/metrics, /subject/risk_tier]
#   thresholds: [calibration.maximum]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.5]
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
		"control": "MLG-CAL-001",
		"rule": "calibration_error_above_maximum",
		"severity": "medium",
		"message": sprintf("%s is %v, above the %s-tier maximum of %v", [name, value, tier.name, maximum]),
		"expected": {"metric": name, "maximum": maximum},
		"actual": value,
		"evidence": sprintf("/metrics/%d", [i]),
	}
}

# METADATA
# title: Calibration error within tier maximum
# description: A calibration metric the tier requires has no numeric overall measurement.
# custom:
#   control_id: MLG-CAL-001
#   severity: medium
#   requires: [/metrics, /subject/risk_tier]
missing_evidence contains m if {
	some name, _ in _maximum
	not name in metrics.measured_names
	some path in metrics.unmeasured_paths(name)
	m := {
		"control": "MLG-CAL-001",
		"path": path,
		"message": sprintf("%s is required at the %s tier but was not measured", [name, tier.name]),
	}
}
