"""The brute-force brakes' sliding window: ten buckets of a tenth of the rate's duration, the
oldest leaving as time goes by, and a refused request told when one more would fit."""

import uuid
from typing import Any

import pytest
import time_machine
from django.core.cache.backends.locmem import LocMemCache

from apps.core.throttling import SimpleRateThrottle


class FivePerMinute(SimpleRateThrottle):
    rate = "5/min"

    def __init__(self) -> None:
        super().__init__()
        self.cache = LocMemCache(f"sliding-{uuid.uuid4()}", {})  # a store of its own

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return "throttle_test_key"


@pytest.fixture
def throttle() -> FivePerMinute:
    return FivePerMinute()


def allowed(throttle: FivePerMinute, at: str, times: int = 1) -> list[bool]:
    with time_machine.travel(at, tick=False):
        return [throttle.allow_request(None, None) for _ in range(times)]  # type: ignore[arg-type]


def test_it_allows_the_rate_and_refuses_the_next_until_the_oldest_attempt_leaves(
    throttle: FivePerMinute,
) -> None:
    assert allowed(throttle, "2030-01-01 10:00:10Z", 6) == [True] * 5 + [False]
    # The attempts' bucket (10:00:06-10:00:12) leaves the window at 10:01:06, 0.93 min later.
    assert throttle.wait() == pytest.approx(56)
    assert allowed(throttle, "2030-01-01 10:01:05Z") == [False]
    assert allowed(throttle, "2030-01-01 10:01:06Z") == [True]


def test_attempts_spread_over_the_window_leave_it_one_by_one(throttle: FivePerMinute) -> None:
    for second in (0, 12, 24, 36, 48):
        assert allowed(throttle, f"2030-01-01 10:00:{second:02d}Z") == [True]
    assert allowed(throttle, "2030-01-01 10:00:59Z") == [False]
    assert throttle.wait() == pytest.approx(1)  # the 10:00:00 bucket leaves at 10:01:00
    assert allowed(throttle, "2030-01-01 10:01:00Z") == [True]
    assert allowed(throttle, "2030-01-01 10:01:01Z") == [False]
    assert throttle.wait() == pytest.approx(11)  # the next one leaves at 10:01:12


def test_a_refused_request_is_not_counted(throttle: FivePerMinute) -> None:
    allowed(throttle, "2030-01-01 10:00:10Z", 10)
    bucket = 1893492010 // 6  # 2030-01-01 10:00:10Z in buckets of 6 s
    assert throttle.cache.get(f"throttle_test_key:b{bucket}") == 5
