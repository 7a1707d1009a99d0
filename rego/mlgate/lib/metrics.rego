# METADATA
# title: Metric lookup over the facts' metrics
# description: >-
#   Overall (unsliced) measurements of canonical metrics. A metric that has no
#   numeric overall value is unmeasured: the rule that needs it reports
#   missing evidence, never a pass and never a zero.
package mlgate.lib.metrics

import data.mlgate.lib.facts

entries := m if {
	m := input.metrics
	is_array(m)
} else := []

# An entry measures the whole population, not a slice of it.
overall(m) if {
	is_object(m)
	not facts.has_fields(m, "slice")
}

_names := {m.name | some m in entries; overall(m); is_string(m.name)}

# {name: indexes of its overall entries} (computed once per evaluation).
_named[name] := {i | some i, m in entries; overall(m); m.name == name} if {
	some name in _names
}

# {name: {index: value}} of the numeric overall measurements.
_measured[name] := {i: v | some i in indexes; v := entries[i].value; is_number(v)} if {
	some name, indexes in _named
}

# Indexes of the overall entries named name (measured or null).
named(name) := object.get(_named, name, set())

# {index: value} of the numeric overall measurements of name.
measured(name) := object.get(_measured, name, {})

# JSON pointers to report when name has no numeric overall measurement.
unmeasured_paths(name) := {"/metrics"} if {
	count(named(name)) == 0
} else := {sprintf("/metrics/%d/value", [i]) | some i in named(name)} if {
	count(measured(name)) == 0
}

# The metric's direction from data.mlgate.metrics ("higher" or "lower").
direction(name) := d if {
	d := data.mlgate.metrics[name].direction
	d in {"higher", "lower"}
}
