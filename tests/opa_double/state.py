"""What the double stores and how it answers: policies, base documents, evaluation.

It follows OPA's server (``v1/server/server.go``) where the REST API shows it:
policies are parsed and compiled on ``PUT`` (400 ``invalid_parameter`` with the
compiler's errors list), base documents may not sit at a rule's path (400, the
``CheckPathConflicts`` rule), writes under a non-object are write conflicts (404
``resource_conflict``), missing documents are 404 ``resource_not_found``, and an
evaluation error is 500 ``internal_error``. Evaluation is regorus, not OPA.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

MSG_COMPILE = "error(s) occurred while compiling module(s)"
MSG_EVAL = "error(s) occurred while evaluating query"
_REGORUS_LOC = re.compile(r"-->\s*(?P<file>.+?):(?P<row>\d+):(?P<col>\d+)")
_REGORUS_MSG = re.compile(r"^error:\s*(?P<msg>.+)$", re.M)
# Errors regorus raises lazily that OPA's compiler reports when the module is PUT.
# Not rule conflicts: OPA 1.9 loads ``x := input.a`` beside ``x := input.b`` and reports
# eval_conflict_error when both are defined (/work/shared/opa-conformance).
_COMPILE_HINTS = {
    "unsafe": "rego_unsafe_var_error",
    "undefined function": "rego_type_error",
    "recursi": "rego_recursion_error",
}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
F = TypeVar("F", bound=Callable[..., Any])


def _on_worker(method: F) -> F:
    """Run on the state's one worker thread: a regorus engine is *unsendable*
    (made, used and dropped on one thread), while the HTTP server has a thread per
    connection. The worker also serialises every change, as OPA's write transactions."""

    @functools.wraps(method)
    def call(self: DoubleState, *args: Any, **kwargs: Any) -> Any:
        def run() -> tuple[Any, ApiError | None]:
            # A traceback keeps the frames (and their engines) alive: let it die here,
            # and raise a fresh error on the caller's thread.
            try:
                return method(self, *args, **kwargs), None
            except ApiError as err:
                fresh = ApiError(err.status, err.body["code"], err.body["message"])
                fresh.body = err.body
                return None, fresh
            except Exception as exc:  # a bug in the double: say so, as OPA's 500 would
                return None, ApiError(500, "internal_error", f"opa double: {exc!r}")

        value, error = self._worker.submit(run).result()
        if error is not None:
            raise error
        return value

    return call  # type: ignore[return-value]


class ApiError(Exception):
    """An answer in OPA's error format: ``{"code", "message", "errors"?}``."""

    def __init__(self, status: int, code: str, message: str, errors: list[Any] | None = None):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"code": code, "message": message}
        if errors:
            self.body["errors"] = errors


def ast_error(code: str, message: str, file: str, row: int, col: int = 1) -> dict[str, Any]:
    return {"code": code, "message": message, "location": {"file": file, "row": row, "col": col}}


def _regorus_error(exc: Exception, code: str, file: str) -> dict[str, Any]:
    text = str(exc).split("Stack backtrace:")[0]
    loc, msg = _REGORUS_LOC.search(text), _REGORUS_MSG.search(text)
    message = msg.group("msg").strip() if msg else text.strip().splitlines()[0]
    if loc is None:
        return ast_error(code, message, file, 1)
    return ast_error(code, message, loc.group("file"), int(loc.group("row")), int(loc.group("col")))


def _ref_names(refr: dict[str, Any]) -> list[str]:
    """``a.b["c"][x]`` → ``["a", "b", "c"]``: the string prefix of a rule or package ref."""
    ((kind, node),) = refr.items()
    if kind == "Var":
        return [node["value"]]
    head = _ref_names(node["refr"])
    if kind == "RefDot":
        return [*head, node["field"][1]]
    index = node.get("index", {})
    return [*head, index["String"]["value"]] if "String" in index else [*head, "\0"]


def _rule_paths(ast_json: str) -> list[tuple[tuple[str, ...], str, int]]:
    out = []
    for module in json.loads(ast_json):
        file, ast = module["source"]["file"], module["ast"]
        package = _ref_names(ast["package"]["refr"])
        for rule in ast["rules"]:
            ((kind, node),) = rule.items()
            head = node if kind == "Default" else next(iter(node["head"].values()))
            names = _ref_names(head["refr"])
            names = names[: names.index("\0")] if "\0" in names else names
            out.append(((*package, *names), file, node["span"]["line"]))
    return out


def _missing(path: tuple[str, ...]) -> ApiError:
    where = "/" + "/".join(path)
    return ApiError(
        404, "resource_not_found", f"storage_not_found_error: {where}: document does not exist"
    )


def _conflict(path: tuple[str, ...]) -> ApiError:
    where = "/" + "/".join(path)
    return ApiError(404, "resource_conflict", f"storage_write_conflict_error: {where}")


class DoubleState:
    """Policies and base documents, guarded by one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self._engine: Any = None
        self._rules: list[tuple[tuple[str, ...], str, int]] = []
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="opa-double-regorus")
        self._worker.submit(self._compile, {}).result()

    def close(self) -> None:
        """Drop the engine on its own thread, then stop the worker."""
        self._worker.submit(setattr, self, "_engine", None).result()
        self._worker.shutdown(wait=True)

    # -- policies ---------------------------------------------------------------
    @_on_worker
    def put_policy(self, pid: str, raw: str) -> None:
        with self.lock:
            if self.policies.get(pid) == raw:
                return
            candidate = {**self.policies, pid: raw}
            self._compile(candidate, data=self.data)
            self.policies = candidate

    @_on_worker
    def delete_policy(self, pid: str) -> None:
        with self.lock:
            if pid not in self.policies:
                raise ApiError(
                    404, "resource_not_found", f'storage_not_found_error: policy id "{pid}"'
                )
            rest = {k: v for k, v in self.policies.items() if k != pid}
            self._compile(rest, code="invalid_operation")
            self.policies = rest

    def _compile(
        self, policies: dict[str, str], *, data: Any = None, code: str = "invalid_parameter"
    ) -> None:
        import regorus

        engine = regorus.Engine()
        for pid, raw in sorted(policies.items()):
            try:
                engine.add_policy(pid, raw)
            except RuntimeError as exc:
                error = _regorus_error(exc, "rego_parse_error", pid)
                raise ApiError(400, code, MSG_COMPILE, [error]) from exc
        try:
            engine.clone().eval_query_as_json("data")
        except RuntimeError as exc:
            hint = next((c for k, c in _COMPILE_HINTS.items() if k in str(exc)), None)
            if hint is not None:
                raise ApiError(400, code, MSG_COMPILE, [_regorus_error(exc, hint, "")]) from exc
        rules = _rule_paths(engine.get_ast_as_json()) if policies else []
        if data is not None:
            self._check_conflicts(data, rules, code=code, message=MSG_COMPILE)
        self._engine, self._rules = engine, rules

    # -- base documents -------------------------------------------------------------
    @_on_worker
    def put_data(self, path: tuple[str, ...], value: Any) -> None:
        with self.lock:
            if not path:
                if not isinstance(value, dict):
                    raise ApiError(400, "invalid_parameter", "root must be object")
                self._commit(copy.deepcopy(value))
                return
            data = copy.deepcopy(self.data)
            parent: Any = data
            for i, key in enumerate(path):  # mkdir -p; a non-object on the way conflicts
                if not isinstance(parent, dict):
                    raise _conflict(path[:i])
                if i == len(path) - 1:
                    parent[key] = value
                else:
                    parent = parent.setdefault(key, {})
            self._commit(data)

    @_on_worker
    def patch_data(self, root: tuple[str, ...], ops: Any) -> None:
        with self.lock:
            data = copy.deepcopy(self.data)
            for op in ops if isinstance(ops, list) else []:
                kind = op.get("op") if isinstance(op, dict) else None
                if kind not in ("add", "remove", "replace"):
                    raise ApiError(400, "invalid_parameter", f"bad patch operation: {kind}")
                rel = tuple(s for s in str(op.get("path", "")).split("/") if s)
                data = _apply_patch(data, (*root, *rel), kind, op.get("value"))
            self._commit(data)

    @_on_worker
    def delete_data(self, path: tuple[str, ...]) -> None:
        with self.lock:
            data = copy.deepcopy(self.data)
            self._commit(_apply_patch(data, path, "remove", None))

    def _commit(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise ApiError(400, "invalid_parameter", "invalid patch: the root must be an object")
        self._check_conflicts(data, self._rules, code="invalid_parameter", message=None)
        self.data = data

    @staticmethod
    def _check_conflicts(
        data: Any, rules: list[tuple[tuple[str, ...], str, int]], *, code: str, message: str | None
    ) -> None:
        errors = [
            ast_error(
                "rego_compile_error", f"conflicting rule for data path {'/'.join(p)} found", f, r
            )
            for p, f, r in rules
            if _non_empty(data, p)
        ]
        if errors:
            if message is None:  # a data write: OPA answers with the errors' text only
                first = errors[0]
                loc = f"{first['location']['file']}:{first['location']['row']}"
                count = "1 error occurred" if len(errors) == 1 else f"{len(errors)} errors occurred"
                raise ApiError(400, code, f"{count}: {loc}: rego_compile_error: {first['message']}")
            raise ApiError(400, code, message, errors)

    # -- evaluation ---------------------------------------------------------------
    @_on_worker
    def evaluate(self, path: tuple[str, ...], input_doc: Any, has_input: bool) -> tuple[bool, Any]:
        """``(defined, value)`` of ``data.<path>``, with ``input`` when given."""
        with self.lock:
            engine = self._engine.clone()
            engine.add_data_json(json.dumps(self.data))
            if has_input:
                engine.set_input_json(json.dumps(input_doc))
            try:
                out = json.loads(engine.eval_query_as_json(_data_ref(path)))
            except RuntimeError as exc:
                code = "eval_conflict_error" if "conflict" in str(exc) else "eval_internal_error"
                error = _regorus_error(exc, code, "")
                raise ApiError(500, "internal_error", MSG_EVAL, [error]) from exc
        results = out.get("result") or []
        if not results:
            return False, None
        return True, results[0]["expressions"][0]["value"]


def _non_empty(data: Any, path: tuple[str, ...]) -> bool:
    """OPA's ``storage.NonEmpty``: a document at ``path``, or a non-object on the way."""
    node = data
    for key in path:
        if not isinstance(node, dict):
            return True
        if key not in node:
            return False
        node = node[key]
    return True


def _apply_patch(data: Any, path: tuple[str, ...], kind: str, value: Any) -> Any:
    if not path:
        if kind == "remove":
            raise ApiError(400, "invalid_parameter", "invalid patch: cannot remove the root")
        return copy.deepcopy(value)
    parent: Any = data
    for key in path[:-1]:
        parent = _child(parent, key, path)
    last = path[-1]
    if isinstance(parent, dict):
        if kind != "add" and last not in parent:
            raise _missing(path)
        if kind == "remove":
            del parent[last]
        else:
            parent[last] = value
        return data
    if isinstance(parent, list):
        if kind == "add" and last == "-":
            parent.append(value)
            return data
        index = int(last) if last.isdigit() else -1
        if not 0 <= index < len(parent) + (kind == "add"):
            raise _missing(path)
        if kind == "remove":
            del parent[index]
        elif kind == "add":
            parent.insert(index, value)
        else:
            parent[index] = value
        return data
    raise _missing(path)


def _child(node: Any, key: str, path: tuple[str, ...]) -> Any:
    if isinstance(node, dict) and key in node:
        return node[key]
    if isinstance(node, list) and key.isdigit() and int(key) < len(node):
        return node[int(key)]
    raise _missing(path)


def _data_ref(path: tuple[str, ...]) -> str:
    """``("a", "b-c", "0")`` → ``data.a["b-c"][0]`` (OPA turns numeric segments into numbers)."""
    ref = "data"
    for key in path:
        if key.isdigit():
            ref += f"[{int(key)}]"
        elif _IDENT.match(key):
            ref += f".{key}"
        else:
            ref += f"[{json.dumps(key)}]"
    return ref
