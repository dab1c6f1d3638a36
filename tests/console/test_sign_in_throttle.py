"""The console's sign-in form is throttled by the same counters as the API, with the same
words and the same Retry-After."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from plotboard.runtime import Runtime
from tests.console.conftest import Console, new_admin

MESSAGE = "Too many failed sign-ins for this email. Try again in 5 minutes."


def test_the_form_and_the_api_refuse_alike(runtime: Runtime, app: FastAPI) -> None:
    _, email = new_admin(runtime)
    browser = TestClient(app, base_url="http://plotboard.test", client=("203.0.113.20", 1))
    form = Console(browser, "", email)
    for _ in range(5):
        assert form.sign_in("wrong password").status_code == 401
    page = form.sign_in()
    assert page.status_code == 429
    assert MESSAGE in page.text
    assert 240 < int(page.headers["Retry-After"]) <= 300
    # The API at the same address is refused with the same sentence: one counter for both.
    api = TestClient(app, base_url="http://plotboard.test", client=("203.0.113.20", 2))
    answer = api.post("/api/v1/admin/session", json={"email": email, "password": "x"})
    assert answer.status_code == 429 and answer.json()["detail"] == MESSAGE
    # Another address is not locked out.
    elsewhere = Console(TestClient(app, base_url="http://plotboard.test"), "", email)
    assert elsewhere.sign_in().status_code == 200
