"""Throttles whose rates may span several units of time (`10/5min`), on the shared cache.

DRF's own parser reads only `N/<unit>`; ours also reads `N/<k><unit>`. State lives in the
default cache, which every app process shares (Redis, or the embedded database cache), and
every count is atomic (`count_hit`): two processes never both see the same count. On Redis a
throttle costs one round trip, the sliding window's earlier buckets read with its hit.
"""

import ipaddress
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from rest_framework import throttling
from rest_framework.request import Request

from apps.core.cache import count_hit, count_hit_reading
from apps.core.rates import parse_rate


class MultiUnitRateMixin:
    if TYPE_CHECKING:  # provided by DRF's SimpleRateThrottle, which these mixins mix into
        rate: str | None
        num_requests: int
        duration: int
        cache: Any

        def get_cache_key(self, request: Request, view: Any) -> str | None: ...

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        return parse_rate(rate)


class FixedWindowMixin(MultiUnitRateMixin):
    """Counts requests in fixed windows of the rate's duration: one atomic `incr` per request
    (`count_hit`), instead of DRF's sliding log (a pickled list of up to `num_requests`
    timestamps read and written back on every request, which two concurrent requests both
    read before either writes). It may let up to twice the rate through across a window
    boundary, which suits the general API rates; brute-force brakes (sign-in, sign-up) use
    `SlidingWindowMixin`."""

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


class SlidingWindowMixin(MultiUnitRateMixin):
    """A sliding window for brute-force brakes, counted in `BUCKETS` buckets of a tenth of the
    rate's duration: a request is allowed while the current bucket and the nine before it hold
    no more than the rate. An attempt stops counting between 0.9 and 1 duration after it was
    made, never later (DRF's sliding log: exactly 1). Counting is an atomic `incr`, so
    concurrent attempts on several processes are all counted (two requests reading DRF's log
    at once are counted as one); a refused attempt is taken back out, as DRF does not record
    it either."""

    BUCKETS = 10

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        width = self.duration / self.BUCKETS
        now = time.time()
        bucket = int(now // width)
        # A bucket counts until BUCKETS buckets later begin: it lives one duration and a bucket.
        names = [f"{key}:b{bucket - back}" for back in range(self.BUCKETS - 1, 0, -1)]  # oldest first
        current, found = count_hit_reading(
            self.cache, f"{key}:b{bucket}", int(self.duration + width) + 1, names
        )
        earlier = [int(found.get(name, 0)) for name in names]
        if sum(earlier) + current <= self.num_requests:
            return True
        with suppress(ValueError):  # expired meanwhile: nothing to take back
            self.cache.decr(f"{key}:b{bucket}")
        # One more fits once enough of the oldest buckets have left the window.
        excess = sum(earlier) + current - self.num_requests
        for leaving, count in enumerate(earlier, start=1):
            excess -= count
            if excess <= 0:
                self._wait = (bucket + leaving) * width - now
                break
        else:  # the current bucket alone is over the rate
            self._wait = (bucket + self.BUCKETS) * width - now
        return False

    def wait(self) -> float | None:
        return max(getattr(self, "_wait", 1.0), 1.0)


def client_network(address: str) -> str:
    """What a per-client throttle counts for a client at `address`: the address, or for IPv6 its
    /64. One subscriber is handed at least a /64 (RFC 6177), whose 2^64 addresses would each get
    a bucket of their own; an IPv4 address mapped into IPv6 counts as that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # not an address (DRF's ident of a request without one): as it is
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return address


class ClientNetworkMixin(throttling.BaseThrottle):
    """A throttle per client address counts an IPv6 client by its /64 (`client_network`)."""

    def get_ident(self, request: Request) -> str:
        return client_network(super().get_ident(request))


class UserRateThrottle(ClientNetworkMixin, FixedWindowMixin, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(ClientNetworkMixin, FixedWindowMixin, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(MultiUnitRateMixin, throttling.ScopedRateThrottle):
    pass


class SimpleRateThrottle(SlidingWindowMixin, throttling.SimpleRateThrottle):
    """Base for the brute-force brakes, keyed on something other than the user (an IP, a CPF)."""
