"""Shared fixtures for the adapter tests: fixture files, a fixed clock, options."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlgate.facts.adapters.base import AdapterOptions

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def options() -> AdapterOptions:
    return AdapterOptions(now=NOW, environ={})


def fixture(name: str) -> str:
    return str(FIXTURES / name)
