"""Run the double by hand: ``python -m tests.opa_double --port 8181``."""

from __future__ import annotations

import argparse
import threading

from tests.opa_double.server import OpaDouble


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.opa_double",
        description="An OPA-API-compatible test double (regorus inside).",
    )
    parser.add_argument(
        "--port", type=int, default=8181, help="port on 127.0.0.1 (0: any free one)"
    )
    parser.add_argument("--token", help="require 'Authorization: Bearer TOKEN'")
    parser.add_argument(
        "--require-bundle-activation",
        action="store_true",
        help="GET /health?bundles answers 500 (never activated by hand)",
    )
    parser.add_argument("--decision-ids", action="store_true", help="add decision_id to answers")
    args = parser.parse_args(argv)
    double = OpaDouble(
        token=args.token,
        require_bundle_activation=args.require_bundle_activation,
        decision_ids=args.decision_ids,
        port=args.port,
    ).start()
    print(f"OPA double (not OPA) listening on {double.url}; Ctrl-C stops it", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        double.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
