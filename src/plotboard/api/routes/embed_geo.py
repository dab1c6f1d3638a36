"""Gazetteer lookups for the editor's maps: `GET /api/v1/embed/geo?names=Paris,Tokyo`."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from plotboard.api import answers
from plotboard.api.deps import EmbedUser
from plotboard.errors import invalid
from plotboard.geo import LookupKind, gazetteer, split_names

router = APIRouter(prefix="/api/v1/embed/geo", tags=["embed"])

MAX_NAMES = 500
MAX_NAME_LENGTH = 200


@router.get("", operation_id="embed_geo_lookup", response_model=answers.GeoAnswer)
async def lookup_places(
    _: EmbedUser,
    names: Annotated[list[str], Query(description="Place names; repeat, or separate with commas.")],
    kind: Annotated[
        LookupKind, Query(description="city, country, or auto (a country first).")
    ] = "auto",
    country: Annotated[
        str | None, Query(max_length=100, description="Only cities in this country (name or code).")
    ] = None,
) -> Response:
    """Coordinates and country for each name, from the bundled GeoNames data; `null` for a name
    that is not found. Keys are the names as given."""
    if sum(len(n) for n in names) > MAX_NAMES * MAX_NAME_LENGTH:
        raise invalid("names", f"at most {MAX_NAMES} names per request")
    # The first call builds the index (about a second): keep it off the event loop.
    g = await run_in_threadpool(gazetteer)
    wanted = split_names(names, kind)
    if len(wanted) > MAX_NAMES:
        raise invalid("names", f"at most {MAX_NAMES} names per request; got {len(wanted)}")
    if any(len(n) > MAX_NAME_LENGTH for n in wanted):
        raise invalid("names", f"each name must be at most {MAX_NAME_LENGTH} characters")
    places: dict[str, Any] = {}
    for name in wanted:
        place = g.lookup(name, kind=kind, country=country)
        places[name] = place.as_json() if place else None
    # Encoded here, not checked against the model (which only describes it): a map may look
    # up hundreds of names. The gazetteer only changes with the package: the browser may
    # keep answers for a day.
    return Response(
        orjson.dumps({"places": places}),
        media_type="application/json",
        headers={"Cache-Control": "private, max-age=86400"},
    )
