"""What the built-in engine's vocabulary knows of a catalog and its values."""

from __future__ import annotations

from plotboard.ai.builtin.text import singular, stems, tokenize
from plotboard.ai.builtin.vocabulary import (
    ColumnTerm,
    MeasureTerm,
    TableTerm,
    Term,
    ValueTerm,
    build_vocabulary,
    vocabulary_for,
)
from plotboard.catalog.model import Catalog, Column, ForeignKey, Table

SHOP = Catalog(
    "sqlite",
    (
        Table(
            "stores",
            (
                Column("store_id", "integer"),
                Column("site_name", "string", display_name="Store", semantic_type="city"),
                Column("secret_code", "string", hidden=True),
            ),
            primary_key=("store_id",),
        ),
        Table(
            "orders",
            (
                Column("order_id", "integer"),
                Column("store_id", "integer"),
                Column("ordered_at", "datetime"),
                Column("total_amount", "number", display_name="Deal value"),
                Column("nps", "integer", description="Net promoter score given by the buyer"),
                Column("channel", "string"),
            ),
            primary_key=("order_id",),
            foreign_keys=(ForeignKey(("store_id",), "stores", ("store_id",)),),
        ),
        Table("audit_log", (Column("id", "integer"), Column("entry", "string")), hidden=True),
    ),
)
VALUES = {
    ("stores", "site_name"): ["São Paulo", "New York", "Zürich", "Paris"],
    ("orders", "channel"): ["Online", "In store", "5"],
    ("stores", "secret_code"): ["Paris"],
    ("audit_log", "entry"): ["Deleted everything"],
}


def terms(phrase: str, values: dict[tuple[str, str], list[str]] | None = None) -> list[Term]:
    vocab = build_vocabulary(SHOP, VALUES if values is None else values)
    words = stems(phrase)
    found = vocab.match(words, 0)
    assert found is None or found[0] == len(words), (phrase, found)
    return [] if found is None else found[1]


def describe(found: list[Term]) -> set[str]:
    out = set()
    for term in found:
        if isinstance(term, TableTerm):
            out.add(f"table {term.table.name}")
        elif isinstance(term, ColumnTerm):
            out.add(f"column {term.table.name}.{term.column.name}")
        elif isinstance(term, ValueTerm):
            out.add(f"value {term.column.name}={'|'.join(term.values)}")
        elif isinstance(term, MeasureTerm):
            out.add(f"measure {term.label}")
    return out


def test_words_are_folded_and_singular() -> None:
    assert [t.text for t in tokenize("São Paulo's SALES, 1,500 units!")] == [
        "sao", "paulo", "s", "sales", ",", "1,500", "units"
    ]
    plurals = ("salaries", "sales", "paris", "boxes", "status", "employees")
    assert [singular(w) for w in plurals] == [
        "salary", "sale", "paris", "box", "status", "employee"
    ]


def test_names_display_names_and_tables() -> None:
    assert describe(terms("orders")) >= {"table orders"}
    assert describe(terms("order")) >= {"table orders"}
    assert "column orders.ordered_at" in describe(terms("ordered at"))
    assert "column orders.total_amount" in describe(terms("deal values"))
    assert "column orders.total_amount" in describe(terms("total amount"))
    assert "column stores.site_name" in describe(terms("store"))
    assert "column stores.site_name" in describe(terms("site name"))


def test_semantic_types_and_unambiguous_description_words() -> None:
    assert "column stores.site_name" in describe(terms("city"))
    assert describe(terms("promoter")) == {"column orders.nps"}


def test_values_with_several_words_accents_and_case() -> None:
    assert describe(terms("sao paulo")) == {"value site_name=São Paulo"}
    assert describe(terms("NEW YORK")) == {"value site_name=New York"}
    assert describe(terms("zurich")) == {"value site_name=Zürich"}
    assert describe(terms("online")) == {"value channel=Online"}
    assert "value channel=In store" in describe(terms("in store"))


def test_numbers_hidden_columns_and_hidden_tables_never_become_words() -> None:
    assert terms("5") == []  # would hijack "top 5"
    assert describe(terms("paris")) == {"value site_name=Paris"}  # not secret_code
    assert terms("secret code") == []
    assert terms("audit log") == [] and terms("deleted everything") == []


def test_synonyms_only_where_the_catalog_fits() -> None:
    assert terms("headcount") == [] and terms("salary") == []  # no people, no pay
    assert terms("pay") == []
    # An orders table with an amount-like column has revenue.
    assert describe(terms("revenue")) == {"measure Revenue"}


def test_demo_synonyms(catalog: Catalog, values: dict[tuple[str, str], list[str]]) -> None:
    vocab = vocabulary_for(catalog, values)
    assert vocabulary_for(catalog, values) is vocab  # memoized

    def meaning(phrase: str) -> set[str]:
        found = vocab.match(stems(phrase), 0)
        return describe(found[1]) if found else set()

    assert meaning("headcount") == {"measure Headcount"}
    assert meaning("turnover") == {"measure Revenue"}
    assert "column employees.salary" in meaning("compensation")
    assert "column sales.quantity" in meaning("units")
    assert "column employees.location" in meaning("cities")
    assert "table employees" in meaning("people")
    assert "value sales_region=North" in meaning("north")
    assert "value product=Laptop Air 13|Laptop Pro 14" in meaning("laptops")
    assert meaning("office region") == {"column offices.region"}
