"""Sign-up, sign-in, refresh and sign-out through the API, with their bad inputs."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from apps.users.cpf import format_cpf
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, error_of, sign_in

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "uma-senha-bem-longa-42"


def sign_up_body(**overrides: object) -> dict[str, object]:
    return {"cpf": "529.982.247-25", "name": "Maria da Silva", "password": GOOD_PASSWORD, **overrides}


# --- sign-in ---------------------------------------------------------------------------------


def test_sign_in_answers_a_bearer_token_pair(api_client: APIClient) -> None:
    user = UserFactory()
    response = api_client.post("/api/v1/sign-in", {"cpf": user.cpf, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "refresh", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 15 * 60
    assert response["Cache-Control"] == "no-store"
    access = AccessToken(body["token"])
    assert access["user_id"] == str(user.pk)
    assert access["role"] == Role.COLLECTOR


def test_sign_in_accepts_a_formatted_cpf(api_client: APIClient) -> None:
    user = UserFactory()
    response = api_client.post("/api/v1/sign-in", {"cpf": format_cpf(user.cpf), "password": DEFAULT_PASSWORD})
    assert response.status_code == 200


def test_sign_in_records_the_last_login(api_client: APIClient) -> None:
    user = UserFactory()
    sign_in(api_client, user)
    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.parametrize(
    "cpf_of",
    [
        pytest.param(lambda user: user.cpf, id="wrong-password"),
        pytest.param(lambda user: "52998224725", id="unknown-cpf"),
        pytest.param(lambda user: "111.111.111-11", id="invalid-cpf"),
        pytest.param(lambda user: "not a cpf", id="garbage"),
    ],
)
def test_sign_in_answers_invalid_credentials_alike(api_client: APIClient, cpf_of: object) -> None:
    user = UserFactory()
    response = api_client.post("/api/v1/sign-in", {"cpf": cpf_of(user), "password": "wrong-password"})
    assert response.status_code == 401
    assert error_of(response)["code"] == "INVALID_CREDENTIALS"
    assert response["Cache-Control"] == "no-store"


def test_an_inactive_user_cannot_sign_in(api_client: APIClient) -> None:
    user = UserFactory(is_active=False)
    response = api_client.post("/api/v1/sign-in", {"cpf": user.cpf, "password": DEFAULT_PASSWORD})
    assert response.status_code == 401
    assert error_of(response)["code"] == "INVALID_CREDENTIALS"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"password": "x"}, "cpf", "required"),
        ({"cpf": "52998224725"}, "password", "required"),
        ({"cpf": "52998224725", "password": "x", "role": "admin"}, "role", "field_not_allowed"),
        ({"cpf": "52998224725", "password": ["x"]}, "password", "invalid"),
        ({"cpf": 52998224725, "password": "x"}, "cpf", "invalid"),
        ({"cpf": "52998224725", "password": 12345678}, "password", "invalid"),
        ({"cpf": "5" * 40, "password": "x"}, "cpf", "max_length"),
    ],
)
def test_sign_in_rejects_malformed_bodies(
    api_client: APIClient, body: dict[str, object], field: str, code: str
) -> None:
    response = api_client.post("/api/v1/sign-in", body, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["fields"][field][0]["code"] == code


def test_sign_in_with_a_json_list_is_a_validation_error(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/sign-in", ["52998224725", "x"], format="json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "VALIDATION_ERROR"


def test_sign_in_with_unparseable_json_is_malformed(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/sign-in", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "MALFORMED_REQUEST"


def test_sign_in_ignores_a_stale_bearer_header(api_client: APIClient) -> None:
    user = UserFactory()
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")
    assert sign_in(api_client, user)["token_type"] == "Bearer"


# --- sign-up ---------------------------------------------------------------------------------


def test_sign_up_creates_a_collector(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/sign-up", sign_up_body(email="Maria@Example.COM"))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "cpf", "name", "email", "role", "is_active", "date_joined"}
    assert body["cpf"] == "52998224725"
    assert body["role"] == "collector"
    assert body["email"] == "Maria@example.com"
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(pk=body["id"])
    assert user.check_password(GOOD_PASSWORD)
    sign_in(api_client, user, GOOD_PASSWORD)


@pytest.mark.parametrize("role", ["admin", "manager", "collector", "", None])
def test_sign_up_creates_a_collector_whatever_role_is_sent(api_client: APIClient, role: str | None) -> None:
    """A form sent whole, its role left empty (`""` or `null`), is a sign-up like any other."""
    response = api_client.post("/api/v1/sign-up", sign_up_body(role=role), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "collector"
    assert User.objects.get().role == Role.COLLECTOR


@pytest.mark.parametrize("field", ["is_active", "id", "date_joined", "is_superuser", "is_staff"])
def test_sign_up_refuses_read_only_and_unknown_fields(api_client: APIClient, field: str) -> None:
    response = api_client.post("/api/v1/sign-up", sign_up_body(**{field: True}))
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"cpf": "111.111.111-11"}, "cpf", "cpf_invalid"),
        ({"cpf": "529.982.247-24"}, "cpf", "cpf_invalid"),
        ({"cpf": "abc"}, "cpf", "cpf_invalid"),
        # Digits of other scripts are digits to Python (`\\d`, `isdigit`), not to the database.
        ({"cpf": "\u0665\u0662\u0669\u0669\u0668\u0662\u0662\u0664\u0667\u0662\u0665"}, "cpf", "cpf_invalid"),
        ({"cpf": "\uff15\uff12\uff19.982.247-25"}, "cpf", "cpf_invalid"),
        ({"name": "  Ana  "}, "name", "name_length"),
        ({"name": "x" * 151}, "name", "name_length"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"password": "123"}, "password", "password_too_short"),
        ({"password": "password123"}, "password", "password_too_common"),
        ({"password": "52998224725"}, "password", "password_entirely_numeric"),
        # Django's similarity validator, told this model's attributes (it has no username).
        ({"password": "529.982.247-25"}, "password", "password_too_similar"),
        ({"password": "Maria da Silva"}, "password", "password_too_similar"),
    ],
)
def test_sign_up_rejects_bad_fields(
    api_client: APIClient, overrides: dict[str, object], field: str, code: str
) -> None:
    response = api_client.post("/api/v1/sign-up", sign_up_body(**overrides))
    assert response.status_code == 400, response.content
    codes = [item["code"] for item in error_of(response)["fields"][field]]
    assert code in codes
    assert not User.objects.exists()


def test_sign_up_with_a_registered_cpf_is_a_conflict(api_client: APIClient) -> None:
    UserFactory(cpf="52998224725")
    response = api_client.post("/api/v1/sign-up", sign_up_body())
    assert response.status_code == 409
    assert error_of(response)["code"] == "CPF_ALREADY_REGISTERED"


def test_sign_up_with_a_registered_email_in_other_case_is_a_conflict(api_client: APIClient) -> None:
    UserFactory(email="maria@example.com")
    response = api_client.post("/api/v1/sign-up", sign_up_body(email="MARIA@example.com"))
    assert response.status_code == 409
    assert error_of(response)["code"] == "EMAIL_ALREADY_REGISTERED"


@pytest.mark.parametrize(
    ("registered", "sent"),
    [("k@example.com", "\u212a@example.com"), ("i@example.com", "\u0130@example.com")],
    ids=["kelvin-sign", "dotted-capital-i"],
)
def test_sign_up_with_an_email_equal_to_a_registered_one_in_lower_case_is_a_conflict(
    api_client: APIClient, registered: str, sent: str
) -> None:
    """The unique index compares lower(email): letters whose upper case is not the upper case
    of their lower case (the Kelvin sign, a dotted capital I) are taken too, not a 500."""
    UserFactory(email=registered)
    response = api_client.post("/api/v1/sign-up", sign_up_body(email=sent))
    assert response.status_code == 409, response.content
    assert error_of(response)["code"] == "EMAIL_ALREADY_REGISTERED"
    assert User.objects.count() == 1


def test_sign_up_with_a_blank_email_stores_none(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/sign-up", sign_up_body(email=""))
    assert response.status_code == 201
    assert response.json()["email"] is None


def test_sign_up_can_be_switched_off(api_client: APIClient, settings: object) -> None:
    settings.SIGN_UP_ENABLED = False
    response = api_client.post("/api/v1/sign-up", sign_up_body())
    assert response.status_code == 403
    assert error_of(response)["code"] == "SIGN_UP_DISABLED"
    assert not User.objects.exists()


def test_sign_up_answers_in_brazilian_portuguese_when_asked(api_client: APIClient) -> None:
    UserFactory(cpf="52998224725")
    response = api_client.post("/api/v1/sign-up", sign_up_body(), HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert error_of(response)["message"] == "Já existe um usuário com este CPF."


# --- refresh and sign-out ------------------------------------------------------------------------


def test_refresh_rotates_the_refresh_token(api_client: APIClient) -> None:
    user = UserFactory()
    first = sign_in(api_client, user)
    response = api_client.post("/api/v1/token/refresh", {"refresh": first["refresh"]})
    assert response.status_code == 200
    second = response.json()
    assert set(second) == {"token", "refresh", "token_type", "expires_in"}
    assert second["refresh"] != first["refresh"]
    assert response["Cache-Control"] == "no-store"
    assert bearer(second["token"]).get("/api/v1/users/me").status_code == 200

    third = api_client.post("/api/v1/token/refresh", {"refresh": second["refresh"]})
    assert third.status_code == 200

    reused = api_client.post("/api/v1/token/refresh", {"refresh": first["refresh"]})
    assert reused.status_code == 401
    assert error_of(reused)["code"] == "TOKEN_INVALID"
    # A reuse kills the sign-in's live token too (ADR 0014: tests/users/integration/test_refresh_reuse.py).
    assert api_client.post("/api/v1/token/refresh", {"refresh": third.json()["refresh"]}).status_code == 401


def test_refresh_refuses_an_access_token(api_client: APIClient) -> None:
    pair = sign_in(api_client, UserFactory())
    response = api_client.post("/api/v1/token/refresh", {"refresh": pair["token"]})
    assert response.status_code == 401
    assert error_of(response)["code"] == "TOKEN_INVALID"


@pytest.mark.parametrize("body", [{}, {"refresh": ""}, {"refresh": "x", "access": "y"}])
def test_refresh_rejects_malformed_bodies(api_client: APIClient, body: dict[str, str]) -> None:
    response = api_client.post("/api/v1/token/refresh", body)
    assert response.status_code == 400
    assert error_of(response)["code"] == "VALIDATION_ERROR"


def test_sign_out_kills_that_refresh_token(api_client: APIClient) -> None:
    pair = sign_in(api_client, UserFactory())
    client = bearer(pair["token"])
    response = client.post("/api/v1/sign-out", {"refresh": pair["refresh"]})
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}).status_code == 401
    # Signing out again with the dead token is harmless.
    assert client.post("/api/v1/sign-out", {"refresh": pair["refresh"]}).status_code == 204


def test_sign_out_with_someone_elses_refresh_token_is_refused(api_client: APIClient) -> None:
    mine = sign_in(api_client, UserFactory())
    theirs = sign_in(api_client, UserFactory())
    response = bearer(mine["token"]).post("/api/v1/sign-out", {"refresh": theirs["refresh"]})
    assert response.status_code == 401
    assert error_of(response)["code"] == "TOKEN_INVALID"
    assert api_client.post("/api/v1/token/refresh", {"refresh": theirs["refresh"]}).status_code == 200


def test_sign_out_needs_authentication(api_client: APIClient) -> None:
    pair = sign_in(api_client, UserFactory())
    response = api_client.post("/api/v1/sign-out", {"refresh": pair["refresh"]})
    assert response.status_code == 401
    assert error_of(response)["code"] == "NOT_AUTHENTICATED"
