"""Sign-out ends the sign-in its refresh token comes from (docs/adr/0017): every live refresh token
of that family dies, not only the one presented. A client signing out with a token already
rotated (a response lost, another tab, a thief who refreshed first) no longer leaves the
session's current refresh token alive behind a 204."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.users.factories import UserFactory
from tests.users.helpers import bearer, error_of, sign_in

REFRESH_URL = "/api/v1/token/refresh"
SIGN_OUT_URL = "/api/v1/sign-out"

pytestmark = pytest.mark.django_db


def refresh(token: str) -> Any:
    return APIClient().post(REFRESH_URL, {"refresh": token}, format="json")


def test_signing_out_with_a_rotated_refresh_token_kills_the_one_issued_from_it(api_client: APIClient) -> None:
    user = UserFactory()
    first = sign_in(api_client, user)
    later = refresh(first["refresh"]).json()  # a thief, or the client's other tab

    response = bearer(first["token"]).post(SIGN_OUT_URL, {"refresh": first["refresh"]}, format="json")

    assert response.status_code == 204, response.content
    answer = refresh(later["refresh"])
    assert answer.status_code == 401
    assert error_of(answer)["code"] == "TOKEN_INVALID"


def test_signing_out_leaves_the_users_other_sign_ins_alone(api_client: APIClient) -> None:
    user = UserFactory()
    phone, laptop = sign_in(api_client, user), sign_in(api_client, user)
    laptop_now = refresh(laptop["refresh"]).json()

    response = bearer(phone["token"]).post(SIGN_OUT_URL, {"refresh": phone["refresh"]}, format="json")

    assert response.status_code == 204, response.content
    assert refresh(laptop_now["refresh"]).status_code == 200
