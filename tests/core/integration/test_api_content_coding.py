"""A request body in a content coding the API does not decode (gzip, br, ...) is a 415, as RFC 9110
says, whatever its bytes: gzip was parsed as JSON (a 400 `MALFORMED_REQUEST`), and a body
labelled `br` whose bytes happened to be JSON was read as plain JSON."""

import gzip
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.media.models import Photo
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import photos_url
from tests.real_estates.factories import RealEstateFactory
from tests.real_estates.helpers import payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/real-estates"


def _refused(response: Any) -> None:
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert response["Accept-Encoding"] == "identity"


@pytest.mark.parametrize("coding", ["gzip", "br", "deflate", "identity, gzip", "GZIP"])
def test_a_create_in_a_content_coding_is_refused_and_nothing_is_written(
    collector_client: APIClient, coding: str
) -> None:
    body = json.dumps(payload()).encode()
    response = collector_client.post(
        URL,
        gzip.compress(body) if "gzip" in coding.lower() else body,
        content_type="application/json",
        headers={"Content-Encoding": coding},
    )
    _refused(response)
    assert not RealEstate.objects.exists()


def test_an_edit_labelled_with_a_coding_is_not_read_as_plain_json(
    collector: User, collector_client: APIClient
) -> None:
    real_estate = RealEstateFactory(collected_by=collector)
    response = collector_client.patch(
        f"{URL}/{real_estate.pk}",
        b'{"title": "Casa renomeada"}',
        content_type="application/json",
        headers={"Content-Encoding": "br", "If-Match": "*"},
    )
    _refused(response)
    real_estate.refresh_from_db()
    assert real_estate.title != "Casa renomeada"


@pytest.mark.parametrize("coding", ["identity", "", "Identity"])
def test_the_identity_coding_is_a_plain_body(collector_client: APIClient, coding: str) -> None:
    response = collector_client.post(
        URL,
        json.dumps(payload()).encode(),
        content_type="application/json",
        headers={"Content-Encoding": coding},
    )
    assert response.status_code == 201, response.json()


def test_a_photo_upload_in_a_content_coding_is_refused(collector: User, collector_client: APIClient) -> None:
    real_estate = RealEstateFactory(collected_by=collector)
    photos_before = Photo.objects.filter(real_estate=real_estate).count()
    upload = SimpleUploadedFile("photo.png", samples.image_bytes("PNG"), content_type="image/png")
    response = collector_client.post(
        photos_url(real_estate), {"file": upload}, format="multipart", headers={"Content-Encoding": "gzip"}
    )
    _refused(response)
    assert Photo.objects.filter(real_estate=real_estate).count() == photos_before
