"""Analyze jobs with PostgreSQL as the metadata store (the scale-out set-up)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from plotboard.app import create_app
from plotboard.auth.api_keys import create_api_key
from plotboard.config import Settings
from plotboard.orgs import create_organization
from plotboard.runtime import Runtime
from plotboard.sources.dialects import SourceConnection
from plotboard.store.models import AnalyzeJob
from tests.analyze.conftest import Admin
from tests.analyze.test_jobs_api import column_of, wait_for
from tests.services import temporary_postgres_database


@pytest.fixture(scope="module")
def pg_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    with temporary_postgres_database() as url:
        runtime = Runtime(
            Settings(
                database_url=url,
                secret_key="analyze-" + secrets.token_urlsafe(40),
                data_dir=tmp_path_factory.mktemp("pg-store"),
            )
        )
        with runtime.store.session() as session:
            org = create_organization(session, runtime.secret_key, "PG")
            _, key = create_api_key(session, org.id, "ops", ["admin"], "test")
        with TestClient(create_app(runtime=runtime), base_url="http://plotboard.test") as client:
            yield Admin(org.id, key, client, runtime)
        runtime.close()


def test_a_job_and_the_one_active_job_rule_on_postgres(pg_admin: Admin, demo_db: Path) -> None:
    source = pg_admin.add_source(SourceConnection(kind="sqlite", path=str(demo_db)))
    body = {"tables": ["offices"], "apply": True}
    started = pg_admin.call("POST", f"/sources/{source}/analyze", 202, json=body).json()
    job, _ = wait_for(pg_admin, started["id"])
    assert job["status"] == "done" and job["counts"]["applied"] == 17
    assert column_of(pg_admin, source, "offices", "country")["semantic_type"] == "country"
    active = {
        "org_id": pg_admin.org_id, "source_id": source, "status": "running",
        "active_source_id": source, "options": {}, "counts": {}, "notes": [], "profiles": [],
        "proposals": [], "runner": "elsewhere:1:boot", "created_by": "test",
    }  # fmt: skip
    with pg_admin.runtime.store.session() as session:
        session.add(AnalyzeJob(**active))
    with pytest.raises(sa.exc.IntegrityError), pg_admin.runtime.store.session() as session:
        session.add(AnalyzeJob(**active))
    refused = pg_admin.call("POST", f"/sources/{source}/analyze", 409, json={})
    assert refused.json()["code"] == "analyze_running"
