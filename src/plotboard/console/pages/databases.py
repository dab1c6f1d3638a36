"""Databases: a form per connector kind, Test connection, Connect, edit, remove."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.admin import sources as sources_admin
from plotboard.admin.actor import AdminActor
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import SignedInAdmin
from plotboard.console.forms import FormState, Problems, options_of, options_text, problems_of
from plotboard.console.web import (
    BASE,
    ConsoleRoute,
    PageAdmin,
    Posted,
    PostedForm,
    flash,
    fragment,
    is_fetch,
    redirect,
    render,
)
from plotboard.errors import PlotboardError, invalid
from plotboard.runtime import Runtime
from plotboard.sources import kinds as database_kinds
from plotboard.sources import store as sources
from plotboard.sources.dialects import KINDS, SourceConnection
from plotboard.sources.verdict import test_connection
from plotboard.store.models import AccessRule, CatalogTable, DataSource, TokenAttribute

router = APIRouter(prefix=BASE + "/databases", route_class=ConsoleRoute, include_in_schema=False)

KIND_LABELS = {kind: database_kinds.get(kind).label for kind in KINDS}
SERVER_FIELDS = ("host", "port", "user", "database")
SETTINGS_FIELDS = ("timeout_seconds", "row_cap", "cache_ttl_seconds", "pool_size", "max_overflow")


def _kind(value: str | None) -> str:
    return value if value in KINDS else "postgresql"


def _rename(api_name: str) -> str:
    """`connection.host` -> `host`, `settings.row_cap` -> `row_cap`, `routing.map` ->
    `routing_map`."""
    if api_name.startswith("routing."):
        return "routing_" + api_name.removeprefix("routing.").split(".")[0]
    for prefix in ("connection.", "settings."):
        if api_name.startswith(prefix):
            return api_name.removeprefix(prefix).split(".")[0]
    return api_name


def _problems(err: PlotboardError | ValidationError) -> Problems:
    problems = problems_of(err, _rename)
    for name in ("connection", "body"):
        # Not tied to one input (e.g. a URL that is not one): show it above the form.
        message = problems.fields.pop(name, None)
        if message is not None:
            problems.summary = message
    return problems


def _connection_fields(posted: Posted, kind: str) -> dict[str, Any]:
    """The connection as the form describes it (a blank password is left out); which inputs
    there are is the database kind's (`DatabaseKind.fields`, `options_example`)."""
    database = database_kinds.get(kind)
    fields: dict[str, Any] = {"kind": kind}
    for name in database.fields:
        if name not in ("port", "password"):
            fields[name] = posted.text(name)
    port = posted.text("port") if "port" in database.fields else ""
    if port:
        if not port.isdigit():
            raise invalid("connection.port", f"'{port}' is not a port number, e.g. 5432")
        fields["port"] = int(port)
    password = posted.text("password", strip=False)
    if "password" in database.fields and password:
        fields["password"] = password
    if database.options_example is not None:
        options, problem = options_of(posted.text("options", strip=False))
        if problem:
            raise invalid("connection.options", problem)
        if options:
            fields["options"] = options
    return fields


def _routing(posted: Posted) -> dict[str, Any] | None:
    """The form's "Route by token attribute" section: None when no attribute is chosen. The
    mapping is one `value = database` per line; without one, the template is used."""
    attribute = posted.text("routing_attribute")
    if not attribute:
        return None
    routing: dict[str, Any] = {"attribute": attribute, "mode": posted.text("routing_mode")}
    lines = [ln.strip() for ln in posted.text("routing_map", strip=False).splitlines()]
    if any(lines):
        mapping: dict[str, str] = {}
        for line in filter(None, lines):
            value, sep, name = line.partition("=")
            if not sep or not value.strip():
                raise invalid("routing.map", f"'{line[:80]}': write one value = name per line")
            mapping[value.strip()] = name.strip()
        routing["map"] = mapping
    else:
        routing["template"] = posted.text("routing_template")
    if posted.text("routing_max_pools"):
        routing["max_pools"] = posted.text("routing_max_pools")
    return routing


def _routing_attributes(runtime: Runtime, org_id: str) -> list[tuple[str, str]]:
    """The token attributes a source can route by (one value each: string or number), as the
    select's (value, text) pairs."""
    with runtime.store.session() as session:
        return [
            (name, name)
            for name in session.scalars(
                sa.select(TokenAttribute.name)
                .where(
                    TokenAttribute.org_id == org_id,
                    TokenAttribute.type.in_(sources_admin.ROUTING_TYPES),
                )
                .order_by(TokenAttribute.name)
            )
        ]


def _settings(posted: Posted) -> dict[str, str]:
    return {name: posted.text(name) for name in SETTINGS_FIELDS if posted.text(name)}


def _values_of(row: DataSource) -> dict[str, str]:
    """The form's inputs for a saved source (never the password)."""
    values = {"name": row.name, "kind": row.kind}
    for name, value in row.connection.items():
        if name == "options":
            values["options"] = options_text(value or {})
        elif value is not None:
            values[name] = str(value)
    for name, value in sources.settings_of(row).model_dump(exclude_none=True).items():
        values[name] = f"{value:g}" if isinstance(value, float) else str(value)
    routing = row.routing or {}
    if routing:
        values["routing_attribute"] = str(routing.get("attribute", ""))
        values["routing_mode"] = str(routing.get("mode", ""))
        values["routing_map"] = "\n".join(
            f"{k} = {v}" for k, v in (routing.get("map") or {}).items()
        )
        values["routing_template"] = str(routing.get("template") or "")
        values["routing_max_pools"] = str(routing.get("max_pools", ""))
    return values


def _list_page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    kind: str,
    f: FormState,
    *,
    verdict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    with runtime.store.session() as session:
        rows = sources.list_sources(session, admin.org_id)
        described = [sources.describe_source(r, runtime.secret_key) for r in rows]
        counts = dict(
            session.execute(
                sa.select(CatalogTable.source_id, sa.func.count())
                .where(CatalogTable.source_id.in_([r.id for r in rows]))
                .group_by(CatalogTable.source_id)
            ).all()
        )
        rule_counts = _rule_counts(session, [r.id for r in rows])
    return render(
        request,
        runtime,
        "databases.html",
        admin,
        active="databases",
        status_code=status_code,
        sources=described,
        table_counts=counts,
        rule_counts=rule_counts,
        kind=kind,
        kinds=KIND_LABELS,
        form=database_kinds.get(kind),
        f=f,
        verdict=verdict,
        mode="new",
        has_password=False,
        pool_default=(runtime.settings.source_pool_size, runtime.settings.source_max_overflow),
        routing_attributes=_routing_attributes(runtime, admin.org_id),
    )


def _rule_counts(session: Any, source_ids: list[str]) -> dict[str, int]:
    """How many tables of each source have an access rule."""
    return dict(
        session.execute(
            sa.select(AccessRule.source_id, sa.func.count())
            .where(AccessRule.source_id.in_(source_ids))
            .group_by(AccessRule.source_id)
        ).all()
    )


def _end_users_view(session: Any, source_id: str) -> dict[str, Any]:
    """What the "End users" card shows: the visible tables, and which have access rules."""
    tables = sorted(
        session.scalars(
            sa.select(CatalogTable.name).where(
                CatalogTable.source_id == source_id, CatalogTable.hidden.is_(False)
            )
        )
    )
    ruled = set(
        session.scalars(sa.select(AccessRule.table_name).where(AccessRule.source_id == source_id))
    )
    return {
        "tables": len(tables),
        "ruled": [t for t in tables if t in ruled],
        "unruled": [t for t in tables if t not in ruled],
    }


def _verdict_answer(
    request: Request, verdict: dict[str, Any], page: Any, status_code: int = 200
) -> Response:
    if is_fetch(request):
        return fragment("_verdict.html", status_code, verdict=verdict)
    result: Response = page()
    return result


def _failure(message: str) -> dict[str, Any]:
    return {"ok": False, "message": message}


@router.get("")
def databases_page(
    request: Request, admin: PageAdmin, runtime: RuntimeDep, kind: str = ""
) -> Response:
    return _list_page(request, runtime, admin, _kind(kind), FormState({}))


@router.post("")
def connect(request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """Test (action=test) or connect (action=connect) the database the form describes."""
    kind = _kind(posted.text("kind"))
    values = {k: v for k, v in posted.fields().items() if k != "password"}
    action = posted.text("action") or "connect"
    try:
        fields = _connection_fields(posted, kind)
        conn = sources.validate_connection(fields)
        if action == "test":
            verdict = sources_admin.test_new(conn)
            return _verdict_answer(
                request,
                verdict,
                lambda: _list_page(
                    request, runtime, posted.admin, kind, FormState(values), verdict=verdict
                ),
            )
        body = sources.SourceIn.model_validate(
            {
                "name": posted.text("name"),
                "connection": conn,
                "settings": _settings(posted),
                "routing": _routing(posted),
            }
        )
        created = sources_admin.create_source(runtime, posted.actor, body)
    except (ValidationError, PlotboardError) as err:
        problems = _problems(err)
        if isinstance(err, PlotboardError) and err.code == "source_exists":
            problems = Problems()
            problems.add("name", err.message)
        verdict = None
        if isinstance(err, PlotboardError) and err.code.startswith(
            ("connection_", "introspection_")
        ):
            # The verdict, next to the buttons, says why; the top says what it means.
            verdict, problems = _failure(err.message), Problems("Not connected: nothing was saved.")
        if is_fetch(request):
            message = problems.summary if not problems.fields else _first(problems)
            return fragment("_verdict.html", 422, verdict=_failure(message))
        if values and "password" in database_kinds.get(kind).fields and posted.text("password"):
            problems.fields.setdefault(
                "password", "For safety the password is not shown again: type it again."
            )
        return _list_page(
            request,
            runtime,
            posted.admin,
            kind,
            FormState(values, problems),
            verdict=verdict,
            status_code=422,
        )
    response = redirect(f"{BASE}/tables?source={created['id']}")
    flash(
        response,
        f"Connected “{created['name']}”: {_tables(created['tables'])} found. It is closed "
        "to your users until you open it. Next: give "
        f"{'it' if created['tables'] == 1 else 'them'} friendly names and descriptions here, "
        "add access rules, then open it to users on its database page.",
    )
    return response


def _first(problems: Problems) -> str:
    name, message = next(iter(problems.fields.items()))
    return f"{name}: {message}"


# --- one saved source -----------------------------------------------------------------------


def _edit_page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    source_id: str,
    f: FormState | None,
    kind: str | None,
    *,
    verdict: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    with runtime.store.session() as session:
        row = sources.get_source(session, admin.org_id, source_id)
        described = sources.describe_source(row, runtime.secret_key)
        saved = _values_of(row)
        end_users = _end_users_view(session, source_id)
    chosen = _kind(kind or (f.values.get("kind") if f else None) or row.kind)
    return render(
        request,
        runtime,
        "database_edit.html",
        admin,
        active="databases",
        status_code=status_code,
        source=described,
        end_users=end_users,
        kind=chosen,
        kinds=KIND_LABELS,
        form=database_kinds.get(chosen),
        f=f or FormState(saved),
        verdict=verdict,
        mode="edit",
        has_password=described["has_password"] and chosen == row.kind,
        pool_default=(runtime.settings.source_pool_size, runtime.settings.source_max_overflow),
        routing_attributes=_routing_attributes(runtime, admin.org_id),
    )


@router.get("/{source_id}")
def edit_page(
    source_id: str, request: Request, admin: PageAdmin, runtime: RuntimeDep, kind: str = ""
) -> Response:
    return _edit_page(request, runtime, admin, source_id, None, kind or None)


def _patch_of(posted: Posted, row: DataSource, kind: str) -> sources.SourcePatch:
    fields = _connection_fields(posted, kind)
    if posted.checked("clear_password"):
        fields["password"] = None
    saved = {"kind": row.kind, **row.connection}
    changed = "password" in fields or any(
        (fields.get(k) or None) != (saved.get(k) or None)
        for k in {*fields, *saved}
        if k != "password"
    )
    return sources.SourcePatch.model_validate(
        {
            "name": posted.text("name"),
            "connection": fields if changed else None,
            "settings": _settings(posted),
            "routing": _routing(posted),
        }
    )


@router.post("/{source_id}")
def save(source_id: str, request: Request, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """Test (action=test) or save (action=save) the changed connection."""
    kind = _kind(posted.text("kind"))
    values = {k: v for k, v in posted.fields().items() if k != "password"}
    action = posted.text("action") or "save"
    actor: AdminActor = posted.actor
    try:
        with runtime.store.session() as session:
            row = sources.get_source(session, actor.org_id, source_id)
            patch = _patch_of(posted, row, kind)
            conn: SourceConnection | None = None
            if action == "test":
                conn = sources.merged_connection(
                    row, patch.connection or {"kind": row.kind}, runtime.secret_key
                )
        if conn is not None:
            verdict = test_connection(conn).as_dict()
            return _verdict_answer(
                request,
                verdict,
                lambda: _edit_page(
                    request,
                    runtime,
                    posted.admin,
                    source_id,
                    FormState(values),
                    kind,
                    verdict=verdict,
                ),
            )
        out = sources_admin.update_source(runtime, actor, source_id, patch)
    except (ValidationError, PlotboardError) as err:
        if isinstance(err, PlotboardError) and err.status == 404:
            raise
        problems = _problems(err)
        verdict = None
        if isinstance(err, PlotboardError) and err.code.startswith(
            ("connection_", "introspection_")
        ):
            verdict, problems = _failure(err.message), Problems("Not saved: nothing changed.")
        if is_fetch(request):
            message = problems.summary if not problems.fields else _first(problems)
            return fragment("_verdict.html", 422, verdict=_failure(message))
        return _edit_page(
            request,
            runtime,
            posted.admin,
            source_id,
            FormState(values, problems),
            kind,
            verdict=verdict,
            status_code=422,
        )
    response = redirect(BASE + "/databases")
    flash(response, f"Saved “{out['name']}”.")
    return response


@router.post("/{source_id}/end-users")
def end_users(source_id: str, posted: PostedForm, runtime: RuntimeDep) -> Response:
    """Open the database to end users (end_users=open) or close it again (end_users=closed)."""
    state = posted.text("end_users")
    if state not in sources.END_USERS:
        raise invalid("end_users", "use 'open' or 'closed'")
    patch = sources.SourcePatch(end_users="open" if state == "open" else "closed")
    out = sources_admin.update_source(runtime, posted.actor, source_id, patch)
    response = redirect(f"{BASE}/databases/{source_id}")
    if state == "open":
        flash(
            response,
            f"“{out['name']}” is open to your users: they see it under its access rules.",
        )
    else:
        flash(response, f"“{out['name']}” is closed to your users: they no longer see it.")
    return response


@router.post("/{source_id}/delete")
def remove(source_id: str, posted: PostedForm, runtime: RuntimeDep) -> Response:
    name = sources_admin.delete_source(runtime, posted.actor, source_id)
    response = redirect(BASE + "/databases")
    flash(response, f"Removed “{name}” with its tables, columns and access rules.")
    return response


@router.post("/{source_id}/refresh")
def refresh(source_id: str, posted: PostedForm, runtime: RuntimeDep) -> Response:
    try:
        out = sources_admin.refresh_source(runtime, posted.actor, source_id)
    except PlotboardError as err:
        if err.status == 404:
            raise
        response = redirect(f"{BASE}/tables?source={source_id}")
        flash(response, f"Could not re-read the tables: {err.message}", "error")
        return response
    response = redirect(f"{BASE}/tables?source={source_id}")
    added = out["added"]
    flash(
        response,
        f"Re-read {_tables(out['tables'])}"
        + (f"; new: {', '.join(added)}." if added else "; nothing new.")
        + " Your names, descriptions and hidden flags are kept.",
    )
    return response


def _tables(count: object) -> str:
    """'1 table', '3 tables'."""
    return f"{count} table{'' if count == 1 else 's'}"
