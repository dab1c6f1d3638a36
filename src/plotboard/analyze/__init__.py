"""Analyze: profile a source's tables and propose display names, descriptions and semantic
types for the catalog (DESIGN.md, set-up step 4).

Public API:

- `analyze_service(runtime) -> AnalyzeService` — `.start(org_id, source_id, AnalyzeRequest,
  actor)`, `.job(org_id, job_id)`, `.jobs(org_id, source_id)`, `.apply(org_id, job_id, actor,
  accept=..., overwrite=...)`, `.cancel(org_id, job_id, actor)`, `.org_jobs(org_id)`; `start`
  queues a job in the metadata store.
- `start_worker(runtime) -> queue.Worker` — runs queued jobs (`plotboard worker`, or a thread
  of a web server); `analyze_kind(runtime)` — Analyze for a worker of one's own.
- `AnalyzeRequest` (`tables`, `overwrite`, `use_llm`, `apply`, `quote_values`) and `Accept`.
- `profile_table(table, dialect, run, settings, step) -> TableProfile` — the profiling alone.
- `detect_semantic_type(table, column, profile) -> Detection` — the rules alone.
- `TemplateDescriber`, `LLMDescriber` — who writes names and descriptions.

Modules: `queries` (the SQL, as sqlglot trees), `profile`, `semantic`, `catalog_text` (names and
template sentences), `describe` (templates or an LLM), `proposals` (building and applying),
`jobs` (the job rows), `run` (one attempt at a job), `service` (starting, reading, applying;
the worker). The queue itself (claims, leases, retries) is `plotboard.store.queue`.
"""

from plotboard.analyze.describe import LLMDescriber, TemplateDescriber
from plotboard.analyze.jobs import AnalyzeRequest
from plotboard.analyze.profile import (
    ColumnProfile,
    ProfileSettings,
    TableProfile,
    profile_table,
)
from plotboard.analyze.proposals import Accept, apply_proposals
from plotboard.analyze.semantic import Detection, detect_semantic_type
from plotboard.analyze.service import (
    AnalyzeService,
    analyze_kind,
    analyze_service,
    start_worker,
)

__all__ = [
    "Accept",
    "AnalyzeRequest",
    "AnalyzeService",
    "ColumnProfile",
    "Detection",
    "LLMDescriber",
    "ProfileSettings",
    "TableProfile",
    "TemplateDescriber",
    "analyze_kind",
    "analyze_service",
    "apply_proposals",
    "detect_semantic_type",
    "profile_table",
    "start_worker",
]
