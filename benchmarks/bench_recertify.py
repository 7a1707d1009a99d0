"""Fleet re-certification figures: decisions/s and peak memory over 10,000 facts documents.

Prints figures; it asserts nothing (targets are read by people):
- >= 1,000 decisions/s on this machine's 2 cores with the embedded engine;
- peak RSS < 300 MB (the parent and its worker processes together);
- the same through the OPA REST path (a keep-alive session per worker process).

The documents are medium- and high-tier facts (the golden case
medium_tier_complete_passes, varied per model: name, version, metrics,
tier), written to a temporary directory and streamed from there; every
decision is appended to a fresh SQLite decision log, a batch per transaction.

The REST path runs against tests/opa_double, an OPA-API test double
(Python + regorus) started in its own process: it is NOT OPA, and its figure
says nothing about a real OPA server's throughput.

Run: .venv/bin/python benchmarks/bench_recertify.py [--docs N] [--workers N]
     [--rest-docs N] [--rest-workers N] [--skip-rest]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
AT = "2025-06-02T12:00:00Z"  # the evaluation time of the golden case the documents copy
PAGE = os.sysconf("SC_PAGE_SIZE")


def _template() -> dict[str, Any]:
    case = REPO / "tests/cases/medium_tier_complete_passes.yaml"
    facts: dict[str, Any] = yaml.safe_load(case.read_text(encoding="utf-8"))["facts"]
    return facts


def generate(root: Path, n: int) -> None:
    """``n`` distinct facts documents; about 1 in 5 fails (a low AUC or recall)."""
    base, rng = _template(), random.Random(8)
    text = json.dumps(base)
    for i in range(n):
        doc = json.loads(text)
        doc["subject"]["name"] = f"model-{i:05d}"
        doc["subject"]["version"] = f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.0"
        doc["subject"]["risk_tier"] = "medium" if rng.random() < 0.8 else "high"
        for metric in doc["metrics"]:
            if metric["name"] in ("roc_auc", "recall"):
                metric["value"] = round(rng.uniform(0.70, 0.95), 4)
        sub = root / f"team-{i % 20:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"model-{i:05d}.json").write_text(json.dumps(doc), encoding="utf-8")


class TreeRss:
    """Samples the summed RSS of this process and all its descendants (Linux /proc)."""

    def __init__(self, every: float = 0.05) -> None:
        self.peak = 0
        self._every, self._stop = every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(os.getpid())))
            self._stop.wait(self._every)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    task = Path(f"/proc/{pid}/task")
    for tid in task.iterdir() if task.is_dir() else []:
        with contextlib.suppress(OSError):
            out += [int(c) for c in (tid / "children").read_text().split()]
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def run(label: str, facts: Path, log: Path, **options: Any) -> None:
    from mlgate.fleet.recertify import recertify
    from mlgate.fleet.sources import FactsDir
    from mlgate.resources import bundle_dir

    source = FactsDir(facts)
    with TreeRss() as rss:
        start = time.perf_counter()
        summary = recertify(
            source, bundle_location=bundle_dir(), log=str(log), evaluated_at=AT, **options
        )
        elapsed = time.perf_counter() - start
    counts = ", ".join(f"{v} {k}" for k, v in sorted(summary.outcomes.items()))
    print(f"{label}")
    print(
        f"  {summary.total} decisions in {elapsed:.1f} s: "
        f"{summary.total / elapsed:7.0f} decisions/s   (target >= 1000/s)"
    )
    print(f"  peak RSS, parent + workers summed: {rss.peak / 2**20:6.0f} MB   (target < 300 MB)")
    print(
        f"  peak RSS, parent alone:            "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB"
    )
    print(f"  outcomes under the bundle: {counts}")


def start_double() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.opa_double", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://\S+", line)
    if match is None:
        proc.kill()
        raise SystemExit(f"the OPA double did not start: {line!r}")
    return proc, match.group(0).rstrip(";")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--rest-docs", type=int, default=10_000)
    parser.add_argument("--rest-workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-rest", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPU(s); Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        facts = Path(tmp, "facts")
        facts.mkdir()
        generate(facts, args.docs)
        run(
            f"embedded engine, {args.workers} worker processes, {args.docs} documents",
            facts, Path(tmp, "embedded.db"), workers=args.workers,
        )  # fmt: skip
        if args.skip_rest:
            return
        rest = Path(tmp, "rest")
        rest.mkdir()
        generate(rest, args.rest_docs)
        proc, url = start_double()
        try:
            run(
                f"OPA REST path against tests/opa_double (NOT OPA, one Python process), "
                f"{args.rest_workers} worker processes with keep-alive sessions, "
                f"{args.rest_docs} documents",
                rest, Path(tmp, "rest.db"), engine="opa-url", opa_url=url,
                workers=args.rest_workers,
            )  # fmt: skip
            print("  (the double's process is not counted in the RSS above)")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
