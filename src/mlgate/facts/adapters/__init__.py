"""Facts adapters: one module per tool, registered by kind name (see ``base``).

Heavy libraries (mlflow, fairlearn, pandas, cyclonedx) are imported only by the
adapter that uses them, when it is used.
"""

from __future__ import annotations

from mlgate.facts.adapters.base import (
    Adapter,
    AdapterOptions,
    FactsFragment,
    get_adapter,
    kinds,
    provenance,
)

__all__ = ["Adapter", "AdapterOptions", "FactsFragment", "get_adapter", "kinds", "provenance"]
