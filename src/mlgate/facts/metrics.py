"""The canonical metric registry.

Tools spell the same metric many ways (``roc_auc``, ``AUC``, ``auroc``). Facts
use one canonical name, so a threshold written for ``roc_auc`` applies whatever
tool measured it. Each metric has a direction (which way is better) and a valid
range; a value outside the range is invalid facts, not a policy question.

The shipped bundle keeps a copy of the directions in
``rego/mlgate/metrics/data.json`` for change-control rules; a test keeps the
two in step.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    direction: Direction
    minimum: float = -math.inf
    maximum: float = math.inf
    aliases: tuple[str, ...] = ()

    def in_range(self, value: float) -> bool:
        return self.minimum <= value <= self.maximum


_UNIT = {"minimum": 0.0, "maximum": 1.0}
_NONNEG = {"minimum": 0.0}

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("accuracy", "higher", **_UNIT, aliases=("acc",)),
    MetricSpec("balanced_accuracy", "higher", **_UNIT, aliases=("bal_acc",)),
    MetricSpec("precision", "higher", **_UNIT, aliases=("ppv", "precision_score")),
    MetricSpec("recall", "higher", **_UNIT, aliases=("tpr", "sensitivity", "recall_score")),
    MetricSpec("specificity", "higher", **_UNIT, aliases=("tnr",)),
    MetricSpec("f1", "higher", **_UNIT, aliases=("f1_score", "f1score")),
    MetricSpec("roc_auc", "higher", **_UNIT, aliases=("auc", "auroc", "roc_auc_score", "rocauc")),
    MetricSpec("pr_auc", "higher", **_UNIT, aliases=("average_precision", "auprc", "ap")),
    MetricSpec("log_loss", "lower", **_NONNEG, aliases=("logloss", "cross_entropy")),
    MetricSpec("brier_score", "lower", **_UNIT, aliases=("brier", "brier_score_loss")),
    MetricSpec(
        "expected_calibration_error", "lower", **_UNIT, aliases=("ece", "calibration_error")
    ),
    MetricSpec("max_calibration_error", "lower", **_UNIT, aliases=("mce",)),
    MetricSpec("false_positive_rate", "lower", **_UNIT, aliases=("fpr",)),
    MetricSpec("false_negative_rate", "lower", **_UNIT, aliases=("fnr",)),
    MetricSpec("mae", "lower", **_NONNEG, aliases=("mean_absolute_error",)),
    MetricSpec("mse", "lower", **_NONNEG, aliases=("mean_squared_error",)),
    MetricSpec("rmse", "lower", **_NONNEG, aliases=("root_mean_squared_error",)),
    MetricSpec("mape", "lower", **_NONNEG, aliases=("mean_absolute_percentage_error",)),
    MetricSpec("r2", "higher", maximum=1.0, aliases=("r2_score", "r_squared")),
    MetricSpec("latency_p50_ms", "lower", **_NONNEG, aliases=("p50_latency_ms",)),
    MetricSpec("latency_p99_ms", "lower", **_NONNEG, aliases=("p99_latency_ms",)),
)


# Runs of blanks (a tab, a no-break space), underscores and dashes of any kind.
_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")


def _key(name: str) -> str:
    """The registry's key for a spelling: NFKC (fullwidth letters), casefold, and every
    run of blanks, underscores or dashes one ``_``, so that a tool's ``ROC\u00a0AUC``
    is not an unknown metric that no threshold judges."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    return _SEPARATORS.sub("_", text)


_BY_KEY: dict[str, MetricSpec] = {}
for _spec in METRICS:
    for _alias in (_spec.name, *_spec.aliases):
        _BY_KEY[_key(_alias)] = _spec


def lookup(name: str) -> MetricSpec | None:
    """The spec for any spelling of a metric name, or None for an unknown metric."""
    return _BY_KEY.get(_key(name))


# How alike two spellings must be (difflib's ratio) to suggest one for the other.
CLOSE = 0.75


def closest(name: str) -> str | None:
    """The canonical name of the registry spelling closest to ``name`` (a likely typo:
    ``acuracy`` -> ``accuracy``), or None when no spelling is close."""
    found = difflib.get_close_matches(_key(name), list(_BY_KEY), n=1, cutoff=CLOSE)
    return _BY_KEY[found[0]].name if found else None


def canonical_name(name: str) -> str:
    """The canonical spelling; an unknown metric keeps its name as given."""
    spec = lookup(name)
    return spec.name if spec else name
