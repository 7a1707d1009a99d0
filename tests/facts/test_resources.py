"""The shipped data files are found from a checkout and from an installed wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate import resources
from mlgate.errors import MlgateError


def test_schemas_and_bundle_are_found_in_the_checkout() -> None:
    assert resources.schema_path("facts.schema.json").is_file()
    assert resources.bundle_dir().is_dir()
    assert resources.load_schema("facts.schema.json")["title"] == "mlgate ModelFacts"


def test_wheel_data_wins_over_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wheel, checkout = tmp_path / "mlgate" / "_data", tmp_path / "repo"
    for root in (wheel, checkout):
        (root / "schemas").mkdir(parents=True)
        (root / "rego").mkdir()
    monkeypatch.setattr(resources, "_CANDIDATES", (wheel, checkout))
    assert resources.schemas_dir() == wheel / "schemas"
    assert resources.bundle_dir() == wheel / "rego"


def test_missing_data_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "_CANDIDATES", (tmp_path,))
    with pytest.raises(MlgateError, match="data files are missing: no rego/"):
        resources.bundle_dir()
