package mlgate.lib.facts_test

import data.mlgate.lib.facts

test_key_with_null_value_is_present if {
	facts.has_key({"previous_version": null}, "previous_version")
	not facts.has_key({}, "previous_version")
	not facts.has_key("not an object", "previous_version")
}

test_typed_presence_checks if {
	facts.has_number({"value": 0}, "value")
	not facts.has_number({"value": null}, "value")
	not facts.has_number({"value": "0.9"}, "value")
	facts.has_boolean({"passed": false}, "passed")
	not facts.has_boolean({"passed": "false"}, "passed")
	facts.has_text({"uri": "s3://x"}, "uri")
	not facts.has_text({"uri": ""}, "uri")
	facts.has_items({"scans": [{}]}, "scans")
	not facts.has_items({"scans": []}, "scans")
	facts.has_fields({"slice": {"region": "north"}}, "slice")
	not facts.has_fields({"slice": {}}, "slice")
}

test_array_at_defaults_to_empty if {
	facts.array_at({"xs": [1]}, "xs") == [1]
	facts.array_at({"xs": "a string"}, "xs") == []
	facts.array_at({}, "xs") == []
}
