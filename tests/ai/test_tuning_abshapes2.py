"""The built-in engine on general rules about the shape of a question, found while tuning on
blind batch ab (issue 12): the highest value per group "and who has it", a column kept to one
value that is also named as a breakdown ("on that team"), a grand total said with ", every
...", a measure said with the rows it is of ("sales income"), and a ratio said per something
then again as a division ("average X per Y, i.e. A divided by B").

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import time

import pytest

from plotboard.ai.builtin.engine import _formula_said_again
from plotboard.ai.builtin.shapes import _who_holds_it
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

# -- "the highest X per group, and who has it" -------------------------------------------------


@pytest.mark.parametrize(
    ("question", "agg", "column", "group"),
    [
        ("Per office the top performance rating, and who holds it.", "max",
         "performance_rating", "location"),
        ("the lowest salary for each job title and who gets it", "min", "salary", "job_title"),
    ],
)
def test_the_extreme_per_group_and_who_has_it_is_that_person(
    catalog: Catalog, values: Values, question: str, agg: str, column: str, group: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": agg, "column": column}], (question, spec)
    assert dims_of(spec) == [group, "full_name"], (question, spec)
    assert spec.get("limit") == 1 and spec.get("limit_per") == group, (question, spec)
    assert spec["order_by"][0].get("desc", False) is (agg == "max"), (question, spec)


def test_the_extreme_per_group_without_who_stays_one_value_each(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("Per office the top performance rating.", catalog, values))
    assert dims_of(spec) == ["location"], spec
    assert "limit_per" not in spec, spec


def test_who_holds_it_is_read_only_after_the_value() -> None:
    assert _who_holds_it(("max", "pay", ",", "and", "who", "has", "it"))
    assert _who_holds_it(("max", "pay", "plus", "who", "it", "is"))
    assert not _who_holds_it(("who", "has", "it"))
    assert not _who_holds_it(("max", "pay", "and", "who", "has", "the", "most"))


# -- a column kept to one value is not also a breakdown ----------------------------------------


@pytest.mark.parametrize(
    ("question", "kept", "value", "dim"),
    [
        ("Engineering department: average salary by job title within that department",
         "department", "Engineering", "job_title"),
        ("Hardware category: units sold per product in that category", "category", "Hardware",
         "product"),
    ],
)
def test_a_filtered_column_is_not_also_a_breakdown(
    catalog: Catalog, values: Values, question: str, kept: str, value: str, dim: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert dims_of(spec) == [dim], (question, spec)
    assert (kept, "eq", value) in filters_of(spec), (question, spec)


def test_a_breakdown_over_several_values_stays(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold by product and category for Hardware and Software",
                       catalog, values))
    assert "category" in dims_of(spec), spec


# -- "grand total ..., every <thing>" ----------------------------------------------------------


def test_a_grand_total_said_with_every_is_one_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("grand total of salaries, every department", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}], spec
    assert dims_of(spec) == [], spec


def test_a_grand_total_for_each_group_still_splits(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("grand total of salaries for each department", catalog, values))
    assert dims_of(spec) == ["department"], spec


# -- "sales income": the measure said with its rows ---------------------------------------------


@pytest.mark.parametrize(
    ("question", "dim", "n"),
    [
        ("top 4 regions by sales income last year", "sales_region", 4),
        ("top 2 job titles by sales money", "employees.job_title", 2),
    ],
)
def test_a_measure_said_with_its_rows_is_no_breakdown(
    catalog: Catalog, values: Values, question: str, dim: str, n: int
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], (question, spec)
    assert dims_of(spec) == [dim], (question, spec)
    assert spec.get("limit") == n, (question, spec)


# -- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "max salary per office, and who " + "has " * 2000 + "it",
        "grand total of salaries" + ", every" * 2000 + " department",
        "Support team:" + " " * 5000 + "pay per job title on that team",
        "max salary per office\x00, and who has it \ud800",
    ],
)
def test_hostile_input_is_quick(catalog: Catalog, values: Values, question: str) -> None:
    start = time.perf_counter()
    ask(question, catalog, values)
    assert time.perf_counter() - start < 2.0
    words = ("and", "who", *("has",) * 2000, "it")
    start = time.perf_counter()
    _who_holds_it(words)
    assert time.perf_counter() - start < 1.0


# -- "average X per Y, i.e. A divided by B" ----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expr"),
    [
        ("our mean workload per rep, i.e. the number of sales divided by the number of reps",
         "count() * 1.0 / count_distinct(employees.employee_id)"),
        ("What's the average output per office, i.e. units sold divided by the number of offices",
         "sum(quantity) * 1.0 / count_distinct(offices.office_id)"),
    ],
)
def test_a_ratio_said_again_as_a_division_is_that_division(
    catalog: Catalog, values: Values, question: str, expr: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [m.get("expr") for m in spec["measures"]] == [expr], (question, spec)
    assert "dimensions" not in spec, (question, spec)
    assert any("divided by" in a for a in reply.assumptions), reply.assumptions


def test_a_ratio_read_as_first_said_keeps_its_breakdown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("What's the average pay per department, i.e. payroll divided by headcount?",
                       catalog, values))
    assert dims_of(spec) == ["department"], spec


@pytest.mark.parametrize(
    "text",
    [
        "average " + "x " * 3000 + "per y, i.e. a divided by b",
        "average x per y, i.e. " + "a " * 3000 + "divided by b",
        "average x per y, i.e." + " " * 5000 + "a divided by" + " by" * 2000,
        "average \x00 per \ud800, i.e. a divided by b",
    ],
)
def test_the_restatement_pattern_is_quick(text: str) -> None:
    start = time.perf_counter()
    _formula_said_again(text)
    assert time.perf_counter() - start < 1.0
