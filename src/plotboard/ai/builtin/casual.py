"""Words people use that the reader does not know, said in words it does (a maintained list,
applied by `slang.reduced_message` before anything else reads the question).

* casual and regional English: "the Sydney mob", "support folk", "pay packet", "heaps of
  staff, like more than 250", "reckon", "these days", "who've";
* English written by speakers of other languages: "work from their house", "the last
  trimester", "the countries with more workers" (the most), "the maximum note (5 of 5)";
* spreadsheet words: "countif(...)", "COUNTIF down the X column", "rows where X is blank",
  "where the countif of employees is above 150", "the top 5 rows";
* periods written as dates or in words: "the quarter January to March 2025", "the
  fortnight 3 May to 16 May 2025", "calendar 2024", "predates 1 January 2015", "the day
  before yesterday", "since the 1st of the month", "(counting back from today)".
"""

from __future__ import annotations

import re

_MONTH = (r"(?:jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august"
          r"|sep|sept|september|oct|october|nov|november|dec|december)")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_BOUND = (r"more than|fewer than|less than|over|under|above|below|at least|at most|no more than"
          r"|no fewer than|no less than|exactly|greater than|bigger than|larger than|smaller than"
          r"|higher than|lower than|<=|>=|=<|=>|<|>|\u2264|\u2265")
_NUMBER = r"[$\u20ac\u00a3]?\d[\d,.]*\s?(?:k|m|bn)?"
_MONEY = (r"(?:dollars?|euros?|pounds?|bucks?|quid|usd|eur|gbp|aud|cad|grand|k|cents?|pence"
          r"|yen|rupees?|francs?)")

#: Discourse particles, interjections and chat shorthand that only talk around a question
#: (Singlish "lah", "leh", "ah"; South African "ja", "howzit", "lekker"; Scots "och";
#: "lmk", "tysm", "fyi", "cc"): dropped without saying so, as "please" is.
PARTICLES: frozenset[str] = frozenset({
    "lah", "leh", "lor", "meh", "hor", "sia", "liao", "ah", "ahh", "wah", "aiyo", "aiya",
    "lmk", "tysm", "tyvm", "tia", "fyi", "fwiw", "imo", "afaik", "cc", "bumping",
    "howzit", "lekker", "ja", "eish", "och",
    # Nigerian Pidgin: "abeg" (please), "sef" (even, emphasis), "jare", "biko" (please).
    "abeg", "sef", "jare", "biko",
    # A Gen-Z texter's and a New Zealander's: "ngl" (not gonna lie), "lowkey", "bruh",
    # "chur" (thanks).
    "ngl", "lowkey", "highkey", "bruh", "chur",
    # Thanks and greetings of other languages ("Obrigado!", "gracias", "abraços").
    "obrigado", "obrigada", "gracias", "merci", "danke", "grazie", "abracos", "abraco",
    "saludos", "hola", "ola", "bonjour", "ciao", "hallo", "salut",
    # Wishes and thanks of Arabic and Russian speakers ("inshallah you can find", "spasibo").
    "inshallah", "inshaallah", "mashallah", "alhamdulillah", "spasibo", "pozhaluysta",
})

#: Verbs of moving an order along (shipping, handling, processing it), past and present.
_ORDER_VERBS = (r"(?:shipped|ship|handled|handle|processed|process|dispatched|dispatch|fulfilled"
                r"|fulfil|fulfill|packed|pack|picked|pick|pushed through|push through|put"
                r" through|got through|get through|moved|move|sent out|send out)")

#: Nouns of rows that are counted, not added up (order lines, orders, deals).
_COUNTED = (r"(?:order lines|sales lines|line items|lines|orders|deals|transactions"
            r"|bookings)")

#: (pattern, plain) in the order applied; each says the same in words the reader knows.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), plain) for pattern, plain in (
        # -- contractions after a relative word: "reps who've never sold", "the ones that'd
        # left" ("we've", "they're" are written out by `slang`; "I'd like" is courtesy).
        (r"\b(who|which|that|what|where|there)['\u2019]ve\b", r"\1 have"),
        (r"\b(who|which|that|what|there|how)['\u2019]re\b", r"\1 are"),
        (r"\b(who|which|that|there)['\u2019]d\b(?! (?:be|like|love|prefer|rather|want|appreciate"
         r"|help|need)\b)", r"\1 had"),
        (r"\b(who|which|that)['\u2019]ll\b", r"\1 will"),
        # -- Nigerian English and Pidgin. "staffs wey dey work remote" (who are), "how many
        # staffs dey for Support" (are in), "we don employ" (have), "which staffs no get
        # manager" (have no), "make am only for Lagos" (make it), "departments get staffs
        # pass 200" (have more than 200 staffs).
        (rf"\b(?:get|got|have|has) ([a-z]+) pass ({_NUMBER})", r"have more than \2 \1"),
        (r"\bwey\b", "who"),
        (r"\bdey (?:for|inside|at)\b", "in"),
        (r"\bdey\b ?", ""),
        (r"\b(we|they|you|i|who|he|she) don (?=[a-z]+)", r"\1 have "),
        (r"\bno get\b", "have no"),
        (r"\b(make|do|show|give|send|put|bring|run|filter|change|set) am\b", r"\1 it"),
        # "the 5 staff who earn the highest salary", "the 3 products with the lowest price":
        # the top (bottom) so many by that column.
        (r"\bthe (\d{1,3}) ([a-z]+) (?:who|that|which|with)(?: (?:earn|earns|get|gets|make"
         r"|makes|collect|collects|receive|receives|have|has|draw|draws))? the (?:highest"
         r"|biggest|largest|top|best) ([a-z]+)\b", r"the top \1 \2 by \3"),
        (r"\bthe (\d{1,3}) ([a-z]+) (?:who|that|which|with)(?: (?:earn|earns|get|gets|make"
         r"|makes|collect|collects|receive|receives|have|has|draw|draws))? the (?:lowest"
         r"|smallest|least) ([a-z]+)\b", r"the bottom \1 \2 by \3"),
        # -- a Japanese learner's English. "please teach me" (tell me, as "oshiete" says it).
        (r"(?<![,\s\u2014\u2013-])[,\s\u2014\u2013-]*+\b(?:please |pls |kindly )?teach (?:me|us)\b"
         r"[.!?]*(?=\s*$)", ""),
        (r"\b(?:please |pls |kindly )?teach (?:me|us)\b", "tell me"),
        # "the Osaka office start day": the day it opened (a day of an office, never a
        # column name: "start date" stays as written).
        (r"\b(office|branch|site|store|shop)(?:s|'s)? (?:start|starting|open|opening|founding)"
         r" day\b", r"\1 opening date"),
        # "revenue for 1 unit", "the price of one unit": so much per unit.
        (r"\b(revenue|takings|turnover|income|price|cost|amount|salary|pay)\s+(?:for|of)"
         r" (?:1|one|a single) (unit|order|sale|person|employee|item)\b", r"\1 per \2"),
        # ", year 2024,": a topic said first, in that year ("by year 2024" stays).
        (r"(?:^|(?<=[,;:]))\s*year (?=(?:19|20)\d\d\b)", " in "),
        # -- a retail manager's words. "didn't go through the tills", "went through the
        # tills", "units through the till": sold; "on the tills", "on the shop floor": where
        # it was sold, no data word.
        (r"\b(did(?:n't| not)|do(?:n't| not)|does(?:n't| not)|to) (?:go|get|come|pass|ring)"
         r" through the tills?\b", r"\1 sell"),
        (r"\b(?:went|gone|passed|came|rung|rang|got|go|goes|going)? ?through the tills?\b",
         " sold"),
        (r"\b(?:on|at|across|over) the (?:tills?|shop ?floor|checkouts?)\b", ""),
        # "what share of the transactions went through the North region": were in it.
        (r"\b(?:went|go|goes|came|passed|ran) through (?=the [A-Z])", "were in "),
        # "basket sizes ..., in units": the units of each sale, not its amount.
        (r"\b(?:basket|order|ticket|cart) sizes?\b([^?.!]*?),? in units\b",
         r"quantity per order\1"),
        # "where are we on takings for the month so far": what it is, to date.
        (r"^\s*where (?:are|is) (?:we|it|things) (?:on|with|at)\b", "what is"),
        (r"\b(?:for|in|over) the (month|quarter|year|week) (?:so far|to date)\b",
         r"this \1 so far"),
        # -- a child's words. "how many people got each rating": the count per rating.
        (r"\bhow many ([a-z]+) (?:got|get|have|has|had|received) each ([a-z]+)"
         r"(?: from \d+ to \d+)?", r"how many \1 by \2"),
        # "got 4 out of 5 on their rating": a rating of 4.
        (r"\b(?:got|get|gets|have|has|had|scored|received) ([1-9]) ?(?:out of|of|/) ?[1-9]"
         r" (?:on|for|in) (?:their|his|her|the|a|an) (?:rating|review|score|evaluation)s?\b",
         r"with a rating of \1"),
        # "the highest rating there is": the top of the scale.
        (r"\b(?:the )?(?:highest|top|best|maximum|max) (?:rating|score) (?:there is|possible"
         r"|you can get|there can be)\b", "a rating of 5"),
        # "the biggest selling thing", "the most expensive thing they sell": a product.
        (r"\b(biggest|best|top|most|highest) ?-?selling (?:thing|item|one)s?\b",
         r"best selling product"),
        # "the priciest thing we sell, per unit": the unit price said again.
        (r"\b(?:the )?(?:most expensive|priciest|costliest|dearest|highest[- ]priced) "
         r"(?:thing|item|one)s? (?:they|we|you) (?:sell|sold|have sold|offer|stock)"
         r"(?:,? (?:per|by the|a) unit\b)?", "the product with the highest unit price"),
        (r"\b(?:the )?(?:cheapest|least expensive|lowest[- ]priced) "
         r"(?:thing|item|one)s? (?:they|we|you) (?:sell|sold|have sold|offer|stock)"
         r"(?:,? (?:per|by the|a) unit\b)?", "the product with the lowest unit price"),
        (r"\b(?:they|we) have ever sold\b", ""),
        # "jobs with over 100 people doing them": the people in them.
        (r"\b(people|ppl|employees|staff|workers) doing (?:them|it|that|those|this)\b",
         r"\1"),
        # -- vague amounts: "heaps of staff, like more than 250": the bound said after them;
        # "heaps of laptops", "loads more engineers than": the thing itself, no amount.
        (r"\b(?:heaps|loads|lots|tons|plenty|a lot|a heap|a ton|a bunch|a load) of ([a-z]+)"
         r"\s*,?\s*(?:like|say|so|i\.?e\.?|as in|meaning|that is|-+|\u2014|\u2013)\s*,?\s*"
         rf"({_BOUND}) ({_NUMBER})", r"\2 \3 \1"),
        (r"\b(?:heaps|loads|tons|lots|a (?:whole )?(?:heap|ton|load|lot|bunch)) (?:of )?"
         r"(?=(?:more|fewer|less|bigger|smaller|higher|lower|better|worse)\b)", ""),
        (r"\b(?:heaps|loads|tons|lots|a (?:whole )?(?:heap|ton|load|bunch)) of\b", ""),
        # "went out the door", "walked out the door": sold (shipped).
        (r"\b(?:went|go|goes|going|gone|walked|flew|flying|flies) (?:out|through) (?:of )?"
         r"(?:the|our) (?:door|doors|warehouse|shop)\b", "shipped"),
        # "reckon?", "do you reckon", "I reckon we've got": an opinion asked, no data word.
        (r"(?<![,\s])[,\s]*+\b(?:(?:do|d['\u2019]) ?(?:you|ya|u) |you |i |we )?reckon\b[,?]*",
         " "),
        # "..., mate?", "cheers mate", "righto mate,": said to the reader, no data word.
        (r"(?:,\s*|\b(?:cheers|thanks|ta|righto|alright|ok|okay) )(?:mate|mates|buddy|pal|cobber"
         r"|bro|dude|champ|coach|skipper|gaffer|captain)\b(?=\s*[?.!]*\s*$|\s*[,;:])", ""),
        (r"^\s*(?:(?:hey|hi|oi|g'?day|righto|ok|okay) )?(?:mate|mates|buddy|pal|cobber|bro|dude"
         r"|champ|coach|skipper|gaffer|captain)\s*[,:]\s*", ""),
        # A texter's asides that vouch for what they say ("no cap", "fr", "for real", "ngl",
        # "deadass", "on god"): after the question or before a comma, or opening it; "fr"
        # inside a clause may be "from", and stays.
        (r"(?<=[\w?!.])[ \t,]+(?:no cap|fr fr|frfr|fr|for real|ngl|deadass|on god|istg)\b"
         r"[,!.]*(?=[ \t]*(?:[?!.,;:\u2014\u2013]|$))", ""),
        (r"^[ \t]*(?:no cap|fr|for real|ngl|deadass|istg|lowkey|highkey)\b[ \t]*[,:\u2014\u2013-]?"
         r"[ \t]*(?=\w)", ""),
        # "every VP, who's running things": who they are, said again (an aside); "who runs
        # the Sales team" stays a question.
        (r"(?<![ \t])[ \t]*+[,\u2014\u2013-][ \t]*+(?:who(?:['\u2019]s| is| are|['\u2019]re)"
         r"|the ones? (?:who(?:['\u2019]s| is| are|['\u2019]re)|that(?:['\u2019]s| is| are)))"
         r" (?:running|calling the shots in|in charge of) (?:things|the show|the place|stuff"
         r"|everything|the joint|the company)(?=[ \t]*[?!.]*[ \t]*$)", ""),
        # "teams running on 133 staff or fewer": with so many (a team runs on its people).
        (r"\b(?:running|run|runs|ran) on (?=(?:at most|at least|only|just|about|around|roughly"
         r"|fewer than|less than|more than|under|over|no more than|\d))", "with "),
        # "the relation between the remote workers and the rest? I mean how many remote for
        # each one in office": a relation explained as so many of one for each of the other is
        # their ratio (a relation alone stays unread).
        (r"\b(?:the )?relation(?:ship)? (between|of)\b(?=[^\n]{0,200}?\b(?:for|to) (?:each|every)"
         r" (?:one|single)\b)", r"the ratio \1"),
        # "Thinking of last quarter, how many ...": the time or thing the question is about.
        (r"^[ \t]*(?:so,? |ok,? |okay,? )?(?:thinking|talking|speaking) (?:of|about)\b", "for"),
        # "new joiners came onto the books", "who went on the payroll": were hired.
        (r"\b(?:came|come|comes|coming|got|get|gets|getting|went|go|goes|were put|was put"
         r"|been put|were added|was added) (?:onto|on to|on) (?:the|our) (?:books|payroll)\b",
         "were hired"),
        # "Chuck them into bands", "bung the prices in buckets": shown in bands.
        (r"\b(?:chuck|bung|throw|toss|stick|put|lump|drop|sort) (?:them|em|it|those|these)"
         r" (?:into|in) (bands|buckets|bins|brackets|ranges)\b", r"in \1"),
        (r"\b(?:chuck|bung|throw|toss|stick|lump) (the [a-z]+(?: [a-z]+)?) (?:into|in)"
         r" (bands|buckets|bins|brackets|ranges)\b", r"\1 in \2"),
        # "only a handful of staff, like 5 or fewer": the bound said after the vague amount.
        (r"\b(?:only |just )?a (?:small |tiny )?handful of ([a-z]+)\s*,?\s*(?:like|say|so"
         r"|i\.?e\.?|as in|meaning|that is|-+|\u2014|\u2013)\s*,?\s*"
         rf"({_NUMBER}) or (fewer|less|under|below)\b", r"\2 \1 or \3"),
        # "which products flopped hard last Sunday, like zero sales": had none, as said after
        # it ("flopped" alone says no amount, and stays unread).
        (r"\b(?:flopped|flops|flop|bombed|bombs|tanked|tanks)(?: (?:hard|badly|big time))?\b"
         r"(?=[^.?!\n]{0,60}?\b(?:zero|no|0|nil) (?:sales|units|orders|deals)\b)", "had"),
        (r"(?:,[ \t]*+)?\blike (?=(?:zero|nil) (?:sales|units|orders|deals)\b)", " "),
        # "what share of revenue came out of the West": came from it (a part of the whole,
        # not a filter on the whole).
        (r"\b(came|come|comes|coming) (?:out of|outta)\b", r"\1 from"),
        # "going by how many sales they closed, not the money": ranked by that, the money
        # left out (it was shown beside the count).
        (r"\b(?:going|go|judging|judged|measured|based) (?:by|on) ([^,.;?!\n]{1,60}?)"
         r",? (?:and )?not (?:by |on )?(?:the )?(?:money|revenue|cash|dollars|dollar value"
         r"|amount)\b", r"by \1"),
        # An Italian speaker's "is possible?" / "it's possible?" after the question: the ask.
        (r"(?<![ \t])[ \t]*+,[ \t]*+(?:is|it(?:'s| is)|is it) possible(?=[ \t]*+[?!.]*[ \t]*+$)",
         ""),
        # A Dutch speaker's ", the rest not" after a filter ("to Software, the rest not"): only
        # that, said again.
        (r"(?<![ \t])[ \t]*+,[ \t]*+(?:the rest|the others|others|the other ones) not\b", ""),
        # The particles above, with the comma or stop that sets them off.
        (r"(?:^|(?<=[\s,.!?;:]))(?:" + "|".join(sorted(PARTICLES)) + r")\b(?!['-])[,!.]*[ \t]*",
         ""),
        # "@analytics quick one", "cc @finance", "@here": people called in a chat, not data.
        (r"(?:\bcc:?\s*)?(?<![\w.])@[\w][\w.-]*:?", ""),
        # Singlish tags that ask whether it can be done ("can share or not", "list out can?",
        # "one by one can?"): the ask itself.
        (r"(?<![,\s])[,\s]*+\b(?:(?:can|could) (?:you )?(?:share|send|show|give|list|get|check|do)"
         r"(?: (?:me|us))? or not|can or (?:not|cannot)|one by one can|list out can|(?<=\w )can)"
         r"(?=\s*[?!.]*\s*$)[?!.]*", ""),
        (r"\blist out\b", "list"),
        # "Engineering got how many people", "the Sydney office has how many staff": the
        # question word said after its subject, as in Singlish and other Englishes.
        # (Each part starts and ends on a non-space and runs of spaces are possessive: a
        # message of 1,000 spaces once took seconds to try.)
        # "average rating of all staff is how many?": what the average is (no count besides).
        (r"^\s*+(?P<subject>[^?,.;:]*?\b(?:average|avg|mean|median)\b(?:[^?,.;:]*?"
         r"[^?,.;:\s])?)(?:\s++(?:is|are|was|were))?\s*+,?\s*+\bhow many\s*+(?P<end>[?!.]*+)"
         r"\s*+$", r"what is \g<subject>\g<end>"),
        # "Finance staff in Tokyo: what's the number?", "remote hires this year, what is the
        # count?": how many of the people or things named before (only countable ones:
        # "revenue in 2024: what's the number?" is no count).
        (r"^\s*+(?P<subject>[^?.;:\s\-\u2014](?=[^?.;:]*?\b(?:staff|people|employees|members"
         r"|workers|colleagues|collaborators|hires|persons|folks|reps|orders|deals|offices"
         r"|customers|tickets)\b)[^?.;:]*?[^?.;:,\s\-\u2014])\s*+[:,\-\u2014]\s*+what(?:'s| is)"
         r" the (?:number|count|total number|headcount)\s*+(?P<end>[?!.]*+)\s*+$",
         r"how many \g<subject>\g<end>"),
        (r"^\s*+(?P<subject>[^?,.;:\s](?:[^?,.;:]*?[^?,.;:\s])?)\s++(?:got|has|have|had|is|are)"
         r" how (?P<w>many|much)\s++(?P<rest>[^?,.;:]*)", r"how \g<w> \g<rest> \g<subject>"),
        (r"\b(?:in )?total (?=[a-z ]+? how many\s*[?!.]*\s*$)", ""),
        # "X how many?", "Laptop sales last year how much?": the question word said last, as
        # in Singlish and by speakers of languages that put it there.
        # ("... average salary how much": what the average is, no sum besides.)
        (r"^\s*+(?P<subject>[^?,.;:]*?\b(?:average|avg|mean|total|sum|highest|lowest|biggest"
         r"|smallest|maximum|minimum|max|min|share|percent|percentage|ratio)\b(?:[^?,.;:]*?"
         r"[^?,.;:\s])?)\s*+,?\s*+\bhow much\s*+(?P<end>[?!.]*+)\s*+$",
         r"what is \g<subject>\g<end>"),
        (r"^\s*+(?P<subject>[^?,.;:\s](?:[^?,.;:]*?[^?,.;:\s])?)\s*+,?\s*+\bhow (?P<w>many"
         r"|much)\s*+(?P<end>[?!.]*+)\s*+$", r"how \g<w> \g<subject>\g<end>"),
        # "the highest salary that we pay today", "what we pay now": the pay as it stands, no
        # date of the rows ("today" is no hire date).
        (r"\b(?:that |which |what )?(?:we|they|the company|you) (?:pay|pays|employ|employs)"
         r" (?:today|now|currently|right now|at the moment|at present)\b", ""),
        # "how many people working there today", "staff employed here right now": the people
        # as they stand, not those hired on that day.
        (r"\b(work(?:ing|s)?|employed)((?: there| here)?) (?:today|now|currently|right now"
         r"|at the moment|at present)\b", r"\1\2"),
        # "the bottom of the pay band", "the top of the salary scale": the lowest or highest
        # salary (not a breakdown into bands).
        (r"\b(?:the )?(?:bottom|floor|low end) of the (?:pay|salary|wage) (?:band|scale|range"
         r"|ladder)\b", "the lowest salary"),
        (r"\b(?:the )?(?:top|ceiling|high end) of the (?:pay|salary|wage) (?:band|scale|range"
         r"|ladder)\b", "the highest salary"),
        # "which employee receives the biggest salary": earns it.
        # ("collect the highest salary", as said in Nigerian English: the same.)
        (r"\b(?:receiv(?:es|e|ed|ing)|collect(?:s|ed|ing)?)\b(?=\s+(?:the |a |an )?(?:\S+ )?"
         r"(?:sal|pay|wage|remun))", "earns"),
        # "the quantity of employees hired by year" (as "quantidade" is said): the number of
        # people, not the quantity column ("the quantity of orders" stays the units ordered).
        (r"\b(?:the )?quantity of (?=(?:the |our |all )?(?:employees|people|staff|persons"
         r"|workers|hires|offices|funcion\S*|emplead\S*|colaborador\S*)\b)",
         "the number of "),
        # "would be possible to see ...", "is it possible to have ...": show it.
        (r"\b(?:would|will|is|could|would it|will it|is it|could it) be possible (?:for you )?"
         r"(?:to )?(?:see|get|have|show|know|receive|check)(?: (?:me|us))?\b", "show"),
        # "how many total orders": how many in all (not the orders and a total of money).
        (r"\bhow many (?:in )?total\b", "how many"),
        # -- a sports fan's words. A season is a year: "the 2024 season", "last season", "so
        # far this season", "the past three seasons" (not "the holiday season" or "sales by
        # season": a year only after a word that says which one, or with its number).
        (r"\b(?:the )?((?:19|20)\d\d) season\b|\bseason ((?:19|20)\d\d)\b", r"\1\2"),
        (r"\b(this|last|next|previous|prior|current|past|same|whole|entire|full|that) season\b",
         r"\1 year"),
        (r"\b(?:the )?season (so far|to date)\b", r"this year \1"),
        (r"\b(last|past|previous|prior|recent|next|(?:19|20)\d\d) (\d{1,2}|two|three|four|five"
         r"|six|seven|eight|nine|ten) seasons\b", r"\1 \2 years"),
        # "the final quarter of 2024", "the opening month of the year": its last (first) one.
        (r"\bfinal (quarter|month|week|half|day|fortnight) of\b", r"last \1 of"),
        (r"\bopening (quarter|month|week|half|day|fortnight) of\b", r"first \1 of"),
        # "Q3 of 2024", "H1 of the year 2025": that quarter (half) of the year.
        (r"\b([qh][1-4]) of (?:the year )?(?=(?:19|20)\d\d\b)", r"\1 "),
        # The board a score is put on: "put 5M on the board", "units we got on the
        # scoreboard", "the revenue scoreboard": the measure said ("on the board" adds
        # nothing); a scoreboard alone is the totals. ("on the board" of directors stays.)
        (r"\b(put|puts|putting|got|get|gets|getting|scored|score|scores|chalked up|racked up)"
         r"\b([^?.!,;:]{0,40}?)\s*\b(?:on|onto|up on) (?:the|our|their|its) (?:board|score ?sheet)"
         r"\b", r"\1\2"),
        (r"(?<!\s)\s*+\b(?:on|onto|up on|to) (?:the|our|their|its) score ?boards?\b", ""),
        (r"\b(revenue|sales|units|orders|deals|headcount|salary|salaries|pay) score ?boards?\b",
         r"\1"),
        (r"\bscore ?boards?\b", "totals"),
        # A league table: "top of the table" is the first, "bottom of the league" the last;
        # "who finished top among the regions": which region did; "came first": the top.
        (r"\b(top|bottom) of the (?:table|league|standings|ladder|leaderboard|pile|charts?)\b",
         r"\1"),
        (r"\b(finished|ended up|ended|wound up|sat|sits|placed) (?:first|1st|on top)\b"
         r"|\b(came) (?:first|1st|out on top)\b(?= (?:on|for|in|by)\b)", r"\1\2 top"),
        (r"\b(finished|ended up|ended|wound up|sat|sits|placed) (?:dead )?last\b"
         r"|\b(came) (?:dead )?last\b(?= (?:on|for|in|by)\b)", r"\1\2 bottom"),
        (r"\bwho(?:'s| is| was| are| were)? (finished|came|ended up|ended|wound up|sat|sits|is|was"
         r"|placed|are|were) (top|bottom) among (?:the |our |all (?:the )?)?([a-z]+?)(?<!ie)s\b",
         r"which \3 was \2"),
        (r"\bwho(?:'s| is| was)? winning\b", "who is top"),
        (r"\b(which|what) ([a-z]+) (is|are|was|were) winning\b", r"\1 \2 \3 top"),
        # "the MVP": the top person; "the top scorer" (of what, said after): the best.
        (r"\b(?:the )?mvps\b", "the top employees"),
        (r"\b(?:the )?mvp\b", "the top employee"),
        (r"\btop (?:scorer|goal ?scorer|point ?scorer)s?\b", "best"),
        # "didn't score a single sale", "never scored a deal": sold nothing.
        (r"\b(did(?:n't| not)|do(?:n't| not)|does(?:n't| not)|never|to|not) (?:score|scored|ring"
         r"|rung|bank|log|land|book) (?:a single|one single|a|any|one|even one) (?:sale|order"
         r"|deal)s?\b", r"\1 sell"),
        # "bench everything but Q4": leave the rest out (a bench said of people is a team:
        # see `CASUAL_WORDS`); "(just) show me that stretch": the period said already.
        (r"(?:^|(?<=[.;:!?] ))\s*bench\b(?= (?:everything|all|the|those|these|it|them|any)\b)",
         "drop"),
        (r"(?<![,;:\u2014\u2013\s-])[,;:\u2014\u2013\s-]*+(?:and )?(?:just |only )?(?:show|give)"
         r" (?:me|us) (?:just |only )?(?:that|this) (?:stretch|spell|run|period|span|window|bit)\b"
         r"(?=\s*[.!?]*\s*$)", ""),
        # "the two biggest squads in every department": the largest groups (which groups, said
        # after: "the job titles with the most players"), not people.
        (r"\b(biggest|largest|smallest|strongest|deepest) (squads|sides)\b", r"\1 groups"),
        # "whose players are paid more on average": who is.
        (r"\bwhose (?:players|people|employees|staff|workers|members|folks) (?:are|is|were|get"
         r"|got) (paid|compensated|earning)\b", r"who is \1"),
        # "the biggest single sale of 2024 - what did that one put on the board?", "how much
        # was the largest order last month": what it came to, its amount (the sale itself
        # when only the sale is asked for).
        (r"\bwhat did (?:that one|that|this one|it) (?:put|score|bring in|ring up|rack up"
         r"|come to)\b", "how much was it"),
        (r"\b(?:the )?(biggest|largest|smallest)((?: single)? (?:sale|order|deal|transaction))\b"
         r"([^?.!,;:\u2014\u2013]{0,40}?)\s*[,:;\u2014\u2013-]+\s*how much (?:was|is) (?:it|that"
         r" one|that)\b(?: worth)?", r"the \1\2 amount\3"),
        (r"\bhow much (?:was|is) (?:the )?(biggest|largest|smallest)((?: single)? (?:sale|order"
         r"|deal|transaction))\b", r"what is the \1\2 amount"),
        # "X head to head with Y": X against Y.
        (r"\bhead[- ]to[- ]head (?:with|against|versus|vs\.?)", "versus"),
        # -- a consultant's and a statistician's words. "top-line": the revenue.
        (r"\btop-line\b", "revenue"),
        # "slice revenue by category", "headcount cut by rating", "stratified by location",
        # "segment X by Y": a breakdown by what follows "by".
        # ("bucket X by Y" is a distribution: bands of Y.)
        (r"^\s*(?:let'?s\s+)?(?:slice|cut|split|stratify|segment|disaggregate|break out|carve up)"
         r"\s+(?:up\s+)?(?=[^?.!]*?\bby\b)", ""),
        (r"\b(?:cut|sliced|split|stratified|segmented|disaggregated|broken out|carved up)\s+"
         r"(?=by\b)", ""),
        # "revenue broken out across the regions", "broken down over the departments": across
        # ("spread across" asks how the values are spread; "split among" may ask for shares).
        (r"\b(?:broken|broke|sliced|carved)(?: (?:out|down|up))?\s+(?=(?:across"
         r"|among|amongst|over) (?:the|our|all|each|every|its|their) )", ""),
        # "a frequency table of order sizes", "frequencies of ratings": how many of each.
        (r"\b(?:an? )?(?:frequency (?:table|tables|count|counts|distribution)|frequencies"
         r"|tabulation|cross-?tab)\s+(?:of|for)\b", "distribution of"),
        # "whose hire date precedes 2018", "hired pre-2018", "post-2020 hires": before, after.
        (r"\b(?:precedes|preceded|precede|prior to)\b", "before"),
        (r"\bpre-?(?=(?:19|20)\d\d\b)", "before "),
        (r"\bpost-?(?=(?:19|20)\d\d\b)", "after "),
        # "what is n for remote workers", "what's the n of Sales": the number of them.
        (r"\bwhat(?:'s| is| was| are) (?:the )?n\b(?: (?:for|of|among|in))?", "how many"),
        # "lads, ...", "hey folks:", "..., everyone?": the people spoken to, not the rows asked
        # about ("lads, who won the derby" listed the employees hired yesterday).
        (r"^\s*(?:(?:hey|hi|hello|oi|g'?day|righto|ok|okay|right|so|morning) )?(?:lads|lasses"
         r"|folks|guys|gents|chaps|team|everyone|everybody|all|y'?all|you lot)\s*[,:]\s*", ""),
        (r",\s*(?:lads|lasses|folks|guys|gents|chaps|team|everyone|everybody|y'?all|you lot)\b"
         r"(?=\s*[?.!]*\s*$)", ""),
        # "each person who comes in to the office", "staff that travel into the office": the
        # people in the office (not remote).
        (r"\b(?:who|that) (?:comes?|came|goes?|went|travels?|commutes?|turns? up|shows? up"
         r"|walks?)(?: (?:in|on))? (?:in)?to (?:the|our|an?) (?:office|offices|workplace)\b",
         "in the office"),
        # "what's the craic with X", "what's the story with X", "how's the craic on X": how X
        # is doing, its figure.
        (r"\b(?:what'?s|whats|what is|how'?s|hows|how is) the (?:craic|crack|story|scoop"
         r"|lowdown|deal|news) (?:with|on|about|for)\b", "what is"),
        # "the lads or lasses", "guys and gals": people, whoever they are (said in fun, not a
        # split by gender: "men and women" is left as it is).
        (r"\b(?:lads|guys|blokes|fellas|fellows|chaps|boys)\s*(?:or|and|&|/)\s*(?:lasses|gals"
         r"|girls|ladies|lassies)\b", "people"),
        (r"\b(?:lasses|gals|girls|ladies|lassies)\s*(?:or|and|&|/)\s*(?:lads|guys|blokes|fellas"
         r"|fellows|chaps|boys)\b", "people"),
        # "the most sales to their name", "three deals to his name": credited to them (not
        # their names).
        (r"\s+to (?:their|his|her|my|your|our) (?:own )?names?\b", ""),
        # "these days", "nowadays", "at present": now (not a breakdown by day).
        (r"\b(?:these days|nowadays|at present|as things stand|currently)\b", "now"),
        # -- other languages' English. "work from their house", "from his home": remote.
        (r"\bfrom (?:their|his|her|your|my|our|the) (?:own )?(?:house|houses|home|homes)\b",
         "from home"),
        (r"\bfrom (?:house|casa)\b", "from home"),
        # "the five countries with more workers": with the most (no "than" after).
        (r"\bwith (?:the )?more (?!than\b)([a-z]+(?: [a-z]+)?)\b(?![^?.!]*\bthan\b)",
         r"with the most \1"),
        (r"\bwith (?:the )?(?:less|fewer) (?!than\b)([a-z]+(?: [a-z]+)?)\b"
         r"(?![^?.!]*\bthan\b)", r"with the fewest \1"),
        # "evaluated with the maximum note (5 of 5)", "graded 4/5", "a note of 3 out of 5":
        # a rating of that score.
        (r"\b(?:evaluated|graded|marked|scored|rated|valued|qualified|noted) (?:with|at) "
         r"(?=(?:the|a|an) )", "with "),
        (r"\b(?:the |a |an )?(?:(?:maximum|max|top|highest|best|perfect|minimum|min|lowest"
         r"|worst) )?(?:note|grade|mark|score|rating|evaluation|qualification)s? "
         r"\(?\s*(?:of )?([1-9]) ?(?:of|out of|/|over) ?([1-9])\s*\)?", r"a rating of \1"),
        (r"\b(?:the |a |an )?(?:maximum|max|top|highest|best) (?:note|grade|mark|score"
         r"|evaluation|qualification)\b(?! of\b)", "a rating of 5"),
        (r"\b(?:the |a |an )?(?:minimum|min|lowest|worst) (?:note|grade|mark|evaluation"
         r"|qualification)\b(?! of\b)", "a rating of 1"),
        # "salaries by ranges", "amounts by bands": a distribution over bands of them.
        (r"\b(?:by|per|in) (?:value |price |size |salary |pay |amount )?(?:ranges|bands"
         r"|brackets|buckets|bins|intervals)\b(?! of\b)", "in ranges"),
        # "how much revenue each seller makes in average", "how much money does the typical
        # rep bring in": the revenue per seller, on average ("each" alone is each one's).
        (r"\bhow much (?:revenue|money|sales|income|turnover) (?:does |do |did )?(?:(?:each"
         r"|every|a|an|one) ([a-z]+) (?:makes|make|made|brings in|bring in|brought in|generates"
         r"|generate|generated|books|book|booked|earns|earn|earned)\b(?=[^?.!]*\b(?:in|on)"
         r" average\b)|(?:the average|the typical|a typical|an average) ([a-z]+) (?:makes|make"
         r"|made|brings in|bring in|brought in|generates|generate|generated|books|book|booked"
         r"|earns|earn|earned)\b)", r"revenue per \1\2 on average"),
        # -- spreadsheet words. "countif(employees)": a count; "COUNTIF down the
        # performance_rating column for each score": a count by that column.
        (r"\b(?:do |run |use )?(?:a |an )?(?:countif|count ?ifs?|count)\s+(?:down|along|over"
         r"|across|on|of) (?:the )?([a-z_]+) column\b(?:\s+for (?:each|every) (?:score|value"
         r"|rating|number|level|grade|option|entry)(?: from \d+ to \d+)?)?",
         r"count by \1"),
        # "where the countif of employees is above 150", "whose count of orders is at most
        # 10": groups with that many.
        (rf"\b(?:where|whose|with|having) (?:the )?(?:countif|count ?if|count|number|total"
         rf" number) of ([a-z]+)(?: is| are| was| were)? ({_BOUND}) ({_NUMBER})",
         r"with \2 \3 \1"),
        (rf"\b(?:where|whose|with|having) (?:the )?(?:countif|count ?if|count|number|total"
         rf" number) of ([a-z]+)(?: is| are| was| were)? ({_NUMBER}) or (more|fewer|less)\b",
         r"with \2 or \3 \1"),
        # "rows where manager_id is blank", "where manager is empty": no value there.
        (r"\b(?:where|with|whose|that have|having) (?:the |a |an )?([a-z_]+) (?:is|are|was|were)"
         r" (?:blank|empty|null|missing|not set|unset|n/?a|none|nil)\b", r"with no \1"),
        (r"\b(?:with|having|that have|who have) (?:a |an )?(?:blank|empty|null|missing|unset)"
         r" ([a-z_]+)\b", r"with no \1"),
        # "count the rows where ...", "show all rows where ...": the rows of the table named
        # by what follows (the reader finds it), each one listed when shown.
        # ("how many lines": order lines, read as such by `slang`, not any table's rows.)
        (r"\b(count|number of|how many) (?:the |all |all the )?(?:rows|records|entries)"
         r"\b", r"\1"),
        (r"\b(show|list|give me|get|pull|display|return|select) (?:me |us )?(?:all |all the"
         r" |every )(rows|records|entries|lines)\b", r"\1 the \2"),
        # "revenue over the number of orders", "the wage bill over headcount": a ratio with a
        # count below the line ("over" a count is never a bound: a bound needs a number).
        (r"(?:\bover|/) (?=(?:the |our |their )?(?:total )?(?:(?:number|count|no\.?) of"
         r"|headcount\b))", "divided by "),
        # Counted rows per day, averaged: "average daily orders", "the daily average of lines",
        # "lines handled per day, averaged over the month": the count per day, on average
        # (the count over the days), not the average order's amount.
        (rf"\b(?:average|avg|mean|typical) (?:daily|per day) ({_COUNTED})\b",
         r"average number of \1 per day"),
        (rf"\bdaily (?:average|avg|mean) (?:of |number of |count of )?({_COUNTED})\b",
         r"average number of \1 per day"),
        (rf"\b({_COUNTED})((?: (?!per\b)[a-z]+)?) (?:per|a|each) (day)\b,?"
         r"((?: (?!averaged\b|on\b)[a-z0-9]+){0,4}?),? (?:averaged|on average|on avg)"
         r" (?:over|across|for)\b(?! (?:the|that|this) (?:month|quarter|year|week|period)\b)"
         r"(?= [a-z0-9])", r"average number of \1\2 per \3\4 in"),
        (rf"\b({_COUNTED})((?: (?!per\b)[a-z]+)?) (?:per|a|each) (day)\b,?"
         r"((?: (?!averaged\b|on\b)[a-z0-9]+){0,4}?),? (?:averaged|on average|on avg)\b"
         r"(?: (?:over|across|for) (?:the|that|this) (?:month|quarter|year|week|period)\b)?",
         r"average number of \1\2 per \3\4"),
        # "four k monitor" (spoken, then written "4 k"): one word, "4k" (a number, or the
        # first word of a value such as "4K Monitor 27").
        (r"\b(\d+) k\b", r"\1k"),
        # -- warehouse words. Counted rows and what was done to them: "lines shipped last
        # week", "orders handled", "how many lines did we push through", "deals processed":
        # those rows counted; the verb (a maintained class: moving an order along) says how
        # they went, not a measure ("units shipped" stays the units). Before "by" the verb
        # stays, the doer following ("lines handled by the West region").
        (rf"\b((?:order |sales? )?(?:lines?|line items?)|orders?|deals?|transactions?)"
         rf"(?: (?:that |which )?(?:we |they |you |were |was |got |have been |had been )?)"
         rf"(?:(?:did|do|have|had) (?:we|they|you) )?{_ORDER_VERBS}\b(?! by\b)", r"\1"),
        (rf"\b(how many (?:order |sales? )?(?:lines?|line items?|orders?|deals?|transactions?))"
         rf" (?:did|do|have|had|will|can|could) (?:we|they|you|i) {_ORDER_VERBS}\b", r"\1"),
        # "the total line count", "total order count": "total" says all of them, not revenue.
        (r"\btotal (?=(?:[a-z]+ )?(?:count|counts|tally)\b)", ""),
        # -- warehouse words: "outbound vol by SKU": the units shipped.
        (r"\b(?:outbound|outgoing|dispatched|shipped) (?:vol|volume|volumes|qty|quantity"
         r"|units|items)\b", "units shipped"),
        # "1,000 units or fewer", "500 orders or more": the bound before the number.
        # (Not money: "orders of 500 dollars or under" are the orders of that size.)
        (rf"\b(?<!\()({_NUMBER}) (?!{_MONEY}\b)([a-z]+) or (fewer|less|lower|under|below)\b"
         r"(?! than)", r"at most \1 \2"),
        (rf"\b(?<!\()({_NUMBER}) (?!{_MONEY}\b)([a-z]+) or (more|greater|higher|over|above)\b"
         r"(?! than)", r"at least \1 \2"),
        # -- periods. "calendar 2024": the year.
        (r"\bcalendar (?=(?:19|20)\d\d\b)", ""),
        # "the quarter January to March 2025", "for the fortnight 3 May to 16 May 2025", "the
        # financial year 6 April 2024 to 5 April 2025": the span written out.
        (rf"(?:\b(?:for|in|during|over|across|within|of) )?\b(?:the|a) (?:(?:calendar"
         rf"|financial|fiscal|tax|business|accounting|trading|reporting) )?(?:week|fortnight"
         rf"|month|quarter|year|half|half-year|period|span|window|trimester|semester)"
         rf"(?: (?:of|from|covering|running))?,? (?=(?:{_DAY} (?:of )?{_MONTH}|{_MONTH})\b"
         rf"[^?.!]*?\b(?:to|and|-|\u2013|until|through|thru)\b|{_DAY} (?:to|and|-|\u2013|until"
         rf"|through|thru) {_DAY} (?:of )?{_MONTH}\b)", " from "),
        # "for the month of March 2025", "the year of 2024": that period (no breakdown).
        (rf"\b(?:for |in |during |over )?the (?:month|year|quarter) of (?=(?:{_MONTH}|(?:19|20)"
         rf"\d\d|q[1-4])\b)", " in "),
        # "(our financial year)", ", i.e. our fiscal year": said of the span, no grain.
        (r"\s*[(,]\s*(?:i\.?e\.?,? |which is |that is |aka )?(?:our|the|a|my) (?:financial"
         r"|fiscal|tax|business|accounting|trading|reporting) (?:year|quarter|period)\s*\)?",
         " "),
        # "whose opening predates 1 January 2015", "hired pre-dating 2020": before it.
        (r"\b(?:whose |with an? |where the )?(?:opening|launch|open|founding)(?: date)? "
         r"(?:predates|predated|pre-dates|pre-dated|is before|was before|came before)\b",
         "opened before"),
        (r"\b(?:whose |with an? |where the )?(?:opening|launch|open|founding)(?: date)? "
         r"(?:postdates|postdated|post-dates|is after|was after|came after)\b", "opened after"),
        (r"\b(?:predates|predated|predating|pre-dates|pre-dated|pre-dating)\b", "before"),
        (r"\b(?:postdates|postdated|postdating|post-dates|post-dated|post-dating)\b", "after"),
        # "this arvo", "this morning", "yesterday afternoon": that day (the data holds dates,
        # not times of day).
        (r"\b(?:this|the) (?:arvo|avo|afternoon|morning|evening)\b|\btonight\b", "today"),
        (r"\b(yesterday|today) (?:arvo|avo|afternoon|morning|evening)\b", r"\1"),
        (r"\blast night\b", "yesterday"),
        # "the day before yesterday": two days back.
        (r"\b(?:on )?(?:the )?day before yesterday\b", "2 days ago"),
        # "since the 1st of the month", "since the first of this year": from its start.
        (r"\bsince the (?:1st|first|first day|start|beginning) (?:of|day of) (?:the|this)"
         r" (month|year|quarter|week)\b", r"since the start of the \1"),
        (r"\bsince the (?:1st|first)\b(?! (?:of|day|quarter|half|week|month|year)\b)",
         "since the start of the month"),
        # "(counting back from today, ...)": the rolling period as the reader counts it.
        (r"\s*\((?:counting|counted|measured|going|looking|working) (?:back |backwards )?"
         r"(?:from|to) (?:today|now)\b[^)]*\)", " "),
        (r"(?<![,\s])\s*+,?\s*+\b(?:counting|counted|going|looking|working)"
         r" (?:back |backwards )?from"
         r" (?:today|now)\b", " "),
        # "pull up the orders", "bring up the list": show them.
        (r"\b(?:pull|bring|call|dig) up\b", "show"),
        # An auditor's formal requests: "Please provide the ...", "kindly confirm the ...",
        # "We require the ...", "please analyse the count of ...", "... and provide them in
        # descending order": the verb of asking, said as "show" (what follows is the question).
        (r"\b(?:we|i) (?:would )?(?:require|request)\b", "show"),
        (r"(?:^\s*|(?<=\bplease )|(?<=\bkindly )|(?<=\byou )|(?<=\band ))(?:provide|furnish"
         r"|supply|confirm|analy[sz]e|select|extract)(?: (?:me|us) with| (?:me|us))?\b", "show"),
        # A lawyer's "State the lowest price ..." (what it is), "state how many ..." (the
        # question itself), "Separately: identify each product ..." (list them); "the
        # aggregate salary" (the total).
        (r"(?:^\s*|(?<=\bplease )|(?<=\bkindly )|(?<=[:;] ))state(?= (?:the|each|every|all)\b)",
         "what is"),
        (r"(?:^\s*|(?<=\bplease )|(?<=\bkindly )|(?<=[:;] ))state (?=(?:how|what|which|whether"
         r"|who)\b)", ""),
        (r"(?:^\s*|(?<=\bplease )|(?<=\bkindly )|(?<=[:;] ))identify\b", "list"),
        (r"\b(?<!the )aggregate(?= (?!by\b|of\b|per\b|over\b|across\b)[a-z])", "total"),
        (r"\bthe aggregate(?= (?!by\b|of\b|per\b|over\b|across\b)[a-z])", "the total"),
        # A lawyer's connecting words: "in respect of December 2024", "with respect to the
        # Sales department" (about / for); "no sales whatsoever" (no sales at all);
        # "heretofore", "hitherto" (up to now).
        (r"\b(?:in|with) respect (?:of|to)\b|\bin relation to\b", "for"),
        (r"\s*\bwhatsoever\b", ""),
        # "during December 2024, both end dates inclusive": every calendar period here holds
        # both its ends already; "the corresponding period in 2023": the same one.
        (r"(?<![,\s])[,\s]*+\(?(?:both|all) (?:end |start and end )?(?:dates|days) (?:inclusive"
         r"|included)\)?", ""),
        (r"\bcorresponding(?= (?:period|month|quarter|year|week|half|time|day)\b)", "same"),
        # "the proportion of revenue attributable to Services": the part that is Services.
        (r"\b(?:(?:is|are|was|were) )?(?:directly )?attributable to\b", "for"),
        # "for the period from 1 July to ...", "the period commencing ...": the span itself.
        (r"\bthe period (?=(?:from|commencing|beginning|starting|between|\d)\b)", ""),
        # "revenue for 2023, inclusive of all regions, ...": every one of them counted, so
        # neither a filter nor a breakdown by them.
        (r"(?<![,\s])[,\s]*+\b(?:inclusive of|including|covering) (?:all|every|each)(?: the)?"
         r" [a-z]+(?= *+(?:[,.;:?!)]|$))", ""),
        (r"\b(?:heretofore|hitherto)\b", "to date"),
        # The last answer pointed at formally: "restrict the foregoing to London", "the above,
        # by quarter", "repeat the preceding analysis for 2023": that (the last chart).
        (r"\bthe (?:foregoing|aforementioned|aforesaid|above(?:-mentioned)?)(?: (?:chart|table"
         r"|figures?|results?|answer|analysis|data|query|list|breakdown|output))?"
         r"(?= *+(?:(?:to|by|for|but|only|in|into|with|per|as|down|out|up|again|instead"
         r"|over)\b|[,.;:!?)]|$))", "that"),
        (r"\bthe (?:preceding|previous|prior|last|same) (?:chart|table|figures|results?|answer"
         r"|analysis|query|breakdown|output)\b", "that"),
        # A lawyer's words for a list: "enumerate the staff ...", "set out each sale of ...",
        # "set out in full the orders ...": each row, listed (not a total of them).
        (r"\benumerate\b", "list"),
        (r"\bset (?:them |these |those )?out(?= (?:each|every|all|individually|separately"
         r"|in full)\b)", "list"),
        (r"(?:^\s*|(?<=\bplease )|(?<=\bkindly )|(?<=[:;] ))set out\b", "show"),
        # "list in full the sales of ...": all of them (not "in" a place).
        (r"(?<=\blist )in full\b|(?<=\bshow )in full\b", "all"),
        # "a listing of all entries": a list of them.
        (r"\b(?:a |the )?(?:full |complete )?listing of\b", "list"),
        # "what did we turn over in 2024": the revenue.
        (r"\b(what|how much) (?:did|do|does|have|has|will) (we|they|it|you|the [a-z]+)"
         r" turn(?:ed)? over\b", r"\1 revenue did \2 make"),
        (r"\bturn(?:ed|s)? over\b(?= (?:in|during|for|between|from|last|this|since|over)\b)",
         "made in revenue"),
        # "the top rating, the 5", "the lowest score - a 1": an extreme named, then its value
        # said again (an apposition): that value of it, not the extreme itself.
        (r"\bthe (?:top|highest|best|maximum|max|lowest|bottom|worst|minimum|min) ([a-z]+)"
         r"\s*+(?:,|-|\u2013|\u2014|:)\s*+(?:i\.e\.\s*+|namely\s+|that is\s+)?(?:the |a |an )?"
         r"(\d{1,3})\b(?=\s*+(?:[.?!,;]|$))", r"a \1 of \2"),
    )
)


_GRAINS = {"y": "year", "q": "quarter", "m": "month", "w": "week"}
# "this month so far vs the whole of last month", "QTD against all of last quarter": the part
# of this period to today next to all of the one before, a row each.
_TO_DATE_VS_WHOLE = re.compile(
    r"\b(?:(?:this|the current) (?P<a>year|quarter|month|week) (?:so far|to date|thus far"
    r"|until now|up to now|up to today)|(?:so far|to date) (?:this|in the current) (?P<b>year"
    r"|quarter|month|week)|(?P<c>year|quarter|month|week)[- ]to[- ]date|(?P<d>[yqmw])td)"
    r"\s*,?\s*(?:vs\.?|versus|against|compared (?:to|with)|next to|and)\s+(?:the )?(?:whole"
    r"|full|entire|complete|all)(?: of)? (?:the )?(?:last|previous|prior) (?P<g>year|quarter"
    r"|month|week)\b", re.I)


def _to_date_vs_whole(m: re.Match[str]) -> str:
    grain = (m.group("a") or m.group("b") or m.group("c")
             or _GRAINS[(m.group("d") or "m").lower()]).lower()
    if grain != m.group("g").lower():
        return m.group(0)
    return f"by {grain} from the start of last {grain} to today"


# "H1 2025 vs H1 2024, YoY": two periods compared already; "YoY" says no more (it added a
# breakdown by year). Not before "growth", "change" and the like, which ask for the change.
_COMPARED = re.compile(r"\b(?:vs\.?|versus|against|compared (?:to|with))\s", re.I)
_YOY = re.compile(r"[,;:\s-]*\b(?:yoy|y/y|year[- ]over[- ]year|year[- ]on[- ]year)\b(?! (?:growth"
                  r"|change|increase|decrease|difference|delta|%|percent))", re.I)


#: Sports words sometimes typed with a slip ("seson", "leaderbord"): the word meant, for a word
#: one slip from it (a season only where a year is said: "the 2024 seson", "last sesaon").
_SPORTS_WORDS = ("leaderboard", "leaderboards", "scoreboard", "scoreboards")
_SEASON_SLIP = re.compile(
    r"\b((?:19|20)\d\d|this|last|next|previous|current|past|whole|entire|full) (s[a-z]{4,7})\b",
    re.I)
_SPORTS_SLIP = re.compile(r"\b(?:leader|score)[a-z]{3,7}\b", re.I)


def _one_slip(a: str, b: str) -> bool:
    """One edit apart: a letter missing, extra or wrong, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    k = 0
    while k < len(short) and short[k] == long_[k]:
        k += 1
    return short[k:] == long_[k + 1:]


def _season_slip(m: re.Match[str]) -> str:
    word = m.group(2).lower()
    if word in ("season", "seasons"):
        return m.group(0)
    meant = next((w for w in ("season", "seasons") if _one_slip(word, w)), None)
    return f"{m.group(1)} {meant}" if meant else m.group(0)


def _sports_slip(m: re.Match[str]) -> str:
    word = m.group(0).lower()
    if word in _SPORTS_WORDS:
        return m.group(0)
    return next((w for w in _SPORTS_WORDS if _one_slip(word, w)), m.group(0))


#: Holidays on a fixed day of the year ("on Christmas Day 2024"): that date.
_HOLIDAYS = {"christmas day": "12-25", "xmas day": "12-25", "christmas eve": "12-24",
             "xmas eve": "12-24", "boxing day": "12-26", "new year's eve": "12-31",
             "new years eve": "12-31", "new year's day": "01-01", "new years day": "01-01",
             "valentine's day": "02-14", "valentines day": "02-14", "halloween": "10-31"}
_HOLIDAY = re.compile(
    r"\b(christmas day|xmas day|christmas eve|xmas eve|boxing day|new year[\u2019']?s eve"
    r"|new year[\u2019']?s day|valentine[\u2019']?s day|halloween),? (?:of |in )?(?:the )?"
    r"((?:19|20)\d\d)\b", re.I)


def _holiday(m: re.Match[str]) -> str:
    return f"{m.group(2)}-{_HOLIDAYS[m.group(1).lower().replace(chr(0x2019), chr(39))]}"


#: "Laptop Pro 14 versus 4K Monitor 27 in 2024: laptop units for each monitor unit": the two
#: things named first, each said again by one of its words, one's units per the other's.
_SHORT_NAMED_RATIO = re.compile(
    r"^\s*(?P<a>[A-Z0-9][\w'-]*(?: [\w'-]+){0,4}) (?:versus|vs\.?|against) (?:the )?"
    r"(?P<b>[A-Z0-9][\w'-]*(?: [\w'-]+){0,4}?)(?P<rest>(?: (?:in|for|during|over|across|this"
    r"|last) [^:;?\u2014\u2013]{1,40}?)?)\s*[:;,\u2014\u2013-]+\s*(?:the )?(?:number of )?"
    r"(?P<x>[a-z][\w-]*) (?P<what>units|orders|sales)(?: (?:shipped|sold|moved))?"
    r" (?:for each|for every|per|to each|to every|to one) (?:single )?(?P<y>[a-z][\w-]*)"
    r" (?:unit|order|sale)\b", re.I)


def _short_named_ratio(m: re.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    x, y = m.group("x").lower(), m.group("y").lower()
    if x not in a.lower().split() or y not in b.lower().split() or x in b.lower().split():
        return m.group(0)
    what = m.group("what").lower()
    return f"{a} {what} per {b} {what[:-1]}{m.group('rest')}"


#: "how many employees do we have today", "headcount in Tokyo right now": a count of the people
#: as they stand, not of those hired on that day. Only in a message about people that says no
#: event of theirs (hired, joined, new ...) and nothing sold (sales on a day keep their day).
_PEOPLE_WORD = re.compile(
    r"\b(?:head ?count|employees?|people|staff(?:ers)?|workers|folks|personnel|team members"
    r"|colaborador\w*|collaborators?|funcion[aá]rios)\b", re.I)
_PEOPLE_EVENT = re.compile(
    r"\b(?:hir(?:e|es|ed|ing)|join(?:s|ed|ers?|ing)?|start(?:s|ed|ers?|ing)?|new|onboard\w*"
    r"|recruit\w*|arriv\w*|came|added|adds|left|leav\w*|quit|birthdays?|absent|off|sick"
    r"|sales?|sold|sell\w*|revenue|deals?|orders?|units?|office|in the building|on site"
    r"|on-site|present|in today)\b", re.I)
_AS_OF_NOW = re.compile(
    r",?\s*+\b(?:as of (?:today|now)|as (?:it stands|we speak)|today|right now|at the moment"
    r"|at present)\b", re.I)


def _people_now(text: str) -> str:
    if len(text) > 300 or not _PEOPLE_WORD.search(text) or _PEOPLE_EVENT.search(text):
        return text
    return _AS_OF_NOW.sub("", text)


def casual_said(text: str) -> str:
    """`text` with the words above said in plain words the reader knows."""
    # Runs of spaces are one space and runs of blank lines one line break, wherever they are
    # (a run left at either end made some rules below try every split of it).
    text = re.sub(r"[ \t]*\n\s*", "\n", re.sub(r"[ \t]{2,}", " ", text))
    if _COMPARED.search(text):
        text = _YOY.sub("", text)
    text = _TO_DATE_VS_WHOLE.sub(_to_date_vs_whole, text)
    text = _SPORTS_SLIP.sub(_sports_slip, _SEASON_SLIP.sub(_season_slip, text))
    for pattern, plain in _RULES:
        text = pattern.sub(plain, text)
    text = _people_now(text)
    return _SHORT_NAMED_RATIO.sub(_short_named_ratio, _HOLIDAY.sub(_holiday, text))


#: Single words (folded) -> plain words, merged into `slang.ABBREVIATIONS`.
CASUAL_WORDS: dict[str, str] = {
    # Groups of people said casually: "the Sydney mob", "support folk", "the Paris lot".
    "mob": "people", "mobs": "people", "folk": "people",
    # A sports fan's: the players are the employees, a bench (of players) a team.
    "player": "employee", "players": "employees", "teammate": "colleague",
    "teammates": "colleagues", "bench": "team", "benches": "teams",
    # A quarter said by speakers of Spanish, Italian, Portuguese ("trimestre"); a half
    # year ("semestre").
    "trimester": "quarter", "trimesters": "quarters", "trimestral": "quarterly",
    "semester": "half", "semesters": "halves",
    # Stock-keeping units are the products; a volume said short is the units.
    "sku": "product", "skus": "products", "vol": "volume", "vols": "volumes",
    # Japanese English: a "salaryman" is an employee ("how many salaryman in Osaka").
    "salaryman": "employees", "salarymen": "employees",
    # South African English: an "oke" is a person ("how many okes in Sales").
    "oke": "person", "okes": "people",
    # Discourse particles and chat shorthand around a question, no part of it: dropped.
    **dict.fromkeys(PARTICLES, ""),
    # Business words of other languages typed in an English question by their speakers
    # (Portuguese, Spanish, French, Italian, German; folded, so "funcionários" is
    # "funcionarios"): the word in English. Only where the catalog does not know the word.
    **{word: "revenue" for word in (
        "faturamento", "faturacao", "facturacion", "facturado", "fatturato", "ricavi",
        "ingresos", "receita", "receitas", "umsatz", "umsatze", "erlos", "erlose")},
    **{word: "sales" for word in ("vendas", "ventas", "ventes", "vendite", "verkaufe")},
    **{word: "sale" for word in ("venda", "venta", "vente", "vendita", "verkauf")},
    **{word: "employees" for word in (
        "funcionarios", "empleados", "colaboradores", "empregados", "trabajadores",
        "trabalhadores", "employes", "dipendenti", "mitarbeiter", "mitarbeitende",
        "beschaftigte")},
    **{word: "employee" for word in (
        "funcionario", "empleado", "colaborador", "empregado", "trabajador", "trabalhador",
        "employe", "dipendente", "mitarbeiterin")},
    **{word: "salary" for word in (
        "salario", "salaire", "gehalt", "stipendio", "sueldo", "remuneracao", "remuneracion")},
    **{word: "salaries" for word in (
        "salarios", "salaires", "gehalter", "stipendi", "sueldos")},
    **{word: "units" for word in ("unidades", "unita", "stuckzahl")},
    **{word: "quantity" for word in ("quantidade", "cantidad", "quantite", "quantita", "menge")},
    **{word: "orders" for word in (
        "pedidos", "encomendas", "commandes", "ordini", "bestellungen", "auftrage")},
    **{word: "products" for word in ("produtos", "productos", "produits", "prodotti",
                                     "produkte")},
    **{word: "product" for word in ("produto", "producto", "produit", "prodotto", "produkt")},
    **{word: "departments" for word in ("departamentos", "departements", "abteilungen")},
    **{word: "department" for word in ("departamento", "departement", "abteilung", "setor")},
    **{word: "offices" for word in ("escritorios", "oficinas", "filiais", "uffici")},
    **{word: "office" for word in ("escritorio", "oficina", "filial", "ufficio", "standort")},
    **{word: "region" for word in ("regiao", "regione")},
    **{word: "regions" for word in ("regioes", "regiones", "regioni")},
    **{word: "categories" for word in ("categorias", "kategorien")},
    **{word: "month" for word in ("mes", "mois", "monat", "mese")},
    **{word: "months" for word in ("meses", "monate", "mesi")},
    **{word: "year" for word in ("ano", "annee", "jahr", "anno")},
    **{word: "years" for word in ("anos", "annees", "jahre", "anni")},
    **{word: "average" for word in ("promedio", "moyenne", "durchschnitt", "medio")},
    **{word: "highest" for word in ("maior", "maximo", "hochste", "massimo")},
    **{word: "lowest" for word in ("menor", "minimo", "niedrigste")},
    **{word: "how many" for word in ("quantos", "quantas", "cuantos", "cuantas", "combien")},
    # "the participation of Engineering in the total" ("participação", "participación"): the
    # share of it.
    **{word: "share" for word in ("participation", "participacao", "participacion")},
    **{word: "hired" for word in ("contratados", "contratadas", "contratado", "eingestellt")},
    **{word: "bands" for word in ("faixas", "rangos", "tranches", "fasce")},
    **{word: "remote" for word in ("teletrabalho", "teletrabajo", "teletravail", "telearbeit")},
}


#: Phrases (folded words) -> plain words, merged into `slang.PHRASES`.
CASUAL_PHRASES: dict[tuple[str, ...], str] = {
    ("pay", "packet"): "salary", ("pay", "packets"): "salaries",
    ("wage", "packet"): "salary", ("wage", "packets"): "salaries",
    ("take", "home", "pay"): "salary", ("take", "home"): "salary",
    ("work", "from", "house"): "remote", ("works", "from", "home"): "remote",
    # Working from home as Brazilians and Germans say it ("nobody in home office").
    ("in", "home", "office"): "remote", ("on", "home", "office"): "remote",
    ("doing", "home", "office"): "remote", ("do", "home", "office"): "remote",
    ("worked", "from", "home"): "remote",
    ("show", "all", "rows"): "itemised", ("show", "me", "all", "rows"): "itemised",
    ("show", "the", "rows"): "itemised",
}

#: Second words of two-word phrases said with a slip ("deal sise", "order volumne"): the
#: phrase is read when the first word is exact and this one is one slip away.
PHRASE_TAILS: frozenset[str] = frozenset({
    "size", "sizes", "value", "values", "volume", "volumes",
})
