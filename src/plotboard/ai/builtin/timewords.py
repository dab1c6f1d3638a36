"""Time in questions: date ranges ("in 2024", "last 6 months") and grains ("by month").

Everything relative is computed from a `today` the caller passes, so answers are
deterministic in tests. The meanings, documented for users:

* "in 2024", "in March 2024", "in Q3 2024", a bare "2024": that calendar period;
  a month or quarter without a year is the latest one that has started by today.
* "this year / quarter / month / week": the calendar period containing today (whole).
* "last year / quarter / month / week" (also "previous"): the calendar period before it.
* "last 6 months", "past 30 days", "previous 2 years": a rolling window that ends today
  (today included): the last 6 months from 2025-07-15 are 2025-01-16 .. 2025-07-15.
* "since 2023", "from 2023 on(wards)": from 2023-01-01 on; "from 2023" alone ("orders from
  2025-11-19"): that period; "after 2023": from 2024-01-01; "before 2024": up to
  2023-12-31; "until 2024": up to 2024-12-31; "between 2023 and 2024": 2023-01-01 .. 2024-12-31.
* "the last 3 months of data", "the latest quarter of data": counted back from the latest
  date in the data (the query finds it: a relative filter anchored to "latest"), its own
  month or quarter included.
* "year to date" / "ytd": 1 January .. today; "today", "yesterday".
* "full", "complete", "whole", "calendar" before a unit change nothing ("the prior full
  calendar quarter" is last quarter), but "the last 3 full months" are the 3 whole months
  before this one, not a window ending today.
* "since Tuesday": from the latest Tuesday (today, on a Tuesday) up to today.
* "the first 6 months of 2025", "the last two quarters of 2023": that part of the period.
* "all time": no date range (a follow-up uses it to drop one).

Weeks start on Monday (ISO 8601), as in the query engine's week grain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from plotboard.query.spec import Grain

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            "january jan", "february feb", "march mar", "april apr", "may", "june jun",
            "july jul", "august aug", "september sep sept", "october oct", "november nov",
            "december dec",
        )
    )
    for name in names.split()
}
_QUARTERS = {"q1": 1, "q2": 2, "q3": 3, "q4": 4}
_HALVES = {"h1": 1, "h2": 2}
#: "the back half of 2024", "the latter half", "the front half of the year": which half.
_HALF_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "front": 1, "back": 2,
                  "latter": 2, "later": 2}
#: Of those, the ones said only after "the" ("bring back half of it" is no period).
_LOOSE_HALVES = frozenset({"front", "back", "latter", "later"})
_LATER = frozenset({("or", "later"), ("and", "later"), ("or", "after"), ("and", "after"),
                    ("or", "since")})
_SO_FAR = (("so", "far"), ("to", "date"), ("up", "to", "now"), ("up", "to", "today"),
           ("until", "now"), ("until", "today"), ("till", "now"), ("thus", "far"),
           ("till", "date"), ("until", "date"), ("till", "today"), ("through", "today"),
           ("up", "till", "now"), ("up", "till", "today"), ("up", "until", "now"),
           ("up", "until", "today"))
_UP_TO_NOW = frozenset({"now", "today", "date"})
_EARLIER = frozenset({("or", "earlier"), ("and", "earlier"), ("or", "before"),
                      ("and", "before"), ("or", "sooner")})
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "last": 4}
_UNITS: dict[str, Grain] = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "quarter": "quarter", "quarters": "quarter", "year": "year",
    "years": "year",
}
#: The words of calendar units ("day", "weeks", ...).
UNITS = frozenset(_UNITS)
_ADVERBS: dict[str, Grain] = {
    "daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
    "yearly": "year", "annually": "year",
}
_AUTO_GRAIN = (
    ("over", "time"), ("through", "time"), ("across", "time"), ("time", "series"),
    ("over", "the", "year"), ("over", "the", "years"), ("trend",), ("trends",),
    ("trending",), ("evolution",), ("timeline",), ("history",), ("historically",),
    ("evolve",), ("evolved",),
)
_BY_WORDS = frozenset({"by", "per", "each", "every", "a", "an"})
_RANGE_CUES = frozenset({"in", "during", "for", "of", "within", "from", "at", "dated"})
_RELATIVE_LAST = frozenset({"last", "past", "previous", "prior", "preceding", "trailing"})
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "eighteen": 18, "twenty": 20, "thirty": 30, "ninety": 90}


@dataclass(frozen=True)
class DateRange:
    """Dates from `start` to `end`, both inclusive; None leaves that side open."""

    start: dt.date | None
    end: dt.date | None
    label: str
    # "from 2023 to 2024", "between Q1 and Q2": the two named periods, for comparisons
    # ("how did hiring change from 2023 to 2024" compares them rather than adding them up).
    parts: tuple[tuple[dt.date, dt.date, str], tuple[dt.date, dt.date, str]] | None = None
    # "the last 3 months of data": that many periods counted back from the latest date in the
    # data (unknown here: the query finds it), as (how many, unit); start and end are None.
    latest: tuple[int, Grain] | None = None
    # "this year": the current period, which has only run up to this day so far (a running
    # total through it stops there).
    now: dt.date | None = None


@dataclass(frozen=True)
class GrainWord:
    """A time breakdown. `grain` None means "over time": the engine picks one.

    `by` is True for "by month" / "per quarter" (a breakdown word, like "by"), False for
    "monthly" (an adjective that also works before the measure).
    """

    grain: Grain | None
    by: bool


TimeWord = DateRange | GrainWord


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's last day (Jan 31 + 1 -> Feb 28)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


_BEFORE_MONTH = frozenset({"in", "during", "since", "through", "until", "till", "from", "to",
                           "vs", "versus", "with", "between", "for", "of", "and", "against",
                           "than", "throughout"})


def _may_is_month(words: Sequence[str], i: int) -> bool:
    """ "May 2025", "in May", "May this year": the month, not "may I see ..."."""
    after = tuple(words[i + 1 : i + 3])
    if after[:1] and _year(after[0]) is not None:
        return True
    if after in (("this", "year"), ("last", "year"), ("next", "year")):
        return True
    return i > 0 and words[i - 1] in _BEFORE_MONTH


def period_of(day: dt.date, grain: Grain) -> tuple[dt.date, dt.date]:
    """The calendar period of `grain` containing `day`, as (first day, last day)."""
    if grain == "day":
        return day, day
    if grain == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if grain == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    size = 3 if grain == "quarter" else 1
    start = dt.date(day.year, (day.month - 1) // size * size + 1, 1)
    return start, add_months(start, size) - dt.timedelta(days=1)


def _year(word: str) -> int | None:
    if len(word) == 4 and word.isdigit() and 1900 <= int(word) <= 2100:
        return int(word)
    if len(word) == 6 and word.startswith("fy") and word[2:].isdigit():
        return int(word[2:])
    return None


def _short_year(word: str) -> int | None:
    """A two-digit year after a quarter or a half ("Q2 25", "H1 24"): 2000 onwards."""
    return 2000 + int(word) if len(word) == 2 and word.isdigit() else None


_START_OF = (("the", "start", "of"), ("the", "beginning", "of"), ("start", "of"),
             ("beginning", "of"), ("the", "first", "day", "of"))
_NOW_PERIODS = {("the",): 0, ("this",): 0, ("the", "current"): 0, ("last",): 1,
                ("the", "last"): 1, ("the", "previous"): 1, ("previous",): 1}


def _start_of(words: Sequence[str], i: int, today: dt.date) -> tuple[int, dt.date, dt.date] | None:
    """ "the start of the year", "the beginning of last month", "the start of 2024": the
    first day of that period."""
    for lead in _START_OF:
        j = i + len(lead)
        if tuple(words[i:j]) != lead or j >= len(words):
            continue
        for which, back in _NOW_PERIODS.items():
            k = j + len(which)
            unit = words[k] if k < len(words) else ""
            if tuple(words[j:k]) == which and unit in _UNITS and not unit.endswith("s"):
                start, _ = period_of(today, _UNITS[unit])
                if back:
                    start, _ = period_of(start - dt.timedelta(days=1), _UNITS[unit])
                return k + 1 - i, start, start
        inner = _period(words, j, today)
        if inner is not None:
            return j + inner[0] - i, inner[1], inner[1]
    return None


def _period(words: Sequence[str], i: int, today: dt.date) -> tuple[int, dt.date, dt.date] | None:
    """A named calendar period at `words[i]`: "2024", "march 2024", "q3 2024", "2024 q3"."""
    n = len(words)
    word = words[i]
    if word in ("the", "start", "beginning"):
        found = _start_of(words, i, today)
        if found is not None or word != "the" or i + 1 >= n:
            return found
        dated = _dated(words, i + 1, today)  # "since the first of March"
        return None if dated is None else (dated[0] + 1, dated[1], dated[2])
    year = _year(word)
    if year is not None:
        parts = words[i + 1 : i + 3]
        if len(parts) == 2 and all(p.isdigit() and len(p) <= 2 for p in parts):
            try:  # "2025-12-31" (tokenized as 2025 12 31): that day
                day = dt.date(year, int(parts[0]), int(parts[1]))
                return 3, day, day
            except ValueError:
                pass
        if i + 1 < n and words[i + 1] in _QUARTERS:
            q = _QUARTERS[words[i + 1]]
            start, end = period_of(dt.date(year, q * 3 - 2, 1), "quarter")
            return 2, start, end
        return 1, dt.date(year, 1, 1), dt.date(year, 12, 31)
    if word in _HALF_ORDINALS and i + 1 < n and words[i + 1] == "half" and (
        word not in _LOOSE_HALVES or (i > 0 and words[i - 1] in ("the", "this", "that"))
    ):
        # "the first half of 2025", "second half of last year", "first half of this year"
        part, j = _HALF_ORDINALS[word], i + 2
        j += 1 if j < n and words[j] == "of" else 0
        named = _year(words[j]) if j < n else None
        if named is not None:
            j += 1
        elif tuple(words[j : j + 2]) in (("this", "year"), ("last", "year")):
            named = today.year - (words[j] == "last")
            j += 2
        else:
            named = today.year if dt.date(today.year, part * 6 - 5, 1) <= today else today.year - 1
        start = dt.date(named, part * 6 - 5, 1)
        return j - i, start, add_months(start, 6) - dt.timedelta(days=1)
    if word in ("first", "last") and i + 3 < n and words[i + 2] == "of" and (
        words[i + 1] in ("week", "day", "month")
    ):
        # "the first week of January 2025", "the last month of 2024": that part of the period.
        inner = _period(words, i + 3, today)
        if inner is not None:
            size, start, end = inner
            span = {"day": 0, "week": 6}.get(words[i + 1])
            if span is None:  # a month
                piece = (start, add_months(start, 1) - dt.timedelta(days=1)) if word == "first" \
                    else (dt.date(end.year, end.month, 1), end)
            elif word == "first":
                piece = (start, min(end, start + dt.timedelta(days=span)))
            else:
                piece = (max(start, end - dt.timedelta(days=span)), end)
            return 3 + size, piece[0], piece[1]
    half = _HALVES.get(word)
    if half is not None:
        # "H1 2025": January-June; without a year, the latest half that has started.
        named = (_year(words[i + 1]) or _short_year(words[i + 1])) if i + 1 < n else None
        has_year = named is not None
        year = named if named is not None else today.year
        if not has_year and dt.date(year, half * 6 - 5, 1) > today:
            year -= 1
        start = dt.date(year, half * 6 - 5, 1)
        return 1 + has_year, start, add_months(start, 6) - dt.timedelta(days=1)
    named_day = _dated(words, i, today)
    if named_day is not None:
        return named_day
    quarter = _QUARTERS.get(word)
    size, month = 1, 0
    of = tuple(words[i + 2 : i + 3]) == ("of",)
    if quarter is None and word in _ORDINALS and i + 1 < n and words[i + 1] == "quarter" and (
        word != "last" or of
    ):
        # "the third quarter (of 2024)"; "last quarter" is the one before this one, and only
        # "the last quarter of 2024" its fourth.
        quarter, size = _ORDINALS[word], 2
        if i + 2 < n and words[i + 2] == "of":
            size = 3
    if quarter is not None:
        month, grain = quarter * 3 - 2, "quarter"
    elif word in MONTHS and not (word == "may" and not _may_is_month(words, i)):
        month, grain = MONTHS[word], "month"
    else:
        return None
    short = _short_year(words[i + size]) if grain == "quarter" and i + size < n else None
    # "January this year", "Q4 last year", "Q3 of last year": that part of the year named.
    named = i + size + (tuple(words[i + size : i + size + 1]) == ("of",))
    if tuple(words[named : named + 2]) in _THIS_OR_LAST_YEAR:
        year = today.year - (words[named] == "last")
        start, end = period_of(dt.date(year, month, 1),
                               "quarter" if grain == "quarter" else "month")
        return named + 2 - i, start, end
    if i + size < n and _year(words[i + size]) is not None:
        year = int(words[i + size])
        size += 1
    elif i + size + 1 < n and words[i + size] in ("of", "in", ",") and (
        (said_year := _year(words[i + size + 1])) is not None
    ):
        # "March of 2024", "November in 2022", "March, 2024": that month (or quarter) of that
        # year; the month was dropped and the whole year answered.
        year, size = said_year, size + 2
    elif short is not None:
        year, size = short, size + 1  # "Q2 25 vs Q2 24"
    elif (said := _year_said(words, i + size)) is not None:
        back, more = said  # "Q4 of the previous year", "March of the current year"
        year, size = today.year - back, size + more
    else:
        year = today.year if dt.date(today.year, month, 1) <= today else today.year - 1
    start, end = period_of(dt.date(year, month, 1), "quarter" if grain == "quarter" else "month")
    return size, start, end


_THIS_OR_LAST_YEAR = (("this", "year"), ("last", "year"))
_YEARS_SAID: dict[tuple[str, ...], int] = {
    ("this", "year"): 0, ("current", "year"): 0, ("last", "year"): 1, ("previous", "year"): 1,
    ("prior", "year"): 1,
}


def _year_said(words: Sequence[str], j: int) -> tuple[int, int] | None:
    """ "this year" / "of last year" / "of the previous year" at `words[j]`, after a quarter or
    a month: (how many years back, how many words)."""
    start = j
    if j < len(words) and words[j] in ("of", "in"):
        j += 1
    if j < len(words) and words[j] == "the" and tuple(words[j + 1 : j + 2]) != ("last",):
        j += 1
    back = _YEARS_SAID.get(tuple(words[j : j + 2]))
    return None if back is None else (back, j + 2 - start)


_ENDED = frozenset({"ended", "finished", "closed", "gone", "completed", "passed"})


def _just_ended(words: Sequence[str], i: int) -> int:
    """How many words at `i` say "<unit> (that) just ended" or "just-ended <unit>", or 0."""
    n = len(words)
    if words[i] in _UNITS and not words[i].endswith("s"):
        j = i + 1 + (tuple(words[i + 1 : i + 2]) in (("that",), ("which",)))
        if j + 1 < n and words[j] == "just" and words[j + 1] in _ENDED:
            return j + 2 - i
        return 0
    if words[i] == "just" and i + 2 < n and words[i + 1] in _ENDED and words[i + 2] in _UNITS:
        return 3 if not words[i + 2].endswith("s") else 0
    return 0


_AGO_COUNTS = {"a": 1, "an": 1, "one": 1}
_A_YEAR_BACK = (("last", "year"), ("a", "year", "ago"), ("one", "year", "ago"),
                ("1", "year", "ago"), ("of", "last", "year"), ("the", "previous", "year"),
                ("the", "prior", "year"),
                ("the", "year", "before"), ("a", "year", "earlier"), ("a", "year", "back"))
#: "the quarter before that": the one before the period just spoken of (a follow-up moves it
#: before the last chart's period; alone, before this one).
_THAT_ONE = (("that",), ("that", "one"), ("it",), ("then",))
BEFORE_THAT = re.compile(r"^(year|quarter|month|week|day) before(?: that(?: one)?| it| then)?$")
_THIS_ONE = (("this", "one"), ("the", "current", "one"), ("this",), ("the", "current"),
             ("now",), ("today",))


def _ago(words: Sequence[str], i: int, today: dt.date) -> tuple[int, DateRange] | None:
    """ "2 years ago", "a month ago": the calendar period that many before today's; "the
    month before this one": the last one, "the year before last": the one before that."""
    n = len(words)
    word = words[i]
    if word in _UNITS and not word.endswith("s") and tuple(words[i + 1 : i + 2]) == ("before",):
        for tail in (*_THIS_ONE, ("last",), *_THAT_ONE):
            if tuple(words[i + 2 : i + 2 + len(tail)]) == tail:
                back, size, unit = (2 if tail == ("last",) else 1), 2 + len(tail), word
                break
        else:
            if i + 2 < n and words[i + 2] not in (",", "?", "!", "."):
                return None
            # "the quarter before": as "the quarter before that" (after a chart, the one
            # before the chart's; the engine moves it there).
            back, size, unit = 1, 2, word
    elif word in ("this", "same") and i + 3 < n and words[i + 1] in ("month", "quarter", "week") \
            and (back_by := next((len(t) for t in _A_YEAR_BACK
                                  if tuple(words[i + 2 : i + 2 + len(t)]) == t), 0)):
        # "this month last year", "the same quarter last year", "the same month a year ago":
        # that period a year back.
        grain = _UNITS[words[i + 1]]
        start, end = period_of(add_months(today, -12), grain)
        size = 2 + back_by
        return size, DateRange(start, end, " ".join(words[i : i + size]))
    else:
        lead = 3 if tuple(words[i : i + 3]) == ("a", "couple", "of") else 1
        j = i + lead
        if not (j + 1 < n and words[j] in _UNITS and words[j + 1] in ("ago", "back")):
            return None
        back = 2 if lead == 3 else _AGO_COUNTS.get(word) or (int(word) if word.isdigit() else 0)
        if not 0 < back <= 1000:
            return None
        size, unit = lead + 2, words[j]
    grain = _UNITS[unit]
    start, end = period_of(today, grain)
    for _ in range(back):
        start, end = period_of(start - dt.timedelta(days=1), grain)
    return size, DateRange(start, end, " ".join(words[i : i + size]))


def _day_number(word: str) -> int | None:
    """ "3rd", "21st", "3": a day of a month, or None."""
    if word == "first":
        return 1  # "the first of March"
    digits = word[:-2] if word[-2:] in ("st", "nd", "rd", "th") else word
    if not digits.isdigit() or len(digits) > 2 or not 1 <= int(digits) <= 31:
        return None
    return int(digits)


def _dated(words: Sequence[str], i: int, today: dt.date) -> tuple[int, dt.date, dt.date] | None:
    """A day named with its month: "March 3rd 2025", "3rd of March 2025", "3 March"."""
    n = len(words)
    month = day = None
    j = i
    if words[i] in MONTHS and i + 1 < n and _year(words[i + 1]) is None:
        month, day, j = MONTHS[words[i]], _day_number(words[i + 1]), i + 2
    elif _day_number(words[i]) is not None:
        k = i + 1 + (tuple(words[i + 1 : i + 2]) == ("of",))
        if k < n and words[k] in MONTHS:
            month, day, j = MONTHS[words[k]], _day_number(words[i]), k + 1
    if month is None or day is None:
        return None
    if j < n and _year(words[j]) is not None:
        year, j = int(words[j]), j + 1
    elif tuple(words[j : j + 2]) in (("this", "year"), ("last", "year")):
        # "January 1st this year", "March 3rd last year": that day of the year named.
        year, j = today.year - (words[j] == "last"), j + 2
    elif words[i] == "may" or words[i].isdigit():
        return None  # "may 5", "3 may": too easily something else without a year
    else:
        year = today.year if dt.date(today.year, month, 1) <= today else today.year - 1
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    return j - i, found, found


# Accounting speech closes a period on its last day: "the year ended 31 December 2024", "the
# three months to 31 March 2025", "the quarter ending 30 June 2025". The words that tie a
# period's length to the day it closes on:
_CLOSING_ON = frozenset({"ended", "ending", "to", "through", "thru", "until"})


def _period_ended(words: Sequence[str], i: int, today: dt.date) -> tuple[int, DateRange] | None:
    """ "year ended 31 December 2024", "three months to 31 March 2025", "12 months ending
    June 30 2025": that many calendar units closing on that day (its year said)."""
    n, j = len(words), i
    count = 1
    if words[j] in _NUMBER_WORDS or (words[j].isdigit() and len(words[j]) <= 2):
        count, j = _NUMBER_WORDS.get(words[j]) or int(words[j]), j + 1
    if j + 2 >= n or words[j] not in _UNITS or words[j] == "day" or words[j] == "days":
        return None
    if (count == 1) != (not words[j].endswith("s")) or words[j + 1] not in _CLOSING_ON:
        return None
    day = _dated(words, j + 2, today)
    if day is None or _year(words[j + 1 + day[0]]) is None:
        return None  # the closing day needs its year: "the year to March" is something else
    grain = _UNITS[words[j]]
    end = day[1]
    months = {"year": 12, "quarter": 3, "month": 1}.get(grain)
    if months is not None:
        start = add_months(end + dt.timedelta(days=1), -months * count)
    else:
        start = end - dt.timedelta(weeks=count) + dt.timedelta(days=1)
    label = " ".join(words[i : j + 2 + day[0]])
    return j + 2 + day[0] - i, DateRange(start, end, f"the {label}")


def _rolling(words: Sequence[str], i: int, today: dt.date) -> tuple[int, DateRange] | None:
    """ "last 6 months", "past 30 days", "last year", "this quarter" at `words[i]`."""
    n = len(words)
    word = words[i]
    if word in ("this", "current") and i + 1 < n and words[i + 1] in _UNITS:
        grain = _UNITS[words[i + 1]]
        start, end = period_of(today, grain)
        return 2, DateRange(start, end, f"this {grain}", now=today)
    if word == "most" and tuple(words[i + 1 : i + 2]) == ("recent",) and _of_data(
        words, i + 3
    ):
        # "the most recent quarter of data": as "the latest quarter of data".
        found = _rolling([*words[:i], "latest", *words[i + 2 :]], i, today)
        return None if found is None else (found[0] + 1, found[1])
    if (word not in _RELATIVE_LAST and word not in ("latest", "final")) or i + 1 >= n:
        return None
    nxt = words[i + 1]
    of_data = _of_data(words, i + 2 if nxt in _UNITS else i + 3)
    if of_data or word in ("latest", "final"):
        count = 1 if nxt in _UNITS else int(nxt) if nxt.isdigit() else _NUMBER_WORDS.get(nxt)
        unit_at = i + 1 if nxt in _UNITS else i + 2
        if not of_data or count is None or not 0 < count <= 1000 or unit_at >= n or (
            words[unit_at] not in _UNITS
        ):
            return None
        grain = _UNITS[words[unit_at]]
        unit = grain if count == 1 else f"{grain}s"
        label = f"the last {unit} of data" if count == 1 else f"the last {count} {unit} of data"
        return unit_at + 1 + of_data - i, DateRange(None, None, label, latest=(count, grain))
    if word == "last" and nxt == "quarter" and tuple(words[i + 2 : i + 3]) == ("of",):
        return None  # "the last quarter of 2023": its fourth quarter (`_period`)
    if nxt in _UNITS and not nxt.endswith("s"):
        grain = _UNITS[nxt]
        start, end = period_of(today, grain)
        if grain == "day":
            start = end = today - dt.timedelta(days=1)
        else:
            start, end = period_of(start - dt.timedelta(days=1), grain)
        return 2, DateRange(start, end, f"last {grain}")
    count = int(nxt) if nxt.isdigit() else _NUMBER_WORDS.get(nxt)
    if count is None or not 0 < count <= 1000 or i + 2 >= n or words[i + 2] not in _UNITS:
        return None
    grain = _UNITS[words[i + 2]]
    end = today
    if grain in ("day", "week"):
        start = today - dt.timedelta(days=count * (7 if grain == "week" else 1) - 1)
    else:
        months = count * {"month": 1, "quarter": 3, "year": 12}[grain]
        start = add_months(today, -months) + dt.timedelta(days=1)
    unit = grain if count == 1 else f"{grain}s"
    return 3, DateRange(start, end, f"in the last {count} {unit}")


_DATA_TAILS = (("of", "data"), ("of", "the", "data"), ("of", "our", "data"), ("in", "the", "data"),
               ("of", "available", "data"), ("with", "data"), ("the", "data", "has"),
               ("in", "our", "data"))


def _of_data(words: Sequence[str], i: int) -> int:
    """How many words at `i` say "of data" ("the last 3 months of data"), or 0."""
    for tail in _DATA_TAILS:
        if tuple(words[i : i + len(tail)]) == tail:
            return len(tail)
    return 0


_BOUND_PHRASES = {
    ("prior", "to"): "before", ("earlier", "than"): "before", ("up", "to"): "until",
    ("up", "until"): "until", ("up", "till"): "until", ("later", "than"): "after",
    ("newer", "than"): "after", ("more", "recent", "than"): "after", ("older", "than"): "before",
    ("up", "to", "the", "end", "of"): "until", ("until", "the", "end", "of"): "until",
    ("by", "the", "end", "of"): "until", ("to", "the", "end", "of"): "until",
    ("through", "the", "end", "of"): "until", ("no", "later", "than"): "until",
    ("not", "later", "than"): "until", ("no", "earlier", "than"): "since",
    ("not", "earlier", "than"): "since", ("no", "sooner", "than"): "since",
}
# "no later than end of 2016", "until the end of 2016": the end of the period is its own end;
# "on or before 2016-12-31", "on or after 1 March": that day included.
_BOUND_PHRASES.update({
    (*lead, *the, "end", "of"): "until"
    for lead in (("no", "later", "than"), ("not", "later", "than"), ("by",), ("until",),
                 ("till",), ("up", "to"), ("to",), ("through",), ("before",))
    for the in (("the",), ())
    if lead != ("before",) or not the
} | {
    ("on", "or", "before"): "until", ("at", "or", "before"): "until",
    # "opened in or before 2015", "in or after 2020": that period included.
    ("in", "or", "before"): "until", ("during", "or", "before"): "until",
    ("in", "or", "after"): "since", ("during", "or", "after"): "since",
    # "up to and including 2016", "through and including March": that period included.
    **{(*lead, "and", incl): "until"
       for lead in (("up", "to"), ("to",), ("through",), ("until",), ("till",), ("up", "until"))
       for incl in ("including", "incl", "inclusive")},
    ("on", "or", "after"): "since", ("at", "or", "after"): "since",
    ("no", "later", "than", "the"): "until", ("not", "later", "than", "the"): "until",
})
_BOUND_LONGEST = sorted(_BOUND_PHRASES, key=len, reverse=True)


def _in_year(day: dt.date, year: int) -> dt.date:
    """`day` in `year` (the 29th of February becomes the 28th)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


# Formal (legal) English marks a bound as part of the span: "from and including 1 October
# 2024 to and including 31 December 2024", "from 1 July to 30 September 2024 inclusive",
# "(both dates inclusive)". A calendar span here always holds both of its ends.
_AND_INCLUDING = frozenset({("and", "including"), ("and", "inclusive"), ("and", "incl")})
_INCLUSIVE_TAILS = (("both", "dates", "inclusive"), ("both", "days", "inclusive"),
                    ("both", "dates", "included"), ("both", "days", "included"),
                    ("both", "inclusive"), ("both", "included"), ("inclusive",), ("included",),
                    ("incl",))
# "commencing 1 July 2024 and ending 30 September 2024", "beginning on ... and ending on ...":
# a span said by its first and last day.
_OPENING_WORDS = frozenset({"commencing", "beginning", "starting"})
_CLOSING_WORDS = frozenset({"ending", "ended", "concluding", "finishing", "closing", "terminating"})


def _inclusive_tail(words: Sequence[str], j: int) -> int:
    """How many words at `j` say that a span's ends are in it ("inclusive", "both
    inclusive", "both dates included"), or 0."""
    lead = 1 if tuple(words[j : j + 1]) in ((",",), ("(",)) else 0
    for tail in _INCLUSIVE_TAILS:
        if tuple(words[j + lead : j + lead + len(tail)]) == tail:
            end = j + lead + len(tail)
            return end - j + (tuple(words[end : end + 1]) == (")",))
    return 0


def _opened_and_closed(
    words: Sequence[str], i: int, today: dt.date
) -> tuple[int, DateRange] | None:
    """ "commencing 1 July 2024 and ending 30 September 2024", "beginning on 1 May and ending
    on 31 May 2025": read as "from ... to ..."."""
    j = i + 1 + (tuple(words[i + 1 : i + 2]) in (("on",), ("from",), ("with",)))
    k = next((k for k in range(j + 1, min(j + 6, len(words) - 1))
              if words[k] == "and" and words[k + 1] in _CLOSING_WORDS), None)
    if k is None:
        return None
    m = k + 2 + (tuple(words[k + 2 : k + 3]) in (("on",), ("with",)))
    found = _bounded([*words[:i], "from", *words[j:k], "to", *words[m:]], i, today)
    if found is None or found[1].parts is None or found[0] <= k - j + 1:
        return None
    return found[0] + (j - i - 1) + (m - k - 1), found[1]


def _bounded(words: Sequence[str], i: int, today: dt.date) -> tuple[int, DateRange] | None:
    """ "since 2023", "before 2024", "between 2023 and 2024", "from Q1 2024 to Q2 2024";
    "prior to 2015", "up to the end of 2016" as "before" and "until"."""
    if words[i] in ("from", "between") and tuple(words[i + 1 : i + 3]) in _AND_INCLUDING:
        # "from and including 1 October 2024 to ...": the first day is in the span.
        found = _bounded([*words[: i + 1], *words[i + 3 :]], i, today)
        return None if found is None else (found[0] + 2, found[1])
    if words[i] in _OPENING_WORDS:
        return _opened_and_closed(words, i, today)
    for phrase in _BOUND_LONGEST:
        if tuple(words[i : i + len(phrase)]) == phrase and i + len(phrase) < len(words):
            shifted = [*words[: i + len(phrase) - 1], _BOUND_PHRASES[phrase],
                       *words[i + len(phrase) :]]
            found = _bounded(shifted, i + len(phrase) - 1, today)
            if found is not None:
                return found[0] + len(phrase) - 1, found[1]
    n = len(words)
    word = words[i]
    if i + 1 >= n:
        return None
    if word in ("until", "till", "through", "thru") and words[i + 1] in _UP_TO_NOW and (
        words[i + 1] != "date" or word != "through"
    ):
        # "through today", "till date", "until now": up to today (with another period, that
        # period cut at today: the reader joins them).
        return 2, DateRange(None, today, "up to today")
    if word in ("between", "from"):
        span = _day_span(words, i, today)
        if span is not None:
            return span
    first = _period(words, i + 1, today)
    if first is None:
        return _days_of_one_month(words, i, today) if word in ("between", "from") else None
    size, start, end = first
    label = " ".join(words[i + 1 : i + 1 + size])
    if word in ("between", "from"):
        j = i + 1 + size
        if words[j : j + 1] and words[j] in ("to", "through", "until", "till", "thru") and (
            tuple(words[j + 1 : j + 3]) in _AND_INCLUDING
        ):
            # "... to and including 31 December 2024": the last day is in the span.
            found = _bounded([*words[: j + 1], *words[j + 3 :]], i, today)
            if found is not None and found[1].parts is not None:
                return found[0] + 2, found[1]
        if j + 1 < n and words[j] in ("and", "to", "through", "until", "till", "thru"):
            second = _period(words, j + 1, today)
            if second is not None:
                label2 = " ".join(words[j + 1 : j + 1 + second[0]])
                yearless = not any(len(w) == 4 and w.isdigit() for w in words[i + 1 : j])
                dated = any(
                    len(w) == 4 and w.isdigit() for w in words[j + 1 : j + 1 + second[0]]
                )
                moved = _in_year(start, second[1].year), _in_year(end, second[1].year)
                if yearless and (start > second[2] or (dated and moved[0] <= second[1])):
                    # "Q1 to Q3 2024", "January to June 2025", "between Sept 1 and Sept 12,
                    # 2025": the year said once, at the end.
                    start, end = moved
                parts = ((start, end, label), (second[1], second[2], label2))
                return (
                    j + 1 + second[0] - i + _inclusive_tail(words, j + 1 + second[0]),
                    DateRange(start, second[2], f"from {label} to {label2}", parts),
                )
        if j + 1 < n and (
            words[j] in ("to", "until", "till", "through")
            or (word == "between" and words[j] == "and")
        ) and words[j + 1] in ("now", "today", "date"):
            # "from the start of the year until now", "from March to date": up to today.
            return j + 2 - i, DateRange(start, today, f"from {label} to {words[j + 1]}")
        if word == "from" and j < n and words[j] in ("on", "forward", "forwards"):
            return 2 + size, DateRange(start, None, f"since {label}")
        # "between 2023" alone is no range; "orders from 2025-11-19", "sales from 2023":
        # that day or year (read by `match_time` like "in ..."), "from 2020 onwards" since.
        return None
    if word == "since" and tuple(words[i + 1 + size : i + 2 + size]) in {(w,) for w in _ENDED}:
        # "since 2018 ended", "since Q1 finished": after that period.
        return 2 + size, DateRange(end + dt.timedelta(days=1), None, f"after {label}")
    if word == "since":
        if start.year == today.year and start <= today:
            # "since January 1st this year", "since the start of the month": up to today,
            # as "this year to date".
            return 1 + size, DateRange(start, today, f"since {label}")
        return 1 + size, DateRange(start, None, f"since {label}")
    if word == "after":
        return 1 + size, DateRange(end + dt.timedelta(days=1), None, f"after {label}")
    if word == "before":
        return 1 + size, DateRange(None, start - dt.timedelta(days=1), f"before {label}")
    if word in ("until", "till", "through", "thru"):
        return 1 + size, DateRange(None, end, f"until {label}")
    return None


def _day_span(words: Sequence[str], i: int, today: dt.date) -> tuple[int, DateRange] | None:
    """ "from 3 May to 16 May 2025", "between May 3 and May 16 2025", "from 12 to 18 May
    2025" at `words[i]` ("from", "between"): two days, the year (and the month) said once, with
    the second day."""
    n, j = len(words), i + 1
    month = day = None
    if j + 1 < n and words[j] in MONTHS and _year(words[j + 1]) is None:
        month, day, j = MONTHS[words[j]], _day_number(words[j + 1]), j + 2
    elif j < n and _day_number(words[j]) is not None and words[j] != "first":
        day, j = _day_number(words[j]), j + 1
        if j + 1 < n and words[j] == "of" and words[j + 1] in MONTHS:
            j += 1
        if j < n and words[j] in MONTHS:
            month, j = MONTHS[words[j]], j + 1
    if day is None or j + 1 >= n or (j < n and _year(words[j]) is not None):
        return None  # a first day with its own year is `_day_pair`'s or `_period`'s
    if words[j] not in ("to", "and", "through", "thru", "until", "till"):
        return None
    second = _dated(words, j + 1, today)
    if second is None or _year(words[j + second[0]]) is None:
        return None
    end = second[1]
    try:
        start = dt.date(end.year, month or end.month, day)
        if start > end:
            start = dt.date(end.year - 1, month or end.month, day)
    except ValueError:
        return None
    first_label = " ".join(words[i + 1 : j])
    second_label = " ".join(words[j + 1 : j + 1 + second[0]])
    parts = ((start, start, first_label), (end, end, second_label))
    return j + 1 + second[0] - i + _inclusive_tail(words, j + 1 + second[0]), DateRange(
        start, end, f"from {first_label} to {second_label}", parts
    )


def _days_of_one_month(
    words: Sequence[str], i: int, today: dt.date
) -> tuple[int, DateRange] | None:
    """ "from 25 to 31 August 2025", "between the 1st and 12th of May": days of the month
    named once, at the end."""
    j = i + 1
    if j < len(words) and words[j] == "the":
        j += 1
    day = _day_number(words[j]) if j < len(words) else None
    if day is None or j + 2 >= len(words) or words[j + 1] not in ("to", "and", "until", "till",
                                                                   "through", "thru"):
        return None
    k = j + 2 if words[j + 2] != "the" else j + 3
    second = _period(words, k, today) if k < len(words) else None
    if second is None:
        return None
    size, start, end = second
    if start != end:
        return None  # "from 25 to 2025": not days
    try:
        first = start.replace(day=day)
    except ValueError:
        return None
    if first > start:
        return None
    label = " ".join(words[i + 1 : k + size])
    return k + size - i, DateRange(first, end, f"from {label}")


_WHOLE = frozenset({"full", "complete", "completed", "whole", "entire", "calendar"})
_WEEKDAYS = {
    name: i for i, names in enumerate(("monday mon", "tuesday tue tues", "wednesday wed",
                                        "thursday thu thurs", "friday fri", "saturday sat",
                                        "sunday sun"))
    for name in names.split()
}


def _without_whole(words: Sequence[str], i: int, today: dt.date) -> tuple[int, TimeWord] | None:
    """ "the prior full calendar quarter", "three calendar years ago", "the previous 3 complete
    quarters": "full", "calendar", "complete" before a unit say the periods are whole calendar
    ones, which they are anyway: read without them."""
    n = len(words)
    for k in (i + 1, i + 2):
        if k >= n or words[k] not in _WHOLE:
            continue
        m = k
        while m < n and words[m] in _WHOLE:
            m += 1
        if m < n and words[m] in _UNITS:
            found = match_time([*words[:k], *words[m:]], i, today)
            if found is None or found[0] <= k - i:
                continue
            size, span = found[0] + m - k, found[1]
            count = int(words[i + 1]) if words[i + 1].isdigit() else _NUMBER_WORDS.get(
                words[i + 1]
            )
            if words[i] in _RELATIVE_LAST and k == i + 2 and count and isinstance(
                span, DateRange
            ):
                # "the last 3 full months": whole ones before this one, not a window ending
                # today.
                grain = _UNITS[words[m]]
                end = period_of(today, grain)[0] - dt.timedelta(days=1)
                start = end
                for _ in range(count):
                    start = period_of(start, grain)[0]
                    if _ < count - 1:
                        start -= dt.timedelta(days=1)
                unit = grain if count == 1 else f"{grain}s"
                span = DateRange(start, end, f"in the last {count} whole {unit}")
            return size, span
    return None


def _since_weekday(words: Sequence[str], i: int, today: dt.date) -> tuple[int, DateRange] | None:
    """ "since Tuesday", "since last Friday": from that day (the latest one, today when it is
    that day; "last" the one a week before) up to today."""
    j = i + 1 + (tuple(words[i + 1 : i + 2]) == ("last",))
    if words[i] not in ("since", "from") or j >= len(words) or words[j] not in _WEEKDAYS:
        return None
    if words[j] in ("sat", "sun", "wed", "mon") and j == i + 1 and words[i] == "from":
        return None  # "from sat..." is too easily something else
    back = (today.weekday() - _WEEKDAYS[words[j]]) % 7
    if back == 0 and j > i + 1:
        back = 7  # "since last Monday", said on a Monday: a week ago
    start = today - dt.timedelta(days=back)
    return j + 1 - i, DateRange(start, today, f"since {' '.join(words[i + 1 : j + 1])}")


#: Words that name a weekday in full (abbreviations like "sat", "sun", "wed" are too often
#: other words to be read alone).
_WEEKDAY_NAMES = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                            "sunday"})
#: Words shortly before a weekday that make it no day of the data: a schedule ("every
#: Monday") or the day something was asked ("per Tom's ask on Friday", "the call on Monday").
_NOT_THE_DATA_DAY = frozenset({"every", "each", "ask", "asked", "request", "requested",
                               "meeting", "call", "email", "emailed", "mail", "mailed", "said",
                               "mentioned", "sent", "send", "promised", "due", "until", "by"})
#: Words before a weekday that ask for one day: "last Sunday", "on Monday", "this Friday".
_WEEKDAY_LEADS = frozenset({"last", "past", "previous", "this", "on"})


def _weekday_before(
    words: Sequence[str], i: int, today: dt.date
) -> tuple[int, DateRange] | None:
    """ "last Sunday", "on Monday", "this Friday", a bare "Tuesday": that one day, the latest
    such day before today (data is about days gone by; said in the answer)."""
    lead = 1 if words[i] in _WEEKDAY_LEADS else 0
    j = i + lead
    if j >= len(words) or words[j] not in _WEEKDAY_NAMES:
        return None
    if any(w in _NOT_THE_DATA_DAY for w in words[max(0, i - 3) : i]):
        return None  # "every Monday", "per Tom's ask on Friday": no day of the data
    back = (today.weekday() - _WEEKDAYS[words[j]]) % 7 or 7
    day = today - dt.timedelta(days=back)
    said = " ".join(words[i : j + 1])
    return j + 1 - i, DateRange(day, day, f"{said} (the latest {words[j]} before today)")


#: What may follow a window that ends today and says so again ("the past 30 days to today").
_TO_TODAY = (("to", "today"), ("to", "date"), ("up", "to", "today"), ("until", "today"),
             ("till", "today"), ("through", "today"), ("up", "until", "today"), ("to", "now"),
             ("until", "now"), ("till", "now"), ("up", "to", "now"))


def _to_today(
    words: Sequence[str], i: int, found: tuple[int, DateRange]
) -> tuple[int, DateRange]:
    """A window ending today with the words after it that say so ("to today") taken in."""
    j = i + found[0]
    tail = next((len(t) for t in _TO_TODAY if tuple(words[j : j + len(t)]) == t), 0)
    return found[0] + tail, found[1]


def _first_units_of(
    words: Sequence[str], i: int, today: dt.date
) -> tuple[int, DateRange] | None:
    """ "the first 4 months of 2024", "the last two quarters of last year", "the first 10
    days of March": that many whole units at the start (or the end) of the period named."""
    n = len(words)
    if words[i] not in ("first", "last", "final", "opening", "closing") or i + 3 >= n:
        return None
    count = int(words[i + 1]) if words[i + 1].isdigit() else _NUMBER_WORDS.get(words[i + 1])
    unit = words[i + 2]
    if count is None or not 0 < count <= 1000 or unit not in _UNITS or words[i + 3] != "of":
        return None
    grain = _UNITS[unit]
    inner = match_time(words, i + 4, today) if i + 4 < n else None
    if inner is None or not isinstance(inner[1], DateRange):
        return None
    span = inner[1]
    if span.start is None or span.end is None:
        return None
    if grain in ("day", "week"):
        days = count * (7 if grain == "week" else 1)
        if words[i] in ("first", "opening"):
            start, end = span.start, min(span.end, span.start + dt.timedelta(days=days - 1))
        else:
            start, end = max(span.start, span.end - dt.timedelta(days=days - 1)), span.end
    else:
        months = count * {"month": 1, "quarter": 3, "year": 12}[grain]
        if words[i] in ("first", "opening"):
            start = span.start
            end = min(span.end, add_months(span.start, months) - dt.timedelta(days=1))
        else:
            end = span.end
            start = max(span.start, add_months(end + dt.timedelta(days=1), -months))
    label = " ".join(words[i : i + 4 + inner[0]])
    return 4 + inner[0], DateRange(start, end, f"in {label}")


def _day_pair(words: Sequence[str], i: int, today: dt.date) -> tuple[int, DateRange] | None:
    """ "1 April 2024-31 March 2025": two days, each with its year, joined by a dash (lost in
    tokenizing): the span from the first to the second."""
    if words[i] == "the" and i + 1 < len(words):
        found = _day_pair(words, i + 1, today)
        return None if found is None else (found[0] + 1, found[1])
    first = _dated(words, i, today)
    if first is None or _year(words[i + first[0] - 1]) is None or i + first[0] >= len(words):
        return None
    j = i + first[0]
    second = _dated(words, j, today)
    if second is None or _year(words[j + second[0] - 1]) is None or second[1] <= first[1]:
        return None
    label = f"from {' '.join(words[i:j])} to {' '.join(words[j : j + second[0]])}"
    parts = ((first[1], first[1], " ".join(words[i:j])),
             (second[1], second[1], " ".join(words[j : j + second[0]])))
    return j + second[0] - i, DateRange(first[1], second[1], label, parts)


def match_time(words: Sequence[str], i: int, today: dt.date) -> tuple[int, TimeWord] | None:
    """A time expression starting at `words[i]` (folded words): (number of words, meaning)."""
    n = len(words)
    word = words[i]
    if (i + 1 < n and words[i + 1] in _WHOLE) or (i + 2 < n and words[i + 2] in _WHOLE):
        whole = _without_whole(words, i, today)
        if whole is not None:
            return whole
    if word in ("since", "from"):
        weekday = _since_weekday(words, i, today)
        if weekday is not None:
            return weekday
    if word in ("first", "last", "final", "opening", "closing"):
        units = _first_units_of(words, i, today)
        if units is not None:
            return units
    for phrase in _AUTO_GRAIN:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase), GrainWord(None, by=False)
    if word in _ADVERBS:
        return 1, GrainWord(_ADVERBS[word], by=False)
    if word in ("ytd", "mtd", "qtd", "wtd") or tuple(words[i : i + 3]) in (
        ("year", "to", "date"), ("month", "to", "date"), ("quarter", "to", "date"),
        ("week", "to", "date"),
    ):
        short: dict[str, Grain] = {"ytd": "year", "mtd": "month", "qtd": "quarter",
                                   "wtd": "week"}
        grain: Grain = short.get(word) or _UNITS[word]
        start, _ = period_of(today, grain)
        return (1 if word in short else 3), DateRange(start, today, f"{grain} to date")
    if word in ("this", "current") and i + 1 < n and words[i + 1] in _UNITS and (
        tuple(words[i + 2 : i + 4]) in (("so", "far"), ("to", "date"))
    ):
        # "this year so far", "this month to date": the year up to today, not all of it.
        grain = _UNITS[words[i + 1]]
        start, _ = period_of(today, grain)
        return 4, DateRange(start, today, f"{grain} to date")
    ago = _ago(words, i, today)
    if ago is not None:
        return ago
    ended_on = _period_ended(words, i, today)
    if ended_on is not None:
        return ended_on
    ended = _just_ended(words, i)
    if ended:
        # "the quarter that just ended", "the month just gone": the last whole one.
        grain = _UNITS[words[i]] if words[i] in _UNITS else _UNITS[words[i + ended - 1]]
        start, _ = period_of(today, grain)
        start, end = period_of(start - dt.timedelta(days=1), grain)
        return ended, DateRange(start, end, f"the previous {grain}")
    if word in ("today", "yesterday"):
        day = today if word == "today" else today - dt.timedelta(days=1)
        return 1, DateRange(day, day, word)
    if tuple(words[i : i + 2]) in (("all", "time"), ("all", "years"), ("all", "dates")):
        return 2, DateRange(None, None, "all time")
    lead = 1 if word in ("full", "calendar", "whole", "entire", "fiscal") else 0
    if tuple(words[i + lead : i + lead + 1]) == ("year",) and i + lead + 1 < n and (
        _year(words[i + lead + 1]) is not None
    ):
        # "the full year 2024", "calendar year 2023", "year 2025": that year, not a grain.
        year = int(words[i + lead + 1])
        label = " ".join(words[i : i + lead + 2])
        return lead + 2, DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), f"in {label}")
    if word in ("for", "in") and i + 2 < n and words[i + 1] == "each" and words[i + 2] in _UNITS:
        return 3, GrainWord(_UNITS[words[i + 2]], by=True)
    if word in _BY_WORDS and i + 1 < n and words[i + 1] in _UNITS and words[i + 1][-1] != "s":
        return 2, GrainWord(_UNITS[words[i + 1]], by=True)
    if word in _UNITS and i + 2 < n and words[i + 1] in ("by", "over", "on", "after") and (
        _UNITS.get(words[i + 2]) == _UNITS[word]
    ):
        return 3, GrainWord(_UNITS[word], by=True)  # "month by month", "year over year"
    if word in _UNITS and not word.endswith("s"):
        return 1, GrainWord(_UNITS[word], by=False)  # "revenue by region and month"
    if word in _RELATIVE_LAST and i + 1 < n and (
        (words[i + 1] in MONTHS and words[i + 1] != "may") or words[i + 1] in _QUARTERS
    ) and not (i + 2 < n and (_year(words[i + 2]) is not None or words[i + 2] == "of")):
        # "last December", "previous Q4": the latest one that has ended, so in December
        # "last December" is a year back (a bare "December" is this year's, once started).
        quarter = _QUARTERS.get(words[i + 1])
        month = quarter * 3 - 2 if quarter else MONTHS[words[i + 1]]
        closing = month + 2 if quarter else month
        year = today.year if closing < today.month else today.year - 1
        start, end = period_of(dt.date(year, month, 1), "quarter" if quarter else "month")
        return 2, DateRange(start, end, f"in {words[i + 1]} {year}")
    if word == "last" and tuple(words[i + 2 : i + 3]) == ("of",):
        part = _period(words, i, today)  # "the last week of 2024": not the last week
        if part is not None:
            label = " ".join(words[i : i + part[0]])
            return part[0], DateRange(part[1], part[2], f"in {label}")
    weekday = _weekday_before(words, i, today)
    if weekday is not None:
        return weekday
    if word == "rolling" and i + 1 < n:
        # "rolling 30 days", "a rolling 3 months": the window ending today, as "the last ...".
        window = _rolling([*words[:i], "last", *words[i + 1 :]], i, today)
        if window is not None and window[1].end == today and window[0] == 3:
            return _to_today(words, i, window)
    for matcher in (_rolling, _bounded):
        found = matcher(words, i, today)
        if found is not None:
            if matcher is _rolling and found[1].end == today and found[0] == 3:
                return _to_today(words, i, found)  # "past 30 days to today": the same window
            return found
    if word not in _RANGE_CUES and (i == 0 or words[i - 1] != "from"):
        # "January to June 2025": a span without its "from" (also after a cue another reading
        # took: "what did it take in Jan to Jun 2025").
        spanned = _bounded([*words[:i], "from", *words[i:]], i, today)
        if spanned is not None and spanned[1].parts is not None:
            return spanned[0] - 1, spanned[1]
    if word in MONTHS and i + 1 < n and words[i + 1] in MONTHS and (
        MONTHS[words[i + 1]] > MONTHS[word]
    ) and (i == 0 or words[i - 1] not in ("from", "between")):
        # "Jan-Mar 2025", "(Jan-Jun)": two months joined by a dash (lost in tokenizing) are
        # a span; without its own year, the year named earlier ("H1 2025 (Jan-Jun)").
        spanned = _bounded([*words[:i], "from", word, "to", *words[i + 1 :]], i, today)
        if spanned is not None and spanned[1].parts is not None:
            size, span = spanned[0] - 2, spanned[1]
            earlier = [y for y in map(_year, words[:i]) if y is not None]
            if earlier and _year(words[i + size - 1] if i + size - 1 < n else "") is None:
                year = earlier[-1]
                parts = tuple((_in_year(a, year), _in_year(b, year), f"{label} {year}")
                              for a, b, label in span.parts or ())
                span = DateRange(parts[0][0], parts[1][1], f"{span.label} {year}",
                                 (parts[0], parts[1]))
            return size, span
    if word in _RANGE_CUES and word != "from":
        # "for July through September 2025", "in Q1 to Q3": the span after the cue.
        spanned = _bounded([*words[:i], "from", *words[i + 1 :]], i, today)
        if spanned is not None and spanned[1].parts is not None and (
            "and" not in words[i + 1 : i + spanned[0]]
        ):
            return spanned
    start_at = i + 1 if word in _RANGE_CUES and i + 1 < n else i
    pair = _day_pair(words, start_at, today)
    if pair is not None:
        return start_at - i + pair[0], pair[1]
    period = _period(words, start_at, today)
    if period is not None:
        size, start, end = period
        label = " ".join(words[start_at : start_at + size])
        j = start_at + size
        tail = tuple(words[j : j + 2])
        if tail in _LATER or tail[:1] in (("onwards",), ("onward",)):
            # "in 2018 or later", "2016 or earlier", "from 2020 onwards"
            grow = 1 if tail[:1] in (("onwards",), ("onward",)) else 2
            return j + grow - i, DateRange(start, None, f"{label} or later")
        if tail in _EARLIER:
            return j + 2 - i, DateRange(None, end, f"{label} or earlier")
        so_far = next((len(t) for t in _SO_FAR if tuple(words[j : j + len(t)]) == t), 0)
        if so_far and start <= today <= end:
            # "November so far", "2025 to date": the period up to today, not all of it.
            return j + so_far - i, DateRange(start, today, f"{label} so far")
        return start_at - i + size, DateRange(start, end, f"in {label}")
    return None


def auto_grain(date_range: DateRange | None) -> Grain:
    """A sensible grain for "over time": days for two months or less, else months."""
    if date_range and date_range.start and date_range.end and (
        (date_range.end - date_range.start).days <= 62
    ):
        return "day"
    return "month"
