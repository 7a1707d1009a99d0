"""Secrets: values that must never be printed, logged or put in an exception.

``Secret`` wraps a token so that ``str``/``repr``/f-strings show ``***``; the
value is taken out only where it is used (``reveal()``, e.g. to build an
``Authorization`` header). ``redact_url`` drops what a URL may carry that is
secret: the password (or the whole userinfo), and the values of query
parameters such as ``password``, ``token`` or ``sig``. ``scrub`` replaces
known secret values in a text (an error body that echoes a header).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
SECRET_PARAMS = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "pwd",
        "token",
        "access_token",
        "api_key",
        "apikey",
        "key",
        "secret",
        "client_secret",
        "sig",
        "signature",
        "sslpassword",
        "auth",
        "authorization",
    }
)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@")


class Secret:
    """A secret string: shown as ``***`` everywhere except through ``reveal()``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:  # never pickled into a worker or a cache
        raise TypeError("a Secret cannot be pickled")


def redact_url(url: str, *, keep_user: bool = True) -> str:
    """``url`` with its password (or, without ``keep_user``, its userinfo) and secret
    query values replaced by ``***``. A URL that cannot be parsed loses everything
    after its scheme and host."""
    match = _USERINFO.match(url)
    if match:  # split on the last '@' of the authority, as libpq and urllib3 do
        user = match.group(2).split(":", 1)[0]
        if not keep_user:
            shown = MASK
        elif ":" in match.group(2):
            shown = f"{user}:{MASK}"
        else:
            shown = user
        url = match.group(1) + shown + "@" + url[match.end() :]
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("://", 1)[0] + "://" + MASK
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k.lower() in SECRET_PARAMS for k, _ in query):
        cleaned = [(k, MASK if k.lower() in SECRET_PARAMS else v) for k, v in query]
        parts = parts._replace(query=urlencode(cleaned, safe="*"))
    elif not parts.fragment:
        return url  # nothing to hide: as given (urlunsplit would turn sqlite:////x into sqlite://x)
    return urlunsplit(parts._replace(fragment=""))


def url_secrets(url: str) -> list[str]:
    """The secret values a URL carries (password, secret query values), raw and decoded,
    to ``scrub`` from messages that echo them (libpq echoes a badly escaped password)."""
    from urllib.parse import unquote

    found: list[str] = []
    match = _USERINFO.match(url)
    if match and ":" in match.group(2):
        password = match.group(2).split(":", 1)[1]
        found.append(password)
        # Clients differ on where a password with '@' or ':' ends (libpq splits
        # at the first '@'): every piece of it is secret too.
        found += [piece for piece in re.split(r"[@:]", password) if len(piece) >= 3]
    query = url.split("?", 1)[1].split("#", 1)[0] if "?" in url else ""
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key.lower() in SECRET_PARAMS and value:
            found.append(value)
    return [v for raw in found for v in {raw, unquote(raw)} if v]


def scrub(text: str, secrets: Iterable[str | Secret | None]) -> str:
    """``text`` with every non-empty secret value replaced by ``***``."""
    values = sorted(
        {s.reveal() if isinstance(s, Secret) else s for s in secrets if s},
        key=len,
        reverse=True,
    )
    for value in values:
        if value:
            text = text.replace(value, MASK)
    return text
