"""The OPA double behind TLS (optionally requiring a client certificate), and able
to answer scripted statuses (503, 429 with ``Retry-After``) before behaving.

Built on ``tests.opa_double.OpaDouble``: the same routes, evaluated with
regorus. It is a double, not OPA. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.opa_double import OpaDouble, Seen
from tests.opa_double.server import _Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # failed TLS handshakes are the point of some tests


@dataclass
class ScriptedDouble(OpaDouble):
    """``script`` holds ``(status, headers)`` answers given before normal service."""

    tls_cert: Path | None = None
    tls_key: Path | None = None
    client_ca: Path | None = None  # set: a client certificate signed by it is required
    script: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)
    scripted_paths: str = "/"
    answered: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        assert self._server is not None, "the double is not started"
        scheme = "https" if self.tls_cert else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, *statuses: int, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self._lock:
            self.script.extend((s, dict(headers)) for s in statuses)

    def start(self) -> ScriptedDouble:
        handler = type("Handler", (_ScriptedHandler,), {"double": self})
        server = _QuietServer(("127.0.0.1", self.port), handler)
        if self.tls_cert is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(self.tls_cert), str(self.tls_key))
            if self.client_ca is not None:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(str(self.client_ca))
            server.socket = ctx.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), daemon=True, name="opa-tls-double"
        )
        self._thread.start()
        return self

    def _next_scripted(self, path: str) -> tuple[int, dict[str, str]] | None:
        with self._lock:
            if self.script and path.startswith(self.scripted_paths):
                return self.script.popleft()
        return None


class _ScriptedHandler(_Handler):
    double: ScriptedDouble

    def setup(self) -> None:
        conn = self.request
        if isinstance(conn, ssl.SSLSocket):
            conn.settimeout(5)
            conn.do_handshake()  # in this handler's thread, not the accept loop
            conn.settimeout(None)
        super().setup()

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        scripted = self.double._next_scripted(path)
        if scripted is None:
            super()._dispatch(method)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, headers = scripted
        self.double.answered.append(status)
        self.double.seen.append(Seen(method, path, dict(self.headers.items()), b"", self.conn_no))
        body = b'{"code": "unavailable", "message": "try again later"}\n'
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
