"""Secrets never reach output, files, the decision log or exceptions.

Planted secrets: an OPA bearer token (``MLGATE_OPA_TOKEN`` or a token file),
the lines of a client private key, and a PostgreSQL password in a URL. Every
command's stdout and stderr, every file it wrote (reports in every format, the
GitHub step summary, the SQLite decision log's raw bytes, log exports) and,
with ``--debug``, the whole traceback chain are searched for each of them.
The OPA double here serves TLS and requires a client certificate and a token.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mlgate.cli.main import main
from mlgate.errors import MlgateError
from mlgate.report.base import OutputFormat
from tests.conftest import minimal_facts
from tests.security.certs import Pki, key_body
from tests.security.tls_double import ScriptedDouble

TOKEN = "opaTOKEN-planted-7c1e9b"
FILE_TOKEN = "fileTOKEN-planted-2b8d44"
PG_PASSWORD = "pgPASSWORD-planted-51aa"
URL_PASSWORD = "urlPASSWORD-planted-0f3"

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def opa(pki: Pki) -> Iterator[ScriptedDouble]:
    double = ScriptedDouble(
        tls_cert=pki.server_cert, tls_key=pki.server_key, client_ca=pki.ca_cert, token=TOKEN
    )
    with double:
        yield double


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``run(*argv, debug=False)`` → (exit code, everything shown), traceback included."""

    def _run(*argv: str, debug: bool = False) -> tuple[int, str]:
        monkeypatch.setenv("MLGATE_DEBUG", "1" if debug else "")
        shown = ""
        try:
            code = main(list(argv))
        except MlgateError as exc:  # --debug: the error propagates with its whole chain
            assert debug, "without --debug an error is one line, not an exception"
            shown = "".join(traceback.format_exception(exc))
            code = int(exc.exit_code)
        out, err = capsys.readouterr()
        return code, out + err + shown

    return _run


def _opa_args(pki: Pki, url: str) -> list[str]:
    return [
        "--engine", "opa-url", "--opa-url", url,
        "--opa-ca-cert", str(pki.ca_cert),
        "--opa-client-cert", str(pki.client_cert),
        "--opa-client-key", str(pki.client_key),
    ]  # fmt: skip


def _secrets(pki: Pki) -> list[str]:
    return [TOKEN, FILE_TOKEN, PG_PASSWORD, URL_PASSWORD, *key_body(pki.client_key)]


def _assert_clean(pki: Pki, texts: dict[str, str | bytes]) -> None:
    for where, text in texts.items():
        data = text.encode() if isinstance(text, str) else text
        for secret in _secrets(pki):
            assert secret.encode() not in data, f"{secret!r} leaked into {where}"


def _files(root: Path, *skip: Path) -> dict[str, str | bytes]:
    return {
        str(p): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p not in skip and "pki" not in p.parts
    }


def test_check_in_every_format_and_the_log_leak_nothing(
    run: Run,
    opa: ScriptedDouble,
    pki: Pki,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLGATE_OPA_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    facts = write_facts(minimal_facts(want="fail"))
    log = tmp_path / "decisions.db"
    shown: dict[str, str | bytes] = {}
    outputs = [f"{fmt.value}={tmp_path / ('out.' + fmt.value)}" for fmt in OutputFormat]
    for fmt in OutputFormat:
        argv = ["check", "-f", str(facts), "-b", str(echo_bundle), "--log", str(log)]
        argv += [*_opa_args(pki, opa.url), "--format", fmt.value]
        if fmt is OutputFormat.TEXT:
            argv += [arg for o in outputs for arg in ("-o", o)]
        code, text = run(*argv)
        assert code == 1, text  # the echo policy fails: the gate really ran over TLS
        shown[f"check --format {fmt.value}"] = text
    assert {s.headers.get("Authorization") for s in opa.seen} == {f"Bearer {TOKEN}"}
    for argv in (
        ["log", "export", "--log", str(log)],
        ["log", "export", "--format", "opa", "--log", str(log), "-o", str(tmp_path / "x.jsonl")],
        ["log", "query", "--json", "--log", str(log)],
        ["log", "verify", "--log", str(log)],
    ):
        code, text = run(*argv)
        assert code == 0, text
        shown[" ".join(argv[:3])] = text
    exported = shown["log export --log"]
    assert isinstance(exported, str)
    assert len(exported.splitlines()) == len(OutputFormat)  # one record per check
    assert json.loads(exported.splitlines()[0])["decision"]["engine"]["name"] == "opa-url"
    files = _files(tmp_path)
    assert len([f for f in files if "out." in f]) == len(OutputFormat)
    assert str(log) in files and str(tmp_path / "summary.md") in files
    _assert_clean(pki, {**shown, **files})


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_errors_leak_nothing(
    run: Run,
    opa: ScriptedDouble,
    pki: Pki,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    tmp_path: Path,
    unused_port: int,
    monkeypatch: pytest.MonkeyPatch,
    debug: bool,
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    base = ["check", "-f", str(facts), "-b", str(echo_bundle)]
    token_file = tmp_path / "token"
    token_file.write_text(FILE_TOKEN + "\n")
    two_lines = tmp_path / "two-lines"
    two_lines.write_text(f"{FILE_TOKEN}\n{FILE_TOKEN}\n")
    refused = f"https://127.0.0.1:{unused_port}"
    pg = f"postgresql://gate:{PG_PASSWORD}@127.0.0.1:{unused_port}/gate"
    cases: dict[str, tuple[list[str], dict[str, str], str]] = {
        "bad postgres url": ([*base, "--log", pg], {}, "cannot open decision log"),
        "wrong token": (
            [*base, "--no-log", *_opa_args(pki, opa.url), "--opa-token-file", str(token_file)],
            {},
            "HTTP 401",
        ),
        "unreachable with token": (
            [*base, "--no-log", *_opa_args(pki, refused)],
            {"MLGATE_OPA_TOKEN": TOKEN},
            "is unreachable: connection refused",
        ),
        "credentials in the OPA url": (
            [
                *base,
                "--no-log",
                "--engine",
                "opa-url",
                "--opa-url",
                f"https://gate:{URL_PASSWORD}@127.0.0.1:{unused_port}/?token={URL_PASSWORD}",
            ],
            {},
            "the OPA URL may not carry a query",
        ),
        "malformed token file": (
            [*base, "--no-log", *_opa_args(pki, opa.url), "--opa-token-file", str(two_lines)],
            {},
            "a bearer token is one line",
        ),
    }
    for name, (argv, env, expected) in cases.items():
        for var, value in env.items():
            monkeypatch.setenv(var, value)
        code, text = run(*argv, debug=debug)
        for var in env:
            monkeypatch.delenv(var)
        assert code == 2, f"{name}: {text}"
        assert expected in text, f"{name}: {text}"
        if not debug:
            assert text.startswith("mlgate: error: ") and text.count("\n") == 1, text
        _assert_clean(pki, {name: text})
    _assert_clean(pki, _files(tmp_path, token_file, two_lines))


def test_a_token_echoed_by_opa_is_masked(
    run: Run,
    opa: ScriptedDouble,
    pki: Pki,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLGATE_OPA_TOKEN", TOKEN)
    opa.misbehave("500", path="/v1/data/mlgate/decision", body=f"bad: Bearer {TOKEN}".encode())
    facts = write_facts(minimal_facts(want="pass"))
    argv = ["check", "-f", str(facts), "-b", str(echo_bundle), "--no-log"]
    code, text = run(*argv, *_opa_args(pki, opa.url))
    assert code == 2 and "HTTP 500: 'bad: Bearer ***'" in text
    _assert_clean(pki, {"echo": text})


def test_a_token_is_never_a_command_line_value(
    run: Run, pki: Pki, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    facts = write_facts(minimal_facts(want="pass"))
    for flag in ([f"--opa-token={TOKEN}"], ["--opa-token", TOKEN]):
        code, text = run("check", "-f", str(facts), "-b", str(echo_bundle), *flag)
        assert code == 2 and "No such option" in text and "--opa-token" in text
        _assert_clean(pki, {"flag": text})


@pytest.mark.parametrize(
    "template",
    [
        "postgresql://gate:x@{pw}@127.0.0.1:{port}/gate",
        "postgresql://gate@127.0.0.1:{port}/gate?password={pw}",
        "postgresql://:{pw}@127.0.0.1:{port}/gate",
        "postgresql://gate:{pw}%zz@127.0.0.1:{port}/gate",
    ],
    ids=["second-at", "query", "no-user", "bad-escape"],
)
def test_unusual_postgres_urls_leak_nothing(
    run: Run, pki: Pki, echo_bundle: Path, write_facts: Callable[..., Path],
    unused_port: int, template: str,
) -> None:  # fmt: skip
    facts = write_facts(minimal_facts(want="pass"))
    url = template.format(pw=PG_PASSWORD, port=unused_port)
    code, text = run("check", "-f", str(facts), "-b", str(echo_bundle), "--log", url)
    assert code == 2 and "decision log" in text
    _assert_clean(pki, {"postgres": text})
