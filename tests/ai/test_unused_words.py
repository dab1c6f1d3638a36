"""Parts of a message that are not the question (issue 12 item 3, "when a part of the question
was not used, it says which"):

* a message's framing (an e-mail's subject line, quote marks, sign-off, signature, "Sent from
  my phone", a name under the question) is taken out before reading and not said back;
* an unknown word whose place says it is not what is asked (a lead-in before the question
  word, the request's own verb, the verb after "did" and its subject, a past verb between the
  subject of "which" and a comparison) is left out, and the answer says it did not use it;
* an unknown word that may be what is measured, counted or grouped by still refuses;
* a typo of a word of the data is still repaired, not left out.

Questions are worded unlike the blind batches; each test checks a rule through the spec the
engine wrote on the demo data."""

from __future__ import annotations

import pytest

from plotboard.ai.builtin.framing import message_body
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, having_of, spec_of

# -- the framing of a message ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("Fw: RE: q\n> headcount per office?\nsee thread below\nJo", "headcount per office?"),
        ("> headcount per office?\n\nSent from my Galaxy", "headcount per office?"),
        ("headcount per office?\n-- \nJo Bloggs\nPeople team", "headcount per office?"),
        ("headcount per office?\nWarm regards,\nJo Bloggs\nPeople team", "headcount per office?"),
        ("headcount per office? Ta, Jo Bloggs | Sales Ops", "headcount per office? Ta,"),
        ("headcount per office?\nJo", "headcount per office?"),
        ("Dear assistant, headcount per office?", "headcount per office?"),
    ],
)
def test_the_framing_of_a_message_is_taken_out(message: str, question: str) -> None:
    assert message_body(message) == question


@pytest.mark.parametrize(
    "message",
    [
        "salary split across AMER / EMEA / APAC",  # a slash between values, no signature
        "revenue by month\nonly 2024",  # a second line that asks
        "Re: revenue by month",  # the subject is the question
    ],
)
def test_what_is_no_framing_is_kept(message: str) -> None:
    kept = message_body(message)
    assert kept.replace("Re: ", "") in (message, message.replace("Re: ", "")), kept
    assert "2024" in kept or "\n" not in message


def test_a_signature_with_a_team_is_no_filter(catalog: Catalog, values: Values) -> None:
    reply = ask(
        "could you pull the average salary per country? Ta, Jo Bloggs | Sales Ops", catalog, values
    )
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert dims_of(spec) == ["country"], spec
    assert filters_of(spec) == [], spec
    assert not reply.unused, reply.unused


def test_a_quoted_question_under_a_subject_and_over_a_name(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("Fwd: figures\n> which offices have fewer than 100 people?\nPriti", catalog, values)
    spec = spec_of(reply)
    assert having_of(spec) == [("count", "lt", 100)], spec
    assert not reply.unused, reply.unused


def test_a_note_around_a_quoted_question_sets_no_period(catalog: Catalog, values: Values) -> None:
    # "this morning" in the forwarder's note is not the period asked about.
    reply = ask(
        "> revenue by month in 2024\nasked for by Ravi this morning\nCheers,\nMo", catalog, values
    )
    spec = spec_of(reply)
    assert ("sale_date", "between", ["2024-01-01", "2024-12-31"]) in filters_of(spec), spec


# -- unknown words that are not what is asked ------------------------------------------------


def test_a_lead_in_before_the_question_word_is_left_out_and_said(
    catalog: Catalog, values: Values
) -> None:
    reply = ask("blimey which departments have more than 300 people", catalog, values)
    spec = spec_of(reply)
    assert dims_of(spec) == ["department"], spec
    assert having_of(spec) == [("count", "gt", 300)], spec
    assert reply.unused == ("blimey",)
    assert "I did not use \u201cblimey\u201d" in reply.assumptions


def test_the_verb_of_a_request_is_left_out(catalog: Catalog, values: Values) -> None:
    reply = ask("would you be so kind as to rustle up the job titles of our VPs", catalog, values)
    spec = spec_of(reply)
    assert spec["table"] == "employees", spec
    assert "rustle" in reply.unused, reply.unused


def test_would_you_mind_listing_lists(catalog: Catalog, values: Values) -> None:
    spec = spec_of(ask("would you mind listing the engineers in Toronto?", catalog, values))
    assert "select" in spec, spec
    assert "measures" not in spec, spec


def test_the_verb_after_did_and_its_subject_is_left_out(catalog: Catalog, values: Values) -> None:
    reply = ask("what did revenue clock in at for March 2025", catalog, values)
    spec = spec_of(reply)
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert ("sale_date", "between", ["2025-03-01", "2025-03-31"]) in filters_of(spec), spec
    assert reply.unused == ("clock",)


def test_the_verb_after_does_and_a_measure_is_left_out(catalog: Catalog, values: Values) -> None:
    reply = ask("in which offices does the average pay creep past 95k?", catalog, values)
    spec = spec_of(reply)
    assert reply.unused == ("creep",)
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert [h[1:] for h in having_of(spec)] == [("gt", 95000)], spec


def test_a_past_verb_before_a_comparison_is_left_out(catalog: Catalog, values: Values) -> None:
    reply = ask("which quarters saw more than 100,000 units in 2024", catalog, values)
    spec = spec_of(reply)
    assert [d.get("grain") for d in spec["dimensions"]] == ["quarter"], spec
    assert having_of(spec) == [("sum_quantity", "gt", 100000)], spec
    assert "saw" in reply.unused, reply.unused


def test_a_typo_of_a_data_word_is_still_repaired(catalog: Catalog, values: Values) -> None:
    reply = ask("blimey which monhts had over 1500 orders in 2024", catalog, values)
    spec = spec_of(reply)
    assert [d.get("grain") for d in spec["dimensions"]] == ["month"], spec
    assert reply.unused == ("blimey",)


# -- unknown words that may be what is asked: still refused ----------------------------------
# (guards: refused before the change too; they hold what leaving words out must not break)


@pytest.mark.parametrize(
    "question",
    [
        "blimey what is our customer churn rate",  # measured, after the lead-in
        "how long did deliveries take on average by region",  # what "how long" asks
        "which marketing campaigns drove over 100 leads",  # the subject of "which"
        "what did each supplier charge us in 2024",  # the subject after "did"
        "number of refunds per product",  # what is counted
        "kindly tabulate the bonus payouts for 2024",  # the request's object
        "which reps got promoted in 2024",  # a state of the rows
        "headcount by gender",  # what is grouped by
    ],
)
def test_an_unknown_word_that_may_be_asked_about_still_refuses(
    catalog: Catalog, values: Values, question: str
) -> None:
    reply = ask(question, catalog, values)
    assert reply.tile is None, (question, reply.answer)
    assert reply.suggestions


def test_thousands_grouped_by_spaces_are_one_number(catalog: Catalog, values: Values) -> None:
    # "pass" weighs the number: it is the comparison, not a verb to leave out.
    spec = spec_of(ask("in which offices does the mean salary pass 85 500?", catalog, values))
    assert [h[1:] for h in having_of(spec)] == [("gt", 85500)], spec
