"""Canonical JSON and digests."""

from __future__ import annotations

import json

import pytest

from mlgate.canonical import canonical_json, digest


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    assert canonical_json({"b": [1, {"d": 1, "c": None}], "a": "é"}) == (
        '{"a":"é","b":[1,{"c":null,"d":1}]}'.encode()
    )


def test_digest_is_stable_across_key_order() -> None:
    one = {"subject": {"name": "m", "version": "1"}, "metrics": [{"value": 0.9, "name": "f1"}]}
    two = json.loads(
        '{"metrics": [{"name": "f1", "value": 0.9}], "subject": {"version": "1", "name": "m"}}'
    )
    assert digest(one) == digest(two)
    assert digest(one).startswith("sha256:") and len(digest(one)) == 7 + 64


def test_digest_changes_with_any_value() -> None:
    assert digest({"a": 0.9}) != digest({"a": 0.91})
    assert digest({"a": [1, 2]}) != digest({"a": [2, 1]})


def test_numbers_keep_their_parsed_type() -> None:
    assert (
        canonical_json(json.loads('{"a": 1, "b": 1.0, "c": 1e-7}')) == b'{"a":1,"b":1.0,"c":1e-07}'
    )


def test_known_digest() -> None:
    # pins the format: a change here changes every recorded decision's input digest
    assert digest({"b": 1, "a": "x"}) == (
        "sha256:cdab067e9f3beb32d1252cfd63e492592fecbf591b0d08cadb24bb17f3864246"
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"a": [float("-inf")]}])
def test_nan_and_infinity_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="NaN or Infinity"):
        canonical_json(bad)
