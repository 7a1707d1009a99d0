package mlgate.monitoring.controls.canary_test

import data.mlgate.monitoring.controls.canary

_th := {"medium": {"comparison": {"max_regression": {"default": 0.01, "latency_p99_ms": 150}}}}

_pair(name, champion, challenger, regression) := {
	"name": name,
	"champion": champion,
	"challenger": challenger,
	"regression": regression,
}

_facts(pairs) := {"subject": {"name": "m", "version": "1", "risk_tier": "medium"}, "monitoring": {"canary": {"metrics": pairs}}}

_violations(inp) := {v.expected.metric |
	some v in canary.violation with input as inp with data.mlgate.monitoring.thresholds as _th
}

_missing(inp) := {m.path |
	some m in canary.missing_evidence with input as inp with data.mlgate.monitoring.thresholds as _th
}

test_auc_drop_at_the_margin_passes if {
	count(_violations(_facts([_pair("roc_auc", 0.86, 0.85, 0.01)]))) == 0
}

test_auc_drop_beyond_the_margin_fails if {
	_violations(_facts([_pair("roc_auc", 0.86, 0.8499, 0.0101)])) == {"roc_auc"}
}

test_latency_up_150_ms_passes_and_more_fails if {
	count(_violations(_facts([_pair("latency_p99_ms", 200, 350, 150)]))) == 0
	_violations(_facts([_pair("latency_p99_ms", 200, 350.5, 150.5)])) == {"latency_p99_ms"}
}

test_improvement_passes if {
	count(_violations(_facts([_pair("roc_auc", 0.8, 0.9, -0.1)]))) == 0
}

test_missing_challenger_value_is_missing_evidence if {
	inp := _facts([_pair("roc_auc", 0.86, null, null)])
	count(_violations(inp)) == 0
	_missing(inp) == {"/monitoring/canary/metrics/0"}
}

test_no_shared_metric_is_missing_evidence if {
	_missing(_facts([])) == {"/monitoring/canary/metrics"}
}

test_no_margin_and_no_default_is_missing_evidence if {
	th := {"medium": {"comparison": {"max_regression": {"latency_p99_ms": 150}}}}
	ms := {m.path |
		some m in canary.missing_evidence with input as _facts([_pair("roc_auc", 0.9, 0.8, 0.1)])
			with data.mlgate.monitoring.thresholds as th
	}
	ms == {"/monitoring/canary/metrics/0"}
}

test_unknown_tier_is_missing_evidence if {
	inp := {"subject": {"name": "m"}, "monitoring": {"canary": {"metrics": [_pair("roc_auc", 0.9, 0.8, 0.1)]}}}
	_missing(inp) == {"/subject/risk_tier"}
	count(_violations(inp)) == 0
}

test_no_canary_judges_nothing if {
	count(_missing({"subject": {"risk_tier": "medium"}})) == 0
}
