"""Everyday English words: a maintained dictionary list of words people use around a question
that are words of their own, never slips of a data word.

Typo repair reads an unknown word one or two edits from a data word as that word ("revnue"
is revenue, "londno" London). A real word is not a slip: "is it raining in Tokyo" is not
about the product 'Training Day', "the weather in Paris" not about a 'Feather' product. The
words below are common English (weather, days and life, everyday verbs and their forms, and
nouns near business words), kept here so the list can grow as questions show more.
A word the catalog itself knows is read as data before this list is looked at.
"""

from __future__ import annotations

#: The weather: what a question about how it is out there "right now" is about, which no
#: database of an organization's activity holds (refused unless the catalog knows the word).
WEATHER_WORDS: frozenset[str] = frozenset(
    """
    rain raining rained rainy snow snowing snowed snowy sunny sunshine cloudy windy stormy
    thunder thunderstorm lightning foggy hail hailing drizzle drizzling humidity
    temperature temperatures celsius fahrenheit umbrella
    """.split()  # noqa: SIM905
)

EVERYDAY_WORDS: frozenset[str] = WEATHER_WORDS | frozenset(
    """
    rains snows clouds wind winds storm storms fog freezing frost humid hot cold warm
    chilly
    waiting walking talking taking making baking raking shaking staking caking
    reading leading heading loading trading grading shading fading wading
    selling telling yelling spelling smelling swelling dwelling
    running cunning gunning stunning planning scanning spanning banning tanning
    raining paining gaining draining straining staining chaining
    sleeping weeping keeping sweeping peeping creeping
    singing ringing bringing stinging swinging winging pinging
    eating seating heating beating cheating treating
    driving arriving diving thriving striving living giving
    cooking looking booking hooking
    playing praying saying staying laying slaying weighing
    meeting greeting sheeting
    wearing hearing bearing clearing nearing fearing
    calling falling filling killing willing billing mailing sailing
    asking tasking masking basking
    sitting hitting fitting knitting quitting splitting
    hoping coping roping moping
    """.split()  # noqa: SIM905
)
