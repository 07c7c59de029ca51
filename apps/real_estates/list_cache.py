"""Cached list counts and stats: a filtered list's `count` without a `COUNT(*)` on every page,
and `/stats` without an aggregate over the whole table on every call.

A count is cached under the SQL of its query (or a key naming what decides it) together with
the *generation* number it was computed at; every real-estate write service bumps the
generation after commit, so a cached count (or stats result) is exact as of the last write
made through the services. The TTL (`REAL_ESTATES_COUNT_CACHE_SECONDS`) bounds the
staleness after writes made elsewhere (raw SQL, bulk loads). See docs/adr/0020.
"""

import hashlib
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import models

GENERATION_KEY = "real_estates:list:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def bump_generation() -> None:
    """Invalidate every cached count (call through `transaction.on_commit`)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.add(GENERATION_KEY, 2, timeout=None)


def cached_result[T](
    kind: str, queryset: "models.QuerySet[Any, Any]", compute: Callable[[], T], *, key: str | None = None
) -> T:
    """`compute()`, cached under `key` (by default the SQL of `queryset`) with the generation it
    was computed at; valid while that is still the current generation. A caller that knows
    what determines the query (the request's filters and the caller's visibility scope)
    passes that as `key` and spares compiling the SQL. One round trip reads both."""
    timeout = settings.REAL_ESTATES_COUNT_CACHE_SECONDS
    if timeout <= 0:
        return compute()
    digest = hashlib.sha256((key if key is not None else str(queryset.query)).encode()).hexdigest()
    cache_key = f"real_estates:list:{kind}:{digest}"
    found = cache.get_many([GENERATION_KEY, cache_key])
    # The generation is read before computing: a result racing a write is stored under the
    # generation that write has already made obsolete.
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    entry = found.get(cache_key)
    if entry is not None and entry[0] == current:
        return cast(T, entry[1])
    value = compute()
    cache.set(cache_key, (current, value), timeout=timeout)
    return value


def cached_count(queryset: "models.QuerySet[Any, Any]", *, key: str | None = None) -> int:
    return int(cached_result("count", queryset, queryset.count, key=key))
