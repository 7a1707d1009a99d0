package mlgate.monitoring.controls.evidence_test

import data.mlgate.monitoring.controls.evidence

_th := {"medium": {
	"window": {"days": 7},
	"required_signals": ["latency_ms"],
	"evidence": {"min_coverage": 0.9, "max_gap_buckets": 6, "max_bucket_hours": 24, "min_samples": 48},
}}

_covered := {"ratio": 1, "longest_gap_buckets": 0, "bucket_seconds": 3600}

_signal(coverage, samples) := {"name": "latency_ms", "stats": {"samples": samples}, "coverage": coverage}

_facts(signals) := {
	"subject": {"name": "m", "version": "1", "risk_tier": "medium"},
	"monitoring": {"window": {"seconds": 604800}, "signals": signals},
}

_paths(inp) := {m.path |
	some m in evidence.missing_evidence with input as inp with data.mlgate.monitoring.thresholds as _th
}

test_complete_evidence_is_not_missing if {
	count(_paths(_facts([_signal(_covered, 168)]))) == 0
}

test_no_tier_is_missing_evidence if {
	inp := json.patch(_facts([_signal(_covered, 168)]), [{"op": "remove", "path": "/subject/risk_tier"}])
	"/subject/risk_tier" in _paths(inp)
}

test_no_monitoring_at_all_is_missing_evidence if {
	ps := _paths({"subject": {"name": "m", "version": "1", "risk_tier": "medium"}})
	ps == {"/monitoring", "/monitoring/signals"}
}

test_required_signal_absent_is_missing if {
	inp := _facts([object.union(_signal(_covered, 168), {"name": "prediction_confidence"})])
	_paths(inp) == {"/monitoring/signals"}
}

test_window_shorter_than_required_is_missing if {
	inp := object.union(_facts([_signal(_covered, 168)]), {"monitoring": {"window": {"seconds": 518400}}})
	_paths(inp) == {"/monitoring/window/seconds"}
}

test_window_exactly_as_long_as_required_is_enough if {
	inp := object.union(_facts([_signal(_covered, 168)]), {"monitoring": {"window": {"seconds": 604800}}})
	count(_paths(inp)) == 0
}

test_window_not_stated_is_missing if {
	inp := {"subject": {"name": "m", "version": "1", "risk_tier": "medium"}, "monitoring": {"signals": [_signal(_covered, 168)]}}
	_paths(inp) == {"/monitoring/window"}
}

test_low_coverage_is_missing if {
	inp := _facts([_signal(object.union(_covered, {"ratio": 0.89}), 168)])
	_paths(inp) == {"/monitoring/signals/0/coverage/ratio"}
}

test_coverage_exactly_at_minimum_is_enough if {
	count(_paths(_facts([_signal(object.union(_covered, {"ratio": 0.9}), 168)]))) == 0
}

test_long_gap_is_missing if {
	inp := _facts([_signal(object.union(_covered, {"longest_gap_buckets": 7}), 168)])
	_paths(inp) == {"/monitoring/signals/0/coverage/longest_gap_buckets"}
}

test_coarse_buckets_are_missing if {
	inp := _facts([_signal(object.union(_covered, {"bucket_seconds": 172800}), 168)])
	_paths(inp) == {"/monitoring/signals/0/coverage/bucket_seconds"}
}

test_too_few_samples_are_missing if {
	_paths(_facts([_signal(_covered, 47)])) == {"/monitoring/signals/0/stats/samples"}
}

test_coverage_absent_is_missing_and_raises_nothing if {
	inp := _facts([{"name": "latency_ms", "stats": {"samples": 168}}])
	_paths(inp) == {
		"/monitoring/signals/0/coverage/ratio",
		"/monitoring/signals/0/coverage/longest_gap_buckets",
		"/monitoring/signals/0/coverage/bucket_seconds",
	}
}

test_window_seconds_null_is_not_stated if {
	inp := {"subject": {"name": "m", "version": "1", "risk_tier": "medium"}, "monitoring": {"window": {"seconds": null}, "signals": [_signal(_covered, 168)]}}
	_paths(inp) == {"/monitoring/window"}
}
