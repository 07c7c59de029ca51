"""The Django admin for users, used as staff use it: through the browser-facing views."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from apps.core import errors
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def staff_client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.cpf, password=DEFAULT_PASSWORD)
    return client


def test_an_admin_logs_in_with_a_formatted_cpf() -> None:
    admin = UserFactory(role=Role.ADMIN, cpf="52998224725")
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "529.982.247-25", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert admin.is_superuser


def test_a_collector_cannot_enter_the_admin() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    client = Client()
    client.post("/admin/login/", {"username": collector.cpf, "password": DEFAULT_PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_the_user_list_searches_by_formatted_cpf_and_filters_by_role() -> None:
    admin = UserFactory(role=Role.ADMIN)
    UserFactory(name="Maria Souza", cpf="52998224725", role=Role.MANAGER)
    client = staff_client(admin)
    found = client.get("/admin/users/user/", {"q": "529.982.247-25"})
    assert found.status_code == 200
    assert "Maria Souza" in found.content.decode()
    filtered = client.get("/admin/users/user/", {"role__exact": "collector"})
    assert "Maria Souza" not in filtered.content.decode()


def test_a_manager_can_view_users_but_not_change_them() -> None:
    manager = UserFactory(role=Role.MANAGER)
    other = UserFactory()
    client = staff_client(manager)
    assert client.get("/admin/users/user/").status_code == 200
    page = client.get(f"/admin/users/user/{other.pk}/change/")
    assert page.status_code == 200
    response = client.post(f"/admin/users/user/{other.pk}/change/", {"name": "Changed Name"})
    assert response.status_code == 403
    assert client.get(f"/admin/users/user/{other.pk}/delete/").status_code == 403


def test_an_admin_creates_a_user_with_a_formatted_cpf() -> None:
    client = staff_client(UserFactory(role=Role.ADMIN))
    response = client.post(
        "/admin/users/user/add/",
        {
            "cpf": "529.982.247-25",
            "name": "Nova Coletora",
            "email": "",
            "role": "collector",
            "usable_password": "true",
            "password1": "a-strong-password-1",
            "password2": "a-strong-password-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(cpf="52998224725").name == "Nova Coletora"


def test_role_changes_are_recorded_with_old_and_new_role_in_the_admin_log() -> None:
    admin = UserFactory(role=Role.ADMIN)
    target = UserFactory(role=Role.COLLECTOR, name="Carlos Pereira")
    client = staff_client(admin)
    response = client.post(
        f"/admin/users/user/{target.pk}/change/",
        {"cpf": target.cpf, "name": target.name, "email": target.email, "role": "manager", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.role == Role.MANAGER
    entry = LogEntry.objects.get(object_id=str(target.pk))
    assert "collector → manager" in entry.get_change_message()


def test_a_history_names_who_made_each_change_beside_their_cpf() -> None:
    """Django's history shows a user's username (our CPF) and, when it has one, their full name."""
    admin = UserFactory(role=Role.ADMIN, name="Ana Administradora")
    target = UserFactory(role=Role.COLLECTOR)
    client = staff_client(admin)
    client.post(
        f"/admin/users/user/{target.pk}/change/",
        {
            "cpf": target.cpf,
            "name": "Outro Nome",
            "email": target.email,
            "role": target.role,
            "is_active": "on",
        },
    )
    history = client.get(f"/admin/users/user/{target.pk}/history/").content.decode()
    assert f"{admin.cpf} (Ana Administradora)" in history


@pytest.mark.parametrize(
    "cpf", ["529 982 247 25", "529/982/247-25", "abc.def.ghi-jk", "1" * 20, " 529.982.247-26 "]
)
def test_a_cpf_the_api_refuses_is_refused_in_the_apis_one_message(cpf: str) -> None:
    """The API answers any CPF it cannot read with CPF_INVALID alone; the add page added the
    model's "at most 11 characters" (a formatted CPF has 14) or its own "at most 14"."""
    client = staff_client(UserFactory(role=Role.ADMIN))

    response = client.post(
        "/admin/users/user/add/",
        {"cpf": cpf, "name": "Nova Coletora", "email": "", "role": "collector",
         "password1": "a-strong-password-1", "password2": "a-strong-password-1"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cpf"] == [errors.CPF_INVALID.message]
    assert not User.objects.filter(name="Nova Coletora").exists()
