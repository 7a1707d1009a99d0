"""Tools for policy authors and reviewers, above the pipeline: engine parity."""
