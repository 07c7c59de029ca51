"""Uploading photos through the API, on local disk and on S3."""

import io
from typing import Any

import pytest
import requests
from PIL import Image
from rest_framework.test import APIClient

from apps.media import storage
from apps.media.models import MAX_PHOTOS_PER_REAL_ESTATE, Blob, Photo
from apps.real_estates.models import RealEstate, Status
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url, post_photo, stored_keys
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db


def fetch(client: APIClient, url: str) -> tuple[int, bytes, Any]:
    """GET a media link through the app; on S3 it redirects, and the presigned URL is fetched over
    HTTP from the S3 server."""
    response = client.get(url)
    if response.status_code == 302:
        reply = requests.get(response["Location"], timeout=10)
        return reply.status_code, reply.content, reply.headers
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, response


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_jpeg_png_and_webp_are_accepted(
    *, backend: str, upload: Any, draft: RealEstate, collector_client: APIClient, fmt: str, content_type: str
) -> None:
    response = upload(samples.image_bytes(fmt), caption="Fachada")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {
        "id", "url", "caption", "position", "width", "height", "content_type", "size", "sha256",
        "thumbnails", "uploaded_by", "created_at",
    }  # fmt: skip
    assert body["content_type"] == content_type
    assert (body["width"], body["height"], body["position"], body["caption"]) == (64, 48, 0, "Fachada")
    assert body["uploaded_by"]["id"] == str(draft.collected_by_id)
    thumbnails = collector_client.get(photos_url(draft, body["id"])).json()["thumbnails"]
    assert thumbnails["256"]
    assert thumbnails["1024"]
    blob = Blob.objects.get()
    assert (
        blob.key
        == f"blobs/sha256/{blob.sha256[:2]}/{blob.sha256[2:4]}/{blob.sha256}.{blob.key[-4:].lstrip('.')}"
    )
    draft.refresh_from_db()
    assert draft.photo_count == 1


def test_the_type_comes_from_the_bytes_not_the_name_or_content_type(upload: Any) -> None:
    response = upload(samples.image_bytes("PNG"), name="photo.jpg", content_type="image/jpeg")

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"
    assert response.json()["url"].endswith(".png") or "png" in Blob.objects.get().key


def test_exif_gps_is_gone_and_orientation_applied_in_the_stored_file(
    backend: str, upload: Any, collector_client: APIClient
) -> None:
    response = upload(samples.jpeg_with_gps_and_orientation(size=(80, 40)))

    assert response.status_code == 201
    blob = Blob.objects.get()
    stored = storage.read_object(blob.key)
    image = Image.open(io.BytesIO(stored))
    assert image.size == (40, 80)  # rotated upright
    assert not image.getexif()
    assert b"PhoneMaker" not in stored
    assert b"Exif" not in stored
    status, served, _ = fetch(collector_client, response.json()["url"])
    assert status == 200
    assert served == stored


def test_a_photo_whose_exif_cannot_be_written_back_is_stored_upright_without_it(upload: Any) -> None:
    response = upload(samples.jpeg_with_mistyped_exif(size=(80, 40)))

    assert response.status_code == 201
    assert (response.json()["width"], response.json()["height"]) == (40, 80)
    assert b"Exif" not in storage.read_object(Blob.objects.get().key)


def test_a_multi_picture_jpeg_is_accepted_as_a_jpeg(upload: Any) -> None:
    response = upload(samples.mpo(size=(64, 48)))

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/jpeg"
    assert Blob.objects.get().key.endswith(".jpg")


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (samples.TEXT, "notes.jpg", 415, "PHOTO_UNSUPPORTED_TYPE"),
        (samples.SVG_WITH_SCRIPT, "image.svg", 415, "PHOTO_UNSUPPORTED_TYPE"),
        (samples.PDF, "doc.pdf", 415, "PHOTO_UNSUPPORTED_TYPE"),
        (samples.png_signature_then_html(), "x.png", 415, "PHOTO_UNSUPPORTED_TYPE"),
        (samples.png_with_html_text_chunk(), "x.png", 415, "PHOTO_UNSUPPORTED_TYPE"),
        (samples.png_bomb_header(), "bomb.png", 400, "PHOTO_TOO_MANY_PIXELS"),
        (samples.truncated_jpeg(), "cut.jpg", 400, "PHOTO_INVALID_IMAGE"),
        (b"", "empty.jpg", 415, "PHOTO_UNSUPPORTED_TYPE"),
        (samples.flat_rgba_png(), "flat.png", 400, "PHOTO_TOO_MANY_PIXELS"),  # 196 MB decoded
    ],
    ids=["text", "svg", "pdf", "png-html", "png-html-chunk", "bomb", "truncated", "empty", "flat-7000-rgba"],
)
def test_bad_files_are_refused_and_leave_nothing_behind(
    *, backend: str, upload: Any, draft: RealEstate, data: bytes, name: str, status: int, code: str
) -> None:
    response = upload(data, name=name)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert not Photo.objects.exists()
    assert not Blob.objects.exists()
    assert stored_keys() == []
    draft.refresh_from_db()
    assert draft.photo_count == 0


def test_a_jpeg_of_too_many_scans_is_refused_and_leaves_nothing_behind(upload: Any) -> None:
    response = upload(samples.jpeg_with_many_scans(), name="scans.jpg")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "PHOTO_INVALID_IMAGE"
    assert not Blob.objects.exists()
    assert stored_keys() == []


def test_an_eleven_megabyte_file_is_refused_with_413(backend: str, upload: Any) -> None:
    response = upload(b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PHOTO_TOO_LARGE"
    assert not Blob.objects.exists()
    assert stored_keys() == []


def test_the_byte_limit_is_enforced_while_streaming(settings: Any, upload: Any) -> None:
    settings.MEDIA_UPLOAD_MAX_BYTES = 100 * 1024  # below the Content-Length pre-check's margin
    response = upload(samples.noisy_png(size=(200, 200)))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PHOTO_TOO_LARGE"
    assert stored_keys() == []


def test_a_polyglot_payload_after_the_image_does_not_survive_normalisation(upload: Any) -> None:
    response = upload(samples.png_with_html_appended(), name="x.png")

    assert response.status_code == 201
    assert b"<script>" not in storage.read_object(Blob.objects.get().key)


def test_a_request_without_a_file_is_told_so(collector_client: APIClient, draft: RealEstate) -> None:
    response = collector_client.post(
        photos_url(draft), {"caption": "x"}, format="multipart", HTTP_ACCEPT_LANGUAGE="pt-BR"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "PHOTO_FILE_REQUIRED"
    assert [item["code"] for item in error["fields"]["file"]] == ["PHOTO_FILE_REQUIRED"]
    assert error["fields"]["file"][0]["message"] == "Envie a foto em um campo multipart chamado 'file'."
    assert not Blob.objects.exists()


def test_the_31st_photo_is_refused_and_leaves_nothing_behind(
    backend: str, upload: Any, draft: RealEstate, rates: dict[str, str]
) -> None:
    rates["photo_upload"] = "100/min"  # the per-user quota (30/min) is not what this is about
    for index in range(MAX_PHOTOS_PER_REAL_ESTATE):
        assert upload(samples.image_bytes("PNG", size=(8, 8 + index))).status_code == 201
    keys_before = stored_keys()

    response = upload(samples.image_bytes("PNG", size=(9, 9)))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "PHOTO_LIMIT_REACHED"
    assert Photo.objects.count() == Blob.objects.count() == MAX_PHOTOS_PER_REAL_ESTATE
    draft.refresh_from_db()
    assert draft.photo_count == MAX_PHOTOS_PER_REAL_ESTATE
    # The limit is checked before anything is written.
    assert stored_keys() == keys_before


def test_the_same_bytes_twice_on_one_real_estate_answer_the_existing_photo(
    backend: str, upload: Any, draft: RealEstate
) -> None:
    first = upload(samples.image_bytes("JPEG"))
    second = upload(samples.image_bytes("JPEG"), caption="ignored")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Photo.objects.count() == Blob.objects.count() == 1
    draft.refresh_from_db()
    assert draft.photo_count == 1


def test_the_same_bytes_on_two_real_estates_share_one_blob(
    backend: str, upload: Any, collector: User
) -> None:
    other = RealEstateFactory(collected_by=collector)
    first = upload(samples.image_bytes("WEBP"))
    second = upload(samples.image_bytes("WEBP"), real_estate=other)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["sha256"] == second.json()["sha256"]
    assert Blob.objects.count() == 1
    assert Photo.objects.count() == 2
    assert len([key for key in stored_keys() if key.startswith("blobs/")]) == 1


def test_a_collector_cannot_upload_to_another_collectors_real_estate(
    upload: Any, collector_client: APIClient
) -> None:
    foreign = RealEstateFactory()

    response = upload(samples.image_bytes(), real_estate=foreign)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_FOUND"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED])
def test_a_collector_cannot_change_photos_once_submitted(upload: Any, collector: User, status: str) -> None:
    real_estate = RealEstateFactory(collected_by=collector, status=Status.DRAFT)
    RealEstate.objects.filter(pk=real_estate.pk).update(status=Status.SUBMITTED)
    if status == Status.APPROVED:
        from django.utils import timezone

        RealEstate.objects.filter(pk=real_estate.pk).update(status=status, reviewed_at=timezone.now())

    response = upload(samples.image_bytes(), real_estate=real_estate)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_EDITABLE"
    assert stored_keys() == []


def test_a_manager_may_upload_to_any_real_estate(
    upload: Any, manager_client: APIClient, draft: RealEstate
) -> None:
    response = upload(samples.image_bytes(), client=manager_client)

    assert response.status_code == 201


def test_anonymous_uploads_are_refused(api_client: APIClient, draft: RealEstate) -> None:
    response = post_photo(api_client, draft, samples.image_bytes())

    assert response.status_code == 401


def test_an_unknown_field_of_an_upload_is_refused_and_leaves_nothing_behind(
    collector_client: APIClient, draft: RealEstate
) -> None:
    """`position` is not an upload's (a PATCH's): sent with the file, it was dropped without a word."""
    response = collector_client.post(
        photos_url(draft),
        {"file": io.BytesIO(samples.image_bytes("PNG")), "position": "2"},
        format="multipart",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [item["code"] for item in error["fields"]["position"]] == ["field_not_allowed"]
    assert not Photo.objects.exists()
    assert stored_keys() == []


@pytest.mark.parametrize(
    ("field", "payload"),
    [
        ("file", {"file": [io.BytesIO(samples.image_bytes("PNG")), io.BytesIO(samples.image_bytes())]}),
        ("caption", {"file": io.BytesIO(samples.image_bytes("PNG")), "caption": ["Sala", "Cozinha"]}),
    ],
)
def test_a_field_sent_twice_in_an_upload_is_refused_and_leaves_nothing_behind(
    collector_client: APIClient, draft: RealEstate, field: str, payload: dict[str, Any]
) -> None:
    """Two files in one upload stored the last one alone, with a 201 as if all went in."""
    response = collector_client.post(photos_url(draft), payload, format="multipart")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [item["code"] for item in error["fields"][field]] == ["parameter_repeated"]
    assert not Photo.objects.exists()
    assert stored_keys() == []
