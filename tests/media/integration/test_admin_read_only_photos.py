"""The photos of a real estate that is no longer editable are shown, not offered for change: each
with its place in the order, as the editable inline shows it."""

import re

import pytest
from django.test import Client

from apps.real_estates.models import Status
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading"), [("en", "Order"), ("pt-BR", "Ordem")])
def test_a_submitted_real_estates_photos_show_their_order(manager: User, language: str, heading: str) -> None:
    real_estate = RealEstateFactory(status=Status.SUBMITTED, photos=2)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(manager)

    page = client.get(f"/admin/real_estates/realestate/{real_estate.pk}/change/").content.decode()

    photos = page[page.index('id="photos-group"') : page.index('id="transitions-group"')]
    assert re.findall(r'<th class="column-order">\s*(\w+)', photos) == [heading]
    assert re.findall(r'<td class="field-order">\s*<p>(.*?)</p>', photos) == ["1", "2"]
