package mlgate.controls.approvals_test

import data.mlgate.controls.approvals

_thresholds := {
	"high": {"approvals": {
		"required": [{"role": "ml_lead", "count": 1}, {"role": "model_risk", "count": 2}, {"role": "compliance", "count": 1}],
		"min_distinct_roles": 2,
	}},
	"low": {"approvals": {"required": [{"role": "ml_lead", "count": 1}], "min_distinct_roles": 1}},
}

_facts(tier, records) := {
	"subject": {"name": "m", "version": "1", "risk_tier": tier, "author": "alice", "owner": "dana"},
	"approvals": records,
	"context": {"evaluated_at": "2025-06-02T12:00:00Z", "actor": "ci-bot"},
}

_approve(role, principal) := {"role": role, "principal": principal, "decision": "approve"}

_reject(role, principal) := {"role": role, "principal": principal, "decision": "reject"}

_all_high := [
	_approve("ml_lead", "bob"),
	_approve("model_risk", "carol"),
	_approve("model_risk", "erin"),
	_approve("compliance", "frank"),
]

_outstanding(inp) := out if {
	rs := approvals.required_approvals with input as inp with data.mlgate.thresholds as _thresholds
	out := {[r.role, r.count, r.given] | some r in rs}
}

_ignored(inp) := xs if {
	xs := approvals.ignored with input as inp with data.mlgate.thresholds as _thresholds
}

_violations(inp) := vs if {
	vs := approvals.violation with input as inp with data.mlgate.thresholds as _thresholds
}

test_all_required_approvals_leave_nothing_outstanding if {
	inp := _facts("high", _all_high)
	count(_outstanding(inp)) == 0
	count(_violations(inp)) == 0
	count(_ignored(inp)) == 0
}

test_no_approvals_leave_every_role_outstanding if {
	_outstanding(_facts("high", [])) == {["ml_lead", 1, 0], ["model_risk", 2, 0], ["compliance", 1, 0]}
}

test_required_approval_carries_its_control if {
	rs := approvals.required_approvals with input as _facts("low", []) with data.mlgate.thresholds as _thresholds
	{r.controls | some r in rs} == {["MLG-APR-001"]}
}

test_author_cannot_approve if {
	inp := _facts("low", [_approve("ml_lead", "alice")])
	_outstanding(inp) == {["ml_lead", 1, 0]}
	{[x.principal, x.reason] | some x in _ignored(inp)} == {["alice", "separation of duties: the principal is the model's author"]}
}

test_pipeline_actor_cannot_approve if {
	inp := _facts("low", [_approve("ml_lead", "ci-bot")])
	_outstanding(inp) == {["ml_lead", 1, 0]}
	{x.principal | some x in _ignored(inp)} == {"ci-bot"}
}

test_owner_who_is_not_author_can_approve if {
	count(_outstanding(_facts("low", [_approve("ml_lead", "dana")]))) == 0
}

test_expired_approval_does_not_count if {
	expired := object.union(_approve("ml_lead", "bob"), {"expires_at": "2025-06-01T00:00:00Z"})
	inp := _facts("low", [expired])
	_outstanding(inp) == {["ml_lead", 1, 0]}
	{x.reason | some x in _ignored(inp)} == {"expired before the evaluation time"}
}

test_approval_expiring_later_counts if {
	live := object.union(_approve("ml_lead", "bob"), {"expires_at": "2025-07-01T00:00:00Z"})
	count(_outstanding(_facts("low", [live]))) == 0
}

test_approval_with_uncheckable_expiry_does_not_count if {
	odd := object.union(_approve("ml_lead", "bob"), {"expires_at": "2025-02-30T00:00:00Z"})
	inp := _facts("low", [odd])
	_outstanding(inp) == {["ml_lead", 1, 0]}
	{x.reason | some x in _ignored(inp)} == {"its expiry cannot be checked against the evaluation time"}
}

test_distinct_principals_per_role if {
	records := [
		_approve("ml_lead", "bob"), _approve("model_risk", "carol"),
		_approve("model_risk", "carol"), _approve("compliance", "frank"),
	]
	_outstanding(_facts("high", records)) == {["model_risk", 2, 1]}
}

test_one_principal_satisfies_one_role if {
	records := [
		_approve("model_risk", "carol"), _approve("model_risk", "erin"),
		_approve("compliance", "frank"), _approve("ml_lead", "frank"),
	]
	inp := _facts("high", records)
	_outstanding(inp) == {["compliance", 1, 0]}
	{[x.principal, x.role] | some x in _ignored(inp)} == {["frank", "compliance"]}
}

test_high_tier_requires_two_roles if {
	# One role, however many approvers, cannot release a high-tier model.
	one_role := {"high": {"approvals": {"required": [{"role": "model_risk", "count": 3}], "min_distinct_roles": 2}}}
	inp := _facts("high", [_approve("model_risk", "carol"), _approve("model_risk", "erin"), _approve("model_risk", "gus")])
	vs := approvals.violation with input as inp with data.mlgate.thresholds as one_role
	{[v.control, v.expected.min_distinct_roles] | some v in vs} == {["MLG-APR-003", 2]}
}

test_shipped_high_tier_requires_two_distinct_roles if {
	required := {r.role | some r in data.mlgate.thresholds.high.approvals.required}
	data.mlgate.thresholds.high.approvals.min_distinct_roles >= 2
	count(required) >= data.mlgate.thresholds.high.approvals.min_distinct_roles
}

test_rejection_by_valid_principal_blocks if {
	records := array.concat(_all_high, [_reject("compliance", "grace")])
	vs := _violations(_facts("high", records))
	{[v.control, v.evidence] | some v in vs} == {["MLG-APR-002", "/approvals/4"]}
}

test_rejection_by_unrequired_role_still_blocks if {
	vs := _violations(_facts("low", [_approve("ml_lead", "bob"), _reject("security", "sam")]))
	{v.control | some v in vs} == {"MLG-APR-002"}
}

test_rejection_by_author_blocks if {
	inp := _facts("low", [_approve("ml_lead", "bob"), _reject("ml_lead", "alice")])
	{[v.control, v.evidence] | some v in _violations(inp)} == {["MLG-APR-002", "/approvals/1"]}
	count(_ignored(inp)) == 0
}

test_approval_by_author_is_ignored_but_their_rejection_blocks if {
	inp := _facts("low", [_approve("ml_lead", "alice"), _reject("ml_lead", "alice")])
	{v.control | some v in _violations(inp)} == {"MLG-APR-002"}
	{[x.principal, x.reason] | some x in _ignored(inp)} == {["alice", "separation of duties: the principal is the model's author"]}
}

test_approval_for_unrequired_role_is_reported_ignored if {
	inp := _facts("low", [_approve("ml_lead", "bob"), _approve("legal", "lou")])
	count(_outstanding(inp)) == 0
	{[x.principal, x.reason] | some x in _ignored(inp)} == {["lou", "role legal is not required at the low tier"]}
}

test_without_tier_no_roles_are_required_but_rejections_block if {
	inp := {"subject": {"name": "m", "version": "1"}, "approvals": [_reject("ml_lead", "bob")]}
	count(_outstanding(inp)) == 0
	{v.control | some v in _violations(inp)} == {"MLG-APR-002"}
}

_missing(inp) := ms if {
	ms := approvals.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

test_an_unnamed_author_or_actor_is_missing_evidence_where_approvals_are_required if {
	base := _facts("low", [_approve("ml_lead", "bob")])
	no_author := object.union(base, {"subject": {"name": "m", "version": "1", "risk_tier": "low", "author": " "}})
	{m.path | some m in _missing(no_author)} == {"/subject/author"}
	no_actor := object.remove(base, ["context"])
	{m.path | some m in _missing(no_actor)} == {"/context/actor"}
	count(_missing(base)) == 0
}
