package mlgate.controls.license_test

import data.mlgate.controls.license

_facts(l) := {"subject": {"risk_tier": "medium"}, "documentation": {"model_card": {"license": l}}}

test_gpl_is_denied if {
	some v in license.violation with input as _facts("GPL-3.0")
	v.control == "MLG-LIC-001"
}

test_proprietary_is_allowed if {
	count(license.violation) == 0 with input as _facts("proprietary")
}
