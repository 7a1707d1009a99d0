"""The few calls into regorus, shared by the in-process engine and the forked worker.

regorus is imported lazily (``mlgate --help`` must not load it). Everything
crosses the boundary as JSON text, never as Python objects.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from mlgate.errors import BundleError

DISTRIBUTION = "gordon-to-regorus"

_LOCATION = re.compile(r"^\s*-->\s*(.+:\d+:\d+)\s*$", re.MULTILINE)
_MESSAGE = re.compile(r"^error:\s*(.*\S)\s*$", re.MULTILINE)
_RULE_PATH = re.compile(r"^data(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_NOT_A_RULE = "not a valid rule path"
_UNDEFINED = '"<undefined>"'


@functools.cache
def version() -> str:
    """The installed version of the distribution, recorded in every decision.

    Read from the name of its ``.dist-info`` directory beside the ``regorus``
    package (``{name}-{version}.dist-info``, as the wheel format names it);
    ``importlib.metadata`` (a sixth of a cold ``mlgate check``'s imports) only
    when that directory is not found or not unique.
    """
    spec = find_spec("regorus")
    if spec is not None and spec.origin:
        prefix = DISTRIBUTION.replace("-", "_") + "-"
        found = list(Path(spec.origin).parent.parent.glob(f"{prefix}*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(prefix) : -len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # pragma: no cover - broken install
        return "unknown"


def import_regorus() -> Any:
    import regorus

    return regorus


def new_engine(modules: Mapping[str, str], data_json: str) -> Any:
    """A ``regorus.Engine`` with ``modules`` (name -> source) and data loaded.

    Raises ``BundleError`` with one ``file:line:col: message`` line when a
    module does not parse or the data is rejected.
    """
    engine = import_regorus().Engine()
    engine.set_gather_prints(True)  # print() must never reach mlgate's stdout
    for name, text in modules.items():
        try:
            engine.add_policy(name, text)
        except RuntimeError as exc:
            raise BundleError(clean_error(str(exc), default_location=name)) from None
    if data_json.strip() != "{}":
        try:
            engine.add_data_json(data_json)
        except RuntimeError as exc:
            raise BundleError(f"bundle data rejected: {clean_error(str(exc))}") from None
    return engine


def evaluate_json(engine: Any, query: str, input_json: str) -> str:
    """The answer in ``eval_query_as_json``'s form; regorus's exceptions pass through.

    A query that names a rule (``data.a.b.rule``) is evaluated with
    ``eval_rule_as_json``: ``eval_query`` re-plans every rule of the bundle
    for each query, which costs a third of a decision on the shipped bundle.
    ``eval_rule`` answers an undefined rule with the text ``"<undefined>"``
    (which a rule could also produce) and refuses a path that is not a rule
    (a package, a data document, a function); both go to ``eval_query``, so
    every answer is the one ``eval_query`` would give.
    """
    engine.set_input_json(input_json)
    try:
        if _RULE_PATH.match(query):
            try:
                value = str(engine.eval_rule_as_json(query))
            except RuntimeError as exc:
                if _NOT_A_RULE not in str(exc):
                    raise
            else:
                if value != _UNDEFINED:
                    return f'{{"result":[{{"expressions":[{{"value":{value}}}]}}]}}'
        return str(engine.eval_query_as_json(query))
    finally:
        engine.take_prints()


def ast_json(engine: Any) -> str:
    return str(engine.get_ast_as_json())


def is_panic(exc: BaseException) -> bool:
    """pyo3 turns a Rust panic into ``PanicException`` (a ``BaseException``)."""
    return type(exc).__name__ == "PanicException"


def clean_error(text: str, *, default_location: str = "") -> str:
    """One line from a regorus error: ``file:line:col: message``, no backtrace.

    regorus reports ``\\n--> b.rego:2:7\\n  |\\n2 | x := := 1\\n  |  ^\\nerror: ...``
    followed by a Rust "Stack backtrace:" section.
    """
    text = text.split("Stack backtrace:", 1)[0]
    location = _LOCATION.search(text)
    message = _MESSAGE.search(text)
    if location and message:
        return f"{location.group(1)}: {message.group(1)}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    flat = " ".join(lines).removeprefix("error:").strip() or "unknown error"
    return f"{default_location}: {flat}" if default_location else flat
