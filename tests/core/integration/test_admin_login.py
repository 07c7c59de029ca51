"""The admin's sign-in form: a CPF as people type it, and the API's brute-force brakes (same
per-CPF and per-IP buckets as `POST /api/v1/sign-in`, checked before any password hashing)."""

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.users.cpf import format_cpf
from apps.users.models import Role
from apps.users.validators import PASSWORD_MAX_LENGTH
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

THROTTLED = "Too many requests; try again later."


WRONG_PASSWORD = "wrong-password"


def admin_sign_in(cpf: str, password: str = WRONG_PASSWORD, ip: str = "10.0.0.1") -> Any:
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/admin/login/?next=/admin/", {"username": cpf, "password": password})


def test_staff_sign_in_with_a_formatted_cpf() -> None:
    manager = UserFactory(role=Role.MANAGER)

    client, response = admin_sign_in(format_cpf(manager.cpf), DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_cpf_field_accepts_a_formatted_cpf_in_the_page() -> None:
    html = Client().get("/admin/login/").content.decode()

    assert 'maxlength="20"' in html
    assert 'maxlength="11"' not in html


def test_a_wrong_password_is_refused_with_the_admin_message() -> None:
    manager = UserFactory(role=Role.MANAGER)

    _, response = admin_sign_in(format_cpf(manager.cpf))

    assert response.status_code == 200
    assert "Please enter the correct CPF and password" in response.content.decode()


def test_admin_attempts_count_in_the_api_cpf_bucket_and_refuse_the_api(rates: dict[str, str]) -> None:
    rates["sign_in_cpf"] = "2/5min"
    manager = UserFactory(role=Role.MANAGER)
    admin_sign_in(format_cpf(manager.cpf), ip="10.0.0.1")
    admin_sign_in(manager.cpf, ip="10.0.0.2")

    api = APIClient().post(
        "/api/v1/sign-in", {"cpf": manager.cpf, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.0.0.3"
    )

    assert api.status_code == 429


def test_api_attempts_throttle_the_admin_even_with_the_right_password(rates: dict[str, str]) -> None:
    rates["sign_in_cpf"] = "2/5min"
    manager = UserFactory(role=Role.MANAGER)
    for ip in ("10.0.0.1", "10.0.0.2"):
        APIClient().post("/api/v1/sign-in", {"cpf": manager.cpf, "password": "guess"}, REMOTE_ADDR=ip)

    client, response = admin_sign_in(format_cpf(manager.cpf), DEFAULT_PASSWORD, ip="10.0.0.9")

    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_the_admin_sign_in_is_throttled_per_ip(rates: dict[str, str]) -> None:
    rates["sign_in_ip"] = "2/min"
    admin_sign_in(UserFactory().cpf, ip="10.1.1.1")
    admin_sign_in(UserFactory().cpf, ip="10.1.1.1")
    manager = UserFactory(role=Role.MANAGER)

    _, refused = admin_sign_in(manager.cpf, DEFAULT_PASSWORD, ip="10.1.1.1")
    _, elsewhere = admin_sign_in(manager.cpf, DEFAULT_PASSWORD, ip="10.1.1.2")

    assert THROTTLED in refused.content.decode()
    assert elsewhere.status_code == 302


def test_a_throttled_admin_sign_in_computes_no_hash(rates: dict[str, str], hash_calls: list[str]) -> None:
    rates["sign_in_cpf"] = "1/5min"
    manager = UserFactory(role=Role.MANAGER)
    admin_sign_in(manager.cpf)
    hash_calls.clear()

    _, response = admin_sign_in(manager.cpf, DEFAULT_PASSWORD)

    assert THROTTLED in response.content.decode()
    assert hash_calls == []


def test_the_throttle_message_follows_the_browsers_language(rates: dict[str, str]) -> None:
    rates["sign_in_cpf"] = "1/5min"
    manager = UserFactory(role=Role.MANAGER)
    admin_sign_in(manager.cpf)

    response = Client(HTTP_ACCEPT_LANGUAGE="pt-BR").post(
        "/admin/login/", {"username": manager.cpf, "password": DEFAULT_PASSWORD}
    )

    assert "Muitas requisições; tente novamente mais tarde." in response.content.decode()


def test_a_password_longer_than_the_apis_sign_in_takes_is_refused_before_any_hash(
    hash_calls: list[str],
) -> None:
    manager = UserFactory(role=Role.MANAGER)
    hash_calls.clear()  # the factory's

    _, response = admin_sign_in(manager.cpf, "x" * (PASSWORD_MAX_LENGTH + 1))

    assert response.status_code == 200
    assert f"at most {PASSWORD_MAX_LENGTH} characters" in response.content.decode()
    assert hash_calls == []


@pytest.mark.parametrize(
    ("language", "question", "button"),
    [("en", "Log out of Vivenda?", "Log out"), ("pt-BR", "Encerrar a sessão no Vivenda?", "Encerrar sessão")],
)
def test_the_sign_out_address_opened_in_the_browser_asks_before_signing_out(
    language: str, question: str, button: str
) -> None:
    """Django signs out on a POST only (the header's button); the address typed or bookmarked was
    an empty 405 page. It is a page in the admin's look whose button signs out; the GET itself
    signs no one out (another site could link to it)."""
    client = Client()
    client.force_login(UserFactory(role=Role.MANAGER))

    page = client.get("/admin/logout/", headers={"accept-language": language})

    assert page.status_code == 200
    html = page.content.decode()
    assert question in html
    assert '<form method="post" action="/admin/logout/">' in html
    assert f'<input type="submit" value="{button}">' in html
    assert client.get("/admin/").status_code == 200  # still signed in
    assert client.post("/admin/logout/").status_code == 200  # Django's "logged out" page
    assert client.get("/admin/").status_code == 302


def test_the_sign_out_address_sends_a_visitor_not_signed_in_to_the_admin() -> None:
    response = Client().get("/admin/logout/")

    assert response.status_code == 302
