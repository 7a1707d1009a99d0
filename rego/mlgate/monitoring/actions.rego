# METADATA
# title: Remediation actions of a monitoring decision
# description: >-
#   Turns the controls a monitoring decision found wanting into actions
#   (data.mlgate.monitoring.playbook): rollback, retrain, investigate. A
#   violated control calls for its playbook's actions; a control with missing
#   evidence calls for an investigation only. Each
#   action names its owner (the facts' monitoring.owners, else the bundle's
#   ownership data, else the subject's owner), the tier's SLA in hours and the
#   deadline in nanoseconds since the epoch (context.evaluated_at plus the SLA:
#   integer arithmetic, portable across engines; mlgate formats it as RFC
#   3339 after evaluation), and the approvals a rollback or a re-release needs.
package mlgate.monitoring.actions

import data.mlgate.lib.clock
import data.mlgate.monitoring.lib

# Actions in order of urgency.
_order := ["rollback", "retrain", "investigate"]

_approvals_for := {"rollback": "rollback", "retrain": "re_release", "investigate": null}

_playbook := p if {
	p := data.mlgate.monitoring.playbook.controls
	is_object(p)
} else := {}

# The tier whose SLA and approvals apply: the subject's, else the fallback (strictest).
_tier := t if {
	t := lib.tier
} else := t if {
	t := data.mlgate.monitoring.playbook.fallback_tier
	is_string(t)
}

_th := t if {
	t := data.mlgate.monitoring.thresholds[_tier]
	is_object(t)
} else := {}

# The actions the playbook names for one control.
actions_of(control) := {a |
	some a in lib.array_at(_playbook, control)
	a in {"rollback", "retrain", "investigate"}
}

_text(x) if {
	is_string(x)
	count(x) > 0
}

# [where the owner comes from, the owner] for one action.
_owner(name) := ["facts", o] if {
	o := lib.section.owners[name]
	_text(o)
} else := ["bundle", o] if {
	o := data.mlgate.monitoring.ownership.models[input.subject.name][name]
	_text(o)
} else := ["bundle default", o] if {
	o := data.mlgate.monitoring.ownership.default[name]
	_text(o)
} else := ["subject", o] if {
	o := input.subject.owner
	_text(o)
} else := ["none", "unassigned"]

sla_hours(name) := h if {
	h := _th.sla_hours[name]
	is_number(h)
	h >= 0
} else := null

# The deadline in nanoseconds since the epoch (null when the SLA or the
# evaluation time is unknown). 3600000000000 ns to the hour: exact integers.
deadline_ns(name) := t if {
	h := sla_hours(name)
	is_number(h)
	t := clock.evaluated_at_ns + (h * 3600000000000)
} else := null

_release_approvals := r if {
	r := data.mlgate.thresholds[_tier].approvals.required
	is_array(r)
} else := r if {
	r := _th.approvals.re_release
	is_array(r)
} else := []

# The approvals an action needs: a rollback its tier's list, a retrained
# re-release the release gate's, an investigation none.
approvals(name) := r if {
	name == "rollback"
	r := _th.approvals.rollback
	is_array(r)
} else := _release_approvals if {
	name == "retrain"
} else := []

# The controls that call for an action: a violated control calls for the
# actions its playbook names; a control with missing evidence only for an
# investigation (nothing was shown to be wrong, only not shown to be right).
_called_by(name, violated, lacking) := {c | some c in violated; name in actions_of(c)} if {
	name != "investigate"
} else := {c | some c in violated; name in actions_of(c)} | lacking

# One entry per action the controls call for, most urgent first.
plan(violated, lacking) := [a |
	some name in _order
	triggered_by := sort(_called_by(name, violated, lacking))
	count(triggered_by) > 0
	owner := _owner(name)
	a := {
		"action": name,
		"controls": triggered_by,
		"owner": owner[1],
		"owner_from": owner[0],
		"sla_hours": sla_hours(name),
		"deadline_ns": deadline_ns(name),
		"approvals": approvals(name),
		"approvals_for": _approvals_for[name],
	}
]
