package mlgate.controls.privacy_test

import data.mlgate.controls.privacy

_bases := ["consent", "contract", "not_personal_data"]

_thresholds := {
	"high": {"privacy": {
		"pii_scan_required": true, "max_pii_findings": 0,
		"impact_assessment_required": true,
		"consent_basis_required": true, "allowed_consent_bases": _bases,
	}},
	"low": {"privacy": {
		"pii_scan_required": false, "max_pii_findings": 0,
		"impact_assessment_required": false,
		"consent_basis_required": false, "allowed_consent_bases": _bases,
	}},
}

_complete := {
	"pii_scan": {"performed": true, "findings": 0},
	"impact_assessment": {"completed": true},
	"consent_basis": {"basis": "contract"},
}

_facts(tier, p) := {"subject": {"name": "m", "version": "1", "risk_tier": tier}, "privacy": p}

_violations(inp) := vs if {
	vs := privacy.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := privacy.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_with(key, value) := object.union(object.remove(_complete, [key]), {key: value})

_without(key) := object.remove(_complete, [key])

test_complete_privacy_evidence_passes if {
	inp := _facts("high", _complete)
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_pii_findings_above_maximum_is_violation if {
	vs := _violations(_facts("high", _with("pii_scan", {"performed": true, "findings": 2})))
	{[v.control, v.rule, v.actual] | some v in vs} == {["MLG-PRIV-001", "pii_findings_above_maximum", 2]}
}

test_scan_stated_as_not_performed_is_violation if {
	vs := _violations(_facts("high", _with("pii_scan", {"performed": false})))
	{[v.control, v.rule] | some v in vs} == {["MLG-PRIV-001", "pii_scan_not_performed"]}
}

test_absent_pii_scan_is_missing_evidence if {
	ms := _missing(_facts("high", _without("pii_scan")))
	{[m.control, m.path] | some m in ms} == {["MLG-PRIV-001", "/privacy/pii_scan"]}
}

test_scan_without_findings_count_is_missing_evidence if {
	ms := _missing(_facts("high", _with("pii_scan", {"performed": true})))
	{m.path | some m in ms} == {"/privacy/pii_scan/findings"}
}

test_incomplete_impact_assessment_is_violation if {
	vs := _violations(_facts("high", _with("impact_assessment", {"completed": false})))
	{v.control | some v in vs} == {"MLG-PRIV-002"}
}

test_absent_impact_assessment_is_missing_evidence if {
	ms := _missing(_facts("high", _without("impact_assessment")))
	{[m.control, m.path] | some m in ms} == {["MLG-PRIV-002", "/privacy/impact_assessment"]}
}

test_disallowed_consent_basis_is_violation if {
	vs := _violations(_facts("high", _with("consent_basis", {"basis": "legitimate_interests"})))
	{[v.control, v.actual] | some v in vs} == {["MLG-PRIV-003", "legitimate_interests"]}
}

test_absent_consent_basis_is_missing_evidence if {
	ms := _missing(_facts("high", _without("consent_basis")))
	{[m.control, m.path] | some m in ms} == {["MLG-PRIV-003", "/privacy/consent_basis"]}
}

test_absent_privacy_section_reports_each_requirement if {
	ms := _missing({"subject": {"name": "m", "version": "1", "risk_tier": "high"}})
	{m.control | some m in ms} == {"MLG-PRIV-001", "MLG-PRIV-002", "MLG-PRIV-003"}
}

test_tier_without_privacy_requirements_needs_none if {
	count(_missing({"subject": {"name": "m", "version": "1", "risk_tier": "low"}})) == 0
}

test_pii_found_blocks_even_where_scan_is_optional if {
	vs := _violations(_facts("low", {"pii_scan": {"performed": true, "findings": 1}}))
	{v.control | some v in vs} == {"MLG-PRIV-001"}
}
