"""The chart rules (plotboard/ai/chart_rules.json) against the cases the front end is tested
against too (fixtures/chart_cases.json, run by frontend/test/chart-rules.test.ts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plotboard.ai.answers import CHART_TYPES
from plotboard.ai.charts import Shape, chart_for, holds, problem_with, rules

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "chart_cases.json").read_text("utf-8")
)


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_each_shape_gets_the_shared_default_and_fits(case: dict[str, Any]) -> None:
    shape = Shape.from_dict(case["shape"])
    assert chart_for(shape) == case["chart"]
    fitting = {chart for chart in CASES["charts"] if problem_with(shape, chart) is None}
    assert fitting == set(case["fits"])
    # The default is always one the query fits.
    assert case["chart"] in fitting


def test_the_cases_and_the_rules_cover_every_chart_type() -> None:
    assert set(CASES["charts"]) == set(CHART_TYPES)
    assert set(rules()["fits"]) == set(CHART_TYPES)
    defaults = {rule["chart"] for rule in rules()["default"]}
    assert defaults <= set(CHART_TYPES)
    assert {case["chart"] for case in CASES["cases"]} == defaults


def test_an_unknown_condition_in_the_rules_is_an_error() -> None:
    with pytest.raises(ValueError, match="colour"):
        holds({"colour": "red"}, Shape(1, 0))
