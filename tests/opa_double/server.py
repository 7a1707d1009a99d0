"""The double's HTTP side: OPA's routes, status codes and bodies, and misbehaviour on demand.

Routes follow ``initRouters`` in OPA's ``v1/server/server.go``; shapes follow
``docs/rest-api.md`` and ``v1/server/types/types.go``. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.opa_double.state import ApiError, DoubleState

DOUBLE_VERSION = "0.0.0-mlgate-opa-double"
MODES = ("500", "garbage", "hang", "drop")


@dataclass
class Misbehaviour:
    mode: str
    times: int | None = None  # None: until behave() is called
    path: str = "/"  # only requests whose path starts with this
    body: bytes = b""
    seconds: float = 30.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int


@dataclass
class OpaDouble:
    """An OPA-API-compatible test server backed by regorus (not OPA)."""

    token: str | None = None
    require_bundle_activation: bool = False
    decision_ids: bool = False
    port: int = 0
    state: DoubleState = field(default_factory=DoubleState)
    seen: list[Seen] = field(default_factory=list)
    connections: int = 0
    bundles_activated: bool = False
    served_revisions: dict[str, str] | None = None  # bundle name -> revision, in provenance
    _stopped: bool = False
    _misbehaviour: Misbehaviour | None = None
    _release: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None, "the double is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> OpaDouble:
        handler = type("Handler", (_Handler,), {"double": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True, name="opa-double"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the engine thread (a double is not restarted)."""
        if self._stopped:
            return
        self._stopped = True  # kept-alive connections get no more answers
        self._release.set()  # wake handlers that hang on purpose
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        self.state.close()

    def __enter__(self) -> OpaDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def misbehave(
        self,
        mode: str,
        *,
        times: int | None = None,
        path: str = "/",
        body: bytes = b"",
        seconds: float = 30.0,
    ) -> None:
        """Answer the next requests (``times``, or all) under ``path`` with ``mode``."""
        if mode not in MODES:
            raise ValueError(f"unknown misbehaviour {mode!r}; one of {MODES}")
        with self._lock:
            self._misbehaviour = Misbehaviour(mode, times, path, body, seconds)

    def behave(self) -> None:
        with self._lock:
            self._misbehaviour = None

    def activate_bundles(self) -> None:
        self.bundles_activated = True

    def _take_misbehaviour(self, path: str) -> Misbehaviour | None:
        with self._lock:
            m = self._misbehaviour
            if m is None or not path.startswith(m.path):
                return None
            if m.times is not None:
                m.times -= 1
                if m.times <= 0:
                    self._misbehaviour = None
            return m

    def requests(self, method: str | None = None, prefix: str = "") -> list[Seen]:
        return [s for s in self.seen if (method in (None, s.method)) and s.path.startswith(prefix)]


def _flag(query: dict[str, list[str]], name: str) -> bool:
    """OPA's ``getBoolParam``: present and empty, or ``true`` in any case."""
    values = query.get(name)
    return bool(values) and (values == [""] or any(v.lower() == "true" for v in values))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as OPA's Go server
    server_version = "opa-double"
    double: OpaDouble

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle's algorithm and
        # delayed ACKs add ~40 ms to every answer on a kept-alive connection
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.double._lock:
            self.double.connections += 1
            self.conn_no = self.double.connections

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    # -- plumbing -------------------------------------------------------------------
    def _dispatch(self, method: str) -> None:
        if self.double._stopped:
            self.close_connection = True
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        self.double.seen.append(
            Seen(method, parts.path, dict(self.headers.items()), body, self.conn_no)
        )
        bad = self.double._take_misbehaviour(parts.path)
        if bad is not None:
            self._misbehave(bad)
            return
        if (
            self.double.token is not None
            and self.headers.get("Authorization") != f"Bearer {self.double.token}"
        ):
            self._json(
                401,
                {"code": "unauthorized", "message": "request rejected by administrative policy"},
            )
            return
        try:
            self._route(method, parts.path, parse_qs(parts.query, keep_blank_values=True), body)
        except ApiError as err:
            self._json(err.status, err.body)

    def _misbehave(self, bad: Misbehaviour) -> None:
        if bad.mode == "500":
            self._send(500, bad.body or b"upstream exploded\n", "text/plain")
        elif bad.mode == "garbage":
            self._send(200, bad.body or b"<html><body>not OPA</body></html>", "text/html")
        elif bad.mode == "hang":
            self.double._release.wait(bad.seconds)
            self.close_connection = True
        else:  # drop: close the connection without an answer
            self.close_connection = True

    def _send(self, status: int, payload: bytes, ctype: str) -> None:
        try:
            self.send_response(status)
            if payload or status not in (204, 304):
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _json(self, status: int, body: Any) -> None:
        self._send(status, (json.dumps(body) + "\n").encode(), "application/json")

    # -- routes ---------------------------------------------------------------------
    def _route(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> None:
        if path == "/health":
            return self._health(method, query)
        if path == "/v1/policies":
            if method != "GET":
                return self._send(405, b"", "text/plain")
            with self.double.state.lock:
                policies = sorted(self.double.state.policies.items())
            return self._json(200, {"result": [{"id": i, "raw": r} for i, r in policies]})
        if path.startswith("/v1/policies/"):
            return self._policy(method, unquote(path[len("/v1/policies/") :]), body)
        if path == "/v1/data" or path.startswith("/v1/data/"):
            segments = tuple(unquote(s) for s in path[len("/v1/data") :].split("/") if s)
            return self._data(method, segments, query, body)
        return self._send(404, b"404 page not found\n", "text/plain; charset=utf-8")

    def _health(self, method: str, query: dict[str, list[str]]) -> None:
        if method != "GET":
            return self._send(404, b"404 page not found\n", "text/plain; charset=utf-8")
        wants_bundles = _flag(query, "bundles") or _flag(query, "bundle")
        if (
            wants_bundles
            and self.double.require_bundle_activation
            and not self.double.bundles_activated
        ):
            return self._json(500, {"error": "one or more bundles are not activated"})
        return self._json(200, {})

    def _policy(self, method: str, pid: str, body: bytes) -> None:
        state = self.double.state
        if method == "GET":
            with state.lock:
                raw = state.policies.get(pid)
            if raw is None:
                raise ApiError(
                    404, "resource_not_found", f'storage_not_found_error: policy id "{pid}"'
                )
            return self._json(200, {"result": {"id": pid, "raw": raw}})
        if method == "PUT":
            state.put_policy(pid, body.decode("utf-8", errors="replace"))
            return self._json(200, {})
        if method == "DELETE":
            state.delete_policy(pid)
            return self._json(200, {})
        return self._send(405, b"", "text/plain")

    def _data(
        self, method: str, path: tuple[str, ...], query: dict[str, list[str]], body: bytes
    ) -> None:
        state = self.double.state
        if method in ("PUT", "PATCH"):
            try:
                value = json.loads(body or b"null")
            except ValueError as exc:
                raise ApiError(400, "invalid_parameter", str(exc)) from exc
            if method == "PUT":
                state.put_data(path, value)
            else:
                state.patch_data(path, value)
            return self._send(204, b"", "")
        if method == "DELETE":
            state.delete_data(path)
            return self._send(204, b"", "")
        if method not in ("GET", "POST"):
            return self._send(405, b"", "text/plain")
        has_input, input_doc, answer = self._read_input(method, query, body)
        defined, value = state.evaluate(path, input_doc, has_input)
        if self.double.decision_ids:
            answer["decision_id"] = str(uuid.uuid4())
        if _flag(query, "provenance"):
            answer["provenance"] = {
                "version": DOUBLE_VERSION,
                "build_commit": "",
                "build_timestamp": "",
                "build_hostname": "",
            }
            if self.double.served_revisions is not None:
                answer["provenance"]["bundles"] = {
                    name: {"revision": rev} for name, rev in self.double.served_revisions.items()
                }
        if defined:
            answer["result"] = value
        return self._json(200, answer)

    @staticmethod
    def _read_input(
        method: str, query: dict[str, list[str]], body: bytes
    ) -> tuple[bool, Any, dict[str, Any]]:
        answer: dict[str, Any] = {}
        where = "parameter" if method == "GET" else "body"
        try:
            if method == "GET":
                raw = query.get("input")
                return (bool(raw), json.loads(raw[-1]) if raw else None, answer)
            doc = json.loads(body) if body.strip() else {}
        except ValueError as exc:
            message = f"{where} contains malformed input document: {exc}"
            raise ApiError(400, "invalid_parameter", message) from exc
        if not isinstance(doc, dict) or "input" not in doc:
            answer["warning"] = {
                "code": "api_usage_warning",
                "message": "'input' key missing from the request",
            }
            return False, None, answer
        return True, doc["input"], answer
