"""An erased account's CPF may sign up again as a new, unrelated account (ADR 0010): nothing the
erased one held (API tokens, an admin session, a sync cursor) opens the new one."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory
from tests.users.helpers import bearer, error_of, sign_in

pytestmark = pytest.mark.django_db

SYNC_URL = "/api/v1/sync/real-estates"


def test_nothing_an_erased_account_held_opens_the_account_signed_up_again_with_its_cpf(
    api_client: APIClient,
) -> None:
    erased = UserFactory(role=Role.MANAGER)
    cpf, name = erased.cpf, erased.name
    old = sign_in(api_client, erased)
    session = Client()
    session.force_login(erased)
    cursor = bearer(old["token"]).get(SYNC_URL).json()["next_cursor"]
    assert bearer(old["token"]).delete("/api/v1/users/me").status_code == 200

    signed_up = api_client.post("/api/v1/sign-up", {"cpf": cpf, "name": name, "password": DEFAULT_PASSWORD})
    assert signed_up.status_code == 201
    new = sign_in(api_client, User.objects.get(cpf=cpf))

    assert bearer(old["token"]).get("/api/v1/users/me").status_code == 401
    refresh = api_client.post("/api/v1/token/refresh", {"refresh": old["refresh"]})
    assert refresh.status_code == 401
    assert error_of(refresh)["code"] == "TOKEN_INVALID"
    assert session.get("/admin/")["Location"].startswith("/admin/login/")
    replayed = bearer(new["token"]).get(SYNC_URL, {"cursor": cursor})
    assert replayed.status_code == 400
    assert error_of(replayed)["fields"]["cursor"][0]["code"] == "sync_cursor_invalid"
    me = bearer(new["token"]).get("/api/v1/users/me").json()
    assert (me["id"], me["role"]) == (signed_up.json()["id"], Role.COLLECTOR)
