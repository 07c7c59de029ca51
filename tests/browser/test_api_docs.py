"""The Swagger UI at /api/v1/docs under the production security headers: every operation
listed, and "Authorize" then "Try it out" on the list returns data."""

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from apps.users.models import User
from apps.users.tokens import issue_token_pair
from tests.real_estates.factories import RealEstateFactory


def test_the_api_docs_render_every_operation_with_no_inline_script(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security" in message.text else None,
    )

    response = page.goto(f"{live_server.url}/api/v1/docs")

    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    schema = page.request.get(f"{live_server.url}/api/v1/schema?format=json").json()
    operations = sum(
        1
        for methods in schema["paths"].values()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    )
    expect(page.locator(".opblock")).to_have_count(operations)
    assert blocked == []


def test_authorize_then_try_it_out_lists_real_estates(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    RealEstateFactory(title="Casa com piscina em Moema")
    token = issue_token_pair(user=staff).token
    page.goto(f"{live_server.url}/api/v1/docs")

    page.click("button.authorize")
    page.fill(".auth-container input", token)
    page.click(".auth-btn-wrapper button.authorize")
    page.click("button.btn-done")
    operation = page.locator("#operations-real-estates-real_estates_list")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()

    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("Casa com piscina em Moema")
