"""Resolve a violation's evidence pointer to the provenance of that evidence."""

from __future__ import annotations

from typing import Any


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(doc: Any, pointer: str) -> list[Any]:
    """The chain of values from ``doc`` down to ``pointer`` (shorter if it breaks)."""
    chain = [doc]
    if not pointer or pointer == "/":
        return chain
    node = doc
    for raw in pointer.lstrip("/").split("/"):
        token = _unescape(raw)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            break
        chain.append(node)
    return chain


def source_of(doc: Any, pointer: str) -> dict[str, Any] | None:
    """The nearest ``source`` on the way down to ``pointer``, innermost first."""
    for node in reversed(resolve_pointer(doc, pointer)):
        if isinstance(node, dict) and isinstance(node.get("source"), dict):
            return dict(node["source"])
    return None
