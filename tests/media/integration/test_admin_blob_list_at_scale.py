"""The blob list reads what its page shows, not every blob with every photo: at two million blobs
(docs/adr/0112) grouping each blob's photos to count them, counting the whole table twice and
reading every distinct content type took seconds each."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url

pytestmark = pytest.mark.django_db

PAGES = [
    {},
    {"orphan": "yes"},
    {"orphan": "no"},
    {"content_type": "image/png"},
    {"thumbnail_state__exact": "ready"},
    {"q": "ab"},
    {"o": "5"},
]


@pytest.fixture
def blobs(upload: Any, collector_client: Any, draft: RealEstate) -> dict[str, dict[str, Any]]:
    """A blob two photos show (this draft's and another's), one shown once, one no photo shows."""
    shared = upload(samples.image_bytes()).json()
    once = upload(samples.image_bytes("PNG")).json()
    orphan = upload(samples.image_bytes("WEBP")).json()
    collector_client.delete(photos_url(draft, orphan["id"]))
    return {"shared": shared, "once": once, "orphan": orphan}


def _rows(page: Any) -> dict[str, int]:
    return {blob.sha256: blob.reference_count for blob in page.context["cl"].result_list}


@pytest.mark.parametrize("params", PAGES)
def test_the_blob_list_groups_no_photos_and_counts_its_rows_once(
    staff: Client, blobs: dict[str, Any], params: dict[str, str]
) -> None:
    with CaptureQueriesContext(connection) as captured:
        page = staff.get(reverse("admin:media_blob_changelist"), params)

    assert page.status_code == 200
    statements = [query["sql"].upper() for query in captured.captured_queries]
    assert [sql for sql in statements if "GROUP BY" in sql or "DISTINCT" in sql] == []
    assert len([sql for sql in statements if sql.startswith("SELECT COUNT(")]) <= 1


def test_the_blob_list_shows_each_blobs_photo_count_and_filters_on_it(
    staff: Client, blobs: dict[str, Any], collector_client: Any, upload: Any, collector: User
) -> None:
    from tests.real_estates.factories import RealEstateFactory

    other = RealEstateFactory(collected_by=collector)
    upload(samples.image_bytes(), real_estate=other)  # the same bytes: the shared blob
    url = reverse("admin:media_blob_changelist")
    shared, once, orphan = (blobs[name]["sha256"] for name in ("shared", "once", "orphan"))

    assert _rows(staff.get(url)) == {shared: 2, once: 1, orphan: 0}
    assert _rows(staff.get(url, {"orphan": "yes"})) == {orphan: 0}
    assert _rows(staff.get(url, {"orphan": "no"})) == {shared: 2, once: 1}
    assert _rows(staff.get(url, {"content_type": "image/png"})) == {once: 1}


def test_the_content_type_filter_offers_every_type_an_upload_can_have(staff: Client, upload: Any) -> None:
    """Read from what uploads store, not from the table: offered before any blob of that type."""
    upload(samples.image_bytes())

    page = staff.get(reverse("admin:media_blob_changelist")).content.decode()

    for content_type in ("image/jpeg", "image/png", "image/webp"):
        assert f"?content_type={content_type.replace('/', '%2F')}" in page
