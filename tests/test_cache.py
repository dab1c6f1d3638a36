"""The result cache, in memory and on the real Redis server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from plotboard.cache import (
    ENTRY_OVERHEAD,
    MemoryCache,
    RedisCache,
    ResultCache,
    cache_key,
    make_cache,
)
from plotboard.config import Settings
from plotboard.runtime import Runtime
from tests.services import redis_url_or_fail


@pytest.fixture(params=["memory", "redis"])
def cache(request: pytest.FixtureRequest) -> ResultCache:
    if request.param == "memory":
        return MemoryCache(max_entries=3)
    c = RedisCache(redis_url_or_fail())
    c.clear()
    return c


def test_keys_differ_by_source_sql_and_every_parameter() -> None:
    base = cache_key("s1", "SELECT 1 WHERE r = :p0", {"p0": "North"})
    assert base == cache_key("s1", "SELECT 1 WHERE r = :p0", {"p0": "North"})
    assert base != cache_key("s1", "SELECT 1 WHERE r = :p0", {"p0": "South"})
    assert base != cache_key("s2", "SELECT 1 WHERE r = :p0", {"p0": "North"})
    assert base != cache_key("s1", "SELECT 2 WHERE r = :p0", {"p0": "North"})
    assert cache_key("s", "q", {"a": ["x", "y"]}) != cache_key("s", "q", {"a": ["x"]})


def test_set_get_and_expiry(cache: ResultCache) -> None:
    cache.set("pb:q:a", b'{"rows":[]}', ttl_seconds=0.3)
    assert cache.get("pb:q:a") == b'{"rows":[]}'
    time.sleep(0.45)
    assert cache.get("pb:q:a") is None
    cache.set("pb:q:b", b"x", ttl_seconds=0)  # ttl 0 means "do not cache"
    assert cache.get("pb:q:b") is None


def test_memory_cache_evicts_the_oldest_entry() -> None:
    cache = MemoryCache(max_entries=2)
    for key in ("a", "b", "c"):
        cache.set(key, key.encode(), 60)
    assert cache.get("a") is None and cache.get("c") == b"c"


def test_a_redis_that_is_down_is_a_miss_not_an_error() -> None:
    down = RedisCache("redis://127.0.0.1:1/0")
    down.set("pb:q:x", b"1", 10)
    assert down.get("pb:q:x") is None


def test_memory_cache_counts_keys_and_bookkeeping_against_its_budget() -> None:
    # 20 answers of 400 bytes under 64-character keys take about 14 kB in memory; a budget
    # of 10 kB keeps what fits in it. Fails before: only the values' bytes were counted (8 kB),
    # so all 20 stayed.
    cache = MemoryCache(max_bytes=10_000)
    keys = [f"pb:q:{i:059d}" for i in range(20)]
    for key in keys:
        cache.set(key, b"x" * 400, 60)
    kept = [key for key in keys if cache.get(key) is not None]
    assert kept == keys[-len(kept):] and len(kept) == 10_000 // (64 + 400 + ENTRY_OVERHEAD)
    assert cache.size_bytes == len(kept) * (64 + 400 + ENTRY_OVERHEAD) <= 10_000
    cache.clear()
    assert cache.size_bytes == 0


def test_memory_cache_budget_is_a_setting_below_a_workers_target(tmp_path: Path) -> None:
    # The default (64 MiB) bounds what the cache adds to a worker (issue 16: 150 MiB per
    # worker; it was 256 MiB, more than the worker itself); PLOTBOARD_CACHE_MEMORY_MB sets it,
    # and 0 caches nothing. Fails before: no such setting, 256 MiB.
    assert Settings.model_fields["cache_memory_mb"].default == 64
    assert isinstance(make_cache(None), MemoryCache)
    for mb in (64, 1, 0):
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'store.db'}", secret_key="s" * 48,
            data_dir=tmp_path, cache_memory_mb=mb,
        )  # fmt: skip
        runtime = Runtime(settings)
        try:
            cache = runtime.cache
            assert isinstance(cache, MemoryCache)
            big = b"x" * (mb * 1024 * 1024 // 10 + 1)
            cache.set("pb:q:big", big, 60)
            cache.set("pb:q:small", b"{}", 60)
            assert cache.get("pb:q:big") is None  # over a tenth of the budget
            assert (cache.get("pb:q:small") is not None) is (mb > 0)
        finally:
            runtime.close()
