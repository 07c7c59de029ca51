"""The admin site's own "Change password" page goes through `services.user_change_password`:
the staff member's API tokens are revoked and the change audited, and they stay signed in."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.users.models import Role
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, sign_in

pytestmark = pytest.mark.django_db

PAGE = "/admin/password_change/"
NEW_PASSWORD = "uma-senha-nova-bem-longa-7"


def _token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_changing_ones_own_password_in_the_admin_revokes_the_api_tokens_and_is_audited(
    api_client: APIClient, role: str
) -> None:
    user = UserFactory(role=role)
    pair = sign_in(api_client, user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _token(client.get(PAGE).content.decode())

    response = client.post(
        PAGE,
        {
            "csrfmiddlewaretoken": token,
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302, response.content
    assert response["Location"] == "/admin/password_change/done/"
    assert client.get("/admin/").status_code == 200  # still signed in here
    assert bearer(pair["token"]).get("/api/v1/users/me").status_code == 401
    refused = api_client.post("/api/v1/token/refresh", {"refresh": pair["refresh"]}, format="json")
    assert refused.status_code == 401
    [event] = AuditEvent.objects.filter(action="user.password_change", target_id=str(user.pk))
    assert event.actor_id == user.pk
    sign_in(api_client, user, NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(api_client: APIClient) -> None:
    user = UserFactory(role=Role.ADMIN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _token(client.get(PAGE).content.decode())

    response = client.post(
        PAGE,
        {
            "csrfmiddlewaretoken": token,
            "old_password": "not-the-password-at-all",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200  # the form again, with its error
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_change").exists()


def test_guessing_the_current_password_on_the_page_counts_in_the_accounts_sign_in_bucket(
    api_client: APIClient, rates: dict[str, str], hash_calls: list[str]
) -> None:
    """A staff session (a shared computer left signed in) is no faster oracle for the password
    than the sign-in: each check of the current password is an attempt on the account."""
    rates["sign_in_cpf"] = "2/5min"
    user = UserFactory(role=Role.MANAGER)
    client = Client()
    client.force_login(user)

    def attempt(old_password: str) -> str:
        return client.post(
            PAGE, {"old_password": old_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        ).content.decode()

    for n in range(2):
        assert "Your old password was entered incorrectly" in attempt(f"guess-{n}")
    hash_calls.clear()

    page = attempt(DEFAULT_PASSWORD)

    assert "Too many requests; try again later." in page
    assert hash_calls == []
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)  # unchanged
    response = api_client.post("/api/v1/sign-in", {"cpf": user.cpf, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429  # the same bucket as the sign-in's
