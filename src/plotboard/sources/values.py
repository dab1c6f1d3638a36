"""Generic column types and JSON-ready values for query results.

Result column types come from the driver's type codes where it has them (PostgreSQL OIDs,
MySQL field types, DuckDB type names: `DatabaseKind.result_type`); SQLite reports none, so
its columns are typed from the values actually returned.

Values are converted a column at a time: a column whose values are already what JSON takes
(text, booleans, 64-bit integers, finite floats: most columns) is checked with C-level passes
(`set(map(type, column))`, `min`, `max`, `sum`) and passed through as it is; only the other
columns go value by value. PostgreSQL's decimals arrive as floats from psycopg's C loader (see
`decimal_floats`) and MySQL's as numbers (see `numeric_from_text`), so the usual tile needs no
per-value Python at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import attrgetter, itemgetter, methodcaller
from typing import Any

from plotboard.catalog.model import ColumnType
from plotboard.sources import kinds

JsonValue = None | bool | int | float | str | list[Any] | dict[str, Any]

_INT_MIN, _INT_MAX = -(2**63), 2**64 - 1  # what JSON encoders (orjson) take as integers


def json_value(value: Any) -> JsonValue:
    """`value` as something `json.dumps` accepts without a custom encoder.

    Decimal -> int when integral, else float; date/datetime/time -> ISO 8601 string;
    timedelta -> seconds; bytes -> base64 string; UUID -> string; NaN/infinity -> None;
    integers beyond 64 bits -> float; containers recursively; anything else -> str().
    """
    kind = type(value)
    if value is None or kind is str or kind is bool:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return value if _INT_MIN <= value <= _INT_MAX else float(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= 0:
            return json_value(int(value))
        return float(value)
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bool):  # numpy.bool_ and friends are not `bool`, but some subclass it
        return bool(value)
    if isinstance(value, int):
        return json_value(int(value))
    if isinstance(value, float):
        return json_value(float(value))
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_value(v) for v in value]
    return str(value)


def numeric_from_text(text: str | bytes) -> int | float | None:
    """A decimal in its text form as `json_value` would give the `Decimal`, without making one:
    an int when it has no fractional digits, else a float; NaN and infinities -> None.

    For drivers that hand over the text (a psycopg loader, a PyMySQL converter): parsing it
    costs a fraction of building a Decimal and inspecting its exponent. PostgreSQL and MySQL
    write decimals as plain digits, never with an exponent.
    """
    if "." in text if isinstance(text, str) else b"." in text:
        number = float(text)
        return number if math.isfinite(number) else None
    try:
        whole = int(text)
    except ValueError:  # NaN, Infinity, -Infinity
        return None
    return whole if _INT_MIN <= whole <= _INT_MAX else float(whole)


_WHOLE = 2.0**53  # every whole float below this is exactly the integer it stands for
RawText = Callable[[int], Any]  # row number -> the value as the driver received it (bytes)


class ColumnConverter:
    """Converts a whole result column at once: `convert(values, text)`, where `text`, when
    not None, gives row i's value as the driver received it (PostgreSQL's text)."""

    def __init__(self, convert: Callable[[Sequence[Any], RawText | None], Sequence[JsonValue]]):
        self.convert = convert


def decimal_floats(values: Sequence[Any], text: RawText | None = None) -> Sequence[JsonValue]:
    """A decimal column the driver loaded as floats (PostgreSQL's `numeric` through psycopg's C
    float loader, which parses the text as `float()` does, without the cost of a `Decimal`),
    as JSON numbers: a column of whole numbers as ints, any other as the floats (the same
    sequence back), NaN and infinities as None.

    A whole number of 2**53 or more may not be exact as a float: then the column is read again
    from its text (`text(i)`), each value as `numeric_from_text` makes it (an int up to 64
    bits). Any value that is not a float (a binary-format Decimal) goes through `json_value`.
    """
    present = list(filter(None, values))  # without NULL (and zeros, whole either way)
    if present and type(present[0]) is not float:
        return list(map(json_value, values))
    if not all(map(float.is_integer, present)):  # stops at the first fraction; NaN, inf too
        if math.isfinite(sum(present)):
            return values
        return [v if v is None or math.isfinite(v) else None for v in values]
    if present and max(map(abs, present)) >= _WHOLE:
        if text is not None:
            return [None if v is None else numeric_from_text(bytes(text(i)))
                    for i, v in enumerate(values)]  # fmt: skip
        return [None if v is None else int(v) if abs(v) < _WHOLE else v for v in values]
    if None in values:
        return [None if v is None else int(v) for v in values]
    return list(map(int, values))


def scaled_decimals(scale: int) -> ColumnConverter:
    """A converter for a column of `Decimal`s of one scale (DuckDB's `DECIMAL(p, s)`, whose
    values all carry exponent `-s`), as `json_value` converts each: floats when `s > 0`,
    ints (or floats past 64 bits) when `s == 0`; without a `Decimal` method call per value."""

    def convert(values: Sequence[Any], _text: RawText | None = None) -> Sequence[JsonValue]:
        if not set(map(type, values)) <= {Decimal, _NONE}:  # (a DECIMAL is never NaN)
            return list(map(json_value, values))
        make = float if scale > 0 else int
        if None in values:
            out: list[Any] = [None if v is None else make(v) for v in values]
        else:
            out = list(map(make, values))
        if scale == 0:
            present = [v for v in out if v is not None]
            if present and (min(present) < _INT_MIN or max(present) > _INT_MAX):
                return list(map(json_value, out))
        return out

    return ColumnConverter(convert)


def bit_to_int(value: Any) -> JsonValue:
    """MySQL BIT(n) arrives as bytes; a number is what a chart wants."""
    if isinstance(value, (bytes, bytearray)):
        return int.from_bytes(value, "big")
    return json_value(value)


_INT_NAME = re.compile(r"^u?(tiny|small|medium|big|huge)?int(eger)?\d*$|^(big|small)?serial\d*$")
_NUMBER_NAME = re.compile(
    r"^(numeric|decimal|dec|real|double|float\d*|(small)?money|number|bignumeric)$"
)
_INT_WORDS = frozenset({"oid", "year", "long", "longlong", "short", "tiny"})


def type_from_name(name: str) -> ColumnType | None:
    """The generic type for a native type name (`int4`, `DECIMAL(10,2)`, `TIMESTAMP WITH TIME
    ZONE`, `ubigint`, ...), or None for an empty name."""
    n = name.lower().strip()
    if not n:
        return None
    if "[" in n or n.startswith(("struct", "map", "array", "list", "union")):
        return "other"
    base = re.split(r"[\s(]", n, maxsplit=1)[0]
    if base.startswith("bool"):
        return "boolean"
    if "timestamp" in base or "datetime" in base:
        return "datetime"
    if base.startswith("date") or base == "newdate":
        return "date"
    if base.startswith("time") or "interval" in base:
        return "other"
    if _INT_NAME.match(base) or base in _INT_WORDS:
        return "integer"
    if _NUMBER_NAME.match(base):
        return "number"
    if base in ("uuid", "name", "enum", "citext", "bpchar", "string") or any(
        w in base for w in ("char", "text", "clob")
    ):
        return "string"
    return "other"


def _value_type(kind: type) -> ColumnType:
    if issubclass(kind, bool):
        return "boolean"
    if issubclass(kind, int):
        return "integer"
    if issubclass(kind, (float, Decimal)):
        return "number"
    if issubclass(kind, dt.datetime):
        return "datetime"
    if issubclass(kind, dt.date):
        return "date"
    if issubclass(kind, (str, uuid.UUID)):
        return "string"
    return "other"


def _infer(rows: Sequence[Sequence[Any]], index: int) -> ColumnType | None:
    seen: ColumnType | None = None
    for value_type in set(map(type, map(itemgetter(index), rows))) - {type(None)}:
        kind = _value_type(value_type)
        if seen is None or seen == kind:
            seen = kind
        elif {seen, kind} == {"integer", "number"}:
            seen = "number"  # SQLite: 3 and 3.5 in one column
        else:
            return "other"
    return seen


def _dbapi_type(dbapi: Any, type_code: Any) -> ColumnType:
    # PEP 249 type objects compare equal to the type codes they cover.
    for attr, kind in (("NUMBER", "number"), ("DATETIME", "datetime"), ("STRING", "string")):
        type_object = getattr(dbapi, attr, None)
        try:
            if type_object is not None and type_code is not None and type_code == type_object:
                return kind  # type: ignore[return-value]
        except Exception:
            continue
    return "other"


Converter = Callable[[Any], JsonValue]
RawTexts = Callable[[int, int], Any]  # (row, column) -> the value as the driver received it


def describe_columns(
    dialect: str, dbapi: Any, description: Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]]
) -> tuple[list[tuple[str, ColumnType]], list[Converter | ColumnConverter]]:
    """Column (name, generic type) pairs and a converter per column (of each value, or of the
    whole column). `dialect` is the SQLAlchemy backend name (`engine.dialect.name`)."""
    database = kinds.for_backend(dialect)
    columns: list[tuple[str, ColumnType]] = []
    converters: list[Converter | ColumnConverter] = []
    for index, entry in enumerate(description):
        name, type_code = str(entry[0]), entry[1]
        kind = database.result_type(type_code) if type_code is not None else None
        if kind is None:
            kind = _infer(rows, index) or _dbapi_type(dbapi, type_code)
        converter = database.result_converter(type_code) or json_value
        columns.append((name, kind))
        converters.append(converter)
    return columns, converters


_NONE = type(None)
_AS_IS = frozenset({str, bool, _NONE})
_ISO = methodcaller("isoformat")


_TZINFO = attrgetter("tzinfo")


def json_column(values: Sequence[Any], *, for_orjson: bool = False) -> Sequence[JsonValue]:
    """`[json_value(v) for v in values]`, with C-level passes for the common columns: the same
    sequence back when every value is already JSON-ready.

    `for_orjson`: the values go straight to `orjson.dumps`, which writes a date and a naive
    datetime as the very text `isoformat()` gives, so such a column comes back as it is too.
    (Not an aware datetime: orjson writes an offset in whole minutes, `isoformat()` keeps a
    historic zone's seconds. Not a time: orjson refuses one with a zone.)
    """
    kinds = set(map(type, values))
    if kinds <= _AS_IS:
        return values
    if (
        for_orjson
        and (kinds <= {dt.date, _NONE} or kinds <= {dt.datetime, _NONE})
        and (dt.date in kinds or set(map(_TZINFO, filter(None, values))) <= {None})
    ):
        return values
    if kinds <= {int, _NONE}:
        present = [v for v in values if v is not None] if _NONE in kinds else values
        if min(present) >= _INT_MIN and max(present) <= _INT_MAX:
            return values
    elif kinds <= {float, _NONE}:
        # A sum is finite only when every term is (NaN and infinities propagate); an overflow
        # of large finite values only sends the column the slow way.
        if math.isfinite(sum(filter(None, values))):
            return values
    elif kinds <= {int, float, _NONE}:
        # SQLite: 3 and 3.5 in one column (a sum over NUMERIC values). Floats finite (the sum)
        # and every value within 64-bit integers (a float that is not also goes the slow way).
        present = [v for v in values if v is not None] if _NONE in kinds else values
        if math.isfinite(sum(present)) and min(present) >= _INT_MIN and max(present) <= _INT_MAX:
            return values
    elif len(kinds - {_NONE}) == 1 and next(iter(kinds - {_NONE})) in (
        dt.date,
        dt.datetime,
        dt.time,
    ):
        if _NONE in kinds:
            return [None if v is None else v.isoformat() for v in values]
        return list(map(_ISO, values))
    return list(map(json_value, values))


def value_types(dialect: str, description: Sequence[Sequence[Any]]) -> list[type | None]:
    """Per result column, the one Python type (besides None) the driver gives for its type code
    when the database kind knows it (`DatabaseKind.result_value_type`), else None."""
    database = kinds.for_backend(dialect)
    return [
        database.result_value_type(entry[1]) if entry[1] is not None else None
        for entry in description
    ]


_READY = frozenset({str, bool, int})  # a known type whose column needs no look (see below)
_READY_FOR_ORJSON = _READY | {float, dt.date, dt.datetime}


def convert_rows(
    rows: list[Sequence[Any]],
    converters: Sequence[Converter | ColumnConverter],
    *,
    for_orjson: bool = False,
    texts: RawTexts | None = None,
    types: Sequence[type | None] | None = None,
) -> list[Sequence[JsonValue]]:
    """Rows as lists of JSON-ready values, converted a column at a time.

    `for_orjson`: the rows go straight to `orjson.dumps` (see `json_column`), which writes
    tuples as arrays too: when no column needed a change, `rows` themselves come back (the
    driver's tuples, not copied; a large answer's rows are not built twice).
    `texts(row, column)`: the values as the driver received them, for column converters.
    `types`: per column, the one type of its values when the driver's type code tells it (see
    `value_types`): a column of text, booleans or 64-bit integers is then not looked at at
    all, and for orjson neither is one of floats (orjson writes NaN and infinities as null, as
    `json_value` makes them), dates or naive datetimes.
    """
    if not rows or not converters:
        return [[] for _ in rows]
    ready = _READY_FOR_ORJSON if for_orjson else _READY
    known = types or [None] * len(converters)
    columns: list[Sequence[Any] | None] = []
    changed = False
    for index, (convert, kind) in enumerate(zip(converters, known, strict=True)):
        if convert is json_value and kind in ready:
            columns.append(None)  # as the driver gave it
            continue
        column = list(map(itemgetter(index), rows))
        new = _convert_column(convert, column, index, for_orjson, texts)
        changed = changed or new is not column
        columns.append(new)
    if for_orjson and not changed:
        return rows
    if not changed and all(column is None for column in columns):
        return list(map(list, rows))
    full = [
        list(map(itemgetter(index), rows)) if column is None else column
        for index, column in enumerate(columns)
    ]
    if for_orjson:  # orjson writes tuples as arrays: zip's own tuples, not copied to lists
        return list(zip(*full, strict=True))
    return list(map(list, zip(*full, strict=True)))


def _convert_column(
    convert: Converter | ColumnConverter,
    column: Sequence[Any],
    index: int,
    for_orjson: bool,
    texts: RawTexts | None,
) -> Sequence[JsonValue]:
    if convert is json_value:
        return json_column(column, for_orjson=for_orjson)
    if isinstance(convert, ColumnConverter):
        text = None if texts is None else (lambda row: texts(row, index))
        return convert.convert(column, text)
    return list(map(convert, column))
