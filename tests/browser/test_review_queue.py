"""A manager's morning: the review queue, an approval, a rejection with its reason, and the
API's detail showing both; the photo inline's thumbnails, reordering and deletion."""

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from apps.media.models import Photo
from apps.real_estates.models import RealEstate, Status
from apps.real_estates.services import real_estate_reject
from apps.users.models import Role, User
from tests.browser.conftest import sign_in, submitted_real_estate
from tests.conftest import bearer_client
from tests.users.factories import UserFactory

QUEUE = "/admin/real_estates/realestate/?status__exact=submitted"


def test_a_manager_works_through_the_review_queue(page: Page, live_server: LiveServer, staff: User) -> None:
    collector = UserFactory(name="Paulo Henrique Souza", role=Role.COLLECTOR)
    oldest = submitted_real_estate(
        collector=collector, title="Casa térrea em Cambuí", days_ago=6, city="Campinas"
    )
    middle = submitted_real_estate(collector=collector, title="Apartamento com varanda em Icaraí", days_ago=3,
                                   city="Niterói", state="RJ")  # fmt: skip
    submitted_real_estate(
        collector=collector, title="Terreno plano em Moema", days_ago=1, city="São Paulo", state="SP"
    )
    sign_in(page, live_server.url)

    page.goto(live_server.url + QUEUE)
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".field-title")).to_have_text("Casa térrea em Cambuí")
    expect(rows.nth(0).locator(".field-days_waiting")).to_have_text("6")
    expect(rows.nth(0).locator(".field-collector")).to_have_text("Paulo Henrique Souza")
    expect(rows.nth(0).locator(".field-city")).to_have_text("Campinas")
    expect(rows.nth(0).locator(".field-cover img")).to_be_visible()
    expect(rows.nth(2).locator(".field-title")).to_have_text("Terreno plano em Moema")

    rows.nth(0).locator("input.action-select").check()
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 real estate approved.")

    page.locator("#result_list tbody tr", has_text="Apartamento com varanda").locator(
        "input.action-select"
    ).check()
    page.select_option("select[name=action]", "reject_selected")
    page.click("button[name=index]")
    expect(page.locator("#rejecting")).to_contain_text("Apartamento com varanda em Icaraí")
    page.click("input[name=reject]")  # no reason given
    expect(page.locator(".errorlist")).to_contain_text("This field is required.")
    page.fill("#id_reason", "As fotos não mostram o interior do imóvel.")
    page.click("input[name=reject]")
    expect(page.locator(".messagelist")).to_contain_text("1 real estate rejected.")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)

    api = bearer_client(staff)
    assert api.get(f"/api/v1/real-estates/{oldest.pk}").json()["status"] == Status.APPROVED
    detail = api.get(f"/api/v1/real-estates/{middle.pk}").json()
    assert detail["status"] == Status.REJECTED
    history = api.get(f"/api/v1/real-estates/{middle.pk}/history").json()
    assert history[-1]["to"] == Status.REJECTED
    assert history[-1]["reason"] == "As fotos não mostram o interior do imóvel."


def test_the_photo_inline_shows_thumbnails_reorders_and_deletes(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    real_estate = submitted_real_estate(collector=collector, title="Casa com quintal em Pinheiros", photos=3)
    # Photos change only while it is a draft or rejected, whoever asks (docs/architecture.md).
    real_estate = real_estate_reject(real_estate=real_estate, actor=staff, reason="Reordenar as fotos")
    first, second, third = Photo.objects.filter(real_estate=real_estate).order_by("position")
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/real_estates/realestate/{real_estate.pk}/change/")
    inline = page.locator("#photos-group")
    expect(inline.locator("td.field-thumbnail img")).to_have_count(3)
    inline.scroll_into_view_if_needed()
    page.wait_for_function(  # the signed links answer real images
        "() => [...document.querySelectorAll('#photos-group td.field-thumbnail img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    inline.locator("tr.form-row", has=page.locator(f"input[value='{third.pk}']")).locator(
        "td.field-order input"
    ).fill("1")
    inline.locator("tr.form-row", has=page.locator(f"input[value='{second.pk}']")).locator(
        "td.delete input[type=checkbox]"
    ).check()
    page.click("input[name=_continue]")

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#photos-group td.field-thumbnail img")).to_have_count(2)
    assert list(
        Photo.objects.filter(real_estate=real_estate).order_by("position").values_list("pk", flat=True)
    ) == [
        third.pk,
        first.pk,
    ]
    real_estate.refresh_from_db()
    assert real_estate.photo_count == 2
    assert real_estate.cover_blob_id == third.blob_id
    assert real_estate.status == RealEstate.objects.get(pk=real_estate.pk).status == Status.REJECTED


def test_the_rejection_page_fits_a_phones_width(page: Page, live_server: LiveServer, staff: User) -> None:
    """The reason's box was 60 columns wide whatever the screen: on a phone the page scrolled
    sideways, the header stopping at the screen's edge."""
    submitted_real_estate(collector=UserFactory(), title="Casa com 6 quartos em Barão Geraldo")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url)
    page.goto(live_server.url + QUEUE)

    page.locator("#result_list tbody tr input.action-select").first.check()
    page.select_option("select[name=action]", "reject_selected")
    page.click("button[name=index]")

    expect(page.locator("textarea[name=reason]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_coordinates_pasted_from_a_map_are_saved_rounded_as_the_api_rounds_them(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    """A GPS or a map gives seven decimals or more: the browser refused them ("enter a valid
    value") before the page was even sent, and the form after it; the API rounds them to six."""
    real_estate = submitted_real_estate(collector=UserFactory(), title="Casa com quintal em Pinheiros")
    real_estate = real_estate_reject(real_estate=real_estate, actor=staff, reason="Conferir o endereço")
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/admin/real_estates/realestate/{real_estate.pk}/change/")
    page.fill("#id_latitude", "-23.56141452")
    page.fill("#id_longitude", "-46.6558814")
    page.click("input[name=_continue]")

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    real_estate.refresh_from_db()
    assert (str(real_estate.latitude), str(real_estate.longitude)) == ("-23.561415", "-46.655881")
