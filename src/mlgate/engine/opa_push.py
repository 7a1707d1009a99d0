"""Loading a bundle into an OPA server over its REST API, and taking it out again.

OPA has no REST call that loads a bundle at once: each module is one
``PUT /v1/policies/<id>`` and each data document one ``PUT /v1/data/<path>``,
and a real OPA type-checks every module against what it already holds, so
``package a`` calling ``data.b.f`` is refused until ``b`` is there. So:

- Every module has the id ``mlgate/<bundle path>``: a new bundle replaces the
  modules of the last one pushed, whatever directory it came from, and the
  ``mlgate/`` modules it no longer has are deleted. One OPA serves one mlgate
  bundle (two would merge their packages' rules).
- Writes go in dependency order (a module after the packages it refers to;
  deletions the other way round) and in passes: a write OPA refuses is tried
  again once the others are in, and an old module that blocks its own
  replacement (a function renamed across packages) is taken out first. A push
  fails only when a pass makes no progress, with OPA's first reason.
- Every write notes how to undo it, from the state just before it: ``restore``
  replays the notes last first, so each step returns OPA to a state it
  accepted, ending with what it served before. A data path's earlier value is
  read with ``GET /v1/data``, which merges rules' values into base documents:
  the rules OPA holds (from its policy listing's ASTs) are taken out of it, so
  a rule's value is never written back as data.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from mlgate.errors import BundleError

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

POLICY_PREFIX = "mlgate/"
_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)", re.M)
_DATA_REF = re.compile(r"\bdata((?:\.[A-Za-z_]\w*)+)")

Path = tuple[str, ...]


class Asker(Protocol):
    """The engine's one JSON request to OPA (``OpaRestEngine._ask``)."""

    def __call__(
        self,
        method: str,
        path: str,
        what: str,
        body: bytes | None = None,
        ctype: str | None = None,
        params: dict[str, str] | None = None,
        *,
        bundle: bool = False,
        missing_ok: bool = False,
    ) -> dict[str, Any]: ...


def policy_id(path: str) -> str:
    return POLICY_PREFIX + path


def package_of(source: str) -> Path | None:
    found = _PACKAGE.search(source)
    return tuple(found.group(1).split(".")) if found else None


def data_documents(bundle: Bundle) -> list[tuple[Path, Any]]:
    """Split the bundle's data into ``(path, value)`` documents to ``PUT`` one by one.

    OPA merges base documents and rules under a shared prefix (``data.mlgate``
    holds both ``thresholds`` and ``decision``) and rejects a write only when a
    document would sit at a rule's path (400, "conflicting rule for data path").
    But ``PUT /v1/data/mlgate`` replaces the whole ``mlgate`` base tree, so a key
    path that leads to a package is descended into and everything else is
    written at its own leaf (``/v1/data/mlgate/thresholds``).
    """
    packages = {p for p in map(package_of, bundle.modules.values()) if p}
    prefixes = {p[:i] for p in packages for i in range(1, len(p) + 1)}
    out: list[tuple[Path, Any]] = []

    def walk(path: Path, node: dict[str, Any]) -> None:
        for key, value in node.items():
            sub = (*path, str(key))
            if sub in prefixes and isinstance(value, dict):
                walk(sub, value)
            else:
                out.append((sub, value))

    walk((), bundle.data)
    return out


def dependency_order(modules: dict[str, str]) -> list[str]:
    """Module paths, each after the modules whose packages it refers to (``data.…``);
    ties and cycles in path order."""
    packages = {path: package_of(src) for path, src in modules.items()}
    needs: dict[str, set[str]] = {}
    for path, src in modules.items():
        refs = {tuple(m.group(1)[1:].split(".")) for m in _DATA_REF.finditer(src)}
        needs[path] = {
            other
            for other, pkg in packages.items()
            if other != path and pkg and any(ref[: len(pkg)] == pkg for ref in refs)
        }
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(modules):
        ready = sorted(p for p in modules if p not in done and needs[p] <= done)
        if not ready:  # a cycle: the passes sort it out
            ready = sorted(p for p in modules if p not in done)[:1]
        for path in ready:
            order.append(path)
            done.add(path)
    return order


def rule_paths(listing: Iterable[Any]) -> set[Path]:
    """Where the rules of OPA's policy listing put values: package path plus the
    ground start of each rule's head (``r.s.t := 1`` in ``package a`` is ``a/r/s/t``).
    A module without an AST counts as rules over its whole package."""
    found: set[Path] = set()
    for policy in listing:
        if not isinstance(policy, dict):
            continue
        ast = policy.get("ast")
        package = _ast_package(ast)
        if package is None or not isinstance(ast, dict):
            raw = policy.get("raw")
            fallback = package_of(raw) if isinstance(raw, str) else None
            if fallback:
                found.add(fallback)
            continue
        for rule in ast.get("rules") or []:
            head = rule.get("head") if isinstance(rule, dict) else None
            ref = head.get("ref") if isinstance(head, dict) else None
            name = head.get("name") if isinstance(head, dict) else None
            start = _ground_start(ref) or ((str(name),) if name else ())
            found.add((*package, *start) if start else package)
    return found


def _ast_package(ast: Any) -> Path | None:
    try:
        terms = ast["package"]["path"]
        return tuple(str(t["value"]) for t in terms[1:])
    except (KeyError, TypeError, IndexError):
        return None


def _ground_start(ref: Any) -> Path:
    out: list[str] = []
    for i, term in enumerate(ref if isinstance(ref, list) else []):
        if not isinstance(term, dict):
            break
        if (i == 0 and term.get("type") == "var") or (i > 0 and term.get("type") == "string"):
            out.append(str(term.get("value")))
        else:
            break
    return tuple(out)


_ABSENT = object()


def base_document(path: Path, value: Any, rules: set[Path]) -> Any:
    """The base document at ``path`` in what ``GET /v1/data`` answered there, without
    the values of ``rules``; ``_ABSENT`` when only rules made it (or none is there)."""
    if any(path[: len(r)] == r for r in rules):
        return _ABSENT  # a rule at or above: base data cannot sit there
    below = [r[len(path) :] for r in rules if len(r) > len(path) and r[: len(path)] == path]
    if not below:
        return value
    value = copy.deepcopy(value)
    for rest in below:
        _drop(value, rest)
    return _ABSENT if value == {} else value


def _drop(node: Any, rest: Path) -> None:
    if not isinstance(node, dict) or rest[0] not in node:
        return
    if len(rest) == 1:
        del node[rest[0]]
        return
    _drop(node[rest[0]], rest[1:])
    if node[rest[0]] == {}:  # only rules had made it
        del node[rest[0]]


@dataclass
class _Write:
    method: str  # PUT or DELETE
    path: str  # /v1/policies/<id> or /v1/data/<path>
    what: str
    body: bytes | None = None
    ctype: str | None = None


@dataclass
class PushLog:
    """What a push wrote, and how to undo it."""

    policies: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # policy id -> bundle path
    undo: list[_Write] = field(default_factory=list)


def push(ask: Asker, bundle: Bundle, log: PushLog) -> None:
    """Load ``bundle`` into OPA; ``log`` records every write (and its undo) as it is made."""
    listing = ask("GET", "/v1/policies", "the policy listing").get("result") or []
    # id -> its raw text now (None: absent, or OPA gave no text and the undo can only delete)
    state: dict[str, str | None] = {
        str(p.get("id")): p["raw"] if isinstance(p.get("raw"), str) else None
        for p in listing
        if isinstance(p, dict)
    }
    present = set(state)
    ours = {policy_id(path): path for path in bundle.modules}
    log.names.update(ours)

    def policy(method: str, pid: str, body: str | None, what: str) -> None:
        target = f"/v1/policies/{quote(pid)}"
        before = state.get(pid) if pid in present else None
        encoded = body.encode() if body is not None else None
        ctype = "text/plain" if body is not None else None
        ask(method, target, what, encoded, ctype, bundle=True, missing_ok=method == "DELETE")
        log.undo.append(_undo(target, before, "text/plain", what))
        if body is None:
            present.discard(pid)
        else:
            present.add(pid)
            state[pid] = body
            log.policies.append(pid)

    stale = [pid for pid in sorted(present) if pid.startswith(POLICY_PREFIX) and pid not in ours]
    stale_order = dependency_order(_by_path({pid: state.get(pid) for pid in stale}))
    steps: list[Callable[[], None]] = [
        partial(policy, "DELETE", policy_id(path), None, f"stale policy {policy_id(path)}")
        for path in reversed(stale_order)
    ]
    steps += [
        partial(policy, "PUT", policy_id(path), bundle.modules[path], f"policy {path}")
        for path in dependency_order(bundle.modules)
    ]

    def unblock() -> bool:
        """Take out one old module still waiting for its replacement (dependents first)."""
        old = {
            path: state.get(pid)
            for pid, path in ours.items()
            if pid in present and state.get(pid) != bundle.modules[path]
        }
        for path in reversed(dependency_order({p: src or "" for p, src in old.items()})):
            try:
                policy("DELETE", policy_id(path), None, f"policy {path} (old version)")
                return True
            except BundleError:
                continue
        return False

    in_passes(steps, unblock)
    rules = rule_paths(ask("GET", "/v1/policies", "the policy listing").get("result") or [])
    for doc_path, value in data_documents(bundle):
        url_path = "/".join(quote(k, safe="") for k in doc_path)
        what = f"data.{'.'.join(doc_path)}"
        before = ask("GET", f"/v1/data/{url_path}", what)
        base = base_document(doc_path, before["result"], rules) if "result" in before else _ABSENT
        previous = None if base is _ABSENT else json.dumps(base, allow_nan=False)
        payload = json.dumps(value, allow_nan=False).encode()
        ask("PUT", f"/v1/data/{url_path}", what, payload, "application/json", bundle=True)
        log.undo.append(_undo(f"/v1/data/{url_path}", previous, "application/json", what))
        log.data.append(url_path)


def _by_path(sources: dict[str, str | None]) -> dict[str, str]:
    """Policy ids → their bundle paths, for ``dependency_order``."""
    return {pid[len(POLICY_PREFIX) :]: src or "" for pid, src in sources.items()}


def _undo(path: str, previous: str | None, ctype: str, what: str) -> _Write:
    if previous is None:
        return _Write("DELETE", path, f"taking back {what}")
    return _Write("PUT", path, f"restoring {what}", previous.encode(), ctype)


def in_passes(steps: list[Callable[[], None]], unblock: Callable[[], bool] | None = None) -> None:
    """Run every step; one OPA refuses (``BundleError``) waits for the next pass. Stops
    with the first refusal when a pass makes no progress and ``unblock`` frees nothing."""
    pending = steps
    while pending:
        refused: list[tuple[Callable[[], None], BundleError]] = []
        for step in pending:
            try:
                step()
            except BundleError as exc:
                refused.append((step, exc))
        if len(refused) == len(pending) and not (unblock and unblock()):
            raise refused[0][1]
        pending = [step for step, _ in refused]


def restore(ask: Asker, log: PushLog) -> None:
    """Undo the push, last write first. An undo OPA refuses raises ``EngineError``."""
    for write in reversed(log.undo):
        ask(write.method, write.path, write.what, write.body, write.ctype,
            missing_ok=write.method == "DELETE")  # fmt: skip
    log.policies.clear()
    log.data.clear()
    log.undo.clear()


def unload(ask: Asker, log: PushLog) -> None:
    """Delete what the push loaded: data documents, then policies (dependents first)."""
    for doc in log.data:
        ask("DELETE", f"/v1/data/{doc}", f"DELETE /v1/data/{doc}", missing_ok=True)
    steps: list[Callable[[], None]] = [
        partial(_delete_policy, ask, pid) for pid in dict.fromkeys(reversed(log.policies))
    ]
    in_passes(steps)
    log.policies.clear()
    log.data.clear()
    log.undo.clear()


def _delete_policy(ask: Asker, pid: str) -> None:
    path = f"/v1/policies/{quote(pid)}"
    ask("DELETE", path, f"DELETE {path}", bundle=True, missing_ok=True)
