"""The built-in engine on general rules found while tuning on blind batches t and u (issue 12),
about the framing around a request (the words that are not the data question itself):

* a claim put to be checked, however it is framed ("am I right that", "would you say",
  "correct me if I'm wrong, but", "..., right?") is a yes/no question: the figure is shown,
  weighed against the number, never narrowed by it;
* a yes/no question followed by a what/how-many question of its own is answered by that one;
* "are there more X in A than in B" counts both; "is X one of the top N" shows the top N;
  "did we sell more than N units" is the units sold, weighed;
* the asker saying what they look after ("I run the Paris office", "new Finance head here")
  scopes a question that speaks of theirs ("my team", "do I have", "them");
* an occasion said before a colon ("offsite agenda:", "invite list:") is dropped;
* "pare that down to", "what if we limit it to" narrow the last chart.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of

# -- a claim put to be checked ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "am I right that the average salary is above 90k?",
        "would you say the average salary is above 90k?",
        "correct me if I'm wrong, but the average salary is above 90k",
        "the average salary is above 90k, right?",
        "the average salary is above 90k, isn't it?",
        "would it be fair to say that the average salary is above 90k?",
        "can you confirm the average salary is above 90k?",
    ],
)
def test_a_claim_framed_any_way_shows_the_figure(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], (question, spec)
    assert filters_of(spec) == [], (question, spec)
    assert "90,000" in reply.answer, reply.answer


def test_a_claim_about_rows_still_lists_them(catalog: Catalog, values: Values) -> None:
    # The claim names rows that pass a bound: which ones, the bound kept.
    spec = spec_of(ask("am I right that some reps closed over 300 orders in 2023?", catalog,
                       values))
    assert spec["table"] == "sales", spec
    assert [h["op"] for h in spec["having"]] == ["gt"], spec
    assert [h["value"] for h in spec["having"]] == [300], spec


@pytest.mark.parametrize(
    "question",
    [
        "is payroll north of 200 million? what is the real sum of all salaries",
        "am I right that payroll tops 200 million? how much is the sum of salaries",
    ],
)
def test_a_question_after_a_yes_no_one_is_what_is_answered(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "sum", "column": "salary"}], (question, spec)
    assert filters_of(spec) == [], (question, spec)


def test_a_question_after_that_only_points_back_keeps_the_first(
    catalog: Catalog, values: Values
) -> None:
    # "what's the exact share?" names nothing of its own: the share asked before is answered.
    spec = spec_of(ask("is Sales more than a fifth of our staff? what's the exact share?",
                       catalog, values))
    assert "department = 'Sales'" in spec["measures"][0]["expr"], spec


@pytest.mark.parametrize(
    "question",
    [
        "do we have more remote people in Sales than in Finance?",
        "are there fewer remote staff in Sales than in Finance?",
        "there are more remote employees in Sales than in Finance, right?",
    ],
)
def test_more_of_them_in_one_than_another_counts_both(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert dims_of(spec) == ["department"], (question, spec)
    assert ("is_remote", "eq", True) in filters_of(spec), (question, spec)
    assert ("department", "in", ["Sales", "Finance"]) in filters_of(spec), (question, spec)


@pytest.mark.parametrize(
    "question",
    [
        "was Sydney among our 4 biggest offices by headcount?",
        "is it true Sydney is one of the top 4 locations by headcount?",
    ],
)
def test_one_of_the_top_shows_the_top(catalog: Catalog, values: Values, question: str) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["location"], (question, spec)
    assert spec["limit"] == 4, (question, spec)
    assert filters_of(spec) == [], (question, spec)
    assert "Sydney" in reply.answer, reply.answer


@pytest.mark.parametrize(
    "question",
    [
        "do we have more than 40 Finance people in Berlin?",
        "there are at least 40 Finance people in Berlin, right?",
    ],
)
def test_are_there_more_than_n_counts_them(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert sorted(filters_of(spec)) == [("department", "eq", "Finance"),
                                        ("location", "eq", "Berlin")], (question, spec)
    assert any("40" in a for a in reply.assumptions), reply.assumptions


def test_two_names_joined_by_plus_are_both(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("is over a third of our staff in Engineering plus Sales?", catalog,
                       values))
    assert "department in ('Engineering', 'Sales')" in spec["measures"][0]["expr"], spec


def test_did_we_sell_more_than_n_units_is_the_units_sold(catalog: Catalog, values: Values) -> None:
    reply = ask("have we shipped over 20,000 units this quarter?", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert [f[0] for f in filters_of(spec)] == ["sale_date"], spec
    assert "20,000" in reply.answer, reply.answer


def test_two_things_weighed_then_both_shown(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("was the Tokyo office newer than the Sydney one? give me the two "
                       "opening dates", catalog, values))
    assert spec["table"] == "offices", spec
    assert filters_of(spec) == [("city", "in", ["Tokyo", "Sydney"])], spec


def test_a_claim_about_data_we_lack_is_still_refused(catalog: Catalog, values: Values) -> None:
    reply = ask("am I right that our churn rate is above 5%?", catalog, values)
    assert reply.tile is None, reply.answer


# -- the asker's own team or place -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("I look after the Paris office - how many of them are remote?", ("location", "Paris")),
        ("new Finance head here - how many people are in my team?", ("department", "Finance")),
        ("I've just taken over Finance: how many of them are remote?", ("department", "Finance")),
        ("as the new Sydney lead, how many staff do I have?", ("location", "Sydney")),
    ],
)
def test_what_the_asker_looks_after_scopes_their_question(
    catalog: Catalog, values: Values, question: str, scope: tuple[str, str]
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert (scope[0], "eq", scope[1]) in filters_of(spec), (question, spec)
    assert not dims_of(spec), (question, spec)


def test_my_department_is_the_one_said(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("I'm the new head of Finance. average salary in my department by title?",
                       catalog, values))
    assert dims_of(spec) == ["job_title"], spec
    assert filters_of(spec) == [("department", "eq", "Finance")], spec


def test_the_asker_says_who_they_are_without_asking_about_theirs(
    catalog: Catalog, values: Values
) -> None:
    # Nothing of theirs is asked about: the whole company, as before.
    spec = spec_of(ask("I'm the new Finance lead. headcount by office please", catalog, values))
    assert filters_of(spec) == [], spec


def test_contractions_with_have_are_read(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("can you list the Account Executives you've got in Paris?", catalog,
                       values))
    assert ("location", "eq", "Paris") in filters_of(spec), spec


# -- an occasion before the request ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "offsite agenda: headcount per department",
        "Monday standup talking points: headcount per department",
        "Wednesday all-hands slides: headcount per department",
    ],
)
def test_an_occasion_before_a_colon_is_dropped(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert dims_of(spec) == ["department"], (question, spec)
    assert filters_of(spec) == [], (question, spec)


# -- changing the last chart -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "follow",
    [
        "pare it down to Berlin and Paris",
        "could you trim that to Berlin and Paris",
        "what if we limit it to Berlin and Paris?",
        "and if I only keep Berlin and Paris?",
    ],
)
def test_narrowing_the_last_chart(catalog: Catalog, values: Values, follow: str) -> None:
    first = ask("average salary by location", catalog, values)
    spec = spec_of(ask(follow, catalog, values, previous=first.tile))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], (follow, spec)
    assert dims_of(spec) == ["location"], (follow, spec)
    assert filters_of(spec) == [("location", "in", ["Berlin", "Paris"])], (follow, spec)


@pytest.mark.parametrize(
    "follow",
    ["add the average salary as a second column", "add average salary as another series"],
)
def test_adding_a_measure_to_the_last_chart(catalog: Catalog, values: Values, follow: str) -> None:
    first = ask("headcount per department", catalog, values)
    spec = spec_of(ask(follow, catalog, values, previous=first.tile))
    assert spec["measures"] == [{"agg": "count"}, {"agg": "avg", "column": "salary"}], spec
    assert dims_of(spec) == ["department"], (follow, spec)


@pytest.mark.parametrize(
    "follow",
    [
        "Sydney, same breakdown",
        "Sydney only, as before",
        "and for Sydney, keeping the same breakdown as earlier",
    ],
)
def test_the_same_breakdown_as_before_is_kept(
    catalog: Catalog, values: Values, follow: str
) -> None:
    first = ask("average salary by department", catalog, values)
    spec = spec_of(ask(follow, catalog, values, previous=first.tile))
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], (follow, spec)
    assert dims_of(spec) == ["department"], (follow, spec)
    assert filters_of(spec) == [("location", "eq", "Sydney")], (follow, spec)


@pytest.mark.parametrize(
    "question",
    ["for my uni project, what is the headcount by department?",
     "for our team project, could you give me headcount per department?"],
)
def test_what_the_answer_is_for_is_no_part_of_it(
    catalog: Catalog, values: Values, question: str
) -> None:
    spec = spec_of(ask(question, catalog, values))
    assert spec["table"] == "employees", (question, spec)
    assert spec["measures"] == [{"agg": "count"}], (question, spec)
    assert dims_of(spec) == ["department"], (question, spec)
