# METADATA
# title: "Monitoring: baseline band"
# description: >-
#   A monitored signal stays inside its baseline's band: the mean over the
#   trailing window lies within the baseline mean plus or minus
#   baseline.sigmas baseline standard deviations. mlgate computes both means
#   and the baseline's standard deviation; the policy only compares.
# custom:
#   entrypoints: [data.mlgate.monitoring.decision]
package mlgate.monitoring.controls.baseline

import data.mlgate.monitoring.lib

_baseline(s) := b if {
	is_object(s)
	b := s.baseline
	is_object(b)
}

_number(obj, key) := v if {
	v := obj[key]
	is_number(v)
}

_usable(b, minimum) if {
	_number(b, "mean")
	_number(b, "std") >= 0
	_number(b, "samples") >= minimum
}

_outside(x, low, _) if x < low

_outside(x, _, high) if x > high

# METADATA
# title: Signal within its baseline band
# description: >-
#   The window mean of a signal with a baseline lies within baseline mean
#   plus or minus baseline.sigmas standard deviations (the band's edges pass).
# custom:
#   control_id: MLG-MON-001
#   severity: medium
#   thresholds: [baseline.sigmas, baseline.min_samples]
#   requires: [/monitoring/signals]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.4, MANAGE 4.1]
#     eu_ai_act: [Art. 72]
#     iso_42001: [A.6.2.6]
violation contains v if {
	some i, s in lib.signals
	b := _baseline(s)
	k := lib.number("baseline", "sigmas")
	_usable(b, lib.number("baseline", "min_samples"))
	mean := lib.stat(s, "mean")
	low := b.mean - (k * b.std)
	high := b.mean + (k * b.std)
	_outside(mean, low, high)
	v := {
		"control": "MLG-MON-001",
		"rule": "signal_outside_baseline_band",
		"severity": "medium",
		"message": sprintf("%s: the window mean %v is outside the baseline band [%v, %v] (mean %v +/- %v sd)", [s.name, mean, low, high, b.mean, k]),
		"expected": {"signal": s.name, "lower": low, "upper": high, "sigmas": k},
		"actual": mean,
		"evidence": sprintf("/monitoring/signals/%d/stats/mean", [i]),
	}
}

# METADATA
# title: Signal within its baseline band
# description: >-
#   A baseline was given but has too few observations (baseline.min_samples)
#   or no mean and standard deviation, or the signal has no window mean.
# custom:
#   control_id: MLG-MON-001
#   severity: medium
#   thresholds: [baseline.sigmas, baseline.min_samples]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i, s in lib.signals
	b := _baseline(s)
	minimum := lib.number("baseline", "min_samples")
	not _usable(b, minimum)
	m := {
		"control": "MLG-MON-001",
		"path": sprintf("/monitoring/signals/%d/baseline", [i]),
		"message": sprintf("the baseline of %v has %v observations (at least %v needed, with a mean and a standard deviation)", [s.name, lib.shown(object.get(b, "samples", null)), minimum]),
	}
}

# METADATA
# title: Signal within its baseline band
# description: A signal with a baseline has no mean over the window.
# custom:
#   control_id: MLG-MON-001
#   severity: medium
#   thresholds: [baseline.sigmas, baseline.min_samples]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i, s in lib.signals
	_baseline(s)
	not lib.stat(s, "mean")
	m := {
		"control": "MLG-MON-001",
		"path": sprintf("/monitoring/signals/%d/stats/mean", [i]),
		"message": sprintf("%v has no mean over the window to compare with its baseline", [s.name]),
	}
}

# METADATA
# title: Signal within its baseline band
# description: A signal named in baseline.required_for was given without a baseline.
# custom:
#   control_id: MLG-MON-001
#   severity: medium
#   thresholds: [baseline.sigmas, baseline.min_samples]
#   requires: [/monitoring/signals, /subject/risk_tier]
missing_evidence contains m if {
	some name in lib.array_at(object.get(lib.thresholds, "baseline", {}), "required_for")
	some i in lib.named(name)
	not _baseline(lib.signals[i])
	m := {
		"control": "MLG-MON-001",
		"path": sprintf("/monitoring/signals/%d/baseline", [i]),
		"message": sprintf("%s needs a baseline at the %s tier", [name, lib.tier]),
	}
}
