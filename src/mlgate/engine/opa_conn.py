"""How mlgate connects to an OPA server: TLS, client certificates, a bearer token, retries.

``OpaSettings`` holds what the user gave (paths; command line first, then
``MLGATE_OPA_CA_CERT``, ``MLGATE_OPA_CLIENT_CERT``, ``MLGATE_OPA_CLIENT_KEY``,
``MLGATE_OPA_TOKEN_FILE``); ``resolve()`` checks it and reads the token into an
``OpaConnection``. The token comes from ``MLGATE_OPA_TOKEN`` or a file, never
from a command-line value (which any user sees in ``ps``), and is held as a
``Secret``. Refused with a one-line ``UsageError``/``InputError``: a missing or
unreadable CA bundle, certificate or key; a certificate without its key; a key
that does not match or is encrypted; an empty token; a token both in the
environment and a file; TLS options or a token with a plain ``http://`` URL
(a token only to a loopback address).

Retries (``RetryPolicy``): only HTTP 429 and 503, which say the request was not
processed; ``MLGATE_OPA_RETRIES`` times at most (default 2), waiting
``backoff`` doubling each time, or ``Retry-After`` when given, never more than
``max_delay`` seconds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mlgate.engine.opa_tls import check_ca, check_client_pair
from mlgate.errors import InputError, UsageError
from mlgate.secrets import Secret

RETRY_STATUSES = frozenset({429, 503})
MAX_TOKEN_BYTES = 64 * 1024
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_ENV = {
    "ca_cert": "MLGATE_OPA_CA_CERT",
    "client_cert": "MLGATE_OPA_CLIENT_CERT",
    "client_key": "MLGATE_OPA_CLIENT_KEY",
    "token_file": "MLGATE_OPA_TOKEN_FILE",
}
TOKEN_ENV = "MLGATE_OPA_TOKEN"
RETRIES_ENV = "MLGATE_OPA_RETRIES"


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 2
    backoff: float = 0.25
    max_delay: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def delay(self, retry: int, retry_after: str | None) -> float:
        """Seconds to wait before retry number ``retry`` (1, 2, …)."""
        wanted = _retry_after(retry_after)
        if wanted is None:
            wanted = self.backoff * 2 ** (retry - 1)
        return max(0.0, min(wanted, self.max_delay))


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - time.time() if when.tzinfo else None


@dataclass(frozen=True)
class OpaConnection:
    """A checked connection configuration: hand it to ``OpaRestEngine``."""

    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    token: Secret | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def check_url(self, url: str, shown: str) -> None:
        parts = urlsplit(url)
        if parts.scheme == "https":
            return
        if self.ca_cert or self.client_cert:
            raise UsageError(
                f"--opa-ca-cert and --opa-client-cert need an https:// URL, not {shown}"
            )
        if self.token and parts.hostname not in _LOOPBACK:
            raise UsageError(
                f"a bearer token is sent only over https:// (or to a loopback address), not {shown}"
            )

    def request_options(self) -> dict[str, Any]:
        """``verify``/``cert`` for every ``requests`` call. Given per request, not set on the
        session: ``REQUESTS_CA_BUNDLE`` would override a session's ``verify``."""
        options: dict[str, Any] = {}
        if self.ca_cert:
            options["verify"] = self.ca_cert
        if self.client_cert and self.client_key:
            options["cert"] = (self.client_cert, self.client_key)
        return options

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token.reveal()}"} if self.token else {}


@dataclass(frozen=True)
class OpaSettings:
    """Connection options as given (paths), resolved only when OPA is used."""

    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    token_file: str | None = None

    @classmethod
    def from_env(
        cls,
        *,
        ca_cert: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        token_file: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> OpaSettings:
        """Values given (command line) win over the ``MLGATE_OPA_*`` variables."""
        env = os.environ if env is None else env
        given = (ca_cert, client_cert, client_key, token_file)
        values = [g or env.get(var) or None for g, var in zip(given, _ENV.values(), strict=True)]
        return cls(*values)

    def resolve(self, env: Mapping[str, str] | None = None) -> OpaConnection:
        env = os.environ if env is None else env
        if bool(self.client_cert) != bool(self.client_key):
            raise UsageError("--opa-client-cert and --opa-client-key go together: give both")

        if self.ca_cert:
            check_ca(self.ca_cert)
        if self.client_cert and self.client_key:
            check_client_pair(self.client_cert, self.client_key)
        return OpaConnection(
            ca_cert=self.ca_cert,
            client_cert=self.client_cert,
            client_key=self.client_key,
            token=_token(self.token_file, env),
            retry=RetryPolicy(retries=_retries(env)),
        )


def _token(token_file: str | None, env: Mapping[str, str]) -> Secret | None:
    from_env = env.get(TOKEN_ENV)
    if token_file and from_env:
        raise UsageError(f"{TOKEN_ENV} and --opa-token-file are both set: give one")
    if token_file:
        try:
            with open(token_file, "rb") as handle:
                raw = handle.read(MAX_TOKEN_BYTES + 1)
        except OSError as exc:
            raise InputError(
                f"--opa-token-file {token_file}: cannot read: {exc.strerror or exc}"
            ) from None
        if len(raw) > MAX_TOKEN_BYTES:
            raise InputError(f"--opa-token-file {token_file}: larger than a token can be")
        text, where = (
            raw.decode("utf-8", errors="replace").strip(),
            f"--opa-token-file {token_file}",
        )
    elif from_env is not None:
        text, where = from_env.strip(), TOKEN_ENV
    else:
        return None
    if not text:
        raise InputError(f"{where}: the token is empty")
    if any(c.isspace() or not c.isprintable() for c in text):
        raise InputError(f"{where}: a bearer token is one line of printable characters")
    return Secret(text)


def _retries(env: Mapping[str, str]) -> int:
    raw = env.get(RETRIES_ENV)
    if raw is None or raw == "":
        return RetryPolicy.retries
    if not raw.strip().isdigit() or int(raw) > 10:
        raise UsageError(f"{RETRIES_ENV}={raw!r}: give a whole number from 0 to 10")
    return int(raw)
