"""The embedded engine (regorus): loading, errors, isolation, builtin scan."""

from __future__ import annotations

import gc
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlgate.bundles.model import Bundle, Manifest
from mlgate.engine import _regorus, builtins
from mlgate.engine.embedded import EmbeddedEngine
from mlgate.errors import BundleError, EngineError, UndefinedDecisionError

# Takes seconds at any timeout: 4000 x 4000 pairs.
SLOW = (
    "package t\n"
    "x := count([p | some a in numbers.range(1, 4000); some b in numbers.range(1, 4000);"
    " p := a * b])\n"
    "ok := input.n + 1\n"
)


def make_bundle(
    modules: dict[str, str],
    data: dict[str, Any] | None = None,
    tests: dict[str, str] | None = None,
) -> Bundle:
    return Bundle(
        source="rego",
        manifest=Manifest(),
        modules=modules,
        data=data or {},
        digest="sha256:0",
        test_modules=tests or {},
    )


def engine_for(source: str, **kwargs: Any) -> EmbeddedEngine:
    return EmbeddedEngine.from_bundle(make_bundle({"t.rego": source}), **kwargs)


def children() -> set[int]:
    """Live and zombie child processes of this process (Linux /proc)."""
    me, found = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                found.add(int(entry.name))
    return found


def gone(pid: int) -> bool:
    """True once ``pid`` is neither running nor a zombie (i.e. it was reaped)."""
    return not Path(f"/proc/{pid}").exists()


@pytest.fixture(params=[True, False], ids=["isolated", "in-process"])
def isolate(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def slow_engine() -> Iterator[EmbeddedEngine]:
    with engine_for(SLOW, timeout=0.5) as engine:
        yield engine


# --- loading ----------------------------------------------------------------


def test_syntax_error_is_a_bundle_error_with_location(isolate: bool) -> None:
    bundle = make_bundle({"mlgate/x.rego": "package mlgate.x\n\nx := := 1\n"})
    with pytest.raises(BundleError) as err:
        EmbeddedEngine.from_bundle(bundle, isolate=isolate)
    assert err.value.message == "rego/mlgate/x.rego:3:6: expecting expression"


def test_clean_error_keeps_one_line_without_backtrace() -> None:
    raw = (
        "\n--> b.rego:2:7\n  |\n2 |  x := := 1\n  |       ^\nerror: expecting expression"
        "\n\nStack backtrace:\n   0: <unknown>\n"
    )
    assert _regorus.clean_error(raw) == "b.rego:2:7: expecting expression"
    assert _regorus.clean_error("recursion limit exceeded\n\nStack backtrace:\n 0: x") == (
        "recursion limit exceeded"
    )


def test_data_is_loaded_at_its_paths(isolate: bool) -> None:
    data = {"mlgate": {"thresholds": {"high": {"roc_auc": 0.85}, "low": {"roc_auc": 0.7}}}}
    policy = "package mlgate.t\nmin := data.mlgate.thresholds[input.tier].roc_auc\n"
    bundle = make_bundle({"mlgate/t.rego": policy}, data)
    with EmbeddedEngine.from_bundle(bundle, isolate=isolate) as engine:
        assert engine.evaluate("data.mlgate.t.min", {"tier": "high"}) == 0.85
        assert engine.evaluate("data.mlgate.thresholds.low", {}) == {"roc_auc": 0.7}


def test_test_modules_load_only_when_asked() -> None:
    tests = {"t_test.rego": "package t\ntest_one if data.t.x == 1\n"}
    bundle = make_bundle({"t.rego": "package t\nx := 1\n"}, tests=tests)
    with EmbeddedEngine.from_bundle(bundle) as engine, pytest.raises(UndefinedDecisionError):
        engine.evaluate("data.t.test_one", {})
    with EmbeddedEngine.from_bundle(bundle, include_tests=True) as engine:
        assert engine.evaluate("data.t.test_one", {}) is True


def test_info_names_engine_and_version() -> None:
    with engine_for("package t\nx := 1\n") as engine:
        assert engine.info.name == "embedded"
        assert engine.info.version == "regorus 0.13.0"


def test_load_is_bounded_by_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for a pathological module (regorus 0.13 parses 18 nested array
    # literals in ~12 s); patched before the fork, so the worker inherits it.
    def slow_load(modules: Any, data_json: str) -> Any:
        time.sleep(30)

    monkeypatch.setattr(_regorus, "new_engine", slow_load)
    before, start = children(), time.monotonic()
    # Raised by from_bundle on a first load (the scan needs the AST), or by the
    # first evaluation when the scan is cached and the load runs in the background.
    with (
        pytest.raises(EngineError, match=r"loading the bundle exceeded 0\.5s"),
        engine_for("package t\nx := 1\n", timeout=0.5) as engine,
    ):
        engine.evaluate("data.t.x", {})
    assert time.monotonic() - start < 3
    assert children() == before


def test_a_known_bundle_loads_while_the_caller_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "package t\nx := input.n + 1\n"
    engine_for(source).close()  # the first load scans the AST and caches the scan
    real = _regorus.new_engine

    def slow_load(modules: Any, data_json: str) -> Any:
        time.sleep(1.0)
        return real(modules, data_json)

    monkeypatch.setattr(_regorus, "new_engine", slow_load)
    start = time.monotonic()
    with engine_for(source) as engine:
        opened = time.monotonic() - start
        assert engine.evaluate("data.t.x", {"n": 2}) == 3  # waits for the load
        answered = time.monotonic() - start
    assert opened < 0.5 <= 1.0 <= answered


def test_a_known_bundle_that_fails_to_load_fails_its_first_evaluation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = "package t\nx := 1\n"
    engine_for(source).close()

    def broken(modules: Any, data_json: str) -> Any:
        raise BundleError("rego/t.rego:2: the disk changed under us")

    monkeypatch.setattr(_regorus, "new_engine", broken)
    before = children()
    with engine_for(source) as engine:
        for _ in range(2):  # the same error again, not a reload blamed on the engine
            with pytest.raises(BundleError, match="the disk changed under us"):
                engine.evaluate("data.t.x", {})
            assert children() == before  # and no second worker forked to try again


# --- evaluation ---------------------------------------------------------------


def test_undefined_query_raises_undefined(isolate: bool) -> None:
    with engine_for("package t\nx := 1 if input.go\n", isolate=isolate) as engine:
        with pytest.raises(UndefinedDecisionError, match=r"data\.t\.x is undefined"):
            engine.evaluate("data.t.x", {"go": False})
        assert engine.evaluate("data.t.x", {"go": True}) == 1


def test_false_is_a_value_not_undefined(isolate: bool) -> None:
    with engine_for("package t\ndefault allow := false\n", isolate=isolate) as engine:
        assert engine.evaluate("data.t.allow", {}) is False


def test_runtime_builtin_error_is_an_engine_error(isolate: bool) -> None:
    engine = engine_for("package t\n\nx := lower(input.n)\n", isolate=isolate)
    with engine, pytest.raises(EngineError) as err:
        engine.evaluate("data.t.x", {"n": 3})
    message = err.value.message
    assert not isinstance(err.value, UndefinedDecisionError)
    assert message.startswith("embedded engine: rego/t.rego:3:")
    assert "`lower` expects string argument" in message
    assert "\n" not in message and "backtrace" not in message.lower()


def test_conflict_is_an_engine_error(isolate: bool) -> None:
    engine = engine_for("package t\nx := input.a\nx := input.b\n", isolate=isolate)
    with engine, pytest.raises(EngineError, match="rule conflicts"):
        engine.evaluate("data.t.x", {"a": 1, "b": 2})


def test_values_keep_big_integers_and_unicode(isolate: bool) -> None:
    src = 'package t\nx := {"n": input.n + 1, "s": concat("", [input.s, "é"])}\n'
    with engine_for(src, isolate=isolate) as engine:
        assert engine.evaluate("data.t.x", {"n": 9007199254740992, "s": "ü"}) == {
            "n": 9007199254740993,
            "s": "üé",
        }


def test_input_that_is_not_json_is_an_engine_error() -> None:
    with engine_for("package t\nx := 1\n") as engine, pytest.raises(EngineError, match="JSON"):
        engine.evaluate("data.t.x", {"bad": float("nan")})


def test_print_does_not_reach_stdout(isolate: bool, capfd: pytest.CaptureFixture[str]) -> None:
    with engine_for('package t\nx := 1 if { print("noise") }\n', isolate=isolate) as engine:
        assert engine.evaluate("data.t.x", {}) == 1
    assert "noise" not in capfd.readouterr().out


# --- isolation: timeout, crash, workers ---------------------------------------


def test_timeout_stops_a_runaway_policy(slow_engine: EmbeddedEngine) -> None:
    start = time.monotonic()
    with pytest.raises(EngineError) as err:
        slow_engine.evaluate("data.t.x", {})
    assert err.value.message == "embedded engine: evaluation exceeded 0.5s"
    assert time.monotonic() - start < 2


def test_worker_is_replaced_after_a_timeout(slow_engine: EmbeddedEngine) -> None:
    first = slow_engine.worker_pid
    assert first is not None
    with pytest.raises(EngineError, match="exceeded"):
        slow_engine.evaluate("data.t.x", {})
    assert slow_engine.worker_pid is None
    assert gone(first)
    assert slow_engine.evaluate("data.t.ok", {"n": 1}) == 2
    assert slow_engine.worker_pid not in (None, first)


def test_signal_in_the_worker_is_a_contained_crash(slow_engine: EmbeddedEngine) -> None:
    pid = slow_engine.worker_pid
    assert pid is not None
    threading.Timer(0.1, os.kill, (pid, signal.SIGSEGV)).start()
    with pytest.raises(EngineError) as err:
        slow_engine.evaluate("data.t.x", {})
    assert err.value.message == "embedded engine crashed (killed by signal SIGSEGV)"
    assert gone(pid)
    assert slow_engine.evaluate("data.t.ok", {"n": 2}) == 3


def test_worker_killed_while_idle_is_reported_then_replaced() -> None:
    with engine_for("package t\nx := input.n\n") as engine:
        pid = engine.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(EngineError, match="crashed"):
            engine.evaluate("data.t.x", {"n": 1})
        assert gone(pid)
        assert engine.evaluate("data.t.x", {"n": 5}) == 5


class PanicException(BaseException):
    """Stands in for pyo3's PanicException (matched by name, a BaseException)."""


def _panicking(real: Any) -> Any:
    def evaluate_json(engine: Any, query: str, input_json: str) -> str:
        if query == "data.t.boom":
            raise PanicException("assertion failed: index < len")
        return str(real(engine, query, input_json))

    return evaluate_json


def test_panic_is_a_contained_crash(isolate: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Patched before the fork, so the isolated worker inherits it.
    monkeypatch.setattr(_regorus, "evaluate_json", _panicking(_regorus.evaluate_json))
    with engine_for("package t\nx := 1\n", isolate=isolate) as engine:
        pid = engine.worker_pid
        with pytest.raises(EngineError) as err:
            engine.evaluate("data.t.boom", {})
        assert err.value.message == (
            "embedded engine crashed (panic: assertion failed: index < len)"
        )
        assert engine.evaluate("data.t.x", {}) == 1
        if isolate:
            assert pid is not None and gone(pid)
            assert engine.worker_pid != pid


def test_many_evaluations_reuse_one_worker() -> None:
    with engine_for("package t\nx := input.n * 2\n") as engine:
        pid = engine.worker_pid
        for n in range(300):
            assert engine.evaluate("data.t.x", {"n": n}) == 2 * n
        assert engine.worker_pid == pid


def test_threads_share_an_isolated_engine() -> None:
    results: list[Any] = []
    with engine_for("package t\nx := input.n + 1\n") as engine:

        def use(n: int) -> None:
            results.append(engine.evaluate("data.t.x", {"n": n}))

        threads = [threading.Thread(target=use, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == list(range(1, 9))


def test_in_process_engine_refuses_other_threads() -> None:
    errors: list[BaseException] = []
    with engine_for("package t\nx := 1\n", isolate=False) as engine:

        def use() -> None:
            try:
                engine.evaluate("data.t.x", {})
            except EngineError as exc:
                errors.append(exc)

        thread = threading.Thread(target=use)
        thread.start()
        thread.join()
        assert engine.worker_pid is None
    assert len(errors) == 1 and "thread" in str(errors[0])


def test_close_reaps_the_worker_and_leaves_no_zombies() -> None:
    before = children()
    engine = engine_for("package t\nx := 1\n")
    pid = engine.worker_pid
    assert pid in children()
    engine.close()
    engine.close()  # idempotent
    assert pid is not None and gone(pid)
    assert children() == before
    with pytest.raises(EngineError, match="closed"):
        engine.evaluate("data.t.x", {})


def test_forgotten_engine_is_reaped_when_collected() -> None:
    engine = engine_for("package t\nx := 1\n")
    pid = engine.worker_pid
    del engine
    gc.collect()
    assert pid is not None and gone(pid)


def test_failed_loads_leave_no_processes() -> None:
    before = children()
    for source in ("package t\nx := := 1\n", 'package t\nx := crypto.sha256("a")\n'):
        with pytest.raises(BundleError):
            engine_for(source)
    assert children() == before


# --- builtin scan -------------------------------------------------------------


def test_unsupported_builtin_is_refused_at_load(isolate: bool) -> None:
    src = "package t\n\nx := 1\ndigest := crypto.sha256(input.s) if input.never\n"
    with pytest.raises(BundleError) as err:
        engine_for(src, isolate=isolate)
    assert err.value.message == (
        "policy uses builtin crypto.sha256 (rego/t.rego:4), which the embedded engine "
        "does not implement; use --engine opa-url/opa-binary"
    )


def test_every_unsupported_call_is_listed() -> None:
    src = "package t\nx := rego.metadata.rule()\ny := io.jwt.decode(input.t)\n"
    with pytest.raises(BundleError) as err:
        engine_for(src)
    assert "rego.metadata.rule (rego/t.rego:2)" in err.value.message
    assert len(err.value.details) == 1  # the others, not the message again
    assert "io.jwt.decode (rego/t.rego:3)" in err.value.details[0]


def test_unknown_function_is_refused_at_load() -> None:
    with pytest.raises(BundleError, match=r"unknown function strings\.nope \(rego/t\.rego:2\)"):
        engine_for('package t\nx := strings.nope("a")\n')


def test_user_functions_are_not_builtins() -> None:
    lib = "package mlgate.lib\n\nsha256(x) := x\nfmt.pct(x) := x * 100\n"
    policy = (
        "package mlgate.t\n"
        "import data.mlgate.lib\n"
        "import data.mlgate.lib as l\n"
        "crypto.sha256(x) := x\n"
        "local(x) := x\n"
        "a := lib.sha256(1)\n"
        "b := l.fmt.pct(2)\n"
        "c := data.mlgate.lib.sha256(3)\n"
        "d := crypto.sha256(local(4))\n"
    )
    bundle = make_bundle({"mlgate/lib.rego": lib, "mlgate/t.rego": policy})
    with EmbeddedEngine.from_bundle(bundle) as engine:
        assert engine.warnings == []
        assert [engine.evaluate(f"data.mlgate.t.{k}", {}) for k in "abcd"] == [1, 200, 3, 4]


def test_known_deviations_are_warnings(isolate: bool) -> None:
    src = (
        "package t\n"
        "a := upper(input.s)\n"
        "b := json.marshal(input)\n"
        'c := sprintf("%s has %.2f", [input.s, 0.5])\n'
        'd := sprintf("%s only", [input.s])\n'
        "e := time.add_date(0, 0, 1, 0)\n"
        "f := upper(lower(input.s))\n"
    )
    with engine_for(src, isolate=isolate) as engine:
        warnings = engine.warnings
    assert [w.split(" differs")[0] for w in warnings] == [
        "rego/t.rego:2: upper",
        "rego/t.rego:3: json.marshal",
        "rego/t.rego:4: sprintf",
        "rego/t.rego:6: time.add_date",
        "rego/t.rego:7: lower",
    ]
    assert warnings[1].startswith("rego/t.rego:3: json.marshal differs from OPA on the embedded ")
    assert warnings[0].endswith("(and 1 more call)")
    assert warnings[4].startswith("rego/t.rego:7: lower differs")


def test_builtin_lists_match_the_installed_regorus() -> None:
    """Re-run the probe the lists in ``builtins`` were made with."""
    regorus = _regorus.import_regorus()

    def implemented(name: str) -> bool:
        engine = regorus.Engine()
        engine.add_policy("p.rego", f"package p\nx := {name}(1, 2, 3, 4, 5, 6, 7)\n")
        try:
            engine.eval_query_as_json("data.p.x")
        except RuntimeError as exc:
            return "could not find function" not in str(exc)
        return True

    assert not builtins.SUPPORTED & builtins.MISSING
    assert [n for n in sorted(builtins.SUPPORTED) if n != "print" and not implemented(n)] == []
    assert [n for n in sorted(builtins.MISSING) if implemented(n)] == []


def test_manifest_can_accept_a_reviewed_deviation() -> None:
    from mlgate.bundles.model import Bundle, Manifest

    module = 'package t\n\nmsg := sprintf("%v", [input.x])\nup := upper("a")\n'

    def warnings_for(metadata: dict[str, object]) -> list[str]:
        bundle = Bundle(
            source="b",
            manifest=Manifest(metadata=metadata),
            modules={"t.rego": module},
            data={},
            digest="sha256:" + "0" * 64,
        )
        with EmbeddedEngine.from_bundle(bundle, isolate=False) as engine:
            return engine.warnings

    assert len(warnings_for({})) == 2
    accepted = {"mlgate": {"accept_engine_deviations": {"sprintf": "messages only"}}}
    remaining = warnings_for(accepted)
    assert len(remaining) == 1 and "upper" in remaining[0]


def test_builtin_scan_is_remembered_per_module_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlgate.bundles.model import Bundle, Manifest
    from mlgate.engine import _scan_cache

    monkeypatch.setenv("MLGATE_CACHE_DIR", str(tmp_path))

    def bundle(text: str, digest: str) -> Bundle:
        return Bundle("b", Manifest(), {"t.rego": text}, {}, "sha256:" + digest * 64)

    first = bundle('package t\n\nx := upper("a")\n', "1")
    with EmbeddedEngine.from_bundle(first) as engine:
        assert len(engine.warnings) == 1
    entries = list(tmp_path.glob("scan-*.json"))
    assert len(entries) == 1
    cached = _scan_cache.peek_scan(first, "regorus", False)
    assert cached is None  # the key includes the engine version
    # A remembered result is used as is: plant one and see it come back.
    entries[0].write_text('{"refused": [], "deviations": {}}')
    with EmbeddedEngine.from_bundle(first) as engine:
        assert engine.warnings == []
    # A corrupt entry is ignored and rewritten; other module text is scanned afresh.
    entries[0].write_text("{not json")
    with EmbeddedEngine.from_bundle(first) as engine:
        assert len(engine.warnings) == 1
    with EmbeddedEngine.from_bundle(bundle("package t\n\nx := 1\n", "2")) as engine:
        assert engine.warnings == []
    assert len(list(tmp_path.glob("scan-*.json"))) == 2


# --- rule queries answered by eval_rule, exactly as eval_query would ------

RULES = (
    "package t\n"
    "odd := input.n % 2 == 1\n"
    'looks_undefined := "<undefined>"\n'
    "never if input.n < 0\n"
    "s contains x if { some x in input.l }\n"
    "a.b := input.n\n"
    "f(x) := x\n"
    "m[k] := 1 if { some k in input.l }\n"
)


@pytest.mark.parametrize(
    "query",
    [
        "data.t.odd",
        "data.t.looks_undefined",  # eval_rule's own spelling of undefined
        "data.t.never",  # undefined
        "data.t.s",
        "data.t.a",  # a prefix of a ref-head rule: not a rule path
        "data.t.a.b",
        "data.t.f",  # a function
        "data.t.m",
        "data.t",  # a package
        "data.t.absent",
        "data.u.x",
    ],
)
def test_rule_queries_answer_as_eval_query_does(query: str) -> None:
    engine = _regorus.new_engine({"t.rego": RULES}, "{}")
    for n in (1, 2):  # a second input is really evaluated, not the first answer kept
        input_json = f'{{"n": {n}, "l": ["x{n}", "y"]}}'
        engine.set_input_json(input_json)
        expected = values(engine.eval_query_as_json(query))
        assert values(_regorus.evaluate_json(engine, query, input_json)) == expected


def values(answer: str) -> list[Any]:
    """The expression values of an ``eval_query`` answer ([] when undefined)."""
    results = json.loads(answer).get("result", [])
    return [e["value"] for result in results for e in result["expressions"]]


def test_a_rule_error_is_raised_not_replaced_by_a_query_answer() -> None:
    engine = _regorus.new_engine({"t.rego": "package t\nx := 1 / input.n\n"}, "{}")
    with pytest.raises(RuntimeError, match=r"divide|zero"):
        _regorus.evaluate_json(engine, "data.t.x", '{"n": 0}')


def test_the_recorded_engine_version_is_the_installed_distribution_version() -> None:
    from importlib import metadata

    _regorus.version.cache_clear()
    assert _regorus.version() == metadata.version(_regorus.DISTRIBUTION)
    info_version = engine_for("package t\nx := 1\n", isolate=False).info.version
    assert info_version == f"regorus {metadata.version(_regorus.DISTRIBUTION)}"
