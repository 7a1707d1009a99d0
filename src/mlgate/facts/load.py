"""Read one facts document, JSON or YAML, safely.

Refused, each with ``file:line:col`` where there is one: a file over the size
limit (checked before it is read), malformed JSON/YAML, duplicate keys, nesting
deeper than ``max_depth``, a string (value or key) over ``MAX_SCALAR_CHARS``,
invalid UTF-8 or lone surrogates, and in YAML every explicit tag
(``!!python/object``, ``!foo``), every anchor and alias (no billion laughs),
more than ``MAX_YAML_NODES`` nodes, non-string keys and more than one document.
YAML is refused from its event stream, before any object is built.

YAML scalars resolve with the YAML 1.2 core schema: only ``true``/``false`` are
booleans (``no`` and ``on`` stay strings), ``012`` is twelve, and timestamps
stay strings, so a YAML document reads exactly like the same JSON.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlgate.errors import InputError

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 64 * MIB
DEFAULT_MAX_DEPTH = 64
MAX_SCALAR_CHARS = MIB  # a facts value is a name, a URI, a number: not a payload
MAX_YAML_NODES = 2_000_000
STDIN = "-"

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def display_name(path: str | Path) -> str:
    return "<stdin>" if str(path) == STDIN else str(path)


def load_document(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
) -> dict[str, Any]:
    """The top-level mapping in ``path`` (``-`` reads stdin); ``InputError`` otherwise."""
    name = display_name(path)
    text = _decode(_read(path, name, max_bytes), name)
    suffix = Path(str(path)).suffix.lower()
    as_json = suffix == ".json" or (
        suffix not in (".yaml", ".yml") and text.lstrip()[:1] in ("{", "[")
    )
    parse = parse_json_text if as_json else parse_yaml_text
    doc = parse(text, name, max_depth=max_depth)
    if not isinstance(doc, dict):
        raise InputError(f"{name}: the top level must be a mapping, not {_kind(doc)}")
    return doc


def parse_json_text(text: str, name: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    try:
        value = json.loads(text, object_pairs_hook=_unique_pairs)
    except _DuplicateKeyError as exc:
        raise InputError(_json_duplicate(text, name, exc.key)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{name}: nested deeper than {max_depth} levels") from None
    except ValueError as exc:  # e.g. an integer literal over 4300 digits
        raise InputError(f"{name}: {exc}") from None
    _check_tree(value, name, max_depth, surrogates=_ESCAPED_SURROGATE.search(text) is not None)
    return value


def parse_yaml_text(text: str, name: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    import yaml

    try:
        _check_events(text, name, max_depth)
        loader = _loader_factory()(text)
        try:
            value = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        where = _mark_at(name, exc.problem_mark or exc.context_mark)
        problem = str(exc.problem or exc.context or exc)
        if "maximum nesting depth" in problem:  # PyYAML 6.0.2+ stops at its own limit first
            problem = f"nested deeper than {max_depth} levels"
        raise InputError(f"{where}: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        where = _at(text, name, exc.position) if isinstance(exc.position, int) else name
        char = (
            exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        )
        raise InputError(f"{where}: character #x{char:04x} is not allowed in YAML") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{name}: {str(exc).splitlines()[0] if str(exc) else exc}") from None
    if not yaml_parser_class().__name__.startswith("C"):  # libyaml refuses lone surrogates itself
        _check_tree(value, name, max_depth, surrogates=True)
    return value


def _read(path: str | Path, name: str, max_bytes: int) -> bytes:
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > max_bytes:
                    raise _too_big(name, size, max_bytes)
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise _too_big(name, len(data), max_bytes)
    return data


def _too_big(name: str, size: int, limit: int) -> InputError:
    shown = f"{size / MIB:.1f} MB" if size >= MIB else f"{size} bytes"
    cap = f"{limit // MIB} MB" if limit and limit % MIB == 0 else f"{limit}-byte"
    return InputError(f"{name}: {shown} exceeds the {cap} limit for a facts document")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"{name}:{line}:{col}: not UTF-8 (byte 0x{data[exc.start]:02x})") from None


def _kind(value: Any) -> str:
    if value is None:
        return "an empty document"
    names = {bool: "a boolean", str: "a string", list: "a list", int: "a number"}
    return names.get(type(value), "a number" if isinstance(value, float) else "a scalar")


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _json_duplicate(text: str, name: str, fallback: str) -> str:
    """Locate the first duplicate key in (otherwise valid) JSON text: the error path only."""
    stack: list[dict[str, int] | None] = []
    expect_key = False
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("{", "["):
            stack.append({} if token == "{" else None)
            expect_key = token == "{"
        elif token in ("}", "]"):
            stack.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif token == ":":
            expect_key = False
        elif expect_key and (keys := stack[-1]) is not None:
            key, expect_key = json.loads(token), False
            if key in keys:
                first = text.count("\n", 0, keys[key]) + 1
                where = _at(text, name, match.start())
                return f"{where}: duplicate key {key!r} (first at line {first})"
            keys[key] = match.start()
    return f"{name}: duplicate key {fallback!r}"


def _at(text: str, name: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"{name}:{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _check_tree(value: Any, name: str, max_depth: int, *, surrogates: bool) -> None:
    """Nesting depth (and lone surrogates when ``surrogates``), walked without recursion."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            found = _locate(value, lambda n, d: isinstance(n, dict | list) and d > max_depth)
            raise InputError(f"{name}: nested deeper than {max_depth} levels at {found}")
        children = [*node, *node.values()] if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif isinstance(child, str) and len(child) > MAX_SCALAR_CHARS:
                found = _locate(
                    value, lambda n, d: isinstance(n, str) and len(n) > MAX_SCALAR_CHARS
                )
                raise InputError(f"{name}: {found}: {_long(len(child))}")
            elif surrogates and isinstance(child, str) and _SURROGATE.search(child):
                found = _locate(
                    value, lambda n, d: isinstance(n, str) and bool(_SURROGATE.search(n))
                )
                raise InputError(
                    f"{name}: {found}: a string holds a lone surrogate (invalid Unicode)"
                )


def _long(size: int) -> str:
    return f"a string of {size} characters exceeds the {MAX_SCALAR_CHARS}-character limit"


def _locate(value: Any, hit: Callable[[Any, int], bool]) -> str:
    """The pointer of the first node (or key) where ``hit`` holds: error messages only."""
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if hit(node, depth):
            return "/" + "/".join(_SURROGATE.sub("?", p) for p in path)
        if isinstance(node, dict):
            for key, child in reversed(node.items()):
                stack.append((child, depth + 1, (*path, key)))
                stack.append((key, depth + 1, (*path, key)))
        elif isinstance(node, list):
            stack.extend(
                (c, depth + 1, (*path, str(i))) for i, c in reversed(list(enumerate(node)))
            )
    return "/"


def _mark_at(name: str, mark: Any) -> str:
    return f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name


def _check_events(text: str, name: str, max_depth: int) -> None:
    """One pass over the YAML events: refuse tags, anchors, aliases, depth, documents."""
    import yaml

    depth = documents = 0
    for nodes, event in enumerate(yaml.parse(text, Loader=yaml_parser_class()), start=1):
        where = _mark_at(name, event.start_mark)
        if nodes > MAX_YAML_NODES:
            raise InputError(f"{where}: more than {MAX_YAML_NODES} YAML nodes")
        value = getattr(event, "value", None)
        if isinstance(value, str) and len(value) > MAX_SCALAR_CHARS:
            raise InputError(f"{where}: {_long(len(value))}")
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            raise InputError(f"{where}: YAML aliases are not allowed here (*{anchor})")
        if anchor is not None:
            raise InputError(f"{where}: YAML anchors are not allowed here (&{anchor})")
        if (tag := getattr(event, "tag", None)) is not None:
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")
            raise InputError(f"{where}: YAML tags are not allowed here ({shown})")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise InputError(f"{where}: nested deeper than {max_depth} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise InputError(f"{where}: one YAML document per file, not several")


@functools.cache
def yaml_parser_class() -> type[Any]:
    import yaml

    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return yaml.BaseLoader
    return CParser


_CORE_SCHEMA = (  # YAML 1.2 core schema: (tag, pattern, first characters)
    ("null", r"~|null|Null|NULL|", "~nN"),
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
        "-+.0123456789",
    ),
)


@functools.cache
def _loader_factory() -> Callable[[str], Any]:
    """A loader class: the parser, plus core-schema scalars and unique string keys."""
    from yaml.constructor import ConstructorError, SafeConstructor
    from yaml.nodes import MappingNode, Node
    from yaml.resolver import BaseResolver

    class Resolver(BaseResolver):
        pass

    for tag, pattern, first in _CORE_SCHEMA:
        chars = [*first, ""] if tag == "null" else list(first)
        Resolver.add_implicit_resolver(
            f"tag:yaml.org,2002:{tag}", re.compile(f"^(?:{pattern})$"), chars
        )

    class Constructor(SafeConstructor):
        def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
            out: dict[Any, Any] = {}
            lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                mark = key_node.start_mark
                if not isinstance(key, str):
                    problem = f"mapping key {_kind_or_value(key)} is not a string; quote it"
                    raise ConstructorError(None, None, problem, mark)
                if key in out:
                    problem = f"duplicate key {key!r} (first at line {lines[key]})"
                    raise ConstructorError(None, None, problem, mark)
                out[key], lines[key] = self.construct_object(value_node, deep=deep), mark.line + 1
            return out

    def construct_int(loader: Any, node: Node) -> int:
        text = str(node.value)
        sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
        base = {"0o": 8, "0x": 16}.get(digits[:2], 10)
        try:
            return sign * int(digits[2:] if base != 10 else digits, base)
        except ValueError as exc:  # over 4300 digits
            raise ConstructorError(None, None, str(exc), node.start_mark) from None

    Constructor.add_constructor("tag:yaml.org,2002:int", construct_int)
    parser: type[Any] = yaml_parser_class()

    class Loader(parser, Constructor, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parser.__init__(self, stream)
            Constructor.__init__(self)
            Resolver.__init__(self)

    return Loader


def _kind_or_value(key: Any) -> str:
    return repr(key) if isinstance(key, int | float) and not isinstance(key, bool) else _kind(key)
