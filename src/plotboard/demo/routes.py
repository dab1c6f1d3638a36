"""The demo host app at /demo: a fake product whose backend mints tokens for sample users.

It does what a real host backend does — holds the API key server-side and mints a token per
signed-in user — so the page itself never sees the key.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict

from plotboard.api.deps import RuntimeDep
from plotboard.auth.api_keys import authenticate_api_key
from plotboard.auth.minting import MintRequest, mint_for_key
from plotboard.demo.setup import ORG_NAME, SAMPLE_USERS, read_demo_info
from plotboard.errors import PlotboardError, invalid
from plotboard.runtime import Runtime
from plotboard.store.models import Organization

router = APIRouter(tags=["demo"], include_in_schema=False)
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def _company(runtime: Runtime, org_id: str | None) -> str:
    """The demo organization's name: the host page's title, and the company the chat names."""
    if org_id is None:
        return ORG_NAME
    with runtime.store.session() as session:
        org = session.get(Organization, org_id)
        return org.name if org is not None else ORG_NAME


@router.get("/demo", response_class=HTMLResponse)
def demo_page(runtime: RuntimeDep) -> str:
    info = read_demo_info(runtime.settings.data_dir)
    company = _company(runtime, info.org_id if info else None)
    first, _, rest = company.partition(" ")
    return _templates.get_template("demo.html").render(
        users=SAMPLE_USERS,
        users_data=[asdict(u) for u in SAMPLE_USERS],
        company=company,
        logo=(first, rest),
    )


@router.get("/", response_class=HTMLResponse)
def home() -> str:
    return _templates.get_template("home.html").render()


class DemoTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str


@router.post("/demo/token")
def demo_token(body: DemoTokenRequest, runtime: RuntimeDep) -> dict[str, Any]:
    """Mint a token for a sample user, as the host app's backend would."""
    user = next((u for u in SAMPLE_USERS if u.user_id == body.user), None)
    if user is None:
        names = ", ".join(u.user_id for u in SAMPLE_USERS)
        raise invalid("user", f"'{body.user}' is not a sample user; choose one of {names}")
    info = read_demo_info(runtime.settings.data_dir)
    if info is None:
        raise PlotboardError("The demo is not set up: run `plotboard demo`.", "no_demo", 409)
    with runtime.store.session() as session:
        key = authenticate_api_key(session, info.api_key, "tokens")
        org = session.get(Organization, key.org_id)
        # The chat calls the company by the organization's name, as the host page does.
        company = org.name if org is not None else ORG_NAME
        minted = mint_for_key(
            runtime,
            session,
            key,
            MintRequest(
                user_id=user.user_id,
                attributes=user.attributes,
                # Friendly, so the chat calls the host app by its name ("Acme Ops's headcount");
                # "friendly and concise" would answer with the title alone.
                ai_context_clues={"tone": "friendly", "company": company},
            ),
        )
    return {
        "token": minted.token,
        "expires_at": minted.expires_at,
        "user": user.user_id,
        "source_id": info.source_id,
    }
