"""The adapter seam: one small protocol, a registry by kind name, and shared helpers.

An adapter turns what one tool produced (a file, a tracking-server URI, the
CI environment) into a *fragment* of a facts document. Every object it emits
carries ``source`` provenance built by :func:`provenance`. An adapter never
invents a value: a field its source lacks stays absent.

Errors are ``InputError`` with one line naming the adapter, the location and
the problem, e.g. ``pip-audit adapter: audit.json: 3:7: Expecting ','``.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from mlgate.errors import InputError
from mlgate.facts.load import DEFAULT_MAX_BYTES, parse_json_text, parse_yaml_text
from mlgate.facts.metrics import lookup
from mlgate.times import rfc3339

Document = dict[str, Any]


@dataclass(frozen=True)
class FactsFragment:
    """Part of a facts document, from one source, with the warnings raised reading it."""

    kind: str
    location: str
    document: Document
    warnings: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        return f"{self.kind}:{self.location}"


@dataclass(frozen=True)
class AdapterOptions:
    """What every adapter may need besides its location: one clock for a whole collection."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    tracking_uri: str | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def collected_at(self) -> str:
        return timestamp(self.now)


class Adapter(Protocol):
    kind: str

    def collect(self, location: str) -> FactsFragment: ...


AdapterFactory = Callable[[AdapterOptions], Adapter]
_REGISTRY: dict[str, str] = {  # kind -> module under mlgate.facts.adapters
    "mlflow": "mlflow",
    "fairlearn": "fairlearn",
    "pip-audit": "pip_audit",
    "osv": "osv",
    "cyclonedx": "cyclonedx",
    "openlineage": "openlineage",
    "huggingface": "huggingface",
    "evidently": "evidently",
    "declarations": "declarations",
    "ci": "ci",
}


def kinds() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def get_adapter(kind: str, options: AdapterOptions | None = None) -> Adapter:
    """The adapter registered as ``kind``; its module is imported only now."""
    module_name = _REGISTRY.get(kind)
    if module_name is None:
        raise InputError(f"unknown adapter kind {kind!r}; known: {', '.join(_REGISTRY)}")
    module = importlib.import_module(f"mlgate.facts.adapters.{module_name}")
    factory: AdapterFactory = module.Adapter
    return factory(options or AdapterOptions())


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, to the second."""
    return rfc3339(moment)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def provenance(
    kind: str,
    options: AdapterOptions,
    *,
    file: str | None = None,
    uri: str | None = None,
    data: bytes | None = None,
    run_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The ``source`` object: the adapter kind, file or URI, sha256 or run id, collected_at."""
    source: dict[str, Any] = {"tool": kind}
    if file is not None:
        source["file"] = file
    if uri is not None:
        source["uri"] = uri
    if data is not None:
        source["sha256"] = sha256(data)
    if run_id is not None:
        source["run_id"] = run_id
    source["collected_at"] = options.collected_at
    source.update({k: v for k, v in extra.items() if v is not None})
    return source


def fail(kind: str, location: str, problem: str) -> InputError:
    return InputError(f"{kind} adapter: {location}: {problem}")


def require(kind: str, module: str, extra: str) -> ModuleType:
    """Import an optional heavy library, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"the {kind} adapter needs `pip install mlgate[{extra}]`") from None


def read_bytes(kind: str, location: str, options: AdapterOptions) -> bytes:
    """A source file's bytes, refusing a missing file, a directory or one over the size cap."""
    path = Path(location)
    if not location:
        raise fail(kind, "''", "no file given (use KIND:PATH)")
    try:
        if path.is_dir():
            raise fail(kind, location, "is a directory, not a file")
        if path.exists() and not path.is_file():  # a device, a FIFO: no size, may never end
            raise fail(kind, location, "is not a regular file")
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > options.max_bytes else handle.read(options.max_bytes + 1)
        if size > options.max_bytes or len(data) > options.max_bytes:
            shown = max(size, len(data))
            raise fail(kind, location, f"{shown} bytes exceeds the {options.max_bytes}-byte limit")
        return data
    except OSError as exc:
        raise fail(kind, location, f"cannot read: {exc.strerror or exc}") from None


def decode(kind: str, location: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(kind, location, f"not UTF-8 text (byte {exc.start})") from None


def parse_json(kind: str, location: str, data: bytes) -> Any:
    """JSON parsed safely (duplicate keys, depth, surrogates refused); errors name the adapter."""
    text = decode(kind, location, data)
    if not text.strip():
        raise fail(kind, location, "is empty")
    try:
        return parse_json_text(text, location)
    except InputError as exc:
        raise InputError(f"{kind} adapter: {exc.message}") from None


def parse_yaml(kind: str, location: str, text: str) -> Any:
    try:
        return parse_yaml_text(text, location)
    except InputError as exc:
        raise InputError(f"{kind} adapter: {exc.message}") from None


def expect_mapping(kind: str, location: str, value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(kind, location, f"not {what} (the top level is not a JSON object)")
    return value


@dataclass(frozen=True)
class Read:
    """A tool's output file as read: its bytes, what it parses to, and its ``source``."""

    data: bytes
    document: Any
    source: dict[str, Any]


class AdapterBase:
    """What every adapter shares: its options, and ``read``, the read → parse →
    provenance preamble of an adapter that reads one file."""

    kind: str

    def __init__(self, options: AdapterOptions) -> None:
        self.options = options

    def read(self, location: str, *, what: str | None = None, yaml: bool = False) -> Read:
        """The file parsed as JSON (as YAML too when ``yaml`` and it is not ``.json``);
        with ``what``, its top level must be an object (``what`` names the format)."""
        kind = self.kind
        data = read_bytes(kind, location, self.options)
        if yaml and not location.endswith(".json"):
            document = parse_yaml(kind, location, decode(kind, location, data))
        else:
            document = parse_json(kind, location, data)
        if what is not None:
            document = expect_mapping(kind, location, document, what)
        return Read(data, document, provenance(kind, self.options, file=location, data=data))


def number(value: Any) -> float | int | None:
    """A finite JSON number, or None (NaN, infinity, booleans and strings are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def metric_entry(
    name: str, value: Any, source: dict[str, Any], warnings: list[str], **extra: Any
) -> dict[str, Any] | None:
    """A metric fact with a canonical name (the tool's spelling kept), or None with a warning.

    A value outside the metric's valid range (e.g. accuracy reported as 92.3)
    is dropped with a warning rather than rescaled: mlgate does not guess units.
    """
    spec = lookup(name)
    canonical = spec.name if spec else name
    if number(value) is None:
        warnings.append(f"metric {name!r}: {value!r} is not a finite number; dropped")
        return None
    if spec is not None and not spec.in_range(float(value)):
        warnings.append(f"metric {name!r}: {value} is outside {spec.name}'s range; dropped")
        return None
    entry: dict[str, Any] = {"name": canonical, "value": value}
    if canonical != name:
        entry["name_as_reported"] = name
    entry.update({k: v for k, v in extra.items() if v is not None})
    entry["source"] = source
    return entry


def prune(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None, an empty list or an empty mapping (absent stays absent)."""
    return {k: v for k, v in obj.items() if v is not None and v != [] and v != {}}
