"""Run the shipped bundle's Rego unit tests (``rego/**/*_test.rego``) on regorus.

Every non-test module, every test module and every data file of ``rego/`` is
loaded into one regorus engine; each rule named ``test_*`` in a test package
becomes one pytest case that evaluates ``data.<package>.<test>`` and expects
``true`` (``opa test`` semantics). The module also checks that every rule that
can deny carries a ``# METADATA`` block naming the control it reports.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

regorus = pytest.importorskip("regorus")

BUNDLE = Path(__file__).resolve().parents[1] / "rego"
DENYING_RULES = ("violation", "missing_evidence", "required_approvals")
SEVERITIES = {"critical", "high", "medium", "low"}


def _modules(tests: bool) -> list[Path]:
    return sorted(p for p in BUNDLE.rglob("*.rego") if p.name.endswith("_test.rego") == tests)


def _merge(into: dict[str, Any], value: dict[str, Any]) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge(into[key], item)
        else:
            into[key] = item


def _bundle_data() -> dict[str, Any]:
    """The data document: each data.json / data.yaml at its directory's path."""
    data: dict[str, Any] = {}
    for path in sorted(BUNDLE.rglob("data.*")):
        if path.name == "data.json":
            value = json.loads(path.read_text(encoding="utf-8"))
        elif path.name == "data.yaml":
            value = yaml.safe_load(path.read_text(encoding="utf-8"))
        else:
            continue
        for part in reversed(path.parent.relative_to(BUNDLE).parts):
            value = {part: value}
        _merge(data, value)
    return data


def _short(error: Exception) -> str:
    return str(error).split("Stack backtrace")[0].strip()


@cache
def _engine() -> Any:
    engine = regorus.Engine()
    for path in _modules(tests=False) + _modules(tests=True):
        try:
            engine.add_policy(str(path.relative_to(BUNDLE)), path.read_text(encoding="utf-8"))
        except RuntimeError as error:
            raise AssertionError(f"{path}: {_short(error)}") from None
    engine.add_data_json(json.dumps(_bundle_data()))
    engine.set_input_json("{}")
    return engine


def _ref_name(ref: dict[str, Any]) -> str:
    """The dotted name of an AST reference (``Var`` / ``RefDot`` chain)."""
    if "Var" in ref:
        return str(ref["Var"]["value"])
    dot = ref["RefDot"]
    return f"{_ref_name(dot['refr'])}.{dot['field'][1]}"


def _rego_tests() -> list[str]:
    """``<package>.<test_rule>`` for every test rule, from the engine's AST."""
    engine = regorus.Engine()
    for path in _modules(tests=True):
        engine.add_policy(str(path.relative_to(BUNDLE)), path.read_text(encoding="utf-8"))
    found: list[str] = []
    for module in json.loads(engine.get_ast_as_json()):
        ast = module["ast"]
        package = _ref_name(ast["package"]["refr"])
        for rule in ast["rules"]:
            head = rule.get("Spec", {}).get("head", {}).get("Compr")
            if head is None or "Var" not in head["refr"]:
                continue
            name = head["refr"]["Var"]["value"]
            if name.startswith("test_"):
                found.append(f"{package}.{name}")
    return sorted(set(found))


REGO_TESTS = _rego_tests()


def test_bundle_has_rego_tests() -> None:
    assert len(REGO_TESTS) > 0


@pytest.mark.parametrize("test", REGO_TESTS)
def test_rego(test: str) -> None:
    engine = _engine()
    try:
        result = json.loads(engine.eval_query_as_json(f"data.{test}"))
    except RuntimeError as error:
        pytest.fail(f"data.{test} raised: {_short(error)}")
    values = [e["value"] for r in result.get("result", []) for e in r["expressions"]]
    assert values == [True], f"data.{test} is {values or 'undefined'}, expected true"


def _denying_rules() -> list[tuple[str, int, str, str]]:
    """(file, line, metadata text, rule text) for every rule that can deny."""
    rules: list[tuple[str, int, str, str]] = []
    head = re.compile(rf"^({'|'.join(DENYING_RULES)}) contains ")
    for path in _modules(tests=False):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if not head.match(line):
                continue
            comments: list[str] = []
            back = number - 1
            while back >= 0 and lines[back].startswith("#"):
                comments.insert(0, lines[back])
                back -= 1
            end = next(i for i in range(number, len(lines)) if lines[i] == "}")
            rules.append(
                (
                    str(path.relative_to(BUNDLE)),
                    number + 1,
                    "\n".join(comments),
                    "\n".join(lines[number : end + 1]),
                )
            )
    return rules


def _metadata(comments: str) -> dict[str, Any] | None:
    lines = comments.splitlines()
    if not lines or lines[0].strip() != "# METADATA":
        return None
    text = "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in lines[1:])
    parsed = yaml.safe_load(text)
    return parsed if isinstance(parsed, dict) else None


DENYING = _denying_rules()


@pytest.mark.parametrize(
    ("where", "comments", "rule"),
    [(f"{f}:{n}", c, r) for f, n, c, r in DENYING],
    ids=[f"{f}:{n}" for f, n, _, _ in DENYING],
)
def test_denying_rule_has_metadata(where: str, comments: str, rule: str) -> None:
    meta = _metadata(comments)
    assert meta is not None, f"{where}: no # METADATA block"
    assert meta.get("title") and meta.get("description"), f"{where}: title/description"
    custom = meta.get("custom") or {}
    control = custom.get("control_id", "")
    assert re.fullmatch(r"MLG-[A-Z]+-[0-9]{3}", control), f"{where}: control_id {control!r}"
    assert custom.get("severity") in SEVERITIES, f"{where}: severity"
    requires = custom.get("requires")
    assert requires and all(str(p).startswith("/") for p in requires), f"{where}: requires"
    assert f'"{control}"' in rule, f"{where}: the rule does not report {control}"
    if rule.startswith("violation "):
        assert f'"severity": "{custom["severity"]}"' in rule, f"{where}: severity differs"


def test_every_control_names_its_frameworks() -> None:
    frameworks: dict[str, bool] = {}
    for _, _, comments, _ in DENYING:
        custom = (_metadata(comments) or {}).get("custom") or {}
        control = custom.get("control_id", "")
        frameworks[control] = frameworks.get(control, False) or bool(custom.get("frameworks"))
    assert frameworks, "no denying rules found"
    assert [c for c, named in frameworks.items() if not named] == []
