"""Built-in synonyms: the everyday words people use for common columns, tables and measures.

Each entry is matched against the catalog by *name patterns*: a synonym only joins the
vocabulary when the catalog has a column (or table) whose name fits. "pay" means nothing in a
catalog without a salary-like column, and "revenue" nothing without an amount-like column in
a sales-like table. Names are compared after `split_identifier` + `stems`, so the patterns are
written as singular words ("employee", "sale").
"""

from __future__ import annotations

from dataclasses import dataclass

from plotboard.query.spec import Aggregate


@dataclass(frozen=True)
class ColumnSynonym:
    """Words meaning a column whose name (as words) is one of `names`."""

    words: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class TableSynonym:
    """Words meaning a table whose name (as words) is one of `names`."""

    words: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class MeasureSynonym:
    """Words meaning a whole measure: `agg` of a column named like `columns` (or of rows).

    `label` names the measure in titles ("Revenue", "Headcount"). `time_columns` picks the
    date a question about this measure is about ("hires by month" -> hire_date).
    """

    label: str
    words: tuple[str, ...]
    tables: tuple[str, ...]
    agg: Aggregate
    columns: tuple[str, ...] = ()
    time_columns: tuple[str, ...] = ()


COLUMN_SYNONYMS: tuple[ColumnSynonym, ...] = (
    ColumnSynonym(
        ("salary", "salaries", "pay", "paid", "wage", "wages", "compensation", "earnings",
         "earn", "earns", "earning", "remuneration", "remunerated"),
        ("salary", "annual salary", "base salary", "pay", "wage", "compensation"),
    ),
    ColumnSynonym(
        ("price", "prices", "unit price", "cost", "costs", "list price"),
        ("unit price", "price", "list price", "unit cost"),
    ),
    ColumnSynonym(
        ("quantity", "quantities", "units", "units sold", "unit sold", "volume", "qty",
         "items sold", "pieces",
         # Software is sold by the licence or the seat: "how many licences per order".
         "licence", "licences", "license", "licenses", "seat", "seats", "licence count",
         "license count", "seat count"),
        ("quantity", "qty", "units", "unit count"),
    ),
    ColumnSynonym(
        ("city", "cities", "office", "offices", "location", "locations", "site", "sites",
         "town", "place", "places"),
        ("location", "city", "office city", "town", "office location"),
    ),
    ColumnSynonym(
        ("department", "departments", "team", "teams", "dept", "division", "divisions",
         "function", "business unit"),
        ("department", "dept", "team", "division"),
    ),
    ColumnSynonym(
        ("role", "roles", "position", "positions", "job", "jobs", "title", "titles"),
        ("job title", "title", "role", "position"),
    ),
    ColumnSynonym(
        ("rating", "ratings", "rated", "performance", "performance score", "score",
         "review score",
         # A teacher's word for the mark a review gives: "the average grade by team".
         "grade", "grades", "graded", "performance grade"),
        ("performance rating", "rating", "score", "performance score"),
    ),
    ColumnSynonym(("nation", "nations", "countries"), ("country", "country name")),
    ColumnSynonym(("territory", "territories", "area", "areas", "geo", "geography",
                   "geographies"), ("region", "sales region")),
    ColumnSynonym(
        ("hired", "hire", "hiring date", "joined", "start date", "started", "joining date"),
        ("hire date", "start date", "joined on", "hired on", "joining date"),
    ),
    ColumnSynonym(
        ("remote", "remotely", "work from home", "wfh", "home office"),
        ("is remote", "remote", "works remotely"),
    ),
    ColumnSynonym(("item", "items", "sku", "skus", "offering", "offerings"),
                  ("product", "product name", "item")),
    ColumnSynonym(("product category", "product type", "product line", "product family",
                    "product families", "product group", "product groups"), ("category",)),
    ColumnSynonym(
        ("opened", "opening", "opening date", "open", "opens", "launched", "launch date",
         "launch", "launches", "open its doors", "opened its doors", "open their doors",
         "opened their doors", "started up", "set up", "founded", "established"),
        ("opened on", "opening date"),
    ),
)

TABLE_SYNONYMS: tuple[TableSynonym, ...] = (
    TableSynonym(
        ("people", "person", "persons", "staff", "staffer", "employee", "employees", "worker",
         "workers", "colleague", "colleagues", "personnel", "workforce", "seller", "sellers",
         "salesperson", "salespeople", "rep", "reps"),
        ("employee", "staff", "people", "person", "worker"),
    ),
    TableSynonym(
        ("order", "orders", "deal", "deals", "transaction", "transactions", "sale", "sales",
         "purchase", "purchases", "sell", "sells", "sold", "selling",
         # An accountant's words for the rows of a transactions table: "entries posted",
         # "the average amount per posting", "ledger entries".
         "entry", "entries", "posting", "postings", "ledger entry", "ledger entries"),
        ("sale", "order", "transaction", "deal"),
    ),
    TableSynonym(
        ("office", "offices", "branch", "branches", "site", "sites"), ("office", "branch")
    ),
)

MEASURE_SYNONYMS: tuple[MeasureSynonym, ...] = (
    MeasureSynonym(
        "Headcount",
        ("headcount", "head count", "staff count", "employee count", "number of staff",
         "workforce size", "team size"),
        ("employee", "staff", "people", "person", "worker"),
        "count",
    ),
    MeasureSynonym(
        "Hires",
        ("hires", "new hires", "new hire", "hiring", "recruits", "recruitment", "joiners",
         "new joiners", "new joiner", "new starters", "starters", "new staff", "intake",
         # Indian English: "count of new joinees this year".
         "joinees", "new joinees", "new joinee",
         "newcomers", "new recruits",
         # "how many new colleagues joined", "new people per month": the people added.
         "new employees", "new employee", "new people", "new colleagues", "new colleague",
         "new workers", "new team members", "new faces", "new arrivals",
         # Headcount said as what was added to it: "headcount added last quarter".
         "headcount added", "added headcount", "heads added", "staff added", "people added",
         "employees added", "onboarded", "onboardings", "onboarding"),
        ("employee", "staff", "people", "person", "worker"),
        "count",
        time_columns=("hire date", "start date", "joined on", "hired on"),
    ),
    MeasureSynonym(
        "Payroll",
        ("payroll", "salary bill", "wage bill", "salary cost", "salary costs", "labor cost",
         "labour cost", "personnel cost", "personnel costs", "total compensation",
         "compensation spend", "salary spend", "pay spend", "wage spend", "payroll spend",
         "payroll cost", "payroll costs", "staff costs", "staff cost", "total compensation spend",
         "total salary spend", "total pay spend",
         # What the people cost, said any way: "labor spend", "wage expenses", "staff outlay".
         *(f"{who} {cost}"
           for who in ("salary", "wage", "pay", "labor", "labour", "payroll", "compensation",
                       "personnel", "staff", "people", "employee", "headcount", "workforce")
           for cost in ("cost", "spend", "expense", "bill", "budget", "outlay", "burn",
                        "expenditure"))),
        ("employee", "staff", "people", "person", "worker"),
        "sum",
        ("salary", "annual salary", "base salary", "pay", "wage", "compensation"),
    ),
    MeasureSynonym(
        "Revenue",
        ("revenue", "revenues", "turnover", "sales amount", "sales amounts", "sales value",
         "sales volume", "sales revenue", "gross sales", "gross", "takings", "income",
         "money", "total sales", "bookings", "grossing", "grossed", "top line", "topline",
         # "top 3 reps by sales money": the money of the sales, not a breakdown by sale.
         "sales money",
         "invoiced", "invoicing", "billed", "billings",
         # The book the takings are kept in: "the sales ledger total".
         "sales ledger", "sales ledgers"),
        ("sale", "order", "transaction", "deal", "invoice"),
        "sum",
        ("amount", "revenue", "total", "total amount", "sales amount", "net amount"),
    ),
    MeasureSynonym(
        "Units sold",
        ("units sold", "items sold", "volume sold", "units shipped", "items shipped",
         "shipped", "units moved", "items moved"),
        ("sale", "order", "transaction"),
        "sum",
        ("quantity", "qty", "units"),
    ),
)

#: Column names (as words) whose natural aggregate is an average, not a sum.
_AVERAGED = """
    salary pay wage compensation price cost rate rating score age percentage percent ratio
    share margin temperature duration tenure discount latitude longitude level grade
"""
AVERAGED_WORDS: frozenset[str] = frozenset(_AVERAGED.split())

#: Column names (as words) that make a good label for one row of their table.
LABEL_WORDS: tuple[str, ...] = ("full name", "name", "title", "label", "city", "product", "code")

#: Names (as words) of columns holding places a map can show.
CITY_WORDS: frozenset[str] = frozenset({"city", "location", "office city", "town"})
COUNTRY_WORDS: frozenset[str] = frozenset({"country", "country name", "nation"})
LOCATION_SEMANTICS: frozenset[str] = frozenset(
    {"city", "country", "location", "region", "state", "postal_code", "latitude", "longitude"}
)

#: What people of a country are called, and its adjective ("German staff", "the British
#: office", "Japanese revenue"): a value of a country column is also said this way.
COUNTRY_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "united states": ("american", "americans", "us based"),
    "united kingdom": ("british", "brit", "brits", "uk based"),
    "great britain": ("british", "brit", "brits"),
    "england": ("english",), "scotland": ("scottish", "scots"), "wales": ("welsh",),
    "ireland": ("irish",), "france": ("french",), "germany": ("german", "germans"),
    "spain": ("spanish",), "portugal": ("portuguese",), "italy": ("italian", "italians"),
    "netherlands": ("dutch",), "the netherlands": ("dutch",), "belgium": ("belgian",),
    "switzerland": ("swiss",), "austria": ("austrian",), "sweden": ("swedish", "swedes"),
    "norway": ("norwegian",), "denmark": ("danish", "danes"), "finland": ("finnish",),
    "poland": ("polish",), "greece": ("greek",), "turkey": ("turkish",),
    "russia": ("russian",), "ukraine": ("ukrainian",), "czech republic": ("czech",),
    "czechia": ("czech",), "hungary": ("hungarian",), "romania": ("romanian",),
    "japan": ("japanese",), "china": ("chinese",), "south korea": ("korean", "south korean"),
    "korea": ("korean",), "india": ("indian", "indians"), "pakistan": ("pakistani",),
    "bangladesh": ("bangladeshi",), "indonesia": ("indonesian",), "vietnam": ("vietnamese",),
    "thailand": ("thai",), "philippines": ("filipino", "philippine"), "malaysia": ("malaysian",),
    "singapore": ("singaporean",), "australia": ("australian", "aussie", "aussies"),
    "new zealand": ("kiwi", "kiwis", "new zealander"), "canada": ("canadian", "canadians"),
    "mexico": ("mexican",), "brazil": ("brazilian", "brazilians"), "argentina": ("argentine",
    "argentinian"), "chile": ("chilean",), "colombia": ("colombian",), "peru": ("peruvian",),
    "south africa": ("south african",), "nigeria": ("nigerian",), "kenya": ("kenyan",),
    "egypt": ("egyptian",), "morocco": ("moroccan",), "israel": ("israeli",),
    "saudi arabia": ("saudi",), "united arab emirates": ("emirati",),
}

#: Cities and countries as other languages name them (French, Spanish, German, Italian,
#: Portuguese, and older English names): "the headcount in Londres", "staff in Alemania". A
#: value of a place column is also said this way (the answer names the value it read). Names a
#: typo or two from the English one ("Tokio", "Singapur") are left to typo repair: a second
#: spelling that close would make the value's own typos ambiguous ("Singapure").
PLACE_NAMES: dict[str, tuple[str, ...]] = {
    "london": ("londres", "londra"), "paris": ("parigi",),
    "munich": ("munchen", "muenchen", "monaco di baviera"), "vienna": ("wien",),
    "brussels": ("bruxelles",), "geneva": ("genf", "ginebra"), "zurich": ("zurigo",),
    "cologne": ("koln", "koeln", "colonia"), "prague": ("praha", "prag", "praga"),
    "warsaw": ("varsovie", "varsovia", "warschau"), "copenhagen": ("kobenhavn", "kopenhagen"),
    "athens": ("atenas", "atene"), "moscow": ("moskau", "mosca", "moscu"),
    "new york": ("nueva york", "new york city", "nova york"), "mumbai": ("bombay",),
    "chennai": ("madras",), "kolkata": ("calcutta",), "sao paulo": ("sampa",),
    "beijing": ("pekin", "peking", "pechino"), "mexico city": ("ciudad de mexico", "mexico df"),
    "cairo": ("le caire", "el cairo", "kairo"),
    "germany": ("allemagne", "alemania", "deutschland", "alemanha"),
    "united kingdom": ("royaume uni", "reino unido", "regno unito", "vereinigtes konigreich"),
    "united states": ("etats unis", "estados unidos", "stati uniti", "vereinigte staaten"),
    "japan": ("giappone",), "india": ("inde", "indien"),
    "brazil": ("brasil", "bresil", "brasilien"),
    "canada": ("kanada",), "france": ("frankreich",), "spain": ("espagne", "espana", "spagna"),
    "italy": ("italie", "italia", "italien"),
    "switzerland": ("suisse", "suiza", "schweiz", "svizzera"),
    "netherlands": ("pays bas", "paises bajos", "niederlande", "paesi bassi"),
}

#: What a world region's code is said as ("our European offices", "Asia-Pacific revenue"):
#: a value of a column that is one of these codes is also said by these words.
REGION_WORDS: dict[str, tuple[str, ...]] = {
    "emea": ("europe", "european", "europe middle east and africa",
             "europe middle east africa"),
    "apac": ("asia pacific", "asia", "asian", "asia pac", "pacific"),
    "amer": ("americas", "the americas"),
    "americas": ("amer",),
    "latam": ("latin america", "latin american", "south america", "south american"),
    "na": ("north america", "north american"),
    "eu": ("europe", "european"),
    "europe": ("european", "emea"),
}
