"""A catalogue of hostile inputs from issue 20's red team, run through the CLI.

Each one must end as a documented refusal: no traceback, never exit 0 (a pass)
and never exit 1 (which means "a control failed") for an error.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mlgate.cli.main import main
from tests.conftest import REPO

PASSING = REPO / "examples/credit-risk/passing.yaml"
Shape = Callable[[Path], tuple[list[str], int]]


def _facts(tmp: Path, change: Callable[[dict[str, object]], None]) -> Path:
    doc = yaml.safe_load(PASSING.read_text())
    change(doc)
    path = tmp / "facts.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _set(*path: object, value: object) -> Callable[[dict[str, object]], None]:
    def change(doc: dict[str, object]) -> None:
        node: object = doc
        for step in path[:-1]:
            node = node[step]  # type: ignore[index]
        node[path[-1]] = value  # type: ignore[index]

    return change


def _check(*path: object, value: object) -> Shape:
    def shape(tmp: Path) -> tuple[list[str], int]:
        facts = _facts(tmp, _set(*path, value=value))
        return ["check", "--no-log", "-e", "embedded", "-f", str(facts)], 2

    return shape


def _validate(*path: object, value: object) -> Shape:
    def shape(tmp: Path) -> tuple[list[str], int]:
        return ["facts", "validate", str(_facts(tmp, _set(*path, value=value)))], 2

    return shape


def _nan_import(tmp: Path) -> tuple[list[str], int]:
    record = tmp / "r.json"
    record.write_text(
        '{"payload": {"type": "mlgate.approval/v1", "source": {"x": NaN}}, "signature": "AA"}'
    )
    principals = tmp / "p.yaml"
    principals.write_text(
        "principals:\n  - id: a\n    roles: [r]\n    public_key: ed25519:"
        "NKwVASFPSKXD0vSFci8OLlEcJ1s6d/kcEfrIu1AuJXQ=\n"
    )
    return ["approvals", "import", str(record), "--principals", str(principals)], 2


def _token(tmp: Path) -> tuple[list[str], int]:
    token = tmp / "token"
    token.write_bytes(b"\xff\xfe\x80secret")
    return ["bundle", "serve", str(REPO / "rego"), "--token-file", str(token), "--port", "0"], 2


def _unsigned(tmp: Path) -> tuple[list[str], int]:
    secret = tmp / "secret"
    secret.write_bytes(b"k" * 40)
    archive = tmp / "b.tar.gz"
    assert main(["bundle", "build", str(REPO / "rego"), "-o", str(archive)]) == 0
    argv = ["check", "--no-log", "-e", "embedded", "-b", str(archive), "-f", str(PASSING)]
    return [*argv, "--verification-key", str(secret), "--alg", "HS256"], 2


def _principals_in_archive(tmp: Path) -> tuple[list[str], int]:
    directory = tmp / "bdir"
    shutil.copytree(REPO / "rego", directory)
    (directory / "principals.yaml").write_text(
        "principals:\n  - id: omar.risk\n    roles: [model_risk]\n    public_key: ed25519:"
        "NKwVASFPSKXD0vSFci8OLlEcJ1s6d/kcEfrIu1AuJXQ=\n"
    )
    archive = tmp / "bdir.tar.gz"
    assert main(["bundle", "build", str(directory), "-o", str(archive)]) == 0
    return ["check", "--no-log", "-e", "embedded", "-b", str(archive), "-f", str(PASSING)], 3


HUGE = 10**400
SHAPES: dict[str, Shape] = {
    "huge metric value (check)": _check("metrics", 0, "value", value=HUGE),
    "huge metric value (validate)": _validate("metrics", 0, "value", value=HUGE),
    "huge fairness ratio": _check("fairness", 0, "ratio", value=HUGE),
    "huge robustness value": _validate("robustness", 0, "value", value=-HUGE),
    "huge baseline metric": _check("change", "baseline_metrics", 0, "value", value=HUGE),
    "look-alike approver in the facts": _check("approvals", 1, "principal", value="d\u0430na.ml"),
    "look-alike author in the facts": _check("subject", "author", value="\u043emar.risk"),
    "NaN in an imported record's source": _nan_import,
    "non-UTF-8 token file": _token,
    "unsigned bundle with a verification key": _unsigned,
    "principals inside an archive (needs approval, not a pass)": _principals_in_archive,
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_hostile_input_is_refused_in_one_line(
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLGATE_AT", "facts")
    monkeypatch.delenv("MLGATE_PRINCIPALS", raising=False)
    monkeypatch.setenv("MLGATE_LOG", str(tmp_path / "log.db"))
    argv, expected = SHAPES[name](tmp_path)
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code not in (0, 1), (name, code, err)
    assert code == expected, (name, code, err)
    if expected == 2:
        assert "mlgate: error: " in err, err
