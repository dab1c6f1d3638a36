"""What a question asks for, before its table is chosen: an `Intent` made of slots.

Each slot keeps *all* the candidate meanings of its phrase (a column in several tables, a
value in several columns); `plotboard.ai.builtin.resolve` picks among them once the question's table
is known. `plotboard.ai.builtin.reader` fills an `Intent` from a lexed question.
"""


from __future__ import annotations

from dataclasses import dataclass, field

from plotboard.ai.builtin.lexer import Chart, Superlative, Top
from plotboard.ai.builtin.timewords import DateRange, GrainWord
from plotboard.ai.builtin.vocabulary import ColumnTerm, TableTerm, Term, ValueTerm
from plotboard.query.spec import Aggregate


@dataclass
class MeasureSlot:
    """A measure to be: `agg` (None: the column's natural one) of one of `terms`."""

    agg: Aggregate | None
    terms: tuple[Term, ...]
    text: str
    superlative: bool | None = None  # "highest salary" (True) / "lowest" (False): max / min
    # when nothing is broken down, else the sort order
    over: bool = False  # divides the measure before it ("revenue per unit sold")


@dataclass
class DimSlot:
    """A breakdown by one of `terms` (a column, or a table: its label column)."""

    terms: tuple[Term, ...]
    text: str
    plural: bool = False  # "which departments": a short list, not the single best
    per: bool = False  # named right after "per" ("revenue per salesperson by region")


@dataclass
class ValueSlot:
    """A filter on one of the `terms` values ("Paris"); `negate` for "excluding Paris"."""

    terms: tuple[ValueTerm, ...]
    text: str
    negate: bool = False


@dataclass
class BoolSlot:
    """A true/false filter ("remote", "not remote")."""

    terms: tuple[ColumnTerm, ...]
    text: str
    negate: bool = False


@dataclass
class CompareSlot:
    """A comparison with numbers ("salary over 100k") on one of the `terms` columns."""

    op: str
    values: list[float]
    terms: tuple[Term, ...] = ()
    # A comparison of a total rather than of each row ("departments with more than 300
    # employees", "products with revenue over 20M", "where the average salary is above
    # 100k"): the measure compared (`measure`), or the rows counted (`counted`: the table
    # named, or () for the question's own rows); `after` when the column was named right
    # after the number ("more than 20000 units"). Used when the question has a breakdown.
    measure: MeasureSlot | None = None
    counted: tuple[Term, ...] | None = None
    after: bool = False


@dataclass
class Intent:
    """What a question asks for, before its table is chosen (see module docstring)."""

    measures: list[MeasureSlot] = field(default_factory=list)
    dims: list[DimSlot] = field(default_factory=list)
    values: list[ValueSlot] = field(default_factory=list)
    bools: list[BoolSlot] = field(default_factory=list)
    compares: list[CompareSlot] = field(default_factory=list)
    tables: list[TableTerm] = field(default_factory=list)
    time_columns: list[ColumnTerm] = field(default_factory=list)
    date_range: DateRange | None = None
    # Every period named, with the position of its first word ("2025 vs 2024"): the last one
    # is `date_range`; a comparison uses them all.
    date_ranges: list[tuple[int, DateRange]] = field(default_factory=list)
    grain: GrainWord | None = None
    top: Top | None = None
    superlative: Superlative | None = None
    which: bool = False
    # The superlative named the breakdown itself ("the least popular product", "top region
    # by revenue"): a singular one asks for the one group, not a sorted list.
    ranked_dim: bool = False
    # "the month with the most hires": a grain said before anything measured (its word
    # plural or not), the subject of a ranking like a breakdown said first.
    grain_first: bool | None = None
    dim_first: bool = False  # a breakdown was named before any measure or table
    # The question opens with its table's rows, in the plural ("employees hired in ...").
    rows_first: bool = False
    row_words: list[str] = field(default_factory=list)  # how the table's rows were named
    # The breakdown named after "each", "every", "per" ("the 3 best products in each
    # category"): with a ranking, the N applies within each of its values.
    per_dim: DimSlot | None = None
    # The breakdown named after "within (each)", "among", "in each", "for every" ...: with a
    # share and a second breakdown, the groups each share is taken within ("within each
    # region, the % of revenue of each category").
    whole_dim: DimSlot | None = None
    whole_grain: bool = False  # the same said of the time breakdown ("for each year")
    common: bool = False  # "most common", "most frequent": counted rows rank the groups
    per_grain: bool = False  # "top category each year": the time breakdown is that one
    # "the top 3 months by revenue for each year": the periods ranked within each `grain`.
    ranked_grain: GrainWord | None = None
    ranked_plural: bool = False  # "the best months": a few; "the best month": one
    chart: Chart | None = None
    dashboard: bool = False
    follow: str | None = None  # "replace" or "add": an explicit follow-up word
    add_dims: bool = False  # "and by ...": add to the previous breakdown
    pending: list[Aggregate] = field(default_factory=list)  # aggregations with no target
    number: int | None = None  # a whole number nothing else used ("make it 10")
    # Where each number nothing else used stands in the lexed words: a new question that
    # leaves one out says so ("older than 30" without an age column).
    loose_numbers: list[int] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # words of a long message left out
    # Known phrases glued to unknown words ("customer satisfaction score", "stock price"):
    # the question is about something else that the data does not have.
    compounds: list[str] = field(default_factory=list)
    # Of those, nouns said right before a number measured ("customer satisfaction scores",
    # "pension contributions"): another number, even in a long message.
    noun_compounds: list[str] = field(default_factory=list)
    # Every table a phrase could name, even where the phrase was read otherwise ("the Berlin
    # site": the offices, though "site" is also a location column): between two databases
    # that fit equally, the one whose table was named is meant.
    mentioned: list[TableTerm] = field(default_factory=list)
    # Two filters said either side of an "or" ("in Paris or rated 5"): either one holds.
    either: list[tuple[ValueSlot | BoolSlot | CompareSlot, ValueSlot | BoolSlot | CompareSlot]] = (
        field(default_factory=list)
    )

    @property
    def has_subject(self) -> bool:
        """Whether the question names what to measure (a measure, count or table)."""
        return bool(self.measures or self.tables or self.pending)

    @property
    def is_empty(self) -> bool:
        return not (
            self.has_subject or self.dims or self.values or self.bools or self.compares
            or self.date_range or self.grain or self.top or self.chart or self.time_columns
            or self.superlative
        )
