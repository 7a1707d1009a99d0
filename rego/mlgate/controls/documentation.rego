# METADATA
# title: Documentation
# description: >-
#   The model card covers what the tier requires, and the data is described
#   in a data dictionary where the tier requires one.
package mlgate.controls.documentation

import data.mlgate.lib.tier

# Read with field references only (the sections list is guarded below).
_th := tier.thresholds.documentation

_required_sections := s if {
	s := _th.required_model_card_sections
	is_array(s)
}

# A model card that says where it is (a non-blank uri).
_card_present if {
	card := input.documentation.model_card
	is_object(card)
	uri := card.uri # where the card is: a card nobody can open is no card
	is_string(uri)
	trim_space(uri) != ""
}

# The model card's sections list; undefined when the card lists none.
_section_list := s if {
	s := input.documentation.model_card.sections
	is_array(s)
}

_sections := {s | some s in _section_list; is_string(s)}

# METADATA
# title: Model card complete
# description: >-
#   A model card exists and has every section in
#   thresholds[tier].documentation.required_model_card_sections.
# custom:
#   control_id: MLG-DOC-001
#   severity: medium
#   requires: [/documentation/model_card, /subject/risk_tier]
#   thresholds: [documentation.model_card_required, documentation.required_model_card_sections]
#   frameworks:
#     nist_ai_rmf: [MAP 1.1, MEASURE 2.8]
#     eu_ai_act: [Art. 11, Art. 13]
#     iso_42001: [A.6.2.7, A.8.2]
violation contains v if {
	_section_list
	some section in _required_sections
	not section in _sections
	v := {
		"control": "MLG-DOC-001",
		"rule": "model_card_section_missing",
		"severity": "medium",
		"message": sprintf("the model card has no %v section; required at the %s tier", [section, tier.name]),
		"expected": {"sections": _required_sections},
		"actual": {"sections": sort(_sections)},
		"evidence": "/documentation/model_card/sections",
	}
}

# METADATA
# title: Model card complete
# description: The tier requires a model card and the facts have none, or it lists no sections.
# custom:
#   control_id: MLG-DOC-001
#   severity: medium
#   requires: [/documentation/model_card, /subject/risk_tier]
missing_evidence contains m if {
	_th.model_card_required == true
	not _card_present
	m := {
		"control": "MLG-DOC-001",
		"path": "/documentation/model_card",
		"message": sprintf("no model card (with the uri where it is); required at the %s tier", [tier.name]),
	}
}

# METADATA
# title: Model card complete
# description: The model card does not list its sections.
# custom:
#   control_id: MLG-DOC-001
#   severity: medium
#   requires: [/documentation/model_card/sections, /subject/risk_tier]
missing_evidence contains m if {
	_card_present
	count(_required_sections) > 0
	not _section_list
	m := {
		"control": "MLG-DOC-001",
		"path": "/documentation/model_card/sections",
		"message": "the model card does not list its sections",
	}
}

# METADATA
# title: Data dictionary published
# description: >-
#   Where thresholds[tier].documentation.data_dictionary_required, a data
#   dictionary describing the features is referenced.
# custom:
#   control_id: MLG-DOC-002
#   severity: low
#   requires: [/documentation/data_dictionary, /subject/risk_tier]
#   thresholds: [documentation.data_dictionary_required]
#   frameworks:
#     eu_ai_act: [Art. 10, Art. 11]
#     iso_42001: [A.6.2.7]
missing_evidence contains m if {
	_th.data_dictionary_required == true
	not _data_dictionary_present
	m := {
		"control": "MLG-DOC-002",
		"path": "/documentation/data_dictionary",
		"message": sprintf("no data dictionary; required at the %s tier", [tier.name]),
	}
}

_data_dictionary_present if {
	uri := input.documentation.data_dictionary.uri
	is_string(uri)
	count(uri) > 0
}
