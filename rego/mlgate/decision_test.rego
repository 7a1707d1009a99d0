package mlgate.decision_test

import data.mlgate

# Tiny thresholds: the "low" tier requires nothing, so each test adds exactly
# the violation, missing evidence or approval it is about (by mocking the
# control families' rules).
_thresholds := {"low": {}}

_facts := {
	"apiVersion": "mlgate/v1",
	"kind": "ModelFacts",
	"subject": {"name": "m", "version": "1", "risk_tier": "low"},
	"context": {"evaluated_at": "2025-06-02T12:00:00Z"},
}

_violation(control) := {
	"control": control,
	"rule": "r",
	"severity": "high",
	"message": "m",
	"expected": 1,
	"actual": 0,
	"evidence": "/metrics/0",
}

_missing := {"control": "MLG-PERF-001", "path": "/metrics", "message": "m"}

_approval := {"role": "ml_lead", "count": 1, "given": 0, "reason": "r", "controls": ["MLG-APR-001"]}

_waiver(control, expires_at) := {
	"control": control,
	"model": "m",
	"reason": "accepted",
	"ticket": "RISK-1",
	"approver": "ciso",
	"expires_at": expires_at,
}

test_nothing_outstanding_passes if {
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
	d.outcome == "pass"
	d.risk_tier == "low"
}

test_decision_has_exactly_the_policy_keys if {
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
	{k | some k, _ in d} == {
		"outcome", "risk_tier", "violations", "missing_evidence", "required_approvals",
		"approvals_ignored", "waivers_applied", "waivers_expired",
	}
}

test_outstanding_approval_needs_approval if {
	approvals := {_approval}
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.approvals.required_approvals as approvals
	d.outcome == "needs_approval"
	d.required_approvals == [_approval]
}

test_missing_evidence_beats_outstanding_approvals if {
	missing := {_missing}
	approvals := {_approval}
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.performance.missing_evidence as missing
		with data.mlgate.controls.approvals.required_approvals as approvals
	d.outcome == "insufficient_evidence"
	count(d.required_approvals) == 1
}

test_violation_beats_missing_evidence_and_approvals if {
	violations := {_violation("MLG-SEC-002")}
	missing := {_missing}
	approvals := {_approval}
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.security.violation as violations
		with data.mlgate.controls.performance.missing_evidence as missing
		with data.mlgate.controls.approvals.required_approvals as approvals
	d.outcome == "fail"
	count(d.violations) == 1
	count(d.missing_evidence) == 1
	count(d.required_approvals) == 1
}

test_live_waiver_turns_violations_into_waivers_applied if {
	violations := {_violation("MLG-SEC-002"), object.union(_violation("MLG-SEC-002"), {"evidence": "/security/vulnerabilities/1"})}
	waivers := [_waiver("MLG-SEC-002", "2025-07-01T00:00:00Z")]
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.security.violation as violations
		with data.mlgate.waivers as waivers
	d.outcome == "pass"
	d.violations == []
	[w.control | some w in d.waivers_applied] == ["MLG-SEC-002"]
	[w.violations | some w in d.waivers_applied] == [2]
}

test_expired_waiver_is_listed_and_the_violation_stands if {
	violations := {_violation("MLG-SEC-002")}
	waivers := [_waiver("MLG-SEC-002", "2025-06-01T00:00:00Z")]
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.security.violation as violations
		with data.mlgate.waivers as waivers
	d.outcome == "fail"
	d.waivers_applied == []
	[w.ticket | some w in d.waivers_expired] == ["RISK-1"]
}

test_waiver_covers_only_its_control if {
	violations := {_violation("MLG-SEC-003")}
	waivers := [_waiver("MLG-SEC-002", "2025-07-01T00:00:00Z")]
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.security.violation as violations
		with data.mlgate.waivers as waivers
	d.outcome == "fail"
	d.waivers_applied == []
}

test_unused_waiver_is_not_reported if {
	waivers := [_waiver("MLG-SEC-002", "2025-07-01T00:00:00Z"), _waiver("MLG-DOC-001", "2025-01-01T00:00:00Z")]
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.waivers as waivers
	d.waivers_applied == []
	d.waivers_expired == []
}

test_waivers_never_cover_missing_evidence if {
	missing := {_missing}
	waivers := [_waiver("MLG-PERF-001", "2025-07-01T00:00:00Z")]
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.performance.missing_evidence as missing
		with data.mlgate.waivers as waivers
	d.outcome == "insufficient_evidence"
}

test_minimal_facts_never_pass_with_shipped_thresholds if {
	minimal := {"apiVersion": "mlgate/v1", "kind": "ModelFacts", "subject": {"name": "m", "version": "1"}}
	d := mlgate.decision with input as minimal
	d.outcome == "insufficient_evidence"
	d.risk_tier == null
	{m.path | some m in d.missing_evidence} == {"/subject/risk_tier", "/context/evaluated_at"}
}

test_every_shipped_tier_blocks_facts_without_evidence if {
	every t in ["low", "medium", "high"] {
		inp := {"subject": {"name": "m", "version": "1", "risk_tier": t}, "context": {"evaluated_at": "2025-06-02T12:00:00Z"}}
		d := mlgate.decision with input as inp
		d.outcome == "insufficient_evidence"
	}
}

test_waiver_covers_every_violation_of_its_control_and_no_other if {
	violations := {
		_violation("MLG-SEC-002"),
		object.union(_violation("MLG-SEC-002"), {"evidence": "/security/vulnerabilities/1"}),
		_violation("MLG-SEC-003"),
	}
	waivers := [_waiver("MLG-SEC-002", "2025-07-01T00:00:00Z")]
	d := mlgate.decision with input as _facts with data.mlgate.thresholds as _thresholds
		with data.mlgate.controls.security.violation as violations
		with data.mlgate.waivers as waivers
	d.outcome == "fail"
	[v.control | some v in d.violations] == ["MLG-SEC-003"]
	[[w.control, w.violations] | some w in d.waivers_applied] == [["MLG-SEC-002", 2]]
}
