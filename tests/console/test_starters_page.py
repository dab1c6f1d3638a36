"""The console's Starters and sharing page: publish a user's dashboard (one built in the token
sandbox) as a starter, update it from a dashboard, withdraw it, and choose the team attribute;
each as the admin API would, audited, with what went wrong said on the page."""

from __future__ import annotations

import re

from plotboard.auth.attribute_store import AttributeIn, create_attribute
from plotboard.dashboards import starters, store
from plotboard.dashboards.model import DashboardIn
from plotboard.runtime import Runtime
from plotboard.store.models import Organization
from tests.console.conftest import Console
from tests.console.pages import text

TILE = {
    "id": "head",
    "title": "Headcount",
    "query": {"table": "employees", "measures": [{"agg": "count"}]},
    "chart": {"type": "kpi"},
}


def _dashboard(runtime: Runtime, org_id: str, user: str, title: str, tiles: int = 1) -> str:
    with runtime.store.session() as session:
        made = store.create_dashboard(
            session,
            org_id,
            user,
            DashboardIn.model_validate({"title": title, "tiles": [TILE] if tiles else []}),
        )
    return made.id


def _starters(runtime: Runtime, org_id: str) -> list[starters.StarterSummary]:
    with runtime.store.session() as session:
        return starters.list_starters(session, org_id)


def test_publish_update_and_withdraw_a_sandbox_dashboard(
    console: Console, runtime: Runtime
) -> None:
    built = _dashboard(runtime, console.org_id, "test-user", "Team overview")
    page = console.get("/admin/starters")
    assert page.status_code == 200
    assert "Team overview" in text(page.text)  # the sandbox user's dashboards by default
    assert "None yet" in text(page.text)
    answer = console.post("/admin/starters/publish", {"dashboard_id": built, "user": "test-user"})
    assert answer.status_code == 200, text(answer.text)
    assert "Published “Team overview”" in text(answer.text)
    [starter] = _starters(runtime, console.org_id)
    assert (starter.title, starter.version, starter.source_dashboard_id) == (
        "Team overview", 1, built,
    )  # fmt: skip
    assert f'data-starter="{starter.id}"' in answer.text

    other = _dashboard(runtime, console.org_id, "test-user", "Team overview v2", tiles=0)
    answer = console.post(
        f"/admin/starters/{starter.id}/update", {"dashboard_id": other, "user": "test-user"}
    )
    assert "Updated “Team overview v2” (version 2)" in text(answer.text)
    [starter] = _starters(runtime, console.org_id)
    assert (starter.title, starter.tile_count, starter.version) == ("Team overview v2", 0, 2)

    answer = console.post(f"/admin/starters/{starter.id}/withdraw", {"user": "test-user"})
    assert "Withdrew “Team overview v2”" in text(answer.text)
    assert _starters(runtime, console.org_id) == []
    audit = text(console.get("/admin/audit").text)
    for action in ("starter.published", "starter.updated", "starter.withdrawn"):
        assert action in audit


def test_another_users_dashboards_and_refusals(console: Console, runtime: Runtime) -> None:
    _dashboard(runtime, console.org_id, "dana", "Dana's board")
    page = console.get("/admin/starters?user=dana")
    assert "Dana's board" in text(page.text) and 'value="dana"' in page.text
    assert "has no dashboards yet" in text(console.get("/admin/starters?user=nobody").text)
    answer = console.post("/admin/starters/publish", {"dashboard_id": "nope", "user": "dana"})
    assert answer.status_code == 404
    assert "There is no dashboard nope" in text(answer.text)
    answer = console.post("/admin/starters/publish", {"user": "dana"})
    assert answer.status_code == 422 and "Choose a dashboard to publish" in text(answer.text)
    assert _starters(runtime, console.org_id) == []
    answer = console.post("/admin/starters/unknown/withdraw", {"user": "dana"})
    assert answer.status_code == 404


def test_the_team_attribute_is_chosen_from_single_value_attributes(
    console: Console, runtime: Runtime
) -> None:
    with runtime.store.session() as session:
        create_attribute(session, console.org_id, AttributeIn(name="team", type="string"))
        create_attribute(session, console.org_id, AttributeIn(name="offices", type="string_list"))
    page = console.get("/admin/starters")
    options = re.search(r'<select id="f-team_attribute".*?</select>', page.text, re.S)
    assert options and "team (string)" in options.group(0)
    assert "offices" not in options.group(0)  # a list is not one team
    answer = console.post("/admin/starters/team", {"team_attribute": "team"})
    assert "the same &#39;team&#39;" in answer.text or "the same 'team'" in text(answer.text)
    with runtime.store.session() as session:
        assert session.get(Organization, console.org_id).team_attribute == "team"  # type: ignore[union-attr]
    answer = console.post("/admin/starters/team", {"team_attribute": "offices"})
    assert answer.status_code == 422 and "string_list" in text(answer.text)
    answer = console.post("/admin/starters/team", {"team_attribute": ""})
    assert "sharing is off" in text(answer.text)
    with runtime.store.session() as session:
        assert session.get(Organization, console.org_id).team_attribute is None  # type: ignore[union-attr]
