# METADATA
# title: Explainability artifacts
# description: >-
#   The explanations the tier requires (global feature importance, SHAP
#   summaries, ...) were produced and published as artifacts.
package mlgate.controls.explainability

import data.mlgate.lib.tier

_required_kinds := k if {
	k := tier.thresholds.explainability.required_artifact_kinds
	is_array(k)
}

# The artifacts list; undefined when the facts carry none (an empty list is
# still a list: `_artifacts` then holds, `not _artifacts` does not).
_artifacts := a if {
	a := input.explainability.artifacts
	is_array(a)
}

_kinds := {a.kind | some a in _artifacts; is_string(a.uri); count(a.uri) > 0}

# METADATA
# title: Required explainability artifacts present
# description: >-
#   Every kind in thresholds[tier].explainability.required_artifact_kinds has
#   an artifact with a URI.
# custom:
#   control_id: MLG-XAI-001
#   severity: medium
#   requires: [/explainability/artifacts, /subject/risk_tier]
#   thresholds: [explainability.required_artifact_kinds]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.9]
#     eu_ai_act: [Art. 13]
#     iso_42001: [A.8.2]
violation contains v if {
	_artifacts
	some kind in _required_kinds
	not kind in _kinds
	v := {
		"control": "MLG-XAI-001",
		"rule": "explainability_artifact_missing",
		"severity": "medium",
		"message": sprintf("no %v explainability artifact; required at the %s tier", [kind, tier.name]),
		"expected": {"artifact_kinds": _required_kinds},
		"actual": {"artifact_kinds": sort(_kinds)},
		"evidence": "/explainability/artifacts",
	}
}

# METADATA
# title: Required explainability artifacts present
# description: The tier requires explanations and the facts list no artifacts at all.
# custom:
#   control_id: MLG-XAI-001
#   severity: medium
#   requires: [/explainability/artifacts, /subject/risk_tier]
missing_evidence contains m if {
	count(_required_kinds) > 0
	not _artifacts
	m := {
		"control": "MLG-XAI-001",
		"path": "/explainability/artifacts",
		"message": sprintf("no explainability artifacts; %v required at the %s tier", [_required_kinds, tier.name]),
	}
}
