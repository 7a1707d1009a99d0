"""Safe YAML for bundle data files: no custom tags, no anchors, no duplicate keys."""

from __future__ import annotations

from typing import Any

from mlgate.errors import BundleError
from mlgate.facts.load import parse_yaml_text


def parse_yaml(content: bytes, name: str) -> Any:

    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    try:
        return parse_yaml_text(text, name)
    except Exception as exc:  # an InputError from the shared safe loader
        raise BundleError(str(exc)) from exc
