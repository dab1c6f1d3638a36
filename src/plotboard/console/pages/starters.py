"""Starter dashboards and sharing: publish a user's dashboard (say one built in the token
sandbox) as a starter every end user sees, update it from a dashboard, withdraw it; and choose
the token attribute that names a team, within which users share dashboards."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.admin import organization as org_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.attribute_store import list_attributes
from plotboard.auth.sessions import SignedInAdmin
from plotboard.console.forms import FormState, problems_of
from plotboard.console.web import BASE, ConsoleRoute, PageAdmin, PostedForm, flash, redirect, render
from plotboard.dashboards import starters
from plotboard.dashboards import store as dashboards
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime

router = APIRouter(prefix=BASE + "/starters", route_class=ConsoleRoute, include_in_schema=False)

DEFAULT_USER = "test-user"
"""The token sandbox's default user: where a dashboard built there is saved."""


def _back(user: str) -> str:
    return BASE + "/starters" + (f"?user={quote(user, safe='')}" if user else "")


def _page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    user: str,
    *,
    team: FormState | None = None,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    org = org_admin.read_organization(runtime, admin.org_id)
    with runtime.store.session() as session:
        published = starters.list_starters(session, admin.org_id)
        teamable = [
            (a.name, f"{a.name} ({a.type})")
            for a in list_attributes(session, admin.org_id)
            if a.type in org_admin.TEAM_TYPES
        ]
        theirs = [
            d
            for d in dashboards.list_dashboards(session, admin.org_id, user)
            if d.owner == "me" and not d.starter
        ] if user else []  # fmt: skip
    return render(
        request,
        runtime,
        "starters.html",
        admin,
        active="starters",
        status_code=status_code,
        starters=published,
        user=user,
        dashboards=theirs,
        team=team or FormState({"team_attribute": org.team_attribute or ""}),
        team_options=teamable,
        problem=problem,
    )


@router.get("")
def starters_page(
    request: Request, admin: PageAdmin, runtime: RuntimeDep, user: str = DEFAULT_USER
) -> Response:
    return _page(request, runtime, admin, user.strip()[:200])


@router.post("/team")
def save_team(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """The team attribute ("" turns sharing off), as `PUT /api/v1/admin/organization`."""
    chosen = posted.text("team_attribute") or None
    try:
        org_admin.change_organization(
            runtime, posted.actor, org_admin.OrganizationIn(team_attribute=chosen)
        )
    except (ValidationError, PlotboardError) as err:
        state = FormState(posted.fields(), problems_of(err))
        return _page(
            request, runtime, posted.admin, posted.text("user"), team=state, status_code=422
        )
    response = redirect(_back(posted.text("user")))
    flash(
        response,
        f"Saved: users share dashboards with those whose token has the same '{chosen}'."
        if chosen
        else "Saved: sharing is off. Dashboards shared before are hidden from teammates.",
    )
    return response


def _refused(
    request: Request, runtime: Runtime, posted: PostedForm, err: PlotboardError | ValidationError
) -> Response:
    problems = problems_of(err)
    message = err.message if isinstance(err, PlotboardError) else problems.summary or str(err)
    status = err.status if isinstance(err, PlotboardError) else 422
    return _page(request, runtime, posted.admin, posted.text("user"), problem=message,
                 status_code=status)  # fmt: skip


NO_DASHBOARD = (
    "Choose a dashboard to publish: show a user's dashboards (the sandbox's user is test-user) "
    "and pick one of them."
)


@router.post("/publish")
def publish(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    if not posted.text("dashboard_id"):
        return _page(request, runtime, posted.admin, posted.text("user"), problem=NO_DASHBOARD,
                     status_code=422)  # fmt: skip
    try:
        body = starters.StarterIn(
            dashboard_id=posted.text("dashboard_id") or None,
            title=posted.text("title") or None,
        )
        with runtime.store.session() as session:
            out = starters.publish_starter(
                session, posted.admin.org_id, posted.admin.email, body,
                runtime.settings.max_dashboard_bytes,
            )  # fmt: skip
    except (ValidationError, PlotboardError) as err:
        return _refused(request, runtime, posted, err)
    response = redirect(_back(posted.text("user")))
    flash(response, f"Published “{out.title}”: every end user now sees it under Starters.")
    return response


@router.post("/{starter_id}/update")
def update(starter_id: str, request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    if not posted.text("dashboard_id"):
        return _page(request, runtime, posted.admin, posted.text("user"), problem=NO_DASHBOARD,
                     status_code=422)  # fmt: skip
    try:
        body = starters.StarterUpdate(dashboard_id=posted.text("dashboard_id") or None)
        with runtime.store.session() as session:
            out = starters.update_starter(
                session, posted.admin.org_id, posted.admin.email, starter_id, body,
                runtime.settings.max_dashboard_bytes,
            )  # fmt: skip
    except (ValidationError, PlotboardError) as err:
        return _refused(request, runtime, posted, err)
    response = redirect(_back(posted.text("user")))
    flash(
        response,
        f"Updated “{out.title}” (version {out.version}): users who never edited it see it now; "
        "their own copies stay as they are.",
    )
    return response


@router.post("/{starter_id}/withdraw")
def withdraw(
    starter_id: str, request: Request, posted: PostedForm, runtime: RuntimeDep
) -> Response:
    try:
        with runtime.store.session() as session:
            row = starters.get_starter(session, posted.admin.org_id, starter_id)
            starters.withdraw_starter(session, posted.admin.org_id, posted.admin.email, starter_id)
    except PlotboardError as err:
        return _refused(request, runtime, posted, err)
    response = redirect(_back(posted.text("user")))
    flash(
        response,
        f"Withdrew “{row.title}”: gone for users who never edited it; "
        f"{row.copies} user copies stay with their owners.",
        "warn",
    )
    return response
