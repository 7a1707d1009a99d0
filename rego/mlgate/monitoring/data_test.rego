# Invariants of the shipped monitoring data (thresholds, ownership, playbook):
# people edit numbers; these tests keep the shape the rules read.
package mlgate.monitoring.data_test

_tiers := ["low", "medium", "high"]

_numbers := {
	["window", "days"],
	["evidence", "min_coverage"],
	["evidence", "max_gap_buckets"],
	["evidence", "max_bucket_hours"],
	["evidence", "min_samples"],
	["baseline", "sigmas"],
	["baseline", "min_samples"],
	["latency", "p99_max_ms"],
	["latency", "limit_ms"],
	["latency", "max_share_over_limit"],
	["confidence", "min_mean"],
}

_th(tier) := data.mlgate.monitoring.thresholds[tier]

test_every_tier_has_every_number if {
	every tier in _tiers {
		every path in _numbers {
			is_number(object.get(_th(tier), path, null))
		}
	}
}

test_every_tier_names_required_signals_and_signal_names if {
	every tier in _tiers {
		is_array(_th(tier).required_signals)
		is_array(_th(tier).baseline.required_for)
		is_string(_th(tier).latency.signal)
		is_string(_th(tier).confidence.signal)
		is_boolean(_th(tier).drift.required)
	}
}

test_every_margin_table_has_a_default if {
	every tier in _tiers {
		is_number(_th(tier).comparison.max_regression["default"])
		is_number(_th(tier).drift.max_distance["default"])
		is_number(_th(tier).drift.min_p_value["default"])
	}
}

test_every_action_has_an_integer_sla_in_every_tier if {
	every tier in _tiers {
		every action in ["rollback", "retrain", "investigate"] {
			h := _th(tier).sla_hours[action]
			is_number(h)
			h == floor(h)
			h > 0
		}
	}
}

test_stricter_tiers_act_sooner if {
	every action in ["rollback", "retrain", "investigate"] {
		_th("high").sla_hours[action] <= _th("medium").sla_hours[action]
		_th("medium").sla_hours[action] <= _th("low").sla_hours[action]
	}
}

test_rollback_approvals_are_role_counts if {
	every tier in _tiers {
		every r in _th(tier).approvals.rollback {
			is_string(r.role)
			is_number(r.count)
		}
	}
}

test_playbook_names_known_actions_and_a_known_fallback_tier if {
	every _, names in data.mlgate.monitoring.playbook.controls {
		every name in names {
			name in {"rollback", "retrain", "investigate"}
		}
	}
	data.mlgate.monitoring.playbook.fallback_tier in _tiers
}
