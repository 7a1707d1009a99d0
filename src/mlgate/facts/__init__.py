"""Facts: the validated JSON document a policy decides on."""
