"""The two cache backends every process shares: Redis that degrades, and the embedded default.

The cache holds throttle counters, idempotency records and cached reads. Every one of them is
only right when all the server's processes see the same store, so there is no per-process
cache anywhere (docs/adr/0045-shared-cache-without-redis.md).

`DegradingRedisCache` is django-redis's cache (one client per process reused, an atomic `incr`
that keeps the key's expiry in one round trip, and a throttle's hit with the reads it needs in
one script, `count_hit_reading`), made to degrade instead of failing when Redis is unreachable,
full or read-only (or refuses writes after a failed snapshot): reads miss, writes are dropped,
`add` answers True (the caller proceeds as if it took the key) and `incr` answers as for a
fresh counter, so throttles allow and idempotency keys do not block
(docs/adr/0040-redis-degradation.md). Each degraded call is counted
(`vivenda_cache_degraded_total`) and logged at most once per `DEGRADED_LOG_SECONDS`; after a
failure Redis is skipped for `DEGRADED_RETRY_SECONDS` so a partition costs one connect timeout,
not one per call. `strict` is the same cache without the degradation, for the readiness probe.

`SharedDatabaseCache` is Django's database cache (the embedded default, on the local SQLite)
with an `incr` that is atomic across processes and keeps the key's expiry.
"""

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import cached_property, partial
from typing import Any, cast

import structlog
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import OperationalError, connections, models, router, transaction
from django.utils import timezone
from django_redis.cache import RedisCache
from prometheus_client import Counter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MasterDownError, OutOfMemoryError, ReadOnlyError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = structlog.get_logger(__name__)

# Unreachable, and also full (`maxmemory` with `noeviction`), read-only (a replica after a
# failover) or a replica cut off from its primary: to a request all of them are the same outage.
UNAVAILABLE = (
    RedisConnectionError,
    RedisTimeoutError,
    OutOfMemoryError,
    ReadOnlyError,
    MasterDownError,
    ConnectionError,
    TimeoutError,
)
# Outages redis-py raises as a plain `ResponseError`, told by their reply's code: writes refused
# because the last snapshot failed (a full disk), a script keeping Redis busy.
UNAVAILABLE_REPLIES = ("MISCONF ", "BUSY ")


def _unavailable(exc: Exception) -> bool:
    return isinstance(exc, UNAVAILABLE) or (
        isinstance(exc, ResponseError) and str(exc).startswith(UNAVAILABLE_REPLIES)
    )


CACHE_DEGRADED = Counter(
    "vivenda_cache_degraded_total",
    "Cache operations answered without Redis because it was unreachable, full or read-only.",
    ["operation"],
)


class DegradingRedisCache(RedisCache):  # type: ignore[misc]  # django-redis ships no types
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("DEGRADED_RETRY_SECONDS", 5))
        self.log_seconds = float(options.pop("DEGRADED_LOG_SECONDS", 30))
        self.strict_params = {**params, "OPTIONS": options}
        super().__init__(server, self.strict_params)
        self.location = server
        self.degraded_lock = threading.Lock()
        self.down_until = 0.0
        self.logged_at = -float("inf")

    @cached_property
    def strict(self) -> RedisCache:
        """The same Redis, keys and options, raising when Redis is unreachable."""
        return RedisCache(self.location, self.strict_params)

    def _degrade[T](self, operation: str, call: Callable[[], T], fallback: T) -> T:
        now = time.monotonic()
        if now < self.down_until:
            CACHE_DEGRADED.labels(operation).inc()
            return fallback
        try:
            return call()
        except (*UNAVAILABLE, ResponseError) as exc:
            if not _unavailable(exc):
                raise  # a wrong command or type: a bug, not an outage
            CACHE_DEGRADED.labels(operation).inc()
            with self.degraded_lock:
                self.down_until = now + self.retry_seconds
                if now - self.logged_at >= self.log_seconds:
                    self.logged_at = now
                    logger.warning("cache_unavailable", operation=operation, error=type(exc).__name__)
            return fallback

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._degrade("add", partial(super().add, key, value, timeout, version), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._degrade("get", partial(super().get, key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._degrade("set", partial(super().set, key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._degrade("touch", partial(super().touch, key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._degrade("delete", partial(super().delete, key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._degrade("get_many", partial(super().get_many, list(keys), version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._degrade("has_key", partial(super().has_key, key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._degrade("incr", partial(super().incr, key, delta, version), delta)

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._degrade("decr", partial(super().decr, key, delta, version), -delta)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._degrade("set_many", partial(super().set_many, data, timeout, version), list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._degrade("delete_many", partial(super().delete_many, list(keys), version), None)

    def clear(self) -> None:
        self._degrade("clear", super().clear, None)

    def count_hit_reading(self, key: str, timeout: int, read: Sequence[str]) -> tuple[int, dict[str, Any]]:
        """`count_hit_reading` in one round trip and one command (`COUNT_HIT_SCRIPT`)."""
        fresh: tuple[int, dict[str, Any]] = (1, {})  # as `incr` degrades, and nothing read
        return self._degrade("count_hit", lambda: self._count_hit(key, timeout, read), fresh)

    def _count_hit(self, key: str, timeout: int, read: Sequence[str]) -> tuple[int, dict[str, Any]]:
        names = [self.make_key(key), *(self.make_key(other) for other in read)]
        count, values = self.client.get_client(write=True).eval(COUNT_HIT_SCRIPT, len(names), *names, timeout)
        found = {
            other: self.client.decode(value)
            for other, value in zip(read, values, strict=True)
            if value is not None
        }
        return int(count), found


# One more hit on KEYS[1], given ARGV[1] seconds to live if it has no expiry yet (it was just
# created: an existing counter keeps its own; NX needs Redis 7), then the values of the other
# keys. A script runs atomically: nothing expires or writes between the hit and the reads.
COUNT_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
local found = {}
if #KEYS > 1 then found = redis.call('MGET', unpack(KEYS, 2)) end
return {count, found}
"""

_MISSING = object()


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache with an `incr` that counts every call, whichever process makes it.

    Django's `incr` on this backend is a `get` then a `set`: two processes can both read 9 and
    both write 10, and the `set` replaces the key's expiry with the default timeout (a window
    counter outlives its window, a key set to never expire starts expiring). Here the read and
    the write run in one transaction that first writes the row: that takes the row's lock on
    PostgreSQL and the database's write lock on SQLite, so a second `incr` waits for the first
    to commit; the new value keeps the expiry the row had. `add` is an insert that fails on the
    primary key when the key is taken (see `add`).
    """

    def __init__(self, table: str, params: dict[str, Any]) -> None:
        super().__init__(table, params)
        self.table = table

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Django's `add`, after deleting the key's row if it has expired (only if it still has: a
        row another call just wrote is live), and raising when the database refused the write.

        Django's `add` reads the row and, expired, updates it without a lock: on PostgreSQL two
        racing calls both updated it and both answered True (two retries both held an idempotency
        lock a crashed request left behind). With the expired row deleted first, in the same
        transaction, the second call waits for the first's delete, finds its live row and answers
        False. Django's also answers False, silently, for any database error (SQLite locked past
        its timeout, a statement timeout): an idempotency key was then "in progress" (409) with no
        request running. So a False is checked against the table: the key is there, or it was let
        go meanwhile and the `add` is tried once more; a second write that leaves no key is the
        database refusing it, a 503 as any request that finds it busy. A row expiring this very
        second is expired here, as `has_key` (`expires > now`) calls it: deleted, not left to make
        the insert fail and the check find nothing.
        """
        db_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        delete_expired = (
            f"DELETE FROM {quote(self.table)} WHERE {quote('cache_key')} = %s AND {quote('expires')} <= %s"  # noqa: S608 - quoted names
        )
        for _ in range(2):
            now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
            with transaction.atomic(using=db):
                with connection.cursor() as cursor:
                    cursor.execute(delete_expired, [db_key, now])
                if super().add(key, value, timeout, version):
                    return True
            if self.has_key(key, version=version):
                return False
        raise OperationalError(f"The cache table refused to write {key!r}.")

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, cache_key, expires = quote(self.table), quote("cache_key"), quote("expires")
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                # A write that changes nothing, for its lock (see the class's docstring). A row it
                # did not lock (none yet, or one committed just after it) is not ours to count:
                # the caller's `add` (or a later `incr`) takes that hit.
                cursor.execute(f"UPDATE {table} SET {expires} = {expires} WHERE {cache_key} = %s", [db_key])  # noqa: S608 - quoted names
                locked = cursor.rowcount == 1
                cursor.execute(f"SELECT {expires} FROM {table} WHERE {cache_key} = %s", [db_key])  # noqa: S608 - quoted names
                row = cursor.fetchone() if locked else None
            value = self.get(key, _MISSING, version=version)  # None if expired (and deleted)
            if row is None or value is _MISSING:
                raise ValueError(f"Key {key!r} not found")
            new_value = value + delta
            self.set(key, new_value, self._seconds_left(connection, row[0]), version=version)
        return int(new_value)

    @staticmethod
    def _seconds_left(connection: Any, stored: Any) -> float | None:
        """The timeout that stores the same expiry again (None: the key never expires).

        The backend stores `time.time() + timeout` cut to the whole second, and the stored expiry
        is a whole second: aiming half a second past it lands in that same second whatever the
        clock moved between here and there, where aiming at it exactly would, about every other
        call, store one second less and shorten a window a little more at every hit.
        """
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        for converter in converters:
            stored = converter(stored, expression, connection)
        expires: datetime = stored
        if expires.year == 9999:  # how the backend stores "no timeout" (datetime.max)
            return None
        return max(expires.timestamp() - time.time() + 0.5, 0.001)


def count_hit(cache: Any, key: str, timeout: int) -> int:
    """One more hit on the counter `key` in `cache`, created with `timeout` seconds to live;
    answers its new value. Atomic on every shared backend; an existing counter keeps its expiry.
    On Redis one round trip (`DegradingRedisCache.count_hit_reading`)."""
    return count_hit_reading(cache, key, timeout, ())[0]


def count_hit_reading(cache: Any, key: str, timeout: int, read: Sequence[str]) -> tuple[int, dict[str, Any]]:
    """`count_hit`, and the values of the keys `read` (as `get_many`: missing keys left out),
    read after the hit. On Redis both in one round trip; elsewhere `incr` (and `add`, the
    tie-break of two first hits), then `get_many`."""
    # `cache` may be Django's proxy of the default cache (DRF's throttles hold it): ask, not isinstance.
    on_redis = getattr(cache, "count_hit_reading", None)
    if on_redis is not None:
        return cast(tuple[int, dict[str, Any]], on_redis(key, timeout, read))
    return _count_hit(cache, key, timeout), (cache.get_many(read) if read else {})


def _count_hit(cache: Any, key: str, timeout: int) -> int:
    try:
        return int(cache.incr(key))
    except ValueError:  # the window's first hit (or the counter just expired)
        pass
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))  # another request's first hit won the `add`
    except ValueError:
        return 1
