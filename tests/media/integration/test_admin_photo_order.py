"""A photo's order in the admin keeps the API's bound: a place from 1 to the most photos a real
estate may have (the API's `position`, 0 to `MAX_PHOTOS_PER_REAL_ESTATE - 1`). Anything else is
a form error on the photo's line, and nothing is written, never a 500."""

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.media.admin import PhotoInlineForm
from apps.media.models import MAX_PHOTOS_PER_REAL_ESTATE, Photo
from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.admin_pages import as_posted
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import CHANGELIST

OUT_OF_BOUNDS = ["0", "-1", str(MAX_PHOTOS_PER_REAL_ESTATE + 1), str(10**9), str(2**31), str(10**30)]


@pytest.mark.parametrize("order", OUT_OF_BOUNDS)
def test_the_photo_form_refuses_an_order_outside_the_apis_bound(order: str) -> None:
    form = PhotoInlineForm(data={"order": order, "caption": ""})

    assert not form.is_valid()
    assert list(form.errors) == ["order"]


@pytest.mark.parametrize("order", ["1", str(MAX_PHOTOS_PER_REAL_ESTATE)])
def test_the_photo_form_takes_an_order_within_the_apis_bound(order: str) -> None:
    form = PhotoInlineForm(data={"order": order, "caption": ""})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["order"] == int(order)


@pytest.fixture
def real_estate(collector: User) -> RealEstate:
    return RealEstateFactory(collected_by=collector, status=Status.DRAFT, photos=3)


def _photos(real_estate: RealEstate) -> list[tuple[int, int]]:
    return list(
        Photo.objects.filter(real_estate=real_estate).order_by("position").values_list("pk", "position")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("order", OUT_OF_BOUNDS)
def test_the_inline_refuses_an_order_outside_the_bound_and_moves_nothing(
    staff: Client, real_estate: RealEstate, order: str
) -> None:
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    before, events = _photos(real_estate), AuditEvent.objects.count()

    page = staff.post(url, {**as_posted(staff.get(url)), "photos-0-order": order})

    assert page.status_code == 200  # the page again, with the error on the photo's line
    [photo_form, *_] = page.context["inline_admin_formsets"][0].formset.forms
    assert list(photo_form.errors) == ["order"]
    assert _photos(real_estate) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_inline_moves_a_photo_to_the_last_place_the_bound_allows(
    staff: Client, real_estate: RealEstate
) -> None:
    """Past the photos there are but within the bound: last, as the API's `position`."""
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    [(first, _), (second, _), (third, _)] = _photos(real_estate)

    page = staff.post(url, {**as_posted(staff.get(url)), "photos-0-order": str(MAX_PHOTOS_PER_REAL_ESTATE)})

    assert page.status_code == 302
    assert _photos(real_estate) == [(second, 0), (third, 1), (first, 2)]


@pytest.mark.django_db
def test_the_inline_puts_every_photo_at_the_order_the_page_gave_it(staff: Client, collector: User) -> None:
    """Several photos moved at once land each at the order typed, the others at the ones they kept:
    a photo moved later no longer pushes one placed before it out of its place."""
    real_estate = RealEstateFactory(collected_by=collector, status=Status.DRAFT, photos=4)
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    [(a, _), (b, _), (c, _), (d, _)] = _photos(real_estate)

    orders = {"photos-0-order": "4", "photos-2-order": "1", "photos-3-order": "3"}  # b stays 2nd

    page = staff.post(url, {**as_posted(staff.get(url)), **orders})

    assert page.status_code == 302
    assert _photos(real_estate) == [(c, 0), (b, 1), (d, 2), (a, 3)]  # b kept its 2nd place
