# METADATA
# title: Privacy and data protection
# description: >-
#   Training data was scanned for personal data, the impact on people was
#   assessed, and a lawful basis for processing is recorded, as the tier
#   requires.
package mlgate.controls.privacy

import data.mlgate.lib.facts
import data.mlgate.lib.tier

# Read with field references only (never iterated), so no object guard is needed:
# an absent or malformed entry leaves every _th.<field> undefined.
_th := tier.thresholds.privacy

_privacy := p if {
	p := input.privacy
	is_object(p)
} else := {}

# METADATA
# title: PII scan performed with no findings
# description: >-
#   A PII scan ran over the model's data and found at most
#   thresholds[tier].privacy.max_pii_findings items (0 in the shipped data).
# custom:
#   control_id: MLG-PRIV-001
#   severity: high
#   requires: [/privacy/pii_scan, /subject/risk_tier]
#   thresholds: [privacy.pii_scan_required, privacy.max_pii_findings]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.10]
#     eu_ai_act: [Art. 10]
#     gdpr: [Art. 25]
violation contains v if {
	_th.pii_scan_required == true
	_privacy.pii_scan.performed == false
	v := {
		"control": "MLG-PRIV-001",
		"rule": "pii_scan_not_performed",
		"severity": "high",
		"message": sprintf("the facts state no PII scan was performed; required at the %s tier", [tier.name]),
		"expected": {"performed": true},
		"actual": {"performed": false},
		"evidence": "/privacy/pii_scan/performed",
	}
}

# METADATA
# title: PII scan performed with no findings
# description: The PII scan found more items than the tier allows.
# custom:
#   control_id: MLG-PRIV-001
#   severity: high
#   requires: [/privacy/pii_scan, /subject/risk_tier]
violation contains v if {
	scan := _privacy.pii_scan
	scan.performed == true
	findings := scan.findings
	is_number(findings)
	maximum := _th.max_pii_findings
	is_number(maximum)
	findings > maximum
	v := {
		"control": "MLG-PRIV-001",
		"rule": "pii_findings_above_maximum",
		"severity": "high",
		"message": sprintf("the PII scan found %v item(s); at most %v allowed at the %s tier", [findings, maximum, tier.name]),
		"expected": {"max_pii_findings": maximum},
		"actual": findings,
		"evidence": "/privacy/pii_scan/findings",
	}
}

# METADATA
# title: PII scan performed with no findings
# description: The tier requires a PII scan and the facts have none, or its findings are not reported.
# custom:
#   control_id: MLG-PRIV-001
#   severity: high
#   requires: [/privacy/pii_scan, /subject/risk_tier]
missing_evidence contains m if {
	_th.pii_scan_required == true
	not facts.has_fields(_privacy, "pii_scan")
	m := {
		"control": "MLG-PRIV-001",
		"path": "/privacy/pii_scan",
		"message": sprintf("no PII scan; required at the %s tier", [tier.name]),
	}
}

# METADATA
# title: PII scan performed with no findings
# description: The PII scan ran but does not report its number of findings.
# custom:
#   control_id: MLG-PRIV-001
#   severity: high
#   requires: [/privacy/pii_scan/findings, /subject/risk_tier]
missing_evidence contains m if {
	tier.known
	scan := _privacy.pii_scan
	scan.performed == true
	not facts.has_number(scan, "findings")
	m := {
		"control": "MLG-PRIV-001",
		"path": "/privacy/pii_scan/findings",
		"message": "the PII scan does not report its number of findings",
	}
}

# METADATA
# title: Impact assessment completed
# description: >-
#   Where thresholds[tier].privacy.impact_assessment_required, a data
#   protection / fundamental-rights impact assessment is recorded as
#   completed.
# custom:
#   control_id: MLG-PRIV-002
#   severity: high
#   requires: [/privacy/impact_assessment, /subject/risk_tier]
#   thresholds: [privacy.impact_assessment_required]
#   frameworks:
#     nist_ai_rmf: [MAP 5.1]
#     eu_ai_act: [Art. 27]
#     gdpr: [Art. 35]
#     iso_42001: [A.5.2, A.5.3]
violation contains v if {
	_th.impact_assessment_required == true
	_privacy.impact_assessment.completed == false
	v := {
		"control": "MLG-PRIV-002",
		"rule": "impact_assessment_incomplete",
		"severity": "high",
		"message": sprintf("the impact assessment is not completed; required at the %s tier", [tier.name]),
		"expected": {"completed": true},
		"actual": {"completed": false},
		"evidence": "/privacy/impact_assessment/completed",
	}
}

# METADATA
# title: Impact assessment completed
# description: The tier requires an impact assessment and the facts have none.
# custom:
#   control_id: MLG-PRIV-002
#   severity: high
#   requires: [/privacy/impact_assessment, /subject/risk_tier]
missing_evidence contains m if {
	_th.impact_assessment_required == true
	not facts.has_fields(_privacy, "impact_assessment")
	m := {
		"control": "MLG-PRIV-002",
		"path": "/privacy/impact_assessment",
		"message": sprintf("no impact assessment; required at the %s tier", [tier.name]),
	}
}

_basis_recorded if facts.has_text(_privacy.consent_basis, "basis")

# METADATA
# title: Lawful basis recorded
# description: >-
#   A lawful basis for processing the training data is recorded and is one of
#   thresholds[tier].privacy.allowed_consent_bases.
# custom:
#   control_id: MLG-PRIV-003
#   severity: high
#   requires: [/privacy/consent_basis, /subject/risk_tier]
#   thresholds: [privacy.consent_basis_required, privacy.allowed_consent_bases]
#   frameworks:
#     nist_ai_rmf: [GOVERN 1.1]
#     eu_ai_act: [Art. 10]
#     gdpr: [Art. 6]
violation contains v if {
	basis := _privacy.consent_basis.basis
	allowed := _th.allowed_consent_bases
	is_array(allowed)
	not basis in allowed
	v := {
		"control": "MLG-PRIV-003",
		"rule": "consent_basis_not_allowed",
		"severity": "high",
		"message": sprintf("lawful basis %v is not allowed at the %s tier", [basis, tier.name]),
		"expected": {"allowed_consent_bases": allowed},
		"actual": basis,
		"evidence": "/privacy/consent_basis/basis",
	}
}

# METADATA
# title: Lawful basis recorded
# description: The tier requires a lawful basis and the facts record none.
# custom:
#   control_id: MLG-PRIV-003
#   severity: high
#   requires: [/privacy/consent_basis, /subject/risk_tier]
missing_evidence contains m if {
	_th.consent_basis_required == true
	not _basis_recorded
	m := {
		"control": "MLG-PRIV-003",
		"path": "/privacy/consent_basis",
		"message": sprintf("no lawful basis recorded; required at the %s tier", [tier.name]),
	}
}
