"""Loading a bundle archive from an ``https://`` URL, with an ETag cache and a size limit.

The archive is cached in ``bundles/`` of mlgate's cache directory
(``$MLGATE_CACHE_DIR``, default ``$XDG_CACHE_HOME/mlgate``) with the ETag the server gave; the next
fetch sends ``If-None-Match`` and a ``304`` reuses the cached archive. A body
over the size limit (``Content-Length`` or counted while streaming) is
refused and nothing is cached. Plain ``http://`` is accepted only for a
loopback host (``mlgate bundle serve`` on 127.0.0.1). A token for the server
can be given in ``$MLGATE_BUNDLE_TOKEN`` (sent as ``Authorization: Bearer``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from mlgate.bundles.archive import MAX_BUNDLE_BYTES
from mlgate.cache import cache_dir as root
from mlgate.errors import BundleError, InputError
from mlgate.files import write_all

TOKEN_ENV = "MLGATE_BUNDLE_TOKEN"
TIMEOUT_S = 30.0
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_CHUNK = 64 * 1024


def is_url(location: str) -> bool:
    return location.startswith(("https://", "http://"))


def redact(url: str) -> str:
    """The URL without credentials, query or fragment (for messages and ``source``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def cache_dir() -> Path:
    """``bundles/`` in mlgate's cache directory (``mlgate.cache``)."""

    return root() / "bundles"


def fetch(
    url: str, *, max_bytes: int = MAX_BUNDLE_BYTES, timeout: float = TIMEOUT_S
) -> tuple[Path, bool]:
    """The cached archive for ``url`` (downloaded if changed) and whether it was fresh."""
    import requests

    shown = redact(url)
    parts = urlsplit(url)
    if parts.scheme != "https" and (parts.scheme != "http" or parts.hostname not in _LOOPBACK):
        raise BundleError(f"{shown}: bundles are fetched over https:// (http only from loopback)")
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    folder = cache_dir()
    archive, meta = folder / f"{key}.tar.gz", folder / f"{key}.json"
    etag = _cached_etag(archive, meta)
    headers = {"Accept": "application/gzip, application/octet-stream"}
    if etag:
        headers["If-None-Match"] = etag
    if os.environ.get(TOKEN_ENV):
        headers["Authorization"] = f"Bearer {os.environ[TOKEN_ENV]}"
    try:
        with requests.get(url, headers=headers, timeout=timeout, stream=True) as resp:
            if urlsplit(resp.url).scheme != parts.scheme:
                raise BundleError(f"{shown}: redirected to another scheme ({redact(resp.url)})")
            if resp.status_code == 304 and etag:
                return archive, False
            if resp.status_code != 200:
                raise BundleError(f"{shown}: the server answered HTTP {resp.status_code}")
            declared = resp.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise BundleError(f"{shown}: bundle of {declared} bytes is over the size limit")
            body = _read_limited(resp, max_bytes, shown)
            new_etag = resp.headers.get("ETag", "")
    except requests.RequestException as exc:
        raise BundleError(f"{shown}: download failed ({type(exc).__name__})") from None
    _store(folder, archive, meta, body, new_etag, shown)
    return archive, True


def _read_limited(resp: object, max_bytes: int, shown: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    for chunk in resp.iter_content(_CHUNK):  # type: ignore[attr-defined]
        total += len(chunk)
        if total > max_bytes:
            raise BundleError(f"{shown}: bundle is over the {max_bytes // 2**20} MB size limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _cached_etag(archive: Path, meta: Path) -> str:
    try:
        info = json.loads(meta.read_text("utf-8"))
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return ""
    if not isinstance(info, dict) or info.get("sha256") != digest:
        return ""  # a cache entry edited or half-written is not trusted
    etag = info.get("etag")
    return etag if isinstance(etag, str) else ""


def _store(folder: Path, archive: Path, meta: Path, body: bytes, etag: str, shown: str) -> None:
    info = json.dumps({"url": shown, "etag": etag, "sha256": _sha(body)})
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_all([(archive, body), (meta, info)], what="the cached bundle")
    except OSError as exc:
        raise BundleError(f"{folder}: cannot cache the bundle ({exc.strerror})") from None
    except InputError as exc:
        raise BundleError(exc.message) from None


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
