"""Bearer tokens for mlgate's own servers (``bundle serve``, ``log serve``): read from a
file, compared in constant time."""

from __future__ import annotations

import hmac
from pathlib import Path

from mlgate.errors import InputError


def read_token(path: Path) -> str:
    """The bearer token held in ``path`` (surrounding whitespace dropped). ``InputError``
    when it cannot be read, is not UTF-8, is empty (that would turn authentication off)
    or holds a character a client cannot send in an ``Authorization`` header."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read token ({exc.strerror or exc})") from None
    try:
        token = data.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the token is not UTF-8 text (byte {exc.start})") from None
    if not token:
        raise InputError(f"{path}: the token is empty")
    if not all(" " <= c <= "~" for c in token):
        raise InputError(
            f"{path}: the token holds a control or non-ASCII character; "
            "an Authorization header cannot carry it"
        )
    return token


def bearer_matches(header: str | None, token: str) -> bool:
    """``header`` (``Authorization``) is ``Bearer <token>``, compared in constant time."""
    given = (header or "").encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, f"Bearer {token}".encode())
