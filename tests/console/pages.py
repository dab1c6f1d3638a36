"""Reading console pages in tests: field errors, notices, hidden values — by what a person sees."""

from __future__ import annotations

import html
import re


def text(page: str) -> str:
    """The page's visible words, tags dropped and entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()


def field_error(page: str, input_id: str) -> str:
    """The error shown under the input with this id ('' when none)."""
    found = re.search(rf'<p class="error" id="{re.escape(input_id)}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def value_of(page: str, input_id: str) -> str:
    found = re.search(rf'id="{re.escape(input_id)}"[^>]*?value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


def attribute(page: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'{re.escape(name)}="([^"]*)"', page)]
