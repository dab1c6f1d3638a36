"""A dashboard's saved versions: what changed between two of them, in words.

The words are what the history list shows ("added 'Revenue by month', moved 2 tiles"), so they
name tiles by title, count what is many, and never say more than a few names.
"""

from __future__ import annotations

from typing import Any

MAX_NAMED = 3


def _name(tile: dict[str, Any]) -> str:
    title = str(tile.get("title") or "").strip()
    if title:
        return f"'{title[:60]}'" + ("…" if len(title) > 60 else "")
    return "a text tile" if tile.get("kind") == "text" else "an untitled tile"


def _tiles(n: int) -> str:
    return f"{n} tile" if n == 1 else f"{n} tiles"


def _named(verb: str, tiles: list[dict[str, Any]]) -> str:
    if len(tiles) > MAX_NAMED:
        return f"{verb} {_tiles(len(tiles))}"
    names = [_name(t) for t in tiles]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{verb} {joined}"


def _content(tile: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tile.items() if k != "layout"}


def describe_change(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """What `new` changed compared with `old` (both `{"title", "tiles", "filters"}`)."""
    if old is None:
        return "created"
    parts: list[str] = []
    if old["title"] != new["title"]:
        parts.append(f"renamed to '{str(new['title'])[:80]}'")
    before = {t["id"]: t for t in old["tiles"]}
    after = {t["id"]: t for t in new["tiles"]}
    added = [t for t in new["tiles"] if t["id"] not in before]
    removed = [t for t in old["tiles"] if t["id"] not in after]
    kept = [(before[i], after[i]) for i in after if i in before]
    edited = [b for a, b in kept if _content(a) != _content(b)]
    moved = resized = 0
    for a, b in kept:
        la, lb = a.get("layout", {}), b.get("layout", {})
        if (la.get("w"), la.get("h")) != (lb.get("w"), lb.get("h")):
            resized += 1
        elif (la.get("x"), la.get("y")) != (lb.get("x"), lb.get("y")):
            moved += 1
    if added:
        parts.append(_named("added", added))
    if removed:
        parts.append(_named("removed", removed))
    if edited:
        parts.append(_named("edited", edited))
    if moved:
        parts.append(f"moved {_tiles(moved)}")
    if resized:
        parts.append(f"resized {_tiles(resized)}")
    if old["filters"] != new["filters"]:
        parts.append(_filters(old["filters"], new["filters"]))
    return ", ".join(parts) if parts else "saved without changes"


def _filters(old: list[Any], new: list[Any]) -> str:
    if len(new) > len(old):
        n = len(new) - len(old)
        return "added a filter" if n == 1 else f"added {n} filters"
    if len(new) < len(old):
        n = len(old) - len(new)
        return "removed a filter" if n == 1 else f"removed {n} filters"
    return "changed the filters"
