"""``mlgate replay``: evaluate a logged decision's facts again and compare.

Replay needs the facts exactly as evaluated (a record logged with masking
cannot be replayed) and the bundle the decision names: a bundle whose digest
differs is refused, never silently used. ``what_if`` asks the other question on
purpose: how would the logged facts be decided under another bundle (a policy
change, before it ships)? Then any bundle is taken, and the differences are the
answer, not a failed replay. The facts are evaluated at the
logged ``evaluated_at``; the input digest must come out the same (the logged
facts are the evaluated ones), and so must the policy's verdict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.bundles.entry import require_entry_point
from mlgate.bundles.load import load_bundle
from mlgate.canonical import show
from mlgate.decisions.document import check_document
from mlgate.decisions.evaluate import decide
from mlgate.engine.select import EngineOptions, open_engine
from mlgate.errors import BundleError, InputError
from mlgate.logstore.lookup import find_decision
from mlgate.resources import bundle_dir

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision
    from mlgate.logstore.base import LogStore

_COMPARED: tuple[str, ...] = (
    "outcome",
    "risk_tier",
    "violations",
    "missing_evidence",
    "required_approvals",
)
_COMPARED += ("approvals_ignored", "waivers_applied", "input_digest", "evidence_digest")


@dataclass(frozen=True)
class Replayed:
    logged: dict[str, Any]
    replayed: Decision
    differences: list[str]

    @property
    def same(self) -> bool:
        return not self.differences


def replay(
    store: LogStore,
    decision_id: str,
    *,
    bundle_location: str | Path | None = None,
    engine: EngineOptions | None = None,
    what_if: bool = False,
) -> Replayed:
    record = find_decision(store, decision_id)
    logged = record["decision"]
    check_document(logged, f"decision {decision_id}")  # e.g. written by a newer mlgate
    if record.get("masked"):
        paths = ", ".join(m["path"] for m in record["masked"][:5])
        raise InputError(
            f"cannot replay decision {decision_id}: its facts were logged masked ({paths}); "
            "replay needs the facts as evaluated"
        )
    if not isinstance(record.get("facts"), dict):
        raise InputError(f"cannot replay decision {decision_id}: the log holds no facts for it")
    bundle = load_bundle(bundle_location or bundle_dir())
    want = logged["bundle"]
    if bundle.digest != want["digest"] and not what_if:
        raise BundleError(
            f"{bundle.source}: bundle digest {bundle.digest} differs from the logged "
            f"{want['digest']} (revision {want['revision']!r}); give that bundle with --bundle"
        )
    require_entry_point(bundle)
    opened = open_engine(bundle, engine or EngineOptions())
    try:
        again = decide(record["facts"], bundle, opened, evaluated_at=logged["evaluated_at"])
    finally:
        opened.close()
    return Replayed(logged, again, differences(logged, again.document))


def differences(logged: dict[str, Any], now: dict[str, Any]) -> list[str]:
    out = []
    for key in _COMPARED:
        before, after = _comparable(key, logged.get(key)), _comparable(key, now.get(key))
        if before != after:
            out.append(f"{key}: logged {show(logged.get(key))}, replayed {show(now.get(key))}")
    return out


def _comparable(key: str, value: Any) -> Any:
    if isinstance(value, list):
        return sorted(json.dumps(v, sort_keys=True) for v in value)
    return value
