"""Choosing and opening an engine by name.

Engines are registered by name; the CLI only passes the name through. The
default ("auto") is: an explicit OPA URL, else ``opa`` on PATH, else the
embedded engine.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlgate.engine.base import DEFAULT_TIMEOUT_S, check_timeout
from mlgate.engine.opa_conn import OpaSettings
from mlgate.errors import UsageError

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.base import Engine

ENGINE_NAMES = ("auto", "embedded", "opa-url", "opa-binary")


@dataclass(frozen=True)
class EngineOptions:
    name: str = "auto"
    opa_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    push: bool = True
    # The caller pushed this bundle to this OPA in this run (recertify's parent, for
    # its workers): neither push again nor ask for a bundle-service revision.
    attach: bool = False
    # The embedded engine in its own process (a crash or hang cannot take mlgate
    # down); recertify's workers are processes already.
    isolate: bool = True
    opa: OpaSettings = field(default_factory=OpaSettings)

    @classmethod
    def from_env(
        cls,
        name: str | None,
        opa_url: str | None,
        timeout: float | None = None,
        *,
        ca_cert: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        token_file: str | None = None,
    ) -> EngineOptions:
        """Command-line values win over ``MLGATE_ENGINE`` / ``MLGATE_OPA_URL`` and, for the
        OPA connection (``opa_conn``), over ``MLGATE_OPA_*``."""
        chosen = name or os.environ.get("MLGATE_ENGINE") or "auto"
        url = opa_url or os.environ.get("MLGATE_OPA_URL") or None
        settings = OpaSettings.from_env(
            ca_cert=ca_cert, client_cert=client_cert, client_key=client_key, token_file=token_file
        )
        return cls(name=chosen, opa_url=url, timeout=check_timeout(timeout), opa=settings)


# The registry: each engine's module is imported only when that engine is opened, so a
# check on the embedded engine loads no HTTP client and an OPA one no regorus.
_CLASSES = {
    "embedded": ("mlgate.engine.embedded", "EmbeddedEngine"),
    "opa-url": ("mlgate.engine.opa_rest", "OpaRestEngine"),
    "opa-binary": ("mlgate.engine.opa_binary", "OpaBinaryEngine"),
}


def _engine_class(name: str) -> Any:
    module, cls = _CLASSES[name]
    return getattr(importlib.import_module(module), cls)


def _embedded(bundle: Bundle, opts: EngineOptions) -> Engine:
    cls = _engine_class("embedded")
    engine: Engine = cls.from_bundle(bundle, timeout=opts.timeout, isolate=opts.isolate)
    return engine


def _opa_url(bundle: Bundle, opts: EngineOptions) -> Engine:
    if not opts.opa_url:
        raise UsageError("--engine opa-url needs --opa-url URL (or MLGATE_OPA_URL)")
    engine: Engine = _engine_class("opa-url").from_bundle(
        bundle,
        url=opts.opa_url,
        timeout=opts.timeout,
        push=opts.push,
        attach=opts.attach,
        connection=opts.opa.resolve(),
    )
    return engine


def _opa_binary(bundle: Bundle, opts: EngineOptions) -> Engine:
    engine: Engine = _engine_class("opa-binary").from_bundle(bundle, timeout=opts.timeout)
    return engine


_FACTORIES: dict[str, Callable[[Bundle, EngineOptions], Engine]] = {
    "embedded": _embedded,
    "opa-url": _opa_url,
    "opa-binary": _opa_binary,
}


def resolve_name(opts: EngineOptions) -> str:
    if opts.name not in ENGINE_NAMES:
        raise UsageError(f"unknown engine {opts.name!r}; choose one of {', '.join(ENGINE_NAMES)}")
    if opts.name != "auto":
        return opts.name
    if opts.opa_url:
        return "opa-url"
    if shutil.which("opa"):
        return "opa-binary"
    return "embedded"


def open_engine(bundle: Bundle, opts: EngineOptions) -> Engine:
    """Build the chosen engine with ``bundle`` loaded."""
    return _FACTORIES[resolve_name(opts)](bundle, opts)
