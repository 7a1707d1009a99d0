"""Rego bundle figures on the embedded engine: ms per decision and per package.

One regorus engine per bundle, compiled once; per decision the input is swapped
(``set_input_json``) and ``data.mlgate.decision`` evaluated, as mlgate's
embedded engine does. Two inputs: the passing credit-risk example (after
mlgate's normalisation) and a large generated one (500 vulnerabilities, 200
metrics, ...). Figures are medians over interleaved rounds, so that a second
bundle (``--baseline``) is measured under the same load; on a shared machine
read the ratios rather than the absolute numbers.

Per package (``data.mlgate.controls.<family>``, ``data.mlgate.lib.<x>``):
- ``alone``: evaluating the package with what it imports (regorus evaluates
  every rule of an imported package the first time one of them is referenced);
- ``self``: ``alone`` minus its imports evaluated on their own, i.e. what the
  package adds to a decision.
The floor is an evaluation of the query ``1`` (regorus re-plans every rule of
the bundle for each query) plus ``set_input_json`` of the input.

With ``--baseline`` (a bundle directory, or ``git:<ref>`` for the ``rego/``
directory of a commit) the decision documents of both bundles are compared on
both inputs and on every golden case before anything is timed.

Run: .venv/bin/python benchmarks/bench_rego.py [--baseline git:HEAD] [--rounds N]
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples/credit-risk/passing.yaml"
CASES = REPO / "tests/cases"


# --- bundles and engines ---------------------------------------------------


def _bundle(location: str) -> Any:
    from mlgate.bundles.load import load_bundle
    from mlgate.bundles.parse import bundle_from_files

    if not location.startswith("git:"):
        return load_bundle(location)
    ref = location[4:]

    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True).stdout

    names = git("ls-tree", "-r", "--name-only", ref, "rego/").decode().split()
    files = {name[len("rego/") :]: git("show", f"{ref}:{name}") for name in names}
    return bundle_from_files(files, source=location)


class Engine:
    """One regorus engine over a bundle's policy modules and data."""

    def __init__(self, label: str, location: str) -> None:
        import regorus

        self.label = label
        self.bundle = _bundle(location)
        self.engine = regorus.Engine()
        self.imports: dict[str, list[str]] = {}
        for name, text in sorted(self.bundle.modules.items()):
            self.engine.add_policy(name, text)
            package = re.search(r"^package (\S+)", text, re.MULTILINE)
            assert package is not None, name
            found = re.findall(r"^import data\.(\S+)", text, re.MULTILINE)
            self.imports.setdefault(package.group(1), []).extend(found)
        self.engine.add_data_json(json.dumps(self.bundle.data))

    def packages(self) -> list[str]:
        return sorted(p for p in self.imports if p != "mlgate")

    def closure(self, package: str) -> set[str]:
        """The packages ``package`` imports, directly or not."""
        seen: set[str] = set()
        todo = [package]
        while todo:
            for dep in self.imports.get(todo.pop(), []):
                if dep in self.imports and dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    def decide(self, input_json: str) -> Any:
        self.engine.set_input_json(input_json)
        return json.loads(self.engine.eval_query_as_json("data.mlgate.decision"))


def _query(packages: set[str] | list[str]) -> str:
    """Evaluate the packages without returning them (the JSON output is not what we time).

    One false expression over all of them: regorus reorders independent
    expressions of a query, so a trailing `false` would be evaluated first.
    """
    return "[" + ", ".join(["0", *(f"data.{p}" for p in sorted(packages))]) + "] == []"


# --- inputs -----------------------------------------------------------------


def passing_input() -> dict[str, Any]:
    from mlgate.decisions.evaluate import prepare_input
    from mlgate.facts.document import load_facts

    return prepare_input(load_facts([EXAMPLE]).document)


def large_input(vulnerabilities: int = 500, metrics: int = 200) -> dict[str, Any]:
    """The passing example grown to a big scan and a long metrics list.

    Severities are mostly low/medium with a few high and critical ones, so the
    security rules build real violation messages; extra metrics mix unknown
    names, sliced copies of the canonical ones and a few nulls.
    """
    doc = copy.deepcopy(passing_input())
    base = doc["metrics"]
    extra: list[dict[str, Any]] = []
    k = 0
    while len(base) + len(extra) < metrics:
        template = base[k % len(base)]
        entry = {key: value for key, value in template.items() if key != "value"}
        if k % 3 == 0:
            entry["slice"] = {"segment": f"segment-{k}"}
            entry["value"] = template["value"]
        elif k % 3 == 1:
            entry["name"] = f"custom_metric_{k}"
            entry["value"] = round(0.5 + (k % 40) / 100, 3)
        else:
            entry["name"] = f"custom_metric_{k}"
            entry["value"] = None if k % 10 == 2 else k
        extra.append(entry)
        k += 1
    doc["metrics"] = base + extra
    severities = ["low"] * 12 + ["medium"] * 6 + ["high"] * 1 + ["critical"] * 1
    doc["security"]["vulnerabilities"] = [
        {
            "id": f"GHSA-{i:04d}-test-vuln",
            "severity": severities[i % len(severities)],
            "package": f"package-{i % 97}",
            "version": f"1.{i % 13}.0",
            "fix_versions": [f"1.{i % 13}.1"],
            "source": {"tool": "pip-audit", "file": "security/pip-audit.json"},
        }
        for i in range(vulnerabilities)
    ]
    doc["change"]["baseline_metrics"] = [
        {"name": m["name"], "value": m["value"], "dataset": "baseline"}
        for m in base
        if isinstance(m.get("value"), (int, float))
    ] + [
        {"name": f"custom_metric_{k}", "value": 0.6, "dataset": "baseline"} for k in range(1, 60, 3)
    ]
    doc["fairness"] = doc["fairness"] + [
        {**f, "sensitive_feature": feature}
        for feature in ("age_band", "region", "income_band", "marital_status")
        for f in doc["fairness"]
    ]
    doc["robustness"] = [
        {
            "test": f"perturbation_{i}",
            "metric": "roc_auc",
            "value": 0.86,
            "baseline": 0.874,
            "degradation": 0.014,
        }
        for i in range(20)
    ]
    doc["approvals"] = doc["approvals"] + [
        {
            "role": "reviewer",
            "principal": f"reviewer-{i}",
            "decision": "approve",
            "at": "2026-11-21T10:00:00Z",
        }
        for i in range(8)
    ]
    return doc


def golden_inputs() -> dict[str, dict[str, Any]]:
    import yaml

    from mlgate.decisions.evaluate import prepare_input
    from mlgate.facts.normalize import normalize

    found = {}
    for path in sorted(CASES.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[path.stem] = prepare_input(normalize(case["facts"]))
    return found


# --- timing -----------------------------------------------------------------


def _per_call(fn: Callable[[], object], budget_s: float) -> float:
    """ms per call of fn, repeated for about budget_s."""
    fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget_s:
            return elapsed / calls * 1000


def _samples(
    engines: list[Engine], inputs: dict[str, str], rounds: int, budget: float
) -> dict[tuple[str, str, str], list[float]]:
    """{(engine, input, measurement): [ms per call, one per round]}, interleaved."""
    samples: dict[tuple[str, str, str], list[float]] = {}

    def add(key: tuple[str, str, str], fn: Callable[[], object]) -> None:
        samples.setdefault(key, []).append(_per_call(fn, budget))

    for _ in range(rounds):
        for name, text in inputs.items():
            for e in engines:
                eng = e.engine

                def decision(eng: Any = eng, text: str = text) -> object:
                    eng.set_input_json(text)
                    return eng.eval_query_as_json("data.mlgate.decision")

                add((e.label, name, "decision (set input + eval)"), decision)
                eng.set_input_json(text)
                add(
                    (e.label, name, "decision (eval only)"),
                    lambda eng=eng: eng.eval_query_as_json("data.mlgate.decision"),
                )
                add(
                    (e.label, name, "floor: set input"),
                    lambda eng=eng, text=text: eng.set_input_json(text),
                )
                eng.set_input_json(text)
                add((e.label, name, "floor: eval 1"), lambda eng=eng: eng.eval_query_as_json("1"))
                for package in e.packages():
                    deps = e.closure(package)
                    alone, without = _query(deps | {package}), _query(deps)
                    add(
                        (e.label, name, f"{package} alone"),
                        lambda eng=eng, q=alone: eng.eval_query_as_json(q),
                    )
                    add(
                        (e.label, name, f"{package} deps"),
                        lambda eng=eng, q=without: eng.eval_query_as_json(q),
                    )
    return samples


def _report(
    engines: list[Engine], inputs: dict[str, str], samples: dict[tuple[str, str, str], list[float]]
) -> None:
    med = {key: statistics.median(values) for key, values in samples.items()}
    labels = [e.label for e in engines]
    for name in inputs:
        print(
            f"\n== input: {name} ({len(inputs[name]) / 1024:.1f} KiB JSON),"
            " ms per evaluation, median"
        )
        header = "".join(f"{label:>12s}" for label in labels)
        ratio = "   ratio" if len(labels) == 2 else ""
        print(f"{'':44s}{header}{ratio}")

        def row(title: str, values: list[float]) -> None:
            cells = "".join(f"{v:12.3f}" for v in values)
            r = f"{values[1] / values[0]:8.2f}" if len(values) == 2 and values[0] > 0 else ""
            print(f"{title:44s}{cells}{r}")

        for what in (
            "decision (set input + eval)",
            "decision (eval only)",
            "floor: set input",
            "floor: eval 1",
        ):
            row(what, [med[(label, name, what)] for label in labels])
        rate = [1000 / med[(label, name, "decision (set input + eval)")] for label in labels]
        print(f"{'decisions/s (target >= 2000)':44s}" + "".join(f"{r:12.0f}" for r in rate))
        print(f"{'per package: self (alone)':44s}")
        for package in engines[0].packages():
            cells = []
            for label in labels:
                alone = med.get((label, name, f"{package} alone"))
                deps = med.get((label, name, f"{package} deps"))
                cells.append(
                    ""
                    if alone is None or deps is None
                    else f"{max(alone - deps, 0):6.3f} ({alone:5.2f})"
                )
            print(f"  {package:42s}" + "".join(f"{c:>16s}" for c in cells))


# --- equivalence --------------------------------------------------------------


def check_same_decisions(engines: list[Engine], inputs: dict[str, dict[str, Any]]) -> None:
    base, new = engines
    differ = []
    for name, doc in inputs.items():
        text = json.dumps(doc)
        if base.decide(text) != new.decide(text):
            differ.append(name)
    if differ:
        raise SystemExit(f"decisions differ between {base.label} and {new.label}: {differ}")
    print(f"same decision documents from {base.label} and {new.label} on {len(inputs)} inputs")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--bundle", default=str(REPO / "rego"), help="bundle to measure (default: rego/)"
    )
    parser.add_argument("--baseline", help="bundle to compare with: a directory or git:<ref>")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median taken)")
    parser.add_argument("--budget", type=float, default=0.2, help="seconds per sample")
    parser.add_argument("--vulnerabilities", type=int, default=500)
    parser.add_argument("--metrics", type=int, default=200)
    parser.add_argument("--decision-only", action="store_true", help="skip the per-package figures")
    args = parser.parse_args()

    engines = [Engine("after" if args.baseline else "bundle", args.bundle)]
    if args.baseline:
        engines.insert(0, Engine("before", args.baseline))
    docs = {"passing": passing_input(), "large": large_input(args.vulnerabilities, args.metrics)}
    if args.baseline:
        check_same_decisions(engines, {**docs, **golden_inputs()})
    if args.decision_only:
        for e in engines:
            e.imports = {"mlgate": e.imports.get("mlgate", [])}
    inputs = {name: json.dumps(doc) for name, doc in docs.items()}
    _report(engines, inputs, _samples(engines, inputs, args.rounds, args.budget))


if __name__ == "__main__":
    main()
