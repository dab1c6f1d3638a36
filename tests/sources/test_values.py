"""JSON-ready values, result column typing and the watchdog (no servers)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal

import orjson
import pytest

from plotboard.sources.values import (
    convert_rows,
    decimal_floats,
    describe_columns,
    json_column,
    json_value,
    scaled_decimals,
    type_from_name,
)
from plotboard.sources.watchdog import Watchdog


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (False, False),
        (7, 7),
        (2**70, float(2**70)),
        (1.5, 1.5),
        (float("nan"), None),
        (float("inf"), None),
        ("x", "x"),
        (Decimal("10"), 10),
        (Decimal("1E+3"), 1000),
        (Decimal("10.00"), 10.0),
        (Decimal("5200.50"), 5200.5),
        (Decimal("NaN"), None),
        (dt.date(2024, 2, 29), "2024-02-29"),
        (dt.datetime(2024, 2, 29, 13, 5, 1), "2024-02-29T13:05:01"),
        (
            dt.datetime(2024, 2, 29, 13, 5, 1, tzinfo=dt.timezone(dt.timedelta(hours=9))),
            "2024-02-29T13:05:01+09:00",
        ),
        (dt.time(8, 30), "08:30:00"),
        (dt.timedelta(days=1, seconds=30), 86430.0),
        (b"\x00\xff", "AP8="),
        (memoryview(b"hi"), "aGk="),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        ({"a": Decimal("1.5"), 2: [dt.date(2024, 1, 1)]}, {"a": 1.5, "2": ["2024-01-01"]}),
        ((1, "a"), [1, "a"]),
    ],
)
def test_json_value(value: object, expected: object) -> None:
    converted = json_value(value)
    assert converted == expected
    assert type(converted) is type(expected)
    json.dumps(converted, allow_nan=False)


def test_bool_stays_bool_and_is_not_an_int() -> None:
    assert json_value(True) is True
    assert type(json_value(1)) is int


def test_sqlite_columns_are_typed_from_values() -> None:
    rows = [(1, 2.5, "a", None, 1), (2, 3, "b", None, 2.5), (None, None, None, None, "x")]
    columns, _ = describe_columns("sqlite", None, [(n, None) for n in "abcde"], rows)
    assert columns == [
        ("a", "integer"),
        ("b", "number"),  # 2.5 and 3 in one column
        ("c", "string"),
        ("d", "other"),  # only NULLs: nothing to go by
        ("e", "other"),  # mixed numbers and text
    ]


def test_mysql_bit_becomes_a_number() -> None:
    columns, converters = describe_columns("mysql", None, [("flag", 16)], [(b"\x01",)])
    assert columns == [("flag", "integer")]
    assert converters[0](b"\x01") == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("int4", "integer"),
        ("UBIGINT", "integer"),
        ("DECIMAL(18,3)", "number"),
        ("double precision", "number"),
        ("TIMESTAMP WITH TIME ZONE", "datetime"),
        ("DATE", "date"),
        ("TIME", "other"),
        ("INTERVAL", "other"),
        ("point", "other"),
        ("VARCHAR", "string"),
        ("INTEGER[]", "other"),
        ("STRUCT(k DATE)", "other"),
        ("BOOLEAN", "boolean"),
        ("", None),
    ],
)
def test_type_from_name(name: str, expected: str | None) -> None:
    assert type_from_name(name) == expected


def test_watchdog_fires_on_time() -> None:
    watchdog = Watchdog()
    fired = threading.Event()
    started = time.monotonic()
    alarm = watchdog.arm(0.1, fired.set)
    assert fired.wait(2)
    assert 0.09 < time.monotonic() - started < 1
    assert alarm.disarm() is True  # it had fired


def test_watchdog_disarmed_alarm_never_fires() -> None:
    watchdog = Watchdog()
    calls: list[int] = []
    alarm = watchdog.arm(0.05, lambda: calls.append(1))
    assert alarm.disarm() is False
    later = watchdog.arm(0.1, lambda: calls.append(2))
    time.sleep(0.3)
    assert calls == [2]
    assert later.fired


def test_watchdog_keeps_order_and_survives_failing_callbacks() -> None:
    watchdog = Watchdog()
    calls: list[str] = []
    done = threading.Event()

    def boom() -> None:
        raise RuntimeError("cancel failed")

    watchdog.arm(0.15, lambda: (calls.append("late"), done.set()))
    watchdog.arm(0.05, boom)
    watchdog.arm(0.1, lambda: calls.append("early"))
    assert done.wait(2)
    assert calls == ["early", "late"]


def test_watchdog_is_woken_only_by_an_alarm_earlier_than_all_others() -> None:
    # Every query arms an alarm with the same time limit; waking the watchdog's thread for
    # each (a thread switch) cost about 0.3 ms per query on two cores. Only a new earliest
    # deadline changes when it must wake.
    watchdog = Watchdog()
    wakes: list[float] = []
    notify = watchdog._cv.notify

    def counted(n: int = 1) -> None:
        wakes.append(time.monotonic())
        notify(n)

    watchdog._cv.notify = counted  # type: ignore[method-assign]
    calls: list[str] = []
    first = watchdog.arm(30, lambda: calls.append("first"))
    for _ in range(50):  # later deadlines: the thread keeps sleeping until the first one
        watchdog.arm(30, lambda: calls.append("later")).disarm()
    assert len(wakes) == 1
    done = threading.Event()
    watchdog.arm(0.05, lambda: (calls.append("soon"), done.set()))
    assert len(wakes) == 2 and done.wait(2)
    assert calls == ["soon"]
    first.disarm()


# -- rows for orjson ------------------------------------------------------------------------------

_ZONES = [None, dt.UTC, dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
          dt.timezone(dt.timedelta(seconds=3661))]  # fmt: skip
_COLUMNS: list[list[object]] = [
    [1, None, 2**63 - 1, -(2**63)],
    [1.5, None, float("nan"), float("inf")],
    ["a", None, "é", ""],
    [True, False, None, True],
    [dt.date(2024, 1, 31), None, dt.date(1, 1, 1), dt.date(9999, 12, 31)],
    [dt.datetime(2024, 1, 2, 3, 4, 5, 6), None, dt.datetime.min, dt.datetime.max],
    *[[dt.datetime(1900, 5, 6, 7, 8, 9, 10, tzinfo=z), None, dt.datetime(2024, 1, 1, tzinfo=z),
       dt.datetime(2024, 6, 1, tzinfo=z)] for z in _ZONES],
    [dt.time(1, 2, 3), None, dt.time(23, 59, 59, 999999, tzinfo=dt.UTC), dt.time()],
    [Decimal("1.50"), None, Decimal("NaN"), Decimal("12")],
    [2**70, None, 1, 2],
    [b"\x00\xff", None, b"", b"x"],
    [uuid.UUID(int=5), None, uuid.UUID(int=0), uuid.UUID(int=1)],
    [dt.timedelta(hours=1), None, dt.timedelta(), dt.timedelta(days=-1)],
]  # fmt: skip


@pytest.mark.parametrize("column", _COLUMNS, ids=lambda c: type(c[0]).__name__)
def test_rows_for_orjson_encode_as_the_converted_rows(column: list[object]) -> None:
    # The answer's rows skip the conversion orjson does itself (dates, naive datetimes,
    # tuples); what reaches the browser must be byte for byte what converted rows give.
    rows: list[Sequence[object]] = [(i, value) for i, value in enumerate(column)]
    converters = [json_value, json_value]
    kept = convert_rows(rows, converters, for_orjson=True)
    plain = convert_rows(rows, converters)
    assert orjson.dumps(kept) == orjson.dumps(plain)
    assert json.loads(orjson.dumps(kept)) == json.loads(json.dumps(plain))
    # A column whose type the driver's type code tells (PostgreSQL's) is not looked at when
    # that type is JSON-ready (ints within 64 bits, naive datetimes): the bytes must still be
    # the converted rows'.
    kind = type(column[0])
    ready = kind in (float, str, bool, dt.date) or (
        kind is dt.datetime and column[0].tzinfo is None  # type: ignore[attr-defined]
    )
    if ready or (kind is int and column[0] < 2**63):
        typed = convert_rows(rows, converters, for_orjson=True, types=[int, kind])
        assert orjson.dumps(typed) == orjson.dumps(plain)
        assert convert_rows(rows, converters, types=[int, kind]) == plain


@pytest.mark.parametrize(
    "column",
    [
        [1, 2.5, None, 3],  # SQLite: a sum over NUMERIC values, ints and floats mixed
        [2**64, 1.5],  # past 64 bits: a float
        [-(2**63) - 1, 0.5],
        [1, float("inf"), None],
        [float("nan"), 2],
        [1e30, 2],
        [None, None, 7],
    ],
)
def test_mixed_int_and_float_columns_convert_as_each_value(column: list[object]) -> None:
    got = json_column(column)
    assert got == [json_value(v) for v in column]
    assert [type(v) for v in got] == [type(json_value(v)) for v in column]


@pytest.mark.parametrize("scale", [0, 2, 5])
def test_scaled_decimals_convert_as_each_value(scale: int) -> None:
    exponent = Decimal(1).scaleb(-scale)
    column = [Decimal(v).quantize(exponent) for v in ("3", "-7.25", "0", "1.5")]
    column.insert(2, None)  # type: ignore[arg-type]
    huge = Decimal(2**70)
    convert = scaled_decimals(scale).convert
    for values in (column, [v for v in column if v is not None], [huge] if scale == 0 else []):
        got = convert(values, None)
        assert list(got) == [json_value(v) for v in values]
        assert [type(v) for v in got] == [type(json_value(v)) for v in values]
    assert convert(["x", None], None) == ["x", None]  # not decimals: value by value


def test_decimal_floats_whole_columns_become_ints() -> None:
    assert decimal_floats([10.0, None, 0.0, -3.0]) == [10, None, 0, -3]
    assert [type(v) for v in decimal_floats((2.0, 4.0))] == [int, int]
    fractions = (1.5, None, 2.0)
    assert decimal_floats(fractions) is fractions  # nothing to change: the same sequence back
    assert decimal_floats([1.5, float("nan"), None, float("-inf")]) == [1.5, None, None, None]
    assert decimal_floats([2.0, float("inf")]) == [2.0, None]
    assert decimal_floats([None, None]) == [None, None]
    # Too large for a float to be exact: read again from the text when the driver has it.
    big = [float(2**53 + 1), 1.0, None]
    texts = [b"9007199254740993", b"1", None]
    assert decimal_floats(big, texts.__getitem__) == [2**53 + 1, 1, None]
    assert decimal_floats(big) == [float(2**53), 1, None]
    # A driver that made Decimals (binary format) after all: converted value by value.
    assert decimal_floats([Decimal("1.50"), Decimal("2")]) == [1.5, 2]


def test_rows_for_orjson_are_not_copied_when_nothing_changes() -> None:
    rows: list[Sequence[object]] = [(1, "a", dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, 9))]
    assert convert_rows(rows, [json_value] * 4, for_orjson=True) is rows
    aware = [(1, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))]
    # A changed column: new rows, as tuples (orjson writes them as arrays; not copied to lists).
    assert convert_rows(aware, [json_value] * 2, for_orjson=True) == [
        (1, "2024-01-01T00:00:00+00:00")
    ]
    assert convert_rows(rows, [json_value] * 4) == [[1, "a", "2024-01-01", "2024-01-01T09:00:00"]]
