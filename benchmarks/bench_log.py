"""Decision-log figures: appends/s to SQLite and PostgreSQL, `log verify` over 100,000 records.

Prints figures; it asserts nothing (targets are read by people):
- `mlgate log verify` over 100,000 records in < 10 s on this machine.

PostgreSQL runs on a throwaway server (initdb + pg_ctl, fsync on, as in
production) that the benchmark starts and stops; `--no-postgres` skips it.
Records are decision records of about 1.5 kB (facts + decision document).

Run: .venv/bin/python benchmarks/bench_log.py [--appends N] [--verify N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.logstore.pgserver and tests.logstore.writer


def _entry(i: int) -> dict[str, Any]:
    facts = {
        "apiVersion": "mlgate/v1",
        "kind": "ModelFacts",
        "subject": {"name": f"model-{i % 17}", "version": str(i % 5), "risk_tier": "medium"},
        "metrics": [
            {"name": n, "value": 0.8 + (i % 7) / 100, "source": {"tool": "mlflow", "run_id": "r"}}
            for n in ("roc_auc", "recall", "precision", "f1")
        ],
        "context": {
            "actor": "ci-bot",
            "commit": f"{i:08x}",
            "evaluated_at": "2026-11-01T00:00:00Z",
        },
    }
    decision = {
        "decision_id": f"bench-{i}",
        "outcome": "pass" if i % 3 else "needs_approval",
        "violations": [],
        "missing_evidence": [],
        "required_approvals": [{"role": "model_risk", "count": 1, "given": 0, "reason": "tier"}],
        "bundle": {"revision": "r1", "digest": "sha256:" + "b" * 64},
        "input_digest": "sha256:" + "1" * 64,
        "evidence_digest": "sha256:" + "e" * 64,
    }
    return {
        "kind": "decision",
        "decision_id": f"bench-{i}",
        "subject": facts["subject"],
        "outcome": decision["outcome"],
        "bundle": decision["bundle"],
        "evidence_digest": decision["evidence_digest"],
        "input_digest": decision["input_digest"],
        "engine": {"name": "embedded", "version": "0.13.0"},
        "actor": "ci-bot",
        "facts": facts,
        "masked": [],
        "decision": decision,
    }


def appends(location: str, count: int, label: str) -> None:
    from mlgate.logstore.open import open_store

    store = open_store(location)
    start = time.perf_counter()
    for i in range(count):
        store.append([_entry(i)])
    single = time.perf_counter() - start
    start = time.perf_counter()
    for b in range(count // 100):
        store.append([_entry(b * 100 + i) for i in range(100)])
    batched = time.perf_counter() - start
    store.close()
    rate = count / single
    print(f"{label:<11} appends, one per transaction: {rate:8.0f}/s ({count} in {single:.2f} s)")
    print(f"{label:<11} appends, 100 per transaction: {count / batched:8.0f}/s")


def concurrent(location: str, writers: int, each: int, label: str) -> None:
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.logstore.writer", location, str(each), f"c{n}"],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in range(writers)
    ]
    for proc in procs:
        proc.wait()
    took = time.perf_counter() - start
    print(
        f"{label:<11} {writers} writer processes x {each}: {writers * each / took:8.0f} appends/s "
        f"({took:.2f} s, including process start)"
    )


def verify(location: str, count: int, label: str) -> None:
    from mlgate.logstore.open import open_store

    store = open_store(location)
    start = time.perf_counter()
    for b in range(count // 1000):
        store.append([_entry(b * 1000 + i) for i in range(1000)])
    built = time.perf_counter() - start
    store.close()
    cmd = [str(Path(sys.executable).parent / "mlgate"), "log", "verify", "--log", location]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    status = done.stdout.strip() or done.stderr.strip()
    print(
        f"{label:<11} `mlgate log verify` over {count:,} records: {took:.2f} s (target < 10 s; "
        f"built in {built:.1f} s) -> {status[:40]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--verify", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        appends(str(Path(tmp) / "a.db"), args.appends, "SQLite")
        concurrent(str(Path(tmp) / "c.db"), 8, 250, "SQLite")
        verify(str(Path(tmp) / "v.db"), args.verify, "SQLite")
    if args.no_postgres:
        return
    from tests.logstore import pgserver

    server = pgserver.start(fsync=True)
    try:
        appends(server.new_database(), args.appends, "PostgreSQL")
        concurrent(server.new_database(), 8, 250, "PostgreSQL")
        verify(server.new_database(), args.verify, "PostgreSQL")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
