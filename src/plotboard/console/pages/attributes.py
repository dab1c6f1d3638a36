"""Token attributes: the typed model of the host app's users. Add, edit, delete."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.admin import attributes as attribute_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth import attribute_store as attrs
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
)
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime

router = APIRouter(prefix=BASE + "/attributes", route_class=ConsoleRoute, include_in_schema=False)

TYPE_LABELS = {
    "string": "Text",
    "number": "Number",
    "boolean": "True / false",
    "string_list": "List of texts",
    "number_list": "List of numbers",
}


def _back(path: str) -> str:
    """Where to go once an attribute is added: an access rule's page the admin came from (a
    console path, never another site), else nowhere."""
    return path if re.fullmatch(r"/rules/[A-Za-z0-9_-]+/[^/?#\\]+", path) else ""


def _page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    *,
    back: str = "",
    add: FormState | None = None,
    editing: str | None = None,
    edit: FormState | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    with runtime.store.session() as session:
        rows = attrs.list_attributes(session, admin.org_id)
    return render(
        request,
        runtime,
        "attributes.html",
        admin,
        active="attributes",
        status_code=status_code,
        attributes=rows,
        types=list(TYPE_LABELS.items()),
        type_labels=TYPE_LABELS,
        f=add or FormState({}),
        editing=editing,
        edit=edit or FormState({}),
        problem=problem,
        back=back,
    )


@router.get("")
def attributes_page(request: Request, admin: PageAdmin, runtime: RuntimeDep) -> Response:
    return _page(request, runtime, admin, back=_back(request.query_params.get("back", "")))


@router.post("")
def create_attribute(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    try:
        body = attrs.AttributeIn(
            name=posted.text("name"),
            type=posted.text("type"),  # validated by pydantic
            required=posted.checked("required"),
            description=posted.text("description"),
        )
        row = attribute_admin.create_attribute(runtime, posted.actor, body)
    except (ValidationError, PlotboardError) as err:
        problems = problems_of(err)
        if isinstance(err, PlotboardError) and err.code == "attribute_exists":
            problems = Problems("", {})
            problems.add("name", err.message)
        f = FormState(posted.fields(), problems)
        back = _back(posted.text("back"))
        return _page(request, runtime, posted.admin, back=back, add=f, status_code=422)
    # Sent here from an access rule that had no attribute to compare with: back to that rule.
    back = _back(posted.text("back"))
    response = redirect(BASE + (quote(back) if back else "/attributes"))
    then = " Compare a column with it below." if back else ""
    flash(response, f"Added the token attribute “{row.name}”. Tokens may now carry it.{then}")
    return response


@router.post("/{name}")
def update_attribute(
    name: str, request: Request, posted: PostedForm, runtime: RuntimeDep
) -> Response:
    try:
        patch = attrs.AttributePatch(
            type=posted.text("type"),  # validated by pydantic
            required=posted.checked("required"),
            description=posted.text("description"),
        )
        attribute_admin.update_attribute(runtime, posted.actor, name, patch)
    except (ValidationError, PlotboardError) as err:
        if isinstance(err, PlotboardError) and err.status == 404:
            raise
        f = FormState(posted.fields(), problems_of(err))
        status = err.status if isinstance(err, PlotboardError) else 422
        return _page(request, runtime, posted.admin, editing=name, edit=f, status_code=status)
    response = redirect(BASE + "/attributes")
    flash(response, f"Saved the token attribute “{name}”.")
    return response


@router.post("/{name}/delete")
def delete_attribute(
    name: str, request: Request, posted: PostedForm, runtime: RuntimeDep
) -> Response:
    try:
        attribute_admin.delete_attribute(runtime, posted.actor, name)
    except PlotboardError as err:
        if err.status == 404:
            raise
        return _page(request, runtime, posted.admin, problem=err.message, status_code=err.status)
    response = redirect(BASE + "/attributes")
    flash(response, f"Deleted the token attribute “{name}”.")
    return response
