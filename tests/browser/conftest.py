"""Browser tests: Debian's Chromium (never a downloaded browser) driven by Playwright, against
the real server, with the editor embedded in a page on another origin.

Without /usr/bin/chromium these tests are skipped, and under CI=true they fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.server import (
    HostSite,
    Plotboard,
    host_site,
    running_plotboard,
)


@pytest.fixture(scope="session")
def plotboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plotboard]:
    with running_plotboard(tmp_path_factory.mktemp("browser") / "data") as running:
        yield running


@pytest.fixture(scope="session")
def host(plotboard: Plotboard) -> Iterator[HostSite]:
    with host_site(plotboard) as site:
        yield site


@pytest.fixture(scope="session")
def browser(chromium_browser: Any) -> Any:
    return chromium_browser


class Session:
    """One signed-in user's browser tab on the host page."""

    def __init__(self, page: Any, plotboard: Plotboard, host: HostSite, user: str) -> None:
        self.page = page
        self.plotboard = plotboard
        self.host = host
        self.user = user
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(f"{e}\n{e.stack}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.expose_function("mintToken", lambda: plotboard.token(self.user))

    def open(self, token: str | None = None, wait_ready: bool = True, **attrs: str) -> None:
        """Load the host page and hand the editor a token (as the host app would)."""
        self.page.goto(self.host.page_url(**attrs))
        self.page.wait_for_function("customElements.get('plotboard-editor') !== undefined")
        self.set_token(token or self.plotboard.token(self.user))
        if wait_ready:
            self.wait_event("plotboard:ready")

    def set_token(self, token: str) -> None:
        self.page.evaluate(
            "t => document.getElementById('editor').setAttribute('auth-token', t)", token
        )

    def events(self, name: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.page.evaluate(
            "n => window.__events.filter(e => e.name === n)", name
        )
        return found

    def wait_event(self, name: str, count: int = 1, timeout: float = 15_000) -> None:
        self.page.wait_for_function(
            "([n, c]) => window.__events.filter(e => e.name === n).length >= c",
            arg=[name, count],
            timeout=timeout,
        )


@pytest.fixture
def open_session(
    browser: Any, plotboard: Plotboard, host: HostSite
) -> Iterator[Callable[..., Session]]:
    contexts: list[Any] = []

    def make(user: str, width: int = 1280, height: int = 900) -> Session:
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        contexts.append(context)
        return Session(context.new_page(), plotboard, host, user)

    yield make
    for context in contexts:
        context.close()
