"""The editor's script: `/embed/plotboard.js` and its lazily loaded `/embed/chunks/*`.

Served from the package's `static/embed` folder, which `npm run build` in `frontend/` fills (a
wheel or sdist carries it, built by `setup.py`). The entry keeps one name, so it is cached
briefly; chunks carry a content hash in their names, so they are cached for good. Files are
read once, with their gzip form, and answered with an ETag. The script carries no data, so
`api/cors.py` lets any page load it (a module script loaded from another origin is a CORS
request): a page whose origin is not authorized yet then learns why from the origin check
below, instead of failing blank. Also here: the site's `/favicon.ico`.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from plotboard.api.deps import RuntimeDep
from plotboard.bundle import BUNDLE_DIR, ENTRY, STATIC_DIR
from plotboard.errors import PlotboardError, not_found

router = APIRouter(tags=["embed"], include_in_schema=False)

FAVICON = STATIC_DIR / "favicon.ico"
ENTRY_CACHE = "public, max-age=300, must-revalidate"
CHUNK_CACHE = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}
# A chunk name is one path segment of plain characters: no separators, no "..", no escapes.
_CHUNK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_MIN_GZIP = 1024


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    etag: str
    content_type: str
    mtime_ns: int


class AssetStore:
    """Files of the built bundle, read once and kept with their gzip form until they change."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Path, Asset] = {}
        self._lock = threading.Lock()

    def get(self, relative: str) -> Asset | None:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()) or not path.is_file():
            return None
        mtime = path.stat().st_mtime_ns
        cached = self._cache.get(path)
        if cached is not None and cached.mtime_ns == mtime:
            return cached
        body = path.read_bytes()
        asset = Asset(
            body=body,
            gzipped=gzip.compress(body, 9, mtime=0) if len(body) >= _MIN_GZIP else None,
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            content_type=CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"),
            mtime_ns=mtime,
        )
        with self._lock:
            self._cache[path] = asset
        return asset


assets = AssetStore(BUNDLE_DIR)


def bundle_missing() -> PlotboardError:
    return PlotboardError(
        "The editor's script has not been built. From a source checkout run `make demo` (or "
        "`npm ci && npm run build` in frontend/); installed packages carry it already.",
        "bundle_not_built",
        503,
    )


def _respond(request: Request, asset: Asset, cache_control: str) -> Response:
    headers = {
        "ETag": asset.etag,
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
        # A page on another origin loads this as a module script; let it, under CORS.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if asset.etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    body = asset.body
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "").lower():
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=asset.content_type)
    return Response(content=body, headers=headers, media_type=asset.content_type)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


# What a plain `<script src=".../plotboard.js">` (no type="module", as most embed snippets are
# written) gets instead of the module, which such a tag cannot run (the browser stops at its
# first `import.meta`, and the tag stays empty): a classic script that says so in the console
# and imports the module itself. Browsers tell the two loads apart (Sec-Fetch-Mode is "no-cors"
# for a classic script, "cors" for a module).
CLASSIC_LOADER = b"""// plotboard: loaded by a plain <script>; the editor is an ES module.
(function () {
  var script = document.currentScript;
  var src = script && script.src;
  if (!src) return;
  console.warn('plotboard: load ' + src + ' with <script type="module" src="...">;' +
    ' loading it as a module now.');
  import(src);
})();
"""


def _classic_load(request: Request) -> bool:
    headers = request.headers
    return headers.get("sec-fetch-dest") == "script" and headers.get("sec-fetch-mode") == "no-cors"


@router.api_route("/embed/plotboard.js", methods=["GET", "HEAD"])
def entry_script(request: Request) -> Response:
    """The editor. Load it with `<script type="module" src=".../embed/plotboard.js">`."""
    asset = assets.get(ENTRY)
    if asset is None:
        raise bundle_missing()
    if _classic_load(request):
        # Never cached: the module load of the same address must get the module.
        headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        body = b"" if request.method == "HEAD" else CLASSIC_LOADER
        return Response(content=body, headers=headers, media_type=asset.content_type)
    response = _respond(request, asset, ENTRY_CACHE)
    # A cached module must not answer a later classic load (nor the loader a module load).
    response.headers["Vary"] = "Accept-Encoding, Sec-Fetch-Mode"
    return response


@router.api_route("/embed/chunks/{name}", methods=["GET", "HEAD"])
def chunk(name: str, request: Request) -> Response:
    """A part of the editor loaded on demand (e.g. the world map), by its hashed name."""
    if not _CHUNK_NAME.fullmatch(name) or ".." in name:
        raise not_found(f"The chunk '{name[:80]}'")
    asset = assets.get(f"chunks/{name}")
    if asset is None:
        if assets.get(ENTRY) is None:
            raise bundle_missing()
        raise not_found(f"The chunk '{name}' (the page may hold an older plotboard.js; reload it)")
    return _respond(request, asset, CHUNK_CACHE)


_favicon = AssetStore(STATIC_DIR)


@router.api_route("/favicon.ico", methods=["GET", "HEAD"])
def favicon(request: Request) -> Response:
    """The icon browsers ask for on every page of the console and the API docs."""
    asset = _favicon.get(FAVICON.name)
    if asset is None:
        raise not_found("The icon")
    return _respond(request, asset, "public, max-age=86400")


@router.get("/api/v1/embed/origin-check")
async def origin_check(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Whether the calling page's origin is authorized to embed plotboard (by some organization).

    Open to any origin (`Access-Control-Allow-Origin: *`, see `api/cors.py`) and carrying no
    data: when the embed API refuses a page's origin, the browser hides the answer from the
    editor (a CORS failure looks like a network failure), so the editor asks this to tell a
    developer "add this origin under Authorized origins" rather than "server unreachable". The
    origin is the browser's own `Origin` header, which a page cannot set.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return JSONResponse({"origin": None, "authorized": None}, headers=_NO_STORE)
    if runtime.origins.stale():  # reading the store is kept off the event loop
        await anyio.to_thread.run_sync(runtime.origins.refresh)
    known = runtime.origins.is_known(origin)
    return JSONResponse({"origin": origin[:300], "authorized": known}, headers=_NO_STORE)


_NO_STORE = {"Cache-Control": "no-store"}
