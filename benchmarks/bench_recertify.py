"""Fleet re-certification figures: decisions/s and peak memory over 10,000 facts documents.

Prints figures; it asserts nothing (targets are read by people):
- >= 1,000 decisions/s on this machine's 2 cores with the embedded engine;
- peak RSS < 300 MB (the parent and its worker processes together);

The documents are medium- and high-tier facts (the golden case
medium_tier_complete_passes, varied per model: name, version, metrics,
tier), written to a temporary directory and streamed from there; every
decision is appended to a fresh SQLite decision log, a batch per transaction.

The same pipeline against real OPA servers, side by side with this one, is
bench_opa.py.

Run: .venv/bin/python benchmarks/bench_recertify.py [--docs N] [--workers N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
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


if __name__ == "__main__":
    main()
