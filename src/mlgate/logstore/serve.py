"""``mlgate log serve``: receive OPA decision-log uploads into the chained log.

OPA's decision-log plugin POSTs a gzip-compressed JSON array of events to
``/logs`` (or its configured ``resource``). Each upload is appended as one
batch, in one transaction: all its events or none. Requests are handled one
at a time (appends are serialised anyway). Answers: 204 when stored; 400 for
a body that is not a (gzipped) JSON array of objects, or holds a value the log
cannot store (NaN, an infinite number, a lone surrogate, deep nesting); 413 when it is larger
than the limit, compressed or not; 503 when the log cannot be written, so
OPA keeps the events and retries.
"""

from __future__ import annotations

import gzip
import json
import zlib
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any

from mlgate.canonical import canonical_json
from mlgate.logstore.entry import opa_entry
from mlgate.logstore.errors import LogStoreError

if TYPE_CHECKING:
    from mlgate.logstore.base import LogStore

MAX_BODY_BYTES = 16 * 1024 * 1024


class _TooLarge(Exception):
    pass


def _gunzip(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise _TooLarge
    return out


def parse_upload(data: bytes, encoding: str, limit: int = MAX_BODY_BYTES) -> list[dict[str, Any]]:
    """The events of one upload; ``ValueError`` (bad body) or ``_TooLarge``."""
    if encoding.strip().lower() == "gzip":
        try:
            data = _gunzip(data, limit)
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise ValueError(f"body is not gzip: {exc}") from None
    try:
        events = json.loads(data, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise ValueError("body is nested too deeply") from None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise ValueError("body must be a JSON array of decision events")
    for i, event in enumerate(events):
        try:  # what the log will store: canonical JSON, UTF-8
            canonical_json(event)
        except (ValueError, TypeError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
            raise ValueError(f"event {i} cannot be stored: {reason}") from None
    return events


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text} is out of range for a JSON number")
    return value


def make_server(store: LogStore, host: str = "127.0.0.1", port: int = 8282) -> HTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "mlgate-log"

        def do_POST(self) -> None:
            if not self.path.startswith("/logs"):
                self._answer(HTTPStatus.NOT_FOUND, "POST decision logs to /logs")
                return
            try:
                length = int(self.headers.get("Content-Length", "-1"))
            except ValueError:
                length = -1
            if length < 0:
                self._answer(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
                return
            if length > MAX_BODY_BYTES:
                self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "upload too large")
                return
            data = self.rfile.read(length)
            try:
                events = parse_upload(data, self.headers.get("Content-Encoding", ""))
            except _TooLarge:
                self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "upload too large")
                return
            except ValueError as exc:
                self._answer(HTTPStatus.BAD_REQUEST, str(exc).splitlines()[0])
                return
            actor = f"opa@{self.client_address[0]}"
            try:
                if events:
                    store.append([opa_entry(e, actor=actor) for e in events])
            except LogStoreError as exc:
                self._answer(HTTPStatus.SERVICE_UNAVAILABLE, exc.message)
                return
            self._answer(HTTPStatus.NO_CONTENT, "")

        def _answer(self, status: HTTPStatus, message: str) -> None:
            body = json.dumps({"message": message}).encode() if message else b""
            self.send_response(status)
            if body:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet by default
            pass

    return HTTPServer((host, port), Handler)
