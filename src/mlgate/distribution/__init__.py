"""Getting bundles to OPA and decisions back: bundle build, serve and push, and the
server that takes OPA's decision logs."""
