"""Facts: the validated JSON document a policy decides on.

``collect`` (the adapters' entry point) is imported on first use, so that
``mlgate check`` does not load the adapter registry.
"""

from __future__ import annotations

from typing import Any

__all__ = ["collect"]


def __getattr__(name: str) -> Any:
    if name == "collect":
        from mlgate.facts.collection import collect

        return collect
    raise AttributeError(name)
