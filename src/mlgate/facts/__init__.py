"""Facts: the validated JSON document a policy decides on.

The Python entry point is ``mlgate.collect`` (``facts.collection.collect``),
imported on first use so that ``mlgate check`` does not load the adapters.
"""
