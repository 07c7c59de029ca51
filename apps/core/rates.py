"""Throttle rates as the settings write them (`10/min`, `10/5min`): read here, with nothing of
Django's, so the settings check each `THROTTLE_*_RATE` when they load and the throttles read
them the same way."""

import re

_RATE = re.compile(r"^(?P<num>\d+)/(?P<mult>[1-9]\d*)?(?P<unit>s|sec|second|m|min|minute|h|hour|d|day)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    """`(requests, seconds)`; `(None, None)` for no rate. A window of no time (`10/0min`) is no rate."""
    if rate is None:
        return (None, None)
    match = _RATE.match(rate.strip())
    if not match:
        raise ValueError(f"Invalid throttle rate {rate!r}; use e.g. '10/min' or '10/5min'.")
    multiplier = int(match["mult"] or 1)
    return int(match["num"]), multiplier * _UNIT_SECONDS[match["unit"][0]]
