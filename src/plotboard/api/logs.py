"""Logging for `plotboard serve`: plotboard's own lines, uvicorn's and the access log on
stderr, as text or as JSON (python-json-logger), each with the request id.

Secrets are kept out on two levels: nothing logs headers, bodies or query strings; and a
filter masks what looks like an embed token, an API key or a password inside a URL, should a
message ever quote one (an exception from a driver may quote its connection URL).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from plotboard.api.observability import current_request_id
from plotboard.config import Settings

_SECRETS = (
    # An embed or admin token (a JWT: three base64url parts, the first a JSON header).
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"), "[token]"),
    # An API key: pb_<10-character id>_<secret>.
    (re.compile(r"\b(pb_[A-Za-z0-9]{10})_[A-Za-z0-9]{20,}"), r"\1_[secret]"),
    # user:password@ in a connection URL.
    (re.compile(r"(://[^:/@\s]+):[^@\s]+@"), r"\1:[secret]@"),
)


def redact(text: str) -> str:
    """`text` with tokens, API key secrets and URL passwords masked."""
    # Each pattern needs its marker in the text: most lines (every access line) have none,
    # and three substitutions per line were 7% of the cost of writing one.
    if "eyJ" not in text and "pb_" not in text and "://" not in text:
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestContextFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request) and masks secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def settle_logging() -> None:
    """For a process that serves only plotboard: its records skip what no format of
    `log_config` shows (the calling function's file and line, found by walking the stack; the
    thread's and the process's names), which was a fifth of the cost of an access line. The
    logging HOWTO's "Optimization" section names these switches."""
    logging._srcfile = None  # documented in the HOWTO
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


def log_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary (uvicorn's `log_config`) for these settings."""
    level = settings.log_level.upper()
    formatters: dict[str, Any] = {
        "text": {"format": TEXT_FORMAT},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": settings.log_format,
        "filters": ["context"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": RequestContextFilter}},
        "formatters": formatters,
        "handlers": {"stderr": handler},
        "loggers": {
            "plotboard": {"level": level},
            "uvicorn": {"level": level},
            # plotboard writes its own access log (with the request id and the time taken,
            # without the query string): uvicorn's stays off.
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
        # Other libraries only when something is wrong: httpx, say, logs every request's URL
        # at INFO, and an LLM provider's URL may carry its key.
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
