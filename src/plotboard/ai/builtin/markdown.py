"""A question written in Markdown (issue 12 item 2), read as the plain question it says.

People who live in chat tools and wikis type their question the way they write notes:

* headings ("## Revenue", "### Ranking (2024)") over more lines: the marks go, the words
  stay (a message of one line is no heading: "# people remote" is "number of" said as "#");
* bullet lists ("- regions\\n- 2024 units over 100k"): each item is a part of one question,
  read joined by commas;
* emphasis and inline code ("**zero**", "_only_", "`salary`"): the marks go;
* code fences (a line of three backticks or tildes): the fence lines go, their text stays;
* tables ("| dimension | measure |\\n|---|---|\\n| office | headcount |"): the header names
  what each cell is (a measure, a breakdown, a ranking, a period), so each row is read as
  the sentence it makes ("headcount per office"), said back in the answer's assumptions;
* the division sign and the multiplication sign, read as "divided by" and "times".
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(?:```|~~~)[\w+-]*\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BULLET = re.compile(r"^\s*[-*+•]\s+(?=\S)")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])([^*_\n]+?)(?<=[^\s*_])\1(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_SIGNS = {"\u00f7": " divided by ", "\u00d7": " times "}

#: What a table's header can call a column, by what its cells then are: a measure (what is
#: shown), a breakdown (what it is per), a ranking (what it is ordered by), a period or a scope
#: (the rows it is about). Headers not listed are read as "header: cell".
_MEASURE_HEADERS = frozenset({"metric", "measure", "show", "value", "kpi", "what", "figure"})
_BREAKDOWN_HEADERS = frozenset(
    {
        "dimension",
        "per",
        "by",
        "group",
        "grouped by",
        "group by",
        "breakdown",
        "split by",
        "broken down by",
        "for each",
        "each",
    }
)
_RANKING_HEADERS = frozenset(
    {"ranked by", "rank by", "sorted by", "sort by", "order by", "ordered by", "ranking"}
)
_SCOPE_HEADERS = frozenset(
    {
        "scope",
        "period",
        "when",
        "time",
        "timeframe",
        "time frame",
        "date range",
        "range",
        "year",
        "filter",
        "where",
        "for",
    }
)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table_sentence(header: list[str], row: list[str]) -> str:
    shown, per, ranked, scope, other = [], [], [], [], []
    for name, cell in zip(header, row, strict=False):
        role = name.lower().strip(" :*_`")
        if not cell:
            continue
        if role in _MEASURE_HEADERS:
            shown.append(cell)
        elif role in _BREAKDOWN_HEADERS:
            per.append(cell)
        elif role in _RANKING_HEADERS:
            ranked.append(cell)
        elif role in _SCOPE_HEADERS:
            scope.append(cell)
        else:
            other.append(f"{name}: {cell}" if name else cell)
    words = [*shown]
    if ranked:
        words.append("by " + " and ".join(ranked))
    if per:
        words.append("per " + " and ".join(per))
    words += scope + other
    return " ".join(words)


def _tables(lines: list[str], readings: list[str]) -> list[str]:
    out: list[str] = []
    k = 0
    while k < len(lines):
        if k + 1 < len(lines) and _TABLE_LINE.match(lines[k]) and _TABLE_RULE.match(lines[k + 1]):
            header = _cells(lines[k])
            k += 2
            while k < len(lines) and _TABLE_LINE.match(lines[k]):
                sentence = _table_sentence(header, _cells(lines[k]))
                if sentence:
                    out.append(sentence)
                    readings.append(f"the table read as '{_plain(sentence)}'")
                k += 1
            continue
        out.append(lines[k])
        k += 1
    return out


def _plain(text: str) -> str:
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    for sign, said in _SIGNS.items():
        text = text.replace(sign, said)
    return re.sub(r"[ \t]{2,}", " ", text)


def plain_markdown(message: str) -> tuple[str, list[str]]:
    """(`message` with its Markdown read as plain words, what was read so worth saying).

    A message with no Markdown comes back as it is."""
    readings: list[str] = []
    lines = message.split("\n")
    # A heading heads the lines under it; "#" opening a message of one line is no heading.
    headed = sum(1 for line in lines if line.strip()) > 1
    if not any(
        _FENCE.match(line)
        or (headed and _HEADING.match(line))
        or _TABLE_LINE.match(line)
        or _BULLET.match(line)
        for line in lines
    ) and not (
        _CODE.search(message)
        or _STRONG.search(message)
        or _EMPHASIS.search(message)
        or any(sign in message for sign in _SIGNS)
    ):
        return message, readings
    lines = [line for line in lines if not _FENCE.match(line)]
    lines = _tables(lines, readings)
    if headed:
        lines = [_HEADING.sub("", line) for line in lines]
    joined: list[str] = []
    for line in lines:
        if _BULLET.match(line) and joined and joined[-1] is not None and _BULLET.match(joined[-1]):
            # The items of one list: the parts of one question, joined by commas.
            joined[-1] = joined[-1].rstrip(" ,;.") + ", " + _BULLET.sub("", line)
        else:
            joined.append(line)
    lines = [_BULLET.sub("", line) for line in joined]
    return _plain("\n".join(lines)), readings
