"""Host backends mint and introspect embed tokens here, with an API key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from plotboard.api import answers
from plotboard.api.deps import RuntimeDep, TokensKey
from plotboard.api.usage import MintLimit
from plotboard.auth.embed_tokens import IntrospectRequest, introspect
from plotboard.auth.minting import MintedToken, MintRequest, mint_for_key

router = APIRouter(prefix="/api/v1/embed/tokens", tags=["tokens"])


@router.post(
    "",
    operation_id="mint_embed_token",
    status_code=201,
    response_model=MintedToken,
    dependencies=[MintLimit],
)
def create_token(body: MintRequest, key: TokensKey, runtime: RuntimeDep) -> MintedToken:
    """Mint a token for one end user. The attributes are checked against the token model."""
    with runtime.store.session() as session:
        return mint_for_key(runtime, session, key, body)


@router.post(
    "/introspect", operation_id="introspect_embed_token", response_model=answers.Introspection
)
def introspect_token(
    body: IntrospectRequest, key: TokensKey, runtime: RuntimeDep
) -> dict[str, Any]:
    """Whether a token is valid now, and what it carries. Tokens of other organizations are
    reported as invalid without saying more."""
    return introspect(runtime.tokens, key.org_id, body.token)
