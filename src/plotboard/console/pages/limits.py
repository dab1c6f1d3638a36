"""Usage limits: how many queries, AI questions and token mints are allowed, per user and
per organization, a minute and at once."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from plotboard.admin import limits as limit_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import SignedInAdmin
from plotboard.console.forms import FormState, Problems, problems_of
from plotboard.console.web import BASE, ConsoleRoute, PageAdmin, PostedForm, flash, redirect, render
from plotboard.errors import PlotboardError
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


def _page(
    request: Request, runtime: Runtime, admin: SignedInAdmin, f: FormState, status_code: int = 200
) -> Response:
    current = limit_admin.read_limits(runtime, admin.org_id)
    if not f.values:
        f = FormState({k: str(v) for k, v in current["limits"].items()}, f.problems)
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
