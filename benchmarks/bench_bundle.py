"""Bundle figures: build + sign a large bundle; `bundle diff` impact analysis throughput.

1. Build and sign (RS256) a generated bundle of 200 policy files and ~5 MB of
   JSON data, write the archive, then verify it (every file's OPA digest).
2. Impact analysis (`mlgate bundle diff OLD NEW --facts-dir DIR`) over 5,000
   generated facts files: OLD is the shipped bundle, NEW the same with
   stricter AUC minimums. Each document is read, validated, normalised and
   evaluated under both bundles (validated where the verdict changes); run
   with 1 worker and with every core. Then the decision-log mode, where the
   logged OLD verdict is reused (one evaluation per document).

Target (issue 5): impact analysis ≥ 500 documents/s on 2 cores.
Prints figures; asserts nothing. On a shared machine, compare runs made together.

Run: .venv/bin/python benchmarks/bench_bundle.py [--docs N] [--policies N] [--data-mb N]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

POLICY = """package bench.p{i:03d}

# METADATA
# title: Generated check {i}
# description: A generated rule that reads its own data and the input.
# custom:
#   control_id: BENCH-{i:03d}
#   severity: low
#   requires: [/metrics]
violation contains v if {{
\tsome m in input.metrics
\tm.name == data.bench.data.names[{i}]
\tm.value < {i}
\tv := {{"control": "BENCH-{i:03d}", "metric": m.name}}
}}
"""


def _rsa_key(root: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = root / "signing.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (root / "verify.pem").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def bench_build(root: Path, policies: int, data_mb: float) -> None:
    from mlgate.bundles.jws import load_key
    from mlgate.bundles.sign import SigningOptions
    from mlgate.bundles.verify import verify_location
    from mlgate.distribution.build import build_files, write_archive

    src = root / "big"
    for i in range(policies):
        path = src / "bench" / f"p{i:03d}" / "policy.rego"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(POLICY.format(i=i))
    rng = random.Random(7)
    records, size = [], 0
    while size < data_mb * 2**20:
        rec = {"id": f"r{len(records):07d}", "score": round(rng.random(), 6), "tags": ["a", "b"]}
        records.append(rec)
        size += len(json.dumps(rec)) + 2
    data = {"names": [f"metric_{i}" for i in range(policies)], "records": records}
    (src / "bench" / "data").mkdir(parents=True)
    (src / "bench" / "data" / "data.json").write_text(json.dumps(data))
    data_bytes = (src / "bench" / "data" / "data.json").stat().st_size
    key = load_key(_rsa_key(root), None, for_signing=True)
    start = time.perf_counter()
    built = build_files(src, revision="bench", signing=SigningOptions(key, key_id="bench"))
    archive = root / "big.tar.gz"
    size_written = write_archive(built.files, archive)
    built_s = time.perf_counter() - start
    start = time.perf_counter()
    verify_location(str(archive), load_key(root / "verify.pem", None, for_signing=False))
    verify_s = time.perf_counter() - start
    print(
        f"build+sign: {policies} policy files + {data_bytes / 2**20:.1f} MB data → "
        f"{size_written / 2**20:.2f} MB archive in {built_s:.2f} s; verify {verify_s:.2f} s"
    )


def _facts_docs(n: int) -> list[dict[str, Any]]:
    cases = [
        yaml.safe_load(p.read_text())["facts"]
        for p in sorted((REPO / "tests/cases").glob("*.yaml"))
    ]
    rng = random.Random(11)
    docs = []
    for i in range(n):
        doc = copy.deepcopy(cases[i % len(cases)])
        doc["subject"]["name"] = f"model-{i:05d}"
        for metric in doc.get("metrics", []):
            if isinstance(metric.get("value"), float) and metric["value"] <= 1:
                metric["value"] = round(
                    min(1.0, max(0.0, metric["value"] + rng.uniform(-0.1, 0.1))), 3
                )
        docs.append(doc)
    return docs


def _stricter(root: Path) -> Path:
    from mlgate.resources import bundle_dir

    target = root / "new-policy"
    shutil.copytree(bundle_dir(), target)
    thresholds = target / "mlgate" / "thresholds" / "data.yaml"
    text = thresholds.read_text().replace("roc_auc: 0.70", "roc_auc: 0.80")
    thresholds.write_text(text.replace("roc_auc: 0.75", "roc_auc: 0.85"))
    return target


def bench_impact(root: Path, n: int) -> None:
    from mlgate.authoring.impact import analyse
    from mlgate.authoring.impact_sources import facts_dir_items
    from mlgate.bundles.load import load_bundle
    from mlgate.decisions.verdict import Item, Verdict, verdict_of
    from mlgate.engine.embedded import EmbeddedEngine
    from mlgate.facts.normalize import normalize
    from mlgate.resources import bundle_dir

    facts_dir = root / "facts"
    facts_dir.mkdir()
    docs = _facts_docs(n)
    for i, doc in enumerate(docs):
        (facts_dir / f"model-{i:05d}.json").write_text(json.dumps(doc))
    old, new = load_bundle(bundle_dir()), load_bundle(_stricter(root))
    items = facts_dir_items(facts_dir)
    cores = os.cpu_count() or 1
    for jobs in sorted({1, cores}):
        start = time.perf_counter()
        report = analyse(old, new, items, jobs=jobs)
        took = time.perf_counter() - start
        print(
            f"impact (--facts-dir), {jobs} worker(s): {n} docs in {took:.2f} s = "
            f"{n / took:.0f} docs/s; {len(report.changed)} change verdict, "
            f"{len(report.invalid)} invalid"
        )
    with EmbeddedEngine.from_bundle(old, isolate=False) as engine:  # the log's OLD verdicts
        logged = []
        for i, doc in enumerate(docs):
            facts = normalize(doc)
            verdict = verdict_of(engine, facts)
            assert isinstance(verdict, Verdict)
            logged.append(Item(f"d{i}", document=facts, logged=verdict, logged_digest=old.digest))
    start = time.perf_counter()
    report = analyse(old, new, logged, jobs=cores)
    took = time.perf_counter() - start
    print(
        f"impact (--decisions, OLD verdicts reused), {cores} worker(s): {n} docs in "
        f"{took:.2f} s = {n / took:.0f} docs/s; {len(report.changed)} change verdict"
    )
    print("target: ≥ 500 docs/s on 2 cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--policies", type=int, default=200)
    parser.add_argument("--data-mb", type=float, default=5.0)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        bench_build(Path(tmp), args.policies, args.data_mb)
        bench_impact(Path(tmp), args.docs)


if __name__ == "__main__":
    main()
