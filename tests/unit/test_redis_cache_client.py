"""The shared cache makes one Redis client per connection pool, not one per call (issue 14:
Django's backend built a ``redis.Redis`` for every read, a fifth of the call-over page's CPU)."""

from __future__ import annotations

import os

import pytest

from csp.redis_cache import RedisCache


def test_one_client_per_pool_without_a_server() -> None:
    cache = RedisCache("redis://127.0.0.1:1/0", {})  # nothing listens: no command is sent
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool
    assert client.connection_pool is cache._cache._get_connection_pool(False)


def test_reads_and_writes_through_the_reused_client() -> None:
    url = os.environ.get("CACHE_URL") or os.environ.get("CELERY_BROKER_URL")
    if not url:
        pytest.skip("needs Redis (CI sets CELERY_BROKER_URL)")
    cache = RedisCache(url, {"OPTIONS": {}})
    cache.set("csp-test-reused-client", {"a": 1}, timeout=30)
    assert cache.get("csp-test-reused-client") == {"a": 1}
    assert cache.get_many(["csp-test-reused-client", "csp-test-none"]) == {
        "csp-test-reused-client": {"a": 1}
    }
    cache.delete("csp-test-reused-client")
    assert cache.get("csp-test-reused-client") is None
