"""Reading, editing, reordering and deleting photos through the API; signed links."""

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest
import requests
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.media import storage
from apps.media.models import Blob, Photo, ThumbnailState
from apps.media.services import blob_generate_thumbnails, photo_delete, photo_update
from apps.real_estates.models import RealEstate, Status
from apps.sync.models import RealEstateChange
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url, post_photo, stored_keys
from tests.media.factories import PhotoFactory
from tests.real_estates.conftest import history_of
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import writes_on_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(upload: Any) -> list[str]:
    return [upload(samples.image_bytes("PNG", size=(10 + i, 10))).json()["id"] for i in range(3)]


def positions(real_estate: RealEstate) -> list[str]:
    return [str(pk) for pk in Photo.objects.of_real_estate(real_estate.pk).values_list("pk", flat=True)]


def test_photos_are_listed_by_position(
    collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    response = collector_client.get(photos_url(draft))

    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == three
    assert [p["position"] for p in response.json()] == [0, 1, 2]


def test_moving_a_photo_keeps_positions_dense(
    collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    response = collector_client.patch(photos_url(draft, three[2]), {"position": 0, "caption": "Sala"})

    assert response.status_code == 200
    assert (response.json()["position"], response.json()["caption"]) == (0, "Sala")
    assert positions(draft) == [three[2], three[0], three[1]]
    assert list(Photo.objects.of_real_estate(draft.pk).values_list("position", flat=True)) == [0, 1, 2]


def test_a_position_past_the_end_means_last(
    collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    response = collector_client.patch(photos_url(draft, three[0]), {"position": 29})

    assert response.json()["position"] == 2
    assert positions(draft) == [three[1], three[2], three[0]]


def test_a_negative_position_is_a_validation_error(
    collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    response = collector_client.patch(photos_url(draft, three[0]), {"position": -1})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_deleting_a_photo_closes_the_gap_and_updates_the_count(
    collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    response = collector_client.delete(photos_url(draft, three[0]))

    assert response.status_code == 204
    assert positions(draft) == three[1:]
    draft.refresh_from_db()
    assert draft.photo_count == 2
    assert Blob.objects.count() == 3  # blobs stay until the collector runs


def test_deleting_a_shared_blobs_photo_keeps_the_other_working(
    backend: str, upload: Any, collector: User, collector_client: APIClient, draft: RealEstate
) -> None:
    other = RealEstateFactory(collected_by=collector)
    first = upload(samples.image_bytes()).json()
    second = upload(samples.image_bytes(), real_estate=other).json()

    assert collector_client.delete(photos_url(draft, first["id"])).status_code == 204

    survivor = collector_client.get(photos_url(other, second["id"])).json()
    assert survivor["sha256"] == first["sha256"]
    assert storage.object_exists(Blob.objects.get().key)


def test_another_collectors_photos_are_not_found(
    client_for: Any, draft: RealEstate, three: list[str]
) -> None:
    from tests.users.factories import UserFactory

    stranger = client_for(UserFactory())

    assert stranger.get(photos_url(draft)).status_code == 404
    assert stranger.get(photos_url(draft, three[0])).json()["error"]["code"] == "REAL_ESTATE_NOT_FOUND"
    assert stranger.delete(photos_url(draft, three[0])).status_code == 404
    assert Photo.objects.count() == 3


def test_a_photo_of_another_real_estate_is_not_found(
    collector_client: APIClient, collector: User, three: list[str]
) -> None:
    other = RealEstateFactory(collected_by=collector)

    response = collector_client.get(photos_url(other, three[0]))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "PHOTO_NOT_FOUND"


def test_a_manager_sees_photos_but_a_collector_cannot_edit_once_submitted(
    manager_client: APIClient, collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    RealEstate.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)

    assert len(manager_client.get(photos_url(draft)).json()) == 3
    response = collector_client.patch(photos_url(draft, three[0]), {"caption": "x"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_EDITABLE"
    assert collector_client.delete(photos_url(draft, three[0])).status_code == 409


def test_thumbnails_are_generated_once(backend: str, upload: Any, draft: RealEstate) -> None:
    upload(samples.image_bytes(size=(2000, 1000)))
    blob = Blob.objects.get()
    assert blob.thumbnail_state == ThumbnailState.READY
    keys = (blob.thumbnail_256_key, blob.thumbnail_1024_key)
    modified = [storage.modified_at(key) for key in keys]

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        blob_generate_thumbnails(blob_id=blob.pk)

    blob.refresh_from_db()
    assert (blob.thumbnail_256_key, blob.thumbnail_1024_key) == keys
    assert [storage.modified_at(key) for key in keys] == modified
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(storage.read_object(keys[0]))).size == (256, 128)
    assert Image.open(BytesIO(storage.read_object(keys[1]))).size == (1024, 512)


def test_thumbnails_are_null_until_ready(collector_client: APIClient, draft: RealEstate) -> None:
    from tests.media.conftest import post_photo

    body = post_photo(collector_client, draft, samples.image_bytes()).json()  # on-commit tasks not run

    assert body["thumbnails"] == {"256": None, "1024": None}


def test_a_local_signed_link_serves_the_file_then_expires(
    upload: Any, collector_client: APIClient, api_client: APIClient, settings: Any
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        url = upload(samples.image_bytes("WEBP")).json()["url"]
        response = api_client.get(url)  # no credentials: the signature is the capability

        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert response["Content-Disposition"].startswith("inline;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == storage.read_object(Blob.objects.get().key)

        clock.shift(settings.MEDIA_URL_EXPIRY_SECONDS + 1)
        expired = api_client.get(url)

    assert expired.status_code == 403
    assert expired.json()["error"]["code"] == "MEDIA_LINK_INVALID"


def test_a_tampered_local_link_is_refused(upload: Any, api_client: APIClient) -> None:
    url = upload(samples.image_bytes()).json()["url"]

    response = api_client.get(url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "MEDIA_LINK_INVALID"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_link_answers_other_methods_with_a_405_in_the_envelope(upload: Any, method: str) -> None:
    url = upload(samples.image_bytes()).json()["url"]

    response = getattr(Client(enforce_csrf_checks=True), method)(url)  # a browser's, CSRF checked

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert response["Allow"] == "GET, HEAD"


def test_a_signed_link_cannot_reach_outside_the_media_prefixes(api_client: APIClient) -> None:
    from django.core import signing
    from django.urls import reverse

    token = signing.TimestampSigner(salt=storage.LINK_SALT).sign_object("../config/settings/base.py")

    assert api_client.get(reverse("media-file", kwargs={"token": token})).status_code == 403


def test_an_s3_link_is_ours_and_redirects_to_a_url_presigned_when_opened(
    settings: Any, s3_endpoint: str, upload: Any, api_client: APIClient
) -> None:
    from tests.storage_backends import use_s3

    settings.MEDIA_URL_EXPIRY_SECONDS = 60
    use_s3(settings, s3_endpoint)
    url = upload(samples.image_bytes()).json()["url"]
    assert url.startswith("/media/")  # the API signs; nothing is presigned until a link is opened

    opened_at = timezone.now()
    with time_machine.travel(opened_at, tick=False):
        response = api_client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, max-age=30"  # never past its target's lifetime
    presigned = response["Location"]
    assert presigned.startswith(f"{s3_endpoint}/")
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in presigned
    assert "X-Amz-Expires=60" in presigned
    # moto's server does not enforce presigned expiry (real S3 does); what we own is that the URL is
    # SigV4, signed when the link is opened, with the configured lifetime.
    assert f"X-Amz-Date={opened_at.strftime('%Y%m%dT%H%M')}" in unquote(presigned)

    fresh = requests.get(presigned, timeout=10)
    assert fresh.status_code == 200
    assert fresh.headers["Content-Type"] == "image/jpeg"
    assert fresh.content == storage.read_object(Blob.objects.get().key)


def test_an_expired_s3_link_is_refused_before_anything_is_presigned(
    settings: Any, s3_endpoint: str, upload: Any, api_client: APIClient
) -> None:
    from tests.storage_backends import use_s3

    settings.MEDIA_URL_EXPIRY_SECONDS = 60
    use_s3(settings, s3_endpoint)
    upload(samples.image_bytes())
    with time_machine.travel(timezone.now() - timedelta(seconds=61), tick=False):
        url = storage.object_url(Blob.objects.get().key)

    response = api_client.get(url)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "MEDIA_LINK_INVALID"


def test_a_photo_deleted_meanwhile_cannot_be_edited(
    collector: User, draft: RealEstate, three: list[str]
) -> None:
    from apps.core import errors
    from apps.media.services import photo_update

    photo = Photo.objects.get(pk=three[0])
    Photo.objects.filter(pk=photo.pk).delete()

    with pytest.raises(errors.PhotoNotFound):
        photo_update(photo=photo, actor=collector, caption="x")


def test_a_deleted_photo_is_audited_as_it_was_when_deleted(collector: User, draft: RealEstate) -> None:
    """The DELETE request read the photo before another request moved and captioned it."""
    PhotoFactory(real_estate=draft)
    second = PhotoFactory(real_estate=draft)
    read_by_the_delete = Photo.objects.get(pk=second.pk)
    photo_update(photo=second, actor=collector, caption="Sala", position=0)

    photo_delete(photo=read_by_the_delete, actor=collector)

    changes = AuditEvent.objects.get(action="photo.delete").changes
    assert changes["caption"] == ["Sala", None]
    assert changes["position"] == [0, None]


def test_a_caption_alone_can_be_changed_and_is_trimmed(
    collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    response = collector_client.patch(photos_url(draft, three[1]), {"caption": "  Cozinha  "})

    assert response.status_code == 200
    assert response.json()["caption"] == "Cozinha"
    assert positions(draft) == three


def test_s3_objects_are_private_and_typed(settings: Any, s3_endpoint: str, upload: Any) -> None:
    import boto3

    from tests.storage_backends import S3_CREDENTIALS, S3_REGION, use_s3

    bucket = use_s3(settings, s3_endpoint)
    upload(samples.image_bytes("PNG", size=(1200, 800)))
    blob = Blob.objects.get()
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS)

    for key, content_type in [(blob.key, "image/png"), (blob.thumbnail_256_key, "image/webp")]:
        assert client.head_object(Bucket=bucket, Key=key)["ContentType"] == content_type
        grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    assert requests.get(f"{s3_endpoint}/{bucket}/{blob.key}", timeout=10).status_code == 403


def test_a_link_to_a_collected_object_is_not_found(upload: Any, api_client: APIClient) -> None:
    url = upload(samples.image_bytes()).json()["url"]
    storage.delete_object(Blob.objects.get().key)

    response = api_client.get(url)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_a_collector_changing_photos_of_a_rejected_real_estate_reopens_it_as_a_draft(
    upload: Any, collector: User
) -> None:
    real_estate = RealEstateFactory(collected_by=collector, status=Status.REJECTED)
    before = history_of(real_estate)

    assert upload(samples.image_bytes(), real_estate=real_estate).status_code == 201

    real_estate.refresh_from_db()
    assert real_estate.status == Status.DRAFT
    assert history_of(real_estate) == [*before, (Status.REJECTED, Status.DRAFT)]


PHOTO_CHANGES: dict[str, Callable[[APIClient, Photo], Any]] = {
    "add": lambda client, photo: post_photo(client, photo.real_estate, samples.image_bytes(color="#123")),
    "caption": lambda client, photo: client.patch(photos_url(photo.real_estate, photo.pk), {"caption": "x"}),
    "reorder": lambda client, photo: client.patch(photos_url(photo.real_estate, photo.pk), {"position": 1}),
    "delete": lambda client, photo: client.delete(photos_url(photo.real_estate, photo.pk)),
}


def put_in(photo: Photo, status: str, reviewer: User) -> None:
    reviewed = status != Status.SUBMITTED
    RealEstate.objects.filter(pk=photo.real_estate_id).update(
        status=status,
        reviewed_by=reviewer if reviewed else None,
        reviewed_at=timezone.now() if reviewed else None,
        rejection_reason="Fotos escuras" if status == Status.REJECTED else "",
    )


@pytest.mark.parametrize("change", PHOTO_CHANGES)
@pytest.mark.parametrize("role", ["collector", "manager", "admin_user"])
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.ARCHIVED])
def test_no_role_changes_the_photos_of_a_real_estate_that_is_not_editable(
    request: pytest.FixtureRequest,
    client_for: Callable[[User], APIClient],
    role: str,
    status: str,
    change: str,
) -> None:
    actor: User = request.getfixturevalue(role)
    photo = PhotoFactory(real_estate__collected_by=request.getfixturevalue("collector"))
    put_in(photo, status, request.getfixturevalue("manager"))
    before = (list(Photo.objects.values_list("pk", "caption", "position")), Blob.objects.count())

    response = PHOTO_CHANGES[change](client_for(actor), photo)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_EDITABLE"
    assert (list(Photo.objects.values_list("pk", "caption", "position")), Blob.objects.count()) == before
    assert RealEstate.objects.get(pk=photo.real_estate_id).status == status


@pytest.mark.parametrize("change", PHOTO_CHANGES)
@pytest.mark.parametrize("role", ["manager", "admin_user"])
def test_a_reviewer_changes_the_photos_of_a_rejected_real_estate_without_reopening_it(
    request: pytest.FixtureRequest, client_for: Callable[[User], APIClient], role: str, change: str
) -> None:
    photo = PhotoFactory(real_estate__collected_by=request.getfixturevalue("collector"))
    PhotoFactory(real_estate=photo.real_estate)  # somewhere to move it to
    put_in(photo, Status.REJECTED, request.getfixturevalue("manager"))

    response = PHOTO_CHANGES[change](client_for(request.getfixturevalue(role)), photo)

    assert response.status_code in (200, 201, 204)
    real_estate = RealEstate.objects.get(pk=photo.real_estate_id)
    assert real_estate.status == Status.REJECTED  # as a field edit by a reviewer leaves it
    assert not real_estate.transitions.exists()


@pytest.mark.parametrize("change", PHOTO_CHANGES)
def test_every_photo_change_by_its_collector_reopens_a_rejected_real_estate(
    collector: User, manager: User, collector_client: APIClient, change: str
) -> None:
    photo = PhotoFactory(real_estate__collected_by=collector)
    PhotoFactory(real_estate=photo.real_estate)  # somewhere to move it to
    put_in(photo, Status.REJECTED, manager)

    response = PHOTO_CHANGES[change](collector_client, photo)

    assert response.status_code in (200, 201, 204)
    real_estate = RealEstate.objects.get(pk=photo.real_estate_id)
    assert real_estate.status == Status.DRAFT
    assert list(real_estate.transitions.values_list("from_status", "to_status", "actor")) == [
        (Status.REJECTED, Status.DRAFT, collector.pk)
    ]


def without_links(photo: dict[str, Any]) -> dict[str, Any]:
    """A photo's JSON but its signed links (each read signs them anew)."""
    return {name: value for name, value in photo.items() if name not in ("url", "thumbnails")}


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REJECTED])
def test_a_photo_edit_that_changes_nothing_writes_nothing(
    collector: User, manager: User, collector_client: APIClient, status: str
) -> None:
    """As a real estate's own PATCH: the same caption and position (or none) answer 200 with the
    photo as it is, the same ETag (nobody else's If-Match goes stale), no sync change, no audit
    event, and a rejected real estate stays rejected (nothing was edited)."""
    first = PhotoFactory(real_estate__collected_by=collector)
    photo = PhotoFactory(real_estate=first.real_estate, caption="Sala")
    real_estate = photo.real_estate
    if status == Status.REJECTED:
        put_in(photo, status, manager)
    etag = etag_of(collector_client, real_estate)
    read = without_links(collector_client.get(photos_url(real_estate, photo.pk)).json())
    before, changes = writes_on_record(), RealEstateChange.objects.count()

    for sent in ({}, {"caption": "Sala"}, {"position": 1}, {"caption": " Sala ", "position": 5}):
        response = collector_client.patch(
            photos_url(real_estate, photo.pk), sent, format="json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 200, response.content
        assert without_links(response.json()) == read

    assert etag_of(collector_client, real_estate) == etag
    assert writes_on_record() == before  # no new version, history row or audit event
    assert RealEstateChange.objects.count() == changes  # nothing for offline clients to fetch


def test_a_photo_edit_that_changes_nothing_still_answers_its_preconditions(
    collector: User, manager: User, collector_client: APIClient
) -> None:
    photo = PhotoFactory(real_estate__collected_by=collector)
    stale = etag_of(collector_client, photo.real_estate)
    collector_client.patch(photos_url(photo.real_estate, photo.pk), {"caption": "Outra"}, format="json")
    url = photos_url(photo.real_estate, photo.pk)

    response = collector_client.patch(url, {}, format="json", HTTP_IF_MATCH=stale)
    assert (response.status_code, response.json()["error"]["code"]) == (412, "PRECONDITION_FAILED")

    put_in(photo, Status.SUBMITTED, manager)
    response = collector_client.patch(url, {"caption": "Outra"}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "REAL_ESTATE_NOT_EDITABLE")


def test_moving_a_photo_moves_the_etag(
    collector_client: APIClient, draft: RealEstate, three: list[str]
) -> None:
    etag = etag_of(collector_client, draft)

    response = collector_client.patch(photos_url(draft, three[0]), {"position": 2}, format="json")

    assert response.status_code == 200
    assert positions(draft) == [three[1], three[2], three[0]]
    assert etag_of(collector_client, draft) != etag
    assert AuditEvent.objects.filter(action="photo.reorder").count() == 1


@pytest.mark.parametrize("change", PHOTO_CHANGES)
def test_another_collectors_photos_are_not_found_for_every_change(
    collector_client: APIClient, change: str
) -> None:
    photo = PhotoFactory()  # someone else's draft

    response = PHOTO_CHANGES[change](collector_client, photo)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [
        {"caption": "Sala", "positon": 0},
        {"id": "x"},
        {"url": "https://example.com/x.jpg"},
        {"sha256": "0" * 64},
    ],
)
def test_an_unknown_or_read_only_field_of_a_photo_edit_is_refused(
    collector_client: APIClient, draft: RealEstate, three: list[str], body: dict[str, Any]
) -> None:
    """As for a real estate's or a user's: a typo (`positon`) is not a silent 200 that moved nothing."""
    response = collector_client.patch(photos_url(draft, three[0]), body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    refused = sorted(set(body) - {"caption"})
    assert {name: [item["code"] for item in items] for name, items in error["fields"].items()} == {
        name: ["field_not_allowed"] for name in refused
    }
    assert Photo.objects.get(pk=three[0]).caption == ""


@pytest.mark.parametrize("value", ["1", "+1", "\u0661"])
def test_a_photo_position_sent_as_a_string_is_refused(
    collector_client: APIClient, draft: RealEstate, three: list[str], value: str
) -> None:
    response = collector_client.patch(photos_url(draft, three[0]), {"position": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["position"]
    assert positions(draft) == three


def etag_of(client: APIClient, real_estate: RealEstate) -> str:
    etag: str = client.get(f"/api/v1/real-estates/{real_estate.pk}")["ETag"]
    return etag


PHOTO_WRITES: dict[str, Callable[[APIClient, RealEstate, str, str], Any]] = {
    "caption": lambda client, real_estate, photo_id, etag: client.patch(
        photos_url(real_estate, photo_id), {"caption": "Sala"}, format="json", HTTP_IF_MATCH=etag
    ),
    "move": lambda client, real_estate, photo_id, etag: client.patch(
        photos_url(real_estate, photo_id), {"position": 0}, format="json", HTTP_IF_MATCH=etag
    ),
    "delete": lambda client, real_estate, photo_id, etag: client.delete(
        photos_url(real_estate, photo_id), HTTP_IF_MATCH=etag
    ),
    "upload": lambda client, real_estate, _, etag: client.post(
        photos_url(real_estate),
        {"file": io.BytesIO(samples.image_bytes("PNG"))},
        format="multipart",
        HTTP_IF_MATCH=etag,
    ),
}


@pytest.mark.parametrize("write", PHOTO_WRITES)
def test_a_photo_write_with_a_stale_if_match_is_refused_and_changes_nothing(
    write: str, three: list[str], collector_client: APIClient, draft: RealEstate
) -> None:
    """Photos are part of the real estate's representation (its ETag moves with them): a client
    that read it before another change gets 412, as for a field edit or a transition."""
    stale = etag_of(collector_client, draft)
    collector_client.patch(photos_url(draft, three[0]), {"caption": "Fachada"}, format="json")
    current = etag_of(collector_client, draft)
    before = sorted(Photo.objects.values_list("pk", "caption", "position"))

    response = PHOTO_WRITES[write](collector_client, draft, three[2], stale)

    assert response.status_code == 412
    assert response.json()["error"]["code"] == "PRECONDITION_FAILED"
    assert sorted(Photo.objects.values_list("pk", "caption", "position")) == before
    assert etag_of(collector_client, draft) == current
    assert Blob.objects.count() == 3
    assert len([key for key in stored_keys() if key.startswith("blobs/")]) == 3


@pytest.mark.parametrize("write", PHOTO_WRITES)
def test_a_photo_write_with_the_current_if_match_goes_through(
    write: str, three: list[str], collector_client: APIClient, draft: RealEstate
) -> None:
    response = PHOTO_WRITES[write](collector_client, draft, three[2], etag_of(collector_client, draft))

    assert response.status_code in (200, 201, 204)
