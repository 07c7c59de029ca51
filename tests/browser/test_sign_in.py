"""Signing in to the admin as staff type it: a formatted CPF, a wrong password, a throttled account."""

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

from apps.users.models import User
from tests.browser.conftest import STAFF_CPF_FORMATTED, sign_in


def test_staff_sign_in_with_a_formatted_cpf_and_are_greeted_by_name(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    sign_in(page, live_server.url, cpf=STAFF_CPF_FORMATTED)

    expect(page.locator("#user-tools")).to_contain_text("Marina Duarte Lima")
    expect(page.locator("#site-name")).to_have_text("Vivenda")
    expect(page).to_have_title("Site administration | Vivenda")


def test_a_wrong_password_shows_the_error(page: Page, live_server: LiveServer, staff: User) -> None:
    sign_in(page, live_server.url, password="not-the-password")

    expect(page.locator(".errornote")).to_contain_text("Please enter the correct CPF and password")
    expect(page.locator("#id_username")).to_have_value(STAFF_CPF_FORMATTED)


def test_an_account_throttled_by_api_sign_ins_is_refused_with_a_clear_message(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    api = APIClient()
    for _ in range(10):  # THROTTLE_SIGN_IN_CPF_RATE: 10 attempts per 5 minutes
        api.post("/api/v1/sign-in", {"cpf": "52998224725", "password": "guess"}, format="json")

    sign_in(page, live_server.url)  # the right password, formatted CPF: the same bucket

    expect(page.locator(".errornote")).to_contain_text("Too many requests; try again later.")
    expect(page.locator("#user-tools")).to_have_count(0)
