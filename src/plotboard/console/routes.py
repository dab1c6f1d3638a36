"""The admin console at /admin: server-rendered pages over the same services as the admin API.

The pages live in `plotboard.console.pages`, one module per set-up step; this router mounts
them all;
`plotboard.app` includes this router (the API never imports the console).
"""

from __future__ import annotations

from fastapi import APIRouter

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
