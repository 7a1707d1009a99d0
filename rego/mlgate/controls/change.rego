# METADATA
# title: Change control against the previous release
# description: >-
#   A new version of a released model is compared with its predecessor: the
#   baseline metrics are recorded, and no canonical metric regresses beyond
#   the tier's margin (in the metric's own direction). A first release
#   (previous_version null) has no baseline.
package mlgate.controls.change

import data.mlgate.lib.metrics
import data.mlgate.lib.tier

# Read with field references only (max_regression is guarded below), so no
# object guard is needed.
_th := tier.thresholds.change

# The change record; undefined when the facts carry none.
_change := c if {
	c := input.change
	is_object(c)
}

_baseline := b if {
	b := _change.baseline_metrics
	is_array(b)
}

# The allowed regression for a metric: its own entry, else the default.
_limits := l if {
	l := _th.max_regression
	is_object(l)
}

_max_regression(name) := m if {
	m := _limits[name]
	is_number(m)
} else := m if {
	m := _limits["default"]
	is_number(m)
}

# How much worse value is than baseline, in the metric's direction ("higher"
# or "lower" is better; > 0 is worse).
_regression(direction, baseline, value) := baseline - value if {
	direction == "higher"
} else := value - baseline

# Canonical overall baseline measurements: {index, name, value, direction}.
_baseline_measurements contains {"index": j, "name": name, "value": value, "direction": direction} if {
	some j, b in _baseline
	name := b.name
	is_string(name)
	direction := metrics.direction(name)
	value := b.value
	is_number(value)
	metrics.overall(b)
}

# The names with a baseline: the current entries to compare are picked by
# set membership, in one pass over the metrics.
_baseline_names := {b.name | some b in _baseline_measurements}

# METADATA
# title: No regression beyond tier margin
# description: >-
#   For every canonical metric in change.baseline_metrics, the current
#   overall value is not worse than the baseline by more than
#   thresholds[tier].change.max_regression for that metric (or the default).
# custom:
#   control_id: MLG-CHG-001
#   severity: high
#   requires: [/change/baseline_metrics, /metrics, /subject/risk_tier]
#   thresholds: [change.max_regression]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.3, MANAGE 1.1]
#     eu_ai_act: [Art. 15, Art. 17]
#     iso_42001: [A.6.2.4]
violation contains v if {
	some i, m in metrics.entries
	m.name in _baseline_names
	value := m.value
	is_number(value)
	some b in _baseline_measurements
	b.name == m.name
	name := b.name
	baseline := b.value
	regression := _regression(b.direction, baseline, value)
	maximum := _max_regression(name)
	regression > maximum
	metrics.overall(m)
	v := {
		"control": "MLG-CHG-001",
		"rule": "metric_regressed",
		"severity": "high",
		"message": sprintf(
			"%s regressed from %v (baseline) to %v; at most %v allowed at the %s tier",
			[name, baseline, value, maximum, tier.name],
		),
		"expected": {"metric": name, "baseline": baseline, "max_regression": maximum, "baseline_evidence": sprintf("/change/baseline_metrics/%d", [b.index])},
		"actual": value,
		"evidence": sprintf("/metrics/%d", [i]),
	}
}

# METADATA
# title: No regression beyond tier margin
# description: A metric with a baseline has no current overall measurement to compare.
# custom:
#   control_id: MLG-CHG-001
#   severity: high
#   requires: [/change/baseline_metrics, /metrics, /subject/risk_tier]
missing_evidence contains m if {
	some b in _baseline_measurements
	not b.name in metrics.measured_names
	tier.known
	some path in metrics.unmeasured_paths(b.name)
	m := {
		"control": "MLG-CHG-001",
		"path": path,
		"message": sprintf("%s has a baseline but no current measurement to compare", [b.name]),
	}
}

# METADATA
# title: Change record with baseline
# description: >-
#   Where thresholds[tier].change.baseline_required, the facts say which
#   version this release replaces (null for a first release) and, unless it is
#   a first release, carry that version's baseline metrics.
# custom:
#   control_id: MLG-CHG-002
#   severity: medium
#   requires: [/change, /subject/risk_tier]
#   thresholds: [change.baseline_required]
#   frameworks:
#     nist_ai_rmf: [MANAGE 1.1]
#     eu_ai_act: [Art. 17]
#     iso_42001: [A.6.2.5]
missing_evidence contains m if {
	_th.baseline_required == true
	not _change
	m := {
		"control": "MLG-CHG-002",
		"path": "/change",
		"message": sprintf("no change record (previous_version, baseline_metrics); required at the %s tier", [tier.name]),
	}
}

# METADATA
# title: Change record with baseline
# description: The change record does not say which version it replaces.
# custom:
#   control_id: MLG-CHG-002
#   severity: medium
#   requires: [/change/previous_version, /subject/risk_tier]
missing_evidence contains m if {
	_th.baseline_required == true
	change := _change # bound before the negation below
	not "previous_version" in object.keys(change)
	m := {
		"control": "MLG-CHG-002",
		"path": "/change/previous_version",
		"message": "the change record does not say which version it replaces (null for a first release)",
	}
}

# METADATA
# title: Change record with baseline
# description: An upgrade of a released version carries no baseline metrics.
# custom:
#   control_id: MLG-CHG-002
#   severity: medium
#   requires: [/change/baseline_metrics, /subject/risk_tier]
missing_evidence contains m if {
	_th.baseline_required == true
	is_string(_change.previous_version)
	count(_baseline_measurements) == 0
	m := {
		"control": "MLG-CHG-002",
		"path": "/change/baseline_metrics",
		"message": sprintf("no baseline metrics for previous version %v", [_change.previous_version]),
	}
}

# The metrics the tier holds to a threshold: a regression in one of them is what
# change control is for, so an upgrade's baseline must cover each of them.
_thresholded contains name if {
	some name, _ in tier.thresholds.performance.minimum
	is_string(name)
}

_thresholded contains name if {
	some name, _ in tier.thresholds.performance.maximum
	is_string(name)
}

_thresholded contains name if {
	some name, _ in tier.thresholds.calibration.maximum
	is_string(name)
}

# METADATA
# title: No regression beyond tier margin
# description: >-
#   An upgrade's baseline leaves out a metric the tier thresholds and the
#   facts measure: a regression in that metric could not be seen, so leaving
#   it out is missing evidence.
# custom:
#   control_id: MLG-CHG-001
#   severity: high
#   requires: [/change/baseline_metrics, /subject/risk_tier]
missing_evidence contains m if {
	is_string(_change.previous_version)
	count(_baseline_measurements) > 0 # none at all is MLG-CHG-002's missing evidence
	some name in _thresholded
	name in metrics.measured_names # an unmeasured one is MLG-PERF/CAL's missing evidence
	not name in _baseline_names
	m := {
		"control": "MLG-CHG-001",
		"path": "/change/baseline_metrics",
		"message": sprintf(
			"the baseline of version %v has no overall %s, which the %s tier thresholds: a regression in it could not be seen",
			[_change.previous_version, name, tier.name],
		),
	}
}
