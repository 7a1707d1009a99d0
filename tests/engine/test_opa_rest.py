"""``OpaRestEngine`` against an OPA REST API.

Tests taking ``opa_server`` run against a real OPA (``MLGATE_TEST_OPA_URL``, or
the ``opa`` that ``make opa`` installs). Tests taking ``opa_double`` use the
in-repo double (regorus behind OPA's API, *not* OPA) because they need what a
real OPA won't do on demand: misbehave (hang, 500, garbage, a dropped
connection) or report any provenance a test scripts. The bundle-service paths
with a real OPA: ``tests/bundles/test_real_opa.py``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from mlgate.bundles.model import Bundle
from mlgate.engine.base import DECISION_QUERY, Engine
from mlgate.engine.opa_push import data_documents
from mlgate.engine.opa_rest import OpaRestEngine, query_path
from mlgate.errors import BundleError, EngineError, UndefinedDecisionError, UsageError
from tests.engine.conftest import ACCURACY_REGO, MakeBundle, OpaURL
from tests.opa_double import DOUBLE_VERSION, OpaDouble

pytestmark = pytest.mark.opa

HIGH_FAIL = {"subject": {"risk_tier": "high"}, "metrics": [{"name": "accuracy", "value": 0.85}]}
LOW_PASS = {"subject": {"risk_tier": "low"}, "metrics": [{"name": "accuracy", "value": 0.85}]}
TOKEN = "s3cr3t-t0ken-do-not-print"

Push = Callable[..., OpaRestEngine]


@pytest.fixture
def push(make_bundle: MakeBundle) -> Iterator[Push]:
    """``push(url, bundle=None, **options)``: an engine; unloaded and closed after the test."""
    engines: list[OpaRestEngine] = []

    def _push(url: str, bundle: Bundle | None = None, **options: Any) -> OpaRestEngine:
        engine = OpaRestEngine.from_bundle(bundle or make_bundle(), url=url, **options)
        engines.append(engine)
        return engine

    yield _push
    for engine in engines:
        with contextlib.suppress(EngineError):  # a test that broke the server on purpose
            engine.unload()
        engine.close()


def _ours(url: str) -> list[str]:
    listing = requests.get(f"{url}/v1/policies", timeout=5).json()["result"]
    return sorted(p["id"] for p in listing if p["id"].startswith("mlgate/"))


# -- evaluating -------------------------------------------------------------------------


def test_push_and_evaluate_gives_the_expected_decisions(opa_server: OpaURL, push: Push) -> None:
    engine: Engine = push(opa_server)
    assert engine.evaluate(DECISION_QUERY, HIGH_FAIL) == {
        "outcome": "fail",
        "threshold": 0.9,
        "violations": [{"control": "ACC-1", "metric": "accuracy", "expected": 0.9, "actual": 0.85}],
    }
    assert engine.evaluate(DECISION_QUERY, LOW_PASS) == {
        "outcome": "pass",
        "threshold": 0.7,
        "violations": [],
    }


def test_data_is_pushed_beside_the_packages_not_over_them(
    opa_server: OpaURL, push: Push, make_bundle: MakeBundle
) -> None:
    bundle = make_bundle()
    assert [p for p, _ in data_documents(bundle)] == [
        ("mlgate", "thresholds"),
        ("mlgate", "waivers"),
    ]
    engine = push(opa_server, bundle)
    assert engine.pushed_data == ["mlgate/thresholds", "mlgate/waivers"]
    got = requests.get(f"{opa_server}/v1/data/mlgate/thresholds/high", timeout=5).json()
    assert got == {"result": {"accuracy": 0.9}}


def test_data_that_sits_on_a_rule_is_a_bundle_error(
    opa_server: OpaURL, push: Push, make_bundle: MakeBundle
) -> None:
    bundle = make_bundle(data={"mlgate": {"decision": {"outcome": "pass"}}})
    with pytest.raises(BundleError) as caught:
        push(opa_server, bundle)
    assert "data.mlgate.decision" in caught.value.message
    assert "conflicting rule for data path mlgate/decision" in caught.value.message
    assert _ours(opa_server) == []  # what the failed push loaded was taken back


def test_undefined_decision_raises_undefined(opa_server: OpaURL, push: Push) -> None:
    engine = push(opa_server)
    with pytest.raises(UndefinedDecisionError, match=r"data\.mlgate\.decision is undefined"):
        engine.evaluate(DECISION_QUERY, {"metrics": []})  # no subject: no tier, no decision


def test_syntax_error_is_a_bundle_error_with_its_location(
    opa_server: OpaURL, push: Push, make_bundle: MakeBundle
) -> None:
    broken = "package mlgate\n\nimport rego.v1\n\ndecision := {\n"
    bundle = make_bundle(modules={"mlgate/a_ok.rego": ACCURACY_REGO, "mlgate/broken.rego": broken})
    with pytest.raises(BundleError) as caught:
        push(opa_server, bundle)
    assert caught.value.message.startswith("OPA could not compile mlgate/broken.rego:")
    assert "rego_parse_error" in caught.value.message
    assert any(line.startswith("mlgate/broken.rego:") for line in caught.value.details)
    assert _ours(opa_server) == []


def test_evaluation_error_quotes_opa_code_and_message(
    opa_server: OpaURL, push: Push, make_bundle: MakeBundle
) -> None:
    conflicting = (
        "package mlgate\n\nimport rego.v1\n\n"
        'decision := "a" if input.a\n\ndecision := "b" if input.b\n'
    )
    engine = push(opa_server, make_bundle(modules={"mlgate/decision.rego": conflicting}, data={}))
    with pytest.raises(EngineError) as caught:
        engine.evaluate(DECISION_QUERY, {"a": True, "b": True})
    assert not isinstance(caught.value, UndefinedDecisionError)
    msg = caught.value.message
    assert "HTTP 500 internal_error: error(s) occurred while evaluating query" in msg
    assert caught.value.details  # OPA's errors list


def test_repush_replaces_modules_and_drops_stale_ones(
    opa_server: OpaURL, push: Push, make_bundle: MakeBundle
) -> None:
    push(opa_server, make_bundle(source="test://same-source"))
    ids = _ours(opa_server)
    assert [i.rsplit("/", 1)[-1] for i in ids] == ["accuracy.rego", "decision.rego"]
    v2 = 'package mlgate\n\nimport rego.v1\n\ndecision := {"outcome": "v2"}\n'
    second = push(
        opa_server,
        make_bundle(source="test://same-source", modules={"mlgate/decision.rego": v2}),
    )
    assert _ours(opa_server) == [i for i in ids if i.endswith("/decision.rego")]
    assert second.evaluate(DECISION_QUERY, HIGH_FAIL) == {"outcome": "v2"}


def test_query_must_be_a_data_reference(opa_server: OpaURL, push: Push) -> None:
    engine = push(opa_server)
    for bad in ("data.mlgate.decision[0]", "x := 1", "data", "--format=pretty", "data.x\n"):
        with pytest.raises(EngineError, match="data reference"):
            engine.evaluate(bad, {})
    assert query_path("data.mlgate.decision") == "mlgate/decision"


def test_info_names_the_engine_and_learns_the_version(opa_server: OpaURL, push: Push) -> None:
    engine = push(opa_server)
    assert (engine.info.name, engine.info.location) == ("opa-url", str(opa_server))
    engine.evaluate(DECISION_QUERY, LOW_PASS)
    assert engine.info.version not in ("", "unknown", DOUBLE_VERSION)


def test_unload_removes_what_was_pushed(opa_server: OpaURL, push: Push) -> None:
    engine = push(opa_server)
    assert len(_ours(opa_server)) == 2
    engine.unload()
    assert _ours(opa_server) == []
    assert requests.get(f"{opa_server}/v1/data/mlgate/thresholds", timeout=5).json() == {}


# -- push=False -------------------------------------------------------------------------


@pytest.mark.opa_double
def test_push_false_only_queries(opa_double: OpaDouble, push: Push) -> None:
    push(opa_double.url)  # stands in for OPA's bundle service
    opa_double.served_revisions = {"mlgate": "r1"}
    before = len(opa_double.seen)
    engine = push(opa_double.url, push=False)
    assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
    after = opa_double.seen[before:]
    assert [(s.method, s.path) for s in after] == [
        ("GET", "/health"),
        ("POST", "/v1/data/mlgate/decision"),
    ]
    opa_double.served_revisions = {"mlgate": "r2"}  # the bundle service moved on
    with pytest.raises(EngineError, match="serves bundle revision r2, not r1"):
        engine.evaluate(DECISION_QUERY, LOW_PASS)


@pytest.mark.opa_double
@pytest.mark.parametrize(
    ("served", "reason"),
    [
        ({"mlgate": "r0"}, "serves bundle revision r0, not r1"),
        ({"other": "r2", "mlgate": "r0"}, "serves bundle revision r0, r2, not r1"),
        (None, "does not say which bundle it serves"),
    ],
    ids=["other-revision", "two-bundles", "no-bundles"],
)
def test_push_false_refuses_an_answer_from_another_bundle(
    opa_double: OpaDouble, push: Push, served: dict[str, str] | None, reason: str
) -> None:
    push(opa_double.url)
    opa_double.served_revisions = served
    engine = push(opa_double.url, push=False)
    with pytest.raises(EngineError, match=reason):
        engine.evaluate(DECISION_QUERY, LOW_PASS)


def test_push_false_needs_a_bundle_revision(make_bundle: MakeBundle) -> None:
    with pytest.raises(UsageError, match="has no revision"):
        OpaRestEngine.from_bundle(make_bundle(revision=""), url="http://127.0.0.1:9", push=False)


@pytest.mark.opa_double
def test_push_false_waits_for_bundle_activation(push: Push) -> None:
    with OpaDouble(require_bundle_activation=True) as opa:
        with pytest.raises(EngineError, match=r"is not ready .*bundles are not activated"):
            push(opa.url, push=False)
        opa.activate_bundles()
        push(opa.url, push=False)


# -- transport failures -------------------------------------------------------------------


@pytest.mark.parametrize("mode", [True, False], ids=["push", "no-push"])
def test_refused_connection_is_a_clear_engine_error(
    refused_url: str, make_bundle: MakeBundle, mode: bool
) -> None:
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        OpaRestEngine.from_bundle(make_bundle(), url=refused_url, push=mode, timeout=2.0)
    assert caught.value.message == f"OPA at {refused_url} is unreachable: connection refused"
    assert time.monotonic() - started < 2.0


@pytest.mark.opa_double
def test_hang_times_out_within_the_timeout(opa_double: OpaDouble, push: Push) -> None:
    engine = push(opa_double.url, timeout=1.0)
    opa_double.misbehave("hang", path="/v1/data/mlgate/decision")
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"did not answer within 1\.0s"):
        engine.evaluate(DECISION_QUERY, LOW_PASS)
    assert time.monotonic() - started < 2.5


@pytest.mark.opa_double
def test_http_500_reports_status_and_an_excerpt(opa_double: OpaDouble, push: Push) -> None:
    engine = push(opa_double.url)
    opa_double.misbehave("500", times=1, body=b"upstream exploded\n" + b"x" * 500)
    with pytest.raises(EngineError) as caught:
        engine.evaluate(DECISION_QUERY, LOW_PASS)
    msg = caught.value.message
    assert "answered data.mlgate.decision with HTTP 500: 'upstream exploded xxx" in msg
    assert len(msg) < 300  # an excerpt, not the whole body
    assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"  # once only


@pytest.mark.opa_double
def test_non_json_body_reports_an_excerpt(opa_double: OpaDouble, push: Push) -> None:
    engine = push(opa_double.url)
    opa_double.misbehave("garbage")
    with pytest.raises(EngineError) as caught:
        engine.evaluate(DECISION_QUERY, LOW_PASS)
    assert "HTTP 200 and a body that is not a JSON object: '<html><body>not OPA" in str(
        caught.value
    )


@pytest.mark.opa_double
def test_dropped_connection_is_an_engine_error(opa_double: OpaDouble, push: Push) -> None:
    engine = push(opa_double.url, timeout=5.0)
    opa_double.misbehave("drop")
    started = time.monotonic()
    with pytest.raises(EngineError, match="dropped the connection before answering POST"):
        engine.evaluate(DECISION_QUERY, LOW_PASS)
    assert time.monotonic() - started < 5.0


@pytest.mark.opa_double
def test_server_error_during_push_is_not_a_bundle_error(
    opa_double: OpaDouble, make_bundle: MakeBundle
) -> None:
    opa_double.misbehave("500", path="/v1/policies/")
    with pytest.raises(EngineError) as caught:
        OpaRestEngine.from_bundle(make_bundle(), url=opa_double.url)
    assert not isinstance(caught.value, BundleError)
    assert "policy mlgate/controls/accuracy.rego with HTTP 500" in caught.value.message


# -- HTTP session and credentials -----------------------------------------------------------


@pytest.mark.opa_double
def test_requests_reuse_one_keep_alive_connection(opa_double: OpaDouble, push: Push) -> None:
    engine = push(opa_double.url)
    for _ in range(5):
        engine.evaluate(DECISION_QUERY, LOW_PASS)
    assert len(opa_double.seen) >= 9  # listing + 2 policies + 2 data + 5 queries
    assert opa_double.connections == 1


@pytest.mark.opa_double
def test_token_is_sent_as_bearer_and_never_printed(push: Push, make_bundle: MakeBundle) -> None:
    with OpaDouble(token=TOKEN) as opa:
        engine = push(opa.url, token=TOKEN)
        assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
        assert {s.headers.get("Authorization") for s in opa.seen} == {f"Bearer {TOKEN}"}

        wrong = "wrong-" + TOKEN
        with pytest.raises(EngineError) as refused:
            OpaRestEngine.from_bundle(make_bundle(), url=opa.url, token=wrong)
        assert "HTTP 401 unauthorized" in refused.value.message

        opa.misbehave("garbage", body=f"echo: Bearer {TOKEN}".encode())
        with pytest.raises(EngineError) as echoed:
            engine.evaluate(DECISION_QUERY, LOW_PASS)
        assert "***" in echoed.value.message
    for err in (refused.value, echoed.value):
        shown = " ".join([err.message, *err.details])
        assert TOKEN not in shown and wrong not in shown


def test_token_is_not_in_transport_errors(refused_url: str, make_bundle: MakeBundle) -> None:
    with pytest.raises(EngineError) as caught:
        OpaRestEngine.from_bundle(make_bundle(), url=refused_url, token=TOKEN)
    assert TOKEN not in caught.value.message


def test_credentials_in_the_url_are_not_shown(refused_url: str, make_bundle: MakeBundle) -> None:
    url = refused_url.replace("http://", "http://user:pa55@")
    with pytest.raises(EngineError) as caught:
        OpaRestEngine.from_bundle(make_bundle(), url=url, push=False)
    assert "pa55" not in caught.value.message and refused_url in caught.value.message


@pytest.mark.opa_double
def test_close_closes_only_a_session_it_made(
    opa_double: OpaDouble, make_bundle: MakeBundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[str] = []

    class Tracked(requests.Session):
        def close(self) -> None:
            closed.append("closed")
            super().close()

    given = Tracked()
    engine = OpaRestEngine.from_bundle(make_bundle(), url=opa_double.url, session=given)
    engine.close()
    assert closed == []
    given.close()

    monkeypatch.setattr(requests, "Session", Tracked)
    owned = OpaRestEngine.from_bundle(make_bundle(), url=opa_double.url)
    owned.close()
    assert closed == ["closed", "closed"]


@pytest.mark.opa_double
def test_decision_id_is_kept_when_opa_gives_one(push: Push) -> None:
    with OpaDouble(decision_ids=True) as opa:
        engine = push(opa.url)
        engine.evaluate(DECISION_QUERY, LOW_PASS)
        assert engine.last_decision_id


# -- the REST API itself (checks the double when no OPA is configured) ------------------------


def test_policy_and_data_api_shapes(opa_server: OpaURL) -> None:
    s, u = requests.Session(), str(opa_server)
    pid, module = "mlgate-api-test/t.rego", "package mlgate_api_test\n\nx := input.v\n"
    try:
        r = s.put(f"{u}/v1/policies/{pid}", data=module, headers={"Content-Type": "text/plain"})
        assert (r.status_code, r.json()) == (200, {})
        got = s.get(f"{u}/v1/policies/{pid}").json()["result"]
        assert (got["id"], got["raw"]) == (pid, module)
        r = s.put(f"{u}/v1/data/mlgate_api_test/d", json={"k": 1})
        assert (r.status_code, r.content) == (204, b"")
        r = s.patch(f"{u}/v1/data/mlgate_api_test/d", json=[{"op": "add", "path": "j", "value": 2}])
        assert r.status_code == 204
        assert s.get(f"{u}/v1/data/mlgate_api_test/d").json()["result"] == {"k": 1, "j": 2}
        answer = s.post(f"{u}/v1/data/mlgate_api_test/x", json={"input": {"v": 7}}).json()
        assert answer["result"] == 7
        assert "result" not in s.post(f"{u}/v1/data/mlgate_api_test/x", json={"input": {}}).json()
        r = s.put(f"{u}/v1/data/mlgate_api_test/x", json=1)
        assert (r.status_code, r.json()["code"]) == (400, "invalid_parameter")
        assert (s.get(f"{u}/health").status_code, s.get(f"{u}/health").json()) == (200, {})
    finally:
        s.delete(f"{u}/v1/data/mlgate_api_test")
        assert s.delete(f"{u}/v1/policies/{pid}").status_code == 200
    r = s.delete(f"{u}/v1/policies/{pid}")
    assert (r.status_code, r.json()["code"]) == (404, "resource_not_found")
    assert s.delete(f"{u}/v1/data/mlgate_api_test").status_code == 404


def test_conflicts_answer_as_opa_does(opa_server: OpaURL) -> None:
    """Cases and bodies from OPA's own ``v1/server/server_test.go`` (``TestDataV1``)."""
    s, u = requests.Session(), str(opa_server)
    pid = "mlgate-conflict-test"
    try:
        s.put(f"{u}/v1/policies/{pid}", data="package mlgate_ct.y\np := 1\nq := 2")
        r = s.put(f"{u}/v1/data/mlgate_ct", json={"y": {"p": "xxx"}})
        assert (r.status_code, r.json()) == (
            400,
            {
                "code": "invalid_parameter",
                "message": f"1 error occurred: {pid}:2: rego_compile_error: "
                "conflicting rule for data path mlgate_ct/y/p found",
            },
        )
        for path, value in [("mlgate_ct/y", {"p": "xxx"}), ("mlgate_ct/y/p/a", 1)]:
            assert s.put(f"{u}/v1/data/{path}", json=value).status_code == 400
        assert s.delete(f"{u}/v1/policies/{pid}").status_code == 200
        assert s.put(f"{u}/v1/data/mlgate_ct/y/p/a", json=1).status_code == 204
        r = s.put(f"{u}/v1/policies/{pid}", data="package mlgate_ct.y\np := 1\nq := 2")
        assert (r.status_code, r.json()["errors"]) == (
            400,
            [
                {
                    "code": "rego_compile_error",
                    "message": "conflicting rule for data path mlgate_ct/y/p found",
                    "location": {"file": pid, "row": 2, "col": 1},
                }
            ],
        )
        assert s.put(f"{u}/v1/data/mlgate_ct/b", json=[1, 2, 3, 4]).status_code == 204
        r = s.put(f"{u}/v1/data/mlgate_ct/b/c/d", json=0)
        assert (r.status_code, r.json()) == (
            404,
            {"code": "resource_conflict", "message": "storage_write_conflict_error: /mlgate_ct/b"},
        )
    finally:
        s.delete(f"{u}/v1/policies/{pid}")
        s.delete(f"{u}/v1/data/mlgate_ct")


def test_a_refused_push_leaves_opa_serving_what_it_served_before(
    opa_server: OpaURL, push: Push, make_bundle: MakeBundle
) -> None:
    first = make_bundle()
    engine = push(opa_server, first)
    assert engine.evaluate(DECISION_QUERY, HIGH_FAIL)["threshold"] == 0.9
    raw_before = {
        pid: requests.get(f"{opa_server}/v1/policies/{pid}", timeout=5).json()["result"]["raw"]
        for pid in _ours(opa_server)
    }
    # The same source again: new rules and thresholds, then a data document OPA refuses
    # (it sits on a rule) after the thresholds were already replaced.
    data = json.loads(json.dumps(first.data))
    data["mlgate"]["thresholds"]["high"]["accuracy"] = 0.5
    data["mlgate"]["decision"] = {"outcome": "pass"}
    modules = {**first.modules, "mlgate/controls/extra.rego": "package mlgate.controls.extra\n"}
    second = make_bundle(modules=modules, data=data)
    with pytest.raises(BundleError, match="conflicting rule for data path mlgate/decision"):
        push(opa_server, second)
    after = {
        pid: requests.get(f"{opa_server}/v1/policies/{pid}", timeout=5).json()["result"]["raw"]
        for pid in _ours(opa_server)
    }
    assert after == raw_before  # the added module is gone, the replaced ones are back
    assert engine.evaluate(DECISION_QUERY, HIGH_FAIL)["threshold"] == 0.9  # old data back
    assert (
        requests.get(f"{opa_server}/v1/data/mlgate/waivers", timeout=5).json()["result"]
        == (first.data["mlgate"]["waivers"])
    )


def test_a_refused_push_is_undone_last_write_first(
    opa_server: OpaURL, push: Push, make_bundle: MakeBundle
) -> None:
    # Undone in push order, old `a` would meet new `b` (a recursion OPA refuses);
    # undone in reverse, every step is a state OPA accepted during the push.
    old = {"t/a.rego": "package t\n\nv := data.t.k\n", "t/b.rego": "package t\n\nk := 2\n"}
    engine = push(opa_server, make_bundle(modules=old, data={}, source="same"))
    assert engine.evaluate("data.t.v", {}) == 2
    requests.put(f"{opa_server}/v1/data/t/c/w", json=5, timeout=5)  # c's rule will sit on it
    new = {
        "t/a.rego": "package t\n\nv := 1\n",
        "t/b.rego": "package t\n\nk := data.t.v\n",
        "t/c.rego": "package t.c\n\nw := 1\n",
    }
    with pytest.raises(BundleError):
        push(opa_server, make_bundle(modules=new, data={}, source="same"))
    served = {
        p["id"].rsplit("/", 1)[-1]: p["raw"]
        for p in requests.get(f"{opa_server}/v1/policies", timeout=5).json()["result"]
        if p["id"].startswith("mlgate/")
    }
    assert served == {"a.rego": old["t/a.rego"], "b.rego": old["t/b.rego"]}
    assert engine.evaluate("data.t.v", {}) == 2
