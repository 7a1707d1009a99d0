"""``mlgate log serve``: receive OPA decision-log uploads into the chained log.

OPA's decision-log plugin POSTs a gzip-compressed JSON array of events to
``/logs`` (exactly that path, a query string allowed). Each upload is appended
as one batch, in one transaction: all its events or none (what a body must be:
``mlgate.distribution.log_upload``). With a token, a request without ``Authorization:
Bearer <token>`` gets 401 and nothing is stored.

Connections are served concurrently, each in its own thread, and each is
bounded: every read or write on its socket times out after ``io_timeout``
seconds, the whole request (headers and body) must arrive within
``receive_deadline`` seconds (a client that trickles bytes is cut off), and at
most ``max_connections`` are open at once (beyond that: 503 at once). So one
slow or stalled client can delay no other. Appends go to the store through
one lock: the store's single connection is used by one thread at a time.
After an append fails (a database restarted, a connection dropped), the next
one first reopens the store with ``reopen``, so the server recovers by itself.

Answers: 204 stored; 400 a body the log does not take; 401 no or wrong token;
404 another path; 408 the request did not arrive in time; 411 no
``Content-Length``; 413 over the size limit; 503 the log cannot be written or
the server is full, so OPA keeps the events and retries. ``GET /health`` is
200 (no token needed, nothing disclosed).
"""

from __future__ import annotations

import ipaddress
import json
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from mlgate.distribution.log_upload import MAX_BODY_BYTES, TooLarge, UploadError, parse_upload
from mlgate.logstore.entry import opa_entry
from mlgate.logstore.errors import LogStoreError
from mlgate.tokens import bearer_matches

if TYPE_CHECKING:
    from mlgate.logstore.base import LogStore

DEFAULT_PORT = 8283  # ``mlgate bundle serve`` has 8282, OPA itself 8181
ENDPOINT = "/logs"
IO_TIMEOUT_S = 10.0
RECEIVE_DEADLINE_S = 30.0
MAX_CONNECTIONS = 64
_DIGITS = re.compile(r"[0-9]{1,12}")
_BUSY = b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"


class LogServer(ThreadingHTTPServer):
    """A thread per connection, with the bounds above; ``server_close`` cuts off clients
    still sending and waits for appends in progress to finish."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        store: LogStore,
        *,
        token: str = "",
        io_timeout: float = IO_TIMEOUT_S,
        receive_deadline: float = RECEIVE_DEADLINE_S,
        max_connections: int = MAX_CONNECTIONS,
        max_body: int = MAX_BODY_BYTES,
        reopen: Callable[[], LogStore] | None = None,
    ) -> None:
        self.store = store
        self.reopen = reopen
        self._failed = False  # the last append failed: reopen the store before the next
        self.token = token
        self.io_timeout = io_timeout
        self.receive_deadline = receive_deadline
        self.max_body = max_body
        self.append_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_connections)
        self._receiving: dict[socket.socket, float] = {}  # connection -> deadline
        self._receiving_lock = threading.Lock()
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def append(self, entries: Sequence[dict[str, Any]]) -> None:
        """Append one upload, one at a time; ``LogStoreError`` when the log cannot take it."""
        with self.append_lock:
            if self._failed and self.reopen is not None:
                with suppress(Exception):  # the old connection is likely broken already
                    self.store.close()
                self.store = self.reopen()  # a LogStoreError here: still failed, 503
                self._failed = False
            try:
                self.store.append(entries)
            except LogStoreError:
                self._failed = True
                raise

    # -- connection bounds -------------------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with suppress(OSError):
                request.setblocking(False)
                request.send(_BUSY)
            self.shutdown_request(request)
            return
        with self._receiving_lock:
            self._receiving[request] = time.monotonic() + self.receive_deadline
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._release(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(request)

    def _release(self, request: Any) -> None:
        self.received(request)
        self._slots.release()

    def received(self, request: Any) -> None:
        """The request is in: no deadline from here on (the append may wait for the log)."""
        with self._receiving_lock:
            self._receiving.pop(request, None)

    def service_actions(self) -> None:
        """Between polls of ``serve_forever``: cut off clients past their deadline."""
        now = time.monotonic()
        with self._receiving_lock:
            late = [conn for conn, deadline in self._receiving.items() if deadline < now]
            for conn in late:
                del self._receiving[conn]
        for conn in late:
            _cut(conn)

    def server_close(self) -> None:
        with self._receiving_lock:
            sending = list(self._receiving)
            self._receiving.clear()
        for conn in sending:
            _cut(conn)
        super().server_close()  # joins the threads: appends in progress finish

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback; a client that went away is not worth one."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        print(
            f"mlgate: warning: log serve: request from {client_address[0]} failed: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            file=sys.stderr,
            flush=True,
        )


def is_loopback(host: str) -> bool:
    """Every address ``host`` names is a loopback one (an unknown name is not)."""
    try:
        found = socket.getaddrinfo(
            host or None, 0, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (OSError, UnicodeError):
        return False
    try:
        return bool(found) and all(
            ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found
        )
    except ValueError:
        return False


def run(server: LogServer) -> None:
    """Serve until SIGINT or SIGTERM, then stop gracefully: no new connections, clients
    still sending are cut off, appends in progress finish, the socket is closed."""

    def stop(signum: int, frame: Any) -> None:  # shutdown() waits for the loop: another thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    previous: list[tuple[signal.Signals, Any]] = []
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous.append((sig, signal.signal(sig, stop)))
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        server.server_close()
        for sig, handler in previous:
            signal.signal(sig, handler)


def _cut(conn: socket.socket) -> None:
    """Wake the thread reading from ``conn``: its read returns end-of-file at once."""
    with suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)


def make_server(
    store: LogStore,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    token: str = "",
    io_timeout: float = IO_TIMEOUT_S,
    receive_deadline: float = RECEIVE_DEADLINE_S,
    max_connections: int = MAX_CONNECTIONS,
    max_body: int = MAX_BODY_BYTES,
    reopen: Callable[[], LogStore] | None = None,
) -> LogServer:
    """A server (not yet serving) appending to ``store``; ``port=0`` picks a free port.
    With ``token``, every upload needs ``Authorization: Bearer <token>``. ``reopen``
    opens the store again after a failed append. Close ``server.store`` when done."""
    return LogServer(
        (host, port),
        store,
        token=token,
        io_timeout=io_timeout,
        receive_deadline=receive_deadline,
        max_connections=max_connections,
        max_body=max_body,
        reopen=reopen,
    )


class _Handler(BaseHTTPRequestHandler):
    server: LogServer
    server_version = "mlgate-log"
    sys_version = ""  # no Python version in the Server header

    def setup(self) -> None:
        self.request.settimeout(self.server.io_timeout)  # every read and write on it
        super().setup()

    def do_GET(self) -> None:
        if self._target() == "/health":
            self._answer(HTTPStatus.OK, "ok")
        else:
            self._answer(HTTPStatus.NOT_FOUND, f"POST decision logs to {ENDPOINT}")

    def do_POST(self) -> None:
        if self._target() != ENDPOINT:
            self._answer(HTTPStatus.NOT_FOUND, f"POST decision logs to {ENDPOINT}")
            return
        length = self._length()
        if length is None:
            return
        if self.server.token and not bearer_matches(
            self.headers.get("Authorization"), self.server.token
        ):
            # Read (bounded, never stored) so the client sees the answer, not a reset.
            if self._read(length) is not None:
                self._answer(HTTPStatus.UNAUTHORIZED, "unauthorized", bearer=True)
            return
        data = self._read(length)
        if data is None:
            return
        self.server.received(self.connection)
        encoding = self.headers.get("Content-Encoding", "")
        try:
            events = parse_upload(data, encoding, self.server.max_body)
        except TooLarge:
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "upload too large")
            return
        except UploadError as exc:
            self._answer(HTTPStatus.BAD_REQUEST, str(exc).splitlines()[0])
            return
        actor = f"opa@{self.client_address[0]}"
        try:
            if events:
                self.server.append([opa_entry(e, actor=actor) for e in events])
        except LogStoreError as exc:
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, exc.message)
            return
        self._answer(HTTPStatus.NO_CONTENT, "")

    def _target(self) -> str:
        """The request's path as sent, without its query: not ``self.path``, which has
        ``//logs`` folded into ``/logs``. Compared exactly: no prefix, no dot segments."""
        words = self.requestline.split(" ")
        target = words[1] if len(words) == 3 else ""
        return target.split("?", 1)[0]

    def _length(self) -> int | None:
        """The body's length, or ``None`` once refused (no, several or a bad
        ``Content-Length``, a ``Transfer-Encoding``, over the limit)."""
        given = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding") or len(given) != 1:
            self._answer(HTTPStatus.LENGTH_REQUIRED, "one Content-Length required (no chunking)")
            return None
        if not _DIGITS.fullmatch(given[0].strip()):
            self._answer(HTTPStatus.BAD_REQUEST, "Content-Length is not a number")
            return None
        length = int(given[0])
        if length > self.server.max_body:
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "upload too large")
            return None
        return length

    def _read(self, length: int) -> bytes | None:
        """The body, or ``None`` once answered: it stopped short of ``Content-Length``
        or did not arrive in time (a stalled socket, or past the request's deadline)."""
        try:
            data = self.rfile.read(length)
        except TimeoutError:
            data = b""
        if len(data) == length:
            return data
        with suppress(OSError):  # the socket may be gone already
            self._answer(
                HTTPStatus.REQUEST_TIMEOUT,
                "the body did not arrive in time (or stopped short of Content-Length)",
            )
        return None

    def _answer(self, status: HTTPStatus, message: str, *, bearer: bool = False) -> None:
        body = json.dumps({"message": message}).encode() if message else b""
        self.send_response(status)
        if bearer:
            self.send_header("WWW-Authenticate", 'Bearer realm="mlgate log"')
        if body:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        pass
