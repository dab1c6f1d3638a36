"""Organization settings and usage limits: the time zone relative dates count from, and how
many queries, AI questions and token mints are allowed, per user and per organization, a
minute and at once."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from plotboard.admin import limits as limit_admin
from plotboard.admin import organization as org_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import SignedInAdmin
from plotboard.console.forms import FormState, Problems, problems_of
from plotboard.console.web import BASE, ConsoleRoute, PageAdmin, PostedForm, flash, redirect, render
from plotboard.errors import PlotboardError
from plotboard.org_settings import time_zone_names
from plotboard.runtime import Runtime
from plotboard.usage import UsageLimits

router = APIRouter(prefix=BASE + "/limits", route_class=ConsoleRoute, include_in_schema=False)

#: The form's rows: (what, whose, field name prefix).
ROWS = (
    ("Queries", "each end user", "query_per_user"),
    ("Queries", "the whole organization", "query_per_org"),
    ("AI questions", "each end user", "ai_per_user"),
    ("AI questions", "the whole organization", "ai_per_org"),
    ("Tokens minted", "each API key", "mint_per_key"),
    ("Tokens minted", "the whole organization", "mint_per_org"),
)


def _zone_options() -> list[tuple[str, str]]:
    """Every IANA time zone, by name ("Europe/Paris" reads "Europe / Paris")."""
    return [
        (name, name.replace("_", " ").replace("/", " / ")) for name in sorted(time_zone_names())
    ]


def _page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    f: FormState,
    status_code: int = 200,
    zone: FormState | None = None,
) -> Response:
    current = limit_admin.read_limits(runtime, admin.org_id)
    if not f.values:
        f = FormState({k: str(v) for k, v in current["limits"].items()}, f.problems)
    if zone is None:
        org = org_admin.read_organization(runtime, admin.org_id)
        zone = FormState({"time_zone": org.time_zone or ""})
    return render(
        request,
        runtime,
        "limits.html",
        admin,
        active="limits",
        status_code=status_code,
        rows=ROWS,
        defaults=current["defaults"],
        f=f,
        zone=zone,
        zones=_zone_options(),
    )


@router.get("")
def limits_page(request: Request, admin: PageAdmin, runtime: RuntimeDep) -> Response:
    return _page(request, runtime, admin, FormState({}))


@router.post("")
def save_limits(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    problems = Problems()
    changes: dict[str, int] = {}
    for name in UsageLimits.model_fields:
        text = posted.text(name).replace(",", "").replace("_", "").strip()
        if not text.isdigit():
            problems.add(name, "write a whole number: 0 for no limit")
            continue
        changes[name] = int(text)
    if not problems:
        try:
            limit_admin.change_limits(runtime, posted.actor, changes)
        except PlotboardError as err:
            problems = problems_of(err)
    if problems:
        return _page(request, runtime, posted.admin, FormState(posted.fields(), problems), 422)
    response = redirect(BASE + "/limits")
    flash(response, "Saved the usage limits. Every app server applies them within seconds.")
    return response


@router.post("/organization")
def save_organization(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """The organization's time zone ("" for UTC), as `PUT /api/v1/admin/organization`."""
    chosen = posted.text("time_zone").strip() or None
    try:
        saved = org_admin.change_organization(
            runtime, posted.actor, org_admin.OrganizationIn(time_zone=chosen)
        )
    except PlotboardError as err:
        zone = FormState(posted.fields(), problems_of(err))
        return _page(request, runtime, posted.admin, FormState({}), 422, zone=zone)
    response = redirect(BASE + "/limits")
    where = saved.time_zone or "UTC"
    flash(
        response,
        f"Saved: relative dates (“last 6 months”, “this year”) now count from today in {where}.",
    )
    return response
