"""The built-in engine on general rules found while tuning on blind batch t (issue 12): asides
in brackets that say why, for whom or how a question is asked (its purpose, the asker, a
rating scale, what is not meant, how exact to be) are not part of it, and a definition the
asker adds ("i.e. ...", "by X I mean ...", "which I define as ...") says again what is asked,
or, for a word the data doesn't know, is what is asked.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

YEAR_2024 = ("sale_date", "between", ["2024-01-01", "2024-12-31"])

# -- asides in brackets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "average salary per job title (just so I can sanity-check our bands)",
        "average salary per job title (I'm putting together a slide for my boss)",
        "average salary per job title (for context: we are reviewing pay)",
        "average salary per job title (we're planning the raises)",
    ],
)
def test_a_bracket_about_why_or_who_asks_is_left_out(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], (question, spec)
    assert dims_of(spec) == ["job_title"], (question, spec)
    assert "filters" not in spec, (question, spec)
    # Said, not dropped silently.
    assert any(said.startswith("(") for said in reply.unused), reply.unused


def test_a_rating_scale_in_brackets_is_no_filter(catalog: Catalog, values: Values) -> None:
    question = "average performance rating by office (scores run from 1 to 5, higher means better)"
    spec = spec_of(ask(question, catalog, values))
    assert spec["measures"] == [{"agg": "avg", "column": "performance_rating"}], spec
    assert dims_of(spec) == ["location"], spec
    assert "filters" not in spec and "having" not in spec, spec


def test_what_is_not_meant_in_brackets_is_left_out(catalog: Catalog, values: Values) -> None:
    question = "revenue per unit for each product in 2024 (so not the catalogue price)"
    spec = spec_of(ask(question, catalog, values))
    assert [m.get("expr") for m in spec["measures"]] == ["sum(amount) * 1.0 / sum(quantity)"]
    assert dims_of(spec) == ["product"], spec
    assert filters_of(spec) == [YEAR_2024], spec


def test_a_gloss_that_sellers_are_people_is_left_out(catalog: Catalog, values: Values) -> None:
    reply = ask("the 3 biggest sellers (persons) by number of orders in 2024", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "sales", spec
    assert spec["measures"] == [{"agg": "count"}], spec
    assert dims_of(spec) == ["employees.full_name"], spec
    assert spec["limit"] == 3, spec
    assert "(persons)" in reply.unused, reply.unused


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("average salary by office (I only need Berlin)", ("location", "eq", "Berlin")),
        ("average salary by office (for the Berlin office)", ("location", "eq", "Berlin")),
        ("revenue by region (for my report on 2024)", YEAR_2024),
    ],
)
def test_a_bracket_with_a_value_or_a_period_stays(
    catalog: Catalog, values: Values, question: str, kept: tuple[str, str, object]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert kept in filters_of(spec), (question, spec)


# -- definitions the asker adds --------------------------------------------------------------


def test_by_a_known_word_i_mean_says_it_again(catalog: Catalog, values: Values) -> None:
    question = (
        "what share of staff work remotely (by remotely I mean flagged as remote, not hybrid)"
    )
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", spec
    assert [m.get("expr") for m in spec["measures"]] == [
        "count_if(is_remote = true) * 100.0 / count()"
    ], spec


@pytest.mark.parametrize(
    "question",
    [
        "in Sales, what is the ratio of remote to office staff - i.e. the remote headcount divided"
        " by the office headcount",
        "ratio of remote to office staff in Sales. Just to be clear, I mean remote heads over"
        " office heads",
    ],
)
def test_a_definition_after_a_ratio_says_it_again(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert [m.get("expr") for m in spec["measures"]] == [
        "count_if(is_remote = true) * 1.0 / count_if(is_remote = false)"
    ], (question, spec)
    assert filters_of(spec) == [("department", "eq", "Sales")], (question, spec)
    assert "dimensions" not in spec, (question, spec)


@pytest.mark.parametrize(
    "question",
    [
        "what is the yield per product in 2024, by which I mean revenue over units",
        "the yield for each product in 2024, which we define as revenue divided by units",
    ],
)
def test_a_ratio_defined_for_an_unknown_word_is_that_word(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert [m.get("expr") for m in spec["measures"]] == ["sum(amount) * 1.0 / sum(quantity)"], (
        question, spec)
    assert dims_of(spec) == ["product"], (question, spec)
    assert filters_of(spec) == [YEAR_2024], (question, spec)
    assert any("yield" in a and "defined" in a for a in reply.assumptions), reply.assumptions


def test_a_definition_naming_values_stays(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("average salary by department (i.e. Sales and Support)", catalog, values))
    assert any(f[0].endswith("department") for f in filters_of(spec)), spec
