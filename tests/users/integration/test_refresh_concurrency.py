"""A refresh token is single-use even when many requests race with it (the race is a reuse:
ADR 0014), and sign-in, refresh and sign-out wait for a revocation racing them and then see it
(PostgreSQL row locks)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.users import services
from apps.users.models import Role
from tests.threads import waiting_for
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, error_of, sign_in

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
    # One token was traded, and the nine that came after it were reuses (ADR 0014): the one new
    # token was revoked with its family, so the original and it are the only blacklisted ones
    # and none is alive: a client racing itself signs in again.
    assert BlacklistedToken.objects.count() == 2
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_racing_the_erasure_of_its_account_is_refused_not_a_500() -> None:
    user = UserFactory()

    # The sign-in's password check reads the row as it still is, then waits for the erasure.
    response = waiting_for(
        lambda: services.user_delete(user=user, actor=None),
        lambda: APIClient().post(
            "/api/v1/sign-in", {"cpf": user.cpf, "password": DEFAULT_PASSWORD}, format="json"
        ),
    )

    assert response.status_code == 401, response.content
    assert error_of(response)["code"] == "INVALID_CREDENTIALS"
    assert not OutstandingToken.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [{"is_active": False}, {"role": Role.MANAGER}],
    ids=["deactivated", "role-changed"],
)
def test_a_refresh_racing_a_revocation_is_refused_and_the_revocation_done(change: dict[str, Any]) -> None:
    user = UserFactory()
    admin = UserFactory(role=Role.ADMIN)
    refresh = sign_in(APIClient(), user)["refresh"]

    # The refresh runs into the revocation, not yet committed, and waits for it.
    response = waiting_for(
        lambda: services.user_update(user=user, actor=admin, **change),
        lambda: APIClient().post("/api/v1/token/refresh", {"refresh": refresh}, format="json"),
    )

    assert response.status_code == 401, response.content
    assert error_of(response)["code"] == "TOKEN_INVALID"
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_sign_out_racing_a_password_change_signs_out() -> None:
    user = UserFactory()
    pair = sign_in(APIClient(), user)

    # The password change has blacklisted the token but not committed when the sign-out comes.
    response = waiting_for(
        lambda: services.user_set_password(user=user, actor=None, password="uma-senha-nova-e-longa-1"),
        lambda: bearer(pair["token"]).post("/api/v1/sign-out", {"refresh": pair["refresh"]}, format="json"),
    )

    assert response.status_code == 204, response.content
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("reused", [False, True], ids=["live", "reused"])
def test_a_refresh_racing_the_erasure_of_its_account_is_refused_and_leaves_no_token(reused: bool) -> None:
    """It waits at the user's row for the erasure (by themselves), then finds no user: a 401, not
    the 500 of a token row written for a deleted user (nor, for a reused token, of revoking the
    family of someone gone)."""
    user = UserFactory()
    first = sign_in(APIClient(), user)["refresh"]
    refresh = first
    if reused:
        APIClient().post("/api/v1/token/refresh", {"refresh": first}, format="json")

    response = waiting_for(
        lambda: services.user_delete(user=user, actor=user),
        lambda: APIClient().post("/api/v1/token/refresh", {"refresh": refresh}, format="json"),
    )

    assert response.status_code == 401, response.content
    assert error_of(response)["code"] == "TOKEN_INVALID"
    assert not OutstandingToken.objects.exists()
