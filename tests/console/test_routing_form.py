"""The Databases page's "Route by token attribute" section: it saves what the admin API would,
shows the saved routing again, names the field of a mistake, offers only single-value token
attributes, and an empty attribute turns routing off."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from plotboard.runtime import Runtime
from plotboard.store.models import DataSource
from tests.console.conftest import Console
from tests.console.pages import field_error, text
from tests.console.test_forms import add_attributes, connect


def _routing(runtime: Runtime, source_id: str) -> object:
    with runtime.store.session() as session:
        row = session.get(DataSource, source_id)
        assert row is not None
        return row.routing


def _options(page: str, select_id: str) -> list[str]:
    found = re.search(rf'<select id="{select_id}".*?</select>', page, re.S)
    assert found is not None, select_id
    return re.findall(r'<option value="([^"]*)"', found.group(0))


def test_route_a_database_by_token_attribute(
    console: Console, runtime: Runtime, demo_database: Path, tmp_path: Path
) -> None:
    base = tmp_path / "base.sqlite"
    shutil.copy(demo_database, base)
    shutil.copy(demo_database, tmp_path / "acme.sqlite")
    add_attributes(console, ("tenant", "string"), ("tenants", "string_list"))
    source_id = connect(console, base, name="Tenants")
    page = console.get(f"/admin/databases/{source_id}").text
    assert "Route by token attribute" in page
    offered = _options(page, "f-routing_attribute")
    assert "tenant" in offered and "tenants" not in offered and offered[0] == ""

    form = {"kind": "sqlite", "name": "Tenants", "path": str(base)}
    saved = console.post(
        f"/admin/databases/{source_id}",
        {**form, "routing_attribute": "tenant", "routing_mode": "database",
         "routing_map": "acme = acme\nglobex = globex", "routing_max_pools": "4"},
    )  # fmt: skip
    assert saved.status_code == 200, text(saved.text)
    assert _routing(runtime, source_id) == {
        "attribute": "tenant", "mode": "database",
        "map": {"acme": "acme", "globex": "globex"}, "max_pools": 4,
    }  # fmt: skip
    page = console.get(f"/admin/databases/{source_id}").text
    assert "acme = acme" in page and 'value="tenant" selected' in page

    # Mistakes name their input and change nothing.
    for fields, input_id in (
        ({"routing_mode": "database", "routing_map": "acme"}, "f-routing_map"),
        ({"routing_mode": "database", "routing_map": "acme = ../x"}, "f-routing_map"),
        ({"routing_mode": "schema", "routing_template": "t_{value}"}, "f-routing_mode"),
        ({"routing_mode": "database", "routing_template": "no_value"}, "f-routing_template"),
    ):
        refused = console.post(
            f"/admin/databases/{source_id}", {**form, "routing_attribute": "tenant", **fields}
        )
        assert refused.status_code == 422, (fields, text(refused.text))
        assert field_error(refused.text, input_id), (fields, text(refused.text))
    assert _routing(runtime, source_id)["map"] == {"acme": "acme", "globex": "globex"}  # type: ignore[index]

    # A template instead of a map; then no attribute: routing off.
    templated = console.post(
        f"/admin/databases/{source_id}",
        {**form, "routing_attribute": "tenant", "routing_mode": "database",
         "routing_template": "t_{value}"},
    )  # fmt: skip
    assert templated.status_code == 200, text(templated.text)
    assert _routing(runtime, source_id) == {
        "attribute": "tenant", "mode": "database", "template": "t_{value}", "max_pools": 16,
    }  # fmt: skip
    off = console.post(f"/admin/databases/{source_id}", {**form, "routing_attribute": ""})
    assert off.status_code == 200, text(off.text)
    assert _routing(runtime, source_id) is None
