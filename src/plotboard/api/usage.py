"""Route dependencies that hold a request to the organization's usage limits.

    @router.post("/query", dependencies=[QueryLimit])

counts the request and holds its concurrency slots until the answer is sent; a request over
a limit gets 429 with Retry-After before the route runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
from fastapi import Depends

from plotboard.api.deps import EmbedUser, RuntimeDep, TokensKey
from plotboard.runtime import Runtime
from plotboard.usage.limiter import Ticket
from plotboard.usage.settings import Action


async def enter_slot(runtime: Runtime, action: Action, org_id: str, who: str) -> Ticket:
    """Count one request of `who` against the organization's limits for `action` and take its
    concurrency slots (429 when a limit is reached); give them back with `leave_slot`."""
    # No limit set for this action: nothing to count or hold, and no thread hop (two per
    # request otherwise, about a tenth of a cached tile's time).
    ticket = runtime.limits.enter_in_memory(action, org_id)
    if ticket is None:
        ticket = await anyio.to_thread.run_sync(runtime.limits.enter, action, org_id, who)
    return ticket


async def leave_slot(runtime: Runtime, ticket: Ticket) -> None:
    if ticket.leases:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(runtime.limits.leave, ticket)


def _embed_slot(action: Action) -> Any:
    async def slot(user: EmbedUser, runtime: RuntimeDep) -> AsyncIterator[None]:
        ticket = await enter_slot(runtime, action, user.org_id, user.user_id)
        try:
            yield
        finally:
            await leave_slot(runtime, ticket)

    return Depends(slot)


def _mint_slot(key: TokensKey, runtime: RuntimeDep) -> Iterator[None]:
    ticket = runtime.limits.enter("mint", key.org_id, key.id)
    try:
        yield
    finally:
        runtime.limits.leave(ticket)


QueryLimit = _embed_slot("query")
AskLimit = _embed_slot("ai")
MintLimit = Depends(_mint_slot)
