"""Which OPA builtins the embedded engine (regorus) implements, and a load-time scan.

regorus reports a missing function only when evaluation first reaches the call,
so a bundle could pass every test input and still fail on the one that takes
the other branch. ``scan_calls`` walks the engine's AST JSON for every called
function and sorts the calls into refused (not implemented) and warned (known
to give a different answer from OPA).

How the lists were produced: every builtin named in OPA's capabilities file
(``capabilities/v1.8.0.json``, 197 names; OPA 1.9 adds none we use) was called
in a one-rule policy, ``x := <name>(1, 2, 3, 4, 5, 6, 7)``, on
gordon-to-regorus 0.13.0. "could not find function" means missing; any other
answer (usually an arity error) means implemented. ``tests/engine`` re-runs
the probe, so an upgrade that changes the set fails a test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_SUPPORTED_NAMES = """
    abs array.concat array.reverse array.slice base64.decode base64.encode base64.is_valid
    base64url.decode base64url.encode base64url.encode_no_pad bits.and bits.lsh bits.negate
    bits.or bits.rsh bits.xor ceil concat contains count endswith floor format_int
    glob.match glob.quote_meta graph.reachable graph.reachable_paths hex.decode hex.encode
    http.send indexof indexof_n intersection is_array is_boolean is_null is_number is_object
    is_set is_string json.filter json.is_valid json.marshal json.marshal_with_options
    json.match_schema json.patch json.remove json.unmarshal json.verify_schema lower max min
    net.cidr_contains net.cidr_expand net.cidr_is_valid numbers.range numbers.range_step
    object.filter object.get object.keys object.remove object.subset object.union
    object.union_n opa.runtime print product rand.intn regex.find_all_string_submatch_n
    regex.find_n regex.is_valid regex.match regex.replace regex.split regex.template_match
    replace round semver.compare semver.is_valid sort split sprintf startswith
    strings.any_prefix_match strings.any_suffix_match strings.count strings.replace_n
    strings.reverse substring sum time.add_date time.clock time.date time.diff time.format
    time.now_ns time.parse_duration_ns time.parse_ns time.parse_rfc3339_ns time.weekday
    to_number trace trim trim_left trim_prefix trim_right trim_space trim_suffix type_name
    union units.parse units.parse_bytes upper urlquery.decode urlquery.decode_object
    urlquery.encode urlquery.encode_object uuid.parse uuid.rfc4122 walk yaml.is_valid
    yaml.marshal yaml.unmarshal
"""
SUPPORTED: frozenset[str] = frozenset(_SUPPORTED_NAMES.split())

# OPA builtins regorus does not implement (the infix operators' function names,
# e.g. ``plus``, cannot be called by name either).
_MISSING_NAMES = """
    all and any assign cast_array cast_boolean cast_null cast_object cast_set cast_string
    crypto.hmac.equal crypto.hmac.md5 crypto.hmac.sha1 crypto.hmac.sha256 crypto.hmac.sha512
    crypto.md5 crypto.parse_private_keys crypto.sha1 crypto.sha256
    crypto.x509.parse_and_verify_certificates
    crypto.x509.parse_and_verify_certificates_with_options
    crypto.x509.parse_certificate_request crypto.x509.parse_certificates
    crypto.x509.parse_keypair crypto.x509.parse_rsa_private_key div eq equal
    graphql.is_valid graphql.parse graphql.parse_and_verify graphql.parse_query
    graphql.parse_schema graphql.schema_is_valid gt gte io.jwt.decode io.jwt.decode_verify
    io.jwt.encode_sign io.jwt.encode_sign_raw io.jwt.verify_eddsa io.jwt.verify_es256
    io.jwt.verify_es384 io.jwt.verify_es512 io.jwt.verify_hs256 io.jwt.verify_hs384
    io.jwt.verify_hs512 io.jwt.verify_ps256 io.jwt.verify_ps384 io.jwt.verify_ps512
    io.jwt.verify_rs256 io.jwt.verify_rs384 io.jwt.verify_rs512 lt lte minus mul neq
    net.cidr_contains_matches net.cidr_intersects net.cidr_merge net.cidr_overlap
    net.lookup_ip_addr or plus providers.aws.sign_req re_match regex.globs_match
    rego.metadata.chain rego.metadata.rule rego.parse_module rem set_diff
    strings.render_template
"""
MISSING: frozenset[str] = frozenset(_MISSING_NAMES.split())

# Implemented, but measured to answer differently from OPA 1.9 (the xfail cases
# of tests/engine/test_conformance.py).
DEVIATIONS: dict[str, str] = {
    "sprintf": "numbers are formatted differently (%v of 1e21 or of tiny floats, %.3f of an "
    "integer); do not build verdicts from formatted numbers",
    "upper": "case mapping of some non-ASCII characters differs (ß, İ); normalise names in "
    "Python before comparing",
    "lower": "case mapping of some non-ASCII characters differs (ß, İ); normalise names in "
    "Python before comparing",
    "time.add_date": "a day past the end of the month is clamped (Jan 31 + 1 month = Feb 28) "
    "where OPA carries it over (Mar 3)",
    "json.marshal": "number spelling (1.0, 1e3) and HTML escaping are not kept; never hash or "
    "compare its output",
}

_VERB = re.compile(r"%[-+# 0-9.*]*[a-zA-Z]")
_SKIP_IMPORTS = ("rego", "future")


@dataclass
class ScanResult:
    """Problems found statically: ``refused`` lines make loading fail.

    ``deviations`` maps each deviating builtin to the ``file:line`` of its calls;
    ``warnings`` gives one line per builtin (its first call, and how many more).
    """

    refused: list[str] = field(default_factory=list)
    deviations: dict[str, list[str]] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        lines = []
        for name, places in self.deviations.items():
            n = len(places) - 1
            more = f" (and {n} more call{'s' if n > 1 else ''})" if n else ""
            lines.append(
                f"{places[0]}: {name} differs from OPA on the embedded engine: "
                f"{DEVIATIONS[name]}{more}"
            )
        return lines


def scan_calls(ast_json: str) -> ScanResult:
    """Check every function call in the engine's AST (``get_ast_as_json``)."""
    modules: list[dict[str, Any]] = json.loads(ast_json)
    defined: set[tuple[str, ...]] = set()
    for module in modules:
        package = _ref_path(module["ast"]["package"]["refr"]) or ()
        for rule in module["ast"]["rules"]:
            head = _rule_head_ref(rule)
            if head is not None:
                defined.add(("data", *package, *head))
    result = ScanResult()
    for module in modules:
        _check_module(module, defined, result)
    result.refused = list(dict.fromkeys(result.refused))
    result.deviations = {k: list(dict.fromkeys(v)) for k, v in result.deviations.items()}
    return result


def _check_module(module: dict[str, Any], defined: set[tuple[str, ...]], out: ScanResult) -> None:
    file = module["source"]["file"]
    source: bytes = module["source"]["contents"].encode()
    package = _ref_path(module["ast"]["package"]["refr"]) or ()
    aliases = _import_aliases(module["ast"].get("imports") or [], source)
    for call in _calls(module["ast"]["rules"]):
        name = _ref_path(call["fcn"])
        if not name or name[0] in ("data", "input") or name[0] in aliases:
            continue
        if ("data", *package, *name) in defined:
            continue
        dotted = ".".join(name)
        where = f"{file}:{_line(call['fcn'])}"
        if dotted in MISSING:
            out.refused.append(
                f"policy uses builtin {dotted} ({where}), which the embedded engine does not "
                "implement; use --engine opa-url/opa-binary"
            )
        elif dotted not in SUPPORTED:
            out.refused.append(f"policy calls unknown function {dotted} ({where})")
        elif dotted in DEVIATIONS and _deviates(dotted, call):
            out.deviations.setdefault(dotted, []).append(where)


def _deviates(name: str, call: dict[str, Any]) -> bool:
    """``sprintf`` only deviates for numbers: skip formats that use nothing but ``%s``."""
    if name != "sprintf":
        return True
    params = call.get("params") or []
    literal = _string_literal(params[0]) if params else None
    if literal is None:
        return True
    return any(verb[-1] != "s" for verb in _VERB.findall(literal.replace("%%", "")))


def _calls(root: Any) -> list[dict[str, Any]]:
    """Every ``Call`` node under ``root``, in source order (spans are skipped)."""
    found: list[dict[str, Any]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            call = node.get("Call")
            if type(call) is dict and "fcn" in call:
                found.append(call)
            stack.extend(v for k, v in node.items() if k != "span" and type(v) in (dict, list))
        else:
            stack.extend(v for v in node if type(v) in (dict, list))
    found.sort(key=lambda c: _line(c["fcn"]))
    return found


def _rule_head_ref(rule: dict[str, Any]) -> tuple[str, ...] | None:
    for kind in rule.values():
        if not isinstance(kind, dict):
            continue
        if "refr" in kind:
            return _ref_path(kind["refr"])
        head = kind.get("head")
        if isinstance(head, dict):
            for variant in head.values():
                if isinstance(variant, dict) and "refr" in variant:
                    return _ref_path(variant["refr"])
    return None


def _import_aliases(imports: list[dict[str, Any]], source: bytes) -> set[str]:
    aliases: set[str] = set()
    for imp in imports:
        path = _ref_path(imp["refr"])
        if not path or path[0] in _SKIP_IMPORTS:
            continue
        alias = imp.get("as")
        if isinstance(alias, dict) and "start" in alias:
            aliases.add(source[alias["start"] : alias["end"]].decode())
        else:
            aliases.add(path[-1])
    return aliases


def _ref_path(expr: Any) -> tuple[str, ...] | None:
    """``a.b["c"]`` as ``("a", "b", "c")``; None when a part is not a constant."""
    if not isinstance(expr, dict) or len(expr) != 1:
        return None
    kind, node = next(iter(expr.items()))
    if kind == "Var":
        return (str(node["value"]),)
    if kind == "RefDot":
        base = _ref_path(node["refr"])
        return None if base is None else (*base, str(node["field"][1]))
    if kind == "RefBrack":
        base, index = _ref_path(node["refr"]), _string_literal(node["index"])
        return None if base is None or index is None else (*base, index)
    return None


def _string_literal(expr: Any) -> str | None:
    if isinstance(expr, dict):
        for kind in ("String", "RawString"):
            if kind in expr:
                return str(expr[kind]["value"])
    return None


def _line(expr: Any) -> int:
    """The line of the leftmost part of a reference (where the name starts)."""
    while isinstance(expr, dict) and len(expr) == 1:
        node = next(iter(expr.values()))
        if not isinstance(node, dict):
            break
        if "refr" in node:
            expr = node["refr"]
            continue
        span = node.get("span")
        return int(span["line"]) if isinstance(span, dict) else 0
    return 0
