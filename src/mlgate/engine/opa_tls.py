"""TLS material for OPA connections: checked before use, and failures explained.

``check_ca`` and ``check_client_pair`` load the files the way the connection
will (never prompting for a key password); ``tls_reason`` turns an SSL failure
from ``requests`` into a sentence that names the option to fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlgate.errors import InputError


def _readable(path: str, what: str) -> None:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read: {exc.strerror or exc}") from None


def check_ca(path: str) -> None:
    import ssl  # only on the TLS path: an embedded check needs none of it

    _readable(path, "--opa-ca-cert")
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, ValueError):
        raise InputError(f"--opa-ca-cert {path}: not a PEM CA certificate bundle") from None


def _no_password() -> str:
    raise ValueError("encrypted")


def check_client_pair(cert: str, key: str) -> None:
    import ssl  # only on the TLS path: an embedded check needs none of it

    _readable(cert, "--opa-client-cert")
    _readable(key, "--opa-client-key")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:  # a password callback: OpenSSL must never prompt on the terminal
        ctx.load_cert_chain(cert, key, password=_no_password)
    except ValueError:
        raise InputError(f"--opa-client-key {key}: encrypted keys are not supported") from None
    except ssl.SSLError as exc:
        why = "the key does not match the certificate" if "MISMATCH" in str(exc) else "not PEM"
        raise InputError(f"--opa-client-cert {cert} / --opa-client-key {key}: {why}") from None


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception requests/urllib3 wrapped in it (cause, context,
    ``reason``, arguments), each once."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend([e.__cause__, e.__context__, getattr(e, "reason", None), *e.args])


def tls_reason(exc: BaseException, *, has_client_cert: bool) -> str:
    """A readable cause for a failed TLS connection (``requests.exceptions.SSLError``)."""
    import ssl  # only on the TLS path: an embedded check needs none of it

    for e in exception_chain(exc):
        if isinstance(e, ssl.SSLCertVerificationError):
            return (
                f"the server's certificate is not trusted ({e.verify_message}); give the CA "
                "that signed it with --opa-ca-cert (MLGATE_OPA_CA_CERT)"
            )
        reason = str(getattr(e, "reason", "") or "")
        if reason in ("TLSV13_ALERT_CERTIFICATE_REQUIRED", "SSLV3_ALERT_HANDSHAKE_FAILURE"):
            if not has_client_cert:
                return (
                    "the server requires a client certificate: give --opa-client-cert and "
                    "--opa-client-key (MLGATE_OPA_CLIENT_CERT, MLGATE_OPA_CLIENT_KEY)"
                )
            return "the server refused the TLS handshake (is the client certificate right?)"
        if isinstance(e, ssl.SSLEOFError):  # the server hung up before its alert arrived
            return "the server closed the connection during the TLS handshake" + (
                "; if it requires a client certificate, give --opa-client-cert and "
                "--opa-client-key (MLGATE_OPA_CLIENT_CERT, MLGATE_OPA_CLIENT_KEY)"
                if not has_client_cert
                else " (is the client certificate right?)"
            )
        if reason in ("SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_UNKNOWN_CA"):
            return "the server does not accept the client certificate"
        if reason == "WRONG_VERSION_NUMBER":
            return "the server does not speak TLS (an http:// server?)"
    return "TLS handshake failed"
