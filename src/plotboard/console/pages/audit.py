"""Audit log: who changed which part of the set-up, and how many tokens each key minted."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response

from plotboard import audit
from plotboard.api.deps import RuntimeDep
from plotboard.auth.api_keys import list_api_keys
from plotboard.console.web import BASE, ConsoleRoute, PageAdmin, render

router = APIRouter(prefix=BASE + "/audit", route_class=ConsoleRoute, include_in_schema=False)

ACTIONS = {
    "api_key.created": "created the API key",
    "api_key.revoked": "revoked the API key",
    "token_attribute.created": "added the token attribute",
    "token_attribute.updated": "changed the token attribute",
    "token_attribute.deleted": "deleted the token attribute",
    "source.created": "connected the database",
    "source.updated": "changed the database",
    "source.deleted": "removed the database",
    "catalog.refreshed": "re-read the tables of",
    "catalog.table_updated": "edited the table",
    "catalog.column_updated": "edited the column",
    "rule.saved": "saved the access rule of",
    "rule.deleted": "deleted the access rule of",
    "origin.added": "authorized an origin",
    "origin.removed": "removed an origin",
    "ai_settings.saved": "saved the AI settings",
    "token.minted_in_sandbox": "minted a test token with",
}


def _details(details: dict[str, Any]) -> str:
    text = json.dumps(details, ensure_ascii=False, default=str, separators=(", ", ": "))
    return "" if text == "{}" else text[:300]


@router.get("")
def audit_page(
    request: Request, admin: PageAdmin, runtime: RuntimeDep, limit: int = 200
) -> Response:
    limit = max(1, min(limit, 1000))
    with runtime.store.session() as session:
        rows = audit.entries(session, admin.org_id, limit)
        entries = [
            {
                "when": r.created_at,
                "actor": r.actor,
                "action": ACTIONS.get(r.action, r.action),
                "code": r.action,
                "target": r.details.get("origin") or r.details.get("name") or r.target_id,
                "details": _details(r.details),
            }
            for r in rows
        ]
        keys = list_api_keys(session, admin.org_id)
    return render(
        request,
        runtime,
        "audit.html",
        admin,
        active="audit",
        entries=entries,
        keys=sorted(keys, key=lambda k: -k.tokens_minted),
        limit=limit,
    )
