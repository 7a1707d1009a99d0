"""OPA's own decision-log plugin uploading to ``mlgate log serve`` (a real OPA).

OPA is configured with a ``services`` entry for ``log serve`` (bearer token) and
``decision_logs`` reporting to it; mlgate pushes the shipped bundle and asks
decisions over REST; OPA batches them (gzip) and uploads them, also when it stops.
Then ``mlgate log verify`` finds the chain intact and ``mlgate log query --model``
finds the decisions by the model the input named.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from mlgate.bundles.load import load_bundle
from mlgate.decisions.evaluate import prepare_input
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.facts.document import load_facts
from mlgate.resources import bundle_dir
from tests.conftest import REPO
from tests.real_opa import free_port, opa_server, requires_opa

pytestmark = [requires_opa, pytest.mark.opa]

TOKEN = "log-upload-t0ken-8842"
EXAMPLES = ["passing", "failing", "needs-approval"]


def _mlgate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlgate", *args], capture_output=True, text=True, timeout=120
    )


def test_opa_uploads_its_decisions_to_log_serve(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    token = tmp_path / "token"
    token.write_text(TOKEN)
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "mlgate", "log", "serve", "--port", str(port),
         "--token-file", str(token), "--log", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:  # up once it answers (an unauthenticated GET is refused, not dropped)
            try:
                requests.get(f"http://127.0.0.1:{port}/logs", timeout=1)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline and serve.poll() is None, "log serve died"
                time.sleep(0.1)
        config = {
            "services": {
                "mlgate-log": {
                    "url": f"http://127.0.0.1:{port}",
                    "credentials": {"bearer": {"token": TOKEN}},
                }
            },
            "decision_logs": {
                "service": "mlgate-log",
                "reporting": {"min_delay_seconds": 1, "max_delay_seconds": 2},
            },
        }
        (tmp_path / "opa.json").write_text(json.dumps(config))
        args = ["--config-file", str(tmp_path / "opa.json")]
        with opa_server(args, tmp_path / "opa.log", ready="/health") as url:
            engine = OpaRestEngine.from_bundle(load_bundle(bundle_dir()), url=url, timeout=30)
            ids = []
            for name in EXAMPLES:
                facts = load_facts([REPO / f"examples/credit-risk/{name}.yaml"]).document
                engine.evaluate("data.mlgate.decision", prepare_input(facts, None))
                ids.append(engine.last_decision_id)
            engine.close()
            assert all(ids)  # OPA gave each decision an id: its decision logger is on
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and _count(db) < len(EXAMPLES):
                time.sleep(0.5)
    finally:
        serve.terminate()
        output = serve.communicate(timeout=10)[0]
    assert _count(db) >= len(EXAMPLES), output
    verified = _mlgate("log", "verify", "--log", str(db))
    assert verified.returncode == 0 and verified.stdout.startswith("ok: "), verified.stderr
    found = _mlgate("log", "query", "--log", str(db), "--json", "--model", "credit-risk-scorer")
    assert found.returncode == 0, found.stderr
    records = [json.loads(line) for line in found.stdout.splitlines()]
    seen = {json.dumps(r, sort_keys=True) for r in records}
    assert all(any(i in text for text in seen) for i in ids)  # every OPA decision id


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    done = _mlgate("log", "query", "--log", str(db), "--json")
    return len(done.stdout.splitlines()) if done.returncode == 0 else 0
