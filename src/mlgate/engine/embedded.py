"""The embedded engine: regorus (``gordon-to-regorus``, interpreter mode), no server.

Fails closed and contained:

- a module that does not parse, or a call to a builtin regorus lacks (found
  statically in the AST, not when evaluation first reaches it), is a
  ``BundleError`` at load time; builtins known to answer differently from OPA
  are listed in ``warnings``;
- a runtime error (builtin error, rule conflict) is an ``EngineError``; an
  undefined query an ``UndefinedDecisionError``;
- with ``isolate=True`` (the default) the bundle is loaded and evaluated in a
  persistent forked worker process (``_worker``): an evaluation longer than
  ``timeout`` or a crash (Rust panic, signal) kills that worker, raises
  ``EngineError`` and the next evaluation starts a fresh one;
- with ``isolate=False`` everything runs in the calling process and thread:
  a little faster, but there is **no timeout** (regorus holds the GIL while it
  evaluates, so nothing can interrupt it) and a signal takes the process down.
  A panic is still an ``EngineError``.
"""

from __future__ import annotations

import json
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from mlgate.engine import _regorus
from mlgate.engine._scan_cache import peek_scan, store_scan
from mlgate.engine._worker import Worker
from mlgate.engine.base import DEFAULT_TIMEOUT_S, EngineInfo
from mlgate.engine.builtins import scan_calls
from mlgate.errors import BundleError, EngineError, UndefinedDecisionError

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

NAME = "embedded"


class _Backend(Protocol):
    def request(self, query: str, input_json: str) -> tuple[str, str]: ...

    def close(self) -> None: ...


class _InProcess:
    """regorus in this process; usable only from the thread that created it."""

    def __init__(self, modules: dict[str, str], data_json: str) -> None:
        self._modules, self._data_json = modules, data_json
        self._thread = threading.get_ident()
        self._engine: Any = _load(modules, data_json)

    def ast(self) -> str:
        return _regorus.ast_json(self._engine)

    def request(self, query: str, input_json: str) -> tuple[str, str]:
        if threading.get_ident() != self._thread:
            raise EngineError(
                "embedded engine (isolate=False) must be used from the thread that created it"
            )
        if self._engine is None:  # rebuilt after a panic
            self._engine = _load(self._modules, self._data_json)
        try:
            return "V", _regorus.evaluate_json(self._engine, query, input_json)
        except Exception as exc:
            return "E", str(exc)
        except BaseException as exc:
            if not _regorus.is_panic(exc):
                raise  # KeyboardInterrupt, SystemExit
            self._engine = None  # the engine may be left inconsistent: rebuild it
            return "P", str(exc)

    def close(self) -> None:
        self._engine = None


class EmbeddedEngine:
    """An ``Engine`` backed by regorus. Build it with ``from_bundle``."""

    info: EngineInfo

    def __init__(self, backend: _Backend, warnings: list[str], *, isolate: bool) -> None:
        self.info = EngineInfo(NAME, f"regorus {_regorus.version()}")
        self.warnings: list[str] = warnings
        self.isolate = isolate
        self._backend: _Backend | None = backend
        self._lock = threading.Lock()

    @classmethod
    def from_bundle(
        cls,
        bundle: Bundle,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        isolate: bool = True,
        include_tests: bool = False,
    ) -> EmbeddedEngine:
        """Load ``bundle.modules`` (and ``test_modules`` if asked) and ``bundle.data``.

        Modules are named ``<bundle.source>/<path>`` so that messages point at
        the file. ``timeout`` bounds loading and each evaluation (isolated only).
        """
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        sources = dict(bundle.modules)
        if include_tests:
            sources.update(bundle.test_modules)
        prefix = f"{bundle.source.rstrip('/')}/" if bundle.source else ""
        modules = {f"{prefix}{path}": text for path, text in sorted(sources.items())}
        try:
            data_json = json.dumps(bundle.data, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise BundleError(f"{bundle.source}: bundle data is not JSON ({exc})") from None
        backend: _InProcess | Worker
        if isolate:
            backend = Worker(modules, data_json, timeout)
            cached = peek_scan(bundle, _regorus.version(), include_tests)
            if cached is None:
                ast = backend.start(want_ast=True)
            else:  # the scan is known: the first evaluation waits for the load
                backend.spawn()
                ast = ""
        else:
            backend = _InProcess(modules, data_json)
            cached = peek_scan(bundle, _regorus.version(), include_tests)
            ast = "" if cached is not None else backend.ast()
        if cached is not None:
            scan = cached
        else:
            scan = scan_calls(ast)
            store_scan(bundle, _regorus.version(), include_tests, scan)
        if scan.refused:
            backend.close()
            raise BundleError(scan.refused[0], details=scan.refused[1:])
        for name in accepted_deviations(bundle):
            scan.deviations.pop(name, None)
        return cls(backend, scan.warnings, isolate=isolate)

    @property
    def worker_pid(self) -> int | None:
        """The isolated worker's process id (``None`` in-process or when not running)."""
        pid = getattr(self._backend, "pid", 0)
        return int(pid) or None

    def evaluate(self, query: str, input: dict[str, Any]) -> Any:
        try:
            input_json = json.dumps(input, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise EngineError(f"{NAME} engine: input is not JSON ({exc})") from None
        with self._lock:
            if self._backend is None:
                raise EngineError(f"{NAME} engine is closed")
            kind, text = self._backend.request(query, input_json)
        if kind == "E":
            raise EngineError(f"{NAME} engine: {_regorus.clean_error(text)}")
        if kind == "P":
            raise EngineError(f"{NAME} engine crashed (panic: {_regorus.clean_error(text)})")
        return _decode(text, query)

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None

    def __enter__(self) -> EmbeddedEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def accepted_deviations(bundle: Bundle) -> list[str]:
    """Builtins whose engine deviations the bundle's authors reviewed and accept.

    Declared in the manifest as ``metadata.mlgate.accept_engine_deviations``,
    a map of builtin name to the reason (e.g. ``sprintf`` used for messages
    only). Their warnings are not repeated on every decision.
    """
    settings = bundle.manifest.metadata.get("mlgate")
    accepted = settings.get("accept_engine_deviations") if isinstance(settings, dict) else None
    return [str(name) for name in accepted] if isinstance(accepted, dict) else []


def _load(modules: dict[str, str], data_json: str) -> Any:
    try:
        return _regorus.new_engine(modules, data_json)
    except BaseException as exc:
        if not _regorus.is_panic(exc):
            raise
        raise EngineError(
            f"{NAME} engine crashed while loading the bundle (panic: {exc})"
        ) from None


def _decode(raw: str, query: str) -> Any:
    """The value of ``{"result": [{"expressions": [{"value": ...}]}]}``; ``{}`` is undefined."""
    try:
        results = json.loads(raw).get("result") or []
    except (ValueError, AttributeError) as exc:
        raise EngineError(f"{NAME} engine: unreadable answer ({exc})") from None
    if len(results) > 1:
        raise EngineError(f"{NAME} engine: {query} has {len(results)} results, expected one")
    expressions = (results[0].get("expressions") or []) if results else []
    if not expressions or "value" not in expressions[0]:
        raise UndefinedDecisionError(f"{NAME} engine: {query} is undefined")
    return expressions[0]["value"]
