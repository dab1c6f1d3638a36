"""Defects found walking plotboard as a newcomer (end user in /demo, a front-end developer
embedding from another origin), each checked in Chromium the way a person meets it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser import ui
from tests.browser.conftest import Session
from tests.browser.server import Plotboard

pytestmark = pytest.mark.browser
TIMEOUT = ui.TIMEOUT

INPUT_BOX = """() => {
  const chat = document.getElementById('editor').shadowRoot.querySelector('pb-chat');
  const box = chat.shadowRoot.querySelector('textarea').getBoundingClientRect();
  const drawer = chat.getBoundingClientRect();
  return {top: box.top, bottom: box.bottom, scrollY: window.scrollY, height: innerHeight,
          drawerBottom: drawer.bottom};
}"""


def test_opening_the_chat_does_not_scroll_the_host_page(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    # The chat drawer was as tall as the window, below the host's header: focusing its input
    # scrolled the whole host page, hiding the host's header and the dashboard's title bar.
    s = open_session("alice", width=1280, height=800)
    s.open(**{"ai-chat": ""})
    s.page.locator("[data-action='ask-ai']").click()
    s.page.get_by_label("Ask a question about your data").wait_for(timeout=TIMEOUT)
    s.page.wait_for_timeout(300)
    box = s.page.evaluate(INPUT_BOX)
    assert box["scrollY"] == 0, box
    assert 0 < box["top"] and box["bottom"] <= box["height"], box  # the input is in sight
    assert abs(box["drawerBottom"] - (box["height"] - 8)) <= 1, box  # the room there is
    # Scrolled down a little, the drawer grows with the room it gets.
    s.page.evaluate("document.body.style.minHeight = '3000px'; window.scrollTo(0, 50)")
    s.page.wait_for_timeout(300)
    box = s.page.evaluate(INPUT_BOX)
    assert box["scrollY"] == 50 and abs(box["drawerBottom"] - (box["height"] - 8)) <= 1, box
