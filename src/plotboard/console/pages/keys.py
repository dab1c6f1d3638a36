"""API keys: create (the secret shown once), list, revoke."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.admin import keys as key_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import SignedInAdmin
from plotboard.console.forms import FormState, problems_of
from plotboard.console.web import (
    BASE,
    ConsoleRoute,
    PageAdmin,
    PostedForm,
    flash,
    redirect,
    render,
)
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime

router = APIRouter(prefix=BASE + "/keys", route_class=ConsoleRoute, include_in_schema=False)


def _page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    f: FormState,
    *,
    created: dict[str, Any] | None = None,
    chosen: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    keys = key_admin.list_keys(runtime, admin.org_id)
    return render(
        request,
        runtime,
        "keys.html",
        admin,
        active="keys",
        status_code=status_code,
        keys=sorted(keys, key=lambda k: (k.revoked_at is not None, k.created_at)),
        f=f,
        created=created,
        chosen=["tokens"] if chosen is None else chosen,
    )


@router.get("")
def keys_page(request: Request, admin: PageAdmin, runtime: RuntimeDep) -> Response:
    return _page(request, runtime, admin, FormState({}))


@router.post("")
def create_key(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    values = posted.fields()
    try:
        body = key_admin.KeyIn(name=posted.text("name"), scopes=posted.values("scopes"))
        created = key_admin.create_key(runtime, posted.actor, body)
    except (ValidationError, PlotboardError) as err:
        f = FormState(values, problems_of(err))
        chosen = posted.values("scopes")
        return _page(request, runtime, posted.admin, f, chosen=chosen, status_code=422)
    return _page(request, runtime, posted.admin, FormState({}), created=created, status_code=201)


@router.post("/{key_id}/revoke")
def revoke_key(key_id: str, posted: PostedForm, runtime: RuntimeDep) -> Response:
    revoked = key_admin.revoke_key(runtime, posted.actor, key_id)
    response = redirect(BASE + "/keys")
    flash(
        response,
        f"The key “{revoked.name}” ({revoked.id}) is revoked: it and every token it minted stop "
        "working now.",
    )
    return response
