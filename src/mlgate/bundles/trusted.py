"""A bundle a gate may decide with: signed by the key it was told to require.

``check``, ``monitor`` and ``recertify`` take ``--verification-key`` (or
``$MLGATE_VERIFICATION_KEY``), as ``opa run --verification-key`` does: the bundle
is then read once, verified file by file against its ``.signatures.json``
(``bundles.verify``) and only then parsed, so an unsigned, re-signed or edited
bundle stops the command (exit 2) before anything is decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.bundles.load import load_bundle
from mlgate.bundles.model import Bundle
from mlgate.bundles.verify import verify_location
from mlgate.errors import BundleError


@dataclass(frozen=True)
class Verification:
    key: Any  # a jws.Key
    key_id: str = ""
    scope: str = ""


ENV_KEY = "MLGATE_VERIFICATION_KEY"
ENV_KEY_ID = "MLGATE_VERIFICATION_KEY_ID"


def open_bundle(location: str | Path, verification: Verification | None) -> Bundle:
    """The bundle at ``location``; with ``verification``, only once its signature holds."""
    if verification is None:
        return load_bundle(location)
    bundle, _ = verify_location(
        str(location), verification.key, key_id=verification.key_id, scope=verification.scope
    )
    return bundle


def require_digest(bundle: Bundle, verified: Bundle) -> None:
    """A bundle read again after it was verified must still be the one verified."""
    if bundle.digest != verified.digest:
        raise BundleError(
            f"{bundle.source}: the bundle changed after its signature was verified "
            f"(verified {verified.digest}, now {bundle.digest})"
        )
