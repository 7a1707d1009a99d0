# METADATA
# title: Risk tier and thresholds lookup
# description: >-
#   The subject's declared risk tier selects one entry of
#   data.mlgate.thresholds. Without a tier the thresholds cannot be chosen:
#   every tier-dependent rule stays silent and MLG-GOV-001 reports the tier as
#   missing evidence, so an undeclared tier can never pass.
package mlgate.lib.tier

# The subject's risk tier, when the thresholds data has an entry for it.
name := t if {
	t := input.subject.risk_tier
	is_string(t)
	thresholds := data.mlgate.thresholds
	is_object(thresholds)
	is_object(thresholds[t])
}

default known := false

known if is_string(name)

# The thresholds of the subject's tier (undefined when the tier is unknown).
thresholds := data.mlgate.thresholds[name]
