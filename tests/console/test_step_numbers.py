"""The Overview's steps and the navigation number the set-up alike: the Overview said
"4 Add access rules" while the navigation beside it said "5 Access rules"."""

from __future__ import annotations

import re

from tests.console.conftest import Console

STEP = re.compile(
    r'data-step="(\w+)".*?<span class="mark" aria-hidden="true">(\d+)</span>.*?href="([^"]+)"',
    re.S,
)
NAV_MARK = re.compile(
    r'<li><a href="([^"]+)"[^>]*>\s*<span class="mark[^"]*" aria-hidden="true">([^<]*)</span>'
)


def test_each_overview_step_has_the_number_the_navigation_shows(console: Console) -> None:
    page = console.get("/admin").text
    steps = STEP.findall(page.split('<ol class="steps">', 1)[1])
    nav = dict(NAV_MARK.findall(page))
    assert len(steps) >= 5, steps  # a fresh organization: only the AI step shows a check mark
    for key, number, path in steps:
        assert nav.get(path) == number, (key, number, path, nav)
    assert [int(n) for _, n, _ in steps] == sorted(int(n) for _, n, _ in steps)
