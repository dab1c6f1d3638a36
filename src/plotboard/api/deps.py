"""Typed dependencies shared by the routes: the runtime, the embed user, the admin."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Depends, Request

from plotboard.admin.actor import AdminActor
from plotboard.auth.api_keys import KeyInfo, Scope, authenticate_api_key
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.auth.origins import normalize_origin
from plotboard.auth.sessions import COOKIE_NAME, CSRF_HEADER, check_csrf, current_admin
from plotboard.errors import PlotboardError, forbidden, unauthorized
from plotboard.query.run import QueryUser
from plotboard.runtime import Runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_runtime(request: Request) -> Runtime:
    # async on purpose: a plain `def` dependency would cost a thread hop on every request.
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise unauthorized(
            "The Authorization header must be 'Bearer <token>'.", "malformed_authorization"
        )
    return value.strip()


def own_origin(request: Request, runtime: Runtime) -> str:
    """This server's origin as browsers see it (public_url when set, else the Host header)."""
    if runtime.settings.public_url:
        return normalize_origin(runtime.settings.public_url)
    host = request.headers.get("host", "")
    try:
        return normalize_origin(f"{request.url.scheme}://{host}")
    except PlotboardError:
        return ""


async def embed_user(request: Request, runtime: RuntimeDep) -> EmbedToken:
    """The verified embed token, from an origin the token's organization authorized."""
    raw = bearer(request)
    # Usually all in memory; otherwise the key check reads the store, off the event loop.
    token = runtime.tokens.verify_from_memory(raw)
    if token is None:
        token = await anyio.to_thread.run_sync(runtime.tokens.verify, raw)
    origin = request.headers.get("origin")
    if origin is not None:
        if runtime.origins.stale():
            await anyio.to_thread.run_sync(runtime.origins.refresh)
        runtime.origins.check(token.org_id, origin, own_origin(request, runtime))
    return token


def embed_user_in_memory(request: Request, runtime: Runtime) -> EmbedToken | None:
    """`embed_user`'s answer when everything it checks is in memory (a token verified before
    whose key is still live, the authorized origins current); None when `embed_user` must run
    (it may read the store). Raises what `embed_user` raises."""
    token = runtime.tokens.verify_from_memory(bearer(request))
    if token is None:
        return None
    origin = request.headers.get("origin")
    if origin is not None:
        if runtime.origins.stale():
            return None
        runtime.origins.check(token.org_id, origin, own_origin(request, runtime))
    return token


EmbedUser = Annotated[EmbedToken, Depends(embed_user)]


def query_user(user: EmbedToken) -> QueryUser:
    """What the query path reads of a verified embed token: its organization, its attributes
    (for the access rules and tenant routing) and whether it may run raw SQL."""
    return QueryUser(user.org_id, user.attributes, may_run_sql=user.permissions.sql)


def require_edit(user: EmbedToken) -> None:
    if user.permissions.dashboards != "edit":
        raise forbidden(
            "This embed token allows viewing dashboards only; the host app can mint one with "
            "permissions.dashboards = 'edit'.",
            "read_only_token",
        )


def api_key_with(scope: Scope, request: Request, runtime: Runtime) -> KeyInfo:
    origin = request.headers.get("origin")
    if origin is not None and origin != own_origin(request, runtime):
        # A browser is calling with an API key: that key is now public. Refuse loudly.
        raise forbidden(
            "API keys must stay on the host app's server. Mint embed tokens from your backend, "
            "never from a browser.",
            "api_key_in_browser",
        )
    with runtime.store.session() as session:
        return authenticate_api_key(session, bearer(request), scope)


def tokens_key(request: Request, runtime: RuntimeDep) -> KeyInfo:
    return api_key_with("tokens", request, runtime)


TokensKey = Annotated[KeyInfo, Depends(tokens_key)]


def admin_actor(request: Request, runtime: RuntimeDep) -> AdminActor:
    """An admin signed in with a session (CSRF-checked on writes) or an admin-scoped API key."""
    if request.headers.get("authorization"):
        key = api_key_with("admin", request, runtime)
        return AdminActor(key.org_id, f"api-key:{key.id}")
    with runtime.store.session() as session:
        admin = current_admin(session, request.cookies.get(COOKIE_NAME))
    if admin is None:
        raise unauthorized(
            "Sign in first (POST /api/v1/admin/session), or send an API key with the admin scope.",
            "not_signed_in",
        )
    if request.method not in SAFE_METHODS:
        check_csrf(admin, request.headers.get(CSRF_HEADER))
    return AdminActor(admin.org_id, admin.email)


Admin = Annotated[AdminActor, Depends(admin_actor)]
