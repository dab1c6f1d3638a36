"""Words for the user: tile titles, answer sentences in the token's tone, suggestions.

Everything here is derived from a `Draft` (so a follow-up on a stored tile gets the same
titles as a fresh question) and from `ai_context_clues`: a `tone` (friendly, formal,
concise; anything else reads neutral) and a `company` name, taken from an object's keys or
found in free text ("Tone: friendly. Company: Acme Corp.").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from plotboard.ai.answers import ContextClues
from plotboard.ai.builtin.draft import PERIOD_PART, Draft, DraftDim, DraftFilter, DraftMeasure
from plotboard.ai.builtin.resolve import natural_agg
from plotboard.ai.builtin.text import fold, humanize, split_identifier
from plotboard.ai.builtin.timewords import MONTHS, add_months, period_of
from plotboard.ai.builtin.vocabulary import (
    Vocabulary,
    column_label,
    is_identifier,
    is_measure_like,
    location_kind,
    table_label,
)
from plotboard.catalog.model import NUMERIC_TYPES, TEMPORAL_TYPES, Column, Table
from plotboard.query.spec import Grain

_AGG_WORDS = {"sum": "Total", "avg": "Average", "min": "Lowest", "max": "Highest"}
_MONTH_NAMES = {number: name.capitalize() for name, number in MONTHS.items() if len(name) > 3}
_MONTH_NAMES[5] = "May"


@dataclass(frozen=True)
class Voice:
    tone: str  # "neutral", "friendly", "formal" or "concise"
    company: str | None


# First match wins: "concise" first, since "friendly and concise" asks for short answers (the
# friendly lead-in is what a concise reply leaves out).
_TONES = (
    ("concise", "concise"), ("brief", "concise"), ("terse", "concise"), ("short", "concise"),
    ("informal", "friendly"), ("casual", "friendly"), ("friendly", "friendly"),
    ("playful", "friendly"), ("warm", "friendly"), ("fun", "friendly"),
    ("formal", "formal"), ("professional", "formal"), ("polite", "formal"),
)
_COMPANY_RE = re.compile(
    r"\b(?:company|organi[sz]ation|brand|business)(?:\s+name)?\s*(?:is|:|=)\s*"
    r"([A-Z0-9][\w&.'\- ]{0,60}?)\s*(?:[.,;\n]|$)",
    re.IGNORECASE,
)


def _tone_of(text: str) -> str:
    lowered = fold(text)
    for word, tone in _TONES:
        if re.search(rf"\b{word}\b", lowered):
            return tone
    return "neutral"


# Where a company's name ends and a description of it starts: "Acme Ops, a logistics
# company", "Acme Ops - logistics", "Acme Ops (logistics)", "Acme Ops is a logistics company".
_DESCRIPTION_STARTS = re.compile(
    r",\s|;|:\s|\s[-\u2013\u2014]\s|\s\(|\s+(?:is|are|was)\s", re.IGNORECASE
)
_NAME_WORDS = 5


def _company_name(text: str | None) -> str | None:
    """The name at the start of a company clue, without a description after it; None when the
    clue is a description with no name of a few words at its start (the reply would read
    "Here is a logistics company that ...'s revenue")."""
    if not text:
        return None
    name = _DESCRIPTION_STARTS.split(text.strip(), maxsplit=1)[0].strip()
    if not name or len(name.split()) > _NAME_WORDS or name.lower().startswith(("a ", "an ")):
        return None
    return name


def voice_of(clues: ContextClues) -> Voice:
    """The tone and company name in `ai_context_clues` (string or object of strings)."""
    if clues is None:
        return Voice("neutral", None)
    if isinstance(clues, Mapping):
        lowered = {str(k).lower(): str(v) for k, v in clues.items() if isinstance(v, str)}
        tone_keys = ("tone", "voice", "style", "tone_of_voice")
        tone_text = " ".join(lowered.get(k, "") for k in tone_keys)
        company = next(
            (lowered[k].strip() for k in ("company", "company_name", "organization", "brand")
             if lowered.get(k, "").strip()),
            None,
        )
        if company is None:
            found = _COMPANY_RE.search(" ".join(lowered.values()))
            company = found.group(1).strip() if found else None
        return Voice(_tone_of(tone_text or " ".join(lowered.values())), _company_name(company))
    found = _COMPANY_RE.search(clues)
    return Voice(_tone_of(clues), _company_name(found.group(1)) if found else None)


def plural(words: str) -> str:
    if words.endswith(("s", "x", "ch", "sh")):
        return words if words.endswith("s") else words + "es"
    if words.endswith("y") and words[-2:-1] not in tuple("aeiou"):
        return words[:-1] + "ies"
    return words + "s"


def _singular_table(draft: Draft, dim: DraftDim, vocab: Vocabulary) -> str | None:
    """ "employee" for a breakdown by the label column of a related table (employees.full_name)."""
    if vocab.label_column(dim.table) is not dim.column:
        return None
    if location_kind(dim.column):
        # A place that labels the rows (stores known by their city) may repeat: the rows are
        # grouped by the place, and "by store" would say otherwise.
        return None
    if dim.table is draft.base and "name" not in dim.column.name.lower():
        return None
    return _singular(table_label(dim.table).lower())


def _singular(label: str) -> str:
    return label[:-1] if label.endswith("s") and not label.endswith("ss") else label


def measure_label(
    vocab: Vocabulary, measure: DraftMeasure, dims: Sequence[DraftDim] = ()
) -> str:
    """ "Revenue", "Headcount", "Average salary", "Number of products"; "Hires" for a count of
    employees over their hire date; "Revenue per employee" for a ratio."""
    if measure.over is not None:
        under = measure.over
        if measure.agg == "count" and under.column is measure.column:
            # count(department) / count_distinct(department): the rows per department
            top = f"Number of {table_label(measure.table).lower()}"
        else:
            top = measure_label(vocab, replace(measure, over=None), dims)
        if under.column is None or under.column.name in under.table.primary_key:
            noun = _singular(table_label(under.table).lower())
        else:  # "per manager", not "per manager id"
            noun = _singular(column_label(under.column).lower()).removesuffix(" id")
        return f"{top} per {noun}"
    if measure.column is None:
        for term in vocab.measures_of(measure.table):
            over_time = any(d.grain and d.column is term.time_column for d in dims)
            if term.agg == "count" and term.column is None and term.time_column and over_time:
                return term.label
    known = vocab.measure_label(measure.table, measure.agg, measure.column)
    if known:
        return known
    table = table_label(measure.table).lower()
    if measure.column is None:
        return f"Number of {table}"
    col = column_label(measure.column).lower()
    if measure.column.type in TEMPORAL_TYPES and measure.agg in ("min", "max"):
        return f"{'Latest' if measure.agg == 'max' else 'Earliest'} {col}"
    if measure.agg in ("count", "count_distinct"):
        if measure.column.name in measure.table.primary_key:
            return f"Number of {table}"
        return f"Number of {plural(col)}"
    word = _AGG_WORDS[measure.agg]
    named = column_label(measure.column)
    if named.split()[:1] == [word] or col.split()[:1] == [word.lower()]:
        # Already named for it ("Total EUR" summed): not "Total total eur".
        return named[:1].upper() + named[1:]
    return f"{word} {col}"


def dim_label(vocab: Vocabulary, draft: Draft, dim: DraftDim) -> str:
    if dim.bin is not None:
        kind, size = dim.bin
        label = column_label(dim.column).lower()
        if kind == "width":
            shown = int(size) if size == int(size) else size
            return f"{label} (bands of {shown:,})"
        return f"{label} ({int(size)} equal bands)"
    if dim.grain:
        dates = [c for c in dim.table.columns if c.type in TEMPORAL_TYPES and not c.hidden]
        if len(dates) > 1 and dim.column is not vocab.time_columns(dim.table)[0]:
            return f"{column_label(dim.column).lower()} ({dim.grain})"
        return dim.grain
    related = _singular_table(draft, dim, vocab)
    if related:
        return related
    label = column_label(dim.column).lower()
    if dim.table is not draft.base:
        # "office region" when the question's own table has a region of its own.
        head = label.split()[-1]
        if any(head in column_label(c).lower().split() for c in draft.base.columns):
            return f"{_singular(table_label(dim.table).lower())} {label}"
    return label


def _join(items: Sequence[str], last: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def describe_period(start: dt.date | None, end: dt.date | None) -> str:
    """ "2024", "Q3 2024", "March 2024", "since 2023", "2024-01-16 to 2025-07-15"."""
    if start and end:
        if start == end:
            return f"{_MONTH_NAMES[start.month]} {start.day}, {start.year}"  # one day
        grains: tuple[Grain, ...] = ("year", "quarter", "month")
        for grain in grains:
            if period_of(start, grain) == (start, end):
                if grain == "year":
                    return str(start.year)
                if grain == "quarter":
                    return f"Q{(start.month - 1) // 3 + 1} {start.year}"
                return f"{_MONTH_NAMES[start.month]} {start.year}"
        half = start.day == 1 and start.month in (1, 7) and end.year == start.year and (
            end == period_of(dt.date(start.year, start.month + 5, 1), "month")[1]
        )
        if half:
            return f"H{1 if start.month == 1 else 2} {start.year}"  # "H1 2025"
        whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
        for grain in ("quarter", "month") if not whole_years else ():
            first, last = period_of(start, grain), period_of(end, grain)
            if first[0] == start and last[1] == end:  # "Q1 2024 to Q3 2024"
                return f"{describe_period(*first)} to {describe_period(*last)}"
        return f"{describe_period(start, None)[6:]} to {describe_period(None, end)[6:]}"
    if start:
        return f"since {start.year}" if (start.month, start.day) == (1, 1) else f"since {start}"
    if end:
        return f"until {end.year}" if (end.month, end.day) == (12, 31) else f"until {end}"
    return "all time"


def _relative(f: DraftFilter) -> str:
    """ "the last 3 months of data", "last 6 months", "this quarter", "year to date"."""
    value = f.value
    data = " of data" if f.anchor == "latest" else ""
    if f.op == "last" and isinstance(value, dict):
        n = int(str(value.get("n", 1))) + (1 if f.include_current else 0)
        unit = str(value.get("unit", ""))
        return f"the last {n} {unit}s{data}" if n > 1 else f"the last {unit}{data}"
    if f.op == "this":
        return f"the last {value}{data}" if data else f"this {value}"
    if f.op == "to_date":
        return f"{value} to date"
    return f"previous {value}"


def describe_filter(f: DraftFilter) -> str:
    """A few words for one filter: "Paris", "excluding Sales", "2024", "salary over 100000"."""
    col = column_label(f.column).lower()
    if f.op in ("last", "this", "previous", "to_date"):
        return _relative(f)
    values = f.value if isinstance(f.value, list) else [f.value]
    shown = [str(v) for v in values]
    if f.column.semantic_type == PERIOD_PART and f.op in ("eq", "in"):
        # "2023 and 2025", "March and June", "Q1 and Q3": the periods kept.
        unit = (f.column.display_name or "").lower()
        if unit == "month":
            shown = [dt.date(2000, int(v), 1).strftime("%B") for v in values]  # type: ignore[arg-type]
        elif unit == "quarter":
            shown = [f"Q{v}" for v in values]
        return _join(shown)
    if f.column.type in TEMPORAL_TYPES and f.op in ("between", "gte", "lte", "lt", "gt"):
        low = _day(shown[0]) if f.op in ("between", "gte", "gt") else None
        high = _day(shown[-1]) if f.op in ("between", "lte") else None
        first = _day(shown[0])
        if f.op == "lt" and first is not None:
            high = first - dt.timedelta(days=1)
        return describe_period(low, high)
    if f.column.type == "boolean":
        name = re.sub(r"^(is|has) ", "", col)
        return name if f.value is True else f"not {name}"
    if f.column.type in NUMERIC_TYPES:
        shown = [f"{v:,}" if isinstance(v, int | float) else str(v) for v in values]
        if f.op in ("eq", "in"):
            return f"{col} {_join(shown, 'or')}"
    if len(shown) > 3:
        shown = [*shown[:2], f"{len(shown) - 2} more"]
    if f.op in ("eq", "in"):
        return _join(shown)
    if f.op in ("neq", "not_in"):
        return f"excluding {_join(shown)}"
    words = {"gt": "over", "gte": "at least", "lt": "under", "lte": "at most",
             "between": "between", "contains": "containing", "starts_with": "starting with"}
    if f.op == "between":
        return f"{col} between {shown[0]} and {shown[1]}"
    if f.op in words:
        return f"{col} {words[f.op]} {shown[0]}"
    if f.op in ("is_null", "is_not_null"):
        # "with no manager", "with an email": the field said as the thing it holds (a
        # reference's "id" is the person or thing it points to), not "manager id is null".
        thing = re.sub(r"\s+id$", "", col) or col
        article = "an" if thing[:1] in "aeiou" else "a"
        return f"with no {thing}" if f.op == "is_null" else f"with {article} {thing}"
    return f"{col} {f.op.replace('_', ' ')}"


def describe_groups(draft: Draft) -> list[str]:
    """The draft's OR groups and "with no ..." filters in a few words each: "Paris or
    performance rating 5", "2023 or 2025", "with no sales (2025)"."""
    out = []
    for group in draft.any_of:
        options = [" and ".join(describe_filter(f) for f in option) for option in group.options]
        dated = all(f.column.type in TEMPORAL_TYPES for option in group.options for f in option)
        out.append(_join(options, "and" if dated else "or"))  # "2023 and 2025", side by side
    for gone in draft.without:
        what = f"with no {table_label(gone.table).lower()}"
        where = [describe_filter(f) for f in gone.filters]
        out.append(f"{what} ({'; '.join(where)})" if where else what)
    if draft.none_of:
        # "which products had no orders yesterday": the groups with none of those rows.
        said = "; ".join(describe_filter(f) for f in draft.none_of)
        out.append(f"with no {table_label(draft.base).lower()} ({said})")
    return out


def title_of(vocab: Vocabulary, draft: Draft) -> str:
    """A tile title: "Average salary by location", "Top 5 products by revenue (2024)"."""
    if draft.records:
        listed = table_label(draft.base)
        if draft.limit and draft.record_order is not None:
            column, desc = draft.record_order
            first = "highest" if desc else "lowest"
            if column.type in ("date", "datetime"):
                first = "latest" if desc else "earliest"
            what = humanize(column.name).lower()
            if draft.limit == 1:  # "The employee with the latest hire date"
                listed = f"The {_singular(listed.lower())} with the {first} {what}"
            else:
                listed = f"{draft.limit} {listed.lower()} with the {first} {what}"
        parts = [describe_filter(f) for f in draft.filters] + describe_groups(draft)
        return f"{listed} ({'; '.join(parts)})" if parts else listed
    # The same measure asked twice ("on average, ... the average ...") is one column.
    measures = list(dict.fromkeys(measure_label(vocab, m, draft.dims) for m in draft.measures))
    if draft.part is not None and measures:
        part = describe_filter(draft.part)
        that = "in" if draft.part.column.type in TEMPORAL_TYPES else "that is"
        measures = [f"Percent of {measures[0][:1].lower() + measures[0][1:]} {that} {part}"]
    elif draft.ratio is not None and measures:
        top, bottom = (
            "all" if f is None else describe_filter(f) for f in draft.ratio
        )
        what = measures[0][:1].lower() + measures[0][1:]
        measures = [f"Ratio of {what}: {top} to {bottom}"]
    elif draft.sides is not None and measures:
        # "Revenue: Hardware against excluding Hardware"
        what = measures[0][:1].upper() + measures[0][1:]
        one, rest = (describe_filter(f) for f in draft.sides)
        measures = [f"{what}: {one} against {rest}"]
    elif draft.share and measures:
        measures = [f"Share of {measures[0][:1].lower() + measures[0][1:]}"]
    elif draft.cumulative and measures:
        measures = [f"Running total of {measures[0][:1].lower() + measures[0][1:]}"]
    dims = [dim_label(vocab, draft, d) for d in draft.dims]
    main = _join([measures[0], *(m[:1].lower() + m[1:] for m in measures[1:])])
    group = draft.limit_per
    if draft.none_of and dims:
        title = plural(dims[0])[:1].upper() + plural(dims[0])[1:]  # "Products with no sales"
    elif draft.limit and group is not None and len(dims) == 2 and measures and group in draft.dims:
        at = draft.dims.index(group)
        ranked, each = dims[1 - at], dims[at]
        what = measures[0][:1].lower() + measures[0][1:]
        if draft.limit == 1:
            best = "highest" if draft.order is not False else "lowest"
            if what.startswith(("highest ", "lowest ", "earliest ", "latest ")):
                best, what = what.split(" ", 1)  # "the highest salary", not "highest highest"
            title = f"{ranked[:1].upper()}{ranked[1:]} with the {best} {what} in each {each}"
        else:
            rank = "Top" if draft.order is not False else "Bottom"
            if what.startswith(("earliest ", "latest ")):
                rank, what = what.split(" ", 1)  # "Earliest 3 employees by hire date"
                rank = rank.capitalize()
            title = f"{rank} {draft.limit} {plural(ranked)} by {what} in each {each}"
    elif draft.limit and draft.order is not None and len(dims) == 1 and measures:
        rank = "Top" if draft.order else "Bottom"
        what = measures[0].lower()
        if draft.limit == 1:
            best = "highest" if draft.order else "lowest"
            title = f"{dims[0][:1].upper()}{dims[0][1:]} with the {best} {what}"
        else:
            title = f"{rank} {draft.limit} {plural(dims[0])} by {what}"
    elif draft.share_within is not None and len(dims) == 2 and draft.share:
        # "Share of revenue by category within each region"
        title = f"{main} by {dims[1]} within each {dims[0]}"
    elif dims:
        title = f"{main} by {_join(dims)}"
    else:
        title = main
    compared = compared_periods(draft)
    filters = [f for f in draft.filters if compared is None or f is not compared[0]]
    if compared is not None:
        title += f", {compared[1]} vs {compared[2]}"
    parts = [describe_filter(f) for f in filters] + describe_groups(draft)
    labels = [measure_label(vocab, m, draft.dims) for m in draft.measures]
    for h in draft.having:
        if h.measure < len(labels):
            value = int(h.value) if h.value == int(h.value) else h.value
            parts.append(f"{labels[h.measure].lower()} {_HAVING_WORDS[h.op]} {value:,}")
    return f"{title} ({'; '.join(parts)})" if parts else title


_HAVING_WORDS = {"gt": "over", "gte": "at least", "lt": "under", "lte": "at most", "eq": "=",
                 "neq": "not"}


_GRAIN_NOUNS = {"day": "day", "week": "week", "month": "month", "quarter": "quarter",
                "year": "year"}


def compared_periods(draft: Draft) -> tuple[DraftFilter | None, str, str] | None:
    """What a comparison (`draft.compare`) sets side by side, in words: (the date filter of
    the current period or None, "2025", "2024"), or "each month", "the month before"."""
    if draft.compare is None:
        return None
    timed = [d for d in draft.dims if d.grain is not None]
    dated = [
        f for f in draft.filters
        if f.column.type in TEMPORAL_TYPES and f.op in ("between", "gte", "lt")
    ]
    if timed:
        grain = _GRAIN_NOUNS[timed[0].grain or "month"]
        if draft.compare == "previous_year" and grain != "year":
            other = f"the same {grain} a year before"
        else:
            other = f"the {grain} before"
        return None, f"each {grain}", other
    if dated:
        values = dated[0].value if isinstance(dated[0].value, list) else [dated[0].value]
        start = _day(str(values[0]))
        end = _day(str(values[-1])) if dated[0].op == "between" else None
        if dated[0].op == "gte" and len(dated) > 1:
            last = _day(str(dated[1].value))
            end = last - dt.timedelta(days=1) if last else None
        if start is not None and end is not None:
            before = previous_period(start, end, draft.compare)
            return dated[0], describe_period(start, end), describe_period(*before)
    return None, "this period", "the one before"


def previous_period(start: dt.date, end: dt.date, to: str) -> tuple[dt.date, dt.date]:
    """The period a `compare` of [start, end] reads: the same dates a year before, or the
    period of the same length right before (whole months as whole months)."""
    if to == "previous_year":
        return _months_back(start, end, 12)
    whole = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    if whole:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return _months_back(start, end, months)
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


def _months_back(start: dt.date, end: dt.date, months: int) -> tuple[dt.date, dt.date]:
    return add_months(start, -months), add_months(end + dt.timedelta(days=1), -months) - (
        dt.timedelta(days=1)
    )


def filters_phrase(draft: Draft) -> str:
    """ " in Paris for Engineering in 2024": the filters as words, with a leading space."""
    out = []
    for f in draft.filters:
        text = describe_filter(f)
        if f.column.type in TEMPORAL_TYPES and f.op in ("between", "gte", "lte", "lt", "gt"):
            if " to " in text:
                text = f"from {text}"
            elif f.op == "between" and isinstance(f.value, list) and f.value[0] == f.value[-1]:
                text = f"on {text}"  # "on March 3, 2025"
            elif not text.startswith(("since", "until", "all")):
                text = f"in {text}"
        elif f.op in ("last", "this", "previous"):
            text = f"in {text}"  # "in the last 3 months of data"
        elif f.column.type == "boolean":
            text = f"({text} only)" if f.value is True else f"({text})"
        elif f.op in ("is_null", "is_not_null"):
            pass  # "with no manager" already says "with"
        elif f.column.type in NUMERIC_TYPES:
            text = f"with {text}"
        elif f.op in ("eq", "in"):
            text = f"{'in' if location_kind(f.column) else 'for'} {text}"
        out.append(text)
    for group, words in zip(draft.any_of, describe_groups(draft), strict=False):
        dated = all(
            f.column.type in TEMPORAL_TYPES for option in group.options for f in option
        )
        out.append(f"in {words}" if dated else f"for {words}")
    out += [words for words in describe_groups(draft)[len(draft.any_of) :]]
    return (" " + " ".join(out)) if out else ""


_CHART_PHRASES = {"map": "on a map", "pie": "as a pie chart", "donut": "as a donut chart",
                  "table": "as a table", "scatter": "as a scatter plot", "area": "as an area chart",
                  "bar_stacked": "as stacked bars", "bar_horizontal": "as horizontal bars",
                  "line": "as a line chart", "bar": "as a bar chart", "kpi": "as a single number"}


def describe_answer(
    vocab: Vocabulary, draft: Draft, chart: str, voice: Voice, *, chart_asked: bool
) -> str:
    """One sentence presenting the tile, in the voice of the context clues."""
    if draft.records and draft.limit is None:
        what = f"the {table_label(draft.base).lower()}{filters_phrase(draft)}"
        lead = {"friendly": "Sure! Here are", "formal": "Please find below"}.get(
            voice.tone, "" if voice.tone == "concise" else "Here are"
        )
        text = f"{lead} {what}" if lead else what[4:5].upper() + what[5:]
        return f"{text}."
    special = bool(draft.part is not None or draft.share or draft.cumulative or draft.compare)
    special = special or draft.ratio is not None or draft.sides is not None or bool(draft.none_of)
    if draft.records or special or draft.having or draft.limit_per is not None:
        title = title_of(vocab, draft)
        if voice.tone == "concise":
            return f"{title}."
        # "Here is the share of revenue by category.", "Here are the 10 sales with the ..."
        what = title if title[1:2].isupper() else title[:1].lower() + title[1:]
        what = what if what.startswith("the ") else f"the {what}"
        first = what.split()[1]
        several = first[:1].isdigit() or first in ("top", "bottom", "earliest", "latest") or (
            first.endswith("s") and not first.endswith("ss")
        ) or bool(draft.none_of)
        lead = {"friendly": "Sure! Here", "formal": "Please find below"}.get(voice.tone, "Here")
        verb = "" if voice.tone == "formal" else (" are" if several else " is")
        return f"{lead}{verb} {what}."
    measures = _join(list(dict.fromkeys(
        measure_label(vocab, m, draft.dims).lower() for m in draft.measures
    )))
    if draft.limit and draft.order is not None and len(draft.dims) == 1:
        what = title_of(vocab, Draft(base=draft.base, measures=draft.measures, dims=draft.dims,
                                     order=draft.order, limit=draft.limit))
        what = "the " + what[:1].lower() + what[1:]
    else:
        dims = [dim_label(vocab, draft, d) for d in draft.dims]
        what = "the " + measures + (f" by {_join(dims)}" if dims else "")
    first_word = what.split()[1] if len(what.split()) > 1 else ""
    several = what.startswith(("the top", "the bottom")) or (
        first_word.endswith("s") and not first_word.endswith("ss")
    )
    if voice.company and voice.tone != "concise" and not several:
        what = f"{voice.company}'s {what.removeprefix('the ')}"
    what += filters_phrase(draft)
    shown = f", {_CHART_PHRASES[chart]}" if chart_asked or chart in ("map", "pie", "donut") else ""
    if voice.tone == "friendly":
        return f"Sure! Here {'are' if several else 'is'} {what}{shown}."
    if voice.tone == "formal":
        return f"Please find below {what}{shown}."
    if voice.tone == "concise":
        what = what.removeprefix("the ")
        return f"{what[:1].upper()}{what[1:]}{shown}."
    return f"Here {'are' if several else 'is'} {what}{shown}."


_QUOTED = re.compile(r"(?<!\w)'(\S(?:[^\n]*?\S)?)'(?!\w)")


def typographic(text: str) -> str:
    """Words quoted 'like this' (the user's words, names) quoted \u201clike this\u201d, the one
    style of the engine's messages; apostrophes ("can't", "Acme's") stay as they are."""
    return _QUOTED.sub("\u201c\\1\u201d", text)


def cannot_answer(reason: str, voice: Voice, suggestion: str | None) -> str:
    """The reply when a question can't be charted, with one example that can."""
    reason = typographic(reason)
    example = f" For example: \u201c{suggestion}\u201d." if suggestion else ""
    if voice.tone == "friendly":
        return f"Sorry, I couldn't work that one out: {reason}.{example}"
    if voice.tone == "formal":
        return f"Unfortunately, this question cannot be answered from the available data: " \
               f"{reason}.{example}"
    if voice.tone == "concise":
        return f"Can't answer: {reason}.{example}"
    return f"I can't answer that from this data: {reason}.{example}"


def _table_ideas(vocab: Vocabulary, table: Table) -> list[str]:
    main = vocab.default_measure(table)
    visible = [c for c in table.columns if not c.hidden]

    def words(column: Column) -> str:
        return split_identifier(column.name).lower()

    categories = [
        c for c in visible
        if c.type == "string" and not location_kind(c)
        and 2 <= (vocab.cardinality(table, c) or 0) <= 12
    ]
    places = [c for c in visible if location_kind(c)]
    many = [
        c for c in visible
        if c.type == "string" and not is_identifier(table, c) and not location_kind(c)
        and (vocab.cardinality(table, c) or 0) > 12
    ]
    averaged = [c for c in visible if is_measure_like(table, c) and natural_agg(c) == "avg"]
    ideas = []
    if categories:
        ideas.append(f"{main.label} by {words(categories[0])}")
    if averaged and places:
        ideas.append(f"Average {words(averaged[0])} by {words(places[0])} as a map")
    if vocab.time_columns(table) and main.column is not None:
        ideas.append(f"{main.label} by month")
    if many:
        ideas.append(f"Top 5 {plural(words(many[0]))} by {main.label.lower()}")
    return ideas


def suggestions(vocab: Vocabulary, limit: int = 4) -> tuple[str, ...]:
    """Questions the built-in engine answers over this catalog, taking turns between tables."""
    ranked = sorted(
        vocab.tables,
        key=lambda t: (
            not vocab.measures_of(t),
            not vocab.time_columns(t),
            -len(t.foreign_keys),
        ),
    )
    per_table = [_table_ideas(vocab, t) for t in ranked]
    out: list[str] = []
    for turn in range(max((len(ideas) for ideas in per_table), default=0)):
        out.extend(ideas[turn] for ideas in per_table if turn < len(ideas))
    return tuple(dict.fromkeys(out))[:limit]
