# METADATA
# title: "Monitoring: feature drift"
# description: >-
#   Input features have not drifted beyond their limits. Each drift entry (from
#   an Evidently report) carries its score and what kind of score it is: a
#   distance (Wasserstein, PSI, Jensen-Shannon, ...; higher is more drift) is
#   compared with drift.max_distance, a p-value (K-S, chi-square, ...; lower is
#   more drift) with drift.min_p_value, each per feature with a default.
# custom:
#   entrypoints: [data.mlgate.monitoring.decision]
package mlgate.monitoring.controls.drift

import data.mlgate.monitoring.lib

_table(key) := t if {
	t := lib.thresholds.drift[key]
	is_object(t)
} else := {}

_scored(e) if {
	is_object(e)
	is_string(e.feature)
	is_number(e.score)
	e.score_kind in {"distance", "p_value"}
}

_feature(e) := f if {
	f := e.feature
	is_string(f)
} else := "a feature"

default _required := false

_required if lib.thresholds.drift.required == true

# METADATA
# title: Feature drift within its limit
# description: >-
#   Every distance score is at most its drift.max_distance and every p-value
#   score at least its drift.min_p_value (exactly the limit passes).
# custom:
#   control_id: MLG-MON-005
#   severity: medium
#   thresholds: [drift.max_distance, drift.min_p_value]
#   requires: [/monitoring/drift]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.4, MEASURE 2.7]
#     eu_ai_act: [Art. 72]
#     iso_42001: [A.6.2.6, A.7.4]
violation contains v if {
	some i, e in lib.drift
	_scored(e)
	e.score_kind == "distance"
	limit := lib.per_name(_table("max_distance"), e.feature)
	e.score > limit
	v := {
		"control": "MLG-MON-005",
		"rule": "feature_drift_above_limit",
		"severity": "medium",
		"message": sprintf("feature %s drifted: %s distance %v is above the %s-tier limit of %v", [e.feature, object.get(e, "method", "drift"), e.score, lib.tier, limit]),
		"expected": {"feature": e.feature, "max_distance": limit},
		"actual": e.score,
		"evidence": sprintf("/monitoring/drift/%d/score", [i]),
	}
}

# METADATA
# title: Feature drift within its limit
# description: A p-value score is below its drift.min_p_value (the distributions differ).
# custom:
#   control_id: MLG-MON-005
#   severity: medium
#   thresholds: [drift.max_distance, drift.min_p_value]
#   requires: [/monitoring/drift]
violation contains v if {
	some i, e in lib.drift
	_scored(e)
	e.score_kind == "p_value"
	limit := lib.per_name(_table("min_p_value"), e.feature)
	e.score < limit
	v := {
		"control": "MLG-MON-005",
		"rule": "feature_drift_p_value_below_limit",
		"severity": "medium",
		"message": sprintf("feature %s drifted: %s p-value %v is below the %s-tier limit of %v", [e.feature, object.get(e, "method", "drift test"), e.score, lib.tier, limit]),
		"expected": {"feature": e.feature, "min_p_value": limit},
		"actual": e.score,
		"evidence": sprintf("/monitoring/drift/%d/score", [i]),
	}
}

# METADATA
# title: Feature drift within its limit
# description: >-
#   A drift entry has no numeric score, or a score mlgate could not classify
#   as a distance or a p-value (an unknown drift method).
# custom:
#   control_id: MLG-MON-005
#   severity: medium
#   thresholds: [drift.max_distance, drift.min_p_value]
#   requires: [/monitoring/drift]
missing_evidence contains m if {
	some i, e in lib.drift
	lib.tier
	not _scored(e)
	m := {
		"control": "MLG-MON-005",
		"path": sprintf("/monitoring/drift/%d", [i]),
		"message": sprintf("the drift score of %s cannot be judged (no score, or an unknown kind of score)", [_feature(e)]),
	}
}

# METADATA
# title: Feature drift within its limit
# description: The tier requires a drift report (drift.required) and none was given.
# custom:
#   control_id: MLG-MON-005
#   severity: medium
#   thresholds: [drift.max_distance, drift.min_p_value]
#   requires: [/monitoring/drift, /subject/risk_tier]
missing_evidence contains m if {
	_required
	count(lib.drift) == 0
	m := {
		"control": "MLG-MON-005",
		"path": "/monitoring/drift",
		"message": sprintf("the %s tier requires a feature drift report; none was given", [lib.tier]),
	}
}
