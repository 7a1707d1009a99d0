package mlgate.monitoring.lib_test

import data.mlgate.monitoring.lib

_th := {"medium": {"latency": {"p99_max_ms": 500}}}

test_tier_needs_monitoring_thresholds if {
	lib.tier == "medium" with input as {"subject": {"risk_tier": "medium"}}
		with data.mlgate.monitoring.thresholds as _th
	not lib.tier with input as {"subject": {"risk_tier": "high"}}
		with data.mlgate.monitoring.thresholds as _th
	not lib.tier with input as {"subject": {"risk_tier": 3}}
		with data.mlgate.monitoring.thresholds as _th
}

test_section_defaults_to_empty if {
	lib.section == {} with input as {"monitoring": "not an object"}
	lib.signals == [] with input as {"monitoring": {"signals": "x"}}
	not lib.has_canary with input as {"monitoring": {"signals": []}}
	lib.has_canary with input as {"monitoring": {"canary": {}}}
}

test_named_finds_every_index if {
	inp := {"monitoring": {"signals": [{"name": "a"}, "junk", {"name": "b"}, {"name": "a"}]}}
	lib.named("a") == {0, 3} with input as inp
	lib.named("c") == set() with input as inp
}

test_stat_is_numeric_only if {
	lib.stat({"stats": {"p99": 12}}, "p99") == 12
	not lib.stat({"stats": {"p99": null}}, "p99")
	not lib.stat({"stats": "x"}, "p99")
	not lib.stat({}, "p99")
}

test_per_name_falls_back_to_default if {
	lib.per_name({"income": 0.3, "default": 0.1}, "income") == 0.3
	lib.per_name({"income": 0.3, "default": 0.1}, "age") == 0.1
	not lib.per_name({"income": 0.3}, "age")
	not lib.per_name("x", "age")
}

test_shown_names_absent_values if {
	lib.shown(0.5) == 0.5
	lib.shown(null) == "nothing"
}
