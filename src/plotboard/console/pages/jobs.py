"""Jobs: the organization's Analyze jobs, whichever server queued them and whichever worker
runs them — state, attempts, times and the message of each (read from the metadata store)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from plotboard.analyze import analyze_service
from plotboard.api.deps import RuntimeDep
from plotboard.console.web import BASE, ConsoleRoute, PageAdmin, render

router = APIRouter(prefix=BASE + "/jobs", route_class=ConsoleRoute, include_in_schema=False)

PILLS = {"done": "ok", "failed": "off", "running": "warn", "queued": ""}


@router.get("")
def jobs_page(
    request: Request, admin: PageAdmin, runtime: RuntimeDep, limit: int = 100
) -> Response:
    limit = max(1, min(limit, 1000))
    jobs = analyze_service(runtime).org_jobs(admin.org_id, limit)
    for job in jobs:
        retrying = job["status"] == "queued" and job["attempts"] > 0
        job["state"] = "retrying" if retrying else job["status"]
        job["pill"] = PILLS.get(job["status"], "")
    waiting = any(j["status"] == "queued" for j in jobs)
    return render(
        request,
        runtime,
        "jobs.html",
        admin,
        active="jobs",
        jobs=jobs,
        limit=limit,
        # Queued jobs and no worker in this server: say who runs them.
        no_local_worker=waiting and not runtime.settings.jobs_in_web,
    )
