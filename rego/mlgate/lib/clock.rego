# METADATA
# title: Timestamps relative to the evaluation time
# description: >-
#   Rules never read the wall clock: "now" is input.context.evaluated_at,
#   which mlgate always fills. Every timestamp is validated before
#   time.parse_rfc3339_ns sees it, because an embedded engine aborts the whole
#   query on a malformed timestamp (e.g. 2025-02-30) where OPA goes undefined.
package mlgate.lib.clock

_pattern := `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`

# Calendar checks compare zero-padded digit strings, never to_number: the
# embedded engine's to_number rejects leading zeros ("06") where OPA accepts them.
_last_day := {
	"01": "31", "02": "29", "03": "31", "04": "30", "05": "31", "06": "30",
	"07": "31", "08": "31", "09": "30", "10": "31", "11": "30", "12": "31",
}

# Two-digit strings divisible by 4.
_multiples_of_4 := {
	"00", "04", "08", "12", "16", "20", "24", "28", "32", "36", "40", "44", "48",
	"52", "56", "60", "64", "68", "72", "76", "80", "84", "88", "92", "96",
}

_leap_year(year) if {
	yy := substring(year, 2, 2)
	yy != "00"
	yy in _multiples_of_4
}

_leap_year(year) if {
	substring(year, 2, 2) == "00"
	substring(year, 0, 2) in _multiples_of_4
}

_february_29_of_common_year(ts) if {
	substring(ts, 5, 5) == "02-29"
	not _leap_year(substring(ts, 0, 4))
}

# ts is an RFC 3339 timestamp that names a real instant.
valid(ts) if {
	is_string(ts)
	regex.match(_pattern, ts)
	substring(ts, 8, 2) <= _last_day[substring(ts, 5, 2)]
	not _february_29_of_common_year(ts)
}

# Nanoseconds since the epoch of a valid timestamp (undefined otherwise).
ns(ts) := time.parse_rfc3339_ns(ts) if valid(ts)

# The evaluation time in nanoseconds (undefined when absent or malformed).
evaluated_at_ns := ns(input.context.evaluated_at)

# ts lies strictly after the evaluation time: a waiver or approval still live.
after_evaluation(ts) if {
	t := ns(ts)
	t > evaluated_at_ns
}

# ts lies at or before the evaluation time: a waiver or approval that expired.
at_or_before_evaluation(ts) if {
	t := ns(ts)
	t <= evaluated_at_ns
}

# How long before the evaluation time ts lies, in nanoseconds.
age_ns(ts) := evaluated_at_ns - t if {
	t := ns(ts)
}

# Whole days in nanoseconds (integer arithmetic: exact in every engine).
days_ns(days) := ((days * 24) * 3600) * 1000000000 if is_number(days)
