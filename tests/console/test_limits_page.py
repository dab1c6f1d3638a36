"""The usage-limits page: shows the limits in force, saves what the admin types (as the admin
API would, with an audit entry), and refuses what is not a whole number, naming the field."""

from __future__ import annotations

from plotboard.runtime import Runtime
from plotboard.usage import UsageLimits, limits_of
from tests.console.conftest import Console
from tests.console.pages import field_error, text, value_of


def form(**changes: str) -> dict[str, str]:
    values = {k: str(v) for k, v in UsageLimits().model_dump().items()}
    return {**values, **changes}


def test_the_page_shows_the_defaults(console: Console) -> None:
    page = console.get("/admin/limits")
    assert page.status_code == 200
    assert value_of(page.text, "f-query_per_user_at_once") == "8"
    assert value_of(page.text, "f-ai_per_user_per_minute") == "30"
    assert "Usage limits" in text(page.text)


def test_saving_changes_the_limits_in_force(console: Console, runtime: Runtime) -> None:
    answer = console.post(
        "/admin/limits", form(ai_per_user_per_minute="5", mint_per_org_at_once="0")
    )
    assert answer.status_code == 200, text(answer.text)
    assert "Saved the usage limits" in text(answer.text)
    with runtime.store.session() as session:
        limits = limits_of(session, console.org_id)
    assert limits.ai_per_user_per_minute == 5 and limits.mint_per_org_at_once == 0
    assert value_of(answer.text, "f-ai_per_user_per_minute") == "5"
    assert "limits.changed" in text(console.get("/admin/audit").text)


def test_a_bad_number_is_refused_naming_the_field(console: Console, runtime: Runtime) -> None:
    answer = console.post(
        "/admin/limits", form(query_per_org_per_minute="lots", ai_per_org_at_once="-2")
    )
    assert answer.status_code == 422
    assert "whole number" in field_error(answer.text, "f-query_per_org_per_minute")
    assert "whole number" in field_error(answer.text, "f-ai_per_org_at_once")
    assert value_of(answer.text, "f-query_per_org_per_minute") == "lots"  # kept as typed
    with runtime.store.session() as session:
        assert limits_of(session, console.org_id) == UsageLimits()  # nothing saved


def _selected(page: str, select_id: str) -> str:
    import re

    found = re.search(rf'<select id="{select_id}".*?</select>', page, re.S)
    assert found, select_id
    chosen = re.search(r'<option value="([^"]*)" selected>', found.group(0))
    return chosen.group(1) if chosen else ""


def test_the_time_zone_is_chosen_from_every_iana_zone(console: Console, runtime: Runtime) -> None:
    page = console.get("/admin/limits")
    assert page.status_code == 200
    assert "Time zone" in text(page.text) and "UTC (the default)" in text(page.text)
    assert _selected(page.text, "f-time_zone") == ""  # none chosen: UTC
    options = page.text.count("<option value=")
    assert options > 400 and '<option value="Europe/Paris">' in page.text

    saved = console.post("/admin/limits/organization", {"time_zone": "Europe/Paris"})
    assert saved.status_code == 200, text(saved.text)
    assert "now count from today in Europe/Paris" in text(saved.text)
    assert _selected(saved.text, "f-time_zone") == "Europe/Paris"
    assert runtime.time_zones.zone_of(console.org_id) == "Europe/Paris"
    assert "organization.changed" in text(console.get("/admin/audit").text)

    back = console.post("/admin/limits/organization", {"time_zone": ""})
    assert back.status_code == 200 and "today in UTC" in text(back.text)
    assert runtime.time_zones.zone_of(console.org_id) is None


def test_a_forged_time_zone_is_refused_naming_it(console: Console, runtime: Runtime) -> None:
    answer = console.post("/admin/limits/organization", {"time_zone": "Europe/Atlantis"})
    assert answer.status_code == 422
    assert "'Europe/Atlantis' is not a time zone name" in field_error(answer.text, "f-time_zone")
    assert runtime.time_zones.zone_of(console.org_id) is None
    # The limits form beside it still shows the limits in force.
    assert value_of(answer.text, "f-query_per_user_at_once") == "8"
