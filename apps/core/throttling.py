"""Throttles whose rates may span several units of time (`10/5min`), on the shared cache.

DRF's own parser reads only `N/<unit>`; ours also reads `N/<k><unit>`. State lives in
the default cache, so every app process sharing Redis counts together.
"""

import re
import time
from typing import TYPE_CHECKING, Any

from rest_framework import throttling
from rest_framework.request import Request

from apps.core.cache import count_hit

_RATE = re.compile(r"^(?P<num>\d+)/(?P<mult>\d*)(?P<unit>s|sec|second|m|min|minute|h|hour|d|day)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    if rate is None:
        return (None, None)
    match = _RATE.match(rate.strip())
    if not match:
        raise ValueError(f"Invalid throttle rate {rate!r}; use e.g. '10/min' or '10/5min'.")
    multiplier = int(match["mult"] or 1)
    return int(match["num"]), multiplier * _UNIT_SECONDS[match["unit"][0]]


class MultiUnitRateMixin:
    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        return parse_rate(rate)


class FixedWindowMixin(MultiUnitRateMixin):
    """Counts requests in fixed windows of the rate's duration: one pipelined `SET NX` + `INCR`
    on Redis per request (`count_hit`), instead of DRF's sliding log (a pickled list of up to
    `num_requests` timestamps read and written back on every request). It may let up to twice the rate
    through across a window boundary, which suits the general API rates; brute-force brakes
    (sign-in, sign-up) keep DRF's exact sliding window."""

    if TYPE_CHECKING:  # provided by DRF's SimpleRateThrottle, which this mixes into
        rate: str | None
        num_requests: int
        duration: int
        cache: Any

        def get_cache_key(self, request: Request, view: Any) -> str | None: ...

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self._window_ends = (window + 1) * self.duration - now
        window_key = f"{key}:w{window}"
        return count_hit(self.cache, window_key, self.duration + 1) <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "_window_ends", None)


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(MultiUnitRateMixin, throttling.ScopedRateThrottle):
    pass


class SimpleRateThrottle(MultiUnitRateMixin, throttling.SimpleRateThrottle):
    """Base for throttles keyed on something other than the user or IP (a CPF, say)."""
