#!/usr/bin/env bash
# `make demo`: a real gate check of the shipped examples with the embedded engine.
# Each example shows one outcome; the script fails only if an outcome is not the
# one the example was written to show. The examples are dated: `--at facts`
# evaluates them at their own time, so the demo does not change as they age.
set -uo pipefail
MLGATE=${1:-mlgate}
cd "$(dirname "$0")/.."

status=0
run() {
  local facts=$1 expected=$2
  echo "\$ mlgate check --facts $facts --engine embedded --at facts"
  "$MLGATE" check --facts "$facts" --engine embedded --at facts
  local rc=$?
  echo "(exit code $rc)"
  echo
  if [ "$rc" -ne "$expected" ]; then
    echo "demo: expected exit code $expected for $facts, got $rc" >&2
    status=1
  fi
}

run examples/credit-risk/passing.yaml 0
run examples/credit-risk/failing.yaml 1
run examples/credit-risk/needs-approval.yaml 3
exit $status
