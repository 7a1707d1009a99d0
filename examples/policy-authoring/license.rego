# METADATA
# title: Licence
# description: The model's licence is one the tier allows.
package mlgate.controls.license

import data.mlgate.lib.tier

_license := l if {
	l := input.documentation.model_card.license
	is_string(l)
}

# METADATA
# title: Licence allowed
# description: The model card's licence is not on the tier's denied list.
# custom:
#   control_id: MLG-LIC-001
#   severity: high
#   requires: [/documentation/model_card/license, /subject/risk_tier]
#   thresholds: [license.denied]
violation contains v if {
	some denied in tier.thresholds.license.denied
	_license == denied
	v := {
		"control": "MLG-LIC-001",
		"rule": "license_denied",
		"severity": "high",
		"message": sprintf("licence %s is denied at the %s tier", [_license, tier.name]),
		"expected": {"not_in": tier.thresholds.license.denied},
		"actual": _license,
		"evidence": "/documentation/model_card/license",
	}
}

# METADATA
# title: Licence allowed
# description: The tier requires a stated licence and the model card has none.
# custom:
#   control_id: MLG-LIC-001
#   severity: high
#   requires: [/documentation/model_card/license, /subject/risk_tier]
#   thresholds: [license.required]
missing_evidence contains m if {
	tier.thresholds.license.required == true
	not _license
	m := {
		"control": "MLG-LIC-001",
		"path": "/documentation/model_card/license",
		"message": sprintf("no licence stated; required at the %s tier", [tier.name]),
	}
}
