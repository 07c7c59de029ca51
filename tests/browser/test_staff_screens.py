"""The admin as a Brazilian manager sees it; a user deactivated in the admin; signed photo links."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from apps.media import storage
from apps.media.models import Photo
from apps.users.models import Role, User
from tests.browser.conftest import sign_in, submitted_real_estate
from tests.conftest import bearer_client
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory


def test_the_admin_speaks_portuguese_when_the_browser_asks_for_it(
    new_page: object, live_server: LiveServer, staff: User
) -> None:
    with time_machine.travel(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), tick=False):
        RealEstateFactory(title="Apartamento garden em Moema", price=Decimal("23550.00"))
    page: Page = new_page(locale="pt-BR")  # type: ignore[operator]
    sign_in(page, live_server.url)

    expect(page).to_have_title("Administração do Site | Vivenda")
    expect(page.locator("#user-tools")).to_contain_text("Bem-vindo(a), Marina Duarte Lima")
    page.goto(f"{live_server.url}/admin/real_estates/realestate/")
    row = page.locator("#result_list tbody tr", has_text="Apartamento garden em Moema")
    expect(row.locator(".field-price_display")).to_have_text("R$ 23.550,00")
    expect(row.locator(".field-created_display")).to_have_text("01/12/2026")
    expect(page.locator("#site-name")).to_have_text("Vivenda")


def test_a_user_deactivated_in_the_admin_loses_api_access_at_once(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    admin = UserFactory(
        cpf="52998224725", name="Renata Alves Prado", role=Role.ADMIN, password="vivenda-staff-2026"
    )
    collector = UserFactory(name="Jorge Luis Batista", role=Role.COLLECTOR)
    api = bearer_client(collector)
    assert api.get("/api/v1/real-estates").status_code == 200  # the token works, and is cached
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/users/user/{collector.pk}/change/")
    page.uncheck("#id_is_active")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert api.get("/api/v1/real-estates").status_code == 401
    assert admin.is_active


def test_a_signed_photo_link_opens_the_image_and_a_bad_one_shows_the_error(
    page: Page, new_page: object, live_server: LiveServer, staff: User
) -> None:
    real_estate = submitted_real_estate(collector=UserFactory(), title="Casa com edícula em Santana")
    photo = Photo.objects.select_related("blob").get(real_estate=real_estate)
    link = storage.object_url(photo.blob.key)

    opened = page.goto(live_server.url + link)
    assert opened is not None
    assert opened.status == 200
    assert opened.headers["content-type"] == "image/jpeg"

    tampered = page.goto(live_server.url + re.sub(r".$", lambda m: "A" if m[0] != "A" else "B", link))
    assert tampered is not None
    assert tampered.status in (403, 404)
    expect(page.locator("body")).to_contain_text('"code":')
    expect(page.locator("body")).not_to_contain_text("Traceback")

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=True):
        page = new_page()  # type: ignore[operator]  # a fresh browser cache: the image was cacheable
        expired = page.goto(live_server.url + link)
        assert expired is not None
        assert expired.status in (403, 404, 410)
        expect(page.locator("body")).to_contain_text('"code":')
        expect(page.locator("body")).not_to_contain_text("Traceback")
