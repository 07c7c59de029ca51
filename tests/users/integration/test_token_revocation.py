"""Tokens die when they must: forged, tampered, password changed, account deactivated or deleted."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.users import services
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, error_of, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "outra-senha-bem-longa-43"


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _payload(token: str) -> dict[str, object]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def assert_token_refused(response: object) -> None:
    assert response.status_code == 401, response.content
    assert error_of(response)["code"] in {"TOKEN_INVALID", "AUTHENTICATION_FAILED"}


# --- forged tokens ------------------------------------------------------------------------------


def test_an_alg_none_token_is_refused(api_client: APIClient) -> None:
    pair = sign_in(api_client, UserFactory(role=Role.ADMIN))
    forged = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_payload(pair['token']))}."
    assert_token_refused(bearer(forged).get("/api/v1/users/me"))
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": forged}))


def test_a_token_with_a_tampered_payload_is_refused(api_client: APIClient) -> None:
    victim = UserFactory(role=Role.ADMIN)
    pair = sign_in(api_client, UserFactory())
    header, _, signature = pair["token"].split(".")
    payload = {**_payload(pair["token"]), "user_id": str(victim.pk), "role": "admin"}
    assert_token_refused(bearer(f"{header}.{_b64(payload)}.{signature}").get("/api/v1/users"))


def test_a_token_signed_with_another_key_is_refused(api_client: APIClient) -> None:
    import jwt

    user = UserFactory()
    pair = sign_in(api_client, user)
    forged = jwt.encode(
        _payload(pair["token"]), "guessed-secret-key-of-at-least-32-bytes!", algorithm="HS256"
    )
    assert_token_refused(bearer(forged).get("/api/v1/users/me"))


def test_a_token_signed_with_the_django_secret_key_is_refused(
    api_client: APIClient, settings: object
) -> None:
    import jwt

    pair = sign_in(api_client, UserFactory())
    forged = jwt.encode(_payload(pair["token"]), settings.SECRET_KEY, algorithm="HS256")
    assert_token_refused(bearer(forged).get("/api/v1/users/me"))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "bearer",
        "bearer a b",
        "Bearerx a.b.c",
        "Basic a.b.c",
    ],
)
def test_malformed_authorization_headers_are_refused(header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/users/me")
    assert response.status_code == 401
    assert error_of(response)["code"] in {"TOKEN_INVALID", "AUTHENTICATION_FAILED", "NOT_AUTHENTICATED"}


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_scheme_is_read_in_any_case(api_client: APIClient, scheme: str) -> None:
    """RFC 9110 §11.1: an authentication scheme is case-insensitive."""
    user = UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {sign_in(api_client, user)['token']}")
    response = client.get("/api/v1/users/me")
    assert response.status_code == 200
    assert response.json()["id"] == str(user.pk)


def test_a_refresh_token_is_not_an_access_token(api_client: APIClient) -> None:
    pair = sign_in(api_client, UserFactory())
    assert_token_refused(bearer(pair["refresh"]).get("/api/v1/users/me"))


def test_an_expired_access_token_is_refused_but_its_refresh_token_works(api_client: APIClient) -> None:
    pair = sign_in(api_client, UserFactory())
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert_token_refused(bearer(pair["token"]).get("/api/v1/users/me"))
        assert api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}).status_code == 200


def test_an_expired_refresh_token_is_refused(api_client: APIClient) -> None:
    pair = sign_in(api_client, UserFactory())
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))


# --- password change ----------------------------------------------------------------------------


def test_changing_the_password_revokes_every_token_at_once(api_client: APIClient) -> None:
    user = UserFactory()
    first, second = sign_in(api_client, user), sign_in(api_client, user)
    response = bearer(first["token"]).post(
        "/api/v1/users/me/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    for pair in (first, second):
        assert_token_refused(bearer(pair["token"]).get("/api/v1/users/me"))
        assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()
    fresh = sign_in(api_client, user, NEW_PASSWORD)
    assert bearer(fresh["token"]).get("/api/v1/users/me").status_code == 200


def test_a_refresh_token_issued_before_a_password_change_dies_even_if_not_blacklisted(
    api_client: APIClient,
) -> None:
    user = UserFactory()
    pair = sign_in(api_client, user)
    user.set_password(NEW_PASSWORD)  # as the Django admin's password form does: no blacklisting
    user.save()
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))


def test_a_wrong_current_password_changes_nothing(api_client: APIClient) -> None:
    user = UserFactory()
    pair = sign_in(api_client, user)
    response = bearer(pair["token"]).post(
        "/api/v1/users/me/password", {"current_password": "wrong", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "WRONG_CURRENT_PASSWORD"
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert bearer(pair["token"]).get("/api/v1/users/me").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": DEFAULT_PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD}, "new_password"),
        ({"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD, "cpf": "1"}, "cpf"),
    ],
)
def test_a_bad_password_change_is_a_validation_error(body: dict[str, str], field: str) -> None:
    user = UserFactory()
    response = bearer(sign_in(APIClient(), user)["token"]).post("/api/v1/users/me/password", body)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


# --- deactivation and deletion ------------------------------------------------------------------


def test_deactivating_a_user_revokes_every_token_at_once(
    api_client: APIClient, admin_client: APIClient
) -> None:
    user = UserFactory()
    pair = sign_in(api_client, user)
    response = admin_client.patch(f"/api/v1/users/{user.pk}", {"is_active": False})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert_token_refused(bearer(pair["token"]).get("/api/v1/users/me"))
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))
    # Reactivated, the old refresh token stays dead; signing in works again.
    assert admin_client.patch(f"/api/v1/users/{user.pk}", {"is_active": True}).status_code == 200
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))
    sign_in(api_client, user)


@pytest.mark.parametrize("new_role", [Role.MANAGER, Role.COLLECTOR])
def test_a_role_change_revokes_every_token_at_once(
    api_client: APIClient, admin_client: APIClient, new_role: Role
) -> None:
    user = UserFactory(role=Role.ADMIN if new_role == Role.MANAGER else Role.MANAGER)
    pair = sign_in(api_client, user)
    assert bearer(pair["token"]).get("/api/v1/users/me").status_code == 200

    assert admin_client.patch(f"/api/v1/users/{user.pk}", {"role": new_role}).status_code == 200

    assert_token_refused(bearer(pair["token"]).get("/api/v1/users/me"))
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))
    fresh = sign_in(api_client, user)
    assert bearer(fresh["token"]).get("/api/v1/users/me").json()["role"] == new_role


@pytest.mark.parametrize(
    ("revoke", "restore"),
    [({"is_active": False}, {"is_active": True}), ({"role": Role.MANAGER}, {"role": Role.COLLECTOR})],
    ids=["deactivated-then-reactivated", "role-changed-and-back"],
)
def test_an_access_token_revoked_stays_dead_when_the_account_is_restored(
    api_client: APIClient, admin_client: APIClient, revoke: dict[str, object], restore: dict[str, object]
) -> None:
    user = UserFactory(role=Role.COLLECTOR)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        pair = sign_in(api_client, user)
        clock.shift(timedelta(seconds=5))
        assert admin_client.patch(f"/api/v1/users/{user.pk}", revoke).status_code == 200
        assert_token_refused(bearer(pair["token"]).get("/api/v1/users/me"))
        clock.shift(timedelta(seconds=5))
        assert admin_client.patch(f"/api/v1/users/{user.pk}", restore).status_code == 200

        assert_token_refused(bearer(pair["token"]).get("/api/v1/users/me"))
        fresh = sign_in(api_client, user)  # a token issued after the revocation works
        assert bearer(fresh["token"]).get("/api/v1/users/me").status_code == 200


def test_refresh_for_a_user_deactivated_outside_the_api_is_a_401(api_client: APIClient) -> None:
    user = UserFactory()
    pair = sign_in(api_client, user)
    User.objects.filter(pk=user.pk).update(is_active=False)  # e.g. the Django admin
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))


def test_deleting_own_account_kills_its_tokens(api_client: APIClient) -> None:
    user = UserFactory()
    pair = sign_in(api_client, user)
    response = bearer(pair["token"]).delete("/api/v1/users/me")
    assert response.status_code == 200
    assert response.json() == {"message": "User deleted successfully"}
    assert not User.objects.filter(pk=user.pk).exists()
    assert_token_refused(bearer(pair["token"]).get("/api/v1/users/me"))
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))


def test_refresh_for_a_user_deleted_outside_the_api_is_a_401_not_a_500(api_client: APIClient) -> None:
    user = UserFactory()
    pair = sign_in(api_client, user)
    User.objects.filter(pk=user.pk).delete()  # tokens stay, with user set to NULL
    assert OutstandingToken.objects.filter(user__isnull=True).exists()
    assert_token_refused(api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}))


def test_revoking_skips_tokens_already_dead() -> None:
    user = UserFactory()
    services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
    pair = services.user_sign_in(cpf=user.cpf, password=DEFAULT_PASSWORD)
    services.token_refresh(refresh=pair.refresh)
    assert BlacklistedToken.objects.count() == 1
    services.user_change_password(user=user, current_password=DEFAULT_PASSWORD, new_password=NEW_PASSWORD)
    assert BlacklistedToken.objects.count() == OutstandingToken.objects.count() == 3
