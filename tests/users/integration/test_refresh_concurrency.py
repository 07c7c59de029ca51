"""A refresh token is single-use even when many requests race with it (PostgreSQL row locks)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from tests.users.factories import UserFactory
from tests.users.helpers import sign_in

PARALLEL = 10


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_refreshes_of_one_token_give_exactly_one_200() -> None:
    user = UserFactory()
    refresh = sign_in(APIClient(), user)["refresh"]
    start = threading.Barrier(PARALLEL)

    def attempt(_: int) -> int:
        try:
            start.wait()  # release all requests together
            response = APIClient().post("/api/v1/token/refresh", {"refresh": refresh}, format="json")
            return response.status_code
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = sorted(pool.map(attempt, range(PARALLEL)))

    assert statuses == [200] + [401] * (PARALLEL - 1)
    # One token was traded: the original is blacklisted, exactly one new one is alive.
    assert BlacklistedToken.objects.count() == 1
    assert OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).count() == 1
