"""The built-in engine's vocabulary: every phrase it knows, and what each phrase may mean.

A `Vocabulary` is built from a `Catalog` and the real values of low-cardinality columns:

* tables: their names as words ("sales" -> sale), display names, built-in synonyms
  ("people", "staff" -> employees; "orders", "deals" -> sales);
* columns: names as words ("sales_region" -> "sales region"), display names, the name
  prefixed by its table ("office region"), the head word of a multi-word name ("region"),
  built-in synonyms ("pay" -> salary, "units" -> quantity), semantic types, and words that
  appear in exactly one column's description;
* measures: built-in phrases for whole measures ("headcount" -> count of employees,
  "revenue" -> sum of amount), only where the catalog has fitting tables and columns;
* values: each value of a low-cardinality column ("Paris", "New York", "São Paulo"), so
  that naming it in a question becomes a filter on that column.

Phrases are keyed by their singular, accent-free words (see `builtin.text`), so matching
is case-, accent- and plural-insensitive. One phrase may mean several things ("Paris" is
both `employees.location` and `offices.city`; "sales" is a table and a department): the
`Term`s come back best first and the engine picks by context and by how close each one is
to the question's table along foreign keys.

Hidden tables and columns never enter the vocabulary, so the engine can't name them.

A vocabulary may span several sources (every database a user may see): each table is tagged
with its source (`Vocabulary.source_of`), values are per source, and foreign keys never link
tables of different sources, so a question is always answered from one source.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from plotboard.ai.answers import ColumnValues, Source
from plotboard.ai.builtin.synonyms import (
    CITY_WORDS,
    COLUMN_SYNONYMS,
    COUNTRY_ADJECTIVES,
    COUNTRY_WORDS,
    LABEL_WORDS,
    LOCATION_SEMANTICS,
    MEASURE_SYNONYMS,
    PLACE_NAMES,
    REGION_WORDS,
    TABLE_SYNONYMS,
)
from plotboard.ai.builtin.text import STOPWORDS, fold, humanize, split_identifier, stems
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Catalog, Column, Table
from plotboard.query.spec import Aggregate

# Match quality, lower is better: an exact name beats a synonym beats a partial word.
EXACT, DISPLAY, COMPOSITE, SYNONYM, PARTIAL, SEMANTIC, DESCRIPTION = range(7)

MAX_VALUE_WORDS = 6
#: Words of values people say short ("sales development reps", "sr engineers", "hr mgr"): a
#: value with one of these is also known by its short form (as singular stems).
SHORT_FORMS: dict[str, str] = {
    "representative": "rep", "senior": "sr", "junior": "jr", "manager": "mgr",
    "assistant": "asst", "associate": "assoc", "director": "dir", "administrator": "admin",
    "coordinator": "coord", "executive": "exec", "specialist": "spec",
}
"""Longer values (sentences, addresses) are not useful as filter words."""
MAX_FAMILY = 20
"""A word shared by more values than this ("the", "plan") is too vague to filter on."""

# Plain words that open a single value's name ("New York", "San Francisco", "Great
# Britain"): on their own they mean themselves ("new hires", "I'm new"), not that value.
_COMMON_LEADS = frozenset(
    {"new", "old", "great", "little", "big", "grand", "united", "good", "best", "first",
     "san", "los", "las", "saint", "santa", "port", "fort", "mount", "upper", "lower"}
)
#: Two-letter words that are short for something else ("eg", "pm", "mr", "st"): never read
#: as the initials of a value.
NOT_INITIALS = frozenset({
    "ie", "eg", "ps", "re", "ex", "st", "nd", "rd", "th", "am", "pm", "id", "ok", "oh", "ah",
    "uh", "um", "hm", "mr", "ms", "dr", "jr", "sr", "vs", "yr", "mo", "wk", "ty", "ur", "pc",
    "tv", "hr", "it", "ai", "ux", "ui", "qa", "pr", "km", "kg", "lb", "ft", "cm", "mm", "ml",
    # "em" is "them" clipped ("eyeball em", "give em the numbers"), never a value's initials
    # (it filtered on "Engineering Manager").
    "em",
})
_NOT_PARTIALS = frozenset({"id", "full", "is", "has", "total", "number", "unit", "no", "code"})


def table_ref(table: Table) -> str:
    """How a spec names `table`: ``name``, or ``schema.name`` when it has a schema."""
    return f"{table.schema}.{table.name}" if table.schema else table.name


def table_label(table: Table) -> str:
    """The words for a table in titles: its display name, or its name ("Employees")."""
    return table.display_name or humanize(table.name)


def column_label(column: Column) -> str:
    """The words for a column in titles: its display name, or its name ("Sales region")."""
    return column.display_name or humanize(column.name)


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    return stems(split_identifier(name))


@dataclass(frozen=True, slots=True, eq=False)
class TableTerm:
    table: Table
    quality: int


@dataclass(frozen=True, slots=True, eq=False)
class ColumnTerm:
    table: Table
    column: Column
    quality: int


@dataclass(frozen=True, slots=True, eq=False)
class ValueTerm:
    """One value of a column ("Paris"), or for a word shared by several values ("laptop" in
    "Laptop Pro 14" and "Laptop Air 13") all of them, with a PARTIAL quality."""

    table: Table
    column: Column
    values: tuple[str, ...]
    quality: int

    @property
    def value(self) -> str:
        return self.values[0]


@dataclass(frozen=True, slots=True, eq=False)
class MeasureTerm:
    """A whole measure: `agg` of `column` (None: count rows) on `table`."""

    table: Table
    agg: Aggregate
    column: Column | None
    label: str
    quality: int
    time_column: Column | None = None


Term = TableTerm | ColumnTerm | ValueTerm | MeasureTerm


def _identity(term: Term) -> tuple[object, ...]:
    if isinstance(term, TableTerm):
        return ("table", id(term.table))
    if isinstance(term, ColumnTerm):
        return ("column", id(term.column))
    if isinstance(term, ValueTerm):
        return ("value", id(term.column), term.values)
    return ("measure", id(term.table), term.agg, id(term.column), term.label)


class Vocabulary:
    """Phrases of the catalogs of one or more sources and their column values. Build with
    `build_vocabulary` (one catalog) or `vocabulary_of` (several sources)."""

    def __init__(self, sources: Sequence[Source]):
        self.sources: tuple[Source, ...] = tuple(sources)
        self.catalog = self.sources[0].catalog  # the only one for a single-source vocabulary
        self._source_of: dict[int, Source] = {}
        tables: list[Table] = []
        for source in self.sources:
            for table in source.catalog.visible_tables():
                self._source_of[id(table)] = source
                tables.append(table)
        self.tables: tuple[Table, ...] = tuple(tables)
        self.phrases: dict[tuple[str, ...], list[Term]] = {}
        self.max_words = 1
        # Keyed by id(table): two sources may hold equal tables (a copy of a database).
        self.measures: dict[int, list[MeasureTerm]] = {}
        self.values: dict[tuple[int, str], tuple[str, ...]] = {}
        # Foreign-key hops between tables, filled lazily by `builtin.resolve.hops`.
        self.hops: dict[tuple[int, int], int | None] = {}
        # Known single words by length, filled lazily by `builtin.lexer` for typo repair.
        self.spellings: dict[int, list[str]] | None = None
        self.nouns: list[str] | None = None  # see `lexer._data_nouns`
        # Phrases of two words or more that name a value, by their first word (lazily).
        self.value_heads: dict[str, list[tuple[str, ...]]] | None = None
        # Two-letter initials of two-word values ("ny" for New York, "uk" for United
        # Kingdom): read by `builtin.lexer` only for a word that means nothing else.
        self.initials: dict[str, list[ValueTerm]] = {}
        # One-word values by their first letters ("lon" for London): built by
        # `builtin.lexer` on first use, read only for a word that means nothing else.
        self.prefixes: dict[str, list[ValueTerm]] | None = None
        self.heads: dict[str, list[ValueTerm]] | None = None
        # Adjectives of column names ("regional"): never a single value's first word.
        self.adjectives: set[str] = set()

    # -- building ------------------------------------------------------------------------

    def add(self, words: Sequence[str], term: Term) -> None:
        key = tuple(words)
        if not key:
            return
        terms = self.phrases.setdefault(key, [])
        ident = _identity(term)
        for i, known in enumerate(terms):
            if _identity(known) == ident:
                if term.quality < known.quality:
                    terms[i] = term
                break
        else:
            terms.append(term)
        terms.sort(key=lambda t: t.quality)
        self.max_words = max(self.max_words, len(key))

    # -- looking up ----------------------------------------------------------------------

    def match(self, words: Sequence[str], start: int) -> tuple[int, list[Term]] | None:
        """The longest phrase starting at `words[start]`: (number of words, its terms)."""
        longest = min(self.max_words, len(words) - start)
        for size in range(longest, 0, -1):
            terms = self.phrases.get(tuple(words[start : start + size]))
            if terms:
                return size, terms
        return None

    def source_of(self, table: Table) -> Source:
        """The source holding `table` (one of `tables`)."""
        return self._source_of[id(table)]

    def catalog_of(self, table: Table) -> Catalog:
        return self._source_of[id(table)].catalog

    def referenced(self, table: Table) -> bool:
        """Whether another table's foreign key points at `table` (offices, for the employees
        who work in one): its rows are things others name, each by its label."""
        return any(
            fk.ref_table.lower() == table.name.lower()
            and (fk.ref_schema or table.schema) == table.schema
            for other in self.catalog_of(table).tables
            if other is not table
            for fk in other.foreign_keys
        )

    def source_named(self, source_id: str | None) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def table_named(
        self, ref: str, *, source: str | None = None, near: Table | None = None
    ) -> Table | None:
        """The visible table `ref` (``name`` or ``schema.name``): in the source of `near`, else
        in `source`, else in the first source that has it."""
        schema, _, name = ref.rpartition(".")
        if near is not None:
            catalogs: Sequence[Catalog] = (self.catalog_of(near),)
        else:
            named = self.source_named(source)
            catalogs = (named.catalog,) if named else [s.catalog for s in self.sources]
        for catalog in catalogs:
            table = catalog.table(name, schema or None)
            if table is not None and not table.hidden:
                return table
        return None

    def measures_of(self, table: Table) -> list[MeasureTerm]:
        """The built-in measures of `table` ("revenue" of sales), best first."""
        return self.measures.get(id(table), [])

    def cardinality(self, table: Table, column: Column) -> int | None:
        """How many distinct values the caller passed for the column, or None if unknown."""
        found = self.values.get((id(table), column.name.lower()))
        return None if found is None else len(found)

    def default_measure(self, table: Table) -> MeasureTerm:
        """The table's main measure: its first built-in measure, else the count of rows."""
        own = self.measures_of(table)
        if own:
            return own[0]
        return MeasureTerm(table, "count", None, f"Number of {table_label(table).lower()}", SYNONYM)

    def measure_label(self, table: Table, agg: str, column: Column | None) -> str | None:
        """The built-in label of a measure ("Revenue", "Headcount"), if it has one."""
        for term in self.measures_of(table):
            if term.agg == agg and term.column is column and term.time_column is None:
                return term.label
        return None

    def time_columns(self, table: Table) -> list[Column]:
        """Visible date columns of `table`, the likeliest "when" first."""
        dates = [c for c in table.columns if not c.hidden and c.type in TEMPORAL_TYPES]

        def rank(column: Column) -> tuple[int, int]:
            words = _name_words(column.name)
            own = set(_name_words(table.name)) & set(words)
            return (0 if own else 1 if "date" in words else 2, dates.index(column))

        return sorted(dates, key=rank)

    def label_column(self, table: Table) -> Column | None:
        """The column that names one row of `table` (full_name, name, city, ...)."""
        visible = [c for c in table.columns if not c.hidden]
        for wanted in LABEL_WORDS:
            for column in visible:
                if " ".join(_name_words(column.name)) == wanted and column.type == "string":
                    return column
        for column in visible:
            if column.type == "string" and not _is_identifier(table, column):
                return column
        return None


def _is_identifier(table: Table, column: Column) -> bool:
    words = _name_words(column.name)
    return (
        column.semantic_type in ("id", "identifier")
        or column.name in table.primary_key
        or (bool(words) and words[-1] == "id")
        or any(column.name in fk.columns for fk in table.foreign_keys)
    )


def is_identifier(table: Table, column: Column) -> bool:
    """Keys and ids: never summed or averaged, rarely a sensible breakdown."""
    return _is_identifier(table, column)


def location_kind(column: Column) -> str | None:
    """"city" or "country" when the column holds places a map can show, else None."""
    if column.type != "string":
        return None
    semantic = (column.semantic_type or "").lower()
    name = " ".join(_name_words(column.name))
    if semantic == "country" or name in COUNTRY_WORDS:
        return "country"
    if semantic in ("city", "location") or name in CITY_WORDS or name.endswith(" city"):
        return "city"
    if semantic in LOCATION_SEMANTICS:
        return "city"
    return None


def is_measure_like(table: Table, column: Column) -> bool:
    """A number worth aggregating: numeric, not a key, not marked as a category."""
    return (
        column.type in NUMERIC_TYPES
        and not _is_identifier(table, column)
        and (column.semantic_type or "") not in ("category", "year", "boolean")
    )


def _add_table(vocab: Vocabulary, table: Table) -> None:
    name_words = _name_words(table.name)
    vocab.add(name_words, TableTerm(table, EXACT))
    if table.display_name:
        vocab.add(stems(table.display_name), TableTerm(table, DISPLAY))
    for said in {name_words, stems(table.display_name or "")} - {()}:
        for part in _TABLE_PARTS:
            # "the employee table", "employee records", "the sales rows": the table itself.
            vocab.add((*said, part), TableTerm(table, EXACT))
    joined = " ".join(name_words)
    for synonym in TABLE_SYNONYMS:
        if joined in {" ".join(stems(n)) for n in synonym.names}:
            for phrase in synonym.words:
                vocab.add(stems(phrase), TableTerm(table, SYNONYM))


#: Words for a table or its rows said after its name ("employee table", "employee records").
_TABLE_PARTS = ("table", "record", "row", "entry", "dataset")


def _add_columns(vocab: Vocabulary, table: Table) -> dict[str, list[ColumnTerm]]:
    """Every column phrase of `table`; returns description words for a later pass."""
    table_words = _name_words(table.name)
    described: dict[str, list[ColumnTerm]] = {}
    for column in table.columns:
        if column.hidden:
            continue
        words = _name_words(column.name)
        vocab.add(words, ColumnTerm(table, column, EXACT))
        if column.display_name:
            vocab.add(stems(column.display_name), ColumnTerm(table, column, DISPLAY))
        if words[: len(table_words)] != table_words:
            vocab.add((*table_words, *words), ColumnTerm(table, column, COMPOSITE))
        if len(words) > 1 and not _is_identifier(table, column):
            for word in {words[0], words[-1]}:
                if word not in _NOT_PARTIALS and word not in STOPWORDS and word != table_words[-1]:
                    vocab.add((word,), ColumnTerm(table, column, PARTIAL))
        # "the manager field", "the job title column": the column itself, never its values
        # ("manager" alone may be every Manager title).
        named = {words, stems(column.display_name or "")}
        if len(words) > 1 and words[-1] == "id":
            named.add(words[:-1])
        for name in named - {()}:
            for field in ("field", "column"):
                vocab.add((*name, field), ColumnTerm(table, column, EXACT))
        if not _is_identifier(table, column):
            for word in words:
                adjective = _adjective(word)
                if adjective is not None:
                    # "regional split", "departmental headcount": the column said as an
                    # adjective.
                    vocab.add((adjective,), ColumnTerm(table, column, PARTIAL))
                    vocab.adjectives.add(adjective)
        joined = " ".join(words)
        for synonym in COLUMN_SYNONYMS:
            if joined in {" ".join(stems(n)) for n in synonym.names}:
                for phrase in synonym.words:
                    vocab.add(stems(phrase), ColumnTerm(table, column, SYNONYM))
        if column.semantic_type:
            semantic = stems(split_identifier(column.semantic_type))
            if semantic and not set(semantic) & {"id", "identifier", "measure", "category"}:
                vocab.add(semantic, ColumnTerm(table, column, SEMANTIC))
        for word in set(stems(column.description or "")):
            if len(word) >= 4 and word not in STOPWORDS:
                described.setdefault(word, []).append(ColumnTerm(table, column, DESCRIPTION))
    return described


def _adjective(word: str) -> str | None:
    """The adjective made from a noun of a column's name: "region" -> "regional",
    "department" -> "departmental", "territory" -> "territorial"."""
    if len(word) < 4 or not word.isalpha():
        return None
    if word.endswith(("ion", "ment")):
        return word + "al"
    if word.endswith("ory"):
        return word[:-1] + "ial"
    return None


def _find_column(table: Table, names: Iterable[str], *, numeric: bool) -> Column | None:
    by_words = {
        " ".join(_name_words(c.name)): c
        for c in table.columns
        if not c.hidden and (not numeric or c.type in NUMERIC_TYPES)
    }
    for name in names:
        found = by_words.get(" ".join(stems(name)))
        if found is not None:
            return found
    return None


def _add_measures(vocab: Vocabulary, table: Table) -> None:
    joined = " ".join(_name_words(table.name))
    for synonym in MEASURE_SYNONYMS:
        if joined not in {" ".join(stems(n)) for n in synonym.tables}:
            continue
        column = None
        if synonym.columns:
            column = _find_column(table, synonym.columns, numeric=True)
            if column is None:
                continue
        time_column = None
        if synonym.time_columns:
            time_column = _find_column(table, synonym.time_columns, numeric=False)
            if time_column is None or time_column.type not in TEMPORAL_TYPES:
                continue
        term = MeasureTerm(table, synonym.agg, column, synonym.label, SYNONYM, time_column)
        vocab.measures.setdefault(id(table), []).append(term)
        for phrase in synonym.words:
            vocab.add(stems(phrase), term)
        # "sales money", "sales takings": the measure said with the rows it is of (as "sales
        # revenue" is), one phrase: not a breakdown by those rows and then the measure.
        own = tuple(_name_words(table.name))
        for phrase in synonym.words:
            said = tuple(stems(phrase))
            if len(said) == 1 and said[0] not in own and (*own, *said) not in vocab.phrases:
                vocab.add((*own, *said), term)


def _add_values(
    vocab: Vocabulary, source: Source, initials: dict[str, list[ValueTerm]] | None = None
) -> None:
    leads: dict[tuple[Table, Column, tuple[str, ...]], list[str]] = {}
    for (table_name, column_name), column_values in source.values.items():
        table = vocab.table_named(table_name, source=source.id)
        column = table.column(column_name) if table else None
        if table is None or column is None or column.hidden:
            continue
        kept: list[str] = []
        families: dict[str, list[tuple[int, str]]] = {}
        for value in column_values:
            if not isinstance(value, str):
                continue
            words = stems(value)
            # Numbers and filler words ("5", "N/A", "Yes") would hijack "top 5" and friends.
            if not words or len(words) > MAX_VALUE_WORDS:
                continue
            if all(w.replace(".", "").isdigit() or w in STOPWORDS for w in words):
                continue
            kept.append(value)
            vocab.add(words, ValueTerm(table, column, (value,), EXACT))
            for adjective in COUNTRY_ADJECTIVES.get(" ".join(fold(value).split()), ()):
                # "German staff", "British revenue": the country said as its adjective.
                vocab.add(stems(adjective), ValueTerm(table, column, (value,), DISPLAY))
            for said in PLACE_NAMES.get(" ".join(fold(value).split()), ()):
                # "the headcount in Londres", "staff in Alemania": a place as another language
                # names it.
                vocab.add(stems(said), ValueTerm(table, column, (value,), DISPLAY))
            for said in REGION_WORDS.get(" ".join(fold(value).split()), ()):
                # "our European offices", "Asia-Pacific headcount": a world region's code
                # said in words.
                vocab.add(stems(said), ValueTerm(table, column, (value,), DISPLAY))
            for short in itertools.product(*((w, SHORT_FORMS[w]) if w in SHORT_FORMS else (w,)
                                             for w in words)):
                if short != words:
                    # "sales development reps", "senior account execs", "sr account
                    # executives": the value with any of its words said short.
                    vocab.add(short, ValueTerm(table, column, (value,), EXACT))
            # Initials skip no word: "VP of Sales" has none, "Account Executive" has "ae".
            letters = [w[0] for w in words if w.isalpha() and (w not in STOPWORDS or len(w) > 4)]
            if initials is not None and len(letters) >= 3 and len(letters) == len(words):
                initials.setdefault("".join(letters), []).append(
                    ValueTerm(table, column, (value,), PARTIAL)
                )
            elif len(letters) == 2 == len(words):
                vocab.initials.setdefault("".join(letters), []).append(
                    ValueTerm(table, column, (value,), PARTIAL)
                )
            if len(words) > 1:
                # "VP", "HR": a short word in capitals is a word of its own ("our VPs").
                acronyms = {w.lower() for w in value.split() if w.isupper() and w.isalpha()}
                for position, word in enumerate(words):
                    long_enough = len(word) >= 3 or (len(word) == 2 and word in acronyms)
                    if long_enough and word.isalpha() and word not in STOPWORDS:
                        families.setdefault(word, []).append((position, value))
        for value in kept:
            words = stems(value)
            for size in range(2, len(words)):
                if words[size - 1] not in STOPWORDS:
                    leads.setdefault((table, column, tuple(words[:size])), []).append(value)
        # "laptop" -> every product with the word; "manager" -> every manager title. A word
        # deep inside a single value ("customer" in "VP of Customer Support") is too weak.
        for word, members in families.items():
            names = tuple(dict.fromkeys(value for _, value in members))
            if len(names) <= MAX_FAMILY and (len(names) > 1 or members[0][0] == 0) and (
                len(names) > 1 or (word not in _COMMON_LEADS and word not in vocab.adjectives)
            ):
                vocab.add((word,), ValueTerm(table, column, names, PARTIAL))
        vocab.values[(id(table), column.name.lower())] = tuple(kept)
    # "the 4k monitor", "Laptop Pro sales": a value named by its first words (two or more, not
    # all of them, ending on a word of its own) when no other value of the column starts with
    # them; never over a name the vocabulary has, nor when a word of them names something
    # else ("the Support team" is the Support department, not "Support Team Lead").
    for (table, column, lead), named in leads.items():
        if len(named) != 1 or lead in vocab.phrases or any(
            not isinstance(t, ValueTerm) or t.column is not column
            for w in lead for t in vocab.phrases.get((w,), ())
        ):
            continue
        vocab.add(lead, ValueTerm(table, column, (named[0],), PARTIAL))
    _people_of_values(vocab, source)


def _people_of_values(vocab: Vocabulary, source: Source) -> None:
    """ "engineers" are the Engineering department: a value that names a kind of work
    ("Engineering", "Marketing") is also said by the people who do it ("engineer" when titles
    already use that word; "marketer"). The titles stay reachable by their own words
    ("Staff Engineer", "senior engineers")."""
    for (table_name, column_name), column_values in source.values.items():
        table = vocab.table_named(table_name, source=source.id)
        column = table.column(column_name) if table else None
        if table is None or column is None or column.hidden:
            continue
        for value in column_values:
            words = stems(value) if isinstance(value, str) else ()
            if len(words) != 1 or not words[0].endswith("ing") or len(words[0]) < 8:
                continue
            root = words[0][:-3]
            term = ValueTerm(table, column, (value,), EXACT)
            titled = [t for t in vocab.phrases.get((root,), ())
                      if isinstance(t, ValueTerm) and t.table is table and t.column is not column]
            if titled:
                vocab.add((root,), term)
            if (root + "er",) not in vocab.phrases:
                vocab.add((root + "er",), term)


def _freeze(values: ColumnValues) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple(
        sorted((t.lower(), c.lower(), tuple(str(v) for v in vs)) for (t, c), vs in values.items())
    )


def build_vocabulary(catalog: Catalog, values: ColumnValues) -> Vocabulary:
    """The vocabulary of `catalog` and the low-cardinality `values` (see module docstring)."""
    return _build((Source("", "", catalog, values),))


def _distinct(sources: Sequence[Source]) -> tuple[Source, ...]:
    """`sources` with no table object shared between two of them (the same catalog passed
    twice): the vocabulary tells tables apart by identity."""
    seen: set[int] = set()
    out = []
    for source in sources:
        ids = {id(t) for t in source.catalog.tables}
        if ids & seen:
            source = Source(source.id, source.name, copy.deepcopy(source.catalog), source.values)
            ids = {id(t) for t in source.catalog.tables}
        seen |= ids
        out.append(source)
    return tuple(out)


def _build(sources: Sequence[Source]) -> Vocabulary:
    vocab = Vocabulary(_distinct(sources))
    described: dict[str, list[ColumnTerm]] = {}
    for table in vocab.tables:
        _add_table(vocab, table)
    for table in vocab.tables:
        for word, terms in _add_columns(vocab, table).items():
            described.setdefault(word, []).extend(terms)
        _add_measures(vocab, table)
    initials: dict[str, list[ValueTerm]] = {}
    for source in vocab.sources:
        _add_values(vocab, source, initials)
    # "SDRs" for "Sales Development Representative": the first letters of a value of three
    # words or more, when they name that one value and mean nothing else.
    for word, named in initials.items():
        if len(named) == 1 and (word,) not in vocab.phrases and word not in STOPWORDS:
            vocab.add((word,), named[0])
    # "ny", "uk": two letters name a value only when they stand for one value (in any
    # column: "New York" is a city and a location) and are not an everyday short word.
    vocab.initials = {
        word: named for word, named in vocab.initials.items()
        if len({t.value.casefold() for t in named}) == 1 and word not in STOPWORDS
        and word not in NOT_INITIALS and (word,) not in vocab.phrases
    }
    # Description words last, and only the unambiguous ones that mean nothing else.
    for word, terms in described.items():
        if len(terms) == 1 and (word,) not in vocab.phrases:
            vocab.add((word,), terms[0])
    return vocab


_CACHE: OrderedDict[tuple[object, ...], Vocabulary] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32


def vocabulary_for(catalog: Catalog, values: ColumnValues) -> Vocabulary:
    """`build_vocabulary`, memoized on the catalog's content and the values (thread-safe)."""
    return vocabulary_of((Source("", "", catalog, values),))


def vocabulary_of(sources: Sequence[Source]) -> Vocabulary:
    """The vocabulary of every table of `sources`, each tagged with its source; memoized on
    the sources' ids, names, catalogs and values (thread-safe)."""
    if not sources:
        raise ValueError("a vocabulary needs at least one source")
    key = tuple((s.id, s.name, s.catalog, _freeze(s.values)) for s in sources)
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    vocab = _build(sources)
    with _CACHE_LOCK:
        _CACHE[key] = vocab
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return vocab
