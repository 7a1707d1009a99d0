# METADATA
# title: Monitoring facts and thresholds lookup
# description: >-
#   Type-guarded access to input.monitoring (written by mlgate monitor and
#   mlgate compare) and to the subject tier's monitoring thresholds
#   (data.mlgate.monitoring.thresholds). An embedded engine raises where OPA
#   goes undefined, so every value is type-checked before it is compared.
package mlgate.monitoring.lib

# The subject's risk tier, when the monitoring thresholds have an entry for it.
tier := t if {
	t := input.subject.risk_tier
	is_string(t)
	is_object(data.mlgate.monitoring.thresholds[t])
}

# The tier's monitoring thresholds (undefined when the tier is unknown).
thresholds := data.mlgate.monitoring.thresholds[tier]

# input.monitoring, or {} when absent or of another type.
section := m if {
	m := input.monitoring
	is_object(m)
} else := {}

# The array at obj[key], or [] when absent or of another type.
array_at(obj, key) := x if {
	x := obj[key]
	is_array(x)
} else := []

# The object at obj[key], or {} when absent or of another type.
object_at(obj, key) := x if {
	x := obj[key]
	is_object(x)
} else := {}

# The monitored signals (one per series), the drift entries, the canary comparison.
signals := array_at(section, "signals")

drift := array_at(section, "drift")

canary := object_at(section, "canary")

default has_canary := false

has_canary if is_object(section.canary)

# Indexes of the signals named name.
named(name) := {i | some i, s in signals; is_object(s); s.name == name}

# A numeric statistic of a signal (undefined when absent, null or not a number).
stat(s, key) := v if {
	stats := s.stats
	is_object(stats)
	v := stats[key]
	is_number(v)
}

# table[name] when it is a number, else table.default when that is a number.
per_name(table, name) := v if {
	is_object(table)
	v := table[name]
	is_number(v)
} else := v if {
	is_object(table)
	v := table["default"]
	is_number(v)
}

# A threshold number at thresholds[group][key] (undefined when absent).
number(group, key) := v if {
	g := thresholds[group]
	is_object(g)
	v := g[key]
	is_number(v)
}

# A message value: the number, or "nothing" when it is absent.
shown(x) := x if {
	is_number(x)
} else := "nothing"
