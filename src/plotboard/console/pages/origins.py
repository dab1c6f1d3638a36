"""Authorized origins: the web pages that may embed the editor. Add and remove."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.admin import origins as origin_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import SignedInAdmin
from plotboard.console.forms import FormState, Problems, problems_of
from plotboard.console.web import (
    BASE,
    ConsoleRoute,
    PageAdmin,
    PostedForm,
    flash,
    redirect,
    render,
    server_url,
)
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime

router = APIRouter(prefix=BASE + "/origins", route_class=ConsoleRoute, include_in_schema=False)


def _page(
    request: Request, runtime: Runtime, admin: SignedInAdmin, f: FormState, status_code: int = 200
) -> Response:
    rows = origin_admin.list_origins(runtime, admin.org_id)
    return render(
        request,
        runtime,
        "origins.html",
        admin,
        active="origins",
        status_code=status_code,
        origins=rows,
        f=f,
        here=server_url(request, runtime),
    )


@router.get("")
def origins_page(request: Request, admin: PageAdmin, runtime: RuntimeDep) -> Response:
    return _page(request, runtime, admin, FormState({}))


@router.post("")
def add_origin(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    try:
        body = origin_admin.OriginIn(origin=posted.text("origin"))
        out = origin_admin.add_origin(runtime, posted.actor, body)
    except (ValidationError, PlotboardError) as err:
        problems = problems_of(err)
        if isinstance(err, ValidationError) and not posted.text("origin"):
            problems = Problems()
            problems.add(
                "origin", "is empty; write a scheme and a host, e.g. https://app.example.com"
            )
        elif isinstance(err, PlotboardError) and err.code == "origin_exists":
            problems = Problems()
            problems.add("origin", err.message)
        return _page(request, runtime, posted.admin, FormState(posted.fields(), problems), 422)
    response = redirect(BASE + "/origins")
    flash(response, f"Authorized {out.origin}: pages there may now embed the editor.")
    return response


@router.post("/{origin_id}/delete")
def remove_origin(origin_id: str, posted: PostedForm, runtime: RuntimeDep) -> Response:
    removed = origin_admin.remove_origin(runtime, posted.actor, origin_id)
    response = redirect(BASE + "/origins")
    flash(response, f"Removed {removed.origin}: pages there can no longer load data.", "warn")
    return response
