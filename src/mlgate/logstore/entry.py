"""The records mlgate appends: a decision, an approval or rejection, an OPA event.

Every record has ``kind``, ``decision_id``, ``subject``, ``outcome``, ``bundle``
(revision, digest), ``evidence_digest``, ``input_digest``, ``engine`` and
``actor``; the store adds ``seq``, ``prev_hash`` and ``time``. A decision
record also holds the decision document and the facts evaluated (masked by
the configured rules; ``masked`` lists what was masked); an approval record
holds the signed approval.
"""

from __future__ import annotations

import getpass
import os
import socket
from typing import TYPE_CHECKING, Any

from mlgate.logstore.mask import MaskRule, apply, masked_strings, scrub

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision

ENTRY_VERSION = "mlgate.log/v1"
ACTOR_ENV = "MLGATE_ACTOR"


def default_actor(facts: dict[str, Any] | None = None) -> str:
    """Who ran the check: ``context.actor`` of the facts, ``$MLGATE_ACTOR``, or user@host."""
    context = (facts or {}).get("context") or {}
    if isinstance(context.get("actor"), str) and context["actor"]:
        return str(context["actor"])
    if os.environ.get(ACTOR_ENV):
        return os.environ[ACTOR_ENV]
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"{user}@{socket.gethostname()}"


def decision_entry(
    decision: Decision, facts: dict[str, Any], *, actor: str, mask: tuple[MaskRule, ...] = ()
) -> dict[str, Any]:
    doc = decision.document
    masked_facts, masked = apply(facts, mask)
    if masked:
        # The record repeats some facts outside its ``facts`` copy: the actor, the
        # provenance of each finding, the reports' details (evidence sources, files).
        # A masked value is replaced there too, whole or inside a string built from it.
        replacements = masked_strings(facts, masked)
        actor = scrub(actor, replacements)
        doc = {**doc}
        details = doc.get("details")
        if isinstance(details, dict):  # the parts that copy facts, not the controls
            doc["details"] = {
                k: scrub(v, replacements) if k in _DETAILS_FROM_FACTS else v
                for k, v in details.items()
            }
        for key in ("violations", "missing_evidence", "waivers_applied"):
            items = doc.get(key)
            if isinstance(items, list):
                doc[key] = [_scrub_source(item, replacements) for item in items]
    return {
        "v": ENTRY_VERSION,
        "kind": "decision",
        "decision_id": decision.decision_id,
        "subject": decision.subject,
        "outcome": decision.outcome,
        "bundle": {k: doc["bundle"][k] for k in ("revision", "digest")},
        "evidence_digest": doc.get("evidence_digest"),
        "input_digest": doc.get("input_digest"),
        "engine": doc.get("engine"),
        "actor": actor,
        "facts": masked_facts,
        "masked": masked,
        "decision": doc,
    }


_DETAILS_FROM_FACTS = ("evidence", "measures", "locations", "facts_files")


def _scrub_source(item: Any, replacements: dict[str, str]) -> Any:
    if isinstance(item, dict) and "source" in item:
        return {**item, "source": scrub(item["source"], replacements)}
    return item


def approval_entry(record: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """The log record of a signed approval (or rejection) of the logged ``decision``."""
    p = record["payload"]
    return {
        "v": ENTRY_VERSION,
        "kind": "approval" if p["decision"] == "approve" else "rejection",
        "decision_id": p["decision_id"],
        "subject": decision.get("subject") or p["subject"],
        "outcome": p["decision"],
        "bundle": dict(p["bundle"]),
        "evidence_digest": p["evidence_digest"],
        "input_digest": decision.get("input_digest"),
        "engine": None,
        "actor": p["signer"],
        "approval": record,
    }


def _label(event: dict[str, Any], name: str) -> str:
    labels = event.get("labels")
    value = labels.get(name, "") if isinstance(labels, dict) else ""
    return value if isinstance(value, str) else str(value)


_RISK_TIERS = ("low", "medium", "high")
_MAX_NAME = 256  # the facts schema's identifier


def event_subject(event: dict[str, Any]) -> dict[str, str] | None:
    """The model an OPA event decided on: ``input.subject`` of mlgate's decision input
    (its name, version and risk tier), when it is there and valid as the facts schema
    says; else ``None`` (the record is stored without a subject)."""
    given = event.get("input")
    subject = given.get("subject") if isinstance(given, dict) else None
    if not isinstance(subject, dict):
        return None
    name, version = subject.get("name"), subject.get("version")
    if not (isinstance(name, str) and 0 < len(name) <= _MAX_NAME):
        return None
    if not (isinstance(version, str) and version):
        return None
    out = {"name": name, "version": version}
    if subject.get("risk_tier") in _RISK_TIERS:
        out["risk_tier"] = subject["risk_tier"]
    return out


def opa_entry(event: dict[str, Any], *, actor: str) -> dict[str, Any]:
    """The log record of one OPA decision-log event received by ``mlgate log serve``;
    its subject (so ``log query --model`` finds it) comes from ``event_subject``."""
    raw = event.get("bundles")
    bundles: dict[str, Any] = raw if isinstance(raw, dict) else {}
    revision = ",".join(
        f"{name}@{b.get('revision', '')}"
        for name, b in sorted(bundles.items())
        if isinstance(b, dict)
    )
    result = event.get("result")
    outcome = result.get("outcome") if isinstance(result, dict) else None
    return {
        "v": ENTRY_VERSION,
        "kind": "opa_event",
        "decision_id": str(event.get("decision_id", "")),
        "subject": event_subject(event),
        "outcome": outcome if isinstance(outcome, str) else None,
        "bundle": {"revision": revision, "digest": None},
        "evidence_digest": None,
        "input_digest": None,
        "engine": {"name": "opa", "version": _label(event, "version")},
        "actor": actor,
        "event": event,
    }
