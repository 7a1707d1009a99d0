"""The Fairlearn adapter on a real MetricFrame built from small generated data."""

from __future__ import annotations

import json

import pytest

from mlgate.errors import InputError
from mlgate.facts.adapters.base import get_adapter

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
metrics = pytest.importorskip("fairlearn.metrics")

from mlgate.facts.adapters import fairlearn as adapter  # noqa: E402


def frame(**kwargs):
    rng = np.random.default_rng(7)
    n = 400
    sex = pd.Series(rng.choice(["female", "male"], n), name="sex")
    y_true = rng.integers(0, 2, n)
    # the model favours one group, so the groups differ
    bias = np.where(sex == "male", 0.15, -0.15)
    y_pred = (rng.random(n) + bias > 0.5).astype(int)
    mf = metrics.MetricFrame(
        metrics=kwargs.get(
            "metrics",
            {
                "selection_rate": metrics.selection_rate,
                "true_positive_rate": metrics.true_positive_rate,
                "false_positive_rate": metrics.false_positive_rate,
            },
        ),
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sex,
    )
    return mf, y_true, y_pred, sex


def test_metric_frame_entries_match_fairlearns_own_figures():
    mf, y_true, y_pred, sex = frame()
    fragment = adapter.from_metric_frame(mf, name="credit-eval")
    entries = {e["metric"]: e for e in fragment.document["fairness"]}
    rate = entries["selection_rate"]
    assert rate["sensitive_feature"] == "sex"
    assert set(rate["by_group"]) == {"female", "male"}
    assert rate["ratio"] == pytest.approx(
        metrics.demographic_parity_ratio(y_true, y_pred, sensitive_features=sex)
    )
    assert rate["difference"] == pytest.approx(
        metrics.demographic_parity_difference(y_true, y_pred, sensitive_features=sex)
    )
    odds = entries["equalized_odds"]
    assert odds["difference"] == pytest.approx(
        metrics.equalized_odds_difference(y_true, y_pred, sensitive_features=sex)
    )
    assert odds["ratio"] == pytest.approx(
        metrics.equalized_odds_ratio(y_true, y_pred, sensitive_features=sex)
    )
    assert odds["source"]["derived"] == ["difference", "ratio"]
    assert odds["source"]["derived_from"] == ["true_positive_rate", "false_positive_rate"]
    assert "overall" not in odds and "by_group" not in odds
    assert rate["source"]["uri"] == "python:credit-eval" and len(rate["source"]["sha256"]) == 64


def test_export_round_trips_through_the_file_adapter(tmp_path, options):
    mf, *_ = frame()
    path = tmp_path / "mf.json"
    written = adapter.export_metric_frame(mf, path)
    assert json.loads(path.read_text()) == written
    assert written["format"] == "mlgate/fairlearn-metric-frame"
    from_file = get_adapter("fairlearn", options).collect(str(path)).document["fairness"]
    in_memory = adapter.from_metric_frame(mf).document["fairness"]
    strip = [{k: v for k, v in e.items() if k != "source"} for e in from_file]
    assert strip == [{k: v for k, v in e.items() if k != "source"} for e in in_memory]
    assert from_file[0]["source"]["file"] == str(path)


def test_a_single_metric_frame_without_rates_gives_no_equalized_odds():
    mf, *_ = frame(metrics=metrics.selection_rate)
    entries = adapter.from_metric_frame(mf).document["fairness"]
    assert [e["metric"] for e in entries] == ["selection_rate"]


def test_an_arbitrary_json_file_is_not_an_export(tmp_path, options):
    path = tmp_path / "other.json"
    path.write_text('{"overall": 0.3}')
    with pytest.raises(InputError, match=r"fairlearn adapter: .*other.json: not a MetricFrame"):
        get_adapter("fairlearn", options).collect(str(path))


GOOD_EXPORT = {
    "format": adapter.FORMAT,
    "version": 1,
    "method": "between_groups",
    "sensitive_features": ["sex"],
    "metrics": {
        "selection_rate": {
            "overall": 0.31,
            "by_group": {"female": 0.29, "male": 0.33},
            "difference": 0.04,
            "ratio": 0.879,
        }
    },
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"overall": 46.0}, "/metrics/selection_rate/overall: 46.0 is outside [0, 1] (a rate)"),
        ({"ratio": -3.0}, "/metrics/selection_rate/ratio: -3.0 is outside [0, 1]"),
        ({"difference": 1e308}, "/metrics/selection_rate/difference: 1e+308 is outside [0, 1e15]"),
        ({"difference": "0.2"}, "/metrics/selection_rate/difference: '0.2' is not a number"),
        ({"difference": True}, "/metrics/selection_rate/difference: True is not a number"),
        ({"by_group": [0.29, 0.33]}, "/metrics/selection_rate/by_group is not an object"),
        ({"by_group": {"female": "low"}}, "by_group/female: 'low' is not a number"),
    ],
)
def test_a_value_is_a_number_in_its_range_or_the_export_is_refused(
    tmp_path, options, change, message
):
    export = json.loads(json.dumps(GOOD_EXPORT))
    export["metrics"]["selection_rate"].update(change)
    path = tmp_path / "frame.json"
    path.write_text(json.dumps(export))
    with pytest.raises(InputError) as caught:
        get_adapter("fairlearn", options).collect(str(path))
    assert caught.value.message.endswith(message)


@pytest.mark.parametrize(
    "change",
    [{"version": 99}, {"method": "to_overall"}, {"sensitive_features": [None]}],
)
def test_an_export_this_reader_does_not_know_is_refused(tmp_path, options, change):
    path = tmp_path / "frame.json"
    path.write_text(json.dumps({**GOOD_EXPORT, **change}))
    with pytest.raises(InputError):
        get_adapter("fairlearn", options).collect(str(path))


def test_a_null_value_stays_null_not_zero(tmp_path, options):
    export = json.loads(json.dumps(GOOD_EXPORT))
    export["metrics"]["selection_rate"]["by_group"]["male"] = None
    path = tmp_path / "frame.json"
    path.write_text(json.dumps(export))
    fairness = get_adapter("fairlearn", options).collect(str(path)).document["fairness"]
    assert fairness[0]["by_group"] == {"female": 0.29, "male": None}
