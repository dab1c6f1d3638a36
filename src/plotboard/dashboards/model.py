"""The dashboard shape of the public contract, as pydantic models.

Every part is bounded (#9.5): titles and tile ids by length, tiles by count, and the free-form
parts (a tile's query and chart options, the saved filters) by depth, string length and
storable values; the whole saved dashboard is bounded in bytes by the service
(`max_dashboard_bytes`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from plotboard.inputs import INT32_MAX, JsonLimits, Text, json_checker

GRID_COLUMNS = 12
MAX_TILES = 100
MAX_FILTERS = 50
MAX_TITLE = 200
MAX_TEXT = 20_000
"""A text tile's Markdown, in characters."""
DEFAULT_TITLE = "Untitled dashboard"
MAX_VERSION = INT32_MAX
"""Versions are stored as 32-bit integers on every engine."""

CHART_LIMITS = JsonLimits(max_depth=12, max_string=10_000, max_entries=5_000)
"""Chart options: ECharts' deepest real options (gradient stops in a series' item style) are
about 7 levels deep; 12 leaves room and stops a nesting bomb."""
QUERY_LIMITS = JsonLimits(max_depth=10, max_string=10_000, max_entries=5_000)
"""A saved query spec is at most 10 levels deep: `filters[0].value[1]` is 4, and filter groups
nest 3 deep (`filters[0].any[0].all[0].where[0].value[1]`, `plotboard.query.spec
.MAX_FILTER_DEPTH`); its shape is checked when it runs."""
FILTER_LIMITS = JsonLimits(max_depth=6, max_string=10_000, max_entries=2_000)

ChartOptions = Annotated[dict[str, Any], json_checker(CHART_LIMITS)]
SavedQuery = Annotated[dict[str, Any], json_checker(QUERY_LIMITS)]
SavedFilter = Annotated[dict[str, Any], json_checker(FILTER_LIMITS)]


class Layout(BaseModel):
    """Position on a 12-column grid, in grid cells."""

    model_config = ConfigDict(extra="forbid")
    x: int = Field(default=0, ge=0, lt=GRID_COLUMNS)
    y: int = Field(default=0, ge=0, le=10_000)
    w: int = Field(default=6, ge=1, le=GRID_COLUMNS)
    h: int = Field(default=4, ge=1, le=100)

    @model_validator(mode="after")
    def _fits(self) -> Layout:
        if self.x + self.w > GRID_COLUMNS:
            raise ValueError(f"x + w must be at most {GRID_COLUMNS} (the grid's width)")
        return self


class Tile(BaseModel):
    """A chart tile (`kind` left out or `"chart"`) or a text tile (`"kind": "text"` with
    Markdown in `text`, no query). A chart tile is written without `kind` and `text`, as in v1."""

    model_config = ConfigDict(extra="forbid")
    id: Text = Field(default_factory=lambda: uuid.uuid4().hex[:12], min_length=1, max_length=64)
    kind: Literal["chart", "text"] = "chart"
    title: Text = Field(default="", max_length=MAX_TITLE)
    text: Text | None = Field(default=None, max_length=MAX_TEXT)
    query: SavedQuery | None = None
    source: Text | None = Field(default=None, min_length=1, max_length=64)
    """The data source the query runs on, when the organization has several (two databases
    may both have a `sales` table); left out, the first source with the query's table."""
    chart: ChartOptions = Field(default_factory=dict)
    layout: Layout = Field(default_factory=Layout)

    @model_validator(mode="after")
    def _kind(self) -> Tile:
        if self.kind == "text":
            if self.query is not None or self.source is not None:
                raise ValueError(
                    "a text tile has no query; leave 'query' and 'source' out (or use a chart"
                    " tile)"
                )
            if self.text is None:
                raise ValueError("a text tile needs 'text' (Markdown; it may be empty)")
        elif self.text is not None:
            raise ValueError('\'text\' is for text tiles; add "kind": "text" or leave it out')
        return self

    @model_serializer(mode="wrap")
    def _v1_shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if out.get("source") is None:
            out.pop("source", None)
        if out.get("kind") == "chart":
            out.pop("kind")
            out.pop("text", None)
        return out


def _unique_tile_ids(tiles: list[Tile]) -> None:
    seen: set[str] = set()
    for tile in tiles:
        if tile.id in seen:
            raise ValueError(f"tile id '{tile.id}' is used twice; each tile needs its own id")
        seen.add(tile.id)


class DashboardIn(BaseModel):
    """A new dashboard: everything optional, so `{}` makes an empty one."""

    model_config = ConfigDict(extra="forbid")
    title: Text = Field(default=DEFAULT_TITLE, min_length=1, max_length=MAX_TITLE)
    tiles: list[Tile] = Field(default_factory=list, max_length=MAX_TILES)
    filters: list[SavedFilter] = Field(default_factory=list, max_length=MAX_FILTERS)

    @model_validator(mode="after")
    def _ids(self) -> DashboardIn:
        _unique_tile_ids(self.tiles)
        return self


class DashboardUpdate(DashboardIn):
    """A full replacement; `version` is the one the client last read.

    The body GET returned may be sent back as it is, edited: its read-only fields are accepted
    and ignored (`created_at`, `updated_at`), except `id`, which must name the dashboard of the
    URL when present.
    """

    version: int = Field(ge=1, le=MAX_VERSION)
    id: Text | None = Field(default=None, max_length=64)
    created_at: Text | None = Field(default=None, max_length=64)
    updated_at: Text | None = Field(default=None, max_length=64)
    # Read-only fields of GET's answer, accepted and ignored.
    owner: Text | None = Field(default=None, max_length=16)
    starter: bool | None = None
    copied_from: Text | None = Field(default=None, max_length=64)
    shared: bool | None = None


Owner = Literal["me", "team"]


class DashboardOut(BaseModel):
    """`owner`: "me" for the user's own dashboards and for starters (the user edits a starter
    as their own: the first save makes their copy), "team" for a teammate's dashboard shared
    with them (read-only). `starter`: a starter the admin published, not edited by this user
    yet. `copied_from`: the starter this dashboard is the user's copy of. `shared`: shared
    read-only with the owner's team."""

    id: str
    title: str
    tiles: list[Tile]
    filters: list[dict[str, Any]]
    version: int
    created_at: datetime
    updated_at: datetime
    owner: Owner = "me"
    starter: bool = False
    copied_from: str | None = None
    shared: bool = False


class DashboardSummary(BaseModel):
    id: str
    title: str
    tile_count: int
    version: int
    created_at: datetime
    updated_at: datetime
    owner: Owner = "me"
    starter: bool = False
    copied_from: str | None = None
    shared: bool = False


class SharingIn(BaseModel):
    """`{"team": true}` shares the dashboard read-only with the owner's team; false stops."""

    model_config = ConfigDict(extra="forbid")
    team: bool


class DuplicateIn(BaseModel):
    """The copy's title; left out, the original's with " (copy)"."""

    model_config = ConfigDict(extra="forbid")
    title: Text | None = Field(default=None, min_length=1, max_length=MAX_TITLE)


class VersionSummary(BaseModel):
    """One kept version in the history list: when, and what changed in words."""

    version: int
    updated_at: datetime
    summary: str
    restored_from: int | None = None
    tile_count: int


class DashboardVersionOut(DashboardOut):
    """An old version, read-only: the dashboard as it was, plus its history entry."""

    summary: str
    restored_from: int | None = None
    current_version: int


class RestoreIn(BaseModel):
    """`version`: the dashboard's version the user was looking at (409 if it is no longer the
    current one); left out, the restore goes on top of whatever is current."""

    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1, le=MAX_VERSION)
