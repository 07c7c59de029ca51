"""Browser tests: Debian's Chromium driven by Playwright, headless, against pytest-django's
live server on the suite's PostgreSQL. Each test leaves a screenshot of its last screen in
var/screenshots/<test name>.png (`make screenshots` copies them into docs/admin/).

Playwright's sync API runs an asyncio loop on the test's thread; Django then refuses ORM
calls made from that thread (the test's own data set-up) as if they came from async code.
The live server answers from its own thread, where the guard stays on, so the flag below
only lifts a false alarm in the test process's main thread.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
STAFF_CPF = "52998224725"
STAFF_CPF_FORMATTED = "529.982.247-25"
STAFF_PASSWORD = "vivenda-staff-2026"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Opens pages (`new_page(locale="pt-BR")`); the last one opened is screenshot at the end."""
    contexts = []
    pages: list[Page] = []

    def open_page(locale: str = "en-US") -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page
    if pages:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
        # A full-page shot scrolls nothing into view: load lazy images first.
        pages[-1].evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
        pages[-1].wait_for_load_state("networkidle")
        pages[-1].screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def staff(transactional_db: None) -> "User":
    """A manager who signs in with the CPF 529.982.247-25."""
    from apps.users.models import Role
    from tests.users.factories import UserFactory

    return UserFactory(cpf=STAFF_CPF, name="Marina Duarte Lima", role=Role.MANAGER, password=STAFF_PASSWORD)


def sign_in(
    page: Page, live_server_url: str, *, cpf: str = STAFF_CPF_FORMATTED, password: str = STAFF_PASSWORD
) -> None:
    page.goto(f"{live_server_url}/admin/login/?next=/admin/")
    page.fill("#id_username", cpf)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


if TYPE_CHECKING:
    from apps.users.models import User


def submitted_real_estate(
    *,
    collector: "User",
    title: str,
    days_ago: int = 0,
    photos: int = 1,
    submit: bool = True,
    **fields: object,
) -> "RealEstate":
    """A real estate as the field makes it: created, photographed and (unless `submit` is False)
    submitted through the services, `days_ago` days ago."""
    import io
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from apps.media.services import photo_upload
    from apps.real_estates.services import real_estate_submit
    from tests.media.samples import image_bytes
    from tests.real_estates.factories import RealEstateFactory

    colours = ("#c33", "#3a7", "#36c", "#fc3", "#939")
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=True):
        real_estate = RealEstateFactory(collected_by=collector, title=title, **fields)
        for i in range(photos):
            picture = image_bytes(size=(320, 240), color=colours[(i + len(title)) % len(colours)])
            photo_upload(
                real_estate=real_estate, actor=collector, file=io.BytesIO(picture), caption=f"Foto {i + 1}"
            )
        if submit:
            real_estate = real_estate_submit(real_estate=real_estate, actor=collector)
    return real_estate


if TYPE_CHECKING:
    from apps.real_estates.models import RealEstate
