"""Throttles whose rates may span several units of time (`10/5min`), on the shared cache.

DRF's own parser reads only `N/<unit>`; ours also reads `N/<k><unit>`. State lives in
the default cache, so every app process sharing Redis counts together.
"""

import re

from rest_framework import throttling

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


class UserRateThrottle(MultiUnitRateMixin, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(MultiUnitRateMixin, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(MultiUnitRateMixin, throttling.ScopedRateThrottle):
    pass


class SimpleRateThrottle(MultiUnitRateMixin, throttling.SimpleRateThrottle):
    """Base for throttles keyed on something other than the user or IP (a CPF, say)."""
