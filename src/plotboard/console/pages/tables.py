"""Tables and columns: display names, descriptions, semantic types and hiding, edited in place."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.admin import sources as sources_admin
from plotboard.analyze import disclosure
from plotboard.api.deps import RuntimeDep
from plotboard.auth.sessions import SignedInAdmin
from plotboard.catalog import store as catalog
from plotboard.console.forms import FormState, problems_of
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
from plotboard.errors import PlotboardError, not_found
from plotboard.runtime import Runtime
from plotboard.sources import store as sources

router = APIRouter(prefix=BASE + "/tables", route_class=ConsoleRoute, include_in_schema=False)


def _page(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    source_id: str | None,
    *,
    failed: str | None = None,
    f: FormState | None = None,
    status_code: int = 200,
) -> Response:
    with runtime.store.session() as session:
        rows = sources.list_sources(session, admin.org_id)
        current = next((r for r in rows if r.id == source_id), rows[0] if rows else None)
        if source_id and current is not None and current.id != source_id:
            sources.get_source(session, admin.org_id, source_id)  # 404 for a wrong id
        tables = catalog.table_rows(session, current.id) if current else []
        # What end users read of each description on tables with access rules, and why.
        notes = disclosure.catalog_disclosure(session, current.id, tables) if current else {}
        listed = [{"id": r.id, "name": r.name} for r in rows]
    return render(
        request,
        runtime,
        "tables.html",
        admin,
        active="tables",
        status_code=status_code,
        sources=listed,
        current=current,
        tables=tables,
        disclosure=notes,
        semantic_types=catalog.SEMANTIC_TYPES,
        failed=failed,
        f=f or FormState({}),
    )


@router.get("")
def tables_page(
    request: Request, admin: PageAdmin, runtime: RuntimeDep, source: str = ""
) -> Response:
    return _page(request, runtime, admin, source or None)


def _text(value: str) -> str | None:
    return value or None


def _saved(
    request: Request,
    source_id: str,
    key: str,
    message: str,
    shown: disclosure.TableDisclosure | None = None,
    column: str | None = None,
    *,
    described: bool = False,
) -> Response:
    """The answer to a save. `shown` says what end users read of the table's texts now: the
    script puts its note under the field; a description just `described` that end users
    won't read as written turns the answer into a warning."""
    note = shown.note(column) if shown is not None else None
    warn = bool(note) and described
    if is_fetch(request):
        return fragment(
            "_saved_note.html",
            kind="warn" if warn else "ok",
            message=message,
            shown=shown is not None and shown.ruled,
            note=note,
            can_confirm=shown is not None and shown.can_confirm(column),
            reviewed=shown is not None
            and column in shown.checks
            and shown.checks[column].reason == "reviewed",
        )
    response = redirect(f"{BASE}/tables?source={source_id}#{key}")
    flash(response, message + (f" {note}" if warn else ""), "warn" if warn else "ok")
    return response


def _shown(runtime: Runtime, source_id: str, table: str) -> disclosure.TableDisclosure | None:
    """What end users read of `table`'s texts, and why (see `analyze.disclosure`)."""
    with runtime.store.session() as session:
        rows = [
            r for r in catalog.table_rows(session, source_id) if disclosure.qualified(r) == table
        ]
        return disclosure.catalog_disclosure(session, source_id, rows).get(table)


def _refused(
    request: Request,
    runtime: Runtime,
    posted: Posted,
    source_id: str,
    key: str,
    err: PlotboardError | ValidationError,
) -> Response:
    if isinstance(err, PlotboardError) and err.status == 404:
        raise err
    problems = problems_of(err)
    if is_fetch(request):
        field, message = next(iter(problems.fields.items()), ("", problems.summary))
        text = f"{field.replace('_', ' ')}: {message}" if field else message
        return fragment("_notice.html", 422, kind="error", message=text, title="")
    f = FormState(posted.fields(), problems)
    return _page(request, runtime, posted.admin, source_id, failed=key, f=f, status_code=422)


def _current(
    runtime: Runtime, org_id: str, source_id: str, table: str, column: str | None = None
) -> dict[str, Any]:
    """What the table (or one of its columns) holds now; 404 when it does not exist."""
    with runtime.store.session() as session:
        sources.get_source(session, org_id, source_id)
        for row in catalog.table_rows(session, source_id):
            label = f"{row.schema_name}.{row.name}" if row.schema_name else row.name
            if label != table:
                continue
            if column is None:
                fields = ("display_name", "description", "hidden", "description_reviewed")
                return {f: getattr(row, f) for f in fields}
            for col in row.columns:
                if col["name"] == column:
                    return dict(col)
            raise not_found(f"Column '{column}' of table '{table}'")
    raise not_found(f"Table '{table}'")


def _changes(posted: Posted, current: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Only the fields the admin changed: the others stay Analyze's to fill in.

    The "every user may see this" box confirms the description as it was shown: when the
    description changes in the same post, the confirmation is not carried over to the new
    text (the page then shows the check of the new text)."""
    out: dict[str, Any] = {}
    for name in fields:
        value: Any = posted.checked(name) if name == "hidden" else _text(posted.text(name))
        before = bool(current.get(name)) if name == "hidden" else (current.get(name) or None)
        if value != before:
            out[name] = value
    reviewed = posted.checked("description_reviewed")
    was_reviewed = bool(current.get("description")) and (
        current.get("description_reviewed") == current.get("description")
    )
    if "description" not in out and reviewed != was_reviewed:
        out["description_reviewed"] = reviewed
    return out


@router.post("/{source_id}/{table}")
def save_table(
    source_id: str, table: str, request: Request, posted: PostedForm, runtime: RuntimeDep
) -> Response:
    key = f"t-{table}"
    current = _current(runtime, posted.admin.org_id, source_id, table)
    try:
        changes = _changes(posted, current, ("display_name", "description", "hidden"))
        if not changes:
            return _saved(request, source_id, key, "Nothing to save.")
        patch = catalog.TablePatch.model_validate(changes)
        sources_admin.update_table(runtime, posted.actor, source_id, table, patch)
    except (ValidationError, PlotboardError) as err:
        return _refused(request, runtime, posted, source_id, key, err)
    described = bool({"description", "description_reviewed"} & set(changes))
    shown = _shown(runtime, source_id, table)
    return _saved(request, source_id, key, f"Saved table {table}.", shown, described=described)


@router.post("/{source_id}/{table}/columns/{column}")
def save_column(
    source_id: str,
    table: str,
    column: str,
    request: Request,
    posted: PostedForm,
    runtime: RuntimeDep,
) -> Response:
    key = f"c-{table}-{column}"
    current = _current(runtime, posted.admin.org_id, source_id, table, column)
    fields = ("display_name", "description", "semantic_type", "hidden")
    try:
        changes = _changes(posted, current, fields)
        if not changes:
            return _saved(request, source_id, key, "Nothing to save.")
        patch = catalog.ColumnPatch.model_validate(changes)
        sources_admin.update_column(runtime, posted.actor, source_id, table, column, patch)
    except (ValidationError, PlotboardError) as err:
        return _refused(request, runtime, posted, source_id, key, err)
    described = bool({"description", "description_reviewed"} & set(changes))
    shown = _shown(runtime, source_id, table)
    message = f"Saved {table}.{column}."
    return _saved(request, source_id, key, message, shown, column, described=described)
