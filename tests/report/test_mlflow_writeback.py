"""``--mlflow-writeback`` against a real MLflow tracking store (SQLite + local artifacts)."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlgate.cli.main import main
from mlgate.decisions.model import Decision
from mlgate.errors import InputError, UsageError
from mlgate.pipeline.mlflow_writeback import (
    RegisteredVersion,
    WritebackError,
    write_back,
    write_back_subject,
)
from tests.conftest import minimal_facts

mlflow = pytest.importorskip("mlflow")

Run = Callable[..., tuple[int, str, str]]
TAGS = (
    "mlgate.outcome",
    "mlgate.decision_id",
    "mlgate.bundle_revision",
    "mlgate.bundle_digest",
    "mlgate.evaluated_at",
)
_NAMES = itertools.count(1)


@dataclass(frozen=True)
class Registry:
    uri: str
    root: Path

    @property
    def client(self) -> Any:
        return mlflow.MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    def model(self, versions: int = 2) -> str:
        """A new registered model with ``versions`` versions, each logged from a run."""
        name = f"credit-{next(_NAMES)}"
        self.client.create_registered_model(name)
        for _ in range(versions):
            run = self.client.create_run(self.experiment)
            self.client.set_terminated(run.info.run_id)
            self.client.create_model_version(
                name, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id
            )
        return name

    @property
    def experiment(self) -> str:
        found = self.client.get_experiment_by_name("credit")
        assert found is not None
        return str(found.experiment_id)

    def tags(self, name: str, version: str) -> dict[str, str]:
        return dict(self.client.get_model_version(name, version).tags)

    def aliases(self, name: str) -> dict[str, str]:
        return {k: str(v) for k, v in self.client.get_registered_model(name).aliases.items()}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    root = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{root}/mlflow.db"
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    try:
        mlflow.create_experiment("credit", artifact_location=(root / "artifacts").as_uri())
    finally:
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)
    return Registry(uri, root)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLGATE_ENFORCE", raising=False)

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main([*argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def decision(outcome: str) -> Decision:
    return Decision(
        {
            "outcome": outcome,
            "decision_id": f"0195-{outcome}",
            "evaluated_at": "2026-11-23T08:00:00Z",
            "bundle": {"revision": "v12", "digest": "sha256:" + "ab" * 32},
        }
    )


def facts_for(write_facts: Callable[..., Path], want: str, **subject: str) -> Path:
    """Facts the echo bundle decides ``want`` on, for ``subject``."""
    doc = minimal_facts(want=want)
    doc["subject"] = {**doc["subject"], **subject}
    return write_facts(doc)


def test_pass_tags_the_version_and_points_the_alias_at_it(registry: Registry) -> None:
    name = registry.model()
    done = write_back(decision("pass"), model=name, version="2", tracking_uri=registry.uri)
    assert registry.tags(name, "2") == {
        "mlgate.outcome": "pass",
        "mlgate.decision_id": "0195-pass",
        "mlgate.bundle_revision": "v12",
        "mlgate.bundle_digest": "sha256:" + "ab" * 32,
        "mlgate.evaluated_at": "2026-11-23T08:00:00Z",
    }
    assert registry.aliases(name) == {"certified": "2"}
    assert registry.tags(name, "1") == {}  # the other version is not touched
    assert done[-1] == f"mlflow: models:/{name}/2: alias 'certified' set"


def test_pass_sets_the_alias_asked_for(registry: Registry) -> None:
    name = registry.model()
    write_back(
        decision("pass"), model=name, version="1", tracking_uri=registry.uri, alias="approved"
    )
    assert registry.aliases(name) == {"approved": "1"}


@pytest.mark.parametrize("outcome", ["fail", "needs_approval", "insufficient_evidence"])
def test_any_other_outcome_tags_the_version_and_sets_no_alias(
    registry: Registry, outcome: str
) -> None:
    name = registry.model()
    write_back(decision(outcome), model=name, version="2", tracking_uri=registry.uri)
    tags = registry.tags(name, "2")
    assert tags["mlgate.outcome"] == outcome and set(tags) == set(TAGS)
    assert registry.aliases(name) == {}


def test_a_certified_version_that_now_fails_loses_only_the_certification(
    registry: Registry,
) -> None:
    name = registry.model()
    write_back(decision("pass"), model=name, version="2", tracking_uri=registry.uri)
    registry.client.set_registered_model_alias(name, "champion", "2")
    done = write_back(decision("fail"), model=name, version="2", tracking_uri=registry.uri)
    assert registry.aliases(name) == {"champion": "2"}
    assert registry.tags(name, "2")["mlgate.outcome"] == "fail"
    assert done[0] == f"mlflow: models:/{name}/2: alias 'certified' removed"


def test_a_failing_version_leaves_the_alias_on_another_version(registry: Registry) -> None:
    name = registry.model()
    write_back(decision("pass"), model=name, version="1", tracking_uri=registry.uri)
    write_back(decision("fail"), model=name, version="2", tracking_uri=registry.uri)
    assert registry.aliases(name) == {"certified": "1"}
    assert registry.tags(name, "1")["mlgate.outcome"] == "pass"


@pytest.mark.parametrize("known_model", [True, False])
def test_an_unknown_model_version_is_a_writeback_error(
    registry: Registry, known_model: bool
) -> None:
    model, version = (registry.model(versions=1), "9") if known_model else ("credit-none", "1")
    with pytest.raises(WritebackError) as caught:
        write_back(decision("pass"), model=model, version=version, tracking_uri=registry.uri)
    message = caught.value.message
    assert message.startswith(f"MLflow write-back to models:/{model}/{version} failed: ")
    assert "not found" in message and "\n" not in message
    assert int(caught.value.exit_code) == 2


def test_a_missing_local_store_is_refused_and_not_created(tmp_path: Path) -> None:
    db = tmp_path / "nowhere.db"
    with pytest.raises(WritebackError, match="does not exist"):
        write_back(decision("pass"), model="m", version="1", tracking_uri=f"sqlite:///{db}")
    assert not db.exists()


def test_an_unreachable_server_is_one_error(unused_port: int) -> None:
    uri = f"http://127.0.0.1:{unused_port}"
    with pytest.raises(WritebackError, match="is unreachable"):
        write_back(decision("pass"), model="m", version="1", tracking_uri=uri)


def test_a_password_in_the_tracking_uri_is_never_shown(unused_port: int) -> None:
    uri = f"http://ops:s3cr3t-pw@127.0.0.1:{unused_port}"
    with pytest.raises(WritebackError) as caught:
        write_back(decision("pass"), model="m", version="1", tracking_uri=uri)
    assert "s3cr3t-pw" not in caught.value.message and "ops:***@" in caught.value.message


def test_without_mlflow_installed_the_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, registry: Registry
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow.tracking", None)
    with pytest.raises(UsageError, match=r"pip install 'mlgate\[mlflow\]'"):
        write_back(decision("pass"), model="m", version="1", tracking_uri=registry.uri)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ({"name": "m", "version": "1", "registry_uri": "models:/credit/7"}, ("credit", "7")),
        (
            {"name": "credit", "version": "3", "registry_uri": "models:/credit@champion"},
            ("credit", "3"),
        ),
        ({"name": "credit", "version": "3"}, ("credit", "3")),
    ],
)
def test_the_version_comes_from_registry_uri_else_name_and_version(
    subject: dict[str, str], expected: tuple[str, str]
) -> None:
    found = RegisteredVersion.from_subject(subject)
    assert (found.name, found.version) == expected


def test_a_subject_naming_no_registered_version_names_the_fields() -> None:
    with pytest.raises(InputError) as caught:
        write_back_subject(
            decision("pass"),
            {"name": "credit", "version": "2.1.0", "registry_uri": "hf://acme/credit"},
            tracking_uri="sqlite:///unused.db",
        )
    assert "subject.registry_uri" in caught.value.message
    assert "subject.version ('2.1.0')" in caught.value.message


def test_cli_pass_writes_back_after_the_decision(
    run: Run, registry: Registry, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    name = registry.model()
    facts = facts_for(write_facts, "pass", registry_uri=f"models:/{name}/2")
    code, out, err = run(
        "check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded",
        "--format", "json", "--mlflow-writeback", "--tracking-uri", registry.uri,
    )  # fmt: skip
    assert code == 0
    decision_id = json.loads(out)["decision_id"]
    tags = registry.tags(name, "2")
    assert tags["mlgate.outcome"] == "pass" and tags["mlgate.decision_id"] == decision_id
    assert registry.aliases(name) == {"certified": "2"}
    assert f"mlgate: mlflow: models:/{name}/2: alias 'certified' set" in err


def test_cli_no_enforce_records_the_real_outcome_and_sets_no_alias(
    run: Run,
    registry: Registry,
    echo_bundle: Path,
    write_facts: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = registry.model()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry.uri)  # the option's env var
    facts = facts_for(write_facts, "fail", name=name, version="1")
    code, _, err = run(
        "check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded",
        "--no-enforce", "--mlflow-writeback", "--mlflow-alias", "approved",
    )  # fmt: skip
    assert code == 0 and "would have exited 1" in err
    assert registry.tags(name, "1")["mlgate.outcome"] == "fail"
    assert registry.aliases(name) == {}


def test_cli_unknown_version_exits_2_with_one_line_after_the_output(
    run: Run, registry: Registry, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    name = registry.model(versions=1)
    facts = facts_for(write_facts, "pass", registry_uri=f"models:/{name}/5")
    code, out, err = run(
        "check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded",
        "--mlflow-writeback", "--tracking-uri", registry.uri,
    )  # fmt: skip
    assert code == 2  # a pass MLflow did not record does not look like a pass
    assert out.startswith("PASS")
    errors = [line for line in err.splitlines() if line.startswith("mlgate: error:")]
    assert errors == [
        f"mlgate: error: MLflow write-back to models:/{name}/5 failed: Model Version "
        f"(name={name}, version=5) not found (tracking URI {registry.uri})"
    ]
    assert "Traceback" not in err
    assert registry.aliases(name) == {}


def test_cli_without_a_tracking_uri_exits_2_before_deciding(
    run: Run, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    facts = facts_for(write_facts, "pass")
    code, out, err = run(
        "check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded", "--mlflow-writeback"
    )
    assert code == 2 and out == ""
    assert "pass --tracking-uri or set MLFLOW_TRACKING_URI" in err


def test_cli_subject_without_a_registered_version_exits_2(
    run: Run, registry: Registry, echo_bundle: Path, write_facts: Callable[..., Path]
) -> None:
    facts = facts_for(write_facts, "pass", version="v1")
    code, _, err = run(
        "check", "-f", str(facts), "-b", str(echo_bundle), "-e", "embedded",
        "--mlflow-writeback", "--tracking-uri", registry.uri,
    )  # fmt: skip
    assert code == 2
    assert "subject.version ('v1') is not an MLflow model version number" in err
