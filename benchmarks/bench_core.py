"""Decision-core figures: cold `mlgate check` vs the engine floor, warm decisions/s.

Prints figures and ratios; it asserts nothing (targets are read by people):
- cold `mlgate check` ≤ 1.5x a minimal Python script that loads regorus and
  evaluates the same bundle once;
- warm embedded decisions ≥ 2,000/s in one process on the shipped bundle;
- cold `mlgate check --no-log` ≤ 2x a cold `opa eval` of the same bundle (its
  modules without `*_test.rego`, and its data) on the same input, with the real
  OPA `make opa` installs (skipped without one).

Run: .venv/bin/python benchmarks/bench_core.py [--runs N] [--decisions N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXAMPLE = REPO / "examples/credit-risk/passing.yaml"

FLOOR_SCRIPT = """
import json, pathlib, sys, regorus
root = pathlib.Path(sys.argv[1])
engine = regorus.Engine()
for path in sorted(root.rglob("*.rego")):
    if not path.name.endswith("_test.rego"):
        engine.add_policy(str(path), path.read_text())
engine.add_data_json(pathlib.Path(sys.argv[2]).read_text())
engine.set_input_json(pathlib.Path(sys.argv[3]).read_text())
print(engine.eval_rule_as_json("data.mlgate.decision")[:40])
"""


def _median_wall(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _engine_input() -> dict[str, object]:
    from mlgate.decisions.evaluate import prepare_input
    from mlgate.facts.document import load_facts

    return prepare_input(load_facts([EXAMPLE]).document)


def cold(runs: int) -> None:
    from mlgate.bundles.load import load_bundle
    from mlgate.resources import bundle_dir

    bundle = load_bundle(bundle_dir())
    with tempfile.TemporaryDirectory() as tmp:
        data, facts, script = Path(tmp, "data.json"), Path(tmp, "input.json"), Path(tmp, "f.py")
        data.write_text(json.dumps(bundle.data))
        facts.write_text(json.dumps(_engine_input()))
        script.write_text(FLOOR_SCRIPT)
        py = str(BIN / "python")
        bare = _median_wall([py, "-c", "pass"], runs)
        floor = _median_wall([py, str(script), str(bundle_dir()), str(data), str(facts)], runs)
        mlgate = str(BIN / "mlgate")
        # The decision log and the cache in the temporary directory, never the user's.
        env = {**os.environ, "MLGATE_LOG": str(Path(tmp, "log.db"))}
        env["MLGATE_CACHE_DIR"] = str(Path(tmp, "cache"))
        helptime = _median_wall([mlgate, "--help"], runs, env)
        argv = [mlgate, "check", "-f", str(EXAMPLE), "-e", "embedded", "--format", "json"]
        no_cache = _median_wall(argv, runs, {**env, "MLGATE_NO_CACHE": "1"})
        check = _median_wall(argv, runs, env)
        no_log = _median_wall([*argv, "--no-log"], runs, env)
        opa = _opa_eval(Path(tmp), bundle_dir(), data, facts, runs)
    print(f"cold, median of {runs} runs")
    print(f"  bare python                        {bare * 1000:7.1f} ms")
    print(f"  floor: python + regorus + bundle   {floor * 1000:7.1f} ms")
    print(f"  mlgate --help                      {helptime * 1000:7.1f} ms")
    print(f"  mlgate check, empty cache          {no_cache * 1000:7.1f} ms")
    print(f"  mlgate check (embedded)            {check * 1000:7.1f} ms   (logged, cache warm)")
    print(f"  mlgate check --no-log              {no_log * 1000:7.1f} ms")
    print(f"  ratio check / floor                {check / floor:7.2f} x   (target <= 1.5)")
    if opa is not None:
        print(f"  opa eval, same bundle and input    {opa * 1000:7.1f} ms")
        print(f"  ratio check --no-log / opa eval    {no_log / opa:7.2f} x   (goal <= 2)")


def _opa_eval(tmp: Path, bundle: Path, data: Path, facts: Path, runs: int) -> float | None:
    """Median wall time of a cold `opa eval` of the bundle's modules (no tests) and data."""
    opa = REPO / ".tools" / "bin" / "opa"
    found = str(opa) if opa.exists() else shutil.which("opa")
    if found is None:
        print("  (no opa: make opa installs it; the opa eval ratio is skipped)")
        return None
    modules = tmp / "modules"
    for path in bundle.rglob("*.rego"):
        if not path.name.endswith("_test.rego"):
            target = modules / path.relative_to(bundle)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text())
    (tmp / "opa-data").mkdir()
    shutil.copy(data, tmp / "opa-data" / "data.json")
    argv = [found, "eval", "-d", str(modules), "-d", str(tmp / "opa-data"), "-i", str(facts)]
    done = subprocess.run([*argv, "data.mlgate.decision.outcome"], capture_output=True, text=True)
    assert '"value"' in done.stdout, done.stdout + done.stderr  # it decided
    return _median_wall([*argv, "--format", "json", "data.mlgate.decision"], runs)


def warm(decisions: int) -> None:
    from mlgate.bundles.load import load_bundle
    from mlgate.decisions.evaluate import decide
    from mlgate.engine.embedded import EmbeddedEngine
    from mlgate.facts.document import load_facts
    from mlgate.resources import bundle_dir

    bundle = load_bundle(bundle_dir())
    facts = load_facts([EXAMPLE]).document
    variants = []
    for i in range(50):
        doc = json.loads(json.dumps(facts))
        doc["metrics"][0]["value"] = 0.70 + i * 0.005
        variants.append(doc)
    print(f"warm, {decisions} decisions on the shipped bundle, inputs varied")
    for isolate in (False, True):
        with EmbeddedEngine.from_bundle(bundle, isolate=isolate) as engine:
            decide(variants[0], bundle, engine)
            start = time.perf_counter()
            for i in range(decisions):
                decide(variants[i % len(variants)], bundle, engine)
            elapsed = time.perf_counter() - start
        label = "isolated worker" if isolate else "in-process     "
        rate = decisions / elapsed
        print(
            f"  {label} decide(): {rate:8.0f} decisions/s"
            f"  ({elapsed / decisions * 1000:.3f} ms each; target >= 2000/s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--decisions", type=int, default=2000)
    args = parser.parse_args()
    cold(args.runs)
    warm(args.decisions)


if __name__ == "__main__":
    main()
