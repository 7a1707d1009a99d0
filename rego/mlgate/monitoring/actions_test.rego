package mlgate.monitoring.actions_test

import data.mlgate.monitoring.actions

_th := {
	"medium": {
		"sla_hours": {"rollback": 4, "retrain": 336, "investigate": 24},
		"approvals": {"rollback": [{"role": "ml_lead", "count": 1}]},
	},
	"high": {"sla_hours": {"rollback": 1, "retrain": 168, "investigate": 8}, "approvals": {"rollback": []}},
}

_release := {"medium": {"approvals": {"required": [{"role": "model_risk", "count": 1}]}}}

_playbook := {
	"controls": {"MLG-MON-002": ["rollback", "investigate"], "MLG-MON-005": ["retrain"], "MLG-MON-007": ["investigate"]},
	"fallback_tier": "high",
}

_ownership := {"default": {"rollback": "oncall"}, "models": {"special": {"rollback": "special-team"}}}

_facts(tier) := {
	"subject": {"name": "m", "version": "1", "risk_tier": tier, "owner": "dana"},
	"context": {"evaluated_at": "2026-11-01T00:00:00Z"},
}

_plan(inp, violated, lacking) := p if {
	p := actions.plan(violated, lacking) with input as inp
		with data.mlgate.monitoring.thresholds as _th
		with data.mlgate.monitoring.playbook as _playbook
		with data.mlgate.monitoring.ownership as _ownership
		with data.mlgate.thresholds as _release
}

_by_name(plan) := {a.action: a | some a in plan}

test_nothing_found_needs_no_action if {
	_plan(_facts("medium"), set(), set()) == []
}

test_latency_violation_calls_for_rollback_first_then_investigation if {
	p := _plan(_facts("medium"), {"MLG-MON-002"}, set())
	[a.action | some a in p] == ["rollback", "investigate"]
}

test_missing_evidence_calls_for_investigation_only if {
	p := _plan(_facts("medium"), set(), {"MLG-MON-002", "MLG-MON-005"})
	[a.action | some a in p] == ["investigate"]
	p[0].controls == ["MLG-MON-002", "MLG-MON-005"]
}

test_deadline_is_evaluation_time_plus_sla_in_nanoseconds if {
	a := _by_name(_plan(_facts("medium"), {"MLG-MON-002"}, set())).rollback
	a.sla_hours == 4
	a.deadline_ns == time.parse_rfc3339_ns("2026-11-01T04:00:00Z")
}

test_rollback_needs_the_tiers_approvals if {
	a := _by_name(_plan(_facts("medium"), {"MLG-MON-002"}, set())).rollback
	a.approvals == [{"role": "ml_lead", "count": 1}]
	a.approvals_for == "rollback"
}

test_retrain_needs_the_release_gates_approvals if {
	a := _by_name(_plan(_facts("medium"), {"MLG-MON-005"}, set())).retrain
	a.approvals == [{"role": "model_risk", "count": 1}]
	a.approvals_for == "re_release"
}

test_owner_comes_from_facts_then_bundle_then_subject if {
	from_facts := object.union(_facts("medium"), {"monitoring": {"owners": {"rollback": "alice"}}})
	_by_name(_plan(from_facts, {"MLG-MON-002"}, set())).rollback.owner == "alice"
	_by_name(_plan(from_facts, {"MLG-MON-002"}, set())).rollback.owner_from == "facts"
	special := object.union(_facts("medium"), {"subject": {"name": "special"}})
	_by_name(_plan(special, {"MLG-MON-002"}, set())).rollback.owner == "special-team"
	_by_name(_plan(_facts("medium"), {"MLG-MON-002"}, set())).rollback.owner == "oncall"
	_by_name(_plan(_facts("medium"), {"MLG-MON-005"}, set())).retrain.owner == "dana"
	_by_name(_plan(_facts("medium"), {"MLG-MON-005"}, set())).retrain.owner_from == "subject"
}

test_nobody_named_is_unassigned if {
	inp := {"subject": {"name": "m"}, "context": {"evaluated_at": "2026-11-01T00:00:00Z"}}
	a := _by_name(_plan(inp, {"MLG-MON-005"}, set())).retrain
	a.owner == "unassigned"
	a.owner_from == "none"
}

test_unknown_tier_takes_the_strictest_sla if {
	a := _by_name(_plan(_facts("unknown"), {"MLG-MON-002"}, set())).rollback
	a.sla_hours == 1
}

test_invalid_evaluation_time_gives_no_deadline if {
	inp := object.union(_facts("medium"), {"context": {"evaluated_at": "2026-02-30T00:00:00Z"}})
	a := _by_name(_plan(inp, {"MLG-MON-002"}, set())).rollback
	a.deadline_ns == null
	a.sla_hours == 4
}
