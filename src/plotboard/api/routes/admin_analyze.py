"""The admin API for Analyze: profile a source's tables and propose catalog metadata.

- `POST /api/v1/admin/sources/{source_id}/analyze` starts a background job (202);
- `GET /api/v1/admin/sources/{source_id}/analyze` lists the source's recent jobs;
- `GET /api/v1/admin/analyze/{job_id}` reports progress, then profiles and proposals
  (`?detail=false` leaves those two out, for polling);
- `POST /api/v1/admin/analyze/{job_id}/apply` writes accepted proposals into the catalog;
- `POST /api/v1/admin/analyze/{job_id}/cancel` asks a running job to stop.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, ConfigDict, Field

from plotboard.analyze import Accept, AnalyzeRequest, analyze_service
from plotboard.api import answers
from plotboard.api.deps import Admin, RuntimeDep

router = APIRouter(prefix="/api/v1/admin", tags=["admin: analyze"])


class ApplyRequest(BaseModel):
    """Which proposals to write (all when `accept` is left out); `overwrite` replaces what an
    admin wrote by hand (default: the job's own `overwrite` option)."""

    model_config = ConfigDict(extra="forbid")
    accept: list[Accept] | None = Field(default=None, max_length=20_000)
    overwrite: bool | None = None


@router.post(
    "/sources/{source_id}/analyze",
    operation_id="admin_start_analyze",
    response_model=answers.AnalyzeJob,
    response_model_exclude_unset=True,
    status_code=202,
)
def start(
    source_id: str,
    admin: Admin,
    runtime: RuntimeDep,
    body: AnalyzeRequest | None = Body(default=None),
) -> dict[str, Any]:
    """Start Analyze on some tables of a source; 409 names the job already running on it."""
    service = analyze_service(runtime)
    return service.start(admin.org_id, source_id, body or AnalyzeRequest(), admin.actor)


@router.get(
    "/sources/{source_id}/analyze",
    operation_id="admin_list_analyze_jobs",
    response_model=answers.AnalyzeJobList,
    response_model_exclude_unset=True,
)
def list_jobs(source_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    return {"jobs": analyze_service(runtime).jobs(admin.org_id, source_id)}


@router.get(
    "/analyze/{job_id}",
    operation_id="admin_get_analyze_job",
    response_model=answers.AnalyzeJob,
    response_model_exclude_unset=True,
)
def read(job_id: str, admin: Admin, runtime: RuntimeDep, detail: bool = True) -> dict[str, Any]:
    return analyze_service(runtime).job(admin.org_id, job_id, detail=detail)


@router.post(
    "/analyze/{job_id}/apply",
    operation_id="admin_apply_analyze_job",
    response_model=answers.Applied,
)
def apply(
    job_id: str,
    admin: Admin,
    runtime: RuntimeDep,
    body: ApplyRequest | None = Body(default=None),
) -> dict[str, Any]:
    """Write the job's proposals into the catalog, keeping admin edits unless overwriting."""
    request = body or ApplyRequest()
    return analyze_service(runtime).apply(
        admin.org_id, job_id, admin.actor, accept=request.accept, overwrite=request.overwrite
    )


@router.post(
    "/analyze/{job_id}/cancel",
    operation_id="admin_cancel_analyze_job",
    response_model=answers.AnalyzeJob,
    response_model_exclude_unset=True,
)
def cancel(job_id: str, admin: Admin, runtime: RuntimeDep) -> dict[str, Any]:
    return analyze_service(runtime).cancel(admin.org_id, job_id, admin.actor)
