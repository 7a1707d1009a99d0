package mlgate.lib.clock_test

import data.mlgate.lib.clock

_at(ts) := {"context": {"evaluated_at": ts}}

test_rfc3339_forms_are_valid if {
	clock.valid("2025-06-02T12:00:00Z")
	clock.valid("2025-06-02T12:00:00.123456Z")
	clock.valid("2025-06-02T14:00:00+02:00")
	clock.valid("2025-12-31T23:59:59-11:30")
}

test_leap_days_of_leap_years_are_valid if {
	clock.valid("2024-02-29T00:00:00Z")
	clock.valid("2000-02-29T00:00:00Z")
}

test_impossible_dates_are_invalid if {
	not clock.valid("2025-02-30T00:00:00Z")
	not clock.valid("2025-04-31T00:00:00Z")
	not clock.valid("2025-02-29T00:00:00Z")
	not clock.valid("2100-02-29T00:00:00Z")
	not clock.valid("2025-13-01T00:00:00Z")
	not clock.valid("2025-06-02T24:00:00Z")
}

test_non_rfc3339_strings_are_invalid if {
	not clock.valid("2025-06-02t12:00:00z")
	not clock.valid("2025-06-02 12:00:00Z")
	not clock.valid("2025-06-02")
	not clock.valid("")
}

test_non_strings_are_invalid if {
	not clock.valid(1748865600)
	not clock.valid(null)
}

test_invalid_timestamp_has_no_time_and_raises_nothing if {
	not clock.ns("2025-02-30T00:00:00Z")
	not clock.evaluated_at_ns with input as _at("2025-02-30T00:00:00Z")
}

test_offsets_name_the_same_instant if {
	clock.ns("2025-06-02T14:00:00+02:00") == clock.ns("2025-06-02T12:00:00Z")
}

test_later_timestamp_is_after_evaluation if {
	clock.after_evaluation("2025-06-02T12:00:01Z") with input as _at("2025-06-02T12:00:00Z")
	not clock.at_or_before_evaluation("2025-06-02T12:00:01Z") with input as _at("2025-06-02T12:00:00Z")
}

test_timestamp_equal_to_evaluation_time_has_expired if {
	clock.at_or_before_evaluation("2025-06-02T12:00:00Z") with input as _at("2025-06-02T12:00:00Z")
	not clock.after_evaluation("2025-06-02T12:00:00Z") with input as _at("2025-06-02T12:00:00Z")
}

test_without_evaluation_time_nothing_is_live_or_expired if {
	not clock.after_evaluation("2099-01-01T00:00:00Z") with input as {}
	not clock.at_or_before_evaluation("2000-01-01T00:00:00Z") with input as {}
}

test_age_is_measured_from_evaluation_time if {
	clock.age_ns("2025-06-01T12:00:00Z") == clock.days_ns(1) with input as _at("2025-06-02T12:00:00Z")
	clock.days_ns(14) == 1209600000000000
}

test_leap_days_follow_the_gregorian_calendar if {
	clock.valid("1600-02-29T00:00:00Z")
	clock.valid("2096-02-29T23:59:59+01:00")
	not clock.valid("1900-02-29T00:00:00Z")
	not clock.valid("2023-02-29T00:00:00Z")
	not clock.valid("2024-02-30T00:00:00Z")
	clock.valid("2023-02-28T00:00:00Z")
	clock.valid("2023-04-30T00:00:00Z")
	not clock.valid("2023-06-31T00:00:00Z")
}
