# Invariants of the shipped data (thresholds, metric directions, waivers):
# a compliance team edits numbers; these tests keep the shape the rules read.
package mlgate.data_test

import data.mlgate.lib.clock

_tiers := ["low", "medium", "high"]

_booleans := {
	["robustness", "required"],
	["privacy", "pii_scan_required"],
	["privacy", "impact_assessment_required"],
	["privacy", "consent_basis_required"],
	["security", "scan_required"],
	["documentation", "model_card_required"],
	["documentation", "data_dictionary_required"],
	["lineage", "require_dataset_digest"],
	["lineage", "leakage_check_required"],
	["lineage", "data_quality_required"],
	["change", "baseline_required"],
}

_numbers := {
	["privacy", "max_pii_findings"],
	["security", "max_scan_age_days"],
	["approvals", "min_distinct_roles"],
}

_lists := {
	["explainability", "required_artifact_kinds"],
	["privacy", "allowed_consent_bases"],
	["documentation", "required_model_card_sections"],
	["lineage", "required_dataset_roles"],
	["approvals", "required"],
}

# Maps of canonical metric name -> number.
_metric_maps := {
	["performance", "minimum"],
	["performance", "maximum"],
	["calibration", "maximum"],
	["robustness", "max_degradation"],
	["change", "max_regression"],
}

_at(tier, path) := data.mlgate.thresholds[tier][path[0]][path[1]]

test_every_tier_has_typed_thresholds if {
	every tier in _tiers {
		every path in _booleans {
			is_boolean(_at(tier, path))
		}
		every path in _numbers {
			is_number(_at(tier, path))
		}
		every path in _lists {
			is_array(_at(tier, path))
		}
		every path in _metric_maps {
			is_object(_at(tier, path))
		}
	}
}

test_threshold_metrics_are_canonical_and_numeric if {
	every tier in _tiers {
		every path in _metric_maps {
			every name, value in _at(tier, path) {
				is_number(value)
				_canonical_or_default(name)
			}
		}
	}
}

_canonical_or_default(name) if name == "default"

_canonical_or_default(name) if data.mlgate.metrics[name]

test_degradation_and_regression_have_defaults if {
	every tier in _tiers {
		is_number(data.mlgate.thresholds[tier].robustness.max_degradation["default"])
		is_number(data.mlgate.thresholds[tier].change.max_regression["default"])
	}
}

test_vulnerability_limits_are_counts_per_severity if {
	every tier in _tiers {
		limits := data.mlgate.thresholds[tier].security.max_vulnerabilities
		is_object(limits)
		is_number(limits.critical)
		every severity, maximum in limits {
			severity in {"critical", "high", "medium", "low", "unknown"}
			is_number(maximum)
			maximum >= 0
		}
	}
}

test_fairness_limits_are_ratios_and_differences if {
	every tier in _tiers {
		every _, r in data.mlgate.thresholds[tier].fairness.minimum_ratio {
			is_number(r)
			r > 0
			r <= 1
		}
		every _, d in data.mlgate.thresholds[tier].fairness.maximum_difference {
			is_number(d)
			d >= 0
			d <= 1
		}
	}
}

test_required_approvals_are_roles_with_positive_counts if {
	every tier in _tiers {
		required := data.mlgate.thresholds[tier].approvals.required
		count(required) > 0
		every r in required {
			is_string(r.role)
			is_number(r.count)
			r.count >= 1
		}
		count({r.role | some r in required}) == count(required)
		count(required) >= data.mlgate.thresholds[tier].approvals.min_distinct_roles
	}
}

test_high_tier_requires_two_roles if {
	approvals := data.mlgate.thresholds.high.approvals
	approvals.min_distinct_roles >= 2
	count({r.role | some r in approvals.required}) >= 2
}

test_higher_tiers_are_never_laxer if {
	every pair in [["low", "medium"], ["medium", "high"]] {
		lower := data.mlgate.thresholds[pair[0]]
		upper := data.mlgate.thresholds[pair[1]]
		every name, minimum in lower.performance.minimum {
			upper.performance.minimum[name] >= minimum
		}
		every name, maximum in lower.performance.maximum {
			upper.performance.maximum[name] <= maximum
		}
		every section in lower.documentation.required_model_card_sections {
			section in upper.documentation.required_model_card_sections
		}
		every role in lower.lineage.required_dataset_roles {
			role in upper.lineage.required_dataset_roles
		}
		every kind in lower.explainability.required_artifact_kinds {
			kind in upper.explainability.required_artifact_kinds
		}
		every severity, maximum in lower.security.max_vulnerabilities {
			upper.security.max_vulnerabilities[severity] <= maximum
		}
		upper.security.max_scan_age_days <= lower.security.max_scan_age_days
	}
}

test_metric_directions_are_higher_or_lower if {
	count(data.mlgate.metrics) > 0
	every _, spec in data.mlgate.metrics {
		spec.direction in {"higher", "lower"}
	}
}

test_shipped_waivers_are_well_formed if {
	is_array(data.mlgate.waivers)
	every w in data.mlgate.waivers {
		regex.match(`^MLG-[A-Z]+-[0-9]{3}$`, w.control)
		every field in ["model", "reason", "ticket", "approver"] {
			is_string(w[field])
			count(w[field]) > 0
		}
		clock.valid(w.expires_at)
	}
}
