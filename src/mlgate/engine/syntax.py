"""Parsing each Rego module on its own, to report every syntax error with file:line.

Loading a whole bundle stops at the first module that does not parse; a
policy author wants all of them. Each module is parsed in a fresh regorus
engine (cheap: no data, no evaluation).
"""

from __future__ import annotations

from collections.abc import Mapping

from mlgate.engine import _regorus
from mlgate.errors import BundleError


def syntax_errors(modules: Mapping[str, str]) -> list[str]:
    """``file:line:col: message`` for every module that does not parse."""

    regorus = _regorus.import_regorus()
    errors: list[str] = []
    for path in sorted(modules):
        engine = regorus.Engine()
        try:
            engine.add_policy(path, modules[path])
        except RuntimeError as exc:
            errors.append(_regorus.clean_error(str(exc), default_location=path))
        except BaseException as exc:
            if not _regorus.is_panic(exc):
                raise
            errors.append(f"{path}: the parser crashed on this module ({exc})")
    return errors


def require_parsable(modules: Mapping[str, str], source: str) -> None:
    errors = syntax_errors(modules)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise BundleError(f"{source}: {errors[0]}{more}", details=errors[1:])
