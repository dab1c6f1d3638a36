"""Display names and template descriptions, written offline from names, types and profiles.

    >>> display_name("hire_date"), display_name("sales_region"), display_name("employee_id")
    ('Hire date', 'Sales region', 'Employee ID')
    >>> entity_of("employees"), entity_of("categories"), entity_of("sales")
    ('employee', 'category', 'sale')
    >>> format_number(238400.0), format_number(81651.05, rounded=True), format_number(0.125)
    ('238,400', '82,000', '0.125')

Descriptions quote data values (ranges, averages, examples) only when `quote_values` is True:
the caller decides, because a description is shown to every end user of the catalog, whatever
rows their access rules let them see. With `quote_values` False and no profile, the sentence
holds no data at all: `analyze.disclosure` serves that wording on tables with access rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from plotboard.analyze.profile import ColumnProfile, TableProfile
from plotboard.analyze.semantic import Detection, name_words
from plotboard.catalog.model import Column, Table
from plotboard.sources.values import JsonValue

ACRONYMS = {
    "id": "ID", "url": "URL", "uuid": "UUID", "ip": "IP", "sku": "SKU", "vat": "VAT",
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "api": "API", "kpi": "KPI", "hr": "HR",
    "iso": "ISO", "utc": "UTC", "gmv": "GMV", "arr": "ARR", "mrr": "MRR", "ltv": "LTV",
}  # fmt: skip
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}
_KEEP = ("ss", "us", "is", "news", "series", "status", "analysis", "data")
LIST_ALL_UP_TO = 8
EXAMPLES = 3


def display_name(name: str) -> str:
    """A column or table name as people write it: `hire_date` → "Hire date"."""
    words = [ACRONYMS.get(w, w) for w in name_words(name)] or [name]
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


def singular(word: str) -> str:
    """A crude English singular, good enough for table names."""
    lowered = word.lower()
    if lowered in _IRREGULAR:
        return _IRREGULAR[lowered]
    if lowered.endswith(_KEEP) or len(lowered) <= 3:
        return word
    if lowered.endswith("ies"):
        return word[:-3] + "y"
    if lowered.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if lowered.endswith("s"):
        return word[:-1]
    return word


def entity_of(table_name: str) -> str:
    """What one row of a table is: `employees` → "employee", `order_items` → "order item"."""
    words = name_words(table_name) or [table_name.lower()]
    return " ".join([*words[:-1], singular(words[-1])])


def format_number(value: float, *, rounded: bool = False) -> str:
    """A number for a sentence: thousands separators; `rounded` keeps 2 significant digits
    for large numbers (an average of 81,651.05 reads "82,000")."""
    if not math.isfinite(value):
        return str(value)
    if rounded and abs(value) >= 1000:
        digits = math.floor(math.log10(abs(value))) - 1
        value = round(value, -digits)
    elif rounded and value:
        value = float(f"{value:.3g}")
    if float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _value(value: JsonValue, semantic: str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if semantic == "percentage":
            return format_number(float(value)) + "%"
        return format_number(float(value))
    text = str(value)
    if semantic == "datetime" and len(text) >= 10:
        return text[:10]
    return text


@dataclass(frozen=True)
class Subject:
    """How a sentence names the column: "Salary of the employee", "Date of the sale"."""

    label: str  # "Salary", "Date"
    entity: str  # "employee"

    def of(self) -> str:
        return f"{self.label} of the {self.entity}" if self.entity else self.label


def subject(table: Table, column: Column) -> Subject:
    entity = entity_of(table.name)
    words = name_words(column.name)
    entity_words = entity.split()
    # `sale_date` in `sales`, `sales_region` too: "Date of the sale", "Region of the sale".
    if len(words) > len(entity_words) and [singular(w) for w in words[: len(entity_words)]] == [
        singular(w) for w in entity_words
    ]:
        words = words[len(entity_words) :]
    label = display_name("_".join(words))
    return Subject(label, entity)


def _values_phrase(profile: ColumnProfile, semantic: str) -> str:
    values = [v for v in profile.values() if v is not None]
    if not values or profile.distinct is None:
        return ""
    count = profile.distinct
    shown = [_value(v, semantic) for v in values]
    about = "about " if profile.distinct_estimated else ""
    if count <= LIST_ALL_UP_TO and len(shown) >= count:
        return f"{count} values: {', '.join(shown[:count])}"
    return f"{about}{count:,} distinct values such as {', '.join(shown[:EXAMPLES])}"


def _range_phrase(profile: ColumnProfile, semantic: str, *, average: bool) -> str:
    if profile.min is None or profile.max is None:
        return ""
    low, high = _value(profile.min, semantic), _value(profile.max, semantic)
    text = f"from {low} to {high}"
    if semantic in ("measure", "currency", "percentage"):
        text = f"ranges from {low} to {high}"
        if average and profile.avg is not None:
            avg = format_number(profile.avg, rounded=True)
            text += f", average {avg}{'%' if semantic == 'percentage' else ''}"
    return text


def _foreign_key_target(table: Table, column: Column) -> tuple[str, str] | None:
    for fk in table.foreign_keys:
        if column.name in fk.columns:
            ref = fk.ref_columns[fk.columns.index(column.name)]
            return fk.ref_table, ref
    return None


def _base_sentence(
    table: Table, column: Column, semantic: str, profile: ColumnProfile | None
) -> str:
    s = subject(table, column)
    words = name_words(column.name)
    if semantic == "identifier":
        if column.name in table.primary_key and len(table.primary_key) == 1:
            return f"Unique identifier of each {s.entity}"
        target = _foreign_key_target(table, column)
        label = s.label.removesuffix(" ID").strip() or s.label
        if target is not None:
            what = label.lower() if label != s.label else entity_of(target[0])
            return f"Identifier of the {what} of the {s.entity}; links to {target[0]}.{target[1]}"
        return f"{s.label}, an identifier of the {s.entity}"
    if semantic == "boolean" and words and words[0] in ("is", "has", "can", "was"):
        rest = " ".join(words[1:]) or column.name
        verb = {"is": "is", "has": "has", "can": "can", "was": "was"}[words[0]]
        return f"Whether the {s.entity} {verb} {rest}"
    kinds = {
        "currency": "an amount of money",
        "percentage": "a percentage",
        "boolean": "yes or no",
        "email": "an email address",
        "url": "a web address (URL)",
        "city": "a city",
        "country": "a country",
        "region": "a region",
        "latitude": "latitude in degrees",
        "longitude": "longitude in degrees",
        "postal_code": "a postal code",
        "location": "a place",
    }
    if semantic in ("date", "datetime") and len(words) >= 2 and words[-1] in ("on", "at", "date"):
        verb = words[-2]
        if verb.endswith("ed"):  # opened_on, created_at: "Date the office was opened"
            what = "Date" if semantic == "date" else "Date and time"
            return f"{what} the {s.entity} was {verb}"
    if semantic == "email":
        return f"Email address of the {s.entity}"
    kind = kinds.get(semantic)
    if kind and semantic.replace("_", " ") not in s.label.lower():
        return f"{s.of()}, {kind}"
    return s.of()


def describe_column(
    table: Table,
    column: Column,
    detection: Detection | None,
    profile: ColumnProfile | None,
    *,
    quote_values: bool,
) -> str:
    """One or two sentences about a column, e.g. "Salary of the employee, an amount of money;
    ranges from 13,400 to 347,500, average 82,000." Values appear only with `quote_values`."""
    semantic = detection.semantic_type if detection else "text"
    text = _base_sentence(table, column, semantic, profile)
    details: list[str] = []
    if quote_values and profile is not None and profile.error is None:
        if semantic in ("measure", "currency", "percentage", "date", "datetime"):
            details.append(_range_phrase(profile, semantic, average=True))
        elif semantic == "boolean" and profile.top_values:
            yes = sum(t.share for t in profile.top_values if t.value in (1, True, "true", "yes"))
            details.append(f"yes for {yes:.0%} of rows")
        elif semantic in ("category", "city", "country", "region"):
            details.append(_values_phrase(profile, semantic))
    if profile is not None and profile.non_null + profile.nulls > 0:
        if profile.non_null == 0:
            details.append("always empty")
        elif profile.null_fraction >= 0.01:
            details.append(f"empty in {profile.null_fraction:.0%} of rows")
    details = [d for d in details if d]
    return text + ("; " + "; ".join(details) if details else "") + "."


def describe_table(table: Table, profile: TableProfile | None, *, quote_values: bool) -> str:
    """A sentence about what the table holds and how it links to others."""
    entity = entity_of(table.name)
    text = f"One row per {entity}"
    if quote_values and profile is not None:
        text += f" ({profile.row_count:,} rows)"  # exact even when the profile was sampled
    links = [f"{fk.ref_table} through {', '.join(fk.columns)}" for fk in table.foreign_keys]
    if links:
        text += "; linked to " + " and ".join(links)
    return text + "."
