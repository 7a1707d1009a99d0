# mlgate developer targets. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The real OPA the suite tests against (go install from the Go module proxy into
# .tools/; tests/conftest.py puts .tools/bin on PATH). The one place it is pinned.
OPA_VERSION := v1.22.4

.PHONY: demo test lint typecheck bench install clean system-deps opa

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Bytecode for the sources (a no-op for unchanged files): an editable install has
# none, and with PYTHONDONTWRITEBYTECODE set every command would compile ~70
# modules again (~100 ms of each `mlgate` start). pip writes it for wheels.
install: $(STAMP)
	@$(BIN)/python -m compileall -q src > /dev/null

# PostgreSQL server binaries for the decision-log tests (Debian package).
system-deps:
	@bash .ci/system-deps

opa:
	@bash .ci/install-opa $(OPA_VERSION)

demo: install
	@bash examples/demo.sh $(BIN)/mlgate

test: install system-deps opa
	$(BIN)/python -m pytest
	@# pytest exits 5 when it collects no test; that is a failure here.

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

# All benchmarks, or some: make bench BENCH="core report"
bench: install opa
	$(BIN)/python benchmarks/run.py $(BENCH)

clean:
	rm -rf $(VENV) .tools build dist .pytest_cache .mypy_cache .ruff_cache
