# METADATA
# title: "Monitoring: evidence"
# description: >-
#   A monitoring decision needs evidence that covers the trailing window: the
#   subject's tier, every signal the tier requires, a window at least as long
#   as required, and for each signal enough observations spread over the
#   window. Anything less is insufficient evidence, never a pass.
# custom:
#   entrypoints: [data.mlgate.monitoring.decision]
package mlgate.monitoring.controls.evidence

import data.mlgate.monitoring.lib

default _any_evidence := false

_any_evidence if count(lib.signals) > 0

_any_evidence if count(lib.drift) > 0

_any_evidence if lib.has_canary

_required_seconds := (d * 24) * 3600 if {
	d := lib.number("window", "days")
}

_window_seconds := w if {
	w := lib.section.window.seconds
	is_number(w)
}

_coverage(s, key) := v if {
	c := s.coverage
	is_object(c)
	v := c[key]
	is_number(v)
}

_ratio_at_least(s, minimum) if _coverage(s, "ratio") >= minimum

_gap_at_most(s, maximum) if _coverage(s, "longest_gap_buckets") <= maximum

_bucket_at_most(s, hours) if _coverage(s, "bucket_seconds") <= (hours * 3600)

_samples_at_least(s, minimum) if lib.stat(s, "samples") >= minimum

_name(s) := n if {
	n := s.name
	is_string(n)
} else := "a signal"

# METADATA
# title: Monitoring evidence covers the window
# description: >-
#   The subject's tier selects monitoring thresholds, the facts hold some
#   monitoring evidence, every required signal is present, and the window is
#   as long as the tier requires (window.days).
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/subject/risk_tier, /monitoring/window, /monitoring/signals]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.4, MANAGE 4.1]
#     eu_ai_act: [Art. 72]
#     iso_42001: [A.6.2.6]
missing_evidence contains m if {
	not lib.tier
	m := {
		"control": "MLG-MON-007",
		"path": "/subject/risk_tier",
		"message": "the subject declares no risk tier with monitoring thresholds, so none can be chosen",
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: The facts hold no monitoring evidence at all.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring]
missing_evidence contains m if {
	not _any_evidence
	m := {
		"control": "MLG-MON-007",
		"path": "/monitoring",
		"message": "no monitoring evidence: no signal, drift report or canary comparison",
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: A signal the tier requires (required_signals) was not given.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring/signals, /subject/risk_tier]
missing_evidence contains m if {
	some name in lib.array_at(lib.thresholds, "required_signals")
	is_string(name)
	count(lib.named(name)) == 0
	m := {
		"control": "MLG-MON-007",
		"path": "/monitoring/signals",
		"message": sprintf("signal %s is required at the %s tier but was not given", [name, lib.tier]),
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: Signals were given without the window they were computed over.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring/window]
missing_evidence contains m if {
	count(lib.signals) > 0
	not _window_seconds
	m := {
		"control": "MLG-MON-007",
		"path": "/monitoring/window",
		"message": "the signals do not state the window they cover",
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: The window is shorter than the tier's window.days.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring/window/seconds, /subject/risk_tier]
missing_evidence contains m if {
	w := _window_seconds
	w < _required_seconds
	m := {
		"control": "MLG-MON-007",
		"path": "/monitoring/window/seconds",
		"message": sprintf("the window covers %v days; the %s tier requires %v", [w / 86400, lib.tier, _required_seconds / 86400]),
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: >-
#   A signal has data in too few of the window's buckets (evidence.min_coverage),
#   a longer run of empty buckets than allowed (evidence.max_gap_buckets), or
#   buckets coarser than evidence.max_bucket_hours.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i, s in lib.signals
	is_object(s)
	minimum := lib.number("evidence", "min_coverage")
	not _ratio_at_least(s, minimum)
	m := {
		"control": "MLG-MON-007",
		"path": sprintf("/monitoring/signals/%d/coverage/ratio", [i]),
		"message": sprintf("%s has data in %v of the window; the %s tier requires %v", [_name(s), lib.shown(object.get(object.get(s, "coverage", {}), "ratio", null)), lib.tier, minimum]),
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: A signal's longest run of empty buckets exceeds evidence.max_gap_buckets.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i, s in lib.signals
	is_object(s)
	maximum := lib.number("evidence", "max_gap_buckets")
	not _gap_at_most(s, maximum)
	m := {
		"control": "MLG-MON-007",
		"path": sprintf("/monitoring/signals/%d/coverage/longest_gap_buckets", [i]),
		"message": sprintf("%s has a gap of %v empty buckets; the %s tier allows %v", [_name(s), lib.shown(object.get(object.get(s, "coverage", {}), "longest_gap_buckets", null)), lib.tier, maximum]),
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: A signal's buckets are coarser than evidence.max_bucket_hours.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i, s in lib.signals
	is_object(s)
	hours := lib.number("evidence", "max_bucket_hours")
	not _bucket_at_most(s, hours)
	m := {
		"control": "MLG-MON-007",
		"path": sprintf("/monitoring/signals/%d/coverage/bucket_seconds", [i]),
		"message": sprintf("%s is sampled too coarsely to judge coverage; the %s tier accepts buckets of at most %v h", [_name(s), lib.tier, hours]),
	}
}

# METADATA
# title: Monitoring evidence covers the window
# description: A signal has fewer observations than evidence.min_samples.
# custom:
#   control_id: MLG-MON-007
#   severity: medium
#   thresholds: [window.days, evidence.min_coverage, evidence.max_gap_buckets, evidence.min_samples]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i, s in lib.signals
	is_object(s)
	minimum := lib.number("evidence", "min_samples")
	not _samples_at_least(s, minimum)
	m := {
		"control": "MLG-MON-007",
		"path": sprintf("/monitoring/signals/%d/stats/samples", [i]),
		"message": sprintf("%s has %v observations in the window; the %s tier requires %v", [_name(s), lib.shown(object.get(object.get(s, "stats", {}), "samples", null)), lib.tier, minimum]),
	}
}
