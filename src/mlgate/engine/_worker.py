"""A persistent forked worker that owns a regorus engine, fed over two pipes.

regorus holds the GIL while it evaluates and its engine cannot move between
threads, so a thread cannot stop a runaway evaluation. A child process can be
killed: the parent forks a worker, the worker loads the bundle and answers
requests one at a time, and the parent waits for each answer with a deadline.
On a timeout or crash the parent kills and reaps the worker; the next request
forks a fresh one (which loads the bundle again).

Wire format. Request: ``!II`` (query length, input length), query, input JSON.
Answer: one kind byte and ``!I`` length, then the text. Kinds: ``V`` raw
result JSON, ``E`` runtime error, ``P`` panic, ``A`` loaded (AST JSON or
empty), ``L`` load error (a clean ``BundleError`` line).
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import select
import signal
import struct
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn

from mlgate.engine import _regorus
from mlgate.errors import BundleError, EngineError, MlgateError

_REQUEST = struct.Struct("!II")
_ANSWER = struct.Struct("!cI")


@dataclass
class _Proc:
    owner: int = 0
    pid: int = 0
    fds: list[int] = field(default_factory=list)


def _stop(proc: _Proc) -> None:
    """Kill and reap the worker; safe to call twice, and from a finalizer."""
    for fd in proc.fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    proc.fds = []
    if proc.pid and os.getpid() == proc.owner:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(proc.pid, 0)
    proc.pid = 0


class Worker:
    """One forked evaluation process; ``request`` respawns it when it is gone."""

    def __init__(self, modules: Mapping[str, str], data_json: str, timeout: float) -> None:
        self._modules = dict(modules)
        self._data_json = data_json
        self.timeout = timeout
        self._proc = _Proc()
        self._loading: float | None = None  # the load deadline while a spawn is unanswered
        self._load_error: MlgateError | None = None  # a load that failed: not retried
        self._finalizer = weakref.finalize(self, _stop, self._proc)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def start(self, *, want_ast: bool = False) -> str:
        """Fork and load; return the AST JSON when asked (else ``""``)."""
        self.spawn(want_ast=want_ast)
        return self._loaded()

    def spawn(self, *, want_ast: bool = False) -> None:
        """Fork a worker that starts loading the bundle, and return at once.

        The first ``request`` (or ``start``) waits for the load to finish, so
        the caller can read and validate the facts while the worker loads.
        """
        _regorus.import_regorus()  # once in the parent; every child inherits it
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, reported through the pipe
            _child(req_r, resp_w, self._modules, self._data_json, want_ast)
        os.close(req_r)
        os.close(resp_w)
        os.set_blocking(req_w, False)
        os.set_blocking(resp_r, False)
        self._proc.owner, self._proc.pid, self._proc.fds = os.getpid(), pid, [req_w, resp_r]
        self._loading = time.monotonic() + self.timeout

    def _loaded(self) -> str:
        """Wait for the load the last ``spawn`` started; its AST JSON or ``""``.

        A failed load is remembered: later requests raise the same error instead of
        loading the bundle again (and calling it the engine's fault)."""
        deadline, self._loading = self._loading, None
        assert deadline is not None, "spawn was not called"
        try:
            kind, text = self._answer(deadline, "loading the bundle")
        except MlgateError as exc:
            self._load_error = exc
            self.close()
            raise
        except BaseException:
            self.close()
            raise
        if kind == "A":
            return text
        failed: MlgateError = (
            BundleError(text)
            if kind == "L"
            else EngineError(f"embedded engine crashed while loading the bundle (panic: {text})")
        )
        self._load_error = failed
        self.close()
        raise failed

    def request(self, query: str, input_json: str) -> tuple[str, str]:
        """Send one query; return (kind, text) with kind ``V``, ``E`` or ``P``."""
        if self._load_error is not None:
            raise self._load_error
        if self._loading is not None and self._proc.pid:
            self._loaded()  # the load ``spawn`` started; its errors are the bundle's
        elif not self._proc.pid:
            try:
                self.start()
            except BundleError as exc:  # loaded before, so this is the engine's fault
                failed = EngineError(f"embedded engine: reloading the bundle failed: {exc}")
                self._load_error = failed
                raise failed from None
        deadline = time.monotonic() + self.timeout
        q, i = query.encode(), input_json.encode()
        try:
            self._send(_REQUEST.pack(len(q), len(i)) + q + i, deadline)
            kind, text = self._answer(deadline, "evaluation")
        except BaseException:
            self.close()  # a half-finished exchange leaves the pipe unusable
            raise
        if kind == "P":
            self.close()
        return kind, text

    def close(self) -> None:
        self._loading = None
        _stop(self._proc)

    def _send(self, data: bytes, deadline: float) -> None:
        fd = self._proc.fds[0]
        view = memoryview(data)
        while view:
            self._wait(fd, select.POLLOUT, deadline, "evaluation")
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                raise EngineError(f"embedded engine crashed ({self._reap()})") from None

    def _answer(self, deadline: float, what: str) -> tuple[str, str]:
        head = self._read(_ANSWER.size, deadline, what)
        kind, size = _ANSWER.unpack(head)
        return kind.decode(), self._read(size, deadline, what).decode()

    def _read(self, size: int, deadline: float, what: str) -> bytes:
        fd, chunks, left = self._proc.fds[1], [], size
        while left:
            self._wait(fd, select.POLLIN, deadline, what)
            try:
                chunk = os.read(fd, min(left, 1 << 20))
            except BlockingIOError:
                continue
            if not chunk:
                raise EngineError(f"embedded engine crashed ({self._reap()})")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _wait(self, fd: int, event: int, deadline: float, what: str) -> None:
        poller = select.poll()
        poller.register(fd, event)
        while not poller.poll(max(0.0, deadline - time.monotonic()) * 1000):
            if time.monotonic() >= deadline:
                self.close()
                raise EngineError(f"embedded engine: {what} exceeded {self.timeout:g}s")

    def _reap(self) -> str:
        """Collect the dead worker's status and describe how it ended."""
        pid, end = self._proc.pid, time.monotonic() + 1.0
        try:
            while time.monotonic() < end:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    self._proc.pid = 0
                    return _describe(status)
                time.sleep(0.005)
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored, waitpid(-1))
            self._proc.pid = 0
            return "worker vanished"
        finally:
            self.close()
        return "worker stopped answering"


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"worker exited with status {os.waitstatus_to_exitcode(status)}"


def _child(
    req_r: int, resp_w: int, modules: Mapping[str, str], data_json: str, want_ast: bool
) -> NoReturn:  # pragma: no cover - runs in the forked child
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
        faulthandler.disable()  # the parent reports a crash; no traceback spew
        gc.disable()  # never run the parent's finalizers (temp files, sockets) here
        # Drop every inherited descriptor (other workers' pipes, sockets, files)
        # so nothing the parent closes stays open here, and so this worker sees
        # end-of-file when its parent goes away.
        low, high = sorted((req_r, resp_w))
        os.closerange(3, low)
        os.closerange(low + 1, high)
        os.closerange(high + 1, os.sysconf("SC_OPEN_MAX"))
        reader = os.fdopen(req_r, "rb")
        try:
            engine = _regorus.new_engine(modules, data_json)
            _reply(resp_w, b"A", _regorus.ast_json(engine) if want_ast else "")
        except BundleError as exc:
            _reply(resp_w, b"L", exc.message)
            os._exit(0)
        except BaseException as exc:
            _reply(resp_w, b"P", str(exc))
            os._exit(0)
        while len(head := reader.read(_REQUEST.size)) == _REQUEST.size:
            qlen, ilen = _REQUEST.unpack(head)
            query, input_json = reader.read(qlen).decode(), reader.read(ilen).decode()
            try:
                kind, text = b"V", _regorus.evaluate_json(engine, query, input_json)
            except BaseException as exc:
                kind, text = (b"E" if isinstance(exc, Exception) else b"P"), str(exc)
            _reply(resp_w, kind, text)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _reply(fd: int, kind: bytes, text: str) -> None:  # pragma: no cover - child side
    data = text.encode()
    view = memoryview(_ANSWER.pack(kind, len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]
