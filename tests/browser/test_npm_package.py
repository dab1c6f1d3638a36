"""The npm package `@plotboard/editor` and its framework examples (issue 14 item 3).

`npm pack` of frontend/ makes the tarball a user would install; its contents are checked. Each
example in examples/frontend/ (plain HTML, React, Vue, Angular) is copied, installed from its
committed lock with `npm ci` against that tarball, and built; the built app is then served on
another origin, authorized like an admin would, and loaded in Chromium against a live
plotboard: the editor must render, and the ready event must reach the framework's own handler
(which writes "ready: list" into the page).

Without Node/npm these tests are skipped, and under CI=true they fail.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import Session
from tests.browser.server import Plotboard, free_port
from tests.services import require

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
EXAMPLES = ROOT / "examples" / "frontend"
FRAMEWORKS = ["angular", "react", "vue", "html"]  # the slowest first
NPM_TIMEOUT = 600


def npm(args: list[str], cwd: Path) -> str:
    env = {**os.environ, "NG_CLI_ANALYTICS": "false", "NO_UPDATE_NOTIFIER": "1"}
    done = subprocess.run(
        ["npm", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=NPM_TIMEOUT
    )
    assert done.returncode == 0, (
        f"npm {' '.join(args)} in {cwd} failed:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


@pytest.fixture(scope="session")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`npm pack` of frontend/ (its prepack builds dist/): the tarball users install."""
    require(shutil.which("npm") is not None, "Node.js and npm are not installed")
    require(
        (FRONTEND / "node_modules").is_dir(),
        "frontend/node_modules is missing; run `make frontend`",
    )
    out = tmp_path_factory.mktemp("npm-pack")
    npm(["pack", "--pack-destination", str(out)], FRONTEND)
    (tarball,) = out.glob("plotboard-editor-*.tgz")
    return tarball


def test_the_tarball_holds_modules_maps_types_and_a_readme(packed: Path) -> None:
    with tarfile.open(packed) as tar:
        names = set(tar.getnames())
        # The Apache License asks for both with every copy; the package bundles world-atlas.
        legal = {n: tar.extractfile(f"package/{n}").read() for n in ("LICENSE", "NOTICE")}  # type: ignore[union-attr]
        manifest = json.loads(tar.extractfile("package/package.json").read())  # type: ignore[union-attr]
        react_types = tar.extractfile("package/dist/types/react.d.ts").read().decode()  # type: ignore[union-attr]
        events_types = tar.extractfile("package/dist/types/events.d.ts").read().decode()  # type: ignore[union-attr]
        editor_js = [
            tar.extractfile(n).read().decode()  # type: ignore[union-attr]
            for n in names
            if n.startswith("package/dist/chunks/editor-") and n.endswith(".js")
        ]
    assert legal == {n: (ROOT / n).read_bytes() for n in ("LICENSE", "NOTICE")}
    assert manifest["name"] == "@plotboard/editor"
    assert "private" not in manifest
    for entry in ("index", "react"):
        assert f"package/dist/{entry}.js" in names
        assert f"package/dist/{entry}.js.map" in names
    assert "package/README.md" in names
    assert "package/dist/types/package.d.ts" in names
    # Only the build: no sources, no tests, no configs.
    top = {"package/package.json", "package/README.md", "package/LICENSE", "package/NOTICE"}
    assert all(n.startswith("package/dist/") for n in names - top)
    assert manifest["exports"]["."]["types"] == "./dist/types/package.d.ts"
    assert manifest["exports"]["./react"]["import"] == "./dist/react.js"
    assert manifest["types"] == "./dist/types/package.d.ts"
    assert manifest["sideEffects"], "importing the package defines the element: never tree-shaken"
    assert manifest["peerDependenciesMeta"]["react"]["optional"] is True
    # Dependencies are shared with the host app, not bundled: one Lit, one ECharts.
    assert len(editor_js) == 1
    assert 'from "lit"' in editor_js[0] and 'from "echarts/core"' in editor_js[0]
    assert 'customElement("plotboard-editor")' in editor_js[0]
    # The typed React props and the typed events under both names.
    for prop in ("onReady", "onDashboardSaved", "onError", "onTokenExpired"):
        assert prop in react_types
    assert "interface HTMLElementEventMap extends PlotboardEditorEventMap" in events_types
    assert "`plotboard:${K}` | `plotboard-${K}`" in events_types


def test_the_docs_show_the_examples_as_they_are() -> None:
    """docs/embedding.md's snippets under `<!-- file: PATH -->` are those files, verbatim."""
    text = (ROOT / "docs" / "embedding.md").read_text()
    shown = re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)\n```", text, re.S)
    assert {path for path, _ in shown} == {
        "examples/frontend/html/src/main.ts",
        "examples/frontend/react/src/App.tsx",
        "examples/frontend/vue/src/App.vue",
        "examples/frontend/angular/src/app/app.component.ts",
    }
    for path, code in shown:
        assert code == (ROOT / path).read_text().rstrip(), f"docs/embedding.md shows an old {path}"


def _copy_example(name: str, tarball: Path, into: Path) -> Path:
    """The example as a user has it, next to the freshly packed tarball. The committed lock
    pins the tarball's integrity as of when it was written; the test writes the new one, as
    `npm install` would have."""
    target = into / name
    shutil.copytree(
        EXAMPLES / name, target, ignore=shutil.ignore_patterns("node_modules", "dist", ".angular")
    )
    shutil.copy(tarball, into / "plotboard-editor.tgz")
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    lock_path = target / "package-lock.json"
    lock = json.loads(lock_path.read_text())
    entry = lock["packages"]["node_modules/@plotboard/editor"]
    assert entry["resolved"] == "file:../plotboard-editor.tgz"
    entry["integrity"] = f"sha512-{digest}"
    lock_path.write_text(json.dumps(lock, indent=2))
    return target


@pytest.fixture(scope="session")
def built_examples(packed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every example installed (`npm ci`) and built, served from one folder."""
    work = tmp_path_factory.mktemp("examples")
    site = tmp_path_factory.mktemp("site")

    def build(name: str) -> None:
        example = _copy_example(name, packed, work)
        npm(["ci", "--no-audit", "--no-fund", "--prefer-offline"], example)
        npm(["run", "build"], example)
        built = example / "dist"
        assert (built / "index.html").is_file(), f"{name}: no dist/index.html"
        shutil.copytree(built, site / name)

    # Two at a time: one installs (network, disk) while another builds (CPU).
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(build, name) for name in FRAMEWORKS]:
            done.result()
    yield site


@pytest.fixture(scope="session")
def examples_site(built_examples: Path, plotboard: Plotboard) -> Iterator[str]:
    """The built examples on their own origin, authorized in plotboard."""
    port = free_port()
    origin = f"http://localhost:{port}"
    answer = plotboard.admin("POST", "/origins", json={"origin": origin})
    assert answer.status_code in (201, 409), answer.text

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(Quiet, directory=str(built_examples)))
    thread = threading.Thread(target=httpd.serve_forever, name="examples-site", daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_example_renders_the_editor_and_its_handler_gets_ready(
    framework: str, examples_site: str, plotboard: Plotboard, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith((examples_site, plotboard.url, "data:"))
            else None
        ),
    )
    try:
        query = urlencode({"server": plotboard.url, "token": plotboard.token("carol")})
        page.goto(f"{examples_site}/{framework}/index.html?{query}")
        # Written by the framework's own handler of the ready event.
        page.wait_for_function(
            "document.getElementById('status')?.textContent === 'ready: list'", timeout=30_000
        )
        rendered = page.evaluate(
            """() => {
              const el = document.querySelector('plotboard-editor');
              const list = el?.shadowRoot?.querySelector('pb-dashboard-list');
              return {
                defined: customElements.get('plotboard-editor') === el?.constructor,
                list: !!list,
                text: list?.shadowRoot?.textContent ?? '',
                serverUrl: el?.serverUrl,
              };
            }"""
        )
        assert rendered["defined"] and rendered["list"], rendered
        assert "Starters" in rendered["text"] or "dashboard" in rendered["text"].lower()
        assert rendered["serverUrl"] == plotboard.url
        assert errors == []
        assert outside == [], "no CDN or other host at run time"
    finally:
        context.close()


def test_the_script_tag_fires_each_event_under_both_names(
    open_session: Callable[..., Session], plotboard: Plotboard
) -> None:
    """The server's /embed/plotboard.js too: `plotboard:ready` (the contract so far) and
    `plotboard-ready`, with the same detail; here on a user switch, which is ready again."""
    s = open_session("carol")
    s.open()
    s.page.evaluate(
        """() => {
          window.__kebab = [];
          document.getElementById('editor').addEventListener('plotboard-ready',
            (e) => window.__kebab.push(
              { detail: e.detail, bubbles: e.bubbles, composed: e.composed }));
        }"""
    )
    s.set_token(plotboard.token("erin"))
    s.wait_event("plotboard:ready", count=2)
    s.page.wait_for_function("window.__kebab.length >= 1")
    kebab = s.page.evaluate("window.__kebab")
    assert kebab == [
        {"detail": s.events("plotboard:ready")[1]["detail"], "bubbles": True, "composed": True}
    ]
    assert kebab[0]["detail"] == {"view": "list"}
    assert s.errors == []
