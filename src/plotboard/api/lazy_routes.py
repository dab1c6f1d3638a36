"""Routes loaded on the first request under their prefix (`LazyRoutes`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

try:  # Starlette 0.35+: the path with the app's root_path taken off, as its routes match it
    from starlette._utils import get_route_path
except ImportError:  # pragma: no cover - older Starlette matches scope["path"]

    def get_route_path(scope: Scope) -> str:
        return str(scope["path"])

_CHOSEN = "plotboard.lazy_route"


class LazyRoutes(BaseRoute):
    """Stands, in an app's route list, for the routes `load()` returns, all under `prefix`,
    and imports them on the first request whose path is under it (a worker that never serves
    the admin console does not load it: ~3 MiB; docs/benchmarks.md, "Memory"). `documented`:
    the routes belong in the OpenAPI document, which loads them (`schema_routes`).

    Matching is the routes' own, in their order, as if they were in the list here: the first
    full match is handled, else the first partial one (a wrong method: 405); a path outside
    `prefix` is no match without loading anything. `url_path_for` loads them too.
    """

    def __init__(
        self, prefix: str, load: Callable[[], Sequence[BaseRoute]], *, documented: bool = False
    ) -> None:
        self.prefix = prefix.rstrip("/")
        self._load = load
        self.documented = documented
        self._routes: Sequence[BaseRoute] | None = None

    @property
    def routes(self) -> Sequence[BaseRoute]:
        if self._routes is None:
            self._routes = list(self._load())
        return self._routes

    @property
    def loaded(self) -> bool:
        return self._routes is not None

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] not in ("http", "websocket"):
            return Match.NONE, {}
        path = get_route_path(scope)
        if path != self.prefix and not path.startswith(self.prefix + "/"):
            return Match.NONE, {}
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.routes:
            match, child = route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**child, _CHOSEN: route}
            if match is Match.PARTIAL and partial is None:
                partial = (route, child)
        if partial is not None:
            return Match.PARTIAL, {**partial[1], _CHOSEN: partial[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope.pop(_CHOSEN)
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)


def schema_routes(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    """`routes` as the OpenAPI document sees them: a documented `LazyRoutes` by its routes
    (loaded now), an undocumented one left out (none of its routes are in the document)."""
    out: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, LazyRoutes):
            if route.documented:
                out.extend(route.routes)
        else:
            out.append(route)
    return out
