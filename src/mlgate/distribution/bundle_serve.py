"""``mlgate bundle serve``: an HTTP bundle service for a fleet of OPA servers.

OPA's bundle service API (``docs/management-bundles.md``): ``GET
/<service path>/<resource>`` answers ``200`` with a gzipped tarball
(``Content-Type: application/gzip``) and an ``ETag``; a request whose
``If-None-Match`` names the current ETag gets ``304 Not Modified`` and no
body, so polling OPAs download a bundle only when it changed. Bundles are
served at ``/bundles/<name>.tar.gz``; ``/bundles`` lists them (JSON).

What is served (``catalog``): a built archive as it is, a bundle source
directory built in memory (and signed, with a signing key), or every
archive in a directory. Every bundle must load, pass the signature check
when a verification key is given, and have manifest roots that overlap no
other served bundle's. Sources are re-read when their files change; a
change that fails a check is refused and the last good bundle stays served.
Binds 127.0.0.1 unless told otherwise; with a token, every bundle request
needs ``Authorization: Bearer <token>`` (``mlgate.tokens``, shared with ``log serve``).
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from mlgate.tokens import bearer_matches

if TYPE_CHECKING:
    from mlgate.distribution.catalog import Catalog

PREFIX = "/bundles"
DEFAULT_PORT = 8282  # ``mlgate log serve`` has 8283, OPA itself 8181


def make_server(catalog: Catalog, host: str, port: int, token: str = "") -> ThreadingHTTPServer:
    """A server (not yet serving) for ``catalog``; ``port=0`` picks a free port."""
    handler = type("Handler", (_Handler,), {"catalog": catalog, "token": token})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def etag_matches(header: str | None, etag: str) -> bool:
    """``If-None-Match``: ``*`` or any listed tag equal to ``etag`` (weak compare)."""
    if not header:
        return False
    tags = [t.strip() for t in header.split(",")]
    return any(t == "*" or t.removeprefix("W/") == etag.removeprefix("W/") for t in tags)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mlgate-bundle-service"
    sys_version = ""  # no Python version in the Server header
    catalog: Catalog
    token: str

    def log_message(self, format: str, *args: Any) -> None:  # quiet: OPAs poll often
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            return self._send(200, b"{}", "application/json", head=head)
        if self.token and not bearer_matches(self.headers.get("Authorization"), self.token):
            return self._send(401, b'{"error": "unauthorized"}', "application/json", head=head)
        bundles = self.catalog.current()
        if path.rstrip("/") in ("", PREFIX):
            index = {n: b.summary() for n, b in sorted(bundles.items())}
            body = (json.dumps({"bundles": index}, indent=2) + "\n").encode()
            return self._send(200, body, "application/json", head=head)
        name = path.removeprefix(PREFIX + "/") if path.startswith(PREFIX + "/") else ""
        served = bundles.get(name)
        if served is None:
            return self._send(404, b'{"error": "no such bundle"}', "application/json", head=head)
        if etag_matches(self.headers.get("If-None-Match"), served.etag):
            return self._send(304, b"", None, head=True, etag=served.etag)
        self._send(200, served.body, "application/gzip", head=head, etag=served.etag)

    def _send(
        self, status: int, body: bytes, ctype: str | None, *, head: bool, etag: str = ""
    ) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", "0" if status == 304 else str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)


def serve_forever(server: ThreadingHTTPServer) -> None:
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        print("mlgate: bundle service stopped", file=sys.stderr)
    finally:
        server.server_close()
