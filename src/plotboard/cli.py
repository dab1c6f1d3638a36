"""The `plotboard` command: serve, demo, migrate, and admin commands."""

from __future__ import annotations

import inspect
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from plotboard.config import ConfigError, Settings
from plotboard.errors import PlotboardError


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ConfigError as err:
        raise click.ClickException(str(err)) from err
    except ValueError as err:  # pydantic's ValidationError
        raise click.ClickException(f"Invalid setting: {err}") from err


def _runtime(settings: Settings, *, run_migrations: bool = True) -> Any:
    from plotboard.runtime import Runtime

    try:
        return Runtime(settings, run_migrations=run_migrations)
    except ConfigError as err:
        raise click.ClickException(str(err)) from err


def _store_words(settings: Settings) -> str:
    """Where the metadata store is, without a password."""
    if not settings.database_url:
        return str((settings.data_dir / "plotboard.db").resolve())
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _config_option(f: Any) -> Any:
    def remember(_: click.Context, __: click.Parameter, value: str | None) -> str | None:
        if value:
            os.environ["PLOTBOARD_CONFIG"] = value
        return value

    return click.option(
        "--config",
        type=click.Path(exists=True, dir_okay=False),
        expose_value=False,
        callback=remember,
        is_eager=True,
        help="A TOML config file (same names as PLOTBOARD_*).",
    )(f)


@click.group()
@click.version_option(package_name="plotboard")
def main() -> None:
    """plotboard: embedded, self-service analytics with row-level security."""


@main.command()
@_config_option
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes (default 1).")
@click.option(
    "--migrate/--no-migrate",
    default=True,
    show_default=True,
    help="Bring the metadata store's schema up to date before serving.",
)
def serve(host: str | None, port: int | None, workers: int | None, migrate: bool) -> None:
    """Run the server."""
    import uvicorn

    from plotboard.api.logs import log_config
    from plotboard.api.metrics import MULTIPROC_ENV

    settings = _settings(host=host, port=port, workers=workers)
    runtime = _runtime(settings, run_migrations=migrate)  # fails here, clearly, on bad config
    runtime.close()
    click.echo(f"Starting plotboard on http://{settings.host}:{settings.port} ...")
    for key, value in (("PLOTBOARD_HOST", settings.host), ("PLOTBOARD_PORT", str(settings.port))):
        os.environ[key] = value
    if settings.workers > 1 and not os.environ.get(MULTIPROC_ENV):
        # Each worker counts on its own; a scrape then sums the files they share here.
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="plotboard-metrics-")
    uvicorn.run(
        "plotboard.app:server_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=log_config(settings),
        log_level=settings.log_level,
        access_log=False,  # plotboard writes its own (PLOTBOARD_ACCESS_LOG)
        proxy_headers=True,
        **_worker_start_timeout(uvicorn),
    )


def _worker_start_timeout(uvicorn: Any) -> dict[str, Any]:
    # uvicorn (0.31+) kills a worker that has not answered its supervisor within 5 s, and
    # loading the app takes longer than that on a busy small machine: the workers then die and
    # restart forever. Older uvicorn has no such check.
    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:
        return {"timeout_worker_healthcheck": 60}
    return {}


@main.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("plotboard-data"),
    show_default=True,
    help="Where the demo lives.",
)
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
@click.option("--no-serve", is_flag=True, help="Set everything up, write demo.json, then exit.")
def demo(data_dir: Path, host: str | None, port: int | None, no_serve: bool) -> None:
    """Set up a demo (database, organization, admin, API key, sample users) and serve it."""
    import uvicorn

    from plotboard.app import create_app
    from plotboard.demo.setup import prepare_demo

    data_dir = data_dir.resolve()
    os.environ["PLOTBOARD_DATA_DIR"] = str(data_dir)
    os.environ["PLOTBOARD_DEMO_MODE"] = "true"
    settings = _settings(data_dir=data_dir, demo_mode=True, host=host, port=port)
    host, port = settings.host, settings.port
    runtime = _runtime(settings)
    browse_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{browse_host}:{port}"
    try:
        info = prepare_demo(runtime, data_dir, url)
    except PlotboardError as err:
        raise click.ClickException(err.message) from err
    click.echo(
        f"\n  plotboard demo is ready.\n\n"
        f"  Open the demo host app:  {url}/demo\n"
        f"  Admin console:           {url}/admin\n"
        f"  Admin sign-in:           {info.admin_email} / {info.admin_password}\n"
        f"  API key (mints tokens):  {info.api_key}\n"
        f"  Everything above is in   {data_dir / 'demo.json'}\n"
    )
    if no_serve:
        runtime.close()
        return
    try:
        app = create_app(settings, runtime=runtime, settle_gc=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        runtime.close()


@main.command()
@_config_option
def migrate() -> None:
    """Bring the metadata store's schema up to date."""
    from plotboard.store.db import migrate as run_migrations

    settings = _settings()
    run_migrations(settings.store_url)
    click.echo("The metadata store is up to date.")


@main.command()
@_config_option
@click.option(
    "--threads", type=int, default=None, help="Jobs run at once (default: worker_threads, 2)."
)
def worker(threads: int | None) -> None:
    """Run queued jobs (Analyze) until stopped by SIGTERM or Ctrl-C.

    Run one or more next to the servers (with jobs_in_web = false there). On SIGTERM the
    worker stops the jobs it runs at their next step and gives them back to the queue, where
    the next worker resumes them.
    """
    import logging.config
    import signal
    import threading

    from plotboard.analyze import start_worker
    from plotboard.api.logs import log_config

    if threads is not None and threads < 1:
        raise click.ClickException("--threads must be at least 1.")
    settings = _settings()
    logging.config.dictConfig(log_config(settings))
    runtime = _runtime(settings, run_migrations=False)
    stop = threading.Event()

    def handle(_signum: int, _frame: Any) -> None:
        running.request_stop()  # the jobs see it at their next step...
        stop.set()
        # ... and their queries are interrupted (a PostgreSQL cancel opens a connection: not
        # in a signal handler).
        threading.Thread(target=runtime.pool.stop_queries, daemon=True).start()

    try:
        running = start_worker(runtime, threads=threads)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, handle)
        click.echo(f"plotboard worker {running.name} is running {running.threads} job(s) at once.")
        while not stop.wait(1.0):
            pass
        held = running.running()
        running.stop()
        if held:
            click.echo(
                f"Stopped; released {len(held)} job(s) for another worker: {', '.join(held)}."
            )
        else:
            click.echo("Stopped.")
    finally:
        runtime.close()


@main.command()
def secret() -> None:
    """Print a new random secret key for PLOTBOARD_SECRET_KEY."""
    click.echo(secrets.token_urlsafe(48))


@main.command("rotate-secret-key")
@_config_option
def rotate_secret_key() -> None:
    """Re-encrypt every stored secret under PLOTBOARD_SECRET_KEY.

    Start it with the new key in PLOTBOARD_SECRET_KEY and the old one in
    PLOTBOARD_SECRET_KEY_PREVIOUS, after every server runs with both.
    """
    from plotboard.admin.secrets import rotate_stored_secrets
    from plotboard.crypto import DecryptionError

    settings = _settings()
    if not settings.previous_secret_keys:
        raise click.ClickException(
            "PLOTBOARD_SECRET_KEY_PREVIOUS is not set: give the old secret key there and the new "
            "one in PLOTBOARD_SECRET_KEY."
        )
    runtime = _runtime(settings)
    try:
        done = rotate_stored_secrets(runtime, "cli")
    except DecryptionError as err:
        raise click.ClickException(f"{err} Nothing was changed.") from err
    finally:
        runtime.close()
    click.echo(
        f"Re-encrypted {done.signing_secrets} token-signing secret(s), {done.source_passwords} "
        f"database password(s) and {done.llm_keys} LLM key(s) under the new key. Remove "
        "PLOTBOARD_SECRET_KEY_PREVIOUS from every server's settings now."
    )


@main.group()
def admin() -> None:
    """Admin users."""


@admin.command("create")
@_config_option
@click.option("--email", required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 10 characters; asked for when left out.",
)
@click.option("--org", "org_id", default=None, help="Organization id (default: the only one).")
@click.option(
    "--org-name",
    default="My company",
    show_default=True,
    help="Name of the organization to create when there is none.",
)
def admin_create(email: str, password: str, org_id: str | None, org_name: str) -> None:
    """Create an admin user (and the organization, when there is none yet)."""
    import sqlalchemy as sa

    from plotboard.orgs import create_admin, create_organization, resolve_organization
    from plotboard.store.models import Organization

    settings = _settings()
    runtime = _runtime(settings)
    try:
        with runtime.store.session() as session:
            if org_id is None and session.scalar(sa.select(sa.func.count(Organization.id))) == 0:
                org = create_organization(session, runtime.secret_key, org_name)
            else:
                org = resolve_organization(session, org_id)
            create_admin(session, org.id, email, password)
    except PlotboardError as err:
        raise click.ClickException(err.message) from err
    finally:
        runtime.close()
    click.echo(f"Admin {email.strip().lower()} created in organization '{org.name}' ({org.id}).")
    # Run from another directory (a relative data_dir) or without the server's settings, the
    # command makes a store of its own and the server says "wrong email or password": say where.
    click.echo(f"Metadata store: {_store_words(settings)} (the server must use the same one).")


@main.group()
def keys() -> None:
    """API keys for host backends."""


@keys.command("create")
@_config_option
@click.option("--name", required=True, help="What the key is for, e.g. 'Production backend'.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    default=("tokens",),
    show_default=True,
    type=click.Choice(["tokens", "admin"]),
    help="Repeat for several scopes.",
)
@click.option("--org", "org_id", default=None, help="Organization id (default: the only one).")
def keys_create(name: str, scopes: tuple[str, ...], org_id: str | None) -> None:
    """Create an API key. Its secret is printed once and never stored."""
    from plotboard.admin import keys as key_admin
    from plotboard.admin.actor import AdminActor
    from plotboard.orgs import resolve_organization

    runtime = _runtime(_settings())
    try:
        with runtime.store.session() as session:
            org_id = resolve_organization(session, org_id).id
        body = key_admin.KeyIn(name=name, scopes=list(scopes))
        created = key_admin.create_key(runtime, AdminActor(org_id, "cli"), body)
    except PlotboardError as err:
        raise click.ClickException(err.message) from err
    except ValidationError as err:
        problem = err.errors()[0]
        raise click.ClickException(f"--name: {problem['msg'].lower()}") from err
    finally:
        runtime.close()
    click.echo(
        f"Created API key {created['id']} ({', '.join(created['scopes'])}). "
        "Its secret, shown only now:"
    )
    click.echo(created["secret"])
    click.echo(
        "Keep it on your server (e.g. in a secret store); never put it in a web page.", err=True
    )


@keys.command("list")
@_config_option
@click.option("--org", "org_id", default=None)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def keys_list(org_id: str | None, as_json: bool) -> None:
    """List API keys (never their secrets)."""
    from plotboard.auth.api_keys import list_api_keys
    from plotboard.orgs import resolve_organization

    runtime = _runtime(_settings())
    try:
        with runtime.store.session() as session:
            org = resolve_organization(session, org_id)
            rows = list_api_keys(session, org.id)
    except PlotboardError as err:
        raise click.ClickException(err.message) from err
    finally:
        runtime.close()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "name": r.name,
                        "scopes": r.scopes,
                        "revoked": r.revoked_at is not None,
                        "last_used_at": r.last_used_at.isoformat() if r.last_used_at else None,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    if not rows:
        click.echo("No API keys yet. Create one with `plotboard keys create --name NAME`.")
    for r in rows:
        state = f"revoked {r.revoked_at:%Y-%m-%d}" if r.revoked_at else "active"
        used = f"last used {r.last_used_at:%Y-%m-%d %H:%M}" if r.last_used_at else "never used"
        click.echo(f"{r.id}  {r.name}  [{', '.join(r.scopes)}]  {state}, {used}")


@keys.command("revoke")
@_config_option
@click.argument("key_id")
@click.option("--org", "org_id", default=None)
def keys_revoke(key_id: str, org_id: str | None) -> None:
    """Revoke a key: it, and every embed token it minted, stop working."""
    from plotboard.admin import keys as key_admin
    from plotboard.admin.actor import AdminActor
    from plotboard.orgs import resolve_organization

    runtime = _runtime(_settings())
    try:
        with runtime.store.session() as session:
            org_id = resolve_organization(session, org_id).id
        key_admin.revoke_key(runtime, AdminActor(org_id, "cli"), key_id)
    except PlotboardError as err:
        raise click.ClickException(err.message) from err
    finally:
        runtime.close()
    click.echo(f"Revoked {key_id}.")


@main.command()
@_config_option
@click.argument("source_id")
@click.option(
    "--table",
    "tables",
    multiple=True,
    help="A table to analyze; repeat for several (default: all visible).",
)
@click.option("--overwrite", is_flag=True, help="Also replace what an admin wrote by hand.")
@click.option(
    "--apply/--no-apply",
    default=True,
    show_default=True,
    help="Write the proposals into the catalog when done (--no-apply: keep them for review).",
)
@click.option(
    "--llm/--no-llm",
    "use_llm",
    default=None,
    help="Let the configured LLM write descriptions (default: when one is configured).",
)
def analyze(
    source_id: str, tables: tuple[str, ...], overwrite: bool, apply: bool, use_llm: bool | None
) -> None:
    """Profile a source's tables and propose display names, descriptions and semantic types."""
    from plotboard.analyze import AnalyzeRequest, analyze_service, start_worker
    from plotboard.analyze.terminal import follow, summary
    from plotboard.store.models import DataSource

    runtime = _runtime(_settings())
    # This command runs the job itself (a worker of its own; another worker may take it first).
    running = None
    try:
        with runtime.store.session() as session:
            source = session.get(DataSource, source_id)
            if source is None:
                raise click.ClickException(f"There is no data source with id '{source_id}'.")
            org_id = source.org_id
        running = start_worker(runtime, threads=1)
        service = analyze_service(runtime)
        request = AnalyzeRequest(
            tables=list(tables) or None,
            overwrite=overwrite,
            apply=apply,
            use_llm="auto" if use_llm is None else use_llm,
        )
        job = service.start(org_id, source_id, request, "cli")
        try:
            job = follow(
                lambda: service.job(org_id, job["id"], detail=False),
                lambda text: click.echo(text, nl=False),
                tty=sys.stdout.isatty(),
            )
        except KeyboardInterrupt:
            service.cancel(org_id, job["id"], "cli (Ctrl-C)")
            raise click.Abort() from None
        job = service.job(org_id, job["id"])
    except PlotboardError as err:
        raise click.ClickException(err.message) from err
    finally:
        if running is not None:
            running.stop()
        runtime.close()
    for line in summary(job):
        click.echo(line)
    if job["status"] != "done":
        raise click.ClickException(f"Analyze failed: {job['error']}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
