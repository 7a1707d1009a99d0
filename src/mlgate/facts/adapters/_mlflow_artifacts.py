"""Run artifacts recognised by name → documentation and explainability facts.

Recognised by file name (in any folder):

* ``README.md``, ``model_card.md``, ``model_card.json`` → ``documentation.model_card``
  (with the sections a Markdown card fills);
* ``data_dictionary.*`` → ``documentation.data_dictionary``;
* ``shap_summary*`` (``mlflow.evaluate``'s ``shap_summary_plot.png``) → explainability
  artifact ``shap_summary``;
* ``feature_importance*``, ``shap_feature_importance*`` → ``feature_importance``.

Each recognised artifact is downloaded and hashed; its ``uri`` is the
artifact's location in the artifact store.
"""

from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path
from typing import Any

from mlgate.facts.adapters.huggingface import card_sections

_MAX_ENTRIES = 5000
_KINDS = (  # (glob on the lower-cased file name, fact)
    ("shap_feature_importance*", "feature_importance"),
    ("feature_importance*", "feature_importance"),
    ("shap_summary*", "shap_summary"),
    ("readme.md", "model_card"),
    ("model_card.md", "model_card"),
    ("model_card.json", "model_card"),
    ("modelcard.md", "model_card"),
    ("data_dictionary.*", "data_dictionary"),
)


def collect(
    client: Any, run: Any, source: dict[str, Any], tmp: Path, warnings: list[str]
) -> dict[str, dict[str, Any]]:
    run_id, base = run.info.run_id, run.info.artifact_uri.rstrip("/")
    found: dict[str, dict[str, Any]] = {}
    artifacts: list[dict[str, Any]] = []
    for path in _walk(client, run_id, warnings):
        kind = _kind(path)
        if kind is None:
            continue
        local = Path(client.download_artifacts(run_id, path, str(tmp)))
        fact = {"uri": f"{base}/{path}", "sha256": _sha256(local), "source": source}
        if kind in ("shap_summary", "feature_importance"):
            artifacts.append({"kind": kind, **fact})
        elif kind == "model_card" and "model_card" not in found.get("documentation", {}):
            sections = _sections(local)
            found.setdefault("documentation", {})["model_card"] = {**fact, **sections}
        elif kind == "data_dictionary":
            found.setdefault("documentation", {}).setdefault("data_dictionary", fact)
    if artifacts:
        found["explainability"] = {"artifacts": artifacts}
    return found


def _walk(client: Any, run_id: str, warnings: list[str]) -> list[str]:
    paths: list[str] = []
    stack: list[str | None] = [None]
    while stack:
        folder = stack.pop()
        for info in client.list_artifacts(run_id, folder):
            if len(paths) >= _MAX_ENTRIES:
                warnings.append(
                    f"run {run_id}: more than {_MAX_ENTRIES} artifacts; the rest unread"
                )
                return paths
            if info.is_dir:
                stack.append(info.path)
            else:
                paths.append(info.path)
    return sorted(paths)


def _kind(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1].lower()
    return next((kind for pattern, kind in _KINDS if fnmatch.fnmatchcase(name, pattern)), None)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sections(path: Path) -> dict[str, Any]:
    """The sections a Markdown card fills (as the huggingface adapter reads them)."""
    if path.suffix.lower() != ".md":
        return {}

    text = path.read_text(encoding="utf-8", errors="replace")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4 :] if end >= 0 else text
    return {"sections": [name for name, body in card_sections(text).items() if body]}
