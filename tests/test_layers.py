"""The layers hold: every import between mlgate's modules points down the pipeline.

Every module under ``src/mlgate`` is read with ``ast``: its imports at module
level and inside functions (a deferred import hides an upward one from a
module-level view), but not those under ``if TYPE_CHECKING:``, which never run.
Each module belongs to the layer of its folder (``LAYERS``, bottom first); an
import may point to its own folder or to a lower layer, never up and never
across between the siblings of one layer.

``KNOWN`` lists the upward imports that are still there, each as
``(importing module, imported module)``: the layering is being untangled, and
the list only shrinks. A new upward import fails, naming the file, the line and
the rule; so does an entry of ``KNOWN`` that no longer exists (take it off).
Imports inside functions between mlgate's own modules are counted the same way
(``DEFERRED_KNOWN``): a new one fails; only heavy optional libraries (mlflow,
psycopg, cyclonedx, …) may be imported inside a function.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

SRC = REPO / "src"

# Bottom first; a tuple is one layer of siblings that must not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("base",),  # errors, exitcodes, times, canonical, files, secrets, resources, cache, schemas
    ("facts",),
    ("bundles",),
    ("engine",),
    ("decisions",),
    ("logstore",),
    ("approvals",),
    ("explain",),
    ("report",),
    ("pipeline",),
    ("monitoring",),
    ("fleet", "invariants", "authoring", "distribution"),
    ("config",),
    ("cli", "api"),
    ("__main__", "package"),
]
BASE = {"errors", "exitcodes", "times", "canonical", "files", "secrets", "resources", "cache",
        "_fastschema", "_jsonschema", "jcs", "version", "tokens"}  # fmt: skip


def layer_of(module: str) -> str:
    """``mlgate.facts.load`` -> ``facts``; ``mlgate.errors`` -> ``base``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    return "base" if parts[1] in BASE else parts[1]


RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}

# The upward imports still to untangle (issue "Layers that hold"). Only shrinks.
KNOWN: set[tuple[str, str]] = set()

# Imports between mlgate modules placed inside a function, per importing module.
DEFERRED_KNOWN: dict[str, int] = {
    "mlgate.approvals.service": 1,
    "mlgate.cli.approve": 1,
    "mlgate.cli.bundle_ops": 1,
    "mlgate.cli.facts": 1,
    "mlgate.cli.log": 6,
    "mlgate.cli.main": 1,
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported mlgate module
    file: Path
    line: int
    deferred: bool  # inside a function


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in sorted((SRC / "mlgate").rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports() -> Iterator[Import]:
    modules = _modules()
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        skipped: set[int] = set()
        inside: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                inside.update(id(n) for n in ast.walk(node) if n is not node)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                names = [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                target = _resolve(name, modules) if name.startswith("mlgate") else None
                if target and target != module:
                    yield Import(module, target, path, node.lineno, id(node) in inside)


def _upward(found: Import) -> str | None:
    """Why ``found`` breaks the layering, or None."""
    src, dst = layer_of(found.source), layer_of(found.target)
    if src == dst:
        return None
    if RANK[dst] > RANK[src]:
        return f"{src} may not import {dst} (a higher layer)"
    if RANK[dst] == RANK[src]:
        return f"{src} and {dst} are sibling layers that must not know each other"
    return None


def test_every_module_has_a_layer() -> None:
    unknown = {layer_of(m) for m in _modules()} - set(RANK)
    assert not unknown, f"folders without a layer in LAYERS: {sorted(unknown)}"


def test_no_import_points_up_a_layer() -> None:
    new, seen = [], set()
    for found in imports():
        why = _upward(found)
        if why is None:
            continue
        seen.add((found.source, found.target))
        if (found.source, found.target) not in KNOWN:
            where = found.file.relative_to(REPO)
            new.append(f"{where}:{found.line}: imports {found.target}: {why}")
    assert not new, "upward imports:\n" + "\n".join(sorted(set(new)))
    gone = sorted(KNOWN - seen)
    assert not gone, f"untangled, take them off KNOWN: {gone}"


def test_no_new_import_inside_a_function() -> None:
    counts: dict[str, int] = {}
    for found in imports():
        if found.deferred:
            counts[found.source] = counts.get(found.source, 0) + 1
    grown = {m: n for m, n in counts.items() if n > DEFERRED_KNOWN.get(m, 0)}
    assert not grown, (
        "imports between mlgate modules inside a function (module level, or a registry): "
        + ", ".join(f"{m} ({n}, was {DEFERRED_KNOWN.get(m, 0)})" for m, n in sorted(grown.items()))
    )
    shrunk = {m for m, n in DEFERRED_KNOWN.items() if counts.get(m, 0) < n}
    assert not shrunk, f"fewer deferred imports now, lower DEFERRED_KNOWN: {sorted(shrunk)}"


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles (strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan, recursive: the graph is small
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_level_import_circle() -> None:
    edges: dict[str, set[str]] = {}
    for found in imports():
        if not found.deferred:
            edges.setdefault(found.source, set()).add(found.target)
    assert _circles(edges) == []
    assert _circles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]  # it finds one


def test_the_check_catches_a_planted_upward_import(tmp_path: Path) -> None:
    planted = Import("mlgate.facts.load", "mlgate.cli.main", Path("x.py"), 1, False)
    assert _upward(planted) == "facts may not import cli (a higher layer)"
    sibling = Import("mlgate.fleet.work", "mlgate.invariants.run", Path("x.py"), 1, False)
    assert "sibling layers" in (_upward(sibling) or "")
    assert _upward(Import("mlgate.cli.main", "mlgate.facts.load", Path("x.py"), 1, False)) is None


if __name__ == "__main__":  # python -m tests.test_layers: the lists as they are now
    upward = sorted({(f.source, f.target) for f in imports() if _upward(f)})
    body = "".join(f'    ("{a}", "{b}"),\n' for a, b in upward)
    print("KNOWN: set[tuple[str, str]] = " + ("{\n" + body + "}" if upward else "set()"))
    deferred: dict[str, int] = {}
    for found in imports():
        if found.deferred:
            deferred[found.source] = deferred.get(found.source, 0) + 1
    print("DEFERRED_KNOWN: dict[str, int] = {")
    print("".join(f'    "{m}": {n},\n' for m, n in sorted(deferred.items())) + "}")
