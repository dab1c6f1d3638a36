"""Authorized origins: the web pages that may embed the editor. Add and remove."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.api.deps import RuntimeDep
from plotboard.api.routes import admin_setup
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
from plotboard.errors import PlotboardError, not_found
from plotboard.runtime import Runtime
from plotboard.store.models import Origin

router = APIRouter(prefix=BASE + "/origins", route_class=ConsoleRoute, include_in_schema=False)


def _page(
    request: Request, runtime: Runtime, admin: SignedInAdmin, f: FormState, status_code: int = 200
) -> Response:
    with runtime.store.session() as session:
        rows = list(
            session.scalars(
                sa.select(Origin).where(Origin.org_id == admin.org_id).order_by(Origin.origin)
            )
        )
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
        body = admin_setup.OriginIn(origin=posted.text("origin"))
        out = admin_setup.create_origin(body, posted.actor, runtime)
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
    with runtime.store.session() as session:
        row = session.get(Origin, origin_id)
        if row is None or row.org_id != posted.admin.org_id:
            raise not_found(f"Origin {origin_id}")
        origin = row.origin
    admin_setup.delete_origin(origin_id, posted.actor, runtime)
    response = redirect(BASE + "/origins")
    flash(response, f"Removed {origin}: pages there can no longer load data.", "warn")
    return response
