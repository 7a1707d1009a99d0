# METADATA
# title: "Monitoring: prediction confidence"
# description: >-
#   The model stays confident in production: the mean prediction confidence
#   over the trailing window is at least confidence.min_mean. The signal named
#   confidence.signal holds the confidences (0 to 1).
# custom:
#   entrypoints: [data.mlgate.monitoring.decision]
package mlgate.monitoring.controls.confidence

import data.mlgate.monitoring.lib

_signal := s if {
	s := lib.thresholds.confidence.signal
	is_string(s)
} else := "prediction_confidence"

# METADATA
# title: Mean prediction confidence above the tier's minimum
# description: The window's mean confidence is at least confidence.min_mean (exactly the minimum passes).
# custom:
#   control_id: MLG-MON-004
#   severity: medium
#   thresholds: [confidence.min_mean]
#   requires: [/monitoring/signals]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.4, MANAGE 4.1]
#     eu_ai_act: [Art. 72]
#     iso_42001: [A.6.2.6]
violation contains v if {
	some i in lib.named(_signal)
	mean := lib.stat(lib.signals[i], "mean")
	minimum := lib.number("confidence", "min_mean")
	mean < minimum
	v := {
		"control": "MLG-MON-004",
		"rule": "mean_confidence_below_minimum",
		"severity": "medium",
		"message": sprintf("%s: the mean over the window is %v, below the %s-tier minimum of %v", [_signal, mean, lib.tier, minimum]),
		"expected": {"signal": _signal, "minimum": minimum},
		"actual": mean,
		"evidence": sprintf("/monitoring/signals/%d/stats/mean", [i]),
	}
}

# METADATA
# title: Mean prediction confidence above the tier's minimum
# description: The confidence signal has no mean over the window.
# custom:
#   control_id: MLG-MON-004
#   severity: medium
#   thresholds: [confidence.min_mean]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i in lib.named(_signal)
	lib.number("confidence", "min_mean")
	not lib.stat(lib.signals[i], "mean")
	m := {
		"control": "MLG-MON-004",
		"path": sprintf("/monitoring/signals/%d/stats/mean", [i]),
		"message": sprintf("%s has no mean over the window", [_signal]),
	}
}
