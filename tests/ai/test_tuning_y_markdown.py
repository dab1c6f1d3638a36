"""The built-in engine on questions written in Markdown (issue 12, found on blind batch y):
headings, bullet lists, emphasis, inline code, code fences and tables are read as the plain
question they say; a table's header names what each of its cells is (a measure, what it is
per, what it is ranked by, the period), and the answer says how the table was read.

Questions are worded unlike the blind batches: each test checks a rule, through the spec the
engine wrote on the demo data."""

from __future__ import annotations

from plotboard.ai.builtin.markdown import plain_markdown
from plotboard.catalog.model import Catalog
from tests.ai.tuning import Values, ask, dims_of, filters_of, spec_of


def test_a_table_of_measure_and_breakdown_is_a_chart_per_group(
    catalog: Catalog, values: Values
) -> None:
    reply = ask(
        "| per | measure |\n| --- | --- |\n| department | average salary |", catalog, values
    )
    spec = spec_of(reply)
    assert spec["table"] == "employees", spec
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert dims_of(spec) == ["department"], spec
    assert any("table read as" in said for said in reply.assumptions), reply.assumptions


def test_a_table_with_a_ranking_and_a_period_is_top_n_per_group(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(
        ask(
            "| for each | show | ranked by | period |\n|:--|:--|:--|:--|\n"
            "| sales region | best 2 products | units | 2024 |",
            catalog,
            values,
        )
    )
    assert spec["table"] == "sales", spec
    assert spec["limit"] == 2 and spec["limit_per"] == "sales_region", spec
    assert spec["measures"] == [{"agg": "sum", "column": "quantity"}], spec
    assert ("sale_date", "between", ["2024-01-01", "2024-12-31"]) in filters_of(spec), spec


def test_a_table_whose_scope_is_a_relative_period(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask(
            "| metric | scope |\n|---|---|\n| revenue | *year to date* |\n\nsplit per sales region",
            catalog,
            values,
        )
    )
    assert spec["measures"] == [{"agg": "sum", "column": "amount"}], spec
    assert dims_of(spec) == ["sales_region"], spec
    assert [f[0] for f in filters_of(spec)] == ["sale_date"], spec


def test_a_bullet_list_with_bold_is_one_question(catalog: Catalog, values: Values) -> None:
    spec = spec_of(
        ask("- Engineering folks\n- **zero** orders during 2024\n- who", catalog, values)
    )
    assert spec["table"] == "employees", spec
    assert ("department", "eq", "Engineering") in filters_of(spec), spec
    assert any("without" in f for f in spec["filters"]), spec


def test_marks_go_and_words_stay() -> None:
    text, said = plain_markdown("### Quarterly\n```sql\n**revenue** by `product`\n```")
    assert text == "Quarterly\nrevenue by product", text
    assert said == []
    text, _ = plain_markdown("- one\n- two\n* three")
    assert text == "one, two, three", text
    assert plain_markdown("revenue ÷ units")[0] == "revenue divided by units"
    plain = "how many people work in Paris?"
    assert plain_markdown(plain) == (plain, [])


# -- a quoted line that is only courtesy ---------------------------------------------------------


def test_a_quoted_pleasantry_over_the_question_is_not_the_question(
    catalog: Catalog, values: Values
) -> None:
    spec = spec_of(
        ask(
            "> a tiny request when you get a moment :)\n\nthe average salary in Berlin, thanks",
            catalog,
            values,
        )
    )
    assert spec["measures"] == [{"agg": "avg", "column": "salary"}], spec
    assert filters_of(spec) == [("location", "eq", "Berlin")], spec


def test_a_quoted_question_under_a_note_stays_the_question(
    catalog: Catalog, values: Values
) -> None:
    # The quote names the data: it is the question, the note around it is framing.
    spec = spec_of(
        ask("> how many people work remotely?\nsee below, from my manager", catalog, values)
    )
    assert spec["measures"] == [{"agg": "count"}], spec
    assert filters_of(spec) == [("is_remote", "eq", True)], spec


def test_a_hash_opening_a_one_line_message_is_no_heading() -> None:
    assert plain_markdown("# staff in Berlin")[0] == "# staff in Berlin"
    assert plain_markdown("# Staff\nin Berlin")[0] == "Staff\nin Berlin"
