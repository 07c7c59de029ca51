"""The general API rates count per fixed window on the shared cache."""

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(settings: Any) -> Iterator[None]:
    # DRF's throttles read this very dict (mutated in place, as tests/users does).
    rates: dict[str, str] = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    original = dict(rates)
    rates["user"] = "3/min"
    yield
    rates.clear()
    rates.update(original)


def test_a_user_over_the_rate_gets_429_until_the_window_ends(
    three_per_minute: None, collector: User, client_for: Any
) -> None:
    with time_machine.travel("2030-01-01 10:00:10Z", tick=False):
        client: APIClient = client_for(collector)
        assert [client.get("/api/v1/users/me").status_code for _ in range(4)] == [200, 200, 200, 429]
        response = client.get("/api/v1/users/me")
        assert response.json()["error"]["code"] == "THROTTLED"
        assert response["Retry-After"] == "50"
    with time_machine.travel("2030-01-01 10:01:00Z", tick=False):
        assert client.get("/api/v1/users/me").status_code == 200


def test_each_user_has_a_window_of_its_own(
    three_per_minute: None, collector: User, manager: User, client_for: Any
) -> None:
    with time_machine.travel("2030-01-01 10:00:10Z", tick=False):
        first: APIClient = client_for(collector)
        for _ in range(3):
            first.get("/api/v1/users/me")
        assert first.get("/api/v1/users/me").status_code == 429
        assert client_for(manager).get("/api/v1/users/me").status_code == 200
