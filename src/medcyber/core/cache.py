"""The Redis cache backend with one client per connection pool.

Django's ``RedisCache`` builds a new ``redis.Redis`` client (and its table of response
callbacks) for every cache call; a signed-in page makes half a dozen of them (session, access
state, menu, shared rows). ``redis.Redis`` is safe to share: the pool hands each command its
own connection. So the client is built once per pool and kept; Django keeps one cache object
per thread, and this backend changes nothing else.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class _RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers: Any, **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that reuses its Redis clients."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _RedisCacheClient
