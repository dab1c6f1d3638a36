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


def _chat_as_alice(open_session: Callable[..., Session], plotboard: Plotboard) -> Session:
    token = plotboard.token("alice")
    s = open_session("alice", width=1280, height=900)
    s.open(token, **CHAT)
    open_chat(s.page)
    return s


def test_the_chat_says_what_it_understood_and_offers_the_other_reading(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    s = _chat_as_alice(open_session, plotboard)
    answer = ask(s.page, "rev by cat 2025")
    assert answer.locator("[data-understood]").inner_text() == (
        "Understood as: Revenue by category (2025)"
    )
    assumptions = answer.locator("[data-assumptions] li").all_inner_texts()
    assert "\u201crev\u201d read as \u201crevenue\u201d" in assumptions
    assert "\u201ccat\u201d read as \u201ccategory\u201d" in assumptions
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


def test_a_new_question_mid_chat_gets_its_own_tile_and_a_follow_up_changes_the_last(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    """Issue 12 item 4: each answer says whether it changed the last chart or answered a new
    question; a close call offers the other reading, and its click changes the chart before."""
    s = _chat_as_alice(open_session, plotboard)
    first = ask(s.page, "revenue by category in 2025")
    assert first.locator("[data-understood]").inner_text() == (
        "Understood as: Revenue by category (2025)"
    )
    preview(first)

    changed = ask(s.page, "only Software")
    line = changed.locator("[data-understood]")
    assert line.get_attribute("data-reading") == "changed"
    assert line.inner_text().startswith("Changed the last chart: Revenue by category")
    assert "Software" in line.inner_text() and "2025" in line.inner_text()
    preview(changed)

    # A new question mid-chat: its own tile, nothing of the last chart kept.
    fresh = ask(s.page, "revenue by month")
    line = fresh.locator("[data-understood]")
    assert line.get_attribute("data-reading") == "new"
    assert line.inner_text() == "New question: Revenue by month"
    wait_chart(preview(fresh), "line")
    other = fresh.locator("[data-action='alternative']", has_text="Change the last chart instead")
    assert other.count() == 1

    # One click: the same words as a change of the chart before (Software, 2025).
    answers = s.page.locator("pb-chat [data-answer]")
    before = answers.count()
    other.click()
    again = answers.nth(before)
    again.wait_for(timeout=TIMEOUT)
    line = again.locator("[data-understood]")
    assert line.get_attribute("data-reading") == "changed"
    text = line.inner_text()
    assert text.startswith("Changed the last chart: Revenue by month"), text
    assert "Software" in text and "2025" in text
    wait_chart(preview(again), "line")
    assert s.page.locator("pb-chat .user").last.inner_text() == "revenue by month"

    # And a listing asked mid-chat is a new question with a table of rows.
    listing = ask(s.page, "list the employees in Paris")
    assert listing.locator("[data-understood]").get_attribute("data-reading") == "new"
    wait_chart(preview(listing), "table")
    s.page.wait_for_timeout(300)
    s.page.locator("plotboard-editor").screenshot(path=str(IMAGES / "chat-new-or-changed.png"))


def test_a_word_left_out_is_said_once(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # "I did not use “CFO”" was said three times: in the reply, as an assumption and again
    # as a note under the other readings.
    s = _chat_as_alice(open_session, plotboard)
    answer = ask(s.page, "CFO question: how many people work in Paris")
    said = answer.inner_text()
    assert said.count("I did not use") == 1, said
    assert "read as who is asking" in said, said
    assert not s.errors, s.errors
