"""mlgate: a policy-as-code release gate for machine-learning models.

The public Python API; every other module is internal::

    import mlgate

    facts = mlgate.collect(["mlflow:runs:/8f2c41d0", "pip-audit:audit.json"])
    decision = mlgate.check(["facts.yaml"])  # a mlgate.Decision
    decision.outcome, decision.violations, decision.exit_code

Every error is a ``mlgate.MlgateError`` (its ``exit_code`` says which kind).
``check`` and ``collect`` load on first use, so importing mlgate stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

from mlgate.decisions.model import Decision
from mlgate.errors import MlgateError
from mlgate.version import __version__

__all__ = ["Decision", "MlgateError", "__version__", "check", "collect"]

_LAZY = {"check": "mlgate.api", "collect": "mlgate.facts.collection"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mlgate' has no attribute {name!r}")
