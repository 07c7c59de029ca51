"""A real estate's history names each photo its photo inline changed as staff know it: its order
on the page and its caption, not its id."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.media.models import Photo
from apps.media.services import photo_update
from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.admin_pages import as_posted
from tests.real_estates.conftest import MakeRealEstate
from tests.real_estates.helpers import CHANGELIST

pytestmark = pytest.mark.django_db


def _edit_photos(client: Client, real_estate: RealEstate, **changes: str) -> None:
    url = f"{CHANGELIST}{real_estate.pk}/change/"
    response = client.post(url, {**as_posted(client.get(url)), **changes})
    assert response.status_code == 302


def _history(client: Client, real_estate: RealEstate) -> list[str]:
    page = client.get(f"{CHANGELIST}{real_estate.pk}/history/").content.decode()
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", page, re.S)]


def _captioned(real_estate: RealEstate, *captions: str) -> None:
    """The photos' captions, in order, as a collector gives them (through the service)."""
    photos = Photo.objects.of_real_estate(real_estate.pk)
    for photo, caption in zip(photos, captions, strict=True):
        photo_update(photo=photo, actor=real_estate.collected_by, caption=caption)


def test_the_history_names_a_photo_by_its_order_and_caption(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.DRAFT, photos=3)
    _captioned(real_estate, "Fachada", "Sala", "Cozinha")

    _edit_photos(staff, real_estate, **{"photos-1-caption": "Sala de estar"})
    _edit_photos(staff, real_estate, **{"photos-2-order": "1"})
    _edit_photos(staff, real_estate, **{"photos-2-DELETE": "on"})

    history = " ".join(_history(staff, real_estate))
    assert "Changed Caption for photo “2 (Sala de estar)”." in history
    assert "Changed order for photo “3 → 1 (Cozinha)”." in history
    assert "Deleted photo “3 (Sala de estar)”." in history
    assert str(real_estate.pk) not in history


def test_a_photo_without_a_caption_is_named_by_its_order(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.DRAFT, photos=2)
    _captioned(real_estate, "", "")

    _edit_photos(staff, real_estate, **{"photos-0-order": "2"})

    assert "Changed order for photo “1 → 2”." in " ".join(_history(staff, real_estate))


def test_the_history_page_reads_the_same_queries_however_many_photos_changed(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    """The names are kept with each entry: showing them reads nothing per photo or per row."""
    one = make_real_estate(status=Status.DRAFT, photos=1)
    thirty = make_real_estate(status=Status.DRAFT, photos=30)
    _edit_photos(staff, one, **{"photos-0-caption": "Nova 0"})
    _edit_photos(staff, thirty, **{f"photos-{n}-caption": f"Nova {n}" for n in range(30)})
    _edit_photos(staff, thirty, **{f"photos-{n}-DELETE": "on" for n in range(0, 30, 2)})

    queries = {}
    for real_estate in (one, thirty):
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(f"{CHANGELIST}{real_estate.pk}/history/").status_code == 200
        queries[real_estate.photo_count] = len(captured)

    assert queries[1] == queries[30]
    assert "Deleted photo “29 (Nova 28)”." in " ".join(_history(staff, thirty))


def test_a_deletion_asks_about_each_photo_by_its_order_and_caption(
    admin_user: User, make_real_estate: MakeRealEstate
) -> None:
    """The confirmation page lists what goes with the real estate: its photos named as the
    change page shows them, one real estate or a selection."""
    client = Client()
    client.force_login(admin_user)
    real_estate = make_real_estate(status=Status.DRAFT, photos=2)
    _captioned(real_estate, "Fachada", "")

    one = client.get(f"{CHANGELIST}{real_estate.pk}/delete/").content.decode()
    selected = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [str(real_estate.pk)]}
    ).content.decode()

    for page in (one, selected):
        assert "<li>Photo: 1 (Fachada)</li>" in page
        assert "<li>Photo: 2</li>" in page
        assert f"{real_estate.pk}#" not in page
