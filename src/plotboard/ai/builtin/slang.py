"""Shorthand, business slang and courtesy: a question as people type it, made plain.

The maintained lists below are applied before the question is read:

* `ABBREVIATIONS`: "rev by cat" -> "revenue by category", "avg sal by dept", "emps",
  "ppl", "hc", "yr", "qty", "mgr" ... A word the catalog itself knows (a column, table or
  value named "cat") keeps the catalog's meaning: catalog names win over this list.
* two-digit years where a year is meant: "q4 25", "march 24", "'24" -> 2025, 2024, 2024
  (always 20xx); "#" and "no. of" -> "number of".
* `COURTESY`: greetings, thanks, sign-offs and lead-ins ("I was wondering if you could help
  me figure out", "for our quarterly review") are dropped from the question; what was
  dropped is returned so that the answer can say it did not use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from plotboard.ai.builtin.casual import (
    CASUAL_PHRASES,
    CASUAL_WORDS,
    PARTICLES,
    PHRASE_TAILS,
    casual_said,
)
from plotboard.ai.builtin.lexer import REAL_WORDS, close_typo, edits
from plotboard.ai.builtin.numberwords import spoken_numbers
from plotboard.ai.builtin.slips import SOUNDALIKES
from plotboard.ai.builtin.text import NUMBER_WORDS, STOPWORDS, Token, parse_number, singular
from plotboard.ai.builtin.wordlists import (
    COMBINATIONS,
    CURRENCIES,
    MONEY,
    PAIRS,
    REVIEWS,
    TICKET_AVERAGES,
    TICKET_SIZES,
    TICKETS,
    alternation,
)

#: Shorthand and slang -> plain words. Keys are single folded words.
ABBREVIATIONS: dict[str, str] = {
    "rev": "revenue", "revs": "revenue", "cat": "category", "cats": "categories",
    "categ": "category", "sal": "salary", "sals": "salaries", "dept": "department",
    "depts": "departments", "dep": "department", "emp": "employee", "emps": "employees",
    "empl": "employee", "empls": "employees", "ppl": "people", "peeps": "people",
    "folks": "people",
    # A gamer's words for staff: a "noob" is a new hire, and one "spawns" when hired.
    "noob": "new hire", "noobs": "new hires", "n00bs": "new hires", "spawned": "hired",
    "qty": "quantity", "qtys": "quantities", "avg": "average",
    "avgs": "averages", "yr": "year", "yrs": "years", "mo": "month", "mos": "months",
    "mth": "month", "mths": "months", "wk": "week", "wks": "weeks", "hc": "headcount",
    "loc": "location", "locs": "locations", "tot": "total", "ttl": "total", "hw": "hardware",
    "whos": "who is", "mgr": "manager", "mgrs": "managers", "comp": "compensation",
    "num": "number", "nbr": "number", "cnt": "count", "amt": "amount", "pct": "percent",
    "perc": "percent", "perf": "performance", "prod": "product", "prods": "products",
    "reg": "region", "regs": "regions", "ctry": "country", "yoy": "year over year",
    "wut": "what", "wat": "what", "wot": "what", "r": "are", "sel": "sell",
    "u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks",
    "ty": "thanks", "w": "with", "wo": "without", "tx": "transactions",
    "everyone": "people", "everybody": "people", "anyone": "people", "staffers": "staff",
    "everything": "all",
    "mnth": "month", "mnths": "months", "mny": "many", "wrk": "work", "wrks": "works",
    "eng": "engineering", "fin": "finance", "mktg": "marketing", "ops": "operations",
    "earner": "paid person", "earners": "paid people", "boss": "manager", "bosses": "managers",
    "vps": "vp", "svps": "svp", "evps": "evp", "qtd": "quarter to date",
    "mom": "month over month", "qoq": "quarter over quarter",
    "weakest": "lowest", "strongest": "highest", "poorest": "lowest",
    "rgn": "region", "rgns": "regions", "sw": "software", "nyc": "new york",
    "dpt": "department", "dpts": "departments", "avrg": "average",
    "onsite": "not remote",
    "qtr": "quarter", "qtrs": "quarters", "qtrly": "quarterly", "mthly": "monthly",
    "svc": "service", "svcs": "services", "serv": "service", "servs": "services",
    "omit": "excluding", "ditch": "excluding", "skip": "excluding",
    # Support and service people: "support agents in Toronto".
    "agent": "employee", "agents": "employees",
    "aov": "average sale amount", "aovs": "average sale amounts", "topline": "revenue",
    "invoice": "invoiced", "heads": "headcount", "cheapest": "lowest",
    "priciest": "highest", "joiner": "new hire", "starter": "new hire",
    # Run-together and clipped spoken forms: "gimme", "lemme see", "evr".
    "gimme": "give me", "lemme": "let me", "wanna": "want to", "gotta": "need to",
    "evr": "ever", "eva": "ever",
    # A group of people said loosely: "the wfh crew", "sales squad".
    "newbie": "new hire", "newbies": "new hires", "swe": "software engineer",
    "swes": "software engineers",
    "crew": "people", "crews": "people", "squad": "people", "squads": "people",
    "crowd": "people", "holders": "people", "contingent": "people", "gang": "people",
    # Colloquial words for people: "any blokes in Sydney", "how many bods in Sales".
    "bloke": "person", "blokes": "people", "bods": "people", "bodies": "people",
    # The spreadsheet function said for a count: "countif rows where ...".
    "countif": "count",
    # Orders said from the warehouse: "shipments per day", "no shipments last week".
    "shipment": "order", "shipments": "orders",
    "billings": "revenue", "companywide": "",
    # Pay and size said loosely: "the fattest paycheck", "the leanest payslip".
    "paycheck": "salary", "paychecks": "salaries", "paycheque": "salary",
    "paycheques": "salaries", "payslip": "salary", "payslips": "salaries",
    "fattest": "highest", "heftiest": "highest", "leanest": "lowest", "slimmest": "lowest",
    # A shopping basket is one order: "avg basket", "baskets per month".
    "basket": "order", "baskets": "orders",
    # "which office houses the biggest team": has.
    "houses": "has", "housed": "had", "hosts": "has",
    # "lifetime revenue": over every date.
    "lifetime": "all time",
    # Countries said by their initials ("staff in UK"; "the US" is a phrase: "us" alone is
    # a pronoun).
    "uk": "united kingdom", "usa": "united states", "uae": "united arab emirates",
    # "the peak month", "peak salary": the highest.
    "peak": "highest", "peaks": "highest",
    # Points of the compass as adjectives: "the southern region" (a catalog value "Southern"
    # keeps its own meaning).
    "northern": "north", "southern": "south", "eastern": "east", "western": "west",
    # "worldwide headcount": everywhere, no filter.
    "worldwide": "", "globally": "",
    # "the item inside every category": in.
    "inside": "in",
    # "2024 leaderboard: which 5 reps ...": a ranking.
    "leaderboard": "top", "leaderboards": "top",
    # "our three record months": the top ones; "units accumulating": a running total.
    "record": "top", "accumulate": "cumulative", "accumulated": "cumulative",
    "accumulating": "cumulative", "accumulates": "cumulative",
    # "a null manager_id": none; "summed progressively": a running total.
    "null": "no", "progressively": "cumulative", "cumulatively": "cumulative",
    # Full-time equivalents are the people counted; gross merchandise value and proceeds are
    # the money taken in; trailing / last twelve months.
    "fte": "employee", "ftes": "employees", "gmv": "revenue", "proceeds": "revenue",
    "ttm": "last 12 months", "ltm": "last 12 months",
    # No fiscal calendar in the data: a fiscal year is read as the calendar one, and said
    # ("fy25" is 2025 before this list). ASP: the average selling (unit) price.
    "fy": "year", "asp": "average unit price",
    # A bestseller is a product that sells best (not the best seller on the team).
    "bestseller": "best selling product", "bestsellers": "best selling products",
    # "teams with under 20 members": the people in them; "payed": paid, as often typed.
    "member": "person", "members": "people", "payed": "paid",
    # "every country and department combination": each pair, a breakdown by both (the
    # words of `wordlists.COMBINATIONS`, read as nothing more).
    **dict.fromkeys(COMBINATIONS, ""),
    # A sales territory said short; last year / quarter / month by their initials ("rev
    # ly", "deals lq"); "prev" for previous.
    "terr": "territory", "terrs": "territories", "territ": "territory",
    "ly": "last year", "lq": "last quarter", "lm": "last month", "prev": "previous",
    # "analyse the average salary per title": show it (not the analysts).
    "analyse": "", "analyze": "",
    # Transactions said short ("q3 txns per region"); "rn": right now; an office said short
    # ("ofc hc breakdown"); colleagues as some companies call them ("our collaborators").
    "txn": "transaction", "txns": "transactions", "rn": "now", "ofc": "office",
    "ofcs": "offices", "collaborator": "employee", "collaborators": "employees",
    # Colloquial British and Irish words for the people on the team ("how many chaps in
    # Berlin", "the Toronto lads"); several organisations or divisions are the departments
    # ("headcount by org" and "the Sales division": see `_ROW_NOUNS`).
    "chap": "person", "chaps": "people", "lad": "person", "lads": "people",
    "lass": "person", "lasses": "people",
    "orgs": "departments", "divisions": "departments",
    # Money said as slang in British and NZ English ("how much dosh", "the bread we made"):
    # the money taken in, as `wordlists.MONEY` is, unless the catalog knows the word (a
    # bakery's "Bread").
    "dosh": "revenue", "bread": "revenue",
    # Men and people said loosely ("how many guys in Paris"; "sales guys" and "you guys" are
    # phrases); "outta" is "out of"; "the GOAT seller" is the top one.
    "guy": "person", "guys": "people", "outta": "out of", "goat": "top",
    # "which months cracked 7.5 million": went past it.
    "cracked": "exceeded", "cracks": "exceeds", "crack": "exceed",
    # A Brazilian's English: "percentual" (percentage), "faturamento" and "billing" (the
    # money invoiced), "collaborators" / "colaborators" (the staff), "campeão" (the top one).
    "percentual": "percentage", "faturamento": "revenue", "billing": "revenue",
    "colaborators": "employees", "colaborator": "employee", "campeao": "top",
    # A busy manager's shorthand: "yday" (yesterday), "last fri", "histo" (histogram), "cum
    # rev" (cumulative revenue); typed letters dropped or doubled: "sze", "ofice".
    "yday": "yesterday", "fri": "friday", "thurs": "thursday", "histo": "histogram",
    "cum": "cumulative", "sze": "size", "ofice": "office", "ofices": "offices",
    # A real-estate agent's sales: "closings" (the deals closed); a territory is a region.
    "closings": "sales", "territory": "region", "territories": "regions",
}
#: Nouns that name a table's rows or a group in one context and something else in another:
#: "line" and "lines" are order lines ("lines shipped last week", "units per line", "the
#: line count") but a chart elsewhere ("as lines", "a line chart", "product lines", "line by
#: line"); "org" and "division" are a department after "by", "per", "each", "which" or a
#: value ("headcount per org", "the Sales division") but the whole company in "across the
#: org". Each maps to (plain word, words after which it is read, words it needs next, if
#: it is not after one of those).
_ROW_NOUNS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "lines": ("orders", frozenset(), frozenset()),
    "line": ("order", frozenset({"per", "every", "each", "any", "single"}),
             frozenset({"count", "counts", "quantity", "quantities", "volume", "volumes",
                        "total", "totals"})),
    "org": ("department", frozenset({"by", "per", "each", "every", "which", "what", "one"}),
            frozenset()),
    "division": ("department", frozenset({"by", "per", "each", "every", "which", "what",
                                          "one"}), frozenset()),
}
#: Words before "line(s)" that make it a chart, a product range or a reporting line.
_NOT_ROW_AFTER = frozenset({
    "as", "in", "with", "a", "draw", "plot", "using", "use", "two", "multiple", "separate",
    "several", "product", "products", "business", "bottom", "top", "front", "phone", "supply",
    "reporting", "dotted", "trend", "it", "that", "to", "into", "them", "those", "these",
    "straight", "chart", "graph", "assembly", "production", "order", "sale", "sales",
})
#: Words after "line(s)" that make it a chart ("line chart", "line by line", "lines of code").
_NOT_ROW_BEFORE = frozenset({
    "chart", "charts", "graph", "graphs", "plot", "plots", "by", "of", "manager", "managers",
    "diagram", "diagrams",
})


def _row_noun(words: Sequence[str], i: int, known: Callable[[str], bool]) -> str | None:
    """The plain word for a row noun at `words[i]` ("lines" -> "orders", "per org" ->
    "per department") when its context makes it one (see `_ROW_NOUNS`), or None."""
    rule = _ROW_NOUNS.get(words[i])
    if rule is None:
        return None
    plain, after, before = rule
    prev = words[i - 1] if i else ""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if words[i].startswith("line"):
        if prev in _NOT_ROW_AFTER or nxt in _NOT_ROW_BEFORE:
            return None
        if not after and not before:
            return plain
        return plain if prev in after or nxt in before else None
    # "org", "division": after a word that asks for groups, or after a value ("the Sales org").
    valued = bool(prev) and prev not in STOPWORDS and known(singular(prev))
    return plain if prev in after or valued else None

_COURTESY_WORDS = PARTICLES | frozenset({
    "u", "ur", "wut", "wat", "wot", "r", "pls", "plz", "thx", "ty", "whos", "w", "wo", "gimme",
    "lemme", "wanna", "gotta", "kindly", "sasa", "nha"})

#: Phrases of several words -> plain words (matched on folded words).
PHRASES: dict[tuple[str, ...], str] = {
    ("sales", "guy"): "salesperson", ("sales", "guys"): "salespeople",
    ("sales", "rep"): "salesperson", ("sales", "reps"): "salespeople",
    ("sales", "people"): "salespeople", ("no", "of"): "number of",
    ("work", "from", "home"): "remote", ("working", "from", "home"): "remote",
    # "engineers on remote contracts", "on a remote basis": remote.
    ("remote", "contract"): "remote", ("remote", "contracts"): "remote",
    ("remote", "basis"): "remote", ("remote", "arrangement"): "remote",
    # "working remote from home", "remotely from their homes": said twice, remote.
    ("remote", "from", "home"): "remote", ("remotely", "from", "home"): "remote",
    ("remote", "from", "their", "homes"): "remote", ("remotely", "from", "their", "homes"):
    "remote",
    ("remote", "arrangements"): "remote",
    # "our vice presidents": the VP titles.
    ("vice", "president"): "vp", ("vice", "presidents"): "vp",
    ("senior", "vice", "president"): "svp", ("senior", "vice", "presidents"): "svp",
    ("executive", "vice", "president"): "evp", ("executive", "vice", "presidents"): "evp",
    ("office", "based"): "not remote", ("on", "site"): "not remote",
    ("in", "the", "office"): "not remote",
    ("deal", "size"): "sale amount", ("deal", "sizes"): "sale amounts",
    ("deal", "value"): "sale amount", ("deal", "values"): "sale amounts",
    ("order", "value"): "sale amount", ("order", "values"): "sale amounts",
    ("order", "size"): "sale amount", ("order", "sizes"): "sale amounts",
    ("sale", "size"): "sale amount", ("sale", "sizes"): "sale amounts",
    ("email", "addresses"): "emails",
    ("email", "address"): "email", ("e", "mail", "addresses"): "emails",
    ("per", "head"): "per employee",
    # Texan: "pullin' down 180k" is earning it ("top dog": below).
    ("pulling", "down"): "earning", ("pullin", "down"): "earning",
    # "show me every one of the staff in ...": all of them, listed.
    ("every", "one", "of"): "all",
    ("line", "manager"): "manager", ("line", "managers"): "managers",
    ("direct", "manager"): "manager", ("reporting", "line"): "manager",
    ("nobody", "above", "them"): "no manager", ("no", "one", "above", "them"): "no manager",
    ("nobody", "above"): "no manager", ("no", "one", "above"): "no manager",
    ("report", "to", "no", "one"): "have no manager",
    ("reports", "to", "no", "one"): "has no manager",
    ("report", "to", "nobody"): "have no manager", ("reports", "to", "nobody"): "has no manager",
    ("order", "line"): "order", ("order", "lines"): "orders",
    ("line", "item"): "order", ("line", "items"): "orders",
    ("big", "apple"): "new york",
    ("fiscal", "year"): "year", ("fiscal", "years"): "years", ("financial", "year"): "year",
    ("fiscal", "quarter"): "quarter", ("fiscal", "quarters"): "quarters",
    # "team members per office", "members of staff": the people.
    ("team", "member"): "employee", ("team", "members"): "employees",
    ("member", "of", "staff"): "employee", ("members", "of", "staff"): "employees",
    # Weighing one thing against another: "how did Q3 stack up against Q2".
    ("stack", "up", "against"): "vs", ("stacks", "up", "against"): "vs",
    ("stack", "up", "to"): "vs", ("stacks", "up", "to"): "vs",
    ("measure", "up", "against"): "vs", ("measures", "up", "against"): "vs",
    ("stack", "up", "with"): "vs", ("compare", "against"): "vs",
    # "salary burn", "payroll bill": the payroll; "summed up", "added up": the total.
    ("salary", "budget"): "payroll", ("pay", "budget"): "payroll", ("wage", "budget"): "payroll",
    ("payroll", "budget"): "payroll", ("salaries", "budget"): "payroll",
    ("right", "now"): "now", ("as", "of", "now"): "now", ("at", "the", "moment"): "now",
    # "order volume", "deal volume": how many (not units); "volume in units": the units.
    ("order", "volume"): "number of orders", ("orders", "volume"): "number of orders",
    ("deal", "volume"): "number of deals", ("transaction", "volume"): "number of transactions",
    ("volume", "in", "units"): "units", ("unit", "volume"): "units",
    # "orders piling up", "hires building up": a running total.
    ("piling", "up"): "cumulative", ("piled", "up"): "cumulative", ("pile", "up"): "cumulative",
    ("building", "up"): "cumulative", ("built", "up"): "cumulative",
    # "what do we charge per unit": the unit price.
    ("charge", "per", "unit"): "unit price", ("charged", "per", "unit"): "unit price",
    ("charge", "a", "unit"): "unit price", ("charge", "per", "item"): "unit price",
    # "how many orders at each size": in each band.
    ("at", "each", "size"): "in each band", ("of", "each", "size"): "in each band",
    ("each", "size"): "each band",
    # "keep Software and Services, drop the rest": only those.
    ("drop", "the", "rest"): "", ("and", "drop", "the", "rest"): "",
    ("remove", "the", "rest"): "", ("lose", "the", "rest"): "",
    # "the total amount of sales", "value of sales": the money taken in (not the Sales team).
    ("total", "amount", "of", "sales"): "revenue", ("amount", "of", "sales"): "revenue",
    ("value", "of", "sales"): "revenue", ("total", "value", "of", "sales"): "revenue",
    ("together", "with"): "with", ("along", "with"): "with",
    ("count", "them"): "count", ("count", "those"): "count", ("count", "these"): "count",
    ("salary", "burn"): "payroll", ("payroll", "burn"): "payroll", ("pay", "burn"): "payroll",
    ("payroll", "bill"): "payroll", ("pay", "bill"): "payroll",
    ("summed", "up"): "total", ("added", "up"): "total", ("totalled", "up"): "total",
    ("gross", "bookings"): "revenue", ("gross", "revenue"): "revenue",
    ("gross", "takings"): "revenue",
    ("total", "count"): "count", ("total", "counts"): "counts",
    # "our sales records", "the order rows": the rows of that table (not the Sales team).
    ("sales", "records"): "orders", ("sales", "rows"): "orders", ("sales", "entries"): "orders",
    ("sale", "records"): "orders", ("order", "records"): "orders", ("order", "rows"): "orders",
    # "most crowded office": the most people; "the least crowded": the fewest.
    ("most", "crowded"): "highest headcount", ("least", "crowded"): "lowest headcount",
    ("more", "crowded"): "higher headcount", ("less", "crowded"): "lower headcount",
    ("most", "populated"): "highest headcount", ("least", "populated"): "lowest headcount",
    # "which products were ordered most often": with the most orders.
    ("ordered", "most", "often"): "with the most orders",
    ("ordered", "least", "often"): "with the fewest orders",
    ("bought", "most", "often"): "with the most orders",
    ("sold", "most", "often"): "with the most orders",
    ("sale", "line"): "order", ("sale", "lines"): "orders",
    ("sales", "line"): "order", ("sales", "lines"): "orders",
    ("staff", "members"): "staff", ("staff", "member"): "staff",
    ("pay", "level"): "salary band", ("pay", "levels"): "salary bands",
    ("salary", "range"): "salary band", ("salary", "ranges"): "salary bands",
    ("pay", "band"): "salary band", ("pay", "bands"): "salary bands",
    ("a", "head"): "per employee", ("per", "capita"): "per employee",
    ("direct", "reports"): "employees", ("direct", "report"): "employee",
    ("top", "line", "revenue"): "revenue", ("top", "line"): "revenue",
    ("team", "size"): "headcount", ("team", "sizes"): "headcount",
    # "the Sales department's size", "the team's size": its headcount.
    **{(group, "s", size): f"{group} headcount"
       for group in ("team", "department", "dept", "office", "site", "division", "branch",
                     "location")
       for size in ("size", "headcount")},
    # "cut it down to", "trim that down, just the top 5", "whittle the list down to": only
    # what follows (a verb of making the last answer smaller).
    **{(verb, *obj, *tail): "only"
       for verb in ("cut", "trim", "pare", "whittle", "slim")
       for obj in ((), ("it",), ("that",), ("this",), ("them",), ("those",), ("these",),
                   ("the", "list"), ("the", "chart"), ("the", "table"))
       for tail in (("down", "to"), ("down",), ("to",))
       if obj or tail != ("to",) or verb == "trim"},
    ("order", "it"): "sort it", ("order", "them"): "sort them",
    ("order", "that"): "sort that", ("order", "this"): "sort this",
    ("hiring", "volume"): "number of hires", ("hire", "volume"): "number of hires",
    ("hires", "volume"): "number of hires", ("hiring", "volumes"): "number of hires",
    # "on the payroll", "on our books": employed, which every row of a people table is.
    ("on", "the", "payroll"): "", ("on", "our", "payroll"): "", ("on", "payroll"): "",
    ("on", "the", "books"): "", ("on", "our", "books"): "",
    ("in", "terms", "of"): "by",
    # "the top dog seller", "who's top dog": the first one.
    ("top", "dog"): "top", ("top", "dogs"): "top",
    # "which category led on revenue", "the region that topped the table in units": the
    # verbs of coming first, on a measure: the highest of it.
    # ("led by", "leads in", "heads": other meanings, not read so.)
    **{(verb, on): "had the highest"
       for verb in ("led", "topped", "tops") for on in ("on", "in", "for")},
    ("leads", "on"): "has the highest",
    **{(verb, "the", board, *on): "had the highest"
       for verb in ("led", "leads", "topped", "tops")
       for board in ("table", "tables", "charts", "chart", "rankings", "ranking", "pack",
                     "field", "list")
       for on in (("on",), ("in",), ("for",), ("by",), ())},
    # "our longest-serving employee": the one hired first; "the newest joiner": last.
    ("longest", "serving"): "earliest hired", ("longest", "tenured"): "earliest hired",
    # "who has the longest tenure (with us)": hired first; "the shortest tenure": last.
    **{(*has, "the", length, tenure): f"{'was ' if has else ''}hired {when}"
       for has in (("has",), ("have",), ("had",), ())
       for length, when in (("longest", "first"), ("shortest", "last"))
       for tenure in ("tenure", "service")},
    ("longest", "tenure"): "earliest hired",
    # "rank the offices on average salary ... and stop at four": by it, the top 4.
    ("stop", "at"): "top", ("stopping", "at"): "top", ("cut", "off", "at"): "top",
    # "who has been with us (the) longest", "been here longest": hired first.
    **{(*been, *where, *the, "longest"): "earliest hired"
       for been in (("been",), ("worked",), ("stayed",))
       for where in (("with", "us"), ("here",), *(
           (at, "the", org) for at in ("at", "with")
           for org in ("company", "organisation", "organization", "firm", "business")))
       for the in (("the",), ())},
    ("shortest", "serving"): "latest hired",
    # "the total number of orders", "total count of hires": how many (not a sum and a count).
    ("total", "number", "of"): "number of", ("total", "count", "of"): "count of",
}
# "how much did Accessories rake in", "the regions raking in most": the money taken in, as
# with "bring in" (not only after "we").
PHRASES.update({
    (rake, "in"): plain
    for rake, plain in (("rake", "bring in"), ("rakes", "brings in"), ("raked", "brought in"),
                        ("raking", "bringing in"))
})
# "the top 5 of em", "sort em by revenue", "eyeball em": "them" clipped, after a word that
# takes an object ("for EM" may be a value's initials, and stays unread).
PHRASES.update({
    (before, "em"): f"{before} them"
    for before in ("of", "to", "at", "on", "between", "among", "all", "sort", "rank", "show",
                   "list", "give", "compare", "eyeball", "chuck", "put", "split", "break",
                   "group", "plot", "chart", "order", "see", "count", "trim", "cut", "get")
})
# "you guys", "hey guys": the people spoken to, not employees.
PHRASES.update({(said, guys): keep for said, keep in (("you", "you"), ("u", "you"),
                                                     ("hey", ""), ("hi", ""), ("thanks", ""))
                for guys in ("guys", "guyz")})
# "what slice of the staff", "the slice of revenue": a share of it ("slice by region" stays
# a breakdown).
PHRASES.update({
    (*lead, slice_): f"{' '.join(lead)} share".strip()
    for lead in (("what",), ("which",), ("the",), ("a",), ("our",), ("their",), ("its",))
    for slice_ in ("slice", "slices")
})
# "people on the payroll", "staff on our books": how many people there are.
PHRASES.update({
    (who, "on", *the, books): "headcount"
    for who in ("people", "ppl", "staff", "employees", "workers", "folks", "everyone")
    for the in (("the",), ("our",), ())
    for books in ("payroll", "books")
})
# "how much people", "how much orders": how many (a count, not an amount).
PHRASES.update({
    ("how", "much", noun): f"how many {noun}"
    for noun in ("people", "ppl", "employees", "staff", "workers", "orders", "deals",
                 "transactions", "offices", "hires", "products", "customers")
})
#: The months in order, for "month 7" (July).
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
#: Words for the one someone reports to ("don't report to any supervisor").
_BOSSES = (("manager",), ("boss",), ("supervisor",), ("superior",), ("line", "manager"))
# "w/o a manager" (tokens "w", "o"): without; "no reporting manager": no manager.
PHRASES.update({("w", "o"): "without", ("reporting", "manager"): "manager",
                ("reporting", "managers"): "managers"})
# "revenue in month 7", "compare month 6 with month 5": the month of that number (July,
# June, May); only after a word that leads a period, so "each month 5 top products" stays.
PHRASES.update({
    (lead, "month", number): f"{lead} {name}"
    for lead in ("in", "of", "for", "during", "with", "vs", "versus", "and", "to", "from",
                 "than", "over", "against", "compare", "until", "through", "since")
    for number, name in (
        *((str(n), name) for n, name in enumerate(_MONTH_NAMES, start=1)),
        *((f"0{n}", name) for n, name in enumerate(_MONTH_NAMES[:9], start=1)),
    )
})
# "calendar month", "calendar year": the month, the year.
PHRASES.update({
    ("calendar", grain): grain
    for grain in ("year", "years", "quarter", "quarters", "month", "months", "week", "weeks")
})
# "not reporting to anyone", "reporting to nobody": without a manager.
PHRASES.update({
    (*lead, "to", nobody): "with no manager"
    for lead in (("not", "reporting"), ("reporting",))
    for nobody in ("anyone", "anybody", "nobody", "no one")
    if (lead[0] == "not") != (nobody in ("nobody", "no one"))
})
# "the people nobody manages", "staff no one supervises": without a manager; "who report to
# someone", "reporting to somebody": with one.
PHRASES.update({
    (*nobody, verb): "with no manager"
    for nobody in (("nobody",), ("no", "one"), ("noone",))
    for verb in ("manages", "managed", "supervises", "oversees", "leads")
})
PHRASES.update({
    (verb, *to, *someone.split()): "have a manager"
    for verb in ("report", "reports", "reporting", "reported")
    for to in (("to",), ("into",), ("up", "to"), ("in", "to"))
    for someone in ("someone", "somebody", "a manager", "a boss", "a line manager",
                    "a supervisor", "a superior")
})
# "who's at the top of the org chart", "the top of our hierarchy": nobody above them.
PHRASES.update({
    ("top", "of", *the, *org, chart): "with no manager"
    for the in (("the",), ("our",), ())
    for org in (("org",), ("organisation",), ("organization",), ("company",), ())
    for chart in ("chart", "hierarchy", "tree", "pyramid")
    if len(the) + len(org) + 3 <= 5
})
# "the employees that have nobody they report to", "no one he answers to": no manager.
PHRASES.update({
    (*nobody, who, verb, "to"): "no manager"
    for nobody in (("nobody",), ("noone",), ("no", "one"))
    for who in ("they", "he", "she")
    for verb in ("report", "reports", "answer", "answers")
})
# "running total since we started", "revenue since day one": every date (all time);
# "since the start" is left to the period reader ("since the start of 2022").
PHRASES.update({
    ("since", *start): "for all time"
    for start in (("we", "started"), ("we", "began"), ("we", "opened"), ("we", "launched"),
                  ("we", "started", "out"), ("day", "one"), ("inception",))
})
# "amount ranges", "price range": bands of a number (a distribution); "in each range".
PHRASES.update({
    (word, ranges): f"{word} {bands}"
    for word in ("amount", "amounts", "price", "prices", "order", "sale", "deal", "revenue",
                 "quantity", "rating")
    for ranges, bands in (("range", "band"), ("ranges", "bands"), ("bracket", "band"),
                          ("brackets", "bands"))
})
PHRASES.update({(each, "range"): f"{each} band" for each in ("each", "every", "per")})
# "through the months", "across the years": month by month.
PHRASES.update({
    (through, "the", f"{grain}s"): f"by {grain}"
    for through in ("through", "across", "throughout")
    for grain in ("day", "week", "month", "quarter", "year")
})
# Countries said by their initials: "outside the US", "staff in the UK".
PHRASES.update({
    (*the, short): name
    for the in (("the",), ())
    for short, name in (("usa", "united states"), ("uk", "united kingdom"),
                        ("uae", "united arab emirates"))
})
PHRASES.update({("the", "us"): "the united states", ("the", "states"): "the united states"})
PHRASES.update({("is", "managed", "by", "nobody"): "has no manager",
                ("are", "managed", "by", "nobody"): "have no manager",
                ("managed", "by", "nobody"): "with no manager"})
# "leave out Services", "leaving off Berlin": without it.
PHRASES.update({(leave, out): "excluding" for leave in ("leave", "leaving") for out in ("out",
                                                                                       "off")})
# "dollar sales", "sales dollars": the money taken in.
PHRASES.update({
    ("dollar", "sales"): "revenue", ("dollar", "sale"): "revenue", ("sales", "dollars"): "revenue",
    ("dollar", "volume"): "revenue", ("dollar", "value", "of", "sales"): "revenue",
})
# "review ratings", "appraisal scores": the rating.
PHRASES.update({
    (review, rating): "ratings" if rating.endswith("s") else "rating"
    for review in REVIEWS
    for rating in ("rating", "ratings", "score", "scores", "grade", "grades")
})
# "with no manager above them", "nobody to report to": no manager.
PHRASES.update({
    ("no", boss, "above", *them): "no manager"
    for boss in ("manager", "boss", "supervisor", "superior")
    for them in (("them",), ("him",), ("her",), ("it",), ())
})
PHRASES.update({
    (*nobody, "to", verb, *to): "no manager"
    for nobody in (("nobody",), ("noone",), ("no", "one"))
    for verb in ("report", "answer")
    for to in (("to",), ())
})
# "who doesn't report to anyone", "people that do not answer to anybody", "staff who don't
# report to any manager" (not "not a Manager by title"): no manager.
PHRASES.update({
    (*neg, verb, "to", *anyone): "have no manager"
    for neg in (("doesn", "t"), ("don", "t"), ("didn", "t"), ("does", "not"), ("do", "not"))
    for verb in ("report", "answer")
    for anyone in (("anyone",), ("anybody",), *((det, *boss) for det in ("any", "a")
                                                for boss in _BOSSES))
})
# "staff who do not have manager", "people that don't have a boss", "who doesn't have any
# supervisor": no manager (not "not a Manager by title").
PHRASES.update({
    (*neg, "have", *det, *boss): "have no manager"
    for neg in (("doesn", "t"), ("don", "t"), ("does", "not"), ("do", "not"))
    for det in (("a",), ("any",), ())
    for boss in _BOSSES
})
PHRASES.update({
    (*lead, "to", det, *boss): "with no manager"
    for lead in (("not", "reporting"), ("not", "answering"))
    for det in ("any", "a")
    for boss in _BOSSES
})
# "people without any manager": no manager (not "not a Manager by title").
PHRASES.update({
    ("without", "any", *boss): "with no manager"
    for boss in (("manager",), ("boss",), ("supervisor",), ("line", "manager"))
})
# "since records began", "since forever": every date (all time); "since the beginning" is
# left to the period reader ("since the beginning of the quarter").
PHRASES.update({
    ("since", *start): "for all time"
    for start in (("records", "began"), ("records", "started"), ("records", "begin"),
                  ("forever",), ("the", "dawn", "of", "time"))
})
# "the top salary holder": the highest paid person.
PHRASES.update({("salary", "holder"): "paid person", ("salary", "holders"): "paid people",
                ("pay", "holder"): "paid person", ("pay", "holders"): "paid people"})
# "avg ticket", "the typical basket size", "mean ticket per order", "ticket size": the amount
# of a sale (`wordlists.TICKETS`; a catalog with tickets of its own keeps them, see
# `_CATALOG_FIRST`).
PHRASES.update({
    (avg, ticket, *size, *per): "average sale amount"
    for avg in TICKET_AVERAGES
    for ticket in TICKETS
    for size in ((), *((s,) for s in TICKET_SIZES))
    for per in ((), *((lead, sale) for lead in ("per",)
                      for sale in ("order", "sale", "deal", "transaction")),
                *((lead, a, sale) for lead in ("of", "for", "on") for a in ("a", "an")
                  for sale in ("order", "sale", "deal", "transaction")))
})
PHRASES.update({("ticket", "size"): "sale amount", ("ticket", "sizes"): "sale amounts"})
# "the medium ticket" (a Brazilian's "ticket médio"): the average sale amount.
PHRASES.update({("medium", "ticket"): "average sale amount"})
# "better reviews", "the mean review", "worst appraisals": the rating (not "scored 4 on their
# review", where the review is where the rating was given).
PHRASES.update({
    (how, review, *score): f"{how} rating{'s' if (score or (review,))[-1].endswith('s') else ''}"
    for how in ("avg", "average", "mean", "typical", "median", "better", "worse", "best",
                "worst", "higher", "lower", "highest", "lowest", "good", "bad", "great", "poor")
    for review in REVIEWS
    for score in ((), ("rating",), ("ratings",), ("score",), ("scores",), ("grade",),
                  ("grades",))
})
# "deal count for the reps": how many deals (not how many reps).
PHRASES.update({("deal", "count"): "number of deals", ("deals", "count"): "number of deals"})
# "a null manager_id", "an empty end date": none.
PHRASES.update({("a", "null"): "no", ("an", "empty"): "no"})
# "wfh crew size", "squad size": how many people.
PHRASES.update({
    (crew, size): "headcount"
    for crew in ("crew", "squad", "group", "department", "office", "company", "workforce")
    for size in ("size", "sizes")
})
# "total number of office sites", "office locations": the offices.
PHRASES.update({("office", sites): "offices" for sites in ("sites", "site", "locations")})
# "across the globe", "around the world", "across the workforce": everywhere, no filter.
PHRASES.update({
    (across, "the", where): ""
    for across in ("across", "around", "all", "over", "throughout", "worldwide")
    for where in ("globe", "world", "workforce", "board")
})
PHRASES.update({(across, "the", "whole", where): "" for across in ("across", "around")
                for where in ("globe", "world", "workforce", "company")})
# "how much did we bill", "what we billed": the money taken in; "company-wide", "firm wide":
# everywhere, no filter; "units went out the door": sold.
PHRASES.update({(*did, "we", bill): "revenue"
                for did in (("did",), ("do",), ())
                for bill in ("bill", "billed", "invoice", "invoiced")})
PHRASES.update({(company, "wide"): "" for company in ("company", "firm", "org", "organization")})
PHRASES.update({(went, "out", "the", "door"): "sold"
                for went in ("went", "go", "goes", "going", "gone", "flew", "fly", "flies",
                             "flying", "flown")})
# A chef's till: "everything we rang up" is the money taken in ("how many orders did we ring
# up" counts them); "what cut went to" a share.
PHRASES.update({(what, we, rang, "up"): "revenue" for what in ("everything", "all", "what")
                for we in ("we", "i", "they") for rang in ("rang", "rung")})
PHRASES.update({(what, "cut", went): f"{what} share {went}" for what in ("what", "which")
                for went in ("went", "goes", "go", "came", "comes")})
# Sales and real-estate talk: "the book of business", "closed volume" are the money taken in,
# "the damage on" (what it came to), "put on the board" (made); "in home office" is remote,
# "headcount adds" are hires; "ni pesa ngapi" (Swahili: how much money).
PHRASES.update({("book", "of", "business"): "revenue", ("books", "of", "business"): "revenue",
                ("closed", "volume"): "revenue", ("closed", "volumes"): "revenue",
                ("the", "damage", "on"): "", ("the", "damage", "for"): "",
                ("put", "on", "the", "board"): "make", ("puts", "on", "the", "board"): "make",
                ("in", "home", "office"): "remote", ("on", "home", "office"): "remote",
                ("headcount", "adds"): "hires", ("headcount", "add"): "hires",
                ("ni", "pesa", "ngapi"): "how much revenue", ("pesa", "ngapi"): "how much revenue",
                ("closing", "price"): "sale amount", ("closing", "prices"): "sale amounts"})
PHRASES.update({(quantity, "of", people): "number of employees"
                for quantity in ("quantity", "amount", "number")
                for people in ("collaborators", "colaborators")})
PHRASES.update({("deal", "sze"): "sale amount", ("deal", "szes"): "sale amounts"})
# "the single largest closing", "each closing": one sale.
PHRASES.update({(size, "closing"): f"{size} sale"
                for size in ("largest", "biggest", "smallest", "single", "each", "per", "every")})
# "nobody as their manager", "no one above them": no manager.
PHRASES.update({
    (*nobody, "as", their, boss): "no manager"
    for nobody in (("nobody",), ("noone",), ("no", "one"))
    for their in ("their", "his", "her", "a")
    for boss in ("manager", "boss", "supervisor", "superior")
} | {
    (*nobody, "above", them): "no manager"
    for nobody in (("nobody",), ("noone",), ("no", "one"))
    for them in ("them", "him", "her")
})
# "summed up progressively", "added up cumulatively": a running total.
PHRASES.update({
    (summed, "up", how): "running total"
    for summed in ("summed", "added", "totalled", "totaled", "adding", "summing")
    for how in ("progressively", "cumulatively", "over", "along")
} | {
    # "the salary bill added up as we hired", "revenue summed progressively": running.
    (summed, *how): "running total"
    for summed in ("summed", "added", "totalled", "totaled", "adding", "summing", "added")
    for how in (("up", "as"), ("progressively",), ("cumulatively",))
})
# "over the years": year by year.
PHRASES.update({("over", "the", f"{grain}s"): f"by {grain}"
                for grain in ("day", "week", "month", "quarter", "year")})
# "our hero products", "the hero product of each line": the top ones (by revenue unless
# another measure is named); hero products named in brackets are those (`slips.respell`).
PHRASES.update({("hero", "product"): "top product",
                ("hero", "products"): "top products"})
# "which product is leader by revenue", "the region that was the leader in units": the top
# one (a ranking said as who leads it).
PHRASES.update({
    (be, *the, leader): f"{be} top"
    for be in ("is", "was", "are", "were")
    for the in (("the",), ())
    for leader in ("leader", "leaders")
})
# "our hero-product review is on Thursday": a meeting named after them, context.
PHRASES.update({
    ("hero", product, meeting): ""
    for product in ("product", "products")
    for meeting in ("review", "reviews", "meeting", "deck", "session", "workshop", "call")
})
# "booked revenue", "booked sales": the revenue; "reps who booked nothing": no sales.
PHRASES.update({("booked", "revenue"): "revenue", ("booked", "sales"): "revenue",
                ("booked", "nothing", "at", "all"): "had no sales",
                ("booked", "nothing"): "had no sales", ("booked", "zero"): "had no sales"})
# "working in the office of São Paulo": in that place (not "in the office": on site).
PHRASES.update({(at, "the", "office", of): "in" for at in ("in", "at") for of in ("of", "in")})
# "the departments costing us the most in salaries": with the most ("what did delivery cost
# us" keeps its unknown cost).
PHRASES.update({("costing", "us"): "with"})
# "who has the longest tenure": hired first; "the shortest tenure": hired last.
PHRASES.update({
    (*the, longest, tenure): plain
    for the in (("the",), ())
    for longest, plain in (("longest", "earliest hired"), ("shortest", "latest hired"))
    for tenure in ("tenure", "tenures", "service")
})
# "sites that opened their doors after 2017": opened.
PHRASES.update({
    (opened, their, "doors"): opened
    for opened in ("open", "opens", "opened", "opening")
    for their in ("their", "its", "the", "our")
})
# "include the opening date": with it shown; "if so, how many": the question goes on.
PHRASES.update({("include", their): f"with {their}" for their in ("the", "their", "its")})
PHRASES.update({("if", "so"): "", ("if", "yes"): "", ("and", "if", "so"): ""})
# "products in our product catalogue": the products ("the size of our product catalogue" is
# how many: `slips.respell`).
PHRASES.update({("product", catalogue): "products" for catalogue in ("catalogue", "catalog")})
# "remote versus office-based: the mean salary for each group": for each of those named
# (unless the catalog has groups of its own, see `_CATALOG_FIRST`).
_EACH_GROUP: dict[tuple[str, ...], str] = {
    (lead, each, group): f"{lead} each"
    for lead in ("for", "in", "of")
    for each, group in (("each", "group"), ("every", "group"), ("both", "groups"),
                        ("the", "groups"), ("each", "side"), ("both", "sides"))
}
PHRASES.update(_EACH_GROUP)
# "what range of unit prices did it go out at", "the range of salaries": their bands.
PHRASES.update({
    ("range", "of", *numbers): f"distribution of {' '.join(numbers)}"
    for numbers in (("prices",), ("unit", "prices"), ("salaries",), ("amounts",),
                    ("order", "values"), ("deal", "sizes"), ("quantities",), ("ratings",),
                    ("sale", "amounts"), ("pay",), ("wages",))
})
# "joiners this month - a count or the names": either will do; the first one offered.
PHRASES.update({
    (*a, "count", "or", *the, names): "count"
    for a in (("a",), ())
    for the in (("the",), ("a",), ("their",), ())
    for names in ("names", "list", "names list")
})
# "headcount added through hiring": the hires.
PHRASES.update({
    ("added", through, hiring): "added"
    for through in ("through", "via", "by", "from")
    for hiring in ("hiring", "hires", "recruiting", "recruitment")
})
# "staff located at Paris", "the office situated in Tokyo": in.
PHRASES.update({(located, at): "in" for located in ("located", "situated")
                for at in ("at", "in")})
# The shop's point of sale: "what did the shop take", "how much did the tills take in",
# "what did it take in Q1": the money taken in; "orders put through the tills": sold there,
# every order; "till receipts": the orders, "till receipt values": their amounts.
_TILLS = ("shop", "shops", "store", "stores", "till", "tills", "register", "registers",
          "checkout", "checkouts")
PHRASES.update({
    (till, take, *tail): "revenue"
    for till in _TILLS
    for take in ("take", "takes", "took", "taken", "taking")
    for tail in ((), ("in",))
})
PHRASES.update({
    (*put, through, the, till): ""
    for put in (("put",), ("rung",), ("rang",), ("run",), ("ran",), ("processed",),
                ("scanned",), ())
    for through in ("through", "at", "on")
    for the in ("the", "our")  # not "from May through till June": until
    for till in ("till", "tills", "register", "registers", "checkout", "checkouts")
})
PHRASES.update({
    (till, receipt, *value): f"sale amount{'s' if value and value[0].endswith('s') else ''}"
    if value else ("orders" if receipt.endswith("s") else "order")
    for till in ("till", "register", "checkout")
    for receipt in ("receipt", "receipts", "transaction", "transactions", "slip", "slips")
    for value in ((), ("value",), ("values",), ("amount",), ("amounts",), ("total",),
                  ("totals",))
})
# "who founded the company", "when was the business set up": the company's own founding,
# which no row holds (not when an office opened); read as a word the data lacks, unless the
# catalog knows the company word itself (see `expand`).
_COMPANY_WORDS = ("company", "business", "firm", "organisation", "organization")
_FOUNDING: dict[tuple[str, ...], str] = {
    (*founded, *the, company): "company founding"
    for founded in (("founded",), ("established",), ("set", "up"), ("started",), ("formed",),
                    ("incorporated",), ("created",), ("launched",))
    for the in (("the",), ("this",), ("our",))
    for company in _COMPANY_WORDS
} | {
    (*the, company, *was, founded): "company founding"
    for the in (("the",), ("this",), ("our",))
    for company in _COMPANY_WORDS
    for was in (("was",), ("got",), ())
    for founded in ("founded", "established", "incorporated", "formed")
}
PHRASES.update(_FOUNDING)
# "the part of each region in the total", "what part of our staff": the share.
PHRASES.update({(*the, "part", "of", each): f"{' '.join(the)} share of {each}".lstrip()
                for the in (("the",), ("what",), ())
                for each in ("each", "every", "our")})
# "did London take on more new people", "new staff": hires (people taken on).
_NEW_PEOPLE = ("people", "ppl", "staff", "employees", "workers", "colleagues", "joiners",
               "starters", "recruits", "faces")
PHRASES.update({("new", people): "new hires" for people in _NEW_PEOPLE})
# "the quantity of workers in Paris", "the amount of employees": how many (people are
# counted; "quantity" and "amount" here are not the measures of those names).
PHRASES.update({
    (quantity, "of", people): f"number of {people}"
    for quantity in ("quantity", "amount")
    for people in (*_NEW_PEOPLE, "persons", "personnel", "engineers", "managers", "offices")
})
# "rated 4+", "50k+ orders": that or more.
_OR_MORE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?[km]?)\+(?![\w+])", re.I)
# "how much of our team works remotely": what share of everyone (the team as the whole).
_HOW_MUCH_OF_US = re.compile(
    r"\bhow much of (?:our|the|my) (?:whole |entire )?(?:team|staff|workforce|company|people"
    r"|employees|org|organi[sz]ation|headcount)\b", re.I)
_TAKE_ON = re.compile(
    r"\b(?:take|takes|took|taken|taking) on ((?:more|fewer|less|the most|the fewest) )?(?:new )?"
    r"(?:" + "|".join(_NEW_PEOPLE) + r"|hires)\b", re.I)
# "which new offices have we opened since ...": the offices opened (said by the period).
PHRASES.update({("new", office): office
                for office in ("office", "offices", "site", "sites", "branch", "branches")})
# "show me the lines", "give me the rows", "show rows from ...": each row listed.
PHRASES.update({
    (show, *me, *the, lines): "itemised"
    for show in ("show", "give", "list", "see")
    for me in (("me",), ("us",), ())
    for the in (("the",), ())
    for lines in ("lines", "rows", "line items", "records", "entries")
    if the or lines == "rows"
})
PHRASES.update(CASUAL_PHRASES)
ABBREVIATIONS.update(CASUAL_WORDS)
PHRASES = {key if " " not in key[-1] else (*key[:-1], *key[-1].split()): plain
           for key, plain in PHRASES.items()}

# "how many units go into one order", "in a single order": per order.
PHRASES.update({
    (verb, into, one): "per"
    for verb in ("go", "goes", "went", "fit", "fits", "is", "are")
    for into in ("into", "in")
    for one in ("one", "a", "an", "each", "every")
})
PHRASES.update({("in", "average"): "on average"})
# "how many units has one order", "what does each deal carry": per order.
PHRASES.update({
    (verb, *one): "per"
    for verb in ("has", "have", "contains", "contain", "holds", "hold", "carries", "carry")
    for one in (("one",), ("each",), ("every",), ("a", "single"))
})
PHRASES.update({
    (verb, into, "a", "single"): "per"
    for verb in ("go", "goes", "went", "fit", "fits")
    for into in ("into", "in")
})
PHRASES.update({("in", "a", "single"): "per", ("per", "single"): "per"})
# "departments that don't have a single engineer", "never had one sale": none of them, not
# "per" as in "how many units has one order" (above).
PHRASES.update({
    (*neg, verb, *one): f"{' '.join(neg)} {verb} any"
    for neg in (("don", "t"), ("doesn", "t"), ("didn", "t"), ("haven", "t"), ("hasn", "t"),
                ("hadn", "t"), ("do", "not"), ("does", "not"), ("did", "not"), ("not",),
                ("never",))
    for verb in ("has", "have", "had", "contain", "contains", "hold", "holds")
    for one in (("one",), ("a", "single"), ("one", "single"))
})
# "tally up every paycheck", "add up all the salaries", "sum up each sale": the total of
# them (not a breakdown by each one, nor a count of them).
PHRASES.update({
    (verb, "up", *every): "total"
    for verb in ("add", "sum", "total", "tally")
    for every in (("every",), ("each",), ("all",), ("all", "the"), ("all", "of", "the"),
                  ("every", "single"), ("each", "and", "every"))
})

# "annual rev, all yrs", "annual hires": year by year (not the pay words: "annual salary" is
# the salary, "total annual payroll" the payroll); with a period or another breakdown named,
# the total.
_BROKEN_DOWN = re.compile(r"\b(?:by|per|each|every|across)\b", re.I)
_ANNUAL = re.compile(
    r"\bannual(?=\s+(?:rev|revenue|revenues|sales|turnover|takings|orders|units|hires|hiring"
    r"|headcount|hc|transactions|txns|deals|bookings)\b)", re.I)
_PERIOD_NAMED = re.compile(r"\b(?:(?:19|20)\d\d|'\d\d|ytd|this|last|previous|past|since|q[1-4]"
                           r"|h[12]|fy\d*)\b", re.I)
# "the cohort of 2022 hires", "the 2023 joiner cohort", "our 2024 intake": the people hired
# that year (not a count of hires beside what is asked of them).
_COHORT = re.compile(
    r"\b(?:the |our |this |that )?(?:(?:cohort|class|intake|batch) of ((?:19|20)\d\d) (?:new )?"
    r"(?:hires|joiners|starters|recruits|hirees)|((?:19|20)\d\d) (?:(?:hire|hiring|joiner|starter"
    r"|graduate|grad|new hire) )?(?:cohort|intake))\b", re.I)
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december"
)
# (not "Sept 12, 2025": a day, its year after it)
_SHORT_YEAR = re.compile(
    rf"\b(q[1-4]|h[12]|{_MONTHS})(\s*(?:of\s+)?)'?(\d\d)\b(?!\s*,?\s*(?:19|20)\d\d\b)", re.I
)
# "jan 1 to nov 20": after a month and its day, a month's number is a day as well.
_DAY_RANGE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\s+\d\d?(?:st|nd|rd|th)?\s*(?:to|-|through|thru"
                               r"|till|until|and)\s*$", re.I)


def _short_year(found: re.Match[str]) -> str:
    if "'" not in found.group(0) and _DAY_RANGE_BEFORE.search(found.string[: found.start()]):
        return found.group(0)
    return f"{found.group(1)}{found.group(2) or ' '}20{found.group(3)}"


_APOSTROPHE_YEAR = re.compile(r"(?<![\w'])['\u2019](\d\d)\b")
# "3Q24", "4Q 2025": the quarter's number before its letter, as analysts write it (not
# halves: "2h30" is more often a time).
_NUMBER_FIRST_QUARTER = re.compile(r"\b([1-4])q\s?((?:20)?\d\d)\b", re.I)
_QUARTER_NUMBER = re.compile(r"\bquarter ([1-4]),? (?:of |in )?((?:19|20)\d\d)\b", re.I)
_BIG = re.compile(r"\b(\d+(?:\.\d+)?)\s*(million|mn|mio|billion|bn|thousand)\b", re.I)
_SCALE = {"million": 1e6, "mn": 1e6, "mio": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3}
# Number words from two on are written as digits ("the ten latest orders", "rated three or
# below", "a dozen best-paid"); "one" stays a word ("no one", "one of").
_NUMBERS = {w: i for w, i in NUMBER_WORDS.items() if 2 <= i <= 50 and w != "dozen"}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_NUMBERS) + r")\b(?![-'])", re.I)
_A_DOZEN = re.compile(r"\b(?:a |one )?dozen\b", re.I)
# "more than a hundred", "a thousand orders", "2 hundred": the number.
_A_HUNDRED = re.compile(r"\b(?:a|one) (hundred|thousand)\b(?![-'])", re.I)
_N_HUNDRED = re.compile(r"\b(\d+) hundred\b", re.I)
# "how much engineering people", "how much Berlin staff": how many (a count).
_HOW_MUCH_PEOPLE = re.compile(
    r"\bhow much(?= (?:[\w&-]+ ){0,2}(?:people|ppl|employees|staff|workers|folks|orders"
    r"|deals|transactions|hires)\b)",
    re.I,
)
# "this year so far", "hires this quarter by department so far": the period up to today.
_SO_FAR = re.compile(r"\b(?:this|current) (year|quarter|month|week)\b([^.!?]*?)\s*\bso far\b",
                     re.I)
_SO_FAR_FIRST = re.compile(r"\bso far (?:this|in the current|in this) (year|quarter|month|week)\b",
                           re.I)
# "2025 revenue to date", "orders so far in 2025", "so far in Q4": a named period up to
# today (said before or after what is counted), as "2025 to date" is read.
_NAMED_PERIOD = (
    r"(?:(?:q[1-4]|h[12]) (?:of )?20\d\d|20\d\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct"
    r"|nov|dec)[a-z]*(?: 20\d\d)?|q[1-4])"
)
_TO_DATE_WORDS = r"(?:to date|so far|thus far|up to now|until now|till now|up to today)"
# "against the same point in 2024", "vs this time last year": that period, up to the same day.
_SAME_POINT = re.compile(
    r"\b(?:the )?same (?:point|time|stage|day|date|stretch|span|window|days|dates|period"
    r"|part|month|months|quarter|quarters|week|weeks)(?: (?:in|of)(?= (?:20\d\d|last|the)\b)"
    r"|(?= last\b)|(?= (?:the|a) (?:year|previous year|prior year) ?(?:before|earlier)?\b)"
    r"|( last year| a year ago)$)", re.I)
# "the same month a year ago", "the same quarter last year": one calendar period a year back,
# which the period reader knows (it is not "last year").
_ONE_PERIOD_BACK = re.compile(
    r"\b(?:the )?same (?:month|quarter|week) (?:of )?(?:last year"
    r"|(?:a|one) year (?:ago|earlier|back)|the (?:previous|prior) year|the year before)\b",
    re.I)


_SET_AGAINST = re.compile(
    r"\b(?:vs|versus|against|compared?|comparing|next to|beside|alongside|than|relative to"
    r"|with)\b", re.I)


# "this month vs last year", "October against the same month last year", "Q3 compared with
# a year ago": a period shorter than a year set against last year is that same period a year
# back (the comparison then reads two periods a year apart), not the period in last year.
_PART_VS_LAST_YEAR = re.compile(
    r"\b(?P<part>this (?:month|quarter|week)|(?:the )?"
    r"(?:first|second) half|h[12]|q[1-4]|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*)(?! 20\d\d)(?P<mid>(?: (?!(?:vs|versus|against|compared|and|or|than|to)\b)"
    r"[a-z]+){0,3}?)(?P<vs>,? (?:vs\.?|versus|against|compared (?:to|with)|next to) )"
    r"(?:the same (?:month|quarter|week|period|half) (?:of )?)?"
    r"(?:last year|a year (?:ago|earlier|before)|the (?:previous|prior) year|the year before)\b",
    re.I)


def _part_vs_last_year(m: re.Match[str]) -> str:
    part = m.group("part")
    if part[:3].lower() in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                            "nov", "dec") and part.lower() not in _MONTH_WORDS:
        return m.group(0)
    return f"{part}{m.group('mid')}{m.group('vs')}{part} last year"


_MONTH_WORDS = frozenset((
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december"))


def _same_point(m: re.Match[str]) -> str:
    # Set against another period ("this month vs the same month last year"), the comparison
    # reads it; asked alone, it is the one period a year back.
    if _ONE_PERIOD_BACK.match(m.string, m.start()) and not _SET_AGAINST.search(
        m.string, 0, m.start()
    ):
        return m.group(0)
    return m.group(1) or ""


_PERIOD_THEN_TO_DATE = re.compile(
    r"\b(" + _NAMED_PERIOD + r")\b((?:\s+(?!(?:vs|versus|against|compared|and|or|than|but"
    r"|20\d\d)\b)[\w'&-]+){1,4}?)\s+" + _TO_DATE_WORDS + r"\b", re.I)
_TO_DATE_THEN_PERIOD = re.compile(
    r"\b" + _TO_DATE_WORDS + r" (?:in|for|of|during) (" + _NAMED_PERIOD + r")\b", re.I)
# "this year to date", "the current month to date": the period up to today.
_THIS_TO_DATE = re.compile(r"\b(?:the )?(?:this|current) (year|quarter|month|week) to date\b",
                           re.I)
# "the quarter that just ended", "the month that has just closed": the last one.
# "the average value per order booked", "mean amount of a sale": the average order value
# (not the number of orders beside an average; "per order line" is each line of one).
_VALUE_PER_ORDER = re.compile(
    r"\b(?:average|avg|mean) (?:value|amount|size|revenue|ticket) (?:per|of an?|of each|for each"
    r"|for an?) (?:order|sale|deal|transaction|booking)s?\b(?! (?:lines?|items?|rows?)\b)"
    r"(?: (?:booked|placed|made|taken|closed)\b)?",
    re.I,
)
_PAY_A_YEAR = re.compile(
    r"(\b(?:earn|earns|earning|earned|paid|pay|salary|salaries"
    r"|(?:who|people|staff) (?:make|makes|are on|is on))\b"
    r"[^.?!;]{0,40}?[$\u20ac\u00a3]?\d[\d,.]*\s*(?:k|m|thousand|million)?"
    r"(?:\s*(?:dollars|usd|euros?|pounds?|bucks))?)\s*(?:(?:a|per|each|every|/)\s*(?:year|yr"
    r"|annum)\b|annually\b|yearly\b|p\.\s?a\.|pa\b)",
    re.I,
)
#: A number written with its thousands grouped by (narrow or no-break) spaces: "90 000",
#: "1 500 000"; not a year then a number ("2024 150", the first group has 4 digits).
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u202f\u00a0]\d{3})+(?![\d.,]?\d)")
# "20 lakh", "2.5 lakhs", "5 crore", "1 cr": the Indian numbering's lakh (100,000) and crore
# (10,000,000), said with a number.
_LAKH_CRORE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(lakhs?|lacs?|crores?|cr)\b", re.I)


def _lakh_crore(m: re.Match[str]) -> str:
    scale = 100_000 if m.group(2).lower().startswith("la") else 10_000_000
    value = float(m.group(1)) * scale
    return f"{value:.0f}" if value == int(value) else f"{value}"


# "as on today", "as of date", "as on date", "as at now": up to today, not that day alone.
_AS_ON_TODAY = re.compile(r"\s*\b(?:as )(?:on|of|at) (?:today|date|now|this date)\b(?! \d)",
                          re.I)
_JUST_ENDED = re.compile(
    r"\b(?:the )?(year|quarter|month|week) (?:that |which )?(?:has |have )?(?:just )?"
    r"(?:ended|finished|closed|wrapped up|went by)\b"
    # "the year ended 31 December 2024": a period closing on a day named is that period
    # (read by the time words), not the last one.
    r"(?!,? (?:on )?(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d))",
    re.I,
)
# "ten million dollars of sales", "$5k in sales": money taken in (revenue), not the Sales team.
_MONEY_OF_SALES = re.compile(
    r"\b(" + alternation(CURRENCIES) + r")\s+(?:worth\s+)?(?:of|in)\s+sales\b", re.I
)
# "dollars earned per unit", "money brought in by region": the money taken in (revenue).
# "did the South out-earn the East", "Hardware outsold Services in 2024", "which outperformed
# the other": a verb of doing better than another says the two are compared (each one's
# figure, side by side), with what was done: money earned, things sold, or just the figure.
_OUT_DO = re.compile(
    r"\bout[- ]?(?:(?P<earn>earn(?:s|ed|ing)?|gross(?:es|ed)?)|(?P<sell>sell(?:s|ing)?|sold)"
    r"|perform(?:s|ed|ing)?|pace(?:s|d)?|strip(?:s|ped)?|did|do|does)\b"
    # "did the East beat the West", "has Services overtaken Training", "was Berlin ahead of
    # Paris", "did Q2 do better than Q1": the same, unless a number follows ("beat 10 million"
    # weighs one figure against it).
    r"|\b(?:beat(?:s|en|ing)?|overt(?:ake|akes|aken|aking|ook)|(?:(?:do|did|does|done|doing)\s+)?"
    r"(?:better|worse)\s+than|(?<=\w\s)ahead\s+of(?!\s+(?:next|this|tomorrow|today|our|my"
    r"|the\s+(?:meeting|call|review|board|deadline)|\w+day\b)))\b(?!\s*(?:[$\u20ac\u00a3\d]|the\s+(?:target|goal"
    r"|budget|plan|forecast|threshold)\b|(?:our|the|its|their|my)\s+(?:target|goal|budget|plan)\b))",
    re.I)


# "which is the highest salary we pay", "which was the lowest price": asked for that value,
# as with "what is the ..." (not the rows sorted by it); "which is the largest department"
# reads the same either way.
_WHICH_IS_THE_MOST = re.compile(
    r"\bwhich\s+(is|was|'s)\s+the\s+(highest|lowest|largest|smallest|biggest|greatest|top"
    r"|maximum|minimum|max|min)\b", re.I)
# "those two categories", "these 3 regions", "the two of them": the things just named,
# counted again (not a bound: "revenue = 2"); "the two best products" stays a top 2.
_THOSE_TWO = re.compile(
    r"\b(those|these)\s+(?:two|three|four|five|2|3|4|5)\b(?!\s*(?:%|percent|per\s+cent))"
    r"|\b(?:the|all)\s+(?:two|three|four|five|2|3|4|5)\s+of\s+(?:them|those|these)\b", re.I)
# "salary sum", "unit price max by product", "employees salary sum": the aggregate written
# after its column, as in a spreadsheet or a pandas chain read aloud (the "sum" was dropped
# and the salary averaged); "in sum", "the max" are no such column, and "160 people max" is
# a bound.
_AGG_AFTER = re.compile(
    r"(?<!\d\s)(?<![\d.,]k\s)\b(?!(?:in|the|a|an|of|to|and|or|is|was|what|its|their|our|my|your|grand|cumulative"
    r"|running|rolling|check|lump|partial)\b)([a-z_]{3,30})\s+(sum|max|min|mean)\b"
    r"(?=\s*(?:$|[?.!,;:]|\s(?:by|per|for|in|of|across|over|from|since|during|each)\b))", re.I)
# "the biggest sale of 2023", "the single largest sale": one sale, the largest (a sale said
# alone is also the money taken, which summed would be the year's revenue).
_ONE_BIG_SALE = re.compile(
    r"\bthe\s+(?:single\s+)?(biggest|largest|smallest|highest|lowest)\s+(sale|transaction"
    r"|order|deal)\b(?!s|\s+(?:amount|value|price|figure|total|revenue|count|number|person|rep"
    r"|region|product|team|month|year|day|week|quarter|of\s+(?:the|all|our)\b))", re.I)


def _out_do(m: re.Match[str]) -> str:
    return "earned vs" if m.group("earn") else "sold vs" if m.group("sell") else "vs"


# "more than half of our headcount", "under a quarter of revenue", "at least two thirds of
# the staff": a fraction said in words after a bound is that percent of the whole (not the
# half-year or the quarter of a date).
_FRACTION_OF = re.compile(
    r"\b(?P<bound>more than|less than|fewer than|over|under|above|below|at least|at most)\s+"
    r"(?:(?:a|one)\s+)?(?P<frac>half|third|quarter|fifth|tenth|two[- ]thirds"
    r"|three[- ]quarters)\s+of\b", re.I)
_FRACTIONS = {"half": "50", "third": "33.3", "quarter": "25", "fifth": "20", "tenth": "10",
              "two thirds": "66.7", "three quarters": "75"}


def _fraction_of(m: re.Match[str]) -> str:
    frac = m.group("frac").lower().replace("-", " ")
    if frac != "half" and frac in ("third", "quarter", "fifth", "tenth") and not re.search(
        r"\b(?:a|one)\s+\w+\s+of$", m.group(0), re.I
    ):
        return m.group(0)  # "over quarter of ...": no fraction said
    return f"{m.group('bound')} {_FRACTIONS[frac]}% of"


_MONEY_EARNED = re.compile(
    r"\b" + alternation((*MONEY, "euros", "pounds", "money"))
    + r"\s+(?:we\s+)?(?:earned|made|taken\s+in|brought\s+in|generated|collected|pulled\s+in"
    r"|received)\b",
    re.I,
)
# "what did it sell for per unit", "what do laptops go for, per piece": the money per unit
# (revenue per unit), not a breakdown by the number of units.
# "revenue ÷ units", "orders / reps": a division written as a sign (a slash between words
# with spaces around it; "w/o" and "and/or" are not).
_DIVIDED = re.compile(
    r"\s*\u00f7\s*|(?<=\w)\s+/\s+(?=\w)"
    r"|(?<=\w)\)?\s*/\s*(?=\(|number\b|count\b|total\b|sum\b|how many\b)",
    re.I,
)
# "the realised / effective / net unit price", "what we actually got per unit", "dollars we
# make on each unit": the money taken in per unit sold (revenue over units), not the list
# price of the rows.
_REALISED_PRICE = re.compile(
    r"\b(?:the\s+)?(?:average\s+|avg\s+|mean\s+)?(?:realised|realized|effective|actual|achieved"
    r"|net)\s+(?:unit\s+price|price\s+(?:per|a|each)\s+(?:unit|item|piece)|per[-\s]unit\s+price"
    r"|price\s+per\s+unit)s?\b",
    re.I,
)
_GOT_PER_UNIT = re.compile(
    r"\b(?:how\s+(?:many|much)\s+(?:dollars|money|revenue)\s+)?(?:what\s+)?(?:do\s+|did\s+|does\s+)?"
    r"(?:we|they|you)\s+(?:actually\s+|really\s+)?(?:make|made|earn|earned|get|got|bring\s+in"
    r"|brought\s+in|take\s+in|took\s+in)\s+(?:on|per|for|from)\s+(?:(?:each|every|a|one|a\s+single)"
    r"\s+)?(unit|item|piece)\b",
    re.I,
)
# "X, i.e. Y", "X (Y)", "X - that is, Y": Y restates X. When both say a ratio ("revenue per
# rep in each region, i.e. region revenue / number of reps"), the restatement adds nothing
# but words to misread, and goes.
_RESTATED = re.compile(
    r"\s*(?:,\s*|\s-\s*|\s)?\(?\b(?:i\.?\s?e\b\.?|that\s+is\b|in\s+other\s+words\b|meaning\b)[,:]?"
    r"\s+[^()]*\)?\s*$|\s*\(([^()]*)\)",
    re.I,
)
_RATIO_SAID = re.compile(r"\bper\b|\bfor\s+(?:every|each)\b|\bdivided\s+by\b", re.I)


# "how many engineers sit in an office, on average", "how many people work in a typical
# department": how many there are per office (rows over the groups), not a breakdown.
_IN_A_TYPICAL = re.compile(
    r"\b(?:sit|sits|work|works|are|is|based|there)?\s*\b(?:in|at)\s+(?:a\s+typical|an\s+average"
    r"|the\s+average|the\s+typical|an|a|one)\s+(?=[a-z])",
    re.I,
)
_ON_AVERAGE = re.compile(r"\b(?:on\s+average|on\s+avg|typical|average)\b", re.I)
_HOW_MANY_FIRST = re.compile(r"^\W*(?:roughly\s+|about\s+|approximately\s+)?(?:how\s+many"
                             r"|number\s+of|the\s+number\s+of)\b", re.I)


# "the 3 roles we have the most of", "titles they employ the fewest of": the most (least)
# common of them, ranked by how many rows each has.
_HAVE_THE_MOST_OF = re.compile(
    r"\b([a-z]+)\s+(?:that\s+|which\s+)?(?:we|you|they|i)\s+(?:have|employ|have\s+got|got"
    r"|see)\s+(?:the\s+)?(most|fewest|least)(?:\s+of)?\b",
    re.I,
)


# "who's my number one seller", "the no. 1 rep", "our #1 product": the top one.
_NUMBER_ONE = re.compile(
    r"\b(?:(?:my|our|the)\s+)?(?:number\s*(?:one|1)|no\.\s*(?:one|1)|(?:no|nr\.?)\s*1)"
    r"\b(?!\s*(?:%|percent))|(?<![\w#])#\s*1\b(?!\d)",
    re.I,
)


# "this quarter against last quarter in revenue terms": in terms of revenue (not "in
# percentage terms", "in real terms", which say how, not what).
_X_TERMS = re.compile(
    r"\bin\s+(?!(?:percentage|percent|relative|absolute|real|nominal|plain|simple|general"
    r"|broad|practical|the|these|those|such|other|some|any|my|our)\b)([a-z]+(?:\s+[a-z]+)?)\s+terms\b",
    re.I,
)


# "for 2023, 2024 and 2025, the month with the highest sales in each", "peak month in 2023,
# 2024 and 2025 respectively": "each" (or "respectively") with nothing after it is each of
# the years listed, the ranking done within each year.
_LISTED_YEARS = re.compile(
    r"\b(?:19|20)\d\d\s*(?:,\s*(?:19|20)\d\d\s*)*,?\s*(?:and|&)\s+(?:19|20)\d\d\b"
)
_EACH_AT_END = re.compile(r"\s*(?:\b(?:in|for)\s+)?\beach(?:\s+(?:one|of\s+them))?\s*[?.!]*\s*$"
                          r"|\s*\brespectively\b", re.I)
_RANKED_WORD = re.compile(r"\b(?:highest|lowest|best|worst|top|peak|most|least|biggest|largest"
                          r"|smallest|strongest|weakest)\b", re.I)


_AVERAGE_SIZE = re.compile(
    r"\b(average|avg|mean|typical)\s+(?:([a-z0-9]+)\s+)?(office|department|dept|team|site"
    r"|location|branch|region|country)\s+(?:size|sizes|headcount)\b", re.I)
_LINE_UP = re.compile(r"\b(?:in|across|of|from|within)\s+(?:our|the|your)\s+(?:(?:whole|entire"
                      r"|current|full)\s+)?(?:product\s+)?(?:line[- ]?up|range|catalogue|catalog"
                      r"|portfolio|offering|assortment)\b", re.I)
# "how many different things are in our product catalogue": what the range holds is the
# products (the range itself is every product, see `_LINE_UP`).
_THINGS_IN_RANGE = re.compile(
    r"\b((?:different|distinct|separate|unique) )?(?:things|stuff|kinds of things)\b(?=[^.?!]*"
    + _LINE_UP.pattern[2:] + ")", re.I)
_OFFICE_PEOPLE = re.compile(
    r"\b(?:office|in-office|onsite|on-site|in\s+office)[- ](employees|workers|staff|people|folks"
    r"|colleagues|employee|worker|members?)\b", re.I)
_SAME_PERIOD_OF = re.compile(
    rf"\b(q[1-4]|h[12]|{_MONTHS})\b(?!\s*(?:of\s+)?(?:19|20)\d\d)([^.?!]{{0,40}}?\s)"
    r"(vs\.?|versus|against|compared\s+(?:to|with))\s+the\s+same\s+(?:period|quarter|month|half"
    r"|time|stretch)\s+(?:of|in|from|for)\s+((?:19|20)\d\d)\b", re.I)
_COUNTED_LIST = re.compile(
    r"\b(?:(?:our|the|these|those|its|their)\s+)?(\d+|two|three|four|five|six|seven|eight|nine"
    r"|ten)\s+(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*\s*\(([^()]{3,200})\)", re.I)


def _counted_list(found: re.Match[str]) -> str:
    said = found.group(1).lower()
    number = int(said) if said.isdigit() else _NUMBERS.get(said)
    items = [i for i in re.split(r"\s*(?:,|;|/|&|\band\b)\s*", found.group(2)) if i.strip()]
    named = all(i.strip()[:1].isupper() or i.strip()[:1].isdigit() for i in items)
    return found.group(2) if number == len(items) >= 2 and named else found.group(0)


_GOT_A_SCORE = re.compile(
    r"\b(?:got|get|gets|getting|received|receive|receives|earned|scored|was\s+given|were\s+given)"
    r"\s+an?\s+([1-5])(?:\s+or\s+(?:an?\s+)?([1-5]))?\b(?!\s*(?:%|percent|k\b|m\b|units?|orders?"
    r"|sales?|deals?|items?|pieces?|people|employees|times?|days?|years?|months?|weeks?|ratings?"
    r"|scores?|stars?|grades?|-))", re.I)
_EVER_DONE = re.compile(r"\b(?:(?:that\s+)?we(?:'ve|\s+have|\s+had)?\s+)?ever\s+(?:recorded|made"
                        r"|had|booked|logged|closed|done|sold|taken|registered)\b", re.I)
_EACH_BRINGS = re.compile(
    r"\b(?:what|how\s+much)\s+(?:did|does|do|has|have)\s+(each|every|the\s+average|an\s+average"
    r"|a\s+typical|the\s+typical|one|1|a\s+single)\s+((?:active\s+|participating\s+)?[a-z]+"
    # "one unit of Laptop Air 13": the thing it is a unit of keeps the rows
    r"(?:\s+of\s+(?:[\w'-]+\s+){1,4}?)?)\s*(?:bring\s+in|brought\s+in|sell|sold|generate"
    r"|book|booked|make|made)\b", re.I)
_HOW_MUCH_CHANGE = re.compile(
    r"\b(?:by\s+)?how\s+much\s+(?=(?:did|has|have|does|do|was|were|is|had)\s+(?:[\w'-]+\s+){1,4}?"
    r"(?:grow|grew|grown|increase|increased|rise|rose|risen|fall|fell|fallen|drop|dropped"
    r"|decline|declined|change|changed|shrink|shrank|shrunk|go\s+up|went\s+up|gone\s+up"
    r"|go\s+down|went\s+down|gone\s+down|improve|improved)\b)", re.I)
_SPAN = re.compile(r"\b(?:(?:the\s+)?(?:average|avg|mean|typical)\s+)?(?:manager(?:ial)?\s+)?"
                   r"(?:span\s+of\s+control|(?:number\s+of\s+)?(?:direct\s+)?reports\s+per\s+"
                   r"(manager|boss|supervisor|lead))\b", re.I)
_ONE_COSTS = re.compile(r"\b(?:what|how\s+much)\s+(?:does|do|did|would)\s+(?:one|a\s+single|a|an"
                        r"|the\s+average|a\s+typical|the\s+typical)\s+([a-z]+)\s+cost"
                        r"(?:\s+us|\s+the\s+company)?\b", re.I)
_PER_HEAD = re.compile(r"\bper\s+(?:head|capita)\b", re.I)
_PER_ACTIVE = re.compile(r"\bper\s+(?:active|participating|selling|producing)\s+(?=[a-z])",
                         re.I)
_OWN = frozenset({"the", "our", "an", "a", "my", "their", "per"})


def _each_listed_year(text: str) -> str:
    if not _LISTED_YEARS.search(text) or not _RANKED_WORD.search(text):
        return text
    return _EACH_AT_END.sub(" in each year ", text, count=1)


# "the top salary holder", "the biggest pay earners": who earns the most.
_PAY_HOLDER = re.compile(r"\b(?:salary|pay|wage|income|compensation)\s+(?:holder|getter|receiver"
                         r"|earner)(s?)\b", re.I)
# "top earner per department - names": a dash between words ends a phrase, like a comma.
_WORD_DASH = re.compile(r"(?<=[a-z])\s+[-\u2013\u2014]\s+(?=[a-z])", re.I)


# "top earner per department, names": a ranking of people shows their names anyway; the
# trailing "names" asks for them, it is no breakdown of its own.
_NAMES_AT_END = re.compile(r"\s*,\s*(?:with\s+|and\s+)?(?:their\s+|the\s+)?names?\s*(?:please|pls"
                           r"|too|as\s+well)?\s*[?.!]*\s*$", re.I)


def _names_at_end(text: str) -> str:
    if not _RANKED_WORD.search(text) and not re.search(r"\b(?:earners?|sellers?)\b", text, re.I):
        return text
    return _NAMES_AT_END.sub("", text)


def _in_a_typical(text: str) -> str:
    if not _HOW_MANY_FIRST.search(text) or not _ON_AVERAGE.search(text):
        return text
    return _IN_A_TYPICAL.sub(" per ", text, count=1)


def _restated(text: str) -> str:
    """The question without a restatement of its ratio (see `_RESTATED`)."""
    for found in reversed(list(_RESTATED.finditer(text))):
        said = found.group(0)
        rest = text[: found.start()] + " " + text[found.end() :]
        if _RATIO_SAID.search(said) and _RATIO_SAID.search(rest):
            text = rest
            divides = re.search(r"\bdivided\s+by\b", said, re.I)
            if divides and re.search(r"\bper\b", rest, re.I) and (
                not re.search(r"\baverage\b", rest, re.I)
            ):
                # "orders per rep (orders ÷ reps)": the total over how many, on average —
                # not a breakdown by each rep.
                text = f"{text} on average"
    return text


_SELL_FOR_PER = re.compile(
    r"\b(?:sell|sells|sold|selling|go|goes|went|going)\s+for\s*,?\s+"
    r"(?=(?:per|a|each|every)\s+(?:unit|piece|item)s?\b)",
    re.I,
)
# "what did each rep sell", "how much has the Berlin team sold": the money they took in
# (revenue of them); "what did we sell" is left to the reader.
_WHAT_SOLD = re.compile(
    r"\b(?:what|how much) (?:did|does|do|has|have|had) (?!(?:we|i|you|they|us)\b)"
    r"((?:[\w&'-]+ ){0,4}?[\w&'-]+) (?:sell|sold|selling)\b",
    re.I,
)
# "north of 20M", "south of 50k": more or less than that number (not the regions).
_COMPASS_BOUND = re.compile(r"\b(north|south) of (?=[$\u20ac\u00a3]?\d)", re.I)
# "a hyphen-less word", "manager-less people": one word ("managerless").
_LESS = re.compile(r"\b([a-z]{3,})-less\b", re.I)
# "how mnay people", "how mcuh revenue": "many" and "much" typed with a slip after "how".
_HOW_TYPO = re.compile(r"\bhow ([a-z]{3,5})\b", re.I)
# "department by department", "region by region": by that.
_X_BY_X = re.compile(r"\b([a-z]+) (?:by|after|to) \1\b", re.I)
# "breakdown of performance ratings", "how many 1s, 2s, 3s and so on": how many at each rating.
_RATING_BREAKDOWN = re.compile(
    r"\b(?:breakdown|spread|split|mix)(?: of| in)?(?: the| our)?(?: performance| review)?"
    r" (ratings?|scores?|grades?)\b|\b(ratings?|scores?|grades?) (?:breakdown|spread|split|mix)\b",
    re.I,
)
_HOW_MANY_EACH = re.compile(r"\bhow many 1s,? 2s,?(?: (?:and )?3s)?,?(?: (?:and so on|etc\.?))?",
                            re.I)
# "how big is each team", "how large are the offices": their headcount.
_HOW_BIG = re.compile(
    r"\bhow (?:big|large|small) (?:is|are) (each|every|the|our|my)? ?((?:[\w&-]+ )?(?:team|teams"
    r"|department|departments|office|offices|site|sites|group|groups|company|workforce))\b",
    re.I,
)
# "the folks with a perfect 5": the top rating.
# "got the top performance rating of 5", "the highest review score of 5": that rating (a
# value compared), not the people ranked by it.
_TOP_RATING_OF = re.compile(
    r"\b(?:the\s+)?(?:top|highest|best|maximum|max|perfect|lowest|bottom|worst|minimum|min)"
    r"\s+((?:[a-z]+\s+)?(?:rating|score"
    r"|grade|mark))\s+(?:of\s+|=\s*)?(\d+(?:\.\d+)?)\b(?!\s*(?:%|percent|k\b|people|employees|staff))",
    re.I,
)
_PERFECT = re.compile(r"\ba perfect (\d+)\b(?!\s*(?:%|percent|rating|score|review|appraisal"
                      r"|[a-z]+s\b))", re.I)
# "how many units does a typical order carry", "items an order contains": per order.
_ONE_HOLDS = re.compile(
    r"\b(?:does|do|did|would|will) (?:(?:a|an|each|every|one)(?: typical| average| single"
    r"| usual| normal)?|the (?:typical|average|usual|normal)) ([a-z]+(?: line| item| row)?)"
    r" (?:carry|contain|hold"
    r"|have|include|comprise)\b"
    r"|\b(?:a|an|each|every|one) (?:typical|average|single|usual|normal) ([a-z]+)"
    r" (?:carries|contains|holds|has|includes|comprises)\b",
    re.I,
)
# Words for people (or teams of them): what "earners" and "performers" are when named.
_PEOPLE_WORDS = (
    r"(?:people|persons?|staff|staffers|employees?|emps?|workers?|reps?|salespeople"
    r"|salesperson|sellers?|engineers?|managers?|teams?|departments?|depts?|offices?"
    r"|everyone|colleagues?|folks|ppl|hires|joiners|women|men|in|at|on|from|of|across|by"
    r"|per|each|every|this|last|overall)"
)
# "the five best-earning products", "top 2 earners among products": the most revenue (a
# thing earns money; a person earns a salary: "top earners in Sales" stays the pay).
_THING_EARNING = re.compile(
    r"\b(best|top|highest|biggest|most|lowest|worst|least|bottom)[- ]earning\b"
    r"(?= (?!" + _PEOPLE_WORDS + r"\b)[a-z])",
    re.I,
)
_EARNERS_AMONG = re.compile(
    r"\b(top|best|biggest|highest|bottom|worst|lowest)((?: \d+)?) earners? (?:among|of|amongst"
    r"|from) (?:the |our |all )?(?!" + _PEOPLE_WORDS + r"\b)([a-z]+)",
    re.I,
)
# "high performers (rated 5)": the people of that rating, when the question says which
# ("high performers" alone is not guessed).
_PERFORMERS = re.compile(
    r"\b(?:(?:(?:high|top|best|strong|star|low|poor|weak|under)[- ]?)?performers?|rock ?stars?"
    r"|superstars?|all[- ]stars?)\b"
    r"(?=[^.!?]*\b(?:rated|rating|ratings|scored|score)\b)",
    re.I,
)
# "top performer per region - who brought in the most revenue": the person; what they are
# ranked by is said after (a rating word is read by `_PERFORMERS`).
_PERFORMER_WHO = re.compile(
    r"\b(?:(?:high|top|best|star)[- ]?)?perform(er|ers)\b(?=[^?!]*\bwho\b)", re.I
)
# "in-office staff", "in-person employees": not remote.
_IN_OFFICE = re.compile(r"\bin-(?:office|person)\b", re.I)
# "orders for a single unit": one unit.
# "typical number of items in one order", "average items per sale": the units of an order
# (its quantity), not the products ("items") counted.
_ITEMS_IN_AN_ORDER = re.compile(
    r"\b(?:number of |count of |amount of )?(?:items|pieces) (?:per|in|on) (?:one |an |a |each "
    r"|a single |the average |a typical |the typical |an average )?(order|sale|deal|transaction"
    r"|purchase)s?\b", re.I)
_A_SINGLE_UNIT = re.compile(r"\b(?:a|one) single (unit|item|piece)\b", re.I)
# "what does the company pay out in salaries", "pays in wages": the total pay; salaries are
# yearly, so "salaries per year" is the salary itself (not a breakdown by year).
_PAY_OUT = re.compile(r"\bpays? (?:out )?in (salar(?:y|ies)|wages?|pay|compensation)\b", re.I)
_PAY_PER_YEAR = re.compile(
    r"(?<!average )(?<!avg )(?<!mean )(?<!median )(?<!typical )"
    r"\b(salar(?:y|ies)|wages?|pay|payroll|compensation) (?:per|a|each|every) year\b"
    r"(?! (?:of|by|hired|since|from|in|they|when)\b)", re.I
)
# "every product together", "all staff combined": no breakdown, one total.
_ALL_TOGETHER = re.compile(
    r",?\s*\b(?:all|every|each)(?: of)?(?: the| our)? [a-z]+ (?:combined|together)\b", re.I
)
# "orders of one unit - count them", "deals over 50k: how many": a count of what is before.
_COUNT_THEM = re.compile(
    r"^(.*\w)\s*[-,:;\u2013\u2014]\s*(?:(?:just |please )?count (?:them|those|these|it)"
    r"|how many(?: (?:are there|is that|were there|of them|(?:do )?we have|there are"
    r"|have we got))?)\s*[?.!]*\s*$",
    re.I,
)
# "offices with the country each one is in": with their country (not a count per country).
_EACH_ONE_IN = re.compile(
    r"\bthe ([a-z]+) (?:each|every|each one|every one|each of them) (?:is|sits|belongs|falls"
    r"|is located|lies) in\b",
    re.I,
)
# "the top salary among staff with no manager", "highest rating of our employees in Paris":
# that one value over those people (the people are the table's rows, not a ranking of them).
_VALUE_AMONG_PEOPLE = re.compile(
    r"\b((?:highest|lowest|top|max|maximum|min|minimum|biggest|largest|smallest|peak|best"
    r"|worst) (?!(?:number|count|total|amount|share|proportion|percentage)\b)[a-z]+(?<!s))"
    r" (?:among|amongst|across|of) (?:the |our |all |all the |all our )?"
    r"((?:[a-z-]+ ){0,2}?)(?:staff|people|employees|personnel|workers|colleagues|staffers"
    r"|team members)\b",
    re.I,
)
# Two groups weighed by who does more: "Engineering vs Finance: who earns more on average",
# "which region brought in more revenue", "who has the better average rating": the measure
# for each group (earning and being paid more is the salary).
_COMPARATIVE = (
    r"(?:more|less|fewer|better|worse|higher|lower|bigger|smaller)"
    r"(?: or (?:more|less|better|worse))?"
)
_PAY_VERBS = r"(?:earns?|makes?|(?:(?:is|are|'s|gets?|get) )?paid)"
_WHO_MORE = re.compile(
    r"\b(?:who|whos|which(?: one| of (?:them|the two|these|those))?|which [a-z]+)(?:'s)?\s+"
    r"(?:(" + _PAY_VERBS + r")|earns|makes|gets|get|has|have|had|brought in|brings in"
    r"|bring in|sold|sells|sell|scores?|did|does|is|are|was)\s+(?:the\s+|a\s+)?"
    + _COMPARATIVE + r"\b(?:\s+money)?(?![^.?!,:;]*\bthan\b)",  # "sold more than 100k": a bar
    re.I,
)
# "do remote people get better ratings than office people", "does Sales earn more than HR on
# average": the two groups compared on that measure.
_MORE_THAN = re.compile(
    r"^\s*(?:do|does|did|are|is)\s+(?!(?:we|i|you|they|it|us)\b)(?P<a>.+?)\s+"
    r"(?:(?P<pay>" + _PAY_VERBS + r")|(?P<rated>rated"
    r"|scored|reviewed)|get|have|make|sell|bring in|score|rate|do|sell)\s+(?:a\s+|the\s+)?"
    + _COMPARATIVE + r"\s*(?P<what>.*?)\s+than\s+(?![$\u20ac\u00a3]?\d|(?:in|on|at|during|for"
    r"|last|this|before|after|ever|usual|expected|average)\b)(?P<b>.+?)"
    r"(?P<avg>\s+on average)?\s*[?.!]*\s*$",
    re.I,
)
# "the West sold more units than the East", "is it true that Sales earns more than HR": the
# same comparison said as a statement (to be checked) is both values, as the question is.
_STATED_MORE_THAN = re.compile(
    r"(?:^|(?<=[.?!:;] ))\s*(?:(?:is it (?:true|right|correct|the case) that|is it so that"
    r"|true that"
    r"|i (?:think|believe|heard|read|was told)(?: that)?|apparently|check (?:whether|if)"
    r"|confirm (?:whether|if|that))\s+)?"
    r"(?!(?:we|i|you|they|it|us|who|which|what|how|show|list|give|find|get|all|any|each"
    r"|every)\b)(?P<a>[a-z][\w&' -]*?)\s+"
    r"(?:(?P<pay>earns?|earned|makes?|made|(?:is|are|was|were|gets?|got) paid)"
    r"|(?P<rated>(?:is|are|was|were) (?:rated|scored|reviewed))|sold|sells|sell|brought in"
    r"|brings in|bring in|booked|books|gets|got|has|have|had|scores?|scored|generated"
    r"|generates)\s+(?:a\s+|the\s+)?" + _COMPARATIVE
    + r"\s*(?P<what>[^.?!,:;]*?)\s+than\s+(?![$\u20ac\u00a3]?\d|(?:in|on|at|during|for"
    r"|last|this|before|after|ever|usual|expected|average|we|they|it)\b)"
    r"(?P<b>[^.?!,:;]+?)(?P<avg>\s+on average)?\s*(?=[?.!]|$)",
    re.I,
)
# "do Paris or Berlin staff earn more on average", "does Sales or HR get better ratings":
# the two groups compared on that measure (no "than": the two said with "or").
_EITHER_MORE = re.compile(
    r"^\s*(?:do|does|did|are|is)\s+(?!(?:we|i|you|they|it|us)\b)(?P<a>.+?)\s+or\s+(?P<b>.+?)"
    r"\s+(?:(?P<pay>" + _PAY_VERBS + r")|(?P<rated>rated|scored|reviewed)|get|have|make|sell"
    r"|bring in|score|rate)\s+(?:a\s+|the\s+)?" + _COMPARATIVE
    + r"(?![^.?!,:;]*\bthan\b)\s*(?P<what>.*?)(?P<avg>\s*\bon average)?\s*[?.!]*\s*$",
    re.I,
)
# "remote vs office people": office-based (not remote) when set against remote.
_REMOTE_VS_OFFICE = re.compile(
    r"\b(remote\b[^.?!]*?\b(?:vs|versus|or|than|and|compared (?:to|with))\s+(?:the\s+)?)"
    r"(?:in[- ])?office(?:[- ]based)?\b",
    re.I,
)
_OR_BETWEEN = re.compile(
    r"(?<![\d.,])\b([a-z][\w&'-]*) or (?!(?:above|below|more|less|fewer|higher|lower|over"
    r"|under|better|worse|older|newer|earlier|later|after|before|so|not)\b)([a-z][\w&'-]*)\b",
    re.I,
)


def _who_more(m: re.Match[str]) -> str:
    return "salary" if m.group(1) else ""


def _more_than(m: re.Match[str]) -> str:
    measure = m["what"] or ("salary" if m["pay"] else "average rating" if m["rated"] else "")
    if measure.lower() in REVIEWS:
        measure = "average rating"  # "better reviews": a higher rating
    return f"{m['a']} vs {m['b']}: {'average ' if m['avg'] else ''}{measure}"


_RELATIVE = re.compile(r"\b(?:who|whom|whose|which|that|where|when)\b", re.I)


def _stated_more_than(m: re.Match[str]) -> str:
    """A statement's two groups, unless the first holds a relative clause ("departments that
    have more staff than Finance": the groups wanted, not two compared)."""
    if _RELATIVE.search(m["a"]):
        return m.group(0)
    return _more_than(m)


# "are there more remote workers in Engineering than in Support?", "do we have fewer people
# in Paris than in Berlin", "there are more engineers in London than in Berlin, right?": how
# many there are in each of the two, side by side (the question is which is more).
#: "are there more engineers in Berlin than in Paris", "have we more people in London or in
#: Paris": the two groups weighed.
_MORE_THERE = re.compile(
    r"(?:^|(?<=[.?!:;] ))\s*(?P<lead>" + "is it true that" + r"\s+)?(?:are there|were there"
    r"|is there|there are|there were|there is|do we have|did we have|have we got|have we|had we"
    r"|we have|we had|do we employ|did we employ|we employ)\s+(?:more|fewer|less)\s+"
    r"(?P<what>[^.?!,;:]{1,80}?)\s+(?P<prep>in|at|for|among|within|under)\s+(?P<a>[^.?!,;:]{1,80}?)\s+"
    r"(?:than|or)\s+(?:(?:in|at|for"
    r"|among|within|under)\s+)?(?!(?:[$\u20ac\u00a3]?\d|in|on|at|during|for|last|this|before"
    r"|after|ever|usual|expected|average|we|they|it)\b)(?P<b>[^.?!,;:]{1,80}?)\s*(?=[?.!]|$)",
    re.I,
)


def _weighed(text: str) -> str:
    """The comparisons of two groups above, as "A vs B: measure"."""
    text = _MORE_THERE.sub(lambda m: f"{m.group('lead') or ''}{m.group('what')} "
                           f"{m.group('prep')} {m.group('a')} vs {m.group('b')}", text)
    text = _MORE_THAN.sub(_more_than, text)
    text = _STATED_MORE_THAN.sub(_stated_more_than, text)
    text = _EITHER_MORE.sub(_more_than, text)
    weighed = _WHO_MORE.sub(_who_more, text)
    if weighed != text:
        # "finance or HR: who has the better rating": the two groups, side by side.
        weighed = _OR_BETWEEN.sub(lambda m: f"{m.group(1)} vs {m.group(2)}", weighed)
    return _REMOTE_VS_OFFICE.sub(lambda m: f"{m.group(1)}not remote", weighed)


# "Name the three locations with ...": list them (not their "name" column).
_NAME_THE = re.compile(r"^\s*name (?=(?:the|all|our|every|each|top|\d+)\b)", re.I)
# "orders with maximum 3 pieces", "a minimum of 5 units": at most, at least.
# "reps that booked >700k", "rated >= 4", "orders <1000": a bound written as a symbol.
_SYMBOL_BOUND = re.compile(r"(>=|=>|\u2265|<=|=<|\u2264|>|<)\s*(?=[$\u20ac\u00a3]?\s*\d)")
_SYMBOL_WORDS = {">=": "at least", "=>": "at least", "\u2265": "at least", "<=": "at most",
                 "=<": "at most", "\u2264": "at most", ">": "more than", "<": "less than"}
# "joined by end of 2017 (2017 included)", "before 2018, 2018 inclusive": the bound's own
# period said again as included is the bound, not a second period.
_INCLUDED_AGAIN = re.compile(
    r"\b(by|until|till|through|thru|to|before|up to)(\s+(?:the\s+)?(?:end\s+of\s+)?)(\d{4})\b"
    r"\s*[(,-]?\s*(?:with\s+|and\s+)?\3\s+(?:included|inclusive|incl\.?|counted|too)\s*\)?", re.I)
# "Sept 12, 2025", "March 3rd, 2024": a date written with a comma before its year.
_MONTH_DAY_COMMA_YEAR = re.compile(
    r"\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?),\s*((?:19|20)\d\d)\b", re.I)
# "where they're based", "the people we've hired": contractions written out (the
# tokenizer would leave "re", "ve" as unknown words).
# Only these: a polite "we're planning", "I'll be presenting" is context, and reads best
# with its unknown words left out.
_CONTRACTION = re.compile(r"\b(they['\u2019]re|(?:i|we|they|you)['\u2019]ve)\b", re.I)
_MAX_N = re.compile(r"\b(?:a )?(maximum|max|minimum|min)(?: of)? (?=[$\u20ac\u00a3]?\d)", re.I)
# "products that sell for no more than $100 a unit": their unit price.
_SELL_FOR_A_UNIT = re.compile(
    r"\b(?:sells?|sold|go|goes|went) for ((?:(?:no more|no less|less|more) than|at most|at least"
    r"|under|over|below|above|up to) )?([$\u20ac\u00a3]?[\d.,]+k?) (?:a|per|each|every) "
    r"(?:unit|piece|item)\b",
    re.I,
)
# "how many order lines had 1 unit, 2 units, 3 units and so on": by the number of units.
_ONE_TWO_THREE = re.compile(
    r"\b(?:had |with |of |for )?1 (unit|item|piece)s?,? 2 \1s?,?(?: (?:and )?3 \1s?,?)?"
    r"(?: (?:and so on|etc\.?|\.\.\.))?",
    re.I,
)
# "an overview of the number of units we sold": that number (not a dashboard).
_OVERVIEW_OF = re.compile(
    r"\b(?:an?|the) (?:overview|summary|rundown|breakdown) of (?=the (?:number|total|count"
    r"|amount|sum|average)\b|how (?:many|much)\b)", re.I)
# "who's paid the most", "who gets paid the least": the highest (lowest) paid.
_PAID_THE_MOST = re.compile(
    r"(?:\b(?:is|are|gets?|get) |(?<=\bwho)'?s )?\bpaid the (most|least)\b", re.I
)
# "Mumbai staff on 30k or less", "people on 100k and up": earning that.
_ON_PAY = re.compile(
    r"\bon ([$\u20ac\u00a3]?\d[\d,.]*k?) (?=or (?:less|more|below|above|lower|higher|under"
    r"|over|fewer)\b|and (?:up|above|below|under|over)\b|a year\b|per year\b|salary\b)",
    re.I,
)
# "the rep with the most deals", "sales guy who closed the fewest orders": the one person
# ranked by how many of those rows are theirs (not the number of people).
_PERSON_WITH_MOST = re.compile(
    r"\b(?:the |which |our )?((?:[\w-]+ )?(?:rep|seller|salesperson|sales ?person|sales guy"
    r"|sales rep|employee|person|staff member|team member|colleague|worker))"
    r" (?:with|(?:who |that )?(?:has|had|closed|logged|booked|made|sold)) the (most|fewest|least"
    r"|(?:highest|lowest|biggest|smallest) number of) (orders|deals|sales|transactions"
    r"|order lines|sales lines)\b",
    re.I,
)


def _person_with_most(m: re.Match[str]) -> str:
    least = m.group(2).lower().startswith(("fewest", "least", "lowest", "smallest"))
    return f"{'bottom' if least else 'top'} 1 {m.group(1)} by number of {m.group(3)}"


# "how many units each category sold": the units sold by category.
_UNITS_EACH_SOLD = re.compile(
    r"\bhow many (units|items|pieces) (?:did )?(?:each|every) ((?:[\w-]+ ){0,2}?[\w-]+) "
    r"(?:sold|sell|shipped|moved)\b",
    re.I,
)
# "biggest deals ever, top 3", "products by revenue - top 5": the ranking said last.
_TRAILING_TOP = re.compile(r"^(.*\w)\s*[,:;-]\s*(top|bottom)\s+(\d+)\s*[?.!]*\s*$", re.I)
# "remove the date filter", "without the year restriction": every date (as "all time").
_NO_DATE_FILTER = re.compile(
    r"\b(?:remove|drop|clear|lose|ditch|ignore|forget|take off|take away|get rid of|without"
    r"|with no|no)\s+(?:the\s+|any\s+|that\s+)?(?:date|time|year|period|month|quarter|week)s?"
    r"[ -](?:filter|range|restriction|limit|window|constraint|cut ?off)s?\b",
    re.I,
)
# "the past fortnight": two weeks; "the last full month", "the previous complete quarter":
# the last one (a calendar period is always whole).
_FORTNIGHT = re.compile(r"\b(?:a |one )?fortnight\b", re.I)
# "the 2024 calendar year", "FY2024 (calendar year)", "2023 (January to December)", "FY24 on a
# calendar basis, being January through December inclusive": a year said to be the whole
# calendar year is that year, not a breakdown by year nor its first and last months.
_YEAR_SAID_WHOLE = re.compile(
    r"\b((?:fy\s?)?20\d\d)"
    r"(?:(?:\s*+,)?\s*+(?:on an? calendar(?:[- ]year)? basis|\(\s*+calendar year\s*+\)"
    r"|calendar year))?"
    r"(?:(?:\s*+,)?\s*+(?:(?:being|i\.?e\.?|that is|namely|viz\.?),?\s*+)?\(?\s*+(?:from )?"
    r"(?:january|jan)\s*+(?:to|-|\u2013|through|thru|until)\s*+(?:december|dec)"
    r"(?:\s*+,?\s*+(?:inclusive|included|incl\b\.?))?(?:\s*+\))?)?",
    re.I,
)
# An auditor's "the population of entries": all of them (the word adds nothing to the rows).
_POPULATION_OF = re.compile(r"\b(?:whole |entire |full )?population of\b\s*", re.I)
# "entries posted", "postings recorded": an accountant's rows are posted once they are in the
# books, so the verb adds nothing to them (said of other rows, "sales recorded in" is a word
# left out and said so).
_ENTRIES_POSTED = re.compile(
    r"\b(entries|entry|postings|posting)\s+(?:posted|recorded|logged|booked)\b", re.I
)
_FULL_PERIOD = re.compile(
    r"\b(last|previous|prior|most recent) (?:full|complete|completed|whole|entire|closed) "
    r"(year|quarter|month|week)\b",
    re.I,
)
_FY = re.compile(r"\bfy\s?'?(\d\d)\b", re.I)
# "$$ from services", "$ by region": money, not a number ("$500" stays a number).
_DOLLARS = re.compile(r"(?<![\w$])\${1,3}(?![\d$])")
# "days with more than 100 sales", "which weeks had under 5 hires": those periods, kept
# when their total passes the bar (a breakdown by day with a filter on it).
_GRAINS_WITH = re.compile(
    r"^(\s*(?:(?:which|what|list|show(?: me)?|give me|find)\s+)?(?:the\s+)?)"
    # "days in 2024 when we booked more than 90 orders": a period may come between.
    r"(day|week|month|quarter|year)s((?:\s+(?:in|of|during|for)\s+(?:the\s+)?(?:(?:last|past"
    r"|this)\s+\w+|q[1-4]\s+20\d\d|20\d\d|\w+\s+20\d\d))?)\s+(with|having|that had|that have"
    r"|where|when there were|(?:when|where|on which|in which) (?:we|they|you) (?:booked|had|sold"
    r"|made|got|took|closed|saw|hired|shipped|received|logged))\b",
    re.I,
)
# The words kept as said; "when we booked" and the like become "with".
_GRAIN_BARS = frozenset({"with", "having", "that had", "that have", "where", "when there were"})
# Everyday words for measures, grains and shapes (a maintained list, read before the
# catalog's words): each rewrite says the same in words the reader knows.
_EVERYDAY: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), plain) for pattern, plain in (
        # "whittle that down to Hardware", "pare the list down to", "trim it to 2024": narrow
        # the last chart to what follows.
        (r"\b(?:whittle|pare|trim|slim|cut|boil)(?: (?:that|it|this|them|those|these|things"
        r"|the (?:list|chart|table|data|results?)))?(?: down)? (?:to|at)\b", " only "),
        # "and if I restrict that to ...", "what if we only keep ...": a change to the last
        # chart asked as a supposition (the supposing is no part of it).
        (r"\b(?:(?:and|so|but|now|then|ok|okay) )?(?:what )?if (?:i|we|you|u) (?:only |just "
        r"|now |then |instead )?(?=(?:restrict|limit|narrow|filter|keep|look|focus|zoom|stick"
        r"|switch|change|break|split|group|sort|exclude|include|drop|remove|leave|add|take"
        r"|count|use|compare|only)\b)", " "),
        # "(same breakdown as before)", "same split as last time": the last chart's breakdown
        # kept, as a change to it keeps it anyway ("breakdown" is no new distribution).
        (r"\s*\(?\s*\b(?:the |with the |keep the |keeping the )?same (breakdown|split|grouping"
         r"|view|layout|dimensions?|columns?|setup|set-up)(?: as (?:before|earlier|last time"
         r"|above|previously|the last one))?\s*\)?", " "),
        (r"\b(?:same )?as (?:before|last time|earlier|previously)\b", " "),
        # "add units as a second values column", "... as another series": one more measure.
        (r"\bas (?:a |an |the )?(?:second|third|2nd|3rd|another|extra|additional|new|separate)"
        r"\s+(?:values? |data |measure )?(?:column|series|measure|metric|field|value)\b", " too"),
        # "the least well paid team", "well-paid people": paid the least / the most.
        (r"\b(?:the )?(?:least|worst) well[- ]paid\b", " the lowest paid"),
        (r"\b(?:the )?(?:most|best) well[- ]paid\b", " the highest paid"),
        (r"\bwell[- ]paid\b", "highest paid"),
        # "revenue leaders", "$$ leaders": the top ones by that measure.
        (r"\b(revenue|sales|units|orders|deals|salary|rating)\s+leaders?\b", r"top \1"),
        # "spread across ranges", "in buckets", "by range": a distribution.
        # ("in buckets of 10000", "by salary range" say their bands and are read so).
        (r"\b(?:(?:spread|split|broken down|grouped|bucketed|bucketted|binned|divided)"
         r" )?(?:across|into|in|over) (?:price |value |size |salary |pay )?(?:ranges|buckets"
         r"|bands|bins|brackets|tiers)\b(?! of\b)", " distribution "),
        # "one point per month", "a bar a month": by month.
        (r"\b(?:one|a|1|single) (?:point|dot|bar|row|value|number|figure|entry|data point)"
         r" (?:per|a|an|each|for each|every|for every) (day|week|month|quarter|year)\b",
         r"by \1"),
        # "how busy was last week in terms of orders": how many orders.
        (r"\bhow busy (?:was|were|is|are|has been|have been) (.+?),? in terms of (?:the )?"
         r"(?:number of |count of |volume of )?([\w -]+?)\s*(?=[?.!]|$)", r"how many \2 \1"),
        # "up and running by 2014", "already operating": opened.
        (r"\b(?:already )?(?:up and running|operational|in operation|operating)\b", "opened"),
        # "every region x category combo", "per department/title pair": by both.
        (r"\b(?:for |per |by |across )?(?:each |every |all )?([a-z]+)(?: (?:x|\u00d7|and|by|&) "
         r"|\s*/\s*)([a-z]+) " + alternation((*COMBINATIONS, *PAIRS)) + r"\b", r"by \1 and \2"),
        # "in how much countries", "how much products": a count of things, said the way
        # some speakers of other languages say it (money stays "how much").
        (r"\bhow much(?= (?:different |distinct |separate )?(?:job |sales |product |office )?"
         r"(?:countries|cities|offices|locations|sites|departments|teams|products|categories|regions|titles|roles"
         r"|managers|reps|sellers|days|weeks|months|customers|items|units|times)\b)",
         "how many"),
        # "the 2023 version", "the Q2 version": that period instead.
        (r"\b(?:the |a )(20\d\d|q[1-4](?: 20\d\d)?|last year'?s?|this year'?s?) (?:version|one"
         r"|edition|equivalent)\b", r"for \1"),
        # "the most-ordered product", "least ordered items": the most / fewest orders.
        (r"\b(?:the )?most[- ]ordered ([a-z]+)\b", r"\1 with the most orders"),
        (r"\b(?:the )?least[- ]ordered ([a-z]+)\b", r"\1 with the fewest orders"),
        # "active sellers", "active reps": the sellers who sold (each one counted once).
        (r"\bactive (sellers?|reps?|salespeople|salesperson|salespersons|sales ?persons?"
         r"|sales people|sales reps?|sales guys?|account executives?)\b", r"\1"),
    )
)
# "locations that average better than 3.3 on reviews": the average performance rating
# ("scored 4 in their reviews", "on their review", "a 5 review" are read as such already).
_ON_REVIEWS = re.compile(
    r"\b(?:on|in|for) (?:their |the |our )?(?:performance )?"
    + alternation(tuple(w for w in REVIEWS if w.endswith("s"))) + r"\b(?! of\b)", re.I)
_AVERAGED = re.compile(r"\b(?:average|averages|averaging|averaged|avg|mean)\b", re.I)


def _average_on_reviews(m: re.Match[str]) -> str:
    return " on rating " if _AVERAGED.search(m.string, 0, m.start()) else m.group(0)


# "(hardware, software ...)", "(e.g. Berlin, Paris)": examples of what is meant, not a filter.
_EXAMPLES = re.compile(
    r"\((?:\s*(?:e\.?\s?g\.?|such as|like|for example|for instance)[\s,:]+[^()]*"
    # "(the VP of ... titles)": a pattern with a gap in it, what was said again.
    r"|[^()]*?(?:\u2026|\.\.\.|\betc\.?)[^()]*)\)",
    re.I,
)
# "total staff", "total employees": the headcount (not "total staff salary": a sum of pay).
_TOTAL_STAFF = re.compile(
    r"\btotal (?:staff|employees|people|workforce|headcount)\b(?!\s+(?:salary|salaries|pay|"
    r"cost|costs|compensation|spend|payroll|wages?|earnings|rating|ratings)\b)",
    re.I,
)
# "employee totals", "staff total by office": the headcount.
_STAFF_TOTALS = re.compile(
    r"\b(?:staff|employee|people|worker|headcount) totals?\b", re.I
)
# "cleared the 20 million mark", "over the 5k threshold": the number is the bar.
_MARK = re.compile(r"\bthe (\d[\d,.]*(?:k|m)?) (?:mark|threshold|barrier|line|level)\b", re.I)
# "the final half-year", "the last half year": the last 6 months.
_LAST_HALF = re.compile(r"\b(?:last|final|past|latest|previous|most recent) half[- ]year\b", re.I)
# "the months the data covers", "the last year the data has": of the data.
_DATA_COVERS = re.compile(r"\s+(?:that |which )?(?:the|our) data (?:covers|has|spans|holds)\b",
                          re.I)
# "revenue-wise", "headcount wise": about that measure ("-wise" says nothing more); a
# grouping word before it ("region-wise", "month wise") asks for a breakdown by it.
_WISE = re.compile(r"\b([a-z]+)(?:-| )wise\b", re.I)
_WISE_GROUPS = frozenset({
    "region", "department", "dept", "category", "country", "city", "location", "office",
    "product", "team", "month", "year", "quarter", "week", "day", "role", "title", "site",
})
# "5 stars", "a 4-star rating", "rated 3 stars": a rating of that many.
_STARS = re.compile(r"\b(?:a |an )?(\d)[- ]?stars?\b(?: rating\b)?", re.I)
# "got a 5 rating", "a 4 score": a rating of that; "scored 5 on performance": rated 5.
_A_RATING = re.compile(
    r"\b(?:a|an) (?:perfect |top |full |flawless |bare |lowly )?(\d) (?:rating|score|review"
    r"|appraisal)\b", re.I)
_SCORED = re.compile(
    r"\bscored (?:at )?(?:a |an )?(\d)(?: out of \d+)?(?: (?:on|in|for) (?:their |the |a )?"
    r"(?:performance|review|appraisal|rating)s?(?: reviews?| ratings?)?)?\b",
    re.I,
)
# "size of the Marketing team", "the size of our sales department": its headcount.
_TEAM_SIZE = re.compile(
    r"\b(?:the )?size of (?:the |our |my |each |every )?((?:[\w&-]+ ){0,2}?)"
    r"(team|teams|department|departments|dept|depts|office|offices|workforce|company|org)\b",
    re.I,
)

#: "HR here:", "Maria from Finance here,": the asker saying who they are at the start of a
#: message (a name, a team) — context, not a filter on the data.
SPEAKER = (
    r"^\s*(?!(?:show|list|give|what|whats|how|put|plot|draw|display|chart|get|add|see|only"
    r"|just|and|but|same|now|then|so)\b)(?:[\w&'-]+ ){0,3}?[\w&'-]+ here"
    # "head of people here on my phone -": where they type from is context too.
    r"(?:,? (?:on|from|via) (?:my |the |a )?(?:phone|mobile|cell|laptop|tablet|ipad|train"
    r"|road|go))?\s*[:,;\u2013\u2014-]"
)
SPEAKER_RE = re.compile(SPEAKER, re.I)

#: "I'm new in finance": the asker saying where they work (courtesy, said back as who asks).
NEW_IN = re.compile(r"i(?: am|'m) (?:[a-z]+ )?new (?:in|to|at|on) ", re.I)

#: People a question is asked by or for: "for my boss", "for the CFO" (context, not a filter).
ASKER_ROLES = (
    r"(?:boss|bosses|manager|managers|mgr|director|directors|vp|vps|svp|evp|ceo|cfo|coo|cto"
    r"|cmo|cio|cro|chro|cpo|exec|execs|executive|executives|leadership|management|mgmt"
    r"|supervisor|lead|team lead|higher[- ]ups|stakeholders?|investors?|founders?|president"
    r"|chairman|chair|head of [\w&-]+|chief [\w-]+ officer"
    # "for the auditors", "for our accountants", "for the board": who the answer is for.
    r"|auditors?|accountants?|regulators?|lawyers?|board|committee)"
)
#: What people call themselves when they say who is asking ("ops analyst", "CFO chief of
#: staff", "the new intern", "head of people"): the last word of a self-introduction. Not
#: "team": "Sales team: ..." and "Paris team: ..." name the rows asked about.
ROLE_NOUNS = (
    r"(?:analyst|analysts|manager|director|head of [\w&-]+|chief of staff|chief [\w-]+ officer"
    r"|officer|assistant|intern|trainee|lead|vp|svp|evp|ceo|cfo|coo|cto|cmo|cio|cro|chro"
    r"|controller|recruiter|coordinator|specialist|associate|consultant|admin|administrator"
    r"|founder|owner|president|partner|accountant|engineer|planner|bookkeeper|auditor|exec"
    r"|executive|ops|people ops|revops|bizops|finops|salesops|hrbp|generalist"
    r"|business partner|new hire|new starter|newbie|temp|contractor|graduate)"
)
#: "ops lead", "finance team manager": two role words said together are one role.
ROLE_NOUNS += r"(?: " + ROLE_NOUNS + r")?\b"
#: A self-introduction's role said at the start before a colon ("ops analyst:", "CFO chief
#: of staff:", "ops:"): the words before it may not be what a question starts with.
_ROLE_LEAD = (
    r"(?:(?!(?:by|per|each|every|top|for|in|at|of|with|from|and|or|the|all|total|average|avg"
    r"|sum|count|number|how|what|which|who|show|list)\b)[\w&'-]+ ){0,3}?"
)
_NOT_ASKER = (
    r"(?!(?:show|list|give|what|whats|what's|how|which|who|whos|who's|where|when|why|do|does"
    r"|did|is|are|can|could|would|put|plot|draw|display|chart|get|add|see|only|just|and|but"
    r"|same|now|then|so|i|we|you|they|everyone|everybody|anyone|nobody|people|employees|staff"
    r"|reps|customers)\b)"
)
#: What a question is said to be, not who asks it: "new question:", "a follow-up question".
_NOT_WHO = (
    "new", "next", "different", "other", "another", "follow-up", "up", "followup", "last",
    "final", "first", "second", "related", "simple", "easy", "dumb", "silly", "stupid",
    "general", "random", "side", "data", "this", "that", "my", "our", "the", "a", "an", "one",
    "more", "quick", "short", "small", "big", "last", "same", "similar", "separate", "key",
)
_ASKING_VERB = (
    r"(?:wants|wanted|needs|needed|would like|'d like|is asking(?: for| about)?|asked(?: for)?"
    r"|asks(?: for)?|requested|is after)(?: (?:me )?to (?:know|see|have|get|understand|find out"
    r"|check))?(?: (?:about|on))?"
)
#: Who is asking, or for whom, said around the question: "CFO question:", "my boss wants",
#: "our VP needs", "the CFO is asking for", ", boss is asking", "for my manager", "for the
#: CFO," — context, never a filter ("revenue of the CFO", "salaries of managers" still are).
#: Group "who" names them for the answer.
ASKERS: tuple[str, ...] = (
    # "CFO question:", "quick HR request -": a note on who asks, before the question.
    r"^\s*(?:(?:a|one|quick|another)\s+)*" + _NOT_ASKER
    + r"(?!\d)(?P<who>(?:my |our |the )?(?:[\w&'-]+ ){0,2}?[\w&'-]+)"
    + "".join(rf"(?<!\b{w})" for w in _NOT_WHO)
    + r" (?:question|request|ask|query|q|qn|qu|ques|asking|asks|enquiry|inquiry)"
    r"\s*[:,;\u2013\u2014-]",
    # "question from the CFO:", "request by HR -": the same, said the other way round.
    r"^\s*(?:(?:a|one|quick|another)\s+)*(?:question|request|query|q|qn|ask|enquiry|inquiry)"
    r" (?:from|by) (?P<who>(?:my |our |the )?(?:[\w&'-]+ ){0,2}?[\w&'-]+)\s*[:,;\u2013\u2014-]",
    # "CFO wants ...", "my boss needs to see ...", "the VP is asking for ...": at the start.
    r"^\s*" + _NOT_ASKER + r"(?P<who>(?:my |our |the )?(?:[\w&'-]+ ){0,2}?[\w&'-]+) "
    + _ASKING_VERB + r"(?=\s)(?:\s*[:,;\u2013\u2014-])?",
    # "CFO asking: ...", "the VP asks -": the asking verb alone, then a colon or a dash.
    r"^\s*" + _NOT_ASKER + r"(?P<who>(?:my |our |the )?(?:[\w&'-]+ ){0,2}?[\w&'-]+)"
    + "".join(rf"(?<!\b{w})" for w in _NOT_WHO)
    + r" (?:asking|asks|asked|wants to know|needs to know)\s*[:\u2013\u2014-]",
    # "..., boss is asking", "- my manager wants it": after the question.
    r"(?:[,;:\u2013\u2014-]|\s-)\s*(?P<who>(?:my |our |the )?(?:[\w&'-]+ ){0,2}?[\w&'-]+)"
    r" (?:is asking|'s asking|asked|asks|wants(?: it| this| to know)?|needs(?: it| this)?)"
    r"(?: (?:for (?:it|this)|me|about (?:it|this)))?\s*[.!?]*\s*$",
    # "ops analyst:", "CFO chief of staff -", "ops:": a role said before the question.
    r"^\s*(?P<who>(?:my |our |the )?" + _ROLE_LEAD + ROLE_NOUNS + r")(?: here)?\s*(?::|\s[-\u2013"
    r"\u2014])",
    # "from the CFO:", "from finance -": who sends the question.
    r"^\s*from (?P<who>(?:my |our |the )?(?:[\w&'-]+ ){0,2}?[\w&'-]+)\s*(?::|\s[-\u2013\u2014])",
    # "on behalf of our CFO,": for whom.
    r"\b(?:i'?m (?:asking |writing )?|i am (?:asking |writing )?|(?:asking|writing) )?on behalf"
    r" of (?P<who>(?:my |our |the )?(?:[\w&'-]+ ){0,3}?[\w&'-]+?)(?=\s*[,;:.!?\u2013\u2014]"
    r"|\s+(?:could|can|would|will|please|i|we|and|here)\b)[,;:.!?\u2013\u2014]*",
    # "I'm the new intern", "I'm a finance analyst and", "as the ops lead,": who asks.
    r"\b(?:i'?m|i am|as) (?:just |only |now )?(?P<who>(?:a|an|the|your|our) (?:new |summer |junior"
    r" |senior |acting |interim )?(?:[\w&-]+ ){0,2}?" + ROLE_NOUNS
    + r")(?: here)?\b(?: (?:and|so)\b)?[,!.:;]*",
    # "for my manager", "for our VP", "for the CFO:" / ", for the CFO": an audience.
    r"(?:^|(?<=[,;:.!?\u2013\u2014-])|(?<=\s-)|\b(?=for (?:my|our) ))\s*(?:(?:it'?s|this is)"
    r" )?for (?P<who>(?:my|our|the) " + ASKER_ROLES + r")\b(?:'s)?(?=\s*(?:[,;:.!?\u2013"
    r"\u2014-]|$|\s(?:please|thanks|thank|pls)\b))[,;:.!?\u2013\u2014-]*",
)
ASKERS += (
    # "boss asking what share of ...", "my manager wants to know how many ...": who asks, then
    # the question itself with no colon between.
    r"^\s*(?P<who>(?:my |our |the )?" + ASKER_ROLES + r") (?:is |was |'s )?(?:asking|asked"
    r"|wants to know|wanted to know|needs to know)(?: (?:me|us))?(?= (?:what|how|which|who"
    r"|whether|if|for|about)\b)(?: (?:for|about)\b)?",
    # "so my boss just pinged me asking for ...": who wants it, and how they asked.
    r"\b(?:so )?(?P<who>(?:my|our) " + ASKER_ROLES + r") (?:just |has |had |already |also )?"
    r"(?:pinged|messaged|emailed|e-mailed|texted|slacked|called|rang|dm'?d|dm'?ed)(?: me)?"
    r"(?: (?:asking|to ask|to get|to find out|to pull|to see))?(?: (?:for|about))?\b",
    # "I'm Lisa from accounting,", "this is Tom in Finance.": a name, and the team it is in.
    r"\b(?:i'?m|i am|this is|it'?s) (?P<who>(?-i:[A-Z][a-z]+)(?: (?-i:[A-Z][a-z]+))? (?:from|in|on"
    r"|with) (?:the )?[\w&-]+(?: team| department| dept)?)(?=\s*(?:[,.!;:]|$)|\s+(?:and|here)\b)"
    r"[,.!;:]*",
)
_ASKERS = tuple(re.compile(p, re.I) for p in ASKERS)

# "for the finance committee on Friday", "for a comp review next week": when it is needed.
_WHEN_NEEDED = (
    r"(?: (?:on|by|before|next|this) (?:monday|tuesday|wednesday|thursday|friday|saturday"
    r"|sunday|week|month|morning|afternoon)| tomorrow| today| later)?"
)

_WEEKDAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|mon|tue|tues|wed|thu|thur|thurs|fri)"
)

#: Courtesy, greetings and lead-ins: never part of what is asked.
COURTESY: tuple[str, ...] = (
    # "yo", "heya", "Dear Sir or Madam": other greetings, at the start.
    r"^\s*(?:yo|heya|hiya|howdy|sup|greetings|dear (?:sir or madam|sir/madam|sir|madam|all|team"
    r"|colleagues?))\b[,!.]*",
    # "What I need is", "the one thing I actually need before I forget is": the ask, then what.
    r"\b(?:what (?:i|we) (?:actually |really |do |would like |'d like )?(?:need|want|'m after"
    r"|am after|would like|'d like)|the (?:one|only|main|real|single) thing (?:i|we) (?:actually"
    r" |really |do )?(?:need|want|'m after|am after)(?: (?:before|now|today|here|from you)"
    r"[\w' ]{0,24}?)?) is\b",
    # "are there any X? if so, how many": the condition of the second ask.
    r"\b(?:and )?if (?:so|yes)\b[,:]?",
    r"\b(?:quick )?sanity check\b(?: if you don'?t mind)?[,:!.-]*",
    r"\bif you don'?t mind\b[,:!.-]*",
    r"\bif you (?:please|would|could|can|will)\b(?=\s*(?:[?!.,]|$))[,:!.-]*",
    # "can you help?", "could someone help me with this?": the ask itself, said again.
    r"\b(?:can|could|would|will) (?:you|someone|anyone|somebody) (?:please |kindly )?help(?: me"
    r"| us)?(?: (?:with|on) (?:that|this|it))?(?: out)?(?: please)?(?=\s*(?:[?!.,]|$))",
    r"\bi(?: am|'m) writing (?:to (?:request|ask(?: for| about)?|enquire about|inquire about"
    r"|find out|get)|about|regarding|in regards? to|with regards? to)\b",
    r"\b(?:this|it) (?:might|may|could) (?:be|sound) (?:a )?(?:bit )?(?:weird|silly|dumb|stupid"
    r"|odd|strange|basic|obvious|naive)(?: one| question| thing to ask)?\b[,!.]*",
    r"\b(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b(?: there| all| team| bot"
    r"| assistant)?[,!.]*",
    # "please share the headcount", "kindly share salary bands": send it ("share of headcount"
    # is a part of a whole).
    r"\b(?:please |kindly |(?:could|can|would|will) you (?:please |pls |kindly )?)share"
    r"(?: with me)?\b(?=\s+(?!of\b)[a-z0-9])",
    # "could you send through the averages", "please send over ...": the data, sent here.
    r"\b(?:please |pls |kindly |(?:could|can|would|will) you (?:please |pls |kindly )?)send"
    r"(?: (?:me|us))?(?: (?:over|through|across|along))\b(?=\s+[a-z0-9])",
    # "pls send total deal count thx": the figures, shown here (a short ask that ends the
    # message; with "to" or "via" after it, it stays a message to send).
    r"\b(?:please|pls|plz|kindly) send(?: (?:me|us))?\b"
    r"(?=(?>[ \t]+(?!(?:to|via|cc)\b)\S++){1,12}+[ \t]*$)",
    # "Kindly advise ...", "please advise": ask nicely; "cho em xin ... nha" (Vietnamese: may
    # I have ... please); "Sasa boss," (Kenyan hello); a chef's "Heard." at the start.
    r"\b(?:please |kindly )advise(?: (?:me|us|on))?\b[,:]?",
    r"\bcho (?:em|anh|chi|toi) xin\b",
    r"^\s*sasa(?: boss)?\b[,!.]*",
    r"^\s*heard\s*[.!]+",
    r"\b(?:lol|lmao|haha+|hehe+|tysm|tyvm|xoxo|xo|xx+)\b[,!.]*",
    # "do the needful and share ...", "kindly revert with ...", "revert at the earliest", "PFB":
    # the Indian English office ask and reply, never part of what is asked.
    r"\b(?:please |kindly )?do the needful\b(?:,? and(?: (?:share|send)(?: with me)?\b"
    r"(?=\s+(?!of\b)[a-z0-9]))?\b)?[,!.]*",
    r"\b(?:and )?(?:please |kindly )?revert(?: back)?(?: (?:at the earliest|at your earliest"
    r"(?: convenience)?|asap|soon|on (?:this|the same)|to (?:me|us)))*(?: with\b)?[,!.]*",
    r"\b(?:at the earliest|pfb|please find (?:below|attached))\b[,:!.]*",
    # "how many engineers r remote fr", "... ngl": chat fillers closing a message (lower case:
    # "FR" may be a country).
    r"(?<=\s)(?-i:fr|frfr|ngl|fwiw|iirc|afaik|smh)\s*[!?.]*\s*$",
    # "-- Tom", "~Ana", "...? - Jo Smith": a name signed under the question.
    r"(?:(?:^|\s)(?:--+|~)|(?:(?<=[?!.])|\n)\s*[-\u2013\u2014])\s*(?-i:[A-Z][a-z]+(?:[ -][A-Z]"
    r"[a-z]+)?)\s*[.!]*\s*$",
    # "Many thanks, Ana", "Cheers - Tom": the sign-off and the name under it.
    r"\b(?:many |so much |a lot )?(?:thanks|thank you|thx|ty|cheers|best|ta|br)(?!\w)"
    r"(?: (?:so|very) much| a lot| in advance)*[,!.]*\s*[-\u2013\u2014]?\s*"
    r"(?-i:[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)\s*[.!]*\s*$",
    r"\b(?:many |so much |a lot )?(?:thanks|thank you|thx|ty|cheers|much appreciated)(?!\w)"
    r"(?: (?:so|very) much| a lot| kindly| in advance)*(?: for (?:your|the) help)?[,!.]*",
    r"\b(?:best|kind|warm)? ?regards\b[^.!?]*",
    r"\bi hope (?:you'?re|you are) well\b[,!.]*",
    r"\bhope you'?re well\b[,!.]*",
    r"\b(?:sorry (?:to bother|if this is a (?:dumb|silly|stupid) question))\b[,!.-]*",
    r"\bquick (?:one|question)\b[,!.-]*",
    r"\bbefore (?:my|our|the|a) (?:next |weekly |monthly )?(?:\d+:\d+|1-on-1|one-on-one|meeting"
    r"|call|standup|stand-up|sync|review|presentation)\b[,!.-]*",
    r"\bi'?m putting together [^.!?]*? and\b",
    r"\bi'?m putting (?:[\w-]+ ){1,4}together\b(?: and\b)?",
    r"\b(?:i )?would (?:really |very much |greatly |truly )?appreciate(?: it)?(?: if you "
    r"(?:could|would|can)(?: please)?(?: (?:give|send|show|tell|share with) me)?)?",
    r"\bi'?d be (?:very |really |most |so )?grateful if you (?:could|would|can)(?: please)?"
    r"(?: (?:give|send|show|tell|share with) me)?",
    r"\bi (?:was wondering|wonder) if (?:it would be possible to|you could|you can)"
    r"(?: (?:please|help me|possibly))*(?: (?:figure out|find out|find|tell me|show me|see|"
    r"get|know))?",
    r"\b(?:would|could|can|will) you (?:please |kindly )?(?:be (?:so kind|kind enough|good enough)"
    r" (?:as )?to |be able to |be an? (?:darling|dear|star|gem|love|angel|sweetheart) and )?"
    r"(?:(?:send|get|fetch|grab|bring|dig out|look up) me|pull(?: up| together| out)?"
    r"(?: for me)?|help me|tell me"
    r"|show me|let me know|give me|check|find out)?(?: (?:with )?that)?\b",
    r"\bwould it be possible to (?:get|see|have)\b",
    r"\bif (?:that'?s|it'?s) not too much trouble\b",
    r"\bif possible\b",
    r"\b(?:whenever|when|once|if) you (?:have|get|'ve got|find) (?:a (?:moment|minute|sec"
    r"|second|chance|spare moment|free moment)|(?:some |the )?time)\b[,!.]*",
    r"\b(?:i|we)(?: need| want| would like|'d love| would love) to (?:know|see|understand"
    r"|find out)\b",
    # "I'd love a breakdown of ...", "we would like the list of ...": the ask, before what.
    r"\b(?:i|we)(?:'d| would)(?: really| very much| so)? (?:love|like)\b(?! to\b)",
    r"\bmy (?:manager|boss|director|team|lead) (?:asked me|wants) to (?:know|find out|see)\b",
    r"\bmy (?:manager|boss|director|team|lead) wants to know\b",
    r"\b(?:(?:it|this)(?: is|'s) )?for (?:our|the|my|a|an|this) (?:\w+ ){0,3}(?:review|meeting"
    r"|deck|presentation|report|newsletter|slides|board|budget|planning|audit|analysis|survey"
    r"|proposal|memo|committee|session|call|offsite|workshop|town ?hall|all-hands|update"
    r"|catch-up|sync|standup|stand-up)\b" + _WHEN_NEEDED,
    # "for Monday's meeting", "for Thu mtg", "ahead of Friday's review", "for Monday: ...": the
    # day the answer is needed for, said with the meeting or before the question; not a date
    # the data is asked about.
    r"\b(?:(?:it|this)(?: is|'s) )?(?:for|ahead of) (?:next |this )?" + _WEEKDAY
    + r"(?:'s|\u2019s)? "
    r"(?:[\w-]+ ){0,2}(?:meeting|meetings|mtg|deck|presentation|review|call|sync|standup"
    r"|stand-up|session|slides|update|catch-up|1:1)\b",
    r"^\s*(?:for|ahead of) (?:next |this )?" + _WEEKDAY
    + r"(?:\s*[:,\u2013\u2014-]+|(?=\s+(?:i|we)\b))",
    # "I'm preparing the quarterly board deck and ...": what the answer is for, not the question.
    r"\bi'?m (?:preparing|working on|building|making|writing|drafting|putting together) (?:the|a"
    r"|an|our|my) [^.!?]*?(?:deck|slides|report|presentation|review|memo|update|analysis"
    r"|summary|dashboard|newsletter)\b(?: (?:for|to) (?:our|the|my) [\w-]+)?(?:,? and\b)?",
    # "the colleague who usually does this is on leave, so I'm a bit lost": context.
    r"\b(?:and )?(?:the|my|our) (?:colleague|coworker|co-worker|person|analyst|manager|boss)"
    r" who (?:usually|normally) [^.!?,]*",
    # "Maria is on holiday this week so I'm covering", "the usual analyst is off sick, so":
    # someone else's absence, said as why they ask (not a question about absence).
    r"\b(?:(?-i:[A-Z][a-z]+)|(?:the usual|my|our|the) (?:colleague|coworker|co-worker|analyst"
    r"|manager|boss|lead|teammate|team lead|data person|report person))\s+(?:is|'s)\s+(?:off"
    r" sick|out sick|sick|away|off|out|on (?:holiday|holidays|leave|vacation|pto|annual leave"
    r"|sick leave|parental leave|maternity leave|paternity leave))(?:\s+(?:today|this week"
    r"|this month|at the moment|right now|until \w+))?\s*,?\s*(?:so\b(?:\s+i'?m\s+(?:covering"
    r"|stepping in|filling in)(?:\s+for\s+(?:them|him|her))?)?|and\b|[;:.!])",
    r"\b(?:so )?i'?m (?:a bit |a little |kind of |totally |completely |quite )?(?:lost|confused"
    r"|stuck)\b",
    r"\b(?:and )?(?:still )?(?:learning|finding) (?:my|the) (?:way around|ropes)\b",
    r"\b(?:so )?(?:apologies|sorry) if (?:this|that|it) is a (?:silly|dumb|stupid|basic|naive"
    r"|newbie) question\b",
    # "Our HR team is reviewing the hybrid policy and": who asks, and why.
    r"\bour [\w&-]+ (?:team|department|dept) is (?:reviewing|looking at|working on|preparing"
    r"|planning|updating|revising|discussing) [^.!?,]*?(?= and\b|[.!?,]|$)(?: and\b)?",
    # "my manager asked me which 5 products ...": who wants it.
    r"\bmy (?:manager|boss|director|team|lead|cfo|ceo|vp) asked (?:me )?(?=which|what|how|who"
    r"|for|about|whether|if)",
    r"\b(?:and )?i have no idea how to [^.!?]*",
    r"\b(?:would|could) you be able to (?:pull|get|find|do|run|share|send) (?:it|that|this)"
    r"(?: for me)?\b",
    r"\b(?:hope|i hope) (?:all|everything) is (?:good|well|fine)\b[,!.]*",
    r"\b(?:i )?hope (?:your|the) (?:day|week|morning|afternoon|weekend|month) (?:is going|has"
    r" been|went|is) (?:well|good|great|fine|nicely)\b[,!.]*",
    r"\b(?:i )?(?:would|'d) be (?:very |really |most |so |extremely |ever so )?grateful for\b",
    r"\bat your (?:earliest )?convenience\b[,]?",
    r"\bfor your (?:patience|time|help|support|assistance)\b[,!.]*",
    # "I'm new in finance and would ...", "I'm new to the sales team,": who asks, not a filter.
    r"\bi(?: am|'m) (?:quite |pretty |very |still |brand )?new (?:in|to|at|on) (?:the )?[\w&-]+"
    r"(?: team| department| dept| group)?(?=\s*(?:[,;.!]|and\b|so\b))(?:,? (?:and|so)\b)?",
    r"\bi(?: am|'m) (?:quite |pretty |very |still |brand )?new (?:here|(?:in|to|at|on|with) "
    r"(?:the|this|our|my) (?:[\w-]+ )?(?:company|team|job|role|firm|organi[sz]ation|group"
    r"|department|office|squad))\b(?:,? and (?:only |just )?(?:started|joined) [^.!?]*)?[,!.]*",
    r"(?:\(|\bi )(?:only |just )?(?:started|joined) (?:on |last |this |a )?(?:monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|week|month|today|yesterday|few days ago)"
    r"(?: ago)?\b\)?[,!.-]*",
    # "it's my first week as an intern here", "I'm an intern": who asks, not a breakdown by
    # week or a filter.
    r"\b(?:it'?s|this is|today is) (?:only )?my (?:very )?(?:first|second|third|1st|2nd|3rd)"
    r" (?:day|week|month)(?: (?:as an? [\w-]+|at [\w&-]+|on the (?:job|team)|in the (?:job|role"
    r"|team)|here|with (?:you|us|the team)))*\b[,!.]*",
    r"\bi(?: am|'m) (?:just |only )?(?:a|an|the) (?:new |summer |junior )?(?:intern|trainee"
    r"|graduate|temp|contractor|new hire|new starter|newbie)(?: here)?\b[,!.:]*",
    r"\bneed it for [^.!?]*",
    # "for my project,", "for a class assignment I need ...": what the asker needs it for.
    r"(?:^|(?<=[,.;:!?]))\s*(?:(?:this is|it'?s) )?for (?:my|our|a|an|the) (?:[\w-]+ ){0,2}?"
    r"(?:project|thesis|assignment|homework|coursework|essay|dissertation|term paper|class"
    r"|course|module|studies|uni work|school work|schoolwork)\b(?=\s*[,:;\u2013\u2014-]|\s+(?:i|we"
    r"|can|could|would|will|please|pls)\b)[,:;\u2013\u2014-]*",
    r"\bneed it\b",
    r"\bit would (?:really )?help (?:me )?(?:a lot)?\b",
    r"\bi'?ll be presenting [^.!?]*",
    r"\bso it needs to be right\b",
    r"\bso we'?re planning [\w' ]*?(?= and\b|,|$)",
    r"\bplease check\b",
    # "Please help check the ...", "help me check: ...": the ask, said the way a Chinese
    # speaker says it ("帮我查一下"); what follows is the question.
    r"\b(?:(?:please|pls|kindly) )?help (?:me |us )?(?:to )?(?:check|look up|find)\b"
    r"(?: (?:for me|for us))?[,:]*",
    # "For a piece I'm writing on hybrid work:", "for the story,": the journalist's article the
    # answer is for; a "piece" here is no unit sold.
    r"(?:^|(?<=[,.;:!?]))\s*(?:(?:this is|it'?s) )?for (?:my|our|a|an|the|this) (?:[\w-]+ )"
    r"{0,2}?(?:piece|story|article|feature|column|write-up|writeup|op-ed|profile|investigation)"
    r"(?: (?:i'?m|i am|we'?re|we are|i'?ve been|i was) (?:writing|working on|doing|drafting"
    r"|putting together|researching|filing))?(?: (?:on|about) (?:[\w'-]+ ){0,5}?[\w'-]+)?"
    r"(?=\s*[,:;\u2013\u2014-])[,:;\u2013\u2014-]*",
    # "The story is the ... split", "the piece needs the newest office:": the article's angle,
    # said before what it needs.
    r"^\s*(?:the|my|our) (?:story|piece|article|angle|headline)(?: here)? (?:is about|is"
    r"|needs|wants|will be)\b",
    # "On the record, who ...", "off the record:": the journalist's terms, not data.
    r"(?:^|(?<=[,.;:!?(]))\s*(?:strictly |just |all )?(?:on|off) the record\b\s*[,:;)\u2013"
    r"\u2014-]*",
    r"\basap\b",
    r"\broughly\b",
    r"\bi need a quick favou?r\b[:,]?",
    r":\)|:-\)|;\)|:\(|:-\(",
    # "I don't know the column names yet": about the asker, not a breakdown by name.
    r"\b(?:and |but |since |as )?i (?:don'?t|do not|dont) (?:really |yet )?(?:know|understand)"
    r" (?:the |your |any |all the |what the )?(?:column|field|table|data)s?(?: names?)?"
    r"(?: (?:yet|well|here|are|is))*\b[,!.;]*",
    # "sorry to bug you on a Friday afternoon", "apologies for the late ping": the apology and
    # whatever it says, up to the end of its clause or the question ("..., but could you").
    r"\b(?:so |really |very )?(?:sorry|apologies)(?: again)? (?:to (?:bother|bug|trouble|disturb"
    r"|pester|interrupt|hassle|chase|nag|be a pain|ask)|for (?:the |this )?(?:bother|bothering"
    r"|bugging|trouble|troubling|interruption|interrupting|late (?:ping|notice|message|request)"
    r"|short notice|long message|hassle|delay|pestering|chasing|asking|spam|noise))\b(?:(?!\s(?:but"
    r"|could|can|would|will|please|what|how|which|who|when|where|is|are|do|does|did)\b)"
    r"[^,.!?;:\u2013\u2014])*[,!.;:]*",
    r"\b(?:so )?sorry\b(?! (?:to|in advance)\b)(?: (?:about that|for (?:asking|bothering|the"
    r" trouble)))?[,!.;]*",
    # "that would be lovely", "it'd be great": said of the answer, anywhere.
    r"[,;]?\s*\b(?:that|it|this) (?:would|will|'d|'ll) be (?:really |very |so |just )?(?:lovely"
    r"|great|amazing|wonderful|perfect|awesome|brilliant|fantastic|super|ideal|much appreciated"
    r"|a huge help|a big help|helpful|very helpful)\b[!.]*",
    r"\bif you (?:could|can|would)(?: please| kindly)?\b(?= (?:put|show|make|give|do|display"
    r"|draw|plot|chart|pull|send|list|share|get|tell))",
    r"\b(?:put|show|draw|plot) (?:that|this|it|them) (?:on|in|into|as) (?=(?:a |an )?(?:chart"
    r"|graph|plot|table|line|bar|pie))",
    r"\b(?:many thanks|much appreciated|appreciate (?:it|this|that)|appreciated)\b[,!.]*",
    # "close pack: running total ...", "for the board deck -": where the answer goes.
    r"^\s*(?:for (?:the |our |my )?)?(?:(?:month|quarter|year)[- ]end |monthly |quarterly "
    r"|weekly )?(?:close|board|exec|executive|management|investor|qbr|kpi) (?:pack|deck)"
    r"\s*[:\u2013\u2014-]",
    # "long tail check: products that ...": what the question is about, said before it.
    r"^\s*(?:a |the |our )?long[ -]tail(?: check| review| analysis| view)?\s*(?::|\s[-\u2013"
    r"\u2014]\s)",
    # "HR here:", "Finance team here, quick one": who is asking, before the question.
    SPEAKER,
    # "pipeline review: which reps ...", "for the weekly sync -": what the question is for,
    # said before it, is read by the engine, which knows the data's words ("Q2 review:",
    # "EMEA review:" and "Paris meeting:" name what is asked about).
)
_COURTESY = tuple(re.compile(p, re.I) for p in COURTESY)

#: A sign-off closing a message with the sender's name and role ("Many thanks, Ines, Chief
#: of Staff", "Appreciate it, Tom"): names written with capitals after the thanks.
_SIGNATURE = re.compile(
    r"(?:^|[\s,.!?;\u2013\u2014-])(?i:many thanks|thanks(?: (?:a lot|so much|again))?|thank you"
    r"(?: (?:so much|very much|again))?|thx|cheers|best(?: wishes)?|(?:kind |best |warm )?regards"
    r"|appreciate (?:it|this)|much appreciated|all the best|ta|yours (?:faithfully|sincerely"
    r"|truly))[,.!]*(?:\s*[,\u2013\u2014-]?\s*"
    r"(?:[A-Z][\w'.-]*|of|the|and|&|at|for))+\s*[.!]*\s*$"
)

#: A question pasted from a message: quoted after ">" or in quotes after a lead-in that
#: says it was pasted or forwarded ("pasting this from the email thread below: > "...?"").
_QUOTE_MARK = re.compile(r"(?:^|\s)>\s*(.+)$", re.S)
_PASTED = re.compile(
    r"\b(?:past(?:e|ed|ing)|forward(?:ed|ing)?|fwd|copied|copying|quot(?:e|ed|ing)|from (?:the|an"
    r"|my|our|this|a) (?:e-?mail|mail|thread|message|chat|slack|ticket|note))\b", re.I)
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{12,})[\"\u201d]")


def _pasted_question(text: str) -> tuple[str, str]:
    """(the question, what was around it) for a pasted question; (text, "") otherwise."""
    quoted = _QUOTE_MARK.search(text)
    if quoted is not None and len(quoted.group(1).split()) >= 3:
        inner = _QUOTED.search(quoted.group(1))
        question = inner.group(1) if inner is not None else quoted.group(1)
        rest = quoted.group(1)[inner.end() :] if inner is not None else ""
        return question, (text[: quoted.start()] + " " + rest).strip()
    if _PASTED.search(text):
        inner = _QUOTED.search(text)
        if inner is not None and len(inner.group(1).split()) >= 4:
            return inner.group(1), (text[: inner.start()] + " " + text[inner.end():]).strip()
    return text, ""


# "UK compared to US", "U.S. staff": the country ("us" in lower case is a pronoun; a message
# typed all in capitals says nothing by its case).
_US = re.compile(r"(?<![\w.])U\.?S\.?(?:A\.?)?(?![\w'])")
_UK = re.compile(r"(?<![\w.])U\.K\.?(?![\w'])", re.I)


def _countries(text: str) -> str:
    text = _UK.sub("UK", text)
    if text.upper() == text:
        return text
    return _US.sub("United States", text)


def _how_big(m: re.Match[str]) -> str:
    """ "how big is each team": the headcount by team; after a breakdown already said ("per
    office, how big is each team") the headcount of each of those; "how big is the Sales team":
    its headcount."""
    if re.search(r"\b(?:per|by|each|every)\b", m.string[: m.start()], re.I):
        return "headcount"
    each = (m.group(1) or "").lower() in ("each", "every") or m.group(2).lower().endswith("s")
    return f"headcount {'by' if each else 'of'} {m.group(2)}"


def _how_typo(m: re.Match[str]) -> str:
    said = m.group(1).lower()
    if said in ("many", "much", "mny") or said in STOPWORDS:
        return m.group(0)
    for word in ("many", "much"):
        if edits(said, word) == 1:
            return f"how {word}"
    return m.group(0)


def _top_first(m: re.Match[str]) -> str:
    """ "biggest deals ever, top 3" -> "top 3 biggest deals ever"; with a breakdown named
    ("sales by rep, top 10") the ranking already reads as it stands."""
    if re.search(r"\b(?:by|per|each|every)\b", m.group(1), re.I):
        return m.group(0)
    return f"{m.group(2)} {m.group(3)} {m.group(1)}"


_MONEY_SLANG = re.compile(r"(\S+\s+)?\b(" + "|".join(MONEY) + r")\b", re.I)
#: Words after which "dollars" is the currency of what is said, not the money taken in
#: ("revenue in dollars", "sales dollars", "millions of dollars").
_CURRENCY_AFTER = frozenset({"in", "of", "sales", "us", "usd", "american", "canadian",
                             "australian", "many"})


#: "in dollars", "how many dollars of services", "dollar sales": money taken in; after a
#: number ("500 dollars") only the currency.
_DOLLAR_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), plain) for pattern, plain in (
        (r"\bhow many (?:us )?dollars\b", "how much revenue"),
        (r"(?<![\dkKmM] )(?<![\d,.kKmM])\b(?:in |of )?(?:us |usd |american )?dollars?"
         r"(?: (?:value|amount|terms|sales|figures?))?\b(?! of\b)", " revenue "),
        (r"\bdollars? (?=of\b)", "revenue "),
    )
)


def _money(text: str) -> str:
    """Money said as such (`wordlists.MONEY`: "bucks", "cash", "dollars"; "$", "$$"): the money
    taken in (revenue); after a number only its currency."""
    text = _MONEY_SLANG.sub(_money_slang, text)
    text = _DOLLARS.sub(" revenue ", text)
    for pattern, plain in _DOLLAR_WORDS:
        text = pattern.sub(plain, text)
    return text


def _money_slang(m: re.Match[str]) -> str:
    """ "total bucks from hardware", "who brought in the most cash": money taken in; after a
    number ("10k bucks") it is only the currency, left out later."""
    before = m.group(1) or ""
    said = before.strip().lower().lstrip("([{\"'")
    if said and (parse_number(said) is not None or said in _SCALE or said in _NUMBERS):
        return m.group(0)
    if m.group(2).lower() == "dollars" and (said in _CURRENCY_AFTER or said.rstrip("s") in _SCALE):
        return m.group(0)
    return f"{before}revenue"


def plain_text(question: str) -> tuple[str, list[str]]:
    """`question` without courtesy, with short years and "#" written out; (text, dropped)."""
    text, dropped, _ = plain_text_and_askers(question)
    return text, dropped


# "country/department", "region/category": two things, both asked for.
_SLASHED = re.compile(r"\b([a-z]{3,})/([a-z]{3,})\b", re.I)
# "in revenue terms", "in headcount terms": about that ("in dollar terms": its currency).
_IN_TERMS = re.compile(r"\bin\s+([a-z]+(?:\s+[a-z]+)?)\s+terms\b", re.I)
_MONEY_WORDS = frozenset(CURRENCIES) | frozenset({"money", "cash", "currency"})
# "past 400k in sales", "$2m of sales": an amount of money taken in (not the Sales team).
_AMOUNT_IN_SALES = re.compile(
    r"((?:[$\u20ac\u00a3]\s?)?(?!(?:19|20)\d\d\b)\d(?:[\d,.]*\d)?\s*(?:k|m|mn|bn)?)\s+(?:in"
    r"|of|worth of)\s+sales\b", re.I
)
# "what quantity does an order line carry": the average per order.
_WHAT_HOLDS = re.compile(
    r"\bwhat (quantity|amount|number of [a-z]+|[a-z]+ count) (?:does|do|did|would|will) (?:a|an"
    r"|each|every|one|the)(?: typical| average| single| usual| normal)? ([a-z]+(?: line| item"
    r"| row)?) (?:carry|contain|hold|have|include|comprise)\b",
    re.I,
)
_SAYS_AVERAGE = re.compile(r"\b(?:average|avg|mean|typical|typically)\b", re.I)
# "products ordered more than 4,000 times", "items bought at least 50 times": how many
# orders each had.
_TIMES_DONE = re.compile(
    r"\b(?:(?:have|has|had) been |(?:was|were|got|get|gets|being|been) )?(?:ordered|bought"
    r"|purchased|sold)\s+(more than|fewer than|less than|over|under|above|below|at least"
    r"|at most|exactly|no more than|no fewer than)\s+([\d][\d,.]*k?)\s+times\b",
    re.I,
)
# "one bar per month", "a line for each region", "one row per product": the breakdown (and
# the chart, when it is one).
_ONE_PER = re.compile(
    r"\b(?:one|a|1|a single|single) (bar|column|line|point|dot|row|entry|slice|wedge)s?"
    r" (?:per|for each|for every|for|each) ",
    re.I,
)
_ONE_PER_CHART = {"bar": "bar chart", "column": "bar chart", "line": "line chart",
                  "point": "line chart", "dot": "line chart", "slice": "pie", "wedge": "pie"}


def _one_per(m: re.Match[str]) -> str:
    chart = _ONE_PER_CHART.get(m.group(1).lower())
    return f"as a {chart} by " if chart else "by "


# Questions half written in SQL ("avg(salary) per department", "order by avg(salary) desc,
# limit 4", "sum(quantity) over (order by month)", "where dept = finance", "is_remote = 1"):
# the same words in plain English.
_SQL_AGGREGATE = re.compile(
    # ("countif(employees)": the spreadsheet's count, said the same way.)
    r"\b(avg|average|mean|sum|total|min|max|count)(?: ?ifs?)?\s*\(\s*(distinct\s+)?"
    r"([a-z_][\w.]*|\*)\s*\)",
    re.I)
_SQL_AGGREGATE_WORDS = {"avg": "average", "average": "average", "mean": "average",
                        "sum": "total", "total": "total", "min": "minimum", "max": "maximum"}
_SQL_WINDOW = re.compile(
    r"\s*\bover\s*\(\s*(?:partition\s+by\s+([\w.]+)\s+)?order\s+by\s+([\w.]+)(?:\s+asc)?\s*\)",
    re.I)
# "sum(amount) filter (where category = 'Software') / sum(amount)" (times 100 or not): the
# part of a total that the rows of a condition make up, a share; "count(*) filter (where
# is_remote)": the total of those rows only.
_SQL_SHARE = re.compile(
    r"(?:\b100(?:\.0*)?\s*\*\s*)?\b(sum|count)\s*\(\s*([\w.]+|\*)\s*\)\s*filter\s*\(\s*where\s+"
    r"([^()]+?)\s*\)\s*(?:\*\s*(?:100|1)(?:\.0*)?\s*)?/\s*\1\s*\(\s*\2\s*\)"
    r"(?:\s*\*\s*100(?:\.0*)?\b)?", re.I)
_SQL_FILTERED = re.compile(
    r"\b((?:avg|sum|count|min|max)\s*\(\s*(?:distinct\s+)?(?:[\w.]+|\*)\s*\))\s*filter\s*\(\s*"
    r"where\s+([^()]+?)\s*\)", re.I)
# "row_number() over (partition by category order by sum(quantity) desc) = 1", "rank() over
# (...) <= 3": the first N of each group in that order (top N per group).
_SQL_TOP_PER = re.compile(
    r"\b(?:row_number|rank|dense_rank)\s*\(\s*\)\s*over\s*\(\s*partition\s+by\s+([\w.]+)\s+"
    r"order\s+by\s+((?:\w+\s*\(\s*(?:distinct\s+)?(?:[\w.]+|\*)\s*\))|[\w.]+)\s*(desc|asc)?\s*\)"
    r"\s*(?:(?:=|==)\s*(1)|<=\s*(\d+)|<\s*(\d+))", re.I)
# "sum(is_remote) = 0", "count_if(is_remote) = 0": no row has the flag; with people, nobody.
_SQL_NO_FLAG = re.compile(
    r"\b(?:sum|max|count_?if)\s*\(\s*((?:is|has)_[a-z_]+)\s*\)\s*(?:=|==)\s*0\b", re.I)


# "whose revenue is highest in every region", "whose pay was the lowest": the person who
# has the highest (lowest) of it, as "who has the highest revenue in every region" reads.
_WHOSE_RANKED = re.compile(
    r"\bwhose\s+((?:[\w$-]+\s+){0,3}?[\w$-]+)\s+(?:is|was|are|were|s)\s+(?:the\s+)?"
    r"(highest|lowest|biggest|largest|greatest|smallest|best|worst|top|most|least)\b", re.I)


_SPACED_AMPERSAND = re.compile(r"(?<=\w)\s+&\s+(?=\w)")


def _sql_top_per(m: re.Match[str]) -> str:
    n = m.group(4) or m.group(5) or str(int(m.group(6)) - 1)
    rank = "top" if (m.group(3) or "").lower() == "desc" else "bottom"
    return f" for each {m.group(1)} the {rank} {n} by {m.group(2)} "


def _sql_share(m: re.Match[str]) -> str:
    what = "count" if m.group(2) == "*" else f"total {m.group(2)}"
    return f" share of {what} where {m.group(3)} "


_SQL_ORDER = re.compile(r"\b(?:order|sort|sorted|ordered)\s+by\s+([\w. ]+?)\s+(desc|asc)\b",
                        re.I)
_SQL_LIMIT = re.compile(r"\blimit\s+(\d+)\s*[;.!?]*\s*$", re.I)
_SQL_FLAG = re.compile(r"\b((?:is|has)_[a-z_]+)\s*==?\s*(1|0|true|false)\b", re.I)
_SQL_EQUALS = re.compile(r"(?<=[a-z_])\s*(==?|!=|<>)\s*(?=['\"]?[a-z])", re.I)


def _sql_aggregate(m: re.Match[str]) -> str:
    agg, column = m.group(1).lower(), m.group(3).replace("_", " ")
    if agg == "count":
        if column == "*":
            return "count"
        return f"number of distinct {column}" if m.group(2) else f"count of {column}"
    return f"{_SQL_AGGREGATE_WORDS[agg]} {column}"


# A question written as pandas ("df.groupby('department').salary.mean()",
# "df[df.category == 'Software'].resample('M').amount.sum().cumsum()"): its chain said in words
# ("average salary by department"); a chain with a step not known here is left as written.
_PANDAS_CHAIN = re.compile(
    r"(?:\bdf|(?<![\w.])(?=(?:groupby|resample)\())"
    r"(?:\.?\w+(?:\([^()]*\))?|\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)?\])+", re.I)
_PANDAS_STEP = re.compile(
    r"\[\s*df(?:\.(\w+)|\[\s*['\"](\w+)['\"]\s*\])\s*(==|!=|>=|<=|>|<)\s*([^\]]+?)\s*\]"
    r"|\.?groupby\(\s*\[?([^()\]]*)\]?\s*\)|\.?resample\(\s*['\"](\w+)['\"]\s*\)"
    r"|\.(sum|mean|median|count|nunique|min|max|size|cumsum)\(\s*\)"
    r"|\.(\w+)|\[\s*['\"](\w+)['\"]\s*\]", re.I)
_PANDAS_AGG = {"sum": "total", "mean": "average", "min": "minimum",
               "max": "maximum", "count": "count of", "nunique": "number of distinct"}
_PANDAS_OP = {"==": "is", "!=": "is not", ">": "more than", ">=": "at least",
              "<": "less than", "<=": "at most"}
_PANDAS_GRAIN = {"d": "day", "w": "week", "m": "month", "ms": "month", "me": "month",
                 "q": "quarter", "qs": "quarter", "qe": "quarter", "y": "year", "ys": "year",
                 "ye": "year", "a": "year", "as": "year"}


def _pandas_said(m: re.Match[str]) -> str:
    chain = m.group(0)
    wheres: list[str] = []
    by: list[str] = []
    column, agg, running, at = "", "", False, 2 if chain[:2].lower() == "df" else 0
    for step in _PANDAS_STEP.finditer(chain, at):
        if step.start() != at:
            return chain
        at = step.end()
        if step.group(3):
            value = step.group(4).strip("'\" ")
            wheres.append(f"{step.group(1) or step.group(2)} {_PANDAS_OP[step.group(3)]} {value}")
        elif step.group(5) is not None:
            names = [n.strip(" '\"") for n in step.group(5).split(",") if n.strip(" '\"")]
            if not names:
                return chain
            by += names
        elif step.group(6):
            grain = _PANDAS_GRAIN.get(step.group(6).lower())
            if grain is None:
                return chain
            by.append(grain)
        elif step.group(7):
            verb = step.group(7).lower()
            if verb == "cumsum":
                running = agg == "total"
                if not running:
                    return chain
            elif verb == "size":
                agg = "count"
            elif agg:
                return chain
            else:
                agg = verb if verb == "count" and not column else _PANDAS_AGG[verb]
        elif column:
            return chain
        else:
            column = step.group(8) or step.group(9)
    if at != len(chain) or (not agg and (column or by or not wheres)):
        return chain
    if not agg:  # "df[df.category == 'Software']": only the rows, the rest said elsewhere
        return " where " + " and ".join(w.replace("_", " ") for w in wheres) + " "
    what = "count" if agg == "count" else f"{agg} {column}".strip()
    if running:
        what = f"running total of {column}"
    said = what.replace("_", " ")
    if by:
        said += " by " + " and ".join(b.replace("_", " ") for b in by)
    if wheres:
        said += " where " + " and ".join(w.replace("_", " ") for w in wheres)
    return f" {said} "


def _sql_said(text: str) -> str:
    """`text` with its SQL said in words (see `_SQL_AGGREGATE` ...); text without any is
    returned as it is."""
    if not re.search(r"[()=<>!]|\b(?:desc|asc|limit)\b", text, re.I):
        return text
    text = _PANDAS_CHAIN.sub(_pandas_said, text)
    text = _SQL_NO_FLAG.sub(lambda m: f" with nobody {m.group(1)} ", text)
    text = _SQL_SHARE.sub(_sql_share, text)
    text = _SQL_FILTERED.sub(lambda m: f"{m.group(1)} where {m.group(2)}", text)
    text = _SQL_TOP_PER.sub(_sql_top_per, text)
    text = _SQL_FLAG.sub(lambda m: ("" if m.group(2).lower() in ("1", "true") else "not ")
                         + m.group(1), text)
    text = _SQL_AGGREGATE.sub(_sql_aggregate, text)
    text = _SQL_WINDOW.sub(lambda m: f" running total by {m.group(2)}"
                           + (f" per {m.group(1)}" if m.group(1) else ""), text)
    ascending = False
    for found in _SQL_ORDER.finditer(text):
        ascending = found.group(2).lower() == "asc"
    text = _SQL_ORDER.sub(lambda m: f"by {m.group(1)}, "
                          + ("lowest first" if m.group(2).lower() == "asc" else "highest first"),
                          text)
    text = _SQL_LIMIT.sub(lambda m: f"{'bottom' if ascending else 'top'} {m.group(1)}", text)
    return _SQL_EQUALS.sub(lambda m: " is " if m.group(1).startswith("=") else " is not ", text)


def plain_text_and_askers(question: str) -> tuple[str, list[str], list[str]]:
    """`plain_text`, and who the question is asked by or for ("CFO question:", "for my
    boss"): taken out of the text (and out of `dropped`) so that no filter is read in them."""
    text, dropped, askers, asides = reduced_message(question)
    return text, dropped + asides, askers


#: A line of a numbered list: "1. ", "2) " at its start.
_NUMBERED_LINE = re.compile(r"(?m)^[ \t]*\d{1,2}[.)][ \t]+(?=\S)")


# "in Munich... I mean Berlin", "Oslo, sorry, I meant Bergen": a name taken back and the one
# meant instead (only the one meant is asked about).
_SELF_CORRECTED = re.compile(
    r"(?<![\w'])[A-Z][\w'-]*(?: [A-Z][\w'-]*)?\s*(?:\.{2,}|\u2026|,|\s[-\u2013\u2014])\s*"
    r"(?:(?:sorry|no|oops|er|erm|uh|um)[,.!]*\s+)*[Ii] mean[t]?\s+(?=[A-Z])"
)


#: The -ing forms of the verbs that ask for data, after "would you mind" ("would you mind
#: listing the ...", "do you mind pulling ..."): the request, said politely.
_ASKING_ING = {
    "listing": "list", "showing": "show", "pulling": "pull", "giving": "give me",
    "sending": "send", "sharing": "share", "telling": "tell", "finding": "find",
    "getting": "get", "fetching": "fetch", "checking": "check", "plotting": "plot",
    "charting": "chart", "counting": "count", "breaking": "break", "running": "run",
    "compiling": "compile", "naming": "list",
}
_MIND_DOING = re.compile(
    r"\b(?:would|do|will) (?:you|u) (?:please |kindly )?mind (?:(?:terribly|awfully|at all"
    r"|just|quickly) )*(" + "|".join(_ASKING_ING) + r")\b",
    re.I,
)


#: "2 cities with most employees", "3 products with the lowest revenue": a count of groups
#: picked by a measure is a ranking of that many ("top 2 cities with most employees").
_N_WITH_MOST = re.compile(
    r"(?<![\w.,:/-])(?<!top )(?<!bottom )(?<!with )(?<!of )(?<!than )(\d{1,3}) ((?:[a-z-]+ )?"
    r"[a-z-]+s) with (?:the )?(most|highest|biggest|largest|greatest|best|least|fewest|lowest"
    r"|smallest|worst)\b(?![.,:/]\d)",
    re.I)


def _n_with_most(m: re.Match[str]) -> str:
    side = "bottom" if m.group(3).lower() in {"least", "fewest", "lowest", "smallest",
                                             "worst"} else "top"
    return f"{side} {m.group(1)} {m.group(2)} with {m.group(3)}"


def reduced_message(question: str) -> tuple[str, list[str], list[str], list[str]]:
    """(`plain_text_and_askers`'s text, dropped courtesy, askers, and the sentences and clauses
    that only talk around the question: "it really helps", "have a great day")."""
    if len(_NUMBERED_LINE.findall(question)) >= 2:
        # "1. the top 6 products\n2. ranked by units": the list's numbers are no numbers
        # of the question.
        question = _NUMBERED_LINE.sub("", question)
    # "people who earn over 100k a year", "paid under 50000 annually": the pay said per year,
    # as salaries are (not a breakdown by year).
    text = _PAY_A_YEAR.sub(lambda m: m.group(1), spoken_numbers(question))
    text = casual_said(_claims_as_asked(_sql_said(text)))
    text = _WHOSE_RANKED.sub(lambda m: f"who has the {m.group(2)} {m.group(1)}", text)
    # "Sales & Marketing": two names joined, as "Sales and Marketing" ("R&D" stays one).
    text = _SPACED_AMPERSAND.sub(" and ", text)
    text = _NUMBER_FIRST_QUARTER.sub(lambda m: f"q{m.group(1)} {m.group(2)}", text)
    # "in quarter 2 of 2025", "quarter 3 2024": that quarter (as "Q2 2025").
    text = _QUARTER_NUMBER.sub(lambda m: f"q{m.group(1)} {m.group(2)}", text)
    text = _SHORT_YEAR.sub(_short_year, text)
    text = _APOSTROPHE_YEAR.sub(lambda m: f"20{m.group(1)}", text)
    text = _countries(text)
    text = _CONTRACTION.sub(
        lambda m: m.group(1)[:-3] + (" are" if m.group(1).lower().endswith("re") else " have"),
        text,
    )
    text = _TAKE_ON.sub(lambda m: f"have {m.group(1) or ''}new hires", text)
    text = _SELF_CORRECTED.sub(" ", text)
    text = _OR_MORE.sub(lambda m: f"{m.group(1)} or more", text)
    text = _HOW_MUCH_OF_US.sub("what share of our people", text)
    text = _MONTH_DAY_COMMA_YEAR.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    text = _INCLUDED_AGAIN.sub(lambda m: ("until" if m.group(1).lower() == "before" else m.group(1))
                               + m.group(2) + m.group(3) + " ", text)
    text = _SYMBOL_BOUND.sub(lambda m: f" {_SYMBOL_WORDS[m.group(1)]} ", text)
    text = _COMPASS_BOUND.sub(lambda m: "more than " if m.group(1).lower() == "north"
                              else "less than ", text)
    text = _LESS.sub(lambda m: f"{m.group(1)}less", text)
    text = _HOW_TYPO.sub(_how_typo, text)
    text = _RATING_BREAKDOWN.sub(
        lambda m: "distribution of scores" if (m.group(1) or m.group(2)).lower().startswith(
            "score") else "distribution of ratings", text)
    text = _HOW_MANY_EACH.sub("distribution", text)
    text = _HOW_BIG.sub(_how_big, text)
    text = _TOP_RATING_OF.sub(lambda m: f"a {m.group(1)} of {m.group(2)}", text)
    text = _PERFECT.sub(lambda m: f"a rating of {m.group(1)}", text)
    text = _weighed(text)
    text = _VALUE_AMONG_PEOPLE.sub(lambda m: f"{m.group(1)} for {m.group(2)}", text)
    text = _THING_EARNING.sub(lambda m: "lowest revenue" if m.group(1).lower() in (
        "lowest", "worst", "least", "bottom") else "highest revenue", text)
    text = _EARNERS_AMONG.sub(lambda m: f"{m.group(1)}{m.group(2)} {m.group(3)} by revenue",
                              text)
    text = _PERFORMERS.sub("people", text)
    text = _PERFORMER_WHO.sub(
        lambda m: ("top " if m.group(0).lower() != f"perform{m.group(1)}" else "")
        + ("person" if m.group(1).lower() == "er" else "people"), text)
    text = _IN_OFFICE.sub("not remote", text)
    text = _ITEMS_IN_AN_ORDER.sub(lambda m: f"units per {m.group(1).lower()}", text)
    text = _A_SINGLE_UNIT.sub(lambda m: f"1 {m.group(1)}", text)
    text = _PAY_OUT.sub(lambda m: f"total {m.group(1)}", text)
    text = _PAY_PER_YEAR.sub(lambda m: m.group(1), text)
    text = _ALL_TOGETHER.sub(" ", text)
    text = _WHAT_HOLDS.sub(
        lambda m: f"{'' if _SAYS_AVERAGE.search(m.string) else 'average '}{m.group(1)} per "
        f"{m.group(2)}", text)
    text = _ONE_HOLDS.sub(lambda m: f"per {m.group(1) or m.group(2)}", text)
    # said first ("site by site, the person who ..."): within each of them.
    text = _X_BY_X.sub(lambda m: m.group(0) if singular(m.group(1).lower()) not in _WISE_GROUPS
                       else f"for each {m.group(1)}" if not text[: m.start()].strip(" ,:-")
                       else f"by {m.group(1)}", text)
    text = _FY.sub(lambda m: f"20{m.group(1)}", text)
    text = _N_WITH_MOST.sub(_n_with_most, text)
    if not _PERIOD_NAMED.search(text) and not _BROKEN_DOWN.search(text):
        text = _ANNUAL.sub("yearly", text)
    text = _COHORT.sub(lambda m: f"the people hired in {m.group(1) or m.group(2)}", text)
    text = _MONEY_EARNED.sub("revenue", text)
    text = _OUT_DO.sub(_out_do, text)
    text = _WHICH_IS_THE_MOST.sub(lambda m: f"what {m.group(1)} the {m.group(2)}", text)
    text = _THOSE_TWO.sub(lambda m: m.group(1), text)
    text = _AGG_AFTER.sub(lambda m: f"{m.group(2)} {m.group(1)}", text)
    text = _ONE_BIG_SALE.sub(lambda m: f"the {m.group(1)} single {m.group(2)}", text)
    text = _FRACTION_OF.sub(_fraction_of, text)
    text = _NAME_THE.sub("list ", text)
    text = _MIND_DOING.sub(lambda m: _ASKING_ING[m.group(1).lower()], text)
    text = _MAX_N.sub(lambda m: "at most " if m.group(1).lower().startswith("max")
                      else "at least ", text)
    text = _SELL_FOR_A_UNIT.sub(lambda m: f"have a unit price of {m.group(1) or ''}{m.group(2)}",
                                text)
    text = _ONE_TWO_THREE.sub("by units", text)
    text = _UNITS_EACH_SOLD.sub(lambda m: f"{m.group(1)} sold by {m.group(2)}", text)
    text = re.sub(r"\bhow many (units|items|pieces) of each (?:(?:we|they|you) )?(?:sold|sell"
                  r"|shipped)\b", lambda m: f"{m.group(1)} sold", text, flags=re.I)
    text = _OVERVIEW_OF.sub("", text)
    text = _PERSON_WITH_MOST.sub(_person_with_most, text)
    text = _PAID_THE_MOST.sub(lambda m: " the highest paid" if m.group(1).lower() == "most"
                              else " the lowest paid", text)
    text = _ON_PAY.sub(lambda m: f"earning {m.group(1)} ", text)
    # "for the product 'Design Studio'": that value (the word before it says where it is).
    text = re.sub(r"\bthe [a-z]+ (['\"\u2018\u201c])([^'\"\u2018\u2019\u201c\u201d]{2,60})"
                  r"['\"\u2019\u201d]", lambda m: f" {m.group(2)} ", text, flags=re.I)
    text = re.sub(r"(?<=\w) ?\+ ?(?=[a-z])", " and ", text, flags=re.I)
    # "Engineering plus Sales": two names said together, both of them.
    text = re.sub(r"(?<=\b[A-Z][\w&'-])(\w*) plus (?=[A-Z])", r"\1 and ", text)
    text = _DIVIDED.sub(" divided by ", text)
    text = _REALISED_PRICE.sub(" revenue per unit ", text)
    text = _GOT_PER_UNIT.sub(lambda m: f" revenue per {m.group(1)}", text)
    text = _restated(text)
    text = _in_a_typical(text)
    text = _PAY_HOLDER.sub(lambda m: f"earner{m.group(1)}", text)
    text = _WORD_DASH.sub(", ", text)
    text = _names_at_end(text)
    text = _each_listed_year(text)
    # "average APAC office size", "the typical team size": people per office (team), on
    # average — not the headcount of all of them.
    text = _AVERAGE_SIZE.sub(
        lambda m: f"{m.group(1)} number of people per {m.group(3)}"
        + (f" in {m.group(2)}" if m.group(2) and m.group(2).lower() not in _OWN else ""),
        text,
    )
    # "distinct items in our product line-up", "products in the whole catalogue": all of
    # them, no breakdown.
    text = _THINGS_IN_RANGE.sub(lambda m: f"{m.group(1) or 'different '}products", text)
    text = _LINE_UP.sub(" ", text)
    # "every sale we've ever recorded": all of them, for all time.
    text = _EVER_DONE.sub(" for all time ", text)
    # "revenue in Q3 vs the same period of 2023": Q3 of this year against Q3 of 2023.
    text = _SAME_PERIOD_OF.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)} {m.group(1)} "
                               f"{m.group(4)}", text)
    # "our three hero products (A, B, C)": the number counts the values listed, named by
    # what they are; the values are what is meant.
    text = _COUNTED_LIST.sub(_counted_list, text)
    # "analyse remote versus office-based colleagues: ...": a request verb, not a data word.
    text = re.sub(r"^\s*(?:please\s+)?(?:(?:can|could)\s+you\s+)?(?:analy[sz]e|examine|investigate"
                  r"|assess|evaluate)\b\s*", "", text, flags=re.I)
    # "remote versus office-based: the mean salary for each group": the groups compared.
    text = re.sub(r"\s*\b(?:for|in|of|within)\s+(?:each|every|both|either)\s+(?:group|groups|side"
                  r"|sides|camp|camps|cohort|cohorts)\b", " ", text, flags=re.I)
    # "more then 95 orders": than; "ten grand": ten thousand.
    text = re.sub(r"\b(more|less|fewer|higher|lower|bigger|greater|better|worse|larger|smaller)"
                  r"\s+then\b", r"\1 than", text, flags=re.I)
    # "employees who got a 4 or 5", "received a 2": a score of one to five is a rating.
    text = _GOT_A_SCORE.sub(
        lambda m: f"rated {m.group(1)}" + (f" or {m.group(2)}" if m.group(2) else ""), text)
    # "units this past 2025": that year ("past" is no bound before a year).
    text = re.sub(r"\b(?:this|the)\s+(?:past|last|previous)\s+(?=(?:19|20)\d\d\b)", "in ", text,
                  flags=re.I)
    # "what did each seller bring in on average", "what does a typical rep sell": the money
    # taken in per seller, over how many of them when it is an average.
    found = _EACH_BRINGS.search(text)
    if found is not None:
        averaged = found.group(1).lower() not in ("each", "every") or re.search(
            r"\b(?:on\s+)?average\b", text, re.I)
        text = (text[: found.start()] + f"revenue per {found.group(2).strip()}"
                + text[found.end() :]
                + (" on average" if averaged and not re.search(r"\baverage\b", text, re.I)
                   else ""))
    # "by how much did order volume grow": "how much" asks the size of the change, not an
    # amount of money.
    text = _HOW_MUCH_CHANGE.sub("", text)
    # "remote to office employees", "remote vs office workers": the office people are those
    # who are not remote (said with "remote", not "office staff" alone).
    if re.search(r"\bremote\b", text, re.I):
        text = _OFFICE_PEOPLE.sub(lambda m: f"not remote {m.group(1)}", text)
    # "span of control", "reports per manager": how many people report to a manager, on
    # average.
    text = _SPAN.sub(lambda m: f"average number of reports per {m.group(1) or 'manager'}", text)
    # "the span of control, i.e. reports per manager": the same said again is said once.
    text = re.sub(r"\b([a-z][\w ]{5,80}?)[\s,;:(-]+(?:i\.?\s?e\.?|that is|aka|meaning)[\s,:]+\1\b",
                  r"\1", text, flags=re.I)
    # "what does one employee cost us (in salary)": the average cost of one.
    text = _ONE_COSTS.sub(lambda m: f"average {m.group(1)} cost", text)
    # "revenue per head", "orders per capita": a total over how many people, never a
    # breakdown by each of them.
    if _PER_HEAD.search(text) and not re.search(r"\baverage\b", text, re.I):
        text = f"{text} on average"
    # "revenue per active salesperson", "deals per active seller": the total over how many
    # of them took part, on average (not a breakdown by each of them).
    if _PER_ACTIVE.search(text):
        text = _PER_ACTIVE.sub("per ", text) + " on average"
    # "sites where pay averages above 90k": the average pay is above it.
    text = re.sub(r"\b([a-z]+) averag(?:es|ed|ing) (?=(?:above|over|below|under|more|less|at|"
                  r"upwards|north|south|greater|higher|lower|beyond|past|exceeding)\b)",
                  r"average \1 is ", text, flags=re.I)
    # "staff in AMER, EMEA and APAC respectively": each of the values listed.
    text = re.sub(r"\s*\brespectively\b", " each", text, flags=re.I)
    text = _X_TERMS.sub(lambda m: f"in terms of {m.group(1)}", text)
    text = _NUMBER_ONE.sub(" the top ", text)
    text = _HAVE_THE_MOST_OF.sub(lambda m: f"{'most' if m.group(2).lower() == 'most' else 'least'}"
                                 f" common {m.group(1)}", text)
    text = _SELL_FOR_PER.sub("revenue ", text)
    text = _VALUE_PER_ORDER.sub("average sale amount", text)
    text = _WHAT_SOLD.sub(lambda m: f"revenue of {m.group(1)}", text)
    text = _A_DOZEN.sub("12", text)
    text = _A_HUNDRED.sub(lambda m: "100" if m.group(1).lower() == "hundred" else "1000", text)
    text = _NUMBER_WORD.sub(lambda m: str(_NUMBERS[m.group(0).lower()]), text)
    text = re.sub(r"\b(\d+(?:\.\d+)?)\s*(?:grand|gs)\b", r"\1k", text, flags=re.I)  # "ten grand"
    # "more than 20 lakh", "up to 1.5 crore": the Indian numbering's hundred thousand and ten
    # million, as digits.
    text = _LAKH_CRORE.sub(_lakh_crore, text)
    # "pass 90 000", "over 1 500 000": thousands grouped by spaces (French and others), as digits.
    text = _SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", "").replace("\u202f", "")
                                 .replace("\u00a0", ""), text)
    # "headcount as on today", "revenue as of date": up to today (the Indian "as on").
    text = _AS_ON_TODAY.sub(" to date", text)
    text = _N_HUNDRED.sub(lambda m: str(int(m.group(1)) * 100), text)
    text = _HOW_MUCH_PEOPLE.sub("how many", text)
    text = _SO_FAR.sub(lambda m: f"{m.group(1)} to date{m.group(2)}", text)
    text = _PART_VS_LAST_YEAR.sub(_part_vs_last_year, text)
    text = _SAME_POINT.sub(_same_point, text)
    text = _TO_DATE_THEN_PERIOD.sub(lambda m: f"in {m.group(1)} to date", text)
    text = _PERIOD_THEN_TO_DATE.sub(lambda m: f"{m.group(1)} to date{m.group(2)}", text)
    text = _SO_FAR_FIRST.sub(lambda m: f"{m.group(1)} to date", text)
    text = _TRAILING_TOP.sub(_top_first, text)
    text = _EACH_ONE_IN.sub(lambda m: f"their {m.group(1)}", text)
    text = _COUNT_THEM.sub(lambda m: f"how many {m.group(1)}", text)
    text = _FORTNIGHT.sub("2 weeks", text)
    text = _FULL_PERIOD.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    text = _THIS_TO_DATE.sub(lambda m: f"{m.group(1)} to date", text)
    text = re.sub(r"#\s*(?=[a-z])", " number of ", text, flags=re.I)
    text = text.replace("#", " number ").replace("%", " percent ")
    text = _JUST_ENDED.sub(lambda m: f"last {m.group(1)}", text)
    text = _YEAR_SAID_WHOLE.sub(lambda m: m.group(1), text)
    text = _POPULATION_OF.sub("", text)
    text = _ENTRIES_POSTED.sub(lambda m: m.group(1), text)
    text = _GRAINS_WITH.sub(
        lambda m: f"{m.group(1) or ''}by {m.group(2).lower()}{m.group(3)} "
        + (m.group(4) if m.group(4).lower() in _GRAIN_BARS else "with"), text)
    text = _EXAMPLES.sub(" ", text)
    text = _TOTAL_STAFF.sub("headcount", text)
    text = _STAFF_TOTALS.sub("headcount", text)
    text = _LAST_HALF.sub("last 6 months", text)
    text = _DATA_COVERS.sub(" of data", text)
    text = _NO_DATE_FILTER.sub(" for all time ", text)
    text = _money(text)
    for pattern, plain in _EVERYDAY:
        text = pattern.sub(plain, text)
    text = _ON_REVIEWS.sub(_average_on_reviews, text)
    text = _MONEY_OF_SALES.sub(lambda m: f"{m.group(1)} of revenue", text)
    text = _WISE.sub(lambda m: f" by {m.group(1)} " if m.group(1).lower() in _WISE_GROUPS
                     else f" {m.group(1)} ", text)
    text = _STARS.sub(lambda m: f" a rating of {m.group(1)} ", text)
    text = _A_RATING.sub(lambda m: f"a rating of {m.group(1)}", text)
    text = _SCORED.sub(lambda m: f"rated {m.group(1)}", text)
    text = _TEAM_SIZE.sub(lambda m: f"headcount of {m.group(1)}{m.group(2)}", text)
    text = _BIG.sub(lambda m: str(round(float(m.group(1)) * _SCALE[m.group(2).lower()])), text)
    text = _MARK.sub(lambda m: m.group(1), text)
    text = _SLASHED.sub(lambda m: m.group(0) if m.group(0).lower() == "and/or"
                        else f"{m.group(1)} and {m.group(2)}", text)
    text = _IN_TERMS.sub(lambda m: f" in {m.group(1)} " if m.group(1).lower() in _MONEY_WORDS
                         else f" {m.group(1)} ", text)
    text = _AMOUNT_IN_SALES.sub(lambda m: f"{m.group(1)} in revenue", text)
    text = _TIMES_DONE.sub(lambda m: f"with {m.group(1)} {m.group(2)} orders", text)
    text = _ONE_PER.sub(_one_per, text)
    dropped: list[str] = []
    askers: list[str] = []
    text, around = _pasted_question(text)
    if around:
        dropped.append(around)
    signed = _SIGNATURE.search(text)
    if signed is not None and signed.start() > 0:
        dropped.append(signed.group(0).strip(" ,.!?;-"))
        text = text[: signed.start()] + " "
    for pattern in _ASKERS:
        found = pattern.search(text)
        if found is not None:
            askers.append(found.group("who").strip())
            text = text[: found.start()] + " " + text[found.end() :]
    for pattern in _COURTESY:
        for found in pattern.finditer(text):
            words = re.sub(r"(?:[\s,]+(?:and|so))+$", "", found.group(0).strip(" ,.!?:;-"),
                           flags=re.I)
            if words:
                dropped.append(words)
        text = pattern.sub(" ", text)
    text, asides = (text, []) if around else _without_asides(text)
    return text, dropped, askers, asides


# -- The request in a long or chatty message -------------------------------------------------
#
# After the courtesy above is taken out, a message may still hold sentences and clauses that
# are not its question: "I founded this company but honestly I'm hopeless with dashboards.",
# "it really helps", "have a great day", "ahead of next week's board meeting". Their words are
# never matched against the catalog ("day", "week", "dashboards" are data words): the message
# is cut into sentences, each sentence into clauses, and what only talks about the asker, their
# calendar or their thanks is dropped, as long as something that asks remains.

#: Words that ask for something, or narrow what is asked: a sentence or clause holding one is
#: part of the request ("I only need 2024", "I'm interested in Paris").
_ASK_WORDS = frozenset({
    "need", "needs", "needed", "want", "wants", "wanted", "like", "love", "looking", "wonder",
    "wondering", "curious", "interested", "show", "tell", "understand", "asking", "ask",
    "trying", "hoping", "check", "compare", "give", "list", "pull", "chart", "plot", "graph",
    "count", "break", "breakdown", "split", "provide", "send", "share", "calculate", "compute",
    # Not "where", "when", "who": in a statement they start a relative clause ("a review
    # where everyone had a different spreadsheet").
    "only", "except", "excluding", "without", "how", "what", "whats", "which", "why", "sure",
    "unsure", "idea", "clue", "care", "focus", "focused", "focusing",
    "include", "including", "exclude", "sort",
    "sorted", "rank", "ranked", "top", "per", "by", "each", "every", "total", "average",
})
_ASK_FORMS = re.compile(r"\b(?:could|can|would|will|may|might) (?:you|i|we|someone|u)\b|\?", re.I)
#: What a sentence or clause that is all courtesy may be made of ("a ton", "so much again").
_FILLER = frozenset({
    "a", "an", "the", "ton", "tons", "lot", "lots", "bunch", "heaps", "heap", "million",
    "so", "much", "very", "really", "again", "kindly", "in", "advance", "x", "xx", "xxx",
    "please", "pls", "plz", "and", "too", "as", "always", "ever", "muchly", "loads", "oh",
    "ok", "okay", "well", "anyway", "btw", "also", "then", "you", "u", "all", "everyone",
    "with", "for", "your", "help", "ugh", "phew", "wow", "gosh", "argh", "sigh", "hmm", "um",
    "erm", "uh", "anyways", "urgent", "urgently", "important", "asap", "hi", "hello", "hey",
})
_LEADING_LINKS = re.compile(
    r"^(?:(?:and|but|so|also|oh|ok|okay|well|btw|anyway|honestly|plus|though|then|ps|p\.s\.)\b"
    r"[\s,]*)+",
    re.I)
_ASIDE_FORMS = tuple(re.compile(p, re.I) for p in (
    # "have a great day", "enjoy your weekend", "take care": wishes.
    r"^(?:i )?(?:have|enjoy|hope you have|wishing you) (?:a|an|the|your|a really) (?:[\w'-]+ )"
    r"{0,3}?(?:day|days|week|weekend|evening|morning|afternoon|one|time|holiday|holidays|break"
    r"|trip|friday|monday)\b[\s!.]*$",
    r"^(?:take care|stay safe|talk soon|speak soon|see you|catch you later|have fun|good luck"
    r"|long time no see|happy (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|weekend|holidays|new year|birthday|(?:[\w-]+ )?day))\b",
    # "as discussed in yesterday's meeting", "just following up on my earlier question".
    r"^(?:as (?:discussed|mentioned|promised|agreed|requested|asked|per (?:our|my|your|the)))\b",
    r"^(?:just )?(?:following up|circling back|checking in|a (?:quick )?follow-up|one more thing"
    r"|another (?:one|quick one))\b",
    # "I know you're busy", "this might be a weird one": about the asking, not the question.
    r"^i know (?:you'?re|you are|this is|it'?s|you have)\b",
    r"^(?:this|it) (?:might|may|could|will|is going to) (?:be|sound) (?:a )?(?:bit )?(?:weird"
    r"|silly|dumb|stupid|odd|strange|basic|obvious|naive)\b",
    r"^(?:bear with me|be gentle|don'?t judge|no judgement|no judgment)\b",
    # "what a week!", "what a morning": an exclamation, not a question.
    r"^what an? (?:[\w-]+ )?(?:week|day|morning|afternoon|month|year|mess|nightmare|ride|time"
    r"|start|mess)[\s!.]*$",
    # "it really helps", "this would save me hours": what the answer does for the asker.
    r"^(?:it|this|that)(?:'d| would| will|'ll)?(?: really| truly| honestly| genuinely| so"
    r"| massively| hugely)? (?:help|helps|helped|save|saves|mean|means) ",
    r"^(?:it|this|that)(?:'d| would| will|'ll)?(?: really| truly| honestly| genuinely| so)?"
    r" (?:help|helps|helped)\b",
    r"^(?:no rush|no hurry|not urgent|no pressure|no worries|take your time|whenever)\b",
    r"^(?:you'?re|you are|ur) (?:a |the |an )?(?:star|best|lifesaver|life saver|legend|hero"
    r"|awesome|amazing|great|gem|champ|saving|making)\b",
    r"^(?:that|it|this) (?:would|will|'d|'ll) be (?:lovely|great|amazing|wonderful|perfect"
    r"|awesome|brilliant|fantastic|super|ideal|much appreciated|a huge help|a big help)\b",
    r"^you (?:rock|rule)\b",
    # "inshallah it is a good number", "hopefully it's a big one": a wish for the answer.
    r"^(?:(?:hopefully|fingers crossed|god willing|i hope|let'?s hope)[\s,]+)?(?:it|this|that"
    r"|the (?:number|figure|result|answer|total))(?:'s| is| will be|'ll be| would be| be)"
    r"(?: a| an)?(?: really| very| nice| pretty)? (?:good|great|nice|big|high|healthy|decent"
    r"|positive|strong|happy)(?: (?:number|figure|result|one|news|total))?[\s!.]*$",
    # "sorry to bug you between meetings", "apologies for the late notice".
    r"^(?:so |really |very )?(?:sorry|apologies|apologise|apologize|excuse me|pardon)\b",
    # "Thank you so much, it really helps", "Much appreciated": thanks, whatever follows.
    r"^(?:many |a lot of |big |huge |massive )?(?:thanks|thank|thx|ty|cheers|tia"
    r"|much appreciated|much obliged|appreciate it|appreciated|regards|kind regards"
    r"|best regards|warm regards|best wishes)\b",
    # "Best, Sam", "Ta!", "Yours": a sign-off alone ("best rated first" asks for an order).
    r"^(?:best|ta|warmly|sincerely|yours(?: truly| sincerely)?)(?:[\s!.]*$|\s+(?-i:[A-Z][a-z]+)"
    r"[\s!.]*$)",
    r"^(?:hi|hello|hey|hiya|howdy|greetings|(?:good )?(?:morning|afternoon|evening)|good day"
    r"|dear \w+)"
    r"(?: (?:there|all|team|everyone|again|bot|assistant))?[\s!.]*$",
    r"^(?:i )?hope (?:you|your|all|everything|this|the)\b",
    # "ahead of next week's board meeting", "between meetings", "before my 1:1": when the
    # asker needs it, said by their calendar.
    r"^(?:ahead of|before|after|for|in time for|prior to|between|during|at|from|on the way to"
    r"|on my way to) (?:[\w'\u2019:-]+ ){0,5}?(?:meeting|meetings|call|calls|offsite|off-site"
    r"|1:1|1-1|1-on-1|one-on-one|standup|stand-up|sync|session|workshop|presentation|pitch"
    r"|interview|interviews|conference|trip|lunch|flight|travel|catch-up|catchup|all-hands"
    r"|town hall|townhall|huddle)s?$",
))
#: "I founded this company", "I'm hopeless with dashboards", "we're a small team": the asker
#: about themselves (see `_about_the_asker`).
_FIRST_PERSON = re.compile(
    r"^(?:i|i'm|im|i am|i've|i have|i was|i'll|i will|i'd|we|we're|we are|we've|we'll|we'd"
    r"|to be honest|tbh|honestly|(?:my|our) (?:[\w'-]+ ){1,3}?(?:is|are|was|were|has|have|had"
    r"|will|did|does|do|got|gets|keeps|just|always|never))\b", re.I)
#: Capitalised words that name no rows: the asker's week ("our review is on Thursday").
_NOT_NAMES = frozenset({"I", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                        "Sunday", "OK", "Ok"})
_ABBREVIATED = re.compile(r"\b(?:vs|e\.g|i\.e|etc|approx|no|nr|mr|ms|mrs|dr|st|inc|ltd|co)\.$",
                          re.I)


#: "The computer is slow for me", "this laptop has me confused", "the screen only shows me
#: today": a sentence whose subject is the asker's device, said of the asker (see
#: `_about_the_device`).
_DEVICE_FIRST = re.compile(
    r"^(?:the|this|that|my|our|these|those) (?:[\w'-]+ )?(?:computer|computers|laptop|laptops"
    r"|pc|screen|screens|machine|tablet|ipad|phone|mouse|keyboard|printer|internet|wifi|wi-fi"
    r"|website|app|contraption|gadget|gizmo|monitor|display|browser)\b", re.I)
_ME = re.compile(r"\b(?:me|my|myself|i|i'm|im|i've|i'd)\b", re.I)
#: Words that ask, less those a sentence about a device says of it ("it only shows me ...").
_DEVICE_ASK_WORDS = _ASK_WORDS - {"only", "show", "per", "by", "each", "every", "top"}


def _about_the_device(core: str) -> bool:
    """ "The computer is slow for me.", "the computer has me confused", "The computer only
    shows me today.": the asker's screen or computer and how it treats them is context, never
    the question; its words ("today", "slow") are not read. A number, a name or a word that
    asks ("the computer says I should ask about ...") keeps it."""
    if not _DEVICE_FIRST.match(core) or not _ME.search(core):
        return False
    names = [w for w in re.findall(r"\b[A-Z][\w]*", core[1:]) if w not in _NOT_NAMES]
    words = [w.strip("'.:-") for w in core.lower().split()]
    return not re.search(r"\d", core) and not names and not any(
        w in _DEVICE_ASK_WORDS for w in words)


def _about_the_asker(core: str) -> bool:
    """ "I founded this company but honestly I'm hopeless with dashboards": a sentence about
    the asker that asks nothing. A name or a number in it ("I manage the Berlin office", "I
    joined in 2019") may be what the question is about: kept."""
    if not _FIRST_PERSON.match(core):
        return False
    names = [w for w in re.findall(r"\b[A-Z][\w]*", core[1:]) if w not in _NOT_NAMES]
    return not re.search(r"\d", core) and not names


#: Said to be context, or how to break a tie: an aside whatever it holds ("Quick context: my
#: manager wants names on a slide by lunch").
_CONTEXT = re.compile(
    r"^\s*(?:(?:(?:quick|some|a bit of|a little|the|for|just for|as|bit of|brief) )*(?:context"
    r"|background|backstory|fyi|for your information)\b\s*[:,\u2013\u2014-]"
    r"|(?:if|in case|when) (?:there'?s|there is|there are|there'?re|of) (?:a |any )?ties?\b)",
    re.I)


def _aside(piece: str) -> bool:
    """Whether `piece` (a sentence or a clause) only talks around the question."""
    if _CONTEXT.match(piece):
        return True
    if _ASK_FORMS.search(piece):
        return False
    core = _LEADING_LINKS.sub("", piece.strip(" \t\n,;:.!-\u2013\u2014")).strip()
    core = re.sub(r"[^\w\s'\u2019:.-]", " ", core).strip(" .")
    if not core:
        return True
    words = [w.strip("'.:-") for w in core.lower().split()]
    if all(w in _FILLER or not w for w in words):
        return True
    for pattern in _ASIDE_FORMS:
        found = pattern.search(core)
        if found is not None:
            # Thanks or an apology that goes on to ask ("sorry, but what is ..."): not an aside.
            rest = core[found.end() :].lower().split()
            return not any(w.strip("'.:-") in _ASK_WORDS for w in rest)
    if _about_the_device(core):
        return True
    return _about_the_asker(core) and not any(w in _ASK_WORDS for w in words)


def _sentences(text: str) -> list[str]:
    """`text` cut after each ".", "!", "?" (or a run of them) and at line breaks, outside
    brackets; the pieces joined give `text` back."""
    out: list[str] = []
    start, depth, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch == "\n" or (ch in ".!?" and depth == 0):
            j = i
            while j + 1 < len(text) and text[j + 1] in ".!?":
                j += 1
            ends = j + 1 >= len(text) or text[j + 1].isspace()
            if ch == "." and j == i and _ABBREVIATED.search(text[start : i + 1]):
                ends = False
            if ch == "\n" or ends:
                out.append(text[start : j + 1])
                start, i = j + 1, j + 1
                continue
        i += 1
    if start < len(text):
        out.append(text[start:])
    return out


def _all_asides(sentence: str) -> bool:
    """Whether every clause of `sentence` is an aside ("Ugh, what a week.")."""
    clauses = [c for c in _clause_split(sentence)[0::2] if c.strip(" \t\n.!?")]
    return len(clauses) > 1 and all(_aside(c) for c in clauses)


_CLAUSE_CUT = re.compile(r"(,|;|:(?!\d)|\s[-\u2013\u2014]+\s|[\u2013\u2014])")


#: How a claim put to be checked is said once read (`_claims_as_asked`): a yes/no question's
#: lead, dropped before the words are read; the engine weighs the figure, not the rows.
CLAIM_LEAD = "is it true that"
_CLAIMED = re.compile(r"(?:^|(?<=\s))" + CLAIM_LEAD + r"\s+", re.I)
#: A claim put to be checked, said before it: "is it true (that)", "is it the case that",
#: "am I right (in thinking) that", "would you say", "would it be fair to say", "correct me if
#: I'm wrong, but", "can you confirm (that)", "true or false:".
_CLAIM_LEADS = re.compile(
    r"^(?P<links>\s*(?:(?:and|so|but|ok|okay|also|then|now|hey|hi|quick (?:one|question)"
    r"|question|q)[\s,:;-]+)*)"
    r"(?:(?:is|was) it (?:really |actually |definitely |still |even )?(?:true|the case|right"
    r"|correct|accurate|so|fair to say)|(?:isn'?t|is not|wasn'?t) it (?:true|the case)"
    r"|am i (?:right|correct|wrong|mistaken)(?: (?:in thinking|to think|in saying|to say"
    r"|in assuming|to assume|in believing|to believe))?"
    r"|would (?:you|u) say|would it be (?:fair|right|true|accurate|correct) to say"
    r"|(?:is it|it'?s|it is) fair to say|correct me if (?:i'?m|i am) wrong(?:[\s,]+but)?"
    r"|(?:can|could|would) (?:you|u) (?:please |pls )?(?:confirm|verify|double[- ]check)"
    r"|(?:please |pls )?(?:confirm|verify|double[- ]check)(?= (?:that|whether|if)\b)"
    r"|true or false|fact check|fact-check|sanity check)"
    r"(?:\s*[,:;]\s*|\s+)(?:that\s+|whether\s+|if\s+)?(?=\w)",
    re.I,
)
#: A claim with a question tag after it: "..., right?", "..., isn't it?", "..., am I right?",
#: "..., yes or no?", "... or not?": the claim is checked the same way.
_CLAIM_TAG = re.compile(
    r"(?:,|\s[-\u2013\u2014])?\s*(?:(?:right|correct|true|yes|yeah|yeh|yep|no|innit|eh|ok"
    r"|okay|yes or no|or not|or no|am i right|is that right|is that correct|is that true"
    r"|right or wrong|correct or not)"
    r"|(?:isn'?t|aren'?t|wasn'?t|weren'?t|doesn'?t|don'?t|didn'?t|hasn'?t|haven'?t|hadn'?t"
    r"|won'?t|can'?t) (?:it|they|there|we|he|she|that|those|you|i))\s*\?+\s*$",
    re.I,
)


def _claims_as_asked(text: str) -> str:
    """Each sentence that puts a claim to be checked ("am I right that revenue passed 50M
    in 2024?", "Berlin is our oldest office, right?") with its lead or tag said one way,
    `CLAIM_LEAD` first: a yes/no question, whatever the words that framed it."""
    out = []
    for sentence in _sentences(text):
        lead = _CLAIM_LEADS.match(sentence)
        tag = _CLAIM_TAG.search(sentence)
        if tag is not None and tag.start() > 0 and re.search(r"\w", sentence[: tag.start()]):
            sentence = sentence[: tag.start()] + "?"
        elif lead is None:
            out.append(sentence)
            continue
        if lead is not None:
            sentence = lead.group("links") + sentence[lead.end() :]
        start = len(sentence) - len(sentence.lstrip())
        out.append(f"{sentence[:start]}{CLAIM_LEAD} {sentence[start:]}")
    return "".join(out)


def _clause_split(sentence: str) -> list[str]:
    """`_CLAUSE_CUT.split(sentence)` (clauses and the cuts between them), not cut inside a
    bracket ("(for context: we are reviewing pay)" is one piece of its clause)."""
    parts = _CLAUSE_CUT.split(sentence)
    out, said = [parts[0]], parts[0]
    for cut, piece in zip(parts[1::2], parts[2::2], strict=True):
        if said.count("(") > said.count(")"):
            out[-1] += cut + piece
        else:
            out += [cut, piece]
        said += cut + piece
    return out


#: A yes/no question ("does the South really sell the least?", "is Berlin our biggest site?").
_YES_NO = re.compile(r"^\s*(?:do|does|did|is|are|was|were|has|have|had)\b[^?]*\?\s*$", re.I)
#: A request said outright ("give me revenue for every territory", "can you list ...").
_REQUEST = re.compile(
    r"^\s*(?:(?:and|so|then|now|just|please|pls|but|ok|okay)[\s,]+)*"
    r"(?:(?:can|could|would|will) (?:you|u) (?:please |pls |just )?)?"
    r"(?:give|show|list|tell|pull|get|plot|chart|graph|break down|compare)\b(?: (?:me|us))?"
    r"(?P<rest>.*)$", re.I | re.S)
#: A question of its own after a yes/no question ("is payroll over 150M? what's the actual sum
#: of salaries"): asked outright, it is the request ("who exactly" only points back).
_WH_REQUEST = re.compile(
    r"^\s*(?:(?:and|so|then|now|but|ok|okay)[\s,]+)*(?:what'?s|what is|what are|what was"
    r"|what were|what|how many|how much|which|who)\b(?P<rest>.*)$", re.I | re.S)
_WH_POINTING = frozenset({
    "exactly", "precisely", "then", "is", "are", "was", "were", "ones", "one", "of", "if", "so",
    "not", "true", "actually", "really", "actual", "exact", "precise", "real", "s",
    # "what's the actual share?": the figure the yes/no question asked about, named alone.
    "share", "percentage", "percent", "proportion", "fraction", "ratio", "count", "total",
    "sum", "amount", "average", "split", "breakdown", "difference", "gap", "margin",
})
#: A yes/no question weighing two things by a comparative ("is the Berlin office older than
#: the Paris one?", "was Q1 busier than Q2?").
_COMPARED = re.compile(
    r"^\s*(?:is it true that\s+)?(?:is|are|was|were)\s+(?P<a>[^?]+?)\s+(?:[a-z]+er|more [a-z]+"
    r"|less [a-z]+)\s+than\s+(?P<b>[^?]+?)\s*\?\s*$", re.I)
#: Words in a question after a yes/no one that point back at it ("which offices are they
#: in", "who are those people").
_WH_BACK = frozenset({"they", "those", "these", "he", "she", "them"})
#: What a request may hold and still only point back at the question before it ("show me both
#: figures", "could you give me the numbers?").
_POINTING = frozenset({
    "both", "the", "two", "figures", "figure", "numbers", "number", "values", "value", "them",
    "it", "those", "these", "that", "this", "totals", "please", "pls", "too", "as", "well",
    "also", "side", "by", "each", "data", "answer", "result", "results", "and", "a", "chart",
    "of", "one", "ones", "for", "me", "us", "so", "i", "can", "see", "compare", "check",
})


#: Words in a request that point back at the question before it ("both years", "those two").
_BACK = frozenset({"both", "those", "these", "them", "it", "its", "their", "same", "either",
                   "there", "then"})


def _request_answers(sentences: list[str]) -> list[str]:
    """ "does the South really sell the least? give me revenue for every territory in 2023":
    a yes/no question followed by a request said outright is answered by that request (its
    rows show whether the yes/no holds); the yes/no sentences before it are dropped. A request
    that points back ("show me both figures", "both years' revenue") is no request of its
    own: nothing dropped."""
    for j, sentence in enumerate(sentences):
        found = _REQUEST.match(sentence) or _WH_REQUEST.match(sentence)
        if found is None or j == 0:
            continue
        rest = re.findall(r"[a-z0-9]+", found["rest"].lower())
        compared = _COMPARED.match(sentences[j - 1]) if j == 1 else None
        if compared is not None and found.re is _REQUEST and {"both", "two", "2", "either"} & set(
            rest
        ):
            # "is the Berlin office older than the Paris one? show both opening dates": the
            # two things weighed, and what the request shows of both.
            return [f"{compared['a']} and {compared['b']}: ", *sentences[j:]]
        if all(w in _POINTING or w in _WH_POINTING for w in rest) or _BACK.intersection(rest) or (
            found.re is _WH_REQUEST and _WH_BACK.intersection(rest)
        ):
            continue  # "show me both years' revenue": what the question before names
        asked = [k for k in range(j) if re.search(r"\w", sentences[k])]
        if asked and all(_YES_NO.match(sentences[k]) for k in asked):
            return sentences[j:]
    return sentences


def yes_no_then_request(text: str) -> tuple[str, str] | None:
    """ "does each region clear 7,000 orders? give me the count per region": the yes/no
    question(s) and the request said after them, when the request is answered alone
    (`_request_answers`); None otherwise."""
    sentences = _sentences(text)
    kept = _request_answers(sentences)
    if kept is sentences or len(kept) >= len(sentences):
        return None
    asked = "".join(sentences[: len(sentences) - len(kept)]).strip()
    return (asked, "".join(kept).strip()) if asked else None


def _without_asides(text: str) -> tuple[str, list[str]]:
    """`text` without the sentences and clauses that only talk around the question; (text,
    what was dropped). Nothing is dropped when nothing else would be left."""
    sentences = _sentences(text)
    kept_from = _request_answers(sentences)
    if kept_from is not sentences:
        text = "".join(kept_from)
        sentences = kept_from
    claimed = [s for s in sentences if _CLAIMED.search(s)]
    if claimed:
        sentences = [_CLAIMED.sub(" ", s) for s in sentences]
        text = "".join(sentences)
    asides = [bool(s.strip(" \t\n.!?,;:-")) and (_aside(s) or _all_asides(s)) for s in sentences]
    asking = [s for s, a in zip(sentences, asides, strict=True)
              if not a and re.search(r"\w", s)]
    if not asking:
        return text, []
    dropped = [s.strip(" \t\n,;:.!?") for s, a in zip(sentences, asides, strict=True) if a]
    dropped += [CLAIM_LEAD] * bool(claimed)
    kept: list[str] = []
    for sentence in asking:
        parts = _clause_split(sentence)
        clauses, cuts = parts[0::2], parts[1::2]
        aside = [bool(c.strip()) and _aside(c) for c in clauses]
        if all(aside) or not any(aside):
            kept.append(sentence)
            continue
        dropped += [c.strip(" ,;:.!?") for c, a in zip(clauses, aside, strict=True) if a]
        out = ""
        for k, clause in enumerate(clauses):
            if not aside[k]:
                out += clause
            if k < len(cuts) and not aside[k] and not (k + 1 < len(clauses) and aside[k + 1]):
                out += cuts[k]
            elif k < len(cuts):
                out += " "
        kept.append(out)
    return " ".join(kept), [d for d in dropped if d]


_EXTREMES = frozenset({"highest", "lowest", "biggest", "largest", "smallest", "top", "max",
                       "maximum", "min", "minimum", "most", "least"})


def _anyone_after_extreme(words: Sequence[str], i: int) -> bool:
    """ "the highest rating anybody got": "anyone" after a highest/lowest value says any
    row, not a listing of people ("who" asks for them)."""
    if words[i] not in ("anyone", "anybody") or "who" in words[:i]:
        return False
    # "the lowest wage we pay anybody": up to five words back
    return any(w in _EXTREMES for w in words[max(0, i - 5) : i])


#: Words after "hw" that make it "how" ("hw many", "hw mny", "hw much", "hw do I"), not
#: hardware ("hw units by month").
_HOW_NEXT = frozenset({"many", "mny", "much", "do", "does", "did", "is", "are", "was", "were",
                       "long", "often", "big", "far", "come", "about", "r", "u"})


def _how_next(words: Sequence[str], i: int) -> bool:
    after = words[i + 1] if i + 1 < len(words) else ""
    return after in _HOW_NEXT or any(edits(after, w) == 1 for w in ("many", "much"))


#: Phrases read as above only when the catalog knows none of their words ("average
#: ticket" is the amount of a sale, unless the data has tickets).
_CATALOG_FIRST = frozenset(key for key, plain in PHRASES.items()
                           if plain.endswith(("sale amount", "sale amounts"))
                           and any(w in TICKETS for w in key)) | frozenset(_EACH_GROUP)


#: Two-word phrases by their first word, for the last words of `PHRASE_TAILS`.
_SLIPPED_TAILS: dict[str, tuple[tuple[str, str], ...]] = {}
for _key, _plain in PHRASES.items():
    if len(_key) == 2 and _key[1] in PHRASE_TAILS:
        _SLIPPED_TAILS[_key[0]] = (*_SLIPPED_TAILS.get(_key[0], ()), (_key[1], _plain))


def _phrase_slip(tokens: Sequence[Token], i: int, known: Callable[[str], bool]) -> str | None:
    """The plain words of a two-word phrase at `tokens[i]` whose last word ("size", "value",
    "volume") is typed one slip away ("deal sise", "order volumne"), or None."""
    tails = _SLIPPED_TAILS.get(tokens[i].text)
    if not tails or i + 1 >= len(tokens):
        return None
    typed = tokens[i + 1].text
    if len(typed) < 4 or not typed.isalpha() or typed in ABBREVIATIONS or known(
        tokens[i + 1].stem
    ):
        return None
    meant = {plain for tail, plain in tails
             if tail != typed and tail[0] == typed[0] and edits(typed, tail) == 1}
    return meant.pop() if len(meant) == 1 else None


#: Everyday verbs that frame a question and name nothing in the data ("how many people
#: work in ...", "revenue broken down by ..."): a word one slip from exactly one of them, and
#: known to neither the catalog nor the shorthand, is that word ("wrok", "brokn").
FRAMING_VERBS: tuple[str, ...] = (
    "work", "works", "worked", "working", "broken", "sold", "spread", "split", "employed",
)


#: The question words that give a question its shape ("which 3 cities ...", "where do
#: ..."): a word one slip from exactly one of them ("wich", "whcih", "wher") is that word too,
#: so the shape is read before typo repair would read the word alone.
QUESTION_WORDS: tuple[str, ...] = ("which", "what", "where", "when", "whose")


def _framing_slip(token: Token, known: Callable[[str], bool]) -> str | None:
    word = token.text
    if len(word) < 4 or not word.isalpha() or word in FRAMING_VERBS or word in REAL_WORDS or (
        word in ABBREVIATIONS or word in STOPWORDS or word in SOUNDALIKES or known(token.stem)
    ) or word in QUESTION_WORDS:
        return None
    meant = {verb for verb in (*FRAMING_VERBS, *QUESTION_WORDS)
             if verb[0] == word[0] and close_typo(word, verb)}
    return meant.pop() if len(meant) == 1 else None


def expand(
    tokens: Sequence[Token], known: Callable[[str], bool], said: list[str] | None = None
) -> tuple[Token, ...]:
    """Shorthand and slang as plain words; a word `known` to the catalog is left as it is.
    Each reading that matters ("'rev' read as 'revenue'") is added to `said`."""
    out: list[Token] = []
    said = [] if said is None else said
    respelt = []
    for token in tokens:
        verb = _framing_slip(token, known)
        if verb is not None:
            said.append(f"'{token.text}' read as '{verb}'")
            token = Token(verb, singular(verb))
        respelt.append(token)
    tokens = respelt
    words = [t.text for t in tokens]
    i = 0
    while i < len(tokens):
        for size in (6, 5, 4, 3, 2):
            plain = PHRASES.get(tuple(words[i : i + size]))
            if plain is not None and tuple(words[i : i + size]) in _CATALOG_FIRST and any(
                known(t.stem) for t in tokens[i : i + size] if t.text in TICKETS
            ):
                plain = None  # "average ticket count": the catalog's own tickets
            if plain is not None and tuple(words[i : i + size]) in _FOUNDING and any(
                known(t.stem) for t in tokens[i : i + size] if t.text in _COMPANY_WORDS
            ):
                plain = None  # "when was the company founded" over a table of companies
            if plain is not None:
                out.extend(Token(w, singular(w)) for w in plain.split())
                if plain:
                    said.append(f"'{' '.join(words[i : i + size])}' read as '{plain}'")
                i += size
                break
        else:
            slip = _phrase_slip(tokens, i, known)
            if slip is not None:
                # "deal sise", "order volumne": the phrase meant, its last word mistyped.
                out.extend(Token(w, singular(w)) for w in slip.split())
                said.append(f"'{words[i]} {words[i + 1]}' read as '{slip}'")
                i += 2
                continue
            token = tokens[i]
            if words[i + 1 : i + 2] in (["table"], ["tables"], ["dataset"]) and known(
                token.stem
            ):
                out.append(token)  # "in the employee table": the employees
                i += 2
                continue
            if _anyone_after_extreme(words, i):
                i += 1  # "the lowest salary anyone is on": the lowest salary
                continue
            if token.text in ("someone", "somebody") and words[i + 1 : i + 2] in (
                ["who"], ["that"], ["whose"]
            ):
                i += 1  # "run by someone who reports to no one": the clause says who
                continue
            plain = ABBREVIATIONS.get(token.text)
            if plain is None and not known(token.stem):
                plain = _row_noun(words, i, known)
            if plain is None:  # "" drops a word ("companywide"): no sound-alike then
                plain = SOUNDALIKES.get(token.text)
            if token.text in ("hw", "hoo") and _how_next(words, i):
                plain = "how"  # "hw many ppl": how; "hw units", "aov hw": hardware
            root = token.text[:-4] if token.text.endswith("less") else ""
            root = ABBREVIATIONS.get(root, root)  # "bossless": without a manager
            if plain is None and len(root) >= 3 and known(singular(root)) and not known(
                token.stem
            ):
                # "managerless", "titleless": without one (a data word before "less").
                plain = f"without a {root}"
            if plain is None or known(token.stem):
                out.append(token)
            else:
                out.extend(Token(w, singular(w)) for w in plain.split())
                if plain and token.text not in _COURTESY_WORDS and plain != "how":
                    said.append(f"'{token.text}' read as '{plain}'")
            i += 1
    return tuple(out)
# "across all our sales history", "over our entire history", "in all of history": every
# date (all time), not a chart over time.
PHRASES.update({
    (*across, *whole, *kind, "history"): "for all time"
    for across in (("across",), ("over",), ("in",), ("through",), ("throughout",), ("for",),
                   ())
    for whole in (("all", "our"), ("all", "of", "our"), ("our", "entire"), ("our", "whole"),
                  ("the", "entire"), ("the", "whole"), ("all", "the"), ("all", "of", "the"))
    for kind in ((), ("sales",), ("order",), ("trading",), ("company",), ("transaction",))
    if across or whole[0] == "all"
})
