"""``mlgate.secrets``: a token that prints as ``***`` and URLs without their secrets."""

from __future__ import annotations

import pickle

import pytest

from mlgate.secrets import Secret, redact_url, scrub


def test_a_secret_shows_only_stars() -> None:
    token = Secret("s3cret-value")
    for shown in (str(token), repr(token), f"{token}", f"{token!r}", f"{token:>20}"):
        assert "s3cret" not in shown
    assert token.reveal() == "s3cret-value"
    assert token == Secret("s3cret-value") and token != Secret("other") and bool(token)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(token)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://gate:pw@db:5432/log", "postgresql://gate:***@db:5432/log"),
        ("postgresql://gate:p@ss@db/log", "postgresql://gate:***@db/log"),
        ("postgresql://:pw@db/log", "postgresql://:***@db/log"),
        ("postgresql://gate@db/log?password=pw&sslmode=require",
         "postgresql://gate@db/log?password=***&sslmode=require"),
        ("https://opa:8181/v1?token=abc#frag", "https://opa:8181/v1?token=***"),
        ("https://opa:8181/health", "https://opa:8181/health"),
    ],
)  # fmt: skip
def test_redact_url_drops_passwords_and_secret_parameters(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_url_can_drop_the_user_too() -> None:
    assert redact_url("https://alice:pw@host/x", keep_user=False) == "https://***@host/x"


def test_scrub_replaces_every_known_value_longest_first() -> None:
    text = "Bearer abc123 and abc123-long and abc"
    assert scrub(text, [Secret("abc123"), "abc123-long", None, ""]) == (
        "Bearer *** and *** and abc"
    )
