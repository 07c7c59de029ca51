"""Cached list counts: `count` of a filtered list without a `COUNT(*)` on every page.

A count is cached under the SQL of its query and a *generation* number; every real-estate
write service bumps the generation after commit, so a cached count is exact as of the last
write made through the services. The TTL (`REAL_ESTATES_COUNT_CACHE_SECONDS`) bounds the
staleness after writes made elsewhere (raw SQL, bulk loads). See docs/adr/0020.
"""

import hashlib

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


def cached_count(queryset: "models.QuerySet[models.Model]") -> int:
    timeout = settings.REAL_ESTATES_COUNT_CACHE_SECONDS
    if timeout <= 0:
        return queryset.count()
    # The generation is read before counting: a count racing a write is stored under the
    # generation that write has already made obsolete.
    current = generation()
    digest = hashlib.sha256(str(queryset.query).encode()).hexdigest()
    key = f"real_estates:list:count:{current}:{digest}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, timeout=timeout)
    return int(count)
