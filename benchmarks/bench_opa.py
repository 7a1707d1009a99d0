"""The embedded engine beside a real OPA, side by side on the same bundle and facts.

Prints figures and ratios; it asserts nothing (targets are read by people):
- engine only, one process, sequential: the embedded engine in-process against
  one real OPA server over REST with a keep-alive session, on the same prepared
  inputs (goal: embedded >= 3x OPA REST);
- the whole recertify pipeline (read, validate, normalise, decide, log) over the
  same documents: the embedded engine with 2 worker processes, one real OPA
  server, and two real OPA servers (goal: >= 1,000 decisions/s on 2 cores).

The OPA is the one `make opa` installs (.tools/bin/opa) or any on PATH; each
server is `opa run --server` on 127.0.0.1 with its own log, stopped at the end.
The documents are those of bench_recertify (medium- and high-tier facts).

Run: .venv/bin/python benchmarks/bench_opa.py [--docs N] [--engine-docs N] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import requests
from bench_recertify import AT, generate

REPO = Path(__file__).resolve().parents[1]


def _opa() -> str:
    tools = REPO / ".tools" / "bin" / "opa"
    found = str(tools) if tools.exists() else shutil.which("opa")
    if found is None:
        raise SystemExit("no opa: run `make opa` (go install into .tools/) or put opa on PATH")
    return found


@contextmanager
def opa_server(log: Path) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [_opa(), "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.05)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _inputs(facts: Path, n: int) -> list[dict[str, Any]]:
    from mlgate.decisions.evaluate import prepare_input
    from mlgate.facts.document import load_facts

    paths = sorted(facts.rglob("*.json"))[:n]
    return [prepare_input(load_facts([p]).document, AT) for p in paths]


def engine_only(inputs: list[dict[str, Any]], url: str) -> tuple[float, float]:
    """Decisions/s of the embedded engine and of one OPA server over REST, sequential."""
    from mlgate.bundles.load import load_bundle
    from mlgate.engine.base import DECISION_QUERY
    from mlgate.engine.embedded import EmbeddedEngine
    from mlgate.engine.opa_rest import OpaRestEngine
    from mlgate.resources import bundle_dir

    bundle = load_bundle(bundle_dir())
    rates = []
    with EmbeddedEngine.from_bundle(bundle, isolate=False) as embedded:
        rest = OpaRestEngine.from_bundle(bundle, url=url, timeout=30)
        try:
            for engine in (embedded, rest):
                outcomes = [engine.evaluate(DECISION_QUERY, x)["outcome"] for x in inputs[:50]]
                start = time.perf_counter()
                for x in inputs:
                    engine.evaluate(DECISION_QUERY, x)
                rates.append(len(inputs) / (time.perf_counter() - start))
                assert outcomes  # warm-up decided
        finally:
            rest.unload()
            rest.close()
    return rates[0], rates[1]


def recertify_rate(facts: Path, log: Path, workers: int, urls: tuple[str, ...] = ()) -> float:
    from mlgate.engine.select import EngineOptions
    from mlgate.fleet.recertify import recertify
    from mlgate.fleet.sources import FactsDir
    from mlgate.resources import bundle_dir

    engine = EngineOptions(name="opa-url" if urls else "embedded", timeout=30)
    start = time.perf_counter()
    summary = recertify(
        FactsDir(facts),
        bundle_location=bundle_dir(),
        log=str(log),
        evaluated_at=AT,
        engine=engine,
        opa_urls=urls,
        workers=workers,
    )
    elapsed = time.perf_counter() - start
    assert summary.counts.get("error", 0) == 0, summary.counts
    return summary.total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--engine-docs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    version = subprocess.run([_opa(), "version"], capture_output=True, text=True).stdout
    print(f"machine: {os.cpu_count()} CPU(s); Python {sys.version.split()[0]}; OPA "
          f"{version.splitlines()[0].removeprefix('Version: ')}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        facts = Path(tmp, "facts")
        facts.mkdir()
        generate(facts, args.docs)
        one = stack.enter_context(opa_server(Path(tmp, "a.log")))
        two = stack.enter_context(opa_server(Path(tmp, "b.log")))

        inputs = _inputs(facts, args.engine_docs)
        embedded, rest = engine_only(inputs, one)
        print(f"engine only, sequential, {len(inputs)} prepared inputs:")
        print(f"  embedded in-process        {embedded:8.0f} decisions/s")
        print(f"  one OPA server over REST   {rest:8.0f} decisions/s")
        print(f"  ratio embedded / OPA REST  {embedded / rest:8.2f}x   (goal >= 3x)")

        print(f"recertify, {args.docs} documents, {args.workers} worker processes, SQLite log:")
        rates = {
            "embedded": recertify_rate(facts, Path(tmp, "e.db"), args.workers),
            "one OPA server": recertify_rate(facts, Path(tmp, "o1.db"), args.workers, (one,)),
            "two OPA servers": recertify_rate(facts, Path(tmp, "o2.db"), args.workers, (one, two)),
        }
        for label, rate in rates.items():
            print(f"  {label:<25}  {rate:8.0f} decisions/s   (goal >= 1000/s)")
        base = rates["one OPA server"]
        print(f"  ratio embedded / one OPA   {rates['embedded'] / base:8.2f}x")
        print(f"  ratio two OPA / one OPA    {rates['two OPA servers'] / base:8.2f}x")
        print(json.dumps({"engine_only": {"embedded": embedded, "opa_rest": rest},
                          "recertify": rates}))  # fmt: skip


if __name__ == "__main__":
    main()
