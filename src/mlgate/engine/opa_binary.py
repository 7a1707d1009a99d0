"""Evaluate with the ``opa`` executable: one ``opa eval`` process per decision.

The bundle is written once to a temporary directory in OPA's bundle layout
(modules at their paths, the merged data as a root ``data.json``, ``.manifest``)
and every ``evaluate`` runs ``opa eval --format json --bundle DIR --stdin-input
QUERY`` with the input on stdin (OPA's ``cmd/eval.go``). Exit 0 prints
``{"result": [{"expressions": [{"value": ...}]}]}``, or ``{}`` when undefined
(no ``--fail``); exit 2 is an error, printed as ``{"errors": [...]}`` on stdout
for Rego errors, on stderr otherwise.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mlgate.engine.base import DEFAULT_TIMEOUT_S, EngineInfo
from mlgate.engine.opa_rest import format_opa_errors, query_path
from mlgate.errors import BundleError, EngineError, UndefinedDecisionError

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle

ENGINE_NAME = "opa-binary"


def find_opa() -> str | None:
    """The ``opa`` executable on PATH, or ``None``."""
    return shutil.which("opa")


def write_bundle_dir(bundle: Bundle, root: Path) -> None:
    """Lay ``bundle`` out under ``root`` as an OPA bundle directory."""
    for rel, source in bundle.modules.items():
        path = PurePosixPath(rel)
        if path.is_absolute() or ".." in path.parts or not rel.endswith(".rego"):
            raise BundleError(f"bundle module path {rel!r} cannot be written to a bundle directory")
        dest = root.joinpath(*path.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(source, encoding="utf-8")
    (root / "data.json").write_text(json.dumps(bundle.data, allow_nan=False), encoding="utf-8")
    (root / ".manifest").write_text(json.dumps(bundle.manifest.to_json()), encoding="utf-8")


def parse_eval_output(query: str, stdout: str) -> Any:
    """The value of ``query`` from ``opa eval --format json`` output (exit 0)."""
    try:
        out = json.loads(stdout)
    except ValueError as exc:
        excerpt = " ".join(stdout.split())[:160]
        raise EngineError(f"opa eval printed output that is not JSON: {excerpt!r}") from exc
    results = out.get("result") if isinstance(out, dict) else None
    if not results:
        raise UndefinedDecisionError(f"{query} is undefined (opa eval gave no result)")
    try:
        return results[0]["expressions"][0]["value"]
    except (KeyError, IndexError, TypeError) as exc:
        raise EngineError(f"opa eval printed an unexpected result shape for {query}") from exc


def _failure(proc: subprocess.CompletedProcess[bytes]) -> EngineError:
    """Exit 2: Rego errors come as JSON on stdout, other errors on stderr."""
    try:
        details = format_opa_errors(json.loads(proc.stdout).get("errors"))
    except (ValueError, AttributeError):
        details = []
    stderr = proc.stderr.decode("utf-8", errors="replace").strip()
    first = details[0] if details else (stderr.splitlines() or ["(no message)"])[0]
    return EngineError(f"opa eval failed (exit {proc.returncode}): {first}", details=details)


class OpaBinaryEngine:
    """An ``Engine`` that runs ``opa eval`` over the bundle written to a temp dir."""

    def __init__(self, opa: str, workdir: tempfile.TemporaryDirectory[str], timeout: float) -> None:
        self._opa, self._workdir, self.timeout = opa, workdir, float(timeout)
        self.bundle_dir = Path(workdir.name) / "bundle"
        self.info = EngineInfo(ENGINE_NAME, _opa_version(opa, self.timeout), opa)

    @classmethod
    def from_bundle(
        cls, bundle: Bundle, *, opa: str | None = None, timeout: float = DEFAULT_TIMEOUT_S
    ) -> OpaBinaryEngine:
        exe = opa or find_opa()
        if exe is None:
            raise EngineError("opa not found on PATH")
        workdir = tempfile.TemporaryDirectory(prefix="mlgate-opa-")
        try:
            (Path(workdir.name) / "bundle").mkdir()
            write_bundle_dir(bundle, Path(workdir.name) / "bundle")
            return cls(exe, workdir, timeout)
        except BaseException:
            workdir.cleanup()
            raise

    def evaluate(self, query: str, input: dict[str, Any]) -> Any:
        query_path(query)  # a plain data reference; nothing opa could read as a flag
        try:
            stdin = json.dumps(input, allow_nan=False).encode()
        except (TypeError, ValueError) as exc:
            raise EngineError(f"the input for {query} is not JSON: {exc}") from exc
        args = ["eval", "--format", "json", "--bundle", str(self.bundle_dir), "--stdin-input"]
        proc = _run([self._opa, *args, query], stdin, self.timeout, what="opa eval")
        if proc.returncode != 0:
            raise _failure(proc)
        return parse_eval_output(query, proc.stdout.decode("utf-8", errors="replace"))

    def close(self) -> None:
        self._workdir.cleanup()


def _run(
    cmd: list[str], stdin: bytes, timeout: float, *, what: str
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise EngineError(f"opa not found at {cmd[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"{what} did not finish within {timeout}s") from exc
    except OSError as exc:
        raise EngineError(f"{what} could not run: {exc.strerror or exc}") from exc


def _opa_version(opa: str, timeout: float) -> str:
    """``Version: 1.9.0`` from ``opa version``; "unknown" if it says otherwise."""
    proc = _run([opa, "version"], b"", timeout, what="opa version")
    for line in proc.stdout.decode("utf-8", errors="replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Version" and value.strip():
            return value.strip()
    return "unknown"
