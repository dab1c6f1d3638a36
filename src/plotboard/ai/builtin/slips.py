"""Real-word slips and joined words: a question typed fast, or through autocorrect, made plain.

Typo repair (`builtin.lexer`) reads a word that is no English word as the data word it is
closest to ("revnue"). The slips here are different: each is a real word ("bye", "four",
"then", "inn"), so it is read as the word it sounds like only where the sentence does not
read otherwise, and the answer says so ("'bye' read as 'by'"):

* `respell` works on the text, before numbers are read: "four the marketing department"
  (a number before "the" counts nothing: for), "rated fore or five" (four, next to another
  rating; elsewhere "fore" is for), "more then 95" (than, after a comparative), "bye office"
  (by, between two words), and words typed together ("howmany", "lastyear", "inQ4");
* `SOUNDALIKES` are single words read as their homophone by `slang.expand`, which leaves any
  word the catalog knows as it is ("inn" stays an inn in a catalog of hotels).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from plotboard.ai.builtin.text import Token, singular, split_identifier
from plotboard.ai.builtin.vocabulary import ColumnTerm, ValueTerm, Vocabulary

#: Real words typed for the word they sound like (or that autocorrect made of it), read as
#: that word unless the catalog knows them: "revenue inn the West", "which rap sold most",
#: "people with no manger".
SOUNDALIKES: dict[str, str] = {
    "inn": "in", "rap": "rep", "raps": "reps", "manger": "manager", "mangers": "managers",
    # "how many sails last month": sales, where the data has no sails.
    "sails": "sales", "sail": "sale",
}

#: Words after which a number is one ("the top four the ...", "rated four this year",
#: "more than four last month"): "four" after them stays a number.
_NUMBER_BEFORE = frozenset({
    "top", "bottom", "best", "worst", "first", "last", "largest", "biggest", "smallest",
    "highest", "lowest", "the", "our", "those", "these", "other", "all", "of", "only", "just",
    "next", "previous", "past", "latest", "newest", "oldest", "least", "most",
    "rated", "rating", "scored", "score", "scores", "than", "over", "under", "above", "below",
    "at", "exactly", "about", "around", "approximately", "roughly", "to", "and", "or", "a", "an",
    "was", "were", "is", "are", "got", "get", "gets", "had", "has", "have", "with", "by",
})
_NUMBERS = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
# "four the marketing department", "four each region": a number right before a determiner
# counts nothing ("the top four the ..." is no English): the word meant is "for".
_FOUR_THE = re.compile(
    r"\b(four|fore)\s+(?=(?:the|each|every|our|my|their|all|this|last|that|these|those)\b)",
    re.I,
)
_LAST_WORD = re.compile(r"([a-z]+)\W*$", re.I)
# "rated fore or five", "fore to five stars": a rating next to another number is four.
_FORE_NUMBER = re.compile(
    rf"(\b(?:rated|rating(?:\s+of)?|{_NUMBERS}\s+(?:or|and|to|through))\s+)fore\b(?![-'])"
    rf"|()\bfore(?=\s+(?:or|and|to|through)\s+{_NUMBERS}\b)",
    re.I,
)
_FORE = re.compile(r"\bfore\b(?![-'])", re.I)
# "more then 95 orders", "higher then last year": than, after a comparative.
_THEN = re.compile(
    r"\b(more|less|fewer|greater|higher|lower|bigger|smaller|larger|older|younger|earlier"
    r"|later|better|worse|rather|other|longer|shorter|cheaper|pricier)\s+then\b",
    re.I,
)
# "head count bye office", "revenue bye month": by, with a word on each side ("bye" alone
# at the end is a goodbye).
_BYE = re.compile(r"(?<=\w)(\s+)bye(?=\s+(?:each\s+|every\s+|the\s+)?[a-z0-9])", re.I)
_OR_LES = re.compile(r"\b(\d+\s+or)\s+les\b", re.I)
# Punctuation said aloud and written out by speech-to-text ("how many orders in 2024 question
# mark", "revenue comma by month", "new line"): the mark itself.
_SPOKEN_MARKS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), mark) for pattern, mark in (
        (r"(?<!\s)\s*+\b(?:question|interrogation) mark\b", "?"),
        (r"(?<!\s)\s*+\bexclamation (?:mark|point)\b", "!"),
        (r"(?<!\s)\s*+\b(?:new|next) (?:line|paragraph)\b\s*+", "\n"),
        (r"(?<!\s)\s*+\bfull stop\b", "."),
        (r"(?<!\s)\s*+\bsemi-?colon\b", ";"),
        (r"(?<!semi)(?<!semi-)(?<!\s)\s*+\bcolon\b", ":"),
        (r"(?<!\s)\s*+\bcomma\b", ","),
    )
)
# "period" closing the message or a line, after a number, "today", a courtesy word, or where
# another mark was said ("... up to today period", "orders in 2024 period").
_SPOKEN_PERIOD = re.compile(r"(?<!\s)\s++period\b(?=\s*(?:[.?!]|\n|$))", re.I)
_BEFORE_SPOKEN_PERIOD = re.compile(
    r"(?:\d|\b(?:today|yesterday|please|thanks|you|now|only|too|pls))\s++period\b", re.I)
_SPOKEN_CUES = ("mark", "comma", "new line", "next line", "paragraph", "full stop", "colon",
                "exclamation", "period")
# "the top to regions", "top too products by units": a number said aloud and written as its
# sound-alike before the things ranked ("top to bottom" is a phrase of its own).
_TOP_TO = re.compile(
    r"\b(top|bottom)\s+(to|too)\s+(?=(?!bottom\b|top\b|the\b|be\b|do\b|date\b|see\b|show\b"
    r"|get\b|make\b|find\b|list\b|rank\b|pick\b)[a-z]+s\b)", re.I)
# A negation typed without its apostrophe: "dont", "doesnt", "havent", "didnt" are "don't" ...
# (not "cant"/"wont", which are words of their own).
_NO_APOSTROPHE = re.compile(
    r"\b(do|does|did|have|has|had|is|are|was|were|could|would|should)nt\b", re.I
)
# Words typed together: "howmany", "lastyear", "thismonth", "inQ4", "in2024".
_HOW_JOINED = re.compile(r"\bhow(many|much)\b", re.I)
_PERIOD_JOINED = re.compile(
    r"\b(last|this|next|past|previous|prior)(year|quarter|month|week)(s?)\b", re.I
)
# "our three hero products (Laptop Pro 14, Design Studio, ...)": the products named, not a
# ranking of them.
_NAMED_HEROES = re.compile(
    rf"\b(?:(?:our|the|these|those|its|their)\s+)?(?:{_NUMBERS}\s+)?hero[- ]products?\s*"
    r"\(([^()]{3,})\)",
    re.I,
)
# "months where we booked over $8M", "products that booked no more than half a million": an
# amount of money booked is revenue (not "booked over 95 orders": a count of orders).
_BOOKED_AMOUNT = re.compile(
    r"\b(?:(?:we|they|he|she|it|who|that|which)\s+)?booked\s+(?=(?:(?:over|under|above|below"
    r"|more than|less than|no more than|no less than|at least|at most|in excess of|upwards of"
    r"|around|about|roughly|exactly|only|just)\s+)?(?:[$\u20ac\u00a3]\s?\d|\d[\d,.]*\s?(?:k|m|mn"
    r"|bn|million|billion|thousand|grand)\b|(?:half|a quarter of) a million\b))",
    re.I,
)
_MONTH_DIGIT = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s*\d")
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march"
          r"|april|june|july|august|september|october|november|december)")
# "the October-December quarter of 2024", "the Jan to Mar quarter": those months.
_MONTHS_QUARTER = re.compile(
    rf"\b(?:the\s+)?({_MONTH})\s*(?:-|\u2013|\u2014|to|through|thru)\s*({_MONTH})\s+quarter"
    r"(?:\s+of)?\b",
    re.I,
)
# "jan1-mar14", "dec31": a month and its day typed together (a day, never "March 2014").
_MONTH_DAY = re.compile(rf"\b({_MONTH})(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)
# "Jan 1st - Mar 14th", "jan1-mar14": from the one day to the other.
_DAY_DASH_DAY = re.compile(
    rf"\b({_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)\s*[-\u2013\u2014]\s*(?={_MONTH}\s+\d)", re.I
)
# "the size of our product catalogue", "how big is our product range", "catalogue size": how
# many products there are (before "of our catalogue" is read as no breakdown at all).
_CATALOGUE_SIZE = re.compile(
    r"\b(?:(?:the\s+)?size\s+of|how\s+big\s+is|how\s+large\s+is)\s+(?:our|the|your)\s+"
    r"(?:(?:whole|entire|current|full)\s+)?(?:product\s+)?(?:catalogue|catalog|range|line[- ]?up"
    r"|portfolio|assortment)\b|\b(?:product\s+)?(?:catalogue|catalog)\s+size\b",
    re.I,
)
# "FY 2024-25", "FY24-25", "financial year 2023/24": a fiscal year written with both its
# years runs April to March (the Indian, British, Japanese ... year); said, since the data has
# no fiscal calendar. A bare "FY24" stays the calendar year below.
_FY_SPAN = re.compile(
    r"\b(?:fy|f\.y\.|(?:the\s+)?(?:financial|fiscal)\s+year)\s?'?((?:19|20)?\d\d)\s*[-/\u2013]\s*"
    r"'?((?:19|20)?\d\d)\b",
    re.I,
)
# "Jul-Sep 2025", "January \u2013 June", "Apr - Jun": two months joined by a dash are the span
# from the one to the other (not those two months); written as "to", so that a cue before them
# ("in Jul-Sep 2025") or the dash spaced out as a clause break still reads one period. Only
# months in calendar order: "Nov-Feb" (across a new year) is left as said.
_MONTH_DASH_MONTH = re.compile(
    rf"\b({_MONTH})\.?\s*[-\u2013\u2014]\s*({_MONTH})\b(?![-\u2013\u2014]\w)", re.I
)
_MONTH_NUMBER = {name: i + 1 for i, names in enumerate((
    "jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
    "aug august", "sep sept september", "oct october", "nov november", "dec december",
)) for name in names.split()}
# "FY2024", "fy 2025": the year, as "FY24" is (no fiscal calendar in the data).
_FY_YEAR = re.compile(r"\bfy\s?((?:19|20)\d\d)\b", re.I)
_BEFORE_PERIOD = re.compile(
    r"\b(in|by|for|of|from|since|during|until|till|before|after|through|thru)"
    r"(q[1-4]|h[12]|(?:19|20)\d\d)\b",
    re.I,
)

# "day-by-day unit volume", "month by month revenue": daily, monthly (a grain said before
# what is measured, not a second thing to break down by); at the end of a clause ("hires to
# date, quarter by quarter") it is left to be read as it is.
_GRAIN_BY_GRAIN = re.compile(
    r"\b(day|week|month|quarter)(?:-| )by(?:-| )\1\b(?=\s+(?!(?:in|for|of|during|over|from"
    r"|since|this|last|to|through|until|and|with|as|on)\b)[a-z])",
    re.I,
)
_GRAIN_ADVERBS = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly"}


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _month_span(m: re.Match[str]) -> str:
    first, second = (_MONTH_NUMBER[g.lower()] for g in m.groups())
    return f"{m.group(1)} to {m.group(2)}" if first < second else m.group(0)


def respell(question: str) -> tuple[str, list[str]]:
    """`question` with real-word slips and joined words written as meant; the readings that
    change a real word ("'four' read as 'for'") are returned to be said."""
    said: list[str] = []

    def read_as(word: str, meant: str) -> str:
        said.append(f"'{word}' read as '{meant.strip()}'")
        return meant

    def four(m: re.Match[str]) -> str:
        last = _LAST_WORD.search(m.string[max(0, m.start() - 30) : m.start()])
        before = last.group(1).lower() if last else ""
        if before in _NUMBER_BEFORE or before.endswith("est"):
            return m.group(0)  # "the top four the ...": left to be read as it is
        return read_as(m.group(1), "for") + " "

    def fiscal_span(m: re.Match[str]) -> str:
        first, second = (int(y) % 100 for y in m.groups())
        if second != (first + 1) % 100:
            return m.group(0)
        start = int(m.group(1)) if len(m.group(1)) == 4 else 2000 + first
        return read_as(m.group(0).strip(), f"April {start} to March {start + 1}")

    text, low = question, question.lower()
    # Each rule only where its words are (the cheap test first: this runs on every question).
    if any(cue in low for cue in _SPOKEN_CUES):
        marked = text
        for pattern, mark in _SPOKEN_MARKS:
            marked = pattern.sub(mark, marked)
        if marked != text or _BEFORE_SPOKEN_PERIOD.search(marked):
            marked = _SPOKEN_PERIOD.sub(".", marked)
        text, low = marked, marked.lower()
    if "top t" in low or "bottom t" in low:
        text = _TOP_TO.sub(lambda m: f"{m.group(1)} {read_as(m.group(2), 'two')} ", text)
    if "howm" in low:
        text = _HOW_JOINED.sub(lambda m: f"how {m.group(1)}", text)
    if any(unit in low for unit in ("year", "quarter", "month", "week")):
        text = _PERIOD_JOINED.sub(lambda m: f"{m.group(1)} {m.group(2)}{m.group(3)}", text)
    if "by" in low:
        text = _GRAIN_BY_GRAIN.sub(lambda m: _GRAIN_ADVERBS[m.group(1).lower()], text)
    if _MONTH_DIGIT.search(low):
        text = _MONTH_DAY.sub(lambda m: f"{m.group(1)} {_ordinal(int(m.group(2)))}", text)
        if any(dash in text for dash in "-\u2013\u2014"):
            text = _DAY_DASH_DAY.sub(lambda m: f"{m.group(1)} to ", text)
    if "quarter" in low:
        text = _MONTHS_QUARTER.sub(lambda m: f"{m.group(1)} to {m.group(2)}", text)
    if "catalog" in low or "size" in low or "how big" in low or "how large" in low:
        text = _CATALOGUE_SIZE.sub(" number of products ", text)
    if "fy" in low or "f.y." in low or " year" in low:
        text = _FY_SPAN.sub(fiscal_span, text)
    if any(dash in low for dash in "-\u2013\u2014"):
        text = _MONTH_DASH_MONTH.sub(_month_span, text)
    if "fy" in low:
        text = _FY_YEAR.sub(lambda m: m.group(1), text)
    if any(ch.isdigit() for ch in low):
        text = _BEFORE_PERIOD.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    if "hero" in low:
        text = _NAMED_HEROES.sub(lambda m: f"{read_as(m.group(0), m.group(1))}", text)
    if "booked" in low:
        text = _BOOKED_AMOUNT.sub(lambda m: read_as(m.group(0).strip(), "had revenue") + " ",
                                  text)
    if "four" in low or "fore" in low:
        text = _FOUR_THE.sub(four, text)
        text = _FORE_NUMBER.sub(lambda m: (m.group(1) or "") + read_as("fore", "four"), text)
        text = _FORE.sub(lambda m: read_as(m.group(0), "for"), text)
    if "then" in low:
        text = _THEN.sub(lambda m: f"{m.group(1)} {read_as('then', 'than')}", text)
    if "bye" in low:
        text = _BYE.sub(lambda m: m.group(1) + read_as("bye", "by"), text)
    if " or les" in low:
        text = _OR_LES.sub(lambda m: f"{m.group(1)} less", text)  # "2 or les": or less
    if "nt" in low:
        text = _NO_APOSTROPHE.sub(lambda m: f"{m.group(1)}n't", text)
    return text, list(dict.fromkeys(said))


_GRAIN_WORDS = frozenset({"day", "week", "month", "quarter", "year"})
_BEFORE_GROUP = frozenset({"each", "every", "the"})


_UNITS_OF = frozenset({"licence", "licences", "license", "licenses", "seat", "seats"})
_UNITS_SAID = {"sold": "units sold", "quantity": "quantity", "quantities": "quantities",
               "count": "units", "volume": "units", "volumes": "units"}


def _inside_value(stems: Sequence[str], i: int, vocab: Vocabulary) -> bool:
    """Whether `stems[i]` is a word of a value phrase that starts before it ("Office Suite
    License")."""
    for start in range(max(0, i - 4), i):
        found = vocab.match(stems, start)
        if found is not None and start + found[0] > i and any(
            isinstance(t, ValueTerm) for t in found[1]
        ):
            return True
    return False


def catalog_slips(
    tokens: Sequence[Token], vocab: Vocabulary, said: list[str]
) -> tuple[Token, ...]:
    """Words read by where they stand and what the catalog holds:

    * "headcount buy office", "units sold buy product line": "buy" between a data word and a
      column or a grain (with "each", "every" or "the" between) is "by"; "did customers buy
      ...", "buy more" keep their verb;
    * "hc per office ex remote", "revenue ex Services": "ex" before a value or a column is
      "excluding" ("ex-employees" are no such thing);
    * "the Software line": "line" after a value of the column "product line" names is that
      column;
    * "licences sold", "seat quantity": units of what is sold, unless the word is part of a
      value ("Office Suite License sold in 2024" keeps the product).
    """
    out: list[Token] = []
    stems = [t.stem for t in tokens]

    def named(j: int, kinds: tuple[type, ...]) -> bool:
        found = vocab.match(stems, j) if j < len(stems) else None
        return found is not None and any(isinstance(t, kinds) for t in found[1])

    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.text
        if word == "buy" and i > 0 and vocab.phrases.get((stems[i - 1],)):
            j = i + 1
            while j < len(tokens) and tokens[j].text in _BEFORE_GROUP:
                j += 1
            if j < len(tokens) and (named(j, (ColumnTerm,)) or stems[j] in _GRAIN_WORDS):
                out.append(Token("by", "by"))
                said.append("'buy' read as 'by'")
                i += 1
                continue
        if word == "ex" and (word,) not in vocab.phrases and named(i + 1, (ColumnTerm, ValueTerm)):
            out.append(Token("excluding", "excluding"))
            said.append("'ex' read as 'excluding'")
            i += 1
            continue
        value = _line_of(tokens, i, vocab) if word in ("line", "lines") else None
        if value is not None:
            name = split_identifier(value.column.name).lower()
            said.append(f"'{value.value} {word}' read as the {name} {value.value}")
            i += 1
            continue
        after = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if word in _UNITS_OF and after in _UNITS_SAID and (singular(word),) not in vocab.phrases \
                and not _inside_value(stems, i, vocab):
            plain = _UNITS_SAID[after]
            out.extend(Token(w, singular(w)) for w in plain.split())
            said.append(f"'{word} {after}' read as '{plain}'")
            i += 2
            continue
        out.append(token)
        i += 1
    return tuple(out)


def _line_of(tokens: Sequence[Token], i: int, vocab: Vocabulary) -> ValueTerm | None:
    """The value `tokens[i]` ("line") follows, when it is a value of the column that
    "product line" names ("the Software line")."""
    line = vocab.phrases.get(("product", "line"), ())
    columns = {id(t.column) for t in line if isinstance(t, ColumnTerm)}
    if not columns:
        return None
    stems = [t.stem for t in tokens]
    for start in range(max(0, i - 4), i):
        found = vocab.match(stems, start)
        if found is None or start + found[0] != i:
            continue
        for term in found[1]:
            if isinstance(term, ValueTerm) and id(term.column) in columns:
                return term
    return None
