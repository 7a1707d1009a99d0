"""Importing jsonschema without paying for format checkers mlgate never uses.

``jsonschema`` imports every optional format library it finds at import time.
One of them, ``rfc3987-syntax`` (pulled in by ``jsonschema[format]``, e.g.
through the CycloneDX extra), compiles 38 Lark grammars on import: measured at
2.8 s of a 3 s ``mlgate check``. mlgate's schemas use no ``format`` keyword,
so these libraries (the others cost 100 ms more) are hidden while jsonschema
is first imported, then unhidden so other code can still import them.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import cast

_SKIPPED = (
    "rfc3987_syntax",
    "rfc3987",
    "rfc3986_validator",
    "rfc3339_validator",
    "isoduration",
    "webcolors",
    "uri_template",
    "jsonpointer",
    "fqdn",
)


def jsonschema() -> ModuleType:
    """The ``jsonschema`` package, imported without the costly format libraries."""
    loaded = sys.modules.get("jsonschema")
    if loaded is not None:
        return loaded
    hidden = [name for name in _SKIPPED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import jsonschema as module
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]
    return cast(ModuleType, module)
