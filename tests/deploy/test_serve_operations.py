"""`plotboard serve` as operators run it: its logs (text or JSON, with request ids, without
secrets, access log on or off) and /metrics from one or several worker processes."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.live_server import clean_env, free_port, plotboard_command, stop

SECRET = "serve-ops-test-secret-" + "s" * 40
# Looks like an embed token; it must never reach the log.
FAKE_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA"


@contextmanager
def _serve(tmp_path: Path, *args: str, **settings: str) -> Iterator[tuple[str, Path]]:
    port = free_port()
    env = clean_env(
        PLOTBOARD_SECRET_KEY=SECRET,
        PLOTBOARD_DATA_DIR=str(tmp_path / "data"),
        PLOTBOARD_PORT=str(port),
        **settings,
    )
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*plotboard_command(), "serve", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a busy 2-core machine loads slowly
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        yield url, log
    finally:
        stop(process)


def _json_lines(log: Path) -> list[dict[str, object]]:
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_json_logs_carry_the_request_id_and_no_token(tmp_path: Path) -> None:
    with _serve(tmp_path, PLOTBOARD_LOG_FORMAT="json") as (url, log):
        ok = httpx.get(f"{url}/livez", headers={"X-Request-ID": "trace-77"})
        assert ok.headers["X-Request-ID"] == "trace-77"
        refused = httpx.get(
            f"{url}/api/v1/embed/catalog?token={FAKE_TOKEN}",
            headers={"Authorization": f"Bearer {FAKE_TOKEN}"},
        )
        assert refused.status_code == 401
        time.sleep(0.3)  # the log is written after the answer is sent
    lines = _json_lines(log)
    text = log.read_text(errors="replace")
    access = [entry for entry in lines if entry.get("logger") == "plotboard.access"]
    livez = next(entry for entry in access if entry.get("path") == "/livez")
    assert livez["request_id"] == "trace-77"
    assert livez["status"] == 200 and livez["method"] == "GET" and livez["level"] == "INFO"
    catalog = next(e for e in access if e.get("path") == "/api/v1/embed/catalog")
    assert catalog["request_id"] == refused.headers["X-Request-ID"]
    assert catalog["status"] == 401
    # plotboard's own lines and uvicorn's are there too, in the same format.
    assert any(str(e.get("logger", "")).startswith("uvicorn") for e in lines)
    assert FAKE_TOKEN not in text and "c2lnbmF0dXJlLXNlY3JldA" not in text
    assert SECRET not in text


def test_text_logs_and_the_access_log_turned_off(tmp_path: Path) -> None:
    with _serve(tmp_path, PLOTBOARD_ACCESS_LOG="false", PLOTBOARD_LOG_LEVEL="INFO") as (url, log):
        for _ in range(3):
            assert httpx.get(f"{url}/livez").status_code == 200
        time.sleep(0.3)
    text = log.read_text(errors="replace")
    assert "Application startup complete." in text  # uvicorn's lines still show
    assert "/livez" not in text and "/readyz" not in text  # no access lines at all


def _samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def test_metrics_sum_over_workers_and_stay_local_without_a_token(tmp_path: Path) -> None:
    with _serve(tmp_path, "--workers", "2", PLOTBOARD_ACCESS_LOG="false") as (url, _):
        for _ in range(20):  # a new connection each: the two workers share them
            assert httpx.get(f"{url}/livez").status_code == 200
        scrape = httpx.get(f"{url}/metrics")
        proxied = httpx.get(f"{url}/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert scrape.status_code == 200, scrape.text
    livez = ("method", "GET"), ("route", "/livez"), ("status", "200")
    assert _samples(scrape.text, "plotboard_http_requests_total")[livez] == 20
    assert _samples(scrape.text, "plotboard_build_info")
    # A proxied request could carry a forged address: it needs the token.
    assert proxied.status_code == 403
    assert proxied.json()["code"] == "metrics_local_only"


def test_metrics_with_a_token_from_anywhere(tmp_path: Path) -> None:
    token = "scrape-" + "t" * 30
    with _serve(tmp_path, PLOTBOARD_METRICS_TOKEN=token) as (url, log):
        local_without = httpx.get(f"{url}/metrics")
        with_token = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"})
    assert local_without.status_code == 401
    assert with_token.status_code == 200
    assert "plotboard_http_request_duration_seconds_bucket" in with_token.text
    assert token not in log.read_text(errors="replace")
