"""The framing of a message around its question (issue 12 item 3): what an e-mail or a chat
client puts around what was asked, never part of it, so taken out before the question is read
and not said back (it is not something of the question left unused).

* subject lines ("Fwd: Re: numbers") opening a message of several lines;
* quoted lines ("> which reps ...?"): when a message quotes, the quoted lines are the question
  and the lines around them (the forwarder's note, the sign-off) are framing; but a quoted
  line that names nothing of the data under a request that does ("> a small favour, please"
  over the question) is courtesy set off as a quote: the unquoted lines are the question;
* "-- " alone or opening a line (the signature separator) and everything under it;
* "Sent from my iPhone", "Get Outlook for Android": a mail client's line;
* a signature line "Sarah Mitchell | Finance Ops" (a capitalised name, a bar, a team);
* a sign-off line alone ("Kind regards,", "Thanks!", "Best,") and the name lines under it;
* a lone name or initial on the last line, under a question that ended ("...?\\nAnna");
* a salutation that names who is written to ("Dear plotboard,", "Hi Sam,").

Courtesy inside the question itself ("could you kindly", "thanks in advance") is left to
`slang.reduced_message`, which also reads a question pasted on one line after ">"."""

from __future__ import annotations

import re
from collections.abc import Callable

_SUBJECT = re.compile(r"^\s*(?:(?:fwd?|re|aw|tr)\s*:\s*)+", re.I)
_QUOTE_LINE = re.compile(r"^\s*>+\s?")
_SEPARATOR = re.compile(r"^\s*--+(?:\s|$)")
_MAIL_CLIENT = re.compile(
    r"(?:^|(?<=[?!.])\s+|\s+--+\s*)(?:sent from (?:my )?[\w .-]{1,30}?|get outlook for [\w ]{1,20}?"
    r"|sent (?:via|with) [\w .-]{1,30}?)[\s.!]*$",
    re.I,
)
_NAME = r"(?:[A-Z][\w'.-]*|[A-Z]\.)"
#: "..., Sarah Mitchell | Finance Ops": a name, a bar, where they work, closing the message
#: after a sentence or on a line of its own ("AMER / EMEA / APAC" is no signature).
_NAME_AND_TEAM = re.compile(
    rf"(?:(?<=[?!.,;])|\n)\s*{_NAME}(?: {_NAME}){{0,2}}\s*\|\s*[\w&' -]{{2,40}}\s*$"
)
_SIGN_OFF = re.compile(
    r"^\s*(?:many thanks|thanks(?: (?:a lot|so much|again|in advance))?|thank you(?: (?:so much"
    r"|very much|again))?|thx|tx|ty|cheers|ta|best(?: wishes)?|all the best|(?:kind|best|warm"
    r"|many)? ?regards|sincerely|yours(?: (?:faithfully|sincerely|truly))?|warmly|br)"
    r"\s*[,.!]*\s*$",
    re.I,
)
#: A line under a sign-off: a name, a role or a team ("Helen Park", "People team", "B."),
#: opening with a capital, with no number and no question mark.
_NAME_LINE = re.compile(rf"^\s*{_NAME}(?:[ -]+[A-Za-z&'.()]+){{0,4}}\s*[.!]*\s*$")
_LONE_NAME = re.compile(rf"^\s*{_NAME}(?: {_NAME})?\s*[.!]*\s*$")
_SALUTATION = re.compile(
    rf"^\s*(?:dear|hi|hello|hey|hiya)\s+{_NAME}(?: {_NAME})?\s*[,:!]\s*(?=\S)", re.I
)


def message_body(message: str, about_data: Callable[[str], bool] | None = None) -> str:
    """`message` without its framing (see the module docstring); the message itself when
    nothing would be left.

    `about_data(text)` says whether `text` names something of the data (a table, a column,
    a value): quoted lines that name nothing, over unquoted ones that do, are no question."""
    lines = [line for line in message.split("\n") if line.strip()]
    if len(lines) > 1 and _SUBJECT.match(lines[0]):
        lines = lines[1:]
    quoted = [_QUOTE_LINE.sub("", line) for line in lines if _QUOTE_LINE.match(line)]
    if quoted and len(lines) > 1:
        unquoted = [line for line in lines if not _QUOTE_LINE.match(line)]
        if not (
            about_data is not None
            and unquoted
            and not about_data(" ".join(quoted))
            and about_data(" ".join(unquoted))
        ):
            lines = quoted
        else:
            lines = unquoted
    for k, line in enumerate(lines):
        if k > 0 and _SEPARATOR.match(line):
            lines = lines[:k]
            break
    while lines and len(lines) > 1:
        last = lines[-1]
        before = lines[:-1]
        if _MAIL_CLIENT.fullmatch(last.strip()) or _MAIL_CLIENT.match(last.strip()):
            lines = before
            continue
        sign_off = next(
            (k for k, line in enumerate(lines) if k > 0 and _SIGN_OFF.match(line)), None
        )
        if (
            sign_off is not None
            and all(
                _NAME_LINE.match(line) or _MAIL_CLIENT.match(line.strip())
                for line in lines[sign_off + 1 :]
            )
            and len(lines) - sign_off <= 4
        ):
            lines = lines[:sign_off]
            continue
        if _LONE_NAME.match(last) and before[-1].rstrip().endswith(("?", ".", "!")):
            lines = before
            continue
        break
    text = "\n".join(lines)
    text = _MAIL_CLIENT.sub("", text)
    text = _NAME_AND_TEAM.sub("", text)
    if len(lines) == 1:
        text = _SUBJECT.sub("", text)
    text = _SALUTATION.sub("", text)
    return text if text.strip() else message
