"""Policy invariants: metamorphic tests that catch wrong rules.

For any bundle whose rules read canonical metrics, and for every seed facts
document (the golden cases, plus one per tier from the metric registry):

- improving a metric in its good direction never turns ``pass`` into ``fail``;
- removing a piece of evidence never turns ``fail`` or
  ``insufficient_evidence`` into ``pass`` (findings such as vulnerabilities,
  rejections and failed checks are not evidence; see ``mutate``);
- adding an approval never removes a violation;
- raising the risk tier never reduces the required approvals.

A broken invariant is reported with the minimal facts that still show it.
Run by ``mlgate bundle test --invariants`` and ``tests/security/test_invariants.py``.
"""

from __future__ import annotations

from mlgate.invariants.mutate import INVARIANTS
from mlgate.invariants.run import InvariantReport, check_invariants, render_text
from mlgate.invariants.seeds import Seed, case_seeds, registry_seeds

__all__ = [
    "INVARIANTS",
    "InvariantReport",
    "Seed",
    "case_seeds",
    "check_invariants",
    "registry_seeds",
    "render_text",
]
