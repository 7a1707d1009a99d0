"""``--policy-changed-since REF``: was the policy changed after the evidence?

A stricter threshold must force fresh evidence before a release passes. The
bundle's policy files (``.rego`` other than ``*_test.rego``, ``data.json`` /
``data.yaml`` / ``data.yml``, ``.manifest``) changed in git between ``REF`` and
``HEAD`` (or are changed and uncommitted) at some time; the facts were
collected at their newest ``source.collected_at``. A change after that blocks
the release before anything is evaluated: ``PolicyChangedError``, exit 1. Not
being able to tell (no git, unknown ref, a bundle archive, facts without
``collected_at``) is an error (exit 2): the check fails closed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from mlgate.errors import InputError, MlgateError, UsageError
from mlgate.exitcodes import ExitCode
from mlgate.times import now_rfc3339, rfc3339

_DATA = frozenset({"data.json", "data.yaml", "data.yml", ".manifest"})


@dataclass(frozen=True)
class PolicyChange:
    changed_at: str  # RFC 3339, UTC
    commit: str  # "" when the change is not committed
    files: tuple[str, ...]


def is_policy_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return (name.endswith(".rego") and not name.endswith("_test.rego")) or name in _DATA


def _git(cwd: Path, *args: str) -> str:
    git = shutil.which("git")
    if git is None:
        raise InputError("--policy-changed-since needs git on PATH")
    done = subprocess.run(
        [git, "-C", str(cwd), *args], capture_output=True, text=True, check=False, timeout=60
    )
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["git failed"])[0]
        raise InputError(f"git {' '.join(args[:2])}: {first}")
    return done.stdout


def newest_policy_change(bundle_dir: Path, ref: str) -> PolicyChange | None:
    """The newest change to the bundle's policy files since ``ref``, if any."""
    if not bundle_dir.is_dir():
        raise UsageError(
            f"{bundle_dir}: --policy-changed-since needs a bundle directory in a git work tree"
        )
    _git(bundle_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    dirty = [
        line[3:].strip()
        for line in _git(
            bundle_dir, "status", "--porcelain", "--untracked-files=all", "--", "."
        ).splitlines()
        if len(line) > 3
    ]
    dirty = [p for p in dirty if is_policy_file(p.split(" -> ")[-1])]
    if dirty:
        return PolicyChange(now_rfc3339(), "", tuple(sorted(dirty)))
    log = _git(bundle_dir, "log", "--format=%x00%H %cI", "--name-only", f"{ref}..HEAD", "--", ".")
    for entry in log.split("\x00")[1:]:
        head, *names = entry.strip().splitlines()
        files = tuple(n for n in names if n and is_policy_file(n))
        if files:
            commit, when = head.split(" ", 1)
            moment = datetime.fromisoformat(when).astimezone(UTC)
            return PolicyChange(rfc3339(moment), commit[:12], files)
    return None


class PolicyChangedError(MlgateError):
    """The policy changed after the evidence was collected: the release is blocked."""

    exit_code = ExitCode.FAIL

    def __init__(self, change: PolicyChange, collected_at: str) -> None:
        what = f"commit {change.commit}" if change.commit else "uncommitted changes"
        shown = ", ".join(change.files[:3]) + (" …" if len(change.files) > 3 else "")
        super().__init__(
            f"the policy changed at {change.changed_at} ({what}: {shown}) after the newest "
            f"evidence was collected at {collected_at}: collect the evidence again "
            "(exit 1, release blocked)"
        )
        self.change = change
        self.collected_at = collected_at


def is_after(moment: str, than: str) -> bool:
    def parse(text: str) -> datetime:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    try:
        return parse(moment) > parse(than)
    except ValueError as exc:
        raise InputError(f"cannot compare times {moment!r} and {than!r}: {exc}") from None
