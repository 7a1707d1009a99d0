# METADATA
# title: mlgate release decision
# description: >-
#   The entry point, data.mlgate.decision: it composes every control family
#   under mlgate.controls into one decision. Outcome precedence: any
#   un-waived violation fails; else any missing evidence is
#   insufficient_evidence; else any outstanding approval is needs_approval;
#   else pass. The decision is defined for every schema-valid facts document.
package mlgate

import data.mlgate.controls.approvals

# Aliased: a bare `waivers` inside package mlgate would shadow (and, under
# `with data.mlgate.waivers as …` in the embedded engine, be confused with)
# the waivers data document at data.mlgate.waivers.
import data.mlgate.lib.waivers as waiver

# Every violation and every missing evidence the control families report,
# before waivers: the decision walks every package directly under
# mlgate.controls, so a new family (mlgate/controls/license.rego) decides as
# soon as it is in the bundle; nothing to import or list here. (A package
# nested deeper, or outside mlgate.controls, is not walked: `mlgate bundle
# lint` reports its violation/missing_evidence as an error, `unread-control`.)
# The *_test packages beside the families define neither rule. OPA evaluates
# only the two rules of each child; regorus evaluates each child package whole
# when test modules are loaded with the policy (about 40 ms a decision instead
# of 1.5 ms, measured), which `mlgate bundle test` avoids by loading each test
# module alone; a decision never loads them.
raw_violations := {v | some v in data.mlgate.controls[_].violation}

all_missing_evidence := {m | some m in data.mlgate.controls[_].missing_evidence}

_violated_controls := {v.control | some v in raw_violations}

# Violations of a control a live waiver covers for this subject. (Waivers are
# looked up once per violated control, not once per violation.)
waived contains v if {
	some control in _violated_controls
	control in waiver.live_controls
	some v in raw_violations
	v.control == control
}

# The violations that stand.
violations := raw_violations - waived

# Live waivers that turned at least one violation into an accepted risk.
waivers_applied contains applied if {
	some control in _violated_controls # waivers are read only when a control is violated
	some w in waiver.live
	w.control == control
	covered := count({v | some v in waived; v.control == w.control})
	applied := object.union(w, {"violations": covered})
}

# Expired waivers for this subject's violated controls: they no longer apply.
waivers_expired contains w if {
	some control in _violated_controls
	some w in waiver.expired
	w.control == control
}

default risk_tier := null

risk_tier := t if {
	t := input.subject.risk_tier
	is_string(t)
}

default outcome := "pass"

outcome := "fail" if {
	count(violations) > 0
} else := "insufficient_evidence" if {
	count(all_missing_evidence) > 0
} else := "needs_approval" if {
	count(approvals.required_approvals) > 0
}

# METADATA
# title: Release decision
# description: >-
#   The policy part of a mlgate decision (schemas/decision.schema.json):
#   outcome, violations, missing_evidence, required_approvals,
#   approvals_ignored, waivers_applied, waivers_expired and risk_tier.
# entrypoint: true
decision := {
	"outcome": outcome,
	"risk_tier": risk_tier,
	"violations": [v | some v in violations],
	"missing_evidence": [m | some m in all_missing_evidence],
	"required_approvals": [r | some r in approvals.required_approvals],
	"approvals_ignored": [x | some x in approvals.ignored],
	"waivers_applied": [w | some w in waivers_applied],
	"waivers_expired": [w | some w in waivers_expired],
}
