"""Own profile and user administration: roles, filters, pagination, no mass assignment."""

import pytest
from rest_framework.test import APIClient

from apps.users.models import Role, User
from tests.users.factories import UserFactory
from tests.users.helpers import error_of

pytestmark = pytest.mark.django_db

USER_FIELDS = {"id", "cpf", "name", "email", "role", "is_active", "date_joined"}


# --- own profile ---------------------------------------------------------------------------------


def test_me_shows_the_own_profile(collector_client: APIClient, collector: User) -> None:
    response = collector_client.get("/api/v1/users/me")
    assert response.status_code == 200
    assert set(response.json()) == USER_FIELDS
    assert response.json()["cpf"] == collector.cpf
    assert response["Cache-Control"] == "no-store"


def test_me_updates_name_and_email(collector_client: APIClient, collector: User) -> None:
    response = collector_client.patch(
        "/api/v1/users/me", {"name": "  Joana Prado ", "email": "joana@example.com"}
    )
    assert response.status_code == 200
    collector.refresh_from_db()
    assert (collector.name, collector.email) == ("Joana Prado", "joana@example.com")


def test_me_can_clear_the_email(collector_client: APIClient, collector: User) -> None:
    assert collector_client.patch("/api/v1/users/me", {"email": None}).json()["email"] is None


@pytest.mark.parametrize(
    "field_value",
    [
        ("role", "admin"),
        ("cpf", "52998224725"),
        ("is_active", False),
        ("id", "x"),
        ("date_joined", "2020-01-01"),
        ("password", "new-password-123"),
        ("is_superuser", True),
    ],
)
def test_me_never_changes_role_cpf_state_or_unknown_fields(
    collector_client: APIClient, collector: User, field_value: tuple[str, object]
) -> None:
    field, value = field_value
    before = User.objects.values().get(pk=collector.pk)
    response = collector_client.patch("/api/v1/users/me", {"name": "Joana Prado", field: value})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["fields"] == {
        field: [{"code": "field_not_allowed", "message": "This field cannot be set here."}]
    }
    assert User.objects.values().get(pk=collector.pk) == before


@pytest.mark.parametrize(("body", "field"), [({"name": "Ana"}, "name"), ({"email": "bad"}, "email")])
def test_me_rejects_bad_values(collector_client: APIClient, body: dict[str, str], field: str) -> None:
    response = collector_client.patch("/api/v1/users/me", body)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_me_cannot_take_another_users_email(collector_client: APIClient) -> None:
    UserFactory(email="taken@example.com")
    response = collector_client.patch("/api/v1/users/me", {"email": "TAKEN@example.com"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "EMAIL_ALREADY_REGISTERED"


def test_me_keeps_its_own_email_in_another_case(collector_client: APIClient, collector: User) -> None:
    response = collector_client.patch("/api/v1/users/me", {"email": collector.email.upper()})
    assert response.status_code == 200


# --- listing -----------------------------------------------------------------------------------------


def test_admins_and_managers_list_users_with_pagination(
    admin_client: APIClient, manager_client: APIClient
) -> None:
    UserFactory.create_batch(3)
    for client in (admin_client, manager_client):
        response = client.get("/api/v1/users", {"page_size": 2})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 5  # 3 + the admin and the manager
        assert len(body["results"]) == 2
        assert body["next"] is not None
        assert set(body["results"][0]) == USER_FIELDS


def test_collectors_cannot_list_users(collector_client: APIClient) -> None:
    response = collector_client.get("/api/v1/users")
    assert response.status_code == 403
    assert error_of(response)["code"] == "PERMISSION_DENIED"


def test_the_list_filters_by_role_and_state(admin_client: APIClient) -> None:
    inactive = UserFactory(is_active=False, role=Role.MANAGER)
    UserFactory(role=Role.MANAGER)

    def ids(**params: str) -> set[str]:
        return {item["id"] for item in admin_client.get("/api/v1/users", params).json()["results"]}

    assert len(ids(role="manager")) == 2
    assert ids(is_active="false") == {str(inactive.pk)}
    assert ids(role="manager", is_active="false") == {str(inactive.pk)}
    assert len(ids(is_active="true")) == 2  # the admin and the active manager


def test_the_list_searches_by_name_and_cpf(admin_client: APIClient) -> None:
    # A surname no generated name has: the admin who asks has a random pt-BR name.
    maria = UserFactory(name="Maria Quixabeira", cpf="52998224725")

    def ids(term: str) -> list[str]:
        return [item["id"] for item in admin_client.get("/api/v1/users", {"search": term}).json()["results"]]

    assert ids("quixabeira") == [str(maria.pk)]
    assert ids("529.982") == [str(maria.pk)]
    assert ids("52998224725") == [str(maria.pk)]
    assert ids("Nobody Here") == []


@pytest.mark.parametrize("params", [{"role": "owner"}, {"is_active": "maybe"}, {"page": "999"}])
def test_the_list_rejects_bad_query_parameters(admin_client: APIClient, params: dict[str, str]) -> None:
    response = admin_client.get("/api/v1/users", params)
    assert response.status_code in {400, 404}
    assert error_of(response)["code"] in {"VALIDATION_ERROR", "NOT_FOUND"}


# --- reading, creating, updating, deleting ---------------------------------------------------------


def test_managers_read_a_user_but_cannot_change_it(manager_client: APIClient) -> None:
    user = UserFactory()
    assert manager_client.get(f"/api/v1/users/{user.pk}").json()["id"] == str(user.pk)
    assert manager_client.patch(f"/api/v1/users/{user.pk}", {"name": "Outro Nome"}).status_code == 403
    assert manager_client.delete(f"/api/v1/users/{user.pk}").status_code == 403
    assert manager_client.post("/api/v1/users", {}).status_code == 403


def test_an_unknown_user_is_a_404(admin_client: APIClient) -> None:
    response = admin_client.get("/api/v1/users/7c0d1f4e-2b9a-4e63-9a57-0f3c8b1d2e4a")
    assert response.status_code == 404
    assert error_of(response)["code"] == "USER_NOT_FOUND"
    assert admin_client.get("/api/v1/users/not-a-uuid").status_code == 404


def test_admins_create_users_with_any_role(admin_client: APIClient) -> None:
    body = {
        "cpf": "529.982.247-25",
        "name": "Gerente Nova",
        "password": "uma-senha-bem-longa-42",
        "role": "manager",
    }
    response = admin_client.post("/api/v1/users", body)
    assert response.status_code == 201
    assert response.json()["role"] == "manager"
    assert User.objects.get(cpf="52998224725").check_password("uma-senha-bem-longa-42")
    again = admin_client.post("/api/v1/users", body)
    assert again.status_code == 409
    assert error_of(again)["code"] == "CPF_ALREADY_REGISTERED"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "owner"}, "role"),
        ({"role": None}, "role"),
        ({"is_active": False}, "is_active"),
        ({"cpf": "1"}, "cpf"),
    ],
)
def test_creating_a_user_rejects_bad_or_extra_fields(
    admin_client: APIClient, overrides: dict[str, object], field: str
) -> None:
    body = {
        "cpf": "529.982.247-25",
        "name": "Gerente Nova",
        "password": "uma-senha-bem-longa-42",
        "role": "manager",
    }
    response = admin_client.post("/api/v1/users", {**body, **overrides}, format="json")
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert not User.objects.filter(cpf="52998224725").exists()


def test_admins_update_name_email_and_role(admin_client: APIClient) -> None:
    user = UserFactory()
    response = admin_client.patch(
        f"/api/v1/users/{user.pk}", {"name": "Nome Novo", "email": "novo@example.com", "role": "manager"}
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.name, user.email, user.role) == ("Nome Novo", "novo@example.com", Role.MANAGER)


@pytest.mark.parametrize("field", ["cpf", "password", "id", "date_joined", "last_login"])
def test_admins_cannot_write_read_only_fields(admin_client: APIClient, field: str) -> None:
    user = UserFactory()
    response = admin_client.patch(f"/api/v1/users/{user.pk}", {field: "52998224725"})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize("body", [{"role": "manager"}, {"role": "collector"}, {"is_active": False}])
def test_admins_cannot_demote_or_deactivate_themselves(
    admin_client: APIClient, admin_user: User, body: dict[str, object]
) -> None:
    response = admin_client.patch(f"/api/v1/users/{admin_user.pk}", body)
    assert response.status_code == 409
    assert error_of(response)["code"] == "CANNOT_CHANGE_OWN_ACCOUNT"
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN
    assert admin_user.is_active


def test_admins_may_rename_themselves(admin_client: APIClient, admin_user: User) -> None:
    response = admin_client.patch(
        f"/api/v1/users/{admin_user.pk}", {"name": "Admin Renomeado", "role": "admin"}
    )
    assert response.status_code == 200


def test_admins_delete_a_user(admin_client: APIClient) -> None:
    user = UserFactory()
    response = admin_client.delete(f"/api/v1/users/{user.pk}")
    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert admin_client.delete(f"/api/v1/users/{user.pk}").status_code == 404


def test_an_email_taken_by_another_user_is_a_conflict_on_update(admin_client: APIClient) -> None:
    UserFactory(email="taken@example.com")
    user = UserFactory()
    response = admin_client.patch(f"/api/v1/users/{user.pk}", {"email": "Taken@Example.com"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "EMAIL_ALREADY_REGISTERED"


@pytest.mark.parametrize("name", ["role", "is_active", "search"])
def test_an_empty_filter_value_is_a_400_naming_it(admin_client: APIClient, name: str) -> None:
    response = admin_client.get("/api/v1/users", {name: ""})
    assert response.status_code == 400
    assert response.json()["error"]["fields"][name][0]["code"] == "parameter_empty"
