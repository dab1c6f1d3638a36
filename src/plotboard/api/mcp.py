"""The MCP endpoint: the host's own AI agents use plotboard with an embed token.

A Model Context Protocol server (the official `mcp` SDK, ``pip install 'plotboard[mcp]'``) at
``/mcp`` over streamable HTTP, stateless (every request stands alone, so any app server of
several answers it), with four tools: `list_tables`, `describe_table`, `run_query` (a query
spec, or SQL when the token allows it) and `ask` (a question, answered like the editor's chat,
with the data). Every request carries ``Authorization: Bearer <embed token>``; the token is
verified before the SDK sees the request, and each tool runs as that user, through the same
services as the embed API: the same access rules, the same permissions (``ai`` for `ask`,
``sql`` for raw SQL), the same refusals. Each tool call is written to the audit log.

A browser may call it only from an origin the organization authorized, like the embed API;
agents on servers send no ``Origin``. Without the `mcp` package installed, ``/mcp`` answers
501 saying what to install. The SDK is imported on the first request to ``/mcp`` (the tools are
in `plotboard.api.mcp_tools`), so servers whose hosts never use it do not pay for it.
"""

import contextlib
import importlib.util
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from anyio.abc import TaskGroup, TaskStatus
from starlette.requests import Request

from plotboard.api.deps import embed_user
from plotboard.api.errors import ErrorResponse
from plotboard.errors import PlotboardError
from plotboard.runtime import Runtime

HAVE_MCP = importlib.util.find_spec("mcp") is not None

PATH = "/mcp"
USER_KEY = "plotboard_user"  # where the verified EmbedToken waits for the tools (scope state)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class McpEndpoint:
    """The ASGI app for ``/mcp``; `lifespan` runs with the app's."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._manager: Any = None
        self._tasks: TaskGroup | None = None
        self._starting = anyio.Lock()

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Holds the task group the SDK's session manager will run in once started; a
        manager runs only once, so each start of the app gets a new one."""
        async with anyio.create_task_group() as tasks:
            self._tasks = tasks
            try:
                yield
            finally:
                self._tasks = self._manager = None
                tasks.cancel_scope.cancel()

    async def _started(self) -> Any:
        async with self._starting:
            if self._manager is None and self._tasks is not None:
                from plotboard.api.mcp_tools import session_manager

                manager = await anyio.to_thread.run_sync(session_manager, self.runtime)
                await self._tasks.start(_run, manager)
                self._manager = manager
            return self._manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if not HAVE_MCP:
            await _error(scope, receive, send, PlotboardError(
                "The MCP endpoint needs the mcp package on this server: "
                "pip install 'plotboard[mcp]', then restart.", "mcp_not_installed", 501))
            return
        try:
            user = await embed_user(Request(scope), self.runtime)
        except PlotboardError as err:
            await _error(scope, receive, send, err)
            return
        manager = await self._started()
        if manager is None:  # served without the app's lifespan (or shutting down)
            await _error(scope, receive, send, PlotboardError(
                "The MCP endpoint is not running; try again in a moment.", "restarting", 503))
            return
        # The tools read the verified user from the request the SDK hands them.
        scope.setdefault("state", {})[USER_KEY] = user
        await manager.handle_request(scope, receive, send)


async def _run(manager: Any, *, task_status: TaskStatus[None]) -> None:
    async with manager.run():
        task_status.started()
        await anyio.sleep_forever()


async def _error(scope: Scope, receive: Receive, send: Send, err: PlotboardError) -> None:
    """The same JSON error body (and headers) as every other route answers."""
    headers = {**err.headers, **({"WWW-Authenticate": "Bearer"} if err.status == 401 else {})}
    response = ErrorResponse(err.body(), status_code=err.status, headers=headers)
    await response(scope, receive, send)
