"""Cached list counts and stats: a filtered list's `count` without a `COUNT(*)` on every page,
and `/stats` without an aggregate over the whole table on every call.

A result is cached under what decides it, the validated meaning of the request
(`filters_key`: the caller's visibility scope and the cleaned filters, as canonical JSON),
together with the *generation* number it was computed at; every real-estate write service
bumps the generation after commit, so a cached count (or stats result) is exact as of the
last write made through the services. The TTL (`REAL_ESTATES_COUNT_CACHE_SECONDS`) bounds
the staleness after writes made elsewhere (raw SQL, bulk loads). See docs/adr/0020.

They live in the `reads` cache, not the default one: there is one per distinct filter, so reads
alone can fill a store, and on the embedded default a full table culls entries by key, whatever
they are (docs/adr/0130). The generation lives beside them, so one round trip still reads both.
"""

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, cast

import structlog
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, models

GENERATION_KEY = "real_estates:list:generation"
CACHE_ALIAS = "reads"

logger = structlog.get_logger(__name__)


def filters_key(*, scope: str, filters: Mapping[str, Any]) -> str:
    """The meaning of a request's filters for the rows they select: `scope` (whose rows,
    `querysets.visibility`) and the cleaned values of the filters that were given, by name.

    Canonical JSON (keys sorted, one type per filter), so two requests share a key exactly when
    the validated filters are equal, whatever the order or the spelling of their parameters."""
    given = {name: value for name, value in filters.items() if value not in (None, "", [])}
    return json.dumps({"scope": scope, "filters": given}, sort_keys=True, default=str, ensure_ascii=False)


def _new_generation() -> int:
    """A generation to start from when there is none: the clock in nanoseconds, never a number an
    earlier generation was counted up to. The generation can be lost (culled with the counts,
    evicted by Redis) while results cached under it survive; starting again from 1 read a count
    from the last time the generation was 1 as current."""
    return time.time_ns()


def generation() -> int:
    cache = caches[CACHE_ALIAS]
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return int(value) if value is not None else _new_generation()


def bump_generation() -> None:
    """Invalidate every cached count (call through `transaction.on_commit`).

    It runs after the write committed, so a cache that refuses it must not fail that write: without
    Redis the cache is a table of the database (ADR 0045), which a lock or a timeout can refuse, and
    the client would get a 503 for a create that happened (and an idempotent retry would make it
    twice). The refusal is logged; the counts stay stale for `REAL_ESTATES_COUNT_CACHE_SECONDS` at
    most. (Redis' outages are already swallowed by `DegradingRedisCache`.)"""
    cache = caches[CACHE_ALIAS]
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not set yet (or lost): a new generation invalidates
            cache.add(GENERATION_KEY, _new_generation(), timeout=None)
    except DatabaseError as exc:
        logger.warning("list_generation_not_bumped", error=type(exc).__name__)


def cached_result[T](kind: str, key: str, compute: Callable[[], T]) -> T:
    """`compute()`, cached under `kind` and `key` with the generation it was computed at; valid
    while that is still the current generation. One round trip reads both."""
    return cached_results(kind, {key: compute})[key]


def cached_results[T](kind: str, computes: Mapping[str, Callable[[], T]]) -> dict[str, T]:
    """`cached_result` of several keys of one kind: one round trip reads them all (and the
    generation); each missing or stale one is computed and stored."""
    timeout = settings.REAL_ESTATES_COUNT_CACHE_SECONDS
    if timeout <= 0:
        return {key: compute() for key, compute in computes.items()}
    cache = caches[CACHE_ALIAS]
    cache_keys = {
        key: f"real_estates:list:{kind}:{hashlib.sha256(key.encode()).hexdigest()}" for key in computes
    }
    found = cache.get_many([GENERATION_KEY, *cache_keys.values()])
    # The generation is read before computing: a result racing a write is stored under the
    # generation that write has already made obsolete.
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    results: dict[str, T] = {}
    for key, compute in computes.items():
        entry = found.get(cache_keys[key])
        if entry is not None and entry[0] == current:
            results[key] = cast(T, entry[1])
            continue
        results[key] = compute()
        cache.set(cache_keys[key], (current, results[key]), timeout=timeout)
    return results


def cached_count(queryset: "models.QuerySet[Any, Any]", *, key: str) -> int:
    return int(cached_result("count", key, queryset.count))
