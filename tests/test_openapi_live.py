"""A live server against its own OpenAPI document, with schemathesis (bounded, deterministic).

`plotboard demo` runs as a user starts it; every documented operation is called with requests
generated from the document, valid ones and invalid ones, with the credentials the operation
takes (a key with both scopes, made by the demo's admin, for the admin API and minting;
an embed token for the embed API).
Each answer must not be a 5xx, must have a documented status and content type, and its body
must match the documented schema; invalid input must be refused with a 4xx. Examples are
derived from a fixed seed, so a run is repeatable; the budget (`EXAMPLES` per operation and
kind) keeps the test near 45 s.

Not checked: that every request the document allows is accepted. The document cannot say
everything the server checks ("either `query` or `sql`", a text tile needs `text`, names
that must be identifiers), and those refusals are 422s naming the field, checked here like
every other answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from tests.live_server import demo_admin_key, running_demo

EXAMPLES = 3

# Operations that would make the server reach out to wherever a generated value points: a
# database URL or SQLite path of a new source, an AI endpoint. Their input checks are tested
# in tests/api with real targets.
NOT_CALLED = {
    ("POST", "/api/v1/admin/sources"),
    ("POST", "/api/v1/admin/sources/test"),
    ("PUT", "/api/v1/admin/ai-settings"),
}
EMBED_TOKEN_PATHS = "/api/v1/embed/"
API_KEY_PATHS = ("/api/v1/admin/", "/api/v1/embed/tokens")


def _credential(path: str, api_key: str, embed_token: str) -> dict[str, str]:
    if path.startswith(API_KEY_PATHS):
        return {"Authorization": f"Bearer {api_key}"}
    if path.startswith(EMBED_TOKEN_PATHS):
        return {"Authorization": f"Bearer {embed_token}"}
    return {}


def _takes_input(document: dict[str, Any], method: str, path: str) -> bool:
    operation = document["paths"][path][method.lower()]
    return bool(operation.get("parameters") or operation.get("requestBody"))


def _calls(operation: Any, mode: GenerationMode, url: str, headers: dict[str, str]) -> Any:
    """A test that calls `operation` with `EXAMPLES` requests of `mode` and checks answers."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        case.call_and_validate(
            base_url=url,
            headers=headers,
            excluded_checks=[schemathesis.checks.positive_data_acceptance],
        )

    return call


def test_every_operation_answers_as_its_document_says(tmp_path: Path) -> None:
    with running_demo(tmp_path / "demo") as server:
        info = server.info
        # Both scopes, for the admin API and minting (the printed key only mints tokens).
        key = demo_admin_key(server)
        user = info["users"][0]
        minted = httpx.post(
            f"{server.url}/api/v1/embed/tokens",
            json={"user_id": user["user_id"], "attributes": user["attributes"]},
            headers={"Authorization": f"Bearer {info['api_key']}"},
        )
        assert minted.status_code == 201, minted.text
        document = httpx.get(f"{server.url}/api/openapi.json").json()
        # A body over the request size limit is refused with 413 before it is read: a
        # rejection too, beside the ones schemathesis expects by default.
        rejected = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428"]
        rejected += ["429", "5xx"]
        config = SchemathesisConfig.from_dict(
            {"checks": {"negative_data_rejection": {"expected-statuses": rejected}}}
        )
        schema = schemathesis.openapi.from_dict(document, config=config)
        failures: list[str] = []
        called = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            method, path = operation.method.upper(), operation.path
            if (method, path) in NOT_CALLED:
                continue
            headers = _credential(path, key, minted.json()["token"])
            modes = [GenerationMode.POSITIVE]
            if _takes_input(document, method, path):
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                call = _calls(operation, mode, server.url, headers)
                called += 1
                try:
                    call()
                except Unsatisfiable:
                    pass  # nothing in the input can be made invalid (e.g. only a path id)
                except (Exception, BaseExceptionGroup) as err:
                    failures.append(f"{method} {path} ({mode.value} data):\n{str(err)[:3000]}")
        assert called > 100, f"only {called} operation runs: is the document served?"
        # Generated requests seldom succeed where the input must name real things (a table,
        # a source, a conversation): these do, so each typed answer is checked on a real one.
        token = minted.json()["token"]
        by_route = {(op.method.upper(), op.path): op for op in _operations(schema)}
        for method, path, call in _valid_calls(server.url, key, token):
            operation = by_route[(method, path)]
            case = operation.Case(
                **call, headers=_credential(path, key, token)
            )
            try:
                response = case.call_and_validate(base_url=server.url)
                assert response.status_code < 300, response.text[:500]
            except (Exception, BaseExceptionGroup) as err:
                failures.append(f"{method} {path} (a valid request):\n{str(err)[:3000]}")
        assert not failures, "\n\n".join(failures) + f"\n\nserver log:\n{server.output()[-3000:]}"


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _valid_calls(url: str, key: str, token: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Requests that succeed on the demo: every answer model but the dashboards' (whose
    operations generated requests already reach)."""
    admin = {"Authorization": f"Bearer {key}"}
    source = httpx.get(f"{url}/api/v1/admin/sources", headers=admin).json()["sources"][0]["id"]
    asked = httpx.post(
        f"{url}/api/v1/embed/ai/ask",
        json={"question": "revenue by region"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["conversation_id"]
    spec = {
        "table": "sales",
        "measures": [{"agg": "sum", "column": "amount"}],
        "dimensions": [{"column": "sales_region"}],
    }
    sid = {"source_id": source}
    job = httpx.post(f"{url}/api/v1/admin/sources/{source}/analyze", headers=admin).json()
    return [
        ("GET", "/api/v1/embed/catalog", {}),
        ("POST", "/api/v1/embed/query", {"body": {"query": spec}}),
        ("POST", "/api/v1/embed/query", {"body": {"query": spec}}),  # from the cache
        ("POST", "/api/v1/embed/ai/ask", {"body": {"question": "headcount by department"}}),
        ("GET", "/api/v1/embed/ai/conversations", {}),
        ("GET", "/api/v1/embed/ai/conversations/{conversation_id}",
         {"path_parameters": {"conversation_id": asked}}),
        ("GET", "/api/v1/embed/geo", {"query": {"names": ["Paris", "Nowhere Town", "Japan"]}}),
        ("POST", "/api/v1/embed/tokens/introspect", {"body": {"token": token}}),
        ("POST", "/api/v1/embed/tokens/introspect", {"body": {"token": "not.a.token"}}),
        ("GET", "/api/v1/admin/sources", {}),
        ("GET", "/api/v1/admin/sources/{source_id}", {"path_parameters": sid}),
        ("POST", "/api/v1/admin/sources/{source_id}/test", {"path_parameters": sid}),
        ("POST", "/api/v1/admin/sources/{source_id}/refresh", {"path_parameters": sid}),
        ("GET", "/api/v1/admin/sources/{source_id}/tables", {"path_parameters": sid}),
        ("PATCH", "/api/v1/admin/sources/{source_id}/tables/{table}",
         {"path_parameters": {**sid, "table": "sales"}, "body": {"display_name": "Sales"}}),
        ("PATCH", "/api/v1/admin/sources/{source_id}/tables/{table}/columns/{column}",
         {"path_parameters": {**sid, "table": "sales", "column": "amount"},
          "body": {"display_name": "Amount"}}),
        ("GET", "/api/v1/admin/sources/{source_id}/rules", {"path_parameters": sid}),
        ("GET", "/api/v1/admin/sources/{source_id}/analyze", {"path_parameters": sid}),
        ("GET", "/api/v1/admin/analyze/{job_id}", {"path_parameters": {"job_id": job["id"]}}),
        ("POST", "/api/v1/admin/analyze/{job_id}/cancel",
         {"path_parameters": {"job_id": job["id"]}}),
        ("GET", "/api/v1/admin/limits", {}),
        ("PATCH", "/api/v1/admin/limits", {"body": {"ai_per_user_per_minute": 40}}),
        ("GET", "/api/v1/admin/ai-settings", {}),
        ("POST", "/api/v1/admin/api-keys", {"body": {"name": "contract", "scopes": ["tokens"]}}),
        ("GET", "/api/v1/admin/audit", {}),
        ("GET", "/healthz", {}),
    ]  # fmt: skip
