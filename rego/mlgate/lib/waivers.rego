# METADATA
# title: Waiver matching
# description: >-
#   Waivers are data (data.mlgate.waivers): one control, one model
#   (subject.name), a reason, a ticket, an approver and an expiry. A waiver is
#   live while expires_at lies after input.context.evaluated_at; an expired or
#   malformed waiver never applies.
package mlgate.lib.waivers

import data.mlgate.lib.clock

_fields := ["control", "model", "reason", "ticket", "approver", "expires_at"]

entries := w if {
	w := data.mlgate.waivers
	is_array(w)
} else := []

# Well-formed waivers that name this subject (computed once for live and
# expired; the cheap model comparison first).
_subject_waivers contains w if {
	some w in entries
	w.model == input.subject.name
	every field in _fields {
		is_string(w[field])
	}
}

# The waiver's public record (the fields a decision reports).
_record(w) := {field: w[field] | some field in _fields}

# Live waivers for this subject (their public records).
live contains r if {
	some w in _subject_waivers
	clock.after_evaluation(w.expires_at)
	r := _record(w)
}

# Expired waivers for this subject.
expired contains r if {
	some w in _subject_waivers
	clock.at_or_before_evaluation(w.expires_at)
	r := _record(w)
}

# The controls a live waiver covers for this subject.
live_controls contains r.control if some r in live
