"""``--format json``: the full decision document (schemas/decision.schema.json)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlgate.decisions.model import Decision


class JsonFormatter:
    def render(self, decision: Decision) -> str:
        return json.dumps(decision.document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
