package mlgate.lib.metrics_test

import data.mlgate.lib.metrics

_facts := {"metrics": [
	{"name": "roc_auc", "value": 0.86},
	{"name": "recall", "value": null},
	{"name": "roc_auc", "value": 0.7, "slice": {"region": "north"}},
	{"name": "f1", "value": 0.5, "slice": {}},
	{"name": "roc_auc", "value": 0.84, "dataset": "holdout-b"},
]}

test_measured_returns_numeric_overall_values_by_index if {
	metrics.measured("roc_auc") == {0: 0.86, 4: 0.84} with input as _facts
}

test_sliced_entry_is_not_overall if {
	not metrics.measured("roc_auc")[2] with input as _facts
}

test_empty_slice_counts_as_overall if {
	metrics.measured("f1") == {3: 0.5} with input as _facts
}

test_null_value_is_unmeasured_at_its_pointer if {
	metrics.unmeasured_paths("recall") == {"/metrics/1/value"} with input as _facts
}

test_absent_metric_is_unmeasured_at_metrics if {
	metrics.unmeasured_paths("pr_auc") == {"/metrics"} with input as _facts
	metrics.unmeasured_paths("pr_auc") == {"/metrics"} with input as {}
}

test_measured_metric_is_not_unmeasured if {
	not metrics.unmeasured_paths("roc_auc") with input as _facts
}

test_non_array_metrics_are_treated_as_none if {
	metrics.entries == [] with input as {"metrics": "roc_auc=0.9"}
	metrics.unmeasured_paths("roc_auc") == {"/metrics"} with input as {"metrics": "roc_auc=0.9"}
}

test_direction_comes_from_data if {
	metrics.direction("roc_auc") == "higher"
	metrics.direction("latency_p99_ms") == "lower"
	not metrics.direction("not_a_metric")
}

test_entry_without_name_hides_no_other_measurement if {
	inp := {"metrics": [{"value": 0.9}, {"name": "roc_auc", "value": 0.86}, {"name": 3, "value": 1}]}
	metrics.measured_names == {"roc_auc", 3} with input as inp
	not metrics.unmeasured_paths("roc_auc") with input as inp
	metrics.unmeasured_paths(3) == {"/metrics"} with input as inp
}

test_slice_that_is_not_an_object_counts_as_overall if {
	inp := {"metrics": [{"name": "f1", "value": 0.5, "slice": "north"}, {"name": "recall", "value": 0.6, "slice": {"region": "north"}}]}
	metrics.measured("f1") == {0: 0.5} with input as inp
	metrics.measured("recall") == {} with input as inp
	metrics.unmeasured_paths("recall") == {"/metrics"} with input as inp
}
