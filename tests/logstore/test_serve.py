"""``mlgate log serve`` as a production server: concurrency, bounds, token, strict bodies.

Real sockets on 127.0.0.1, real SQLite files (and PostgreSQL where the store matters);
every wait is bounded so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import gzip
import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.main import main
from mlgate.distribution.log_serve import LogServer, make_server
from mlgate.logstore.chain import Row, verify_rows
from mlgate.logstore.open import open_store
from tests.conftest import REPO
from tests.logstore import pgserver
from tests.logstore.conftest import run_sql

EVENT = {
    "decision_id": "opa-1",
    "path": "mlgate/decision",
    "input": {"subject": {"name": "credit-risk", "version": "7", "risk_tier": "high"}},
    "result": {"outcome": "pass"},
    "bundles": {"mlgate": {"revision": "r1"}},
    "labels": {"id": "opa-a", "version": "1.9.0"},
    "timestamp": "2026-11-01T00:00:00Z",
}

Serve = Callable[..., LogServer]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start a server on a free port over a SQLite log (or ``location``); stopped after."""
    started: list[tuple[LogServer, Any, threading.Thread]] = []

    def _start(location: str | None = None, **options: Any) -> LogServer:
        store = open_store(location or str(tmp_path / "log.db"))
        server = make_server(store, "127.0.0.1", 0, **options)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        started.append((server, store, thread))
        return server

    yield _start
    for server, store, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        store.close()
        server.store.close()  # another one if the server reopened it


def post(
    port: int,
    body: bytes,
    *,
    path: str = "/logs",
    encoding: str | None = "gzip",
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if encoding:
            sent["Content-Encoding"] = encoding
        conn.request("POST", path, body=body, headers=sent)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def batch(*events: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(list(events or [EVENT])).encode())


def stored(location: str) -> list[Row]:
    store = open_store(location, create=False)
    try:
        rows = list(store.rows())
        assert verify_rows(rows, store.head()).ok
    finally:
        store.close()
    return rows


def raw(port: int, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(data)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> bytes:
    """What the server answered before it closed ``sock``; fails if it stays open.
    ``sock`` is closed in any case (a server waiting on it must not hang the suite)."""
    sock.settimeout(seconds)
    got = b""
    try:
        while chunk := sock.recv(4096):
            got += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {seconds}s")
    except ConnectionResetError:
        pass
    finally:
        sock.close()
    return got


STALLED = (
    b"POST /logs HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 100\r\n\r\n\x1f"
)


# -- one slow client delays no one -----------------------------------------------------


def test_a_stalled_upload_does_not_block_other_uploads(serve: Serve, tmp_path: Path) -> None:
    server = serve()
    port = server.server_port
    stalled = raw(port, STALLED)  # promised 100 bytes, sent one
    try:
        started = time.monotonic()
        assert post(port, batch(), timeout=5) == 204
        assert time.monotonic() - started < 5
    finally:
        stalled.close()
    assert [r.columns["decision_id"] for r in stored(str(tmp_path / "log.db"))] == ["opa-1"]


def test_a_stalled_client_is_cut_off_after_the_socket_timeout(serve: Serve) -> None:
    server = serve(io_timeout=0.5)
    sock = raw(server.server_port, STALLED)
    answer = closed_within(sock, 5)
    assert answer.startswith(b"HTTP/1.0 408")


def test_a_client_trickling_bytes_is_cut_off_at_the_request_deadline(serve: Serve) -> None:
    server = serve(io_timeout=2, receive_deadline=1)
    sock = raw(server.server_port, STALLED)
    started, ended = time.monotonic(), False
    try:
        for _ in range(40):  # a byte well within io_timeout each time; 41 of 100 in all
            time.sleep(0.2)
            try:
                sock.sendall(b"\x00")
                sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)  # an answer, or the end
            except BlockingIOError:
                continue  # nothing from the server yet: still reading
            except OSError:
                pass  # reset
            ended = True
            break
    finally:
        sock.close()
    assert ended, "the server kept reading a trickle past its request deadline"
    assert time.monotonic() - started < 6


def test_connections_over_the_limit_get_503_at_once(serve: Serve) -> None:
    server = serve(max_connections=2)
    port = server.server_port
    holders = [raw(port, STALLED) for _ in range(2)]
    try:
        deadline = time.monotonic() + 20  # generous: a loaded CI machine accepts slowly
        status = 0
        while time.monotonic() < deadline:  # the two are accepted in the server's own time
            status = post(port, batch(), timeout=5)
            if status == 503:
                break
            time.sleep(0.05)
        assert status == 503
    finally:
        for sock in holders:
            sock.close()
    deadline = time.monotonic() + 20
    while post(port, batch(), timeout=5) != 204:  # the slots come back
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_concurrent_uploads_are_all_stored_in_one_intact_chain(
    serve: Serve, log_location: str
) -> None:
    server = serve(log_location)
    statuses: list[int] = []

    def upload(n: int) -> None:
        for i in range(10):
            event = {**EVENT, "decision_id": f"t{n}-{i}"}
            statuses.append(post(server.server_port, batch(event, {**event, "decision_id": "x"})))

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert statuses == [204] * 80
    ids = [str(r.columns["decision_id"]) for r in stored(log_location)]
    assert len(ids) == 160
    assert sorted(i for i in ids if i != "x") == sorted(
        f"t{n}-{i}" for n in range(8) for i in range(10)
    )
    for n in range(80):  # a batch is stored whole, its events next to each other
        assert ids[ids.index(ids[2 * n]) + 1] == "x"


def test_closing_the_server_cuts_off_a_client_still_sending(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "close.db"))
    server = make_server(store, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    sock = raw(server.server_port, STALLED)
    time.sleep(0.2)  # accepted and reading

    def stop() -> None:
        server.shutdown()
        server.server_close()

    stopping = threading.Thread(target=stop, daemon=True)
    stopping.start()
    try:
        stopping.join(timeout=5)
        assert not stopping.is_alive(), "closing the server waited for a stalled client"
        closed_within(sock, 5)
    finally:
        sock.close()  # lets a server that waits for it go
        stopping.join(timeout=30)
        store.close()


def test_after_the_database_drops_the_connection_the_next_upload_reconnects(
    serve: Serve, pg_server: pgserver.Server
) -> None:
    location = pg_server.new_database()
    server = serve(location, reopen=lambda: open_store(location))
    port = server.server_port
    assert post(port, batch()) == 204
    run_sql(  # what a database restart or a failover does to the server's connection
        location,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    assert post(port, batch({**EVENT, "decision_id": "lost"})) == 503  # OPA keeps it, retries
    assert post(port, batch({**EVENT, "decision_id": "retried"})) == 204
    assert [r.columns["decision_id"] for r in stored(location)] == ["opa-1", "retried"]


# -- the token -------------------------------------------------------------------------


def test_with_a_token_only_the_right_bearer_is_stored(serve: Serve, tmp_path: Path) -> None:
    server = serve(token="s3cret-token")
    port = server.server_port
    forged = {**EVENT, "decision_id": "forged-1"}
    assert post(port, batch(forged)) == 401
    assert post(port, batch(forged), headers={"Authorization": "Bearer wrong"}) == 401
    assert post(port, batch(forged), headers={"Authorization": "s3cret-token"}) == 401
    assert post(port, batch(forged), headers={"Authorization": "Bearer s3cret-token "}) == 401
    assert stored(str(tmp_path / "log.db")) == []
    assert post(port, batch(), headers={"Authorization": "Bearer s3cret-token"}) == 204
    assert [r.columns["decision_id"] for r in stored(str(tmp_path / "log.db"))] == ["opa-1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\n \n", "the token is empty"), (b"\xff\xfetoken", "not UTF-8")],
    ids=["empty", "not UTF-8"],
)
@pytest.mark.parametrize("command", [["log", "serve"], ["bundle", "serve", str(REPO / "rego")]])
def test_a_bad_token_file_is_refused_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    content: bytes,
    message: str,
) -> None:
    token = tmp_path / "token"
    token.write_bytes(content)
    log = tmp_path / "log.db"
    argv = [*command, "--port", "0", "--token-file", str(token)]
    argv += ["--log", str(log)] if command[0] == "log" else []
    assert main(argv) == 2  # refused before serving (else this call would not return)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mlgate: error: ") and message in err[0]
    assert not log.exists()


def test_a_non_loopback_address_without_a_token_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.db"
    assert main(["log", "serve", "--host", "0.0.0.0", "--port", "0", "--log", str(log)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "without --token-file" in err[0]
    assert not log.exists()


_RUN = "import sys; from mlgate.cli.main import run; run(sys.argv[1:])"


def _start_cli(*argv: str) -> tuple[subprocess.Popen[str], int, list[str]]:
    """``mlgate log serve`` in its own process; its port and its start-up lines."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUN, "log", "serve", "--port", "0", *argv],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "receiving OPA decision logs on" in line:
            port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
            return proc, port, lines
    proc.kill()
    pytest.fail(f"log serve did not start: {lines}")


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("log serve did not stop on SIGTERM")
    return proc.returncode, err


def test_the_cli_warns_without_a_token_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "log.db"
    proc, port, lines = _start_cli("--log", str(log))
    try:
        assert post(port, batch()) == 204
    finally:
        code, rest = _stop(proc)
    assert lines[0].startswith("mlgate: warning: no --token-file: anyone who can reach")
    assert "no token required" in lines[1]
    assert code == 0 and "Traceback" not in rest and "log service stopped" in rest
    assert len(stored(str(log))) == 1


def test_the_cli_takes_a_token_file(tmp_path: Path) -> None:
    log, token = tmp_path / "log.db", tmp_path / "token"
    token.write_text("opa-upload-token\n")
    proc, port, lines = _start_cli("--log", str(log), "--token-file", str(token))
    try:
        assert post(port, batch()) == 401
        auth = {"Authorization": "Bearer opa-upload-token"}
        assert post(port, batch(), headers=auth) == 204
    finally:
        code, _ = _stop(proc)
    assert code == 0
    assert not any("warning" in line for line in lines)
    assert len(stored(str(log))) == 1


def test_the_two_servers_have_different_default_ports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["log", "serve", "--help"]) == 0
    log_help = capsys.readouterr().out
    assert main(["bundle", "serve", "--help"]) == 0
    bundle_help = capsys.readouterr().out
    assert "default: 8283" in log_help and "8282" not in log_help.split("--port")[1][:200]
    assert "default: 8282" in bundle_help


# -- what a body and a path must be ----------------------------------------------------


def _gzip_cut_trailer() -> bytes:
    return batch()[:-4]  # the ISIZE field of the trailer gone


def _gzip_cut_deeper() -> bytes:
    return batch()[:-8]  # CRC and size gone: the JSON itself is whole


@pytest.mark.parametrize(
    "body",
    [
        _gzip_cut_trailer(),
        _gzip_cut_deeper(),
        batch() + b"garbage",
        batch() + batch(),  # a second gzip member is bytes after the stream too
    ],
    ids=["no size", "no trailer", "trailing garbage", "two members"],
)
def test_a_gzip_body_cut_short_or_followed_by_bytes_is_400(
    serve: Serve, tmp_path: Path, body: bytes
) -> None:
    server = serve()
    assert post(server.server_port, body) == 400
    assert stored(str(tmp_path / "log.db")) == []


@pytest.mark.parametrize(
    "path", ["/logsXYZ", "/logs/../x", "/logs/", "/x/logs", "//logs", "/LOGS", "/logs#x"]
)
def test_only_the_exact_endpoint_takes_uploads(serve: Serve, tmp_path: Path, path: str) -> None:
    server = serve()
    assert post(server.server_port, batch(), path=path) == 404
    assert stored(str(tmp_path / "log.db")) == []


def test_the_endpoint_takes_a_query_string(serve: Serve, tmp_path: Path) -> None:
    server = serve()
    assert post(server.server_port, batch(), path="/logs?from=opa-a") == 204
    assert len(stored(str(tmp_path / "log.db"))) == 1


@pytest.mark.parametrize(
    "body",
    [
        b'[{"decision_id": "a", "result": {"outcome": "fail"}, "result": {"outcome": "pass"}}]',
        b'[{"decision_id": "a", "result": {"outcome": "fail", "outcome": "pass"}}]',
        b'[{"decision_id": "a", "decision_id": "b"}]',
    ],
    ids=["top level", "nested", "decision id"],
)
def test_a_duplicate_key_in_an_event_is_400(serve: Serve, tmp_path: Path, body: bytes) -> None:
    server = serve()
    assert post(server.server_port, gzip.compress(body)) == 400
    assert post(server.server_port, body, encoding=None) == 400
    assert stored(str(tmp_path / "log.db")) == []


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Content-Length": "5_0"}, 400),
        ({"Content-Length": "+9"}, 400),
        ({"Transfer-Encoding": "chunked"}, 411),
    ],
)
def test_a_bad_length_is_refused(
    serve: Serve, tmp_path: Path, headers: dict[str, str], status: int
) -> None:
    server = serve()
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock = raw(server.server_port, f"POST /logs HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
    answer = closed_within(sock, 10)
    assert answer.startswith(f"HTTP/1.0 {status}".encode())
    assert stored(str(tmp_path / "log.db")) == []


def test_an_unknown_content_encoding_is_400(serve: Serve) -> None:
    server = serve()
    assert post(server.server_port, batch(), encoding="br") == 400


def test_health_answers_without_a_token(serve: Serve) -> None:
    server = serve(token="t")
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    conn.request("GET", "/health")
    assert conn.getresponse().status == 200
    conn.close()


# -- the subject: OPA's events are found by model, as mlgate's own records are ------------


def test_an_opa_event_is_queryable_by_its_model(
    serve: Serve, log_location: str, capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve(log_location)
    other = {
        **EVENT,
        "decision_id": "opa-2",
        "input": {"subject": {"name": "fraud", "version": "1"}},
    }
    bad = [
        {**EVENT, "decision_id": "bad-1", "input": {"subject": {"name": 7, "version": "1"}}},
        {**EVENT, "decision_id": "bad-2", "input": {"subject": {"name": "credit-risk"}}},
        {**EVENT, "decision_id": "bad-3", "input": {"subject": "credit-risk"}},
        {**EVENT, "decision_id": "bad-4", "input": ["credit-risk"]},
        {**EVENT, "decision_id": "bad-5", "input": {"subject": {"name": "", "version": "7"}}},
    ]
    assert post(server.server_port, batch(EVENT, other, *bad)) == 204

    assert main(["log", "query", "--model", "credit-risk", "--json", "--log", log_location]) == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["decision_id"] for r in found] == ["opa-1"]
    assert found[0]["kind"] == "opa_event"
    assert found[0]["subject"] == {"name": "credit-risk", "version": "7", "risk_tier": "high"}
    assert found[0]["event"] == EVENT  # the event itself is kept as it came

    assert main(["log", "query", "--model", "fraud", "--version", "1", "--log", log_location]) == 0
    assert "opa-2" in capsys.readouterr().out
    rows = stored(log_location)
    models = {r.columns["decision_id"]: r.columns["model"] for r in rows}
    assert models == {"opa-1": "credit-risk", "opa-2": "fraud"} | {
        f"bad-{i}": None for i in range(1, 6)
    }
    assert main(["log", "verify", "--log", log_location]) == 0
    assert "chain intact" in capsys.readouterr().out
