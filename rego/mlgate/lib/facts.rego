# METADATA
# title: Facts access helpers
# description: >-
#   Type-guarded access to the facts document. An embedded engine raises where
#   OPA goes undefined (iterating a string, comparing across types), so values
#   are type-checked before builtins and iteration see them.
package mlgate.lib.facts

# obj has the key (even when its value is null).
has_key(obj, key) if {
	is_object(obj)
	key in object.keys(obj)
}

# obj[key] is a number.
has_number(obj, key) if {
	x := obj[key]
	is_number(x)
}

# obj[key] is a boolean.
has_boolean(obj, key) if {
	x := obj[key]
	is_boolean(x)
}

# obj[key] is a non-empty string.
has_text(obj, key) if {
	x := obj[key]
	is_string(x)
	count(x) > 0
}

# obj[key] is a non-empty array.
has_items(obj, key) if {
	x := obj[key]
	is_array(x)
	count(x) > 0
}

# obj[key] is a non-empty object.
has_fields(obj, key) if {
	x := obj[key]
	is_object(x)
	count(x) > 0
}

# The array at obj[key], or [] when absent or of another type.
array_at(obj, key) := x if {
	x := obj[key]
	is_array(x)
} else := []
