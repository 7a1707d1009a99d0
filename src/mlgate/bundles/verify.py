"""Verifying a signed bundle: the token, then every file against it.

Fails closed, with the reason: no or several tokens, a malformed token, an
algorithm other than the key's, a bad signature, a key id other than the one
expected, a scope other than the one expected (OPA's rule: both empty, or
equal), an expired or not-yet-valid token, a file changed, a file the
signature does not list (added) and a listed file that is missing (removed).
"""

from __future__ import annotations

import hmac
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mlgate.bundles.filehash import ALGORITHMS, file_hash
from mlgate.bundles.jws import b64url_decode, signature_valid
from mlgate.bundles.sign import SIGNATURES
from mlgate.bundles.source import read_files
from mlgate.errors import BundleError
from mlgate.times import rfc3339

if TYPE_CHECKING:
    from mlgate.bundles.jws import Key
    from mlgate.bundles.model import Bundle

LEEWAY_S = 60


@dataclass(frozen=True)
class Verified:
    files: tuple[str, ...]
    alg: str
    key_id: str
    scope: str
    issued_at: int | None
    expires_at: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "files": len(self.files),
            "alg": self.alg,
            "key_id": self.key_id,
            "scope": self.scope,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
        }


def verify_files(
    files: Mapping[str, bytes],
    key: Key,
    *,
    source: str,
    key_id: str = "",
    scope: str = "",
    now: float | None = None,
) -> Verified:
    """Check ``files`` (as read from the bundle) against their ``.signatures.json``."""

    def fail(reason: str) -> BundleError:
        return BundleError(f"{source}: signature verification failed: {reason}")

    if SIGNATURES not in files:
        raise fail(f"the bundle is not signed (no {SIGNATURES})")
    header, payload = _token(files[SIGNATURES], key, fail)
    kid, keyid = header.get("kid"), payload.get("keyid")
    if kid and keyid and kid != keyid:  # which key signed it would depend on who reads
        raise fail(f"the token's header names key id {kid!r} and its payload {keyid!r}")
    token_kid = kid or keyid or ""
    if not isinstance(token_kid, str):
        raise fail("the token's key id is not a string")
    if key_id and token_kid and token_kid != key_id:
        raise fail(f"signed with key id {token_kid!r}, expected {key_id!r}")
    token_scope = payload.get("scope", "")
    if token_scope != scope:
        raise fail(f"scope mismatch: the token has {token_scope!r}, expected {scope!r}")
    moment = time.time() if now is None else now
    expires, not_before = _time_claim(payload, "exp", fail), _time_claim(payload, "nbf", fail)
    if expires is not None and moment >= expires + LEEWAY_S:
        raise fail(f"the token expired at {_utc(expires)}")
    if not_before is not None and moment < not_before - LEEWAY_S:
        raise fail(f"the token is not valid before {_utc(not_before)}")
    listed = _listing(payload, fail)
    for name in sorted(n for n in files if n != SIGNATURES):
        entry = listed.pop(name, None)
        if entry is None:
            raise fail(f"{name} is not covered by the signature (added after signing?)")
        algorithm, want = entry
        if not hmac.compare_digest(file_hash(name, files[name], algorithm), want.lower()):
            raise fail(f"{name} was changed after signing (digest mismatch)")
    if listed:
        raise fail(f"signed file(s) missing from the bundle: {', '.join(sorted(listed))}")
    issued = payload.get("iat")
    return Verified(
        files=tuple(sorted(n for n in files if n != SIGNATURES)),
        alg=key.alg,
        key_id=token_kid or key_id,
        scope=scope,
        issued_at=issued if isinstance(issued, int) else None,
        expires_at=expires,
    )


# What `opa sign` / `opa build --signing-key` write as the plugin: OPA's own JWS form.
_OPA_DEFAULT_PLUGIN = "_default"


def _token(raw: bytes, key: Key, fail: Any) -> tuple[dict[str, Any], dict[str, Any]]:

    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise fail(f"{SIGNATURES} is not JSON") from None
    tokens = doc.get("signatures") if isinstance(doc, dict) else None
    plugin = doc.get("plugin") if isinstance(doc, dict) else None
    if plugin not in (None, "", _OPA_DEFAULT_PLUGIN):
        raise fail(f"signing plugin {plugin!r} is not supported")
    if not isinstance(tokens, list) or len(tokens) != 1 or not isinstance(tokens[0], str):
        raise fail(f"{SIGNATURES} must hold exactly one token in 'signatures'")
    parts = tokens[0].split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three parts")
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError:
        raise fail("the token is malformed (not a JWS compact serialisation)") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise fail("the token is malformed (header or payload is not an object)")
    if header.get("alg") != key.alg:
        raise fail(f"the token is signed with {header.get('alg')!r}; the key is {key.alg}")
    if header.get("crit"):
        raise fail("the token has critical header parameters mlgate does not understand")
    if not signature_valid(f"{parts[0]}.{parts[1]}".encode("ascii"), signature, key):
        raise fail(f"the signature does not match the key {key.source}")
    return header, payload


def _listing(payload: dict[str, Any], fail: Any) -> dict[str, tuple[str, str]]:
    entries = payload.get("files")
    if not isinstance(entries, list):
        raise fail("the token lists no files")
    out: dict[str, tuple[str, str]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("name", "hash", "algorithm")
        ):
            raise fail("a file entry of the token is not {name, hash, algorithm}")
        name = entry["name"].lstrip("/")
        if entry["algorithm"] not in ALGORITHMS:
            raise fail(f"{name}: hash algorithm {entry['algorithm']!r} is not accepted")
        if name in out:
            raise fail(f"{name} is listed twice in the token")
        out[name] = (entry["algorithm"], entry["hash"])
    return out


_LAST_SECOND = 253_402_300_799  # 9999-12-31T23:59:59Z


def _time_claim(payload: dict[str, Any], name: str, fail: Any) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(f"the token's {name} claim is not a number")
    if not math.isfinite(value) or not 0 <= value <= _LAST_SECOND:
        raise fail(f"the token's {name} claim is not a time between 1970 and 9999")
    return int(value)


def _utc(seconds: int) -> str:
    return rfc3339(datetime.fromtimestamp(seconds, UTC))


def verify_location(
    location: str, key: Key, *, key_id: str = "", scope: str = ""
) -> tuple[Bundle, Verified]:
    """Read the bundle at ``location``, verify it, and parse it (in that order)."""

    read = read_files(location)
    if read.unread:
        raise BundleError(
            f"{read.source}: signature verification failed: archive entry {read.unread[0]!r} "
            "is not a bundle file (policy, data, manifest); refusing content mlgate cannot check"
        )
    verified = verify_files(read.files, key, source=read.source, key_id=key_id, scope=scope)
    return read.bundle(), verified
