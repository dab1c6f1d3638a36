"""Access rules: per table, conditions `column <op> user.attribute` with OR groups, a preview."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from plotboard.access import store as rules_store
from plotboard.admin import rules as rules_admin
from plotboard.api.deps import RuntimeDep
from plotboard.auth.attribute_store import attribute_model
from plotboard.auth.attribute_values import AttributeSpec, validate_attributes
from plotboard.auth.sessions import SignedInAdmin
from plotboard.catalog.model import Table
from plotboard.console.forms import (
    FormState,
    Problems,
    attribute_rename,
    parse_attribute_values,
    problems_of,
)
from plotboard.console.pages.attributes import TYPE_LABELS
from plotboard.console.preview import (
    PreviewResult,
    column_examples,
    example_placeholder,
    preview_count,
)
from plotboard.console.rule_form import (
    OPS,
    RuleForm,
    column_choices,
    compared_columns,
    describe,
    locate,
    table_label,
)
from plotboard.console.web import (
    BASE,
    ConsoleRoute,
    PageAdmin,
    PostedForm,
    flash,
    redirect,
    render,
)
from plotboard.errors import PlotboardError, not_found
from plotboard.runtime import Runtime
from plotboard.sources import store as sources
from plotboard.store.models import AccessRule

router = APIRouter(prefix=BASE + "/rules", route_class=ConsoleRoute, include_in_schema=False)


@router.get("")
def rules_page(
    request: Request, admin: PageAdmin, runtime: RuntimeDep, source: str = ""
) -> Response:
    with runtime.store.session() as session:
        rows = sources.list_sources(session, admin.org_id)
        current = next((r for r in rows if r.id == source), rows[0] if rows else None)
        if source and (current is None or current.id != source):
            raise not_found(f"Data source {source}")
        saved: dict[str, list[Any]] = {}
        if current is not None:
            saved = {
                r.table_name: r.conditions for r in rules_store.list_rules(session, current.id)
            }
        listed = [{"id": r.id, "name": r.name} for r in rows]
    tables: list[dict[str, Any]] = []
    orphans: list[str] = []
    if current is not None:
        catalog = runtime.source_context(admin.org_id, current.id, admin=True).catalog
        for table in catalog.tables:
            label = f"{table.schema}.{table.name}" if table.schema else table.name
            conditions = saved.pop(label, None) or saved.pop(table.name, None)
            tables.append(
                {
                    "name": label,
                    "label": table_label(table),
                    "hidden": table.hidden,
                    "rule": describe(conditions) if conditions else None,
                }
            )
        orphans = sorted(saved)
    return render(
        request,
        runtime,
        "rules.html",
        admin,
        active="rules",
        sources=listed,
        current=current,
        tables=tables,
        orphans=orphans,
    )


def _table(runtime: Runtime, admin: SignedInAdmin, source_id: str, name: str) -> Table:
    catalog = runtime.source_context(admin.org_id, source_id, admin=True).catalog
    schema, _, bare = name.rpartition(".")
    table = catalog.table(bare, schema or None)
    if table is None:
        raise not_found(f"Table '{name}'")
    return table


def _examples(
    runtime: Runtime,
    admin: SignedInAdmin,
    source_id: str,
    table: Table,
    table_name: str,
    compared: dict[str, list[str]],
) -> dict[str, list[object]]:
    """For each attribute compared with a column of this table: a few of that column's values.

    The preview's examples come from the column the rule compares, so `user.region` compared
    with `sales_region` suggests a sales region, and an attribute the rule does not compare
    suggests nothing (it used to say "North" for every text attribute, `user.team` included).
    """
    examples: dict[str, list[object]] = {}
    for name, columns in compared.items():
        for column in columns:
            if table.column(column) is None:
                continue
            values = column_examples(runtime, admin.org_id, source_id, table_name, column)
            if values:
                examples[name] = values
                break
    return examples


def _editor(
    request: Request,
    runtime: Runtime,
    admin: SignedInAdmin,
    source_id: str,
    table_name: str,
    form: RuleForm | None,
    f: FormState,
    *,
    preview: PreviewResult | None = None,
    preview_values: dict[str, Any] | None = None,
    preview_note: str = "",
    status_code: int = 200,
) -> Response:
    table = _table(runtime, admin, source_id, table_name)
    with runtime.store.session() as session:
        source = sources.get_source(session, admin.org_id, source_id)
        model = attribute_model(session, admin.org_id)
        row = next(
            (r for r in rules_store.list_rules(session, source_id) if r.table_name == table_name),
            None,
        )
        saved = list(row.conditions) if isinstance(row, AccessRule) else None
    form = form or RuleForm.from_conditions(saved)
    compared = compared_columns(form)
    examples = _examples(runtime, admin, source_id, table, table_name, compared)
    return render(
        request,
        runtime,
        "rule_edit.html",
        admin,
        active="rules",
        status_code=status_code,
        source={"id": source.id, "name": source.name, "end_users": source.end_users},
        table=table,
        table_name=table_name,
        table_label=table_label(table),
        column_choices=column_choices(table),
        form=form,
        saved=describe(saved) if saved else None,
        attributes=model,
        type_labels=TYPE_LABELS,
        ops=OPS,
        f=f,
        preview=preview,
        preview_values=preview_values or {},
        preview_note=preview_note,
        used=compared,
        placeholders={a.name: example_placeholder(a, examples.get(a.name)) for a in model},
    )


@router.get("/{source_id}/{table}")
def edit_rule(
    source_id: str, table: str, request: Request, admin: PageAdmin, runtime: RuntimeDep
) -> Response:
    return _editor(request, runtime, admin, source_id, table, None, FormState({}))


def _preview_model(model: list[AttributeSpec]) -> list[AttributeSpec]:
    # A preview may leave any attribute out: that is how to see "fails closed, no rows".
    return [AttributeSpec(a.name, a.type, False, a.description) for a in model]


@router.post("/{source_id}/{table}")
def post_rule(
    source_id: str, table: str, request: Request, posted: PostedForm, runtime: RuntimeDep
) -> Response:
    """Save the rule (action=save), preview it unsaved (action=preview), or add or remove a
    condition row (add-and, add-or-G, remove-G-I) keeping everything typed so far."""
    _table(runtime, posted.admin, source_id, table)  # 404 before anything else
    fields = posted.fields()
    form = RuleForm.from_fields(fields)
    action = posted.text("action") or "save"
    if form.apply(action):
        return _editor(request, runtime, posted.admin, source_id, table, form, FormState(fields))
    conditions, positions = form.conditions()

    def refused(problems: Problems) -> Response:
        return _editor(
            request,
            runtime,
            posted.admin,
            source_id,
            table,
            form,
            FormState(fields, problems),
            status_code=422,
        )

    if not conditions:
        return refused(
            Problems(
                "Add at least one condition: pick a column, how it compares, and the token "
                "attribute to compare it with."
                + (" To remove the rule, use Delete rule." if action == "save" else "")
            )
        )
    if action == "preview":
        return _preview(request, runtime, posted, source_id, table, form, conditions, positions)
    try:
        body = rules_admin.RuleIn(conditions=conditions)
        rules_admin.save_rule(runtime, posted.actor, source_id, table, body)
    except (ValidationError, PlotboardError) as err:
        if isinstance(err, PlotboardError) and err.status == 404:
            raise
        return refused(locate(problems_of(err), positions))
    response = redirect(f"{BASE}/rules/{source_id}/{table}")
    flash(response, f"Saved the access rule of {table}: {describe(conditions)}.")
    return response


def _preview(
    request: Request,
    runtime: Runtime,
    posted: Any,
    source_id: str,
    table: str,
    form: RuleForm,
    conditions: list[dict[str, Any]],
    positions: list[tuple[int, list[int]]],
) -> Response:
    fields = posted.fields()
    admin = posted.admin
    with runtime.store.session() as session:
        model = attribute_model(session, admin.org_id)
    catalog = runtime.source_context(admin.org_id, source_id, admin=True).catalog
    try:
        rule = rules_store.parse_checked(table, conditions, catalog, model)
    except PlotboardError as err:
        problems = locate(problems_of(err), positions)
        return _editor(
            request, runtime, admin, source_id, table, form, FormState(fields, problems),
            status_code=422,
        )  # fmt: skip
    values, problems = parse_attribute_values(model, fields)
    if not problems:
        try:
            values = validate_attributes(_preview_model(model), values)
        except PlotboardError as err:
            problems = problems_of(err, attribute_rename)
    if problems:
        return _editor(
            request, runtime, admin, source_id, table, form, FormState(fields, problems),
            status_code=422,
        )  # fmt: skip
    try:
        result = preview_count(runtime, admin.org_id, source_id, rule, values)
    except PlotboardError as err:
        problems = Problems(f"The preview could not run: {err.message}")
        return _editor(
            request, runtime, admin, source_id, table, form, FormState(fields, problems),
            status_code=err.status if 400 <= err.status < 500 else 502,
        )  # fmt: skip
    return _editor(
        request,
        runtime,
        admin,
        source_id,
        table,
        form,
        FormState(fields),
        preview=result,
        preview_values=values,
        preview_note=_why_none(runtime, admin, source_id, table, form, result, values),
    )


def _why_none(
    runtime: Runtime,
    admin: SignedInAdmin,
    source_id: str,
    table_name: str,
    form: RuleForm,
    result: PreviewResult,
    values: dict[str, Any],
) -> str:
    """Why a preview shows no rows of a table that has some: an attribute the rule needs was
    left blank (a placeholder is not a value), or the values typed match none of the column's,
    which are compared exactly (capitals included)."""
    if result.visible or not result.total:
        return ""
    compared = compared_columns(form)
    blank = [name for name in compared if name not in values]
    if blank:
        names = ", ".join(f"user.{name}" for name in blank)
        return (
            f"No rows, because {names} {'is' if len(blank) == 1 else 'are'} blank: a token "
            "without an attribute the rule needs sees nothing. Type a value to see what a user "
            "with it would see."
        )
    for name, columns in compared.items():
        for column in columns:
            found = column_examples(runtime, admin.org_id, source_id, table_name, column)
            if found:
                shown = ", ".join(str(v) for v in found)
                return (
                    f"No row matches. {column} holds values such as {shown}; user.{name} is "
                    "compared with them exactly, capitals included."
                )
    return ""


@router.post("/{source_id}/{table}/delete")
def delete_rule(source_id: str, table: str, posted: PostedForm, runtime: RuntimeDep) -> Response:
    rules_admin.delete_rule(runtime, posted.actor, source_id, table)
    response = redirect(f"{BASE}/rules?source={source_id}")
    flash(
        response, f"Deleted the access rule of {table}: every user now sees all its rows.", "warn"
    )
    return response
