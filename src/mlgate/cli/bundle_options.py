"""What the ``mlgate bundle`` commands share: help texts, ``--format``, JSON output and
reading a key (``bundle``, ``bundle_ops`` and ``bundle_fleet`` each import it)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from mlgate.bundles.jws import Key, load_key

BUNDLE_ARG = "Bundle directory, .tar.gz or https:// URL."
KEY_ID_HELP = "Key id: put in the token as kid (build) or required to match it (verify)."
ALG_HELP = "RS256 | ES256 | HS256 [default: from the PEM key; give HS256 for a shared secret]."
SCOPE_HELP = "Signature scope; OPA's signing.scope must then be the same."


class Fmt(StrEnum):
    TEXT = "text"
    JSON = "json"


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def key_from(path: Path, alg: str | None, *, for_signing: bool) -> Key:
    return load_key(path, alg, for_signing=for_signing)
