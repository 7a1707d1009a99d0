"""A writer process for the concurrency and crash tests.

``python -m tests.logstore.writer LOCATION COUNT NAME [--hang]``: appends COUNT
records named NAME-0 … ; with ``--hang`` the first append stops inside its
transaction (after the insert, before the commit), prints ``inside`` and waits
to be killed.
"""

from __future__ import annotations

import sys
import time

from mlgate.logstore.open import open_store


def main(argv: list[str]) -> int:
    location, count, name = argv[0], int(argv[1]), argv[2]
    store = open_store(location)
    if "--hang" in argv:

        def hang() -> None:
            print("inside", flush=True)
            time.sleep(600)

        store._before_commit = hang  # type: ignore[attr-defined]
    print("ready", flush=True)
    for i in range(count):
        store.append([{"kind": "decision", "decision_id": f"{name}-{i}", "outcome": "pass"}])
    store.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
