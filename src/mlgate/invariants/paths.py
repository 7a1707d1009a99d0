"""Paths into a facts document: listing, reading, deleting, and keeping a path
pointing at the same node while other nodes are deleted (for shrinking)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

Path = tuple[str | int, ...]


def pointer(path: Path) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def walk(node: Any, here: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every ``(path, value)`` below ``node``, parents before children."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*here, key), value
            yield from walk(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*here, index), value
            yield from walk(value, (*here, index))


def get(doc: Any, path: Path) -> Any:
    node = doc
    for step in path:
        in_dict = isinstance(node, dict) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if not (in_dict or in_list):
            raise KeyError(pointer(path))
        node = node[step]
    return node


def has(doc: Any, path: Path) -> bool:
    try:
        get(doc, path)
    except KeyError:
        return False
    return True


def delete(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """A copy of ``doc`` without the node at ``path``."""
    out = copy.deepcopy(doc)
    parent = get(out, path[:-1])
    del parent[path[-1]]
    return out


def related(a: Path, b: Path) -> bool:
    """One path is the other or lies below it."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def shift(target: Path, deleted: Path) -> Path:
    """``target`` after the node at ``deleted`` (not related to it) was removed."""
    parent, last = deleted[:-1], deleted[-1]
    n = len(parent)
    if not isinstance(last, int) or len(target) <= n or target[:n] != parent:
        return target
    index = target[n]
    if isinstance(index, int) and index > last:
        return (*parent, index - 1, *target[n + 1 :])
    return target
