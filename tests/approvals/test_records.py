"""Signed records: forged, altered, replayed or malformed ones are refused.

Imports are all-or-nothing.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.keys import load_private_key
from mlgate.approvals.principals import Principals, load_principals
from mlgate.approvals.record import Binding, new_payload, parse_record, sign_payload
from mlgate.approvals.service import expiry, import_records
from mlgate.approvals.verify import binding_problem, trust_problem
from mlgate.cli.main import main
from mlgate.logstore.entry import decision_entry
from mlgate.logstore.open import open_store
from tests.approvals.conftest import Keyring

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def decision_doc(decision_id: str, evidence: str) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "outcome": "needs_approval",
        "subject": {"name": "m", "version": "1", "risk_tier": "low"},
        "bundle": {"revision": "r1", "digest": "sha256:" + "b" * 64, "source": "x"},
        "evidence_digest": evidence,
        "input_digest": "sha256:" + "1" * 64,
        "required_approvals": [{"role": "model_risk", "count": 1, "reason": "r"}],
    }


EVIDENCE_A, EVIDENCE_B = "sha256:" + "a" * 64, "sha256:" + "c" * 64


def signed(keyring: Keyring, who: str, doc: dict[str, Any], **kw: Any) -> dict[str, Any]:
    payload = new_payload(
        Binding.of_decision(doc),
        role=kw.pop("role", "model_risk"),
        principal=kw.pop("principal", who),
        signer=who,
        verdict=kw.pop("verdict", "approve"),
        at="2026-11-23T11:00:00Z",
        **kw,
    )
    return sign_payload(payload, load_private_key(keyring.key(who)))


@pytest.fixture
def principals(keyring: Keyring) -> Principals:
    return load_principals(keyring.principals)


def test_a_signed_record_verifies(keyring: Keyring, principals: Principals) -> None:
    record = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    assert trust_problem(record, principals) is None
    assert parse_record(json.loads(json.dumps(record)), "r") == record


def test_a_signature_over_different_bytes_is_refused(
    keyring: Keyring, principals: Principals
) -> None:
    record = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    for field, value in [
        ("evidence_digest", EVIDENCE_B),
        ("decision", "reject"),
        ("role", "ml_lead"),
    ]:
        altered = copy.deepcopy(record)
        altered["payload"][field] = value
        problem = trust_problem(altered, principals)
        assert problem is not None and problem.startswith("bad signature"), field


def test_a_signature_by_someone_else_is_refused(keyring: Keyring, principals: Principals) -> None:
    record = signed(keyring, "dana.ml", decision_doc("d1", EVIDENCE_A))
    record["payload"]["signer"] = record["payload"]["principal"] = "omar.risk"
    assert str(trust_problem(record, principals)).startswith("bad signature")


def test_unknown_principal_and_role_not_held(keyring: Keyring, principals: Principals) -> None:
    record = signed(keyring, "priya.lead", decision_doc("d1", EVIDENCE_A))  # role model_risk
    assert trust_problem(record, principals) == "principal priya.lead does not hold role model_risk"
    bridge = signed(keyring, "gh-bridge", decision_doc("d1", EVIDENCE_A), principal="zoe")
    assert trust_problem(bridge, principals) == "principal 'zoe' is not in the principals file"
    by_omar = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A), principal="dana.ml")
    assert "without the approval_importer role" in str(trust_problem(by_omar, principals))


def test_stale_binding_says_what_changed(keyring: Keyring) -> None:
    record = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    same = Binding.of_decision(decision_doc("d2", EVIDENCE_A))
    assert binding_problem(record["payload"], same) is None  # another run of the same evidence
    other = Binding.of_decision(decision_doc("d3", EVIDENCE_B))
    assert "the evidence changed" in str(binding_problem(record["payload"], other))
    moved = decision_doc("d4", EVIDENCE_A)
    moved["bundle"]["revision"] = "r2"
    assert "bundle changed" in str(binding_problem(record["payload"], Binding.of_decision(moved)))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("signature"), "an approval record is {payload, signature}"),
        (lambda r: r["payload"].pop("nonce"), "missing nonce"),
        (lambda r: r["payload"].update(extra=1), "unknown extra"),
        (lambda r: r["payload"].update(type="v0"), "type must be"),
        (lambda r: r["payload"].update(decision="maybe"), "approve or reject"),
        (lambda r: r["payload"].update(role=7), "role must be a string"),
        (lambda r: r["payload"].update(bundle="r1"), "bundle must be"),
    ],
)
def test_malformed_records_are_refused(keyring: Keyring, mutate: Any, message: str) -> None:
    record = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    mutate(record)
    with pytest.raises(ApprovalError, match=message):
        parse_record(record, "r")


def test_expiry_accepts_durations_and_times_in_the_future() -> None:
    assert expiry("7d", NOW) == "2026-11-30T12:00:00Z"
    assert expiry("2026-12-01T00:00:00+01:00", NOW) == "2026-12-01T00:00:00+01:00"
    for bad in ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00", "tomorrow", "0h"):
        with pytest.raises(ApprovalError):
            expiry(bad, NOW)
    assert expiry(None, NOW) is None and expiry("30m", NOW) == "2026-11-23T12:30:00Z"
    assert NOW + timedelta(hours=12) > NOW


@pytest.fixture
def logged(log_location: str) -> str:
    from mlgate.decisions.model import Decision

    store = open_store(log_location)
    for doc in (decision_doc("d1", EVIDENCE_A), decision_doc("d2", EVIDENCE_B)):
        store.append([decision_entry(Decision(doc), {}, actor="ci")])
    store.close()
    return log_location


def _import(location: str, principals: Principals, records: list[Any]) -> list[int]:
    store = open_store(location)
    try:
        return [r.seq for r in import_records(store, principals, records, "f.json", NOW)]
    finally:
        store.close()


def test_import_appends_valid_records_once(
    keyring: Keyring, principals: Principals, logged: str
) -> None:
    record = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    assert _import(logged, principals, [record]) == [3]
    with pytest.raises(ApprovalError, match="already in the log"):
        _import(logged, principals, [record])


def test_a_record_replayed_for_another_decision_is_refused(
    keyring: Keyring, principals: Principals, logged: str
) -> None:
    # Signed for d1's evidence but naming d2 (other evidence): a replay, not a review of d2.
    doc = decision_doc("d2", EVIDENCE_A)
    record = signed(keyring, "omar.risk", doc)
    with pytest.raises(ApprovalError, match="replayed for another decision"):
        _import(logged, principals, [record])


def test_one_bad_record_refuses_the_whole_import(
    keyring: Keyring, principals: Principals, logged: str
) -> None:
    good = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    bad = signed(keyring, "omar.risk", decision_doc("d2", EVIDENCE_B))
    bad["payload"]["comment"] = "edited after signing"
    with pytest.raises(ApprovalError, match="record 1: refused: bad signature"):
        _import(logged, principals, [good, bad])
    store = open_store(logged)
    assert [r.seq for r in store.rows()] == [1, 2]  # nothing appended
    store.close()


def test_approvals_import_command(
    keyring: Keyring, logged: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    path = tmp_path / "github-review.json"
    path.write_text(json.dumps({"records": [good]}))
    args = [
        "approvals",
        "import",
        str(path),
        "--log",
        logged,
        "--principals",
        str(keyring.principals),
    ]
    assert main(args) == 0
    assert "imported 1 approval record(s)" in capsys.readouterr().out
    path.write_text('{"records": [')
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "malformed approval file" in err and "Traceback" not in err


def _resigned(keyring: Keyring, who: str, record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = {**record["payload"], **changes}
    return sign_payload(payload, load_private_key(keyring.key(who)))


def _log(location: str, doc: dict[str, Any], facts: dict[str, Any] | None = None) -> None:
    from mlgate.decisions.model import Decision

    store = open_store(location)
    try:
        store.append([decision_entry(Decision(doc), facts or {}, actor="ci")])
    finally:
        store.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"at": "not-a-time"}, "at 'not-a-time' is not an RFC 3339 time with a zone"),
        ({"expires_at": "9999-01-01T00:00:00Z"}, "is after 2261"),
        ({"role": "MODEL_RISK"}, "role 'MODEL_RISK' must be written 'model_risk'"),
        ({"subject": {"name": "fraud-scorer", "version": "1"}}, "it names another model"),
    ],
)
def test_an_import_refuses_what_approve_would_never_sign(
    keyring: Keyring, principals: Principals, logged: str, change: dict[str, Any], message: str
) -> None:
    record = _resigned(
        keyring, "omar.risk", signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A)), **change
    )
    with pytest.raises(ApprovalError, match=re.escape(message)):
        _import(logged, principals, [record])


def test_an_import_refuses_approving_twice_under_a_new_nonce(
    keyring: Keyring, principals: Principals, logged: str
) -> None:
    first = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    again = signed(keyring, "omar.risk", decision_doc("d1", EVIDENCE_A))
    assert first["payload"]["nonce"] != again["payload"]["nonce"]
    _import(logged, principals, [first])
    with pytest.raises(
        ApprovalError, match=re.escape("omar.risk already recorded approve as model_risk")
    ):
        _import(logged, principals, [again])


def test_an_import_refuses_an_approval_of_a_failed_decision_or_by_the_author(
    keyring: Keyring, principals: Principals, log_location: str
) -> None:
    failed = {**decision_doc("f1", EVIDENCE_A), "outcome": "fail", "required_approvals": []}
    _log(log_location, failed)
    with pytest.raises(ApprovalError, match="is fail: approvals cannot change that"):
        _import(log_location, principals, [signed(keyring, "omar.risk", failed)])
    own = decision_doc("a1", EVIDENCE_B)
    _log(log_location, own, {"subject": {"name": "m", "version": "1", "author": "Omar.Risk"}})
    with pytest.raises(ApprovalError, match=re.escape("omar.risk is the author of the model")):
        _import(log_location, principals, [signed(keyring, "omar.risk", own)])
    rejection = signed(keyring, "omar.risk", own, verdict="reject")
    assert len(_import(log_location, principals, [rejection])) == 1  # the author may reject


def test_expiry_beyond_the_policy_clock_or_any_clock_is_refused() -> None:
    for text in ("2300-01-01T00:00:00Z", "99999999999d", "3000000d"):
        with pytest.raises(ApprovalError):
            expiry(text, NOW)


_source_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=1, max_value=10**6).map(lambda n: n * 10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, database=None)
@given(_source_values)
@example(float("nan"))  # the red team's: ValueError from canonical JSON, exit 1
def test_any_value_in_a_records_source_is_parsed_or_refused_in_one_line(value: Any) -> None:
    payload = new_payload(
        Binding("d1", EVIDENCE_A, "r1", "sha256:" + "b" * 64, {"name": "m", "version": "1"}),
        role="model_risk",
        principal="gh-bridge",
        signer="gh-bridge",
        verdict="approve",
        at="2026-11-23T11:00:00Z",
    )
    payload["source"] = {"reference": value}
    record = {"payload": payload, "signature": "AAAA"}
    try:
        assert parse_record(record, "r.json: record 0") is record
    except ApprovalError as exc:
        assert "\n" not in exc.message and exc.message.startswith("r.json: record 0: ")


def test_an_imported_record_with_nan_in_its_source_exits_2_in_one_line(
    keyring: Keyring, log_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = decision_doc("n1", EVIDENCE_A)
    _log(log_location, doc)
    record = signed(keyring, "gh-bridge", doc, principal="omar.risk", source={"x": 1})
    text = json.dumps(record).replace('{"x": 1}', '{"x": NaN}')
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")
    code = main(
        [
            "approvals",
            "import",
            str(path),
            "--log",
            log_location,
            "--principals",
            str(keyring.principals),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and "NaN or Infinity" in err
