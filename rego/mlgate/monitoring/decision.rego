# METADATA
# title: mlgate monitoring decision
# description: >-
#   The entry point of mlgate monitor, data.mlgate.monitoring.decision: it
#   composes the monitoring controls under mlgate.monitoring.controls into one
#   decision of the release decision's shape plus remediation actions.
#   Outcome precedence: any violation fails; else any missing evidence is
#   insufficient_evidence; else pass. Monitoring decisions never wait for
#   approvals (required_approvals stays empty); the actions say which
#   approvals a rollback or a re-release needs.
package mlgate.monitoring

import data.mlgate.monitoring.actions

# Every package directly under mlgate.monitoring.controls is walked, so a new
# monitoring control decides as soon as it is in the bundle (see
# mlgate/decision.rego for what is and is not walked).
violations := {v | some v in data.mlgate.monitoring.controls[_].violation}

all_missing_evidence := {m | some m in data.mlgate.monitoring.controls[_].missing_evidence}

default outcome := "pass"

outcome := "fail" if {
	count(violations) > 0
} else := "insufficient_evidence" if {
	count(all_missing_evidence) > 0
}

default risk_tier := null

risk_tier := t if {
	t := input.subject.risk_tier
	is_string(t)
}

# Controls with a violation, and controls with missing evidence: what the actions answer.
violated_controls := {v.control | some v in violations}

lacking_controls := {m.control | some m in all_missing_evidence}

# METADATA
# title: Monitoring decision
# description: >-
#   A decision (schemas/decision.schema.json) plus actions: outcome,
#   risk_tier, violations, missing_evidence, the (empty) approval and waiver
#   lists, and actions [{action, controls, owner, owner_from, sla_hours,
#   deadline_ns, approvals, approvals_for}].
# entrypoint: true
decision := {
	"outcome": outcome,
	"risk_tier": risk_tier,
	"violations": [v | some v in violations],
	"missing_evidence": [m | some m in all_missing_evidence],
	"required_approvals": [],
	"approvals_ignored": [],
	"waivers_applied": [],
	"waivers_expired": [],
	"actions": actions.plan(violated_controls, lacking_controls),
}
