"""An upload's media type is read whatever its letter case (RFC 9110: type, subtype and parameter
names are case-insensitive; the boundary's value is not): `Multipart/Form-Data` reached Django's
multipart parser as sent, which takes only a lower-case `multipart/`, and answered 400
`MALFORMED_REQUEST` to an upload that `multipart/form-data` would have stored."""

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate
from tests.media import samples
from tests.media.conftest import photos_url

pytestmark = pytest.mark.django_db

BOUNDARY = "Fronteira-Xy"  # mixed case: the value itself is case-sensitive and must stay as sent


def _multipart(data: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.mark.parametrize(
    "content_type",
    [
        f"multipart/form-data; boundary={BOUNDARY}",
        f"Multipart/Form-Data; boundary={BOUNDARY}",
        f"MULTIPART/FORM-DATA; Boundary={BOUNDARY}",
    ],
)
def test_a_photo_is_stored_whatever_the_case_of_its_media_type(
    collector_client: APIClient, draft: RealEstate, content_type: str
) -> None:
    response = collector_client.post(
        photos_url(draft), _multipart(samples.image_bytes("PNG")), content_type=content_type
    )
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "image/png"
