"""The log filter's masking and the record switches `plotboard serve` sets (no server: the
served logs are checked in tests/deploy/test_serve_operations.py)."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator

import pytest

from plotboard.api.logs import log_config, redact, settle_logging
from plotboard.config import Settings

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
KEY = "pb_AbCdEfGhIj_" + "s" * 32


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"refused {TOKEN} at once", "refused [token] at once"),
        (f"key {KEY} was revoked", "key pb_AbCdEfGhIj_[secret] was revoked"),
        (
            "could not reach postgresql://bi:hunter2@db:5432/s",
            "could not reach postgresql://bi:[secret]@db:5432/s",
        ),
        (f"both {TOKEN} and mysql://u:p@h/d", "both [token] and mysql://u:[secret]@h/d"),
    ],
)
def test_secrets_are_masked(text: str, masked: str) -> None:
    assert redact(text) == masked


@pytest.mark.parametrize(
    "text",
    ["POST /api/v1/embed/query 200 1.2ms", "eyJ alone", "pb_ but short", "see https://x.org"],
)
def test_lines_without_a_secret_are_left_as_they_are(text: str) -> None:
    assert redact(text) == text


@pytest.fixture
def settled_logging() -> Iterator[None]:
    saved = (logging._srcfile, logging.logThreads, logging.logProcesses, logging.logMultiprocessing)
    settle_logging()
    yield
    (logging._srcfile, logging.logThreads, logging.logProcesses, logging.logMultiprocessing) = saved
    logging.config.dictConfig(log_config(Settings()))


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_settled_records_still_carry_what_the_formats_show(
    settled_logging: None, log_format: str
) -> None:
    logging.config.dictConfig(log_config(Settings(log_format=log_format)))
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    logging.getLogger("plotboard.access").warning("GET %s %d", f"/x/{TOKEN}", 404)
    line = stream.getvalue()
    assert "GET /x/[token] 404" in line and TOKEN not in line
    assert "plotboard.access" in line and "WARNING" in line
    assert ("[-]" if log_format == "text" else '"request_id": "-"') in line
