"""The built-in engine on questions written as an R dplyr pipeline (issue 12, `rread`): read
into a spec by a small tokenizer and parser, never run; an unusable part, and a table or
column the data lacks, is refused and named; misspelt names are repaired and said.

Pipelines are written unlike the blind batch (other tables, columns, values and numbers)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from pathlib import Path

import pytest

from plotboard.ai.builtin.rread import RUnknown, RUnread, TableInfo, find_pipeline, r_pipeline
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of, without_of

TODAY = dt.date(2025, 10, 3)


def _ask(question: str, catalog: Catalog, values: Values, **kwargs: object):  # type: ignore[no-untyped-def]
    return ask(question, catalog, values, today=TODAY, **kwargs)  # type: ignore[arg-type]


def test_filters_count_and_sort(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask(
        'offices %>% filter(year(opened_on) >= 2018) %>% count(region, sort = TRUE)',
        catalog, values))
    assert spec["table"] == "offices"
    assert spec["measures"] == [{"agg": "count"}]
    assert dims_of(spec) == ["region"]
    assert filters_of(spec) == [("opened_on", "gte", "2018-01-01")]
    assert spec["order_by"] == [{"by": "count", "desc": True}]


def test_native_pipe_in_not_na_and_a_maximum(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask(
        'employees |> filter(location %in% c("Berlin", "Tokyo"), !is.na(manager_id)) |> '
        'summarise(top = max(salary))', catalog, values))
    assert spec["measures"] == [{"agg": "max", "column": "salary"}]
    assert filters_of(spec) == [("location", "in", ["Berlin", "Tokyo"]),
                                ("manager_id", "is_not_null", None)]


def test_misspelt_stage_table_and_columns_are_repaired_and_said(
    catalog: Catalog, values: Values
) -> None:
    reply = _ask("emplyees %>% gropu_by(locaton) %>% summarize(avg_pay = mean(salry))",
                 catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees"
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}]
    assert dims_of(spec) == ["location"]
    said = " ".join(reply.assumptions)
    for slip, known in (("emplyees", "employees"), ("gropu_by", "group_by"),
                        ("locaton", "location"), ("salry", "salary")):
        assert slip in said and known in said, said
    reply = _ask('employees %>% filter(department == "enginering") %>% tally()', catalog, values)
    assert filters_of(spec_of(reply)) == [("department", "eq", "Engineering")]
    assert "enginering" in " ".join(reply.assumptions)


def test_a_table_or_column_the_data_lacks_is_refused_by_name(
    catalog: Catalog, values: Values
) -> None:
    reply = _ask("invoices %>% group_by(status) %>% summarise(n = n())", catalog, values)
    assert reply.tile is None and "invoices" in reply.answer, reply.answer
    reply = _ask("employees %>% summarise(avg_bonus = mean(bonus * 2))", catalog, values)
    assert reply.tile is None and "bonus" in reply.answer, reply.answer
    reply = _ask("offices %>% count(headcount_cap)", catalog, values)
    assert reply.tile is None and "headcount_cap" in reply.answer, reply.answer


def test_an_unusable_part_is_refused_and_named(catalog: Catalog, values: Values) -> None:
    for question, part in (
        ("sales %>% mutate(prev = lag(amount)) %>% count(prev)", "lag(amount)"),
        ("employees %>% distinct(location)", "distinct(location)"),
        ("sales %>% count(m = month(sale_date))", "month(sale_date)"),  # over several years
        ("sales %>% summarise(spread = sd(amount))", "sd(amount)"),
    ):
        reply = _ask(question, catalog, values)
        assert reply.tile is None and part in reply.answer, (question, reply.answer)


def test_a_share_of_the_count(catalog: Catalog, values: Values) -> None:
    for question in (
        "employees %>% count(location) %>% mutate(share = 100 * n / sum(n))",
        "employees %>% count(location) %>% mutate(share = round(n / sum(n), 3))",
    ):
        spec = spec_of(_ask(question, catalog, values))
        assert spec["measures"] == [{"agg": "count", "share": True}], spec
        assert dims_of(spec) == ["location"]


def test_a_running_total_by_quarter(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask(
        'sales %>% filter(year(sale_date) == 2023) %>% count(q = floor_date(sale_date, '
        '"quarter")) %>% mutate(running = cumsum(n))', catalog, values))
    assert spec["measures"] == [{"agg": "count", "cumulative": True}]
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "quarter"}]


def test_ratios_of_two_totals(catalog: Catalog, values: Values) -> None:
    for question in (
        'sales |> filter(sales_region == "West") |> summarise(per_unit = sum(amount) / '
        'sum(quantity))',
        'sales %>% filter(sales_region == "West") %>% summarise(a = sum(amount), '
        'q = sum(quantity)) %>% mutate(per_unit = a / q)',
    ):
        spec = spec_of(_ask(question, catalog, values))
        [measure] = spec["measures"]
        assert measure["expr"] == "sum(amount) * 1.0 / sum(quantity)", spec
        assert filters_of(spec) == [("sales_region", "eq", "West")]


def test_a_bound_on_a_total_and_top_rows(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask("employees %>% group_by(job_title) %>% summarise(people = n()) %>% "
                        "filter(people >= 40)", catalog, values))
    assert having_of(spec) == [("count", "gte", 40)]
    for question in (
        "employees %>% group_by(location) %>% summarise(pay = mean(salary)) %>% "
        "arrange(desc(pay)) %>% head(3)",
        "employees %>% group_by(location) %>% summarise(pay = mean(salary)) %>% top_n(3, pay)",
    ):
        spec = spec_of(_ask(question, catalog, values))
        assert spec["order_by"] == [{"by": "avg_salary", "desc": True}], spec
        assert spec["limit"] == 3 and "limit_per" not in spec


def test_top_in_each_group_after_a_grouped_total(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask("employees %>% group_by(department, location) %>% "
                        "summarise(n = n()) %>% slice_max(n, n = 2)", catalog, values))
    assert spec["limit"] == 2 and spec["limit_per"] == "department", spec
    assert dims_of(spec) == ["department", "location"]


def test_bands_from_cut(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask("sales %>% mutate(b = cut(quantity, 4)) %>% count(b)", catalog, values))
    assert spec["dimensions"] == [{"column": "quantity", "bin": {"count": 4}}]
    reply = _ask("offices %>% mutate(b = cut(office_id, breaks = c(0, 3, 7, 20))) %>% count(b)",
                 catalog, values)
    assert reply.tile is None  # bands of different widths: no spec holds them


def test_a_listing_with_select_and_arrange(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask('employees %>% filter(performance_rating == 5, location == "Toronto", '
                        'is_remote == FALSE) %>% select(full_name, job_title) %>% '
                        'arrange(full_name)', catalog, values))
    assert spec["select"] == ["full_name", "job_title"]
    assert ("is_remote", "eq", False) in filters_of(spec)
    assert spec["order_by"] == [{"by": "full_name"}]


def test_anti_join_is_rows_with_no_match(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask('offices %>% anti_join(employees, by = "office_id") %>% nrow()',
                        catalog, values))
    assert spec["table"] == "offices" and without_of(spec) == [("employees", [])]
    spec = spec_of(_ask("employees %>% anti_join(sales %>% filter(year(sale_date) == 2024), "
                        "by = \"employee_id\") %>% tally()", catalog, values))
    assert without_of(spec) == [
        ("sales", [("sale_date", "between", ["2024-01-01", "2024-12-31"])])]


def test_dates_said_from_today(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask("sales %>% filter(sale_date >= today() - days(30)) %>% "
                        "summarise(units = sum(quantity))", catalog, values))
    assert filters_of(spec) == [("sale_date", "gte", "2025-09-03")]
    spec = spec_of(_ask('sales %>% filter(sale_date >= floor_date(Sys.Date(), "year") - '
                        'years(1), sale_date < floor_date(Sys.Date(), "year")) %>% count()',
                        catalog, values))
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])]
    spec = spec_of(_ask("employees %>% filter(year(hire_date) == year(today()) - 2) %>% "
                        "count(department)", catalog, values))
    assert filters_of(spec) == [("hire_date", "between", ["2023-01-01", "2023-12-31"])]


def test_either_condition_and_a_year_list(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask('employees %>% filter(location == "Paris" | performance_rating == 1) '
                        '%>% count()', catalog, values))
    assert spec["filters"] == [{"any": [
        {"column": "location", "op": "eq", "value": "Paris"},
        {"column": "performance_rating", "op": "eq", "value": 1}]}]
    spec = spec_of(_ask("sales %>% mutate(y = year(sale_date)) %>% filter(y %in% 2023:2024) %>% "
                        "group_by(y) %>% summarise(units = sum(quantity))", catalog, values))
    assert spec["dimensions"] == [{"column": "sale_date", "grain": "year"}]
    assert filters_of(spec) == [("sale_date", "between", ["2023-01-01", "2024-12-31"])]


def test_prose_around_a_pipeline(catalog: Catalog, values: Values) -> None:
    spec = spec_of(_ask("new question: offices %>% count(country)", catalog, values,
                        previous=None))
    assert dims_of(spec) == ["country"] and "filters" not in spec
    reply = _ask("could you do `employees %>% count(department)` for Berlin only please?",
                 catalog, values)
    assert filters_of(spec_of(reply)) == [("location", "eq", "Berlin")]
    spec = spec_of(_ask("the same as `sales %>% summarise(units = sum(quantity))` but for last "
                        "year", catalog, values))
    assert filters_of(spec) == [("sale_date", "between", ["2024-01-01", "2024-12-31"])]
    reply = _ask("`employees %>% count(department)` but only the 4 biggest", catalog, values)
    assert reply.tile is None and "4 biggest" in reply.answer, reply.answer


def test_a_generic_name_is_the_one_table_with_those_columns(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(_ask('df %>% filter(opened_on < "2016-01-01") %>% count(region)',
                        catalog, values))
    assert spec["table"] == "offices"
    assert filters_of(spec) == [("opened_on", "lte", "2015-12-31")]


_INFO = {"t": TableInfo({"x": "number", "d": "date", "s": "string"}, date="d")}


def test_hostile_pipelines_are_fast_and_never_run() -> None:
    hostile = [
        "t %>% filter(" + "(" * 3000 + "x" + ")" * 3000 + ")",
        "t %>% filter(x == \"" + "a" * 100_000,
        "t %>% filter(x == 1" + " " * 100_000,
        "t %>% " + "count(x) %>% " * 2000 + "count()",
        "t %>% summarise(" + "sum(" * 500 + "x" + ")" * 500 + ")",
        "t %>% filter(x == 1)\x00 %>% count()",
        "t %>% count(s)\ud800",
        "t |> filter(" + "!" * 5000 + "x)",
        "t %>% filter(x %in% 1:100000000)",
        "t %>% filter(s == '" + "\\'" * 20_000 + "')",
        "word " * 20_000 + "t %>% count(s)",
        "t %>% count(s) " + "%>% " * 30_000,
        ")" * 50_000 + "t %>% count(s)",
        "t %>% filter(x > 1e308) %>% count()",
        "t %>% count(`" + "x" * 50_000,
        "t" + " " * 50_000 + "%>% count(s)",
    ]
    for text in hostile:
        start = time.perf_counter()
        with contextlib.suppress(RUnread, RUnknown):
            r_pipeline(text, TODAY, _INFO)
        assert time.perf_counter() - start < 1.0, text[:40]


def test_finding_the_pipeline_in_a_message() -> None:
    assert find_pipeline("how many people per office?") is None
    assert find_pipeline("a |> b, and c %>% d") is None  # no call after the pipe
    found = find_pipeline("pls run `t %>% count(s)` thx")
    assert found is not None and found[1] == "t %>% count(s)"


def test_the_docs_example_is_read_as_documented(catalog: Catalog, values: Values) -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "ai.md").read_text(encoding="utf-8")
    section = page.split("### Pasted R pipelines", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```r\n(.*?)\n```", section, re.S)
    assert example is not None
    spec = spec_of(_ask(example.group(1), catalog, values))
    json_block = re.search(r"```json\n(.*?)\n```", section, re.S)
    assert json_block is not None
    import json

    assert spec == json.loads(json_block.group(1))


@pytest.mark.parametrize("question", [
    "sales %>% group_by(product) %>% summarise(total = sum(amount)) %>% filter(total > 5e6)",
    "employees %>% filter(is_remote) %>% count(country, name = \"remote_people\")",
])
def test_more_shapes_give_a_tile(catalog: Catalog, values: Values, question: str) -> None:
    assert _ask(question, catalog, values).tile is not None
