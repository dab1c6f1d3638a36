"""The top N in each group (`limit_per`) as the built-in AI charts it: a table of every pick,
never a chart that folds some of them into "Other" (chart_rules.json, special `top_per`)."""

from __future__ import annotations

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, spec_of


def test_the_top_n_in_each_group_is_answered_as_a_table_of_every_pick(
    catalog: Catalog, values: Values
) -> None:
    # "Top 3 products per category" drew stacked bars of 12 series with the note "10 largest
    # of 12; the rest grouped as Other": the picks the question asked for, folded away.
    reply = ask("Top 3 products per category", catalog, values)
    spec = spec_of(reply)
    assert spec.get("limit_per") == "category" and spec.get("limit") == 3, spec
    assert reply.tile is not None and reply.tile.chart_type == "table", reply.tile


def test_the_best_n_overall_is_still_a_chart(catalog: Catalog, values: Values) -> None:
    overall = ask("top 5 products by revenue", catalog, values)
    assert "limit_per" not in spec_of(overall)
    assert overall.tile is not None and overall.tile.chart_type == "bar", overall.tile
