"""The dashboard shape of the public contract, as pydantic models."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

GRID_COLUMNS = 12
MAX_TILES = 100
DEFAULT_TITLE = "Untitled dashboard"


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
    model_config = ConfigDict(extra="forbid")
    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12], min_length=1, max_length=64)
    title: str = Field(default="", max_length=200)
    query: dict[str, Any] | None = None
    chart: dict[str, Any] = Field(default_factory=dict)
    layout: Layout = Field(default_factory=Layout)


def _unique_tile_ids(tiles: list[Tile]) -> None:
    seen: set[str] = set()
    for tile in tiles:
        if tile.id in seen:
            raise ValueError(f"tile id '{tile.id}' is used twice; each tile needs its own id")
        seen.add(tile.id)


class DashboardIn(BaseModel):
    """A new dashboard: everything optional, so `{}` makes an empty one."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(default=DEFAULT_TITLE, min_length=1, max_length=200)
    tiles: list[Tile] = Field(default_factory=list, max_length=MAX_TILES)
    filters: list[dict[str, Any]] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _ids(self) -> DashboardIn:
        _unique_tile_ids(self.tiles)
        return self


class DashboardUpdate(DashboardIn):
    """A full replacement; `version` is the one the client last read."""

    version: int = Field(ge=1)


class DashboardOut(BaseModel):
    id: str
    title: str
    tiles: list[Tile]
    filters: list[dict[str, Any]]
    version: int
    created_at: datetime
    updated_at: datetime


class DashboardSummary(BaseModel):
    id: str
    title: str
    tile_count: int
    version: int
    created_at: datetime
    updated_at: datetime
