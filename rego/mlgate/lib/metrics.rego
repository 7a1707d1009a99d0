# METADATA
# title: Metric lookup over the facts' metrics
# description: >-
#   Overall (unsliced) measurements of canonical metrics. A metric that has no
#   numeric overall value is unmeasured: the rule that needs it reports
#   missing evidence, never a pass and never a zero.
package mlgate.lib.metrics

# Cost model (regorus, the embedded engine): every rule of an imported package
# is evaluated once per decision, function calls are not memoised, and each
# builtin or function call costs far more than a comparison. So the only
# rules here are the ones every decision needs; lookups by name are functions
# that compare names first and call builtins only for the entries that match.

entries := m if {
	m := input.metrics
	is_array(m)
} else := []

# An entry measures the whole population, not a slice of it: it has no slice,
# or its slice is not a non-empty object. (Three bodies instead of a negated
# helper, so the usual entry, without a slice, costs no second call.)
overall(m) if {
	not m.slice
	is_object(m)
}

overall(m) if {
	s := m.slice
	not is_object(s)
}

overall(m) if {
	m.slice == {}
}

# The numeric value of an overall entry (undefined for slices, nulls, text).
overall_value(m) := v if {
	v := m.value
	is_number(v)
	overall(m)
}

# Names with a numeric overall value, built once (thresholds and baselines are
# then checked by set membership). The usual entry has no slice at all and is
# judged without a function call.
measured_names contains name if {
	some m in entries
	not m.slice
	is_number(m.value)
	name := m.name # bound in the body: an undefined head term empties the whole set in regorus
}

measured_names contains name if {
	some m in entries
	m.slice
	is_number(m.value)
	overall(m)
	name := m.name
}

# Indexes of the overall entries named name (measured or null). The type check
# comes after the lookup: OPA 1.22 fails with eval_internal_error ("is_string
# called with operand 1 that requires evaluation") when a comprehension in a
# function opens with a builtin on the argument and then matches it by equality.
named(name) := {i | some i, m in entries; m.name == name; is_string(name); overall(m)}

# {index: value} of the numeric overall measurements of name.
measured(name) := {i: v | some i, m in entries; m.name == name; is_string(name); v := overall_value(m)}

# JSON pointers to report when name has no numeric overall measurement.
unmeasured_paths(name) := paths if {
	not _measured(name)
	paths := _unmeasured_paths(named(name))
}

_measured(name) if {
	is_string(name)
	name in measured_names
}

_unmeasured_paths(indexes) := {"/metrics"} if {
	count(indexes) == 0
} else := {sprintf("/metrics/%d/value", [i]) | some i in indexes}

# The metric catalog (data.mlgate.metrics), read once per evaluation.
_catalog := data.mlgate.metrics

# The metric's direction from data.mlgate.metrics ("higher" or "lower").
direction(name) := d if {
	d := _catalog[name].direction
	d in {"higher", "lower"}
}
