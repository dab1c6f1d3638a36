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
