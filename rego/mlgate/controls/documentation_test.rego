package mlgate.controls.documentation_test

import data.mlgate.controls.documentation

_sections := ["intended_use", "limitations", "evaluation"]

_thresholds := {
	"high": {"documentation": {"model_card_required": true, "required_model_card_sections": _sections, "data_dictionary_required": true}},
	"low": {"documentation": {"model_card_required": false, "required_model_card_sections": [], "data_dictionary_required": false}},
}

_facts(tier, docs) := {"subject": {"name": "m", "version": "1", "risk_tier": tier}, "documentation": docs}

_violations(inp) := vs if {
	vs := documentation.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := documentation.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_complete := {
	"model_card": {"uri": "s3://m/card.md", "sections": ["intended_use", "limitations", "evaluation", "extra"]},
	"data_dictionary": {"uri": "s3://m/dict.csv"},
}

test_complete_documentation_passes if {
	inp := _facts("high", _complete)
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_missing_model_card_section_is_violation if {
	docs := object.union(_complete, {"model_card": {"uri": "s3://m/card.md", "sections": ["intended_use", "evaluation"]}})
	vs := _violations(_facts("high", docs))
	{[v.control, v.evidence] | some v in vs} == {["MLG-DOC-001", "/documentation/model_card/sections"]}
	some v in vs
	contains(v.message, "limitations")
}

test_absent_model_card_is_missing_evidence if {
	ms := _missing(_facts("high", {"data_dictionary": {"uri": "s3://m/dict.csv"}}))
	{[m.control, m.path] | some m in ms} == {["MLG-DOC-001", "/documentation/model_card"]}
}

test_model_card_without_sections_is_missing_evidence if {
	docs := {"model_card": {"uri": "s3://m/card.md"}, "data_dictionary": {"uri": "s3://m/dict.csv"}}
	ms := _missing(_facts("high", docs))
	{m.path | some m in ms} == {"/documentation/model_card/sections"}
}

test_absent_data_dictionary_is_missing_evidence_where_required if {
	ms := _missing(_facts("high", {"model_card": _complete.model_card}))
	{[m.control, m.path] | some m in ms} == {["MLG-DOC-002", "/documentation/data_dictionary"]}
}

test_tier_without_documentation_requirements_needs_none if {
	inp := {"subject": {"name": "m", "version": "1", "risk_tier": "low"}}
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_empty_section_list_is_a_violation_not_missing_evidence if {
	docs := object.union(_complete, {"model_card": {"uri": "s3://m/card.md", "sections": []}})
	inp := _facts("high", docs)
	{v.control | some v in _violations(inp)} == {"MLG-DOC-001"}
	count(_missing(inp)) == 0
}

_card_missing_with(card) if {
	"/documentation/model_card" in {m.path | some m in _missing(_facts("high", {"model_card": card}))}
}

test_a_model_card_without_a_uri_is_no_model_card if {
	_card_missing_with({"uri": "  ", "sections": ["intended_use"]})
	_card_missing_with({"license": "x", "sections": ["intended_use"]})
	not _card_missing_with({"uri": "https://example.com/card.md", "sections": ["intended_use"]})
}
