"""Facts-collection figures: an MLflow store of 1,000 runs x 20 metrics, a 5,000-vulnerability
pip-audit report.

Prints figures; it asserts nothing (targets are read by people):
- collecting one run must not be dominated by import time: the figures show
  ``import mlflow`` apart from the collection itself, and the CLI end to end;
- the 5,000-vulnerability report collects (read, validate, merge) in well under a second.

Run: .venv/bin/python benchmarks/bench_collect.py [--runs N] [--metrics N] [--vulns N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _timed(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<52} {seconds * 1000:9.1f} ms {extra}")


def build_store(root: Path, runs: int, metrics: int) -> tuple[str, list[str]]:
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{root}/mlflow.db"
    client = MlflowClient(uri, uri)
    experiment = client.create_experiment("bench", artifact_location=(root / "a").as_uri())
    ids = []
    now = int(time.time() * 1000)
    for r in range(runs):
        run = client.create_run(experiment)
        values = [Metric(f"metric_{m}", (r * m % 97) / 97, now, 0) for m in range(metrics - 2)]
        values += [Metric("roc_auc", 0.8, now, 0), Metric("test_accuracy_score", 0.85, now, 0)]
        client.log_batch(run.info.run_id, metrics=values, params=[Param("seed", str(r))])
        client.set_terminated(run.info.run_id)
        ids.append(run.info.run_id)
    return uri, ids


def bench_mlflow(runs: int, metrics: int) -> None:
    print(f"MLflow store: {runs} runs x {metrics} metrics (SQLite, local artifacts)")
    cold = subprocess.run(
        [sys.executable, "-c", "import time; t=time.perf_counter(); import mlflow.tracking; "
         "print(time.perf_counter()-t)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    _timed("import mlflow.tracking (fresh interpreter)", float(cold.stdout))
    from mlgate.facts.adapters.base import AdapterOptions, get_adapter

    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as tmp:
        started = time.perf_counter()
        uri, ids = build_store(Path(tmp), runs, metrics)
        _timed(f"build the store ({runs} runs, not collection)", time.perf_counter() - started)
        adapter = get_adapter("mlflow", AdapterOptions(tracking_uri=uri))
        adapter.collect(f"runs:/{ids[0]}")  # warm: imports done, connection pool made
        samples = []
        for run_id in ids[:: max(1, len(ids) // 20)]:
            t = time.perf_counter()
            fragment = adapter.collect(f"runs:/{run_id}")
            samples.append(time.perf_counter() - t)
        assert len(fragment.document["metrics"]) == metrics
        _timed("collect one run (adapter, median of 20)", statistics.median(samples))
        started = time.perf_counter()
        for run_id in ids:
            adapter.collect(f"runs:/{run_id}")
        total = time.perf_counter() - started
        _timed(f"collect all {runs} runs one by one", total, f"({runs / total:.0f} runs/s)")
        out = Path(tmp) / "facts.json"
        t = time.perf_counter()
        done = subprocess.run(
            [str(BIN / "mlgate"), "facts", "collect", "--tracking-uri", uri, "--from",
             f"mlflow:runs:/{ids[-1]}", "--from", "declarations:" + _subject(Path(tmp)),
             "-o", str(out)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        cli = time.perf_counter() - t
        ok = "ok" if done.returncode == 0 else f"FAILED: {done.stderr.strip()[:200]}"
        _timed("mlgate facts collect, one run, whole process", cli, ok)
        print(f"  import share of the CLI run: {float(cold.stdout) / cli:.0%}")
        with _server(uri, Path(tmp)) as url:
            remote = get_adapter("mlflow", AdapterOptions(tracking_uri=url))
            remote.collect(f"runs:/{ids[0]}")
            samples = []
            for run_id in ids[:: max(1, len(ids) // 20)]:
                t = time.perf_counter()
                remote.collect(f"runs:/{run_id}")
                samples.append(time.perf_counter() - t)
            _timed("collect one run over REST (median of 20)", statistics.median(samples))
            t = time.perf_counter()
            done = subprocess.run(
                [str(BIN / "mlgate"), "facts", "collect", "--tracking-uri", url, "--from",
                 f"mlflow:runs:/{ids[-1]}", "--from", "declarations:" + _subject(Path(tmp)),
                 "-o", str(out)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            ok = "ok" if done.returncode == 0 else f"FAILED: {done.stderr.strip()[:200]}"
            _timed("mlgate facts collect over REST, whole process", time.perf_counter() - t, ok)


@contextlib.contextmanager
def _server(uri: str, root: Path) -> Iterator[str]:
    """``mlflow server`` over the store on a free local port, stopped afterwards."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(BIN / "mlflow"), "server", "--backend-store-uri", uri, "--host",
               "127.0.0.1", "--port", str(port), "--workers", "1"]  # fmt: skip
    with (root / "server.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _subject(root: Path) -> str:
    path = root / "subject.yaml"
    statement = {
        "fact": "/subject", "value": {"name": "bench", "version": "1"}, "asserted_by": "bench",
        "asserted_at": "2026-01-01T00:00:00Z", "evidence": "https://example.com/bench",
        "expires_at": "2099-01-01T00:00:00Z",
    }  # fmt: skip
    path.write_text(json.dumps({"declarations": [statement]}))
    return str(path)


def bench_pip_audit(vulns: int) -> None:
    from mlgate.facts.adapters.base import AdapterOptions, get_adapter
    from mlgate.facts.collection import collect_facts

    print(f"pip-audit report: {vulns} vulnerabilities")
    per_dep = 5
    deps = [
        {"name": f"pkg-{d}", "version": "1.0.0", "vulns": [
            {"id": f"GHSA-{d:04d}-{v:04d}-bench", "fix_versions": ["1.0.1"],
             "aliases": [f"CVE-2026-{d * per_dep + v}"], "description": "x" * 80}
            for v in range(per_dep)]}
        for d in range(vulns // per_dep)
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as tmp:
        path = Path(tmp) / "audit.json"
        path.write_text(json.dumps({"dependencies": deps, "fixes": []}))
        size = path.stat().st_size
        adapter = get_adapter("pip-audit", AdapterOptions())
        t = time.perf_counter()
        fragment = adapter.collect(str(path))
        _timed("adapter: read and map", time.perf_counter() - t, f"({size / 1e6:.1f} MB)")
        assert len(fragment.document["security"]["vulnerabilities"]) == vulns
        t = time.perf_counter()
        collect_facts([f"pip-audit:{path}"], subject_from="declarations:" + _subject(Path(tmp)))
        _timed("collect: adapter + validate + normalize + merge", time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--vulns", type=int, default=5000)
    args = parser.parse_args()
    bench_pip_audit(args.vulns)
    bench_mlflow(args.runs, args.metrics)


if __name__ == "__main__":
    main()
