# METADATA
# title: "Monitoring: latency"
# description: >-
#   Request latency over the trailing window: the p99 stays at or under
#   latency.p99_max_ms, and at most latency.max_share_over_limit of the
#   requests take longer than latency.limit_ms. The signal named
#   latency.signal holds the latencies in milliseconds.
# custom:
#   entrypoints: [data.mlgate.monitoring.decision]
package mlgate.monitoring.controls.latency

import data.mlgate.monitoring.lib

_signal := s if {
	s := lib.thresholds.latency.signal
	is_string(s)
} else := "latency_ms"

_share_at(s, limit) := share if {
	over := s.stats.share_over_limit
	is_object(over)
	over.limit == limit
	share := over.share
	is_number(share)
}

# METADATA
# title: Latency p99 within the tier's maximum
# description: The window's p99 latency is at most latency.p99_max_ms (exactly the maximum passes).
# custom:
#   control_id: MLG-MON-002
#   severity: high
#   thresholds: [latency.p99_max_ms]
#   requires: [/monitoring/signals]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.4, MANAGE 2.4]
#     eu_ai_act: [Art. 15, Art. 72]
#     iso_42001: [A.6.2.6]
violation contains v if {
	some i in lib.named(_signal)
	s := lib.signals[i]
	p99 := lib.stat(s, "p99")
	maximum := lib.number("latency", "p99_max_ms")
	p99 > maximum
	v := {
		"control": "MLG-MON-002",
		"rule": "latency_p99_above_maximum",
		"severity": "high",
		"message": sprintf("%s: p99 over the window is %v ms, above the %s-tier maximum of %v ms", [_signal, p99, lib.tier, maximum]),
		"expected": {"signal": _signal, "maximum": maximum},
		"actual": p99,
		"evidence": sprintf("/monitoring/signals/%d/stats/p99", [i]),
	}
}

# METADATA
# title: Latency p99 within the tier's maximum
# description: The latency signal has no p99 over the window.
# custom:
#   control_id: MLG-MON-002
#   severity: high
#   thresholds: [latency.p99_max_ms]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i in lib.named(_signal)
	lib.number("latency", "p99_max_ms")
	not lib.stat(lib.signals[i], "p99")
	m := {
		"control": "MLG-MON-002",
		"path": sprintf("/monitoring/signals/%d/stats/p99", [i]),
		"message": sprintf("%s has no p99 over the window", [_signal]),
	}
}

# METADATA
# title: Few requests over the latency limit
# description: >-
#   The share of requests slower than latency.limit_ms is at most
#   latency.max_share_over_limit (exactly the maximum passes).
# custom:
#   control_id: MLG-MON-003
#   severity: high
#   thresholds: [latency.limit_ms, latency.max_share_over_limit]
#   requires: [/monitoring/signals]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.4, MANAGE 2.4]
#     eu_ai_act: [Art. 15, Art. 72]
#     iso_42001: [A.6.2.6]
violation contains v if {
	some i in lib.named(_signal)
	limit := lib.number("latency", "limit_ms")
	maximum := lib.number("latency", "max_share_over_limit")
	share := _share_at(lib.signals[i], limit)
	share > maximum
	v := {
		"control": "MLG-MON-003",
		"rule": "latency_share_over_limit_above_maximum",
		"severity": "high",
		"message": sprintf("%s: %v of requests took longer than %v ms; the %s tier allows %v", [_signal, share, limit, lib.tier, maximum]),
		"expected": {"signal": _signal, "limit_ms": limit, "max_share": maximum},
		"actual": share,
		"evidence": sprintf("/monitoring/signals/%d/stats/share_over_limit", [i]),
	}
}

# METADATA
# title: Few requests over the latency limit
# description: >-
#   The latency signal has no share over the limit, or one computed against
#   another limit than latency.limit_ms.
# custom:
#   control_id: MLG-MON-003
#   severity: high
#   thresholds: [latency.limit_ms, latency.max_share_over_limit]
#   requires: [/monitoring/signals]
missing_evidence contains m if {
	some i in lib.named(_signal)
	limit := lib.number("latency", "limit_ms")
	lib.number("latency", "max_share_over_limit")
	not _share_at(lib.signals[i], limit)
	m := {
		"control": "MLG-MON-003",
		"path": sprintf("/monitoring/signals/%d/stats/share_over_limit", [i]),
		"message": sprintf("%s has no share of requests over %v ms (the %s tier's limit)", [_signal, limit, lib.tier]),
	}
}
