# METADATA
# title: Timestamps relative to the evaluation time
# description: >-
#   Rules never read the wall clock: "now" is input.context.evaluated_at,
#   which mlgate always fills. Every timestamp is validated before
#   time.parse_rfc3339_ns sees it, because an embedded engine aborts the whole
#   query on a malformed timestamp (e.g. 2025-02-30) where OPA goes undefined.
package mlgate.lib.clock

# The RFC 3339 form of a real instant, calendar included, in one regular
# expression (one builtin call per timestamp, no helper calls):
#   YYYY-MM-DD with each month's day range, February up to the 28th;
#   | February 29th of a leap year: YY divisible by 4 (not 00), or YY = 00 and
#     the century CC divisible by 4 (2000, not 2100);
#   then Thh:mm:ss, optional fraction, and Z or an offset.
# Calendar checks never use to_number: the embedded engine's to_number
# rejects leading zeros ("06").
_pattern := `^([0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[048]|[2468][048]|[13579][26])00)-02-29)T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`

# ts is an RFC 3339 timestamp that names a real instant.
valid(ts) if {
	is_string(ts)
	regex.match(_pattern, ts)
}

# Nanoseconds since the epoch of a valid timestamp (undefined otherwise).
ns(ts) := time.parse_rfc3339_ns(ts) if valid(ts)

# The evaluation time in nanoseconds (undefined when absent or malformed).
evaluated_at_ns := time.parse_rfc3339_ns(ts) if {
	ts := input.context.evaluated_at
	valid(ts)
}

# (The functions below call valid and parse themselves rather than ns: one
# function call fewer per timestamp.)

# ts lies strictly after the evaluation time: a waiver or approval still live.
after_evaluation(ts) if {
	valid(ts)
	time.parse_rfc3339_ns(ts) > evaluated_at_ns
}

# ts lies at or before the evaluation time: a waiver or approval that expired.
at_or_before_evaluation(ts) if {
	valid(ts)
	time.parse_rfc3339_ns(ts) <= evaluated_at_ns
}

# How long before the evaluation time ts lies, in nanoseconds.
age_ns(ts) := evaluated_at_ns - time.parse_rfc3339_ns(ts) if valid(ts)

# Whole days in nanoseconds (integer arithmetic: exact in every engine).
days_ns(days) := ((days * 24) * 3600) * 1000000000 if is_number(days)
