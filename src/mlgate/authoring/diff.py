"""``mlgate bundle diff``: what changed between two bundles, statically.

Manifest (revision, roots), policy and test modules (added, removed,
changed, with the controls each changed module annotates), controls (added,
removed, METADATA changed), thresholds per tier (each changed leaf, old →
new), waivers (added, removed) and other data (changed leaves). The impact
on real facts is ``bundles.impact``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlgate.authoring.inspect import thresholds_of, waivers_of
from mlgate.bundles.controls import bundle_controls

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

_SHOWN_LEAVES = 50


@dataclass
class BundleChanges:
    old: dict[str, str]
    new: dict[str, str]
    manifest: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)
    thresholds: list[str] = field(default_factory=list)
    waivers: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)

    @property
    def sections(self) -> dict[str, list[str]]:
        names = ("manifest", "modules", "tests", "controls", "thresholds", "waivers", "data")
        return {name: getattr(self, name) for name in names}

    @property
    def empty(self) -> bool:
        return not any(self.sections.values())

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, **self.sections}


def changes(old: Bundle, new: Bundle) -> BundleChanges:
    out = BundleChanges(old.to_json(), new.to_json())
    if old.revision != new.revision:
        out.manifest.append(f"revision: {old.revision!r} → {new.revision!r}")
    if old.manifest.roots != new.manifest.roots:
        out.manifest.append(f"roots: {list(old.manifest.roots)} → {list(new.manifest.roots)}")
    if old.manifest.metadata != new.manifest.metadata:
        out.manifest.append("metadata changed")
    controls_in = _controls_by_file(new) | _controls_by_file(old)
    out.modules = _files(old.modules, new.modules, controls_in)
    out.tests = _files(old.test_modules, new.test_modules, {})
    out.controls = _controls(old, new)
    out.thresholds = _leaves(thresholds_of(old), thresholds_of(new), "thresholds")
    out.waivers = _waivers(waivers_of(old), waivers_of(new))
    out.data = _leaves(_other_data(old.data), _other_data(new.data), "data")
    return out


def _files(old: dict[str, str], new: dict[str, str], controls: dict[str, list[str]]) -> list[str]:
    lines = []
    for path in sorted(set(old) | set(new)):
        about = f" ({', '.join(controls[path])})" if controls.get(path) else ""
        if path not in old:
            lines.append(f"added {path}{about}")
        elif path not in new:
            lines.append(f"removed {path}{about}")
        elif old[path] != new[path]:
            lines.append(f"changed {path}{about}")
    return lines


def _controls_by_file(bundle: Bundle) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for control in bundle_controls(bundle.modules):
        for rule in control.rules:
            known = out.setdefault(rule.file, [])
            if control.id not in known:
                known.append(control.id)
    return out


def _controls(old: Bundle, new: Bundle) -> list[str]:
    before = {c.id: c.to_json() for c in bundle_controls(old.modules)}
    after = {c.id: c.to_json() for c in bundle_controls(new.modules)}
    lines = []
    for cid in sorted(set(before) | set(after)):
        if cid not in before:
            lines.append(f"added {cid} ({after[cid]['severity']}): {after[cid]['title']}")
        elif cid not in after:
            lines.append(f"removed {cid}: {before[cid]['title']}")
        else:
            fields = ("title", "severity", "requires", "frameworks", "threshold_paths")
            for name in fields:
                if before[cid][name] != after[cid][name]:
                    lines.append(
                        f"{cid} {name}: {_show(before[cid][name])} → {_show(after[cid][name])}"
                    )
    return lines


def _other_data(data: dict[str, Any]) -> dict[str, Any]:
    gate = data.get("mlgate")
    if not isinstance(gate, dict):
        return data
    rest = {k: v for k, v in gate.items() if k not in ("thresholds", "waivers")}
    return {**{k: v for k, v in data.items() if k != "mlgate"}, "mlgate": rest}


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def _leaves(old: Any, new: Any, root: str) -> list[str]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old, root, before)
    _flatten(new, root, after)
    lines = []
    for path in sorted(set(before) | set(after)):
        if path not in before:
            lines.append(f"{path}: added {_show(after[path])}")
        elif path not in after:
            lines.append(f"{path}: removed (was {_show(before[path])})")
        elif _canon(before[path]) != _canon(after[path]):
            lines.append(f"{path}: {_show(before[path])} → {_show(after[path])}")
    if len(lines) > _SHOWN_LEAVES:
        lines = [*lines[:_SHOWN_LEAVES], f"… and {len(lines) - _SHOWN_LEAVES} more"]
    return lines


def _waivers(old: list[Any], new: list[Any]) -> list[str]:
    before = {_canon(w): w for w in old}
    after = {_canon(w): w for w in new}
    lines = [f"removed {_waiver(before[k])}" for k in before if k not in after]
    lines += [f"added {_waiver(after[k])}" for k in after if k not in before]
    return lines


def _waiver(w: Any) -> str:
    if not isinstance(w, dict):
        return _show(w)
    return (
        f"waiver {w.get('control')} for {w.get('model')} until {w.get('expires_at')}"
        f" (ticket {w.get('ticket')}, approver {w.get('approver')})"
    )


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"
