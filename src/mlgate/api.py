"""The Python API behind ``mlgate.check``: one call, one ``Decision`` or one ``MlgateError``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlgate.decisions.evaluate import evaluation_time
from mlgate.decisions.model import Decision
from mlgate.engine.select import EngineOptions
from mlgate.pipeline.check import CheckRequest
from mlgate.pipeline.check import check as run_check


def check(
    facts: Sequence[str | Path],
    *,
    bundle: str | Path | None = None,
    engine: str = "embedded",
    opa_url: str | None = None,
    at: str | None = None,
    log: str | None = None,
    principals: str | Path | None = None,
) -> Decision:
    """Decide on the facts files (merged) with ``bundle`` (default: the shipped one).

    ``engine``: embedded, opa-url (with ``opa_url``), opa-binary or auto. ``at``:
    the evaluation time (RFC 3339), ``"facts"`` for the facts' own, default now.
    With ``log`` (a SQLite file or ``postgresql://`` URL) the decision is recorded
    and the approvals logged for it count; without, nothing is written.
    """
    request = CheckRequest(
        list(facts),
        bundle=bundle,
        engine=EngineOptions(name=engine, opa_url=opa_url),
        evaluated_at=evaluation_time(at),
        record=log is not None,
        log=log,
        principals=principals,
    )
    return run_check(request).decision
