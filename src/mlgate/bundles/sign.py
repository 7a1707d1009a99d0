"""Signing a bundle the way OPA's bundle-signing spec describes.

``.signatures.json`` is ``{"signatures": [JWT]}``: one JWS compact token whose
payload lists every other file of the bundle as ``{name, hash, algorithm}``
(``SHA-256``, digests as OPA computes them: see ``filehash``), plus the
optional claims ``keyid`` (deprecated, kept for older OPAs; the header's
``kid`` carries it too), ``scope``, ``iat``, ``iss`` and, if asked, ``exp``.
OPA ignores ``exp``; ``mlgate bundle verify`` refuses an expired token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.bundles.filehash import file_hash
from mlgate.bundles.jws import encode

if TYPE_CHECKING:
    from mlgate.bundles.jws import Key

SIGNATURES = ".signatures.json"
HASH_ALGORITHM = "SHA-256"
ISSUER = "mlgate"


@dataclass(frozen=True)
class SigningOptions:
    key: Key
    key_id: str = ""
    scope: str = ""
    expires_in: int | None = None  # seconds after signing


def signed_files(files: Mapping[str, bytes]) -> list[dict[str, str]]:
    """The payload's ``files``: every bundle file except ``.signatures.json``, by name."""
    return [
        {"name": name, "hash": file_hash(name, files[name]), "algorithm": HASH_ALGORITHM}
        for name in sorted(files)
        if name != SIGNATURES
    ]


def signatures_document(
    files: Mapping[str, bytes], options: SigningOptions, *, now: int | None = None
) -> bytes:
    """The bytes of ``.signatures.json`` for ``files``."""

    issued = int(time.time()) if now is None else now
    payload: dict[str, Any] = {"files": signed_files(files), "iat": issued, "iss": ISSUER}
    if options.key_id:
        payload["keyid"] = options.key_id
    if options.scope:
        payload["scope"] = options.scope
    if options.expires_in is not None:
        payload["exp"] = issued + options.expires_in
    header = {"kid": options.key_id} if options.key_id else {}
    token = encode(header, payload, options.key)
    return (json.dumps({"signatures": [token]}, indent=1) + "\n").encode("utf-8")
