# METADATA
# title: Governance prerequisites
# description: >-
#   Facts every other control depends on: the risk tier (it selects the
#   thresholds) and the evaluation time (it decides which waivers and
#   approvals are still live).
package mlgate.controls.governance

import data.mlgate.lib.clock
import data.mlgate.lib.tier

# METADATA
# title: Risk tier declared
# description: >-
#   The subject declares a risk tier the thresholds data knows. Without one
#   the gate cannot choose thresholds or approvers, so the release is blocked
#   as insufficient evidence, never passed.
# custom:
#   control_id: MLG-GOV-001
#   severity: high
#   requires: [/subject/risk_tier]
#   frameworks:
#     nist_ai_rmf: [GOVERN 1.3, MAP 1.5]
#     eu_ai_act: [Art. 6, Art. 9]
#     iso_42001: [A.5.2]
missing_evidence contains m if {
	not tier.known
	tiers := sort([t | thresholds := data.mlgate.thresholds; is_object(thresholds); some t, _ in thresholds])
	m := {
		"control": "MLG-GOV-001",
		"path": "/subject/risk_tier",
		"message": _tier_message(tiers),
	}
}

# A function, not a rule: every rule of this package is evaluated with the
# decision, a function only when the tier is unknown.
_tier_message(tiers) := sprintf("risk tier %v has no thresholds; declare one of %v", [t, tiers]) if {
	t := input.subject.risk_tier
} else := sprintf("no risk tier declared; declare one of %v", [tiers])

# METADATA
# title: Evaluation time known
# description: >-
#   The facts carry a valid context.evaluated_at (mlgate fills it). Expiry of
#   waivers and approvals and the age of scans are judged against it; the
#   policy never reads the wall clock.
# custom:
#   control_id: MLG-GOV-002
#   severity: high
#   requires: [/context/evaluated_at]
#   frameworks:
#     eu_ai_act: [Art. 12]
#     iso_42001: [A.6.2.8]
missing_evidence contains m if {
	not clock.evaluated_at_ns
	m := {
		"control": "MLG-GOV-002",
		"path": "/context/evaluated_at",
		"message": "no valid RFC 3339 evaluation time in context.evaluated_at",
	}
}
