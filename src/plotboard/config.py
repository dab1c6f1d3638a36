"""Settings from `PLOTBOARD_*` environment variables and an optional TOML config file.

Precedence, highest first: keyword arguments (the CLI's flags), environment variables, the
config file named by `PLOTBOARD_CONFIG` (or `--config`), the defaults below.

Outside demo mode the server refuses to start without a real secret key: it signs sessions and
derives the key that encrypts credentials at rest, so a guessable one would give both away.
"""

from __future__ import annotations

import difflib
import os
import secrets
import tomllib
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

PLACEHOLDER_SECRETS = frozenset(
    {"", "change-me", "changeme", "secret", "plotboard", "dev", "development", "test", "xxx"}
)
MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """A setting is missing or unsafe; the message says how to fix it."""


ENV_PREFIX = "PLOTBOARD_"


def _file_values(path: Path | None, known: Mapping[str, Any]) -> dict[str, Any]:
    """The `[plotboard]` table (or the top level) of the config file named by PLOTBOARD_CONFIG."""
    if path is None:
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"Config file {path} does not exist.") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"Config file {path} is not valid TOML: {err}") from err
    table = raw.get("plotboard", raw)
    if not isinstance(table, dict):
        raise ConfigError(f"Config file {path}: [plotboard] must be a table.")
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"Config file: unknown setting '{key}'.{hint}")
    return dict(table)


def _env_values(known: Mapping[str, Any]) -> dict[str, str]:
    """`PLOTBOARD_<NAME>` for each setting, the name in any case (as text: the model parses
    numbers, booleans and paths from it)."""
    wanted = {ENV_PREFIX.lower() + name: name for name in known}
    return {wanted[k.lower()]: v for k, v in os.environ.items() if k.lower() in wanted}


class Settings(BaseModel):
    """Everything plotboard can be configured with. Each field is `PLOTBOARD_<NAME>`.

    `Settings(**values)` reads the environment and the config file itself: the keyword
    arguments (the CLI's flags) win over environment variables, which win over the file, which
    wins over the defaults. Unknown keyword arguments and environment variables are ignored.
    """

    model_config = ConfigDict(extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        path = os.environ.get("PLOTBOARD_CONFIG")
        known = type(self).model_fields
        merged = {**_file_values(Path(path) if path else None, known), **_env_values(known)}
        super().__init__(**{**merged, **values})

    data_dir: Path = Field(
        default=Path("plotboard-data"),
        description="Folder for the default SQLite metadata store and demo files.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the metadata store; default: SQLite in data_dir. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/db",
    )
    secret_key: str | None = Field(
        default=None, description="At least 32 random characters. Signs sessions, encrypts secrets."
    )
    secret_key_previous: str | None = Field(
        default=None,
        description="Earlier secret keys, comma-separated, still accepted for reading stored "
        "secrets while rotating the secret key.",
    )
    demo_mode: bool = Field(default=False, description="Relaxes the secret-key check for demos.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str | None = Field(
        default=None, description="The URL browsers use to reach this server (for snippets)."
    )
    redis_url: str | None = Field(default=None, description="Shared cache for several servers.")
    cache_memory_mb: int = Field(
        default=64,
        ge=0,
        le=100_000,
        description="Most memory (MiB) each worker's in-memory result cache takes, keys and "
        "bookkeeping counted; an answer over a tenth of it is not cached. 0: no in-memory "
        "caching. Not used with redis_url.",
    )
    session_ttl_seconds: int = Field(default=8 * 3600, ge=60)
    cookie_secure: bool | None = Field(
        default=None,
        description="Secure flag on the admin cookie; default: when public_url is https.",
    )
    store_change_check_seconds: float = Field(
        default=0.2,
        ge=0,
        le=60,
        description="How often a server asks the metadata store whether anything it caches "
        "changed (API keys, origins, sources, rules, limits, organization settings): one "
        "row read. A change takes effect at once on the server that made it, and within this "
        "time on the others. 0: ask on every request that needs them.",
    )
    api_key_cache_seconds: float | None = Field(
        default=None,
        ge=0,
        description="Deprecated, no effect: servers re-read API keys and the rest of what "
        "they cache only when the store changed (see store_change_check_seconds).",
    )
    workers: int = Field(default=1, ge=1, le=64)
    store_pool_size: int = Field(
        default=10,
        ge=2,
        le=1000,
        description="Connections to the metadata store each worker process keeps open (when "
        "the store is PostgreSQL); at least 2, as some requests use two at once.",
    )
    store_max_overflow: int = Field(
        default=10,
        ge=0,
        le=1000,
        description="Extra connections to the metadata store a worker may open under load, "
        "closed again when returned.",
    )
    source_pool_size: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Connections each worker process keeps open to each data source, unless "
        "the source's own pool_size setting says otherwise.",
    )
    source_max_overflow: int = Field(
        default=5,
        ge=0,
        le=1000,
        description="Extra connections each worker may open to each data source under load, "
        "unless the source's own max_overflow setting says otherwise.",
    )
    pool_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="How long a request waits for a free connection of a full pool (store or "
        "data source) before it is answered 503 'busy, try again'.",
    )
    max_answer_bytes: int = Field(
        default=20_000_000,
        ge=10_000,
        le=2_000_000_000,
        description="Largest query answer (JSON bytes) sent to an end user; bigger answers are "
        "refused with a message asking for filters or a limit.",
    )
    dashboard_versions_kept: int = Field(
        default=100,
        ge=1,
        le=100_000,
        description="Saved versions of each dashboard kept in its history (the newest ones; "
        "older ones are deleted as new ones are saved).",
    )
    max_dashboard_bytes: int = Field(
        default=1_000_000,
        ge=10_000,
        le=100_000_000,
        description="Largest saved dashboard (its JSON, in bytes); a bigger save is refused "
        "with 413 saying so, and nothing is written.",
    )
    max_request_bytes: int = Field(
        default=2_000_000,
        ge=10_000,
        le=1_000_000_000,
        description="Largest request body accepted, in bytes (never less than the largest "
        "dashboard plus 64 KiB); a bigger body is refused with 413 `request_too_large` before "
        "it is read, so one client cannot fill the server's memory.",
    )
    sql_check_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Time budget for checking one raw SQL query (parsing, validation, access "
        "rules), done off the event loop; past it the SQL is refused as too complex.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Least important log lines plotboard and uvicorn write."
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines as text, or as one JSON object per line (for a log collector).",
    )
    access_log: bool = Field(
        default=True,
        description="One log line per request (method, path without query string, status, "
        "time, request id); off saves a little time per request.",
    )
    cached_tile_fast_path: bool = Field(
        default=True,
        description="Answer a query whose answer is cached, and whose every check is decided "
        "in memory, below FastAPI's per-request machinery (the same checks, the same answer, "
        "fewer layers); off: every query takes the full route.",
    )
    query_fast_path: bool = Field(
        default=True,
        description="Also run uncached (and refreshed) queries below FastAPI's per-request "
        "machinery when the token and the body are decided in memory: the route's own "
        "checks, usage limit, query run and error answers, with a fifth less server CPU per "
        "uncached tile; off: they take the full route (cached hits still follow "
        "cached_tile_fast_path).",
    )
    jobs_in_web: bool = Field(
        default=True,
        description="Run queued jobs (Analyze) on a worker thread inside each web server "
        "process, so that a single `plotboard serve` or `plotboard demo` needs nothing else. "
        "In production set it to false and run `plotboard worker` processes: web servers "
        "then only queue jobs.",
    )
    worker_threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Jobs one worker (a `plotboard worker` process, or a web server's worker "
        "thread) runs at once.",
    )
    job_lease_seconds: float = Field(
        default=60.0,
        ge=1,
        le=3600,
        description="A running job is its worker's for this long after its last heartbeat "
        "(sent every third of it); after that, when the worker was killed or cut off, another "
        "worker takes the job over (one more attempt).",
    )
    job_max_attempts: int = Field(
        default=3,
        ge=1,
        le=100,
        description="Attempts at a job before it ends failed: a failed attempt (say the "
        "database is down) or a worker lost mid-job counts; a worker stopped cleanly does not.",
    )
    job_retry_seconds: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="Wait before a failed job's second attempt, doubled before each further "
        "one (at most an hour).",
    )
    job_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often an idle worker asks the metadata store for queued jobs.",
    )
    metrics_token: str | None = Field(
        default=None,
        description="Bearer token that GET /metrics requires; when not set, /metrics answers "
        "only requests from this machine (loopback).",
    )

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("secret_key")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if value is not None else None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"public_url '{value}' must be an absolute http(s) URL, e.g. "
                "https://analytics.example.com"
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(
                f"public_url '{value}' must not have a path: serve plotboard at the root of "
                "its own host name (e.g. https://analytics.example.com)"
            )
        return f"{parts.scheme}://{parts.netloc}"

    @cached_property
    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'plotboard.db').resolve()}"

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return bool(self.public_url and self.public_url.startswith("https://"))

    @property
    def previous_secret_keys(self) -> tuple[str, ...]:
        """The keys of `secret_key_previous`, in order."""
        text = self.secret_key_previous or ""
        return tuple(k.strip() for k in text.split(",") if k.strip())

    def require_secret_key(self) -> str:
        """The secret key, or ConfigError saying how to set one. Demo mode keeps one on disk."""
        key = self.secret_key or ""
        if self.demo_mode and not key:
            return demo_secret_key(self.data_dir)
        if key.lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH:
            problem = "is not set" if not key else "is a placeholder or shorter than 32 characters"
            raise ConfigError(
                f"PLOTBOARD_SECRET_KEY {problem}. plotboard encrypts stored credentials and each "
                "organization's token-signing secret with it, so it must be long and random. "
                "Generate one with\n"
                "    plotboard secret\n"
                "and set it in the environment (export PLOTBOARD_SECRET_KEY=...) or as "
                "secret_key in the config file named by PLOTBOARD_CONFIG. Keep it: changing it "
                "makes stored database passwords and token-signing secrets unreadable."
            )
        return key


def demo_secret_key(data_dir: Path) -> str:
    """A random secret kept in `data_dir/secret_key`, created on first use (demo mode only)."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key, encoding="utf-8")
    tmp.chmod(0o600)
    os.replace(tmp, path)
    return key
