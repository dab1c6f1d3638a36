"""The real plotboard app under uvicorn in a thread, and a host page on another origin.

The editor always runs cross-origin in real use, so the tests do too: the host page is served
by a tiny static server on another port (another origin), whose origin is authorized through
the admin API like an admin would, and it loads `<plotboard port>/embed/plotboard.js`.
"""

from __future__ import annotations

import functools
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from plotboard.api.routes.embed_assets import BUNDLE_DIR, ENTRY
from plotboard.app import create_app
from plotboard.auth.embed_tokens import Permissions, mint_token
from plotboard.config import Settings
from plotboard.demo.setup import SAMPLE_USERS, DemoInfo, prepare_demo
from plotboard.runtime import Runtime
from tests.open_sources import open_if_created
from tests.services import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Plotboard:
    """A running plotboard with the demo set up (organization, key, users, data)."""

    url: str
    runtime: Runtime
    info: DemoInfo

    @functools.cached_property
    def admin_key(self) -> str:
        """A key with the admin scope, as the admin makes in the console (the demo's printed
        key only mints tokens)."""
        from plotboard.auth.api_keys import create_api_key

        with self.runtime.store.session() as session:
            _, secret = create_api_key(
                session, self.info.org_id, "Set-up scripts", ["admin"], self.info.admin_email
            )
        return secret

    @property
    def key_id(self) -> str:
        return self.info.api_key.rsplit("_", 1)[0]

    def attributes(self, user_id: str) -> dict[str, Any]:
        user = next((u for u in SAMPLE_USERS if u.user_id == user_id), None)
        return dict(user.attributes) if user else {}

    def token(self, user_id: str, expires_in: int = 3600, **body: Any) -> str:
        """A token minted through the API, as a host backend would."""
        response = httpx.post(
            f"{self.url}/api/v1/embed/tokens",
            headers={"Authorization": f"Bearer {self.info.api_key}"},
            json={"user_id": user_id, "attributes": self.attributes(user_id), **body}
            | {"expires_in": max(60, expires_in)},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token

    def short_token(self, user_id: str, seconds: int) -> str:
        """A token that expires in `seconds` (the API's minimum is a minute: too long to wait)."""
        secret = self.runtime.signing_secret(self.info.org_id)
        assert secret is not None
        token, _ = mint_token(
            secret,
            key_id=self.key_id,
            org_id=self.info.org_id,
            user_id=user_id,
            attributes=self.attributes(user_id),
            ai_context_clues=None,
            permissions=Permissions(),
            expires_in=seconds,
        )
        return token

    def embed(self, token: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return httpx.request(
            method, f"{self.url}/api/v1/embed{path}", headers=headers, timeout=30, **kwargs
        )

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.admin_key}"}
        response = httpx.request(
            method, f"{self.url}/api/v1/admin{path}", headers=headers, timeout=10, **kwargs
        )
        open_if_created(
            method,
            path,
            kwargs.get("json"),
            response,
            lambda p, body: httpx.patch(
                f"{self.url}/api/v1/admin{p}", headers=headers, json=body, timeout=10
            ),
        )
        return response


@contextmanager
def running_plotboard(data_dir: Path) -> Iterator[Plotboard]:
    """`create_app` with the demo set up, under uvicorn on a free port, until the block ends."""
    require(
        (BUNDLE_DIR / ENTRY).is_file(),
        f"the editor's bundle is not built ({BUNDLE_DIR / ENTRY}); run `make frontend`",
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Explicit values win over a developer's own PLOTBOARD_* environment.
    settings = Settings(
        data_dir=data_dir,
        demo_mode=True,
        port=port,
        database_url=None,
        secret_key=None,
        public_url=None,
        redis_url=None,
    )
    runtime = Runtime(settings)
    # Without the demo's starter and team sharing: tests start from empty dashboard lists and
    # publish and share what they need.
    info = prepare_demo(runtime, data_dir, url, showcase=False)
    config = uvicorn.Config(
        create_app(settings, runtime=runtime), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="plotboard-test-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail(f"plotboard did not start on {url}", pytrace=False)
            time.sleep(0.05)
        yield Plotboard(url, runtime, info)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.close()


HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host app</title>
<script type="module" src="__PLOTBOARD__/embed/plotboard.js"></script>
<style>
  body { margin: 0; font: 15px system-ui, sans-serif; }
  /* A host page's own CSS must not break the editor (shadow DOM). */
  button { background: hotpink !important; font-size: 30px !important; }
  h2, h3 { color: red; }
  main { padding: 12px; }
</style></head>
<body><main>
<h1>Host app on another origin</h1>
<plotboard-editor id="editor"__ATTRS__></plotboard-editor>
</main>
<script>
  window.__marker = Math.random();  // survives only if the page is never reloaded
  window.__events = [];
  const editor = document.getElementById("editor");
  for (const name of ["plotboard:ready", "plotboard:dashboard-saved", "plotboard:error",
                      "plotboard:token-expired", "plotboard:view-changed"]) {
    editor.addEventListener(name, (e) => window.__events.push({ name, detail: e.detail }));
  }
  editor.addEventListener("plotboard:token-expired", async () => {
    // What a host app does: ask its backend for a fresh token and set it.
    if (window.mintToken) editor.setAttribute("auth-token", await window.mintToken());
  });
</script>
</body></html>
"""


@dataclass
class HostSite:
    """A static site on its own origin that embeds the editor."""

    url: str
    pages: dict[str, str] = field(default_factory=dict)
    """More pages a test serves on this origin: path -> HTML ("/refresh.html": "<!doctype…")."""

    def page_url(self, **attrs: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in attrs.items())
        return f"{self.url}/host.html" + (f"?{query}" if query else "")


def _handler(plotboard_url: str, pages: dict[str, str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if path in pages:
                self._send(pages[path].encode())
                return
            if path != "/host.html":
                self.send_error(404)
                return
            attrs = ""
            page = HOST_PAGE
            for pair in filter(None, query.split("&")):
                name, _, value = pair.partition("=")
                if name in {"theme", "dashboard-id", "server-url", "auth-token", "ai-chat"}:
                    attrs += f' {name}="{json.dumps(value)[1:-1]}"'
                if name == "plain-script":  # <script src=…> without type="module"
                    page = page.replace('<script type="module" src=', "<script src=")
            body = page.replace("__PLOTBOARD__", plotboard_url).replace("__ATTRS__", attrs).encode()
            self._send(body)

        def _send(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def host_site(plotboard: Plotboard) -> Iterator[HostSite]:
    """Serve the host page on a free port and authorize its origin in plotboard."""
    port = free_port()
    origin = f"http://localhost:{port}"  # another host name and port: another origin
    answer = plotboard.admin("POST", "/origins", json={"origin": origin})
    assert answer.status_code in (201, 409), answer.text
    site = HostSite(origin)
    httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(plotboard.url, site.pages))
    thread = threading.Thread(target=httpd.serve_forever, name="host-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()
