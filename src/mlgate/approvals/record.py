"""Signed approval records: what is signed, how, and how a stored one is read back.

A record is ``{"payload": {...}, "signature": "<base64>"}``; the signature is
Ed25519 over the canonical JSON of ``payload``: RFC 8785 (``jcs``) for type
``mlgate.approval/v2``, which mlgate writes, and Python's canonical JSON
(``canonical``) for ``mlgate.approval/v1``, which records already in a log hold
and which still verifies (``signed_bytes``). The payload binds the verdict to one
review::

    type            mlgate.approval/v2 (or v1)
    decision_id     the logged decision the principal reviewed
    evidence_digest the decision's evidence digest (facts minus approvals and time)
    bundle          {revision, digest} of the policy bundle
    subject         {name, version}
    role, principal, decision (approve | reject), at, nonce
    signer          who signed: the principal, or an approval_importer
    expires_at, comment, source (optional)

A record signed by an ``approval_importer`` on behalf of another principal is
an imported approval (a GitHub environment reviewer, a change ticket): its
``source`` says where it came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.keys import sign
from mlgate.canonical import canonical_json
from mlgate.facts.normalize import fold
from mlgate.jcs import jcs

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

RECORD_TYPE = "mlgate.approval/v2"  # what mlgate signs: RFC 8785
RECORD_TYPE_V1 = "mlgate.approval/v1"  # Python's canonical JSON; still verified
RECORD_TYPES = (RECORD_TYPE, RECORD_TYPE_V1)
VERDICTS = ("approve", "reject")
_REQUIRED: tuple[str, ...] = ("type", "decision_id", "evidence_digest", "bundle", "subject", "role")
_REQUIRED += ("principal", "signer", "decision", "at", "nonce")
_OPTIONAL = ("expires_at", "comment", "source")
_MAX_TEXT = 4096


@dataclass(frozen=True)
class Binding:
    """What an approval is bound to, taken from a logged decision."""

    decision_id: str
    evidence_digest: str
    bundle_revision: str
    bundle_digest: str
    subject: dict[str, str]

    @classmethod
    def of_decision(cls, doc: dict[str, Any]) -> Binding:
        bundle = doc.get("bundle") or {}
        subject = doc.get("subject") or {}
        return cls(
            decision_id=str(doc.get("decision_id", "")),
            evidence_digest=str(doc.get("evidence_digest", "")),
            bundle_revision=str(bundle.get("revision", "")),
            bundle_digest=str(bundle.get("digest", "")),
            subject={k: str(subject[k]) for k in ("name", "version") if k in subject},
        )


def new_payload(
    binding: Binding,
    *,
    role: str,
    principal: str,
    signer: str,
    verdict: str,
    at: str,
    expires_at: str | None = None,
    comment: str | None = None,
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": RECORD_TYPE,
        "decision_id": binding.decision_id,
        "evidence_digest": binding.evidence_digest,
        "bundle": {"revision": binding.bundle_revision, "digest": binding.bundle_digest},
        "subject": dict(binding.subject),
        "role": fold(role),
        "principal": fold(principal),
        "signer": fold(signer),
        "decision": verdict,
        "at": at,
        "nonce": os.urandom(16).hex(),
    }
    optional = {"expires_at": expires_at, "comment": comment, "source": source}
    payload.update({k: v for k, v in optional.items() if v is not None})
    return check_payload(payload, "new approval")


def signed_bytes(payload: dict[str, Any]) -> bytes:
    """The bytes the signature covers: RFC 8785 for v2, Python's canonical JSON for v1."""
    if payload.get("type") == RECORD_TYPE_V1:
        return canonical_json(payload)
    return jcs(payload)


def sign_payload(payload: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    return {"payload": payload, "signature": sign(key, signed_bytes(payload))}


def parse_record(obj: Any, where: str) -> dict[str, Any]:
    """A record's shape checked (not its signature): ``ApprovalError`` if malformed."""
    if not isinstance(obj, dict) or set(obj) != {"payload", "signature"}:
        raise ApprovalError(f"{where}: an approval record is {{payload, signature}}")
    if not isinstance(obj["signature"], str) or not obj["signature"]:
        raise ApprovalError(f"{where}: signature must be a base64 string")
    check_payload(obj["payload"], where)
    return obj


def check_payload(payload: Any, where: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ApprovalError(f"{where}: payload must be an object")
    missing = [k for k in _REQUIRED if k not in payload]
    unknown = sorted(set(payload) - set(_REQUIRED) - set(_OPTIONAL))
    if missing or unknown:
        what = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        raise ApprovalError(f"{where}: payload fields: {what}")
    if payload["type"] not in RECORD_TYPES:
        raise ApprovalError(f"{where}: type must be {RECORD_TYPE!r} (or {RECORD_TYPE_V1!r})")
    if payload["decision"] not in VERDICTS:
        raise ApprovalError(f"{where}: decision must be approve or reject")
    for key in (*_REQUIRED, "expires_at", "comment"):
        value = payload.get(key, "")
        if key not in ("bundle", "subject") and not isinstance(value, str):
            raise ApprovalError(f"{where}: {key} must be a string")
        if isinstance(value, str) and len(value) > _MAX_TEXT:
            raise ApprovalError(f"{where}: {key} is longer than {_MAX_TEXT} characters")
    bundle, subject = payload["bundle"], payload["subject"]
    if not isinstance(bundle, dict) or not all(
        isinstance(bundle.get(k), str) for k in ("revision", "digest")
    ):
        raise ApprovalError(f"{where}: bundle must be {{revision, digest}} strings")
    if not isinstance(subject, dict) or not all(isinstance(v, str) for v in subject.values()):
        raise ApprovalError(f"{where}: subject must map names to strings")
    if "source" in payload and not isinstance(payload["source"], dict):
        raise ApprovalError(f"{where}: source must be an object")
    try:  # the signature is over canonical JSON: a value it cannot carry has none
        signed_bytes(payload)
    except ValueError:
        raise ApprovalError(
            f"{where}: the payload holds NaN or Infinity (or, in v2, an integer beyond "
            "2^53), which canonical JSON cannot carry"
        ) from None
    for key in ("role", "principal", "signer"):
        if payload[key] != fold(payload[key]):  # as new_payload writes them: they compare
            raise ApprovalError(
                f"{where}: {key} {payload[key]!r} must be written {fold(payload[key])!r}"
            )
    for key in ("at", "expires_at"):
        if key in payload:
            problem = time_problem(payload[key])
            if problem:
                raise ApprovalError(f"{where}: {key} {payload[key]!r} {problem}")
    return payload


def to_fact(record: dict[str, Any], ref: str) -> dict[str, Any]:
    """The ``facts.approvals`` item for a verified record; ``ref`` is its log hash."""
    p = record["payload"]
    fact: dict[str, Any] = {"role": p["role"], "principal": p["principal"]}
    fact.update({"decision": p["decision"], "at": p["at"]})
    fact.update({k: p[k] for k in ("expires_at", "comment") if k in p})
    source: dict[str, Any] = {"tool": "mlgate-approve", "record": ref, "signer": p["signer"]}
    if "source" in p:
        source["imported_from"] = p["source"]
    fact["source"] = source
    return fact


LATEST = datetime(2262, 1, 1, tzinfo=UTC)  # a policy reads times as int64 nanoseconds


def time_problem(text: str) -> str | None:
    """Why ``text`` is no time an approval may carry, or ``None``."""
    when = parse_time(text)
    if when is None:
        return "is not an RFC 3339 time with a zone"
    if when >= LATEST:
        return "is after 2261 (beyond the nanosecond times a policy reads)"
    return None


def parse_time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else None
