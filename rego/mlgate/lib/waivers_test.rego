# Expected values are compared after the `with` expression, not inside it:
# the embedded engine leaves `rule == {other_rule} with data.x as ...`
# undefined where OPA evaluates it.
package mlgate.lib.waivers_test

import data.mlgate.lib.waivers

_waiver := {
	"control": "MLG-SEC-002",
	"model": "fraud-scorer",
	"reason": "not reachable",
	"ticket": "RISK-1",
	"approver": "ciso",
	"expires_at": "2025-07-01T00:00:00Z",
}

_facts(evaluated_at) := {
	"subject": {"name": "fraud-scorer", "version": "1"},
	"context": {"evaluated_at": evaluated_at},
}

test_waiver_before_expiry_is_live if {
	inp := _facts("2025-06-02T12:00:00Z")
	ws := [_waiver]
	live := waivers.live with input as inp with data.mlgate.waivers as ws
	controls := waivers.live_controls with input as inp with data.mlgate.waivers as ws
	expired := waivers.expired with input as inp with data.mlgate.waivers as ws
	live == {_waiver}
	controls == {"MLG-SEC-002"}
	count(expired) == 0
}

test_waiver_after_expiry_is_expired_not_live if {
	inp := _facts("2025-07-02T00:00:00Z")
	ws := [_waiver]
	live := waivers.live with input as inp with data.mlgate.waivers as ws
	expired := waivers.expired with input as inp with data.mlgate.waivers as ws
	count(live) == 0
	expired == {_waiver}
}

test_waiver_expiring_at_evaluation_time_is_expired if {
	inp := _facts("2025-07-01T00:00:00Z")
	count(waivers.live) == 0 with input as inp with data.mlgate.waivers as [_waiver]
	count(waivers.expired) == 1 with input as inp with data.mlgate.waivers as [_waiver]
}

test_waiver_for_another_model_is_ignored if {
	inp := _facts("2025-06-02T12:00:00Z")
	other := object.union(_waiver, {"model": "credit-default"})
	count(waivers.live) == 0 with input as inp with data.mlgate.waivers as [other]
	count(waivers.expired) == 0 with input as inp with data.mlgate.waivers as [other]
}

test_malformed_waivers_are_ignored_without_error if {
	inp := _facts("2025-06-02T12:00:00Z")
	no_ticket := object.remove(_waiver, ["ticket"])
	bad_date := object.union(_waiver, {"expires_at": "2025-02-30T00:00:00Z"})
	numeric_date := object.union(_waiver, {"expires_at": 1751328000})
	ws := [no_ticket, bad_date, numeric_date, "MLG-SEC-002", null]
	count(waivers.live) == 0 with input as inp with data.mlgate.waivers as ws
	count(waivers.expired) == 0 with input as inp with data.mlgate.waivers as ws
}

test_waivers_data_that_is_not_a_list_is_ignored if {
	inp := _facts("2025-06-02T12:00:00Z")
	count(waivers.live) == 0 with input as inp with data.mlgate.waivers as {"MLG-SEC-002": _waiver}
}
