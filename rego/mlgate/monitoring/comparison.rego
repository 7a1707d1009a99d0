# METADATA
# title: mlgate champion/challenger comparison
# description: >-
#   The entry point of mlgate compare, data.mlgate.monitoring.comparison.decision:
#   only the challenger-against-champion control (MLG-MON-006), on the
#   comparison mlgate builds from two facts documents in
#   input.monitoring.canary. Outcome: fail on a regression beyond the margin,
#   else insufficient_evidence when a metric cannot be compared, else pass.
package mlgate.monitoring.comparison

import data.mlgate.monitoring.controls.canary
import data.mlgate.monitoring.lib

_absent := {m |
	not lib.has_canary
	m := {
		"control": "MLG-MON-006",
		"path": "/monitoring/canary",
		"message": "no comparison of a challenger with its champion was given",
	}
}

all_missing_evidence := canary.missing_evidence | _absent

default outcome := "pass"

outcome := "fail" if {
	count(canary.violation) > 0
} else := "insufficient_evidence" if {
	count(all_missing_evidence) > 0
}

default risk_tier := null

risk_tier := t if {
	t := input.subject.risk_tier
	is_string(t)
}

# METADATA
# title: Comparison decision
# description: A decision (schemas/decision.schema.json) with an empty actions list.
# entrypoint: true
decision := {
	"outcome": outcome,
	"risk_tier": risk_tier,
	"violations": [v | some v in canary.violation],
	"missing_evidence": [m | some m in all_missing_evidence],
	"required_approvals": [],
	"approvals_ignored": [],
	"waivers_applied": [],
	"waivers_expired": [],
	"actions": [],
}
