"""Loading one facts document: every bad input is refused with a clear message."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.facts.load import load_document, parse_yaml_text


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path | str, **kwargs: int) -> str:
    with pytest.raises(InputError) as info:
        load_document(path, **kwargs)
    return info.value.message


def test_json_and_yaml_give_the_same_document(tmp_path: Path) -> None:
    doc = {"apiVersion": "mlgate/v1", "metrics": [{"name": "auc", "value": 0.91}]}
    as_json = write(tmp_path, "facts.json", json.dumps(doc))
    as_yaml = write(
        tmp_path, "facts.yml", "apiVersion: mlgate/v1\nmetrics:\n  - {name: auc, value: 0.91}\n"
    )
    assert load_document(as_json) == load_document(as_yaml) == doc


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    assert load_document(write(tmp_path, "facts.txt", ' {"a": 1}')) == {"a": 1}
    assert load_document(write(tmp_path, "facts", "a: 1\n")) == {"a": 1}


def test_yaml_uses_the_core_schema(tmp_path: Path) -> None:
    text = "a: no\nb: 2026-01-01T00:00:00Z\nc: 012\nd: 0x1f\ne: true\nf: ~\ng: 1:30\nh: 1.5\n"
    doc = load_document(write(tmp_path, "f.yaml", text))
    assert doc == {
        "a": "no", "b": "2026-01-01T00:00:00Z", "c": 12, "d": 31,
        "e": True, "f": None, "g": "1:30", "h": 1.5,
    }  # fmt: skip


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = io.BytesIO(b'{"a": [1, 2]}')

    monkeypatch.setattr("sys.stdin", Stdin)
    assert load_document("-") == {"a": [1, 2]}


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "facts.json", '{\n  "a": 1,\n  "b": \n}\n')
    assert refused(path) == f"{path}:4:1: Expecting value"


def test_malformed_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "facts.yaml", "subject:\n  name: m\n  version: a: b\n")
    message = refused(path)
    assert message.startswith(f"{path}:3:13: mapping values are not allowed")


@pytest.mark.parametrize(
    "text",
    ["a: !!python/object/apply:os.system ['true']\n", "a: !custom 1\n", "a: !!str 1\n"],
)
def test_yaml_tags_are_refused(tmp_path: Path, text: str) -> None:
    message = refused(write(tmp_path, "facts.yaml", text))
    assert ":1:4: YAML tags are not allowed" in message


def test_yaml_anchor_bomb_is_refused_at_the_first_anchor(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(ord("b"), ord("j")):
        prev = chr(n - 1)
        lines.append(f"{chr(n)}: &{chr(n)} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    assert refused(path) == f"{path}:1:4: YAML anchors are not allowed here (&a)"


def test_yaml_alias_alone_is_refused(tmp_path: Path) -> None:
    assert "aliases are not allowed" in refused(write(tmp_path, "f.yaml", "a: *x\n"))


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        (
            "f.json",
            '{"subject": {"name": "a",\n  "name": "b"}}',
            ":2:3: duplicate key 'name' (first at line 1)",
        ),
        (
            "f.json",
            '{"a": [{"k": 1}, {"k": 2, "z": 1, "k": 3}]}',
            ":1:35: duplicate key 'k' (first at line 1)",
        ),
        (
            "f.yaml",
            "subject:\n  name: a\n  name: b\n",
            ":3:3: duplicate key 'name' (first at line 2)",
        ),
        ("f.yaml", "a: {x: 1, x: 2}\n", ":1:11: duplicate key 'x' (first at line 1)"),
    ],
)
def test_duplicate_keys_are_refused(tmp_path: Path, name: str, text: str, where: str) -> None:
    path = write(tmp_path, name, text)
    assert refused(path) == f"{path}{where}"


def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: nothing is written
    started = time.perf_counter()
    message = refused(path)
    assert time.perf_counter() - started < 0.5
    assert message == f"{path}: 200.0 MB exceeds the 64 MB limit for a facts document"


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", '{"a": "' + "x" * 100 + '"}')
    assert "exceeds the 50-byte limit" in refused(path, max_bytes=50)
    assert load_document(path, max_bytes=200)["a"] == "x" * 100


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", '{"a": ' + "[" * 100 + "]" * 100 + "}"),
        ("deeper.json", "[" * 100_000 + "]" * 100_000),
        ("deep.yaml", "a: " + "[" * 100 + "]" * 100 + "\n"),
    ],
)
def test_excessive_nesting_is_refused(tmp_path: Path, name: str, text: str) -> None:
    assert "nested deeper than 64 levels" in refused(write(tmp_path, name, text))


def test_nesting_limit_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", '{"a": {"b": {"c": 1}}}')
    assert "nested deeper than 2 levels at /a/b" in refused(path, max_depth=2)
    assert load_document(path, max_depth=3) == {"a": {"b": {"c": 1}}}


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("f.json", "[1, 2]", "a list"),
        ("f.yaml", "just text\n", "a string"),
        ("f.yaml", "", "an empty document"),
        ("f.json", "3", "a number"),
    ],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, name: str, text: str, kind: str) -> None:
    path = write(tmp_path, name, text)
    assert refused(path) == f"{path}: the top level must be a mapping, not {kind}"


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    assert refused(path) == f"{path}: cannot read: No such file or directory"


def test_a_directory_is_not_a_facts_file(tmp_path: Path) -> None:
    assert refused(tmp_path).startswith(f"{tmp_path}: cannot read:")


def test_invalid_utf8_and_lone_surrogates(tmp_path: Path) -> None:
    bad = tmp_path / "f.json"
    bad.write_bytes(b'{\n "a": "\xff"}')
    assert refused(bad) == f"{bad}:2:8: not UTF-8 (byte 0xff)"
    path = write(tmp_path, "g.json", '{"a": {"b": "\\ud800"}}')
    assert refused(path) == f"{path}: /a/b: a string holds a lone surrogate (invalid Unicode)"
    path = write(tmp_path, "h.json", '{"a": [0, {"\\udc00x": 1}]}')
    assert refused(path) == f"{path}: /a/1/?x: a string holds a lone surrogate (invalid Unicode)"


def test_yaml_refuses_non_string_keys_and_several_documents(tmp_path: Path) -> None:
    assert "mapping key 1 is not a string" in refused(write(tmp_path, "a.yaml", "1: x\n"))
    message = refused(write(tmp_path, "b.yaml", "a: 1\n---\nb: 2\n"))
    assert message.endswith(":2:1: one YAML document per file, not several")


def test_parse_yaml_text_is_shared_with_bundles() -> None:
    assert parse_yaml_text("- 1\n- two\n", "data.yaml") == [1, "two"]
    with pytest.raises(InputError, match=r"data\.yaml:1:4: YAML tags"):
        parse_yaml_text("a: !x 1\n", "data.yaml")
