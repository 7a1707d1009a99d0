"""``mlgate bundle push``: load a bundle's policies and data into a running OPA.

For simple set-ups without a bundle service. The pushing is ``OpaRestEngine``'s
(``PUT /v1/policies/<id>`` per module, ``PUT /v1/data/<path>`` per data
document, stale modules of an earlier push of the same source deleted). Every
module is parsed here first; if OPA still refuses a part, what it served before
is put back. Test modules are not pushed.
A token for OPA's ``--authentication=token`` comes from ``$MLGATE_OPA_TOKEN``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.bundles.entry import require_entry_point
from mlgate.engine.opa_rest import OpaRestEngine
from mlgate.engine.syntax import require_parsable

if TYPE_CHECKING:
    from mlgate.bundles.model import Bundle
    from mlgate.engine.opa_conn import OpaConnection

TOKEN_ENV = "MLGATE_OPA_TOKEN"


@dataclass(frozen=True)
class Pushed:
    location: str
    policies: tuple[str, ...]
    data: tuple[str, ...]
    revision: str
    digest: str

    def to_json(self) -> dict[str, Any]:
        return {
            "opa": self.location,
            "revision": self.revision,
            "digest": self.digest,
            "policies": list(self.policies),
            "data": list(self.data),
        }


def push(
    bundle: Bundle,
    url: str,
    *,
    timeout: float = 30.0,
    token: str | None = None,
    connection: OpaConnection | None = None,
) -> Pushed:
    """Push ``bundle`` (policies and data) to the OPA at ``url``; check the entry point first.

    ``connection`` (CA bundle, client certificate, token, retries) as for ``check``;
    without one, a token from ``token`` or ``$MLGATE_OPA_TOKEN``."""

    require_entry_point(bundle)
    require_parsable(bundle.modules, bundle.source)  # before OPA is touched
    if connection is None:
        token = token or os.environ.get(TOKEN_ENV)
    engine = OpaRestEngine.from_bundle(
        bundle, url=url, timeout=timeout, push=True, token=token, connection=connection
    )
    try:
        return Pushed(
            engine.location,
            tuple(engine.pushed_policies),
            tuple(engine.pushed_data),
            bundle.revision,
            bundle.digest,
        )
    finally:
        engine.close()
