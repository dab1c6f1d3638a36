"""`plotboard demo`: everything a newcomer needs, created once and reused on the next run."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from plotboard.access.store import parse_checked, save_rule
from plotboard.auth.api_keys import create_api_key
from plotboard.auth.attribute_store import AttributeIn, attribute_model, create_attribute
from plotboard.auth.origins import normalize_origin
from plotboard.catalog.store import refresh_catalog, stored_catalog
from plotboard.dashboards.starters import StarterIn, publish_starter
from plotboard.demo.data import generate_demo_database
from plotboard.orgs import create_admin, create_organization
from plotboard.runtime import Runtime
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.engines import create_source_engine
from plotboard.sources.introspect import introspect
from plotboard.store.models import (
    AdminUser,
    ApiKey,
    DataSource,
    Organization,
    Origin,
    StarterDashboard,
    TokenAttribute,
)

ADMIN_EMAIL = "admin@example.com"
# The organization is the host app's company: /demo is the "Acme Ops" app, and the AI chat
# and the admin console call it by this name (demo_token passes the organization's name).
ORG_NAME = "Acme Ops"
_OLD_ORG_NAME = "Demo Company"  # what demos made before 2026-12-06 are called
SOURCE_NAME = "Demo company database"


@dataclass(frozen=True)
class SampleUser:
    user_id: str
    name: str
    role: str
    attributes: dict[str, Any]


SAMPLE_USERS: tuple[SampleUser, ...] = (
    SampleUser(
        "alice",
        "Alice Martin",
        "Sales lead, Europe",
        {"region": "North", "location": ["Paris", "London", "Berlin"], "team": "Sales"},
    ),
    SampleUser(
        "bob",
        "Bob Chen",
        "Sales lead, Americas",
        {"region": "South", "location": ["New York", "Toronto", "São Paulo"], "team": "Sales"},
    ),
    SampleUser(
        "carol",
        "Carol Tanaka",
        "Operations, Asia-Pacific",
        {
            "region": "East",
            "location": ["Tokyo", "Singapore", "Sydney", "Mumbai"],
            "team": "Operations",
        },
    ),
)


@dataclass
class DemoInfo:
    url: str
    api_key: str
    admin_email: str
    admin_password: str
    source_id: str
    demo_database: str
    org_id: str
    users: list[dict[str, Any]] = field(default_factory=list)
    showcase: bool = False
    """Whether the team sharing and the starter were set up (`_showcase`), once per demo."""


def read_demo_info(data_dir: Path) -> DemoInfo | None:
    path = data_dir / "demo.json"
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return DemoInfo(**{k: raw[k] for k in DemoInfo.__dataclass_fields__ if k in raw})


def _write_demo_info(data_dir: Path, info: DemoInfo) -> None:
    path = data_dir / "demo.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.chmod(0o600)  # it holds the admin password and an API key
    os.replace(tmp, path)


def _make_private(data_dir: Path, store_url: str) -> None:
    """Only the owner may enter the demo folder: it holds the secret key, demo.json (an admin
    password and an API key) and the store (password hashes, encrypted secrets). A folder or
    store left readable by an earlier version is tightened too."""
    data_dir.chmod(0o700)
    url = sa.make_url(store_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    store = Path(url.database).resolve()
    if store.parent != data_dir.resolve():
        return  # a store elsewhere is its owner's to manage
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = store.with_name(store.name + suffix)
        if path.exists():
            path.chmod(0o600)


DEMO_KEY_SCOPES = ("tokens",)
"""The printed key is the host backend's: it mints embed tokens and nothing else. The admin works
in the console (the printed email and password), or creates an admin-scoped key there."""


def prepare_demo(
    runtime: Runtime, data_dir: Path, url: str, *, showcase: bool = True
) -> DemoInfo:
    """Create (or reuse) the demo database, organization, admin, key, attributes, source and
    origin, and write `demo.json`. Safe to run again: an existing demo is kept as it is.

    `showcase`: also turn on sharing within a team (the `team` attribute) and publish a starter
    dashboard, once, so that a newcomer sees both in /demo (tests that want empty dashboard
    lists leave it out). A demo made before them gets them on its next start."""
    data_dir.mkdir(parents=True, exist_ok=True)
    _make_private(data_dir, runtime.settings.store_url)
    database = (data_dir / "demo.sqlite").resolve()
    if not database.exists():
        generate_demo_database(database)
    previous = read_demo_info(data_dir)
    with runtime.store.session() as session:
        usable = (
            previous is not None
            and session.get(Organization, previous.org_id) is not None
            and (key := session.get(ApiKey, previous.api_key.rsplit("_", 1)[0])) is not None
            and key.revoked_at is None
        )
        if usable and previous is not None:
            info = previous
            info.url = url
            if key is not None and key.scopes != list(DEMO_KEY_SCOPES):
                # A demo made when its key also had the admin scope: the key printed for the
                # host backend now only mints tokens (the same secret keeps working for that).
                key.scopes = list(DEMO_KEY_SCOPES)
            org = session.get(Organization, info.org_id)
            if org is not None and org.name == _OLD_ORG_NAME:
                org.name = ORG_NAME  # the host page's name, which the chat now uses
        else:
            info = _create_demo_org(runtime, session, database, url)
        _team_attribute(session, info.org_id)
        if showcase and not info.showcase:
            _showcase(session, info.org_id)
            info.showcase = True
        origin = normalize_origin(url)
        if not session.scalar(
            sa.select(Origin.id).where(Origin.org_id == info.org_id, Origin.origin == origin)
        ):
            session.add(Origin(org_id=info.org_id, origin=origin))
        info.users = [asdict(u) for u in SAMPLE_USERS]
        _write_demo_info(data_dir, info)
    runtime.origins.invalidate()
    return info


TEAM_ATTRIBUTE = AttributeIn(
    name="team",
    type="string",
    required=False,
    description="The user's team: dashboards shared with the team are seen by its members.",
)

STARTER_TITLE = "Sales at a glance"
STARTER_TILES: list[dict[str, Any]] = [
    {
        "id": "revenue",
        "title": "Revenue in the latest year",
        "query": {
            "table": "sales",
            "measures": [{"agg": "sum", "column": "amount", "format": {"type": "compact"}}],
            "filters": [
                {"column": "sale_date", "op": "this", "value": "year", "anchor": "latest"}
            ],
            "compare": {"to": "previous_period"},
        },
        "chart": {"type": "kpi"},
        "layout": {"x": 0, "y": 0, "w": 4, "h": 4},
    },
    {
        "id": "by-month",
        "title": "Revenue by month",
        "query": {
            "table": "sales",
            "measures": [{"agg": "sum", "column": "amount"}],
            "dimensions": [{"column": "sale_date", "grain": "month"}],
        },
        "chart": {"type": "line"},
        "layout": {"x": 4, "y": 0, "w": 8, "h": 4},
    },
    {
        "id": "by-category",
        "title": "Share of revenue by category",
        "query": {
            "table": "sales",
            "measures": [{"agg": "sum", "column": "amount", "share": True}],
            "dimensions": [{"column": "category"}],
        },
        "chart": {"type": "donut"},
        "layout": {"x": 0, "y": 4, "w": 6, "h": 4},
    },
    {
        "id": "top-products",
        "title": "Top 5 products",
        "query": {
            "table": "sales",
            "measures": [{"agg": "sum", "column": "amount"}],
            "dimensions": [{"column": "product"}],
            "order_by": [{"by": "sum_amount", "desc": True}],
            "limit": 5,
        },
        "chart": {"type": "bar_horizontal"},
        "layout": {"x": 6, "y": 4, "w": 6, "h": 4},
    },
]
"""The demo's starter: every sample user sees it, each with their own rows."""


def _team_attribute(session: Session, org_id: str) -> None:
    """The `team` attribute the sample users' tokens carry (a demo made before it lacks it)."""
    if not session.scalar(
        sa.select(TokenAttribute.id).where(
            TokenAttribute.org_id == org_id, TokenAttribute.name == TEAM_ATTRIBUTE.name
        )
    ):
        create_attribute(session, org_id, TEAM_ATTRIBUTE)


def _showcase(session: Session, org_id: str) -> None:
    """Sharing within a team (Alice and Bob are both in Sales) and a published starter."""
    org = session.get(Organization, org_id)
    assert org is not None
    if org.team_attribute is None:
        org.team_attribute = TEAM_ATTRIBUTE.name
    if not session.scalar(
        sa.select(StarterDashboard.id).where(
            StarterDashboard.org_id == org_id, StarterDashboard.title == STARTER_TITLE
        )
    ):
        body = StarterIn.model_validate(
            {"dashboard": {"title": STARTER_TITLE, "tiles": STARTER_TILES}}
        )
        publish_starter(session, org_id, "plotboard demo", body)


DEMO_RULES = (
    ("sales", [{"column": "sales_region", "op": "eq", "attribute": "region"}]),
    ("employees", [{"column": "location", "op": "in", "attribute": "location"}]),
)


def _catalog_and_rules(session: Session, org_id: str, source_id: str, database: Path) -> None:
    """Read the demo database's tables into the catalog and add DESIGN.md's two rules."""
    conn = SourceConnection(kind="sqlite", path=str(database))
    engine = create_source_engine(conn)
    try:
        tables = introspect(engine)
    finally:
        engine.dispose()
    refresh_catalog(session, source_id, tables)
    catalog = stored_catalog(session, source_id, conn.dialect)
    attributes = attribute_model(session, org_id)
    for table, conditions in DEMO_RULES:
        save_rule(session, org_id, source_id, parse_checked(table, conditions, catalog, attributes))


def _create_demo_org(runtime: Runtime, session: Session, database: Path, url: str) -> DemoInfo:
    org = create_organization(session, runtime.secret_key, ORG_NAME)
    password = secrets.token_urlsafe(12)
    # A previous demo in the same store may hold the address; keep addresses unique.
    email = ADMIN_EMAIL

    if session.scalar(sa.select(AdminUser.id).where(AdminUser.email == email)):
        email = f"admin+{org.id[:6]}@example.com"
    create_admin(session, org.id, email, password)
    _, api_key = create_api_key(session, org.id, "Demo host backend", list(DEMO_KEY_SCOPES), email)
    create_attribute(
        session,
        org.id,
        AttributeIn(
            name="region",
            type="string",
            required=False,
            description="The sales region the user covers (North, South, East or West).",
        ),
    )
    create_attribute(
        session,
        org.id,
        AttributeIn(
            name="location",
            type="string_list",
            required=False,
            description="The office cities whose employees the user may see.",
        ),
    )
    source = DataSource(
        org_id=org.id,
        name=SOURCE_NAME,
        kind="sqlite",
        connection={"path": str(database)},
        settings={},
        end_users="open",  # the demo's users see it under its access rules
    )
    session.add(source)
    session.flush()
    _catalog_and_rules(session, org.id, source.id, database)
    return DemoInfo(
        url=url,
        api_key=api_key,
        admin_email=email,
        admin_password=password,
        source_id=source.id,
        demo_database=str(database),
        org_id=org.id,
    )
