# METADATA
# title: Metric lookup over the facts' metrics
# description: >-
#   Overall (unsliced) measurements of canonical metrics. A metric that has no
#   numeric overall value is unmeasured: the rule that needs it reports
#   missing evidence, never a pass and never a zero.
#
#   Performance notes (regorus evaluates every rule of an imported package on
#   first use, memoises rules but not function calls): the rules here are the
#   two name sets, built in one pass each; controls join the entries against
#   their thresholds with an object lookup (thresholds[m.name]) instead of
#   calling a per-name function that re-scans the entries.
package mlgate.lib.metrics

entries := m if {
	m := input.metrics
	is_array(m)
} else := []

# An entry measures the whole population, not a slice of it.
overall(m) if {
	is_object(m)
	not _sliced(m)
}

_sliced(m) if {
	s := m.slice
	is_object(s)
	count(s) > 0
}

# The numeric value of an overall entry (undefined for slices, nulls, text).
overall_value(m) := v if {
	v := m.value
	is_number(v)
	overall(m)
}

# Names with at least one overall entry, and with at least one numeric overall value.
_names := {name | some m in entries; name := m.name; is_string(name); not _sliced(m)}

_measured_names := {name | some m in entries; name := m.name; is_string(name); is_number(m.value); not _sliced(m)}

# Indexes of the overall entries named name (measured or null).
named(name) := {i | some i, m in entries; m.name == name; is_string(name); overall(m)}

# {index: value} of the numeric overall measurements of name.
measured(name) := {i: v | some i, m in entries; m.name == name; is_string(name); v := overall_value(m)}

# JSON pointers to report when name has no numeric overall measurement.
unmeasured_paths(name) := {"/metrics"} if {
	not name in _names
} else := {sprintf("/metrics/%d/value", [i]) | some i in named(name)} if {
	not name in _measured_names
}

# The metric's direction from data.mlgate.metrics ("higher" or "lower").
direction(name) := d if {
	d := data.mlgate.metrics[name].direction
	d in {"higher", "lower"}
}
