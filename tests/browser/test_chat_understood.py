"""The chat says what it understood (issue 12 item 3): the "Understood as" line, every
assumption, and a close other reading one click away; a new question mid-conversation gets
its own answer instead of the last chart again (item 4). Real server, built-in engine, the
demo data under alice's rules (she sees Paris, London and Berlin)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Session
from tests.browser.server import Plotboard
from tests.browser.test_chat import CHAT, IMAGES, TIMEOUT, ask, open_chat, preview, wait_chart

pytestmark = pytest.mark.browser


def test_the_chat_says_what_it_understood_and_offers_the_other_reading(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    token = plotboard.token("alice")
    s = open_session("alice", width=1280, height=900)
    s.open(token, **CHAT)
    open_chat(s.page)

    answer = ask(s.page, "rev by cat 2025")
    assert answer.locator("[data-understood]").inner_text() == (
        "Understood as: Revenue by category (2025)"
    )
    assumptions = answer.locator("[data-assumptions] li").all_inner_texts()
    assert "'rev' read as 'revenue'" in assumptions
    assert "'cat' read as 'category'" in assumptions
    preview(answer)  # its chart is drawn

    # A new question mid-conversation: the records, not the last chart again.
    answer = ask(s.page, "list the employees in Paris")
    assert "Employees (Paris)" in answer.locator("[data-understood]").inner_text()
    assert "listed the rows themselves, not a count or total" in (
        answer.locator("[data-assumptions] li").all_inner_texts()
    )
    tile = preview(answer)
    wait_chart(tile, "table")
    other = answer.locator("[data-action='alternative']")
    assert other.all_inner_texts() == ["Count them instead"]
    s.page.wait_for_timeout(300)
    IMAGES.mkdir(parents=True, exist_ok=True)
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "chat-understood.png"))

    # One click asks the other reading: a count of the same rows, under the same rules.
    answers = s.page.locator("pb-chat [data-answer]")
    before = answers.count()
    other.click()
    counted = answers.nth(before)
    counted.wait_for(timeout=TIMEOUT)
    assert "Headcount (Paris)" in counted.locator("[data-understood]").inner_text()
    kpi = preview(counted)
    wait_chart(kpi, "kpi")
    assert counted.locator("[data-understood]").count() == 1
