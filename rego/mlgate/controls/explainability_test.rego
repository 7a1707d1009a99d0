package mlgate.controls.explainability_test

import data.mlgate.controls.explainability

_thresholds := {
	"high": {"explainability": {"required_artifact_kinds": ["feature_importance", "shap_summary"]}},
	"low": {"explainability": {"required_artifact_kinds": []}},
}

_facts(tier, artifacts) := {
	"subject": {"name": "m", "version": "1", "risk_tier": tier},
	"explainability": {"artifacts": artifacts},
}

_violations(inp) := vs if {
	vs := explainability.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := explainability.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_fi := {"kind": "feature_importance", "uri": "s3://m/fi.json"}

_shap := {"kind": "shap_summary", "uri": "s3://m/shap.png"}

test_all_required_kinds_present_passes if {
	inp := _facts("high", [_fi, _shap])
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_missing_required_kind_is_violation if {
	vs := _violations(_facts("high", [_fi]))
	{[v.control, v.expected.artifact_kinds] | some v in vs} == {["MLG-XAI-001", ["feature_importance", "shap_summary"]]}
	{v.actual | some v in vs} == {{"artifact_kinds": ["feature_importance"]}}
}

test_artifact_without_uri_does_not_count if {
	vs := _violations(_facts("high", [_fi, {"kind": "shap_summary", "uri": ""}]))
	count(vs) == 1
}

test_absent_section_is_missing_evidence if {
	ms := _missing({"subject": {"name": "m", "version": "1", "risk_tier": "high"}})
	{[m.control, m.path] | some m in ms} == {["MLG-XAI-001", "/explainability/artifacts"]}
	count(_violations({"subject": {"name": "m", "version": "1", "risk_tier": "high"}})) == 0
}

test_tier_without_required_kinds_needs_none if {
	inp := {"subject": {"name": "m", "version": "1", "risk_tier": "low"}}
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_empty_artifact_list_is_a_violation_not_missing_evidence if {
	inp := _facts("high", [])
	{v.control | some v in _violations(inp)} == {"MLG-XAI-001"}
	count(_violations(inp)) == 2
	count(_missing(inp)) == 0
}
