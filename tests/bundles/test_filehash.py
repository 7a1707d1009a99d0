"""File digests for signatures, as OPA computes them (``v1/bundle/hash.go``)."""

from __future__ import annotations

import hashlib

import pytest

from mlgate.bundles.filehash import file_hash, go_float, go_string
from mlgate.errors import BundleError


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_policy_files_are_hashed_as_bytes() -> None:
    content = b"package x\n\nallow := true\n"
    assert file_hash("x/policy.rego", content) == hashlib.sha256(content).hexdigest()


def test_data_yml_is_not_a_structured_file_for_opa() -> None:
    content = b"a: 1\n"
    assert file_hash("x/data.yml", content) == hashlib.sha256(content).hexdigest()


def test_json_data_is_hashed_in_opa_normal_form() -> None:
    raw = b'{ "b": [1, 2.50, true, null],\n  "a": "x<y&z" }'
    # keys sorted, no whitespace, number literals as written, no HTML escaping
    assert file_hash("data.json", raw) == _sha('{"a":"x<y&z","b":[1,2.50,true,null]}')


def test_whitespace_and_key_order_do_not_change_a_json_digest() -> None:
    a = file_hash("m/data.json", b'{"x": {"q": 1, "p": [3]}}')
    b = file_hash("m/data.json", b'{\n  "x": {\n    "p": [ 3 ],\n    "q": 1\n  }\n}\n')
    assert a == b


def test_number_spelling_changes_a_json_digest() -> None:
    # OPA decodes with UseNumber: 1.0 and 1 are different literals
    assert file_hash("data.json", b'{"t": 1.0}') != file_hash("data.json", b'{"t": 1}')


def test_yaml_data_is_hashed_as_go_json_of_its_value() -> None:
    raw = b"# thresholds\nhigh:\n  roc_auc: 0.70\n  n: 3\n  big: 1.0e21\n  tiny: 0.0000001\n"
    expected = '{"high":{"big":1e+21,"n":3,"roc_auc":0.7,"tiny":1e-7}}'
    assert file_hash("mlgate/thresholds/data.yaml", raw) == _sha(expected)


def test_manifest_is_structured() -> None:
    a = file_hash(".manifest", b'{"revision": "r1", "roots": ["mlgate"]}')
    assert a == _sha('{"revision":"r1","roots":["mlgate"]}')


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.7, "0.7"),
        (100.0, "100"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-10, "1.5e-10"),
        (-0.0, "-0"),
        (2.5e25, "2.5e+25"),
    ],
)
def test_floats_are_spelled_as_go_spells_them(value: float, text: str) -> None:
    assert go_float(value) == text


def test_strings_are_escaped_as_go_escapes_them() -> None:
    assert go_string("a\u2028b<>&\x01\u00e9") == '"a\\u2028b<>&\\u0001\u00e9"'


def test_non_finite_values_and_bad_json_are_refused() -> None:
    with pytest.raises(BundleError, match="not valid JSON"):
        file_hash("data.json", b'{"x": NaN}')
    with pytest.raises(BundleError, match="not valid JSON"):
        file_hash("data.json", b'{"x": ')


def test_unknown_hash_algorithm_is_refused() -> None:
    with pytest.raises(BundleError, match="unsupported hash algorithm"):
        file_hash("a.rego", b"", "MD5")
