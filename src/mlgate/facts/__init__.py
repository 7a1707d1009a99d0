"""Facts: the validated JSON document a policy decides on."""

from mlgate.facts.collection import collect

__all__ = ["collect"]
