"""The result cache, in memory and on the real Redis server."""

from __future__ import annotations

import time

import pytest

from plotboard.cache import MemoryCache, RedisCache, ResultCache, cache_key
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
