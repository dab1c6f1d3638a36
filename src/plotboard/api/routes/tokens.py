"""Host backends mint and introspect embed tokens here, with an API key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from plotboard.api.deps import RuntimeDep, TokensKey
from plotboard.auth.minting import MintedToken, MintRequest, mint_for_key
from plotboard.errors import PlotboardError

router = APIRouter(prefix="/api/v1/embed/tokens", tags=["tokens"])


@router.post("", status_code=201, response_model=MintedToken)
def create_token(body: MintRequest, key: TokensKey, runtime: RuntimeDep) -> MintedToken:
    """Mint a token for one end user. The attributes are checked against the token model."""
    with runtime.store.session() as session:
        return mint_for_key(runtime, session, key, body)


class IntrospectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=20_000)


@router.post("/introspect")
def introspect_token(
    body: IntrospectRequest, key: TokensKey, runtime: RuntimeDep
) -> dict[str, Any]:
    """Whether a token is valid now, and what it carries. Tokens of other organizations are
    reported as invalid without saying more."""
    try:
        token = runtime.tokens.verify(body.token)
    except PlotboardError as err:
        return {"valid": False, "code": err.code, "reason": err.message}
    if token.org_id != key.org_id:
        return {"valid": False, "code": "invalid_token", "reason": "The embed token is not valid."}
    return {"valid": True, **token.claims()}
