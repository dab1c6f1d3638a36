"""The admin console at /admin: server-rendered pages over the same services as the admin API.

The pages live in `plotboard.console.pages`, one module per set-up step; this router mounts
them all;
`plotboard.app` includes this router (the API never imports the console).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from plotboard.console.pages import (
    ai,
    attributes,
    audit,
    databases,
    embed,
    home,
    jobs,
    keys,
    limits,
    origins,
    rules,
    sandbox,
    starters,
    tables,
)
from plotboard.console.web import BASE, ConsoleRoute, error_page

router = APIRouter(include_in_schema=False)
for _page in (
    home,
    keys,
    attributes,
    databases,
    tables,
    rules,
    origins,
    ai,
    sandbox,
    embed,
    starters,
    limits,
    jobs,
    audit,
):
    router.include_router(_page.router)


# Last, after every page: an address under /admin that no page answers gets the console's own
# "no such page" page (a mistyped or old link answered raw JSON, a dead end in a browser).
_missing = APIRouter(prefix=BASE, route_class=ConsoleRoute, include_in_schema=False)


@_missing.get("/{path:path}")
async def no_such_page(request: Request, path: str) -> Response:
    if not path:
        # "/admin/" is the Overview, as it was before this route (a redirect of the slash).
        return RedirectResponse(BASE, status_code=307)
    return error_page(
        request,
        404,
        "No such page",
        f"There is no console page at {request.url.path}. The console's pages are in the menu "
        "on the left once you are signed in.",
    )


router.include_router(_missing)
