"""Evaluate against an OPA server over its REST API (OPA's ``docs/rest-api.md``).

``push=True`` loads the bundle first (``opa_push``: one module per
``PUT /v1/policies/mlgate/<path>``, in dependency order, data documents at
their leaf paths, the ``mlgate/`` modules of an earlier bundle deleted).
``push=False`` expects the bundle loaded already (OPA's bundle service):
``GET /health?bundles`` must answer 200, and every answer's
``provenance.bundles`` must name the local bundle's revision (else the
decision would record rules OPA did not run). ``evaluate`` is
``POST /v1/data/<path>``; no ``result`` means undefined. The version comes from
the Data API's ``provenance`` (``/health`` has none, ``/v1/status`` needs the
status plugin), so it is "unknown" until the first answer. ``close`` leaves
pushed policies in place (the next push replaces them); ``unload`` deletes
them. When OPA refuses part of a push, ``restore`` puts back what it served
before, so a failed push leaves OPA as it was. TLS, client certificates, the
bearer token and retries on 429/503: ``opa_conn``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from mlgate.engine import opa_push
from mlgate.engine.base import DEFAULT_TIMEOUT_S, EngineInfo
from mlgate.engine.opa_conn import RETRY_STATUSES, OpaConnection
from mlgate.engine.opa_tls import exception_chain, tls_reason
from mlgate.errors import BundleError, EngineError, UndefinedDecisionError, UsageError
from mlgate.secrets import Secret

if TYPE_CHECKING:
    import requests

    from mlgate.bundles.model import Bundle

ENGINE_NAME = "opa-url"
_QUERY = re.compile(r"data(\.[A-Za-z_][A-Za-z0-9_]*)+")
_EXCERPT = 160


def query_path(query: str) -> str:
    """``data.mlgate.decision`` → ``mlgate/decision``, the Data API path of the query."""
    if not _QUERY.fullmatch(query):
        raise EngineError(
            f"an OPA engine evaluates a data reference such as data.mlgate.decision, not {query!r}"
        )
    return "/".join(query.split(".")[1:])


def format_opa_errors(errors: Any) -> list[str]:
    """OPA's ``errors`` list → ``file:row:col: code: message`` lines."""
    lines = []
    for err in errors if isinstance(errors, list) else []:
        if not isinstance(err, dict):
            continue
        loc = err.get("location")
        loc = loc if isinstance(loc, dict) else {}
        where = ":".join(
            str(loc[k]) for k in ("file", "row", "col") if loc.get(k) not in (None, "")
        )
        text = f"{err.get('code', 'error')}: {err.get('message', '')}"
        lines.append(f"{where}: {text}" if where else text)
    return lines


class OpaAnswerError(EngineError):
    """OPA answered, but not with what was asked (an HTTP error, a body that is no
    JSON object): the server is reachable, so a half-done push can be put back."""


_HOST_PORT = re.compile(r"[A-Za-z0-9.-]+:\d+(/[\w./-]*)?")


def _check_url_form(url: str) -> None:
    """An http(s) URL with a host; the URL is not shown (it may carry a password)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port raises for "host:abc"
    except ValueError as exc:
        raise UsageError(f"the OPA URL is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        if _HOST_PORT.fullmatch(url):  # host:port, no scheme (and no password to hide)
            shown = f"{url}; did you mean http://{url}?"
        raise UsageError(f"the OPA URL must be http:// or https:// with a host (got {shown})")


def _redact(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


def _reason(exc: BaseException) -> str:
    """Why a connection failed, from the chain requests/urllib3 wrap it in."""
    for e in exception_chain(exc):
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
        if isinstance(e, ConnectionResetError) or type(e).__name__ == "RemoteDisconnected":
            return "dropped"
        if type(e).__name__ in ("gaierror", "NameResolutionError"):
            return "the host name does not resolve"
    return type(exc).__name__


class OpaRestEngine:
    """An ``Engine`` that asks an OPA server; build it with ``from_bundle``."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        token: str | None,
        session: requests.Session | None,
        connection: OpaConnection | None = None,
    ) -> None:
        import requests

        _check_url_form(url)
        self._base, self.location, self.timeout = url.rstrip("/"), _redact(url), float(timeout)
        conn = connection or OpaConnection()
        if token and conn.token is None:
            conn = dataclasses.replace(conn, token=Secret(token))
        if urlsplit(url).query or urlsplit(url).fragment:  # it may hold a secret: never sent
            raise UsageError(f"the OPA URL may not carry a query or fragment: {self.location}")
        conn.check_url(url, self.location)  # TLS options need https; a token, https or loopback
        self._conn = conn
        self._token = conn.token.reveal() if conn.token else None
        self._owns_session = session is None
        self._session: requests.Session = session if session is not None else requests.Session()
        self._tls = conn.request_options()
        self._headers = conn.headers()
        self.info = EngineInfo(ENGINE_NAME, "unknown", self.location)
        self.last_decision_id: str | None = None
        self._pushed = opa_push.PushLog()  # what a push wrote, and how to undo it
        # push=False: the bundle revision OPA must be serving, checked on every answer
        # (its bundle service may activate another revision at any time).
        self.expected_revision: str | None = None

    @classmethod
    def from_bundle(
        cls,
        bundle: Bundle,
        *,
        url: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        push: bool = True,
        attach: bool = False,
        token: str | None = None,
        session: requests.Session | None = None,
        connection: OpaConnection | None = None,
    ) -> OpaRestEngine:
        """``connection`` (``opa_conn``): CA bundle, client certificate, token, retries.
        ``attach`` (with ``push=False``): this run pushed ``bundle`` to ``url`` already
        (recertify's workers after their parent), so only ask."""
        engine = cls(url, timeout=timeout, token=token, session=session, connection=connection)
        try:
            if push:
                engine._push(bundle)
            elif not attach:
                if not bundle.revision:
                    raise UsageError(
                        f"{bundle.source}: the bundle has no revision, so it cannot be shown "
                        "that OPA serves the same one; push it, or give its .manifest a revision"
                    )
                engine._check_ready()
                engine.expected_revision = bundle.revision
        except BaseException as exc:
            if push and isinstance(exc, BundleError | OpaAnswerError):
                # OPA answers but refused a part: put back what it served before.
                try:
                    engine.restore()
                except EngineError as undo:
                    engine.close()
                    raise EngineError(
                        f"{exc.message}; putting back what OPA served before failed too "
                        f"({undo.message}): OPA at {engine.location} may serve a mix of the "
                        "old and the new bundle",
                        details=exc.details,
                    ) from None
            engine.close()
            raise
        return engine

    # -- the Engine protocol ------------------------------------------------------------
    def evaluate(self, query: str, input: dict[str, Any]) -> Any:
        path = query_path(query)
        try:
            payload = json.dumps({"input": input}, allow_nan=False).encode()
        except (TypeError, ValueError) as exc:
            raise EngineError(f"the input for {query} is not JSON: {exc}") from exc
        checked = self.expected_revision is not None
        wanted = self.info.version == "unknown" or checked
        params = {"provenance": "true"} if wanted else None
        body = self._ask("POST", f"/v1/data/{path}", query, payload, "application/json", params)
        provenance = body.get("provenance")
        if isinstance(provenance, dict) and provenance.get("version"):
            self.info = EngineInfo(ENGINE_NAME, str(provenance["version"]), self.location)
        if checked:
            self._confirm_revision(provenance)
        decision_id = body.get("decision_id")
        self.last_decision_id = decision_id if isinstance(decision_id, str) else None
        if "result" not in body:
            msg = f"{query} is undefined on OPA at {self.location} (its answer has no result)"
            raise UndefinedDecisionError(msg)
        return body["result"]

    def _confirm_revision(self, provenance: Any) -> None:
        """Refuse an answer from another bundle than the one the decision will name."""
        bundles = provenance.get("bundles") if isinstance(provenance, dict) else None
        served = sorted(
            str(b.get("revision"))
            for b in (bundles.values() if isinstance(bundles, dict) else [])
            if isinstance(b, dict) and b.get("revision") is not None
        )
        if self.expected_revision in served:
            return
        if not served:
            raise EngineError(
                f"OPA at {self.location} does not say which bundle it serves (no "
                "provenance.bundles revision): cannot show it is revision "
                f"{self.expected_revision}; serve it through OPA's bundle service, or push it"
            )
        raise EngineError(
            f"OPA at {self.location} serves bundle revision {', '.join(served)}, not "
            f"{self.expected_revision}: the decision would name the wrong rules"
        )

    def close(self) -> None:
        """Close the HTTP session if this engine made it; pushed policies stay."""
        if self._owns_session:
            self._session.close()

    @property
    def pushed_policies(self) -> list[str]:
        return list(self._pushed.policies)

    @property
    def pushed_data(self) -> list[str]:
        return list(self._pushed.data)

    def unload(self) -> None:
        """Delete the policies and data documents this engine pushed."""
        opa_push.unload(self._ask, self._pushed)

    def restore(self) -> None:
        """Undo the last push, last write first: each step returns OPA to a state it
        accepted during the push, ending with what it served before (used when OPA
        refuses part of a push). An undo OPA refuses raises ``EngineError``."""
        opa_push.restore(self._ask, self._pushed)

    def _push(self, bundle: Bundle) -> None:
        opa_push.push(self._ask, bundle, self._pushed)

    def _check_ready(self) -> None:
        resp = self._call("GET", "/health", None, None, {"bundles": "true"})
        if resp.status_code != 200:
            body = _json(resp)
            why = body.get("error") if isinstance(body, dict) else None
            why = self._scrub(str(why)) if why else self._excerpt(resp.text)
            hint = (
                "; wait until OPA has downloaded and activated its bundle (GET /health?bundles)"
                if resp.status_code == 500
                else _auth_hint(resp.status_code)
            )
            raise EngineError(
                f"OPA at {self.location} is not ready (HTTP {resp.status_code}): {why}{hint}"
            )

    # -- HTTP ----------------------------------------------------------------------------
    def _ask(
        self,
        method: str,
        path: str,
        what: str,
        body: bytes | None = None,
        ctype: str | None = None,
        params: dict[str, str] | None = None,
        *,
        bundle: bool = False,
        missing_ok: bool = False,
    ) -> dict[str, Any]:
        """The JSON object OPA answers (``{}`` for 204); every failure as an error."""
        resp = self._call(method, path, body, ctype, params)
        status, answer = resp.status_code, _json(resp)
        if status == 204 or (missing_ok and status == 404):
            return {}
        if 200 <= status < 300 and isinstance(answer, dict):
            return answer
        head = f"OPA at {self.location} answered {what} with HTTP {status}"
        if 200 <= status < 300:
            raise OpaAnswerError(
                f"{head} and a body that is not a JSON object: {self._excerpt(resp.text)}"
            )
        if not (isinstance(answer, dict) and "code" in answer and "message" in answer):
            raise OpaAnswerError(f"{head}: {self._excerpt(resp.text)}{_auth_hint(status)}")
        details = [self._scrub(self._rename(x)) for x in format_opa_errors(answer.get("errors"))]
        said = self._scrub(self._rename(f"{answer['code']}: {answer['message']}"))
        if bundle and status == 400:
            message = (
                f"OPA could not compile {details[0]}" if details else f"OPA rejected {what}: {said}"
            )
            raise BundleError(message, details=details)
        raise OpaAnswerError(
            f"{head} {said}" + (f": {details[0]}" if details else "") + _auth_hint(status),
            details=details,
        )

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None,
        ctype: str | None,
        params: dict[str, str] | None,
    ) -> requests.Response:
        """One request; 429 and 503 (not processed) are retried as ``RetryPolicy`` says."""
        retry, tries = self._conn.retry, 0
        while True:
            resp = self._send(method, path, body, ctype, params)
            if resp.status_code not in RETRY_STATUSES:
                return resp
            tries += 1
            if tries > retry.retries:
                times = f" {tries} times" if tries > 1 else ""
                raise EngineError(
                    f"OPA at {self.location} answered {method} {path} with HTTP "
                    f"{resp.status_code}{times} (busy or not ready): {self._excerpt(resp.text)}"
                )
            retry.sleep(retry.delay(tries, resp.headers.get("Retry-After")))

    def _send(
        self,
        method: str,
        path: str,
        body: bytes | None,
        ctype: str | None,
        params: dict[str, str] | None,
    ) -> requests.Response:
        import requests

        headers = {**self._headers, **({"Content-Type": ctype} if ctype else {})}
        url, where = self._base + path, f"OPA at {self.location}"
        try:
            return self._session.request(
                method,
                url,
                data=body,
                headers=headers,
                params=params,
                timeout=self.timeout,
                **self._tls,
            )
        except requests.Timeout as exc:
            msg = f"{where} did not answer within {self.timeout}s ({method} {path})"
            raise EngineError(msg) from exc
        except requests.exceptions.SSLError as exc:
            why = tls_reason(exc, has_client_cert=bool(self._conn.client_cert))
            raise EngineError(f"{where}: TLS connection failed: {why}") from None
        except requests.ConnectionError as exc:
            reason = _reason(exc)
            if reason == "dropped":
                raise EngineError(
                    f"{where} dropped the connection before answering {method} {path}"
                ) from exc
            raise EngineError(f"{where} is unreachable: {reason}") from exc
        except requests.RequestException as exc:
            raise EngineError(f"{where}: {method} {path} failed: {type(exc).__name__}") from exc

    def _rename(self, text: str) -> str:
        """Policy ids in OPA's messages → the bundle paths they were pushed from."""
        for pid, path in self._pushed.names.items():
            text = text.replace(pid, path)
        return text

    def _excerpt(self, text: str) -> str:
        flat = " ".join(text.split())
        flat = flat if len(flat) <= _EXCERPT else flat[:_EXCERPT] + "…"
        return repr(self._scrub(flat)) if flat else "(empty body)"

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


def _auth_hint(status: int) -> str:
    if status in (401, 403):
        return " (check the bearer token: MLGATE_OPA_TOKEN or --opa-token-file)"
    return ""


def _json(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None
