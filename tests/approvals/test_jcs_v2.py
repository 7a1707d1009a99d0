"""Approval payload v2 is signed over RFC 8785 (JCS), a form any language reproduces;
v1 records (Python's canonical JSON) still verify; schemas/ ships the test vectors."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mlgate.approvals.errors import ApprovalError
from mlgate.approvals.principals import parse_principals
from mlgate.approvals.record import (
    RECORD_TYPE,
    Binding,
    check_payload,
    new_payload,
    sign_payload,
    signed_bytes,
)
from mlgate.approvals.verify import trust_problem
from mlgate.canonical import canonical_json
from mlgate.jcs import jcs
from tests.conftest import REPO

VECTORS = json.loads((REPO / "schemas" / "approval-v2-vectors.json").read_text(encoding="utf-8"))

# RFC 8785, section 3.2.2: the input and the output the RFC prints.
RFC_INPUT = (
    '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
    '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
    '"literals": [null, true, false]}'
)
RFC_OUTPUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
)


def test_the_rfc_example_is_reproduced() -> None:
    assert jcs(json.loads(RFC_INPUT)).decode("utf-8") == RFC_OUTPUT


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"), (-0.0, "0"), (1e-07, "1e-7"), (0.000001, "0.000001"), (1e21, "1e+21"),
        (1e20, "100000000000000000000"), (5e-324, "5e-324"), (1e23, "1e+23"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (2.0**53, "9007199254740992"),
    ],
)  # fmt: skip
def test_numbers_are_written_as_ecmascript_writes_them(value: float, text: str) -> None:
    assert jcs(value).decode() == text


def test_keys_sort_by_utf16_code_units_and_big_integers_are_refused() -> None:
    # U+1F600 is the surrogate pair D83D DE00: before U+FB33 in UTF-16, after it in code points.
    assert jcs({"\ufb33": 1, "\U0001f600": 2}).decode() == '{"\U0001f600":2,"\ufb33":1}'
    assert canonical_json({"\ufb33": 1, "\U0001f600": 2}).decode() == '{"\ufb33":1,"\U0001f600":2}'
    with pytest.raises(ValueError, match="RFC 8785"):
        jcs({"n": 2**60})


@pytest.mark.parametrize("case", VECTORS["jcs"], ids=lambda c: c["name"])
def test_the_shipped_vectors(case: dict[str, Any]) -> None:
    assert jcs(json.loads(case["input"])).decode("utf-8") == case["canonical"]


def _principals(public_key: str) -> Any:
    text = (
        "apiVersion: mlgate/v1\nkind: Principals\nprincipals:\n"
        f"  - id: omar.risk\n    roles: [model_risk]\n    public_key: {public_key}\n"
        f"  - id: gh-bridge\n    roles: [approval_importer]\n    public_key: {public_key}\n"
    )
    return parse_principals(text.encode(), "test")


def test_the_shipped_signed_record_verifies_outside_mlgate_and_in_it() -> None:
    vector = VECTORS["approval"]
    record = vector["record"]
    canonical = vector["canonical"].encode("utf-8")
    assert jcs(record["payload"]) == canonical == signed_bytes(record["payload"])
    assert hashlib.sha256(canonical).hexdigest() == vector["sha256"]
    raw = base64.b64decode(vector["public_key"].removeprefix("ed25519:"))
    Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(record["signature"]), canonical)
    principals = _principals(vector["public_key"])
    assert trust_problem(record, principals) is None
    tampered = copy.deepcopy(record)
    tampered["payload"]["source"]["score"] = 1.5
    assert "bad signature" in (trust_problem(tampered, principals) or "")


def _key() -> tuple[Ed25519PrivateKey, Any]:
    seed = bytes.fromhex(VECTORS["approval"]["test_private_key_seed_hex"])
    return Ed25519PrivateKey.from_private_bytes(seed), _principals(
        VECTORS["approval"]["public_key"]
    )


def test_new_approvals_are_v2_and_v1_records_still_verify() -> None:
    key, principals = _key()
    binding = Binding("01a2", "sha256:" + "0" * 64, "r1", "sha256:" + "1" * 64, {"name": "m"})
    payload = new_payload(binding, role="model_risk", principal="omar.risk",
                          signer="omar.risk", verdict="approve", at="2026-11-23T10:00:00Z",
                          source={"score": 1.0})  # fmt: skip
    assert payload["type"] == RECORD_TYPE == "mlgate.approval/v2"
    assert trust_problem(sign_payload(payload, key), principals) is None
    # A v1 record, as an older mlgate signed it: over Python's canonical JSON.
    old = {**payload, "type": "mlgate.approval/v1"}
    v1 = {"payload": old, "signature": base64.b64encode(key.sign(canonical_json(old))).decode()}
    assert trust_problem(v1, principals) is None
    # The two forms differ for this payload (1.0 vs 1), so neither verifies as the other.
    mislabelled = {**v1, "payload": {**old, "type": "mlgate.approval/v2"}}
    assert "bad signature" in (trust_problem(mislabelled, principals) or "")


def test_a_v2_payload_with_an_integer_beyond_2_53_is_refused() -> None:
    payload = copy.deepcopy(VECTORS["approval"]["payload"])
    payload["source"]["big"] = 2**60
    with pytest.raises(ApprovalError, match="integer beyond 2\\^53"):
        check_payload(payload, "import")
    payload["type"] = "mlgate.approval/v1"
    assert check_payload(payload, "import")["source"]["big"] == 2**60  # v1 as it was
