"""Token sandbox: mint a test token with a live API key, introspect a token, and preview the
editor as that user, right on the page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard import audit
from plotboard.api.deps import RuntimeDep
from plotboard.auth.api_keys import KeyInfo, authenticate_api_key, list_api_keys
from plotboard.auth.attribute_store import attribute_model
from plotboard.auth.embed_tokens import IntrospectRequest
from plotboard.auth.embed_tokens import introspect as introspect_token
from plotboard.auth.minting import MintRequest, mint_for_key
from plotboard.auth.sessions import SignedInAdmin
from plotboard.bundle import BUNDLE_DIR, ENTRY
from plotboard.console.forms import (
    FormState,
    Problems,
    attribute_rename,
    context_clues,
    parse_attribute_values,
    problems_of,
)
from plotboard.console.pages.attributes import TYPE_LABELS
from plotboard.console.preview import attribute_examples, example_placeholder
from plotboard.console.web import (
    BASE,
    ConsoleRoute,
    PageAdmin,
    Posted,
    PostedForm,
    render,
)
from plotboard.errors import PlotboardError, invalid
from plotboard.runtime import Runtime
from plotboard.sources import store as sources
from plotboard.store.models import ApiKey

router = APIRouter(prefix=BASE + "/sandbox", route_class=ConsoleRoute, include_in_schema=False)

LIFETIMES = (("300", "5 minutes"), ("900", "15 minutes"), ("3600", "1 hour"), ("28800", "8 hours"))
DEFAULTS = {"user_id": "test-user", "expires_in": "3600", "dashboards": "edit", "ai": "1"}


def bundle_built() -> bool:
    return (BUNDLE_DIR / ENTRY).is_file()


def _page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    f: FormState,
    *,
    minted: dict[str, Any] | None = None,
    inspect: FormState | None = None,
    introspection: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    with runtime.store.session() as session:
        keys = [
            k
            for k in list_api_keys(session, admin.org_id)
            if k.revoked_at is None and "tokens" in k.scopes
        ]
        model = attribute_model(session, admin.org_id)
        # Named to the admin only: what the token cannot see, and why.
        closed = [
            {"id": s.id, "name": s.name}
            for s in sources.list_sources(session, admin.org_id)
            if not sources.is_open(s)
        ]
    examples = attribute_examples(runtime, admin.org_id)
    return render(
        request,
        runtime,
        "sandbox.html",
        admin,
        active="sandbox",
        status_code=status_code,
        keys=keys,
        attributes=model,
        type_labels=TYPE_LABELS,
        placeholders={a.name: example_placeholder(a, examples.get(a.name)) for a in model},
        lifetimes=LIFETIMES,
        f=f,
        minted=minted,
        inspect=inspect or FormState({}),
        introspection=introspection,
        bundle=bundle_built(),
        closed_sources=closed,
    )


@router.get("")
def sandbox_page(request: Request, admin: PageAdmin, runtime: RuntimeDep) -> Response:
    return _page(request, runtime, admin, FormState(DEFAULTS))


def _key(session: Any, posted: Posted) -> KeyInfo:
    """The key to mint with: one pasted, or a live key of the organization chosen by id."""
    pasted = posted.text("api_key")
    if pasted:
        try:
            key = authenticate_api_key(session, pasted, "tokens")
        except PlotboardError as err:
            raise invalid("api_key", err.message) from None
        if key.org_id != posted.admin.org_id:
            raise invalid("api_key", "this key belongs to another organization")
        return key
    key_id = posted.text("key_id")
    row = session.get(ApiKey, key_id) if key_id else None
    if row is None or row.org_id != posted.admin.org_id:
        raise invalid("key_id", "choose one of your API keys, or paste one")
    if row.revoked_at is not None:
        raise invalid("key_id", f"the key {row.id} is revoked; choose a live one")
    if "tokens" not in row.scopes:
        raise invalid("key_id", f"the key {row.id} may not mint tokens (it lacks that scope)")
    return KeyInfo(row.id, row.org_id, tuple(row.scopes), row.name)


@router.post("")
def mint(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """Mint a token exactly as `POST /api/v1/embed/tokens` would with the chosen key."""
    values = {k: v for k, v in posted.fields().items() if k != "api_key"}
    admin = posted.admin
    try:
        with runtime.store.session() as session:
            model = attribute_model(session, admin.org_id)
            attributes, problems = parse_attribute_values(model, values)
            if problems:
                raise _Refused(problems)
            body = MintRequest.model_validate(
                {
                    "user_id": posted.text("user_id", strip=False),
                    "attributes": attributes,
                    "ai_context_clues": context_clues(posted.text("ai_context_clues")),
                    "permissions": {
                        "dashboards": posted.text("dashboards") or "edit",
                        "ai": posted.checked("ai"),
                        "sql": posted.checked("sql"),
                    },
                    "expires_in": posted.text("expires_in") or "3600",
                }
            )
            key = _key(session, posted)
            minted = mint_for_key(runtime, session, key, body)
            audit.record(
                session,
                admin.org_id,
                admin.email,
                "token.minted_in_sandbox",
                "api_key",
                key.id,
                user_id=body.user_id,
                attributes=sorted(attributes),
            )
    except _Refused as refused:
        return _page(request, runtime, admin, FormState(values, refused.problems), status_code=422)
    except (ValidationError, PlotboardError) as err:
        problems = problems_of(err, _rename)
        return _page(request, runtime, admin, FormState(values, problems), status_code=422)
    claims = runtime.tokens.verify(minted.token).claims()
    result = {"token": minted.token, "expires_at": minted.expires_at, "claims": claims}
    return _page(request, runtime, admin, FormState(values), minted=result, status_code=201)


class _Refused(Exception):
    def __init__(self, problems: Problems) -> None:
        super().__init__(problems.summary)
        self.problems = problems


def _rename(api_name: str) -> str:
    if api_name.startswith("permissions."):
        return api_name.removeprefix("permissions.")
    return attribute_rename(api_name)


@router.post("/introspect")
def introspect(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """What a token carries and whether it is valid now, as `POST .../tokens/introspect` says
    for this organization."""
    values = posted.fields()
    try:
        token = IntrospectRequest(token=posted.text("token")).token
    except ValidationError:
        problems = Problems()
        problems.add("token", "paste an embed token (it starts with eyJ)")
        return _page(
            request,
            runtime,
            posted.admin,
            FormState(DEFAULTS),
            inspect=FormState(values, problems),
            status_code=422,
        )
    answer = introspect_token(runtime.tokens, posted.admin.org_id, token)
    return _page(
        request,
        runtime,
        posted.admin,
        FormState(DEFAULTS),
        inspect=FormState(values),
        introspection=answer,
    )
