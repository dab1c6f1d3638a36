"""The built-in engine on words, tuned on the pattern of the blind batches' first-try misses
(a word it does not know, or one read as something else) with mechanisms that carry over to
other catalogs rather than the batches' phrases: records of any table named by its own name
are counted ("total invoices by country" on a store's database), "sales reps" are the people
of the Sales department, "X vs Y" between two values of a column whose first one is also a
table's name ("Sales vs HR"), everyday words one letter from a data word ("older" is not
"orders"), a table named in the question decides between two databases ("the Berlin site":
the offices, not the support desk's tickets), "the opening date of ..." lists that date, and
words made of a data word and an ending ("staffing", "pricing", "departmental"); then a value
in initials said in full ("human resources": HR), two words typed as one ("jobtitle"), a
country said as its adjective ("British staff"), "how often", and everyday business words
(FTEs, team members, GMV, proceeds, TTM, geography, offerings, labour expenses, bestsellers).

Questions are worded unlike the blind batches: each test checks a rule, through the spec
the engine wrote."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from plotboard.ai.answers import EngineAnswer, Source
from plotboard.ai.builtin import answer
from plotboard.catalog.model import Catalog, Column, ForeignKey, Table
from tests.ai.tickets import tickets_catalog, tickets_values
from tests.ai.tuning import Values, spec_of
from tests.ai.tuning import dims_of as _dims

TODAY = dt.date(2025, 4, 9)


def ask(question: str, catalog: Any, values: Values | None = None, **kwargs: Any) -> EngineAnswer:
    """Asked on the demo catalog, another one, or several sources."""
    return answer(question, catalog, values, today=TODAY, **kwargs)


def _filters(spec: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {f["column"]: (f["op"], f.get("value")) for f in spec.get("filters", [])}


def _measures(spec: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    return [(m.get("agg"), m.get("column")) for m in spec.get("measures", [])]


# A record store's database: invoices with a money total, their customers, the tracks sold.
CUSTOMERS = Table(
    "customers",
    (Column("customer_id", "integer"), Column("first_name", "string"),
     Column("last_name", "string"), Column("city", "string"), Column("country", "string")),
    primary_key=("customer_id",),
)
INVOICES = Table(
    "invoices",
    (Column("invoice_id", "integer"), Column("customer_id", "integer"),
     Column("invoice_date", "date"), Column("billing_country", "string"),
     Column("total", "number")),
    primary_key=("invoice_id",),
    foreign_keys=(ForeignKey(("customer_id",), "customers", ("customer_id",)),),
)
STORE = Catalog("postgres", (CUSTOMERS, INVOICES))
STORE_VALUES: Values = {
    ("invoices", "billing_country"): ["Brazil", "Canada", "France", "Germany", "USA"],
    ("customers", "country"): ["Brazil", "Canada", "France", "Germany", "USA"],
}


@pytest.mark.parametrize(
    ("question", "dims"),
    [
        ("total invoices by country", ["billing_country"]),
        ("invoices per month", ["invoice_date"]),
        ("how many invoices in 2024", []),
    ],
)
def test_records_named_by_their_table_are_counted(question: str, dims: list[str]) -> None:
    spec = spec_of(ask(question, STORE, STORE_VALUES))
    assert spec["table"] == "invoices"
    assert _measures(spec) == [("count", None)]
    assert _dims(spec) == dims


@pytest.mark.parametrize(
    "question", ["invoice total by country", "revenue by country", "total sales by country"]
)
def test_their_money_is_still_added_up(question: str) -> None:
    spec = spec_of(ask(question, STORE, STORE_VALUES))
    assert _measures(spec) == [("sum", "total")]


def test_orders_are_counted_as_rows_not_amounts(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("orders by region", catalog, values))
    assert _measures(spec) == [("count", None)]


@pytest.mark.parametrize(
    ("question", "more"),
    [
        ("how many sales reps", {}),
        ("number of salespeople in London", {"location": ("eq", "London")}),
        ("how many sales staff", {}),
        ("average pay of the sales guys", {}),
        ("how many sales folks were hired in 2024",
         {"hire_date": ("between", ["2024-01-01", "2024-12-31"])}),
    ],
)
def test_sales_people_are_the_sales_department(
    question: str, more: dict[str, Any], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees"
    assert _filters(spec) == {"department": ("eq", "Sales"), **more}


def test_sellers_ranked_by_what_they_sold_keep_their_sales(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask("top 5 salespeople by revenue in 2024", catalog, values))
    assert spec["table"] == "sales"
    assert _measures(spec) == [("sum", "amount")]
    assert spec["dimensions"] == [
        {"column": "employees.full_name", "key": "employees.employee_id"}
    ]
    assert spec["limit"] == 5


def test_without_a_sales_department_sales_people_are_everyone(
    catalog: Catalog, values: Values
) -> None:
    kept = {k: v for k, v in values.items() if k != ("employees", "department")}
    spec = spec_of(ask("how many sales reps", catalog, kept))
    assert "department" not in _filters(spec)


@pytest.mark.parametrize(
    ("question", "departments", "measure"),
    [
        ("Sales vs HR headcount", ["Sales", "HR"], ("count", None)),
        ("average salary, sales versus engineering", ["Sales", "Engineering"],
         ("avg", "salary")),
    ],
)
def test_a_table_name_weighed_against_a_value_is_a_value(
    question: str, departments: list[str], measure: tuple[str, str | None],
    catalog: Catalog, values: Values,
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees"
    assert _measures(spec) == [measure]
    assert _filters(spec)["department"] == ("in", departments)


def test_older_is_not_a_slip_of_orders(catalog: Catalog, values: Values) -> None:
    reply = ask("how many older employees do we have", catalog, values)
    assert reply.tile is None and "older" in reply.answer
    # A real slip still is one.
    assert _measures(spec_of(ask("oders by region", catalog, values))) == [("count", None)]


@pytest.fixture
def with_desk(catalog: Catalog, values: Values) -> list[Source]:
    return [
        Source("demo", "Demo", catalog, values),
        Source("desk", "Support desk", tickets_catalog(), tickets_values()),
    ]


def test_a_table_named_decides_between_two_databases(with_desk: list[Source]) -> None:
    # Both have a date something opened on and a location holding Berlin; only the demo
    # has a table of sites.
    reply = ask("opening date of the Berlin site", with_desk)
    spec = spec_of(reply)
    assert reply.source == "demo" and spec["table"] == "offices"
    assert _filters(spec) == {"city": ("eq", "Berlin")}
    assert "opened_on" in spec["select"]
    reply = ask("how many sites opened since 2016", with_desk)
    assert reply.source == "demo" and spec_of(reply)["table"] == "offices"
    # Tickets named by their table still go to the desk.
    assert ask("tickets opened in Berlin", with_desk).source == "desk"


@pytest.mark.parametrize(
    "question", ["opening date of the Paris office", "when did the Tokyo office open"]
)
def test_the_date_of_a_few_rows_lists_them(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "offices" and not spec.get("measures")
    assert "opened_on" in spec["select"]


@pytest.mark.parametrize(
    ("question", "measure", "dims"),
    [
        ("staffing levels per location", ("count", None), ["location"]),
        ("pricing of each product", ("avg", "unit_price"), ["product"]),
        ("departmental payroll", ("sum", "salary"), ["department"]),
    ],
)
def test_a_data_word_with_an_ending_is_that_word(
    question: str, measure: tuple[str, str | None], dims: list[str],
    catalog: Catalog, values: Values,
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [measure]
    assert _dims(spec) == dims


@pytest.mark.parametrize(
    "question", ["how many orders were placed in 2024", "orders placed in March 2025"]
)
def test_a_participle_is_not_the_noun_it_comes_from(
    question: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales"
    assert not any("location" in c for c in _filters(spec))


@pytest.mark.parametrize(
    ("question", "dims"),
    [("headcount added per quarter in 2024", ["hire_date"]),
     ("people onboarded by year", ["hire_date"])],
)
def test_headcount_added_is_hires(
    question: str, dims: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees" and _measures(spec) == [("count", None)]
    assert _dims(spec) == dims


# --- general words, second round ------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "department"),
    [("human resources headcount", "HR"), ("average rating in human resources", "HR")],
)
def test_a_value_in_initials_said_in_full(
    question: str, department: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _filters(spec)["department"] == ("eq", department)


def test_words_whose_initials_spell_nothing_stay_unknown(
    catalog: Catalog, values: Values
) -> None:
    assert ask("human headcount", catalog, values).tile is None
    # Short words are words of their own: "help, Raj" spells no HR.
    spec = spec_of(ask("Operations payroll for my slides, any help? Raj", catalog, values))
    assert _filters(spec)["department"] == ("eq", "Operations")


@pytest.mark.parametrize(
    "question", ["how often did we sell the Design Studio", "how many times was Design Studio sold"]
)
def test_how_often_counts(question: str, catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [("count", None)]
    assert _filters(spec)["product"] == ("eq", "Design Studio")


@pytest.mark.parametrize(
    ("question", "measure", "dims"),
    [
        ("FTEs per location", ("count", None), ["location"]),
        ("team members by country", ("count", None), ["country"]),
        ("GMV per category", ("sum", "amount"), ["category"]),
        ("proceeds by sales region", ("sum", "amount"), ["sales_region"]),
        ("revenue per geography", ("sum", "amount"), ["sales_region"]),
        ("offerings by units sold", ("sum", "quantity"), ["product"]),
        ("labour expenses per department", ("sum", "salary"), ["department"]),
        ("people costs per country", ("sum", "salary"), ["country"]),
    ],
)
def test_everyday_business_words(
    question: str, measure: tuple[str, str | None], dims: list[str],
    catalog: Catalog, values: Values,
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [measure]
    assert _dims(spec) == dims


def test_trailing_twelve_months(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("units sold ttm", catalog, values))
    assert _filters(spec)["sale_date"] == ("between", ["2024-04-10", "2025-04-09"])


@pytest.mark.parametrize(
    ("question", "measure", "dims"),
    [
        ("avg unitprice per category", ("avg", "unit_price"), ["category"]),
        ("headcount per jobtitle", ("count", None), ["job_title"]),
        ("units per salesregion", ("sum", "quantity"), ["sales_region"]),
    ],
)
def test_two_words_typed_as_one(
    question: str, measure: tuple[str, str | None], dims: list[str],
    catalog: Catalog, values: Values,
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _measures(spec) == [measure]
    assert _dims(spec) == dims


def test_bestsellers_are_products(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the 4 bestsellers of 2023", catalog, values))
    assert _dims(spec) == ["product"] and spec["limit"] == 4


@pytest.mark.parametrize(
    ("question", "country"),
    [
        ("average salary of British staff", "United Kingdom"),
        ("how many Americans work remotely", "United States"),
        ("japanese headcount by department", "Japan"),
    ],
)
def test_a_country_said_as_its_adjective(
    question: str, country: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert _filters(spec)["country"] == ("eq", country)


def test_a_group_of_people_said_loosely(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the Sydney contingent by job title", catalog, values))
    assert spec["table"] == "employees" and _dims(spec) == ["job_title"]
    assert _filters(spec)["location"] == ("eq", "Sydney")


def test_a_verb_after_a_measure_is_not_part_of_its_name(
    catalog: Catalog, values: Values
) -> None:
    # "payroll goes": what the payroll does, not a "payroll goes" the data lacks; nor a slip
    # of "geo" (the region). ("goes" is a plain word now, read and not listed as unused.)
    reply = ask("what share of payroll goes to Engineering", catalog, values)
    spec = spec_of(reply)
    assert not _dims(spec), spec
    assert "sum_if(salary, department = 'Engineering')" in spec["measures"][0]["expr"], spec
    # A noun glued to one still is something else: refused.
    assert ask("customer satisfaction score by region", catalog, values).tile is None


def test_verbs_and_units_spell_no_initials(catalog: Catalog, values: Values) -> None:
    # "hours recorded" is no HR: the hours are not in the data, so it is refused.
    assert ask("how many hours recorded per employee", catalog, values).tile is None


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("payroll of people hired last fiscal year", ["2024-01-01", "2024-12-31"]),
        ("units sold this FY", ["2025-01-01", "2025-12-31"]),
    ],
)
def test_a_fiscal_year_is_the_calendar_year_and_said(
    question: str, span: list[str], catalog: Catalog, values: Values
) -> None:
    reply = ask(question, catalog, values)
    assert ("between", span) in _filters(spec_of(reply)).values()
    assert any("read as \u201cyear\u201d" in said for said in reply.assumptions), reply.assumptions


def test_asp_is_the_average_selling_price(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("ASP per product", catalog, values))
    assert _measures(spec) == [("avg", "unit_price")] and _dims(spec) == ["product"]


def test_a_word_that_is_a_value_and_a_table_is_the_table_when_nothing_else_says(
    catalog: Catalog, values: Values
) -> None:
    # "for sales" with nothing about people: the sales, not the Sales department's hires.
    spec = spec_of(ask("best quarter for sales in 2023", catalog, values))
    assert spec["table"] == "sales" and _measures(spec) == [("sum", "amount")]
    assert "department" not in str(spec.get("filters"))
    # With something to measure about people, it stays the department.
    spec = spec_of(ask("average salary for sales", catalog, values))
    assert _filters(spec) == {"department": ("eq", "Sales")}
    # And what the data can't do stays refused.
    assert ask("compose a limerick about the sales team", catalog, values).tile is None
