"""An OPA-API-compatible test double: OPA's REST routes, status codes and bodies,
evaluated with regorus. It is a *double*: passing against it is not passing
against OPA. It can misbehave on demand (HTTP 500, a non-JSON body, a hang, a
dropped connection) so that engine tests can drive every failure.

    with OpaDouble() as opa:          # 127.0.0.1, random port
        opa.url                       # http://127.0.0.1:PORT
        opa.misbehave("hang", times=1)

Not reproduced: the ``ast`` field of policy listings, query explanations,
metrics, the Query and Compile APIs, bundle downloads. Compile errors that
regorus only raises at evaluation time are found on ``PUT`` by evaluating
``data`` once; other evaluation errors surface at query time (500), as in OPA.
"""

from __future__ import annotations

from typing import Any

from tests.opa_double.server import DOUBLE_VERSION, MODES, OpaDouble, Seen
from tests.opa_double.state import ApiError, DoubleState

__all__ = [
    "DOUBLE_VERSION",
    "MODES",
    "ApiError",
    "DoubleState",
    "OpaDouble",
    "Seen",
    "start_double",
]


def start_double(**options: Any) -> OpaDouble:
    """Start a double (options as ``OpaDouble``); stop it with ``.stop()``."""
    return OpaDouble(**options).start()
