"""A name must have 4 characters a reader sees (docs/adr/0094-invisible-text-is-empty.md):
zero-width and other invisible characters, and combining marks with no letter, do not count, on
every path that names a user: the API (sign-up, an admin's create and edit, one's own profile),
the Django admin's forms, `createsuperuser` (its prompt and `--noinput`) and the services. A name
whose accents come as combining marks (NFD) counts its letters as the composed one does."""

import io
import unicodedata
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from apps.core import errors
from apps.users import services
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, error_of, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "uma-senha-bem-longa-42"
CPF = "52998224725"

INVISIBLE_NAMES = [
    pytest.param("\u200b" * 4, id="zero-width-spaces"),
    pytest.param("\u2060" * 6, id="word-joiners"),
    pytest.param("\ufeff" * 4, id="byte-order-marks"),
    pytest.param("\u200e\u200f\u200c\u200d", id="bidi-marks-and-joiners"),
    pytest.param("\u200b \u2060 \ufeff \u00ad", id="invisible-and-spaces"),
    pytest.param("\u0301\u0308\u0303\u0327", id="combining-marks-alone"),
    pytest.param("\u3164" * 4, id="hangul-fillers"),
    pytest.param("Ana\u200b", id="three-letters-and-a-zero-width-space"),
    pytest.param("Ana\u0301", id="three-letters-the-last-one-accented"),
]
VISIBLE_NAMES = [
    pytest.param(unicodedata.normalize("NFD", "José"), id="jose-nfd"),
    pytest.param(unicodedata.normalize("NFD", "Zoë Lima"), id="zoe-lima-nfd"),
    pytest.param("Zoë Lima", id="zoe-lima-nfc"),
    pytest.param("Ana\u200dLu", id="a-joiner-inside-a-name-stays"),
]
NAME_LENGTH = [{"code": errors.NAME_LENGTH.code, "message": str(errors.NAME_LENGTH.message)}]


def name_refused(response: Any) -> None:
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["fields"] == {"name": NAME_LENGTH}


def staff_client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.cpf, password=DEFAULT_PASSWORD)
    return client


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_sign_up_refuses_a_name_a_reader_cannot_see(api_client: APIClient, name: str) -> None:
    body = {"cpf": CPF, "name": name, "password": PASSWORD}
    name_refused(api_client.post("/api/v1/sign-up", body, format="json"))
    assert not User.objects.exists()


@pytest.mark.parametrize("name", VISIBLE_NAMES)
def test_sign_up_takes_a_name_with_marks_or_joiners_on_its_letters(api_client: APIClient, name: str) -> None:
    response = api_client.post(
        "/api/v1/sign-up", {"cpf": CPF, "name": name, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201, response.content
    assert User.objects.get(cpf=CPF).name == name  # stored as sent: nothing is removed


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_an_admin_can_neither_create_nor_rename_a_user_with_an_invisible_name(
    admin_client: APIClient, name: str
) -> None:
    body = {"cpf": CPF, "name": name, "password": PASSWORD, "role": Role.COLLECTOR}
    name_refused(admin_client.post("/api/v1/users", body, format="json"))
    assert not User.objects.filter(cpf=CPF).exists()

    user = UserFactory(name="Maria Souza")
    name_refused(admin_client.patch(f"/api/v1/users/{user.pk}", {"name": name}, format="json"))
    user.refresh_from_db()
    assert user.name == "Maria Souza"


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_a_user_cannot_rename_themselves_invisible(api_client: APIClient, name: str) -> None:
    user = UserFactory(name="Maria Souza")
    client = bearer(sign_in(api_client, user)["token"])
    name_refused(client.patch("/api/v1/users/me", {"name": name}, format="json"))
    user.refresh_from_db()
    assert user.name == "Maria Souza"


# --- the services (every other path: commands, tasks) ------------------------------------------


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_the_services_refuse_an_invisible_name(name: str) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        services.user_create(actor=None, cpf=CPF, name=name, password=PASSWORD, role=Role.COLLECTOR)
    assert refused.value.fields == {"name": NAME_LENGTH}
    user = UserFactory(name="Maria Souza")
    with pytest.raises(errors.ValidationError):
        services.user_update_profile(user=user, name=name)
    user.refresh_from_db()
    assert user.name == "Maria Souza"


# --- the Django admin ---------------------------------------------------------------------------


def form_errors(response: Any, form: str = "adminform") -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code  # the page again, nothing saved
    return {
        field: [e.code for e in items]
        for field, items in response.context[form].form.errors.as_data().items()
    }


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_the_admins_forms_refuse_an_invisible_name(name: str) -> None:
    client = staff_client(UserFactory(role=Role.ADMIN))
    added = client.post(
        "/admin/users/user/add/",
        {
            "cpf": CPF,
            "name": name,
            "email": "",
            "role": "collector",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert form_errors(added) == {"name": [errors.NAME_LENGTH.code]}
    assert not User.objects.filter(cpf=CPF).exists()

    user = UserFactory(name="Maria Souza", role=Role.COLLECTOR)
    changed = client.post(
        f"/admin/users/user/{user.pk}/change/",
        {"name": name, "email": user.email, "role": user.role, "is_active": "on"},
    )
    assert form_errors(changed) == {"name": [errors.NAME_LENGTH.code]}
    user.refresh_from_db()
    assert user.name == "Maria Souza"


def test_the_admin_takes_a_name_whose_accent_is_a_combining_mark() -> None:
    client = staff_client(UserFactory(role=Role.ADMIN))
    user = UserFactory(name="Maria Souza", role=Role.COLLECTOR)
    name = unicodedata.normalize("NFD", "José")
    response = client.post(
        f"/admin/users/user/{user.pk}/change/",
        {"name": name, "email": user.email, "role": user.role, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.name == name


# --- createsuperuser ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_createsuperuser_without_input_refuses_an_invisible_name(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="name: The name must have between 4 and 150 characters"):
        call_command("createsuperuser", "--noinput", "--cpf", CPF, "--name", name, stdout=io.StringIO())
    assert not User.objects.exists()


def test_createsuperuser_asks_again_for_an_invisible_name_and_gives_up_after_three(
    answers: list[str],
) -> None:
    answers.extend([CPF, "\u200b" * 4, "\u0301" * 4, "\ufeff" * 4])
    err = io.StringIO()
    with pytest.raises(CommandError, match="after 3 attempts at Name"):
        call_command("createsuperuser", stdout=io.StringIO(), stderr=err)
    assert err.getvalue().count("The name must have between 4 and 150 characters") == 3
    assert not User.objects.exists()


def test_createsuperuser_takes_a_name_whose_accent_is_a_combining_mark(answers: list[str]) -> None:
    name = unicodedata.normalize("NFD", "José")
    answers.extend([CPF, "\u200b" * 4, name, "", PASSWORD, PASSWORD])
    call_command("createsuperuser", stdout=io.StringIO(), stderr=io.StringIO())
    assert User.objects.get(cpf=CPF).name == name


# --- an account named before the rule ----------------------------------------------------------


@pytest.fixture
def named_invisibly() -> User:
    """An account whose name was taken before this rule (four zero-width spaces): a state no
    service makes any more, written here with a raw update."""
    user = UserFactory(role=Role.COLLECTOR)
    User.objects.filter(pk=user.pk).update(name="\u200b" * 4)
    user.refresh_from_db()
    return user


def test_an_account_named_invisibly_before_can_still_be_deactivated(
    admin_client: APIClient, named_invisibly: User
) -> None:
    response = admin_client.patch(f"/api/v1/users/{named_invisibly.pk}", {"is_active": False}, format="json")
    assert response.status_code == 200, response.content
    named_invisibly.refresh_from_db()
    assert not named_invisibly.is_active


def test_the_admins_bulk_deactivation_reaches_an_account_named_invisibly_before(
    named_invisibly: User,
) -> None:
    client = staff_client(UserFactory(role=Role.ADMIN))
    client.post(
        "/admin/users/user/",
        {"action": "deactivate_selected", "_selected_action": [str(named_invisibly.pk)]},
    )
    named_invisibly.refresh_from_db()
    assert not named_invisibly.is_active


def test_an_account_named_invisibly_before_edits_its_email_and_then_its_name(
    api_client: APIClient, named_invisibly: User
) -> None:
    client = bearer(sign_in(api_client, named_invisibly)["token"])
    response = client.patch("/api/v1/users/me", {"email": "nova@example.com"}, format="json")
    assert response.status_code == 200, response.content
    name_refused(client.patch("/api/v1/users/me", {"name": "\u2060" * 5}, format="json"))
    assert client.patch("/api/v1/users/me", {"name": "Maria Souza"}, format="json").status_code == 200
    named_invisibly.refresh_from_db()
    assert (named_invisibly.email, named_invisibly.name) == ("nova@example.com", "Maria Souza")
