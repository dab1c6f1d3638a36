"""The organization's settings through the admin API: the time zone of relative dates."""

from __future__ import annotations

from tests.api.conftest import Org


def test_time_zone_defaults_to_utc_and_can_be_set_and_reset(org: Org) -> None:
    read = org.admin("GET", "/organization")
    assert read.status_code == 200, read.text
    assert read.json()["time_zone"] is None and read.json()["id"] == org.id

    put = org.admin("PUT", "/organization", json={"time_zone": "Europe/Paris"})
    assert put.status_code == 200, put.text
    assert put.json()["time_zone"] == "Europe/Paris"
    assert org.admin("GET", "/organization").json()["time_zone"] == "Europe/Paris"
    assert org.runtime.time_zones.zone_of(org.id) == "Europe/Paris"

    # A field left out keeps its value (later settings are added as optional fields).
    assert org.admin("PUT", "/organization", json={}).json()["time_zone"] == "Europe/Paris"
    # null resets to UTC.
    assert org.admin("PUT", "/organization", json={"time_zone": None}).json()["time_zone"] is None
    assert org.runtime.time_zones.zone_of(org.id) is None

    entries = org.admin("GET", "/audit").json()["entries"]
    changes = [e for e in entries if e["action"] == "organization.changed"]
    assert len(changes) == 2  # the empty PUT changed nothing and recorded nothing


def test_a_bad_time_zone_is_a_422_naming_it_and_saves_nothing(org: Org) -> None:
    for bad in ("Mars/Olympus", "localtime", "../../etc/passwd", "", "europe/paris", 5):
        r = org.admin("PUT", "/organization", json={"time_zone": bad})
        assert r.status_code == 422, (bad, r.text)
        body = r.json()
        if isinstance(bad, str):
            assert body["code"] == "invalid_time_zone"
            assert repr(bad) in body["detail"] and "Europe/Paris" in body["detail"]
        assert "time_zone" in str(body)
    assert org.admin("GET", "/organization").json()["time_zone"] is None


def test_unknown_settings_are_refused(org: Org) -> None:
    r = org.admin("PUT", "/organization", json={"timezone": "Europe/Paris"})
    assert r.status_code == 422 and "timezone" in r.text


def test_each_organization_has_its_own_zone(org: Org, other_org: Org) -> None:
    org.admin("PUT", "/organization", json={"time_zone": "Asia/Tokyo"})
    assert other_org.admin("GET", "/organization").json()["time_zone"] is None
