"""``bundle test --engines embedded,opa``: cases and Rego tests on both engines, and a
planted difference between them (``upper("straße")``: OPA keeps the ß, regorus does
not, ENGINE-NOTES) found and named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.cli.main import main
from tests.conftest import ECHO_POLICY, minimal_facts
from tests.real_opa import requires_opa

pytestmark = [requires_opa, pytest.mark.opa]

# The echo gate, plus a violation only when upper() of the model's name is "STRASSE".
DEVIATING = ECHO_POLICY.replace(
    'violations := [v |\n  input.context.want == "fail"',
    'violations := [v |\n  upper(input.subject.name) == "STRASSE"',
)
UPPER_TEST = 'package mlgate.upper_test\n\ntest_sharp_s if upper("straße") == "STRASSE"\n'


def _case(root: Path, name: str, want: str) -> None:
    facts = minimal_facts(want=want)
    facts["subject"]["name"] = name
    (root / "cases").mkdir(exist_ok=True)
    (root / "cases" / f"{name}.json").write_text(
        json.dumps({"name": name, "facts": facts, "expect": {"outcome": want}})
    )


def test_alike_engines_pass_and_a_planted_deviation_fails_naming_it(
    write_bundle: Callable[[dict[str, str]], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert DEVIATING != ECHO_POLICY
    root = write_bundle({"mlgate/decision.rego": DEVIATING})
    _case(root, "plain", "pass")
    assert main(["bundle", "test", str(root), "--engines", "embedded,opa"]) == 0
    assert "engines embedded, opa: 1 case(s) and 0 Rego test(s) decided alike" in (
        capsys.readouterr().out
    )
    _case(root, "straße", "pass")
    (root / "mlgate" / "upper_test.rego").write_text(UPPER_TEST)
    assert main(["bundle", "test", str(root), "--engines", "embedded,opa"]) == 1
    out = capsys.readouterr().out
    assert "case straße: opa differs in violations" in out
    assert "test mlgate.upper_test.test_sharp_s: embedded pass, opa fail" in out
    assert "case plain" not in out


def test_an_unknown_engine_is_refused_before_anything_runs(
    echo_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bundle", "test", str(echo_bundle), "--engines", "embedded,opal"]) == 2
    assert "--engines 'embedded,opal'" in capsys.readouterr().err


def test_the_shipped_bundle_decides_alike_on_both_engines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.conftest import REPO

    argv = ["bundle", "test", str(REPO / "rego"), "--cases", str(REPO / "tests/cases")]
    assert main([*argv, "--engines", "embedded,opa"]) == 0, capsys.readouterr().out[-2000:]
    assert "decided alike" in capsys.readouterr().out
