package mlgate.monitoring.controls.latency_test

import data.mlgate.monitoring.controls.latency

_th := {"medium": {"latency": {"signal": "latency_ms", "p99_max_ms": 500, "limit_ms": 500, "max_share_over_limit": 0.01}}}

_facts(stats) := {
	"subject": {"name": "m", "version": "1", "risk_tier": "medium"},
	"monitoring": {"signals": [{"name": "other", "stats": {}}, {"name": "latency_ms", "stats": stats}]},
}

_stats(p99, share) := {"p99": p99, "share_over_limit": {"limit": 500, "share": share}}

_controls(inp) := {v.control |
	some v in latency.violation with input as inp with data.mlgate.monitoring.thresholds as _th
}

_missing(inp) := {[m.control, m.path] |
	some m in latency.missing_evidence with input as inp with data.mlgate.monitoring.thresholds as _th
}

test_fast_service_passes if {
	inp := _facts(_stats(480, 0.005))
	count(_controls(inp)) == 0
	count(_missing(inp)) == 0
}

test_p99_exactly_at_maximum_passes if {
	count(_controls(_facts(_stats(500, 0)))) == 0
}

test_p99_above_maximum_is_violation if {
	_controls(_facts(_stats(500.1, 0))) == {"MLG-MON-002"}
}

test_share_exactly_at_maximum_passes if {
	count(_controls(_facts(_stats(100, 0.01)))) == 0
}

test_share_above_maximum_is_violation if {
	_controls(_facts(_stats(100, 0.0101))) == {"MLG-MON-003"}
}

test_violation_points_at_the_latency_signal if {
	some v in latency.violation with input as _facts(_stats(900, 0))
		with data.mlgate.monitoring.thresholds as _th
	v.evidence == "/monitoring/signals/1/stats/p99"
	v.actual == 900
}

test_share_against_another_limit_is_missing_evidence if {
	inp := _facts({"p99": 100, "share_over_limit": {"limit": 250, "share": 0.5}})
	count(_controls(inp)) == 0
	_missing(inp) == {["MLG-MON-003", "/monitoring/signals/1/stats/share_over_limit"]}
}

test_no_statistics_is_missing_evidence if {
	_missing(_facts({"p99": null})) == {
		["MLG-MON-002", "/monitoring/signals/1/stats/p99"],
		["MLG-MON-003", "/monitoring/signals/1/stats/share_over_limit"],
	}
}

test_other_signals_are_not_latency if {
	inp := {"subject": {"risk_tier": "medium"}, "monitoring": {"signals": [{"name": "other", "stats": _stats(900, 0.5)}]}}
	count(_controls(inp)) == 0
	count(_missing(inp)) == 0
}
