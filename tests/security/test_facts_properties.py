"""Property tests: random and mutated facts never crash the loader or the merger.

Any input either loads or is refused with an ``MlgateError`` (one line, exit 2);
never another exception. Every validation problem names a JSON pointer that
exists in the document (for "is required", its parent does). Merging a
document with itself changes nothing. Seeds are the golden cases' facts;
mutations delete, replace, retype and insert nodes anywhere in them.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from mlgate.cli.main import main
from mlgate.errors import FactsValidationError, InputError, MlgateError, one_line
from mlgate.facts.document import load_facts, merge_files
from mlgate.facts.load import load_document, parse_json_text, parse_yaml_text
from mlgate.facts.merge import merge
from mlgate.facts.normalize import normalize
from mlgate.facts.validate import validate
from tests.conftest import REPO

FAST = settings(
    max_examples=int(os.environ.get("MLGATE_HYPOTHESIS_EXAMPLES", "100")),
    deadline=None,
    database=None,  # no .hypothesis/ directory in the work tree
    derandomize=bool(os.environ.get("CI")),  # CI: the same examples every run
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Integers no float holds (JSON and YAML parse them; float() of them overflows).
_huge_integers = st.integers(min_value=1, max_value=10**50).flatmap(
    lambda n: st.sampled_from([n * 10**309, -n * 10**309, 2**1024 + n])
)
_text = st.text(st.characters(exclude_categories=()), max_size=12)  # lone surrogates too
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | _huge_integers
    | st.floats(allow_nan=True, allow_infinity=True)
    | _text
    | st.sampled_from(["roc_auc", "AUC", "high", "low", "approve", "2026-02-30T00:00:00Z"])
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@cache
def seeds() -> tuple[dict[str, Any], ...]:
    docs = []
    for path in sorted((REPO / "tests/cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text())
        if isinstance(case, dict) and isinstance(case.get("facts"), dict):
            docs.append(case["facts"])
    return tuple(docs)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*here, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any, *, delete: bool = False) -> Any:
    if not path:
        return value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc = json.loads(json.dumps(draw(st.sampled_from(seeds()))))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["delete", "replace", "insert", "retype", "duplicate"]))
        if action == "delete" and path:
            doc = _set(doc, path, None, delete=True)
        elif action == "replace":
            doc = _set(doc, path, draw(json_values))
        elif action == "insert":
            target = doc if not path else _walk(doc, path)
            if isinstance(target, dict):
                target[draw(_text | st.sampled_from(["value", "source", "name"]))] = draw(
                    json_values
                )
            elif isinstance(target, list):
                target.insert(draw(st.integers(0, len(target))), draw(json_values))
        elif action == "retype":
            node = _walk(doc, path)
            retyped = [node] if not isinstance(node, list) else {"x": node}
            doc = _set(
                doc, path, json.loads(json.dumps(str(node))) if draw(st.booleans()) else retyped
            )
        elif action == "duplicate" and path and isinstance(_walk(doc, path[:-1]), list):
            _walk(doc, path[:-1]).append(json.loads(json.dumps(_walk(doc, path))))
        if not isinstance(doc, dict):
            break
    return doc


def _walk(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _resolves(doc: Any, pointer: str) -> bool:
    if pointer in ("", "/"):
        return True
    node = doc
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        keys = {one_line(k): k for k in node} if isinstance(node, dict) else {}
        if isinstance(node, dict) and (token in node or token in keys):
            node = node[token if token in node else keys[token]]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def _check_problems(doc: Any, lines: list[str]) -> None:
    assert lines, "a rejection lists its problems"
    for line in lines:
        pointer, sep, reason = line.partition(": ")
        assert sep and reason and pointer.startswith("/"), line
        if reason == "is required":
            pointer = pointer.rsplit("/", 1)[0]
        assert _resolves(doc, pointer), f"{line!r} names no node of the document"


def _write(data: str | bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)
    return Path(name)


@FAST
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_random_bytes_load_or_are_refused(data: bytes) -> None:
    for suffix in (".json", ".yaml", ".txt"):
        path = _write(data, suffix)
        try:
            assert isinstance(load_document(path), dict)
        except InputError as exc:
            assert exc.message and "\n" not in exc.message
        finally:
            path.unlink()


@FAST
@given(json_values)
@example({"\n\ud800": 0})  # seen once: a key with a newline made a two-line error
def test_random_values_parse_the_same_from_json_and_yaml_or_are_refused(value: Any) -> None:
    try:
        text = json.dumps(value, allow_nan=False)  # lone surrogates included
    except ValueError:
        assume(False)  # NaN/Infinity are not JSON; the validator refuses them (tested below)
    outcomes = []
    for parse in (parse_json_text, parse_yaml_text):
        try:
            outcomes.append(("ok", json.dumps(parse(text, "x"), sort_keys=True)))
        except InputError as exc:
            assert "\n" not in exc.message
            outcomes.append(("refused", ""))
    if outcomes[0][0] == outcomes[1][0] == "ok":
        assert outcomes[0] == outcomes[1]  # YAML reads exactly like the same JSON


@FAST
@given(mutated(), st.sampled_from([".json", ".yaml"]))
def test_mutated_facts_load_or_are_refused_naming_pointers(doc: Any, suffix: str) -> None:
    text = json.dumps(doc) if suffix == ".json" else yaml.safe_dump(doc, allow_unicode=True)
    path = _write(text, suffix)
    try:
        facts = load_facts([path])
        assert validate(facts.document).ok
    except FactsValidationError as exc:
        _check_problems(load_document(path), exc.details)
    except MlgateError as exc:
        assert exc.message and "\n" not in exc.message
    finally:
        path.unlink()


@FAST
@given(mutated())
def test_validation_names_existing_pointers(doc: Any) -> None:
    report = validate(doc)
    if not report.ok:
        _check_problems(doc, report.lines())
    partial = validate(doc, partial=True)
    assert {str(p) for p in partial.errors} <= {str(p) for p in report.errors}


@FAST
@given(mutated(), mutated())
def test_merging_fragments_never_crashes(first: Any, second: Any) -> None:
    paths = [_write(json.dumps(first), ".json"), _write(json.dumps(second), ".json")]
    try:
        merged = merge_files(paths)
        assert isinstance(merged, dict)
    except FactsValidationError as exc:
        assert exc.details and all(line.split(": ", 1)[0].endswith(".json") for line in exc.details)
    except MlgateError as exc:
        assert exc.message and "\n" not in exc.message
    finally:
        for path in paths:
            path.unlink()


@FAST
@given(mutated())
def test_merging_a_document_with_itself_changes_nothing(doc: Any) -> None:
    if not isinstance(doc, dict) or not validate(doc, partial=True).ok:
        return
    try:
        once = merge([("a.json", normalize(doc))])
    except MlgateError:
        return  # a fact given twice inside the document: refused either way
    assert merge([("a.json", normalize(doc)), ("b.json", normalize(doc))]) == once


def test_validate_sorts_nested_problems() -> None:
    report = validate({"apiVersion": [float("inf")]})
    assert [p.pointer for p in report.errors][:2] == ["/apiVersion", "/apiVersion/0"]


def test_a_control_character_in_yaml_is_one_line_with_its_position() -> None:
    path = _write("subject:\n  name: a\x00b\n", ".yaml")
    try:
        with pytest.raises(InputError) as caught:
            load_document(path)
    finally:
        path.unlink()
    assert caught.value.message == f"{path}:2:10: character #x0000 is not allowed in YAML"


@pytest.mark.parametrize("key", ["\n\ud800", "a\nb", "\x1b[31mred"])
def test_an_error_naming_a_key_with_control_characters_stays_one_line(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sur.json"
    path.write_text(json.dumps({key: 0}), encoding="ascii")  # escaped in the file
    assert main(["facts", "validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err and err[-1].startswith("mlgate: error: "), err
    assert all(line.isprintable() for line in err), err  # no line break, no escape code


def _numeric_paths(doc: Any) -> list[tuple[Any, ...]]:
    return [p for p in _paths(doc) if p and type(_walk(doc, p)) in (int, float)]


@FAST
@given(
    st.sampled_from(seeds()).flatmap(
        lambda doc: st.tuples(st.just(doc), st.sampled_from(_numeric_paths(doc) or [()]))
    ),
    _huge_integers | st.sampled_from([float("nan"), float("inf"), float("-inf")]),
    st.sampled_from([".json", ".yaml"]),
)
@example((seeds()[0], ("metrics", 0, "value")), 10**400, ".json")  # the red team's: exit 1
def test_a_number_no_float_holds_in_any_numeric_fact_is_invalid_facts(
    case: tuple[dict[str, Any], tuple[Any, ...]], number: Any, suffix: str
) -> None:
    """Every numeric fact (metric values, fairness ratios, robustness values, baseline
    metrics...) given a huge integer, NaN or infinity: invalid facts naming its
    pointer, through the library and through the CLI (exit 2, never a traceback)."""
    seed, path = case
    assume(path)
    doc = _set(json.loads(json.dumps(seed)), path, number)
    text = json.dumps(doc) if suffix == ".json" else yaml.safe_dump(doc, allow_unicode=True)
    file = _write(text, suffix)
    try:
        with pytest.raises(FactsValidationError) as caught:
            load_facts([file])
        pointer = "/" + "/".join(str(step) for step in path)
        assert any(line.startswith(pointer + ":") for line in caught.value.details)
        assert main(["facts", "validate", str(file)]) == 2
    finally:
        file.unlink()
