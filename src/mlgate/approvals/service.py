"""``mlgate approve`` and ``mlgate approvals import``: refuse, or sign and append.

Approvals live in the decision log, next to the decision they review: one
store, one chain, one audit trail. Nothing is appended unless every check
passed; an import appends all its records or none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.keys import PREFIX, load_private_key, public_key_text
from mlgate.approvals.principals import IMPORTER_ROLE, Principals
from mlgate.approvals.record import (
    LATEST,
    Binding,
    new_payload,
    parse_record,
    parse_time,
    sign_payload,
)
from mlgate.approvals.verify import binding_problem, expiry_problem, trust_problem
from mlgate.facts.identity import same_person
from mlgate.facts.normalize import fold
from mlgate.logstore.entry import approval_entry
from mlgate.logstore.lookup import approval_records, find_decision
from mlgate.times import rfc3339

if TYPE_CHECKING:
    from mlgate.logstore.base import LogStore
    from mlgate.logstore.chain import Row
    from mlgate.logstore.lookup import Stored

_DURATION = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


@dataclass(frozen=True)
class Request:
    decision_id: str
    role: str
    principal: str
    key: Path
    reject: bool = False
    comment: str | None = None
    expires: str | None = None
    on_behalf_of: str | None = None
    source: dict[str, Any] | None = None


def expiry(text: str | None, now: datetime) -> str | None:
    """``--expires``: an RFC 3339 time or a duration from now (``7d``, ``12h``, ``30m``)."""
    if text is None:
        return None
    match = _DURATION.match(text.strip())
    try:
        when = now + timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}) if match else None
    except OverflowError:
        raise ApprovalError(f"--expires {text!r}: too far in the future") from None
    when = when or parse_time(text.strip())
    if when is None:
        raise ApprovalError(f"--expires {text!r}: give an RFC 3339 time with a zone, or 7d/12h/30m")
    if when <= now:
        raise ApprovalError(f"--expires {text!r} is not in the future")
    if when >= LATEST:
        raise ApprovalError(f"--expires {text!r}: after 2261, beyond the times a policy reads")
    return rfc3339(when) if when.utcoffset() == timedelta(0) else when.isoformat()


def approve(store: LogStore, principals: Principals, req: Request, now: datetime) -> Row:
    logged = find_decision(store, req.decision_id)
    decision = logged["decision"]
    binding = Binding.of_decision(decision)
    if not binding.evidence_digest.startswith("sha256:"):
        raise ApprovalError(f"decision {req.decision_id} has no evidence digest; run check again")
    signer = principals.get(req.principal)
    if signer is None:
        raise ApprovalError(f"unknown principal {req.principal!r} (not in {principals.source})")
    principal = principals.get(req.on_behalf_of) if req.on_behalf_of else signer
    if principal is None:
        raise ApprovalError(f"unknown principal {req.on_behalf_of!r} (not in {principals.source})")
    if principal is not signer and not signer.holds(IMPORTER_ROLE):
        raise ApprovalError(f"{signer.id} may not sign for others: needs role {IMPORTER_ROLE}")
    if not principal.holds(req.role):
        held = ", ".join(sorted(principal.roles)) or "none"
        raise ApprovalError(f"principal {principal.id} does not hold role {req.role!r} ({held})")
    if not req.reject:
        _check_approvable(decision, req.decision_id, req.role)
        _refuse_author(logged, principal.id)
    key = load_private_key(req.key)
    if public_key_text(key) != _public_text(signer.public_key):
        raise ApprovalError(f"{req.key}: this key does not belong to principal {signer.id}")
    payload = new_payload(
        binding,
        role=req.role,
        principal=principal.id,
        signer=signer.id,
        verdict="reject" if req.reject else "approve",
        at=rfc3339(now),
        expires_at=expiry(req.expires, now),
        comment=req.comment,
        source=req.source,
    )
    record = sign_payload(payload, key)
    problem = trust_problem(record, principals)
    if problem:  # never store what the gate would not accept
        raise ApprovalError(f"refused: {problem}")
    stored = approval_records(store, decision.get("subject") or {})
    _refuse_duplicate(stored, decision, payload, now)
    return store.append([approval_entry(record, decision)])[0]


def _check_approvable(decision: dict[str, Any], decision_id: str, role: str) -> None:
    outcome = decision.get("outcome")
    if outcome in ("fail", "insufficient_evidence"):
        raise ApprovalError(
            f"decision {decision_id} is {outcome}: approvals cannot change that "
            "(use --reject to record a rejection)"
        )
    roles = {str(r.get("role")) for r in decision.get("required_approvals") or []}
    from mlgate.facts.normalize import fold

    if fold(role) not in {fold(r) for r in roles}:
        wanted = ", ".join(sorted(roles)) or "none"
        raise ApprovalError(
            f"decision {decision_id} does not require role {role!r} (required: {wanted})"
        )


def _refuse_author(logged: dict[str, Any], principal: str) -> None:
    """Separation of duties: the model's author, or a principal whose id looks like
    the author's, does not approve it (the policy would not count it, and `status`
    would disagree with `check`). The author's rejection is recorded: it blocks."""
    facts = logged.get("facts")
    subject = facts.get("subject") if isinstance(facts, dict) else None
    author = subject.get("author") if isinstance(subject, dict) else None
    if isinstance(author, str) and same_person(author, principal):
        who = (
            "the author of the model"
            if fold(author) == fold(principal)
            else f"a look-alike of the model's author {author!r}"
        )
        raise ApprovalError(
            f"{principal} is {who}: separation of duties forbids "
            "an approval by the author (a rejection is recorded, and blocks the release)"
        )


def _public_text(raw: bytes) -> str:
    import base64

    return PREFIX + base64.b64encode(raw).decode("ascii")


def _refuse_duplicate(
    stored: list[Stored], decision: dict[str, Any], payload: dict[str, Any], now: datetime
) -> None:
    """``stored``: the approvals already logged for the decision's subject."""
    binding = Binding.of_decision(decision)
    for item in stored:
        old = item.record["payload"]
        same = all(old[k] == payload[k] for k in ("principal", "role", "decision"))
        if same and not binding_problem(old, binding) and not expiry_problem(old, now):
            raise ApprovalError(
                f"{old['principal']} already recorded {old['decision']} as {old['role']} "
                f"for this evidence and bundle (record {item.ref})"
            )


def import_records(
    store: LogStore, principals: Principals, records: list[Any], where: str, now: datetime
) -> list[Row]:
    """Verify every signed record, then append them all (or refuse them all)."""
    if not records:
        raise ApprovalError(f"{where}: no approval records")
    entries, seen = [], set()
    for i, raw in enumerate(records):
        at = f"{where}: record {i}"
        record = parse_record(raw, at)
        payload = record["payload"]
        problem = trust_problem(record, principals) or expiry_problem(payload, now)
        if problem:
            raise ApprovalError(f"{at}: refused: {problem}")
        logged = find_decision(store, payload["decision_id"])
        decision = logged["decision"]
        stale = binding_problem(payload, Binding.of_decision(decision))
        if stale:
            raise ApprovalError(
                f"{at}: refused: replayed for another decision: decision "
                f"{payload['decision_id']} does not match the record ({stale})"
            )
        stored = approval_records(store, decision["subject"])
        existing = {s.record["signature"] for s in stored}
        if record["signature"] in existing or record["signature"] in seen:
            raise ApprovalError(f"{at}: refused: this record is already in the log")
        try:  # what `approve` refuses, an import refuses too
            if payload["decision"] == "approve":
                _check_approvable(decision, payload["decision_id"], payload["role"])
                _refuse_author(logged, payload["principal"])
            _refuse_duplicate(stored, decision, payload, now)
        except ApprovalError as exc:
            raise ApprovalError(f"{at}: refused: {exc.message}") from None
        seen.add(record["signature"])
        entries.append(approval_entry(record, decision))
    return store.append(entries)
