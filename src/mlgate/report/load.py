"""Load a stored decision for ``mlgate report`` / ``mlgate explain``.

A reference is a decision JSON file (``-`` reads stdin) or a decision id (or a
unique prefix of one, at least four characters, as git takes a short hash). An id
is looked up by the ``sources`` given (callables ``id -> (decision, facts) |
None``); the CLI passes the decision log's (``report.log_source``), and
another store plugs in the same way.

A decision written by a newer mlgate (``schema_version`` above the one this
mlgate reads) is refused with exit 2, as is anything that is not a decision
(``decisions.document``).

``with_bundle_details`` fills in ``details`` for a decision that has none (one
from the log, or written by ``--format json`` of an older mlgate): from the
bundle that made it (same digest) and the facts logged with it, if any.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.bundles.load import load_bundle
from mlgate.decisions.document import check_document
from mlgate.decisions.model import Decision
from mlgate.errors import BundleError, InputError
from mlgate.explain.details import build_details, with_details
from mlgate.facts.load import load_document
from mlgate.resources import bundle_dir

Found = tuple[dict[str, Any], "dict[str, Any] | None"]
DecisionSource = Callable[[str], "Found | None"]
# A decision id, or a prefix of one (at least four characters) the sources resolve.
_ID = re.compile(r"^[0-9a-fA-F][0-9a-fA-F-]{3,35}$")


@dataclass(frozen=True)
class Loaded:
    decision: Decision
    facts: dict[str, Any] | None = None  # the facts logged with it, when from a log


def load_decision(ref: str, sources: Sequence[DecisionSource] = ()) -> Loaded:
    """The decision in file ``ref`` (JSON), or with id ``ref`` from one of ``sources``."""

    if ref == "-" or Path(ref).exists():
        name = "<stdin>" if ref == "-" else ref
        return Loaded(check_document(load_document(ref), name))
    if not _ID.match(ref):
        raise InputError(f"{ref}: no such decision file (nor a decision id)")
    for source in sources:
        found = source(ref)
        if found is not None:
            return Loaded(check_document(found[0], f"decision {ref}"), found[1])
    raise InputError(f"{ref}: no such decision file, and no decision with this id was found")


def with_bundle_details(loaded: Loaded, bundle_location: str | None) -> Decision:
    """The decision with ``details``: its own, or rebuilt from the bundle that made it."""
    decision = loaded.decision
    if isinstance(decision.document.get("details"), dict):
        return decision

    bundle = load_bundle(bundle_location or bundle_dir())
    wanted = (decision.document.get("bundle") or {}).get("digest")
    if bundle.digest != wanted:
        if bundle_location:
            raise BundleError(
                f"{bundle_location}: not the bundle that made this decision "
                f"({bundle.digest[:19]} is not {str(wanted)[:19]})"
            )
        return decision
    return with_details(decision, build_details(decision, loaded.facts or {}, [], bundle))
