"""``huggingface:PATH``: a Hugging Face model card (``README.md`` with YAML front matter).

``PATH`` is the card or the model directory holding ``README.md``. Everything
on a card is the author's claim, so every fact carries ``reported_by_author:
true`` in its ``source``:

* ``model-index`` results → metrics (canonical names; dataset, split, task,
  ``verified`` kept);
* ``license`` → ``documentation.model_card.license``; ``datasets`` →
  ``lineage.datasets`` with role ``train`` (the card metadata's meaning);
* the card's headings → ``documentation.model_card.sections``, a section
  counting only when it has content (the template's ``[More Information
  Needed]`` does not count), so a missing section shows as missing evidence;
* the first paragraph of the intended-use section → ``subject.intended_use``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mlgate.facts.adapters.base import (
    AdapterBase,
    FactsFragment,
    decode,
    fail,
    metric_entry,
    parse_yaml,
    provenance,
    prune,
    read_bytes,
)

KIND = "huggingface"
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_FILLER = re.compile(r"<!--.*?-->|\[More Information Needed\]|\[optional\]", re.S | re.I)
# section name -> words in a heading that mean it (the HF card template's headings and kin)
_SECTION_WORDS = (
    ("intended_use", ("intended use", "uses", "direct use", "how to use")),
    ("limitations", ("limitation", "out-of-scope", "out of scope", "risks")),
    ("training_data", ("training data", "training details", "training procedure")),
    ("evaluation", ("evaluation", "results", "testing data")),
    ("ethical_considerations", ("ethic", "bias")),
    ("environmental_considerations", ("environmental",)),
    ("model_details", ("model details", "model description")),
)


class Adapter(AdapterBase):
    kind = KIND

    def collect(self, location: str) -> FactsFragment:
        path = Path(location)
        card_path = str(path / "README.md") if path.is_dir() else location
        data = read_bytes(KIND, card_path, self.options)
        text = decode(KIND, card_path, data)
        if not text.strip():  # an empty file is no model card, whatever its name
            raise fail(KIND, card_path, "the model card is empty")
        meta, body = _split(text, card_path)
        source = provenance(KIND, self.options, file=card_path, data=data, reported_by_author=True)
        warnings: list[str] = [] if meta else ["the card has no YAML front matter"]
        try:
            document = from_card(meta, body, card_path, source, warnings)
        except (TypeError, AttributeError) as exc:  # e.g. datasets: 5 where a list belongs
            raise fail(
                KIND, card_path, f"the front matter has an unexpected shape ({exc})"
            ) from None
        return FactsFragment(KIND, location, document, tuple(warnings))


def _split(text: str, location: str) -> tuple[dict[str, Any], str]:
    if text.lstrip()[:1] in ("{", "["):
        raise fail(KIND, location, "not a model card (JSON, not Markdown with YAML front matter)")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise fail(KIND, location, "the YAML front matter has no closing '---'")
    meta = parse_yaml(KIND, location, "".join(lines[1:end])) if end > 1 else {}
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise fail(KIND, location, "the YAML front matter is not a mapping")
    return meta, "".join(lines[end + 1 :])


def from_card(
    meta: dict[str, Any], body: str, location: str, source: dict[str, Any], warnings: list[str]
) -> dict[str, Any]:
    sections = card_sections(body)
    document: dict[str, Any] = {}
    metrics = _metrics(meta.get("model-index"), source, warnings)
    if metrics:
        document["metrics"] = metrics
    license_ = meta.get("license_name") if meta.get("license") == "other" else meta.get("license")
    card = {
        "uri": location,
        "sha256": source.get("sha256"),
        "sections": [name for name, text in sections.items() if text],
        "license": license_ if isinstance(license_, str) else None,
        "source": source,
    }
    document["documentation"] = {"model_card": prune(card)}
    datasets = meta.get("datasets")
    names = [datasets] if isinstance(datasets, str) else datasets or []
    entries = [{"name": n, "role": "train", "source": source} for n in names if isinstance(n, str)]
    if entries:
        document["lineage"] = {"datasets": entries}
    if intended := sections.get("intended_use"):
        document["subject"] = {"intended_use": intended.split("\n\n")[0].strip()}
    return document


def card_sections(body: str) -> dict[str, str]:
    """{section name: its text without filler}; a heading with no content maps to ''."""
    headings: list[tuple[int, int, str]] = []  # (line index, level, title)
    lines = body.splitlines()
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            headings.append((i, len(match.group(1)), match.group(2).strip().lower()))
    found: dict[str, str] = {}
    for n, (start, level, title) in enumerate(headings):
        end = next((h[0] for h in headings[n + 1 :] if h[1] <= level), len(lines))
        text = _FILLER.sub("", "\n".join(lines[start + 1 : end]))
        text = "\n".join(line for line in text.splitlines() if not _HEADING.match(line)).strip()
        for name, words in _SECTION_WORDS:
            if any(word == title or word in title for word in words):
                found[name] = found.get(name) or text
    return {name: found[name] for name, _ in _SECTION_WORDS if name in found}


def _metrics(index: Any, source: dict[str, Any], warnings: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for model in index if isinstance(index, list) else []:
        for result in model.get("results") or [] if isinstance(model, dict) else []:
            if not isinstance(result, dict):
                continue
            dataset, task = _mapping(result.get("dataset")), _mapping(result.get("task"))
            for metric in result.get("metrics") or []:
                if not isinstance(metric, dict):
                    continue
                name = metric.get("type") or metric.get("name")
                if not isinstance(name, str) or not name:
                    continue
                extra = {
                    "dataset": _text(dataset.get("name") or dataset.get("type")),
                    "split": _text(dataset.get("split")),
                    "task": _text(task.get("type")),
                    "verified": metric.get("verified") if "verified" in metric else None,
                }
                entry = metric_entry(name, metric.get("value"), source, warnings, **extra)
                if entry is not None:
                    out.append(entry)
    return out


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
