"""Prometheus metrics (`GET /metrics`), kept with prometheus-client.

Labels are bounded on purpose: routes by their template (`/api/v1/embed/dashboards/{id}`), never
the raw path; sources by id (one per connected database); outcomes by error code. Nothing that
an end user types becomes a label.

With several worker processes (`plotboard serve --workers N`) each worker counts on its own;
`plotboard serve` then sets `PROMETHEUS_MULTIPROC_DIR` before the workers start, and a scrape
answers the sum over all of them (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from plotboard import __version__
from plotboard.store.models import AnalyzeJob

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# One registry per process; in multiprocess mode it only names the metrics (the values are
# files in PROMETHEUS_MULTIPROC_DIR, read at scrape time).
REGISTRY = CollectorRegistry(auto_describe=True)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

BUILD_INFO = Gauge(
    "plotboard_build_info",
    "Always 1; the version label says which plotboard answers.",
    ["version"],
    registry=REGISTRY,
    multiprocess_mode="max",
)
BUILD_INFO.labels(__version__).set(1)

HTTP_REQUESTS = Counter(
    "plotboard_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "plotboard_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
HTTP_IN_PROGRESS = Gauge(
    "plotboard_http_requests_in_progress",
    "Requests being answered right now (open connections with a request in flight).",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
QUERIES = Counter(
    "plotboard_queries",
    "Embed queries by source and outcome: 'cache_hit', 'ran', or the error code.",
    ["source", "outcome"],
    registry=REGISTRY,
)
QUERY_LATENCY = Histogram(
    "plotboard_query_duration_seconds",
    "Time a query spent on its source database (not counted for cache hits).",
    ["source"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
CACHE = Counter(
    "plotboard_query_cache",
    "Query-cache lookups by result ('hit' or 'miss'); the hit ratio is hit / (hit + miss).",
    ["result"],
    registry=REGISTRY,
)
FAST_PATH = Counter(
    "plotboard_query_fast_path",
    "Queries answered by the cached-tile fast path: cache hits, and their usage-limit 429s.",
    registry=REGISTRY,
)
FAST_PATH_RAN = Counter(
    "plotboard_query_fast_path_ran",
    "Queries the fast path ran itself, as the route does (uncached or refreshed), errors too.",
    registry=REGISTRY,
)
AI_ANSWERS = Counter(
    "plotboard_ai_answers",
    "Answers to end users' questions by engine ('builtin' or 'llm') and whether the engine "
    "fell back to the built-in one.",
    ["engine", "fallback"],
    registry=REGISTRY,
)


DB_CONNECTIONS = Gauge(
    "plotboard_db_connections",
    "Connections of a pool by state: 'open' (idle or in use) and 'in_use' (checked out); "
    "pool is 'store' (the metadata store) or a source id (with its tenant databases).",
    ["pool", "state"],
    registry=REGISTRY,
    multiprocess_mode="livesum",
)

_watched: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


def watch_pool(name: str, engine: sa.Engine) -> None:
    """Count `engine`'s connections under `pool=name` (once per engine), from its pool's
    events: a checkout adds one to `in_use`, a checkin takes it off, and so on."""
    if engine in _watched:
        return
    _watched.add(engine)
    in_use = DB_CONNECTIONS.labels(name, "in_use")
    opened = DB_CONNECTIONS.labels(name, "open")
    pool = engine.pool
    # What the pool already holds (the store is opened before the app is built).
    if isinstance(pool, sa.pool.QueuePool):
        in_use.inc(pool.checkedout())
        opened.inc(pool.checkedin() + pool.checkedout())

    def checkout(*_: object) -> None:
        in_use.inc()

    def checkin(*_: object) -> None:
        in_use.dec()

    def connect(*_: object) -> None:
        opened.inc()

    def close(*_: object) -> None:
        opened.dec()

    sa.event.listen(engine, "checkout", checkout)
    sa.event.listen(engine, "checkin", checkin)
    sa.event.listen(engine, "connect", connect)
    sa.event.listen(engine, "close", close)
    sa.event.listen(engine, "close_detached", close)


class _JobStates(Collector):
    """Analyze jobs by state, read from the metadata store at scrape time: workers are other
    processes (`plotboard worker`), so only the store knows them all. `retrying` are queued
    jobs waiting for another attempt after a failure (not in `queued`)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterable[Metric]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(AnalyzeJob.status, AnalyzeJob.attempts, sa.func.count()).group_by(
                    AnalyzeJob.status, AnalyzeJob.attempts
                )
            ).all()
        states = dict.fromkeys(("queued", "retrying", "running", "done", "failed"), 0)
        retries = 0
        for status, attempts, count in rows:
            state = "retrying" if status == "queued" and attempts > 0 else status
            states[state] = states.get(state, 0) + count
            retries += max(attempts - 1, 0) * count
        jobs = GaugeMetricFamily(
            "plotboard_analyze_jobs",
            "Analyze jobs in the metadata store by state (all servers and workers).",
            labels=["state"],
        )
        for state, count in states.items():
            jobs.add_metric([state], count)
        yield jobs
        yield GaugeMetricFamily(
            "plotboard_analyze_job_retries",
            "Attempts beyond the first made by the Analyze jobs in the metadata store (failed "
            "attempts, and workers lost mid-job).",
            value=retries,
        )


def exposition(store: sa.Engine | None = None) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type; with `store`, also the
    job counts read from the metadata store."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if store is not None:
        jobs = CollectorRegistry()
        jobs.register(_JobStates(store))
        body += generate_latest(jobs)
    return body, CONTENT_TYPE_LATEST
