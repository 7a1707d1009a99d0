package mlgate.controls.lineage_test

import data.mlgate.controls.lineage

_thresholds := {
	"high": {"lineage": {
		"required_dataset_roles": ["train", "test"],
		"require_dataset_digest": true,
		"leakage_check_required": true,
		"data_quality_required": true,
	}},
	"low": {"lineage": {
		"required_dataset_roles": [],
		"require_dataset_digest": false,
		"leakage_check_required": false,
		"data_quality_required": false,
	}},
}

_facts(tier, l) := {"subject": {"name": "m", "version": "1", "risk_tier": tier}, "lineage": l}

_violations(inp) := vs if {
	vs := lineage.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := lineage.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_train := {"name": "d-train", "role": "train", "digest": "sha256:aa"}

_test := {"name": "d-test", "role": "test", "digest": "sha256:bb"}

_complete := {
	"datasets": [_train, _test],
	"leakage_checks": [{"name": "overlap", "passed": true}],
	"data_quality": [{"name": "nulls", "passed": true}],
}

_with(key, value) := object.union(object.remove(_complete, [key]), {key: value})

test_complete_lineage_passes if {
	inp := _facts("high", _complete)
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_missing_dataset_role_is_violation if {
	vs := _violations(_facts("high", _with("datasets", [_train])))
	{[v.control, v.actual] | some v in vs} == {["MLG-LIN-001", {"roles": ["train"]}]}
}

test_absent_datasets_are_missing_evidence if {
	ms := _missing(_facts("high", object.remove(_complete, ["datasets"])))
	{[m.control, m.path] | some m in ms} == {["MLG-LIN-001", "/lineage/datasets"]}
}

test_dataset_without_digest_is_violation_where_required if {
	vs := _violations(_facts("high", _with("datasets", [_train, {"name": "d-test", "role": "test"}])))
	{[v.control, v.evidence] | some v in vs} == {["MLG-LIN-002", "/lineage/datasets/1"]}
}

test_digest_not_required_at_low_tier if {
	count(_violations(_facts("low", _with("datasets", [{"name": "d", "role": "train"}])))) == 0
}

test_failed_leakage_check_is_violation if {
	vs := _violations(_facts("high", _with("leakage_checks", [{"name": "overlap", "passed": false}])))
	{[v.control, v.evidence] | some v in vs} == {["MLG-LIN-003", "/lineage/leakage_checks/0"]}
}

test_failed_leakage_check_blocks_where_not_required if {
	vs := _violations(_facts("low", {"leakage_checks": [{"name": "overlap", "passed": false}]}))
	{v.control | some v in vs} == {"MLG-LIN-003"}
}

test_absent_leakage_check_is_missing_evidence_where_required if {
	ms := _missing(_facts("high", _with("leakage_checks", [])))
	{[m.control, m.path] | some m in ms} == {["MLG-LIN-003", "/lineage/leakage_checks"]}
}

test_failed_data_quality_check_is_violation if {
	checks := [{"name": "nulls", "passed": true}, {"name": "drift", "passed": false}]
	vs := _violations(_facts("high", _with("data_quality", checks)))
	{[v.control, v.evidence] | some v in vs} == {["MLG-LIN-004", "/lineage/data_quality/1"]}
}

test_absent_data_quality_is_missing_evidence_where_required if {
	ms := _missing(_facts("high", object.remove(_complete, ["data_quality"])))
	{[m.control, m.path] | some m in ms} == {["MLG-LIN-004", "/lineage/data_quality"]}
}

test_tier_without_lineage_requirements_needs_none if {
	inp := {"subject": {"name": "m", "version": "1", "risk_tier": "low"}}
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_empty_dataset_list_is_a_violation_not_missing_evidence if {
	inp := _facts("high", _with("datasets", []))
	{[v.control, v.message] | some v in _violations(inp)} == {
		["MLG-LIN-001", "no train dataset declared; required at the high tier"],
		["MLG-LIN-001", "no test dataset declared; required at the high tier"],
	}
	count(_missing(inp)) == 0
}
