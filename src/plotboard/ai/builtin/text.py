"""Words: folding, tokenizing and singularizing text the same way for questions and the catalog.

The built-in engine never compares raw strings. A question, a column name, a display name and
a column value all go through `tokenize`, so that "São Paulo", "sao paulo" and "SAO PAULO"
give the same tokens, and through `singular`, so that "salaries" meets "salary" and
"employees" meets "employee". Matching then happens on those normalized forms only.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from plotboard.ai.builtin.wordlists import COMBINATIONS, CURRENCIES

_TOKEN_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+[km]\b|\d+\.\d+|[a-z0-9]+|,")
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a question: `text` folded to lower-case ASCII, `stem` its singular form."""

    text: str
    stem: str


def fold(text: str) -> str:
    """Lower-case ASCII: accents dropped ("São" -> "sao"), curly quotes straightened."""
    text = text.replace("\u2019", "'").replace("\u00df", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    """A cheap English singular: "salaries" -> "salary", "sales" -> "sale", "paris" -> "paris".

    Only suffix rules, no dictionary: both sides of every comparison go through it, so a
    wrong singular ("analytics" -> "analytic") is harmless as long as it is consistent.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "os", "as")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def tokenize(text: str) -> tuple[Token, ...]:
    """The words of `text` (folded); numbers with separators ("100,000", "1.5") stay whole.

    Commas are kept as tokens: "by region, category and product" lists three things, while
    "by product category" names one.
    """
    return tuple(Token(t, singular(t)) for t in _TOKEN_RE.findall(fold(text)))


def stems(text: str) -> tuple[str, ...]:
    """The singular forms of the words of `text` (commas left out)."""
    return tuple(t.stem for t in tokenize(text) if t.text != ",")


def split_identifier(name: str) -> str:
    """A name as words: "sales_region" -> "sales region", "hireDate" -> "hire Date"."""
    return _CAMEL_RE.sub(" ", name).replace("_", " ").replace("-", " ").strip()


def humanize(name: str) -> str:
    """A label for a name: "sales_region" -> "Sales region"."""
    words = split_identifier(name)
    return words[:1].upper() + words[1:].lower() if words else name


NUMBER_WORDS: dict[str, int] = {
    word: i
    for i, word in enumerate(
        (
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
            "seventeen", "eighteen", "nineteen", "twenty",
        )
    )
} | {"dozen": 12, "thirty": 30, "fifty": 50, "hundred": 100}


def parse_number(text: str) -> float | None:
    """A number written in a question: "12", "1,500", "2.5", "100k", "1.2m", "five"."""
    if text in NUMBER_WORDS:
        return float(NUMBER_WORDS[text])
    if not text[:1].isdigit():
        return None  # float() also reads "inf" and "nan"
    multiplier = 1.0
    if text[-1:] in ("k", "m") and text[:-1].replace(".", "", 1).isdigit():
        multiplier = 1_000.0 if text[-1] == "k" else 1_000_000.0
        text = text[:-1]
    try:
        value = float(text.replace(",", "")) * multiplier
    except ValueError:
        return None
    # "1e400" reads as infinity: no number a question can mean (it crashed the engine).
    return value if math.isfinite(value) else None


#: Words that carry no meaning for the engine. A question whose other words are all known
#: can be answered; a word outside this list, the keywords and the vocabulary is "unknown".
STOPWORDS: frozenset[str] = frozenset(
    """
    a an the of to in on at for from with without by per and or but as is are was were be been
    being am do doe does did done have ha has had having it its this that these those there
    here what which who whom whose where when how why me my mine i we our ours us you your
    yours they them their he she his her him can could would should will shall may might must
    please show shown showing give gave get got see view display list tell find let make
    want need like know look looking chart graph plot plotted draw drawn visual
    visualize visualise report
    data number value info information about into than then so such just also too very
    really all any some every each overall across whole entire current now again same instead
    compare comparison versu v vs split breakdown distribution over under up down out off
    between during within throughout sold sell sells selling made make makes bought buy
    earn earns earned earning work works worked working employed employ currently company
    companie business organisation organization org firm team's s t don isn aren doesn
    thing stuff time trend evolution change growth history historical timeline
    amount much many count kind type lot lots how's what's whats hi hello hey thanks thank
    ok okay yes no one just only ever do say said same while show's both either neither
    annual overall actual real base grand global latest recent current whole full
    figure figures stat stats statistic statistics metric metrics numbers result results
    detail details summary analysis insight insights level levels today's popular common
    filter filtered filtering
    successful brought bring brings bringing generate generates generated generating
    produce produces produced producing come comes came coming account accounts accounted
    sits sit sitting based fall falls fell handle handles handled assigned closed close
    actually basically truly single individual worth valued own exist exists existed
    represent represents represented representing goes
    analyse analyze analysed analyzed analysing analyzing
    itemise itemize itemised itemized
    """.split()  # noqa: SIM905
) | frozenset(COMBINATIONS)


#: Plain English words that say how to ask or arrange, not what: verbs of handling a chart
#: ("keep", "sort", "switch"), of doing business ("booked", "logged", "join") and adverbs.
#: Unlike `STOPWORDS` they are not dropped silently: a question whose only unknown words are
#: these (or past and present participles right after a noun, "orders booked in ...") is
#: read without them, and the answer says which it did not use. A noun is never one: "average
#: commute time", "gender split" keep being refused.
LEFT_OUT_WORDS: frozenset[str] = frozenset(
    """
    keep keeps kept sort sorted sorting reorder rearrange arrange narrow restrict
    limit filter switch swap flip turn change convert move moved moves put place placed
    book books booked log logs logged record records recorded register registered
    join joins joined joining hold holds
    held stay stays stayed grow grows grew grown take takes took taken
    happen happens happened pull pulled run runs ran rank ranked ranking rankings rather together
    repeat repeats repeated rerun redo
    alongside side respectively approximately roughly exactly precisely basically simply
    maybe perhaps kindly quickly literally go goes went going gone break breaks broke
    exact precise accurate actual
    appear appears appeared land lands landed
    """.split()  # noqa: SIM905
) | frozenset(
    # Adverbs of time and degree, intensifiers and fillers: a closed class of words that
    # say how or when about what is asked, never what ("already open", "still", "ever").
    """
    already yet still even ever anyway anyhow altogether ago lately nowadays presently anymore
    aboard onboard back
    usually generally normally ordinarily mostly mainly largely chiefly
    honestly seriously frankly quite pretty fairly somewhat rather super extremely
    absolutely definitely certainly probably possibly surely merely
    um uh umm hmm er btw fyi tbh imo lol pls
    mate righto
    """.split()  # noqa: SIM905
)
#: Money units: "ten million dollars of sales", "revenue in euros" say the currency of a
#: number or an amount, never what is measured; left out right after a number or "in".
MONEY_UNITS: frozenset[str] = frozenset(CURRENCIES)
#: Words of `LEFT_OUT_WORDS` that keep what follows them ("keep Paris", "narrow to Sales"):
#: any other right before a value ("swap Paris", "move Sales") might as well take it out,
#: so the question is not read without it.
KEEP_WORDS: frozenset[str] = frozenset(
    {"keep", "keeps", "kept", "narrow", "restrict", "limit", "filter", "stay", "stays",
     "stayed", "hold", "holds", "held", "booked", "placed", "logged", "recorded", "registered"}
)
_COPULAS = frozenset(
    {"are", "is", "was", "were", "be", "been", "being", "get", "got", "gets", "getting",
     "become", "became", "not", "never", "who", "that", "which"}
)


#: Participles that name a state of the rows ("orders cancelled in 2024", "employees
#: promoted last year"): a filter the data would need, never a word to leave out.
STATUS_WORDS: frozenset[str] = frozenset(
    """
    cancelled canceled returned refunded rejected declined failed lost churned terminated
    fired resigned promoted demoted shipped delivered approved denied expired deleted
    archived discounted completed abandoned disputed overdue outstanding pending remaining
    suspended escalated reopened resolved unresolved unpaid refunding returning churning
    leaving quitting retiring retired laid dismissed
    """.split()  # noqa: SIM905
) | frozenset(
    # Verbs of ending someone's employment, in any form ("did we sack", "who was let go",
    # "how many were made redundant"): events the data must record to be answered.
    """
    sack sacks sacked sacking fire fires firing dismiss dismisses dismissing terminate
    terminates terminating resign resigns quit quits layoff layoffs redundant redundancy
    redundancies axed
    """.split()  # noqa: SIM905
)


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter left out of `b`, one too many, or one other in its place."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(long_) - len(short) != 1:
        return False
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


#: A word this long one letter from a word of `LEFT_OUT_WORDS` is that word mistyped.
_LEFT_OUT_SLIP_FROM = 6


def _left_out_slip(word: str) -> bool:
    """Whether `word` is a verb's form in `LEFT_OUT_WORDS` ("happened", "joining") with one
    letter inside slipped ("happend", "joinnig"): left out as that word is. Only such forms,
    first and last letters kept: a noun one letter from another word ("charge", "places")
    is no slip of "change" or "placed"."""
    if len(word) < _LEFT_OUT_SLIP_FROM or not word.isalpha() or word in STATUS_WORDS:
        return False
    return any(
        known[0] == word[0] and known[-1] == word[-1] and known.endswith(("ed", "ing"))
        and len(known) >= _LEFT_OUT_SLIP_FROM and _one_letter_apart(word, known)
        for known in LEFT_OUT_WORDS
    )


def left_out(words: tuple[str, ...] | list[str], i: int) -> bool:
    """Whether the unknown word `words[i]` may be left out of a question (see
    `LEFT_OUT_WORDS`): a listed word, or a participle right after a word that is not "are",
    "were", "got" ... ("orders booked in the West", not "employees who were promoted": that
    one asks for something the data may not have)."""
    word = words[i]
    if word in STATUS_WORDS:
        return False
    if word in LEFT_OUT_WORDS or _left_out_slip(word):
        return True
    if word in MONEY_UNITS and i > 0 and (
        words[i - 1] == "in" or parse_number(words[i - 1]) is not None
    ):
        return True
    if word.endswith("er") and tuple(words[i + 1 : i + 2]) == ("than",) and i + 2 < len(words) and (
        parse_number(words[i + 2]) is not None
    ):
        return True  # "older than 45" with no age: left out, and the answer says so
    if word == "past" and i + 1 < len(words) and (
        len(words[i + 1]) == 4 and words[i + 1].isdigit()
    ):
        return True  # "this past 2025": that year
    if len(word) < 6 or not word.isalpha() or not word.endswith(("ed", "ing")):
        return False
    return i > 0 and words[i - 1] not in _COPULAS and words[i - 1] not in STOPWORDS
