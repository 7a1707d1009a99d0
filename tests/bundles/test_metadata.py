"""Reading METADATA blocks statically: what they say and where they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.bundles.controls import bundle_controls
from mlgate.bundles.load import load_bundle
from mlgate.bundles.metadata import read_annotations
from mlgate.errors import BundleError
from tests.conftest import REPO

SOURCE = """# METADATA
# title: Things
# description: Family of things.
package mlgate.controls.things

_th := data.x

# METADATA
# title: Thing is big enough
# description: >-
#   Each value in thresholds[tier].things.minimum is met;
#   see also thresholds[tier].things.extra.
# related_resources:
#   - ref: https://example.com/T-1
# custom:
#   control_id: T-1
#   severity: high
#   requires: [/things, /subject/risk_tier]
#   frameworks:
#     eu_ai_act: [Art. 15]

violation contains v if {
	v := 1
}

# METADATA
# title: Thing is big enough
# custom:
#   control_id: T-1
#   severity: high
#   requires: [/things]
#   thresholds: [things.declared]
#   frameworks:
#     iso_42001: [A.1]
default missing_evidence := set()
"""


def test_blocks_attach_to_the_next_statement_with_lines() -> None:
    package, rule, other = read_annotations({"mlgate/things.rego": SOURCE})
    assert (package.scope, package.package, package.line, package.metadata_line) == (
        "package", "mlgate.controls.things", 4, 1,
    )  # fmt: skip
    assert package.title == "Things"
    assert (rule.scope, rule.rule, rule.line, rule.metadata_line) == ("rule", "violation", 22, 8)
    assert rule.package == "mlgate.controls.things"
    assert rule.control_id == "T-1" and rule.severity == "high"
    assert rule.description.startswith("Each value in thresholds[tier].things.minimum is met;")
    assert rule.requires == ("/things", "/subject/risk_tier")
    assert rule.frameworks == {"eu_ai_act": ["Art. 15"]}
    assert rule.related_resources == ("https://example.com/T-1",)
    assert rule.threshold_paths == ("things.minimum", "things.extra")
    assert (other.rule, other.line) == ("missing_evidence", 35)
    assert other.threshold_paths == ("things.declared",)  # declared beats the description


def test_controls_merge_the_rules_of_one_id() -> None:
    (control,) = bundle_controls({"mlgate/things.rego": SOURCE})
    assert control.id == "T-1" and control.family == "things" and control.family_title == "Things"
    assert [(r.rule, r.line) for r in control.rules] == [
        ("violation", 22),
        ("missing_evidence", 35),
    ]
    assert control.frameworks == {"eu_ai_act": ["Art. 15"], "iso_42001": ["A.1"]}
    assert control.threshold_paths == ("things.minimum", "things.extra", "things.declared")
    assert control.help_uri == "https://example.com/T-1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("package p\n\n# METADATA\n# title: [unclosed\nx := 1\n", "a.rego"),
        ("package p\n\n# METADATA\n# - a list\nx := 1\n", "a.rego:3: METADATA must be a YAML"),
        ("package p\n\n# METADATA\n# title: t\n", "a.rego:3: METADATA block is not followed"),
        ("package p\n# METADATA\n# a: &x 1\n# b: *x\nx := 1\n", "a.rego"),
    ],
    ids=["bad-yaml", "not-a-mapping", "dangling", "yaml-alias"],
)
def test_malformed_blocks_are_bundle_errors(text: str, message: str) -> None:
    with pytest.raises(BundleError) as caught:
        read_annotations({"a.rego": text})
    assert message in caught.value.message


def test_every_shipped_control_is_located_and_typed() -> None:
    bundle = load_bundle(REPO / "rego")
    controls = bundle_controls(bundle.modules)
    assert len(controls) >= 20
    for c in controls:
        assert c.severity in {"critical", "high", "medium", "low", "info"}, c.id
        families = ("mlgate.controls.", "mlgate.monitoring.controls.")
        assert c.title and c.package.startswith(families), c.id
        for ref in c.rules:
            head = bundle.modules[ref.file].splitlines()[ref.line - 1]
            assert head.lstrip().startswith(ref.rule), (c.id, ref)


def test_annotations_are_cached_and_a_corrupt_entry_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_CACHE_DIR", str(tmp_path))
    modules = {"mlgate/things.rego": SOURCE}
    first = read_annotations(modules)
    (entry,) = tmp_path.glob("annotations-*.json")
    assert read_annotations(modules) == first
    entry.write_text('[{"file": 1}]', encoding="utf-8")  # corrupt: parsed again
    assert read_annotations(modules) == first
    changed = read_annotations({"mlgate/things.rego": SOURCE.replace("high", "low")})
    assert changed != first  # another text, another entry
    assert len(list(tmp_path.glob("annotations-*.json"))) == 2


def test_a_refused_block_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLGATE_CACHE_DIR", str(tmp_path))
    with pytest.raises(BundleError):
        read_annotations({"a.rego": "package a\n# METADATA\n# title: [unclosed\np := 1\n"})
    assert not list(tmp_path.glob("annotations-*.json"))
