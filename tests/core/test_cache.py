"""The Redis cache backend (``medcyber.core.cache``): Django's, with its clients kept."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from medcyber.core.cache import RedisCache

REDIS = ("127.0.0.1", 6379)


@pytest.fixture
def redis_cache() -> Iterator[RedisCache]:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379 (the services of this machine kind include one)")
    prefix = f"medcyber-test-{uuid.uuid4().hex}"
    cache = RedisCache("redis://127.0.0.1:6379/12", {"KEY_PREFIX": prefix, "TIMEOUT": 60})
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):  # only this test's keys, not FLUSHDB
        client.delete(key)


def test_one_client_serves_every_call(redis_cache: RedisCache) -> None:
    first = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is first
    assert redis_cache._cache.get_client(write=True) is first  # one server: one pool


def test_it_behaves_as_the_django_backend(redis_cache: RedisCache) -> None:
    redis_cache.set("a", {"roles": ["desk"]})
    assert redis_cache.get("a") == {"roles": ["desk"]}
    assert redis_cache.add("a", "other") is False
    redis_cache.set("n", 1)
    assert redis_cache.incr("n") == 2
    assert redis_cache.get_many(["a", "n", "missing"]) == {"a": {"roles": ["desk"]}, "n": 2}
    redis_cache.delete_many(["a", "n"])
    assert redis_cache.get("a") is None and redis_cache.get("n", "gone") == "gone"


def test_threads_can_share_the_client(redis_cache: RedisCache) -> None:
    def work(n: int) -> int:
        for i in range(50):
            redis_cache.set(f"k{n}-{i}", n * 1000 + i)
        return sum(redis_cache.get(f"k{n}-{i}") for i in range(50))

    with ThreadPoolExecutor(max_workers=8) as pool:
        totals = list(pool.map(work, range(8)))
    assert totals == [50 * n * 1000 + sum(range(50)) for n in range(8)]
