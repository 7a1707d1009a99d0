"""Which approval records count, and why the others do not.

A record counts for a check when its signature verifies with the signer's key
from the principals file, the principal holds the role (and an importer holds
``approval_importer``), and it is bound to the same evidence digest and the
same bundle revision and digest as the check. Separation of duties, counts
and expiry against the evaluation time are the policy's business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mlgate.approvals.keys import verify
from mlgate.approvals.principals import IMPORTER_ROLE, Principals
from mlgate.approvals.record import Binding, parse_time, signed_bytes, to_fact
from mlgate.logstore.lookup import Stored


def trust_problem(record: dict[str, Any], principals: Principals) -> str | None:
    """Why the record cannot be trusted (signature, principal, role), or ``None``."""
    p = record["payload"]
    signer = principals.get(p["signer"])
    if signer is None:
        return f"signer {p['signer']!r} is not in the principals file"
    if not verify(signer.public_key, record["signature"], signed_bytes(p)):
        return f"bad signature: it does not verify with {signer.id}'s public key"
    principal = principals.get(p["principal"])
    if principal is None:
        return f"principal {p['principal']!r} is not in the principals file"
    if not principal.holds(p["role"]):
        return f"principal {principal.id} does not hold role {p['role']}"
    if signer.id != principal.id and not signer.holds(IMPORTER_ROLE):
        return f"{signer.id} signed for {principal.id} without the {IMPORTER_ROLE} role"
    return None


def binding_problem(payload: dict[str, Any], binding: Binding) -> str | None:
    """Why the record is stale for ``binding`` (evidence or bundle changed) or bound to
    another model, or ``None``."""
    if payload["subject"] != binding.subject:
        return f"it names another model ({payload['subject']}, not {binding.subject})"
    if payload["evidence_digest"] != binding.evidence_digest:
        was, now = _short(payload["evidence_digest"]), _short(binding.evidence_digest)
        return f"stale: the evidence changed after the review (approved {was}, now {now})"
    bundle = payload["bundle"]
    if bundle["digest"] != binding.bundle_digest or bundle["revision"] != binding.bundle_revision:
        return (
            "stale: the policy bundle changed after the review "
            f"(approved revision {bundle['revision']!r} {_short(bundle['digest'])}, "
            f"now {binding.bundle_revision!r} {_short(binding.bundle_digest)})"
        )
    return None


def expiry_problem(payload: dict[str, Any], now: datetime) -> str | None:
    expires = payload.get("expires_at")
    if expires is None:
        return None
    when = parse_time(expires)
    if when is None:
        return f"expires_at {expires!r} is not an RFC 3339 time"
    return f"expired at {expires}" if when <= now else None


def _short(digest: str) -> str:
    return digest[:19] + "…" if len(digest) > 20 else digest


@dataclass
class Gathered:
    approvals: list[dict[str, Any]] = field(default_factory=list)
    counted: list[Stored] = field(default_factory=list)
    ignored: list[tuple[Stored, str]] = field(default_factory=list)

    def warnings(self) -> list[str]:
        return [
            f"approval by {s.record['payload']['principal']} as {s.record['payload']['role']} "
            f"does not count: {reason}"
            for s, reason in self.ignored
        ]


def gather(stored: Iterable[Stored], principals: Principals | None, binding: Binding) -> Gathered:
    """The records that count for ``binding`` as facts, and the others with their reason."""
    out = Gathered()
    for item in stored:
        payload = item.record["payload"]
        if principals is None:
            reason: str | None = "no principals file is configured to verify it"
        else:
            reason = binding_problem(payload, binding) or trust_problem(item.record, principals)
        if reason is None:
            out.approvals.append(to_fact(item.record, item.ref))
            out.counted.append(item)
        else:
            out.ignored.append((item, reason))
    return out
