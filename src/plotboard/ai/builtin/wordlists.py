"""Words that several reading rules share, kept once: the maintained list of money, ticket,
combination and review words.

Each group is a kind of word people use around a question, with what the built-in engine
reads it as. The rules that need a group (`text.MONEY_UNITS` and `text.STOPWORDS`, the
shorthand, phrases and everyday rewrites of `slang`, band sizes in `shapes`) build their
word sets and patterns from it, so a word added here is read the same way by all of them:

* `CURRENCIES`: units of money. After a number or "in" they only say the currency ("500
  dollars", "revenue in euros") and are left out; "in dollar terms" is about money.
* `MONEY`: money said loosely ("total bucks from hardware", "who brought in the most
  cash", "dollars per region"): the money taken in (revenue), unless after a number.
* `TICKETS`: the amount of one sale ("avg ticket", "mean basket size", "the typical check
  per order"), unless the catalog has rows of its own by that name (a helpdesk's tickets).
* `COMBINATIONS`: every pair of two breakdowns ("country and department combos",
  "region/category pairs"): a breakdown by both; the word alone says nothing more.
* `REVIEWS`: where a rating is given ("better reviews", "the mean appraisal", "averaging
  above 3 on reviews"): the rating.
"""

from __future__ import annotations

CURRENCIES: tuple[str, ...] = (
    "dollar", "dollars", "usd", "buck", "bucks", "euro", "euros", "eur", "pound", "pounds",
    "gbp", "quid",
)
MONEY: tuple[str, ...] = ("bucks", "cash", "dough", "moolah", "dollars",
                          # Russian speakers' slang for money, said in English ("bablo").
                          "bablo")
TICKETS: tuple[str, ...] = ("ticket", "tickets", "basket", "baskets", "cart", "carts", "check",
                            "checks")
#: What an average of one of `TICKETS` is said with ("avg ticket", "typical basket").
TICKET_AVERAGES: tuple[str, ...] = ("avg", "average", "mean", "typical", "median")
#: Words after a ticket that say the same ("ticket size", "basket value").
TICKET_SIZES: tuple[str, ...] = ("size", "sizes", "value", "values")
COMBINATIONS: tuple[str, ...] = ("combination", "combinations", "combo", "combos")
#: Said like a combination after two breakdowns ("department/title pairs", "region mix").
PAIRS: tuple[str, ...] = ("pair", "pairs", "pairing", "pairings", "mix")
REVIEWS: tuple[str, ...] = ("review", "reviews", "appraisal", "appraisals")


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of `words`, longest first (so "combos" is tried before "combo")."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
