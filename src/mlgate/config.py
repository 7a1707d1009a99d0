"""The project's mlgate settings: ``.mlgate.yaml`` or ``[tool.mlgate]`` in ``pyproject.toml``.

Every command reads them, so CI lines stay short. The file is looked for in the
current directory and its parents, up to the first one holding ``.git`` (or the
file ``$MLGATE_CONFIG`` names; ``MLGATE_CONFIG=none`` reads none). A directory
holding both files is an error: one project, one configuration.

Precedence: a command-line flag > the environment variable > the config file >
the built-in default. A setting is given to the commands as its environment
variable when that variable is unset (``defaults``), so every layer that already
reads ``MLGATE_LOG``, ``MLGATE_OPA_URL``… reads the file's value in the same
place. Relative paths in the file are relative to the file's directory.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.facts.load import parse_yaml_text

ENV_VAR = "MLGATE_CONFIG"
YAML_NAMES = (".mlgate.yaml", ".mlgate.yml")
PYPROJECT = "pyproject.toml"
PRECEDENCE = "flag > environment variable > config file > default"


@dataclass(frozen=True)
class Setting:
    key: str
    env: str | None  # None: no environment variable (read from the file only)
    default: str
    help: str
    path: bool = False  # relative values are relative to the config file
    many: bool = False  # a list of strings


SETTINGS: tuple[Setting, ...] = (
    Setting("bundle", "MLGATE_BUNDLE", "the shipped bundle", "policy bundle (--bundle)", True),
    Setting("engine", "MLGATE_ENGINE", "auto", "engine (--engine)"),
    Setting("opa_url", "MLGATE_OPA_URL", "none", "OPA server URL (--opa-url)"),
    Setting("log", "MLGATE_LOG", "~/.local/share/mlgate/log.db", "decision log (--log)", True),
    Setting("principals", "MLGATE_PRINCIPALS", "none", "principals file (--principals)", True),
    Setting("format", "MLGATE_FORMAT", "text", "check's stdout format (--format)"),
    Setting("outputs", None, "none", "check's report files, FORMAT=FILE (-o)", True, many=True),
)
_BY_KEY = {s.key: s for s in SETTINGS}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class Config:
    """The settings one file gives (``path`` is ``None``: no file found)."""

    path: Path | None = None
    values: dict[str, str | list[str]] = field(default_factory=dict)

    def outputs(self) -> list[str]:
        found = self.values.get("outputs", [])
        return list(found) if isinstance(found, list) else [found]


def find(start: Path | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The config file that applies in ``start`` (default: the current directory)."""
    env = os.environ if environ is None else environ
    named = env.get(ENV_VAR, "")
    if named:
        if named.lower() == "none":
            return None
        path = Path(named).expanduser()
        if not path.is_file():
            raise InputError(f"{path}: config file not found (from ${ENV_VAR})")
        return path
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        found = [folder / name for name in YAML_NAMES if (folder / name).is_file()]
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _pyproject_table(pyproject) is not None:
            found.append(pyproject)
        if len(found) > 1:
            names = " and ".join(p.name for p in found)
            raise InputError(f"{folder}: both {names} configure mlgate; keep one")
        if found:
            return found[0]
        if (folder / ".git").exists():
            return None
    return None


def load(start: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """The settings of the config file that applies (an empty ``Config`` if none)."""
    path = find(start, environ)
    if path is None:
        return Config()
    if path.name == PYPROJECT:
        table = _pyproject_table(path) or {}
        where = f"{path} [tool.mlgate]"
    else:
        table = _yaml_table(path)
        where = str(path)
    return Config(path, _check(table, where, path.parent))


def defaults(config: Config, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment variables the file supplies: those of its settings left unset."""
    return {
        s.env: str(config.values[s.key])
        for s in SETTINGS
        if s.env and s.key in config.values and not environ.get(s.env)
    }


# The variables the last ``apply`` added, so ``mlgate config`` tells them from the user's.
_applied: dict[str, str] = {}


def apply(environ: MutableMapping[str, str], start: Path | None = None) -> dict[str, str]:
    """Add the config file's settings to ``environ`` where unset; returns what was added."""
    added = defaults(load(start, environ), environ)
    environ.update(added)
    _applied.clear()
    _applied.update(added)
    return added


def user_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without what ``apply`` added."""
    return {k: v for k, v in environ.items() if _applied.get(k) != v}


def explain(config: Config, environ: Mapping[str, str]) -> list[dict[str, str]]:
    """Each setting's value and where it comes from (for ``mlgate config``).

    ``environ`` is the environment before the file's defaults were added.
    """
    rows = []
    for s in SETTINGS:
        if s.env and environ.get(s.env):
            value, source = environ[s.env], f"env {s.env}"
        elif s.key in config.values:
            raw = config.values[s.key]
            value = ", ".join(raw) if isinstance(raw, list) else raw
            source = f"config {config.path}"
        else:
            value, source = s.default, "default"
        rows.append({"key": s.key, "value": value, "source": source, "help": s.help})
    return rows


def _pyproject_table(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    table = document.get("tool", {}).get("mlgate")
    if table is not None and not isinstance(table, dict):
        raise InputError(f"{path}: [tool.mlgate] must be a table")
    return table


def _yaml_table(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise InputError(f"{path}: cannot read: {reason}") from None
    table = parse_yaml_text(text, str(path))
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise InputError(f"{path}: must be a mapping of settings ({', '.join(_BY_KEY)})")
    return table


def _check(table: dict[str, Any], where: str, base: Path) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {}
    for raw_key, value in table.items():
        key = str(raw_key).replace("-", "_")
        setting = _BY_KEY.get(key)
        if setting is None:
            raise InputError(f"{where}: unknown setting {raw_key!r} (known: {', '.join(_BY_KEY)})")
        if setting.many:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise InputError(f"{where}: {raw_key!r} must be a list of FORMAT=FILE strings")
            values[key] = [_output_path(v, base) for v in value]
        else:
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"{where}: {raw_key!r} must be a non-empty string")
            values[key] = _relative(value, base) if setting.path else value
    return values


def _relative(value: str, base: Path) -> str:
    if _URL.match(value) or value.startswith("~"):
        return value
    return str(base / value)


def _output_path(value: str, base: Path) -> str:
    fmt, sep, where = value.partition("=")
    if not sep or where == "-":
        return value
    return f"{fmt}={_relative(where, base)}"
