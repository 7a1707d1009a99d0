"""The placeholder of a facts template (``mlgate bundle skeleton``): ``TODO``.

A document that still holds it was not filled in: every string equal to ``TODO``
is a validation error, so ``facts validate`` and ``check`` refuse the template
(exit 2) instead of deciding on made-up values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PLACEHOLDER = "TODO"


def placeholders(doc: Any) -> Iterator[tuple[Any, ...]]:
    """The path (keys and indices) of every value that is the placeholder."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(doc, ())]
    while stack:
        node, path = stack.pop()
        if node == PLACEHOLDER and isinstance(node, str):
            yield path
        elif isinstance(node, dict):
            stack.extend((v, (*path, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
