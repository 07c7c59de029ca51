"""Django's Redis cache backend, made to degrade instead of failing when Redis is down.

The cache holds throttle counters, idempotency keys and cached reads. None of them is worth
failing a request for: with Redis unreachable, reads miss, writes are dropped, `add` answers
True (the caller proceeds as if it took the key) and `incr` answers as for a fresh counter, so
throttles allow and idempotency keys do not block (docs/adr/0040-redis-degradation.md). Each
degraded call is counted (`vivenda_cache_degraded_total`) and logged at most once per
`DEGRADED_LOG_SECONDS`; after a failure Redis is skipped for `DEGRADED_RETRY_SECONDS` so a
partition costs one connect timeout, not one per call. `strict` is the same cache without the
degradation, for the readiness probe.
"""

import threading
import time
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

import structlog
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from prometheus_client import Counter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = structlog.get_logger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)

CACHE_DEGRADED = Counter(
    "vivenda_cache_degraded_total",
    "Cache operations answered without Redis because it was unreachable.",
    ["operation"],
)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` around its pool for every operation (~50 µs
    each, several per request); a `redis.Redis` is thread-safe, so one per pool is reused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]  # not in the stubs
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("DEGRADED_RETRY_SECONDS", 5))
        self.log_seconds = float(options.pop("DEGRADED_LOG_SECONDS", 30))
        self._params = {**params, "OPTIONS": options}
        super().__init__(server, self._params)
        self._class = ReusingRedisCacheClient
        self._server = server
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at = -float("inf")

    @cached_property
    def strict(self) -> RedisCache:
        """The same Redis, keys and options, raising when Redis is unreachable."""
        return RedisCache(self._server, self._params)

    def _degrade[T](self, operation: str, call: Callable[[], T], fallback: T) -> T:
        now = time.monotonic()
        if now < self._down_until:
            CACHE_DEGRADED.labels(operation).inc()
            return fallback
        try:
            return call()
        except UNAVAILABLE as exc:
            CACHE_DEGRADED.labels(operation).inc()
            with self._lock:
                self._down_until = now + self.retry_seconds
                if now - self._logged_at >= self.log_seconds:
                    self._logged_at = now
                    logger.warning("cache_unavailable", operation=operation, error=type(exc).__name__)
            return fallback

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._degrade(
            "add", lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), True
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._degrade(
            "get", lambda: super(DegradingRedisCache, self).get(key, default, version), default
        )

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._degrade("set", lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._degrade(
            "touch", lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False
        )

    def count_hit(self, key: Any, timeout: int, version: int | None = None) -> int:
        """One more hit on the counter `key` (created with `timeout`): its new value, in one
        round trip (`SET NX` + `INCR` pipelined) where `add` then `incr` take three."""

        def call() -> int:
            redis_key = self.make_and_validate_key(key, version=version)
            pipe = self._cache.get_client(redis_key, write=True).pipeline(transaction=False)
            pipe.set(redis_key, 0, ex=timeout, nx=True)
            pipe.incr(redis_key)
            return int(pipe.execute()[1])

        return self._degrade("count_hit", call, 1)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._degrade("delete", lambda: super(DegradingRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._degrade("get_many", lambda: super(DegradingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._degrade("has_key", lambda: super(DegradingRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._degrade(
            "incr", lambda: super(DegradingRedisCache, self).incr(key, delta, version), delta
        )

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._degrade(
            "set_many", lambda: super(DegradingRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._degrade(
            "delete_many", lambda: super(DegradingRedisCache, self).delete_many(keys, version), None
        )

    def clear(self) -> None:
        self._degrade("clear", lambda: super(DegradingRedisCache, self).clear(), None)


def count_hit(cache: Any, key: str, timeout: int) -> int:
    """One more hit on the counter `key` in `cache`, created with `timeout` seconds to live;
    answers its new value. A single round trip on Redis; any other backend adds then incrs."""
    counter = getattr(cache, "count_hit", None)
    if counter is not None:
        return int(counter(key, timeout))
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr: this hit alone
        return 1
