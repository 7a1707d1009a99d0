"""TLS, mutual TLS and a bearer token against a real OPA (``opa run --server`` with
``--tls-cert-file``, ``--authentication=tls`` / ``token``).

``test_opa_tls.py`` keeps the double behind ``ssl`` for what a real OPA won't do on
demand (a plain-http server answering an https client, scripted 429/503). Here the
same promises are held against OPA itself, with the session's throwaway PKI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.bundles.model import Bundle
from mlgate.engine.base import DECISION_QUERY
from mlgate.engine.opa_conn import OpaSettings
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.errors import EngineError
from tests.real_opa import opa_server, requires_opa
from tests.security.certs import Pki

pytestmark = [requires_opa, pytest.mark.opa]

LOW_PASS = {"subject": {"risk_tier": "low"}, "metrics": [{"name": "accuracy", "value": 0.85}]}
TOKEN = "real-opa-tls-t0ken-5519"
AUTHZ = f"""package system.authz

default allow := false

allow if input.identity == "{TOKEN}"

allow if input.path == ["health"]
"""


def test_tls_with_the_right_ca_and_a_clear_error_with_the_wrong_one(
    pki: Pki, gate_bundle: Bundle, tmp_path: Path
) -> None:
    tls = (pki.server_cert, pki.server_key)
    probe = {"verify": str(pki.ca_cert)}
    with opa_server([], tmp_path / "opa.log", ready="/health", tls=tls, probe=probe) as url:
        right = OpaSettings(ca_cert=str(pki.ca_cert)).resolve(env={})
        engine = OpaRestEngine.from_bundle(gate_bundle, url=url, connection=right)
        assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
        assert engine.info.version not in ("", "unknown")  # OPA's provenance said it
        engine.unload()
        engine.close()
        wrong = OpaSettings(ca_cert=str(pki.other_ca_cert)).resolve(env={})
        with pytest.raises(EngineError) as caught:
            OpaRestEngine.from_bundle(gate_bundle, url=url, connection=wrong)
    message = caught.value.message
    assert message.startswith(f"OPA at {url}: TLS connection failed: the server's certificate")
    assert "--opa-ca-cert" in message


def test_mutual_tls_needs_the_client_certificate(
    pki: Pki, gate_bundle: Bundle, tmp_path: Path
) -> None:
    tls = (pki.server_cert, pki.server_key)
    args = ["--authentication=tls", "--tls-ca-cert-file", str(pki.ca_cert)]
    client = (str(pki.client_cert), str(pki.client_key))
    probe = {"verify": str(pki.ca_cert), "cert": client}
    with opa_server(args, tmp_path / "opa.log", ready="/health", tls=tls, probe=probe) as url:
        without = OpaSettings(ca_cert=str(pki.ca_cert)).resolve(env={})
        with pytest.raises(EngineError, match="TLS connection failed"):
            OpaRestEngine.from_bundle(gate_bundle, url=url, connection=without)
        with_cert = OpaSettings(
            ca_cert=str(pki.ca_cert), client_cert=client[0], client_key=client[1]
        ).resolve(env={})
        engine = OpaRestEngine.from_bundle(gate_bundle, url=url, connection=with_cert)
        assert engine.evaluate(DECISION_QUERY, LOW_PASS)["outcome"] == "pass"
        engine.unload()
        engine.close()


def test_bundle_push_over_tls_with_a_token_file(
    pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.cli.main import main
    from mlgate.resources import bundle_dir

    authz = tmp_path / "authz.rego"
    authz.write_text(AUTHZ)
    token_file = tmp_path / "opa.token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    tls = (pki.server_cert, pki.server_key)
    args = ["--authentication=token", "--authorization=basic", str(authz)]
    probe = {"verify": str(pki.ca_cert)}
    with opa_server(args, tmp_path / "opa.log", ready="/health", tls=tls, probe=probe) as url:
        argv = ["bundle", "push", str(bundle_dir()), "--opa-url", url]
        argv += ["--opa-ca-cert", str(pki.ca_cert)]
        assert main(argv) == 2  # no token: OPA's authorization refuses
        assert "HTTP 401" in capsys.readouterr().err
        assert main([*argv, "--opa-token-file", str(token_file)]) == 0
        out = capsys.readouterr()
        assert "pushed" in out.out and TOKEN not in out.out + out.err
