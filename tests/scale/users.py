"""Simulated end users for the scale test, and what they check on every answer.

Each user opens their dashboard of six tiles, runs the tiles, sometimes asks the built-in AI a
question and runs the tile it proposes, and edits the dashboard: a read-modify-write that
appends a marker to a text tile and sends the `version` it read. Now and then they save from
two tabs at once on the same version: exactly one save may win, the other must get 409.

What is checked, as it happens and at the end:
- every tile and AI answer equals the answer computed here from the user's own rows (their
  file: organization, tenant) — an answer with another user's, tenant's or organization's rows
  is a *crossing*; no answer body names any other owner;
- the dashboard is exactly what the user's acknowledged saves made it: every acknowledged
  marker present once, in order, version = 1 + saves; a save lost in flight is looked up again
  (landed or not, never half);
- a user lists only their own dashboard; the store holds one per user.
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.scale.cluster import (
    PROBE_AI_PER_MINUTE,
    PROBE_QUERIES_PER_MINUTE,
    Cluster,
    Row,
    owner_key,
    user_ids,
)

#: Any owner of any file, in any answer: must be the asking user's own.
OWNER = re.compile(r"\bowner\d{3}\b")
TILES: list[dict[str, Any]] = [
    {"table": "orders", "measures": [{"agg": "count"}], "dimensions": [{"column": "owner"}]},
    {"table": "orders", "measures": [{"agg": "sum", "column": "amount"}],
     "dimensions": [{"column": "product"}]},
    {"table": "orders", "select": ["order_id", "owner", "amount"], "limit": 100},
    {"table": "orders", "measures": [{"agg": "count"}],
     "dimensions": [{"column": "ordered_on", "grain": "month"}]},
    {"table": "orders", "measures": [{"agg": "max", "column": "amount"},
                                     {"agg": "min", "column": "amount"},
                                     {"agg": "count_distinct", "column": "product"}]},
    {"table": "orders", "measures": [{"agg": "sum", "column": "amount"}],
     "dimensions": [{"column": "owner"}],
     "filters": [{"column": "product", "op": "in", "value": ["Widget", "Gadget"]}]},
]  # fmt: skip
QUESTIONS = (
    "number of orders by owner",
    "total amount by product",
    "amount by month",
    "how many orders",
    "largest amount by product",
)
_COLUMNS = {"order_id": 0, "owner": 1, "product": 2, "amount": 3, "ordered_on": 4}
_AGG: dict[str, Callable[[list[Any]], Any]] = {
    "count": len, "sum": sum, "max": max, "min": min, "count_distinct": lambda v: len(set(v)),
}  # fmt: skip


def evaluate(spec: dict[str, Any], rows: list[Row]) -> list[tuple[Any, ...]]:
    """The answer to `spec` over `rows`, computed without plotboard, rows sorted (the specs
    here: count/sum/min/max/count_distinct, plain or month dimensions, `in` filters, detail
    rows with a limit above any owner's row count)."""
    for f in spec.get("filters", []):
        assert f["op"] == "in", f
        rows = [r for r in rows if r[_COLUMNS[f["column"]]] in f["value"]]
    if "select" in spec:
        return sorted(tuple(r[_COLUMNS[c]] for c in spec["select"]) for r in rows)
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for r in rows:
        key = tuple(
            str(r[_COLUMNS[d["column"]]])[:7] + "-01" if d.get("grain") == "month"
            else r[_COLUMNS[d["column"]]]
            for d in spec.get("dimensions", [])
        )  # fmt: skip
        groups.setdefault(key, []).append(r)
    if not spec.get("dimensions"):
        groups.setdefault((), [])
    answer = []
    for key, members in groups.items():
        values = []
        for m in spec["measures"]:
            column = [r[_COLUMNS[m["column"]]] for r in members] if "column" in m else members
            values.append(_AGG[m["agg"]](column))
        answer.append(key + tuple(values))
    return sorted(answer)


@dataclass
class Call:
    kind: str
    started: float  # seconds since the load started
    seconds: float
    status: int  # 0: no answer from the proxy itself
    upstream: int | None
    lost: bool  # the server died with the request in flight (the proxy's 502)


@dataclass
class Load:
    """Everything the users saw; the test asserts on it, the benchmark prints it."""

    calls: list[Call] = field(default_factory=list)
    crossings: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    tiles_checked: int = 0
    ai_checked: int = 0
    saves_acknowledged: int = 0
    saves_landed_unacknowledged: int = 0
    saves_not_landed: int = 0
    conflicts: int = 0
    double_saves: int = 0
    visits: Counter[str] = field(default_factory=Counter)
    tile_cache: Counter[str] = field(default_factory=Counter)
    probe: dict[str, Counter[str]] = field(default_factory=dict)
    killed: int | None = None
    kill_at: float | None = None
    seconds: float = 0.0
    final_checked: int = 0
    writes_lost: int = 0  # acknowledged saves missing from the dashboard at the end
    writes_doubled: int = 0  # saves found twice in it
    generations: list[int] = field(default_factory=list)  # the store's, before and after
    slots_left: int = 0  # "at once" slots still taken after the load
    dashboards_in_store: dict[tuple[str, str], int] = field(default_factory=dict)

    def latencies(self, kind: str | None = None) -> list[float]:
        return sorted(
            c.seconds for c in self.calls if c.status and (kind is None or c.kind == kind)
        )

    @staticmethod
    def percentile(values: list[float], p: float) -> float:
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(p / 100 * len(values)))]

    def lost(self) -> list[Call]:
        return [c for c in self.calls if c.lost]


class Sim:
    """What every user shares: the cluster, the clock, the findings."""

    def __init__(self, cluster: Cluster, seconds: float) -> None:
        self.cluster = cluster
        self.load = Load(seconds=seconds)
        self.t0 = time.monotonic()
        self.until = self.t0 + seconds

    def now(self) -> float:
        return time.monotonic() - self.t0


def _lost(r: httpx.Response) -> bool:
    """The proxy's own 502: the server died with the request in flight (plotboard's answers
    all carry a request id)."""
    return r.status_code == 502 and "x-request-id" not in r.headers


def _markers(doc: dict[str, Any]) -> list[str]:
    text = next(t["text"] for t in doc["tiles"] if t.get("kind") == "text")
    return str(text).split()[1:]


def _log_text(markers: list[str]) -> str:
    return " ".join(["log:", *markers])


class EndUser:
    """One end user of one organization (and tenant), with their own embed token."""

    def __init__(
        self, org: str, user_id: str, owner: str, tenant: str | None, rows: list[Row]
    ) -> None:
        self.org, self.user_id, self.owner, self.tenant = org, user_id, owner, tenant
        self.rows = [r for r in rows if r[1] == self.owner]
        self.name = f"{org}/{tenant or '-'}/{user_id}"
        self.rng = random.Random(self.name)
        self.token = ""
        self.dashboard_id = ""
        self.version = 0
        self.markers: list[str] = []
        self.doc: dict[str, Any] = {}
        self._seq = 0
        self.conversations: set[str] = set()  # of the questions answered
        self.asks_lost = 0  # questions whose answer was lost with the killed server

    @property
    def attributes(self) -> dict[str, str]:
        found = {"owner": self.owner}
        if self.tenant:
            found["tenant"] = self.tenant
        return found

    # -- one request ---------------------------------------------------------------------------

    async def call(
        self, sim: Sim, client: httpx.AsyncClient, kind: str, method: str, path: str,
        body: Any = None,
    ) -> httpx.Response | None:  # fmt: skip
        """The answer, or None when the server died with the request in flight."""
        started = sim.now()
        try:
            r = await client.request(method, path, json=body)
        except httpx.RemoteProtocolError:
            # HAProxy may close the connection without an answer when the server died with
            # the request in flight (a browser retries such a GET itself).
            sim.load.calls.append(Call(kind, started, sim.now() - started, 0, None, True))
            return None
        except httpx.HTTPError as err:
            sim.load.calls.append(Call(kind, started, sim.now() - started, 0, None, False))
            sim.load.anomalies.append(f"{self.name}: {kind} got no answer from the proxy: {err!r}")
            return None
        upstream = r.headers.get("x-upstream")
        lost = _lost(r)
        sim.load.calls.append(
            Call(kind, started, sim.now() - started, r.status_code,
                 int(upstream) if upstream and upstream.isdigit() else None, lost)
        )  # fmt: skip
        if lost:
            return None
        strangers = {o for o in OWNER.findall(r.text) if o != self.owner}
        if strangers:
            sim.load.crossings.append(
                f"{self.name}: {kind} {path} answered with others' data {sorted(strangers)[:5]}"
            )
        return r

    def _unexpected(self, sim: Sim, what: str, r: httpx.Response) -> None:
        sim.load.anomalies.append(f"{self.name}: {what} answered {r.status_code}: {r.text[:300]}")

    # -- the session ---------------------------------------------------------------------------

    async def session(self, sim: Sim) -> None:
        auth = {"Authorization": f"Bearer {self.token}"}
        # A browser: its own connections (six per host), one token.
        async with httpx.AsyncClient(
            base_url=sim.cluster.proxy_url, headers=auth, timeout=120,
            limits=httpx.Limits(max_connections=6),
        ) as client:  # fmt: skip
            await self._open(sim, client)
            while time.monotonic() < sim.until:
                await self._visit(sim, client)
                sim.load.visits[self.name] += 1
                await asyncio.sleep(self.rng.uniform(0.2, 0.8))

    async def _open(self, sim: Sim, client: httpx.AsyncClient) -> None:
        """Create the user's dashboard, or find it when the create was lost in flight."""
        tiles: list[dict[str, Any]] = [
            {"title": f"tile {i}", "query": spec, "chart": {"type": "bar"},
             "layout": {"x": (i % 3) * 4, "y": (i // 3) * 4, "w": 4, "h": 4}}
            for i, spec in enumerate(TILES)
        ]  # fmt: skip
        tiles.append({"kind": "text", "text": _log_text([]),
                      "layout": {"x": 0, "y": 8, "w": 12, "h": 2}})  # fmt: skip
        while not self.dashboard_id:
            r = await self.call(sim, client, "create", "POST", "/api/v1/embed/dashboards",
                                {"title": f"{self.user_id}'s orders", "tiles": tiles})  # fmt: skip
            if r is not None and r.status_code == 201:
                self.doc = r.json()
            elif r is not None:
                self._unexpected(sim, "create", r)
                return
            else:  # lost: did it land?
                listed = None
                while listed is None:
                    listed = await self.call(sim, client, "list", "GET", "/api/v1/embed/dashboards")
                mine = listed.json()["dashboards"]
                if not mine:
                    continue
                got = await self.call(
                    sim, client, "open", "GET", f"/api/v1/embed/dashboards/{mine[0]['id']}"
                )
                if got is None:
                    continue
                self.doc = got.json()
            self.dashboard_id, self.version = self.doc["id"], self.doc["version"]

    async def _visit(self, sim: Sim, client: httpx.AsyncClient) -> None:
        if not self.dashboard_id:
            await self._open(sim, client)
            return
        listed = await self.call(sim, client, "list", "GET", "/api/v1/embed/dashboards")
        if listed is not None:
            ids = [(d["id"], d.get("owner")) for d in listed.json()["dashboards"]]
            if ids != [(self.dashboard_id, "me")]:
                sim.load.crossings.append(f"{self.name}: lists {ids}, owns {self.dashboard_id}")
        path = f"/api/v1/embed/dashboards/{self.dashboard_id}"
        opened = await self.call(sim, client, "open", "GET", path)
        if opened is not None:
            self._check_saved(sim, opened.json(), "open")
            self.doc = opened.json()
        await asyncio.gather(*(self._tile(sim, client, spec) for spec in TILES))
        if self.rng.random() < 0.35:
            await self._ask(sim, client)
        if self.rng.random() < 0.15:
            await self._double_save(sim, client)
        else:
            await self._save(sim, client)

    async def _tile(self, sim: Sim, client: httpx.AsyncClient, spec: dict[str, Any]) -> None:
        r = await self.call(sim, client, "tile", "POST", "/api/v1/embed/query", {"query": spec})
        if r is None:
            return
        if r.status_code != 200:
            self._unexpected(sim, "tile", r)
            return
        self._check_rows(sim, spec, r.json()["rows"], "tile")
        sim.load.tiles_checked += 1
        sim.load.tile_cache[r.headers.get("x-plotboard-cache", "?")] += 1

    def _check_rows(self, sim: Sim, spec: dict[str, Any], rows: list[Any], what: str) -> None:
        got = sorted(tuple(row) for row in rows)
        want = evaluate(spec, self.rows)
        if got != want:
            sim.load.crossings.append(
                f"{self.name}: {what} {spec} answered {got[:4]}... expected {want[:4]}..."
            )

    async def _ask(self, sim: Sim, client: httpx.AsyncClient) -> None:
        question = self.rng.choice(QUESTIONS)
        r = await self.call(
            sim, client, "ai", "POST", "/api/v1/embed/ai/ask", {"question": question}
        )
        if r is None:
            self.asks_lost += 1
            return
        if r.status_code != 200:
            self._unexpected(sim, f"AI question '{question}'", r)
            return
        self.conversations.add(r.json()["conversation_id"])
        tile = r.json().get("tile")
        if not tile:
            sim.load.anomalies.append(f"{self.name}: no tile for '{question}': {r.text[:300]}")
            return
        ran = await self.call(
            sim, client, "ai-tile", "POST", "/api/v1/embed/query", {"query": tile["query"]}
        )
        if ran is None:
            return
        if ran.status_code != 200:
            self._unexpected(sim, "AI tile", ran)
            return
        self._check_rows(sim, tile["query"], ran.json()["rows"], f"AI tile of '{question}'")
        sim.load.ai_checked += 1

    # -- editing -------------------------------------------------------------------------------

    def _marker(self) -> str:
        self._seq += 1
        return f"{self.user_id}.{self._seq}"

    def _edited(self, marker: str) -> dict[str, Any]:
        """The dashboard as last read, with `marker` appended to the log and a tile moved."""
        tiles = []
        for tile in self.doc["tiles"]:
            tile = dict(tile)
            if tile.get("kind") == "text":
                tile["text"] = _log_text([*self.markers, marker])
            tiles.append(tile)
        tiles[0] = {**tiles[0], "layout": {**tiles[0]["layout"], "w": 3 + self._seq % 3}}
        return {**self.doc, "tiles": tiles, "version": self.version}

    def _check_saved(self, sim: Sim, doc: dict[str, Any], what: str) -> None:
        """The dashboard must be exactly what this user's saves made it."""
        if _markers(doc) != self.markers or doc["version"] != self.version:
            sim.load.anomalies.append(
                f"{self.name}: {what}: version {doc['version']} with {_markers(doc)}, but the "
                f"saves made version {self.version} with {self.markers} (a write lost or doubled)"
            )

    async def _put(self, sim: Sim, client: httpx.AsyncClient, body: Any) -> httpx.Response | None:
        path = f"/api/v1/embed/dashboards/{self.dashboard_id}"
        return await self.call(sim, client, "save", "PUT", path, body)

    async def _save(self, sim: Sim, client: httpx.AsyncClient) -> None:
        marker = self._marker()
        r = await self._put(sim, client, self._edited(marker))
        if r is None:
            await self._reconcile(sim, client, [marker], [])
        elif r.status_code == 200:
            self._acknowledged(sim, marker, r.json())
        else:  # 409 included: nobody else writes this dashboard now
            self._unexpected(sim, "save", r)
            await self._reconcile(sim, client, [], [])

    def _acknowledged(self, sim: Sim, marker: str, doc: dict[str, Any]) -> None:
        self.markers.append(marker)
        self.version += 1
        sim.load.saves_acknowledged += 1
        self._check_saved(sim, doc, "save")
        self.doc = doc

    async def _double_save(self, sim: Sim, client: httpx.AsyncClient) -> None:
        """Two tabs save on the same version at once: one wins, the other gets 409."""
        sim.load.double_saves += 1
        first, second = self._marker(), self._marker()
        answers = await asyncio.gather(
            self._put(sim, client, self._edited(first)),
            self._put(sim, client, self._edited(second)),
        )
        won = [m for m, r in zip((first, second), answers, strict=True)
               if r is not None and r.status_code == 200]  # fmt: skip
        for r in answers:
            if r is None or r.status_code == 200:
                continue
            if r.status_code == 409:
                sim.load.conflicts += 1
                current = r.json().get("current") or {}
                if current.get("version") != self.version + 1:
                    self._unexpected(sim, "409 without the current dashboard", r)
            else:
                self._unexpected(sim, "double save", r)
        if len(won) == 2:
            sim.load.anomalies.append(
                f"{self.name}: both saves on version {self.version} were acknowledged"
            )
            return
        lost = [m for m, r in zip((first, second), answers, strict=True) if r is None]
        await self._reconcile(sim, client, lost, won)

    async def _reconcile(
        self, sim: Sim, client: httpx.AsyncClient, maybe: list[str], won: list[str]
    ) -> None:
        """Read the dashboard again: it holds the acknowledged save (`won`) or, if none, at
        most one of the saves whose answer was lost (`maybe`), applied once."""
        path = f"/api/v1/embed/dashboards/{self.dashboard_id}"
        got = None
        while got is None:
            got = await self.call(sim, client, "open", "GET", path)
        doc = got.json()
        if got.status_code != 200:
            self._unexpected(sim, "reading after a save", got)
            return
        found = _markers(doc)
        if won:
            self.markers.append(won[0])
            self.version += 1
            sim.load.saves_acknowledged += 1
        elif found[:-1] == self.markers and found[-1:] and found[-1] in maybe:
            self.markers.append(found[-1])
            self.version += 1
            sim.load.saves_landed_unacknowledged += 1
        sim.load.saves_not_landed += len(maybe) - (1 if found[-1:] and found[-1] in maybe else 0)
        self._check_saved(sim, doc, "read after a save")
        self.doc = doc
        self.version = doc["version"]  # carry on from what is there (checked just above)
        self.markers = found


def make_users(cluster: Cluster, per_org: int) -> list[EndUser]:
    """`per_org` users in acme and in globex (half of globex's on each tenant). The same user
    ids and owners in both organizations, and globex's users in pairs, one per tenant, with
    one owner: the same query with the same parameters, which must not share an answer,
    a dashboard or a conversation across organizations or tenants."""
    users = []
    for i, user_id in enumerate(user_ids(per_org)):
        users.append(EndUser("acme", user_id, owner_key(i), None, cluster.data["acme"]))
        tenant = ("east", "west")[i % 2]
        users.append(
            EndUser("globex", user_id, owner_key(i - i % 2), tenant,
                    cluster.data[f"globex_{tenant}"])
        )  # fmt: skip
    return users


async def _mint(cluster: Cluster, users: list[EndUser]) -> None:
    gate = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=cluster.proxy_url, timeout=60) as client:

        async def one(user: EndUser) -> None:
            async with gate:
                r = await client.post(
                    "/api/v1/embed/tokens",
                    json={"user_id": user.user_id, "attributes": user.attributes},
                    headers={"Authorization": f"Bearer {cluster.orgs[user.org].key}"},
                )
            assert r.status_code == 201, r.text
            user.token = r.json()["token"]

        await asyncio.gather(*(one(u) for u in users))


async def _probe(sim: Sim, sends: int, path: str, body: dict[str, Any], at_once: int) -> None:
    """One initech user sends `sends` requests through the proxy (every server in turn)."""
    cluster = sim.cluster
    async with httpx.AsyncClient(base_url=cluster.proxy_url, timeout=120) as client:
        minted = await client.post(
            "/api/v1/embed/tokens",
            json={"user_id": "probe", "attributes": {"owner": "initech-probe"}},
            headers={"Authorization": f"Bearer {cluster.orgs['initech'].key}"},
        )
        assert minted.status_code == 201, minted.text
        client.headers["Authorization"] = f"Bearer {minted.json()['token']}"
        gate = asyncio.Semaphore(at_once)
        seen: Counter[str] = Counter()

        async def one() -> None:
            async with gate:
                started = sim.now()
                r = await client.post(path, json=body)
            upstream = r.headers.get("x-upstream")
            sim.load.calls.append(
                Call("probe", started, sim.now() - started, r.status_code,
                     int(upstream) if upstream and upstream.isdigit() else None, False)
            )  # fmt: skip
            ok = r.status_code == 200
            limited = r.status_code == 429 and r.json().get("code") == "rate_limited"
            if limited and not r.headers.get("retry-after", "").isdigit():
                sim.load.anomalies.append(f"probe: 429 without Retry-After: {r.headers}")
            outcome = "ok" if ok else "limited" if limited else f"other {r.status_code}"
            seen[f"{outcome}@{upstream}"] += 1
            seen[outcome] += 1

        await asyncio.gather(*(one() for _ in range(sends)))
    sim.load.probe[path.rsplit("/", 1)[-1]] = seen


async def drive(cluster: Cluster, per_org: int, seconds: float, kill: int | None) -> Load:
    """Mint the tokens, run the limit probe, run the users for `seconds`, kill server `kill`
    half-way, then read every user's dashboard and count them in the store."""
    users = make_users(cluster, per_org)
    await _mint(cluster, users)
    sim = Sim(cluster, seconds)
    # The probe first, on its own: under the load it took half the test's time, and a probe
    # request lost with the killed server would leave its count unknown.
    await asyncio.gather(
        _probe(sim, 3 * PROBE_QUERIES_PER_MINUTE, "/api/v1/embed/query",
               {"query": TILES[0]}, at_once=30),
        _probe(sim, 3 * PROBE_AI_PER_MINUTE, "/api/v1/embed/ai/ask",
               {"question": QUESTIONS[0]}, at_once=30),
    )  # fmt: skip
    sim.load.generations = [_generation(cluster)]
    sim.t0 = time.monotonic()
    sim.until = sim.t0 + seconds
    sessions = [asyncio.create_task(u.session(sim)) for u in users]
    if kill is not None:
        await asyncio.sleep(max(0.0, sim.t0 + seconds / 2 - time.monotonic()))
        cluster.kill(kill)
        sim.load.killed, sim.load.kill_at = kill, sim.now()
    await asyncio.gather(*sessions)
    sim.load.seconds = sim.now()
    sim.load.generations.append(_generation(cluster))
    sim.load.slots_left = _slots_held(cluster)
    await _final_check(sim, users)
    return sim.load


async def _final_check(sim: Sim, users: list[EndUser]) -> None:
    """Every user's dashboard, read back through the proxy, is what their saves made it, and
    its history holds every version once."""
    gate = asyncio.Semaphore(10)

    async def one(user: EndUser) -> None:
        async with gate, httpx.AsyncClient(
            base_url=sim.cluster.proxy_url, timeout=60,
            headers={"Authorization": f"Bearer {user.token}"},
        ) as client:  # fmt: skip
            if not user.dashboard_id:
                sim.load.anomalies.append(f"{user.name}: never got a dashboard")
                return
            path = f"/api/v1/embed/dashboards/{user.dashboard_id}"
            r = await client.get(path)
            if r.status_code != 200:
                user._unexpected(sim, "final read", r)
                return
            final = _markers(r.json())
            sim.load.writes_lost += len(set(user.markers) - set(final))
            sim.load.writes_doubled += len(final) - len(set(final))
            user._check_saved(sim, r.json(), "final read")
            if not user.markers:
                sim.load.anomalies.append(f"{user.name}: no save of theirs in {sim.load.seconds} s")
            if len(set(user.markers)) != len(user.markers):
                sim.load.anomalies.append(f"{user.name}: a save applied twice: {user.markers}")
            if user.version != 1 + len(user.markers):
                sim.load.anomalies.append(
                    f"{user.name}: version {user.version} after {len(user.markers)} saves"
                )
            listed = await client.get("/api/v1/embed/ai/conversations")
            found = {c["id"] for c in listed.json()["conversations"]}
            # Every question answered is there; any other can only be one whose answer was lost.
            if not user.conversations <= found or len(found - user.conversations) > user.asks_lost:
                sim.load.crossings.append(
                    f"{user.name}: lists conversations {sorted(found)[:5]}..., asked in "
                    f"{sorted(user.conversations)[:5]}... ({user.asks_lost} answers lost)"
                )
            history = await client.get(path + "/versions")
            numbers = [v["version"] for v in history.json()]
            if numbers != list(range(user.version, max(0, user.version - 100), -1)):
                sim.load.anomalies.append(f"{user.name}: history holds versions {numbers}")
            sim.load.final_checked += 1

    await asyncio.gather(*(one(u) for u in users))
    import sqlalchemy as sa

    engine = sa.create_engine(sim.cluster.store_url)
    try:
        with engine.connect() as conn:
            counted = conn.execute(
                sa.text("SELECT org_id, user_id, count(*) FROM dashboards GROUP BY 1, 2")
            ).all()
    finally:
        engine.dispose()
    sim.load.dashboards_in_store = {(str(o), str(u)): int(n) for o, u, n in counted}


def _generation(cluster: Cluster) -> int:
    """The store's change counter: what end users do must not move it (every server would
    re-read its caches of keys, catalogs, rules and limits)."""
    import sqlalchemy as sa

    engine = sa.create_engine(cluster.store_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT generation FROM store_changes")).scalar_one())
    finally:
        engine.dispose()


def _slots_held(cluster: Cluster) -> int:
    """Slots of the "at once" limits of the test's organizations still taken after the load:
    those of requests the killed server was running (they expire after the lease time)."""
    import redis

    client = redis.Redis.from_url(cluster.redis_url)
    try:
        orgs = [o.org_id for o in cluster.orgs.values()]
        keys = [k for k in client.scan_iter("plotboard:leases:*", count=1000)
                if any(o in k.decode() for o in orgs)]  # fmt: skip
        return sum(int(client.zcount(k, time.time(), "+inf")) for k in keys)
    finally:
        client.close()


def run_load(cluster: Cluster, per_org: int, seconds: float, kill: int | None) -> Load:
    """`drive` in a thread of its own: the caller's thread may have an event loop running
    (Playwright's sync API in a whole-suite run), where asyncio.run() refuses to start."""
    found: list[Load] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            found.append(asyncio.run(drive(cluster, per_org, seconds, kill)))
        except BaseException as err:  # handed to the caller
            errors.append(err)

    thread = threading.Thread(target=target, name="scale-load")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return found[0]


def summary(load: Load) -> dict[str, Any]:
    """The figures the benchmark prints and the test reports."""
    answered = [c for c in load.calls if c.status]
    return {
        "seconds": round(load.seconds, 1),
        "killed": load.killed,
        "kill_at": round(load.kill_at, 1) if load.kill_at is not None else None,
        "last_start": round(max((c.started for c in load.calls), default=0), 1),
        "requests": len(load.calls),
        "per_second": round(len(load.calls) / load.seconds, 1) if load.seconds else 0.0,
        "lost_in_flight": len(load.lost()),
        "lost_at": [(c.kind, round(c.started, 1), c.upstream) for c in load.lost()],
        "unexpected": len(load.anomalies),
        "crossings": len(load.crossings),
        "p50_ms": round(Load.percentile(load.latencies(), 50) * 1000, 1),
        "p99_ms": round(Load.percentile(load.latencies(), 99) * 1000, 1),
        "by_kind": {
            kind: {
                "n": len(lat),
                "p50_ms": round(Load.percentile(lat, 50) * 1000, 1),
                "p99_ms": round(Load.percentile(lat, 99) * 1000, 1),
            }
            for kind in sorted({c.kind for c in load.calls})
            if (lat := load.latencies(kind))
        },
        "by_server": dict(Counter(c.upstream for c in answered)),
        "tiles_checked": load.tiles_checked,
        "tile_cache": dict(load.tile_cache),
        "ai_checked": load.ai_checked,
        "saves_acknowledged": load.saves_acknowledged,
        "saves_landed_unacknowledged": load.saves_landed_unacknowledged,
        "saves_lost_in_flight_not_landed": load.saves_not_landed,
        "writes_lost": load.writes_lost,
        "writes_doubled": load.writes_doubled,
        "conflicts_409": load.conflicts,
        "visits_min": min(load.visits.values(), default=0),
        "visits_median": statistics.median(load.visits.values()) if load.visits else 0,
        "probe": {k: dict(v) for k, v in load.probe.items()},
        "store_generation": load.generations,
        "slots_left_by_the_killed_server": load.slots_left,
    }
