"""The running server's shared parts: settings, metadata store, and the hot-path caches."""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa

from plotboard.analyze.disclosure import end_user_catalog
from plotboard.auth.api_keys import KeyLiveness
from plotboard.auth.embed_tokens import TokenVerifier
from plotboard.auth.origins import OriginRegistry
from plotboard.auth.sessions import SignInThrottle
from plotboard.cache import ResultCache, make_cache
from plotboard.config import ConfigError, Settings
from plotboard.crypto import DecryptionError, accept_previous_keys, decrypt
from plotboard.org_settings import OrgTimeZones
from plotboard.query.context import SourceContext, load_context
from plotboard.query.run import QueryServices
from plotboard.sources.dialects import SourceConnection
from plotboard.sources.engines import PoolSettings
from plotboard.sources.pool import SourcePool
from plotboard.sources.store import SourceSettings, connection_of, resolve_source_id, settings_of
from plotboard.store.changes import Generation
from plotboard.store.db import Store, migrate, pending_migrations
from plotboard.store.models import DataSource, Organization
from plotboard.usage import UsageLimiter

log = logging.getLogger(__name__)


class Runtime:
    """One per process. Holds nothing that must be shared between servers (that lives in the
    store or Redis), only caches that each server may rebuild at will."""

    def __init__(self, settings: Settings, *, run_migrations: bool = True) -> None:
        self.settings = settings
        self.secret_key = settings.require_secret_key()
        accept_previous_keys(self.secret_key, settings.previous_secret_keys)
        if run_migrations:
            migrate(settings.store_url)
        self.store = Store(
            settings.store_url,
            pool_size=settings.store_pool_size,
            max_overflow=settings.store_max_overflow,
            pool_timeout=settings.pool_timeout_seconds,
        )
        if not run_migrations and pending_migrations(self.store.engine):
            self.store.dispose()
            raise ConfigError(
                "The metadata store's schema is not up to date. Run `plotboard migrate` (or "
                "start with `plotboard serve`, which migrates unless told --no-migrate)."
            )
        if settings.api_key_cache_seconds is not None:
            log.warning(
                "PLOTBOARD_API_KEY_CACHE_SECONDS is deprecated and has no effect: servers now "
                "re-read API keys, origins, sources and settings only when the store changed, "
                "checked every PLOTBOARD_STORE_CHANGE_CHECK_SECONDS (%s s).",
                settings.store_change_check_seconds,
            )
        # What the caches below were read at: they re-read only when the store changed.
        self.changes = Generation(self.store.engine, settings.store_change_check_seconds)
        self.keys = KeyLiveness(self.store.engine, self.changes)
        self.origins = OriginRegistry(self.store.engine, self.changes)
        self._org_secrets: dict[str, str] = {}
        self._lock = threading.Lock()
        self.tokens = TokenVerifier(
            self.keys.org_of_live_key, self.signing_secret, peek_live_key=self.keys.peek
        )
        self._check_secret_key()
        self.sign_ins = SignInThrottle(self.store.engine)
        self.cache: ResultCache = make_cache(
            settings.redis_url, settings.cache_memory_mb * 1024 * 1024
        )
        # Rate and concurrency limits on queries, AI questions and minting, shared by servers.
        self.limits = UsageLimiter(self.store.engine, settings.redis_url, self.changes)
        # Each organization's time zone: "today" for relative dates.
        self.time_zones = OrgTimeZones(self.store.engine, self.changes)
        self.pool = SourcePool(self.pool_settings(), resolver=self._connection_of)
        # source id -> (the store's generation it was read at, context)
        self._contexts: dict[str, tuple[int, SourceContext]] = {}
        # (org, table hint) -> (generation, source id) for requests that name no source.
        self._default_source: dict[tuple[str, str], tuple[int, str]] = {}
        # What the embed query path uses of this runtime (it never receives the runtime).
        self.queries = QueryServices(
            cached_context=self.cached_context,
            load_context=self.source_context,
            cache=self.cache,
            pool=self.pool,
            time_zones=self.time_zones,
            settings=self.settings,
        )

    def _check_secret_key(self) -> None:
        """Refuse to start when stored secrets were encrypted with another secret key: better
        one clear message now than a failure on every token later."""
        with self.store.session() as session:
            orgs = session.execute(sa.select(Organization.id, Organization.signing_secret_enc))
            for org_id, encrypted in orgs:
                try:
                    self._org_secrets[org_id] = decrypt(self.secret_key, encrypted)
                except DecryptionError as err:
                    raise ConfigError(
                        "PLOTBOARD_SECRET_KEY is not the key this metadata store was set up "
                        f"with ({self.settings.store_url.split('@')[-1]}): its stored secrets "
                        "cannot be read. Start plotboard with the original secret key (or, "
                        "while rotating, give it in PLOTBOARD_SECRET_KEY_PREVIOUS)."
                    ) from err

    def signing_secret(self, org_id: str) -> str | None:
        """The organization's token-signing secret, decrypted once per process."""
        secret = self._org_secrets.get(org_id)
        if secret is not None:
            return secret
        with self.store.session() as session:
            org = session.get(Organization, org_id)
            if org is None:
                return None
            secret = decrypt(self.secret_key, org.signing_secret_enc)
        with self._lock:
            self._org_secrets[org_id] = secret
        return secret

    def pool_settings(self, own: SourceSettings | None = None) -> PoolSettings:
        """A data source's pool sizing: its own settings, else this server's."""
        s = self.settings
        return PoolSettings(
            pool_size=(own.pool_size if own else None) or s.source_pool_size,
            max_overflow=s.source_max_overflow
            if own is None or own.max_overflow is None
            else own.max_overflow,
            pool_timeout_s=s.pool_timeout_seconds,
        )

    def _connection_of(self, source_id: str) -> tuple[SourceConnection, PoolSettings] | None:
        with self.store.session() as session:
            row = session.get(DataSource, source_id)
            if row is None:
                return None
            return connection_of(row, self.secret_key), self.pool_settings(settings_of(row))

    def cached_context(
        self, org_id: str, source_id: str | None, table: str | None = None
    ) -> SourceContext | None:
        """The context if this process has a current one of a source open to end users; no
        I/O, so safe on the event loop."""
        generation = self.changes.peek()
        if generation is None:
            return None
        return self._context_at(generation, org_id, source_id, table)

    def _context_at(
        self,
        generation: int,
        org_id: str,
        source_id: str | None,
        table: str | None,
        admin: bool = False,
    ) -> SourceContext | None:
        if source_id is None:
            default = self._default_source.get((org_id, (table or "").lower()))
            if default is None and table:
                default = self._default_source.get((org_id, ""))
            if default is None or default[0] != generation:
                return None
            source_id = default[1]
        hit = self._contexts.get(source_id)
        if (
            hit is not None
            and hit[0] == generation
            and hit[1].org_id == org_id
            and (admin or hit[1].open_to_end_users)
        ):
            return hit[1]
        return None

    def source_context(
        self, org_id: str, source_id: str | None, table: str | None = None, *, admin: bool = False
    ) -> SourceContext:
        """Catalog, rules and settings of the organization's source (when `source_id` is
        None: its only one, or the only one with a table called `table`); 404 for another
        organization's source. Unless `admin` (the admin's own pages, never an end user's
        request), only sources open to end users: a closed one is a 404 like a missing one.
        May read the store."""
        generation = self.changes.current()  # before the read: a later change reloads
        context = self._context_at(generation, org_id, source_id, table, admin)
        if context is not None:
            return context
        with self.store.session() as session:
            resolved = resolve_source_id(session, org_id, source_id, table, end_user=not admin)
            row = session.get(DataSource, resolved)
            assert row is not None
            context = load_context(session, row, self.secret_key, end_user_catalog)
        with self._lock:
            self._contexts[context.id] = (generation, context)
            if source_id is None and not admin:
                # Keyed by the hint only when it names a real table: any text may come in.
                schema, _, name = (table or "").rpartition(".")
                known = bool(name) and context.catalog.table(name, schema or None) is not None
                hint = (table or "").lower() if known else ""
                self._default_source[(org_id, hint)] = (generation, context.id)
        return context

    def forget_source(self, source_id: str) -> None:
        """After an admin change: reload the catalog and rules, reconnect if needed."""
        with self._lock:
            self._contexts.pop(source_id, None)
            self._default_source.clear()

    def close(self) -> None:
        self.limits.close()
        self.pool.close()
        self.store.dispose()
