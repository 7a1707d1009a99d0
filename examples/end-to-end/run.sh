#!/usr/bin/env bash
# End to end: train a tiny model, log it to MLflow, measure fairness, then
#   mlgate facts collect … && mlgate check …
# Usage: examples/end-to-end/run.sh [WORKDIR]   (PYTHON and MLGATE may be set)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$(mktemp -d)}"
python="${PYTHON:-python3}"
mlgate="${MLGATE:-mlgate}"

"$python" "$here/train.py" "$work"

"$mlgate" facts collect \
  --tracking-uri "sqlite:///$work/mlflow.db" \
  --from mlflow:models:/credit-demo/1 \
  --from "fairlearn:$work/fairness.json" \
  --from "pip-audit:$here/pip-audit.json" \
  --from "declarations:$work/declarations.yaml" \
  -o "$work/facts.json" \
&& "$mlgate" check --facts "$work/facts.json" "${@:2}"
