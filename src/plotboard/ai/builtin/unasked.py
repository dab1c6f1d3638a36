"""Unknown words that are not what a question asks about (issue 12 item 3: "when a part of the
question was not used, it says which").

A word the data does not know refuses the question when it is what is measured, counted or
broken down by ("average delivery lead time by region", "number of returns per product"): the
readers after this keep doing so (`engine._unknown_head`, the compounds glued to data words,
the breakdowns by a word the data lacks). This module finds, by the word's place in the
sentence, the unknown words that cannot be any of those, so the question is answered without
them and the answer says it did not use them:

* a lead-in before the question word that opens the question ("wait, which months ...",
  "pray tell me ...", "ok so what ...");
* the request's own verb, opening the request before its object ("furnish the names of ...",
  "mind listing the ...");
* the main verb after a question's "did / does / do" and its subject ("what did revenue land
  at", "how many orders did we push through", "where does the average salary pass 90k"), and
  a verb particle right after it ("push through");
* a verb in the simple past right after the subject of "which / what ..." and before a
  comparison, a number or a phrase of the data ("which months saw over 40,000 units", "which
  category led on revenue"): a past form ending in "-ed", or one of the irregular past forms.

Never a word whose place could hold what is asked: one glued before or after a word of the
data (a compound, "campaign ROI"), right after "what / which / how many", "of", "by", "per",
or one after "is / are / were" (a state of the rows, "are likely to quit"); never a word that
names a state of the rows (`text.STATUS_WORDS`); and a typo of a data word is never unknown
here (the lexer repaired it before)."""

from __future__ import annotations

from plotboard.ai.builtin.lexer import Compare, Item, Keyword, Lexed, Number, Time, Words
from plotboard.ai.builtin.text import STATUS_WORDS, STOPWORDS

#: Words that open a question or a request: unknown words right before them are a lead-in.
#: Not the request words that are nouns too ("list", "count", "pull"): an unknown word
#: before one names what it is of ("supplier count", "customer list").
QUESTION_LEADS = frozenset(
    """
    which what whats how who whos whom whose when where show tell give display fetch
    """.split()  # noqa: SIM905
)
#: At most this many unknown words make a lead-in ("wait", "ok so um").
_MOST_LEAD_IN = 2
#: Words that open the object of a request verb ("furnish the names", "mind listing the").
_OBJECT_OPENERS = frozenset(
    """
    the me us our all a an my every each those these them everyone everybody
    """.split()  # noqa: SIM905
)
#: Particles between a request's verb and its object ("rustle up the", "dig out all").
_REQUEST_PARTICLES = frozenset({"up", "out", "together", "off", "down"})
#: Words a request's verb may follow ("to furnish", "please compile", "you mind").
_REQUEST_BEFORE = frozenset({"to", "please", "pls", "plz", "kindly", "you", "u"})
#: The auxiliaries of a question whose main verb comes after its subject ("what did X land at").
_DO = frozenset({"did", "does", "do", "didn't", "doesn't", "don't"})
_PRONOUNS = frozenset({"we", "they", "you", "i", "u", "he", "she", "it"})
_DETERMINERS = frozenset(
    """
    the our a an each every all this that its their your my these those
    """.split()  # noqa: SIM905
)
_QUESTION_WORDS = frozenset({"which", "what", "whats", "how", "who", "whos", "when", "where"})
#: Adverb particles closing a phrasal verb ("push through", "bring along"); the others ("in",
#: "out", "up", "over") are stopwords already.
_PARTICLES = frozenset({"through", "thru", "along", "around", "back", "away", "together"})
#: The irregular simple past forms of common English verbs (a closed class): after the
#: subject of "which ...", before a comparison or the data, they are the sentence's verb.
IRREGULAR_PAST = frozenset(
    """
    saw went led took came got grew rose fell hit ran kept held won paid spent sent lent
    built drew drove flew gave knew met put read said set shot shut sank slid stood struck
    swung threw wore wrote beat became began bent bit blew broke caught chose dealt dug fed
    felt fought found fled forgot froze hung heard hid hurt laid lit meant rode rang sought
    shook shone sang sat slept spoke stole stuck stung swam swept taught tore told thought
    understood woke wound overtook outsold outran outgrew undercut topped
    """.split()  # noqa: SIM905
)
#: Prepositions that tie a verb to what follows ("led on revenue", "land at", "went over").
_VERB_LINKS = frozenset(
    """
    on in at over above under below past by for with to into from beyond
    """.split()  # noqa: SIM905
)


def _data_at(lexed: Lexed, i: int) -> Item | None:
    """The item of the data (not a keyword) starting at position `i`, if any."""
    return next(
        (item for item in lexed.items if item.start == i and not isinstance(item.meaning, Keyword)),
        None,
    )


def _covered(lexed: Lexed, i: int) -> Item | None:
    """The item that covers position `i`, if any."""
    return next((item for item in lexed.items if item.start <= i < item.start + item.size), None)


def _is_data(item: Item | None) -> bool:
    return item is not None and isinstance(item.meaning, (Words, Time, Number))


def _lead_in(lexed: Lexed) -> list[int]:
    """ "wait which months ...", "pray tell me ...": unknown words opening the message right
    before its question word."""
    words, unknown = lexed.words, lexed.unknown_at
    k = 0
    while k < len(words) and k in unknown:
        k += 1
    if 0 < k <= _MOST_LEAD_IN and k < len(words) and words[k] in QUESTION_LEADS:
        return list(range(k))
    return []


def _request_verb(lexed: Lexed, start: int) -> list[int]:
    """ "furnish the names of ...", "mind listing the ...": the unknown words (one or two)
    opening the request, or after "to" / "please" / "you", right before its object."""
    words, unknown = lexed.words, lexed.unknown_at
    if start > 0 and words[start - 1] not in _REQUEST_BEFORE:
        return []
    end = start
    while end < len(words) and end in unknown and end - start < 2:
        end += 1
    verb_end = end
    if end < len(words) and words[end] in _REQUEST_PARTICLES:
        end += 1  # "rustle up the ...", "dig out all ..."
    if verb_end == start or end >= len(words) or words[end] not in _OBJECT_OPENERS:
        return []
    end = verb_end
    if any(words[k] in STATUS_WORDS for k in range(start, end)):
        return []
    return list(range(start, end))


def _after_do(lexed: Lexed) -> list[int]:
    """ "what did revenue land at", "how many orders did we push through in Q3": the unknown
    word right after a question's "did" and its subject (a pronoun, or words of the data
    after "the", "our" ...) is its main verb, when what follows it ties it to the rest (a
    preposition, a comparison, a number, a period): not "what do we pay couriers", where
    the verb is "pay" and the unknown word its object."""
    words, unknown = lexed.words, lexed.unknown_at
    for j, word in enumerate(words):
        if word not in _DO or not any(w in _QUESTION_WORDS for w in words[:j]):
            continue  # "in which cities does ...", not "do the Sales people ..."
        if j + 1 < len(words) and words[j + 1] in _PRONOUNS:
            i = j + 2
        else:
            i = j + 1
            while (
                i < len(words)
                and i not in unknown
                and (words[i] in _DETERMINERS or _covered(lexed, i) is not None)
            ):
                i += 1
            if i == j + 1 or not any(_is_data(_covered(lexed, k)) for k in range(j + 1, i)):
                return []  # no subject of the data: "what did ..."
        if i not in unknown or words[i] in STATUS_WORDS or _inflected(words[i]):
            return []  # after "did" the verb is bare: "did Paris interns ...", not a verb
        out = [i]
        if i + 1 in unknown and words[i + 1] in _PARTICLES:
            out.append(i + 1)
        return out if _ties_on(lexed, out[-1] + 1) else []
    return []


def _inflected(word: str) -> bool:
    """Whether `word` ends like a plural, a third person or a past ("interns", "booked"):
    never the bare verb after "did" / "does" ("pass", "focus" end in "ss", "us")."""
    return (word.endswith("s") and not word.endswith(("ss", "us"))) or word.endswith("ed")


def _ties_on(lexed: Lexed, k: int) -> bool:
    """Whether the words from `k` on go on from a verb: a preposition or particle, a
    comparison or a period (not the verb's object, nor a number the verb may weigh: "does
    the average pay outpace 90k")."""
    words = lexed.words
    if k >= len(words) or k in lexed.unknown_at:
        return False
    item = _covered(lexed, k)
    if item is not None and isinstance(item.meaning, (Compare, Time)):
        return True
    return words[k] in _VERB_LINKS or words[k] in ("through", "thru", "up", "out", "off")


def _past_verb(lexed: Lexed) -> list[int]:
    """ "which months of 2025 saw over 45,000 units", "which category led on revenue": a past
    verb right after the known subject of "which / what", before a comparison or a
    preposition and the data (not a bare number: the verb may be what weighs it)."""
    words, unknown = lexed.words, lexed.unknown_at
    asking = [k for k, w in enumerate(words) if w in ("which", "what", "whats")]
    out = []
    for i, word in sorted(unknown.items()):
        lead = max((k for k in asking if k < i - 1), default=None)
        if lead is None or word in STATUS_WORDS:
            continue
        if not (word in IRREGULAR_PAST or (len(word) >= 5 and word.endswith("ed"))):
            continue
        before = _covered(lexed, i - 1)
        if not _is_data(before) or any(k in unknown for k in range(lead + 1, i)):
            continue  # the subject is known, whole
        nxt = i + 1
        if nxt >= len(words) or nxt in unknown:
            continue
        after = _covered(lexed, nxt)
        if (after is not None and isinstance(after.meaning, Compare)) or (
            words[nxt] in _VERB_LINKS
            and any(_is_data(_data_at(lexed, k)) for k in range(nxt + 1, min(len(words), nxt + 4)))
        ):
            out.append(i)
    return out


def unasked(lexed: Lexed) -> dict[int, str]:
    """The unknown words of `lexed` (by position) that are not what the question asks about
    (see the module docstring): the question is read without them, and says so."""
    if not lexed.unknown_at:
        return {}
    found = set(_lead_in(lexed))
    start = max(found) + 1 if found else 0
    while (
        start < len(lexed.words)
        and lexed.words[start] in STOPWORDS
        and (lexed.words[start] in ("would", "could", "can", "will", "please", "kindly", "you"))
    ):
        start += 1
    found.update(_request_verb(lexed, start))
    found.update(_after_do(lexed))
    found.update(_past_verb(lexed))
    return {i: lexed.unknown_at[i] for i in sorted(found) if i in lexed.unknown_at}
