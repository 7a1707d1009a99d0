"""Timestamps: RFC 3339 with a zone, or Unix seconds, as exact nanoseconds (decisions, series)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from mlgate.errors import InputError

_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Unix seconds past this (the year 5138) are almost surely milliseconds.
_MAX_SECONDS = 100_000_000_000
NS = 1_000_000_000


def parse_rfc3339_ns(text: str) -> int | None:
    """Nanoseconds since the epoch of an RFC 3339 timestamp, or None when it is not one."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return None
    zone = match.group(8)
    try:
        moment = datetime.fromisoformat(text[: match.start(7) if match.group(7) else match.end(6)])
        offset = timedelta(0)
        if zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
            if int(zone[1:3]) > 23 or int(zone[4:6]) > 59:
                return None
    except ValueError:
        return None
    delta = moment.replace(tzinfo=UTC) - offset - _EPOCH
    fraction = match.group(7) or "."
    nanos = int((fraction[1:] + "000000000")[:9])
    return (delta.days * 86_400 + delta.seconds) * NS + nanos


def to_ns(value: object, where: str) -> int:
    """An observation's timestamp in nanoseconds; ``InputError`` naming ``where`` otherwise."""
    if isinstance(value, str):
        text = value.strip()
        found = parse_rfc3339_ns(text)
        if found is not None:
            return found
        try:
            seconds = Decimal(text)
        except InvalidOperation:
            raise InputError(
                f"{where}: {value!r} is not an RFC 3339 timestamp with a zone "
                "(e.g. 2026-11-01T12:00:00Z) nor Unix seconds"
            ) from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = Decimal(repr(value))
    else:
        raise InputError(f"{where}: the timestamp {value!r} is not a string or a number")
    if not seconds.is_finite() or seconds < 0:
        raise InputError(f"{where}: the timestamp {value!r} is not a time after 1970")
    if seconds >= _MAX_SECONDS:
        raise InputError(
            f"{where}: the timestamp {value!r} looks like milliseconds; give Unix seconds"
        )
    return int(seconds * NS)


def format_ns(ns: int) -> str:
    """RFC 3339 in UTC with a Z: whole seconds, or microseconds when there is a fraction."""
    moment = _EPOCH + timedelta(microseconds=ns // 1000)
    if ns % NS == 0:
        return rfc3339(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC: the one clock mlgate reads."""
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, to the second (a naive time is taken as UTC): the one
    way mlgate writes a timestamp."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_rfc3339() -> str:
    return rfc3339(utc_now())


def now_ns() -> int:
    delta = datetime.now(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * NS + delta.microseconds * 1000
