"""The review dashboard a manager opens first thing, on seeded demo data: the figures the
API gives, two charts drawn without any script or network."""

from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from apps.users.models import User
from tests.browser.conftest import sign_in, submitted_real_estate
from tests.conftest import bearer_client
from tests.users.factories import UserFactory


def test_the_dashboard_shows_the_apis_figures_on_demo_data(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    call_command("seed_demo", "--users", "8", "--real-estates", "400", "--seed", "2026", "-v", "0")
    api = {row["key"]: row["count"] for row in bearer_client(staff).get(
        "/api/v1/real-estates/stats", {"group_by": "status"}).json()["results"]}  # fmt: skip
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in(page, live_server.url)

    page.click("#review-dashboard-link a >> nth=0")

    expect(page.locator("h1")).to_have_text("Review dashboard")
    for status, count in api.items():
        expect(page.locator(f"#status-counts [data-status={status}] .figure")).to_have_text(f"{count:,}")
    expect(page.locator("#total")).to_have_text("400")
    expect(page.locator("#activity-chart svg rect")).not_to_have_count(0)
    expect(page.locator("#cities-chart svg text")).not_to_have_count(0)
    expect(page.locator("#median-review-time .figure")).not_to_have_text("—")
    expect(page.locator("#oldest-waiting tbody tr")).to_have_count(10)
    assert all(url.startswith(live_server.url) for url in requests)  # nothing fetched from elsewhere

    page.click("#status-counts [data-status=submitted]")
    expect(page.locator("#result_list tbody tr").first.locator(".field-days_waiting")).not_to_have_text("—")
    page.go_back()


def test_the_dashboard_fits_a_phones_width(page: Page, live_server: LiveServer, staff: User) -> None:
    """On a phone the table of items waiting longest scrolls within its own box; the page itself
    does not scroll sideways (it did: the header stopped at the screen's edge, the table ran on)."""
    collector = UserFactory(name="Laura Almeida Almeida")
    for days in (40, 30, 20):
        submitted_real_estate(
            collector=collector, title="Sala comercial em avenida movimentada em Camargos", days_ago=days
        )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/dashboard/")

    expect(page.locator("#oldest-waiting tbody tr")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
