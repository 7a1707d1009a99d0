"""The ``mlgate`` command: sub-commands are registered from their modules.

Every ``MlgateError`` becomes one line on stderr and its exit code, and so does
a usage error (an unknown option, a missing argument: exit 2); ``--debug`` (or
``MLGATE_DEBUG=1``), before or after the command, also shows the traceback and
keeps the exit code. The project's config file (``mlgate.config``) is read
before any command runs.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from mlgate import config
from mlgate.errors import MlgateError, one_line
from mlgate.exitcodes import ExitCode
from mlgate.version import __version__

DEBUG_ENV = "MLGATE_DEBUG"
_TRUE = frozenset({"1", "true", "yes", "on"})

EXIT_CODES_HELP = """\
Exit codes: 0 pass · 1 fail · 2 error (usage, invalid input, engine, bundle) ·
3 approvals required · 4 insufficient evidence.
"""

app = typer.Typer(
    name="mlgate",
    help="Policy-as-code release gate for machine-learning models.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(asked: bool) -> None:
    if asked:
        from mlgate.engine import _regorus

        print(f"mlgate {__version__} (embedded engine: regorus {_regorus.version()})")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(
        False,
        "--debug",
        envvar=DEBUG_ENV,
        help="Show tracebacks for errors (exit codes stay); also after the command.",
    ),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print mlgate's version and the embedded engine's, and exit.",
    ),
) -> None:
    pass  # --debug is read by main() wherever it stands; declared here for --help


# Each module under mlgate.cli with a ``register(app)`` function adds its
# commands; a new command group is a new module named here, and its top-level
# command names go in _COMMANDS (a test keeps the two in step).
_COMMAND_MODULES: tuple[str, ...] = ("check", "facts", "approve", "keys", "log", "replay", "report")
_COMMAND_MODULES += ("bundle", "monitor", "recertify", "config", "eval")
_COMMANDS = {
    "check": "check",
    "facts": "facts",
    "approve": "approve",
    "status": "approve",
    "approvals": "approve",
    "keys": "keys",
    "log": "log",
    "replay": "replay",
    "report": "report",
    "explain": "report",
    "bundle": "bundle",
    "monitor": "monitor",
    "compare": "monitor",
    "recertify": "recertify",
    "config": "config",
    "eval": "eval",
}
_registered: set[str] = set()

# What `mlgate --help` lists without importing a single command module (each brings
# its own imports); tests/cli/test_main_lazy.py keeps it equal to the commands' help.
_SUMMARIES: dict[str, str] = {
    "check": "Evaluate facts against the policy bundle and print the decision.",
    "approve": "Sign an approval (or --reject) of a logged decision and append it to the log.",
    "status": "Show the approvals a decision required, those given since, and any not counted.",
    "replay": "Re-evaluate a logged decision's facts with its bundle and confirm the outcome.",
    "report": "Render a decision for people: a self-contained HTML report (no network) by default.",
    "explain": "Explain a decision per control: rule, threshold and its source, actual value, "
    "the fix.",
    "monitor": "Decide whether a deployed model is still fit: drift, latency, confidence, canary.",
    "compare": "Is the challenger no worse than the champion beyond the tier's margin on any "
    "metric?",
    "recertify": "Re-evaluate every production model under BUNDLE and show whose outcome changes.",
    "config": "Show the config file in use and each setting with its source.",
    "eval": "Evaluate QUERY over the bundle with the facts as input and print the value as JSON.",
    "facts": "Validate and merge facts documents.",
    "approvals": "Import approvals given elsewhere.",
    "keys": "Make approvers' and bundles' signing keys.",
    "log": "Verify, query and export the decision log.",
    "bundle": "Build, sign, verify, inspect, test, lint, diff and serve policy bundles.",
}
_TOP_HELP: tuple[list[str], ...] = ([], ["--help"], ["-h"])


def _register(modules: tuple[str, ...] = _COMMAND_MODULES) -> None:
    import importlib

    for name in modules:
        if name not in _registered:
            importlib.import_module(f"mlgate.cli.{name}").register(app)
            _registered.add(name)


def _modules_for(argv: list[str]) -> tuple[str, ...]:
    """Only the module of the command asked for (building every command's options
    costs ~50 ms of each start); every module for help or an unknown command."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return (_COMMANDS[first],) if first in _COMMANDS else _COMMAND_MODULES


def _take_debug(args: list[str]) -> tuple[list[str], bool]:
    """``args`` without ``--debug`` (wherever it stands before ``--``), and whether
    debugging is on (the flag, or ``MLGATE_DEBUG``)."""
    end = args.index("--") if "--" in args else len(args)
    kept = [a for a in args[:end] if a != "--debug"] + args[end:]
    asked = len(kept) != len(args) or os.environ.get(DEBUG_ENV, "").lower() in _TRUE
    return kept, asked


@contextmanager
def _configured() -> Iterator[None]:
    """The config file's settings as environment defaults while one command runs."""
    added = config.apply(os.environ)
    try:
        yield
    finally:
        for name, value in added.items():
            if os.environ.get(name) == value:
                del os.environ[name]


def _once(message: str) -> str:
    """Click and typer both append "Did you mean …?": say it once."""
    return re.sub(r"( Did you mean [^?]*\?)(?:\1)+", r"\1", message)


def _report(error: MlgateError) -> int:
    # MlgateError made its message and details one printable line each (mlgate.errors).
    print(f"mlgate: error: {error.message}", file=sys.stderr)
    for line in error.details:
        print(f"  {line}", file=sys.stderr)
    return int(error.exit_code)


def run(argv: list[str] | None = None) -> None:
    """Console-script entry point: exits with the command's exit code.

    Output still buffered is flushed here, not at interpreter exit, so that a
    full disk or a closed pipe on stdout is exit 2 with one line, not a
    traceback or Python's exit 120 after a verdict was lost.
    """
    code = main(argv)
    try:
        sys.stdout.flush()
    except OSError as exc:
        if code != int(ExitCode.ERROR):  # not already reported by main
            _report_os_error(exc)
        code = int(ExitCode.ERROR)
    if code == int(ExitCode.ERROR):
        _silence_stdout()
    sys.exit(code)


# What a failed write to stdout raises: a closed pipe, a full or failing disk.
_WRITE_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG})


def _report_os_error(exc: OSError) -> int:
    if exc.filename:
        where = f"{exc.filename}: "
    elif exc.errno in _WRITE_ERRNOS:
        where = "cannot write output: "
    else:  # an OSError no layer turned into a message: say what it was, on one line
        where = f"{type(exc).__name__}: "
    reason = exc.strerror or (str(exc).strip().splitlines() or [""])[0] or "no reason given"
    print(f"mlgate: error: {one_line(where + reason)}", file=sys.stderr)
    return int(ExitCode.ERROR)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code (usage errors give 2)."""
    import click

    args, debug = _take_debug(sys.argv[1:] if argv is None else list(argv))
    # Shell completion (click's _MLGATE_COMPLETE) runs with no arguments and needs the
    # real commands; so does everything but the top-level help.
    top_help = args in _TOP_HELP and "_MLGATE_COMPLETE" not in os.environ
    if not top_help:
        _register(_modules_for(args))
    command = typer.main.get_command(app)
    if top_help and isinstance(command, click.Group):  # listed, not imported
        for name, summary in _SUMMARIES.items():
            command.add_command(click.Command(name, help=summary))
    try:
        with _configured():
            # Not click's standalone mode: a usage error is one line, like every other error.
            result = command.main(args=args, prog_name="mlgate", standalone_mode=False)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else int(ExitCode.ERROR))
    except MlgateError as error:
        if debug:
            traceback.print_exc(file=sys.stderr)
        return _report(error)
    except click.exceptions.NoArgsIsHelpError as bare:  # `mlgate`, `mlgate bundle`: the help
        bare.show()
        return int(bare.exit_code)
    except click.ClickException as usage:
        ctx = getattr(usage, "ctx", None)  # a UsageError knows its command
        where = ctx.command_path if ctx is not None else "mlgate"
        message = _once(one_line(usage.format_message()))
        print(f"mlgate: error: {message} (see {where} --help)", file=sys.stderr)
        return int(usage.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        print("mlgate: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # mostly writing stdout failed (a full disk, a closed pipe)
        if debug:
            traceback.print_exc(file=sys.stderr)
        return _report_os_error(exc)
    return result if isinstance(result, int) else 0
