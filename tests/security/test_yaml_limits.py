"""Hostile YAML and JSON facts are refused, within a memory bound.

Each document is loaded in a fresh Python process that reports its peak
resident memory (``resource.getrusage``) after the imports and after the load:
the difference bounds what the hostile input cost. A tag that would run code
leaves no trace; a billion-laughs document is refused at its first anchor,
before anything is expanded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

MIB = 1024 * 1024

_PROBE = r"""
import json, resource, sys
from mlgate.errors import MlgateError
from mlgate.facts.load import load_document, parse_yaml_text
parse_yaml_text("warm: [1, {a: b}]\n", "warm")  # libyaml and the loader, imported and built
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    load_document(sys.argv[1])
    error = None
except MlgateError as exc:
    error = exc.message
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"error": error, "grew_kb": after - before}))
"""


# Linux keeps a process's peak RSS across exec, and a forked child starts from
# its parent's: launched straight from pytest the probe would report pytest's
# peak. A small launcher process forks the probe, so the probe's peak is its own.
_LAUNCH = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def _probe(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, sys.executable, "-c", _PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr  # no crash, no unhandled exception
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


CASES: dict[str, tuple[str, str, str, int]] = {
    # name: (file name, content, expected message, memory bound in MiB)
    "python tag": (
        "facts.yaml",
        "subject: !!python/object/apply:os.system ['touch {pwned}']\n",
        "facts.yaml:1:10: YAML tags are not allowed here (!!python/object/apply:os.system)",
        20,
    ),
    "local tag": ("facts.yaml", "subject: !ref {name: m}\n", "YAML tags are not allowed", 20),
    "billion laughs": (
        "facts.yaml",
        _billion_laughs(),
        "facts.yaml:1:4: YAML anchors are not allowed here (&a)",
        20,
    ),
    "merge key": (
        "facts.yaml",
        "base: &b {name: m}\nsubject:\n  <<: *b\n",
        "YAML anchors are not allowed",
        20,
    ),
    "deep flow nesting": (
        "facts.yaml",
        "a: " + "[" * 200_000 + "]" * 200_000,
        "nested deeper than 64 levels",
        20,
    ),
    "deep block nesting": (
        "facts.yaml",
        "".join(f"{' ' * i}k{i}:\n" for i in range(3000)) + " " * 3000 + "x: 1\n",
        "nested deeper than 64 levels",
        20,
    ),
    "deep json nesting": (
        "facts.json",
        '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}",
        "nested deeper than 64 levels",
        40,
    ),
    "huge yaml scalar": (
        "facts.yaml",
        "subject:\n  name: " + "A" * (24 * MIB) + "\n",
        "facts.yaml:2:9: a string of 25165824 characters exceeds the 1048576-character limit",
        150,
    ),
    "huge json scalar": (
        "facts.json",
        '{"subject": {"name": "' + "A" * (24 * MIB) + '"}}',
        "/subject/name: a string of 25165824 characters exceeds the 1048576-character limit",
        150,
    ),
    "huge key": (
        "facts.yaml",
        "K" * (2 * MIB) + ": 1\n",
        "exceeds the 1048576-character limit",
        40,
    ),
    "too many nodes": (
        "facts.yaml",
        "l:\n" + "- 0\n" * 2_100_000,
        "more than 2000000 YAML nodes",
        40,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_documents_are_refused_within_a_memory_bound(tmp_path: Path, case: str) -> None:
    name, content, expected, bound_mib = CASES[case]
    pwned = tmp_path / "PWNED"
    path = tmp_path / name
    path.write_text(content.replace("{pwned}", str(pwned)))
    result = _probe(path)
    assert result["error"] is not None, f"{case} was accepted"
    assert expected in result["error"]
    assert "\n" not in result["error"]
    assert result["grew_kb"] < bound_mib * 1024, f"{case}: grew {result['grew_kb'] // 1024} MiB"
    assert not pwned.exists()


def test_the_probe_sees_memory_grow() -> None:
    """The measure works: a plain large (valid) document does grow the peak."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        items = [{"name": f"m{i}", "value": 0.5} for i in range(300_000)]
        path.write_text(json.dumps({"metrics": items}))
        result = _probe(path)
    assert result["error"] is None
    assert result["grew_kb"] > 20 * 1024
