"""What every console page shares: templates, the signed-in admin, CSRF, flashes, error pages.

Pages are server-rendered with Jinja2. A page handler asks for `PageAdmin` (a GET) or
`PostedForm` (a POST: the form, read once, with its CSRF token checked against the session);
strangers are redirected to the sign-in page and a form without the session's token gets a 403
page. Handlers raise `PlotboardError` freely: `ConsoleRoute` turns one that escapes into an HTML
error page with the same status, so a bad input is a 4xx page, never a 500.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

from plotboard.admin.actor import AdminActor
from plotboard.api.deps import RuntimeDep, own_origin
from plotboard.auth.sessions import COOKIE_NAME, SignedInAdmin, check_csrf, current_admin
from plotboard.console.status import setup_status
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime

log = logging.getLogger("plotboard.console")

HERE = Path(__file__).parent
BASE = "/admin"
FLASH_COOKIE = "plotboard_console_flash"
SIGNIN_COOKIE = "plotboard_signin_csrf"
FETCH_HEADER = "x-console-fetch"

# The console's own pages run only our static script; the token sandbox also runs the editor
# from /embed (same origin). ECharts sets inline style attributes, hence 'unsafe-inline' for
# styles only. Nobody may frame the console (clickjacking).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages show secrets (a new API key, a test token): never keep them in a cache.
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    path: str
    step: str | None  # the set-up step it completes (SetupStatus field), if any
    number: int | None = None  # its place in the set-up: the Overview's step of that number
    heading: str | None = None  # a group heading shown above it in the sidebar


NAV: tuple[NavItem, ...] = (
    NavItem("overview", "Overview", "", None),
    NavItem("keys", "API keys", "/keys", "key", 1),
    NavItem("attributes", "Token attributes", "/attributes", "attribute", 2),
    NavItem("databases", "Databases", "/databases", "database", 3),
    # Describing tables is optional (and Analyze can do it): not a numbered step.
    NavItem("tables", "Tables and columns", "/tables", "tables"),
    NavItem("rules", "Access rules", "/rules", "rule", 4),
    NavItem("origins", "Authorized origins", "/origins", "origin", 5),
    NavItem("ai", "AI settings", "/ai", "ai", 6),
    NavItem("sandbox", "Token sandbox", "/sandbox", "token", 7),
    # Past the set-up: pages with no step, under a heading of their own (no mark).
    NavItem("embed", "Embed snippet", "/embed", None, heading="More"),
    NavItem("starters", "Starters and sharing", "/starters", None),
    NavItem("limits", "Organization and limits", "/limits", None),
    NavItem("jobs", "Jobs", "/jobs", None),
    NavItem("audit", "Audit log", "/audit", None),
)


def _url(path: str = "") -> str:
    return BASE + path


templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.globals.update(nav=NAV, url=_url)
templates.filters["when"] = lambda moment: (
    moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "—"
)


# --- control flow ---------------------------------------------------------------------------


class SignInRequired(Exception):
    """The request has no live session: go to the sign-in page (and come back after)."""

    def __init__(self, back_to: str, expired: bool) -> None:
        super().__init__(back_to)
        self.back_to = back_to
        self.expired = expired


class CsrfRefused(Exception):
    """A POST without the session's CSRF token: a stale page, or another site's form."""


class ConsoleRoute(APIRoute):
    """Turns the console's control-flow exceptions and service errors into HTML pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as err:
                response = redirect(_url() + "?next=" + quote(err.back_to, safe="/"))
                if err.expired:
                    flash(response, "Your session has expired. Sign in again.", "warn")
                return response
            except CsrfRefused:
                return error_page(
                    request,
                    403,
                    "This form has expired",
                    "The form was sent without this session's security token: the page may be "
                    "older than your current sign-in, or the form came from another site. "
                    "Nothing was changed. Reload the page and try again.",
                )
            except PlotboardError as err:
                return error_page(request, err.status, _title_of(err.status), err.message)
            except Exception:
                incident = uuid.uuid4().hex[:10]
                log.exception("console: unexpected error %s on %s", incident, request.url.path)
                return error_page(
                    request,
                    500,
                    "Something went wrong",
                    f"The server could not finish this (incident {incident}); the details are "
                    "in the server log. Nothing was half-saved: please try again.",
                )

        return route


def _title_of(status: int) -> str:
    return {
        401: "Sign in first",
        403: "Not allowed",
        404: "Not found",
        409: "That conflicts with what exists",
        422: "That cannot be done",
    }.get(status, "That did not work")


# --- the signed-in admin --------------------------------------------------------------------


def signed_in(request: Request, runtime: Runtime) -> SignedInAdmin | None:
    with runtime.store.session() as session:
        return current_admin(session, request.cookies.get(COOKIE_NAME))


def _back_to(request: Request) -> str:
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return request.url.path + query
    return request.headers.get("x-console-page") or _url()


def page_admin(request: Request, runtime: RuntimeDep) -> SignedInAdmin:
    admin = signed_in(request, runtime)
    if admin is None:
        raise SignInRequired(_back_to(request), bool(request.cookies.get(COOKIE_NAME)))
    return admin


PageAdmin = Annotated[SignedInAdmin, Depends(page_admin)]


async def read_form(request: Request) -> FormData:
    return await request.form()


@dataclass(frozen=True)
class Posted:
    """A checked POST: who sent it and what."""

    admin: SignedInAdmin
    form: FormData

    @property
    def actor(self) -> AdminActor:
        """The admin as the admin REST API's handlers know them (same audit entries)."""
        return AdminActor(self.admin.org_id, self.admin.email)

    def text(self, name: str, *, strip: bool = True) -> str:
        value = self.form.get(name)
        if not isinstance(value, str):
            return ""
        return value.strip() if strip else value

    def checked(self, name: str) -> bool:
        return self.form.get(name) not in (None, "", "0", "false", "off")

    def values(self, name: str) -> list[str]:
        return [v for v in self.form.getlist(name) if isinstance(v, str)]

    def fields(self) -> dict[str, str]:
        """Every text field, to re-render a form with what the admin typed."""
        return {k: v for k, v in self.form.multi_items() if isinstance(v, str)}


def posted(
    request: Request, runtime: RuntimeDep, form: Annotated[FormData, Depends(read_form)]
) -> Posted:
    admin = signed_in(request, runtime)
    if admin is None:
        raise SignInRequired(_back_to(request), bool(request.cookies.get(COOKIE_NAME)))
    token = form.get("csrf_token")
    try:
        check_csrf(admin, token if isinstance(token, str) else None)
    except PlotboardError:
        raise CsrfRefused() from None
    return Posted(admin, form)


PostedForm = Annotated[Posted, Depends(posted)]


# --- responses ------------------------------------------------------------------------------


def redirect(path: str) -> RedirectResponse:
    """303: after a POST, the browser GETs the page (a reload does not send the form again)."""
    response = RedirectResponse(path, status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def flash(response: Response, message: str, kind: str = "ok") -> None:
    """A one-time message shown on the next page (set before a redirect)."""
    response.set_cookie(
        FLASH_COOKIE,
        quote(f"{kind}|{message[:500]}"),
        max_age=60,
        httponly=True,
        samesite="lax",
        path=BASE,
    )


def _take_flash(request: Request) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    kind, _, message = unquote(raw).partition("|")
    if kind not in ("ok", "warn", "error") or not message:
        return None
    return kind, message


def is_fetch(request: Request) -> bool:
    """The console's script asked for a fragment instead of a whole page."""
    return request.headers.get(FETCH_HEADER) == "1"


def server_url(request: Request, runtime: Runtime) -> str:
    """This server's URL as browsers reach it: `public_url`, else the request's own origin."""
    return own_origin(request, runtime) or str(request.base_url).rstrip("/")


def render(
    request: Request,
    runtime: Runtime,
    template: str,
    admin: SignedInAdmin,
    *,
    active: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A console page: the navigation with each step's check mark, any flash, the content."""
    with runtime.store.session() as session:
        status = setup_status(session, admin.org_id)
    page_flash = _take_flash(request)
    body = templates.get_template(template).render(
        admin=admin,
        csrf=admin.csrf_token,
        active=active,
        status=status,
        flash=page_flash,
        request_path=request.url.path,
        **context,
    )
    response = HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
    if page_flash is not None:
        response.delete_cookie(FLASH_COOKIE, path=BASE)
    return response


def fragment(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A piece of a page (a template of its own), for the console's script to put in place."""
    body = templates.get_template(template).render(**context)
    return HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)


def json_answer(data: Mapping[str, Any], status_code: int = 200) -> JSONResponse:
    return JSONResponse(dict(data), status_code=status_code, headers=SECURITY_HEADERS)


def standalone(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page outside the signed-in frame (sign-in, errors)."""
    page_flash = _take_flash(request)
    body = templates.get_template(template).render(flash=page_flash, **context)
    response = HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
    if page_flash is not None:
        response.delete_cookie(FLASH_COOKIE, path=BASE)
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    if is_fetch(request):
        return HTMLResponse(
            templates.get_template("_notice.html").render(kind="error", message=message),
            status_code=status,
            headers=SECURITY_HEADERS,
        )
    return standalone(request, "error.html", status, title=title, message=message, status=status)


def signin_token(request: Request) -> str:
    """The sign-in form's CSRF token: a random value also kept in a cookie (double submit),
    since there is no session yet to keep it in."""
    return request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)
