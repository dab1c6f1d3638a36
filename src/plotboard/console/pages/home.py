"""Sign-in, sign-out, the Overview, and the console's own CSS and script."""

from __future__ import annotations

import hmac
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from plotboard.admin.session import SignIn, sign_in_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import COOKIE_NAME, sign_out
from plotboard.console.forms import FormState, Problems, problems_of
from plotboard.console.web import (
    BASE,
    HERE,
    SECURITY_HEADERS,
    SIGNIN_COOKIE,
    ConsoleRoute,
    PostedForm,
    flash,
    read_form,
    redirect,
    render,
    signed_in,
    signin_token,
    standalone,
)
from plotboard.errors import PlotboardError, not_found
from plotboard.store.models import ApiKey, DataSource, Origin, TokenAttribute

router = APIRouter(prefix=BASE, route_class=ConsoleRoute, include_in_schema=False)

STATIC_FILES = {
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
}


def _safe_next(value: str | None) -> str:
    """Only a console path: never another site (an open redirect)."""
    if value and value.startswith(BASE) and not value.startswith("//") and "\\" not in value:
        return value
    return BASE


def _signin_page(
    request: Request, f: FormState, next_path: str, status_code: int = 200
) -> HTMLResponse:
    token = signin_token(request)
    response = standalone(
        request, "signin.html", status_code, f=f, signin_csrf=token, next=next_path
    )
    response.set_cookie(SIGNIN_COOKIE, token, httponly=True, samesite="strict", path=BASE)
    return response


@router.get("", response_class=HTMLResponse)
def overview(request: Request, runtime: RuntimeDep, next: str = "") -> Response:
    """The sign-in page for strangers; the Overview of the set-up for a signed-in admin."""
    admin = signed_in(request, runtime)
    if admin is None:
        return _signin_page(request, FormState(), _safe_next(next))
    if next and _safe_next(next) != BASE:
        return redirect(_safe_next(next))
    org_id = admin.org_id
    with runtime.store.session() as session:

        def count(model: type[ApiKey | TokenAttribute | DataSource | Origin]) -> int:
            stmt = sa.select(sa.func.count()).select_from(model).where(model.org_id == org_id)
            return int(session.scalar(stmt) or 0)

        counts = {
            "keys": count(ApiKey),
            "attributes": count(TokenAttribute),
            "databases": count(DataSource),
            "origins": count(Origin),
            # The origins themselves when few: a tick for "1 origin" said nothing of which (the
            # demo's is the server's own, not the app a newcomer embeds from).
            "origin_names": list(
                session.scalars(
                    sa.select(Origin.origin)
                    .where(Origin.org_id == org_id)
                    .order_by(Origin.origin)
                    .limit(3)
                )
            ),
            # Connected but closed to end users: the step after the access rules.
            "closed": int(
                session.scalar(
                    sa.select(sa.func.count())
                    .select_from(DataSource)
                    .where(DataSource.org_id == org_id, DataSource.end_users != "open")
                )
                or 0
            ),
        }
    return render(request, runtime, "overview.html", admin, active="overview", counts=counts)


@router.post("/sign-in")
def sign_in(
    request: Request, runtime: RuntimeDep, form: Annotated[FormData, Depends(read_form)]
) -> Response:
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "password"}
    next_path = _safe_next(values.get("next"))
    sent, kept = form.get("csrf_token"), request.cookies.get(SIGNIN_COOKIE)
    if not isinstance(sent, str) or not kept or not hmac.compare_digest(sent, kept):
        problems = Problems("The sign-in form had expired. Please sign in again.")
        return _signin_page(request, FormState(values, problems), next_path, 403)
    password = form.get("password")
    response = redirect(next_path)
    try:
        body = SignIn(
            email=values.get("email", "").strip(),
            password=password if isinstance(password, str) else "",
        )
        # The same sign-in as POST /api/v1/admin/session: same cookie, same lifetime.
        sign_in_admin(runtime, body, request.client.host if request.client else None, response)
    except ValidationError as err:
        problems = problems_of(err)
        return _signin_page(request, FormState(values, problems), next_path, 422)
    except PlotboardError as err:
        page = _signin_page(
            request, FormState(values, Problems(err.message)), next_path, err.status
        )
        page.headers.update(err.headers)  # Retry-After on a 429, as the API sends it
        return page
    response.delete_cookie(SIGNIN_COOKIE, path=BASE)
    return response


@router.post("/sign-out")
def sign_out_page(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    with runtime.store.session() as session:
        sign_out(session, request.cookies.get(COOKIE_NAME))
    response = redirect(BASE)
    response.delete_cookie(COOKIE_NAME, path="/")
    flash(response, "You are signed out.")
    return response


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        raise not_found(f"The console file '{name[:60]}'")
    body = (HERE / "static" / name).read_bytes()
    headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"}
    return Response(body, media_type=STATIC_FILES[name], headers=headers)
