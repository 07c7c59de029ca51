"""The operator's account commands go through the services: `manage.py changepassword` revokes
the user's tokens and records an audit event; `manage.py createsuperuser` records one too."""

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.users.cpf import format_cpf, normalize_cpf
from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, error_of, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "uma-senha-nova-bem-longa-7"
ADMIN_CPF = "529.982.247-25"


def _events(action: str, user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(user.pk)))


# --- changepassword ------------------------------------------------------------------------------


def test_changepassword_revokes_the_users_tokens_and_records_the_change(
    api_client: APIClient, answers: list[str]
) -> None:
    user = UserFactory()
    pair = sign_in(api_client, user)
    assert bearer(pair["token"]).get("/api/v1/users/me").status_code == 200

    answers.extend([NEW_PASSWORD, NEW_PASSWORD])
    out = io.StringIO()
    call_command("changepassword", format_cpf(user.cpf), stdout=out)

    assert "Password changed successfully" in out.getvalue()
    response = bearer(pair["token"]).get("/api/v1/users/me")
    assert response.status_code == 401, response.content
    refused = api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}, format="json")
    assert refused.status_code == 401, refused.content
    assert error_of(refused)["code"] in {"TOKEN_INVALID", "AUTHENTICATION_FAILED"}
    [event] = _events("user.password_change", user)
    assert event.actor is None  # an operator's command, not a person signed in
    assert event.changes in (None, {})  # which field, never its value
    sign_in(api_client, user, NEW_PASSWORD)


def test_changepassword_asks_again_for_a_weak_password_and_gives_up_after_three(answers: list[str]) -> None:
    user = UserFactory()
    answers.extend(["123", "123", "abc", "abd", "12345678", "12345678"])
    err = io.StringIO()
    with pytest.raises(CommandError, match="after 3 attempts"):
        call_command("changepassword", user.cpf, stdout=io.StringIO(), stderr=err)
    assert err.getvalue()  # the validators' messages
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert _events("user.password_change", user) == []


def test_changepassword_names_an_unknown_cpf() -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("changepassword", ADMIN_CPF)


# --- createsuperuser -----------------------------------------------------------------------------


def test_createsuperuser_without_input_creates_an_admin_through_the_service(
    monkeypatch: pytest.MonkeyPatch, api_client: APIClient
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_CPF", ADMIN_CPF)
    monkeypatch.setenv("DJANGO_SUPERUSER_NAME", "Ana Operadora")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())

    admin = User.objects.get(cpf="52998224725")
    assert (admin.role, admin.is_superuser, admin.is_staff) == (Role.ADMIN, True, True)
    [event] = _events("user.create", admin)
    assert event.actor is None
    assert event.changes["role"] == [None, Role.ADMIN]
    sign_in(api_client, admin, NEW_PASSWORD)


def test_createsuperuser_refuses_a_weak_password_with_the_services_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="password"):
        call_command("createsuperuser", "--noinput", "--cpf", ADMIN_CPF, "--name", "Ana Operadora")
    assert not User.objects.filter(cpf="52998224725").exists()
    assert not AuditEvent.objects.exists()


def test_createsuperuser_refuses_a_cpf_already_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    UserFactory(cpf="52998224725")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)
    with pytest.raises(CommandError, match="CPF"):
        call_command("createsuperuser", "--noinput", "--cpf", ADMIN_CPF, "--name", "Ana Operadora")


def test_createsuperuser_without_input_requires_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_SUPERUSER_PASSWORD"):
        call_command("createsuperuser", "--noinput", "--cpf", ADMIN_CPF, "--name", "Ana Operadora")


def test_createsuperuser_asks_for_the_cpf_name_email_and_password(answers: list[str]) -> None:
    answers.extend(["111.111.111-11", ADMIN_CPF, "Ana Operadora", ""])  # an invalid CPF, then a valid one
    answers.extend(["curta", "curta", NEW_PASSWORD, NEW_PASSWORD])  # a weak password, then a good one
    err = io.StringIO()
    call_command("createsuperuser", stdout=io.StringIO(), stderr=err)

    admin = User.objects.get(cpf="52998224725")
    assert (admin.name, admin.email, admin.role) == ("Ana Operadora", None, Role.ADMIN)
    assert admin.check_password(NEW_PASSWORD)
    assert "Error" in err.getvalue()  # the invalid CPF was reported and asked again
    assert len(_events("user.create", admin)) == 1


def test_createsuperuser_asks_again_for_a_name_with_a_nul_character(answers: list[str]) -> None:
    # PostgreSQL stores no NUL in a text: typed at a prompt, it is refused there, not by a traceback.
    answers.extend([ADMIN_CPF, "Ana\x00 Operadora", "Ana Operadora", "", NEW_PASSWORD, NEW_PASSWORD])
    err = io.StringIO()
    call_command("createsuperuser", stdout=io.StringIO(), stderr=err)

    assert User.objects.get(cpf="52998224725").name == "Ana Operadora"
    assert "Null characters are not allowed." in err.getvalue()


def test_createsuperuser_asks_again_for_an_invalid_email(answers: list[str]) -> None:
    answers.extend([ADMIN_CPF, "Ana Operadora", "ana\x00@example.com", "ana@", "ana@example.com"])
    answers.extend([NEW_PASSWORD, NEW_PASSWORD])
    err = io.StringIO()
    call_command("createsuperuser", stdout=io.StringIO(), stderr=err)

    assert User.objects.get(cpf="52998224725").email == "ana@example.com"
    assert "Null characters are not allowed." in err.getvalue()
    assert "Enter a valid email address." in err.getvalue()


def test_createsuperuser_asks_again_for_an_email_already_registered(answers: list[str]) -> None:
    """Said at the email's prompt, as a CPF already registered is at the CPF's, rather than once
    every answer and the password were typed, with nothing created."""
    UserFactory(email="ana@example.com")
    answers.extend([ADMIN_CPF, "Ana Operadora", "ANA@example.com", "ana.souza@example.com"])
    answers.extend([NEW_PASSWORD, NEW_PASSWORD])
    err = io.StringIO()
    call_command("createsuperuser", stdout=io.StringIO(), stderr=err)

    assert User.objects.get(cpf="52998224725").email == "ana.souza@example.com"
    assert "A user with this email already exists." in err.getvalue()


def _interrupted(prompt: str = "") -> str:
    raise KeyboardInterrupt


@pytest.mark.parametrize("at", ["input", "getpass"])
def test_ctrl_c_at_a_prompt_cancels_createsuperuser_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    """As Django's own createsuperuser: "Operation cancelled.", exit status 1, nothing written."""
    monkeypatch.setattr("builtins.input", _interrupted if at == "input" else lambda prompt="": "")
    monkeypatch.setattr("getpass.getpass", _interrupted)
    with pytest.raises(CommandError, match="Operation cancelled"):
        call_command("createsuperuser", "--cpf", ADMIN_CPF, "--name", "Ana Operadora", stdout=io.StringIO())
    assert not User.objects.exists()


def test_ctrl_c_at_the_password_prompt_cancels_changepassword_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = UserFactory()
    monkeypatch.setattr("getpass.getpass", _interrupted)
    with pytest.raises(CommandError, match="Operation cancelled"):
        call_command("changepassword", user.cpf, stdout=io.StringIO())
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


# --- ensure_local_admin ---------------------------------------------------------------------------


def _local_admin(settings: Any) -> dict[str, str]:
    """Runs `ensure_local_admin` and returns the credentials it printed (none when it created none)."""
    settings.LOCAL_ADMIN_BOOTSTRAP = True
    out = io.StringIO()
    call_command("ensure_local_admin", stdout=out)
    found = re.findall(r"^ *(CPF|password): *(\S+)$", out.getvalue(), re.MULTILINE)
    return dict(found)


@pytest.mark.parametrize(
    "unusable",
    [pytest.param({"is_active": False}, id="inactive"), pytest.param({"password": None}, id="no-password")],
)
def test_ensure_local_admin_creates_one_when_no_admin_can_sign_in(
    settings: Any, api_client: APIClient, unusable: dict[str, Any]
) -> None:
    """`make run` promises an admin to log in with: an admin who cannot sign in (ADR 0018) is none."""
    UserFactory(role=Role.ADMIN, **unusable)

    printed = _local_admin(settings)

    created = User.objects.get(cpf=normalize_cpf(printed["CPF"]))
    assert (created.role, created.is_active) == (Role.ADMIN, True)
    sign_in(api_client, created, printed["password"])
    assert _local_admin(settings) == {}  # now there is one: the next run creates none


def test_ensure_local_admin_creates_none_while_an_admin_can_sign_in(settings: Any) -> None:
    UserFactory(role=Role.ADMIN)
    assert _local_admin(settings) == {}
    assert User.objects.filter(role=Role.ADMIN).count() == 1
