"""The built-in engine on what blind batch z showed about questions typed on a phone with
autocorrect and written by Arabic and Russian speakers of English (issue 12): a real word
that autocorrect or a finger on the next key made of a data noun ("sakes", "departure"), where
that noun is expected, is read as it and said; a slipped question word ("whcih") or a
slipped verb that is left out ("hapened") keeps the question whole; a figure asked with "give"
or a mistyped "average" is no listing; "how much is the average ..." is the average only;
"is the leader by" ranks; a count compared after "the number of employees" is a having; "not a
single ..." working "remotely from home" is none; "inshallah" is courtesy and a wish for the
answer is no part of it; "the top rating, the 5" is rating 5; "offices which were opened" is
no breakdown; "bablo" is money.

Questions are worded unlike the blind batch: each test checks a rule, through the spec the
engine wrote, on the demo data (today is 2025-11-20)."""

from __future__ import annotations

from typing import Any

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of


def _filters(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(c.split(".")[-1], op, v) for c, op, v in filters_of(spec)]


def _measures(spec: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [(m.get("agg"), m.get("column") or m.get("expr")) for m in spec["measures"]]


# Real words autocorrect made of a data noun -----------------------------------------------


def test_a_plural_one_key_off_is_the_data_noun(catalog: Catalog, values: Values) -> None:
    reply = ask("number of sakes per region in 2023", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "sales" and _measures(spec) == [("count", None)], spec
    assert dims_of(spec) == ["sales_region"], spec
    assert any("sakes" in a and "sales" in a for a in reply.assumptions), reply.assumptions


def test_a_slipped_noun_before_a_measure(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("total sakes amount for Hardware in 2023", catalog, values))
    assert spec["table"] == "sales" and _measures(spec) == [("sum", "amount")], spec
    assert ("category", "eq", "Hardware") in _filters(spec), spec


def test_a_word_two_keys_away_stays_unknown(catalog: Catalog, values: Values) -> None:
    # "terms" is one letter from "teams", but "r" and "a" are no neighbouring keys.
    reply = ask("count of terms by department", catalog, values)
    assert reply.tile is None, reply.answer


def test_a_breakdown_completed_to_another_word(catalog: Catalog, values: Values) -> None:
    reply = ask("headcount per departure in 2024", catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["department"], spec
    assert any("departure" in a for a in reply.assumptions), reply.assumptions


def test_a_completed_word_before_another_noun_stays_unknown(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("headcount by departure lounge", catalog, values)
    assert reply.tile is None, reply.answer


# Slips that keep the question's shape -------------------------------------------------------


def test_a_slipped_which_keeps_its_number(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("whcih 2 offices have the most staff", catalog, values))
    assert spec.get("limit") == 2, spec


def test_a_slipped_verb_is_left_out_like_the_verb(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how many deals happend last month", catalog, values))
    assert spec["table"] == "sales" and _measures(spec) == [("count", None)], spec


def test_a_slipped_average_is_no_listing(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("show avrage salary in Marketing", catalog, values))
    assert _measures(spec) == [("avg", "salary")], spec
    assert ("department", "eq", "Marketing") in _filters(spec), spec


def test_give_the_average_salary_asks_for_a_figure(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("please give the average salary of Finance", catalog, values))
    assert _measures(spec) == [("avg", "salary")], spec


def test_give_people_a_raise_is_still_refused(catalog: Catalog, values: Values) -> None:
    assert ask("give the highest paid engineers a raise", catalog, values).tile is None


# Learners' English --------------------------------------------------------------------------


def test_how_much_is_the_average_is_the_average_only(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("how much was mean salary of one engineer", catalog, values))
    assert _measures(spec) == [("avg", "salary")], spec


def test_is_the_leader_by_ranks_within_each_group(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("In every department, which job title was the leader by headcount?", catalog, values)
    )
    assert spec.get("limit") == 1 and spec.get("limit_per") == "department", spec


def test_the_number_of_rows_compared_is_a_having(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("In which departments is number of employees over 200?", catalog, values))
    assert having_of(spec) == [("count", "gt", 200)], spec


def test_remotely_from_home_is_remote(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "Which departments have not a single person working remotely from home?",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == ["department"] and having_of(spec)[0][1:] == ("eq", 0), spec
    assert "is_remote" in spec["measures"][0]["expr"], spec


def test_inshallah_is_courtesy(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("inshallah revenue by region", catalog, values))
    assert dims_of(spec) == ["sales_region"], spec


def test_a_number_after_the_missing_rows_is_their_condition(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(
        ask("Which departments have no remote staff with a rating of 1?", catalog, values)
    )
    expr = spec["measures"][0]["expr"]
    assert "is_remote" in expr and "performance_rating = 1" in expr, spec
    assert not any(c == "performance_rating" for c, _, _ in _filters(spec)), spec


def test_a_wish_for_the_answer_is_no_part_of_it(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("Units of Hardware in March 2024, it is a good number.", catalog, values))
    assert ("category", "eq", "Hardware") in _filters(spec), spec


def test_an_extreme_said_again_as_its_value(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("what share of the Paris staff got the lowest rating - a 1?", catalog, values)
    )
    expr = spec["measures"][0]["expr"]
    assert "performance_rating = 1" in expr, spec


def test_rows_which_were_dated_are_counted_once(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("count of offices which were opened after 2018", catalog, values))
    assert not dims_of(spec) and _measures(spec) == [("count", None)], spec


def test_bablo_is_money(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("bablo by product category in 2023", catalog, values))
    assert _measures(spec) == [("sum", "amount")] and dims_of(spec) == ["category"], spec


def test_sold_no_value_is_none_of_those_sales(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "which sales regions sold no Laptop Pro 14 in the first week of March 2024",
            catalog,
            values,
        )
    )
    assert dims_of(spec) == ["sales_region"] and having_of(spec)[0][1:] == ("eq", 0), spec
    assert "product = 'Laptop Pro 14'" in spec["measures"][0]["expr"], spec
