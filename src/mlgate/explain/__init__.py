"""Explaining a decision: the controls, thresholds, measured values and evidence locations
behind it, and the model's decision history. Every report format renders these; none
computes them."""
