# METADATA
# title: Release approvals and separation of duties
# description: >-
#   People other than the model's author and the pipeline's actor approve the
#   release, in the roles and numbers the tier requires. A principal counts
#   once per role and for one role only; expired approvals do not count; a
#   valid rejection (by anyone, the author and the actor included) blocks the
#   release.
package mlgate.controls.approvals

import data.mlgate.lib.clock
import data.mlgate.lib.tier

records := a if {
	a := input.approvals
	is_array(a)
} else := []

# Read with field references only (required is guarded below).
_th := tier.thresholds.approvals

# The tier's required approvals, in priority order: [{role, count}].
required := [r |
	rs := _th.required
	is_array(rs)
	some r in rs
	is_string(r.role)
	is_number(r.count)
]

_required_roles := {r.role | some r in required}

# Why a well-formed record does not count, or "" when it counts: computed once
# per record for every rule below ({index: reason}).
_status := {i: reason |
	some i, a in records
	is_string(a.principal)
	is_string(a.role)
	a.decision in {"approve", "reject"}
	reason := _ignore_reason(a)
}

# Separation of duties keeps the author and the actor from approving; a rejection
# only ever makes a decision stricter, so whoever may sign one, the author
# included, blocks the release with it.
_ignore_reason(a) := "separation of duties: the principal is the model's author" if {
	a.decision == "approve"
	a.principal == input.subject.author
} else := "separation of duties: the principal is the actor running this evaluation" if {
	a.decision == "approve"
	a.principal == input.context.actor
} else := "expired before the evaluation time" if {
	expires_at := a.expires_at
	clock.at_or_before_evaluation(expires_at)
} else := "its expiry cannot be checked against the evaluation time" if {
	expires_at := a.expires_at # present, whatever its value
	not clock.after_evaluation(expires_at)
} else := ""

# Valid approvals for required roles: {principal, role}.
_approvals contains {"principal": a.principal, "role": a.role} if {
	some i, reason in _status
	reason == ""
	a := records[i]
	a.decision == "approve"
	a.role in _required_roles
}

# The position of each required role in the tier's list (the first, if listed twice).
_rank := {role: min({i | some i, r in required; r.role == role}) | some role in _required_roles}

# One principal satisfies one role: the first of the tier's roles they approved for.
assigned[p] := role if {
	some approval in _approvals
	p := approval.principal
	ranks := {_rank[a.role] | some a in _approvals; a.principal == p}
	role := required[min(ranks)].role
}

# METADATA
# title: Required approvals given
# description: >-
#   Every role in thresholds[tier].approvals.required has at least its count
#   of distinct, valid approving principals. Outstanding roles are reported in
#   required_approvals (outcome needs_approval), not as violations.
# custom:
#   control_id: MLG-APR-001
#   severity: high
#   requires: [/approvals, /subject/author, /context/actor, /context/evaluated_at, /subject/risk_tier]
#   thresholds: [approvals.required]
#   frameworks:
#     nist_ai_rmf: [GOVERN 2.1, MANAGE 1.1]
#     eu_ai_act: [Art. 17]
#     iso_42001: [A.3.2, A.6.2.5]
required_approvals contains o if {
	some r in required
	n := count({p | some p, role in assigned; role == r.role})
	n < r.count
	o := {
		"role": r.role,
		"count": r.count,
		"given": n,
		"reason": sprintf("the %s tier requires %v approval(s) from role %s; %v valid", [tier.name, r.count, r.role, n]),
		"controls": ["MLG-APR-001"],
	}
}

# Records that do not count, and why (decision.approvals_ignored).
ignored contains x if {
	some i, reason in _status
	reason != ""
	a := records[i]
	x := {"principal": a.principal, "role": a.role, "reason": reason}
}

ignored contains x if {
	some a in _approvals
	counted := assigned[a.principal]
	a.role != counted
	x := {
		"principal": a.principal,
		"role": a.role,
		"reason": sprintf("the principal already counts for role %s; one principal satisfies one role", [counted]),
	}
}

ignored contains x if {
	some i, reason in _status
	reason == ""
	a := records[i]
	a.decision == "approve"
	not a.role in _required_roles
	tier.known
	x := {
		"principal": a.principal,
		"role": a.role,
		"reason": sprintf("role %s is not required at the %s tier", [a.role, tier.name]),
	}
}

# METADATA
# title: No rejection by an approver
# description: >-
#   A principal who rejects the release blocks it, whatever their role and
#   whatever other approvals were given, unless the rejection has expired. The
#   model's author and the pipeline's actor may not approve, but their
#   rejection blocks: a rejection only ever makes a decision stricter.
# custom:
#   control_id: MLG-APR-002
#   severity: high
#   requires: [/approvals]
#   frameworks:
#     nist_ai_rmf: [GOVERN 2.1, MANAGE 1.1]
#     eu_ai_act: [Art. 17]
#     iso_42001: [A.3.2]
violation contains v if {
	some i, reason in _status
	reason == ""
	a := records[i]
	a.decision == "reject"
	v := {
		"control": "MLG-APR-002",
		"rule": "release_rejected",
		"severity": "high",
		"message": sprintf("%s rejected the release as %s", [a.principal, a.role]),
		"expected": {"decision": "approve"},
		"actual": {"decision": "reject", "principal": a.principal, "role": a.role},
		"evidence": sprintf("/approvals/%d", [i]),
	}
}

# METADATA
# title: Approval roles separate duties
# description: >-
#   The tier's required approvals span at least
#   thresholds[tier].approvals.min_distinct_roles distinct roles (2 for the
#   high tier), so no single function can release a model alone. A thresholds
#   change that breaks this fails closed.
# custom:
#   control_id: MLG-APR-003
#   severity: high
#   requires: [/subject/risk_tier]
#   thresholds: [approvals.min_distinct_roles]
#   frameworks:
#     nist_ai_rmf: [GOVERN 2.1]
#     iso_42001: [A.3.2]
violation contains v if {
	minimum := _th.min_distinct_roles
	is_number(minimum)
	count(_required_roles) < minimum
	v := {
		"control": "MLG-APR-003",
		"rule": "too_few_approval_roles",
		"severity": "high",
		"message": sprintf(
			"the %s tier's approval policy names %v distinct role(s); separation of duties requires %v",
			[tier.name, count(_required_roles), minimum],
		),
		"expected": {"min_distinct_roles": minimum},
		"actual": {"roles": sort(_required_roles)},
		"evidence": "/subject/risk_tier",
	}
}

_named(x) if {
	is_string(x)
	trim_space(x) != ""
}

_author_named if _named(input.subject.author)

_actor_named if _named(input.context.actor)

# METADATA
# title: Required approvals given
# description: >-
#   Where the tier requires approvals, the model's author and the actor running
#   the evaluation are named: without them separation of duties (neither may
#   approve) cannot be checked, so their absence is missing evidence.
# custom:
#   control_id: MLG-APR-001
#   severity: high
#   requires: [/subject/author, /context/actor, /subject/risk_tier]
missing_evidence contains m if {
	count(required) > 0
	not _author_named
	m := {
		"control": "MLG-APR-001",
		"path": "/subject/author",
		"message": "the model's author is not named: separation of duties (the author may not approve) cannot be checked",
	}
}

# METADATA
# title: Required approvals given
# description: The actor running the evaluation is not named, where approvals are required.
# custom:
#   control_id: MLG-APR-001
#   severity: high
#   requires: [/context/actor, /subject/risk_tier]
missing_evidence contains m if {
	count(required) > 0
	not _actor_named
	m := {
		"control": "MLG-APR-001",
		"path": "/context/actor",
		"message": "the actor running this evaluation is not named: separation of duties (the actor may not approve) cannot be checked",
	}
}
