"""OPA over TLS and mutual TLS against the OPA double behind ``ssl`` (NOT OPA): the
requests and headers a server saw, scripted 429/503/500 answers and a plain-http
server, which a real OPA won't produce on demand. The same promises against a
real OPA: ``test_opa_tls_real.py``.

The certificates are made for each session with ``cryptography``: a CA, a
server certificate for 127.0.0.1, a client certificate, and another CA that
signed nothing here (the wrong CA).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from mlgate.bundles.model import Bundle
from mlgate.engine.base import DECISION_QUERY
from mlgate.engine.opa_conn import OpaConnection, OpaSettings, RetryPolicy
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.errors import EngineError, InputError, UsageError
from mlgate.secrets import Secret
from tests.security.certs import Pki, key_body
from tests.security.tls_double import ScriptedDouble

LOW_PASS = {"subject": {"risk_tier": "low"}, "metrics": [{"name": "accuracy", "value": 0.85}]}
TOKEN = "tls-t0ken-never-printed-4471"


def _tls(pki: Pki, *, mtls: bool = False, token: str | None = None) -> ScriptedDouble:
    return ScriptedDouble(
        tls_cert=pki.server_cert,
        tls_key=pki.server_key,
        client_ca=pki.ca_cert if mtls else None,
        token=token,
    )


def test_tls_with_the_right_ca_evaluates(pki: Pki, gate_bundle: Bundle) -> None:
    with _tls(pki) as opa:
        assert opa.url.startswith("https://")
        conn = OpaSettings(ca_cert=str(pki.ca_cert)).resolve(env={})
        engine = OpaRestEngine.from_bundle(gate_bundle, url=opa.url, connection=conn)
        assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
        engine.close()
        assert opa.requests("POST", "/v1/data/mlgate/decision")


@pytest.mark.parametrize("which", ["other", "system"])
def test_wrong_ca_is_a_clear_error(pki: Pki, gate_bundle: Bundle, which: str) -> None:
    ca = str(pki.other_ca_cert) if which == "other" else None
    with _tls(pki) as opa:
        url = opa.url
        conn = OpaSettings(ca_cert=ca).resolve(env={})
        with pytest.raises(EngineError) as caught:
            OpaRestEngine.from_bundle(gate_bundle, url=opa.url, connection=conn)
        assert opa.seen == []  # nothing was sent to an untrusted server
    msg = caught.value.message
    assert msg.startswith(f"OPA at {url}: TLS connection failed: the server's certificate")
    assert "is not trusted (unable to get local issuer certificate)" in msg
    assert "--opa-ca-cert" in msg and "\n" not in msg


def test_mtls_without_a_client_certificate_is_a_clear_error(pki: Pki, gate_bundle: Bundle) -> None:
    with _tls(pki, mtls=True) as opa:
        url = opa.url
        conn = OpaSettings(ca_cert=str(pki.ca_cert)).resolve(env={})
        for _ in range(5):  # TLS 1.3: the server's alert, or its hang-up, may come first
            with pytest.raises(EngineError) as caught:
                OpaRestEngine.from_bundle(gate_bundle, url=url, connection=conn)
            msg = caught.value.message
            assert msg.startswith(f"OPA at {url}: TLS connection failed: the server ")
            assert "client certificate" in msg and msg.endswith(
                "give --opa-client-cert and --opa-client-key "
                "(MLGATE_OPA_CLIENT_CERT, MLGATE_OPA_CLIENT_KEY)"
            )
        assert opa.seen == []


def test_mtls_with_a_client_certificate_and_a_token(pki: Pki, gate_bundle: Bundle) -> None:
    with _tls(pki, mtls=True, token=TOKEN) as opa:
        settings = OpaSettings(
            ca_cert=str(pki.ca_cert),
            client_cert=str(pki.client_cert),
            client_key=str(pki.client_key),
        )
        conn = settings.resolve(env={"MLGATE_OPA_TOKEN": TOKEN})
        assert TOKEN not in repr(conn) and TOKEN not in str(conn.token)
        engine = OpaRestEngine.from_bundle(gate_bundle, url=opa.url, connection=conn)
        assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
        engine.close()
        assert {s.headers.get("Authorization") for s in opa.seen} == {f"Bearer {TOKEN}"}


def test_https_client_against_a_plain_http_server(pki: Pki, gate_bundle: Bundle) -> None:
    with ScriptedDouble() as opa:
        url = opa.url.replace("http://", "https://")
        conn = OpaSettings(ca_cert=str(pki.ca_cert)).resolve(env={})
        with pytest.raises(EngineError, match=r"does not speak TLS \(an http:// server\?\)"):
            OpaRestEngine.from_bundle(gate_bundle, url=url, connection=conn)


# -- checking what the user gave ------------------------------------------------------------


def _encrypted_copy(key: Path, dest: Path) -> Path:
    loaded = serialization.load_pem_private_key(key.read_bytes(), password=None)
    dest.write_bytes(
        loaded.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw"),
        )
    )
    return dest


def test_connection_settings_are_checked_before_connecting(pki: Pki, tmp_path: Path) -> None:
    not_pem = tmp_path / "ca.txt"
    not_pem.write_text("hello\n")
    cases: list[tuple[OpaSettings, type[Exception], str]] = [
        (OpaSettings(client_cert=str(pki.client_cert)), UsageError, "go together: give both"),
        (OpaSettings(ca_cert=str(tmp_path / "nope.pem")), InputError, "cannot read"),
        (OpaSettings(ca_cert=str(not_pem)), InputError, "not a PEM CA certificate bundle"),
        (
            OpaSettings(client_cert=str(pki.client_cert), client_key=str(pki.server_key)),
            InputError,
            "the key does not match the certificate",
        ),
        (
            OpaSettings(
                client_cert=str(pki.client_cert),
                client_key=str(_encrypted_copy(pki.client_key, tmp_path / "enc.key")),
            ),
            InputError,
            "encrypted keys are not supported",
        ),
    ]
    for settings, error, message in cases:
        with pytest.raises(error, match=message) as caught:
            settings.resolve(env={})
        for line in key_body(pki.client_key) + key_body(pki.server_key):
            assert line not in caught.value.message


def test_tls_options_and_tokens_need_https(pki: Pki, gate_bundle: Bundle) -> None:
    ca = OpaSettings(ca_cert=str(pki.ca_cert)).resolve(env={})
    with pytest.raises(UsageError, match="need an https:// URL"):
        OpaRestEngine.from_bundle(gate_bundle, url="http://127.0.0.1:9", connection=ca)
    token = OpaConnection(token=Secret(TOKEN))
    with pytest.raises(UsageError, match="only over https:// \\(or to a loopback address\\)"):
        OpaRestEngine.from_bundle(gate_bundle, url="http://opa.internal:8181", connection=token)


def test_token_from_a_file_or_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(f"  {TOKEN}\n")
    assert OpaSettings(token_file=str(path)).resolve(env={}).token == Secret(TOKEN)
    assert OpaSettings().resolve(env={"MLGATE_OPA_TOKEN": TOKEN}).token == Secret(TOKEN)
    assert OpaSettings().resolve(env={}).token is None
    settings = OpaSettings.from_env(env={"MLGATE_OPA_TOKEN_FILE": str(path)})
    assert settings.token_file == str(path)
    with pytest.raises(UsageError, match="are both set: give one"):
        OpaSettings(token_file=str(path)).resolve(env={"MLGATE_OPA_TOKEN": TOKEN})
    two_lines = tmp_path / "two"
    two_lines.write_text(f"{TOKEN}\nsecond-{TOKEN}\n")
    for bad, message in [(two_lines, "one line of printable"), (tmp_path / "none", "cannot read")]:
        with pytest.raises(InputError, match=message) as caught:
            OpaSettings(token_file=str(bad)).resolve(env={})
        assert TOKEN not in caught.value.message
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(InputError, match="the token is empty"):
        OpaSettings(token_file=str(empty)).resolve(env={})


# -- retries ----------------------------------------------------------------------------------


def _engine(
    opa: ScriptedDouble, bundle: Bundle, waits: list[float], **retry: float
) -> OpaRestEngine:
    policy = RetryPolicy(sleep=waits.append, **retry)  # type: ignore[arg-type]
    return OpaRestEngine.from_bundle(bundle, url=opa.url, connection=OpaConnection(retry=policy))


def test_503_twice_then_200_is_retried_with_backoff(gate_bundle: Bundle) -> None:
    waits: list[float] = []
    with ScriptedDouble() as opa:
        engine = _engine(opa, gate_bundle, waits)
        opa.answer(503, 503)
        assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
        queries = opa.requests("POST", "/v1/data/mlgate/decision")
    assert len(queries) == 3 and opa.answered == [503, 503]
    assert waits == [0.25, 0.5]


def test_429_honours_retry_after_and_caps_it(gate_bundle: Bundle) -> None:
    waits: list[float] = []
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    with ScriptedDouble() as opa:
        engine = _engine(opa, gate_bundle, waits)
        for retry_after in ("2", "3600", later):
            opa.answer(429, retry_after=retry_after)
            assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
    assert waits[:2] == [2.0, 5.0]  # as asked; capped at max_delay
    assert 1.0 < waits[2] <= 3.0  # an HTTP date, seconds from now


def test_retries_are_bounded(gate_bundle: Bundle) -> None:
    waits: list[float] = []
    with ScriptedDouble() as opa:
        engine = _engine(opa, gate_bundle, waits)
        opa.answer(503, 503, 503, 503)
        with pytest.raises(EngineError) as caught:
            engine.evaluate(DECISION_QUERY, LOW_PASS)
        assert len(opa.requests("POST", "/v1/data/mlgate/decision")) == 3
    assert "answered POST /v1/data/mlgate/decision with HTTP 503 3 times" in caught.value.message
    assert len(waits) == 2


def test_500_is_not_retried(gate_bundle: Bundle) -> None:
    waits: list[float] = []
    with ScriptedDouble() as opa:
        engine = _engine(opa, gate_bundle, waits)
        opa.answer(500)
        with pytest.raises(EngineError, match="with HTTP 500"):
            engine.evaluate(DECISION_QUERY, LOW_PASS)
        assert len(opa.requests("POST", "/v1/data/mlgate/decision")) == 1
    assert waits == []


def test_retries_come_from_the_environment() -> None:
    assert OpaSettings().resolve(env={"MLGATE_OPA_RETRIES": "0"}).retry.retries == 0
    assert OpaSettings().resolve(env={}).retry.retries == 2
    with pytest.raises(UsageError, match="from 0 to 10"):
        OpaSettings().resolve(env={"MLGATE_OPA_RETRIES": "99"})


def test_health_not_ready_says_so(gate_bundle: Bundle) -> None:
    with ScriptedDouble(require_bundle_activation=True) as opa:
        url = opa.url
        with pytest.raises(EngineError) as caught:
            OpaRestEngine.from_bundle(gate_bundle, url=opa.url, push=False)
        opa.activate_bundles()
        OpaRestEngine.from_bundle(gate_bundle, url=opa.url, push=False).close()
    assert caught.value.message == (
        f"OPA at {url} is not ready (HTTP 500): one or more bundles are not activated; "
        "wait until OPA has downloaded and activated its bundle (GET /health?bundles)"
    )


def test_bundle_push_over_mtls_with_a_token_file(pki: Pki, tmp_path: Path) -> None:
    from mlgate.cli.main import main
    from mlgate.resources import bundle_dir

    token_file = tmp_path / "opa.token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    with _tls(pki, mtls=True, token=TOKEN) as opa:
        argv = ["bundle", "push", str(bundle_dir()), "--opa-url", opa.url]
        argv += ["--opa-ca-cert", str(pki.ca_cert)]
        assert main(argv) == 2  # the server wants a client certificate
        assert opa.requests("PUT") == []
        argv += ["--opa-client-cert", str(pki.client_cert), "--opa-client-key", str(pki.client_key)]
        assert main([*argv, "--opa-token-file", str(token_file)]) == 0
        assert opa.requests("PUT", "/v1/policies/")
        assert all(s.headers.get("Authorization") == f"Bearer {TOKEN}" for s in opa.requests("PUT"))
