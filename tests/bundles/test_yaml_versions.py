"""Plain YAML scalars that YAML 1.1 (older OPA) and 1.2 (mlgate) read differently."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.authoring.lint import lint
from mlgate.authoring.yaml_versions import ambiguous_scalars, readings
from mlgate.bundles.source import load
from mlgate.facts.load import parse_yaml_text


@pytest.mark.parametrize(
    ("text", "as_12", "as_11"),
    [
        ("no", 'the string "no"', "false"),
        ("Off", 'the string "Off"', "false"),
        ("y", 'the string "y"', "true"),
        ("ON", 'the string "ON"', "true"),
        ("0755", "the number 755", "the number 493 (octal)"),
        ("-012", "the number -12", "the number -10 (octal)"),
        ("0b101", 'the string "0b101"', "the number 5"),
        ("1_000", 'the string "1_000"', "the number 1000"),
        ("0_10", 'the string "0_10"', "the number 8"),
        ("1_000.5", 'the string "1_000.5"', "the number 1000.5"),
    ],
)
def test_scalars_read_two_ways(text: str, as_12: str, as_11: str) -> None:
    assert readings(text) == (as_12, as_11)


@pytest.mark.parametrize(
    "text",
    [
        "true",
        "False",
        "null",
        "~",
        "0",
        "07",
        "00",
        "10",
        "0x1F",
        "0o17",
        "1e3",
        "0.5",
        "-3",
        "Norway",
        "yes please",
        "nope",
        "2025-01-01",
        ".inf",
        "",
    ],
)
def test_scalars_both_read_alike(text: str) -> None:
    assert readings(text) is None


def test_mlgate_reads_each_flagged_scalar_as_its_yaml_12_reading() -> None:
    doc = parse_yaml_text("a: no\nb: 0755\nc: 1_000\nd: 0b1\n", "d.yaml")
    assert doc == {"a": "no", "b": 755, "c": "1_000", "d": "0b1"}


def test_quoted_and_block_scalars_are_never_flagged_keys_are() -> None:
    text = 'a: "no"\nb: \'0755\'\nc: |\n  yes\non: push\nlist: [n, "y"]\n'
    found = ambiguous_scalars(text)
    assert [(f.line, f.text) for f in found] == [(5, "on"), (6, "n")]


def _bundle(tmp_path: Path, data: str, name: str = "data.yaml") -> Path:
    root = tmp_path / "policy"
    (root / "mlgate" / "thresholds").mkdir(parents=True)
    (root / "mlgate" / "decision.rego").write_text(
        'package mlgate\n\ndecision := {"outcome": "pass"}\n'
    )
    (root / "mlgate" / "thresholds" / name).write_text(data)
    return root


@pytest.mark.parametrize("name", ["data.yaml", "data.yml"])
def test_lint_reports_each_at_its_file_and_line(tmp_path: Path, name: str) -> None:
    root = _bundle(tmp_path, "high:\n  pii_scan_required: yes\n  max_age_days: 030\n", name)
    bundle, read = load(root)
    found = [f for f in lint(bundle, read.files) if f.code == "yaml-version"]
    assert [(f.level, f.file, f.line) for f in found] == [
        ("error", f"mlgate/thresholds/{name}", 2),
        ("error", f"mlgate/thresholds/{name}", 3),
    ]
    assert '`yes` is the string "yes" in YAML 1.2' in found[0].message
    assert "but true in YAML 1.1" in found[0].message
    assert "the number 24 (octal)" in found[1].message


def test_lint_without_the_raw_files_and_on_unambiguous_data_finds_nothing(tmp_path: Path) -> None:
    root = _bundle(tmp_path, 'high:\n  pii_scan_required: true\n  label: "no"\n')
    bundle, read = load(root)
    assert [f for f in lint(bundle, read.files) if f.code == "yaml-version"] == []
    ambiguous = _bundle(tmp_path / "b", "high:\n  pii_scan_required: yes\n")
    assert [f for f in lint(load(ambiguous)[0]) if f.code == "yaml-version"] == []
