"""A password is at most `PASSWORD_MAX_LENGTH` characters on every path that sets one: the API's
serializers refuse a longer one before any hashing (and the sign-in takes no longer one), so a
longer password set through the admin or a command would be one its owner can never sign in with."""

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.users.models import Role, User
from apps.users.validators import PASSWORD_MAX_LENGTH
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import error_of, sign_in

pytestmark = pytest.mark.django_db

USERS = "/admin/users/user/"
# Words, not one repeated character: only the length may be wrong with it.
LONGEST = ("uma-senha-longa-" * 100)[:PASSWORD_MAX_LENGTH]
TOO_LONG = LONGEST + "x"
CPF = "529.982.247-25"


def _staff(user: User, language: str = "en") -> Client:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    client.force_login(user)
    return client


def _submit(client: Client, url: str, data: dict[str, Any]) -> Any:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode())
    assert found is not None
    return client.post(url, {**data, "csrfmiddlewaretoken": found.group(1)})


def test_the_api_refuses_a_longer_password_with_its_documented_field_code(api_client: APIClient) -> None:
    body = {"cpf": CPF, "name": "Maria da Silva", "password": TOO_LONG}
    response = api_client.post("/api/v1/sign-up", body, format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["fields"]["password"][0]["code"] == "max_length"
    assert not User.objects.exists()


def test_the_longest_password_allowed_is_one_the_api_signs_in_with(admin_user: User) -> None:
    target = UserFactory()
    response = _submit(
        _staff(admin_user),
        f"{USERS}{target.pk}/password/",
        {"password1": LONGEST, "password2": LONGEST, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert sign_in(APIClient(), target, LONGEST)["token"]


@pytest.mark.parametrize(("language", "said"), [("en", "at most 1024"), ("pt-br", "no máximo 1024")])
def test_the_admins_password_page_refuses_a_password_the_api_would_never_take(
    admin_user: User, language: str, said: str
) -> None:
    target = UserFactory()
    response = _submit(
        _staff(admin_user, language),
        f"{USERS}{target.pk}/password/",
        {"password1": TOO_LONG, "password2": TOO_LONG, "usable_password": "true"},
    )

    assert response.status_code == 200  # the form again, with its error
    assert said in response.content.decode()
    target.refresh_from_db()
    assert target.check_password(DEFAULT_PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_change").exists()


def test_the_admins_add_page_refuses_a_password_the_api_would_never_take(admin_user: User) -> None:
    response = _submit(
        _staff(admin_user),
        f"{USERS}add/",
        {
            "cpf": CPF,
            "name": "Nova Coletora",
            "role": "collector",
            "password1": TOO_LONG,
            "password2": TOO_LONG,
        },
    )

    assert response.status_code == 200
    assert "at most 1024" in response.content.decode()
    assert not User.objects.filter(cpf="52998224725").exists()


def test_ones_own_password_page_refuses_a_password_the_api_would_never_take(admin_user: User) -> None:
    response = _submit(
        _staff(admin_user),
        "/admin/password_change/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": TOO_LONG, "new_password2": TOO_LONG},
    )

    assert response.status_code == 200
    assert "at most 1024" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(DEFAULT_PASSWORD)


def test_changepassword_asks_again_for_a_password_the_api_would_never_take(answers: list[str]) -> None:
    user = UserFactory()
    answers.extend([TOO_LONG, TOO_LONG, LONGEST, LONGEST])
    err = io.StringIO()

    call_command("changepassword", user.cpf, stdout=io.StringIO(), stderr=err)

    assert "at most 1024" in err.getvalue()
    assert sign_in(APIClient(), user, LONGEST)["token"]


def test_createsuperuser_refuses_a_password_the_api_would_never_take(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", TOO_LONG)
    with pytest.raises(CommandError, match="at most 1024"):
        call_command("createsuperuser", "--noinput", "--cpf", CPF, "--name", "Ana Operadora")
    assert not User.objects.filter(cpf="52998224725", role=Role.ADMIN).exists()
