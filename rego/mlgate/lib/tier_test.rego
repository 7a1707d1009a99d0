package mlgate.lib.tier_test

import data.mlgate.lib.tier

_thresholds := {"low": {"x": 1}, "high": {"x": 3}}

test_declared_tier_selects_its_thresholds if {
	inp := {"subject": {"risk_tier": "high"}}
	tier.thresholds == {"x": 3} with input as inp with data.mlgate.thresholds as _thresholds
	tier.name == "high" with input as inp with data.mlgate.thresholds as _thresholds
	tier.known with input as inp with data.mlgate.thresholds as _thresholds
}

test_missing_tier_is_unknown if {
	inp := {"subject": {"name": "m"}}
	not tier.known with input as inp with data.mlgate.thresholds as _thresholds
	not tier.thresholds with input as inp with data.mlgate.thresholds as _thresholds
}

test_tier_without_thresholds_is_unknown if {
	not tier.known with input as {"subject": {"risk_tier": "critical"}} with data.mlgate.thresholds as _thresholds
}

test_non_string_tier_is_unknown if {
	not tier.known with input as {"subject": {"risk_tier": 3}} with data.mlgate.thresholds as _thresholds
}
