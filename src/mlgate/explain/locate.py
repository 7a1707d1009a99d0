"""Find the file and line of a JSON pointer into the (merged) facts.

Each facts file is composed into YAML nodes (JSON parses as YAML too), which
keep their line numbers. Merging several files re-indexes list items, so a list
step is matched on the item's identity (``facts.merge.IDENTITY``: a metric's
name, dataset, split) and only falls back to the index. A pointer into facts
that are absent (missing evidence) resolves to its deepest existing ancestor.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgate.decisions.evidence import resolve_pointer
from mlgate.facts.merge import IDENTITY


def _tokens(pointer: str) -> list[str]:
    if not pointer or pointer == "/":
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]


def _compose(path: Path) -> Any:
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=loader_cls)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _mapping_get(node: Any, key: str) -> tuple[Any, Any] | None:
    for k, v in getattr(node, "value", []):
        if getattr(k, "value", None) == key:
            return k, v
    return None


def _scalar(node: Any, key: str) -> str | None:
    found = _mapping_get(node, key)
    value = getattr(found[1], "value", None) if found else None
    return value if isinstance(value, str) else None


def _identity(parents: tuple[str, ...]) -> tuple[str, ...]:

    return IDENTITY.get(parents, ())


def _wanted(merged: Any, keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The identity of a merged list item as (key, scalar text) pairs."""
    if not isinstance(merged, dict):
        return ()
    return tuple(
        (k, str(merged.get("name_as_reported", merged[k]) if k == "name" else merged[k]))
        for k in keys
        if isinstance(merged.get(k), str | int | float) and not isinstance(merged.get(k), bool)
    )


class FactsLocator:
    """Locate pointers of the merged facts ``document`` in the files it came from."""

    def __init__(self, document: dict[str, Any], files: Sequence[str | Path]) -> None:
        self.document = document
        self.files = [Path(f) for f in files if str(f) != "-"]
        self._trees: dict[Path, Any] = {}
        self._index: dict[tuple[int, tuple[str, ...]], dict[tuple[str | None, ...], Any]] = {}

    def _tree(self, path: Path) -> Any:
        if path not in self._trees:
            self._trees[path] = _compose(path)
        return self._trees[path]

    def _match_item(self, seq: Any, merged: Any, index: int, keys: tuple[str, ...]) -> Any:
        wanted = _wanted(merged, keys)
        if not wanted:
            return seq.value[index] if index < len(seq.value) else None
        names = tuple(k for k, _ in wanted)
        cache_key = (id(seq), names)
        if cache_key not in self._index:
            table: dict[tuple[str | None, ...], Any] = {}
            for item in seq.value:
                table.setdefault(tuple(_scalar(item, k) for k in names), item)
            self._index[cache_key] = table
        return self._index[cache_key].get(tuple(v for _, v in wanted))

    def _walk(self, root: Any, tokens: list[str]) -> tuple[int, int]:
        """(depth reached, 1-based line) of the deepest node found for tokens."""
        chain = resolve_pointer(self.document, "/" + "/".join(tokens))
        node, depth = root, 0
        line = root.start_mark.line + 1
        parents: tuple[str, ...] = ()
        for depth_i, token in enumerate(tokens):
            kind = type(node).__name__
            if kind == "MappingNode":
                found = _mapping_get(node, token)
                if not found:
                    break
                key, node = found
                line = key.start_mark.line + 1
                parents = (*parents, token)
            elif kind == "SequenceNode" and token.isdigit():
                merged = chain[depth_i + 1] if depth_i + 1 < len(chain) else None
                node = self._match_item(node, merged, int(token), _identity(parents))
                if node is None:
                    break
                line = node.start_mark.line + 1
            else:
                break
            depth = depth_i + 1
        return depth, line

    def locate(self, pointer: str) -> tuple[str, int] | None:
        """``(file, line)`` of the deepest match over all files, or ``None``."""
        tokens = _tokens(pointer)
        best: tuple[int, str, int] | None = None
        for path in self.files:
            root = self._tree(path)
            if root is None:
                continue
            depth, line = self._walk(root, tokens)
            if best is None or depth > best[0]:
                best = (depth, str(path), line)
        return (best[1], best[2]) if best else None
