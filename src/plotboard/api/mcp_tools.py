"""The tools of the MCP endpoint (`plotboard.api.mcp`), on the official `mcp` SDK.

Imported on the first request to ``/mcp``. Each tool runs as the user whose embed token the
endpoint verified, through the services the embed API uses, and is audited.
"""

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from pydantic import ValidationError

from plotboard import __version__, audit
from plotboard.ai import ask as ai_ask
from plotboard.ai.ask_request import AskRequest
from plotboard.api.deps import query_user
from plotboard.api.mcp import USER_KEY
from plotboard.auth.embed_tokens import EmbedToken
from plotboard.errors import PlotboardError
from plotboard.query.run import QueryRequest, describe_catalog, run_query
from plotboard.runtime import Runtime
from plotboard.sources.errors import END_USER_MESSAGES, SourceError
from plotboard.sources.store import list_sources

try:
    from mcp.server import MCPServer
    from mcp.server.mcpserver import Context
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from mcp.server.transport_security import TransportSecuritySettings
except ImportError:  # plotboard.api.mcp answers 501 and never imports this module then
    pass

log = logging.getLogger("plotboard.mcp")

MAX_ROWS = 1000
DEFAULT_ROWS = 200

INSTRUCTIONS = (
    "plotboard answers questions about the business data this user may see. Start with "
    "list_tables, then describe_table for the columns; run_query takes a plotboard query spec "
    '({"table": ..., "measures": [{"agg": "sum", "column": ...}], "dimensions": [...], '
    '"filters": [...]}); ask answers a question in plain words and returns the data too. '
    "Every answer is already limited to this user's rows."
)


def session_manager(runtime: Runtime) -> Any:
    """A new session manager serving the tools (stateless, JSON answers)."""
    server = MCPServer(
        "plotboard", instructions=INSTRUCTIONS, version=__version__,
        warn_on_duplicate_tools=False,
    )
    tools = _Tools(runtime)
    server.add_tool(tools.list_tables, name="list_tables")
    server.add_tool(tools.describe_table, name="describe_table")
    server.add_tool(tools.run_query, name="run_query")
    server.add_tool(tools.ask, name="ask")
    # Made for its session manager (the SDK's way to mount a server into another app); the
    # Starlette app it returns is not used: McpEndpoint checks the token first.
    server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        # The SDK's Host/Origin check is for servers on localhost; this one checks the bearer
        # token and the organization's authorized origins before the SDK sees the request.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager: StreamableHTTPSessionManager = server.session_manager
    return manager


def _user(ctx: Any) -> EmbedToken:
    request = ctx.request_context.request
    user = getattr(getattr(request, "state", None), USER_KEY, None)
    if not isinstance(user, EmbedToken):  # only reachable if mounted without McpEndpoint
        raise ToolError("Send an embed token as 'Authorization: Bearer <token>'.")
    return user


def _message(err: Exception) -> str:
    if isinstance(err, SourceError) and err.code in END_USER_MESSAGES:
        return END_USER_MESSAGES[err.code]
    if isinstance(err, PlotboardError):
        return err.message
    if isinstance(err, ValidationError):
        first = err.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        return f"{where}: {msg}" if where else msg
    return "Something went wrong on the server; it was logged. Try again, or ask the admin."


class _Tools:
    """The tools; each runs as the user of the request and is audited."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def _audit(self, user: EmbedToken, tool: str, target: str | None, **details: Any) -> None:
        def write() -> None:
            with self.runtime.store.session() as session:
                audit.record(
                    session, user.org_id, f"embed:{user.user_id}", f"mcp.{tool}", "mcp_tool",
                    target, token_id=user.token_id, key_id=user.key_id, **details,
                )
                session.commit()

        await anyio.to_thread.run_sync(write)

    async def _run(
        self, ctx: Any, tool: str, target: str | None, work: Callable[[EmbedToken],
                                                                   Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        user = _user(ctx)
        try:
            out = await work(user)
        except (PlotboardError, ValidationError) as err:
            code = err.code if isinstance(err, PlotboardError) else "invalid"
            await self._audit(user, tool, target, ok=False, code=code)
            raise ToolError(_message(err)) from None
        except Exception:
            log.exception("MCP tool %s failed", tool)
            await self._audit(user, tool, target, ok=False, code="internal")
            raise ToolError(_message(RuntimeError())) from None
        await self._audit(user, tool, target, ok=True)
        return out

    def _catalogs(self, user: EmbedToken) -> list[Any]:
        with self.runtime.store.session() as session:
            ids = [row.id for row in list_sources(session, user.org_id, end_user=True)]
        return [describe_catalog(self.runtime.source_context(user.org_id, i)) for i in ids]

    async def list_tables(self, ctx: "Context") -> dict[str, Any]:
        """The tables this user may query, per database (source): name, display name,
        description. Use describe_table for a table's columns."""

        async def work(user: EmbedToken) -> dict[str, Any]:
            catalogs = await anyio.to_thread.run_sync(self._catalogs, user)
            return {"sources": [
                {"id": c["id"], "name": c["name"], "tables": [
                    {k: t[k] for k in ("name", "display_name", "description")}
                    for t in c["tables"]]}
                for c in catalogs]}

        return await self._run(ctx, "list_tables", None, work)

    async def describe_table(
        self, table: str, ctx: "Context", source: str | None = None
    ) -> dict[str, Any]:
        """A table's columns (name, type, display name, description, semantic type) and its
        links to other tables. `source` (a source id from list_tables) is needed only when
        several databases have a table of that name."""

        async def work(user: EmbedToken) -> dict[str, Any]:
            catalogs = await anyio.to_thread.run_sync(self._catalogs, user)
            found = [
                (c, t) for c in catalogs if source in (None, c["id"], c["name"])
                for t in c["tables"] if t["name"] == table
            ]
            if not found:
                raise PlotboardError(
                    f"There is no table '{table[:100]}' this user may query; list_tables "
                    "names them.", "unknown_table", 404)
            if len(found) > 1:
                raise PlotboardError(
                    f"Several databases have a table '{table}': say which with source (one "
                    f"of {', '.join(c['id'] for c, _ in found)}).", "ambiguous_table", 422)
            catalog, described = found[0]
            return {"source": catalog["id"], **described}

        return await self._run(ctx, "describe_table", table[:200], work)

    async def run_query(
        self,
        ctx: "Context",
        query: dict[str, Any] | None = None,
        sql: str | None = None,
        source: str | None = None,
        max_rows: int = DEFAULT_ROWS,
    ) -> dict[str, Any]:
        """Run a plotboard query spec (see describe_table for the columns), for example
        {"table": "sales", "measures": [{"agg": "sum", "column": "amount"}], "dimensions":
        [{"column": "category"}]}, or one SELECT in `sql` when the token allows raw SQL.
        A filter may be a group: {"any": [...]} (OR), {"all": [...]}, or {"without":
        "<related table>", "where": [...]} (rows with no related rows).
        Returns columns and rows (at most `max_rows`, up to 1000), the SQL that ran and
        the security filters applied."""

        async def work(user: EmbedToken) -> dict[str, Any]:
            request = QueryRequest(source=source, query=query, sql=sql)
            return await _rows(self.runtime, user, request, max_rows)

        target = query.get("table") if isinstance(query, dict) else "sql" if sql else None
        return await self._run(ctx, "run_query", str(target)[:200] if target else None, work)

    async def ask(
        self,
        question: str,
        ctx: "Context",
        conversation_id: str | None = None,
        max_rows: int = DEFAULT_ROWS,
    ) -> dict[str, Any]:
        """Ask a question about the data in plain words ("revenue by category in 2025").
        Returns the answer, the chart it would draw (a query spec) and that query's data.
        Pass the returned conversation_id to ask a follow-up ("only Software")."""

        async def work(user: EmbedToken) -> dict[str, Any]:
            answer = await ai_ask.ask(self.runtime, user, AskRequest(
                question=question, conversation_id=conversation_id))
            tile = answer.get("tile")
            if tile is not None:
                request = QueryRequest(source=answer.get("source"), query=tile["query"])
                answer["data"] = await _rows(self.runtime, user, request, max_rows)
            return answer

        return await self._run(ctx, "ask", None, work)


async def _rows(
    runtime: Runtime, user: EmbedToken, request: QueryRequest, max_rows: int
) -> dict[str, Any]:
    answer = await run_query(runtime.queries, query_user(user), request)
    body: dict[str, Any] = json.loads(answer.body)
    limit = max(1, min(max_rows, MAX_ROWS))
    rows = body.get("rows") or []
    if len(rows) > limit:
        body["rows"] = rows[:limit]
        body["truncated"] = True
    body["row_count"] = len(rows)
    return body
