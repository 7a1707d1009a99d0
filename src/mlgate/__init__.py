"""mlgate: a policy-as-code release gate for machine-learning models."""

from __future__ import annotations

from mlgate.version import __version__

__all__ = ["__version__"]
