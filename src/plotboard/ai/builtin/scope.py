"""Requests outside what the engine does, refused before the question is read.

* A write request: plotboard only reads. A message that *asks* to delete, insert, update,
  rename ... ("delete all sales from 2023", "update the salary of Bob to 90k") or to give
  someone a raise, bonus or promotion ("give everyone in Support a 10% raise") is refused,
  instead of being read as a chart of the rows it names. Follow-ups that only change the
  chart ("change it to a pie", "remove the filter", "drop Berlin") are not writes.
* A request to act rather than read ("send an email to everyone in HR", "translate the
  dashboard into Spanish", `ACTION_VERBS`), to convert the data into another currency or
  unit ("convert our revenue into yen", `CONVERT_VERBS`), or
  to predict ("predict our revenue for 2027", `FORECAST_WORDS`): the data holds what happened.
* A question about something the data can't hold: market data, stock and inventory,
  competitors, margins and profit (`OUTSIDE_WORDS`, unless the catalog itself has a phrase
  for the word), or a
  proper name (a capitalized word in the middle of a sentence, "Salesforce", "Apple's")
  that is nowhere in the data. Answering with the nearest tile would look right and be wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from plotboard.ai.builtin.english import WEATHER_WORDS
from plotboard.ai.builtin.text import Token

#: Verbs that change data whatever follows them.
WRITE_VERBS = frozenset({
    "delete", "erase", "wipe", "purge", "truncate", "insert", "update", "modify", "overwrite",
    "fire", "rename", "upsert", "deleting", "updating", "inserting",
})
#: Verbs that change data when their object is rows or a table ("remove all sales",
#: "add a new employee"), not when they change the chart ("remove the filter").
OBJECT_VERBS = frozenset({"remove", "drop", "clear", "add", "create"})
_WRITE_OBJECTS = frozenset({"all", "every", "table", "tables", "record", "records", "row",
                            "rows", "new", "entry", "entries", "database", "column"})
#: Verbs that change a value when a new value or an amount follows ("set the salary of
#: Bob to 90000", "increase salaries by 5 percent").
VALUE_VERBS = frozenset({"set", "change", "increase", "raise", "decrease", "cut", "lower",
                         "reduce", "bump", "double", "halve", "move", "transfer", "assign",
                         "promote", "demote", "mark"})
_CHART_WORDS = frozenset({"it", "this", "that", "chart", "graph", "view", "tile", "filter",
                          "filters", "pie", "bar", "line", "table", "kpi", "map", "sort",
                          "order", "limit", "grain", "period", "title", "colour", "color",
                          "breakdown"})
_GIFTS = frozenset({"raise", "rise", "bonus", "bonuses", "promotion", "pay", "salary"})
#: Words right before a gift that make it a figure asked for ("give the average salary").
_FIGURE_WORDS = frozenset({"average", "avg", "mean", "median", "total", "sum", "highest",
                           "lowest", "max", "maximum", "min", "minimum", "typical", "overall"})
_LEADS = frozenset({"please", "pls", "can", "could", "would", "will", "you", "kindly", "i",
                    "we", "want", "need", "to", "let", "s", "lets", "go", "ahead", "and",
                    "now", "just", "then", "ok", "okay", "also", "d", "like", "wanna"})

#: Things a question may be about that an analytics database of the organization's own
#: activity does not hold; refused unless the catalog has a phrase for the word.
OUTSIDE_WORDS: tuple[tuple[str, ...], ...] = (
    ("stock",), ("stocks",), ("inventory",), ("warehouse",), ("share", "price"),
    ("shares", "price"), ("stock", "price"), ("market", "cap"), ("market",
    "capitalization"), ("competitor",), ("competitors",), ("competition",), ("weather",),
    ("exchange", "rate"), ("nasdaq",), ("dow", "jones"), ("margin",), ("margins",),
    ("profit", "margin"), ("profit", "margins"), ("gross", "margin"), ("gross", "margins"),
    ("net", "margin"), ("net", "margins"), ("operating", "margin"),
    ("profit",), ("profits",), ("profitability",), ("cogs",), ("cost", "of", "goods"),
    ("costs", "of", "goods"), ("cost", "of", "sales"),
    # What a product cost us (a purchase, cost or wholesale price): sales rows hold the price
    # it was sold at ("the purchase price of the Laptop Pro" summed the selling prices).
    *((kind, price) for kind in ("purchase", "purchasing", "cost", "buying", "wholesale",
                                 "supplier", "landed")
      for price in ("price", "prices", "cost", "costs") if kind != "cost"),
    ("cost", "price"), ("cost", "prices"),
    # Leave and absence: "how much paid time off did Sales take" is not a salary question.
    ("time", "off"), ("pto",), ("paid", "leave"), ("sick", "leave"), ("sick", "days"),
    ("annual", "leave"), ("vacation",), ("vacations",), ("absence",), ("absences",),
    ("absenteeism",), ("holiday", "allowance"), ("parental", "leave"), ("maternity",),
    ("paternity",), ("sickness",), ("absent",), ("absentee",), ("absentees",), ("furlough",),
    ("furloughed",), ("furloughs",), ("on", "leave"), ("off", "sick"), ("out", "sick"),
    ("sick", "day"), ("called", "in", "sick"), ("calling", "in", "sick"),
    ("day", "off"), ("days", "off"), ("probation",), ("probationary",), ("on", "probation"),
    # Pensions and benefits: "what did we pay into pensions" is not a salary question.
    ("pension",), ("pensions",), ("superannuation",), ("retirement", "plan"),
    ("retirement", "plans"), ("retirement", "fund"), ("health", "insurance"),
    # The weather: "is it raining in Tokyo right now" is about no row of the data.
    *((word,) for word in sorted(WEATHER_WORDS)),
)
#: Asking for the future: the data only holds what happened.
FORECAST_WORDS = frozenset({
    "predict", "predicts", "predicted", "prediction", "predictions", "forecast", "forecasts",
    "forecasted", "forecasting", "projection", "projections", "extrapolate", "extrapolated",
})
#: Actions on people or systems that are not reading data ("send an email to ...",
#: "translate this dashboard into French", "print the chart", "write a poem").
ACTION_VERBS = frozenset({
    "send", "email", "mail", "notify", "remind", "invite", "schedule", "tweet", "ping",
    "translate", "print", "publish", "post", "forward", "call", "phone", "text", "message",
    "write", "compose", "draft", "book", "thank", "congratulate", "contact", "alert", "dm",
})
#: Nouns after an action verb that make it a noun of a thing asked about ("phone numbers",
#: "mail addresses", "call logs"), not an order to act.
_VERB_AS_NOUN = frozenset({"number", "numbers", "no", "nos", "address", "addresses", "log",
                           "logs", "list", "lists", "history", "records", "count", "counts",
                           "volume", "volumes", "extension", "extensions", "id", "ids",
                           "handle", "handles"})
#: What an action hands to people ("email the top earners a thank-you note", "give the best
#: sellers a voucher"): with one of these after its object, a verb the catalog also knows
#: ("email" as a column) or that also asks for data ("give") is the action.
_SENT_THINGS = frozenset({
    "note", "notes", "message", "messages", "thank", "thanks", "reminder", "reminders",
    "invite", "invites", "invitation", "invitations", "letter", "letters", "card", "cards",
    "gift", "gifts", "memo", "voucher", "vouchers", "congratulations", "kudos", "shoutout",
    "present", "presents", "greeting", "greetings", "survey", "meeting", "call",
})
_RECIPIENTS = frozenset({"the", "everyone", "everybody", "all", "each", "every", "them",
                         "those", "these", "our", "my", "him", "her", "anyone"})

_OUTSIDE_LONGEST = sorted(OUTSIDE_WORDS, key=len, reverse=True)

#: Verbs that ask for the data turned into another unit ("convert revenue into yen",
#: "express salaries in rupees"): nothing a query over the data's own amounts can do.
CONVERT_VERBS = frozenset({"convert", "converted", "converting", "converts", "conversion",
                           "exchange", "exchanged", "express", "expressed", "restate",
                           "restated"})
_INTO = frozenset({"into", "to", "in"})
#: What "convert ... to" may name without leaving the data: a chart, a period or a grain
#: ("convert it to a pie", "convert to monthly figures").
_CONVERT_TARGETS = frozenset({
    "pie", "donut", "doughnut", "bar", "bars", "column", "columns", "line", "lines", "area",
    "map", "table", "grid", "list", "kpi", "number", "scatter", "chart", "graph", "percent",
    "percentage", "percentages", "share", "shares", "day", "days", "daily", "week", "weeks",
    "weekly", "month", "months", "monthly", "quarter", "quarters", "quarterly", "year",
    "years", "yearly", "annual", "total", "totals", "average", "averages", "count", "running",
    "cumulative", "horizontal", "stacked", "single", "big", "it", "them", "that", "this",
    "thousand", "thousands", "million", "millions", "billion", "billions", "k", "m",
})
_ARTICLES = frozenset({"a", "an", "the", "our", "their", "its", "my"})


def write_request(tokens: Sequence[Token]) -> bool:
    """Whether the message asks to change data (see module docstring)."""
    words = [t.text for t in tokens if t.text != ","]
    i = 0
    while i < len(words) and words[i] in _LEADS:
        i += 1
    if i >= len(words):
        return False
    verb, rest = words[i], words[i + 1 :]
    if verb in WRITE_VERBS:
        return True
    if verb in OBJECT_VERBS:
        return any(w in _WRITE_OBJECTS for w in rest[:3]) and not any(
            w in _CHART_WORDS for w in rest[:3]
        )
    if verb in ("give", "grant", "award") and rest and rest[0] not in ("me", "us"):
        gift = next((k for k, w in enumerate(rest) if w in _GIFTS), None)
        # "give the average salary in Sales": a figure asked for, not pay given.
        return gift is not None and not (gift > 0 and rest[gift - 1] in _FIGURE_WORDS)
    if verb in VALUE_VERBS and rest and rest[0] not in _CHART_WORDS and not (
        rest[0] in ("to", "into", "as") or any(w in _CHART_WORDS for w in rest[:3])
    ):
        amount = any(w[:1].isdigit() or w in ("percent", "double") for w in rest)
        return amount and ("to" in rest or "by" in rest or verb in ("promote", "demote"))
    return False


def forecast_request(tokens: Sequence[Token], known: Callable[[tuple[str, ...]], bool]) -> bool:
    """Whether the message asks to predict or forecast (a word the catalog does not know)."""
    return any(t.text in FORECAST_WORDS and not known((t.stem,)) for t in tokens)


def action_request(tokens: Sequence[Token], known: Callable[[tuple[str, ...]], bool]) -> bool:
    """Whether the message asks to do something other than read data ("send an email to
    everyone in HR"); "send me the revenue by region" asks for data, and a verb the catalog
    knows ("email" as a column) is read as that."""
    words = [t.text for t in tokens if t.text != ","]
    i = 0
    while i < len(words) and words[i] in _LEADS:
        i += 1
    if i >= len(words):
        return False
    verb, rest = words[i], words[i + 1 :]
    if rest and rest[0] in _RECIPIENTS and (verb in ACTION_VERBS or verb == "give") and any(
        w in _SENT_THINGS for w in rest[2:]
    ):
        # "email the top 10 earners a thank-you note": something sent to people, even when
        # "email" is a column ("email the ..." with nothing sent is read as data).
        return True
    if verb not in ACTION_VERBS or known((verb,)):
        return False
    if rest and rest[0] in _VERB_AS_NOUN:
        return False  # "phone numbers of the Berlin staff", "call logs": a thing, asked for
    # "send me ...", "send over / through / across the averages": the data itself, sent here.
    return not rest or rest[0] not in ("me", "us", "over", "back", "through", "across", "along")


def conversion_request(
    tokens: Sequence[Token], known: Callable[[tuple[str, ...]], bool]
) -> str | None:
    """What a message asks the data converted into ("convert our revenue into yen",
    "salaries expressed in rupees"), when that is no chart, period or word of the data;
    None otherwise ("convert it to a pie", "convert to monthly")."""
    words = [t.text for t in tokens]
    for i, word in enumerate(words):
        if word not in CONVERT_VERBS:
            continue
        for j in range(i + 1, min(len(words), i + 7)):
            if words[j] not in _INTO:
                continue
            k = j + 1
            while k < len(words) and words[k] in _ARTICLES:
                k += 1
            if k >= len(words):
                break
            target = tokens[k]
            if target.text in _CONVERT_TARGETS or target.text[:1].isdigit():
                break
            if known((target.stem,)) or target.text in FORECAST_WORDS:
                break
            return target.text
    return None


#: Words after "holiday" that make it a time of year, not someone's leave ("the holiday
#: season", "holiday sales").
_HOLIDAY_TIMES = frozenset({
    "season", "seasons", "period", "periods", "rush", "peak", "quarter", "weekend", "weekends",
    "sale", "sales", "shopping", "trading", "month", "months", "week", "weeks", "campaign",
    "campaigns", "promo", "promotion", "special", "specials", "bundle", "bundles", "edition",
})
_BE = frozenset({"are", "is", "was", "were", "be", "been", "being", "s", "re"})


def _away_said(words: Sequence[str], i: int) -> bool:
    """ "how many people are away on their holidays", "who is on holiday", "staff away this
    week": someone's absence, which the data does not record ("holiday sales", "the holiday
    season" are a time of year)."""
    word = words[i]
    if word in ("holiday", "holidays", "hols"):
        return not (i + 1 < len(words) and words[i + 1] in _HOLIDAY_TIMES)
    return word == "away" and i > 0 and words[i - 1] in _BE


def outside_words(
    tokens: Sequence[Token], known: Callable[[tuple[str, ...]], bool]
) -> str | None:
    """The first phrase of `OUTSIDE_WORDS` in the message that the catalog does not know, or a
    word of someone's absence (`_away_said`)."""
    words = [t.text for t in tokens]
    for i in range(len(words)):
        for phrase in _OUTSIDE_LONGEST:
            if tuple(words[i : i + len(phrase)]) == phrase and not known(
                tuple(t.stem for t in tokens[i : i + len(phrase)])
            ):
                return " ".join(phrase)
        if _away_said(words, i) and not known((tokens[i].stem,)):
            return "absence" if words[i] == "away" else words[i]
    return None


def proper_names(original: str, unknown: Sequence[str]) -> list[str]:
    """Unknown words written with a capital in the middle of a sentence ("how much did
    Salesforce make"): names the data does not have. Words at the start of a sentence,
    all-capital words (acronyms such as "CFO") and "I" are not counted."""
    if not unknown:
        return []
    wanted = set(unknown)
    found: list[str] = []
    start = True
    for raw in original.replace("\u2019", "'").split():
        word = raw.strip("\"'()[]{}:;,!?.")
        core = word.split("'")[0]
        if core and not start and core[0].isupper() and not core.isupper() and (
            core.lower() in wanted
        ):
            found.append(core)
        start = raw.endswith((".", "!", "?", ":")) or not word
    return found
