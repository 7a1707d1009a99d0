"""Masking the facts before they are logged, like OPA's decision-log mask.

Rules are a list of ``{op, path}``: ``op`` is ``remove`` (the value is erased)
or ``hash`` (the value is replaced by the ``sha256:`` digest of its canonical
JSON, so equal values can still be matched); ``path`` is a JSON pointer into
the facts in which a ``*`` token matches every key or array element, e.g.
``/subject/owner``, ``/context/actor``, ``/metrics/*/source``.

Rules come from the bundle (``data.mlgate.log.mask``, versioned with the
policy) and from the file named by ``$MLGATE_LOG_MASK`` (YAML or JSON, a list
or ``{mask: [...]}``). A malformed rule refuses the check: nothing is logged
unmasked by mistake. The record lists every concrete path masked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from mlgate.canonical import digest, json_copy
from mlgate.errors import InputError
from mlgate.facts.load import parse_json_text, parse_yaml_text
from mlgate.logstore.errors import LogStoreError

ENV_VAR = "MLGATE_LOG_MASK"
OPS = ("remove", "hash")


@dataclass(frozen=True)
class MaskRule:
    op: str
    path: str

    def tokens(self) -> list[str]:
        raw = self.path.lstrip("/").split("/")
        return [t.replace("~1", "/").replace("~0", "~") for t in raw]


def parse_rules(value: Any, where: str) -> tuple[MaskRule, ...]:
    if isinstance(value, dict) and set(value) == {"mask"}:
        value = value["mask"]
    if not isinstance(value, list):
        raise LogStoreError(f"{where}: mask rules must be a list of {{op, path}}")
    rules = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"op", "path"}:
            raise LogStoreError(f"{where}: mask rule {i} must be {{op, path}}")
        op, path = item["op"], item["path"]
        if op not in OPS:
            raise LogStoreError(f"{where}: mask rule {i}: op must be remove or hash, not {op!r}")
        if not isinstance(path, str) or not path.startswith("/") or path == "/":
            raise LogStoreError(f"{where}: mask rule {i}: path must be a JSON pointer below /")
        rules.append(MaskRule(op, path))
    return tuple(rules)


def configured_rules(bundle_data: dict[str, Any]) -> tuple[MaskRule, ...]:
    """The bundle's rules (``data.mlgate.log.mask``) plus those of ``$MLGATE_LOG_MASK``."""
    rules: list[MaskRule] = []
    log_data = (bundle_data.get("mlgate") or {}).get("log") or {}
    if isinstance(log_data, dict) and "mask" in log_data:
        rules += parse_rules(log_data["mask"], "bundle data.mlgate.log.mask")
    path = os.environ.get(ENV_VAR)
    if path:
        parse = parse_json_text if path.endswith(".json") else parse_yaml_text
        try:
            with open(path, encoding="utf-8") as handle:
                doc = parse(handle.read(1024 * 1024), path)
        except (OSError, UnicodeDecodeError, InputError) as exc:
            reason = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
            raise LogStoreError(f"{ENV_VAR}={path}: {reason}") from None
        rules += parse_rules(doc, path)
    return tuple(rules)


def apply(
    doc: dict[str, Any], rules: tuple[MaskRule, ...]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A masked copy of ``doc`` (``doc`` itself when nothing matches) and the
    ``{op, path}`` of every value masked.

    Every path is matched against the document as given, so ``/l/0`` and
    ``/l/2`` name the first and third items even when both are removed.
    """
    targets: dict[tuple[str, ...], str] = {}
    for rule in rules:
        for path in _expand(doc, rule.tokens()):
            if targets.get(path) != "remove":  # remove wins over hash
                targets[path] = rule.op
    if not targets:
        return doc, []  # nothing to mask: no copy (the caller serialises, never mutates)
    out = json_copy(doc)
    applied: list[dict[str, str]] = []
    # Hashes first, then removals from the highest array index down.
    for path, op in sorted(
        targets.items(), key=lambda item: (item[1] == "remove", _order(item[0]))
    ):
        parent = _node(out, path[:-1])
        key: Any = int(path[-1]) if isinstance(parent, list) else path[-1]
        if not isinstance(parent, dict | list) or (isinstance(parent, dict) and key not in parent):
            continue  # an ancestor was removed already
        if op == "hash":
            parent[key] = digest(parent[key])
        else:
            del parent[key]
        applied.append({"op": op, "path": "/" + "/".join(_escape(t) for t in path)})
    return out, applied


def _order(path: tuple[str, ...]) -> list[tuple[int, int, str]]:
    return [(0, -int(t), "") if t.isdigit() else (1, 0, t) for t in path]


def _node(doc: Any, path: tuple[str, ...] | list[str]) -> Any:
    """The value at ``path`` (unescaped tokens) in ``doc``, or None when there is none."""
    node = doc
    for token in path:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _expand(doc: Any, tokens: list[str]) -> list[tuple[str, ...]]:
    """Concrete paths in ``doc`` matching ``tokens`` (``*`` matches any key or index)."""
    found: list[tuple[tuple[str, ...], Any]] = [((), doc)]
    for token in tokens:
        step: list[tuple[tuple[str, ...], Any]] = []
        for path, node in found:
            if isinstance(node, dict):
                keys = list(node) if token == "*" else [token] if token in node else []
                step += [((*path, k), node[k]) for k in keys]
            elif isinstance(node, list):
                if token == "*":
                    indexes: list[int] = list(range(len(node)))
                elif token.isdigit() and int(token) < len(node):
                    indexes = [int(token)]
                else:
                    indexes = []
                step += [((*path, str(i)), node[i]) for i in indexes]
        found = step
    return [path for path, _ in found]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


MASKED = "(masked)"


def masked_strings(doc: dict[str, Any], applied: list[dict[str, str]]) -> dict[str, str]:
    """Each string value that ``applied`` masked in ``doc`` → what stands for it in the log
    (its digest when hashed, ``(masked)`` when removed; removal wins)."""
    out: dict[str, str] = {}
    for item in applied:
        tokens = [_unescape(t) for t in item["path"].split("/")[1:]]
        for text in _strings(_node(doc, tokens)):
            if item["op"] == "remove" or out.get(text) != MASKED:
                out[text] = MASKED if item["op"] == "remove" else digest(text)
    return out


# A masked value this long is also replaced inside longer strings mlgate composed
# from it ("run_id 8f2c41d0…", "runs:/8f2c41d0…/model"); a shorter one only where
# it is the whole string, so that masking "1" does not rewrite every "10".
MIN_EMBEDDED_CHARS = 4


def scrub(value: Any, replacements: dict[str, str]) -> Any:
    """A copy of ``value`` with every masked string replaced, whole or embedded.

    Embedded values are replaced in one pass (longest first), so the text put in
    (``(masked)``, a digest) is never searched again for a shorter masked value."""
    embedded = sorted((t for t in replacements if len(t) >= MIN_EMBEDDED_CHARS), key=len)
    pattern = re.compile("|".join(re.escape(t) for t in reversed(embedded))) if embedded else None
    return _scrub(value, replacements, pattern)


def _scrub(value: Any, replacements: dict[str, str], pattern: re.Pattern[str] | None) -> Any:
    if isinstance(value, str):
        if value in replacements:
            return replacements[value]
        return pattern.sub(lambda m: replacements[m.group(0)], value) if pattern else value
    if isinstance(value, dict):
        return {k: _scrub(v, replacements, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, replacements, pattern) for v in value]
    return value


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
