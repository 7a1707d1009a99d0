"""Many writer processes at once, and writers killed mid-append, on both stores."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlgate.logstore.chain import verify_rows
from mlgate.logstore.open import open_store
from tests.conftest import REPO

WRITERS, EACH = 8, 500


def writer(location: str, count: int, name: str, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.logstore.writer", location, str(count), name, *flags],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def ids_and_report(location: str) -> tuple[list[str], object]:
    store = open_store(location)
    try:
        with store.snapshot():
            ids = [str(r.columns["decision_id"]) for r in store.rows()]
            report = verify_rows(store.rows(), store.head())
    finally:
        store.close()
    return ids, report


@pytest.mark.slow
def test_eight_concurrent_writers_lose_and_duplicate_nothing(log_location: str) -> None:
    open_store(log_location).close()  # the schema exists before the race starts
    procs = [writer(log_location, EACH, f"w{n}") for n in range(WRITERS)]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert out.split() == ["ready", "done"]
    ids, report = ids_and_report(log_location)
    expected = {f"w{n}-{i}" for n in range(WRITERS) for i in range(EACH)}
    assert len(ids) == WRITERS * EACH == len(set(ids))
    assert set(ids) == expected
    assert report.ok, report  # type: ignore[attr-defined]
    assert report.count == WRITERS * EACH  # type: ignore[attr-defined]
    for n in range(WRITERS):  # each writer's records are in its own order
        mine = [int(i.split("-")[1]) for i in ids if i.startswith(f"w{n}-")]
        assert mine == sorted(mine)


def test_writer_killed_inside_its_transaction_leaves_no_partial_record(
    log_location: str,
) -> None:
    store = open_store(log_location)
    store.append([{"kind": "decision", "decision_id": f"before-{i}"} for i in range(3)])
    store.close()
    proc = writer(log_location, 1, "killed", "--hang")
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    assert proc.stdout.readline().strip() == "inside"  # inserted, not committed
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    ids, report = ids_and_report(log_location)
    assert ids == ["before-0", "before-1", "before-2"]
    assert report.ok and report.count == 3  # type: ignore[attr-defined]
    store = open_store(log_location)  # the lock died with the writer
    assert store.append([{"kind": "decision", "decision_id": "after"}])[0].seq == 4
    store.close()
    assert ids_and_report(log_location)[1].ok  # type: ignore[attr-defined]


def test_writers_killed_at_random_moments_leave_a_verifiable_log(
    log_location: str, tmp_path: Path
) -> None:
    open_store(log_location).close()
    for delay in (0.15, 0.3, 0.45):
        proc = writer(log_location, 100_000, f"k{delay}")
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        ids, report = ids_and_report(log_location)
        assert report.ok, report  # type: ignore[attr-defined]
        assert len(ids) == len(set(ids))
    assert len(ids) > 0  # the writers did get records in before they were killed


def test_a_reader_checking_the_head_is_never_fooled_by_a_concurrent_append(
    log_location: str,
) -> None:
    # require_whole compares the count and last seq with the head: read at two
    # instants, an append between them looked like an inserted record.
    from mlgate.logstore.lookup import require_whole

    store = open_store(log_location)
    store.append([{"kind": "decision", "decision_id": "first", "outcome": "pass"}])
    proc = writer(log_location, 100_000, "busy")
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        checks = 0
        while checks < 3000 and proc.poll() is None:
            require_whole(store)  # raises LogStoreError on a false alarm
            checks += 1
        assert store.extent()[0] > 1  # the writer was appending meanwhile
    finally:
        proc.kill()
        proc.wait()
        store.close()
