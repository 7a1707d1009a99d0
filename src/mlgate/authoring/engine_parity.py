"""``bundle test --engines embedded,opa``: the same golden cases and Rego tests on each
engine, and every difference between them.

Policy authors run the embedded engine in CI and OPA in production; this is the
proof that both decide alike. Each golden case is decided by every engine at one
evaluation time (outcome, violations, missing evidence, required approvals and
waivers compared item by item), and the ``*_test.rego`` tests run on the
embedded engine and under ``opa test`` itself (passed or not, test by test).
``opa`` is the ``opa`` on PATH (the one ``make opa`` installs); without one the
run fails, it never skips.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.authoring.testing import TestResult, run_pattern
from mlgate.decisions.evaluate import decide
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.engine.opa_binary import OpaBinaryEngine, find_opa, write_bundle_dir
from mlgate.errors import EngineError, MlgateError, UsageError
from mlgate.facts.load import load_document
from mlgate.facts.normalize import normalize
from mlgate.times import now_rfc3339

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.base import Engine

ENGINES = ("embedded", "opa")
FIELDS = ("outcome", "violations", "missing_evidence", "required_approvals", "waivers_applied")


@dataclass(frozen=True)
class Parity:
    engines: tuple[str, ...]
    cases: int
    tests: int
    differences: list[str]


def parse_engines(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in ENGINES]
    if unknown or not names:
        raise UsageError(f"--engines {text!r}: a comma list of {', '.join(ENGINES)}")
    return names


def compare_engines(
    bundle: Bundle,
    cases: Sequence[Path],
    rego_results: Sequence[TestResult],
    engines: Sequence[str],
    *,
    run: str | None = None,
    timeout: float = 60.0,
) -> Parity:
    """Decide every case on every engine and run the Rego tests under ``opa test``."""
    if "opa" in engines and find_opa() is None:
        raise EngineError("--engines opa: no opa on PATH (make opa installs it)")
    wanted = run_pattern(run)
    differences: list[str] = []
    decided = 0
    opened = {name: _open(name, bundle, timeout) for name in engines}
    try:
        for path in cases:
            case = load_document(path)
            name = str(case.get("name") or path.stem)
            facts = case.get("facts")
            if not wanted.search(name) or not isinstance(facts, dict):
                continue  # bundle test itself reports a case without facts
            decided += 1
            differences += _case_differences(name, normalize(facts), bundle, opened)
    finally:
        for engine in opened.values():
            engine.close()
    tests = {r.name: r.passed for r in rego_results if r.kind == "rego"}
    if "opa" in engines and tests:
        on_opa = _opa_test(bundle, timeout)
        for test, passed in sorted(tests.items()):
            if on_opa.get(test) != passed:
                where = "absent" if test not in on_opa else "pass" if on_opa[test] else "fail"
                differences.append(
                    f"test {test}: embedded {'pass' if passed else 'fail'}, opa {where}"
                )
    return Parity(tuple(engines), decided, len(tests), differences)


def _open(name: str, bundle: Bundle, timeout: float) -> Engine:
    if name == "embedded":
        return EmbeddedEngine.from_bundle(bundle, timeout=timeout)
    return OpaBinaryEngine.from_bundle(bundle, timeout=timeout)


def _case_differences(
    name: str, facts: dict[str, Any], bundle: Bundle, engines: dict[str, Engine]
) -> list[str]:
    at = (facts.get("context") or {}).get("evaluated_at") or now_rfc3339()
    decided: dict[str, dict[str, Any] | str] = {}
    for label, engine in engines.items():
        try:
            decided[label] = _canonical(decide(facts, bundle, engine, evaluated_at=at).document)
        except MlgateError as exc:  # an engine error on one engine only is a difference too
            decided[label] = f"error: {exc.message}"
    first, *others = engines
    want = decided[first]
    out = []
    for label in others:
        got = decided[label]
        if isinstance(want, str) or isinstance(got, str):
            if got != want:
                out.append(f"case {name}: {first} {_show(want)}, {label} {_show(got)}")
            continue
        out += [
            f"case {name}: {label} differs in {field}: {got[field]} ({first}: {want[field]})"
            for field in FIELDS
            if got[field] != want[field]
        ]
    return out


def _show(value: dict[str, Any] | str) -> str:
    return value if isinstance(value, str) else f"decided {value['outcome']}"


def _canonical(decision: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in FIELDS:
        value = decision.get(field)
        out[field] = (
            sorted(json.dumps(i, sort_keys=True) for i in value)
            if isinstance(value, list)
            else value
        )
    return out


def _opa_test(bundle: Bundle, timeout: float) -> dict[str, bool]:
    """``package.test_name`` → passed, as ``opa test`` reports each test of the bundle."""
    opa = find_opa()
    assert opa is not None
    with tempfile.TemporaryDirectory(prefix="mlgate-opa-test-") as tmp:
        with_tests = replace(bundle, modules={**bundle.modules, **bundle.test_modules})
        write_bundle_dir(with_tests, Path(tmp))
        try:
            done = subprocess.run(
                [opa, "test", tmp, "--format", "json"],
                capture_output=True,
                text=True,
                timeout=timeout * 10,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise EngineError(f"opa test did not finish within {timeout * 10:g}s") from None
    try:
        results = json.loads(done.stdout)
    except ValueError:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise EngineError(f"opa test failed: {lines[0] if lines else 'no output'}") from None
    return {
        f"{r['package'].removeprefix('data.')}.{r['name']}": not (r.get("fail") or r.get("error"))
        for r in results
        if isinstance(r, dict) and "package" in r and "name" in r
    }
