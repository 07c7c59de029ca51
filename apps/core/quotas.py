"""Per-user write quotas: scoped throttles that count one kind of write per user, on top of the
general per-user rate, and refuse with the quota's own catalog code (429, `Retry-After`).

A view adds its quota to the general throttles for the writes it guards (`get_throttles`), or,
when a request may be answered without writing (an idempotent create's replay), counts it with
`check` where the write runs: a quota counts writes attempted, and a replay attempts none. Rates
live in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] under the quota's `scope`.
"""

import math
from typing import Any, ClassVar

from rest_framework.request import Request

from apps.core import errors
from apps.core.throttling import SimpleRateThrottle


class UserQuotaThrottle(SimpleRateThrottle):
    """Counts requests per authenticated user in the `scope`'s sliding window (anonymous requests
    are not counted: the views it guards require authentication)."""

    error: ClassVar[type[errors.ApiError]]

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = request.user
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}

    def allow_request(self, request: Request, view: Any) -> bool:
        if super().allow_request(request, view):
            return True
        wait = self.wait()
        raise self.error(headers={"Retry-After": str(max(1, math.ceil(wait if wait is not None else 1)))})

    def check(self, request: Request, view: Any) -> None:
        """Counts one write, or raises the quota's error (429, `Retry-After`)."""
        self.allow_request(request, view)
