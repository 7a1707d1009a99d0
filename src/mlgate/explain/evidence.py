"""Where the evidence came from: sources, digests, approvals, scans.

A summary of the facts a report shows next to the decision: every distinct
``source`` (tool and file/run/URI, newest ``collected_at``, which sections it
backs), every artifact pinned by a digest (``sha256`` or ``digest``), the
approval records and the vulnerability scans. Values are copied, never
derived; nothing absent is invented.
"""

from __future__ import annotations

from typing import Any

from mlgate.explain.measures import vulnerability_counts

_LABEL_KEYS = ("name", "kind", "metric", "test", "id", "uri")


def _where(src: dict[str, Any]) -> str:
    for key in ("file", "uri", "run_id"):
        if isinstance(src.get(key), str) and src[key]:
            return f"{key} {src[key]}" if key == "run_id" else str(src[key])
    return ""


def _walk(node: Any, pointer: str, visit: Any) -> None:
    if isinstance(node, dict):
        visit(node, pointer)
        for key, value in node.items():
            if key != "source":
                token = str(key).replace("~", "~0").replace("/", "~1")
                _walk(value, f"{pointer}/{token}", visit)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, f"{pointer}/{i}", visit)


def summarize(facts: dict[str, Any]) -> dict[str, Any]:
    sources: dict[tuple[str, str], dict[str, Any]] = {}
    digests: list[dict[str, Any]] = []

    def visit(node: dict[str, Any], pointer: str) -> None:
        src = node.get("source")
        if isinstance(src, dict):
            key = (str(src.get("tool", "")), _where(src))
            entry = sources.setdefault(
                key, {"tool": key[0], "where": key[1], "collected_at": None, "sections": []}
            )
            section = pointer.split("/")[1] if pointer.count("/") else ""
            if section and section not in entry["sections"]:
                entry["sections"].append(section)
            at = src.get("collected_at")
            if isinstance(at, str) and (
                entry["collected_at"] is None or at > entry["collected_at"]
            ):
                entry["collected_at"] = at
        for field in ("sha256", "digest"):
            value = node.get(field)
            if isinstance(value, str) and value:
                label = next(
                    (str(node[k]) for k in _LABEL_KEYS if isinstance(node.get(k), str)), ""
                )
                shown = value if ":" in value or field != "sha256" else f"sha256:{value}"
                digests.append({"pointer": pointer, "label": label, "digest": shown})

    _walk(facts, "", visit)
    return {
        "sources": sorted(sources.values(), key=lambda s: (s["tool"], s["where"])),
        "digests": digests,
        "approvals": [_approval(a) for a in facts.get("approvals") or [] if isinstance(a, dict)],
        "vulnerabilities": _vulnerabilities(facts),
        "newest_collected_at": newest_collected_at(facts),
    }


def _approval(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("principal", "role", "decision", "at", "expires_at")
    return {k: record[k] for k in keys if isinstance(record.get(k), str)}


def _vulnerabilities(facts: dict[str, Any]) -> dict[str, Any] | None:
    counts = vulnerability_counts(facts)
    if counts is None:
        return None
    scans = (facts.get("security") or {}).get("scans") or []
    return {
        "total": sum(counts.values()),
        "by_severity": counts,
        "scans": [
            {k: s[k] for k in ("tool", "target", "completed_at") if isinstance(s.get(k), str)}
            for s in scans
            if isinstance(s, dict)
        ],
    }


def newest_collected_at(facts: dict[str, Any]) -> str | None:
    """The newest ``source.collected_at`` anywhere in the facts (RFC 3339 text)."""
    newest: list[str] = []

    def visit(node: dict[str, Any], _pointer: str) -> None:
        src = node.get("source")
        at = src.get("collected_at") if isinstance(src, dict) else None
        if isinstance(at, str) and (not newest or _instant(at) > _instant(newest[0])):
            newest[:] = [at]

    _walk(facts, "", visit)
    return newest[0] if newest else None


def _instant(text: str) -> float:
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return float("-inf")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
