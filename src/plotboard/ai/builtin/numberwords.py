"""Numbers said in words, read as digits: "twenty twenty three" (2023), "sixty thousand",
"six and a half million", "twenty-five thousand dollars", "ninety days", "a hundred and
twenty", "one point five million", "half a million".

`spoken_numbers` rewrites every run of number words that says more than a small number
alone (two words or more, a scale, a tens word from forty on): single small words ("ten",
"two") are left to the later reading of the question, and "one" alone stays a word ("no
one", "one of"). Whole-number reading is the same everywhere a number goes (filters,
bars on totals, top N, years, periods), because it happens before any of them is read.
"""

from __future__ import annotations

import re

_UNITS = {w: i for i, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"))}
_TEENS = {w: i + 10 for i, w in enumerate(
    ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen"))}
_TENS = {w: (i + 2) * 10 for i, w in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Small words read later on their own ("the ten latest", "rated three or below").
_SAID_LATER = frozenset({*_UNITS, *_TEENS, "twenty", "thirty", "fifty"})
_WORD = re.compile(r"[a-z]+", re.I)
_NUMBER_WORDS = frozenset({*_UNITS, *_TEENS, *_TENS, *_SCALES, "hundred"})


def _small(words: list[str], i: int) -> tuple[int, int] | None:
    """A number below 100 at `i` ("seven", "fifteen", "sixty", "sixty five"): (value, words)."""
    if i >= len(words):
        return None
    word = words[i]
    if word in _UNITS:
        return _UNITS[word], 1
    if word in _TEENS:
        return _TEENS[word], 1
    if word in _TENS:
        if i + 1 < len(words) and words[i + 1] in _UNITS and words[i + 1] != "zero":
            return _TENS[word] + _UNITS[words[i + 1]], 2
        return _TENS[word], 1
    return None


def _year(words: list[str], i: int) -> tuple[int, int] | None:
    """ "twenty twenty three", "nineteen ninety nine", "twenty ten": a year (1900-2099)."""
    if i >= len(words) or words[i] not in ("nineteen", "twenty"):
        return None
    later = _small(words, i + 1)
    if later is None or later[0] < 10:
        return None
    # "twenty twenty three thousand" is no year.
    end = i + 1 + later[1]
    if end < len(words) and words[end] in (*_SCALES, "hundred"):
        return None
    return (19 if words[i] == "nineteen" else 20) * 100 + later[0], 1 + later[1]


def _cardinal(words: list[str], i: int) -> tuple[float, int, int] | None:
    """A number said in words from `i`: (value, words used, number words among them)."""
    total, current, k, said = 0.0, 0.0, i, 0
    last = ""  # "small", "hundred", "scale", "fraction"
    n = len(words)
    while k < n:
        word = words[k]
        if word == "a" and k + 1 < n and words[k + 1] in ("hundred", *_SCALES) and last in (
            "", "hundred", "scale"
        ) and current == 0:
            current, last, k = 1.0, "small", k + 1  # "a hundred", "a million"
            continue
        if word == "half" and k + 2 < n and words[k + 1] == "a" and words[k + 2] in _SCALES and (
            last == "" and current == 0
        ):
            total += 0.5 * _SCALES[words[k + 2]]  # "half a million"
            k, said, last = k + 3, said + 2, "scale"
            continue
        if word == "and" and tuple(words[k + 1 : k + 3]) == ("a", "half") and last == "small":
            current += 0.5  # "six and a half million"
            k, said, last = k + 3, said + 1, "fraction"
            continue
        if word == "point" and last == "small" and k + 1 < n and words[k + 1] in _UNITS:
            digits = ""
            k += 1
            while k < n and words[k] in _UNITS:
                digits += str(_UNITS[words[k]])
                k += 1
            current = float(f"{int(current)}.{digits}")  # "one point five million"
            said, last = said + 1 + len(digits), "fraction"
            continue
        if word == "and" and last in ("hundred", "scale") and _small(words, k + 1) is not None:
            k += 1  # "a hundred and twenty", "two thousand and five"
            continue
        small = _small(words, k)
        if small is not None and last in ("", "hundred", "scale"):
            if last == "hundred" and current % 100:
                break
            current += small[0]
            k, said, last = k + small[1], said + small[1], "small"
            continue
        if word == "hundred" and last == "small" and current < 100:
            current *= 100
            k, said, last = k + 1, said + 1, "hundred"
            continue
        if word in _SCALES and last in ("small", "hundred", "fraction"):
            total += current * _SCALES[word]
            current = 0.0
            k, said, last = k + 1, said + 1, "scale"
            continue
        break
    if k == i or said == 0:
        return None
    return total + current, k - i, said


def _digits(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def spoken_numbers(text: str) -> str:
    """`text` with its numbers said in words written in digits (see the module docstring)."""
    found = list(_WORD.finditer(text))
    if not any(m.group(0).lower() in _NUMBER_WORDS for m in found):
        return text
    # Words joined by a hyphen ("twenty-five") are read as two.
    words = [m.group(0).lower() for m in found]
    out: list[str] = []
    at = 0
    k = 0
    while k < len(words):
        if words[k] not in _NUMBER_WORDS and words[k] not in ("a", "half"):
            k += 1
            continue
        year = _year(words, k)
        read = (float(year[0]), year[1], year[1]) if year is not None else _cardinal(words, k)
        if read is None:
            k += 1
            continue
        value, size, said = read
        first, last = found[k], found[k + size - 1]
        between = text[first.start() : last.end()]
        joined = re.fullmatch(r"[a-z]+(?:(?:\s+|\s*-\s*)[a-z]+)*", between, re.I) is not None
        # "four k" is a number with its scale ("4k"), however small the word before it.
        scaled = k + size < len(words) and words[k + size] == "k"
        alone = size == 1 and words[k] in _SAID_LATER and not scaled
        if not joined or alone or said == 0 or (size == 1 and words[k] == "one"):
            k += 1
            continue
        out.append(text[at : first.start()])
        out.append(_digits(value))
        at = last.end()
        k += size
    out.append(text[at:])
    return "".join(out)
