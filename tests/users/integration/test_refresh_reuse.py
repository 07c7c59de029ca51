"""Refresh-token reuse detection (OAuth 2.0 Security BCP, ADR 0014): a rotated refresh token
presented again kills every refresh token descended from the same sign-in, whoever refreshed
first, and the revocation commits although the request is refused."""

from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core import errors
from apps.users import services
from apps.users.models import User
from tests.sqlite import run_on_sqlite
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import error_of, sign_in

REFRESH_URL = "/api/v1/token/refresh"


def refresh(client: APIClient, token: str) -> Any:
    return client.post(REFRESH_URL, {"refresh": token}, format="json")


def assert_token_invalid(response: Any) -> None:
    assert response.status_code == 401, response.content
    assert error_of(response)["code"] == "TOKEN_INVALID"


def alive(user: User) -> set[str]:
    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    return set(live.values_list("token", flat=True))


@pytest.mark.django_db
def test_reusing_a_rotated_refresh_token_kills_the_pair_the_thief_got(api_client: APIClient) -> None:
    user = UserFactory()
    stolen = sign_in(api_client, user)["refresh"]
    thiefs = refresh(APIClient(), stolen).json()  # the thief refreshes first

    assert_token_invalid(refresh(api_client, stolen))  # the legitimate client comes second

    assert_token_invalid(refresh(APIClient(), thiefs["refresh"]))  # the thief's session is over
    assert alive(user) == set()


@pytest.mark.django_db
def test_reuse_kills_every_descendant_of_the_sign_in_rotations_later(api_client: APIClient) -> None:
    user = UserFactory()
    first = sign_in(api_client, user)["refresh"]
    second = refresh(api_client, first).json()["refresh"]
    third = refresh(api_client, second).json()["refresh"]

    assert_token_invalid(refresh(APIClient(), first))

    assert_token_invalid(refresh(api_client, third))


@pytest.mark.django_db
def test_reuse_leaves_the_users_other_sign_ins_alone(api_client: APIClient) -> None:
    user = UserFactory()
    phone = sign_in(APIClient(), user)["refresh"]
    laptop = sign_in(api_client, user)["refresh"]
    refresh(api_client, laptop)

    assert_token_invalid(refresh(api_client, laptop))

    assert alive(user) == {phone}
    assert refresh(APIClient(), phone).status_code == 200


@pytest.mark.django_db
def test_every_refresh_token_of_a_sign_in_carries_its_family() -> None:
    user = UserFactory()
    first = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD).refresh
    second = services.token_refresh(refresh=first).refresh
    other = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD).refresh

    family = RefreshToken(first, verify=False)["family"]  # blacklisted by the refresh
    assert RefreshToken(second)["family"] == family
    assert RefreshToken(other)["family"] != family


@pytest.mark.django_db
def test_reusing_a_token_from_before_families_kills_what_was_refreshed_from_it() -> None:
    """Tokens issued before this change carry no family: their own id is one."""
    user = UserFactory()
    legacy = RefreshToken.for_user(user)  # simplejwt's own: stored, no family claim
    assert "family" not in legacy.payload
    descendant = services.token_refresh(refresh=str(legacy)).refresh

    with pytest.raises(errors.TokenInvalid):
        services.token_refresh(refresh=str(legacy))

    with pytest.raises(errors.TokenInvalid):
        services.token_refresh(refresh=descendant)


@pytest.mark.django_db(transaction=True)
def test_the_revocation_commits_although_the_reuse_is_refused(api_client: APIClient) -> None:
    user = UserFactory()
    stolen = sign_in(api_client, user)["refresh"]
    thiefs = refresh(APIClient(), stolen).json()["refresh"]

    assert_token_invalid(refresh(api_client, stolen))

    # Read on a committed database (no test transaction around this test): the thief's token
    # was blacklisted by the request that answered 401.
    assert alive(user) == set()
    assert OutstandingToken.objects.get(token=thiefs).blacklistedtoken is not None


def test_a_reuse_revokes_the_family_on_sqlite_too(tmp_path: Path) -> None:
    done = run_on_sqlite(tmp_path, "-m", "tests.users.sqlite_refresh_reuse", LOG_LEVEL="WARNING")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sqlite refresh reuse ok" in done.stdout
