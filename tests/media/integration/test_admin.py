"""The media admin screens render, count references and filter orphans."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.core import errors
from apps.media import storage
from apps.media.models import Blob, ThumbnailState
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url, set_storage_options, stored_keys
from tests.media.integration.test_photo_upload_api import fetch

pytestmark = pytest.mark.django_db


def test_the_blob_list_shows_references_and_filters_orphans(
    staff: Client, upload: Any, collector_client: Any, draft: RealEstate
) -> None:
    kept = upload(samples.image_bytes()).json()
    dropped = upload(samples.image_bytes("PNG")).json()
    collector_client.delete(photos_url(draft, dropped["id"]))
    url = reverse("admin:media_blob_changelist")

    everything = staff.get(url)
    orphans = staff.get(url, {"orphan": "yes"}).content.decode()
    referenced = staff.get(url, {"orphan": "no"}).content.decode()

    assert everything.status_code == 200
    assert "<img" in everything.content.decode()
    assert dropped["sha256"][:16] in orphans
    assert kept["sha256"][:16] not in orphans
    assert kept["sha256"][:16] in referenced


def test_a_blob_page_is_read_only(staff: Client, upload: Any) -> None:
    upload(samples.image_bytes())
    blob = Blob.objects.get()

    page = staff.get(reverse("admin:media_blob_change", args=[blob.pk]))

    assert page.status_code == 200
    assert blob.sha256 in page.content.decode()
    assert staff.post(reverse("admin:media_blob_delete", args=[blob.pk])).status_code == 403


def test_the_real_estate_page_shows_its_photos_with_previews(
    staff: Client, upload: Any, draft: RealEstate
) -> None:
    upload(samples.image_bytes(size=(600, 400)), caption="Fachada da casa")

    page = staff.get(reverse("admin:real_estates_realestate_change", args=[draft.pk])).content.decode()

    assert "Fachada da casa" in page
    assert '<img src="/media/' in page


def test_a_manager_cannot_rebuild_thumbnails(manager: User, upload: Any) -> None:
    """Rebuilding thumbnails is an operator's task (`manage.py rebuild_thumbnails`): a manager
    reviews photos and reads blobs, and neither sees nor runs the action."""
    from apps.media.models import ThumbnailState

    upload(samples.image_bytes())
    Blob.objects.update(thumbnail_state=ThumbnailState.FAILED)
    blob = Blob.objects.get()
    client = Client()
    client.force_login(manager)
    changelist = reverse("admin:media_blob_changelist")

    assert 'value="rebuild_thumbnails"' not in client.get(changelist).content.decode()
    action = {"action": "rebuild_thumbnails", "_selected_action": [blob.pk]}
    response = client.post(changelist, action, follow=True)

    assert "queued" not in response.content.decode()
    blob.refresh_from_db()
    assert blob.thumbnail_state == ThumbnailState.FAILED


def test_an_admin_is_offered_the_rebuild_action(staff: Client, upload: Any) -> None:
    upload(samples.image_bytes())

    assert 'value="rebuild_thumbnails"' in staff.get(reverse("admin:media_blob_changelist")).content.decode()


def test_the_blob_list_speaks_portuguese_to_a_portuguese_browser(admin_user: User, upload: Any) -> None:
    """Our own words on the blob list (its columns, the references filter, the rebuild action and
    its outcome) are pt-BR for a pt-BR browser."""
    upload(samples.image_bytes())
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR")
    client.force_login(admin_user)
    url = reverse("admin:media_blob_changelist")

    page = client.get(url).content.decode()
    done = client.post(
        url, {"action": "rebuild_thumbnails", "_selected_action": [Blob.objects.get().pk]}, follow=True
    )

    for words in (
        ">Prévia<",
        ">Tamanho</a>",
        "<span>Fotos</span>",  # not sortable (docs/adr/0112)
        "Por referências",
        "Órfãos (sem foto)",
        "Referenciados",
    ):
        assert words in page, words
    assert "Refazer as miniaturas dos blobs selecionados" in page
    [message] = [str(m) for m in done.context["messages"]]
    assert re.fullmatch(r"Miniaturas enfileiradas para [01] blob; os outros já têm todas as suas\.", message)


def rebuild(client: Client, *blobs: Blob) -> list[str]:
    """Run the blob list's "Rebuild the thumbnails" on `blobs`; the messages it left."""
    response = client.post(
        reverse("admin:media_blob_changelist"),
        {"action": "rebuild_thumbnails", "_selected_action": [blob.pk for blob in blobs]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_the_rebuild_action_remakes_thumbnail_objects_that_were_lost(
    backend: str, staff: Client, upload: Any, collector_client: Any, draft: RealEstate
) -> None:
    """As `manage.py rebuild_thumbnails` does: a ready blob whose renditions went missing from
    storage (a bucket restored from an old copy) is queued too, and its thumbnails open again."""
    photo_id = upload(samples.image_bytes(size=(1200, 900))).json()["id"]
    upload(samples.image_bytes(size=(1200, 900), color="#123456"))
    lost, intact = Blob.objects.order_by("created_at")
    assert lost.thumbnail_state == intact.thumbnail_state == ThumbnailState.READY
    storage.delete_object(lost.thumbnail_1024_key)
    kept = stored_keys()

    assert rebuild(staff, lost, intact) == ["Thumbnails queued for 1 blob; the others have all theirs."]

    assert stored_keys() == sorted([*kept, lost.thumbnail_1024_key])
    links = collector_client.get(photos_url(draft, photo_id)).json()["thumbnails"]
    assert all(fetch(collector_client, link)[0] == 200 for link in links.values())


def test_the_rebuild_action_with_the_storage_unreachable_is_a_message(
    settings: Any, s3_endpoint: str, staff: Client, upload: Any
) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    upload(samples.image_bytes())
    set_storage_options(settings, bucket_name="no-such-bucket-here")

    assert rebuild(staff, Blob.objects.get()) == [str(errors.StorageUnavailable().message)]

    assert Blob.objects.get().thumbnail_state == ThumbnailState.READY  # nothing queued
