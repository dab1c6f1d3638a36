"""The built-in engine on general rules found while tuning on blind batch z (issue 12): a
sports fan's words about business data. A season is a year; a scoreboard, "on the board" and
"put up" say the measure; a league table's top and bottom are the first and the last; an MVP
is the top person; players are the employees and a bench a team; "head to head" compares;
"didn't score a single sale" is none sold; "bench everything but ..." keeps only that part;
"coach" is said to the reader. Also: "Q2 of 2023", "the final month of 2024", fixed-date
holidays with their year, and "how much was the biggest sale" (its amount).

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.ai.builtin.casual import casual_said
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

YEAR_2023 = ("sale_date", "between", ["2023-01-01", "2023-12-31"])
YEAR_2024 = ("sale_date", "between", ["2024-01-01", "2024-12-31"])

# -- a season is a year ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("total units across the 2023 season", YEAR_2023),
        ("orders booked last season", YEAR_2024),
        ("units by product for the 2023 seaosn", YEAR_2023),
        ("revenue so far this season", ("sale_date", "between", ["2025-01-01", "2025-11-20"])),
    ],
)
def test_a_season_is_a_year(
    question: str, period: tuple[str, str, list[str]], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "sales", spec
    assert period in filters_of(spec), spec


@pytest.mark.parametrize(
    "text",
    ["revenue over the holiday season", "units sold by season", "the busy season's orders"],
)
def test_a_season_of_the_year_stays_a_season(text: str) -> None:
    assert "season" in casual_said(text)


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("units for Q2 of 2023", ["2023-04-01", "2023-06-30"]),
        ("orders in the final month of 2024", ["2024-12-01", "2024-12-31"]),
        ("revenue in the opening quarter of the 2023 season", ["2023-01-01", "2023-03-31"]),
    ],
)
def test_a_quarter_or_month_of_a_year(
    question: str, period: list[str], catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert ("sale_date", "between", period) in filters_of(spec), spec


# -- the board, the table, the MVP -------------------------------------------------------------


def test_put_on_the_board_is_the_measure_said(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many orders did the North put on the board in 2023", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert ("sales_region", "eq", "North") in filters_of(spec), spec
    assert YEAR_2023 in filters_of(spec), spec


def test_a_scoreboard_of_a_measure_is_that_measure(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("the units scoreboard by category", catalog, values))
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert dims_of(spec) == ["category"], spec


def test_on_the_board_of_directors_stays(catalog: Catalog, values: Values) -> None:
    assert "board" in casual_said("how many people sit on the board")


def test_top_of_the_league_is_the_first(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("Which department finished top of the league on headcount?", catalog, values)
    )
    assert dims_of(spec) == ["department"], spec
    assert spec.get("limit") == 1 and spec["order_by"][0].get("desc"), spec


def test_who_sat_top_among_things_is_which_one(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "Who sat top of the standings among the products on units last season?", catalog, values
        )
    )
    assert dims_of(spec) == ["product"], spec
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert spec.get("limit") == 1 and spec["order_by"][0].get("desc"), spec
    assert YEAR_2024 in filters_of(spec), spec


def test_who_came_bottom_among_things_is_the_last(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who came bottom among the offices on headcount", catalog, values))
    assert dims_of(spec) == ["location"], spec
    assert spec.get("limit") == 1 and not spec["order_by"][0].get("desc"), spec


def test_came_first_on_a_measure_is_the_top(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which category came first on units in 2023", catalog, values))
    assert dims_of(spec) == ["category"], spec
    assert spec.get("limit") == 1 and spec["order_by"][0].get("desc"), spec


def test_which_one_is_winning_is_the_top(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("which region is winning on units this year", catalog, values))
    assert dims_of(spec) == ["sales_region"], spec
    assert spec.get("limit") == 1 and spec["order_by"][0].get("desc"), spec


def test_the_mvp_is_the_top_person(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("who was our MVP by units in 2023", catalog, values))
    assert dims_of(spec) == ["employees.full_name"], spec
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert spec.get("limit") == 1, spec


@pytest.mark.parametrize(
    "question",
    [
        "Which Support initiative was the top scorer for signups this season?",
        "Which Engineering project was the top scorer on tickets closed last season?",
    ],
)
def test_a_top_scorer_of_unknown_things_is_refused(
    question: str, catalog: Catalog, values: Values
) -> None:
    # a "scorer" is no rating: what was scored (signups, tickets) is not in the data
    reply = ask(question, catalog, values)
    assert reply.tile is None, reply.answer


# -- players, benches, head to head ------------------------------------------------------------


def test_benches_of_players_compared_on_pay(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "the Support bench versus the Finance bench: whose players are paid less on average?",
            catalog,
            values,
        )
    )
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert ("department", "in", ["Support", "Finance"]) in filters_of(spec), spec


def test_players_are_the_employees(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("players per office", catalog, values))
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["location"], spec


def test_head_to_head_compares_the_two(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Engineering head to head with Sales on headcount", catalog, values))
    assert dims_of(spec) == ["department"], spec
    assert ("department", "in", ["Engineering", "Sales"]) in filters_of(spec), spec


def test_the_biggest_squads_said_after_a_colon(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "the three largest squads in each office: the departments with the most players",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == ["location", "department"], spec
    assert spec.get("limit") == 3 and spec.get("limit_per") == "location", spec


# -- scoring nothing on a holiday; benching the rest; coach ------------------------------------


def test_did_not_score_a_single_sale_on_a_holiday(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("Which regions didn't score a single sale on New Year's Eve 2023?", catalog, values)
    )
    assert dims_of(spec) == ["sales_region"], spec
    assert having_of(spec) == [("sales_matching", "eq", 0)], spec
    assert "2023-12-31" in str(spec["measures"]), spec


def test_bench_everything_but_a_period_keeps_only_it(catalog: Catalog, values: Values) -> None:
    first = ask("units by region for 2023", catalog, values)
    spec = spec_of(
        ask(
            "bench everything apart from Q2, and give me only this period.",
            catalog,
            values,
            previous=first.tile,
        )
    )
    assert dims_of(spec) == ["sales_region"], spec
    assert ("sale_date", "between", ["2023-04-01", "2023-06-30"]) in filters_of(spec), spec


def test_coach_is_said_to_the_reader(catalog: Catalog, values: Values) -> None:
    reply = ask("Thanks coach, how many people work in Berlin?", catalog, values)
    spec = spec_of(reply)
    assert filters_of(spec) == [("location", "eq", "Berlin")], spec
    assert "coach" not in reply.answer.lower(), reply.answer


# -- how much the biggest sale came to ---------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "agg"),
    [
        ("Largest order of Q2 2024 - what did it ring up?", "max"),
        ("how much was the smallest single sale last year", "min"),
    ],
)
def test_how_much_the_biggest_sale_was_is_its_amount(
    question: str, agg: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": agg, "column": "amount"}], spec


def test_the_biggest_sale_itself_is_still_listed(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("what was the single biggest order of 2023?", catalog, values))
    assert spec.get("limit") == 1 and "select" in spec, spec


# -- head to head: one's units per the other's, each said again by one of its words -----------


@pytest.mark.parametrize(
    ("question", "expr"),
    [
        (
            "Design Studio head to head with Cloud Backup 1 TB last season: studio orders per "
            "backup order",
            "count_if(product = 'Design Studio') * 1.0 / count_if(product = 'Cloud Backup 1 TB')",
        ),
        (
            "Laptop Air 13 against Extended Warranty: air units sold for every warranty unit",
            "sum_if(quantity, product = 'Laptop Air 13') * 1.0 / "
            "sum_if(quantity, product = 'Extended Warranty')",
        ),
    ],
)
def test_short_names_of_two_products_said_first_are_a_ratio(
    question: str, expr: str, catalog: Catalog, values: Values
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [m.get("expr") for m in spec["measures"]] == [expr], spec
    assert not dims_of(spec), spec


def test_a_word_of_both_names_is_no_short_name() -> None:
    said = "Laptop Air 13 vs Laptop Pro 14: laptop units per laptop unit"
    assert casual_said(said) == said
